//! The pages of Pelihara, one module per page, each with its handlers `view_<page>_get/post`
//! and its body template `<page>_partial.html` (what htmx swaps in; a page load gets it inside
//! the one layout, `crate::page::Page`, through `page_or_partial`). Handlers here never touch SQL or decide case rules: they call the store
//! and the case engine and render what those return.

pub(crate) mod account;
pub(crate) mod account_tokens;
pub(crate) mod account_totp;
pub(crate) mod admin;
pub(crate) mod cases;
pub(crate) mod documents;
pub(crate) mod health;
pub(crate) mod landing;
pub(crate) mod notifications;
pub mod recovery;
pub(crate) mod register;
pub(crate) mod reports;
pub mod setup;
pub(crate) mod sign_in;
pub(crate) mod skm;
pub(crate) mod sso;
pub(crate) mod tracking;
pub(crate) mod two_factor;
pub(crate) mod verify;

use askama::Template;
use axum::response::{Html, IntoResponse, Response};

use pelihara_domain::{CaseId, CaseState, may_view};

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::page::Page;
use crate::shell::Shell;
use crate::state::Services;

/// Renders a template as an HTML response; a render failure becomes an internal error (logged
/// with the request id, never shown).
pub fn render(template: &impl Template) -> Result<Response, WebError> {
    Ok(Html(template.render()?).into_response())
}

/// The page/partial convention in one call: htmx requests get the partial alone, page loads
/// get the whole page, the one layout around it ([`Page`]) with the title `title` gives.
pub fn page_or_partial<P: Template>(
    shell: Shell,
    partial: P,
    title: impl FnOnce(Tr, &P) -> String,
) -> Result<Response, WebError> {
    if shell.htmx {
        render(&partial)
    } else {
        let title = title(shell.tr, &partial);
        render(&Page::new(shell, title, partial))
    }
}

/// The case `id` if `user` may see it. Unknown, malformed and not visible are one 404, so that
/// nobody learns that another OPD's case exists. The one visibility check of every case page
/// (the case, its letter, its actions, its documents).
pub(crate) async fn load_visible(
    services: &Services,
    user: &CurrentUser,
    id: &str,
) -> Result<CaseState, WebError> {
    let id = CaseId::parse(id).ok_or(WebError::NotFound)?;
    let state = services
        .store
        .case_state(id)
        .await?
        .ok_or(WebError::NotFound)?;
    if !may_view(&user.actor, &state.case) {
        return Err(WebError::NotFound);
    }
    Ok(state)
}

/// Every path no route claims: the 404 page, in the user's language.
pub(crate) async fn view_not_found() -> WebError {
    WebError::NotFound
}
