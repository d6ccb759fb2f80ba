//! The rules of the app/website register ("Data Pemeliharaan Aplikasi/Website"): when an app
//! is next due for its periodic maintenance and whether it is due soon or overdue, and what a
//! register entry may hold. Pure: the moment and the calendar are arguments; never does IO.
//!
//! The SOP warns that every app/website must be maintained within a year. Pelihara reads
//! that as: the next maintenance is due `interval` calendar months after the local date the
//! last maintenance case was closed (or, for an app never maintained, after the date it was
//! registered). A due date that falls on a day the month lacks (31 January + 1 month) moves
//! back to the month's last day, as `chrono` does; the due day itself is still on time.
//!
//! A due date on a day the office is closed (a weekend, a libur nasional, a cuti bersama)
//! moves to the next working day, as an administrative deadline does: nobody can act on a
//! Sunday, so the app is not overdue before the office has had its day. The reminder window
//! counts back from the date itself (so a holiday never shortens the warning), and an app is
//! overdue from 00.00 local time on the day after the (moved) due date.

use chrono::{DateTime, Months, NaiveDate, Utc};
use pelihara_calendar::WorkingCalendar;
use pelihara_sop::{SopDefinition, StepForm};
use serde::{Deserialize, Serialize};

use crate::people::{Actor, Role, effective_positions};

/// The SOP's "dalam satu tahun" when neither the SOP settings nor the app override it.
pub const DEFAULT_INTERVAL_MONTHS: u32 = 12;
/// How long before the due date an app counts as due soon (the one-month reminder).
pub const DEFAULT_DUE_SOON_DAYS: u32 = 30;
/// The longest interval accepted (ten years): anything longer is a typo, not a policy.
pub const MAX_INTERVAL_MONTHS: u32 = 120;

/// Where an app stands against its next periodic maintenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    /// More than the warning window before the due date.
    Current,
    /// Within the warning window, due date not yet passed (the due day itself included).
    DueSoon,
    /// The due date has passed.
    Overdue,
}

impl DueState {
    pub const ALL: [DueState; 3] = [DueState::Current, DueState::DueSoon, DueState::Overdue];

    pub fn code(self) -> &'static str {
        match self {
            DueState::Current => "current",
            DueState::DueSoon => "due_soon",
            DueState::Overdue => "overdue",
        }
    }

    pub fn from_code(code: &str) -> Option<DueState> {
        DueState::ALL.into_iter().find(|state| state.code() == code)
    }

    /// The i18n key of the state's label.
    pub fn message_key(self) -> &'static str {
        match self {
            DueState::Current => "register-due-current",
            DueState::DueSoon => "register-due-soon",
            DueState::Overdue => "register-due-overdue",
        }
    }
}

/// An app's lifecycle in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppStatus {
    Active,
    /// No longer in service: kept for its history, never due.
    Retired,
    /// Proposed by an OPD operator with a request ("usulan"); not yet confirmed by admin or
    /// Pelaksana, so never due and never in a reminder.
    Proposed,
}

impl AppStatus {
    pub const ALL: [AppStatus; 3] = [AppStatus::Active, AppStatus::Retired, AppStatus::Proposed];

    pub fn code(self) -> &'static str {
        match self {
            AppStatus::Active => "active",
            AppStatus::Retired => "retired",
            AppStatus::Proposed => "proposed",
        }
    }

    pub fn from_code(code: &str) -> Option<AppStatus> {
        AppStatus::ALL
            .into_iter()
            .find(|status| status.code() == code)
    }

    pub fn message_key(self) -> &'static str {
        match self {
            AppStatus::Active => "register-status-active",
            AppStatus::Retired => "register-status-retired",
            AppStatus::Proposed => "register-status-proposed",
        }
    }
}

/// The next periodic maintenance of one app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MaintenanceDue {
    /// The local date the interval counts from: the last completed maintenance, or the
    /// registration date of an app never maintained.
    pub basis: NaiveDate,
    /// Whether `basis` is a completed maintenance (rather than the registration date).
    pub maintained: bool,
    /// `basis` plus the interval (the date a person reads as "one year later").
    pub due: NaiveDate,
    /// The last day the maintenance is on time: `due`, or the next working day when the
    /// office is closed on `due`.
    pub effective_due: NaiveDate,
    pub state: DueState,
    /// Days from today to the effective due date; negative once overdue.
    pub days_left: i64,
}

/// How far forward a closed due day may move: the longest run of closed days in any
/// Indonesian year (Lebaran with its cuti bersama and a weekend) is far shorter.
const MAX_CLOSED_RUN: u32 = 60;

/// `due`, or the first working day after it when the office is closed on `due`. A calendar
/// with no working day within [`MAX_CLOSED_RUN`] days leaves the date where it is.
pub fn effective_due_date(calendar: &WorkingCalendar, due: NaiveDate) -> NaiveDate {
    let mut day = due;
    for _ in 0..MAX_CLOSED_RUN {
        if calendar.is_working_day(day) {
            return day;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => return due,
        }
    }
    due
}

/// Where an app with nominal due date `due` stands at `now`: due soon from 00.00 local time
/// `reminder_days` days before `due`, overdue from 00.00 on the day after the effective due
/// date (see the module text for why a closed due day moves).
pub fn maintenance_state(
    calendar: &WorkingCalendar,
    due: NaiveDate,
    reminder_days: u32,
    now: DateTime<Utc>,
) -> DueState {
    let today = calendar.local_date(now);
    let effective = effective_due_date(calendar, due);
    if today > effective {
        DueState::Overdue
    } else if (due - today).num_days() <= i64::from(reminder_days) {
        DueState::DueSoon
    } else {
        DueState::Current
    }
}

/// What an admin sets for periodic maintenance (the store keeps it as settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenancePolicy {
    /// Months between maintenances of an app without its own interval.
    pub interval_months: u32,
    /// Days before the due date an app counts as due soon (and its reminder goes).
    pub reminder_days: u32,
    /// Whether the scheduler prepares a draft request when an app becomes due soon.
    pub auto_drafts: bool,
}

/// The longest reminder window accepted (a year): longer would make every app "due soon".
pub const MAX_REMINDER_DAYS: u32 = 366;

impl MaintenancePolicy {
    /// The policy when an admin has set nothing: the SOP's interval (zero: the default), the
    /// one-month reminder, drafts only on a click.
    pub fn with_sop_interval(sop_interval_months: u32) -> MaintenancePolicy {
        MaintenancePolicy {
            interval_months: interval_months(None, sop_interval_months),
            reminder_days: DEFAULT_DUE_SOON_DAYS,
            auto_drafts: false,
        }
    }

    /// What is wrong with the policy, field by field, as i18n keys.
    pub fn problems(&self) -> FieldProblems {
        let mut problems = Vec::new();
        if !(1..=MAX_INTERVAL_MONTHS).contains(&self.interval_months) {
            problems.push(("interval_months", "register-error-interval"));
        }
        if self.reminder_days > MAX_REMINDER_DAYS {
            problems.push(("reminder_days", "register-error-reminder-days"));
        }
        FieldProblems(problems)
    }
}

/// `basis` plus `months` calendar months, clamped to the last day of a shorter month;
/// `None` only beyond the calendar's range.
pub fn due_date(basis: NaiveDate, months: u32) -> Option<NaiveDate> {
    basis.checked_add_months(Months::new(months))
}

/// Where `today` stands against `due` with a warning window of `soon_days` days.
pub fn due_state(due: NaiveDate, today: NaiveDate, soon_days: u32) -> DueState {
    let days_left = (due - today).num_days();
    if days_left < 0 {
        DueState::Overdue
    } else if days_left <= i64::from(soon_days) {
        DueState::DueSoon
    } else {
        DueState::Current
    }
}

/// The interval that applies to an app: its own override, else the SOP's setting; zero (an
/// unset SOP value) falls back to [`DEFAULT_INTERVAL_MONTHS`].
pub fn interval_months(app_override: Option<u32>, sop_setting: u32) -> u32 {
    match app_override {
        Some(months) if months > 0 => months,
        _ if sop_setting > 0 => sop_setting,
        _ => DEFAULT_INTERVAL_MONTHS,
    }
}

/// The next periodic maintenance of an active app, in the calendar's time zone; `None` for
/// a retired app (never due) or a date beyond the calendar's range. The one rule every page,
/// export and reminder uses.
pub fn maintenance_due(
    calendar: &WorkingCalendar,
    status: AppStatus,
    registered_at: DateTime<Utc>,
    last_maintained_at: Option<DateTime<Utc>>,
    interval_months: u32,
    soon_days: u32,
    now: DateTime<Utc>,
) -> Option<MaintenanceDue> {
    if status != AppStatus::Active {
        return None;
    }
    let basis = calendar.local_date(last_maintained_at.unwrap_or(registered_at));
    let due = due_date(basis, interval_months)?;
    let effective_due = effective_due_date(calendar, due);
    let today = calendar.local_date(now);
    Some(MaintenanceDue {
        basis,
        maintained: last_maintained_at.is_some(),
        due,
        effective_due,
        state: maintenance_state(calendar, due, soon_days, now),
        days_left: (effective_due - today).num_days(),
    })
}

/// Where the basis of an app with a given interval must lie for each due state at one moment,
/// so that a list can filter by state in SQL instead of computing every app's due date: an
/// active app whose basis instant (last maintenance, else registration) is before
/// `overdue_before` is overdue, before `due_soon_before` (and not overdue) due soon, and from
/// `due_soon_before` on current: exactly what [`maintenance_due`] says of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueBounds {
    pub overdue_before: DateTime<Utc>,
    pub due_soon_before: DateTime<Utc>,
}

/// The latest basis date whose due date (`basis + months`) is on or before `last_due`.
fn latest_basis(last_due: NaiveDate, months: u32) -> Option<NaiveDate> {
    let mut basis = last_due.checked_sub_months(Months::new(months))?;
    // Month ends clamp (31 March - 1 month = 28 February, whose due date is 28 March): step
    // to the exact edge. A few days at most either way.
    for _ in 0..8 {
        match basis.succ_opt() {
            Some(next) if due_date(next, months).is_some_and(|due| due <= last_due) => {
                basis = next;
            }
            _ => break,
        }
    }
    while due_date(basis, months).is_none_or(|due| due > last_due) {
        basis = basis.pred_opt()?;
    }
    Some(basis)
}

/// [`DueBounds`] for apps maintained every `interval_months`, at `now`. `None` only at the
/// calendar's ends.
pub fn due_bounds(
    calendar: &WorkingCalendar,
    interval_months: u32,
    reminder_days: u32,
    now: DateTime<Utc>,
) -> Option<DueBounds> {
    let today = calendar.local_date(now);
    // Overdue: the (moved) due date is before today. The latest such due date: yesterday,
    // or earlier when the office was closed on the days just before today.
    let mut last_overdue = today.pred_opt()?;
    for _ in 0..=MAX_CLOSED_RUN {
        if effective_due_date(calendar, last_overdue) < today {
            break;
        }
        last_overdue = last_overdue.pred_opt()?;
    }
    // Due soon or worse: the due date itself within the reminder window.
    let last_due_soon = today.checked_add_days(chrono::Days::new(u64::from(reminder_days)))?;
    let start_of_day_after =
        |basis: NaiveDate| -> Option<DateTime<Utc>> { calendar.start_of_day(basis.succ_opt()?) };
    Some(DueBounds {
        overdue_before: start_of_day_after(latest_basis(last_overdue, interval_months)?)?,
        due_soon_before: start_of_day_after(latest_basis(last_due_soon, interval_months)?)?,
    })
}

/// What is wrong with a register entry, field by field, as i18n keys.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldProblems(pub Vec<(&'static str, &'static str)>);

impl FieldProblems {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message key of the first problem with `field`, if any.
    pub fn of(&self, field: &str) -> Option<&'static str> {
        self.0
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, key)| *key)
    }
}

/// The fields of a register entry a person types (the OPD is chosen separately).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppFields {
    pub name: String,
    pub url: String,
    pub domain: String,
    pub hosting: String,
    pub hosting_location: String,
    pub hosting_environment: String,
    pub stack: String,
    pub opd_contact_name: String,
    pub opd_contact_phone: String,
    pub opd_contact_email: String,
    pub office_contact_name: String,
    pub office_contact_phone: String,
    pub office_contact_email: String,
    pub status: String,
    pub maintenance_interval_months: Option<u32>,
    pub notes: String,
}

const MAX_TEXT: usize = 500;
const MAX_NOTES: usize = 4000;

fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !text.contains(' ')
}

fn looks_like_web_address(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !text.chars().any(char::is_whitespace)
    })
}

fn looks_like_domain(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 253
        && text.contains('.')
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

impl AppFields {
    /// Trims every text field (what is stored is what was meant).
    pub fn trimmed(mut self) -> AppFields {
        for field in [
            &mut self.name,
            &mut self.url,
            &mut self.domain,
            &mut self.hosting,
            &mut self.hosting_location,
            &mut self.hosting_environment,
            &mut self.stack,
            &mut self.opd_contact_name,
            &mut self.opd_contact_phone,
            &mut self.opd_contact_email,
            &mut self.office_contact_name,
            &mut self.office_contact_phone,
            &mut self.office_contact_email,
            &mut self.status,
            &mut self.notes,
        ] {
            *field = field.trim().to_owned();
        }
        self.domain = self.domain.to_ascii_lowercase();
        self
    }

    /// Checks a trimmed entry; the keys name the field and the message.
    pub fn problems(&self) -> FieldProblems {
        let mut problems = Vec::new();
        if self.name.is_empty() {
            problems.push(("name", "register-error-name-required"));
        }
        if !self.url.is_empty() && !looks_like_web_address(&self.url) {
            problems.push(("url", "register-error-url"));
        }
        if !self.domain.is_empty() && !looks_like_domain(&self.domain) {
            problems.push(("domain", "register-error-domain"));
        }
        for (field, value) in [
            ("opd_contact_email", &self.opd_contact_email),
            ("office_contact_email", &self.office_contact_email),
        ] {
            if !value.is_empty() && !looks_like_email(value) {
                problems.push((field, "register-error-email"));
            }
        }
        if AppStatus::from_code(&self.status).is_none() {
            problems.push(("status", "register-error-status"));
        }
        if let Some(months) = self.maintenance_interval_months
            && !(1..=MAX_INTERVAL_MONTHS).contains(&months)
        {
            problems.push(("maintenance_interval_months", "register-error-interval"));
        }
        for (field, value) in [
            ("name", &self.name),
            ("url", &self.url),
            ("domain", &self.domain),
            ("hosting", &self.hosting),
            ("hosting_location", &self.hosting_location),
            ("hosting_environment", &self.hosting_environment),
            ("stack", &self.stack),
            ("opd_contact_name", &self.opd_contact_name),
            ("opd_contact_phone", &self.opd_contact_phone),
            ("office_contact_name", &self.office_contact_name),
            ("office_contact_phone", &self.office_contact_phone),
        ] {
            if value.chars().count() > MAX_TEXT {
                problems.push((field, "register-error-too-long"));
            }
        }
        if self.notes.chars().count() > MAX_NOTES {
            problems.push(("notes", "register-error-too-long"));
        }
        FieldProblems(problems)
    }
}

/// The result of one health check of an app's address (what the checker found and the store
/// keeps). Plain data: the checker lives outside the domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheck {
    pub checked_at: DateTime<Utc>,
    /// The address checked first.
    pub url: String,
    /// Whether the app answered with a success status over an acceptable connection.
    pub ok: bool,
    pub http_status: Option<u16>,
    pub response_ms: Option<u64>,
    pub tls_issuer: Option<String>,
    pub tls_expires_at: Option<DateTime<Utc>>,
    /// Why the check failed, in plain words (for the history), when it did.
    pub error: Option<String>,
    /// Every address the check was redirected to, in order.
    pub redirects: Vec<String>,
}

/// Which apps a register list shows by their last health check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthFilter {
    Ok,
    Failing,
    Unchecked,
}

impl HealthFilter {
    pub const ALL: [HealthFilter; 3] = [
        HealthFilter::Ok,
        HealthFilter::Failing,
        HealthFilter::Unchecked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            HealthFilter::Ok => "ok",
            HealthFilter::Failing => "failing",
            HealthFilter::Unchecked => "unchecked",
        }
    }

    pub fn from_code(code: &str) -> Option<HealthFilter> {
        HealthFilter::ALL
            .into_iter()
            .find(|filter| filter.code() == code)
    }
}

/// The months between maintenances of an app without its own interval: the shortest
/// `maintenance_interval_months` of the SOPs whose cases count as maintenance, or 12 (the year
/// PermenPAN-RB practice and the shipped SOP's warning give) when none of them runs.
pub fn maintenance_interval_months<'a>(sops: impl IntoIterator<Item = &'a SopDefinition>) -> u32 {
    sops.into_iter()
        .filter(|sop| sop.intake.maintenance)
        .map(|sop| sop.settings.maintenance_interval_months)
        .min()
        .unwrap_or(12)
}

/// Who may change the register, by position: the staff who keep it (add and edit apps, confirm
/// an app an OPD proposed) and those who prepare draft maintenance requests for due apps. An
/// admin may do both; an OPD operator and an auditor neither (an operator proposes apps only
/// with a request). Positions are data, read from the SOP: the web names none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterRoles {
    /// Positions that keep the register.
    pub keepers: Vec<String>,
    /// Positions that prepare draft maintenance requests.
    pub preparers: Vec<String>,
}

impl RegisterRoles {
    /// The roles an SOP gives. Drafts are prepared by the actors the SOP names as
    /// `register_keepers`, or, where it names none, by the actors of its analysis and
    /// maintenance steps (the ones the SOP puts in charge of maintenance). The register is kept
    /// by the actors of its maintenance steps (they maintain the apps it lists): the SOP's
    /// `register_keepers` also names the Sub-coordinator, who has not edited the register so
    /// far, so that list is not used for editing until the SOP says which of its keepers edit.
    /// The requester's actor holds no position and is never one of them.
    pub fn of_sop(sop: &SopDefinition) -> RegisterRoles {
        let positions_of = |forms: &[StepForm]| -> Vec<String> {
            let mut positions: Vec<String> = Vec::new();
            for step in sop.steps.iter().filter(|step| forms.contains(&step.form)) {
                for actor in step.actors.iter().filter_map(|id| sop.actor(id)) {
                    if !actor.requester
                        && !actor.position.is_empty()
                        && !positions.contains(&actor.position)
                    {
                        positions.push(actor.position.clone());
                    }
                }
            }
            positions
        };
        RegisterRoles {
            keepers: positions_of(&[StepForm::Maintenance]),
            preparers: if sop.settings.register_keepers.is_empty() {
                positions_of(&[StepForm::Analysis, StepForm::Maintenance])
            } else {
                sop.positions_of(&sop.settings.register_keepers)
            },
        }
    }

    /// The roles of every SOP whose finished cases count as maintenance of their app (the
    /// register is theirs), together; without such an SOP only an admin keeps the register.
    pub fn of_maintenance_sops<'a>(
        sops: impl IntoIterator<Item = &'a SopDefinition>,
    ) -> RegisterRoles {
        let mut roles = RegisterRoles::default();
        for sop in sops.into_iter().filter(|sop| sop.intake.maintenance) {
            let RegisterRoles { keepers, preparers } = RegisterRoles::of_sop(sop);
            for (mine, theirs) in [
                (&mut roles.keepers, keepers),
                (&mut roles.preparers, preparers),
            ] {
                for position in theirs {
                    if !mine.contains(&position) {
                        mine.push(position);
                    }
                }
            }
        }
        roles
    }

    /// Whether `actor` may add and edit apps and confirm proposed ones at `now` (an admin, or
    /// staff holding a keeper's position in their own right or as Plh/Plt).
    pub fn may_keep(&self, actor: &Actor, now: DateTime<Utc>) -> bool {
        admin_or_in(actor, &self.keepers, now)
    }

    /// Whether `actor` may prepare a draft maintenance request for a due app at `now`.
    pub fn may_prepare_draft(&self, actor: &Actor, now: DateTime<Utc>) -> bool {
        admin_or_in(actor, &self.preparers, now)
    }
}

fn admin_or_in(actor: &Actor, positions: &[String], now: DateTime<Utc>) -> bool {
    (actor.user.active && actor.user.role == Role::Admin)
        || effective_positions(actor, now)
            .iter()
            .any(|position| positions.contains(position))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Asia::Jakarta;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn due_dates_over_month_ends_and_leap_years() {
        let cases = [
            // (basis, months, due)
            (date(2025, 3, 14), 12, date(2026, 3, 14)),
            (date(2024, 2, 29), 12, date(2025, 2, 28)), // leap day, next year has none
            (date(2024, 2, 29), 48, date(2028, 2, 29)), // four years on: leap again
            (date(2023, 2, 28), 12, date(2024, 2, 28)), // into a leap year: not the 29th
            (date(2026, 1, 31), 1, date(2026, 2, 28)),
            (date(2028, 1, 31), 1, date(2028, 2, 29)),
            (date(2026, 8, 31), 6, date(2027, 2, 28)),
            (date(2026, 3, 31), 6, date(2026, 9, 30)),
            (date(2026, 12, 31), 12, date(2027, 12, 31)),
            (date(2026, 12, 15), 1, date(2027, 1, 15)), // over the year end
            (date(2026, 11, 30), 3, date(2027, 2, 28)),
        ];
        for (basis, months, expected) in cases {
            assert_eq!(
                due_date(basis, months),
                Some(expected),
                "{basis} + {months}"
            );
        }
    }

    #[test]
    fn due_states_around_the_due_date() {
        let due = date(2027, 3, 1);
        let cases = [
            (date(2027, 1, 29), 30, DueState::Current), // 31 days left
            (date(2027, 1, 30), 30, DueState::DueSoon), // 30 days left: inside the window
            (date(2027, 2, 28), 30, DueState::DueSoon),
            (date(2027, 3, 1), 30, DueState::DueSoon), // the due day is still on time
            (date(2027, 3, 2), 30, DueState::Overdue),
            (date(2027, 3, 1), 0, DueState::DueSoon),
            (date(2027, 2, 28), 0, DueState::Current),
            (date(2030, 1, 1), 30, DueState::Overdue),
        ];
        for (today, soon, expected) in cases {
            assert_eq!(
                due_state(due, today, soon),
                expected,
                "{today} window {soon}"
            );
        }
        // Over a leap February: 2028-02-01 to 2028-03-01 is 29 days.
        assert_eq!(
            due_state(date(2028, 3, 1), date(2028, 2, 1), 28),
            DueState::Current
        );
        assert_eq!(
            due_state(date(2028, 3, 1), date(2028, 2, 1), 29),
            DueState::DueSoon
        );
    }

    fn wib(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Jakarta
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn counts_from_the_local_date_of_the_last_maintenance() {
        let calendar = WorkingCalendar::indonesia_default().unwrap();
        // Closed at 06.30 WIB on 1 March 2025, which is still 28 February in UTC: the local
        // date counts, so the app is due on 1 March 2026, not 28 February.
        let closed = wib(2025, 3, 1, 6, 30);
        assert_eq!(closed.date_naive(), date(2025, 2, 28));
        let registered = wib(2020, 1, 6, 9, 0);
        let due = maintenance_due(
            &calendar,
            AppStatus::Active,
            registered,
            Some(closed),
            12,
            30,
            wib(2026, 3, 1, 23, 59),
        )
        .unwrap();
        assert_eq!(due.basis, date(2025, 3, 1));
        assert!(due.maintained);
        assert_eq!(due.due, date(2026, 3, 1));
        // 1 March 2026 is a Sunday: the office's next day, Monday 2 March, is still on time.
        assert_eq!(due.effective_due, date(2026, 3, 2));
        assert_eq!(due.state, DueState::DueSoon);
        assert_eq!(due.days_left, 1);
        let at = |now| {
            maintenance_due(
                &calendar,
                AppStatus::Active,
                registered,
                Some(closed),
                12,
                30,
                now,
            )
            .unwrap()
        };
        assert_eq!(at(wib(2026, 3, 2, 23, 59)).state, DueState::DueSoon);
        assert_eq!(at(wib(2026, 3, 2, 23, 59)).days_left, 0);
        // One minute later, in WIB, the Monday is over: overdue.
        let later = at(wib(2026, 3, 3, 0, 0));
        assert_eq!(later.state, DueState::Overdue);
        assert_eq!(later.days_left, -1);
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, s).single().unwrap()
    }

    #[test]
    fn a_due_date_in_lebaran_moves_to_the_first_working_day_after_it() {
        let calendar = WorkingCalendar::indonesia_default().unwrap();
        // Maintained 18 March 2025: due Wednesday 18 March 2026, a cuti bersama (Nyepi),
        // followed by Nyepi, Idul Fitri with its cuti bersama and a weekend: the office next
        // opens on Wednesday 25 March.
        let due = date(2026, 3, 18);
        assert_eq!(due_date(date(2025, 3, 18), 12), Some(due));
        assert_eq!(effective_due_date(&calendar, due), date(2026, 3, 25));
        let cases = [
            // The reminder window (30 days) counts back from the 18th: 16 February, 00.00 WIB
            // (= 15 February 17.00 UTC).
            (utc(2026, 2, 15, 16, 59, 59), DueState::Current),
            (utc(2026, 2, 15, 17, 0, 0), DueState::DueSoon),
            (wib(2026, 3, 18, 9, 0), DueState::DueSoon),
            (wib(2026, 3, 22, 12, 0), DueState::DueSoon),
            // The last on-time moment is 23.59.59 WIB on 25 March (16.59.59 UTC).
            (utc(2026, 3, 25, 16, 59, 59), DueState::DueSoon),
            (utc(2026, 3, 25, 17, 0, 0), DueState::Overdue),
        ];
        for (now, expected) in cases {
            assert_eq!(
                maintenance_state(&calendar, due, 30, now),
                expected,
                "at {now}"
            );
        }
    }

    #[test]
    fn christmas_and_a_weekend_move_a_due_date_to_monday() {
        let calendar = WorkingCalendar::indonesia_default().unwrap();
        // Friday 25 December 2026 is Natal, then Saturday and Sunday.
        let due = date(2026, 12, 25);
        assert_eq!(effective_due_date(&calendar, due), date(2026, 12, 28));
        assert_eq!(
            maintenance_state(&calendar, due, 30, wib(2026, 12, 28, 16, 0)),
            DueState::DueSoon
        );
        assert_eq!(
            maintenance_state(&calendar, due, 30, wib(2026, 12, 29, 0, 0)),
            DueState::Overdue
        );
        // A working due day does not move: Thursday 10 December 2026.
        let working = date(2026, 12, 10);
        assert_eq!(effective_due_date(&calendar, working), working);
        assert_eq!(
            maintenance_state(&calendar, working, 30, wib(2026, 12, 10, 23, 59)),
            DueState::DueSoon
        );
        assert_eq!(
            maintenance_state(&calendar, working, 30, wib(2026, 12, 11, 0, 0)),
            DueState::Overdue
        );
        // A window of zero days: due soon only from the due day itself.
        assert_eq!(
            maintenance_state(&calendar, working, 0, wib(2026, 12, 9, 23, 59)),
            DueState::Current
        );
        assert_eq!(
            maintenance_state(&calendar, working, 0, wib(2026, 12, 10, 0, 0)),
            DueState::DueSoon
        );
    }

    #[test]
    fn a_calendar_without_working_days_leaves_the_due_date() {
        let calendar = WorkingCalendar::new(
            chrono_tz::Asia::Jakarta,
            pelihara_calendar::WeekSchedule::closed(),
            [],
        );
        let due = date(2026, 12, 25);
        assert_eq!(effective_due_date(&calendar, due), due);
    }

    #[test]
    fn the_policy_checks_its_numbers() {
        let policy = MaintenancePolicy::with_sop_interval(0);
        assert_eq!(policy.interval_months, DEFAULT_INTERVAL_MONTHS);
        assert_eq!(policy.reminder_days, DEFAULT_DUE_SOON_DAYS);
        assert!(!policy.auto_drafts);
        assert!(policy.problems().is_empty());
        let bad = MaintenancePolicy {
            interval_months: 0,
            reminder_days: 400,
            auto_drafts: true,
        };
        assert_eq!(
            bad.problems().of("interval_months"),
            Some("register-error-interval")
        );
        assert_eq!(
            bad.problems().of("reminder_days"),
            Some("register-error-reminder-days")
        );
        assert_eq!(MaintenancePolicy::with_sop_interval(6).interval_months, 6);
    }

    #[test]
    fn never_maintained_counts_from_registration_and_retired_is_never_due() {
        let calendar = WorkingCalendar::indonesia_default().unwrap();
        let registered = wib(2024, 2, 29, 10, 0);
        let due = maintenance_due(
            &calendar,
            AppStatus::Active,
            registered,
            None,
            12,
            30,
            wib(2025, 1, 1, 8, 0),
        )
        .unwrap();
        assert!(!due.maintained);
        assert_eq!(due.basis, date(2024, 2, 29));
        assert_eq!(due.due, date(2025, 2, 28));
        assert_eq!(due.state, DueState::Current);
        assert_eq!(
            maintenance_due(
                &calendar,
                AppStatus::Retired,
                registered,
                None,
                12,
                30,
                wib(2030, 1, 1, 8, 0)
            ),
            None
        );
    }

    #[test]
    fn the_app_override_wins_over_the_sop_setting() {
        assert_eq!(interval_months(Some(6), 12), 6);
        assert_eq!(interval_months(None, 18), 18);
        assert_eq!(interval_months(Some(0), 18), 18);
        assert_eq!(interval_months(None, 0), DEFAULT_INTERVAL_MONTHS);
    }

    #[test]
    fn field_problems_name_the_field() {
        let good = AppFields {
            name: "SIMPUS".into(),
            url: "https://simpus.demakkab.go.id/login".into(),
            domain: "simpus.demakkab.go.id".into(),
            status: "active".into(),
            opd_contact_email: "it@dinkes.demakkab.go.id".into(),
            maintenance_interval_months: Some(6),
            ..AppFields::default()
        };
        assert!(good.problems().is_empty(), "{:?}", good.problems());
        let bad = AppFields {
            name: "  ".into(),
            url: "simpus.demakkab.go.id".into(),
            domain: "bad domain".into(),
            status: "gone".into(),
            opd_contact_email: "nobody".into(),
            maintenance_interval_months: Some(0),
            ..AppFields::default()
        }
        .trimmed();
        let problems = bad.problems();
        assert_eq!(problems.of("name"), Some("register-error-name-required"));
        assert_eq!(problems.of("url"), Some("register-error-url"));
        assert_eq!(problems.of("domain"), Some("register-error-domain"));
        assert_eq!(problems.of("status"), Some("register-error-status"));
        assert_eq!(
            problems.of("opd_contact_email"),
            Some("register-error-email")
        );
        assert_eq!(
            problems.of("maintenance_interval_months"),
            Some("register-error-interval")
        );
        assert_eq!(problems.of("notes"), None);
    }

    fn person(role: Role, positions: &[&str], active: bool) -> Actor {
        Actor {
            user: crate::people::User {
                id: crate::UserId::random(),
                username: "u".to_owned(),
                full_name: "U".to_owned(),
                nip: None,
                role,
                positions: positions.iter().map(|p| (*p).to_owned()).collect(),
                opd_id: None,
                active,
            },
            delegations: Vec::new(),
        }
    }

    #[test]
    fn register_roles_by_role_position_and_delegation() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 3, 0, 0).unwrap();
        let roles = RegisterRoles {
            keepers: vec!["keeper".to_owned()],
            preparers: vec!["keeper".to_owned(), "analyst".to_owned()],
        };
        let mut acting_keeper = person(Role::Staff, &["other"], true);
        acting_keeper.delegations.push(crate::people::Delegation {
            id: crate::DelegationId::random(),
            position: "keeper".to_owned(),
            kind: crate::people::DelegationKind::Plh,
            delegate: acting_keeper.user.id,
            official_name: "K".to_owned(),
            from: now - chrono::Duration::days(1),
            until: now + chrono::Duration::days(1),
            revoked: false,
        });
        let cases = [
            // (who, may keep, may prepare a draft)
            ("admin", person(Role::Admin, &[], true), true, true),
            (
                "disabled admin",
                person(Role::Admin, &[], false),
                false,
                false,
            ),
            ("keeper", person(Role::Staff, &["keeper"], true), true, true),
            (
                "analyst",
                person(Role::Staff, &["analyst"], true),
                false,
                true,
            ),
            (
                "other staff",
                person(Role::Staff, &["other"], true),
                false,
                false,
            ),
            ("Plh of the keeper", acting_keeper, true, true),
            (
                "disabled keeper",
                person(Role::Staff, &["keeper"], false),
                false,
                false,
            ),
            ("auditor", person(Role::Auditor, &[], true), false, false),
            (
                "operator",
                person(Role::OpdOperator, &[], true),
                false,
                false,
            ),
        ];
        for (who, actor, keep, prepare) in cases {
            assert_eq!(roles.may_keep(&actor, now), keep, "{who} keeps");
            assert_eq!(
                roles.may_prepare_draft(&actor, now),
                prepare,
                "{who} prepares"
            );
        }
        // Without roles (no SOP loaded) only an admin changes the register.
        let none = RegisterRoles::default();
        assert!(none.may_keep(&person(Role::Admin, &[], true), now));
        assert!(!none.may_prepare_draft(&person(Role::Staff, &["keeper"], true), now));
    }

    #[test]
    fn register_roles_of_the_maintenance_sop() {
        let sop = pelihara_sop::parse_definition(
            "pemeliharaan-aplikasi-website.toml",
            include_str!("../../../sop/pemeliharaan-aplikasi-website.toml"),
        )
        .unwrap();
        let roles = RegisterRoles::of_sop(&sop);
        assert_eq!(roles.keepers, ["pelaksana"]);
        // As the SOP names them (`register_keepers`).
        assert_eq!(roles.preparers, ["pelaksana", "subkoor_spa"]);
        // An SOP that names none: the actors of its analysis and maintenance steps.
        let mut unnamed = sop.clone();
        unnamed.settings.register_keepers.clear();
        let roles = RegisterRoles::of_sop(&unnamed);
        assert_eq!(roles.preparers, ["subkoor_spa", "pelaksana"]);
    }

    #[test]
    fn due_bounds_split_apps_as_maintenance_due_does() {
        // Every basis day over three years, against "now"s around Lebaran, a year end, a
        // month end and a leap day, for several intervals and reminder windows: the bounds
        // put each app in the state maintenance_due gives it.
        let calendar = WorkingCalendar::indonesia_default().unwrap();
        let nows = [
            Jakarta.with_ymd_and_hms(2026, 3, 23, 8, 0, 0).unwrap(),
            Jakarta.with_ymd_and_hms(2026, 3, 30, 0, 0, 0).unwrap(),
            Jakarta.with_ymd_and_hms(2026, 12, 28, 23, 59, 59).unwrap(),
            Jakarta.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).unwrap(),
            Jakarta.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap(),
            Jakarta.with_ymd_and_hms(2028, 2, 29, 6, 0, 0).unwrap(),
        ];
        for now in nows.map(|now| now.with_timezone(&Utc)) {
            for months in [1, 3, 6, 12, 13, 120] {
                for reminder in [0, 7, 30, 366] {
                    let bounds = due_bounds(&calendar, months, reminder, now).unwrap();
                    assert!(bounds.overdue_before <= bounds.due_soon_before);
                    let mut basis = calendar.start_of_day(date(2016, 1, 1)).unwrap();
                    while basis < now {
                        // Two instants a day: the first and the last of the local day.
                        for instant in [
                            basis,
                            basis + chrono::TimeDelta::hours(24) - chrono::TimeDelta::seconds(1),
                        ] {
                            let expected = maintenance_due(
                                &calendar,
                                AppStatus::Active,
                                instant,
                                None,
                                months,
                                reminder,
                                now,
                            )
                            .unwrap()
                            .state;
                            let by_bounds = if instant < bounds.overdue_before {
                                DueState::Overdue
                            } else if instant < bounds.due_soon_before {
                                DueState::DueSoon
                            } else {
                                DueState::Current
                            };
                            assert_eq!(
                                by_bounds, expected,
                                "{instant} + {months} at {now}, {reminder} days"
                            );
                        }
                        basis += chrono::TimeDelta::days(1);
                    }
                }
            }
        }
    }
}
