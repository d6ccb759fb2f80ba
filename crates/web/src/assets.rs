//! Static files embedded in the binary (our CSS/JS and the vendored Bootstrap and htmx), served
//! under content-hashed names so browsers may cache them forever. It must never serve a file
//! under a name without its hash: an immutable cache entry for a name that can change would pin
//! old bytes in browsers.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::WebError;

/// The URL prefix of every static file.
pub const STATIC_PREFIX: &str = "/static/";

/// How long a hashed file may be cached: a year, and never revalidated, because a new content
/// gets a new name.
pub const IMMUTABLE_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

#[derive(rust_embed::Embed)]
#[folder = "assets/"]
#[exclude = "*.md"]
#[exclude = "**/*.md"]
struct EmbeddedAssets;

/// One embedded file ready to serve.
#[derive(Debug)]
struct Asset {
    bytes: Cow<'static, [u8]>,
    content_type: HeaderValue,
}

/// The embedded files by hashed path, and the hashed URL of each original name.
#[derive(Debug)]
pub struct AssetTable {
    url_by_name: HashMap<String, String>,
    asset_by_hashed_path: HashMap<String, Asset>,
}

impl AssetTable {
    /// Hashes every embedded file (SHA-256 of its bytes, first 8 hex digits in the name).
    pub(crate) fn build() -> AssetTable {
        let mut url_by_name = HashMap::new();
        let mut asset_by_hashed_path = HashMap::new();
        for name in EmbeddedAssets::iter() {
            let Some(file) = EmbeddedAssets::get(&name) else {
                continue;
            };
            let digest = hex::encode(Sha256::digest(&file.data));
            let hashed_path = hashed_name(&name, &digest[..8]);
            let content_type = content_type(file.metadata.mimetype());
            url_by_name.insert(name.to_string(), format!("{STATIC_PREFIX}{hashed_path}"));
            asset_by_hashed_path.insert(
                hashed_path,
                Asset {
                    bytes: file.data,
                    content_type,
                },
            );
        }
        AssetTable {
            url_by_name,
            asset_by_hashed_path,
        }
    }

    /// The URL to put in a page for the embedded file `name` (a path under `assets/`, e.g.
    /// `pelihara.css` or `vendor/htmx.min.js`). An unknown name gives its unhashed URL, which
    /// answers 404, so a typo shows up as a broken link in review rather than a crash.
    pub fn url(&self, name: &str) -> String {
        match self.url_by_name.get(name) {
            Some(url) => url.clone(),
            None => {
                tracing::warn!(
                    asset = name,
                    "template asks for an asset that is not embedded"
                );
                format!("{STATIC_PREFIX}{name}")
            }
        }
    }

    /// The original names of all embedded files.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.url_by_name.keys().map(String::as_str)
    }
}

/// `name.ext` becomes `name.<hash>.ext`; the hash goes before the last extension so that the
/// file keeps its type for anyone reading the URL.
fn hashed_name(name: &str, hash: &str) -> String {
    let file_start = name.rfind('/').map_or(0, |slash| slash + 1);
    match name[file_start..].rfind('.') {
        Some(dot) if dot > 0 => {
            let dot = file_start + dot;
            format!("{}.{hash}{}", &name[..dot], &name[dot..])
        }
        _ => format!("{name}.{hash}"),
    }
}

fn content_type(mime: &str) -> HeaderValue {
    let value = if mime.starts_with("text/") || mime.ends_with("javascript") {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_owned()
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

/// `GET /static/{*path}`: an embedded file by its hashed name.
pub(crate) async fn view_static_get(
    State(assets): State<Arc<AssetTable>>,
    Path(path): Path<String>,
) -> Result<Response, WebError> {
    let asset = assets
        .asset_by_hashed_path
        .get(&path)
        .ok_or(WebError::NotFound)?;
    let body = match &asset.bytes {
        Cow::Borrowed(bytes) => Bytes::from_static(bytes),
        Cow::Owned(bytes) => Bytes::copy_from_slice(bytes),
    };
    Ok((
        [
            (header::CONTENT_TYPE, asset.content_type.clone()),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(IMMUTABLE_CACHE_CONTROL),
            ),
        ],
        Body::from(body),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn puts_the_hash_before_the_extension() {
        let cases = [
            ("pelihara.css", "pelihara.0123abcd.css"),
            (
                "vendor/bootstrap.min.css",
                "vendor/bootstrap.min.0123abcd.css",
            ),
            ("vendor/LICENSE", "vendor/LICENSE.0123abcd"),
            ("dir.v2/file", "dir.v2/file.0123abcd"),
            (".hidden", ".hidden.0123abcd"),
        ];
        for (name, expected) in cases {
            assert_eq!(hashed_name(name, "0123abcd"), expected);
        }
    }

    #[test]
    fn embeds_the_vendored_files_and_leaves_readmes_out() {
        let table = AssetTable::build();
        let mut names: Vec<&str> = table.names().collect();
        names.sort_unstable();
        for expected in [
            "favicon.svg",
            "pelihara.css",
            "pelihara.js",
            "vendor/bootstrap.bundle.min.js",
            "vendor/bootstrap.min.css",
            "vendor/htmx.min.js",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
        assert!(!names.iter().any(|name| name.ends_with(".md")), "{names:?}");
    }

    #[test]
    fn hashes_the_bytes() {
        let table = AssetTable::build();
        let file = EmbeddedAssets::get("vendor/htmx.min.js").expect("embedded");
        let digest = hex::encode(Sha256::digest(&file.data));
        assert_eq!(
            table.url("vendor/htmx.min.js"),
            format!("/static/vendor/htmx.min.{}.js", &digest[..8])
        );
        assert_eq!(table.url("no-such.css"), "/static/no-such.css");
    }
}
