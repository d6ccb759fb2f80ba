//! Persistence of Pelihara on embedded SQLite (the default) and PostgreSQL, behind one API:
//! cases, tasks and their records, people and delegations, the register of apps, SOP
//! versions, holidays, the hash-chained audit trail and content-addressed documents.
//!
//! **Architecture invariant:** SQL lives only in this crate, in lowercase, one small function
//! per query; both backends run the same statements (`$1` placeholders through sqlx's `Any`
//! driver), and instants are stored as epoch milliseconds so no backend-specific type leaks.
//! Every action is one transaction that also appends its audit event.

pub mod audit;
pub mod blobs;
mod bootstrap;
pub mod calendar;
pub mod case_list;
pub mod cases;
pub mod clock;
mod codec;
pub mod compliance;
pub mod documents;
#[cfg(feature = "generate")]
pub mod generate;
pub mod identity;
pub mod maintenance;
pub mod monitoring;
pub mod notifications;
pub mod people;
pub mod people_import;
mod read;
pub mod recovery;
pub mod reference;
pub mod register;
pub mod reminders;
mod report_query;
mod report_rollups;
mod revisioned;
pub mod sessions;
pub mod setup;
pub mod skm;
pub mod sops;
pub mod sso;
#[cfg(feature = "testing")]
pub mod testing;
pub mod throttle;
pub mod tokens;
pub mod totp;
pub mod transfer;
mod write_conn;
mod writer;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, Executor};

pub use audit::{AuditSource, StoredEvent, VerifyProblem, VerifyReport};
pub use blobs::{BlobError, BlobStore};
pub use calendar::SharedCalendar;
pub use case_list::{CaseCursor, CaseFilter, CasePage};
pub use cases::{ActWith, CaseSummary, InboxItem, SubmitWith};
pub use clock::Clock;
pub use compliance::{
    CaseComplianceRow, CaseDrillPage, CaseDrillRow, CaseFigure, ComplianceRow, CoverageRow,
    DrillCursor, DrillPage, DrillRow, Figure, GroupKey, Grouping, Outcome, PeriodCounts,
    ProgressCount, ReportFilter, Spread, UncoveredApp,
};
pub use documents::{IssuedDocument, NewIssuedDocument};
pub use identity::{OfficeIdentity, OfficeRules, SharedIdentity};
pub use sops::{SharedCatalog, SopCatalog, SopLoad, SopVersionState, StoredSop};
pub use tokens::{
    IdempotencyKey, IdempotencyKind, IdempotentSubmission, NewToken, StoredToken, TokenScope,
};
pub use totp::{StoredTotp, TOTP_REQUIRED_BY_DEFAULT, TOTP_REQUIRED_ROLES_SETTING};
pub use writer::GroupCommitStats;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// An error of the group-commit writer's own SQLite connection.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A write that was not committed: the writer stopped, or its batch failed to commit.
    #[error("write not committed: {0}")]
    NotCommitted(String),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("refused: {0}")]
    Refused(#[from] pelihara_domain::Refusal),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("unsupported database URL (use sqlite:// or postgres://)")]
    UnsupportedUrl,
    #[error("the SOP {0} is not loaded")]
    UnknownSop(String),
    #[error("{0} already exists")]
    Duplicate(&'static str),
    /// An action pinned to a version of the case (`ActWith::expected_version`) found the
    /// case at another version: nothing was written.
    #[error("the case is no longer at the version named")]
    Stale,
    /// A copy's target database already holds an installation (`copy_everything_into`).
    #[error("the target database is in use: {0}")]
    TargetInUse(String),
}

/// A write's result with a unique-constraint violation read as `Duplicate(what)` (a user name,
/// a holiday, a version that exists), for the form or command to say so; other errors as they
/// are.
pub(crate) fn duplicate_as<T>(
    result: std::result::Result<T, sqlx::Error>,
    what: &'static str,
) -> Result<T> {
    match result {
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            Err(StoreError::Duplicate(what))
        }
        other => Ok(other?),
    }
}

impl StoreError {
    /// Whether a database error is a unique-constraint violation (shown as a form error).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(error)) => error.is_unique_violation(),
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(error, _)) => matches!(
                error.extended_code,
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            ),
            StoreError::Duplicate(_) => true,
            _ => false,
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        StoreError::Corrupt(error.to_string())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A handle on the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    /// Reads: several connections (SQLite in WAL mode lets them run beside the writer).
    read: AnyPool,
    /// Writes: on SQLite one connection, so writers queue in the pool instead of failing
    /// with "database is locked"; on PostgreSQL the same pool as reads.
    write: AnyPool,
    backend: Backend,
    /// SQLite: the group-commit writer that case actions go through (see `writer`).
    writer: Option<writer::Writer>,
    /// SQLite: the turn at writing that `write` and the group-commit writer share.
    turn: writer::WriteTurn,
    /// SQLite: native connections for the hot-path reads (see `read`).
    native_reads: Option<std::sync::Arc<read::NativeReads>>,
}

/// A write transaction on sqlx's write connection; on SQLite it holds the turn at writing
/// (see `writer::WriteTurn`) until it commits, rolls back or is dropped.
pub(crate) struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<()> {
        Ok(self.tx.commit().await?)
    }

    pub(crate) async fn rollback(self) -> Result<()> {
        Ok(self.tx.rollback().await?)
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

fn sqlite_pool(url: &str, max: u32) -> Result<AnyPoolOptions> {
    // Validate the URL early so a typo is a clear error rather than a pool timeout.
    AnyConnectOptions::from_str(url)?;
    Ok(AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // FULL: an acknowledged action survives power loss. WAL: readers never wait
                // for the writer. busy_timeout: another process (the CLI) may hold the lock.
                conn.execute("pragma journal_mode = wal").await?;
                conn.execute("pragma synchronous = full").await?;
                conn.execute("pragma foreign_keys = on").await?;
                conn.execute("pragma busy_timeout = 10000").await?;
                // The group-commit writer and its checkpointer copy the WAL back (see
                // `writer`): a commit here must not do it on a request's path.
                conn.execute("pragma wal_autocheckpoint = 0").await?;
                Ok(())
            })
        }))
}

/// An exclusive lock on `<database>.migrate-lock` beside a SQLite file, held while migrating;
/// released when dropped (or when the process ends).
async fn migration_lock(database: &std::path::Path) -> Result<std::fs::File> {
    let mut name = database.as_os_str().to_owned();
    name.push(".migrate-lock");
    let lock_path = std::path::PathBuf::from(name);
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await
    .map_err(|error| StoreError::NotCommitted(format!("migration lock: {error}")))?
    .map_err(|error| StoreError::NotCommitted(format!("migration lock: {error}")))
}

impl Store {
    /// Connects to `sqlite://PATH` (created if missing) or `postgres://...`, and runs the
    /// migrations of that backend.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let store = if url.starts_with("sqlite:") {
            let url = if url.contains('?') {
                url.to_owned()
            } else {
                format!("{url}?mode=rwc")
            };
            let path = SqliteConnectOptions::from_str(&url)?
                .get_filename()
                .to_path_buf();
            let write = sqlite_pool(&url, 1)?.connect(&url).await?;
            // The schema must exist before readers and the writer open; migrate first, one
            // process at a time (sqlx takes no lock on SQLite: two processes opening a new
            // file at once, a server and `pelihara sop load`, both ran migration 1).
            let migrating = migration_lock(&path).await?;
            SQLITE_MIGRATIONS.run(&write).await?;
            drop(migrating);
            let read = sqlite_pool(&url, 8)?.connect(&url).await?;
            let turn = writer::WriteTurn::default();
            Store {
                read,
                writer: Some(writer::Writer::start(&path, turn.clone())?),
                write,
                backend: Backend::Sqlite,
                turn,
                native_reads: Some(std::sync::Arc::new(read::NativeReads::new(path))),
            }
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await?;
            POSTGRES_MIGRATIONS.run(&pool).await?;
            Store {
                read: pool.clone(),
                write: pool,
                backend: Backend::Postgres,
                writer: None,
                turn: writer::WriteTurn::default(),
                native_reads: None,
            }
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a write transaction. On SQLite `begin immediate` takes the write lock at once,
    /// so a transaction never fails half-way on a lock upgrade.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let turn = self.turn.clone().lock_owned().await;
                WriteTx {
                    tx: self.write.begin_with("begin immediate").await?,
                    _turn: Some(turn),
                }
            }
            Backend::Postgres => WriteTx {
                tx: self.write.begin().await?,
                _turn: None,
            },
        })
    }

    /// Runs a write job and waits until it is durable. On SQLite it goes to the group-commit
    /// writer (one transaction and one fsync for every job queued meanwhile, each job in its
    /// own savepoint); on PostgreSQL it runs in its own transaction from the pool.
    pub(crate) async fn write_job<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(write_conn::WriteConn<'c>) -> writer::JobFuture<'c, T> + Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.submit(job).await,
            None => {
                let mut tx = self.begin_write().await?;
                match job(write_conn::WriteConn::Sqlx(&mut tx)).await? {
                    writer::Keep::Commit(value) => {
                        tx.commit().await?;
                        Ok(value)
                    }
                    writer::Keep::Discard(value) => {
                        tx.rollback().await?;
                        Ok(value)
                    }
                }
            }
        }
    }

    /// How many group commits and jobs the SQLite writer has run (`None` on PostgreSQL).
    pub fn group_commit_stats(&self) -> Option<GroupCommitStats> {
        self.writer.as_ref().map(writer::Writer::stats)
    }

    pub(crate) fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// Closes both pools (tests and shutdown).
    pub async fn close(&self) {
        if let Some(writer) = &self.writer {
            writer.stop().await;
        }
        self.write.close().await;
        self.read.close().await;
    }

    /// Writes a consistent copy of a SQLite database to `path` (a new file) while it is in use:
    /// `vacuum into` reads one snapshot, so writes going on are either wholly in it or not.
    /// PostgreSQL is copied with its own tools (`pg_dump`): `UnsupportedUrl` here.
    pub async fn copy_database_to(&self, path: &std::path::Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::UnsupportedUrl);
        }
        sqlx::query("vacuum into $1")
            .bind(path.display().to_string())
            .execute(&self.read)
            .await?;
        Ok(())
    }

    /// Whether the database answers a trivial query now (the health check: cheap at any size,
    /// unlike [`Store::integrity_ok`]).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("select 1").execute(&self.read).await?;
        Ok(())
    }

    /// Checks the database's own integrity (SQLite `integrity_check`; PostgreSQL: a query).
    pub async fn integrity_ok(&self) -> Result<bool> {
        match self.backend {
            Backend::Sqlite => {
                let row: (String,) = sqlx::query_as("pragma integrity_check")
                    .fetch_one(&self.read)
                    .await?;
                Ok(row.0 == "ok")
            }
            Backend::Postgres => {
                sqlx::query("select 1").execute(&self.read).await?;
                Ok(true)
            }
        }
    }
}
