//! Reads on the hot path of every request (the session, the signed-in user, a case's state),
//! written once for both backends: on PostgreSQL through sqlx's pool; on SQLite on a native
//! (rusqlite) connection, right on the calling thread. A point read there takes tens of
//! microseconds, less than the two thread hand-offs a query through sqlx's SQLite worker
//! thread costs; those hand-offs were most of a request's CPU. Never run a long query
//! (a search, a report, a list that grows with the data) here: it would hold up the async
//! worker thread it runs on. A list read in index order with a small limit (the inbox) is
//! as short as a point read.
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
    fn from_native(row: &rusqlite::Row<'_>, index: usize) -> Result<Self>;
}

macro_rules! column {
    ($($kind:ty),*) => {$(
        impl Column for $kind {
            fn from_sqlx(row: &AnyRow, name: &str) -> Result<Self> {
                Ok(sqlx::Row::try_get(row, name)?)
            }
            fn from_native(row: &rusqlite::Row<'_>, index: usize) -> Result<Self> {
                Ok(row.get(index)?)
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

/// A rusqlite row with its statement's column names, read once per query: rusqlite looks a
/// name up by asking SQLite for every column's name in turn, for every value of every row.
struct NativeRow<'r> {
    row: &'r rusqlite::Row<'r>,
    names: &'r [String],
}

impl Columns for NativeRow<'_> {
    fn column<T: Column>(&self, name: &str) -> Result<T> {
        let index = self
            .names
            .iter()
            .position(|column| column.eq_ignore_ascii_case(name))
            .ok_or_else(|| rusqlite::Error::InvalidColumnName(name.to_owned()))?;
        T::from_native(self.row, index)
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

    fn take(&self) -> Result<rusqlite::Connection> {
        let taken = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match taken {
            Some(conn) => Ok(conn),
            None => self.open(),
        }
    }

    fn give_back(&self, conn: rusqlite::Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
    }

    fn snapshot(&self) -> Result<Snapshot<'_>> {
        let conn = self.take()?;
        conn.prepare_cached("begin")?.execute([])?;
        Ok(Snapshot::Native {
            reads: self,
            conn: Some(conn),
        })
    }

    fn query<T: FromColumns>(&self, sql: &str, params: &[Param]) -> Result<Vec<T>> {
        let conn = self.take()?;
        let read = read_rows(&conn, sql, params);
        self.give_back(conn);
        read
    }
}

/// Several short reads that see one state of the database (see [`Store::snapshot`]).
pub(crate) enum Snapshot<'s> {
    /// A native connection inside one read transaction, ended when the snapshot is dropped.
    Native {
        reads: &'s NativeReads,
        conn: Option<rusqlite::Connection>,
    },
    /// PostgreSQL: each read on the pool, as [`Store::read_all`] does.
    Pool(&'s Store),
}

impl Snapshot<'_> {
    /// Every row of a short query, decoded.
    pub(crate) async fn all<T: FromColumns>(
        &mut self,
        sql: &str,
        params: Vec<Param>,
    ) -> Result<Vec<T>> {
        match self {
            Snapshot::Native {
                conn: Some(conn), ..
            } => read_rows(conn, sql, &params),
            Snapshot::Native { conn: None, .. } => {
                unreachable!("a snapshot's connection is taken only when it is dropped")
            }
            Snapshot::Pool(store) => store.read_all(sql, params).await,
        }
    }

    /// The first row of a short query, decoded, if there is one.
    pub(crate) async fn optional<T: FromColumns>(
        &mut self,
        sql: &str,
        params: Vec<Param>,
    ) -> Result<Option<T>> {
        Ok(self.all(sql, params).await?.into_iter().next())
    }
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        if let Snapshot::Native { reads, conn } = self
            && let Some(conn) = conn.take()
        {
            // Ends the read transaction; a connection that cannot end it is not reused.
            if conn
                .prepare_cached("commit")
                .and_then(|mut commit| commit.execute([]))
                .is_ok()
            {
                reads.give_back(conn);
            }
        }
    }
}

fn read_rows<T: FromColumns>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Param],
) -> Result<Vec<T>> {
    let mut statement = prepare(conn, sql, params)?;
    let names: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut rows = statement.raw_query();
    let mut read = Vec::new();
    while let Some(row) = rows.next()? {
        read.push(T::from_columns(&NativeRow { row, names: &names })?);
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

    /// A snapshot for several short reads that must agree with each other (a case and its
    /// tasks): on SQLite one read transaction on one native connection, which also spares
    /// each read after the first the start of a transaction (after any commit, that start
    /// empties the connection's page cache).
    pub(crate) fn snapshot(&self) -> Result<Snapshot<'_>> {
        match &self.native_reads {
            Some(reads) => reads.snapshot(),
            None => Ok(Snapshot::Pool(self)),
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    async fn count(snapshot: &mut Snapshot<'_>) -> i64 {
        let counted: Option<Count> = snapshot
            .optional("select count(*) as n from rows", Vec::new())
            .await
            .unwrap();
        counted.unwrap().0
    }

    #[tokio::test]
    async fn a_snapshot_sees_one_state_of_the_database_until_it_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let writer = rusqlite::Connection::open(&path).unwrap();
        writer
            .execute_batch(
                "pragma journal_mode = wal; create table rows (n integer primary key); \
                 insert into rows (n) values (1);",
            )
            .unwrap();
        let reads = NativeReads::new(path);

        let mut snapshot = reads.snapshot().unwrap();
        assert_eq!(count(&mut snapshot).await, 1);
        writer
            .execute("insert into rows (n) values (2)", [])
            .unwrap();
        assert_eq!(
            count(&mut snapshot).await,
            1,
            "a commit after the first read"
        );
        drop(snapshot);

        // The connection went back to the pool with its transaction ended.
        let mut next = reads.snapshot().unwrap();
        assert_eq!(count(&mut next).await, 2);
        drop(next);
        assert_eq!(reads.idle.lock().unwrap().len(), 1);
    }
}
