//! Turns a document's inputs into the `sys.inputs` dictionary its typst template reads:
//! dates formatted the Indonesian way, labels from `pelihara-i18n`, the QR code and images as
//! bytes. All text goes in as typst string values, never as markup.

use chrono::{DateTime, Datelike, Utc};
use pelihara_domain::{Confidentiality, Urgency, Verdict};
use pelihara_i18n::{Lang, arg, format_date, format_datetime, t, t_args};
use pelihara_sop::SopDefinition;
use typst::foundations::{Array, Bytes, Dict, IntoValue, Value};

use crate::error::DocsError;
use crate::model::*;
use crate::{Document, qr};

/// Every label the templates use: `docs-foo-bar` is `l.foo_bar` in typst.
const LABELS: &[&str] = &[
    "docs-footer-issued",
    "docs-footer-number",
    "docs-footer-issued-at",
    "docs-footer-verify",
    "docs-footer-page",
    "docs-footer-of",
    "docs-paraf",
    "docs-paraf-electronic",
    "docs-paraf-seal",
    "docs-paraf-seal-note",
    "docs-title-disposition",
    "docs-title-control-card",
    "docs-title-receipt",
    "docs-title-report",
    "docs-letter-from",
    "docs-letter-number",
    "docs-letter-date",
    "docs-received",
    "docs-agenda-number",
    "docs-classification",
    "docs-urgency",
    "docs-confidentiality",
    "docs-subject",
    "docs-disposition",
    "docs-disposition-from",
    "docs-disposition-to",
    "docs-instructions",
    "docs-note",
    "docs-no-disposition",
    "docs-index",
    "docs-code",
    "docs-order-number",
    "docs-summary",
    "docs-attachments",
    "docs-card-from",
    "docs-card-to",
    "docs-handler",
    "docs-notes",
    "docs-receipt-intro",
    "docs-tracking-code",
    "docs-opd",
    "docs-app",
    "docs-submitted-by",
    "docs-submitted-at",
    "docs-letter-file",
    "docs-letter-sha256",
    "docs-receiver",
    "docs-receipt-electronic",
    "docs-receipt-track",
    "docs-report-number",
    "docs-name",
    "docs-position",
    "docs-on-behalf",
    "docs-first-party",
    "docs-second-party",
];

fn labels(lang: Lang) -> Dict {
    let mut dict = Dict::new();
    for key in LABELS {
        let name = key.trim_start_matches("docs-").replace('-', "_");
        dict.insert(name.as_str().into(), t(lang, key).into_value());
    }
    dict
}

/// The contact details given, each with its label ("Telepon (0291) 685877", "Pos-el ...",
/// "Laman ..."), in the order a kop prints them; the template keeps each item on one line.
fn contact_items(lang: Lang, letterhead: &Letterhead) -> Value {
    array(
        [
            ("docs-letterhead-phone", &letterhead.phone),
            ("docs-letterhead-email", &letterhead.email),
            ("docs-letterhead-website", &letterhead.website),
        ]
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(key, value)| text(format!("{} {}", t(lang, key), value.trim()))),
    )
}

fn text(value: impl AsRef<str>) -> Value {
    value.as_ref().into_value()
}

fn dict<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    let mut dict = Dict::new();
    for (key, value) in pairs {
        dict.insert(key.into(), value);
    }
    Value::Dict(dict)
}

fn array(values: impl IntoIterator<Item = Value>) -> Value {
    Value::Array(values.into_iter().collect::<Array>())
}

fn bytes(value: Vec<u8>) -> Value {
    Value::Bytes(Bytes::new(value))
}

/// A label/value row for the `fields` helper.
fn row(lang: Lang, key: &str, value: impl AsRef<str>) -> Value {
    array([text(t(lang, key)), text(value)])
}

struct Ctx<'a> {
    setting: &'a Setting,
}

impl Ctx<'_> {
    fn lang(&self) -> Lang {
        self.setting.lang
    }

    fn t(&self, key: &str) -> String {
        t(self.lang(), key)
    }

    fn datetime(&self, at: DateTime<Utc>) -> String {
        format_datetime(self.lang(), self.setting.time_zone, at)
    }

    fn date_of(&self, at: DateTime<Utc>) -> String {
        format_date(
            self.lang(),
            at.with_timezone(&self.setting.time_zone).date_naive(),
        )
    }

    fn signoff(&self, signoff: Option<&Signoff>) -> Value {
        let Some(signoff) = signoff else {
            return Value::None;
        };
        // "Plh. Kepala Dinas": the acting official signs for the position, and the paper says so.
        let capacity = match &signoff.acting {
            Some(acting) => format!("{} {}", acting.kind.label(), signoff.position),
            None => signoff.position.clone(),
        };
        let acting = match &signoff.acting {
            Some(acting) => t_args(
                self.lang(),
                "docs-acting-for",
                &[("name", arg(&acting.official_name))],
            ),
            None => String::new(),
        };
        dict([
            ("name", text(&signoff.name)),
            ("capacity", text(capacity)),
            ("acting", text(acting)),
            ("at", text(self.datetime(signoff.at))),
            ("hash", text(short_hash(&signoff.hash))),
        ])
    }

    fn letter(&self, letter: &Letter, into: &mut Dict) {
        let pairs = [
            ("sender", text(&letter.sender)),
            ("letter_number", text(&letter.letter_number)),
            (
                "letter_date",
                text(format_date(self.lang(), letter.letter_date)),
            ),
            ("received", text(self.datetime(letter.received_at))),
            ("agenda_number", text(&letter.agenda_number)),
            ("classification", text(&letter.classification)),
            ("subject", text(&letter.subject)),
        ];
        for (key, value) in pairs {
            into.insert(key.into(), value);
        }
    }
}

/// The start of a paraf hash (the seal code), enough to compare with the screen.
fn short_hash(hash: &str) -> String {
    hash.get(..16).unwrap_or(hash).to_owned()
}

fn urgency_key(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::SangatSegera => "docs-urgency-sangat-segera",
        Urgency::Segera => "docs-urgency-segera",
        Urgency::Biasa => "docs-urgency-biasa",
    }
}

fn confidentiality_key(value: Confidentiality) -> &'static str {
    match value {
        Confidentiality::SangatRahasia => "docs-confidentiality-sangat-rahasia",
        Confidentiality::Rahasia => "docs-confidentiality-rahasia",
        Confidentiality::Terbatas => "docs-confidentiality-terbatas",
        Confidentiality::Biasa => "docs-confidentiality-biasa",
    }
}

fn checklist(ctx: &Ctx<'_>, keys: &[&str], chosen: &str) -> Value {
    array(keys.iter().map(|key| {
        dict([
            ("label", text(ctx.t(key))),
            ("on", (*key == chosen).into_value()),
        ])
    }))
}

fn disposition_sheet(ctx: &Ctx<'_>, sheet: &DispositionSheet) -> Value {
    let mut doc = Dict::new();
    ctx.letter(&sheet.letter, &mut doc);
    let urgencies = [Urgency::SangatSegera, Urgency::Segera, Urgency::Biasa].map(urgency_key);
    doc.insert(
        "urgencies".into(),
        checklist(ctx, &urgencies, urgency_key(sheet.letter.urgency)),
    );
    let classes = [
        Confidentiality::SangatRahasia,
        Confidentiality::Rahasia,
        Confidentiality::Terbatas,
        Confidentiality::Biasa,
    ]
    .map(confidentiality_key);
    doc.insert(
        "confidentialities".into(),
        checklist(
            ctx,
            &classes,
            confidentiality_key(sheet.letter.confidentiality),
        ),
    );
    let levels = sheet.levels.iter().enumerate().map(|(index, level)| {
        // The standard list in its order, then any instruction written outside it.
        let mut items: Vec<Value> = sheet
            .standard_instructions
            .iter()
            .map(|standard| {
                dict([
                    ("label", text(standard)),
                    ("on", level.instructions.contains(standard).into_value()),
                ])
            })
            .collect();
        items.extend(
            level
                .instructions
                .iter()
                .filter(|chosen| !sheet.standard_instructions.contains(chosen))
                .map(|other| dict([("label", text(other)), ("on", true.into_value())])),
        );
        dict([
            ("no", text((index + 1).to_string())),
            ("from", text(&level.from_position)),
            ("to", text(&level.to_position)),
            ("instructions", array(items)),
            ("note", text(&level.note)),
            ("paraf", ctx.signoff(Some(&level.paraf))),
        ])
    });
    doc.insert("levels".into(), array(levels));
    Value::Dict(doc)
}

/// "dikerjakan oleh Agus Prasetyo, Dwi Hartono", or nothing when nobody has yet.
fn handled_by(ctx: &Ctx<'_>, names: &[String]) -> String {
    if names.is_empty() {
        return String::new();
    }
    t_args(
        ctx.lang(),
        "docs-card-handled-by",
        &[("names", arg(names.join(", ")))],
    )
}

/// "Disposisi 2 (Sekretaris Dinas): ..." for every disposition that left a note, numbered as
/// on the disposition sheet.
fn card_notes(ctx: &Ctx<'_>, notes: &[DispositionNote]) -> Value {
    array(
        notes
            .iter()
            .enumerate()
            .filter(|(_, note)| !note.note.trim().is_empty())
            .map(|(index, note)| {
                text(t_args(
                    ctx.lang(),
                    "docs-card-note",
                    &[
                        ("no", arg(index + 1)),
                        ("from", arg(&note.from_position)),
                        ("note", arg(note.note.trim())),
                    ],
                ))
            }),
    )
}

fn control_card(ctx: &Ctx<'_>, card: &ControlCard) -> Value {
    let mut doc = Dict::new();
    ctx.letter(&card.letter, &mut doc);
    let pairs = [
        ("index", text(&card.index)),
        ("code", text(&card.letter.classification)),
        ("summary", text(&card.summary)),
        ("attachments", text(&card.attachments)),
        ("from", text(&card.letter.sender)),
        ("to", text(&card.to)),
        ("handler", text(&card.handler)),
        ("handled_by", text(handled_by(ctx, &card.handled_by))),
        ("paraf", ctx.signoff(card.paraf.as_ref())),
        ("notes", card_notes(ctx, &card.notes)),
    ];
    for (key, value) in pairs {
        doc.insert(key.into(), value);
    }
    Value::Dict(doc)
}

fn receipt(ctx: &Ctx<'_>, receipt: &Receipt) -> Result<Value, DocsError> {
    // The person holding the paper wants to know how the request is going: a second QR code
    // in the body opens its public tracking page (the footer's verifies the paper itself).
    let tracking_qr =
        qr::qr_svg(&receipt.tracking_url).map_err(|error| DocsError::Qr(error.to_string()))?;
    Ok(dict([
        ("tracking_code", text(&receipt.tracking_code)),
        ("tracking_url", text(&receipt.tracking_url)),
        ("tracking_qr", bytes(tracking_qr.into_bytes())),
        ("opd", text(&receipt.opd)),
        ("app", text(&receipt.app)),
        ("subject", text(&receipt.subject)),
        ("submitted_by", text(&receipt.submitted_by)),
        ("submitted_at", text(ctx.datetime(receipt.submitted_at))),
        ("letter_file", text(&receipt.letter_file)),
        ("letter_sha256", text(&receipt.letter_sha256)),
        ("note", text(ctx.t("docs-receipt-note"))),
        (
            "place_date",
            text(format!(
                "{}, {}",
                receipt.place,
                ctx.date_of(receipt.submitted_at)
            )),
        ),
    ]))
}

/// "Pada hari ini Jumat tanggal dua puluh tujuh bulan November tahun dua ribu dua puluh
/// enam": the way a berita acara states its day.
fn date_in_words(ctx: &Ctx<'_>, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&ctx.setting.time_zone).date_naive();
    let weekday = ctx.t(&format!(
        "docs-weekday-{}",
        local.weekday().num_days_from_monday()
    ));
    let month = format_date(ctx.lang(), local)
        .split(' ')
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let (day, year) = match ctx.lang() {
        Lang::Id => (
            crate::terbilang(u64::from(local.day())),
            crate::terbilang(u64::try_from(local.year()).unwrap_or_default()),
        ),
        Lang::En => (local.day().to_string(), local.year().to_string()),
    };
    t_args(
        ctx.lang(),
        "docs-report-day",
        &[
            ("weekday", arg(weekday)),
            ("day", arg(day)),
            ("month", arg(month)),
            ("year", arg(year)),
            ("date", arg(local.format("%d-%m-%Y"))),
        ],
    )
}

fn party(ctx: &Ctx<'_>, party: &Party, called_key: &str) -> Value {
    let (name, position) = match &party.signoff {
        Some(signoff) => (
            signoff.name.clone(),
            match &signoff.acting {
                Some(acting) => format!("{} {}", acting.kind.label(), signoff.position),
                None => signoff.position.clone(),
            },
        ),
        None => ("—".to_owned(), "—".to_owned()),
    };
    dict([
        ("name", text(name)),
        ("position", text(position)),
        ("party", text(&party.organisation)),
        ("party_upper", text(party.organisation.to_uppercase())),
        ("called", text(ctx.t(called_key))),
        ("paraf", ctx.signoff(party.signoff.as_ref())),
    ])
}

fn report(ctx: &Ctx<'_>, report: &MaintenanceReport, number: &str) -> Value {
    let lang = ctx.lang();
    let yes_no = |value: bool| ctx.t(if value { "docs-yes" } else { "docs-no" });
    let mut sections: Vec<(String, Vec<Value>, String)> = Vec::new();
    sections.push((
        ctx.t("docs-section-request"),
        vec![
            row(lang, "docs-tracking-code", &report.tracking_code),
            row(lang, "docs-agenda-number", &report.agenda_number),
            row(lang, "docs-opd", &report.opd),
            row(lang, "docs-app", &report.app),
            row(lang, "docs-subject", &report.subject),
        ],
        String::new(),
    ));
    let missing = || ctx.t("docs-not-recorded");
    sections.push(match &report.analysis {
        Some(analysis) => (
            ctx.t("docs-section-analysis"),
            vec![
                row(lang, "docs-findings", &analysis.findings),
                row(
                    lang,
                    "docs-verdict",
                    ctx.t(match analysis.verdict {
                        Verdict::Maintainable => "docs-verdict-maintainable",
                        Verdict::NotMaintainable => "docs-verdict-not-maintainable",
                    }),
                ),
                row(lang, "docs-recommendation", &analysis.recommendation),
                row(
                    lang,
                    "docs-done-by",
                    format!("{}, {}", analysis.by, ctx.datetime(analysis.at)),
                ),
            ],
            String::new(),
        ),
        None => (ctx.t("docs-section-analysis"), Vec::new(), missing()),
    });
    sections.push(match &report.maintenance {
        Some(work) => (
            ctx.t("docs-section-maintenance"),
            vec![
                row(lang, "docs-work-log", &work.work_log),
                row(lang, "docs-result", &work.result),
                row(lang, "docs-version", &work.version),
                row(
                    lang,
                    "docs-done-by",
                    format!("{}, {}", work.by, ctx.datetime(work.at)),
                ),
            ],
            String::new(),
        ),
        None => (ctx.t("docs-section-maintenance"), Vec::new(), missing()),
    });
    sections.push(match &report.hosting {
        Some(HostingPart::Done { record, by, at }) => (
            ctx.t("docs-section-hosting"),
            vec![
                row(lang, "docs-server", &record.server),
                row(lang, "docs-domain", &record.domain),
                row(lang, "docs-url", &record.url),
                row(lang, "docs-dns", yes_no(record.dns_configured)),
                row(
                    lang,
                    "docs-certificate",
                    yes_no(record.certificate_installed),
                ),
                row(lang, "docs-deployed", yes_no(record.deployed)),
                row(lang, "docs-network-officer", &record.network_officer),
                row(lang, "docs-notes", &record.notes),
                row(lang, "docs-done-by", format!("{by}, {}", ctx.datetime(*at))),
            ],
            String::new(),
        ),
        Some(HostingPart::Skipped { reason }) => (
            ctx.t("docs-section-hosting"),
            Vec::new(),
            t_args(lang, "docs-hosting-skipped", &[("reason", arg(reason))]),
        ),
        None => (ctx.t("docs-section-hosting"), Vec::new(), missing()),
    });
    sections.push(match &report.presentation {
        Some(presentation) => (
            ctx.t("docs-section-presentation"),
            vec![
                row(lang, "docs-held-at", ctx.datetime(presentation.held_at)),
                row(lang, "docs-place", &presentation.place),
                row(lang, "docs-attendees", &presentation.attendees),
                row(lang, "docs-summary", &presentation.summary),
            ],
            String::new(),
        ),
        None => (ctx.t("docs-section-presentation"), Vec::new(), missing()),
    });
    sections.push(match &report.acceptance {
        Some(note) => (
            ctx.t("docs-section-acceptance"),
            vec![row(lang, "docs-acceptance-note", note)],
            t_args(lang, "docs-accepted", &[("opd", arg(&report.opd))]),
        ),
        None => (
            ctx.t("docs-section-acceptance"),
            Vec::new(),
            ctx.t("docs-not-accepted"),
        ),
    });
    let sections = sections
        .into_iter()
        .enumerate()
        .map(|(index, (title, rows, note))| {
            dict([
                ("no", text((index + 1).to_string())),
                ("title", text(title)),
                ("rows", array(rows)),
                ("text", text(note)),
            ])
        });
    let opening = t_args(
        lang,
        "docs-report-opening",
        &[
            ("day", arg(date_in_words(ctx, report.dated))),
            ("place", arg(&report.place)),
        ],
    );
    let statement = t_args(
        lang,
        "docs-report-statement",
        &[("app", arg(&report.app)), ("opd", arg(&report.opd))],
    );
    let survey = match &report.survey {
        Some(invite) => dict([
            ("url", text(&invite.url)),
            (
                "text",
                text(t_args(
                    lang,
                    "docs-skm-invite",
                    &[("date", arg(ctx.date_of(invite.until)))],
                )),
            ),
            (
                "qr",
                match qr::qr_svg(&invite.url) {
                    Ok(svg) => bytes(svg.into_bytes()),
                    // A link too long for a QR code still prints as text.
                    Err(_) => Value::None,
                },
            ),
        ]),
        None => Value::None,
    };
    dict([
        ("survey", survey),
        ("number", text(number)),
        ("opening", text(opening)),
        ("statement", text(statement)),
        ("first", party(ctx, &report.first, "docs-called-first")),
        ("second", party(ctx, &report.second, "docs-called-second")),
        ("sections", array(sections)),
        ("closing", text(ctx.t("docs-report-closing"))),
        (
            "place_date",
            text(format!("{}, {}", report.place, ctx.date_of(report.dated))),
        ),
    ])
}

/// "2018-05" as the official form writes it: "Mei 2018"; other text as written.
fn document_month(lang: Lang, text: &str) -> String {
    let parsed = chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d");
    match parsed {
        Ok(date) => format_date(lang, date)
            .split_once(' ')
            .map(|(_, rest)| rest.to_owned())
            .unwrap_or_else(|| text.to_owned()),
        Err(_) if text.trim().is_empty() => "—".to_owned(),
        Err(_) => text.to_owned(),
    }
}

fn sop(ctx: &Ctx<'_>, def: &SopDefinition) -> Value {
    let lang = ctx.lang();
    let header = &def.header;
    let list = |items: &[String]| array(items.iter().map(text));
    let pages = pelihara_sop_render::flowchart_svg(def, lang)
        .into_iter()
        .map(|svg| bytes(svg.into_bytes()));
    let approver = &header.approver;
    dict([
        ("government", text(&header.government)),
        ("office", text(&header.office)),
        ("number", text(&header.number)),
        ("created", text(document_month(lang, &header.created))),
        ("revised", text(document_month(lang, &header.revised))),
        ("effective", text(document_month(lang, &header.effective))),
        ("title", text(&header.title)),
        (
            "approver",
            dict([
                ("position", text(&approver.position)),
                ("name", text(&approver.name)),
                ("rank", text(&approver.rank)),
                (
                    "nip",
                    text(t_args(lang, "render-nip", &[("nip", arg(&approver.nip))])),
                ),
            ]),
        ),
        ("legal_basis", list(&header.legal_basis)),
        ("qualifications", list(&header.qualifications)),
        ("related", list(&header.related)),
        ("equipment", list(&header.equipment)),
        ("warning", text(&header.warning)),
        ("records", list(&header.records)),
        ("flowchart", array(pages)),
        ("l_number", text(t(lang, "render-header-number"))),
        ("l_created", text(t(lang, "render-header-created"))),
        ("l_revised", text(t(lang, "render-header-revised"))),
        ("l_effective", text(t(lang, "render-header-effective"))),
        ("l_approved", text(t(lang, "render-header-approved-by"))),
        ("l_title", text(t(lang, "render-header-title"))),
        ("l_legal", text(t(lang, "render-header-legal-basis"))),
        (
            "l_qualifications",
            text(t(lang, "render-header-qualifications")),
        ),
        ("l_related", text(t(lang, "render-header-related"))),
        ("l_equipment", text(t(lang, "render-header-equipment"))),
        ("l_warning", text(t(lang, "render-header-warning"))),
        ("l_records", text(t(lang, "render-header-records"))),
    ])
}

/// The monitoring form's values: the caller worded every cell.
fn monitoring_form(form: &MonitoringFormDoc) -> Value {
    let h = &form.headers;
    let facts = form
        .facts
        .iter()
        .map(|(label, value)| array([text(label), text(value)]));
    let rows = form.rows.iter().map(|row| {
        dict([
            ("no", text(&row.no)),
            ("procedure", text(&row.procedure)),
            ("good", row.good.into_value()),
            ("not_good", row.not_good.into_value()),
            ("note", text(&row.note)),
            ("action", text(&row.action)),
            ("paraf", text(&row.paraf)),
        ])
    });
    dict([
        ("facts", array(facts)),
        (
            "headers",
            dict([
                ("no", text(&h.no)),
                ("procedure", text(&h.procedure)),
                ("assessment", text(&h.assessment)),
                ("good", text(&h.good)),
                ("not_good", text(&h.not_good)),
                ("note", text(&h.note)),
                ("action", text(&h.action)),
                ("paraf", text(&h.paraf)),
            ]),
        ),
        ("rows", array(rows)),
        ("place_date", text(&form.place_date)),
        ("assessor_label", text(&form.assessor_label)),
        ("assessor_name", text(&form.assessor_name)),
        ("assessor_nip", text(&form.assessor_nip)),
        ("signed", text(&form.signed)),
        ("seal", text(&form.seal)),
    ])
}

/// The whole `sys.inputs` of a document.
pub fn inputs(document: Document<'_>, setting: &Setting, issue: &Issue) -> Result<Dict, DocsError> {
    let ctx = Ctx { setting };
    let qr = qr::qr_svg(&issue.verify_url).map_err(|error| DocsError::Qr(error.to_string()))?;
    let (width, height) = setting.paper.size_mm();
    let letterhead = &setting.letterhead;
    let (title, doc) = match document {
        Document::DispositionSheet(sheet) => (
            ctx.t("docs-title-disposition"),
            disposition_sheet(&ctx, sheet),
        ),
        Document::ControlCard(card) => (ctx.t("docs-title-control-card"), control_card(&ctx, card)),
        Document::Receipt(value) => (ctx.t("docs-title-receipt"), receipt(&ctx, value)?),
        Document::MaintenanceReport(value) => (
            ctx.t("docs-title-report"),
            report(&ctx, value, &issue.number),
        ),
        Document::MonitoringForm(form) => (form.title.clone(), monitoring_form(form)),
        Document::Sop(def) => (
            t_args(
                setting.lang,
                "render-document-title",
                &[("title", arg(&def.header.title))],
            ),
            sop(&ctx, def),
        ),
    };
    let mut inputs = Dict::new();
    let pairs = [
        ("lang", text(setting.lang.code())),
        ("title", text(title)),
        ("labels", Value::Dict(labels(setting.lang))),
        ("qr", bytes(qr.into_bytes())),
        (
            "page",
            dict([
                ("width", width.into_value()),
                ("height", height.into_value()),
            ]),
        ),
        (
            "letterhead",
            dict([
                ("government", text(&letterhead.government)),
                ("office", text(&letterhead.office)),
                ("address", text(&letterhead.address)),
                ("contact", contact_items(setting.lang, letterhead)),
                (
                    "logo",
                    match &letterhead.logo {
                        Some(logo) => bytes(logo.clone()),
                        None => Value::None,
                    },
                ),
            ]),
        ),
        (
            "issue",
            dict([
                ("id", text(&issue.id)),
                ("url", text(&issue.verify_url)),
                ("number", text(&issue.number)),
                ("issued_at", text(ctx.datetime(issue.issued_at))),
            ]),
        ),
        ("doc", doc),
    ];
    for (key, value) in pairs {
        inputs.insert(key.into(), value);
    }
    Ok(inputs)
}
