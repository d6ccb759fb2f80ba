//! The paging and validation every list endpoint shares: `limit` and `cursor` read the same
//! way (1 to 200, 50 when absent; a cursor the endpoint did not give is a field problem), the
//! page's `next_cursor` in the same place, and the validation problem built up field by
//! field. Lists that the store reads whole (the register) are paged here by a key in the
//! list's own order, so a page never repeats or skips a row when rows are added.

use pelihara_i18n::t;

use super::caller::ApiCaller;
use super::problem::{Problem, ProblemKind};

/// The most items one page holds.
pub const MAX_LIMIT: i64 = 200;

/// Items on a page when `limit` is absent.
pub const DEFAULT_LIMIT: i64 = 50;

/// Adds `field` to the validation problem being built (422, every wrong field named).
pub(crate) fn add_field(
    problem: &mut Option<Problem>,
    caller: &ApiCaller,
    field: &str,
    detail: String,
) {
    let current = problem
        .take()
        .unwrap_or_else(|| caller.problem(ProblemKind::Validation));
    *problem = Some(current.with_field(field, detail));
}

/// Where a page starts and how long it is, read from `cursor` and `limit` (`parse` reads the
/// endpoint's own cursor form); a wrong one is added to `problem`.
pub(crate) fn page_request<C>(
    cursor: Option<&str>,
    limit: Option<i64>,
    parse: impl FnOnce(&str) -> Option<C>,
    problem: &mut Option<Problem>,
    caller: &ApiCaller,
) -> (Option<C>, i64) {
    let after = match cursor.map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            let cursor = parse(text);
            if cursor.is_none() {
                add_field(
                    problem,
                    caller,
                    "cursor",
                    t(caller.lang, "api-error-unknown-value"),
                );
            }
            cursor
        }
    };
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        add_field(problem, caller, "limit", t(caller.lang, "api-error-limit"));
    }
    (after, limit)
}

/// One page of `rows`, which are in ascending order of `key`: the rows after `after`, at most
/// `limit`, and the key to continue from when more follow.
pub(crate) fn page_after<T, K: Ord>(
    rows: Vec<T>,
    key: impl Fn(&T) -> K,
    after: Option<&K>,
    limit: i64,
) -> (Vec<T>, Option<K>) {
    let limit = usize::try_from(limit.clamp(1, MAX_LIMIT)).unwrap_or(1);
    let mut rest = rows
        .into_iter()
        .filter(|row| after.is_none_or(|after| key(row) > *after));
    let page: Vec<T> = rest.by_ref().take(limit).collect();
    let next = if rest.next().is_some() {
        page.last().map(&key)
    } else {
        None
    };
    (page, next)
}

#[cfg(test)]
mod tests {
    use super::page_after;

    #[test]
    fn pages_follow_each_other_without_repeating_or_skipping() {
        let rows: Vec<u32> = (1..=7).collect();
        let (first, next) = page_after(rows.clone(), |row| *row, None, 3);
        assert_eq!((first, next), (vec![1, 2, 3], Some(3)));
        let (second, next) = page_after(rows.clone(), |row| *row, Some(&3), 3);
        assert_eq!((second, next), (vec![4, 5, 6], Some(6)));
        let (last, next) = page_after(rows.clone(), |row| *row, Some(&6), 3);
        assert_eq!((last, next), (vec![7], None));
        // Exactly a page left: no cursor to an empty page.
        let (exact, next) = page_after(rows, |row| *row, Some(&4), 3);
        assert_eq!((exact, next), (vec![5, 6, 7], None));
    }
}
