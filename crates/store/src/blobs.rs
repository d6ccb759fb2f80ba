//! Documents (uploaded letters, issued PDFs, the letterhead's logo), addressed by the SHA-256
//! of their content, in one of two places. SQLite installations (one node) keep them as files
//! in the data folder: a file is written to a temporary name, fsynced, renamed into place and
//! its folder fsynced. PostgreSQL installations (one or several nodes, each with its own data
//! folder) keep them in the database (`document_blobs`), so every node reads what any node
//! stored. Either way a document is durable before the transaction that references it
//! commits, so an acknowledged upload is never lost. Original file names are never used as
//! paths.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use sqlx::{AnyPool, Row};

use crate::{Backend, Store};

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("document store IO: {0}")]
    Io(#[from] std::io::Error),
    #[error("document store: {0}")]
    Database(#[from] sqlx::Error),
    #[error("not a SHA-256 hex digest")]
    BadDigest,
}

/// The document store of an installation: a folder or the database.
#[derive(Debug, Clone)]
pub struct BlobStore {
    place: Place,
}

#[derive(Debug, Clone)]
enum Place {
    /// `<root>/<first two hex digits>/<digest>`.
    Folder(PathBuf),
    /// The `document_blobs` table of the store's PostgreSQL database.
    Database(AnyPool),
}

fn is_digest(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|byte| byte.is_ascii_hexdigit() && !byte.is_ascii_uppercase())
}

/// Stores one document in `document_blobs` on `connection` (a pool or a transaction); the
/// same digest again changes nothing.
pub(crate) async fn insert_blob<'c, E>(
    connection: E,
    digest: &str,
    bytes: &[u8],
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "insert into document_blobs (sha256, size, bytes) values ($1, $2, $3) \
         on conflict (sha256) do nothing",
    )
    .bind(digest.to_owned())
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(bytes.to_vec())
    .execute(connection)
    .await?;
    Ok(())
}

impl BlobStore {
    /// Documents as files under `root`.
    pub fn new(root: impl Into<PathBuf>) -> BlobStore {
        BlobStore {
            place: Place::Folder(root.into()),
        }
    }

    /// The document store of an installation on `store`: its database on PostgreSQL (shared by
    /// every node), the folder `root` on SQLite.
    pub fn for_store(store: &Store, root: impl Into<PathBuf>) -> BlobStore {
        match store.backend() {
            Backend::Postgres => BlobStore {
                place: Place::Database(store.write.clone()),
            },
            Backend::Sqlite => BlobStore::new(root),
        }
    }

    /// Whether the documents are in the database (PostgreSQL) rather than in a folder.
    pub fn in_database(&self) -> bool {
        matches!(self.place, Place::Database(_))
    }

    fn path_of(root: &Path, digest: &str) -> Result<PathBuf, BlobError> {
        Ok(root.join(BlobStore::relative_path(digest)?))
    }

    /// The name the bytes are stored under (their SHA-256, hex), known before storing them.
    pub fn digest(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    /// Stores the bytes durably and returns their digest. Storing the same bytes twice
    /// keeps one copy. In the database the row is committed when this returns.
    pub async fn put(&self, bytes: &[u8]) -> Result<String, BlobError> {
        let digest = BlobStore::digest(bytes);
        match &self.place {
            Place::Folder(root) => {
                let (root, owned, name) = (root.clone(), bytes.to_vec(), digest.clone());
                tokio::task::spawn_blocking(move || put_file(&root, &name, &owned))
                    .await
                    .map_err(|error| BlobError::Io(std::io::Error::other(error)))??;
            }
            Place::Database(pool) => insert_blob(pool, &digest, bytes).await?,
        }
        Ok(digest)
    }

    /// The bytes of a stored document, if present. A document is at most an upload's size,
    /// so one read holds at most that.
    pub async fn get(&self, digest: &str) -> Result<Option<Vec<u8>>, BlobError> {
        if !is_digest(digest) {
            return Err(BlobError::BadDigest);
        }
        match &self.place {
            Place::Folder(root) => {
                let path = BlobStore::path_of(root, digest)?;
                tokio::task::spawn_blocking(move || match std::fs::read(path) {
                    Ok(bytes) => Ok(Some(bytes)),
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(error) => Err(error.into()),
                })
                .await
                .map_err(|error| BlobError::Io(std::io::Error::other(error)))?
            }
            Place::Database(pool) => {
                let row = sqlx::query("select bytes from document_blobs where sha256 = $1")
                    .bind(digest.to_owned())
                    .fetch_optional(pool)
                    .await?;
                Ok(row.map(|row| row.try_get::<Vec<u8>, _>(0)).transpose()?)
            }
        }
    }

    /// Every file in a folder store's folders (documents and temporaries), as paths.
    fn files(root: &Path) -> Result<Vec<PathBuf>, BlobError> {
        let mut files = Vec::new();
        let Ok(folders) = std::fs::read_dir(root) else {
            return Ok(files);
        };
        for folder in folders {
            let folder = folder?.path();
            if folder.is_dir() {
                for entry in std::fs::read_dir(&folder)? {
                    files.push(entry?.path());
                }
            }
        }
        files.sort();
        Ok(files)
    }

    /// The digests of the stored documents (temporaries left out), sorted.
    pub async fn digests(&self) -> Result<Vec<String>, BlobError> {
        match &self.place {
            Place::Folder(root) => Ok(BlobStore::files(root)?
                .iter()
                .filter_map(|path| path.file_name()?.to_str().map(str::to_owned))
                .filter(|name| is_digest(name))
                .collect()),
            Place::Database(pool) => {
                let rows = sqlx::query("select sha256 from document_blobs order by sha256")
                    .fetch_all(pool)
                    .await?;
                Ok(rows
                    .iter()
                    .map(|row| row.try_get::<String, _>(0))
                    .collect::<Result<_, _>>()?)
            }
        }
    }

    /// Removes the temporaries a process left when it ended between writing and renaming
    /// them (`.upload-*` in a folder store's folders); returns how many. Run at start, before
    /// anything writes. The database leaves none.
    pub fn sweep_temporaries(&self) -> Result<usize, BlobError> {
        let Place::Folder(root) = &self.place else {
            return Ok(0);
        };
        let mut removed = 0;
        for path in BlobStore::files(root)? {
            let temporary = path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(TEMPORARY_PREFIX));
            if temporary {
                std::fs::remove_file(&path)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Copies into this store every document of `folder` it lacks (one at a time); returns
    /// how many. A PostgreSQL node started on a data folder that holds documents (from before
    /// they were kept in the database) hands them over this way; running it again copies
    /// nothing.
    pub async fn adopt(&self, folder: &BlobStore) -> Result<usize, BlobError> {
        if !self.in_database() || folder.in_database() {
            return Ok(0);
        }
        let mut adopted = 0;
        for digest in folder.digests().await? {
            if self.contains(&digest).await? {
                continue;
            }
            if let Some(bytes) = folder.get(&digest).await?
                && BlobStore::digest(&bytes) == digest
            {
                self.put(&bytes).await?;
                adopted += 1;
            }
        }
        Ok(adopted)
    }

    /// Whether a document of `digest` is stored.
    async fn contains(&self, digest: &str) -> Result<bool, BlobError> {
        match &self.place {
            Place::Folder(root) => Ok(BlobStore::path_of(root, digest)?.exists()),
            Place::Database(pool) => Ok(sqlx::query(
                "select 1 from document_blobs where sha256 = $1",
            )
            .bind(digest.to_owned())
            .fetch_optional(pool)
            .await?
            .is_some()),
        }
    }

    /// Where a document of `digest` lies relative to a folder store's folder (`ab/abcd...`).
    pub fn relative_path(digest: &str) -> Result<PathBuf, BlobError> {
        if !is_digest(digest) {
            return Err(BlobError::BadDigest);
        }
        Ok(PathBuf::from(&digest[..2]).join(digest))
    }
}

/// Writes one document under `root` durably: temporary, fsync, rename, fsync of the folder.
fn put_file(root: &Path, digest: &str, bytes: &[u8]) -> Result<(), BlobError> {
    let path = BlobStore::path_of(root, digest)?;
    if path.exists() {
        return Ok(());
    }
    let folder = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.to_path_buf());
    std::fs::create_dir_all(&folder)?;
    let mut temporary = tempfile_in(&folder)?;
    temporary.1.write_all(bytes)?;
    temporary.1.sync_all()?;
    std::fs::rename(&temporary.0, &path)?;
    std::fs::File::open(&folder)?.sync_all()?;
    Ok(())
}

/// How a file being written starts its name; a crash may leave one behind.
const TEMPORARY_PREFIX: &str = ".upload-";

/// A new file with a random name in `folder`, created exclusively.
fn tempfile_in(folder: &Path) -> Result<(PathBuf, std::fs::File), BlobError> {
    let name = format!("{TEMPORARY_PREFIX}{}", uuid::Uuid::new_v4());
    let path = folder.join(name);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn temporaries_left_by_a_crash_are_swept_and_documents_kept() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::new(dir.path());
        let digest = blobs.put(b"%PDF-1.7 kept").await.unwrap();
        let folder = dir.path().join(&digest[..2]);
        std::fs::write(folder.join(".upload-left-behind"), b"half").unwrap();
        assert_eq!(blobs.sweep_temporaries().unwrap(), 1);
        assert_eq!(blobs.sweep_temporaries().unwrap(), 0);
        assert_eq!(blobs.get(&digest).await.unwrap().unwrap(), b"%PDF-1.7 kept");
    }

    #[tokio::test]
    async fn stores_by_content_and_refuses_paths() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::new(dir.path());
        let digest = blobs.put(b"%PDF-1.7 hello").await.unwrap();
        assert_eq!(blobs.put(b"%PDF-1.7 hello").await.unwrap(), digest);
        assert_eq!(
            blobs.get(&digest).await.unwrap().unwrap(),
            b"%PDF-1.7 hello"
        );
        assert!(matches!(
            blobs.get("../../etc/passwd").await,
            Err(BlobError::BadDigest)
        ));
        assert!(blobs.get(&"0".repeat(64)).await.unwrap().is_none());
    }
}
