//! `pelihara admin create`: the first administrator of a new installation, for scripted
//! installs. The password is read from standard input (never from the command line, where
//! other users of the machine could read it). Works once: refused when an administrator
//! exists. Audited as `setup.first_admin`, attributed to the command line.
//! `pelihara admin reset-totp`: turns a user's two-step verification off when they lost both
//! their authenticator and their recovery codes (the only administrator included, who has no
//! one to ask on the pages); they enrol again at the next sign-in if their role needs it.

use std::io::BufRead;
use std::process::ExitCode;

use clap::Subcommand;
use pelihara_i18n::{Lang, arg, t, t_args};
use pelihara_store::people::NewUser;
use pelihara_store::{AuditSource, StoreError};

use crate::runtime::{self, DatabaseArgs};

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create the first administrator (reads the password from standard input).
    Create {
        /// The user name to sign in with.
        #[arg(long)]
        username: String,
        /// The administrator's full name.
        #[arg(long)]
        name: String,
        /// Email address for notifications.
        #[arg(long)]
        email: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Turn a user's two-step verification off (lost authenticator and recovery codes).
    ResetTotp {
        /// The user name.
        #[arg(long)]
        username: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// Runs an `admin` command; prints what happened in the user's language.
pub async fn run(command: AdminCommand, lang: Lang) -> anyhow::Result<ExitCode> {
    match command {
        AdminCommand::Create {
            username,
            name,
            email,
            database,
        } => create(username, name, email, database, lang).await,
        AdminCommand::ResetTotp { username, database } => {
            reset_totp(&username, &database, lang).await
        }
    }
}

/// `admin reset-totp`: the user's TOTP secret and recovery codes deleted, audited as
/// `auth.totp_disabled` from the command line. An unknown user is an error; a user without
/// TOTP is told so and nothing is written.
async fn reset_totp(
    username: &str,
    database: &DatabaseArgs,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    let username = username.trim().to_lowercase();
    let store = runtime::open_store(&database.url()).await?;
    let Some(user) = store.user_by_username(&username).await? else {
        store.close().await;
        eprintln!(
            "{}",
            t_args(
                lang,
                "admin-cli-unknown-user",
                &[("username", arg(&username))]
            )
        );
        return Ok(ExitCode::FAILURE);
    };
    let reset = store
        .disable_totp(
            user.user.id,
            &AuditSource::cli("admin reset-totp"),
            chrono::Utc::now(),
        )
        .await;
    store.close().await;
    let key = if reset? {
        "admin-cli-totp-reset"
    } else {
        "admin-cli-totp-was-off"
    };
    println!("{}", t_args(lang, key, &[("username", arg(&username))]));
    Ok(ExitCode::SUCCESS)
}

/// `admin create`: the first administrator, refused once one exists.
async fn create(
    username: String,
    name: String,
    email: Option<String>,
    database: DatabaseArgs,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    let username = username.trim().to_lowercase();
    let name = name.trim().to_owned();
    if username.is_empty() || name.is_empty() {
        eprintln!("{}", t(lang, "admin-cli-name-required"));
        return Ok(ExitCode::FAILURE);
    }
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    let length = password.chars().count();
    if !(pelihara_web::auth::PASSWORD_MIN..=pelihara_web::auth::PASSWORD_MAX).contains(&length) {
        eprintln!(
            "{}",
            t_args(
                lang,
                "admin-cli-password-length",
                &[
                    ("min", arg(pelihara_web::auth::PASSWORD_MIN)),
                    ("max", arg(pelihara_web::auth::PASSWORD_MAX)),
                ]
            )
        );
        return Ok(ExitCode::FAILURE);
    }
    if database.database.is_none() {
        std::fs::create_dir_all(&database.data)?;
    }
    let store = runtime::open_store(&database.url()).await?;
    let password_hash = pelihara_web::auth::hash_password(password)
        .await
        .map_err(|error| anyhow::anyhow!("hashing the password: {error}"))?;
    let new = NewUser {
        username: username.clone(),
        full_name: name,
        nip: None,
        email: email.filter(|email| !email.trim().is_empty()),
        role: pelihara_domain::Role::Admin,
        positions: Vec::new(),
        opd_id: None,
        password_hash,
    };
    let created = store
        .create_first_admin(new, &AuditSource::cli("admin create"), chrono::Utc::now())
        .await;
    store.close().await;
    match created {
        Ok(_) => {
            println!(
                "{}",
                t_args(lang, "admin-cli-created", &[("username", arg(&username))])
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Duplicate("administrator")) => {
            eprintln!("{}", t(lang, "admin-cli-exists"));
            Ok(ExitCode::FAILURE)
        }
        Err(error) => Err(error.into()),
    }
}
