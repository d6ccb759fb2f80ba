//! The single sign-on provider of `pelihara serve`, from flags or the environment: issuer,
//! client id, the client secret (from the environment or a file, so it never shows in the
//! process list; never stored in the database, never logged) and the name on the sign-in
//! button. All absent: no single sign-on. The policy (which claim matches an account, whether
//! staff keep their passwords) is the administrator's, on the Security page.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use pelihara_web::sso::SsoSettings;

#[derive(clap::Args, Debug)]
pub struct SsoArgs {
    /// The OpenID Connect provider's issuer URL (e.g. https://sso.example.go.id/realms/pemkab);
    /// with it, the sign-in page offers "Masuk dengan SSO". Register
    /// <public URL>/masuk/sso/kembali as the redirect URI.
    #[arg(long, env = "PELIHARA_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// The client id Pelihara has at the provider.
    #[arg(long, env = "PELIHARA_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// A file holding the client secret (e.g. a systemd credential); instead of
    /// PELIHARA_OIDC_CLIENT_SECRET.
    #[arg(long, env = "PELIHARA_OIDC_CLIENT_SECRET_FILE")]
    pub oidc_client_secret_file: Option<PathBuf>,
    /// The provider's name on the sign-in button ("Masuk dengan <name>"; default "SSO").
    #[arg(long, env = "PELIHARA_OIDC_NAME")]
    pub oidc_name: Option<String>,
}

impl SsoArgs {
    /// The provider's settings, `None` when no issuer is given; an error when the issuer comes
    /// without a client id, or a secret file cannot be read.
    pub fn settings(&self) -> anyhow::Result<Option<SsoSettings>> {
        let Some(issuer) = self
            .oidc_issuer
            .clone()
            .filter(|issuer| !issuer.trim().is_empty())
        else {
            if self.oidc_client_id.is_some() {
                bail!("--oidc-client-id needs --oidc-issuer");
            }
            return Ok(None);
        };
        let Some(client_id) = self.oidc_client_id.clone() else {
            bail!("--oidc-issuer needs --oidc-client-id");
        };
        let client_secret = match &self.oidc_client_secret_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .with_context(|| format!("reading the OIDC client secret {}", path.display()))?
                    .trim()
                    .to_owned(),
            ),
            // From the environment only: a flag would show in the process list.
            None => std::env::var("PELIHARA_OIDC_CLIENT_SECRET").ok(),
        }
        .filter(|secret| !secret.is_empty());
        Ok(Some(SsoSettings {
            issuer,
            client_id,
            client_secret,
            display_name: self.oidc_name.clone(),
        }))
    }
}
