//! Mutu Baku compliance and the dashboard's figures, counted by the database (issue 15): per
//! SOP step, position, person or OPD, the tasks finished in a period against their standard
//! (how many, how many within it, the median and 90th percentile of the working time), the
//! ones opened in it that are still open and overdue now, the same per whole case, and the
//! cases in progress and closed; and the register's maintenance coverage (active apps
//! maintained within a window, per OPD, and the ones that were not). Every figure is SQL
//! aggregates over the columns of migration 0018 and the rollups of migration 0032; nothing
//! here loads cases or tasks into memory to count them.
//!
//! **Percentiles** are nearest-rank over the working time's bins (see `report_rollups`): of
//! `n` values in ascending order, the p-th percentile is the bin of the value at rank
//! `ceil(p * n / 100)` (1-based): the median at `ceil(n / 2)`, the 90th percentile at
//! `ceil(9 * n / 10)`, read as the bin's lower edge. A ratio to the standard is in permille,
//! rounded down (`actual * 1000 / standard`). The finished side and the counts of cases come
//! from the rollups the database keeps (migration 0032); the open side, the drill-downs and
//! the figures of "now" read the tasks and cases by their indexes.

use chrono::{DateTime, Utc};
use pelihara_domain::{AppId, CaseId, CaseStatus, OpdId, TaskId};
use sqlx::Row;

use crate::codec::{from_code, instant, millis, opt_instant, uuid};
use crate::report_query::{Bind, bind_all, case_spans, scope};
pub use crate::report_query::{ReportFilter, Spread};
use crate::report_rollups::{Bin, spread_of};
use crate::{Result, Store, StoreError};

/// What a compliance table groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grouping {
    /// SOP, version and step: the standard is the same for every task of a row.
    Step,
    /// The position that performs the task (`OPD_POSITION` for the requester's tasks).
    Position,
    /// The person who finished the task (for open tasks: who holds it; "" nobody yet).
    Person,
    /// The case's OPD ("" for a case without one).
    Opd,
}

impl Grouping {
    pub fn code(self) -> &'static str {
        match self {
            Grouping::Step => "step",
            Grouping::Position => "position",
            Grouping::Person => "person",
            Grouping::Opd => "opd",
        }
    }

    pub fn from_code(code: &str) -> Option<Grouping> {
        [
            Grouping::Step,
            Grouping::Position,
            Grouping::Person,
            Grouping::Opd,
        ]
        .into_iter()
        .find(|grouping| grouping.code() == code)
    }
}

/// A row's key: `sop_code`, `sop_version`, `step_no` for [`Grouping::Step`] (key empty), else
/// `key` (a position code, a user id or an OPD id; "" for none) and the rest empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    pub sop_code: String,
    pub sop_version: u32,
    pub step_no: u32,
    pub key: String,
}

impl GroupKey {
    fn from_columns(grouping: Grouping, g1: String, g2: i64, g3: i64) -> GroupKey {
        match grouping {
            Grouping::Step => GroupKey {
                sop_code: g1,
                sop_version: u32::try_from(g2).unwrap_or(0),
                step_no: u32::try_from(g3).unwrap_or(0),
                key: String::new(),
            },
            _ => GroupKey {
                key: g1,
                ..GroupKey::default()
            },
        }
    }
}

/// One row of a compliance table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplianceRow {
    pub group: GroupKey,
    /// The person's full name ([`Grouping::Person`]); empty otherwise.
    pub name: String,
    /// The step's standard ([`Grouping::Step`]): its unit code (`working_minutes`,
    /// `working_days`, `calendar_days`) and value x 1e6.
    pub standard_unit: Option<String>,
    pub standard_micros: Option<i64>,
    /// Tasks with a standard finished in the period, and how many within their standard.
    pub finished: u64,
    pub met: u64,
    /// Working time in the standard's unit x 1e6 ([`Grouping::Step`] only: other groupings
    /// mix units).
    pub actual_micros: Spread,
    /// Working time as a share of the standard, in permille.
    pub ratio_permille: Spread,
    /// Tasks with a standard opened in the period and still open or paused now, and how many
    /// of them are open past their due moment now.
    pub open: u64,
    pub overdue: u64,
}

/// One SOP version's whole cases done in the period: each case's working time (the sum over
/// the steps it ran of their longest task, a step run twice counted twice) against the sum of
/// its steps' standards (each step once), in seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseComplianceRow {
    pub sop_code: String,
    pub sop_version: u32,
    pub cases: u64,
    pub met: u64,
    pub actual_seconds: Spread,
    pub ratio_permille: Spread,
}

/// Which of a row's tasks a drill-down lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Finished,
    Met,
    Missed,
    Open,
    Overdue,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Finished => "finished",
            Outcome::Met => "met",
            Outcome::Missed => "missed",
            Outcome::Open => "open",
            Outcome::Overdue => "overdue",
        }
    }

    pub fn from_code(code: &str) -> Option<Outcome> {
        [
            Outcome::Finished,
            Outcome::Met,
            Outcome::Missed,
            Outcome::Open,
            Outcome::Overdue,
        ]
        .into_iter()
        .find(|outcome| outcome.code() == code)
    }

    fn is_open(self) -> bool {
        matches!(self, Outcome::Open | Outcome::Overdue)
    }
}

/// One figure of a compliance table: its row (grouping and key) and which of the row's tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub grouping: Grouping,
    pub key: GroupKey,
    pub outcome: Outcome,
}

/// Where a drill-down page ends: the next starts after this task or case (newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrillCursor {
    pub at: DateTime<Utc>,
    /// The last task's (or case's) id: ties of `at` are broken by it.
    pub id: uuid::Uuid,
}

impl DrillCursor {
    /// The cursor as a URL query value: `{epoch milliseconds}.{id}`.
    pub fn token(&self) -> String {
        format!("{}.{}", millis(self.at), self.id)
    }

    /// Reads [`DrillCursor::token`]'s form; `None` for anything else.
    pub fn parse(text: &str) -> Option<DrillCursor> {
        let (at, id) = text.trim().split_once('.')?;
        Some(DrillCursor {
            at: DateTime::from_timestamp_millis(at.parse().ok()?)?,
            id: uuid::Uuid::parse_str(id).ok()?,
        })
    }
}

/// One task behind a figure, with its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillRow {
    pub task_id: TaskId,
    pub case_id: CaseId,
    pub tracking_code: String,
    pub subject: String,
    pub opd_name: String,
    pub sop_code: String,
    pub sop_version: u32,
    pub step_no: u32,
    pub position: String,
    /// Who finished it (or holds it); empty for nobody yet.
    pub person: String,
    pub opened_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub actual_micros: Option<i64>,
    pub standard_unit: Option<String>,
    pub standard_micros: Option<i64>,
}

/// A page of a drill-down.
#[derive(Debug, Clone)]
pub struct DrillPage {
    pub rows: Vec<DrillRow>,
    pub next: Option<DrillCursor>,
}

/// Which of an SOP version's whole cases a drill-down lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFigure {
    pub sop_code: String,
    pub sop_version: u32,
    /// [`Outcome::Finished`], [`Outcome::Met`] or [`Outcome::Missed`]: cases have no open side
    /// in this table (they count when done).
    pub outcome: Outcome,
}

/// One whole case behind a figure: its working time against the sum of its standards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDrillRow {
    pub case_id: CaseId,
    pub tracking_code: String,
    pub subject: String,
    pub opd_name: String,
    pub closed_at: DateTime<Utc>,
    pub actual_seconds: i64,
    pub standard_seconds: i64,
}

/// A page of a whole-case drill-down.
#[derive(Debug, Clone)]
pub struct CaseDrillPage {
    pub rows: Vec<CaseDrillRow>,
    pub next: Option<DrillCursor>,
}

/// Cases in progress at one step (status `open`) or returned to the requester (status
/// `returned`, counted at the step they were returned from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressCount {
    pub sop_code: String,
    pub sop_version: u32,
    pub status: CaseStatus,
    pub step_no: u32,
    pub cases: u64,
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn small(value: i64, what: &str) -> Result<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value}")))
}

/// The columns every drill-down query selects.
const DRILL_COLUMNS: &str = "t.id, t.case_id, c.tracking_code, c.subject, \
     coalesce(o.name, '') as opd_name, t.sop_code, t.sop_version, t.step_no, t.position, \
     coalesce(t.completed_by_name, t.claimed_by_name, '') as person, t.opened_at, \
     t.completed_at, t.due_at, t.actual_in_unit_micros, t.standard_unit, t.standard_micros";

fn drill_row(row: &sqlx::any::AnyRow) -> Result<DrillRow> {
    Ok(DrillRow {
        task_id: TaskId(uuid(&row.try_get::<String, _>("id")?)?),
        case_id: CaseId(uuid(&row.try_get::<String, _>("case_id")?)?),
        tracking_code: row.try_get("tracking_code")?,
        subject: row.try_get("subject")?,
        opd_name: row.try_get("opd_name")?,
        sop_code: row
            .try_get::<Option<String>, _>("sop_code")?
            .unwrap_or_default(),
        sop_version: small(
            row.try_get::<Option<i64>, _>("sop_version")?.unwrap_or(0),
            "SOP version",
        )?,
        step_no: small(row.try_get("step_no")?, "step")?,
        position: row.try_get("position")?,
        person: row.try_get("person")?,
        opened_at: instant(row.try_get("opened_at")?)?,
        completed_at: opt_instant(row.try_get("completed_at")?)?,
        due_at: opt_instant(row.try_get("due_at")?)?,
        actual_micros: row.try_get("actual_in_unit_micros")?,
        standard_unit: row.try_get("standard_unit")?,
        standard_micros: row.try_get("standard_micros")?,
    })
}

impl Store {
    /// The task compliance table of `filter`'s period grouped by `grouping`, rows in key
    /// order (a group with only finished or only open tasks has zeros on the other side).
    pub async fn compliance(
        &self,
        filter: &ReportFilter,
        grouping: Grouping,
        now: DateTime<Utc>,
    ) -> Result<Vec<ComplianceRow>> {
        let mut rows: std::collections::BTreeMap<GroupKey, ComplianceRow> =
            std::collections::BTreeMap::new();
        let histogram = self.task_histogram(filter, grouping.code()).await?;
        for group in histogram.chunk_by(|a, b| (&a.g1, a.g2, a.g3) == (&b.g1, b.g2, b.g3)) {
            let first = &group[0];
            let bins: Vec<Bin> = group.iter().map(|row| row.bin).collect();
            let key = GroupKey::from_columns(grouping, first.g1.clone(), first.g2, first.g3);
            let ratio = spread_of(&bins);
            let step = grouping == Grouping::Step;
            // A step's working time at a percentile: the ratio's bin of its one standard.
            let in_unit = |permille: Option<i64>| {
                permille.map(|permille| {
                    i64::try_from(i128::from(permille) * i128::from(first.standard) / 1000)
                        .unwrap_or(i64::MAX)
                })
            };
            rows.insert(
                key.clone(),
                ComplianceRow {
                    group: key,
                    name: String::new(),
                    standard_unit: step.then(|| first.unit.clone()),
                    standard_micros: step.then_some(first.standard),
                    finished: bins.iter().map(|bin| bin.count).sum(),
                    met: bins.iter().map(|bin| bin.met).sum(),
                    actual_micros: if step {
                        Spread {
                            median: in_unit(ratio.median),
                            p90: in_unit(ratio.p90),
                        }
                    } else {
                        Spread::default()
                    },
                    ratio_permille: ratio,
                    open: 0,
                    overdue: 0,
                },
            );
        }
        for open in self
            .open_counts(filter, grouping.code(), millis(now))
            .await?
        {
            let group = GroupKey::from_columns(grouping, open.g1, open.g2, open.g3);
            let entry = rows.entry(group.clone()).or_insert_with(|| ComplianceRow {
                group,
                ..ComplianceRow::default()
            });
            entry.open = open.open;
            entry.overdue = open.overdue;
        }
        // The people's names in one read (an office has tens or hundreds of people), not one
        // read per row of the table.
        if grouping == Grouping::Person {
            let mut names = std::collections::HashMap::new();
            for found in sqlx::query("select id, full_name from users")
                .fetch_all(self.reader())
                .await?
            {
                names.insert(
                    found.try_get::<String, _>("id")?,
                    found.try_get::<String, _>("full_name")?,
                );
            }
            for row in rows.values_mut() {
                row.name = names.get(&row.group.key).cloned().unwrap_or_default();
            }
        }
        if grouping == Grouping::Step {
            // The standard of a step whose tasks are all still open.
            for row in rows
                .values_mut()
                .filter(|row| row.standard_micros.is_none())
            {
                let standard = sqlx::query(
                    "select standard_unit, standard_micros from tasks where sop_code = $1 \
                     and sop_version = $2 and step_no = $3 and standard_micros > 0 \
                     and state in ('open', 'paused') limit 1",
                )
                .bind(row.group.sop_code.clone())
                .bind(i64::from(row.group.sop_version))
                .bind(i64::from(row.group.step_no))
                .fetch_optional(self.reader())
                .await?;
                if let Some(standard) = standard {
                    row.standard_unit = standard.try_get("standard_unit")?;
                    row.standard_micros = standard.try_get("standard_micros")?;
                }
            }
        }
        Ok(rows.into_values().collect())
    }

    /// Whole-case compliance of the cases done in `filter`'s period, per SOP version.
    /// `working_day_seconds`: how many working seconds a standard's working day is worth
    /// (the office's day, from its calendar); a calendar day is 86 400 s, a minute 60 s.
    pub async fn case_compliance(
        &self,
        filter: &ReportFilter,
        working_day_seconds: i64,
    ) -> Result<Vec<CaseComplianceRow>> {
        let histogram = self.case_histogram(filter, working_day_seconds).await?;
        Ok(histogram
            .chunk_by(|a, b| (&a.sop, a.sop_version) == (&b.sop, b.sop_version))
            .map(|version| {
                let of_kind = |kind: &str| -> Vec<Bin> {
                    version
                        .iter()
                        .filter(|row| row.kind == kind)
                        .map(|row| row.bin)
                        .collect()
                };
                let (ratio, seconds) = (of_kind("r"), of_kind("s"));
                CaseComplianceRow {
                    sop_code: version[0].sop.clone(),
                    sop_version: u32::try_from(version[0].sop_version).unwrap_or(0),
                    cases: ratio.iter().map(|bin| bin.count).sum(),
                    met: ratio.iter().map(|bin| bin.met).sum(),
                    actual_seconds: spread_of(&seconds),
                    ratio_permille: spread_of(&ratio),
                }
            })
            .collect())
    }

    /// The whole cases behind one figure of [`Store::case_compliance`], newest first (by
    /// their closing), `limit` a page, after `after`.
    pub async fn compliance_cases(
        &self,
        filter: &ReportFilter,
        figure: &CaseFigure,
        working_day_seconds: i64,
        after: Option<DrillCursor>,
        limit: i64,
    ) -> Result<CaseDrillPage> {
        let limit = limit.clamp(1, 200);
        let (mut conditions, mut binds) = scope(filter, "c.", "opd_id", 4);
        let mut next = 4 + binds.len();
        // The SOP version inside the spans: only its cases are summed.
        conditions.push_str(&format!(
            " and c.sop_code = ${next} and c.sop_version = ${}",
            next + 1
        ));
        binds.push(Bind::Text(figure.sop_code.clone()));
        binds.push(Bind::Int(i64::from(figure.sop_version)));
        next += 2;
        let spans = case_spans(&conditions);
        let mut outer = match figure.outcome {
            Outcome::Met => " and cs.actual <= cs.standard".to_owned(),
            Outcome::Missed => " and cs.actual > cs.standard".to_owned(),
            _ => String::new(),
        };
        if let Some(cursor) = after {
            outer.push_str(&format!(
                " and c.closed_at <= ${next} and (c.closed_at < ${next} or c.id < ${})",
                next + 1
            ));
            binds.push(Bind::Int(millis(cursor.at)));
            binds.push(Bind::Text(cursor.id.to_string()));
            next += 2;
        }
        let query = format!(
            "select c.id, c.tracking_code, c.subject, coalesce(op.name, '') as opd_name, \
             c.closed_at, cs.actual, cs.standard \
             from ({spans}) cs join cases c on c.id = cs.case_id \
             left join opds op on op.id = c.opd_id \
             where 1 = 1{outer} order by c.closed_at desc, c.id desc limit ${next}"
        );
        let mut all = vec![
            Bind::Int(millis(filter.from)),
            Bind::Int(millis(filter.until)),
            Bind::Int(working_day_seconds),
        ];
        all.extend(binds);
        all.push(Bind::Int(limit + 1));
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(query)), all)
            .fetch_all(self.reader())
            .await?;
        let mut rows = rows
            .iter()
            .map(|row| {
                Ok(CaseDrillRow {
                    case_id: CaseId(uuid(&row.try_get::<String, _>("id")?)?),
                    tracking_code: row.try_get("tracking_code")?,
                    subject: row.try_get("subject")?,
                    opd_name: row.try_get("opd_name")?,
                    closed_at: instant(row.try_get("closed_at")?)?,
                    actual_seconds: row.try_get("actual")?,
                    standard_seconds: row.try_get("standard")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let page = usize::try_from(limit).unwrap_or(usize::MAX);
        let next = if rows.len() > page {
            rows.truncate(page);
            rows.last().map(|row| DrillCursor {
                at: row.closed_at,
                id: row.case_id.0,
            })
        } else {
            None
        };
        Ok(CaseDrillPage { rows, next })
    }

    /// The tasks behind one figure of a compliance table, newest first (finished ones by
    /// completion, open ones by opening), `limit` a page, after `after`.
    pub async fn compliance_tasks(
        &self,
        filter: &ReportFilter,
        figure: &Figure,
        now: DateTime<Utc>,
        after: Option<DrillCursor>,
        limit: i64,
    ) -> Result<DrillPage> {
        let (grouping, key, outcome) = (figure.grouping, &figure.key, figure.outcome);
        let limit = limit.clamp(1, 200);
        let moment = if outcome.is_open() {
            "t.opened_at"
        } else {
            "t.completed_at"
        };
        let mut binds = vec![
            Bind::Int(millis(filter.from)),
            Bind::Int(millis(filter.until)),
        ];
        let mut conditions = if outcome.is_open() {
            "t.state in ('open', 'paused') and t.opened_at >= $1 and t.opened_at < $2 \
             and t.standard_micros > 0"
                .to_owned()
        } else {
            "t.state = 'done' and t.completed_at >= $1 and t.completed_at < $2 \
             and t.standard_micros > 0 and t.actual_in_unit_micros is not null"
                .to_owned()
        };
        let mut next = 3;
        match outcome {
            Outcome::Met => {
                conditions.push_str(" and t.actual_in_unit_micros <= t.standard_micros + 1")
            }
            Outcome::Missed => {
                conditions.push_str(" and t.actual_in_unit_micros > t.standard_micros + 1")
            }
            Outcome::Overdue => {
                conditions.push_str(&format!(" and t.state = 'open' and t.due_at < ${next}"));
                binds.push(Bind::Int(millis(now)));
                next += 1;
            }
            Outcome::Finished | Outcome::Open => {}
        }
        match grouping {
            Grouping::Step => {
                conditions.push_str(&format!(
                    " and t.sop_code = ${next} and t.sop_version = ${} and t.step_no = ${}",
                    next + 1,
                    next + 2
                ));
                binds.push(Bind::Text(key.sop_code.clone()));
                binds.push(Bind::Int(i64::from(key.sop_version)));
                binds.push(Bind::Int(i64::from(key.step_no)));
                next += 3;
            }
            Grouping::Position => {
                conditions.push_str(&format!(" and t.position = ${next}"));
                binds.push(Bind::Text(key.key.clone()));
                next += 1;
            }
            Grouping::Person => {
                let column = if outcome.is_open() {
                    "t.claimed_by"
                } else {
                    "t.completed_by"
                };
                conditions.push_str(&format!(" and coalesce({column}, '') = ${next}"));
                binds.push(Bind::Text(key.key.clone()));
                next += 1;
            }
            Grouping::Opd => {
                conditions.push_str(&format!(" and coalesce(t.case_opd_id, '') = ${next}"));
                binds.push(Bind::Text(key.key.clone()));
                next += 1;
            }
        }
        let (scoped, scope_binds) = scope(filter, "t.", "case_opd_id", next);
        next += scope_binds.len();
        binds.extend(scope_binds);
        conditions.push_str(&scoped);
        if let Some(cursor) = after {
            conditions.push_str(&format!(
                " and {moment} <= ${next} and ({moment} < ${next} or t.id < ${})",
                next + 1
            ));
            binds.push(Bind::Int(millis(cursor.at)));
            binds.push(Bind::Text(cursor.id.to_string()));
            next += 2;
        }
        let query = format!(
            "select {DRILL_COLUMNS} \
             from tasks t join cases c on c.id = t.case_id left join opds o on o.id = c.opd_id \
             where {conditions} order by {moment} desc, t.id desc limit ${next}"
        );
        binds.push(Bind::Int(limit + 1));
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(query)), binds)
            .fetch_all(self.reader())
            .await?;
        let mut rows = rows.iter().map(drill_row).collect::<Result<Vec<_>>>()?;
        let page = usize::try_from(limit).unwrap_or(usize::MAX);
        let next = if rows.len() > page {
            rows.truncate(page);
            rows.last().map(|row| DrillCursor {
                at: if outcome.is_open() {
                    row.opened_at
                } else {
                    row.completed_at.unwrap_or(row.opened_at)
                },
                id: row.task_id.0,
            })
        } else {
            None
        };
        Ok(DrillPage { rows, next })
    }

    /// The cases in progress now (open, by step) and returned to the requester, per SOP
    /// version, narrowed like a report (the period does not apply).
    pub async fn cases_in_progress(&self, filter: &ReportFilter) -> Result<Vec<ProgressCount>> {
        // The counts the database keeps per OPD ('' every one) as cases move (migration 0032).
        let rows = sqlx::query(
            "select sop, sop_version, status, step, cast(sum(cases) as bigint) as cases \
             from report_progress where opd = $1 and ($2 = '' or sop = $2) \
             group by sop, sop_version, status, step having sum(cases) > 0 \
             order by sop, sop_version, step, status",
        )
        .bind(filter.opd.map(|opd| opd.to_string()).unwrap_or_default())
        .bind(filter.sop_code.clone().unwrap_or_default())
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ProgressCount {
                    sop_code: row.try_get("sop")?,
                    sop_version: small(row.try_get("sop_version")?, "SOP version")?,
                    status: from_code(&row.try_get::<String, _>("status")?)?,
                    step_no: small(row.try_get("step")?, "step")?,
                    cases: count(row.try_get("cases")?),
                })
            })
            .collect()
    }

    /// The tasks open past their due moment at `now`, the longest overdue first, at most
    /// `limit` (the period does not apply): a range of the open tasks' due index.
    pub async fn overdue_tasks(
        &self,
        filter: &ReportFilter,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DrillRow>> {
        let (conditions, binds) = scope(filter, "t.", "case_opd_id", 2);
        let next = 2 + binds.len();
        let query = format!(
            "select {DRILL_COLUMNS} from tasks t join cases c on c.id = t.case_id \
             left join opds o on o.id = c.opd_id \
             where t.state = 'open' and t.due_at < $1{conditions} \
             order by t.due_at, t.id limit ${next}"
        );
        let mut all = vec![Bind::Int(millis(now))];
        all.extend(binds);
        all.push(Bind::Int(limit.clamp(1, 200)));
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(query)), all)
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(drill_row).collect()
    }

    /// How many cases have a task open past its due moment at `now` (the period does not
    /// apply).
    pub async fn overdue_cases(&self, filter: &ReportFilter, now: DateTime<Utc>) -> Result<u64> {
        self.overdue_case_count(filter, millis(now)).await
    }

    /// Cases submitted in the period, and the ones closed in it by how they ended.
    pub async fn cases_in_period(&self, filter: &ReportFilter) -> Result<PeriodCounts> {
        let mut counts = PeriodCounts::default();
        for (what, cases) in self.case_counts(filter).await? {
            match what.as_str() {
                "submitted" => counts.submitted = cases,
                "done" => counts.done = cases,
                "rejected" => counts.rejected = cases,
                "withdrawn" => counts.withdrawn = cases,
                _ => {}
            }
        }
        Ok(counts)
    }

    /// Tasks with a standard finished in the period and how many within it (the trend's
    /// point for one month).
    pub async fn finished_within_standard(&self, filter: &ReportFilter) -> Result<(u64, u64)> {
        let histogram = self.task_histogram(filter, Grouping::Step.code()).await?;
        Ok(histogram.iter().fold((0, 0), |(finished, met), row| {
            (finished + row.bin.count, met + row.bin.met)
        }))
    }
}

/// Cases submitted in a period and closed in it by how they ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeriodCounts {
    pub submitted: u64,
    pub done: u64,
    pub rejected: u64,
    pub withdrawn: u64,
}

/// One OPD's apps due within the window and how many of them were maintained in it. An active
/// app is due when it was registered before the window began (it had the whole window) or was
/// maintained in it anyway; one registered within the window and not maintained yet is not
/// late, so it counts on neither side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageRow {
    pub opd_id: OpdId,
    pub opd_name: String,
    pub apps: u64,
    pub maintained: u64,
}

/// An active app not maintained within the window, with its last maintenance before its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncoveredApp {
    pub app_id: AppId,
    pub name: String,
    pub opd_name: String,
    pub registered_at: DateTime<Utc>,
    pub last_maintained_at: Option<DateTime<Utc>>,
}

/// "Maintained in `[$1, $2)`": a case of the app done in the window that counts as its
/// maintenance (one seek of `cases_by_app_status` per app).
const MAINTAINED_IN_WINDOW: &str = "exists (select 1 from cases c where c.app_id = a.id \
     and c.status = 'done' and c.counts_as_maintenance = 1 and c.closed_at >= $1 \
     and c.closed_at < $2)";

impl Store {
    /// Per OPD with active apps (by name), the apps due in `[since, until)` (see
    /// [`CoverageRow`]) and how many had a maintenance case done in it; narrowed to `opd`.
    pub async fn maintenance_coverage(
        &self,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        opd: Option<OpdId>,
    ) -> Result<Vec<CoverageRow>> {
        let narrow = if opd.is_some() {
            " and a.opd_id = $3"
        } else {
            ""
        };
        let query = format!(
            "select a.opd_id, o.name as opd_name, \
             sum(case when a.created_at < $1 or {MAINTAINED_IN_WINDOW} then 1 else 0 end) as apps, \
             sum(case when {MAINTAINED_IN_WINDOW} then 1 else 0 end) as maintained \
             from apps a join opds o on o.id = a.opd_id \
             where a.status = 'active' and a.created_at < $2{narrow} \
             group by a.opd_id, o.name order by o.name, a.opd_id"
        );
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(millis(since))
            .bind(millis(until));
        if let Some(opd) = opd {
            statement = statement.bind(opd.to_string());
        }
        let rows = statement.fetch_all(self.reader()).await?;
        rows.iter()
            .map(|row| {
                Ok(CoverageRow {
                    opd_id: OpdId(uuid(&row.try_get::<String, _>("opd_id")?)?),
                    opd_name: row.try_get("opd_name")?,
                    apps: count(row.try_get("apps")?),
                    maintained: count(row.try_get("maintained")?),
                })
            })
            .collect()
    }

    /// The apps due in the window of [`Store::maintenance_coverage`] that were not maintained
    /// in it, longest without first (never maintained: by registration), then by name.
    pub async fn apps_not_maintained(
        &self,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        opd: Option<OpdId>,
    ) -> Result<Vec<UncoveredApp>> {
        let narrow = if opd.is_some() {
            " and a.opd_id = $3"
        } else {
            ""
        };
        let query = format!(
            "select a.id, a.name, o.name as opd_name, a.created_at, \
             (select max(c.closed_at) from cases c where c.app_id = a.id and c.status = 'done' \
             and c.counts_as_maintenance = 1 and c.closed_at < $2) as last_maintained_at \
             from apps a join opds o on o.id = a.opd_id \
             where a.status = 'active' and a.created_at < $1{narrow} \
             and not {MAINTAINED_IN_WINDOW}"
        );
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(millis(since))
            .bind(millis(until));
        if let Some(opd) = opd {
            statement = statement.bind(opd.to_string());
        }
        let rows = statement.fetch_all(self.reader()).await?;
        let mut apps = rows
            .iter()
            .map(|row| {
                Ok(UncoveredApp {
                    app_id: AppId(uuid(&row.try_get::<String, _>("id")?)?),
                    name: row.try_get("name")?,
                    opd_name: row.try_get("opd_name")?,
                    registered_at: instant(row.try_get("created_at")?)?,
                    last_maintained_at: opt_instant(row.try_get("last_maintained_at")?)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // The order in Rust: the backends sort missing values differently.
        apps.sort_by(|a, b| {
            (a.last_maintained_at.unwrap_or(a.registered_at), &a.name)
                .cmp(&(b.last_maintained_at.unwrap_or(b.registered_at), &b.name))
        });
        Ok(apps)
    }
}
