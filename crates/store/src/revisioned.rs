//! A value each node keeps from the store (the working calendar, the office's identity) and
//! rereads only when the store's revision of it has moved: one small read per refresh while
//! nothing changed, so every node follows an edit within one refresh.

use std::future::Future;
use std::sync::{Arc, PoisonError, RwLock};

use crate::Result;

/// The value as last read, with the revision it was read at. Cheap to clone (one shared copy
/// per node).
#[derive(Debug)]
pub(crate) struct Revisioned<T> {
    inner: Arc<RwLock<Snapshot<T>>>,
}

impl<T> Clone for Revisioned<T> {
    fn clone(&self) -> Self {
        Revisioned {
            inner: Arc::clone(&self.inner),
        }
    }
}

#[derive(Debug)]
struct Snapshot<T> {
    value: Arc<T>,
    /// The revision it was read at; `None` for a value given by hand, never reread.
    revision: Option<i64>,
}

impl<T> Revisioned<T> {
    /// A value that never changes (tests, tools).
    pub(crate) fn fixed(value: T) -> Revisioned<T> {
        Revisioned::new(value, None)
    }

    /// A value read at `revision`.
    pub(crate) fn read_at(value: T, revision: i64) -> Revisioned<T> {
        Revisioned::new(value, Some(revision))
    }

    fn new(value: T, revision: Option<i64>) -> Revisioned<T> {
        Revisioned {
            inner: Arc::new(RwLock::new(Snapshot {
                value: Arc::new(value),
                revision,
            })),
        }
    }

    /// The value as it is now.
    pub(crate) fn snapshot(&self) -> Arc<T> {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .value
            .clone()
    }

    /// Reads the value again with `read` when `revision` (the store's revision now, awaited
    /// only for a value that is not fixed) differs from the one it was read at. Returns
    /// whether it changed.
    pub(crate) async fn refresh<V>(
        &self,
        revision: impl Future<Output = Result<i64>>,
        read: impl FnOnce() -> V,
    ) -> Result<bool>
    where
        V: Future<Output = Result<T>>,
    {
        let held = self
            .inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .revision;
        let Some(held) = held else {
            return Ok(false);
        };
        let revision = revision.await?;
        if revision == held {
            return Ok(false);
        }
        let value = read().await?;
        *self.inner.write().unwrap_or_else(PoisonError::into_inner) = Snapshot {
            value: Arc::new(value),
            revision: Some(revision),
        };
        Ok(true)
    }
}
