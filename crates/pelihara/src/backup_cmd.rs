//! `pelihara backup --to DIR` and `pelihara restore --from DIR`: a consistent copy of a running
//! installation on SQLite (the database as one snapshot, then the documents it refers to, and
//! a manifest with the SHA-256 of every file), and putting it into a fresh data folder after
//! checking every hash. The snapshot is taken first: a document is written before the
//! transaction that refers to it commits, so every document the copy names is already on
//! disk when the documents are copied. PostgreSQL installations keep their documents in the
//! database, so `pg_dump` copies everything (docs/backup.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use pelihara_i18n::{Lang, arg, t_args};
use pelihara_store::BlobStore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::runtime::{self, DatabaseArgs};

/// The manifest's file name inside a backup folder.
const MANIFEST: &str = "manifest.json";
/// The database's file name inside a backup folder, as in a data folder.
const DATABASE: &str = runtime::DATABASE_FILE;

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    created_at: String,
    /// The database copy and each document, relative to the backup folder.
    files: Vec<FileEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct FileEntry {
    path: String,
    sha256: String,
    size: u64,
}

fn file_entry(root: &Path, relative: &str) -> anyhow::Result<FileEntry> {
    let bytes =
        std::fs::read(root.join(relative)).with_context(|| format!("reading {relative}"))?;
    Ok(FileEntry {
        path: relative.to_owned(),
        sha256: hex::encode(Sha256::digest(&bytes)),
        size: bytes.len() as u64,
    })
}

/// `pelihara backup`: copies the database (one snapshot) and the documents into `to`, which
/// must not exist yet or be empty, and writes the manifest last.
pub async fn backup(database: &DatabaseArgs, to: &Path, lang: Lang) -> anyhow::Result<ExitCode> {
    if to.exists() && std::fs::read_dir(to)?.next().is_some() {
        bail!(
            "{}",
            t_args(
                lang,
                "backup-target-not-empty",
                &[("dir", arg(to.display()))]
            )
        );
    }
    std::fs::create_dir_all(to.join("documents"))?;
    let store = pelihara_store::Store::open(&database.url())
        .await
        .with_context(|| format!("opening {}", database.url()))?;
    let copied = store.copy_database_to(&to.join(DATABASE)).await;
    store.close().await;
    if let Err(pelihara_store::StoreError::UnsupportedUrl) = copied {
        bail!("{}", t_args(lang, "backup-postgres", &[]));
    }
    copied.context("copying the database")?;
    let mut files = vec![file_entry(to, DATABASE)?];
    let source = runtime::documents_dir(&database.data);
    let blobs = BlobStore::new(&source);
    for digest in blobs.digests().await? {
        let inside = BlobStore::relative_path(&digest)?;
        let relative = format!("documents/{}", inside.display());
        let target = to.join(&relative);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::copy(source.join(&inside), &target)
            .with_context(|| format!("copying {relative}"))?;
        files.push(file_entry(to, &relative)?);
    }
    let manifest = Manifest {
        format: 1,
        created_at: chrono::Utc::now().to_rfc3339(),
        files,
    };
    let documents = manifest.files.len() - 1;
    std::fs::write(to.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    println!(
        "{}",
        t_args(
            lang,
            "backup-done",
            &[("dir", arg(to.display())), ("documents", arg(documents))]
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// Every file of the manifest as it is in `from`, or the first that differs. A document must
/// also be named by its own hash (the store is content-addressed).
fn check(from: &Path, manifest: &Manifest, lang: Lang) -> anyhow::Result<()> {
    if manifest.format != 1 || !manifest.files.iter().any(|file| file.path == DATABASE) {
        bail!(
            "{}",
            t_args(
                lang,
                "restore-not-a-backup",
                &[("dir", arg(from.display()))]
            )
        );
    }
    for expected in &manifest.files {
        let unsafe_path = expected
            .path
            .split('/')
            .any(|part| part == ".." || part.is_empty());
        let found = if unsafe_path {
            None
        } else {
            file_entry(from, &expected.path).ok()
        };
        let named_by_hash = expected.path == DATABASE
            || expected.path.rsplit('/').next() == Some(expected.sha256.as_str());
        if found.is_none_or(|found| found.sha256 != expected.sha256 || found.size != expected.size)
            || !named_by_hash
        {
            bail!(
                "{}",
                t_args(lang, "restore-damaged", &[("file", arg(&expected.path))])
            );
        }
    }
    Ok(())
}

/// `pelihara restore`: checks the backup whole, then copies it into `data`, which must not
/// hold a database yet; ends with the audit chain verified.
pub async fn restore(from: &Path, data: &Path, lang: Lang) -> anyhow::Result<ExitCode> {
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(from.join(MANIFEST))
            .with_context(|| format!("reading {}", from.join(MANIFEST).display()))?,
    )
    .with_context(|| format!("reading {MANIFEST}"))?;
    check(from, &manifest, lang)?;
    let target_db = data.join(DATABASE);
    if target_db.exists() {
        bail!(
            "{}",
            t_args(
                lang,
                "restore-target-in-use",
                &[("dir", arg(data.display()))]
            )
        );
    }
    std::fs::create_dir_all(data)?;
    for file in &manifest.files {
        let target: PathBuf = data.join(&file.path);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::copy(from.join(&file.path), &target)
            .with_context(|| format!("copying {}", file.path))?;
    }
    let store = runtime::open_store(&runtime::sqlite_url(data)).await?;
    let report = store.verify_audit().await?;
    store.close().await;
    if let Some((seq, _)) = report.first_bad {
        bail!(
            "{}",
            t_args(lang, "restore-audit-bad", &[("seq", arg(seq))])
        );
    }
    println!(
        "{}",
        t_args(
            lang,
            "restore-done",
            &[
                ("dir", arg(data.display())),
                ("documents", arg(manifest.files.len() - 1)),
                ("events", arg(report.events)),
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}
