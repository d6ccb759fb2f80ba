//! Group commit on SQLite: one task owns the turn at the single write connection, takes every
//! write job queued at that moment, runs them in ONE transaction (each job inside its own
//! savepoint, so a refused or stale job rolls back alone; a job alone in its batch uses the
//! transaction itself), commits with `synchronous = FULL`
//! (one fsync for the whole batch) and only then answers each job. It must never answer a job
//! before its batch has committed, and never hold the write connection while waiting for
//! anything but the database (jobs bring everything they need; reads go to the read pool).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::any::AnyArguments;
use sqlx::{AnyConnection, AnyPool, Arguments as _, Connection};
use tokio::sync::{mpsc, oneshot};

use crate::{Backend, Result, StoreError};

/// One bound value of a statement in a [`Batch`].
pub(crate) enum Param {
    Text(Option<String>),
    Int(Option<i64>),
}

impl From<String> for Param {
    fn from(value: String) -> Param {
        Param::Text(Some(value))
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

/// Write statements sent together: on SQLite as ONE multi-statement query (one round trip to
/// sqlx's SQLite worker thread instead of one per statement; the thread hand-offs, not SQLite,
/// were most of a transition's CPU), on PostgreSQL one by one (its extended protocol takes one
/// statement per message). Statements run in the order pushed and stop at the first error,
/// like separate statements would. Each template numbers its own parameters from `$1`.
pub(crate) struct Batch {
    one_trip: bool,
    statements: Vec<(String, AnyArguments)>,
}

impl Batch {
    pub(crate) fn new(backend: Backend) -> Batch {
        Batch {
            one_trip: backend == Backend::Sqlite,
            statements: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, template: &str, params: Vec<Param>) -> Result<()> {
        if !self.one_trip || self.statements.is_empty() {
            self.statements
                .push((String::with_capacity(512), AnyArguments::default()));
        }
        let Some((sql, args)) = self.statements.last_mut() else {
            return Ok(());
        };
        if !sql.is_empty() {
            sql.push_str(";\n");
        }
        renumber(template, args.len(), sql);
        for param in params {
            let added = match param {
                Param::Text(text) => args.add(text),
                Param::Int(number) => args.add(number),
            };
            added.map_err(|error| StoreError::Database(sqlx::Error::Encode(error)))?;
        }
        Ok(())
    }

    pub(crate) async fn run(self, conn: &mut AnyConnection) -> Result<()> {
        for (sql, args) in self.statements {
            sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}

/// Copies `template` to `out` with every `$n` parameter shifted by `offset` (SQLite numbers
/// `$n` parameters across a multi-statement query by their name).
fn renumber(template: &str, offset: usize, out: &mut String) {
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let mut number = 0_usize;
        let mut digits = false;
        while let Some(digit) = chars.peek().and_then(|d| d.to_digit(10)) {
            number = number * 10 + digit as usize;
            digits = true;
            chars.next();
        }
        out.push('$');
        if digits {
            out.push_str(&(number + offset).to_string());
        }
    }
}

/// A job's future, borrowing the connection for the length of its savepoint.
pub(crate) type JobFuture<'c, T> = Pin<Box<dyn Future<Output = Result<Keep<T>>> + Send + 'c>>;

/// What a job decided about its own writes.
pub(crate) enum Keep<T> {
    /// Keep them: they commit with the batch, and the caller hears `Ok(T)` after the commit.
    Commit(T),
    /// Roll back to the job's savepoint (e.g. the case changed since it was read), and answer
    /// `Ok(T)` after the batch's commit anyway.
    Discard(T),
}

/// A job ready to run; it answers its caller through the returned `Finished`.
type Job = Box<
    dyn for<'c> FnOnce(&'c mut AnyConnection) -> Pin<Box<dyn Future<Output = Finished> + Send + 'c>>
        + Send,
>;

struct Finished {
    keep: bool,
    /// Called once the batch has committed (`None`) or failed to (`Some(message)`).
    answer: Box<dyn FnOnce(Option<String>) + Send>,
}

/// The most jobs in one transaction: bounds how long the first of them waits.
const MAX_BATCH: usize = 512;

/// Counters for tests and the benchmark.
#[derive(Debug, Default)]
struct Counters {
    commits: AtomicU64,
    jobs: AtomicU64,
}

/// How much batching happened so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupCommitStats {
    /// Transactions committed by the writer.
    pub commits: u64,
    /// Jobs run (committed, discarded or failed).
    pub jobs: u64,
}

/// The handle on the writer task. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Writer {
    queue: mpsc::UnboundedSender<Job>,
    counters: Arc<Counters>,
}

impl Writer {
    /// Starts the writer task on `pool` (the one-connection write pool). Other writers that
    /// still take the pool connection directly (`Store::begin_write`) queue on it between
    /// batches.
    pub(crate) fn start(pool: AnyPool) -> Writer {
        let (queue, jobs) = mpsc::unbounded_channel();
        let counters = Arc::new(Counters::default());
        tokio::spawn(run(pool, jobs, counters.clone()));
        Writer { queue, counters }
    }

    pub(crate) fn stats(&self) -> GroupCommitStats {
        GroupCommitStats {
            commits: self.counters.commits.load(Ordering::Relaxed),
            jobs: self.counters.jobs.load(Ordering::Relaxed),
        }
    }

    /// Queues `job` and waits until its batch has committed. The job runs inside a savepoint:
    /// an `Err` or a [`Keep::Discard`] rolls back its writes only.
    pub(crate) async fn submit<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> JobFuture<'c, T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T>>();
        let job: Job = Box::new(move |conn| {
            Box::pin(async move {
                let outcome = job(conn).await;
                let keep = matches!(outcome, Ok(Keep::Commit(_)));
                let answer = Box::new(move |commit_error: Option<String>| {
                    let result = match (commit_error, outcome) {
                        (Some(message), Ok(Keep::Commit(_))) => Err(batch_error(message)),
                        (_, Ok(Keep::Commit(value) | Keep::Discard(value))) => Ok(value),
                        (_, Err(error)) => Err(error),
                    };
                    // The caller may have gone away (a dropped request); its writes stand.
                    let _ = reply.send(result);
                });
                Finished { keep, answer }
            })
        });
        self.queue
            .send(job)
            .map_err(|_| batch_error("the writer has stopped".to_owned()))?;
        answer
            .await
            .map_err(|_| batch_error("the writer dropped the job".to_owned()))?
    }
}

fn batch_error(message: String) -> StoreError {
    StoreError::Database(sqlx::Error::Io(std::io::Error::other(message)))
}

async fn run(pool: AnyPool, mut jobs: mpsc::UnboundedReceiver<Job>, counters: Arc<Counters>) {
    let mut batch = Vec::new();
    while let Some(first) = jobs.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(&pool, &mut batch, &counters).await;
    }
}

/// Runs and commits one batch; every job of it is answered (or dropped, which its caller
/// sees as an error) before this returns.
async fn run_batch(pool: &AnyPool, batch: &mut Vec<Job>, counters: &Counters) {
    let size = batch.len() as u64;
    // `begin immediate`: the write lock is taken at once, so the batch never fails half-way
    // on a lock upgrade (another process, the CLI, may hold it for a moment).
    let mut tx = match pool.begin_with("begin immediate").await {
        Ok(tx) => tx,
        Err(error) => {
            tracing::error!(%error, jobs = size, "group commit: cannot begin");
            batch.clear();
            return;
        }
    };
    if batch.len() == 1
        && let Some(job) = batch.pop()
    {
        // One job alone needs no savepoint: the transaction is its savepoint (two statements,
        // i.e. two round trips to the database thread, fewer).
        let finished = job(&mut tx).await;
        counters.jobs.fetch_add(1, Ordering::Relaxed);
        let commit_error = if finished.keep {
            match tx.commit().await {
                Ok(()) => {
                    counters.commits.fetch_add(1, Ordering::Relaxed);
                    None
                }
                Err(error) => Some(error.to_string()),
            }
        } else {
            // What it wrote is not kept; an empty batch has nothing to commit.
            match tx.rollback().await {
                Ok(()) => None,
                Err(error) => {
                    tracing::error!(%error, "group commit: cannot roll back a lone job");
                    None
                }
            }
        };
        if let Some(message) = &commit_error {
            tracing::error!(error = %message, jobs = 1, "group commit: batch not committed");
        }
        (finished.answer)(commit_error);
        return;
    }
    let mut answers = Vec::with_capacity(batch.len());
    let mut broken = None;
    for job in batch.drain(..) {
        if broken.is_some() {
            // The transaction is unusable: the job is dropped and its caller told so.
            continue;
        }
        let mut savepoint = match Connection::begin(&mut *tx).await {
            Ok(savepoint) => savepoint,
            Err(error) => {
                broken = Some(error.to_string());
                continue;
            }
        };
        let finished = job(&mut savepoint).await;
        let ended = if finished.keep {
            savepoint.commit().await
        } else {
            savepoint.rollback().await
        };
        if let Err(error) = ended {
            broken = Some(error.to_string());
        }
        answers.push(finished);
    }
    counters.jobs.fetch_add(size, Ordering::Relaxed);
    let commit_error = match broken {
        Some(message) => {
            let _ = tx.rollback().await;
            Some(message)
        }
        None => match tx.commit().await {
            Ok(()) => {
                counters.commits.fetch_add(1, Ordering::Relaxed);
                None
            }
            Err(error) => Some(error.to_string()),
        },
    };
    if let Some(message) = &commit_error {
        tracing::error!(error = %message, jobs = size, "group commit: batch not committed");
    }
    for finished in answers {
        (finished.answer)(commit_error.clone());
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use sqlx::Executor;
    use sqlx::any::AnyPoolOptions;

    use super::*;

    async fn pool(dir: &tempfile::TempDir) -> AnyPool {
        sqlx::any::install_default_drivers();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("w.db").display());
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .unwrap();
        pool.execute("create table rows (n bigint primary key)")
            .await
            .unwrap();
        pool
    }

    fn insert(n: i64) -> impl for<'c> FnOnce(&'c mut AnyConnection) -> JobFuture<'c, i64> {
        move |conn| {
            Box::pin(async move {
                sqlx::query("insert into rows (n) values ($1)")
                    .bind(n)
                    .execute(&mut *conn)
                    .await?;
                Ok(Keep::Commit(n))
            })
        }
    }

    /// Three jobs queued before the writer runs (one thread: it cannot run before we wait)
    /// share one commit; the failing one (a duplicate key after its own insert) loses only
    /// its own rows, and its caller hears its own error.
    #[tokio::test]
    async fn a_failing_job_rolls_back_alone_and_the_batch_commits_once() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let writer = Writer::start(pool.clone());
        fn failing(conn: &mut AnyConnection) -> JobFuture<'_, i64> {
            Box::pin(async move {
                sqlx::query("insert into rows (n) values (2)")
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("insert into rows (n) values (1)")
                    .execute(&mut *conn)
                    .await?;
                Ok(Keep::Commit(2))
            })
        }
        fn discarding(conn: &mut AnyConnection) -> JobFuture<'_, i64> {
            Box::pin(async move {
                sqlx::query("insert into rows (n) values (4)")
                    .execute(&mut *conn)
                    .await?;
                Ok(Keep::Discard(4))
            })
        }
        let (one, two, three, four) = tokio::join!(
            writer.submit(insert(1)),
            writer.submit(failing),
            writer.submit(insert(3)),
            writer.submit(discarding),
        );
        assert_eq!(one.unwrap(), 1);
        assert!(two.unwrap_err().is_unique_violation());
        assert_eq!(three.unwrap(), 3);
        assert_eq!(four.unwrap(), 4);
        assert_eq!(
            writer.stats(),
            GroupCommitStats {
                commits: 1,
                jobs: 4
            }
        );
        let rows: Vec<(i64,)> = sqlx::query_as("select n from rows order by n")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows, vec![(1,), (3,)]);
    }

    /// The caller is answered only after the commit: what it was told is on disk.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_answer_means_committed() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let writer = Writer::start(pool.clone());
        for n in 0..50 {
            writer.submit(insert(n)).await.unwrap();
            let url = format!("sqlite://{}", dir.path().join("w.db").display());
            let mut other = <sqlx::AnyConnection as Connection>::connect(&url)
                .await
                .unwrap();
            let count: (i64,) = sqlx::query_as("select count(*) from rows")
                .fetch_one(&mut other)
                .await
                .unwrap();
            assert_eq!(count.0, n + 1);
        }
    }

    #[tokio::test]
    async fn a_lone_job_that_fails_or_discards_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let writer = Writer::start(pool.clone());
        fn failing(conn: &mut AnyConnection) -> JobFuture<'_, i64> {
            Box::pin(async move {
                sqlx::query("insert into rows (n) values (7)")
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("insert into rows (n) values (7)")
                    .execute(&mut *conn)
                    .await?;
                Ok(Keep::Commit(7))
            })
        }
        assert!(
            writer
                .submit(failing)
                .await
                .unwrap_err()
                .is_unique_violation()
        );
        fn discarding(conn: &mut AnyConnection) -> JobFuture<'_, i64> {
            Box::pin(async move {
                sqlx::query("insert into rows (n) values (8)")
                    .execute(&mut *conn)
                    .await?;
                Ok(Keep::Discard(8))
            })
        }
        assert_eq!(writer.submit(discarding).await.unwrap(), 8);
        assert_eq!(writer.submit(insert(9)).await.unwrap(), 9);
        let rows: Vec<(i64,)> = sqlx::query_as("select n from rows order by n")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(rows, vec![(9,)]);
        assert_eq!(
            writer.stats(),
            GroupCommitStats {
                commits: 1,
                jobs: 3
            }
        );
    }

    #[tokio::test]
    async fn a_batch_binds_each_statement_its_own_parameters_and_stops_at_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let mut conn = pool.acquire().await.unwrap();
        let mut batch = Batch::new(Backend::Sqlite);
        batch
            .push("insert into rows (n) values ($1)", vec![10_i64.into()])
            .unwrap();
        batch
            .push(
                "insert into rows (n) values ($2 * 100 + $1)",
                vec![2_i64.into(), 3_i64.into()],
            )
            .unwrap();
        batch.run(&mut conn).await.unwrap();
        let mut failing = Batch::new(Backend::Sqlite);
        failing
            .push("insert into rows (n) values ($1)", vec![11_i64.into()])
            .unwrap();
        failing
            .push("insert into rows (n) values ($1)", vec![10_i64.into()])
            .unwrap();
        failing
            .push("insert into rows (n) values ($1)", vec![12_i64.into()])
            .unwrap();
        assert!(
            failing
                .run(&mut conn)
                .await
                .unwrap_err()
                .is_unique_violation()
        );
        let rows: Vec<(i64,)> = sqlx::query_as("select n from rows order by n")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        // Autocommit: the statement before the failing one stays, the one after never ran.
        assert_eq!(rows, vec![(10,), (11,), (302,)]);
    }

    #[test]
    fn renumbering_shifts_every_parameter() {
        let mut out = String::new();
        renumber("a = $1, b = $12, c = '$'", 3, &mut out);
        assert_eq!(out, "a = $4, b = $15, c = '$'");
    }
}
