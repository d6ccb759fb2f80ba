//! Which language a request is answered in, and the `/bahasa` switch that remembers it in a
//! cookie (`?lang=` on any page sets it too). Indonesian unless the request asks otherwise (`?lang=en` or the `lang` cookie);
//! `Accept-Language` is deliberately ignored: office computers often carry an English browser
//! for an Indonesian user. It must never redirect outside this site.

use axum::extract::{Form, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};
use pelihara_i18n::{Lang, arg, t, t_args};
use serde::Deserialize;

use crate::assets::STATIC_PREFIX;
use crate::state::AppState;

/// The cookie that remembers the language.
pub const LANG_COOKIE: &str = "lang";

/// Translates message keys of `crates/i18n/locales/<lang>/*.ftl` for one language. Templates
/// call `{{ tr.t("landing-title") }}`; askama escapes the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message `key`; a missing key shows as the key itself.
    pub fn t(&self, key: &str) -> String {
        t(self.lang, key)
    }

    /// The message `key` with the number `$count`, so plural rules apply ("1 user", "2 users").
    pub fn count(&self, key: &str, count: usize) -> String {
        // Counts on a page are far below 2^52, where f64 stops being exact.
        t_args(
            self.lang,
            key,
            &[("count", pelihara_i18n::num(count as f64))],
        )
    }

    /// The message `key` with one argument `$name`, the common case in templates:
    /// `{{ tr.t1("case-number", "number", case.number) }}`.
    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        t_args(self.lang, key, &[(name, arg(value))])
    }

    /// The message `key` with two arguments (`{{ tr.t2("page-of", "page", 2, "pages", 9) }}`).
    pub fn t2(
        &self,
        key: &str,
        first: &str,
        first_value: impl ToString,
        second: &str,
        second_value: impl ToString,
    ) -> String {
        t_args(
            self.lang,
            key,
            &[(first, arg(first_value)), (second, arg(second_value))],
        )
    }
}

/// The language of a request: `?lang=` first (so a shared link shows what its sender saw),
/// then the cookie, then Indonesian.
pub fn request_lang(parts: &Parts) -> Lang {
    query_lang(parts.uri.query()).unwrap_or_else(|| cookie_lang(&parts.headers).unwrap_or_default())
}

fn parse_lang(code: &str) -> Option<Lang> {
    match code.trim().to_ascii_lowercase().as_str() {
        "id" => Some(Lang::Id),
        "en" => Some(Lang::En),
        _ => None,
    }
}

fn query_lang(query: Option<&str>) -> Option<Lang> {
    let query = query?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == "lang")
        .and_then(|(_, value)| parse_lang(value))
}

fn cookie_lang(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| Cookie::split_parse(value.to_owned()))
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == LANG_COOKIE)
        .and_then(|cookie| parse_lang(cookie.value()))
}

/// What `/bahasa` accepts, from the query string (GET) or a form (POST).
#[derive(Debug, Deserialize)]
pub(crate) struct LangChoice {
    lang: String,
    /// The page to go back to: a path on this site.
    #[serde(default)]
    next: Option<String>,
}

/// `GET /bahasa?lang=en&next=/path`: remembers the language and goes back to `next`.
pub(crate) async fn view_bahasa_get(
    State(state): State<AppState>,
    Query(choice): Query<LangChoice>,
) -> Response {
    remember_lang(&state, choice)
}

/// `POST /bahasa` with `lang` (and `next`) as a form: the same for a form with a button.
pub(crate) async fn view_bahasa_post(
    State(state): State<AppState>,
    Form(choice): Form<LangChoice>,
) -> Response {
    remember_lang(&state, choice)
}

fn remember_lang(state: &AppState, choice: LangChoice) -> Response {
    let lang = parse_lang(&choice.lang).unwrap_or_default();
    let target = choice.next.as_deref().map_or("/", local_path);
    let mut response = Redirect::to(target).into_response();
    set_lang_cookie(state, lang, &mut response);
    response
}

/// Middleware: a page opened with `?lang=` also remembers that language, so the htmx requests
/// and links that follow (which carry no `?lang=`) stay in it.
pub(crate) async fn remember_query_lang(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_static = request.uri().path().starts_with(STATIC_PREFIX);
    let chosen = query_lang(request.uri().query());
    let mut response = next.run(request).await;
    let already_set = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|value| value.as_bytes().starts_with(b"lang="));
    if let (Some(lang), false, false) = (chosen, is_static, already_set) {
        set_lang_cookie(&state, lang, &mut response);
    }
    response
}

/// Adds the `Set-Cookie` that remembers `lang` for a year.
fn set_lang_cookie(state: &AppState, lang: Lang, response: &mut Response) {
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .max_age(cookie::time::Duration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .secure(state.config().behind_tls())
        .build();
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// `path` when it is a path on this site, otherwise `/`. Refuses `//host` and `/\host`, which
/// browsers read as another site, and anything with a scheme or control characters.
pub(crate) fn local_path(path: &str) -> &str {
    let is_local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control());
    if is_local { path } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(uri: &str, cookie: Option<&str>) -> Parts {
        let mut builder = Request::builder().uri(uri);
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        builder.body(()).expect("request").into_parts().0
    }

    #[test]
    fn chooses_the_language() {
        let cases = [
            ("/", None, Lang::Id),
            ("/?lang=en", None, Lang::En),
            ("/?x=1&lang=EN", None, Lang::En),
            ("/?lang=fr", None, Lang::Id),
            ("/", Some("lang=en"), Lang::En),
            ("/", Some("session=abc; lang=en"), Lang::En),
            ("/", Some("lang=jv"), Lang::Id),
            ("/?lang=id", Some("lang=en"), Lang::Id),
            ("/?lang=xx", Some("lang=en"), Lang::En),
        ];
        for (uri, cookie, expected) in cases {
            assert_eq!(
                request_lang(&parts(uri, cookie)),
                expected,
                "{uri} {cookie:?}"
            );
        }
    }

    #[test]
    fn goes_back_only_to_this_site() {
        let cases = [
            ("/", "/"),
            ("/tugas?page=2", "/tugas?page=2"),
            ("//evil.example", "/"),
            ("/\\evil.example", "/"),
            ("https://evil.example/", "/"),
            ("javascript:alert(1)", "/"),
            ("/a\r\nSet-Cookie: x=1", "/"),
            ("", "/"),
        ];
        for (next, expected) in cases {
            assert_eq!(local_path(next), expected, "{next}");
        }
    }
}
