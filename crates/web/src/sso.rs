//! Single sign-on with OpenID Connect, the shell's half: the provider the binary configured
//! (issuer, client id and secret: never stored, never logged), its discovered metadata and
//! keys (cached for [`METADATA_FOR`]), the authorization request (code flow, PKCE with S256, a
//! random state and nonce) and the checks of the provider's answer: the code exchanged with
//! the PKCE verifier over our own HTTP client, the ID token's signature, issuer, audience,
//! expiry and nonce checked by the `openidconnect` crate, the access token's hash when the
//! token carries one, then the claims a policy may match on (from the ID token, or else from
//! the userinfo endpoint). Who that is in Pelihara, and what follows, is the page's
//! (`pages/sso.rs`). It must never follow a redirect of the provider's server or keep a token.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AsyncHttpClient, AuthorizationCode, Client, ClientId,
    ClientSecret, CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    HttpRequest, HttpResponse, IdTokenFields, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, StandardErrorResponse,
    StandardTokenResponse, TokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};

/// The path the provider sends the browser back to; with the public base URL in front, the
/// redirect URI to register with the provider.
pub const CALLBACK_PATH: &str = "/masuk/sso/kembali";

/// How long discovered metadata and keys are used before they are fetched again (a provider
/// rotating its keys is followed within this time).
pub const METADATA_FOR: Duration = Duration::from_secs(10 * 60);

/// How long the provider's server may take to answer one request.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The provider, as the binary read it from its flags or environment.
#[derive(Clone)]
pub struct SsoSettings {
    /// The issuer URL (`https://sso.example.go.id/realms/pemkab`): discovery starts there.
    pub issuer: String,
    pub client_id: String,
    /// The client secret (confidential client); `None` for a public client (PKCE alone).
    pub client_secret: Option<String>,
    /// The provider's name on the sign-in button ("Masuk dengan <name>"); none: "SSO".
    pub display_name: Option<String>,
}

impl std::fmt::Debug for SsoSettings {
    // The secret never reaches a log, even through a `{:?}` of the configuration.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<hidden>"),
            )
            .field("display_name", &self.display_name)
            .finish()
    }
}

/// The claims beyond the standard ones a policy may match on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OfficeClaims {
    /// The civil servant number (a claim the provider maps from its user attribute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nip: Option<String>,
}

impl AdditionalClaims for OfficeClaims {}

type IdFields = IdTokenFields<
    OfficeClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<IdFields, CoreTokenType>;
type OfficeClient = Client<
    OfficeClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a sign-in through the provider could not be completed (said to the log, not the user).
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("provider unreachable or its metadata unusable: {0}")]
    Provider(String),
    #[error("the code exchange failed: {0}")]
    Exchange(String),
    #[error("the ID token is not acceptable: {0}")]
    IdToken(String),
    #[error("the userinfo request failed: {0}")]
    UserInfo(String),
}

/// Why the configured provider cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum SsoSetupError {
    #[error("OIDC issuer {0:?} is not a URL")]
    Issuer(String),
    #[error("OIDC redirect URI {0:?} is not a URL")]
    Redirect(String),
    #[error("OIDC client id is empty")]
    ClientId,
    #[error("HTTP client for the OIDC provider: {0}")]
    Http(String),
}

/// The sign-in on its way through the provider, kept in the session between the redirect and
/// the provider's answer. Used once: the answer takes it out of the session before anything
/// else, so a replayed answer finds none.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PendingSso {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
    /// Where to go once signed in.
    pub next: String,
    /// When it started (the services' clock, epoch ms).
    pub since_ms: i64,
}

/// Who the provider says signed in: the claims a policy may match on.
#[derive(Debug, Clone, Default)]
pub(crate) struct Identity {
    pub subject: String,
    pub nip: Option<String>,
    pub email: Option<String>,
    /// `Some(false)` when the provider says the email is not verified.
    pub email_verified: Option<bool>,
    pub username: Option<String>,
}

impl Identity {
    fn has_all(&self) -> bool {
        self.nip.is_some() && self.email.is_some() && self.username.is_some()
    }
}

/// The provider's HTTP, on reqwest with rustls (ring) and the platform's roots, no redirects.
#[derive(Clone)]
struct Http(reqwest::Client);

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = HttpFailure;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpFailure>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)
                .map_err(|error| HttpFailure(error.to_string()))?;
            let response = self
                .0
                .execute(request)
                .await
                .map_err(|error| HttpFailure(error.to_string()))?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response
                .bytes()
                .await
                .map_err(|error| HttpFailure(error.to_string()))?;
            let mut answer = HttpResponse::new(body.to_vec());
            *answer.status_mut() = status;
            *answer.headers_mut() = headers;
            Ok(answer)
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpFailure(String);

/// The configured provider: its settings, our redirect URI, the HTTP client and the cached
/// metadata.
pub(crate) struct Sso {
    settings: SsoSettings,
    redirect: RedirectUrl,
    issuer: IssuerUrl,
    http: Http,
    metadata: tokio::sync::Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl std::fmt::Debug for Sso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sso")
            .field("settings", &self.settings)
            .finish()
    }
}

impl Sso {
    /// Checks the settings and builds the client; contacts nobody (the provider may be down
    /// when Pelihara starts: discovery happens at the first sign-in).
    pub(crate) fn new(settings: SsoSettings, public_origin: &str) -> Result<Sso, SsoSetupError> {
        if settings.client_id.trim().is_empty() {
            return Err(SsoSetupError::ClientId);
        }
        let issuer = IssuerUrl::new(settings.issuer.trim().trim_end_matches('/').to_owned())
            .map_err(|_| SsoSetupError::Issuer(settings.issuer.clone()))?;
        let redirect_uri = format!("{public_origin}{CALLBACK_PATH}");
        let redirect = RedirectUrl::new(redirect_uri.clone())
            .map_err(|_| SsoSetupError::Redirect(redirect_uri))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = rustls_platform_verifier::Verifier::new(Arc::clone(&provider))
            .map_err(|error| SsoSetupError::Http(error.to_string()))?;
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| SsoSetupError::Http(error.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(HTTP_TIMEOUT)
            // Following a redirect would let the provider's server send us anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Pelihara/", env!("CARGO_PKG_VERSION"), " (oidc)"))
            .build()
            .map_err(|error| SsoSetupError::Http(error.to_string()))?;
        Ok(Sso {
            settings,
            redirect,
            issuer,
            http: Http(client),
            metadata: tokio::sync::Mutex::new(None),
        })
    }

    /// The provider's name for the sign-in button, if the configuration gave one.
    pub(crate) fn display_name(&self) -> Option<&str> {
        self.settings
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty())
    }

    /// The redirect URI to register with the provider.
    pub(crate) fn redirect_uri(&self) -> &str {
        self.redirect.as_str()
    }

    /// The client id, as configured (not a secret: the provider shows it in every request).
    pub(crate) fn client_id(&self) -> &str {
        &self.settings.client_id
    }

    /// The issuer URL, as configured.
    pub(crate) fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    async fn metadata(&self) -> Result<CoreProviderMetadata, SsoError> {
        let mut cached = self.metadata.lock().await;
        if let Some((at, metadata)) = cached.as_ref()
            && at.elapsed() < METADATA_FOR
        {
            return Ok(metadata.clone());
        }
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|error| SsoError::Provider(error_chain(&error)))?;
        *cached = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    async fn client(&self) -> Result<OfficeClient, SsoError> {
        let metadata = self.metadata().await?;
        Ok(OfficeClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect.clone()))
    }

    /// The provider's authorization URL to send the browser to, and what the session keeps
    /// until the answer: a fresh state, nonce and PKCE verifier.
    pub(crate) async fn begin(
        &self,
        next: String,
        since_ms: i64,
    ) -> Result<(String, PendingSso), SsoError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".to_owned()))
            .add_scope(Scope::new("email".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        let pending = PendingSso {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
            next,
            since_ms,
        };
        Ok((url.to_string(), pending))
    }

    /// Exchanges the code of the provider's answer and checks what comes back (the state was
    /// checked by the caller); the identity it proves.
    pub(crate) async fn finish(
        &self,
        pending: &PendingSso,
        code: String,
    ) -> Result<Identity, SsoError> {
        let client = self.client().await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|error| SsoError::Exchange(error.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|error| SsoError::Exchange(error_chain(&error)))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| SsoError::IdToken("the provider sent no ID token".to_owned()))?;
        let verifier = client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(pending.nonce.clone()))
            .map_err(|error| SsoError::IdToken(error.to_string()))?;
        // An access token swapped for another user's would otherwise reach the userinfo call.
        if let Some(expected) = claims.access_token_hash() {
            let algorithm = id_token
                .signing_alg()
                .map_err(|error| SsoError::IdToken(error.to_string()))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|error| SsoError::IdToken(error.to_string()))?;
            let actual = AccessTokenHash::from_token(tokens.access_token(), algorithm, key)
                .map_err(|error| SsoError::IdToken(error.to_string()))?;
            if actual != *expected {
                return Err(SsoError::IdToken(
                    "the access token does not match the ID token's at_hash".to_owned(),
                ));
            }
        }
        let mut identity = Identity {
            subject: claims.subject().as_str().to_owned(),
            nip: claims.additional_claims().nip.clone(),
            email: claims.email().map(|email| email.as_str().to_owned()),
            email_verified: claims.email_verified(),
            username: claims
                .preferred_username()
                .map(|name| name.as_str().to_owned()),
        };
        // Providers that keep the ID token small (as the standard suggests when an access
        // token is issued) give the profile and email claims at the userinfo endpoint.
        if !identity.has_all()
            && let Ok(request) = client.user_info(
                tokens.access_token().clone(),
                Some(claims.subject().clone()),
            )
        {
            let info: UserInfoClaims<OfficeClaims, CoreGenderClaim> = request
                .request_async(&self.http)
                .await
                .map_err(|error| SsoError::UserInfo(error_chain(&error)))?;
            if identity.nip.is_none() {
                identity.nip = info.additional_claims().nip.clone();
            }
            if identity.email.is_none() {
                identity.email = info.email().map(|email| email.as_str().to_owned());
                identity.email_verified = info.email_verified();
            }
            if identity.username.is_none() {
                identity.username = info
                    .preferred_username()
                    .map(|name| name.as_str().to_owned());
            }
        }
        Ok(identity)
    }
}

/// An error and its causes on one line, for the log.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Whether the state the provider sent back is the one this session sent, compared as SHA-256
/// digests so the comparison takes the same time whatever the bytes.
pub(crate) fn same_state(sent: &str, received: &str) -> bool {
    use sha2::{Digest, Sha256};
    !sent.is_empty() && Sha256::digest(sent.as_bytes()) == Sha256::digest(received.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_never_shows_in_debug() {
        let settings = SsoSettings {
            issuer: "https://sso.example/realms/x".into(),
            client_id: "pelihara".into(),
            client_secret: Some("s3cr3t-value".into()),
            display_name: None,
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        assert!(shown.contains("<hidden>"));
    }

    #[test]
    fn states_compare_whole() {
        assert!(same_state("abc", "abc"));
        assert!(!same_state("abc", "abd"));
        assert!(!same_state("abc", ""));
        assert!(!same_state("", ""));
    }

    #[test]
    fn refuses_a_bad_configuration() {
        let settings = |issuer: &str, client: &str| SsoSettings {
            issuer: issuer.into(),
            client_id: client.into(),
            client_secret: None,
            display_name: None,
        };
        assert!(Sso::new(settings("not a url", "x"), "http://127.0.0.1:1").is_err());
        assert!(Sso::new(settings("https://sso.example", " "), "http://127.0.0.1:1").is_err());
        let sso = Sso::new(
            settings("https://sso.example/", "x"),
            "https://pelihara.example",
        )
        .expect("a valid configuration");
        assert_eq!(
            sso.redirect_uri(),
            "https://pelihara.example/masuk/sso/kembali"
        );
    }
}
