//! What a report asks of the database, shared by the report queries (`compliance`,
//! `report_rollups`): the period and narrowing of a report ([`ReportFilter`]), the spread it
//! answers with ([`Spread`]), the values bound to a query built in code, a report's scope
//! conditions, and the SQL of a whole case's working time against its standards.

use chrono::{DateTime, Utc};
use pelihara_domain::OpdId;

/// Which tasks and cases a report counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFilter {
    /// The period, `[from, until)`.
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// Only the cases of this OPD (an operator's figures are always their OPD's).
    pub opd: Option<OpdId>,
    /// Only the cases of this SOP.
    pub sop_code: Option<String>,
}

/// Nearest-rank percentiles of one group (see `compliance`'s module comment).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spread {
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

/// A value bound to a report query, in order.
pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

/// The scope conditions of a report (`and ...`), numbered from `next`, with their values.
pub(crate) fn scope(
    filter: &ReportFilter,
    prefix: &str,
    opd_column: &str,
    next: usize,
) -> (String, Vec<Bind>) {
    let mut conditions = String::new();
    let mut binds = Vec::new();
    let mut next = next;
    if let Some(opd) = filter.opd {
        conditions.push_str(&format!(" and {prefix}{opd_column} = ${next}"));
        binds.push(Bind::Text(opd.to_string()));
        next += 1;
    }
    if let Some(sop) = &filter.sop_code {
        conditions.push_str(&format!(" and {prefix}sop_code = ${next}"));
        binds.push(Bind::Text(sop.clone()));
    }
    (conditions, binds)
}

pub(crate) fn bind_all<'q>(
    mut statement: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    binds: Vec<Bind>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for bind in binds {
        statement = match bind {
            Bind::Int(value) => statement.bind(value),
            Bind::Text(value) => statement.bind(value),
        };
    }
    statement
}

/// Each case done in the period with its working time and the sum of its steps' standards,
/// in seconds: `(case_id, sop_code, sop_version, actual, standard)`. The working time is the
/// sum over the steps it ran of their longest task (a step run twice counted twice), the
/// standard each step's once. Values: `$1` from, `$2` until, `$3` the seconds a working day
/// is worth; `conditions` narrow the cases (`c.`) and tasks (`t.`) with values from `$4`.
pub(crate) fn case_spans(conditions: &str) -> String {
    format!(
        "with o as (select t.case_id, c.sop_code, c.sop_version, t.step_no, \
         max(t.actual_seconds) as a, \
         max(case t.standard_unit when 'working_minutes' then t.standard_micros / 1000000 * 60 \
         when 'working_days' then t.standard_micros / 1000000 * $3 \
         else t.standard_micros / 1000000 * 86400 end) as s \
         from cases c join tasks t on t.case_id = c.id \
         where c.closed_at >= $1 and c.closed_at < $2 and c.status = 'done' \
         and t.state = 'done' and t.standard_micros > 0 and t.actual_seconds is not null\
         {conditions} \
         group by t.case_id, c.sop_code, c.sop_version, t.step_no, t.opened_at), \
         st as (select case_id, step_no, max(s) as s from o group by case_id, step_no), \
         k as (select case_id, max(sop_code) as sop_code, max(sop_version) as sop_version, \
         cast(sum(a) as bigint) as actual from o group by case_id), \
         ks as (select case_id, cast(sum(s) as bigint) as standard from st group by case_id) \
         select k.case_id, k.sop_code, k.sop_version, k.actual, ks.standard \
         from k join ks on ks.case_id = k.case_id where ks.standard > 0"
    )
}
