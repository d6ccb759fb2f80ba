//! `/admin/delegasi`: delegations of a position to an acting official (Plh. for a short
//! absence, Plt. for a vacancy) over whole days in the office's time zone, and revoking one.
//! The official's name is filled in from the position's current holder. It must never decide
//! who may act: the engine reads the delegations (`pelihara_domain::capacity`).

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use pelihara_domain::{Delegation, DelegationId, DelegationKind, Role, UserId};
use pelihara_i18n::format_date;
use serde::Deserialize;

use super::users::Choice;
use super::{
    AdminTab, ConfirmPartial, FormData, confirm_page, confirmed, done, notice, tabs, too_long,
};
use crate::auth::AdminUser;
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::people::{position_label, sop_positions};
use crate::shell::Shell;
use crate::state::{AppState, Services};

const PATH: &str = "/admin/delegasi";

#[derive(Template)]
#[template(path = "admin_delegations_partial.html")]
struct DelegationsPartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    rows: Vec<DelegationRow>,
    form: DelegationForm,
    positions: Vec<Choice>,
    kinds: Vec<Choice>,
    delegates: Vec<Choice>,
    errors: FormErrors,
}

/// The official-name field alone, what the position select swaps in (htmx) when it changes.
#[derive(Template)]
#[template(path = "admin_delegation_official.html")]
struct OfficialField {
    tr: Tr,
    official_name: String,
    errors: FormErrors,
}

struct DelegationRow {
    id: String,
    position: String,
    kind: &'static str,
    delegate: String,
    official_name: String,
    period: String,
    /// `active`, `scheduled`, `ended` or `revoked`: the badge's class and message.
    status: &'static str,
    revocable: bool,
}

#[derive(Default)]
struct DelegationForm {
    position: String,
    kind: String,
    delegate: String,
    official_name: String,
    from: String,
    until: String,
}

impl DelegationForm {
    fn read(data: &FormData) -> DelegationForm {
        DelegationForm {
            position: data.text("position"),
            kind: data.text("kind"),
            delegate: data.text("delegate"),
            official_name: data.text("official_name"),
            from: data.text("from"),
            until: data.text("until"),
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    ok: Option<String>,
}

fn kind_code(kind: DelegationKind) -> &'static str {
    match kind {
        DelegationKind::Plh => "plh",
        DelegationKind::Plt => "plt",
    }
}

fn kind_from_code(code: &str) -> Option<DelegationKind> {
    match code {
        "plh" => Some(DelegationKind::Plh),
        "plt" => Some(DelegationKind::Plt),
        _ => None,
    }
}

/// The start of `date` in the office's time zone (WIB for Demak).
fn start_of_day(services: &Services, date: NaiveDate) -> Option<DateTime<Utc>> {
    let midnight = date.and_hms_opt(0, 0, 0)?;
    services
        .calendar
        .snapshot()
        .time_zone
        .from_local_datetime(&midnight)
        .earliest()
        .map(|local| local.with_timezone(&Utc))
}

/// The day in the office's time zone that `instant` falls on.
fn local_date(services: &Services, instant: DateTime<Utc>) -> NaiveDate {
    instant
        .with_timezone(&services.calendar.snapshot().time_zone)
        .date_naive()
}

/// The name of the position's current holder (the first, if several hold it).
async fn holder_name(services: &Services, position: &str) -> Result<String, WebError> {
    Ok(services
        .store
        .holders_of(position)
        .await?
        .into_iter()
        .next()
        .map(|user| user.full_name)
        .unwrap_or_default())
}

async fn render(
    shell: Shell,
    state: &AppState,
    status: StatusCode,
    form: DelegationForm,
    errors: FormErrors,
    notice_text: Option<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let now = services.clock.now();
    let users = services.store.list_users().await?;
    let delegations = services.store.list_delegations().await?;
    let name_of = |id: UserId| {
        users
            .iter()
            .find(|stored| stored.user.id == id)
            .map(|stored| stored.user.full_name.clone())
            .unwrap_or_default()
    };
    let rows = delegations
        .iter()
        .map(|delegation| {
            let status = if delegation.revoked {
                "revoked"
            } else if delegation.until <= now {
                "ended"
            } else if delegation.from > now {
                "scheduled"
            } else {
                "active"
            };
            // `until` is the start of the day after the last day.
            let last_day = local_date(services, delegation.until - Duration::seconds(1));
            DelegationRow {
                id: delegation.id.to_string(),
                position: position_label(tr, &services.catalog.snapshot(), &delegation.position),
                kind: delegation.kind.label(),
                delegate: name_of(delegation.delegate),
                official_name: delegation.official_name.clone(),
                period: format!(
                    "{} – {}",
                    format_date(tr.lang(), local_date(services, delegation.from)),
                    format_date(tr.lang(), last_day)
                ),
                status,
                revocable: status == "active" || status == "scheduled",
            }
        })
        .collect();
    let positions = sop_positions(&services.catalog.snapshot())
        .into_iter()
        .map(|position| Choice {
            label: position_label(tr, &services.catalog.snapshot(), &position),
            selected: form.position == position,
            value: position,
        })
        .collect();
    let kinds = [DelegationKind::Plh, DelegationKind::Plt]
        .into_iter()
        .map(|kind| Choice {
            value: kind_code(kind).to_owned(),
            label: tr.t(&format!("admin-kind-{}", kind_code(kind))),
            selected: form.kind == kind_code(kind),
        })
        .collect();
    let delegates = users
        .iter()
        .filter(|stored| stored.user.active && stored.user.role == Role::Staff)
        .map(|stored| Choice {
            value: stored.user.id.to_string(),
            label: stored.user.full_name.clone(),
            selected: form.delegate == stored.user.id.to_string(),
        })
        .collect();
    let partial = DelegationsPartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: notice_text,
        rows,
        form,
        positions,
        kinds,
        delegates,
        errors,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("admin-title-delegations"))?;
    Ok((status, response).into_response())
}

/// `GET /admin/delegasi`: the delegations and a form starting today, for the first position,
/// with its holder's name filled in.
pub(crate) async fn view_admin_delegations_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let notice_text = notice(shell.tr, query.ok.as_deref());
    let today = local_date(services, services.clock.now());
    let position = sop_positions(&services.catalog.snapshot())
        .into_iter()
        .next()
        .unwrap_or_default();
    let form = DelegationForm {
        official_name: holder_name(services, &position).await?,
        position,
        kind: "plh".to_owned(),
        delegate: String::new(),
        from: today.to_string(),
        until: today.to_string(),
    };
    render(
        shell,
        &state,
        StatusCode::OK,
        form,
        FormErrors::new(),
        notice_text,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct OfficialQuery {
    #[serde(default)]
    position: String,
}

/// `GET /admin/delegasi/pejabat?position=...`: the official-name field filled with the
/// holder of the chosen position (htmx swaps it in when the position changes).
pub(crate) async fn view_admin_delegation_official_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Query(query): Query<OfficialQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    if !sop_positions(&services.catalog.snapshot()).contains(&query.position) {
        return Err(WebError::NotFound);
    }
    let field = OfficialField {
        tr: shell.tr,
        official_name: holder_name(services, &query.position).await?,
        errors: FormErrors::new(),
    };
    Ok(Html(field.render()?).into_response())
}

/// `POST /admin/delegasi`: records a delegation, or shows the form again with what is wrong.
pub(crate) async fn view_admin_delegations_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let data = FormData(data);
    let form = DelegationForm::read(&data);
    let mut errors = FormErrors::new();
    let required = || tr.t("admin-error-required");

    let position_known = sop_positions(&services.catalog.snapshot()).contains(&form.position);
    if !position_known {
        errors.field("position", tr.t("admin-error-choose"));
    }
    let kind = kind_from_code(&form.kind);
    if kind.is_none() {
        errors.field("kind", tr.t("admin-error-choose"));
    }
    let delegate = match UserId::parse(&form.delegate) {
        Some(id) => services
            .store
            .user(id)
            .await?
            .map(|stored| stored.user)
            .filter(|user| user.active && user.role == Role::Staff),
        None => None,
    };
    match &delegate {
        None => errors.field("delegate", tr.t("admin-error-choose")),
        Some(user) if user.positions.contains(&form.position) => {
            errors.field("delegate", tr.t("admin-error-delegate-holds"));
        }
        Some(_) => {}
    }
    if form.official_name.is_empty() {
        errors.field("official_name", required());
    } else if too_long(&form.official_name, 120) {
        errors.field("official_name", tr.t1("admin-error-too-long", "max", 120));
    }
    let parse_date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    let from = parse_date(&form.from);
    let until = parse_date(&form.until);
    if from.is_none() {
        errors.field("from", tr.t("admin-error-date"));
    }
    if until.is_none() {
        errors.field("until", tr.t("admin-error-date"));
    }
    let today = local_date(services, services.clock.now());
    if let (Some(from), Some(until)) = (from, until) {
        if until < from {
            errors.field("until", tr.t("admin-error-until-before-from"));
        } else if until < today {
            errors.field("until", tr.t("admin-error-until-past"));
        }
    }
    let period = match (from, until.and_then(|until| until.succ_opt())) {
        (Some(from), Some(after)) => {
            start_of_day(services, from).zip(start_of_day(services, after))
        }
        _ => None,
    };
    let (Some(kind), Some(delegate), Some((from_at, until_at)), true) =
        (kind, delegate, period, errors.is_empty())
    else {
        return render(
            shell,
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            errors,
            None,
        )
        .await;
    };
    let delegation = Delegation {
        id: DelegationId::random(),
        position: form.position.clone(),
        kind,
        delegate: delegate.id,
        official_name: form.official_name.clone(),
        from: from_at,
        until: until_at,
        revoked: false,
    };
    services
        .store
        .add_delegation(&delegation, &admin.0.audit_source(), services.clock.now())
        .await?;
    Ok(done(PATH, "delegation-created"))
}

/// The delegation `id` when it exists and is not revoked yet.
async fn revocable(state: &AppState, id: &str) -> Result<Delegation, WebError> {
    let id = DelegationId::parse(id).ok_or(WebError::NotFound)?;
    state
        .services()
        .store
        .list_delegations()
        .await?
        .into_iter()
        .find(|delegation| delegation.id == id && !delegation.revoked)
        .ok_or(WebError::NotFound)
}

/// `GET /admin/delegasi/{id}/cabut`: what revoking this delegation does, and the button
/// that does it.
pub(crate) async fn view_admin_delegation_revoke_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let delegation = revocable(&state, &id).await?;
    let delegate = services
        .store
        .user(delegation.delegate)
        .await?
        .map(|stored| stored.user.full_name)
        .unwrap_or_default();
    let position = position_label(tr, &services.catalog.snapshot(), &delegation.position);
    confirm_page(
        shell,
        ConfirmPartial {
            tr,
            tabs: tabs(tr, PATH),
            notice: None,
            title: tr.t("admin-confirm-revoke-title"),
            consequences: vec![
                pelihara_i18n::t_args(
                    tr.lang(),
                    "admin-confirm-revoke-what",
                    &[
                        ("kind", pelihara_i18n::arg(delegation.kind.label())),
                        ("position", pelihara_i18n::arg(position)),
                        ("name", pelihara_i18n::arg(delegate)),
                    ],
                ),
                tr.t("admin-confirm-revoke-tasks"),
                tr.t("admin-confirm-revoke-records"),
            ],
            action: format!("{PATH}/{}/cabut", delegation.id),
            fields: Vec::new(),
            confirm_label: tr.t("admin-revoke"),
            cancel_href: PATH,
        },
    )
}

/// `POST /admin/delegasi/{id}/cabut`: revokes the delegation once confirmed (the
/// confirmation step adds `confirm=1`; without it the browser is sent there).
pub(crate) async fn view_admin_delegation_revoke_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let services = state.services();
    let delegation = revocable(&state, &id).await?;
    if !confirmed(&FormData(data)) {
        return Ok(Redirect::to(&format!("{PATH}/{}/cabut", delegation.id)).into_response());
    }
    services
        .store
        .revoke_delegation(delegation.id, &admin.0.audit_source(), services.clock.now())
        .await?;
    Ok(done(PATH, "delegation-revoked"))
}
