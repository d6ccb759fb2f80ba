//! The SOP monitoring form of PermenPAN-RB 35/2012 (issue 15): per SOP and half-year, each
//! step of the SOP version assessed "berjalan dengan baik" or "tidak berjalan dengan baik",
//! with a note, the action to take and the assessor's paraf. Here are the rules that do not
//! depend on storage: who may read and who may fill, the half-years, the proposal from the
//! Mutu Baku figures (below the threshold is proposed "not good"), what a form may hold and
//! the hash a signature seals. Pure: "today" and the figures are parameters.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::people::{Actor, Role};

/// The threshold a proposal uses until the admin sets another: a step with fewer than this
/// share of its tasks finished within the standard is proposed "tidak berjalan dengan baik".
pub const DEFAULT_THRESHOLD_PERCENT: u32 = 80;

/// The longest note or action a row may hold, in characters.
pub const TEXT_MAX: usize = 1000;

/// An assessment of one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    /// "Berjalan dengan baik".
    Good,
    /// "Tidak berjalan dengan baik".
    NotGood,
}

impl Assessment {
    /// The stable code (forms, JSON).
    pub fn code(self) -> &'static str {
        match self {
            Assessment::Good => "good",
            Assessment::NotGood => "not_good",
        }
    }

    pub fn from_code(code: &str) -> Option<Assessment> {
        match code {
            "good" => Some(Assessment::Good),
            "not_good" => Some(Assessment::NotGood),
            _ => None,
        }
    }
}

/// One row of the form: a step of the SOP version, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringRow {
    /// The step's number in the SOP.
    pub no: u32,
    /// "Prosedur": the step's activity as the SOP words it.
    pub procedure: String,
    /// "Penilaian"; `None` until someone chose (a step without tasks is not proposed).
    pub assessment: Option<Assessment>,
    /// "Catatan hasil penilaian".
    pub note: String,
    /// "Tindakan yang harus diambil".
    pub action: String,
}

/// A half-year: semester 1 is January to June, semester 2 July to December.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HalfYear {
    pub year: i32,
    pub semester: u32,
}

impl HalfYear {
    /// The half-year holding `date`.
    pub fn of(date: NaiveDate) -> HalfYear {
        HalfYear {
            year: date.year(),
            semester: if date.month() <= 6 { 1 } else { 2 },
        }
    }

    /// The half-year before this one.
    pub fn previous(self) -> HalfYear {
        match self.semester {
            2 => HalfYear {
                year: self.year,
                semester: 1,
            },
            _ => HalfYear {
                year: self.year - 1,
                semester: 2,
            },
        }
    }

    /// A half-year a report may name (`semester` 1 or 2, a year of [`crate::report::YEARS`]).
    pub fn new(year: i32, semester: u32) -> Option<HalfYear> {
        (crate::report::YEARS.contains(&year) && (1..=2).contains(&semester))
            .then_some(HalfYear { year, semester })
    }

    /// Its period for the Mutu Baku figures.
    pub fn period(self) -> Option<crate::report::Period> {
        crate::report::Period::of(
            crate::report::PeriodKind::Semester,
            self.year,
            self.semester,
        )
        .ok()
    }
}

/// The figures of one step in the half-year (from the Mutu Baku compliance aggregates).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepFigures {
    /// Tasks with a standard finished in the half-year.
    pub finished: u64,
    /// Of those, how many within the standard.
    pub met: u64,
}

/// The assessment the figures suggest: none without finished tasks (the assessor judges),
/// "not good" when fewer than `threshold_percent` of the tasks met their standard, else good.
pub fn propose(figures: StepFigures, threshold_percent: u32) -> Option<Assessment> {
    if figures.finished == 0 {
        return None;
    }
    // met / finished < threshold / 100, in integers.
    if u128::from(figures.met) * 100 < u128::from(figures.finished) * u128::from(threshold_percent)
    {
        Some(Assessment::NotGood)
    } else {
        Some(Assessment::Good)
    }
}

/// Whether `actor` may read monitoring forms: leadership, staff, auditors and admins (the
/// office's figures); never an OPD's operator, nor an inactive person.
pub fn may_read(actor: &Actor) -> bool {
    actor.user.active && matches!(actor.user.role, Role::Admin | Role::Auditor | Role::Staff)
}

/// Whether a person of `role` may be made an assessor: staff or auditors (an admin
/// administers, an OPD's operator is not of the office).
pub fn may_be_assessor(role: Role) -> bool {
    matches!(role, Role::Staff | Role::Auditor)
}

/// Whether `actor`, who holds the assessor grant when `granted`, may fill and sign forms.
pub fn may_assess(actor: &Actor, granted: bool) -> bool {
    granted && actor.user.active && may_be_assessor(actor.user.role)
}

/// What is wrong with a row of a form, field by field (each a message key
/// `monitoring-error-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowProblem {
    /// The note or action is longer than [`TEXT_MAX`].
    TooLong,
    /// Signing needs every step assessed.
    Unassessed,
}

impl RowProblem {
    pub fn code(self) -> &'static str {
        match self {
            RowProblem::TooLong => "too-long",
            RowProblem::Unassessed => "unassessed",
        }
    }
}

/// The problems of a form's rows: `(row index, field, problem)`; `signing` also asks for an
/// assessment on every row. Empty when the form may be saved (or signed).
pub fn check_rows(rows: &[MonitoringRow], signing: bool) -> Vec<(usize, &'static str, RowProblem)> {
    let mut problems = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if signing && row.assessment.is_none() {
            problems.push((index, "penilaian", RowProblem::Unassessed));
        }
        if row.note.chars().count() > TEXT_MAX {
            problems.push((index, "catatan", RowProblem::TooLong));
        }
        if row.action.chars().count() > TEXT_MAX {
            problems.push((index, "tindakan", RowProblem::TooLong));
        }
    }
    problems
}

/// What a signature seals: every field of the form as printed, and who signed when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealedContent<'a> {
    pub sop_code: &'a str,
    pub sop_version: u32,
    pub year: i32,
    pub semester: u32,
    pub sop_title: &'a str,
    pub sop_number: &'a str,
    pub unit: &'a str,
    pub threshold_percent: u32,
    pub rows: &'a [MonitoringRow],
    pub assessor_id: &'a str,
    pub assessor_name: &'a str,
    pub assessor_nip: &'a str,
    /// Epoch milliseconds of the signature.
    pub signed_at: i64,
}

impl SealedContent<'_> {
    /// Lowercase hex SHA-256 of the content's JSON (fields in declaration order), so a stored
    /// form can be checked against the hash its signature stored.
    pub fn sha256(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(Sha256::digest(&bytes))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_threshold_divides_good_from_not_good() {
        let figures = |finished, met| StepFigures { finished, met };
        // 80 %: 4 of 5 is exactly on it (good), 79 of 100 below it.
        assert_eq!(propose(figures(5, 4), 80), Some(Assessment::Good));
        assert_eq!(propose(figures(100, 79), 80), Some(Assessment::NotGood));
        assert_eq!(propose(figures(100, 80), 80), Some(Assessment::Good));
        assert_eq!(propose(figures(3, 0), 80), Some(Assessment::NotGood));
        assert_eq!(propose(figures(0, 0), 80), None);
        assert_eq!(propose(figures(3, 0), 0), Some(Assessment::Good));
        assert_eq!(propose(figures(3, 2), 100), Some(Assessment::NotGood));
    }

    #[test]
    fn half_years() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            HalfYear::of(date(2026, 6, 30)),
            HalfYear {
                year: 2026,
                semester: 1
            }
        );
        let second = HalfYear::of(date(2026, 7, 1));
        assert_eq!(second.semester, 2);
        assert_eq!(second.previous(), HalfYear::new(2026, 1).unwrap());
        assert_eq!(
            HalfYear::new(2026, 1).unwrap().previous(),
            HalfYear::new(2025, 2).unwrap()
        );
        assert_eq!(HalfYear::new(2026, 3), None);
        let period = second.period().unwrap();
        assert_eq!(period.start, date(2026, 7, 1));
        assert_eq!(period.last(), date(2026, 12, 31));
    }

    #[test]
    fn rows_are_checked_field_by_field() {
        let row = |assessment, note: &str| MonitoringRow {
            no: 1,
            procedure: "Menerima surat".into(),
            assessment,
            note: note.into(),
            action: String::new(),
        };
        let long = "x".repeat(TEXT_MAX + 1);
        let rows = [row(None, ""), row(Some(Assessment::Good), &long)];
        assert_eq!(
            check_rows(&rows, false),
            [(1, "catatan", RowProblem::TooLong)]
        );
        assert_eq!(
            check_rows(&rows, true),
            [
                (0, "penilaian", RowProblem::Unassessed),
                (1, "catatan", RowProblem::TooLong)
            ]
        );
    }

    #[test]
    fn the_seal_changes_with_any_field() {
        let rows = vec![MonitoringRow {
            no: 1,
            procedure: "Menerima surat".into(),
            assessment: Some(Assessment::Good),
            note: String::new(),
            action: String::new(),
        }];
        let content = SealedContent {
            sop_code: "x",
            sop_version: 1,
            year: 2026,
            semester: 1,
            sop_title: "T",
            sop_number: "N",
            unit: "U",
            threshold_percent: 80,
            rows: &rows,
            assessor_id: "a",
            assessor_name: "A",
            assessor_nip: "1",
            signed_at: 5,
        };
        let mut other_rows = rows.clone();
        other_rows[0].assessment = Some(Assessment::NotGood);
        let other = SealedContent {
            rows: &other_rows,
            ..content.clone()
        };
        assert_eq!(content.sha256().len(), 64);
        assert_ne!(content.sha256(), other.sha256());
        assert_eq!(content.sha256(), content.clone().sha256());
    }
}
