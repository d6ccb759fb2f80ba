//! Reads on the hot path of every request (the session, the signed-in user, a case's state),
//! written once for both backends: on PostgreSQL through sqlx's pool; on SQLite on a native
//! (rusqlite) connection, right on the calling thread. A point read there takes tens of
//! microseconds, less than the two thread hand-offs a query through sqlx's SQLite worker
//! thread costs; those hand-offs were most of a request's CPU. Never run a long query
//! (a list, a search, a report) here: it would hold up the async worker thread it runs on.
//!
//! Row decoders are written against [`Columns`], which both a sqlx row and a rusqlite row
//! implement, so a decoder serves every query of its table on either backend.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use sqlx::any::AnyRow;

use crate::write_conn::{Param, arguments, prepare};
use crate::writer::{STATEMENT_CACHE, keep_plans_prepared};
use crate::{Result, Store};

/// A value a decoder takes from a named column.
pub(crate) trait Column: Sized {
    fn from_sqlx(row: &AnyRow, name: &str) -> Result<Self>;
    fn from_native(row: &rusqlite::Row<'_>, name: &str) -> Result<Self>;
}

macro_rules! column {
    ($($kind:ty),*) => {$(
        impl Column for $kind {
            fn from_sqlx(row: &AnyRow, name: &str) -> Result<Self> {
                Ok(sqlx::Row::try_get(row, name)?)
            }
            fn from_native(row: &rusqlite::Row<'_>, name: &str) -> Result<Self> {
                Ok(row.get(name)?)
            }
        }
    )*};
}

column!(String, Option<String>, i64, Option<i64>);

/// A row whose columns are read by name, from either backend.
pub(crate) trait Columns {
    /// The value of column `name`.
    fn column<T: Column>(&self, name: &str) -> Result<T>;
}

impl Columns for AnyRow {
    fn column<T: Column>(&self, name: &str) -> Result<T> {
        T::from_sqlx(self, name)
    }
}

impl Columns for rusqlite::Row<'_> {
    fn column<T: Column>(&self, name: &str) -> Result<T> {
        T::from_native(self, name)
    }
}

/// A type read from one row.
pub(crate) trait FromColumns: Sized {
    fn from_columns(row: &impl Columns) -> Result<Self>;
}

/// A `count(*) as n` row.
pub(crate) struct Count(pub(crate) i64);

impl FromColumns for Count {
    fn from_columns(row: &impl Columns) -> Result<Count> {
        Ok(Count(row.column("n")?))
    }
}

/// Idle native read connections kept at most; more callers at once open more and close them.
const IDLE_READERS: usize = 8;

/// The native read connections of a SQLite store.
pub(crate) struct NativeReads {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl NativeReads {
    pub(crate) fn new(path: PathBuf) -> NativeReads {
        NativeReads {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> Result<rusqlite::Connection> {
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // A reader never writes; a checkpoint or the CLI may hold a lock for a moment.
        conn.execute_batch("pragma query_only = 1; pragma busy_timeout = 10000;")?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        keep_plans_prepared(&conn)?;
        Ok(conn)
    }

    fn query<T: FromColumns>(&self, sql: &str, params: &[Param]) -> Result<Vec<T>> {
        let taken = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open()?,
        };
        let read = read_rows(&conn, sql, params);
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        read
    }
}

fn read_rows<T: FromColumns>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Param],
) -> Result<Vec<T>> {
    let mut statement = prepare(conn, sql, params)?;
    let mut rows = statement.raw_query();
    let mut read = Vec::new();
    while let Some(row) = rows.next()? {
        read.push(T::from_columns(row)?);
    }
    Ok(read)
}

impl Store {
    /// Every row of a short query, decoded (see the module's note on what belongs here).
    pub(crate) async fn read_all<T: FromColumns>(
        &self,
        sql: &str,
        params: Vec<Param>,
    ) -> Result<Vec<T>> {
        match &self.native_reads {
            Some(reads) => reads.query(sql, &params),
            None => sqlx::query_with(sqlx::AssertSqlSafe(sql.to_owned()), arguments(params)?)
                .fetch_all(self.reader())
                .await?
                .iter()
                .map(T::from_columns)
                .collect(),
        }
    }

    /// The first row of a short query, decoded, if there is one.
    pub(crate) async fn read_optional<T: FromColumns>(
        &self,
        sql: &str,
        params: Vec<Param>,
    ) -> Result<Option<T>> {
        Ok(self.read_all(sql, params).await?.into_iter().next())
    }
}
