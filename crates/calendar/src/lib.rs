//! The working-time calendar every SOP time standard (Mutu Baku) is measured in: office hours,
//! weekends, national holidays and cuti bersama, and the due moment, elapsed and remaining working
//! time of a standard. It never reads the clock or a file at run time: every instant is a
//! parameter, and the shipped holiday table is compiled in.
//!
//! Conventions every function follows:
//! - Instants are `DateTime<Utc>` and are counted at a resolution of one second; sub-second parts
//!   are dropped (floored) before counting, and every computed instant is a whole second.
//! - Office hours are the half-open interval `[open, close)` of a working day in the office time
//!   zone; a due moment may be the close itself (a standard used up at 16:00 is due at 16:00,
//!   never at the next opening).
//! - A pause is the half-open interval `[from, until)`; no working time is counted inside it.
//! - Work grows with the number of days walked; past the last holiday and pause, `due` skips
//!   whole weeks, so even absurd standards answer quickly.

mod clock;
mod error;
mod holidays_csv;
mod model;
mod pause;
mod ratio;
mod standard;

pub use error::CalendarError;
pub use holidays_csv::{SHIPPED_HOLIDAYS_CSV, holidays_to_csv, parse_holidays_csv};
pub use model::{Holiday, HolidayKind, OfficeHours, WeekSchedule, WorkingCalendar};
pub use pause::Pause;
pub use standard::{Quantity, Standard, Unit, unit_of};
