//! Group commit on SQLite: one thread owns the native write connection, takes every write job
//! queued at that moment, runs them in ONE transaction (each job inside its own savepoint, so
//! a refused or stale job rolls back alone; a job alone in its batch uses the transaction
//! itself) and commits; a second thread then syncs the WAL (one `fdatasync` for every batch
//! committed meanwhile, while the writer already runs the next) and only then answers each
//! job. It must never answer a job before its batch is on disk, and never hold the write
//! connection while waiting for anything but the database (jobs bring everything they need;
//! reads go to the read connections).
//!
//! The connection is rusqlite's, owned by this thread: a statement is a call, not a round
//! trip to another thread. The other SQLite writes of the store (sessions, settings,
//! notifications) still run on sqlx's write connection; the two take turns through
//! [`WriteTurn`], so neither ever sleeps in SQLite's busy handler waiting for the other.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::task::{Context, Poll, Waker};

use tokio::sync::oneshot;

use crate::write_conn::WriteConn;
use crate::{Result, StoreError};

/// A job's future, borrowing the connection for the length of its savepoint.
pub(crate) type JobFuture<'c, T> =
    std::pin::Pin<Box<dyn Future<Output = Result<Keep<T>>> + Send + 'c>>;

/// What a job decided about its own writes.
pub(crate) enum Keep<T> {
    /// Keep them: they commit with the batch, and the caller hears `Ok(T)` after the commit.
    Commit(T),
    /// Roll back to the job's savepoint (e.g. the case changed since it was read), and answer
    /// `Ok(T)` after the batch's commit anyway.
    Discard(T),
}

/// The turn at writing to the SQLite file, shared by the group-commit thread and sqlx's write
/// connection (`Store::begin_write`). FIFO, so neither side starves the other.
pub(crate) type WriteTurn = Arc<tokio::sync::Mutex<()>>;

/// A job ready to run on the writer's connection; it answers its caller through the returned
/// `Finished`.
type Job = Box<dyn FnOnce(&mut rusqlite::Connection) -> Finished + Send>;

enum Message {
    Job(Job),
    /// Finish what is queued, close the connection, and say so.
    Stop(oneshot::Sender<()>),
}

struct Finished {
    keep: bool,
    /// Called once the batch has committed (`None`) or failed to (`Some(message)`).
    answer: Box<dyn FnOnce(Option<String>) + Send>,
}

/// The most jobs in one transaction: bounds how long the first of them waits.
const MAX_BATCH: usize = 512;

/// Statements a native connection keeps prepared: more than the writer's jobs or the hot
/// reads use, so all of them stay prepared.
pub(crate) const STATEMENT_CACHE: usize = 64;

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

/// The handle on the writer thread. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Message>,
    counters: Arc<Counters>,
}

/// Opens the writer's connection on an existing (migrated) database file, durable settings
/// first: FULL (an acknowledged commit survives power loss), foreign keys, and a busy timeout
/// for other processes (the CLI) that may hold the lock for a moment.
fn open(path: &Path) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.execute_batch(
        "pragma journal_mode = wal; pragma synchronous = full; pragma foreign_keys = on; \
         pragma busy_timeout = 10000;",
    )?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    keep_plans_prepared(&conn)?;
    Ok(conn)
}

/// Lets a prepared statement keep its plan whatever values are bound to it. SQLite is built
/// with STAT4 here, and once `analyze` has run it plans a statement for the values bound to
/// it and prepares it anew whenever they change, that is, on every execution: parsing and
/// planning took a sixth of a request's CPU over HTTP. Our queries are written for their
/// indexes; a plan chosen without the values is the plan we wrote them for.
pub(crate) fn keep_plans_prepared(conn: &rusqlite::Connection) -> Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// Opens the writer's connection: as [`open`], and the writer checkpoints the WAL itself,
/// between two batches (when no frame can be added meanwhile, so the checkpoint completes
/// and the WAL starts over), once it holds this many pages: ten times SQLite's default, so a
/// page changed by many transactions is copied back once rather than ten times (a third of
/// the writer's time went to checkpoints at the default).
///
/// Its commits do not fsync (`synchronous = NORMAL`): the sync thread does, while the writer
/// already runs the next batch (see [`sync`]). Checkpoints still sync as FULL would.
///
/// Each job runs in a savepoint, so SQLite keeps the first image of every page a job changes
/// in a sub-journal. On disk (past 64 KiB, that is, in every batch of more than a few jobs)
/// that was a temporary file written page by page, a seventh of the writer's time; kept in
/// memory (`temp_store = memory`) it is a copy, freed at each commit.
fn open_writer(path: &Path) -> Result<rusqlite::Connection> {
    let conn = open(path)?;
    conn.execute_batch(
        "pragma wal_autocheckpoint = 10000; pragma synchronous = normal; \
         pragma temp_store = memory;",
    )?;
    Ok(conn)
}

impl Writer {
    /// Opens the database file at `path` and starts the writer thread on it.
    pub(crate) fn start(path: &Path, turn: WriteTurn) -> Result<Writer> {
        let conn = open_writer(path)?;
        let (queue, messages) = mpsc::channel();
        let counters = Arc::new(Counters::default());
        let thread_counters = counters.clone();
        let checkpoints = open(path)?;
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let wal = std::path::PathBuf::from(wal);
        let (writer_running, writer_ended) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("pelihara-checkpoint".into())
            .spawn(move || checkpoint(&checkpoints, &writer_ended))
            .map_err(|error| {
                StoreError::NotCommitted(format!("cannot start the checkpointer: {error}"))
            })?;
        std::thread::Builder::new()
            .name("pelihara-writer".into())
            .spawn(move || {
                run(conn, &wal, &messages, &thread_counters, &turn);
                drop(writer_running);
            })
            .map_err(|error| {
                StoreError::NotCommitted(format!("cannot start the writer: {error}"))
            })?;
        Ok(Writer { queue, counters })
    }

    pub(crate) fn stats(&self) -> GroupCommitStats {
        GroupCommitStats {
            commits: self.counters.commits.load(Ordering::Relaxed),
            jobs: self.counters.jobs.load(Ordering::Relaxed),
        }
    }

    /// Lets the queued jobs finish and closes the connection; later jobs are refused.
    pub(crate) async fn stop(&self) {
        let (done, stopped) = oneshot::channel();
        if self.queue.send(Message::Stop(done)).is_ok() {
            let _ = stopped.await;
        }
    }

    /// Queues `job` and waits until its batch has committed. The job runs inside a savepoint:
    /// an `Err` or a [`Keep::Discard`] rolls back its writes only.
    pub(crate) async fn submit<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(WriteConn<'c>) -> JobFuture<'c, T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T>>();
        let job: Job = Box::new(move |conn: &mut rusqlite::Connection| {
            let outcome = run_to_end(job(WriteConn::Native(conn)));
            let keep = matches!(outcome, Ok(Keep::Commit(_)));
            let answer = Box::new(move |commit_error: Option<String>| {
                let result = match (commit_error, outcome) {
                    (Some(message), Ok(Keep::Commit(_))) => Err(StoreError::NotCommitted(message)),
                    (_, Ok(Keep::Commit(value) | Keep::Discard(value))) => Ok(value),
                    (_, Err(error)) => Err(error),
                };
                // The caller may have gone away (a dropped request); its writes stand.
                let _ = reply.send(result);
            });
            Finished { keep, answer }
        });
        self.queue
            .send(Message::Job(job))
            .map_err(|_| StoreError::NotCommitted("the writer has stopped".to_owned()))?;
        answer
            .await
            .map_err(|_| StoreError::NotCommitted("the writer dropped the job".to_owned()))?
    }
}

/// How often the checkpointer copies the WAL back.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// A passive checkpoint every [`CHECKPOINT_EVERY`] on its own connection, until the writer
/// ends. It copies most WAL pages back beside the writer, on the other core, so that the
/// writer's own checkpoint (which must complete for the WAL to start over) finds little left
/// to copy: the writer stalls for a moment instead of tens of milliseconds (store only, 32
/// callers: 2 807 -> 3 194 transitions/s, mean of three runs each). It also covers pages
/// written while no case action commits (the other connections never checkpoint). A passive
/// checkpoint never blocks the writer or a reader.
fn checkpoint(conn: &rusqlite::Connection, writer_ended: &mpsc::Receiver<()>) {
    while let Err(mpsc::RecvTimeoutError::Timeout) = writer_ended.recv_timeout(CHECKPOINT_EVERY) {
        if let Err(error) = conn.query_row("pragma wal_checkpoint(passive)", [], |_| Ok(())) {
            tracing::warn!(%error, "WAL checkpoint failed; the next one retries");
        }
    }
}

/// Runs a job's future in one poll: on the native connection nothing in it ever waits (see
/// `write_conn`), so a future that is not finished after one poll awaited something it must
/// not, and fails rather than blocking the writer.
fn run_to_end<T>(mut future: JobFuture<'_, T>) -> Result<Keep<T>> {
    let mut context = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut context) {
        Poll::Ready(outcome) => outcome,
        Poll::Pending => Err(StoreError::NotCommitted(
            "a write job waited on something other than the database".to_owned(),
        )),
    }
}

fn run(
    mut conn: rusqlite::Connection,
    wal: &Path,
    messages: &mpsc::Receiver<Message>,
    counters: &Counters,
    turn: &WriteTurn,
) {
    let (to_sync, committed) = mpsc::channel::<Vec<Finished>>();
    let sync_wal = wal.to_path_buf();
    let syncer = std::thread::Builder::new()
        .name("pelihara-sync".into())
        .spawn(move || sync(&sync_wal, &committed));
    if let Err(error) = &syncer {
        tracing::error!(%error, "group commit: no sync thread; every batch syncs inline");
    }
    let mut batch = Vec::new();
    let mut stop = None;
    while stop.is_none() {
        match messages.recv() {
            Ok(Message::Job(job)) => batch.push(job),
            Ok(Message::Stop(done)) => {
                stop = Some(done);
                break;
            }
            Err(_) => break,
        }
        let _turn = turn.blocking_lock();
        // Whatever arrived while the turn was taken joins this batch.
        while batch.len() < MAX_BATCH {
            match messages.try_recv() {
                Ok(Message::Job(job)) => batch.push(job),
                Ok(Message::Stop(done)) => {
                    stop = Some(done);
                    break;
                }
                Err(_) => break,
            }
        }
        let waiting = run_batch(&mut conn, &mut batch, counters);
        if waiting.is_empty() {
            continue;
        }
        let unsent = match &syncer {
            Ok(_) => match to_sync.send(waiting) {
                Ok(()) => continue,
                Err(mpsc::SendError(back)) => back,
            },
            Err(_) => waiting,
        };
        // Nobody to hand them to: sync here (the rare fallback, not the hot path).
        answer_synced(wal, unsent);
    }
    // The sync thread answers what it holds, then ends with the channel.
    drop(to_sync);
    if let Ok(syncer) = syncer {
        let _ = syncer.join();
    }
    drop(conn);
    if let Some(done) = stop {
        let _ = done.send(());
    }
}

/// Answers the jobs of committed batches once the WAL holding them is on disk. One
/// `fdatasync` for whatever committed meanwhile, while the writer runs the next batch: the
/// writer's commit no longer waits for the disk, and no caller hears of a commit before it
/// would survive a power cut (a sync covers every frame written before it). Readers can see
/// a batch a moment before its sync: a page shown then and lost in a power cut within that
/// moment was never acknowledged to the one who acted.
fn sync(wal: &Path, committed: &mpsc::Receiver<Vec<Finished>>) {
    while let Ok(mut waiting) = committed.recv() {
        while let Ok(more) = committed.try_recv() {
            waiting.extend(more);
        }
        answer_synced(wal, waiting);
    }
}

fn answer_synced(wal: &Path, waiting: Vec<Finished>) {
    let synced = std::fs::File::open(wal).and_then(|file| file.sync_data());
    let error = synced
        .err()
        .map(|error| format!("the write-ahead log could not be synced: {error}"));
    if let Some(message) = &error {
        tracing::error!(error = %message, jobs = waiting.len(), "group commit: not durable");
    }
    for finished in waiting {
        (finished.answer)(error.clone());
    }
}

/// Runs and commits one batch. Every job of a batch that failed, or kept nothing, is
/// answered before this returns; the jobs of a committed batch are returned, to be answered
/// once the commit is on disk.
fn run_batch(
    conn: &mut rusqlite::Connection,
    batch: &mut Vec<Job>,
    counters: &Counters,
) -> Vec<Finished> {
    let size = batch.len() as u64;
    // `begin immediate`: the write lock is taken at once, so the batch never fails half-way
    // on a lock upgrade (another process, the CLI, may hold it for a moment).
    if let Err(error) = conn.execute_batch("begin immediate") {
        tracing::error!(%error, jobs = size, "group commit: cannot begin");
        batch.clear();
        return Vec::new();
    }
    let lone = batch.len() == 1;
    let mut answers = Vec::with_capacity(batch.len());
    let mut broken = None;
    for job in batch.drain(..) {
        if broken.is_some() {
            // The transaction is unusable: the job is dropped and its caller told so.
            continue;
        }
        // One job alone needs no savepoint: the transaction is its savepoint.
        if !lone && let Err(error) = conn.execute_batch("savepoint job") {
            broken = Some(error.to_string());
            continue;
        }
        let finished = job(conn);
        if conn.is_autocommit() {
            // SQLite rolled the whole transaction back itself (disk full, I/O error): every
            // job of the batch before this one is gone with it.
            broken = Some("the transaction was rolled back by the database".to_owned());
        } else if !lone {
            let ended = if finished.keep {
                conn.execute_batch("release job")
            } else {
                conn.execute_batch("rollback to job; release job")
            };
            if let Err(error) = ended {
                broken = Some(error.to_string());
            }
        }
        answers.push(finished);
    }
    counters.jobs.fetch_add(size, Ordering::Relaxed);
    let nothing_kept = lone && answers.iter().all(|finished| !finished.keep);
    let commit_error = match broken {
        Some(message) => Some(message),
        // A lone job that kept nothing: what it wrote is rolled back, nothing to commit.
        None if nothing_kept => {
            if let Err(error) = conn.execute_batch("rollback") {
                tracing::error!(%error, "group commit: cannot roll back a lone job");
            }
            None
        }
        None => match conn.execute_batch("commit") {
            Ok(()) => {
                counters.commits.fetch_add(1, Ordering::Relaxed);
                None
            }
            Err(error) => Some(error.to_string()),
        },
    };
    if commit_error.is_some() && !conn.is_autocommit() {
        let _ = conn.execute_batch("rollback");
    }
    if let Some(message) = &commit_error {
        tracing::error!(error = %message, jobs = size, "group commit: batch not committed");
    }
    if commit_error.is_none() && !nothing_kept {
        return answers;
    }
    for finished in answers {
        (finished.answer)(commit_error.clone());
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn database(dir: &tempfile::TempDir) -> std::path::PathBuf {
        let path = dir.path().join("w.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("pragma journal_mode = wal; create table rows (n bigint primary key)")
            .unwrap();
        path
    }

    fn start(path: &Path) -> Writer {
        Writer::start(path, WriteTurn::default()).unwrap()
    }

    fn rows(path: &Path) -> Vec<i64> {
        let conn = rusqlite::Connection::open(path).unwrap();
        let mut statement = conn.prepare("select n from rows order by n").unwrap();
        statement
            .query_map([], |row| row.get(0))
            .unwrap()
            .map(|n| n.unwrap())
            .collect()
    }

    const INSERT: &str = "insert into rows (n) values ($1)";

    fn insert(n: i64) -> impl for<'c> FnOnce(WriteConn<'c>) -> JobFuture<'c, i64> {
        move |mut conn| {
            Box::pin(async move {
                conn.execute(INSERT, vec![n.into()]).await?;
                Ok(Keep::Commit(n))
            })
        }
    }

    /// Inserts `n`, then `n` again (a duplicate key): the job fails after a write of its own.
    fn failing(n: i64) -> impl for<'c> FnOnce(WriteConn<'c>) -> JobFuture<'c, i64> {
        move |mut conn| {
            Box::pin(async move {
                conn.execute(INSERT, vec![n.into()]).await?;
                conn.execute(INSERT, vec![n.into()]).await?;
                Ok(Keep::Commit(n))
            })
        }
    }

    fn discarding(n: i64) -> impl for<'c> FnOnce(WriteConn<'c>) -> JobFuture<'c, i64> {
        move |mut conn| {
            Box::pin(async move {
                conn.execute(INSERT, vec![n.into()]).await?;
                Ok(Keep::Discard(n))
            })
        }
    }

    /// Four jobs queued while the writer waits for the turn share one commit; the failing one
    /// loses only its own rows and its caller hears its own error; the discarding one keeps
    /// nothing and still hears its value.
    #[tokio::test]
    async fn a_failing_job_rolls_back_alone_and_the_batch_commits_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(&dir);
        let turn = WriteTurn::default();
        let writer = Writer::start(&path, turn.clone()).unwrap();
        let held = turn.lock().await;
        let jobs = tokio::spawn({
            let writer = writer.clone();
            async move {
                tokio::join!(
                    writer.submit(insert(1)),
                    writer.submit(failing(2)),
                    writer.submit(insert(3)),
                    writer.submit(discarding(4)),
                )
            }
        });
        // One thread: the spawned task queues all four at its first poll, which this sleep
        // gives it; the writer cannot start the batch before the turn is released.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        drop(held);
        let (one, two, three, four) = jobs.await.unwrap();
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
        assert_eq!(rows(&path), vec![1, 3]);
    }

    /// The caller is answered only after the commit: what it was told is on disk, as another
    /// connection sees it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_answer_means_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(&dir);
        let writer = start(&path);
        for n in 0..50 {
            writer.submit(insert(n)).await.unwrap();
            assert_eq!(rows(&path).len(), usize::try_from(n + 1).unwrap());
        }
    }

    #[tokio::test]
    async fn a_lone_job_that_fails_or_discards_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(&dir);
        let writer = start(&path);
        assert!(
            writer
                .submit(failing(7))
                .await
                .unwrap_err()
                .is_unique_violation()
        );
        assert_eq!(writer.submit(discarding(8)).await.unwrap(), 8);
        assert_eq!(writer.submit(insert(9)).await.unwrap(), 9);
        assert_eq!(rows(&path), vec![9]);
        assert_eq!(
            writer.stats(),
            GroupCommitStats {
                commits: 1,
                jobs: 3
            }
        );
    }

    /// A job that awaits something besides the database fails instead of stalling the writer.
    #[tokio::test]
    async fn a_job_that_waits_on_anything_else_fails_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(&dir);
        let writer = start(&path);
        let waiting = writer
            .submit(|mut conn| -> JobFuture<'_, i64> {
                Box::pin(async move {
                    conn.execute(INSERT, vec![5_i64.into()]).await?;
                    tokio::task::yield_now().await;
                    Ok(Keep::Commit(5))
                })
            })
            .await;
        assert!(
            matches!(waiting, Err(StoreError::NotCommitted(_))),
            "{:?}",
            waiting.err()
        );
        assert_eq!(writer.submit(insert(6)).await.unwrap(), 6);
        assert_eq!(rows(&path), vec![6]);
    }

    #[tokio::test]
    async fn after_stop_jobs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(&dir);
        let writer = start(&path);
        writer.submit(insert(1)).await.unwrap();
        writer.stop().await;
        assert!(writer.submit(insert(2)).await.is_err());
        assert_eq!(rows(&path), vec![1]);
    }
}
