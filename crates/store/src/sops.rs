//! SOP versions: the definition text of every version ever loaded (kept forever, so cases in
//! flight keep theirs), which version new cases start on (published, not retired), and the
//! catalog a running server reads them from, refreshed when another node publishes.
//!
//! A version is loaded as a draft; publishing it makes new cases of its SOP start on it while
//! open cases finish on the version they started on; retiring an SOP stops new cases until a
//! version of it is published again. Each of the three is one audited write.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use pelihara_sop::SopDefinition;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::audit::{AuditSource, Change};
use crate::codec::{millis, opt_instant};
use crate::{Result, Store, StoreError};

/// Where a stored version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SopVersionState {
    /// Loaded, never published: nobody starts on it yet.
    Draft,
    /// The version new cases of its SOP start on.
    Current,
    /// Published before, now superseded by a later publication: only its open cases use it.
    Superseded,
    /// Its SOP is retired: no new cases.
    Retired,
}

impl SopVersionState {
    /// The word the pages and the CLI use (an i18n key suffix).
    pub fn code(self) -> &'static str {
        match self {
            SopVersionState::Draft => "draft",
            SopVersionState::Current => "current",
            SopVersionState::Superseded => "superseded",
            SopVersionState::Retired => "retired",
        }
    }
}

/// A stored SOP version, as the admin page and the CLI list it.
#[derive(Debug, Clone)]
pub struct StoredSop {
    pub code: String,
    pub version: u32,
    pub source: String,
    pub sha256: String,
    pub loaded_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub retired_at: Option<DateTime<Utc>>,
    pub state: SopVersionState,
}

/// What loading a version did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SopLoad {
    /// Stored as a new draft.
    Stored,
    /// The very same text was stored already: nothing changed.
    AlreadyStored,
}

/// The SOP versions cases may follow, by (code, version), and the version each SOP starts new
/// cases on. An immutable snapshot: [`SharedCatalog`] swaps in a new one.
#[derive(Debug, Clone, Default)]
pub struct SopCatalog {
    versions: HashMap<(String, u32), Arc<SopDefinition>>,
    current: BTreeMap<String, u32>,
}

impl SopCatalog {
    /// Adds a version that new cases start on when it is the newest of its SOP: a catalog
    /// built by hand (tests, tools) has no drafts.
    pub fn insert(&mut self, definition: SopDefinition) {
        let code = definition.header.code.clone();
        let version = definition.header.version;
        if self
            .current
            .get(&code)
            .is_none_or(|current| *current < version)
        {
            self.current.insert(code.clone(), version);
        }
        self.versions.insert((code, version), Arc::new(definition));
    }

    /// Any stored version, current or not: what an open case follows.
    pub fn get(&self, code: &str, version: u32) -> Option<Arc<SopDefinition>> {
        self.versions.get(&(code.to_owned(), version)).cloned()
    }

    /// The version new cases of `code` start on; `None` when the SOP is retired, never
    /// published or unknown.
    pub fn current(&self, code: &str) -> Option<Arc<SopDefinition>> {
        let version = self.current.get(code)?;
        self.get(code, *version)
    }

    /// The current version of every SOP the office runs now, by code.
    pub fn current_all(&self) -> Vec<Arc<SopDefinition>> {
        self.current
            .iter()
            .filter_map(|(code, version)| self.get(code, *version))
            .collect()
    }

    /// Every stored version (drafts, superseded and retired ones too).
    pub fn all(&self) -> impl Iterator<Item = &Arc<SopDefinition>> {
        self.versions.values()
    }
}

/// The catalog a running server reads: one snapshot at a time, replaced whole when an SOP is
/// loaded, published or retired here, or when [`SharedCatalog::refresh`] sees another node did.
#[derive(Debug, Clone, Default)]
pub struct SharedCatalog {
    inner: Arc<RwLock<Snapshot>>,
}

#[derive(Debug, Default)]
struct Snapshot {
    catalog: Arc<SopCatalog>,
    /// The stored states it was built from; a refresh rebuilds only when they changed.
    stamp: Vec<VersionStamp>,
}

type VersionStamp = (String, u32, Option<i64>, Option<i64>);

impl SharedCatalog {
    /// A catalog that never changes unless replaced (tests, tools).
    pub fn fixed(catalog: SopCatalog) -> SharedCatalog {
        let shared = SharedCatalog::default();
        shared.replace(catalog, Vec::new());
        shared
    }

    /// The catalog as it is now. Hold it for one request: a later call may see a newer one.
    pub fn snapshot(&self) -> Arc<SopCatalog> {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .catalog
            .clone()
    }

    fn replace(&self, catalog: SopCatalog, stamp: Vec<VersionStamp>) {
        let mut snapshot = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        *snapshot = Snapshot {
            catalog: Arc::new(catalog),
            stamp,
        };
    }

    /// A stored version by code and version, as [`SopCatalog::get`]; one this node has not
    /// seen yet (another node loaded it a moment ago) is read from the store first.
    pub async fn version(
        &self,
        store: &Store,
        code: &str,
        version: u32,
    ) -> Result<Option<Arc<SopDefinition>>> {
        if let Some(found) = self.snapshot().get(code, version) {
            return Ok(Some(found));
        }
        self.refresh(store).await?;
        Ok(self.snapshot().get(code, version))
    }

    /// Rebuilds the catalog from the store when a version was loaded, published or retired
    /// since it was built (here or on another node); returns whether it changed.
    pub async fn refresh(&self, store: &Store) -> Result<bool> {
        let stamp = store.sop_stamp().await?;
        let unchanged = {
            let snapshot = self.inner.read().unwrap_or_else(PoisonError::into_inner);
            snapshot.stamp == stamp && !snapshot.stamp.is_empty()
        };
        if unchanged {
            return Ok(false);
        }
        let catalog = store.sop_catalog().await?;
        self.replace(catalog, stamp);
        Ok(true)
    }
}

/// The state of one stored version, given when each version of its SOP was published.
fn state_of(
    version: u32,
    published_at: Option<i64>,
    retired_at: Option<i64>,
    current: Option<u32>,
) -> SopVersionState {
    if retired_at.is_some() {
        SopVersionState::Retired
    } else if current == Some(version) {
        SopVersionState::Current
    } else if published_at.is_some() {
        SopVersionState::Superseded
    } else {
        SopVersionState::Draft
    }
}

/// The version of each SOP published last and not retired (ties: the higher version).
fn current_versions(stamp: &[VersionStamp]) -> BTreeMap<String, u32> {
    let mut current: BTreeMap<String, (i64, u32)> = BTreeMap::new();
    for (code, version, published_at, retired_at) in stamp {
        let (Some(published_at), None) = (published_at, retired_at) else {
            continue;
        };
        let candidate = (*published_at, *version);
        if current.get(code).is_none_or(|known| *known < candidate) {
            current.insert(code.clone(), candidate);
        }
    }
    current
        .into_iter()
        .map(|(code, (_, version))| (code, version))
        .collect()
}

/// A version stored already: the same text is a no-op, another text a conflict.
fn same_text(stored: &str, digest: &str) -> Result<SopLoad> {
    if stored == digest {
        Ok(SopLoad::AlreadyStored)
    } else {
        Err(StoreError::Duplicate("SOP version"))
    }
}

fn to_version(value: i64) -> Result<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("SOP version {value}")))
}

impl Store {
    /// Stores an SOP version's definition text as a draft. The same text again is a no-op; a
    /// different text under an existing version is refused (versions never change once
    /// stored). The caller has checked the text (`pelihara_sop::parse_definition`).
    pub async fn load_sop(
        &self,
        definition: &SopDefinition,
        source_text: &str,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<SopLoad> {
        let code = definition.header.code.as_str();
        let version = definition.header.version;
        let digest = hex::encode(Sha256::digest(source_text.as_bytes()));
        // The same version again (every start loads the shipped SOP): answered by a read.
        if let Some(stored) = self.stored_sop_digest(code, version).await? {
            return same_text(&stored, &digest);
        }
        let detail = serde_json::json!({ "code": code, "version": version, "sha256": digest });
        let change = Change {
            source,
            at: now,
            action: "sop.load",
            detail,
        };
        let written = self.write_with_event(change, async |tx| {
            let inserted = sqlx::query(
                "insert into sop_versions (code, version, source, sha256, loaded_at) values ($1, $2, $3, $4, $5)",
            )
            .bind(code.to_owned())
            .bind(i64::from(version))
            .bind(source_text.to_owned())
            .bind(digest.clone())
            .bind(millis(now))
            .execute(&mut **tx)
            .await;
            // Two loads of one version at once: the second finds the first's row.
            crate::duplicate_as(inserted, "SOP version")?;
            Ok(())
        })
        .await;
        match written {
            Ok(()) => Ok(SopLoad::Stored),
            // Another node stored it at the same moment (two nodes starting on an empty
            // database): the same text is already there, another is a conflict.
            Err(StoreError::Duplicate(what)) => {
                match self.stored_sop_digest(code, version).await? {
                    Some(stored) => same_text(&stored, &digest),
                    None => Err(StoreError::Duplicate(what)),
                }
            }
            Err(error) => Err(error),
        }
    }

    /// Makes `version` the one new cases of `code` start on (and un-retires the SOP when it
    /// was retired). Publishing an earlier version again goes back to it.
    pub async fn publish_sop(
        &self,
        code: &str,
        version: u32,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let exists =
            sqlx::query("select version from sop_versions where code = $1 and version = $2")
                .bind(code.to_owned())
                .bind(i64::from(version))
                .fetch_optional(self.reader())
                .await?
                .is_some();
        if !exists {
            return Err(StoreError::UnknownSop(format!("{code} v{version}")));
        }
        let change = Change {
            source,
            at: now,
            action: "sop.publish",
            detail: serde_json::json!({ "code": code, "version": version }),
        };
        self.write_with_event(change, async |tx| {
            // Retiring stamped every version; publishing one brings the SOP back with it alone.
            sqlx::query(
                "update sop_versions set published_at = $1, retired_at = null where code = $2 and version = $3",
            )
            .bind(millis(now))
            .bind(code.to_owned())
            .bind(i64::from(version))
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await
    }

    /// Retires an SOP: no new cases start on any of its versions until one is published
    /// again; open cases go on. `false` (and no event) when it is unknown or retired already.
    pub async fn retire_sop(
        &self,
        code: &str,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let active = sqlx::query(
            "select version from sop_versions where code = $1 and retired_at is null and published_at is not null",
        )
        .bind(code.to_owned())
        .fetch_optional(self.reader())
        .await?
        .is_some();
        if !active {
            return Ok(false);
        }
        let change = Change {
            source,
            at: now,
            action: "sop.retire",
            detail: serde_json::json!({ "code": code }),
        };
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "update sop_versions set retired_at = $1 where code = $2 and retired_at is null",
            )
            .bind(millis(now))
            .bind(code.to_owned())
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await?;
        Ok(true)
    }

    /// The SHA-256 of a stored version's text, if that version is stored.
    async fn stored_sop_digest(&self, code: &str, version: u32) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("select sha256 from sop_versions where code = $1 and version = $2")
                .bind(code.to_owned())
                .bind(i64::from(version))
                .fetch_optional(self.reader())
                .await?,
        )
    }

    /// Every stored version with its state, by code then version.
    pub async fn sop_versions(&self) -> Result<Vec<StoredSop>> {
        let rows = sqlx::query(
            "select code, version, source, sha256, loaded_at, published_at, retired_at \
             from sop_versions order by code, version",
        )
        .fetch_all(self.reader())
        .await?;
        let mut stamp = Vec::with_capacity(rows.len());
        for row in &rows {
            stamp.push((
                row.try_get::<String, _>("code")?,
                to_version(row.try_get("version")?)?,
                row.try_get::<Option<i64>, _>("published_at")?,
                row.try_get::<Option<i64>, _>("retired_at")?,
            ));
        }
        let current = current_versions(&stamp);
        rows.iter()
            .zip(stamp)
            .map(|(row, (code, version, published_at, retired_at))| {
                let state = state_of(
                    version,
                    published_at,
                    retired_at,
                    current.get(&code).copied(),
                );
                Ok(StoredSop {
                    code,
                    version,
                    source: row.try_get("source")?,
                    sha256: row.try_get("sha256")?,
                    loaded_at: crate::codec::instant(row.try_get("loaded_at")?)?,
                    published_at: opt_instant(published_at)?,
                    retired_at: opt_instant(retired_at)?,
                    state,
                })
            })
            .collect()
    }

    /// The publication states of every stored version: small, read often to notice changes.
    async fn sop_stamp(&self) -> Result<Vec<VersionStamp>> {
        let rows = sqlx::query(
            "select code, version, published_at, retired_at from sop_versions order by code, version",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("code")?,
                    to_version(row.try_get("version")?)?,
                    row.try_get("published_at")?,
                    row.try_get("retired_at")?,
                ))
            })
            .collect()
    }

    /// Every stored SOP version, parsed, with the version each SOP starts new cases on.
    pub async fn sop_catalog(&self) -> Result<SopCatalog> {
        let stored = self.sop_versions().await?;
        let mut catalog = SopCatalog::default();
        for version in stored {
            let definition = pelihara_sop::parse_definition(&version.code, &version.source)
                .map_err(|errors| {
                    StoreError::Corrupt(format!(
                        "stored SOP {} v{} is invalid: {errors:?}",
                        version.code, version.version
                    ))
                })?;
            if version.state == SopVersionState::Current {
                catalog
                    .current
                    .insert(version.code.clone(), version.version);
            }
            catalog
                .versions
                .insert((version.code, version.version), Arc::new(definition));
        }
        Ok(catalog)
    }

    /// A catalog that follows the store: built now, refreshed by [`SharedCatalog::refresh`].
    pub async fn shared_catalog(&self) -> Result<SharedCatalog> {
        let shared = SharedCatalog::default();
        shared.refresh(self).await?;
        Ok(shared)
    }
}
