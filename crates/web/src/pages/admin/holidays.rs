//! `/admin/libur`: the holiday table (national holidays and cuti bersama) by year, adding a
//! date and removing one. It must never change the table but one date at a time through the
//! store's audited functions. A running server measures deadlines on the calendar it loaded
//! at start-up: the page says so, since edits count for deadlines after a restart.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, Weekday};
use pelihara_calendar::{Holiday, HolidayKind};
use pelihara_i18n::format_date;
use serde::Deserialize;

use super::users::Choice;
use super::{AdminTab, FormData, notice, tabs, too_long};
use crate::auth::AdminUser;
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

const PATH: &str = "/admin/libur";
const KINDS: [HolidayKind; 2] = [HolidayKind::LiburNasional, HolidayKind::CutiBersama];

#[derive(Template)]
#[template(path = "admin_holidays_partial.html")]
struct HolidaysPartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    year: i32,
    /// Years that have holidays, and the shown one, for the year links.
    years: Vec<(i32, bool)>,
    rows: Vec<HolidayRow>,
    form: HolidayForm,
    kinds: Vec<Choice>,
    errors: FormErrors,
}

struct HolidayRow {
    date: String,
    shown_date: String,
    weekday: String,
    kind: String,
    kind_code: &'static str,
    name: String,
}

#[derive(Default)]
struct HolidayForm {
    date: String,
    kind: String,
    name: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    tahun: Option<i32>,
    #[serde(default)]
    ok: Option<String>,
}

fn weekday_key(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "admin-weekday-mon",
        Weekday::Tue => "admin-weekday-tue",
        Weekday::Wed => "admin-weekday-wed",
        Weekday::Thu => "admin-weekday-thu",
        Weekday::Fri => "admin-weekday-fri",
        Weekday::Sat => "admin-weekday-sat",
        Weekday::Sun => "admin-weekday-sun",
    }
}

async fn render(
    shell: Shell,
    state: &AppState,
    status: StatusCode,
    year: i32,
    form: HolidayForm,
    errors: FormErrors,
    notice_text: Option<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let holidays = state.services().store.holidays().await?;
    let mut years: Vec<i32> = holidays.iter().map(|holiday| holiday.date.year()).collect();
    years.push(year);
    years.sort_unstable();
    years.dedup();
    let rows = holidays
        .into_iter()
        .filter(|holiday| holiday.date.year() == year)
        .map(|holiday| HolidayRow {
            date: holiday.date.to_string(),
            shown_date: format_date(tr.lang(), holiday.date),
            weekday: tr.t(weekday_key(holiday.date.weekday())),
            kind: tr.t(holiday.kind.message_key()),
            kind_code: holiday.kind.code(),
            name: holiday.name,
        })
        .collect();
    let kinds = KINDS
        .iter()
        .map(|kind| Choice {
            value: kind.code().to_owned(),
            label: tr.t(kind.message_key()),
            selected: form.kind == kind.code(),
        })
        .collect();
    let partial = HolidaysPartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: notice_text,
        year,
        years: years
            .into_iter()
            .map(|shown| (shown, shown == year))
            .collect(),
        rows,
        form,
        kinds,
        errors,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("admin-title-holidays"))?;
    Ok((status, response).into_response())
}

/// After a change: back to the year of the changed date, saying what was done.
fn back_to_year(year: i32, notice_code: &str) -> Response {
    Redirect::to(&format!("{PATH}?tahun={year}&ok={notice_code}")).into_response()
}

/// The year shown when none is asked for: this year in the office's time zone.
fn this_year(state: &AppState) -> i32 {
    let services = state.services();
    services
        .clock
        .now()
        .with_timezone(&services.calendar.snapshot().time_zone)
        .year()
}

/// `GET /admin/libur?tahun=2026`: the holidays of a year and a form to add one.
pub(crate) async fn view_admin_holidays_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let year = query
        .tahun
        .filter(|year| (1900..=2200).contains(year))
        .unwrap_or_else(|| this_year(&state));
    let notice_text = notice(shell.tr, query.ok.as_deref());
    let form = HolidayForm {
        kind: HolidayKind::LiburNasional.code().to_owned(),
        ..HolidayForm::default()
    };
    render(
        shell,
        &state,
        StatusCode::OK,
        year,
        form,
        FormErrors::new(),
        notice_text,
    )
    .await
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|date| (1900..=2200).contains(&date.year()))
}

/// `POST /admin/libur`: adds a holiday, or shows the form again with what is wrong.
pub(crate) async fn view_admin_holidays_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let data = FormData(data);
    let form = HolidayForm {
        date: data.text("date"),
        kind: data.text("kind"),
        name: data.text("name"),
    };
    let mut errors = FormErrors::new();
    let date = parse_date(&form.date);
    if date.is_none() {
        errors.field("date", tr.t("admin-error-date"));
    }
    let kind = HolidayKind::from_code(&form.kind);
    if kind.is_none() {
        errors.field("kind", tr.t("admin-error-choose"));
    }
    if form.name.is_empty() {
        errors.field("name", tr.t("admin-error-required"));
    } else if too_long(&form.name, 120) {
        errors.field("name", tr.t1("admin-error-too-long", "max", 120));
    }
    let year = date.map_or_else(|| this_year(&state), |date| date.year());
    if let (Some(date), Some(kind), true) = (date, kind, errors.is_empty()) {
        let holiday = Holiday {
            date,
            kind,
            name: form.name.clone(),
        };
        match services
            .store
            .add_holiday(&holiday, &admin.0.audit_source(), services.clock.now())
            .await
        {
            Ok(()) => {
                // This node's pages count with the new day at once; others within seconds.
                services.calendar.refresh(&services.store).await?;
                return Ok(back_to_year(date.year(), "holiday-added"));
            }
            Err(error) if error.is_unique_violation() => {
                errors.field("date", tr.t("admin-error-holiday-taken"));
            }
            Err(error) => return Err(WebError::internal(error)),
        }
    }
    render(
        shell,
        &state,
        StatusCode::UNPROCESSABLE_ENTITY,
        year,
        form,
        errors,
        None,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct RemoveForm {
    date: String,
}

/// `POST /admin/libur/hapus`: removes the holiday on `date`.
pub(crate) async fn view_admin_holiday_remove_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Form(form): Form<RemoveForm>,
) -> Result<Response, WebError> {
    let services = state.services();
    let date = parse_date(form.date.trim()).ok_or(WebError::NotFound)?;
    let removed = services
        .store
        .delete_holiday(date, &admin.0.audit_source(), services.clock.now())
        .await?;
    if !removed {
        return Err(WebError::NotFound);
    }
    services.calendar.refresh(&services.store).await?;
    Ok(back_to_year(date.year(), "holiday-removed"))
}
