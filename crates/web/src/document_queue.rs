//! The background issuing of official documents after case actions, and the per-document
//! locks that keep a download and the background worker from issuing one document twice.
//!
//! A case action enqueues its case once it has committed and answers at once; ONE worker
//! issues the documents of the case's latest state (several actions on one case while it
//! waits collapse into one job), one render at a time, and only while no request is in
//! flight (or after waiting [`YIELD_AT_MOST`]), so background issuing takes from requests
//! neither the CPU nor the disk nor the writer. The queue is bounded: when full a request is
//! dropped with a log line, because the download path issues whatever is missing. This module
//! must never fail or delay a case action, and never decides which documents a case has nor
//! how they are issued: the documents page hands it that job ([`IssueJob`]), so the queue stands in
//! the application state below every page.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use pelihara_domain::CaseId;
use pelihara_store::AuditSource;
use tokio::sync::{Notify, OwnedMutexGuard, watch};
use tokio::task::JoinHandle;

/// What the worker does with a case: issue its documents from its latest state, as the one
/// who acted last. `None` when there is nothing to do it with any more (the application is
/// shutting down): the case is then left to the download path.
pub(crate) type IssueJob = Arc<
    dyn Fn(CaseId, AuditSource) -> Option<Pin<Box<dyn Future<Output = ()> + Send>>> + Send + Sync,
>;

/// The cases waiting for their documents, in arrival order, with who acted last on each.
#[derive(Debug, Default)]
struct Waiting {
    order: VecDeque<CaseId>,
    sources: HashMap<CaseId, AuditSource>,
    /// The worker is issuing a case's documents now.
    busy: bool,
    /// Tests hold the worker (see `AppState::pause_documents`).
    paused: bool,
    /// Cases turned away while the queue was full since the last warning, and when that was:
    /// a burst of actions would otherwise log one line each.
    turned_away: u64,
    warned_at: Option<std::time::Instant>,
}

impl Waiting {
    fn idle(&self) -> bool {
        self.order.is_empty() && !self.busy
    }
}

/// Requests being served now, counted by a middleware (see `with_layers`): the worker issues
/// only while none is in flight, or once it has waited [`YIELD_AT_MOST`] for a case.
#[derive(Debug, Default)]
pub(crate) struct RequestsInFlight(AtomicUsize);

/// Counts one request for as long as it lives (also when its future is dropped midway).
pub(crate) struct InFlight(Arc<RequestsInFlight>);

impl RequestsInFlight {
    pub(crate) fn start(self: &Arc<Self>) -> InFlight {
        self.0.fetch_add(1, Ordering::Relaxed);
        InFlight(Arc::clone(self))
    }

    fn any(&self) -> bool {
        self.0.load(Ordering::Relaxed) > 0
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The longest the worker defers a case to requests in flight. A quiet office (nearly
/// always) has its documents at once; under a sustained burst the worker issues about one
/// case per this long, the queue overflows and the downloads issue the rest (at normal
/// priority, for the person waiting).
const YIELD_AT_MOST: Duration = Duration::from_secs(5);

/// How often the worker looks again while requests are in flight.
const YIELD_POLL: Duration = Duration::from_millis(20);

/// A full queue is logged at most this often, with how many cases it turned away meanwhile.
const WARN_AT_MOST_EVERY: Duration = Duration::from_secs(60);

/// The queue and its one worker; lives in `AppState`.
#[derive(Debug)]
pub(crate) struct DocumentQueue {
    capacity: usize,
    requests: Arc<RequestsInFlight>,
    waiting: Mutex<Waiting>,
    /// Wakes the worker: a stored permit means a wake-up is never lost between its check and
    /// its wait.
    wake: Notify,
    /// `true` when nothing is queued or being issued.
    idle: watch::Sender<bool>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

/// A poisoned lock only means a panic elsewhere while holding it; the bookkeeping inside is
/// still consistent (every update is one assignment), so carry on rather than stop issuing.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl DocumentQueue {
    /// Distinct cases waiting at most: far more than a burst of actions produces while one
    /// render runs, and small enough that the bookkeeping stays negligible.
    pub(crate) const CAPACITY: usize = 1024;

    pub(crate) fn new(capacity: usize, requests: Arc<RequestsInFlight>) -> DocumentQueue {
        DocumentQueue {
            capacity,
            requests,
            waiting: Mutex::new(Waiting::default()),
            wake: Notify::new(),
            idle: watch::Sender::new(true),
            worker: Mutex::new(None),
        }
    }

    /// Waits while requests are in flight, at most [`YIELD_AT_MOST`]: issuing (reads, a
    /// render, a PDF fsynced to disk, a write) competes with them for the CPU, the disk and
    /// the writer, and nobody waits for it.
    async fn yield_to_requests(&self) {
        let started = tokio::time::Instant::now();
        while self.requests.any() && started.elapsed() < YIELD_AT_MOST {
            tokio::time::sleep(YIELD_POLL).await;
        }
    }

    /// Queues the documents of `case` to be issued from its latest state, attributed to
    /// `source` (the last actor when several actions collapse), by `issue` should this call
    /// start the worker. Never waits for a render.
    pub(crate) fn enqueue(self: &Arc<Self>, case: CaseId, source: AuditSource, issue: &IssueJob) {
        {
            let mut waiting = lock(&self.waiting);
            if let Some(existing) = waiting.sources.get_mut(&case) {
                *existing = source;
            } else if waiting.order.len() >= self.capacity {
                waiting.turned_away += 1;
                let due = waiting
                    .warned_at
                    .is_none_or(|at| at.elapsed() >= WARN_AT_MOST_EVERY);
                if due {
                    tracing::warn!(
                        %case,
                        cases = waiting.turned_away,
                        capacity = self.capacity,
                        "document queue full: not issuing in the background; the download \
                         issues it"
                    );
                    waiting.turned_away = 0;
                    waiting.warned_at = Some(std::time::Instant::now());
                }
                return;
            } else {
                waiting.order.push_back(case);
                waiting.sources.insert(case, source);
            }
            self.idle.send_replace(false);
        }
        self.ensure_worker(issue);
        self.wake.notify_one();
    }

    /// Starts the worker on the runtime of the first action (and again should that runtime
    /// have gone, as between tests): `AppState::new` may run before any runtime exists.
    fn ensure_worker(self: &Arc<Self>, issue: &IssueJob) {
        let mut worker = lock(&self.worker);
        if worker.as_ref().is_some_and(|handle| !handle.is_finished()) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!("no async runtime: documents are issued at download");
            let mut waiting = lock(&self.waiting);
            waiting.order.clear();
            waiting.sources.clear();
            if waiting.idle() {
                self.idle.send_replace(true);
            }
            return;
        };
        *worker = Some(runtime.spawn(run(Arc::clone(issue), Arc::clone(self))));
    }

    /// Ends the worker; called when the application state is dropped.
    pub(crate) fn stop(&self) {
        if let Some(handle) = lock(&self.worker).take() {
            handle.abort();
        }
    }

    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn set_paused(&self, paused: bool) {
        lock(&self.waiting).paused = paused;
        self.wake.notify_one();
    }

    /// At shutdown: forgets the cases still waiting (the download path issues their documents
    /// when someone asks) and waits for the case being issued now, so that its PDF is stored
    /// together with its record and not left behind, unrecorded, when the store closes.
    pub(crate) async fn wind_down(&self) {
        {
            let mut waiting = lock(&self.waiting);
            waiting.order.clear();
            waiting.sources.clear();
            if waiting.idle() {
                self.idle.send_replace(true);
            }
        }
        self.settled().await;
    }

    /// Waits until nothing is queued or being issued.
    pub(crate) async fn settled(&self) {
        let mut idle = self.idle.subscribe();
        // The sender lives as long as `self`, so waiting cannot fail while we are borrowed.
        let _ = idle.wait_for(|idle| *idle).await;
    }

    /// The next case to issue, marking the worker busy; `None` when there is none or the
    /// queue is paused.
    fn next(&self) -> Option<(CaseId, AuditSource)> {
        let mut waiting = lock(&self.waiting);
        if waiting.paused {
            return None;
        }
        let case = waiting.order.pop_front()?;
        let source = waiting.sources.remove(&case)?;
        waiting.busy = true;
        Some((case, source))
    }

    fn done(&self) {
        let mut waiting = lock(&self.waiting);
        waiting.busy = false;
        if waiting.idle() {
            self.idle.send_replace(true);
        }
    }
}

/// The worker: one case at a time. `issue` holds the state only while issuing, so the state
/// can go (its drop stops the worker, see [`DocumentQueue::stop`]).
async fn run(issue: IssueJob, queue: Arc<DocumentQueue>) {
    loop {
        match queue.next() {
            Some((case, source)) => {
                queue.yield_to_requests().await;
                if let Some(job) = issue(case, source) {
                    job.await;
                }
                queue.done();
            }
            None => queue.wake.notified().await,
        }
    }
}

/// One async lock per document (kind, subject, paper): whoever issues it holds the lock, so a
/// second caller finds the first one's issue current instead of rendering it again.
#[derive(Debug, Default)]
pub(crate) struct DocumentLocks {
    held: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Holds one document's lock; the entry is forgotten when nobody else waits for it.
pub(crate) struct DocumentGuard {
    locks: Arc<DocumentLocks>,
    key: String,
    lock: Arc<tokio::sync::Mutex<()>>,
    guard: Option<OwnedMutexGuard<()>>,
}

impl DocumentLocks {
    pub(crate) async fn lock(locks: &Arc<DocumentLocks>, key: String) -> DocumentGuard {
        let mutex = Arc::clone(lock(&locks.held).entry(key.clone()).or_default());
        let guard = Arc::clone(&mutex).lock_owned().await;
        DocumentGuard {
            locks: Arc::clone(locks),
            key,
            lock: mutex,
            guard: Some(guard),
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.held).len()
    }
}

impl Drop for DocumentGuard {
    fn drop(&mut self) {
        let mut held = lock(&self.locks.held);
        // Release first: then only the map and this guard count, unless someone else took a
        // clone to wait on it (they did so under `held`, which we hold now).
        drop(self.guard.take());
        if Arc::strong_count(&self.lock) == 2 {
            held.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An issuing job that only records which cases it was given, in order.
    fn recording() -> (IssueJob, Arc<Mutex<Vec<CaseId>>>) {
        let issued = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&issued);
        let issue: IssueJob = Arc::new(move |case, _source| {
            lock(&seen).push(case);
            Some(Box::pin(async {}))
        });
        (issue, issued)
    }

    fn waiting(queue: &DocumentQueue) -> Vec<(CaseId, String)> {
        let waiting = lock(&queue.waiting);
        waiting
            .order
            .iter()
            .map(|case| (*case, waiting.sources[case].actor_name.clone()))
            .collect()
    }

    #[tokio::test]
    async fn a_full_queue_drops_new_cases_and_collapses_repeated_ones() {
        let (issue, issued) = recording();
        let queue = Arc::new(DocumentQueue::new(2, Arc::default()));
        queue.set_paused(true);
        let (a, b, c) = (CaseId::random(), CaseId::random(), CaseId::random());
        queue.enqueue(a, AuditSource::cli("1"), &issue);
        queue.enqueue(b, AuditSource::cli("2"), &issue);
        queue.enqueue(c, AuditSource::cli("3"), &issue);
        queue.enqueue(a, AuditSource::cli("4"), &issue);
        assert_eq!(
            waiting(&queue),
            vec![(a, "sistem (4)".to_owned()), (b, "sistem (2)".to_owned())],
            "c dropped, a's second action collapsed into its first place"
        );
        // c was logged; d, turned away within the minute, waits to be counted in the next line.
        queue.enqueue(CaseId::random(), AuditSource::cli("5"), &issue);
        {
            let waiting = lock(&queue.waiting);
            assert!(waiting.warned_at.is_some());
            assert_eq!(waiting.turned_away, 1);
        }
        // Paused with work waiting: not settled.
        let settled = tokio::time::timeout(std::time::Duration::from_millis(50), queue.settled());
        assert!(settled.await.is_err());
        // Resumed, the worker issues both, once each, in arrival order.
        queue.set_paused(false);
        tokio::time::timeout(std::time::Duration::from_secs(10), queue.settled())
            .await
            .unwrap();
        assert!(waiting(&queue).is_empty());
        assert_eq!(*lock(&issued), vec![a, b]);
    }

    /// The worker waits while a request is in flight, and goes on as soon as none is.
    #[tokio::test]
    async fn the_worker_yields_to_requests_in_flight() {
        let (issue, issued) = recording();
        let requests = Arc::new(RequestsInFlight::default());
        let queue = Arc::new(DocumentQueue::new(2, Arc::clone(&requests)));
        let request = requests.start();
        queue.enqueue(CaseId::random(), AuditSource::cli("1"), &issue);
        let settled = tokio::time::timeout(std::time::Duration::from_millis(300), queue.settled());
        assert!(
            settled.await.is_err(),
            "a request is in flight: the case waits"
        );
        assert!(lock(&issued).is_empty());
        drop(request);
        tokio::time::timeout(std::time::Duration::from_secs(2), queue.settled())
            .await
            .unwrap();
        assert_eq!(lock(&issued).len(), 1);
    }

    #[tokio::test]
    async fn a_document_lock_is_exclusive_and_forgotten_after_use() {
        let locks = Arc::new(DocumentLocks::default());
        let first = DocumentLocks::lock(&locks, "a".to_owned()).await;
        // Another document is not held up.
        let other = DocumentLocks::lock(&locks, "b".to_owned()).await;
        drop(other);
        let waiting = tokio::spawn({
            let locks = Arc::clone(&locks);
            async move { DocumentLocks::lock(&locks, "a".to_owned()).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the second caller waits");
        drop(first);
        let second = waiting.await.unwrap();
        assert_eq!(locks.len(), 1, "still held by the second caller");
        drop(second);
        assert_eq!(locks.len(), 0);
    }
}
