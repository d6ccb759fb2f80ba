//! `pelihara sop load|publish|retire|list`: the SOP versions a database runs. A file is
//! checked as `sop check` does and stored only when valid; each change is one audited write
//! attributed to the command line. Prints in the user's language and returns the exit status.

use anyhow::Context as _;
use clap::Subcommand;
use pelihara_i18n::{Lang, arg, t, t_args};
use pelihara_store::{AuditSource, SopLoad, Store, StoreError};

use super::{Input, Outcome, parse_input};
use crate::runtime::{self, DatabaseArgs};

#[derive(Debug, Subcommand)]
pub enum VersionsCommand {
    /// Load an SOP definition file into the database as a draft version (checked first;
    /// nothing is stored when it has an error).
    Load {
        file: std::path::PathBuf,
        /// Publish it at once: new cases of the SOP start on this version.
        #[arg(long)]
        publish: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Make a loaded version the one new cases of its SOP start on (open cases keep theirs).
    Publish {
        code: String,
        version: u32,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Retire an SOP: no new cases until a version of it is published again.
    Retire {
        code: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// List the stored versions and where each stands.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// Runs a version command on its database and prints its outcome.
pub async fn run(command: VersionsCommand, lang: Lang) -> anyhow::Result<std::process::ExitCode> {
    let outcome = match command {
        VersionsCommand::Load {
            file,
            publish,
            database,
        } => {
            let input = Input::read(&file);
            let store = open(&database).await?;
            load(&store, &input, publish, lang).await?
        }
        VersionsCommand::Publish {
            code,
            version,
            database,
        } => publish(&open(&database).await?, &code, version, lang).await?,
        VersionsCommand::Retire { code, database } => {
            retire(&open(&database).await?, &code, lang).await?
        }
        VersionsCommand::List { database } => list(&open(&database).await?, lang).await?,
    };
    outcome.print()
}

async fn open(database: &DatabaseArgs) -> anyhow::Result<Store> {
    if database.database.is_none() {
        std::fs::create_dir_all(&database.data)
            .with_context(|| format!("creating {}", database.data.display()))?;
    }
    runtime::open_store(&database.url()).await
}

fn source(what: &str) -> AuditSource {
    AuditSource::cli(what)
}

/// `sop load`: checks the file, stores it as a draft and, with `publish`, publishes it.
pub async fn load(
    store: &Store,
    input: &Input,
    publish: bool,
    lang: Lang,
) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome::default();
    let Ok(definition) = parse_input(input, lang, &mut outcome) else {
        outcome.err(&t(lang, "sop-load-nothing-saved"));
        return Ok(outcome);
    };
    let Ok(text) = &input.text else {
        return Ok(outcome);
    };
    let code = definition.header.code.as_str();
    let version = definition.header.version;
    let names = [("code", arg(code)), ("version", arg(version))];
    let now = chrono::Utc::now();
    match store
        .load_sop(&definition, text, &source("sop load"), now)
        .await
    {
        Ok(SopLoad::Stored) => outcome.out(&t_args(lang, "sop-load-stored", &names)),
        Ok(SopLoad::AlreadyStored) => outcome.out(&t_args(lang, "sop-load-already", &names)),
        Err(StoreError::Duplicate(_)) => {
            outcome.err(&t_args(lang, "sop-load-version-taken", &names));
            return Ok(outcome);
        }
        Err(error) => return Err(error.into()),
    }
    if publish {
        store
            .publish_sop(code, version, &source("sop load --publish"), now)
            .await?;
        outcome.out(&t_args(lang, "sop-publish-done", &names));
    }
    outcome.success = true;
    Ok(outcome)
}

/// `sop publish`: makes a stored version the one new cases start on.
pub async fn publish(
    store: &Store,
    code: &str,
    version: u32,
    lang: Lang,
) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome::default();
    let names = [("code", arg(code)), ("version", arg(version))];
    match store
        .publish_sop(code, version, &source("sop publish"), chrono::Utc::now())
        .await
    {
        Ok(()) => {
            outcome.out(&t_args(lang, "sop-publish-done", &names));
            outcome.success = true;
        }
        Err(StoreError::UnknownSop(_)) => {
            outcome.err(&t_args(lang, "sop-version-unknown", &names));
        }
        Err(error) => return Err(error.into()),
    }
    Ok(outcome)
}

/// `sop retire`: no new cases of the SOP until a version is published again.
pub async fn retire(store: &Store, code: &str, lang: Lang) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome::default();
    let names = [("code", arg(code))];
    if store
        .retire_sop(code, &source("sop retire"), chrono::Utc::now())
        .await?
    {
        outcome.out(&t_args(lang, "sop-retire-done", &names));
        outcome.success = true;
    } else {
        outcome.err(&t_args(lang, "sop-retire-none", &names));
    }
    Ok(outcome)
}

/// `sop list`: a line per stored version with its state and title.
pub async fn list(store: &Store, lang: Lang) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome::default();
    let catalog = store.sop_catalog().await?;
    for stored in store.sop_versions().await? {
        let title = catalog
            .get(&stored.code, stored.version)
            .map(|sop| sop.header.title.clone())
            .unwrap_or_default();
        outcome.out(&t_args(
            lang,
            "sop-list-row",
            &[
                ("code", arg(&stored.code)),
                ("version", arg(stored.version)),
                (
                    "state",
                    arg(t(lang, &format!("sop-state-{}", stored.state.code()))),
                ),
                ("title", arg(title)),
            ],
        ));
    }
    outcome.success = true;
    Ok(outcome)
}
