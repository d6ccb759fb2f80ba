//! `GET /`: the landing page that says what Pelihara is. It must never show case data: it is
//! public, before any login.

use askama::Template;
use axum::response::Response;

use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;

#[derive(Template)]
#[template(path = "landing_partial.html")]
struct LandingPartial {
    tr: Tr,
    office_name: String,
}

pub(crate) async fn view_landing_get(shell: Shell) -> Result<Response, WebError> {
    let partial = LandingPartial {
        tr: shell.tr,
        office_name: shell.office_name.clone(),
    };
    page_or_partial(shell, partial, |_, _| String::new())
}
