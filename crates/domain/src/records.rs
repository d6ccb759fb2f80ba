//! What each step leaves behind: the typed records of the SOP's outputs (registration,
//! disposition with paraf, analysis, maintenance, hosting, presentation, acceptance) and of
//! the detours (return, resubmission, rejection, withdrawal). Together they are the case's
//! timeline. Never changed once written: a correction is a new entry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::case::{AgendaEntry, DocumentRef};
use crate::ids::{CaseId, EntryId, TaskId, UserId};
use crate::people::Acting;

/// Step 6's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Maintainable,
    NotMaintainable,
}

/// Step 8's record, filled with the network team.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HostingRecord {
    pub server: String,
    pub domain: String,
    pub url: String,
    pub dns_configured: bool,
    pub certificate_installed: bool,
    pub deployed: bool,
    /// The network team member who coordinated.
    pub network_officer: String,
    pub notes: String,
}

/// The initial (paraf) on a disposition: a SHA-256 over the letter's hash and the
/// disposition's canonical content, so an edit of either after the paraf is detectable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paraf {
    pub signer: UserId,
    pub signer_name: String,
    pub position: String,
    pub acting: Option<Acting>,
    pub at: DateTime<Utc>,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disposition {
    pub from_position: String,
    pub to_position: String,
    pub instructions: Vec<String>,
    pub note: String,
    pub paraf: Paraf,
}

/// The content a paraf signs, in a fixed field order (serde_json keeps struct order).
#[derive(Serialize)]
struct ParafContent<'a> {
    letter_sha256: &'a str,
    from_position: &'a str,
    to_position: &'a str,
    instructions: &'a [String],
    note: &'a str,
    signer: UserId,
    at: DateTime<Utc>,
}

/// The paraf hash of a disposition over a letter.
#[allow(clippy::too_many_arguments)] // Each argument is one signed field; a struct would only rename them.
pub fn paraf_hash(
    letter_sha256: &str,
    from_position: &str,
    to_position: &str,
    instructions: &[String],
    note: &str,
    signer: UserId,
    at: DateTime<Utc>,
) -> String {
    let content = ParafContent {
        letter_sha256,
        from_position,
        to_position,
        instructions,
        note,
        signer,
        at,
    };
    // Serialising plain strings, vectors and timestamps cannot fail.
    let bytes = serde_json::to_vec(&content).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

impl Disposition {
    /// Whether the paraf still matches the letter and this content.
    pub fn paraf_is_intact(&self, letter_sha256: &str) -> bool {
        paraf_hash(
            letter_sha256,
            &self.from_position,
            &self.to_position,
            &self.instructions,
            &self.note,
            self.paraf.signer,
            self.paraf.at,
        ) == self.paraf.hash
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Submission {
        /// None for an SOP that asks no letter.
        #[serde(default)]
        letter: Option<DocumentRef>,
    },
    Registration {
        agenda: AgendaEntry,
    },
    Disposition(Disposition),
    /// A disposition taken back before its recipient opened it.
    Recall {
        reason: String,
    },
    Analysis {
        findings: String,
        verdict: Verdict,
        recommendation: String,
    },
    Maintenance {
        work_log: String,
        result: String,
        version: String,
    },
    Hosting(HostingRecord),
    Skipped {
        reason: String,
    },
    Presentation {
        held_at: DateTime<Utc>,
        place: String,
        attendees: String,
        summary: String,
    },
    Acceptance {
        note: String,
    },
    SentBack {
        reason: String,
    },
    Returned {
        reason: String,
    },
    Resubmitted {
        note: String,
        letter: Option<DocumentRef>,
    },
    Rejected {
        reason: String,
    },
    Withdrawn {
        reason: String,
    },
    /// A generic step record (`form = "record"` in other SOPs).
    Note {
        note: String,
    },
    /// A paraf step (`form = "paraf"`): the actor signs the step, with an optional note.
    Signed {
        note: String,
        paraf: Paraf,
    },
    Claimed,
    Released,
    Done,
}

impl Record {
    /// A stable name for the kind of record (audit actions, templates, reports).
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Submission { .. } => "submission",
            Record::Registration { .. } => "registration",
            Record::Disposition(_) => "disposition",
            Record::Recall { .. } => "recall",
            Record::Analysis { .. } => "analysis",
            Record::Maintenance { .. } => "maintenance",
            Record::Hosting(_) => "hosting",
            Record::Skipped { .. } => "skipped",
            Record::Presentation { .. } => "presentation",
            Record::Acceptance { .. } => "acceptance",
            Record::SentBack { .. } => "sent_back",
            Record::Returned { .. } => "returned",
            Record::Resubmitted { .. } => "resubmitted",
            Record::Rejected { .. } => "rejected",
            Record::Withdrawn { .. } => "withdrawn",
            Record::Note { .. } => "note",
            Record::Signed { .. } => "signed",
            Record::Claimed => "claimed",
            Record::Released => "released",
            Record::Done => "done",
        }
    }
}

/// One line of a case's record: what happened, at which step, by whom, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: EntryId,
    pub case_id: CaseId,
    pub step_no: u32,
    pub task_id: Option<TaskId>,
    pub by: UserId,
    pub by_name: String,
    pub acting: Option<Acting>,
    pub at: DateTime<Utc>,
    pub record: Record,
}
