//! `pelihara migrate --from sqlite://... --to postgres://...`: moves an installation that has
//! outgrown one machine onto PostgreSQL. The target is migrated first, then everything is
//! copied in one transaction (`Store::copy_everything_into`), then its audit chain is walked:
//! the command succeeds only when the copy verifies as the source did. The documents (files in
//! the SQLite installation's data folder) move into the target's database in the same
//! transaction: on PostgreSQL every node reads them there, with no shared disk.

use std::process::ExitCode;

use anyhow::{Context as _, bail};
use pelihara_i18n::{Lang, arg, t, t_args};
use pelihara_store::{Backend, BlobStore, Store, StoreError};

/// Where a SQLite installation keeps its documents: `documents` beside the database file, as
/// in a data folder (`runtime::documents_dir`).
fn documents_beside(from: &str) -> std::path::PathBuf {
    let path = from
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    let folder = std::path::Path::new(path)
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    crate::runtime::documents_dir(&folder)
}

/// Copies the SQLite database at `from` and its documents (`documents`, else the folder
/// beside the database file) into the empty PostgreSQL database at `to`.
pub async fn migrate(
    from: &str,
    to: &str,
    documents: Option<&std::path::Path>,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    if !from.starts_with("sqlite:")
        || !(to.starts_with("postgres:") || to.starts_with("postgresql:"))
    {
        bail!("{}", t(lang, "migrate-urls"));
    }
    let source = Store::open(from)
        .await
        .with_context(|| format!("opening {from}"))?;
    let target = Store::open(to)
        .await
        .context("opening the target database")?;
    if source.backend() != Backend::Sqlite || target.backend() != Backend::Postgres {
        bail!("{}", t(lang, "migrate-urls"));
    }
    let before = source.verify_audit().await?;
    if before.first_bad.is_some() {
        bail!("{}", t(lang, "migrate-source-broken"));
    }
    let documents = BlobStore::new(
        documents
            .map(std::path::Path::to_path_buf)
            .unwrap_or_else(|| documents_beside(from)),
    );
    let report = match source.copy_everything_into(&target, &documents).await {
        Ok(report) => report,
        Err(StoreError::TargetInUse(what)) => {
            bail!(
                "{}",
                t_args(lang, "migrate-target-in-use", &[("what", arg(what))])
            )
        }
        Err(error) => return Err(error.into()),
    };
    let after = target.verify_audit().await?;
    source.close().await;
    target.close().await;
    for (table, rows) in &report.tables {
        println!("  {table:<28} {rows:>9}");
    }
    if after.first_bad.is_some() || after.events != before.events {
        bail!("{}", t(lang, "migrate-target-broken"));
    }
    println!(
        "{}",
        t_args(
            lang,
            "migrate-done",
            &[
                ("tables", arg(report.tables.len())),
                ("events", arg(after.events)),
            ],
        )
    );
    Ok(ExitCode::SUCCESS)
}
