//! The one full page: the layout of `base.html` (shell, menu, bell, footer) around a body
//! template and a title. Every page's own template is its body (`*_partial.html`), which an
//! htmx request gets alone; this type wraps it for a page load, so no page needs a wrapper
//! template of its own. It must never hold a page's data beyond its body and title.

use askama::Template;

use crate::lang::Tr;
use crate::shell::Shell;

/// A whole page: `body` rendered in the layout's content block, `title` before
/// " · Pelihara" in the browser's title (empty: the tagline).
#[derive(Template)]
#[template(path = "page.html")]
pub struct Page<B: std::fmt::Display> {
    shell: Shell,
    tr: Tr,
    title: String,
    body: B,
}

impl<B: std::fmt::Display> Page<B> {
    pub fn new(shell: Shell, title: String, body: B) -> Page<B> {
        Page {
            tr: shell.tr,
            shell,
            title,
            body,
        }
    }
}
