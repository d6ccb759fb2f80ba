//! The case page's timeline: each recorded entry (registration, disposition, analysis,
//! maintenance, hosting, presentation, acceptance, returns) worded as label and value lines in
//! the reader's language, with who acted and in whose stead.

use pelihara_domain::{Confidentiality, Record, Urgency, Verdict};
use pelihara_i18n::format_date;

use super::when;
use crate::lang::Tr;
use crate::state::Services;

pub(super) struct EntryView {
    pub(super) at: String,
    pub(super) by: String,
    pub(super) step_no: u32,
    pub(super) title: String,
    pub(super) lines: Vec<(String, String)>,
}

pub(super) fn acting_text(tr: Tr, by: &str, acting: &Option<pelihara_domain::Acting>) -> String {
    match acting {
        Some(acting) => format!(
            "{} {} ({}, {})",
            acting.kind.label(),
            position_label(tr, &acting.position),
            by,
            tr.t1("web-for-official", "name", &acting.official_name)
        ),
        None => by.to_owned(),
    }
}

pub(super) fn entry_view(services: &Services, tr: Tr, entry: &pelihara_domain::Entry) -> EntryView {
    let line = |key: &str, value: String| (tr.t(key), value);
    let yes_no = |value: bool| tr.t(if value { "web-yes" } else { "web-no" });
    let lines = match &entry.record {
        Record::Submission { letter } => letter
            .iter()
            .map(|letter| line("web-letter", letter.file_name.clone()))
            .collect(),
        Record::Registration { agenda } => vec![
            line("web-agenda-number", agenda.number.clone()),
            line("field-classification", agenda.classification.clone()),
            line("field-letter_number", agenda.letter_number.clone()),
            line(
                "field-letter_date",
                format_date(tr.lang(), agenda.letter_date),
            ),
            line(
                "web-urgency",
                tr.t(&format!("web-urgency-{}", urgency_code(agenda.urgency))),
            ),
            line(
                "web-confidentiality",
                tr.t(&format!(
                    "web-confidentiality-{}",
                    confidentiality_code(agenda.confidentiality)
                )),
            ),
        ],
        Record::Disposition(disposition) => vec![
            line(
                "web-disposition-to",
                position_label(tr, &disposition.to_position),
            ),
            line("field-instructions", disposition.instructions.join("; ")),
            line("field-note", disposition.note.clone()),
            line(
                "web-paraf",
                format!(
                    "{}…",
                    &disposition.paraf.hash[..16.min(disposition.paraf.hash.len())]
                ),
            ),
        ],
        Record::Recall { reason }
        | Record::Skipped { reason }
        | Record::SentBack { reason }
        | Record::Returned { reason }
        | Record::Rejected { reason }
        | Record::Withdrawn { reason } => {
            vec![line("field-reason", reason.clone())]
        }
        Record::Analysis {
            findings,
            verdict,
            recommendation,
        } => vec![
            line("field-findings", findings.clone()),
            line(
                "web-verdict",
                tr.t(match verdict {
                    Verdict::Maintainable => "web-verdict-maintainable",
                    Verdict::NotMaintainable => "web-verdict-not-maintainable",
                }),
            ),
            line("field-recommendation", recommendation.clone()),
        ],
        Record::Maintenance {
            work_log,
            result,
            version,
        } => vec![
            line("field-work_log", work_log.clone()),
            line("field-result", result.clone()),
            line("field-version", version.clone()),
        ],
        Record::Hosting(hosting) => vec![
            line("field-server", hosting.server.clone()),
            line("field-domain", hosting.domain.clone()),
            line("field-url", hosting.url.clone()),
            line("web-dns-configured", yes_no(hosting.dns_configured)),
            line(
                "web-certificate-installed",
                yes_no(hosting.certificate_installed),
            ),
            line("web-deployed", yes_no(hosting.deployed)),
            line("field-network_officer", hosting.network_officer.clone()),
            line("field-notes", hosting.notes.clone()),
        ],
        Record::Presentation {
            held_at,
            place,
            attendees,
            summary,
        } => vec![
            line("field-held_at", when(services, tr.lang(), *held_at)),
            line("field-place", place.clone()),
            line("field-attendees", attendees.clone()),
            line("field-summary", summary.clone()),
        ],
        Record::Acceptance { note } | Record::Note { note } => {
            vec![line("field-note", note.clone())]
        }
        Record::Signed { note, paraf } => vec![
            line("field-note", note.clone()),
            line("web-paraf-seal", paraf.hash.chars().take(16).collect()),
        ],
        Record::Resubmitted { note, letter } => {
            let mut lines = vec![line("field-note", note.clone())];
            if let Some(letter) = letter {
                lines.push(line("web-letter", letter.file_name.clone()));
            }
            lines
        }
        Record::Claimed | Record::Released | Record::Done => Vec::new(),
    };
    EntryView {
        at: when(services, tr.lang(), entry.at),
        by: acting_text(tr, &entry.by_name, &entry.acting),
        step_no: entry.step_no,
        title: tr.t(&format!("web-record-{}", entry.record.kind())),
        lines: lines
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .collect(),
    }
}

fn urgency_code(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Biasa => "biasa",
        Urgency::Segera => "segera",
        Urgency::SangatSegera => "sangat_segera",
    }
}

fn confidentiality_code(value: Confidentiality) -> &'static str {
    match value {
        Confidentiality::Biasa => "biasa",
        Confidentiality::Terbatas => "terbatas",
        Confidentiality::Rahasia => "rahasia",
        Confidentiality::SangatRahasia => "sangat_rahasia",
    }
}

pub(super) fn position_label(tr: Tr, position: &str) -> String {
    tr.t(&format!("position-{position}"))
}
