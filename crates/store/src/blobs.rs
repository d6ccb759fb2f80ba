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
        if !is_digest(digest) {
            return Err(BlobError::BadDigest);
        }
        Ok(self.root.join(&digest[..2]).join(digest))
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

    /// Removes the temporaries a process left when it ended between writing and renaming
    /// them (`.upload-*` in the store's folders); returns how many. Run at start, before
    /// anything writes.
    pub fn sweep_temporaries(&self) -> Result<usize, BlobError> {
        let mut removed = 0;
        let Ok(folders) = std::fs::read_dir(&self.root) else {
            return Ok(0);
        };
        for folder in folders {
            let folder = folder?.path();
            let entries = if folder.is_dir() {
                std::fs::read_dir(&folder)?.collect::<Result<Vec<_>, _>>()?
            } else {
                Vec::new()
            };
            for entry in entries {
                if entry.file_name().to_string_lossy().starts_with(".upload-") {
                    std::fs::remove_file(entry.path())?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
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

/// A new file with a random name in `folder`, created exclusively.
fn tempfile_in(folder: &Path) -> Result<(PathBuf, std::fs::File), BlobError> {
    let name = format!(".upload-{}", uuid::Uuid::new_v4());
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
