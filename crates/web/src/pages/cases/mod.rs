//! The pages of requests (permohonan), one route family a file: the inbox "Tugas saya"
//! (`inbox`), the list of requests (`list`), the leadership dashboard (`dashboard`), the new
//! request form (`new_request`) with the letter upload (`letter`), the case page (`case_page`),
//! the action forms it offers (`case_actions`) and what they post (`action`). Handlers load
//! through the store, let the engine decide, and render; they never decide a case rule
//! themselves. Another OPD's case is a 404, exactly like a case that does not exist.

pub(crate) mod action;
pub(crate) mod case_actions;
pub(crate) mod case_page;
pub(crate) mod dashboard;
pub(crate) mod entries;
pub(crate) mod inbox;
pub(crate) mod letter;
pub(crate) mod list;
pub(crate) mod new_request;

use chrono::{DateTime, Utc};
use pelihara_domain::Task;
use pelihara_domain::sla;
use pelihara_i18n::{Lang, format_datetime};
use pelihara_sop::SopDefinition;

use crate::lang::Tr;
use crate::state::Services;

fn when(services: &Services, lang: Lang, instant: DateTime<Utc>) -> String {
    format_datetime(lang, services.calendar.snapshot().time_zone, instant)
}

/// The SLA badge of a task: its CSS modifier and its label.
fn badge(services: &Services, sop: &SopDefinition, tr: Tr, task: &Task) -> (String, String) {
    let state = sla::state(
        &services.calendar.snapshot(),
        task,
        services.clock.now(),
        sop.settings.due_soon_percent,
    );
    (
        state.code().to_owned(),
        tr.t(&format!("web-sla-{}", state.code())),
    )
}
