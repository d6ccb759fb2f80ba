//! The request list (`/permohonan`): cases newest first, narrowed by OPD and status and read a
//! page at a time from an index in that order, so a page costs the same at a hundred cases as
//! at a million. It must never read every case to answer one page (no offset, no count of the
//! whole list).

use chrono::{DateTime, Utc};
use pelihara_domain::{AppId, CaseId, CaseStatus, OpdId};
use sqlx::Row;

use crate::codec::{from_code, instant, millis, opt_instant, uuid};
use crate::{CaseSummary, Result, Store, StoreError};

/// Which cases the request list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Only this OPD's cases (an operator's list is always narrowed to their OPD).
    pub opd: Option<OpdId>,
    /// Only cases in this status.
    pub status: Option<CaseStatus>,
    /// Only cases of this SOP (its code).
    pub sop_code: Option<String>,
    /// Only cases about this app.
    pub app: Option<AppId>,
    /// Only cases at this step.
    pub step: Option<u32>,
    /// Only cases submitted at or after this moment.
    pub submitted_from: Option<DateTime<Utc>>,
    /// Only cases submitted before this moment.
    pub submitted_before: Option<DateTime<Utc>>,
    /// Only cases with an open task due before this moment (overdue now, when it is now).
    pub overdue_at: Option<DateTime<Utc>>,
}

/// Where a page of the request list ends: the next page starts with the case after this one
/// in the list's order (newest first, then by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseCursor {
    pub submitted_at: DateTime<Utc>,
    pub id: CaseId,
}

impl CaseCursor {
    /// The cursor as a URL query value: `{epoch milliseconds}.{case id}`.
    pub fn token(&self) -> String {
        format!("{}.{}", millis(self.submitted_at), self.id)
    }

    /// Reads [`CaseCursor::token`]'s form; `None` for anything else (a hand-edited link).
    pub fn parse(text: &str) -> Option<CaseCursor> {
        let (at, id) = text.trim().split_once('.')?;
        Some(CaseCursor {
            submitted_at: DateTime::from_timestamp_millis(at.parse().ok()?)?,
            id: CaseId(uuid::Uuid::parse_str(id).ok()?),
        })
    }
}

/// One page of the request list.
#[derive(Debug, Clone)]
pub struct CasePage {
    pub cases: Vec<CaseSummary>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<CaseCursor>,
}

/// The page query. Only the page's ids are chosen in index order (`cases_by_submitted`,
/// `cases_by_opd`, `cases_by_status`: each ends with `(submitted_at, id)`, migration 0013);
/// the joins and the earliest open due moment are read for those rows alone. The keyset
/// condition is written as a range (`submitted_at <= $a`) and a tie-break, so SQLite uses it
/// as the index range.
pub(crate) fn page_query(filter: &CaseFilter, after: bool) -> (String, usize) {
    let mut conditions = Vec::new();
    let mut next = 1;
    if filter.opd.is_some() {
        conditions.push(format!("p.opd_id = ${next}"));
        next += 1;
    }
    if filter.status.is_some() {
        conditions.push(format!("p.status = ${next}"));
        next += 1;
    }
    // The further filters of the API narrow the rows read in the same index order.
    if filter.sop_code.is_some() {
        conditions.push(format!("p.sop_code = ${next}"));
        next += 1;
    }
    if filter.app.is_some() {
        conditions.push(format!("p.app_id = ${next}"));
        next += 1;
    }
    if filter.step.is_some() {
        conditions.push(format!("p.current_step = ${next}"));
        next += 1;
    }
    if filter.submitted_from.is_some() {
        conditions.push(format!("p.submitted_at >= ${next}"));
        next += 1;
    }
    if filter.submitted_before.is_some() {
        conditions.push(format!("p.submitted_at < ${next}"));
        next += 1;
    }
    if filter.overdue_at.is_some() {
        conditions.push(format!(
            "exists (select 1 from tasks o where o.case_id = p.id and o.state = 'open' \
             and o.due_at < ${next})"
        ));
        next += 1;
    }
    if after {
        conditions.push(format!(
            "p.submitted_at <= ${next} and (p.submitted_at < ${next} or p.id < ${})",
            next + 1
        ));
        next += 2;
    }
    let condition = if conditions.is_empty() {
        String::new()
    } else {
        format!("where {}", conditions.join(" and "))
    };
    let query = format!(
        "select c.id, c.sop_code, c.sop_version, c.tracking_code, c.subject, c.opd_id, \
         coalesce(o.name, '') as opd_name, coalesce(a.name, '') as app_name, c.status, \
         c.current_step, c.submitted_at, c.closed_at, \
         c.agenda_number, \
         (select min(t.due_at) from tasks t where t.case_id = c.id and t.state = 'open') as due_at \
         from (select p.id from cases p {condition} \
         order by p.submitted_at desc, p.id desc limit ${next}) page \
         join cases c on c.id = page.id left join opds o on o.id = c.opd_id \
         left join apps a on a.id = c.app_id \
         order by c.submitted_at desc, c.id desc"
    );
    (query, next)
}

impl Store {
    /// A page of the request list: up to `limit` cases matching `filter`, newest first, after
    /// `after` (the previous page's [`CasePage::next`]; `None` for the first page).
    pub async fn case_page(
        &self,
        filter: &CaseFilter,
        after: Option<CaseCursor>,
        limit: i64,
    ) -> Result<CasePage> {
        let limit = limit.clamp(1, 500);
        let (query, _) = page_query(filter, after.is_some());
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(query));
        if let Some(opd) = filter.opd {
            statement = statement.bind(opd.to_string());
        }
        if let Some(status) = filter.status {
            statement = statement.bind(status.code());
        }
        if let Some(sop) = &filter.sop_code {
            statement = statement.bind(sop.clone());
        }
        if let Some(app) = filter.app {
            statement = statement.bind(app.to_string());
        }
        if let Some(step) = filter.step {
            statement = statement.bind(i64::from(step));
        }
        if let Some(from) = filter.submitted_from {
            statement = statement.bind(millis(from));
        }
        if let Some(before) = filter.submitted_before {
            statement = statement.bind(millis(before));
        }
        if let Some(at) = filter.overdue_at {
            statement = statement.bind(millis(at));
        }
        if let Some(cursor) = after {
            statement = statement
                .bind(millis(cursor.submitted_at))
                .bind(cursor.id.to_string());
        }
        // One row more than the page: whether there is a next page, without counting.
        let rows = statement.bind(limit + 1).fetch_all(self.reader()).await?;
        let mut cases = rows
            .iter()
            .map(summary_from_row)
            .collect::<Result<Vec<_>>>()?;
        let more = cases.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        cases.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next = if more {
            cases.last().map(|case| CaseCursor {
                submitted_at: case.submitted_at,
                id: case.id,
            })
        } else {
            None
        };
        Ok(CasePage { cases, next })
    }
}

/// A [`CaseSummary`] from a row of the list queries (`list_cases`, [`page_query`]).
pub(crate) fn summary_from_row(row: &sqlx::any::AnyRow) -> Result<CaseSummary> {
    let step: i64 = row.try_get("current_step")?;
    Ok(CaseSummary {
        id: CaseId(uuid(&row.try_get::<String, _>("id")?)?),
        sop_code: row.try_get("sop_code")?,
        sop_version: u32::try_from(row.try_get::<i64, _>("sop_version")?)
            .map_err(|_| StoreError::Corrupt("SOP version".to_owned()))?,
        tracking_code: row.try_get("tracking_code")?,
        subject: row.try_get("subject")?,
        opd_id: row
            .try_get::<Option<String>, _>("opd_id")?
            .as_deref()
            .map(uuid)
            .transpose()?
            .map(OpdId),
        opd_name: row.try_get("opd_name")?,
        app_name: row.try_get("app_name")?,
        status: from_code(&row.try_get::<String, _>("status")?)?,
        current_step: u32::try_from(step)
            .map_err(|_| StoreError::Corrupt(format!("step {step}")))?,
        submitted_at: instant(row.try_get("submitted_at")?)?,
        closed_at: opt_instant(row.try_get("closed_at")?)?,
        agenda_number: row.try_get("agenda_number")?,
        due_at: opt_instant(row.try_get("due_at")?)?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn a_cursor_reads_back_its_token_and_nothing_else() {
        let cursor = CaseCursor {
            submitted_at: DateTime::from_timestamp_millis(1_764_000_123_456).unwrap(),
            id: CaseId(uuid::Uuid::new_v4()),
        };
        assert_eq!(CaseCursor::parse(&cursor.token()), Some(cursor));
        for bad in ["", "12", "x.y", "12.not-a-uuid", &cursor.id.to_string()] {
            assert_eq!(CaseCursor::parse(bad), None, "{bad:?}");
        }
    }

    /// Every form of the page query reads the cases in index order: no scan of the table and
    /// no sort of its rows (a sort of the page's few rows after the joins is fine).
    #[tokio::test]
    async fn every_page_query_reads_an_index_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("p.db").display());
        let store = Store::open(&url).await.unwrap();
        let opd = Some(OpdId(uuid::Uuid::new_v4()));
        let status = Some(CaseStatus::Open);
        // With both filters either index reads the page in order; the planner may choose.
        for (filter, indexes) in [
            (CaseFilter::default(), &["cases_by_submitted"][..]),
            (
                CaseFilter {
                    opd,
                    ..CaseFilter::default()
                },
                &["cases_by_opd"],
            ),
            (
                CaseFilter {
                    status,
                    ..CaseFilter::default()
                },
                &["cases_by_status"],
            ),
            (
                CaseFilter {
                    opd,
                    status,
                    ..CaseFilter::default()
                },
                &["cases_by_opd", "cases_by_status"],
            ),
        ] {
            for after in [false, true] {
                let (query, params) = page_query(&filter, after);
                let mut explain =
                    sqlx::query(sqlx::AssertSqlSafe(format!("explain query plan {query}")));
                for _ in 1..params {
                    explain = explain.bind("x");
                }
                // (id, parent, detail) of each step: the page's own scan is the part under
                // the co-routine that chooses the ids.
                let plan: Vec<(i64, i64, String)> = explain
                    .bind(10_i64)
                    .fetch_all(store.reader())
                    .await
                    .unwrap()
                    .iter()
                    .map(|row| {
                        (
                            row.try_get::<i64, _>("id").unwrap(),
                            row.try_get::<i64, _>("parent").unwrap(),
                            row.try_get::<String, _>("detail").unwrap(),
                        )
                    })
                    .collect();
                let why = format!("{filter:?} {after}: {plan:#?}");
                let page = plan
                    .iter()
                    .find(|(_, _, detail)| detail == "CO-ROUTINE page")
                    .expect(&why)
                    .0;
                let inside: Vec<&String> = plan
                    .iter()
                    .filter(|(_, parent, _)| *parent == page)
                    .map(|(_, _, detail)| detail)
                    .collect();
                // One step: a scan or search of an index, and no sort of the cases.
                assert_eq!(inside.len(), 1, "{why}");
                assert!(
                    indexes.iter().any(|index| inside[0].starts_with("S")
                        && inside[0].contains(&format!("INDEX {index}"))),
                    "{why}"
                );
                // The earliest open due moment of each row: a search by its case.
                assert!(
                    plan.iter().any(|(_, _, detail)| detail.starts_with(
                        "SEARCH t USING COVERING INDEX tasks_open_by_case (case_id=? AND state=?)"
                    )),
                    "{why}"
                );
            }
        }
    }
}
