//! The plain inputs of each document. The web layer fills them from a case, its records and
//! the SOP; nothing here reads a store, a file or the clock.

use chrono::{DateTime, NaiveDate, Utc};
use pelihara_domain::{Confidentiality, DelegationKind, Urgency, Verdict};
use pelihara_i18n::Lang;

/// Paper the document is laid out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// 210 × 297 mm.
    A4,
    /// Folio as Indonesian offices buy it: 215 × 330 mm.
    F4,
}

impl Paper {
    /// Width and height in millimetres, portrait.
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::F4 => (215.0, 330.0),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::F4 => "f4",
        }
    }

    pub fn from_code(code: &str) -> Option<Paper> {
        match code {
            "a4" => Some(Paper::A4),
            "f4" => Some(Paper::F4),
            _ => None,
        }
    }

    /// The other size: what a second download link offers beside the office's default.
    pub fn other(self) -> Paper {
        match self {
            Paper::A4 => Paper::F4,
            Paper::F4 => Paper::A4,
        }
    }
}

/// The letterhead (kop surat): the office's own, from its settings (no default names an office).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    /// e.g. "Pemerintah Kabupaten Demak" (printed in capitals).
    pub government: String,
    /// e.g. "Dinas Komunikasi dan Informatika" (printed in capitals).
    pub office: String,
    pub address: String,
    /// Each of phone, e-mail and website may be empty; the kop prints the ones given on one
    /// line with their labels ("Telepon ... Pos-el ... Laman ...").
    pub phone: String,
    pub email: String,
    pub website: String,
    /// The regency's emblem as SVG or PNG bytes (see [`crate::check_logo`]).
    pub logo: Option<Vec<u8>>,
}

/// How a document is printed: the office, language, time zone and paper.
#[derive(Debug, Clone)]
pub struct Setting {
    pub letterhead: Letterhead,
    pub lang: Lang,
    pub time_zone: chrono_tz::Tz,
    pub paper: Paper,
}

/// One issue of a document: its verification id and address, its number and moment.
#[derive(Debug, Clone)]
pub struct Issue {
    /// The random, unguessable id of this issue (the last part of `verify_url`).
    pub id: String,
    /// Where the QR code points: `{public_base_url}/verifikasi/{id}`.
    pub verify_url: String,
    /// The document's own number, as printed.
    pub number: String,
    pub issued_at: DateTime<Utc>,
}

/// A paraf as printed: who, in which capacity, when, and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signoff {
    pub name: String,
    /// The position signed for (the official's title, not the acting person's own).
    pub position: String,
    /// Set when an acting official (Plh/Plt) signed for the position.
    pub acting: Option<ActingFor>,
    pub at: DateTime<Utc>,
    /// The paraf hash (disposition) or empty where none is kept.
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActingFor {
    pub kind: DelegationKind,
    /// The official the acting person stood in for.
    pub official_name: String,
}

/// The incoming letter as registered in the agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The sending OPD.
    pub sender: String,
    pub letter_number: String,
    pub letter_date: NaiveDate,
    pub received_at: DateTime<Utc>,
    pub agenda_number: String,
    /// Kode klasifikasi arsip.
    pub classification: String,
    pub urgency: Urgency,
    pub confidentiality: Confidentiality,
    /// Perihal.
    pub subject: String,
}

/// One level of disposition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispositionLevel {
    pub from_position: String,
    pub to_position: String,
    pub instructions: Vec<String>,
    pub note: String,
    pub paraf: Signoff,
}

/// Lembar disposisi.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispositionSheet {
    pub letter: Letter,
    /// The standard instructions of the SOP (settings.disposition_instructions): each is
    /// printed as a checkbox, ticked where chosen. Chosen instructions outside the list are
    /// printed ticked after them.
    pub standard_instructions: Vec<String>,
    pub levels: Vec<DispositionLevel>,
}

/// Kartu kendali.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlCard {
    pub letter: Letter,
    /// Indeks: the filing keyword (e.g. the app's name).
    pub index: String,
    /// Isi ringkas.
    pub summary: String,
    /// Lampiran.
    pub attachments: String,
    /// Kepada: who the letter went to (the last disposition's recipient, or the office).
    pub to: String,
    /// Pengolah: the position that processes the request (the disposition's final
    /// recipient); empty before the first disposition.
    pub handler: String,
    /// The people who did the work in the handler's unit, in the order they first did it
    /// (who claimed or recorded the analysis, the maintenance, the hosting, ...).
    pub handled_by: Vec<String>,
    /// The last disposition's paraf.
    pub paraf: Option<Signoff>,
    /// Every standing disposition's note, in order, as the disposition sheet prints them.
    pub notes: Vec<DispositionNote>,
}

/// One disposition's note on the control card: who wrote it and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispositionNote {
    pub from_position: String,
    /// May be empty: the card then skips it, keeping the other notes' numbers.
    pub note: String,
}

/// Tanda terima, given to the OPD at submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub tracking_code: String,
    /// The public tracking page of the request, `{public_base_url}/lacak/{tracking_code}`
    /// ([`crate::tracking_url`]): a QR code and a line of the receipt point there.
    pub tracking_url: String,
    pub opd: String,
    pub app: String,
    pub subject: String,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub letter_file: String,
    pub letter_sha256: String,
    /// Where the receipt is made, for "Demak, 27 November 2026".
    pub place: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisPart {
    pub findings: String,
    pub verdict: Verdict,
    pub recommendation: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenancePart {
    pub work_log: String,
    pub result: String,
    pub version: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostingPart {
    Done {
        record: pelihara_domain::HostingRecord,
        by: String,
        at: DateTime<Utc>,
    },
    /// The step was declared not applicable, with its reason.
    Skipped { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentationPart {
    pub held_at: DateTime<Utc>,
    pub place: String,
    pub attendees: String,
    pub summary: String,
}

/// One side of the berita acara: the office (first party) or the OPD (second party).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// The organisation, e.g. "Dinas Komunikasi dan Informatika" or the OPD's name.
    pub organisation: String,
    pub signoff: Option<Signoff>,
}

/// Berita acara pemeliharaan aplikasi/website.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceReport {
    pub tracking_code: String,
    pub agenda_number: String,
    pub opd: String,
    pub app: String,
    pub subject: String,
    pub analysis: Option<AnalysisPart>,
    pub maintenance: Option<MaintenancePart>,
    pub hosting: Option<HostingPart>,
    pub presentation: Option<PresentationPart>,
    /// The OPD's acceptance note, when accepted.
    pub acceptance: Option<String>,
    /// The day the berita acara speaks of (the acceptance, else the issue).
    pub dated: DateTime<Utc>,
    pub place: String,
    pub first: Party,
    pub second: Party,
    /// The OPD's invitation to the satisfaction survey (SKM), printed with its own QR code
    /// under the signatures; `None` before the OPD accepted.
    pub survey: Option<SurveyInvite>,
}

/// The survey link a berita acara prints: it works without signing in, once, until `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyInvite {
    pub url: String,
    pub until: DateTime<Utc>,
}

/// The SOP monitoring form of PermenPAN-RB 35/2012 for one SOP and half-year, signed by its
/// assessor: worded by the caller in the reader's language (the header facts, the column
/// names, each row's cells), so this crate only lays it out, in landscape.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MonitoringFormDoc {
    /// "Formulir Monitoring SOP".
    pub title: String,
    /// Label and value: the SOP's name and number, the unit, the period, the threshold.
    pub facts: Vec<(String, String)>,
    /// No, Prosedur, Penilaian (over its two choices), the two choices, Catatan hasil
    /// penilaian, Tindakan yang harus diambil, Paraf penilai.
    pub headers: MonitoringHeaders,
    pub rows: Vec<MonitoringRowDoc>,
    /// "Demak, 31 Desember 2026".
    pub place_date: String,
    /// "Penilai".
    pub assessor_label: String,
    pub assessor_name: String,
    /// "NIP 19800101 200501 1 001" (empty for none).
    pub assessor_nip: String,
    /// The electronic paraf: "Diparaf secara elektronik 31 Desember 2026 10.00 WIB".
    pub signed: String,
    /// "Kode segel: 3f2a..." (the start of the content's SHA-256).
    pub seal: String,
}

/// The column names of the monitoring table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MonitoringHeaders {
    pub no: String,
    pub procedure: String,
    pub assessment: String,
    pub good: String,
    pub not_good: String,
    pub note: String,
    pub action: String,
    pub paraf: String,
}

/// One row, worded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MonitoringRowDoc {
    pub no: String,
    pub procedure: String,
    /// Which of the two is ticked (neither when not assessed).
    pub good: bool,
    pub not_good: bool,
    pub note: String,
    pub action: String,
    /// The assessor's paraf on the row (their initials).
    pub paraf: String,
}
