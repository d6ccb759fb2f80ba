//! `/admin/kop`: the office's identity. The letterhead (kop surat) the official documents
//! print: regency, office, address, phone, e-mail, website, the place documents are made, the
//! default paper and the emblem (PNG or SVG, checked by content and by a trial render,
//! size-limited); and the office's rules: its time zone and working hours (the calendar every
//! deadline is counted in) and the agenda number format of incoming letters. A form with any
//! bad field changes nothing: the logo is only kept and the identity only written once every
//! field is right, in one audited write (`Store::set_office_identity`, which also moves open
//! tasks' due moments when the hours or the zone changed). It must never write but through the
//! store's audited functions, and never keep a logo typst cannot print.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveTime, Utc};
use pelihara_calendar::WeekSchedule;
use pelihara_documents::{Document, Issue, LOGO_MAX_BYTES, LogoFormat, Paper, Receipt, Setting};
use pelihara_domain::agenda::{AgendaFormat, AgendaFormatError};
use pelihara_i18n::Lang;
use pelihara_store::identity::OFFICE_TIME_ZONES;
use serde::Deserialize;

use super::{AdminTab, done, notice, tabs, too_long};
use crate::auth::AdminUser;
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::documents::{LetterheadSetting, off_runtime};
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

const PATH: &str = "/admin/kop";

#[derive(Template)]
#[template(path = "admin_letterhead_partial.html")]
struct LetterheadPartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    form: LetterheadSetting,
    /// "PNG, 12 KB" when a logo is set.
    logo: Option<String>,
    /// The time zones offered: (IANA name, label).
    zones: Vec<(String, String)>,
    /// The chosen time zone's IANA name.
    zone: String,
    /// Monday to Sunday as the form shows them (what is stored, or what was typed).
    hours: Vec<DayHours>,
    /// The agenda number format, and a number it makes (when it is valid).
    agenda_format: String,
    agenda_example: Option<String>,
    errors: FormErrors,
}

/// One weekday's row of the working-hours table: empty times mean closed.
pub(crate) struct DayHours {
    /// 0 = Monday, as `WeekSchedule` indexes.
    index: usize,
    name: String,
    open: String,
    close: String,
}

/// The message keys of the weekdays, Monday first.
const WEEKDAY_KEYS: [&str; 7] = [
    "admin-weekday-mon",
    "admin-weekday-tue",
    "admin-weekday-wed",
    "admin-weekday-thu",
    "admin-weekday-fri",
    "admin-weekday-sat",
    "admin-weekday-sun",
];

/// What the form shows of the office's rules: what the stored identity names, or typed text.
struct RulesForm {
    zone: String,
    hours: [(String, String); 7],
    agenda_format: String,
}

impl RulesForm {
    /// The rules in force (defaults filled in for what the identity leaves empty).
    fn of(kop: &LetterheadSetting) -> RulesForm {
        let rules = kop.rules();
        let hhmm = |time: NaiveTime| time.format("%H:%M").to_string();
        let hours = rules.week.days().map(|day| match day {
            Some((open, close)) => (hhmm(open), hhmm(close)),
            None => (String::new(), String::new()),
        });
        RulesForm {
            zone: rules.time_zone.name().to_owned(),
            hours,
            agenda_format: rules.agenda.as_str().to_owned(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct LetterheadQuery {
    #[serde(default)]
    ok: Option<String>,
}

async fn render(
    shell: Shell,
    state: &AppState,
    status: StatusCode,
    form: LetterheadSetting,
    rules: RulesForm,
    errors: FormErrors,
    notice_text: Option<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let zones = OFFICE_TIME_ZONES
        .iter()
        .map(|zone| {
            let key = format!(
                "admin-letterhead-zone-{}",
                zone.name().replace('/', "-").to_lowercase()
            );
            (zone.name().to_owned(), tr.t(&key))
        })
        .collect();
    let hours = rules
        .hours
        .into_iter()
        .enumerate()
        .map(|(index, (open, close))| DayHours {
            index,
            name: tr.t(WEEKDAY_KEYS[index]),
            open,
            close,
        })
        .collect();
    let now = state.services().clock.now();
    let agenda_example = AgendaFormat::parse(&rules.agenda_format)
        .ok()
        .map(|format| {
            use chrono::Datelike;
            format.render(7, "000.5.2.3", now.year(), now.month())
        });
    let logo = match &form.logo_sha256 {
        Some(digest) => state
            .services()
            .blobs
            .get(digest)
            .await
            .map_err(WebError::internal)?
            .map(|bytes| logo_summary(&bytes)),
        None => None,
    };
    let partial = LetterheadPartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: notice_text,
        form,
        logo,
        zones,
        zone: rules.zone,
        hours,
        agenda_format: rules.agenda_format,
        agenda_example,
        errors,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("admin-title-letterhead"))?;
    Ok((status, response).into_response())
}

fn logo_summary(bytes: &[u8]) -> String {
    let format = match pelihara_documents::check_logo(bytes) {
        Ok(LogoFormat::Png) => "PNG",
        Ok(LogoFormat::Svg) => "SVG",
        Err(_) => "?",
    };
    format!("{format}, {} KB", bytes.len().div_ceil(1024))
}

/// `GET /admin/kop`: the letterhead form with what documents print now.
pub(crate) async fn view_admin_letterhead_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Query(query): Query<LetterheadQuery>,
) -> Result<Response, WebError> {
    let notice_text = notice(shell.tr, query.ok.as_deref());
    let kop = LetterheadSetting::load(state.services()).await?;
    let rules = RulesForm::of(&kop);
    render(
        shell,
        &state,
        StatusCode::OK,
        kop,
        rules,
        FormErrors::new(),
        notice_text,
    )
    .await
}

/// What the form sent: its text fields and the logo, if one was chosen.
#[derive(Default)]
struct Sent {
    fields: Vec<(String, String)>,
    logo: Option<Vec<u8>>,
    /// The logo was over the limit (its bytes were not kept).
    logo_too_large: bool,
}

impl Sent {
    fn text(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .unwrap_or_default()
    }
}

async fn read(mut multipart: Multipart) -> Result<Sent, WebError> {
    let bad = |_| WebError::bad_request("web-error-bad-form");
    let mut sent = Sent::default();
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "logo" {
            // Read in chunks and stop keeping bytes past the limit.
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if bytes.len() + chunk.len() > LOGO_MAX_BYTES {
                    sent.logo_too_large = true;
                    bytes.clear();
                } else if !sent.logo_too_large {
                    bytes.extend_from_slice(&chunk);
                }
            }
            // A file input left empty sends a part with no bytes: no new logo.
            if !bytes.is_empty() {
                sent.logo = Some(bytes);
            }
        } else {
            let value = field.text().await.map_err(bad)?;
            if crate::input_guard::has_control_characters(&value) {
                return Err(crate::input_guard::refused(&name));
            }
            sent.fields.push((name, value));
        }
    }
    Ok(sent)
}

/// Renders a sample receipt with the new letterhead: a logo typst cannot draw is refused
/// here rather than breaking every document later.
async fn printable(
    letterhead_setting: &LetterheadSetting,
    logo: Vec<u8>,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<bool, WebError> {
    let setting = Setting {
        letterhead: pelihara_documents::Letterhead {
            government: letterhead_setting.government.clone(),
            office: letterhead_setting.office.clone(),
            address: letterhead_setting.address.clone(),
            phone: letterhead_setting.phone.clone(),
            email: letterhead_setting.email.clone(),
            website: letterhead_setting.website.clone(),
            logo: Some(logo),
        },
        lang: Lang::Id,
        time_zone: tz,
        paper: letterhead_setting.paper(),
    };
    let receipt = Receipt {
        tracking_code: "PLH-CONTOH".to_owned(),
        tracking_url: "https://pelihara.example/lacak/PLH-CONTOH".to_owned(),
        opd: "OPD".to_owned(),
        app: "Aplikasi".to_owned(),
        subject: "Contoh".to_owned(),
        submitted_by: "Operator".to_owned(),
        submitted_at: now,
        letter_file: "surat.pdf".to_owned(),
        letter_sha256: String::new(),
        place: letterhead_setting.place.clone(),
    };
    let issue = Issue {
        id: "0".repeat(32),
        verify_url: "https://contoh.invalid/verifikasi/0".to_owned(),
        number: "PLH-CONTOH".to_owned(),
        issued_at: now,
    };
    let rendered = off_runtime(move || {
        pelihara_documents::render(Document::Receipt(&receipt), &setting, &issue)
    })
    .await?;
    if let Err(error) = &rendered {
        tracing::info!(%error, "an uploaded logo was refused: it does not render");
    }
    Ok(rendered.is_ok())
}

/// Checks a text field: required or not, and its length; records the message.
pub(crate) fn check(
    errors: &mut FormErrors,
    tr: Tr,
    name: &str,
    value: &str,
    required: bool,
    max: usize,
) {
    if required && value.is_empty() {
        errors.field(name, tr.t("admin-error-required"));
    } else if too_long(value, max) {
        errors.field(name, tr.t1("admin-error-too-long", "max", max));
    }
}

/// `POST /admin/kop` (multipart): saves the letterhead, or shows the form again with what is
/// wrong and changes nothing.
pub(crate) async fn view_admin_letterhead_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let sent = read(multipart).await?;
    let current = LetterheadSetting::load(services).await?;
    let mut form = LetterheadSetting {
        government: sent.text("government"),
        office: sent.text("office"),
        short_name: sent.text("short_name"),
        address: sent.text("address"),
        phone: sent.text("phone"),
        email: sent.text("email"),
        website: sent.text("website"),
        place: sent.text("place"),
        paper: sent.text("paper"),
        logo_sha256: if sent.text("remove_logo") == "1" {
            None
        } else {
            current.logo_sha256.clone()
        },
        time_zone: String::new(),
        week: None,
        agenda_format: String::new(),
    };
    let rules = RulesForm {
        zone: sent.text("time_zone"),
        hours: std::array::from_fn(|day| {
            (
                sent.text(&format!("open_{day}")),
                sent.text(&format!("close_{day}")),
            )
        }),
        agenda_format: sent.text("agenda_format"),
    };
    let mut errors = FormErrors::new();
    check(&mut errors, tr, "government", &form.government, true, 120);
    check(&mut errors, tr, "office", &form.office, true, 120);
    check(&mut errors, tr, "short_name", &form.short_name, false, 40);
    check(&mut errors, tr, "address", &form.address, true, 200);
    check(&mut errors, tr, "phone", &form.phone, false, 60);
    check(&mut errors, tr, "email", &form.email, false, 120);
    check(&mut errors, tr, "website", &form.website, false, 120);
    check(&mut errors, tr, "place", &form.place, true, 60);
    if !form.email.is_empty() && !looks_like_email(&form.email) {
        errors.field("email", tr.t("admin-error-email-format"));
    }
    if Paper::from_code(&form.paper).is_none() {
        errors.field("paper", tr.t("admin-error-choose"));
        form.paper = current.paper.clone();
    }
    if let Some((zone, week, agenda)) = check_rules(&mut errors, tr, &rules) {
        form.time_zone = zone;
        form.week = Some(week);
        form.agenda_format = agenda;
    }
    let mut new_logo = None;
    if sent.logo_too_large {
        errors.field(
            "logo",
            tr.t(pelihara_documents::LogoError::TooLarge.message_key()),
        );
    } else if let Some(bytes) = sent.logo {
        match pelihara_documents::check_logo(&bytes) {
            Err(error) => errors.field("logo", tr.t(error.message_key())),
            // The trial render only once the rest is right: it is the expensive check.
            Ok(_) if errors.is_empty() => {
                if printable(
                    &form,
                    bytes.clone(),
                    services.calendar.snapshot().time_zone,
                    services.clock.now(),
                )
                .await?
                {
                    new_logo = Some(bytes);
                } else {
                    errors.field("logo", tr.t("docs-logo-unprintable"));
                }
            }
            Ok(_) => {}
        }
    }
    if !errors.is_empty() {
        // What is stored stays as it was; the form shows what was typed and the stored logo.
        form.logo_sha256 = current.logo_sha256;
        return render(
            shell,
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            rules,
            errors,
            None,
        )
        .await;
    }
    if let Some(bytes) = new_logo {
        // Durability before acknowledgement: the logo is on disk before the setting names it.
        form.logo_sha256 = Some(
            services
                .blobs
                .put(&bytes)
                .await
                .map_err(WebError::internal)?,
        );
    }
    let written = services
        .store
        .set_office_identity(
            &form.to_value(),
            &admin.0.audit_source(),
            services.clock.now(),
        )
        .await?;
    // This node's header, documents and deadlines follow at once; other nodes within seconds.
    services.identity.refresh(&services.store).await?;
    if written.calendar_changed {
        services.calendar.refresh(&services.store).await?;
    }
    Ok(done(PATH, "kop-saved"))
}

/// Checks the office's rules field by field: a time zone offered, each weekday either closed
/// (both times empty) or open before it closes in whole minutes, at least one open day, and an
/// agenda number format with a sequence and known placeholders. Returns them when all is right.
fn check_rules(
    errors: &mut FormErrors,
    tr: Tr,
    rules: &RulesForm,
) -> Option<(String, WeekSchedule, String)> {
    let before = errors.len();
    let zone = OFFICE_TIME_ZONES
        .iter()
        .find(|zone| zone.name() == rules.zone)
        .map(|zone| zone.name().to_owned());
    if zone.is_none() {
        errors.field("time_zone", tr.t("admin-error-choose"));
    }
    let time = |text: &str| NaiveTime::parse_from_str(text, "%H:%M").ok();
    let mut days = [None; 7];
    for (index, (open, close)) in rules.hours.iter().enumerate() {
        let (open_field, close_field) = (format!("open_{index}"), format!("close_{index}"));
        match (open.is_empty(), close.is_empty()) {
            (true, true) => continue,
            (false, true) => errors.field(&close_field, tr.t("admin-letterhead-error-hours-both")),
            (true, false) => errors.field(&open_field, tr.t("admin-letterhead-error-hours-both")),
            (false, false) => match (time(open), time(close)) {
                (None, _) => errors.field(&open_field, tr.t("admin-letterhead-error-time")),
                (_, None) => errors.field(&close_field, tr.t("admin-letterhead-error-time")),
                (Some(from), Some(until)) if from >= until => {
                    errors.field(&close_field, tr.t("admin-letterhead-error-hours-order"));
                }
                (Some(from), Some(until)) => days[index] = Some((from, until)),
            },
        }
    }
    let week = WeekSchedule::new(days).ok();
    if errors.len() == before && !week.as_ref().is_some_and(WeekSchedule::has_open_day) {
        errors.field("open_0", tr.t("admin-letterhead-error-no-open-day"));
    }
    let format = rules.agenda_format.as_str();
    let mut agenda = None;
    if format.is_empty() {
        errors.field("agenda_format", tr.t("admin-error-required"));
    } else if too_long(format, 80) {
        errors.field("agenda_format", tr.t1("admin-error-too-long", "max", 80));
    } else {
        match AgendaFormat::parse(format) {
            Ok(parsed) => agenda = Some(parsed.as_str().to_owned()),
            Err(AgendaFormatError::MissingSequence) => {
                errors.field("agenda_format", tr.t("admin-letterhead-error-agenda-seq"));
            }
            Err(AgendaFormatError::UnknownPlaceholder(name)) => errors.field(
                "agenda_format",
                tr.t1("admin-letterhead-error-agenda-placeholder", "name", name),
            ),
            Err(AgendaFormatError::Unclosed) => {
                errors.field(
                    "agenda_format",
                    tr.t("admin-letterhead-error-agenda-unclosed"),
                );
            }
        }
    }
    if errors.len() != before {
        return None;
    }
    Some((zone?, week?, agenda?))
}

/// The shape of an address (something@domain.tld, no spaces); delivery is not our concern.
pub(crate) fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}
