//! The reports' figures read from what the database keeps as tasks and cases change
//! (migrations 0032 and 0036): a period `[from, until)` is cut into whole months and whole
//! days of the office's clock (UTC moved by the offset the rows were counted with,
//! `report_basis.zone_offset_ms`), read from the rollup rows, and any hours at its edges,
//! counted from the tasks and cases themselves ([`pieces`]). A period of the office's own
//! dates has no such hours; one cut elsewhere (or read before the rows were counted again for
//! a new zone) has, and its figures are the same. What a report reads thus grows with the
//! length of its period in days, not with the number of tasks in it.
//!
//! Counts (tasks, within the standard, cases submitted and closed) are exact. The working
//! time's distribution is kept in bins of its ratio to the standard in permille
//! ([`ratio_bin`]: 1 % wide below 200 %, 10 % wide below 1000 %, one bin above) and, for whole
//! cases, in quarter hours of working time; a percentile is the nearest-rank bin, read as the
//! bin's lower edge (the figure "rounded down to the bin"). The edges are binned by the same
//! rules, so a figure does not depend on how its period was cut.

use chrono::{Datelike, NaiveDate};
use sqlx::Row;

use crate::report_query::{Bind, ReportFilter, Spread, bind_all, case_spans, scope};
use crate::write_conn::WriteConn;
use crate::{Backend, Result, Store};

const DAY_MS: i64 = 86_400_000;

/// Whole cases' working time is binned in quarter hours.
pub(crate) const SECONDS_BIN: i64 = 900;

/// The bin of a ratio to the standard in permille, in SQL over an integer permille expression
/// (migration 0032 says the same).
pub(crate) fn ratio_bin_sql(permille: &str) -> String {
    format!(
        "case when {permille} < 2000 then {permille} / 10 * 10 \
         when {permille} < 10000 then {permille} / 100 * 100 else 10000 end"
    )
}

/// A moment (epoch milliseconds, SQL) as its UTC month's bucket, `year x 12 + month - 1`; of a
/// moment moved by the office's offset, the office's month.
pub(crate) fn month_sql(backend: Backend, at: &str) -> String {
    match backend {
        Backend::Sqlite => format!(
            "(cast(strftime('%Y', {at} / 1000, 'unixepoch') as integer) * 12 \
             + cast(strftime('%m', {at} / 1000, 'unixepoch') as integer) - 1)"
        ),
        Backend::Postgres => format!("pelihara_utc_month({at})"),
    }
}

/// A period cut into what the rollups hold whole and what is counted at its edges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pieces {
    /// Whole months of the rollups' clock, as month buckets `[first, end)`.
    pub months: Option<(i64, i64)>,
    /// Whole days of that clock outside those months, as day numbers `[first, end)`.
    pub days: Vec<(i64, i64)>,
    /// The rest, in epoch milliseconds `[from, until)`: less than a day at each edge.
    pub exact: Vec<(i64, i64)>,
}

fn day_date(day: i64) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(
        i32::try_from(day + 719_163).unwrap_or(i32::MAX), // 1970-01-01 is day 719 163
    )
    .unwrap_or(NaiveDate::MAX)
}

fn month_bucket(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

fn month_start_day(bucket: i64) -> i64 {
    let year = i32::try_from(bucket.div_euclid(12)).unwrap_or(i32::MAX);
    let month = u32::try_from(bucket.rem_euclid(12) + 1).unwrap_or(1);
    NaiveDate::from_ymd_opt(year, month, 1).map_or(i64::MAX, |date| {
        i64::from(date.num_days_from_ce()) - 719_163
    })
}

/// Cuts `[from, until)` (epoch milliseconds) into whole months and days of the clock `offset`
/// milliseconds ahead of UTC (the rollups' buckets) and the hours at the edges (in UTC).
pub(crate) fn pieces(from: i64, until: i64, offset: i64) -> Pieces {
    let mut cut = clock_pieces(from + offset, until + offset);
    for edge in &mut cut.exact {
        *edge = (edge.0 - offset, edge.1 - offset);
    }
    cut
}

/// [`pieces`] of a period already on the rollups' clock.
fn clock_pieces(from: i64, until: i64) -> Pieces {
    let mut pieces = Pieces::default();
    if until <= from {
        return pieces;
    }
    let first_day = from.div_euclid(DAY_MS) + i64::from(from.rem_euclid(DAY_MS) > 0);
    let end_day = until.div_euclid(DAY_MS);
    if first_day >= end_day {
        pieces.exact.push((from, until));
        return pieces;
    }
    if from < first_day * DAY_MS {
        pieces.exact.push((from, first_day * DAY_MS));
    }
    if end_day * DAY_MS < until {
        pieces.exact.push((end_day * DAY_MS, until));
    }
    let start = day_date(first_day);
    let first_month = month_bucket(start) + i64::from(start.day() != 1);
    let end_month = month_bucket(day_date(end_day));
    if first_month < end_month {
        pieces.months = Some((first_month, end_month));
        let (head, tail) = (month_start_day(first_month), month_start_day(end_month));
        if first_day < head {
            pieces.days.push((first_day, head));
        }
        if tail < end_day {
            pieces.days.push((tail, end_day));
        }
    } else {
        pieces.days.push((first_day, end_day));
    }
    pieces
}

/// One bin of a histogram: how many, and how many of them met their standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bin {
    pub bin: i64,
    pub count: u64,
    pub met: u64,
}

/// The nearest-rank median and 90th percentile of a histogram in ascending bin order (of `n`
/// values, the value at rank `ceil(n / 2)` and `ceil(9 n / 10)`), each as its bin.
pub(crate) fn spread_of(bins: &[Bin]) -> Spread {
    let total: u64 = bins.iter().map(|bin| bin.count).sum();
    if total == 0 {
        return Spread::default();
    }
    let at_rank = |rank: u64| {
        let mut seen = 0;
        bins.iter()
            .find(|bin| {
                seen += bin.count;
                seen >= rank
            })
            .map(|bin| bin.bin)
    };
    Spread {
        median: at_rank(total.div_ceil(2)),
        p90: at_rank((9 * total).div_ceil(10)),
    }
}

/// One row of a task histogram: a group's key, a bin, and the step's standard (per-step rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TaskBin {
    pub g1: String,
    pub g2: i64,
    pub g3: i64,
    pub bin: Bin,
    pub unit: String,
    pub standard: i64,
}

/// Which rows of the task rollup a grouping reads for a filter: `(opd, sop, g1)` where `opd`
/// and `sop` are scopes ('' every one) and `g1` narrows the key when the key itself says it.
fn task_scope(filter: &ReportFilter, grouping: &str) -> (String, String, Option<String>) {
    let opd = filter.opd.map(|opd| opd.to_string());
    let sop = filter.sop_code.clone();
    match grouping {
        "step" => (opd.unwrap_or_default(), String::new(), sop),
        "opd" => (String::new(), sop.unwrap_or_default(), opd),
        _ => (opd.unwrap_or_default(), sop.unwrap_or_default(), None),
    }
}

/// The facts views' scope flags for a report's scopes ('' every OPD or SOP): the views show
/// one row per task and scope, and only these flags let the planner pick the one row a report
/// reads (migration 0035). Literal 0 or 1, never input.
fn scope_flags(opd: &str, sop: &str) -> String {
    format!(
        " and opd_scoped = {} and sop_scoped = {}",
        u8::from(!opd.is_empty()),
        u8::from(!sop.is_empty())
    )
}

/// The `union all` arms reading the rollup rows of `pieces` from `table` and the edges from
/// `facts` (whose moment is `at`), each narrowed by `conditions` over `$1..` (already bound),
/// the edges by `fact_conditions` too, with their range values numbered from `next`.
fn arms(
    pieces: &Pieces,
    (table, columns, facts, fact_columns, at): (&str, &str, &str, &str, &str),
    (conditions, fact_conditions): (&str, &str),
    binds: &mut Vec<Bind>,
) -> Vec<String> {
    let mut arms = Vec::new();
    let range = |binds: &mut Vec<Bind>, (first, end): (i64, i64)| {
        let next = binds.len() + 1;
        binds.push(Bind::Int(first));
        binds.push(Bind::Int(end));
        (next, next + 1)
    };
    if let Some(months) = pieces.months {
        let (a, b) = range(binds, months);
        arms.push(format!(
            "select {columns} from {table} where span = 'm' and bucket >= ${a} \
             and bucket < ${b}{conditions}"
        ));
    }
    for days in &pieces.days {
        let (a, b) = range(binds, *days);
        arms.push(format!(
            "select {columns} from {table} where span = 'd' and bucket >= ${a} \
             and bucket < ${b}{conditions}"
        ));
    }
    for edge in &pieces.exact {
        let (a, b) = range(binds, *edge);
        arms.push(format!(
            "select {fact_columns} from {facts} where {at} >= ${a} and {at} < ${b}{conditions}\
             {fact_conditions}"
        ));
    }
    arms
}

impl Store {
    /// The histogram of the tasks with a standard finished in `filter`'s period, per group of
    /// `grouping` (its code), in key and bin order.
    pub(crate) async fn task_histogram(
        &self,
        filter: &ReportFilter,
        grouping: &str,
    ) -> Result<Vec<TaskBin>> {
        let pieces = pieces(
            crate::codec::millis(filter.from),
            crate::codec::millis(filter.until),
            self.rollup_offset().await?,
        );
        let (opd, sop, g1) = task_scope(filter, grouping);
        let scoped = scope_flags(&opd, &sop);
        let mut binds = vec![
            Bind::Text(grouping.to_owned()),
            Bind::Text(opd),
            Bind::Text(sop),
        ];
        let mut conditions = " and grouping = $1 and opd = $2 and sop = $3".to_owned();
        if let Some(g1) = g1 {
            conditions.push_str(" and g1 = $4");
            binds.push(Bind::Text(g1));
        }
        let arms = arms(
            &pieces,
            (
                "report_task_rollup",
                "g1, g2, g3, bin, tasks, met, unit, standard",
                "report_task_facts",
                "g1, g2, g3, bin, 1 as tasks, met, unit, standard",
                "completed_at",
            ),
            (&conditions, &scoped),
            &mut binds,
        );
        if arms.is_empty() {
            return Ok(Vec::new());
        }
        let query = format!(
            "select g1, g2, g3, bin, cast(sum(tasks) as bigint) as tasks, \
             cast(sum(met) as bigint) as met, max(unit) as unit, \
             cast(max(standard) as bigint) as standard from ({}) h \
             group by g1, g2, g3, bin order by g1, g2, g3, bin",
            arms.join(" union all ")
        );
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(query)), binds)
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(TaskBin {
                    g1: row.try_get("g1")?,
                    g2: row.try_get("g2")?,
                    g3: row.try_get("g3")?,
                    bin: Bin {
                        bin: row.try_get("bin")?,
                        count: u64::try_from(row.try_get::<i64, _>("tasks")?).unwrap_or(0),
                        met: u64::try_from(row.try_get::<i64, _>("met")?).unwrap_or(0),
                    },
                    unit: row.try_get("unit")?,
                    standard: row.try_get("standard")?,
                })
            })
            .collect()
    }

    /// Cases submitted in `filter`'s period and closed in it, per `what` (`submitted`, `done`,
    /// `rejected`, `withdrawn`).
    pub(crate) async fn case_counts(&self, filter: &ReportFilter) -> Result<Vec<(String, u64)>> {
        let pieces = pieces(
            crate::codec::millis(filter.from),
            crate::codec::millis(filter.until),
            self.rollup_offset().await?,
        );
        let mut binds = vec![
            Bind::Text(filter.opd.map(|opd| opd.to_string()).unwrap_or_default()),
            Bind::Text(filter.sop_code.clone().unwrap_or_default()),
        ];
        let mut arms = arms(
            &Pieces {
                exact: Vec::new(),
                ..pieces.clone()
            },
            ("report_case_rollup", "what, cases", "", "", ""),
            (" and opd = $1 and sop = $2", ""),
            &mut binds,
        );
        // The edges straight from the cases, by the indexes of their moments ('' every one).
        let narrow = " and ($1 = '' or opd_id = $1) and ($2 = '' or sop_code = $2)";
        for (first, end) in &pieces.exact {
            let next = binds.len() + 1;
            binds.push(Bind::Int(*first));
            binds.push(Bind::Int(*end));
            let (a, b) = (next, next + 1);
            arms.push(format!(
                "select 'submitted' as what, 1 as cases from cases \
                 where submitted_at >= ${a} and submitted_at < ${b}{narrow}"
            ));
            arms.push(format!(
                "select status as what, 1 as cases from cases where closed_at >= ${a} \
                 and closed_at < ${b} and status in ('done', 'rejected', 'withdrawn'){narrow}"
            ));
        }
        if arms.is_empty() {
            return Ok(Vec::new());
        }
        let query = format!(
            "select what, cast(sum(cases) as bigint) as cases from ({}) h group by what",
            arms.join(" union all ")
        );
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(query)), binds)
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("what")?,
                    u64::try_from(row.try_get::<i64, _>("cases")?).unwrap_or(0),
                ))
            })
            .collect()
    }
}

/// A range `[first, end)` of day numbers or of epoch milliseconds.
type Range = (i64, i64);

/// The whole days of `[from, until)` on the clock `offset` ahead of UTC as one day range, and
/// the hours at its edges (in UTC).
fn day_pieces(from: i64, until: i64, offset: i64) -> (Option<Range>, Vec<Range>) {
    let (shifted_from, shifted_until) = (from + offset, until + offset);
    let first = shifted_from.div_euclid(DAY_MS) + i64::from(shifted_from.rem_euclid(DAY_MS) > 0);
    let end = shifted_until.div_euclid(DAY_MS);
    (
        (first < end).then_some((first, end)),
        pieces(from, until, offset).exact,
    )
}

/// One group's tasks opened in a period that are open or paused now, and how many of them are
/// open past their due moment now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OpenCount {
    pub g1: String,
    pub g2: i64,
    pub g3: i64,
    pub open: u64,
    pub overdue: u64,
}

impl Store {
    /// The open side of a compliance table: per group of `grouping` (its code), the tasks
    /// with a standard opened in `filter`'s period still open or paused at `now`, and the ones
    /// open past their due moment then. Whole days from the rollup (due before the office's
    /// today: overdue), today's due moments and the edges from the tasks.
    pub(crate) async fn open_counts(
        &self,
        filter: &ReportFilter,
        grouping: &str,
        now: i64,
    ) -> Result<Vec<OpenCount>> {
        let offset = self.rollup_offset().await?;
        let (days, edges) = day_pieces(
            crate::codec::millis(filter.from),
            crate::codec::millis(filter.until),
            offset,
        );
        let (opd, sop, g1) = task_scope(filter, grouping);
        let scoped = scope_flags(&opd, &sop);
        let today = (now + offset).div_euclid(DAY_MS);
        let mut binds = vec![
            Bind::Text(grouping.to_owned()),
            Bind::Text(opd),
            Bind::Text(sop),
            Bind::Int(today),
            Bind::Int(now),
            Bind::Int(today * DAY_MS - offset),
        ];
        let mut scope = " and grouping = $1 and opd = $2 and sop = $3".to_owned();
        if let Some(g1) = g1 {
            scope.push_str(" and g1 = $7");
            binds.push(Bind::Text(g1));
        }
        let mut arms = Vec::new();
        if let Some((first, end)) = days {
            let next = binds.len() + 1;
            binds.extend([
                Bind::Int(first),
                Bind::Int(end),
                Bind::Int(first * DAY_MS - offset),
                Bind::Int(end * DAY_MS - offset),
            ]);
            let (a, b, a_ms, b_ms) = (next, next + 1, next + 2, next + 3);
            arms.push(format!(
                "select g1, g2, g3, tasks as open_tasks, case when state = 'open' \
                 and due_day >= 0 and due_day < $4 then tasks else 0 end as overdue \
                 from report_open_rollup where opened_day >= ${a} and opened_day < ${b}{scope}"
            ));
            // Today's due moments are few; the tasks opened in the period, many: `+` keeps
            // SQLite on the due index (a no-op on PostgreSQL).
            arms.push(format!(
                "select g1, g2, g3, 0 as open_tasks, 1 as overdue from report_open_facts \
                 where state = 'open' and due_at >= $6 and due_at < $5 \
                 and +opened_at >= ${a_ms} and +opened_at < ${b_ms}{scope}{scoped}"
            ));
        }
        for (first, end) in edges {
            let next = binds.len() + 1;
            binds.extend([Bind::Int(first), Bind::Int(end)]);
            let (a, b) = (next, next + 1);
            arms.push(format!(
                "select g1, g2, g3, 1 as open_tasks, \
                 case when state = 'open' and due_at < $5 then 1 else 0 end as overdue \
                 from report_open_facts where opened_at >= ${a} and opened_at < ${b}{scope}\
                 {scoped}"
            ));
        }
        if arms.is_empty() {
            return Ok(Vec::new());
        }
        // `$4` to `$6` are used by some arms only: name them in every query.
        let query = format!(
            "select g1, g2, g3, cast(sum(open_tasks) as bigint) as open_tasks, \
             cast(sum(overdue) as bigint) as overdue from ({}) h \
             where $4 >= 0 and $5 >= 0 and $6 >= 0 group by g1, g2, g3 \
             having sum(open_tasks) > 0",
            arms.join(" union all ")
        );
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(query)), binds)
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(OpenCount {
                    g1: row.try_get("g1")?,
                    g2: row.try_get("g2")?,
                    g3: row.try_get("g3")?,
                    open: u64::try_from(row.try_get::<i64, _>("open_tasks")?).unwrap_or(0),
                    overdue: u64::try_from(row.try_get::<i64, _>("overdue")?).unwrap_or(0),
                })
            })
            .collect()
    }

    /// How many cases have a task open past its due moment at `now` (epoch milliseconds):
    /// the ones whose earliest open due moment fell on an earlier day of the office from the
    /// rollup, today's from the cases' due moments.
    pub(crate) async fn overdue_case_count(&self, filter: &ReportFilter, now: i64) -> Result<u64> {
        let offset = self.rollup_offset().await?;
        let today = (now + offset).div_euclid(DAY_MS);
        let row = sqlx::query(
            "select cast((select coalesce(sum(cases), 0) from report_case_due_rollup \
             where opd = $1 and sop = $2 and due_day < $3) as bigint) \
             + (select count(*) from report_case_due where due_at >= $5 \
             and due_at < $4 and ($1 = '' or opd = $1) and ($2 = '' or sop = $2)) as cases",
        )
        .bind(filter.opd.map(|opd| opd.to_string()).unwrap_or_default())
        .bind(filter.sop_code.clone().unwrap_or_default())
        .bind(today)
        .bind(now)
        .bind(today * DAY_MS - offset)
        .fetch_one(self.reader())
        .await?;
        Ok(u64::try_from(row.try_get::<i64, _>("cases")?).unwrap_or(0))
    }

    /// The offset from UTC (milliseconds) of the days and months the rollups were counted in.
    async fn rollup_offset(&self) -> Result<i64> {
        Ok(sqlx::query(ZONE)
            .fetch_one(self.reader())
            .await?
            .try_get(0)?)
    }
}

/// The rows a whole case done adds to the case rollup, one per scope, span and kind, from
/// `spans` (a query yielding `case_id, sop_code, sop_version, actual, standard`).
fn case_span_facts(backend: Backend, spans: &str) -> String {
    let ratio = ratio_bin_sql("x.actual * 1000 / x.standard");
    let month = month_sql(backend, "(c.closed_at + z.zone_offset_ms)");
    format!(
        "select case when o.scoped = 1 then c.opd_id else '' end as opd, x.sop_code as sop, \
         x.sop_version as sop_version, s.span as span, \
         case s.span when 'd' then (c.closed_at + z.zone_offset_ms) / 86400000 \
         else {month} end as bucket, \
         k.kind as kind, \
         case k.kind when 'r' then {ratio} else x.actual / {SECONDS_BIN} * {SECONDS_BIN} end \
         as bin, case when x.actual <= x.standard then 1 else 0 end as met \
         from ({spans}) x join cases c on c.id = x.case_id join report_basis z on z.id = 1, \
         (select 0 as scoped union all select 1) o, \
         (select 'd' as span union all select 'm') s, \
         (select 'r' as kind union all select 's') k \
         where o.scoped = 0 or c.opd_id is not null"
    )
}

const CASE_SPAN_COLUMNS: &str = "opd, sop, sop_version, span, bucket, kind, bin, cases, met";

/// The working day the whole-case rollup was counted with (0: not counted yet).
const BASIS: &str = "select working_day_seconds from report_basis where id = 1";

/// The offset from UTC (milliseconds) the day and month rollups were counted in.
const ZONE: &str = "select zone_offset_ms from report_basis where id = 1";

/// Empties the whole-case rollup and counts every case done into it with `working_day`
/// seconds a working day.
async fn recount_whole_cases(
    conn: &mut WriteConn<'_>,
    backend: Backend,
    working_day: i64,
) -> Result<()> {
    conn.execute("delete from report_case_span_rollup", Vec::new())
        .await?;
    conn.execute(
        &count_every_case_sql(backend),
        vec![0_i64.into(), i64::MAX.into(), working_day.into()],
    )
    .await?;
    Ok(())
}

/// Adds one case, just done, to the whole-case rollup with the basis's working day. Runs in
/// the transaction that finishes the case, after its tasks are written; before the first
/// count ([`Store::ensure_report_basis`]) there is nothing to add to.
pub(crate) async fn count_case_done(
    conn: &mut WriteConn<'_>,
    backend: Backend,
    case_id: &str,
) -> Result<()> {
    let basis = conn.fetch_one(BASIS, Vec::new()).await?.int(0)?;
    if basis <= 0 {
        return Ok(());
    }
    let spans = case_spans(" and c.id = $4");
    let facts = case_span_facts(backend, &spans);
    let query = format!(
        "insert into report_case_span_rollup ({CASE_SPAN_COLUMNS}) \
         select opd, sop, sop_version, span, bucket, kind, bin, 1, met from ({facts}) f \
         where true order by 1, 2, 3, 4, 5, 6, 7 \
         on conflict (opd, sop, sop_version, span, bucket, kind, bin) do update \
         set cases = report_case_span_rollup.cases + 1, \
         met = report_case_span_rollup.met + excluded.met"
    );
    conn.execute(
        &query,
        vec![0_i64.into(), i64::MAX.into(), basis.into(), case_id.into()],
    )
    .await?;
    Ok(())
}

/// Counts every whole case done into the (empty) case rollup: `$1` 0, `$2` `i64::MAX`, `$3`
/// the working day in seconds.
pub(crate) fn count_every_case_sql(backend: Backend) -> String {
    let facts = case_span_facts(backend, &case_spans(""));
    format!(
        "insert into report_case_span_rollup ({CASE_SPAN_COLUMNS}) \
         select opd, sop, sop_version, span, bucket, kind, bin, count(*), \
         sum(met) from ({facts}) f group by 1, 2, 3, 4, 5, 6, 7"
    )
}

/// One bin of a whole-case histogram of one SOP version: `kind` 'r' (ratio to the standard,
/// permille) or 's' (working time, seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaseBin {
    pub sop: String,
    pub sop_version: i64,
    pub kind: String,
    pub bin: Bin,
}

fn case_bin(row: &sqlx::any::AnyRow) -> Result<CaseBin> {
    Ok(CaseBin {
        sop: row.try_get("sop")?,
        sop_version: row.try_get("sop_version")?,
        kind: row.try_get("kind")?,
        bin: Bin {
            bin: row.try_get("bin")?,
            count: u64::try_from(row.try_get::<i64, _>("cases")?).unwrap_or(0),
            met: u64::try_from(row.try_get::<i64, _>("met")?).unwrap_or(0),
        },
    })
}

impl Store {
    /// The whole-case histograms of the cases done in `filter`'s period, per SOP version, in
    /// (SOP, version, kind, bin) order. The rollup serves whole days when it was counted with
    /// `working_day_seconds`; otherwise every case of the period is counted from its tasks.
    pub(crate) async fn case_histogram(
        &self,
        filter: &ReportFilter,
        working_day_seconds: i64,
    ) -> Result<Vec<CaseBin>> {
        let (from, until) = (
            crate::codec::millis(filter.from),
            crate::codec::millis(filter.until),
        );
        let row = sqlx::query("select working_day_seconds, zone_offset_ms from report_basis")
            .fetch_one(self.reader())
            .await?;
        let basis: i64 = row.try_get(0)?;
        let whole = pieces(from, until, row.try_get(1)?);
        let (kept, edges) = if basis == working_day_seconds {
            (
                Pieces {
                    exact: Vec::new(),
                    ..whole.clone()
                },
                whole.exact,
            )
        } else {
            (Pieces::default(), vec![(from, until)])
        };
        let mut merged: std::collections::BTreeMap<(String, i64, String, i64), Bin> =
            std::collections::BTreeMap::new();
        let mut add = |found: CaseBin| {
            let entry = merged
                .entry((found.sop, found.sop_version, found.kind, found.bin.bin))
                .or_insert(Bin {
                    bin: found.bin.bin,
                    count: 0,
                    met: 0,
                });
            entry.count += found.bin.count;
            entry.met += found.bin.met;
        };
        let mut binds = vec![
            Bind::Text(filter.opd.map(|opd| opd.to_string()).unwrap_or_default()),
            Bind::Text(filter.sop_code.clone().unwrap_or_default()),
        ];
        let arms = arms(
            &kept,
            (
                "report_case_span_rollup",
                "sop, sop_version, kind, bin, cases, met",
                "",
                "",
                "",
            ),
            (" and opd = $1 and ($2 = '' or sop = $2)", ""),
            &mut binds,
        );
        if !arms.is_empty() {
            let query = format!(
                "select sop, sop_version, kind, bin, cast(sum(cases) as bigint) as cases, \
                 cast(sum(met) as bigint) as met from ({}) h group by sop, sop_version, kind, bin",
                arms.join(" union all ")
            );
            for row in bind_all(sqlx::query(sqlx::AssertSqlSafe(query)), binds)
                .fetch_all(self.reader())
                .await?
            {
                add(case_bin(&row)?);
            }
        }
        for (first, end) in edges {
            let (conditions, scope_binds) = scope(filter, "c.", "opd_id", 4);
            let spans = case_spans(&conditions);
            let ratio = ratio_bin_sql("x.actual * 1000 / x.standard");
            let query = format!(
                "select x.sop_code as sop, x.sop_version as sop_version, k.kind as kind, \
                 case k.kind when 'r' then {ratio} \
                 else x.actual / {SECONDS_BIN} * {SECONDS_BIN} end as bin, \
                 count(*) as cases, \
                 sum(case when x.actual <= x.standard then 1 else 0 end) as met \
                 from ({spans}) x, (select 'r' as kind union all select 's') k \
                 group by x.sop_code, x.sop_version, k.kind, 4"
            );
            let mut all = vec![
                Bind::Int(first),
                Bind::Int(end),
                Bind::Int(working_day_seconds),
            ];
            all.extend(scope_binds);
            for row in bind_all(sqlx::query(sqlx::AssertSqlSafe(query)), all)
                .fetch_all(self.reader())
                .await?
            {
                add(case_bin(&row)?);
            }
        }
        Ok(merged
            .into_iter()
            .map(|((sop, sop_version, kind, _), bin)| CaseBin {
                sop,
                sop_version,
                kind,
                bin,
            })
            .collect())
    }

    /// Counts every whole case done again with `working_day_seconds` (the office's working
    /// day, from its calendar) when the rollup was counted with another one, or not yet (a new
    /// database, a generated one). One write transaction, as long as reading every done case
    /// takes; `true` when it counted. Until then [`Store::case_histogram`] counts from the
    /// tasks.
    pub async fn ensure_report_basis(&self, working_day_seconds: i64) -> Result<bool> {
        let basis: i64 = sqlx::query(BASIS)
            .fetch_one(self.reader())
            .await?
            .try_get(0)?;
        if basis == working_day_seconds {
            return Ok(false);
        }
        let backend = self.backend();
        self.write_job(move |mut conn| -> crate::writer::JobFuture<'_, bool> {
            Box::pin(async move {
                // Another node may have counted meanwhile.
                if conn.fetch_one(BASIS, Vec::new()).await?.int(0)? == working_day_seconds {
                    return Ok(crate::writer::Keep::Commit(false));
                }
                recount_whole_cases(&mut conn, backend, working_day_seconds).await?;
                conn.execute(
                    "update report_basis set working_day_seconds = $1 where id = 1",
                    vec![working_day_seconds.into()],
                )
                .await?;
                Ok(crate::writer::Keep::Commit(true))
            })
        })
        .await
    }
}

/// A rollup counted again from its facts (`source`, a query naming the key columns and the
/// counted ones): `keys` its primary key, `sums` the columns a fact adds to, `kept` the ones
/// every fact of a key has alike. SQLite adds each fact to its row, as the triggers do, which
/// keeps the rows few and in memory (grouping first would sort every fact on disk);
/// PostgreSQL must group first, as one statement may not update a row twice.
fn recount_sql(
    backend: Backend,
    table: &str,
    keys: &str,
    sums: &[(&str, &str)],
    kept: &[&str],
    source: &str,
) -> String {
    let columns: Vec<&str> = sums
        .iter()
        .map(|(column, _)| *column)
        .chain(kept.iter().copied())
        .collect();
    let columns = columns.join(", ");
    match backend {
        Backend::Sqlite => {
            let values: Vec<&str> = sums
                .iter()
                .map(|(_, value)| *value)
                .chain(kept.iter().copied())
                .collect();
            let add: Vec<String> = sums
                .iter()
                .map(|(column, _)| format!("{column} = {table}.{column} + excluded.{column}"))
                .collect();
            format!(
                "insert into {table} ({keys}, {columns}) select {keys}, {} from ({source}) f \
                 where true on conflict ({keys}) do update set {}",
                values.join(", "),
                add.join(", ")
            )
        }
        Backend::Postgres => {
            let values: Vec<String> = sums
                .iter()
                .map(|(_, value)| format!("sum({value})"))
                .chain(kept.iter().map(|column| format!("max({column})")))
                .collect();
            format!(
                "insert into {table} ({keys}, {columns}) select {keys}, {} from ({source}) f \
                 group by {keys}",
                values.join(", ")
            )
        }
    }
}

/// The rollups of tasks, cases, open tasks and cases' due moments, counted again from the
/// tasks and cases with the offset now in `report_basis`; run after emptying them (the whole
/// cases are [`recount_whole_cases`]).
fn recount_every_rollup_sql(backend: Backend) -> [String; 4] {
    let spans = "(select 'd' as span union all select 'm') s";
    [
        recount_sql(
            backend,
            "report_task_rollup",
            "grouping, opd, sop, span, bucket, g1, g2, g3, bin",
            &[("tasks", "1"), ("met", "met")],
            &["unit", "standard"],
            &format!(
                "select f.grouping, f.opd, f.sop, s.span, case s.span when 'd' then f.local_day \
                 else f.local_month end as bucket, f.g1, f.g2, f.g3, f.bin, f.met, f.unit, \
                 f.standard from report_task_facts f, {spans}"
            ),
        ),
        recount_sql(
            backend,
            "report_case_rollup",
            "opd, sop, what, span, bucket",
            &[("cases", "1")],
            &[],
            &format!(
                "select f.opd, f.sop, f.what, s.span, case s.span when 'd' then f.local_day \
                 else f.local_month end as bucket from report_case_facts f, {spans}"
            ),
        ),
        recount_sql(
            backend,
            "report_open_rollup",
            "grouping, opd, sop, opened_day, g1, g2, g3, state, due_day",
            &[("tasks", "1")],
            &[],
            "select grouping, opd, sop, opened_day, g1, g2, g3, state, due_day \
             from report_open_facts",
        ),
        recount_sql(
            backend,
            "report_case_due_rollup",
            "opd, sop, due_day",
            &[("cases", "1")],
            &[],
            "select case when o.scoped = 1 then d.opd else '' end as opd, \
             case when p.scoped = 1 then d.sop else '' end as sop, \
             (d.due_at + z.zone_offset_ms) / 86400000 as due_day \
             from report_case_due d join report_basis z on z.id = 1, \
             (select 0 as scoped union all select 1) o, (select 0 as scoped union all select 1) p \
             where (o.scoped = 0 or d.opd <> '') and (p.scoped = 0 or d.sop <> '')",
        ),
    ]
}

impl Store {
    /// Counts every rollup kept by day or month again with the office's clock, `offset_ms`
    /// ahead of UTC (its time zone), when they were counted with another (0, UTC, before
    /// migration 0036 or a change of zone). One write transaction, as long as reading every
    /// task takes; `true` when it counted. Until then a report reads the hours its period
    /// does not share with the rows' days from the tasks, with the same figures.
    pub async fn ensure_report_zone(&self, offset_ms: i64) -> Result<bool> {
        let counted: i64 = sqlx::query(ZONE)
            .fetch_one(self.reader())
            .await?
            .try_get(0)?;
        if counted == offset_ms {
            return Ok(false);
        }
        let backend = self.backend();
        self.write_job(move |mut conn| -> crate::writer::JobFuture<'_, bool> {
            Box::pin(async move {
                // Another node may have counted meanwhile.
                if conn.fetch_one(ZONE, Vec::new()).await?.int(0)? == offset_ms {
                    return Ok(crate::writer::Keep::Commit(false));
                }
                conn.execute(
                    "update report_basis set zone_offset_ms = $1 where id = 1",
                    vec![offset_ms.into()],
                )
                .await?;
                for table in [
                    "report_task_rollup",
                    "report_case_rollup",
                    "report_open_rollup",
                    "report_case_due_rollup",
                ] {
                    conn.execute(&format!("delete from {table}"), Vec::new())
                        .await?;
                }
                for recount in recount_every_rollup_sql(backend) {
                    conn.execute(&recount, Vec::new()).await?;
                }
                // The whole cases in the new days too, when they were counted at all.
                let working_day = conn.fetch_one(BASIS, Vec::new()).await?.int(0)?;
                if working_day > 0 {
                    recount_whole_cases(&mut conn, backend, working_day).await?;
                }
                Ok(crate::writer::Keep::Commit(true))
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bin of a ratio to the standard in permille (what [`ratio_bin_sql`] computes).
    fn ratio_bin(permille: i64) -> i64 {
        if permille < 2000 {
            permille / 10 * 10
        } else if permille < 10_000 {
            permille / 100 * 100
        } else {
            10_000
        }
    }

    /// Epoch milliseconds of a UTC moment.
    fn at(y: i32, m: u32, d: u32, h: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis()
    }

    fn day(y: i32, m: u32, d: u32) -> i64 {
        at(y, m, d, 0) / DAY_MS
    }

    const WIB: i64 = 7 * 3_600_000;

    #[test]
    fn the_offices_month_quarter_and_year_are_whole_buckets_of_its_clock() {
        // November 2026 WIB: 31 Oct 17:00 UTC to 30 Nov 17:00 UTC, one month of the rows
        // counted in WIB, nothing read from the tasks.
        let month = 2026 * 12 + 10;
        let cut = pieces(at(2026, 10, 31, 17), at(2026, 11, 30, 17), WIB);
        assert_eq!(cut.months, Some((month, month + 1)));
        assert!(cut.days.is_empty() && cut.exact.is_empty());
        // 2026 WIB: twelve months; a few days of it, days.
        let cut = pieces(at(2025, 12, 31, 17), at(2026, 12, 31, 17), WIB);
        assert_eq!(cut.months, Some((2026 * 12, 2027 * 12)));
        assert!(cut.days.is_empty() && cut.exact.is_empty());
        let cut = pieces(at(2026, 11, 1, 17), at(2026, 11, 4, 17), WIB);
        assert_eq!(cut.days, vec![(day(2026, 11, 2), day(2026, 11, 5))]);
        assert!(cut.months.is_none() && cut.exact.is_empty());
        // Cut at UTC midnights, the WIB rows leave seven hours at each edge, in UTC.
        let cut = pieces(at(2026, 11, 2, 0), at(2026, 11, 5, 0), WIB);
        assert_eq!(cut.days, vec![(day(2026, 11, 3), day(2026, 11, 5))]);
        assert_eq!(
            cut.exact,
            vec![
                (at(2026, 11, 2, 0), at(2026, 11, 2, 17)),
                (at(2026, 11, 4, 17), at(2026, 11, 5, 0)),
            ]
        );
        let (days, edges) = day_pieces(at(2026, 10, 31, 17), at(2026, 11, 30, 17), WIB);
        assert_eq!(days, Some((day(2026, 11, 1), day(2026, 12, 1))));
        assert!(edges.is_empty());
    }

    #[test]
    fn a_month_in_western_indonesia_is_days_and_two_edges_of_utc_rows() {
        // November 2026 WIB (UTC+7): 31 Oct 17:00 UTC to 30 Nov 17:00 UTC.
        let cut = pieces(at(2026, 10, 31, 17), at(2026, 11, 30, 17), 0);
        assert_eq!(cut.months, None);
        assert_eq!(cut.days, vec![(day(2026, 11, 1), day(2026, 11, 30))]);
        assert_eq!(
            cut.exact,
            vec![
                (at(2026, 10, 31, 17), at(2026, 11, 1, 0)),
                (at(2026, 11, 30, 0), at(2026, 11, 30, 17)),
            ]
        );
    }

    #[test]
    fn a_year_is_months_with_days_at_both_ends() {
        // 2026 WIB: 31 Dec 2025 17:00 UTC to 31 Dec 2026 17:00 UTC.
        let cut = pieces(at(2025, 12, 31, 17), at(2026, 12, 31, 17), 0);
        assert_eq!(cut.months, Some((2026 * 12, 2026 * 12 + 11)));
        assert_eq!(cut.days, vec![(day(2026, 12, 1), day(2026, 12, 31))]);
        assert_eq!(cut.exact.len(), 2);
        // A UTC calendar year is its twelve months alone.
        let utc = pieces(at(2026, 1, 1, 0), at(2027, 1, 1, 0), 0);
        assert_eq!(utc.months, Some((2026 * 12, 2027 * 12)));
        assert!(utc.days.is_empty() && utc.exact.is_empty());
    }

    #[test]
    fn ranges_inside_a_day_or_empty_are_counted_exactly_or_not_at_all() {
        let cut = pieces(at(2026, 11, 2, 1), at(2026, 11, 2, 3), 0);
        assert_eq!(cut.exact, vec![(at(2026, 11, 2, 1), at(2026, 11, 2, 3))]);
        assert!(cut.days.is_empty() && cut.months.is_none());
        assert_eq!(pieces(5, 5, 0), Pieces::default());
        assert_eq!(pieces(9, 5, 0), Pieces::default());
        // Two whole days across a month's end: days, no month.
        let cut = pieces(at(2026, 10, 31, 0), at(2026, 11, 2, 0), 0);
        assert_eq!(cut.days, vec![(day(2026, 10, 31), day(2026, 11, 2))]);
        assert!(cut.months.is_none() && cut.exact.is_empty());
    }

    #[test]
    fn bins_are_one_percent_then_ten_then_one() {
        assert_eq!(
            [0, 9, 10, 1999, 2000, 2099, 9999, 10_000, 55_555].map(ratio_bin),
            [0, 0, 10, 1990, 2000, 2000, 9900, 10_000, 10_000]
        );
    }

    #[test]
    fn percentiles_are_the_nearest_rank_bins() {
        let bins = |pairs: &[(i64, u64)]| -> Vec<Bin> {
            pairs
                .iter()
                .map(|&(bin, count)| Bin { bin, count, met: 0 })
                .collect()
        };
        // Ten values: the median is the 5th, the 90th percentile the 9th.
        let spread = spread_of(&bins(&[(100, 4), (200, 1), (300, 3), (900, 2)]));
        assert_eq!((spread.median, spread.p90), (Some(200), Some(900)));
        // One value is both.
        let spread = spread_of(&bins(&[(450, 1)]));
        assert_eq!((spread.median, spread.p90), (Some(450), Some(450)));
        assert_eq!(spread_of(&[]), Spread::default());
    }
}
