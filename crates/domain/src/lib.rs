//! The SOP engine: cases pinned to an SOP version, tasks per step for a position, the
//! actions of the SOP (submit, register, dispose, analyse, maintain, host, hand over, return,
//! reject, withdraw, skip, send back, recall), SLA, permissions and acting officials.
//!
//! **Architecture invariant:** no IO and no clock. Every function takes `now`; the store
//! persists what the engine returns, and nothing here knows about SQL or HTTP.

pub mod agenda;
pub mod case;
pub mod engine;
pub mod ids;
pub mod monitoring;
pub mod notification;
pub mod people;
pub mod records;
pub mod refusal;
pub mod register;
pub mod report;
pub mod skm;
pub mod sla;

pub use case::*;
pub use engine::{
    ActionKind, AuditDraft, Available, CaseState, Command, Context, RegistrationInput, SubmitInput,
    Transition, apply, available_actions, may_start, may_take, may_view, submit,
};
pub use ids::*;
pub use people::*;
pub use records::*;
pub use refusal::{Problem, Refusal};
