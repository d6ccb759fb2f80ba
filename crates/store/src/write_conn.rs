//! The connection a write runs on, of either kind: a sqlx connection (PostgreSQL, and the
//! SQLite writes outside the group-commit writer), or the group-commit writer's own native
//! SQLite connection, where a statement is a function call on the writer's thread instead of
//! a round trip to sqlx's SQLite worker thread (those thread hand-offs, not SQLite, were most
//! of a transition's CPU). Write code is written once against [`WriteConn`] and runs on both.
//!
//! On the native connection every method completes without suspending; the writer relies on
//! that to run a job's future to the end in one poll. Never await anything else in a job.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{AnyConnection, Arguments as _, Row as _};

use crate::{Result, StoreError};

/// One bound value of a statement.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Text(Option<String>),
    Int(Option<i64>),
}

impl From<String> for Param {
    fn from(value: String) -> Param {
        Param::Text(Some(value))
    }
}

impl From<&str> for Param {
    fn from(value: &str) -> Param {
        Param::Text(Some(value.to_owned()))
    }
}

impl From<Option<String>> for Param {
    fn from(value: Option<String>) -> Param {
        Param::Text(value)
    }
}

impl From<i64> for Param {
    fn from(value: i64) -> Param {
        Param::Int(Some(value))
    }
}

impl From<Option<i64>> for Param {
    fn from(value: Option<i64>) -> Param {
        Param::Int(value)
    }
}

/// A value read on the native connection.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Text(String),
}

/// A row read by a write, its columns taken by position.
pub(crate) enum Row {
    Sqlx(AnyRow),
    Native(Vec<Cell>),
}

impl Row {
    pub(crate) fn int(&self, index: usize) -> Result<i64> {
        match self {
            Row::Sqlx(row) => Ok(row.try_get(index)?),
            Row::Native(cells) => match cells.get(index) {
                Some(Cell::Int(value)) => Ok(*value),
                other => Err(StoreError::Corrupt(format!(
                    "column {index}: expected an integer, found {other:?}"
                ))),
            },
        }
    }

    pub(crate) fn opt_int(&self, index: usize) -> Result<Option<i64>> {
        match self {
            Row::Sqlx(row) => Ok(row.try_get(index)?),
            Row::Native(cells) if matches!(cells.get(index), Some(Cell::Null)) => Ok(None),
            Row::Native(_) => self.int(index).map(Some),
        }
    }

    pub(crate) fn opt_text(&self, index: usize) -> Result<Option<String>> {
        match self {
            Row::Sqlx(row) => Ok(row.try_get(index)?),
            Row::Native(cells) if matches!(cells.get(index), Some(Cell::Null)) => Ok(None),
            Row::Native(_) => self.text(index).map(Some),
        }
    }

    pub(crate) fn text(&self, index: usize) -> Result<String> {
        match self {
            Row::Sqlx(row) => Ok(row.try_get(index)?),
            Row::Native(cells) => match cells.get(index) {
                Some(Cell::Text(value)) => Ok(value.clone()),
                other => Err(StoreError::Corrupt(format!(
                    "column {index}: expected text, found {other:?}"
                ))),
            },
        }
    }
}

/// The connection (inside its transaction or savepoint) a write runs on.
pub(crate) enum WriteConn<'c> {
    Sqlx(&'c mut AnyConnection),
    /// The group-commit writer's connection; `&mut` (not `&`) so that a job's future stays
    /// `Send` like the sqlx ones (a rusqlite connection is `Send` but not `Sync`).
    Native(&'c mut rusqlite::Connection),
}

impl WriteConn<'_> {
    /// Runs a statement with `$n` parameters; returns the rows it changed.
    pub(crate) async fn execute(&mut self, sql: &str, params: Vec<Param>) -> Result<u64> {
        match self {
            WriteConn::Sqlx(conn) => Ok(sqlx::query_with(
                sqlx::AssertSqlSafe(sql.to_owned()),
                arguments(params)?,
            )
            .execute(&mut **conn)
            .await?
            .rows_affected()),
            WriteConn::Native(conn) => native_execute(conn, sql, &params),
        }
    }

    /// Runs a query and returns its rows.
    pub(crate) async fn fetch_all(&mut self, sql: &str, params: Vec<Param>) -> Result<Vec<Row>> {
        match self {
            WriteConn::Sqlx(conn) => Ok(sqlx::query_with(
                sqlx::AssertSqlSafe(sql.to_owned()),
                arguments(params)?,
            )
            .fetch_all(&mut **conn)
            .await?
            .into_iter()
            .map(Row::Sqlx)
            .collect()),
            WriteConn::Native(conn) => native_query(conn, sql, &params),
        }
    }

    /// Runs a query that must return exactly one row (its first row is taken).
    pub(crate) async fn fetch_one(&mut self, sql: &str, params: Vec<Param>) -> Result<Row> {
        self.fetch_all(sql, params)
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
    }
}

pub(crate) fn arguments(params: Vec<Param>) -> Result<AnyArguments> {
    let mut arguments = AnyArguments::default();
    for param in params {
        let added = match param {
            Param::Text(text) => arguments.add(text),
            Param::Int(number) => arguments.add(number),
        };
        added.map_err(|error| StoreError::Database(sqlx::Error::Encode(error)))?;
    }
    Ok(arguments)
}

/// Prepares (from the connection's statement cache) and binds `params` by their `$n` names:
/// SQLite numbers named parameters by first appearance, so `$2` may well be its first one.
pub(crate) fn prepare<'c>(
    conn: &'c rusqlite::Connection,
    sql: &str,
    params: &[Param],
) -> Result<rusqlite::CachedStatement<'c>> {
    let mut statement = conn.prepare_cached(sql)?;
    for index in 1..=statement.parameter_count() {
        let position = statement
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|digits| digits.parse::<usize>().ok())
            .and_then(|number| number.checked_sub(1))
            .ok_or_else(|| StoreError::Corrupt(format!("parameter {index} of {sql} is not $n")))?;
        let param = params
            .get(position)
            .ok_or_else(|| StoreError::Corrupt(format!("{sql}: no value for ${}", position + 1)))?;
        match param {
            Param::Text(text) => statement.raw_bind_parameter(index, text.as_deref())?,
            Param::Int(number) => statement.raw_bind_parameter(index, *number)?,
        }
    }
    Ok(statement)
}

fn native_execute(conn: &rusqlite::Connection, sql: &str, params: &[Param]) -> Result<u64> {
    let mut statement = prepare(conn, sql, params)?;
    let changed = statement.raw_execute()?;
    Ok(changed as u64)
}

fn native_query(conn: &rusqlite::Connection, sql: &str, params: &[Param]) -> Result<Vec<Row>> {
    let mut statement = prepare(conn, sql, params)?;
    let columns = statement.column_count();
    let mut rows = statement.raw_query();
    let mut read = Vec::new();
    while let Some(row) = rows.next()? {
        let mut cells = Vec::with_capacity(columns);
        for index in 0..columns {
            cells.push(match row.get_ref(index)? {
                rusqlite::types::ValueRef::Null => Cell::Null,
                rusqlite::types::ValueRef::Integer(value) => Cell::Int(value),
                rusqlite::types::ValueRef::Text(bytes) => {
                    Cell::Text(String::from_utf8_lossy(bytes).into_owned())
                }
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "{sql}: column {index} has an unexpected type {:?}",
                        other.data_type()
                    )));
                }
            });
        }
        read.push(Row::Native(cells));
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn connection() -> rusqlite::Connection {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("create table t (a bigint primary key, b text)")
            .unwrap();
        conn
    }

    /// `$2` before `$1` in the text: each value still lands on its own name.
    #[tokio::test]
    async fn parameters_bind_by_their_number_not_their_order() {
        let mut conn = connection();
        let mut write = WriteConn::Native(&mut conn);
        let changed = write
            .execute(
                "insert into t (b, a) values ($2, $1)",
                vec![7_i64.into(), "seven".into()],
            )
            .await
            .unwrap();
        assert_eq!(changed, 1);
        let row = write
            .fetch_one("select a, b from t where a = $1", vec![7_i64.into()])
            .await
            .unwrap();
        assert_eq!(row.int(0).unwrap(), 7);
        assert_eq!(row.text(1).unwrap(), "seven");
        assert!(row.text(0).is_err(), "an integer is not text");
    }

    #[tokio::test]
    async fn a_duplicate_key_is_a_unique_violation_and_a_missing_row_an_error() {
        let mut conn = connection();
        let mut write = WriteConn::Native(&mut conn);
        let insert = "insert into t (a, b) values ($1, $2)";
        write
            .execute(insert, vec![1_i64.into(), Param::Text(None)])
            .await
            .unwrap();
        let duplicate = write
            .execute(insert, vec![1_i64.into(), "again".into()])
            .await
            .unwrap_err();
        assert!(duplicate.is_unique_violation(), "{duplicate:?}");
        assert!(
            write
                .fetch_one("select a from t where a = $1", vec![2_i64.into()])
                .await
                .is_err()
        );
        let missing = write
            .execute("insert into t (a, b) values ($1, $2)", vec![3_i64.into()])
            .await
            .unwrap_err();
        assert!(matches!(missing, StoreError::Corrupt(_)), "{missing:?}");
    }
}
