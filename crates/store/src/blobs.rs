//! Uploaded documents on local disk, addressed by the SHA-256 of their content. A file is
//! written to a temporary name, fsynced, renamed into place and its folder fsynced before
//! the transaction that references it commits, so an acknowledged upload is never lost.
//! Original file names are never used as paths.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("document store IO: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a SHA-256 hex digest")]
    BadDigest,
}

/// Documents under one folder: `<root>/<first two hex digits>/<digest>`.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

fn is_digest(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|byte| byte.is_ascii_hexdigit() && !byte.is_ascii_uppercase())
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> BlobStore {
        BlobStore { root: root.into() }
    }

    fn path_of(&self, digest: &str) -> Result<PathBuf, BlobError> {
        Ok(self.root.join(BlobStore::relative_path(digest)?))
    }

    /// The name the bytes are stored under (their SHA-256, hex), known before storing them.
    pub fn digest(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    /// Stores the bytes durably and returns their digest. Storing the same bytes twice
    /// keeps one copy.
    pub fn put(&self, bytes: &[u8]) -> Result<String, BlobError> {
        let digest = BlobStore::digest(bytes);
        let path = self.path_of(&digest)?;
        if path.exists() {
            return Ok(digest);
        }
        let folder = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        std::fs::create_dir_all(&folder)?;
        let mut temporary = tempfile_in(&folder)?;
        temporary.1.write_all(bytes)?;
        temporary.1.sync_all()?;
        std::fs::rename(&temporary.0, &path)?;
        std::fs::File::open(&folder)?.sync_all()?;
        Ok(digest)
    }

    /// Every file in the store's folders (documents and temporaries), as paths.
    fn files(&self) -> Result<Vec<PathBuf>, BlobError> {
        let mut files = Vec::new();
        let Ok(folders) = std::fs::read_dir(&self.root) else {
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
    pub fn digests(&self) -> Result<Vec<String>, BlobError> {
        Ok(self
            .files()?
            .iter()
            .filter_map(|path| path.file_name()?.to_str().map(str::to_owned))
            .filter(|name| is_digest(name))
            .collect())
    }

    /// Removes the temporaries a process left when it ended between writing and renaming
    /// them (`.upload-*` in the store's folders); returns how many. Run at start, before
    /// anything writes.
    pub fn sweep_temporaries(&self) -> Result<usize, BlobError> {
        let mut removed = 0;
        for path in self.files()? {
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

    /// Where a document of `digest` lies relative to the store's folder (`ab/abcd...`).
    pub fn relative_path(digest: &str) -> Result<PathBuf, BlobError> {
        if !is_digest(digest) {
            return Err(BlobError::BadDigest);
        }
        Ok(PathBuf::from(&digest[..2]).join(digest))
    }

    /// The bytes of a stored document, if present.
    pub fn get(&self, digest: &str) -> Result<Option<Vec<u8>>, BlobError> {
        let path = self.path_of(digest)?;
        match std::fs::read(path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error.into()),
        }
    }
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

    #[test]
    fn temporaries_left_by_a_crash_are_swept_and_documents_kept() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::new(dir.path());
        let digest = blobs.put(b"%PDF-1.7 kept").unwrap();
        let folder = dir.path().join(&digest[..2]);
        std::fs::write(folder.join(".upload-left-behind"), b"half").unwrap();
        assert_eq!(blobs.sweep_temporaries().unwrap(), 1);
        assert_eq!(blobs.sweep_temporaries().unwrap(), 0);
        assert_eq!(blobs.get(&digest).unwrap().unwrap(), b"%PDF-1.7 kept");
    }

    #[test]
    fn stores_by_content_and_refuses_paths() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::new(dir.path());
        let digest = blobs.put(b"%PDF-1.7 hello").unwrap();
        assert_eq!(blobs.put(b"%PDF-1.7 hello").unwrap(), digest);
        assert_eq!(blobs.get(&digest).unwrap().unwrap(), b"%PDF-1.7 hello");
        assert!(matches!(
            blobs.get("../../etc/passwd"),
            Err(BlobError::BadDigest)
        ));
        assert!(blobs.get(&"0".repeat(64)).unwrap().is_none());
    }
}
