//! A case (permohonan) and its tasks: the state the engine reads and writes. Plain data with
//! serde, so the store can keep it; all rules live in `engine`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AppId, CaseId, OpdId, TaskId, UserId};
use crate::people::Acting;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Moving through the SOP.
    Open,
    /// Returned to the OPD for completion; the SLA clock of the returning task is paused.
    Returned,
    Done,
    Rejected,
    Withdrawn,
}

impl CaseStatus {
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            CaseStatus::Done | CaseStatus::Rejected | CaseStatus::Withdrawn
        )
    }

    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Returned => "returned",
            CaseStatus::Done => "done",
            CaseStatus::Rejected => "rejected",
            CaseStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<CaseStatus> {
        match code {
            "open" => Some(CaseStatus::Open),
            "returned" => Some(CaseStatus::Returned),
            "done" => Some(CaseStatus::Done),
            "rejected" => Some(CaseStatus::Rejected),
            "withdrawn" => Some(CaseStatus::Withdrawn),
            _ => None,
        }
    }
}

/// An uploaded file, stored by content hash; the name is sanitised metadata only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
    pub file_name: String,
    pub size: u64,
    pub media_type: String,
}

/// Sifat surat: how urgent the letter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Biasa,
    Segera,
    SangatSegera,
}

/// Klasifikasi keamanan: who may read the letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidentiality {
    Biasa,
    Terbatas,
    Rahasia,
    SangatRahasia,
}

/// The entry of the letter in the incoming-letter register (buku agenda).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaEntry {
    /// Formatted number, e.g. `0042/000.5.2.3/2026`; filled in by the store with the sequence.
    pub number: String,
    pub year: i32,
    pub sequence: u32,
    /// Kode klasifikasi arsip.
    pub classification: String,
    pub urgency: Urgency,
    pub confidentiality: Confidentiality,
    /// The OPD's own number and date of the letter.
    pub letter_number: String,
    pub letter_date: NaiveDate,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: CaseId,
    /// Public, unguessable tracking number given to the OPD at submission.
    pub tracking_code: String,
    pub sop_code: String,
    pub sop_version: u32,
    /// The OPD that asked, for an SOP whose requester is an OPD (`[intake] requester`);
    /// none when an employee or a position holder started the case.
    pub opd_id: Option<OpdId>,
    /// The app or website of the register the case is about, where the SOP asks for one.
    pub app_id: Option<AppId>,
    pub subject: String,
    pub description: String,
    /// The request letter, where the SOP asks for one.
    pub letter: Option<DocumentRef>,
    /// The values of the SOP's extra start-form fields (`[[intake.fields]]`) by field id, as
    /// checked at submission; a field left empty is absent.
    #[serde(default)]
    pub intake: BTreeMap<String, String>,
    /// Whether finishing this case counts as maintenance of its app: the SOP says so
    /// (`[intake] maintenance`) and the case has an app. Fixed at submission.
    #[serde(default)]
    pub counts_as_maintenance: bool,
    pub status: CaseStatus,
    /// The step the case is at (the last step once closed).
    pub current_step: u32,
    pub agenda: Option<AgendaEntry>,
    pub submitted_by: UserId,
    pub submitted_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Why the case was rejected or withdrawn.
    pub closing_reason: Option<String>,
    /// Increases with every transition; the store writes only over the version it read.
    pub version: i64,
}

/// What a task asks for within its step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStage {
    /// Do the step's work and record its output.
    Perform,
    /// Answer the step's decision, where someone other than the performer decides.
    Decide,
    /// The OPD completes a returned request.
    Complete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    Open,
    /// Waiting on the OPD: the clock is stopped.
    Paused,
    Done,
    Cancelled,
}

impl TaskState {
    pub fn is_active(self) -> bool {
        matches!(self, TaskState::Open | TaskState::Paused)
    }
}

/// A time standard as kept on a task (the SOP's unit resolved by its settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "value")]
pub enum TaskStandard {
    WorkingMinutes(u32),
    WorkingDays(u32),
    CalendarDays(u32),
}

/// A stretch of time during which the SLA clock was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PauseSpan {
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub case_id: CaseId,
    pub step_no: u32,
    pub stage: TaskStage,
    /// The position whose holders (or acting officials) may take the task.
    pub position: String,
    /// For OPD tasks: the OPD whose operators may take it.
    pub opd_id: Option<OpdId>,
    pub claimed_by: Option<UserId>,
    pub claimed_by_name: Option<String>,
    pub state: TaskState,
    pub opened_at: DateTime<Utc>,
    /// When the person it is for first opened it (a disposition can be recalled before).
    pub seen_at: Option<DateTime<Utc>>,
    pub standard: Option<TaskStandard>,
    pub pauses: Vec<PauseSpan>,
    /// Cached due moment (none without a standard or while paused), for sorting and sweeps.
    pub due_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<UserId>,
    pub completed_by_name: Option<String>,
    pub acting: Option<Acting>,
    /// Working time spent, in seconds of office time (or all time for calendar days).
    pub actual_seconds: Option<i64>,
    /// Working time spent in the unit of the standard, to compare with it.
    pub actual_in_unit: Option<f64>,
}
