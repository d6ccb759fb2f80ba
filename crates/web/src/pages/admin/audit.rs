//! `GET /admin/jejak-audit`: the audit trail, newest first, a page at a time, each event
//! worded in the reader's language: when (in the office's zone), who, from where, what
//! (`audit-action-*`) and its particulars; an export (`report.export`) names the report,
//! format, period, filters and file. The administrator reads it among the admin pages, the
//! auditor too (read-only, like the delivery log); anyone else gets 403. It only reads: it
//! never changes or hides an event, and shows every one, also those it has no words for (by
//! their code).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono_tz::Tz;
use pelihara_domain::Role;
use pelihara_i18n::{arg, format_date, format_datetime, t_args};
use pelihara_store::StoredEvent;
use serde::Deserialize;
use serde_json::Value;

use super::{AdminTab, tabs};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::exports::EXPORT_ACTION;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::{AppState, Services};

pub(crate) const PATH: &str = "/admin/jejak-audit";

/// Events on one page.
const PAGE_SIZE: i64 = 50;

/// The order an export's filters are worded in.
const FILTER_ORDER: &[&str] = &[
    "sop", "opd", "kelompok", "aplikasi", "tahun", "semester", "formulir", "dokumen", "status",
    "due", "health", "q",
];

/// The longest particulars shown of an event the page has no sentence for, in characters.
const DETAIL_MAX: usize = 300;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuditQuery {
    /// Events older than this sequence number; none: the newest.
    #[serde(default)]
    sebelum: String,
}

/// One event as the page shows it.
struct EventRow {
    seq: i64,
    when: String,
    who: String,
    from: String,
    /// The action worded ("Mengekspor laporan"), or its code.
    what: String,
    /// The action's code (`report.export`), for the reader who compares with `audit verify`.
    action: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin_audit_partial.html")]
struct AuditPartial {
    tr: Tr,
    /// The admin pages' tabs for an administrator; empty for the auditor.
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    rows: Vec<EventRow>,
    /// The link to the next (older) page, when there is one.
    older: Option<String>,
    /// Whether this is a later page (a link back to the newest is shown).
    paged: bool,
}

/// What the page needs to name things an event refers to by id or code.
struct Names {
    opds: HashMap<String, String>,
    sops: HashMap<String, String>,
}

impl Names {
    /// The names `events` refer to; the OPDs are read only when an export among them was
    /// narrowed to one (most pages have none).
    async fn load(services: &Services, events: &[StoredEvent]) -> Result<Names, WebError> {
        let names_an_opd = events
            .iter()
            .any(|event| !event.detail["filters"]["opd"].is_null());
        let opds = if names_an_opd {
            services
                .store
                .list_opds()
                .await?
                .into_iter()
                .map(|opd| (opd.id.to_string(), opd.name))
                .collect()
        } else {
            HashMap::new()
        };
        let sops = services
            .catalog
            .snapshot()
            .current_all()
            .iter()
            .map(|sop| (sop.header.code.clone(), sop.header.title.clone()))
            .collect();
        Ok(Names { opds, sops })
    }
}

/// A message in `tr`'s language, or `None` when there is no such message.
fn worded(tr: Tr, key: &str) -> Option<String> {
    let text = tr.t(key);
    (text != key).then_some(text)
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn date_of(tr: Tr, value: &Value) -> String {
    let text = text_of(value);
    chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map(|date| format_date(tr.lang(), date))
        .unwrap_or(text)
}

/// An export's particulars: "Laporan Kepatuhan Mutu Baku · XLSX · 1 November 2026 –
/// 30 November 2026 · SOP: … · Berkas: mutu-baku-bulan-2026-11.xlsx".
fn export_detail(tr: Tr, names: &Names, detail: &Value) -> String {
    let report = text_of(&detail["report"]);
    let mut parts = vec![
        worded(tr, &format!("audit-report-{report}")).unwrap_or(report),
        text_of(&detail["format"]).to_uppercase(),
    ];
    if let Some(period) = detail["period"].as_object() {
        let first = period.get("first").map(|first| date_of(tr, first));
        let last = period.get("last").map(|last| date_of(tr, last));
        if let (Some(first), Some(last)) = (first, last) {
            parts.push(t_args(
                tr.lang(),
                "audit-export-period",
                &[("first", arg(first)), ("last", arg(last))],
            ));
        }
    }
    if let Some(filters) = detail["filters"].as_object() {
        // The usual narrowing first, in the order the report pages offer it; anything else after.
        let rank = |name: &str| {
            FILTER_ORDER
                .iter()
                .position(|known| *known == name)
                .unwrap_or(FILTER_ORDER.len())
        };
        let mut filters: Vec<(&String, &Value)> = filters.iter().collect();
        filters.sort_by_key(|(name, _)| rank(name));
        for (name, value) in filters {
            let value = text_of(value);
            let shown = match name.as_str() {
                "opd" => names.opds.get(&value).cloned().unwrap_or(value),
                "sop" => names.sops.get(&value).cloned().unwrap_or(value),
                "kelompok" => worded(tr, &format!("report-group-{value}")).unwrap_or(value),
                _ => value,
            };
            let label = worded(tr, &format!("audit-filter-{name}")).unwrap_or_else(|| name.clone());
            parts.push(format!("{label}: {shown}"));
        }
    }
    parts.push(tr.t1("audit-export-file", "file", text_of(&detail["file"])));
    parts.join(" · ")
}

/// The particulars of an event the page has no sentence for: its fields as `name: value`,
/// cut to [`DETAIL_MAX`] characters.
fn plain_detail(detail: &Value) -> String {
    let text = match detail.as_object() {
        Some(fields) => fields
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(name, value)| format!("{name}: {}", text_of(value)))
            .collect::<Vec<_>>()
            .join(" · "),
        None => text_of(detail),
    };
    if text.chars().count() > DETAIL_MAX {
        let mut cut: String = text.chars().take(DETAIL_MAX).collect();
        cut.push('…');
        cut
    } else {
        text
    }
}

fn event_row(zone: Tz, tr: Tr, names: &Names, event: StoredEvent) -> EventRow {
    let key = format!("audit-action-{}", event.action.replace(['.', '_'], "-"));
    let detail = if event.action == EXPORT_ACTION {
        export_detail(tr, names, &event.detail)
    } else {
        plain_detail(&event.detail)
    };
    EventRow {
        seq: event.seq,
        when: format_datetime(tr.lang(), zone, event.at),
        who: event.actor_name,
        from: event.source,
        what: worded(tr, &key).unwrap_or_else(|| event.action.clone()),
        action: event.action,
        detail,
    }
}

/// `GET /admin/jejak-audit` (`?sebelum=` a sequence number for older events).
pub(crate) async fn view_admin_jejak_audit_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let is_admin = match user.role() {
        Role::Admin => true,
        Role::Auditor => false,
        Role::Staff | Role::OpdOperator => return Err(WebError::Forbidden),
    };
    let before = match query.sebelum.trim() {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .ok()
                .filter(|seq| *seq > 0)
                .ok_or_else(|| WebError::bad_request("audit-error-page"))?,
        ),
    };
    let services = state.services();
    let mut events = services.store.events_before(before, PAGE_SIZE + 1).await?;
    let more = events.len() > usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX);
    events.truncate(usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX));
    let older = more
        .then(|| {
            events
                .last()
                .map(|event| format!("{PATH}?sebelum={}", event.seq))
        })
        .flatten();
    let tr = shell.tr;
    let names = Names::load(services, &events).await?;
    let zone = services.calendar.snapshot().time_zone;
    let partial = AuditPartial {
        tr,
        tabs: if is_admin { tabs(tr, PATH) } else { Vec::new() },
        notice: None,
        rows: events
            .into_iter()
            .map(|event| event_row(zone, tr, &names, event))
            .collect(),
        older,
        paged: before.is_some(),
    };
    page_or_partial(shell, partial, |tr, _| tr.t("audit-title"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pelihara_i18n::Lang;
    use serde_json::json;

    fn names() -> Names {
        Names {
            opds: HashMap::from([("o-1".to_owned(), "Dinas Contoh".to_owned())]),
            sops: HashMap::from([("sop-a".to_owned(), "SOP Contoh".to_owned())]),
        }
    }

    #[test]
    fn an_export_is_worded_with_its_report_period_filters_and_file() {
        let detail = json!({
            "report": "mutu-baku",
            "format": "xlsx",
            "period": { "code": "bulan-2026-11", "first": "2026-11-01", "last": "2026-11-30" },
            "filters": { "sop": "sop-a", "opd": "o-1", "kelompok": "opd" },
            "file": "mutu-baku-bulan-2026-11.xlsx",
        });
        let text = export_detail(Tr::new(Lang::Id), &names(), &detail);
        for part in [
            "Laporan Kepatuhan Mutu Baku",
            "XLSX",
            "1 November 2026 – 30 November 2026",
            "SOP: SOP Contoh",
            "OPD: Dinas Contoh",
            "mutu-baku-bulan-2026-11.xlsx",
        ] {
            assert!(text.contains(part), "{part} not in {text}");
        }
        let english = export_detail(Tr::new(Lang::En), &names(), &detail);
        assert!(english.contains("Mutu Baku compliance report"), "{english}");
    }

    #[test]
    fn every_action_the_code_writes_has_words_in_both_languages() {
        let actions = actions_in_the_code();
        // The scan found the actions (the store alone writes some fifty).
        assert!(actions.len() > 40, "{actions:?}");
        for action in &actions {
            let key = format!("audit-action-{}", action.replace(['.', '_'], "-"));
            for lang in [Lang::Id, Lang::En] {
                assert!(worded(Tr::new(lang), &key).is_some(), "{key} in {lang:?}");
            }
        }
    }

    /// Every action the crates write: the literals after `action: "` (an audit change or
    /// event) and the engine's `=> "case.…"` (a case command), read from the sources so that a
    /// new action without words fails here.
    fn actions_in_the_code() -> std::collections::BTreeSet<String> {
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut sources = Vec::new();
        let mut folders: Vec<_> = std::fs::read_dir(&crates)
            .unwrap()
            .flatten()
            .map(|entry| entry.path().join("src"))
            .collect();
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    sources.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        let mut actions = std::collections::BTreeSet::new();
        for text in &sources {
            for marker in ["action: \"", "=> \"case."] {
                for (at, _) in text.match_indices(marker) {
                    let rest = &text[at + marker.len()..];
                    let name = rest.split('"').next().unwrap_or_default();
                    let name = if marker.ends_with("case.") {
                        format!("case.{name}")
                    } else {
                        name.to_owned()
                    };
                    if !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                    {
                        actions.insert(name);
                    }
                }
            }
        }
        actions
    }

    #[test]
    fn particulars_without_a_sentence_are_cut() {
        let long = "x".repeat(DETAIL_MAX * 2);
        let text = plain_detail(&json!({ "note": long, "none": null }));
        assert_eq!(text.chars().count(), DETAIL_MAX + 1);
        assert!(!text.contains("none"));
    }
}
