//! `static/`: the CSS, the progressive-enhancement JS and the icon,
//! compiled into the binary (one file to deploy) and served under names
//! that carry a hash of their bytes (`/static/signpost.3f2a….css`), so
//! browsers and proxies may keep them for a year: a changed file has a new
//! name. The plain names are served too, for anyone who asks, but must be
//! revalidated.

use std::hash::Hasher;
use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;

/// A year, and never revalidated: the name changes with the bytes.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For the plain names: cache, but ask each time.
pub const REVALIDATE: &str = "public, no-cache";

struct Asset {
    /// `signpost.css`
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    /// `signpost.<hash>.css`
    hashed: String,
    etag: String,
}

/// The hrefs pages link, without the site's path prefix.
pub struct Assets {
    pub css: String,
    pub js: String,
    pub favicon: String,
    files: Vec<Asset>,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let files: Vec<Asset> = [
        (
            "signpost.css",
            "text/css; charset=utf-8",
            include_bytes!("../../static/signpost.css").as_slice(),
        ),
        (
            "signpost.js",
            "text/javascript; charset=utf-8",
            include_bytes!("../../static/signpost.js").as_slice(),
        ),
        (
            "favicon.svg",
            "image/svg+xml",
            include_bytes!("../../static/favicon.svg").as_slice(),
        ),
    ]
    .into_iter()
    .map(|(name, content_type, bytes)| {
        let hash = content_hash(bytes);
        let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
        Asset {
            name,
            content_type,
            bytes,
            hashed: format!("{stem}.{hash}.{extension}"),
            etag: format!("\"{hash}\""),
        }
    })
    .collect();
    let href = |name: &str| {
        let asset = files
            .iter()
            .find(|a| a.name == name)
            .expect("a known asset");
        format!("/static/{}", asset.hashed)
    };
    Assets {
        css: href("signpost.css"),
        js: href("signpost.js"),
        favicon: href("favicon.svg"),
        files,
    }
});

pub fn assets() -> &'static Assets {
    &ASSETS
}

/// 16 hex digits of SipHash-1-3 with fixed keys: the same on every machine.
fn content_hash(bytes: &[u8]) -> String {
    let mut hasher = siphasher::sip::SipHasher13::new();
    hasher.write(bytes);
    format!("{:016x}", hasher.finish())
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/static/{name}", get(serve))
}

async fn serve(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let found = ASSETS.files.iter().find_map(|a| {
        if a.hashed == name {
            Some((a, IMMUTABLE))
        } else if a.name == name {
            Some((a, REVALIDATE))
        } else {
            None
        }
    });
    let Some((asset, cache_control)) = found else {
        return super::pages::not_found_page();
    };
    let etag = HeaderValue::from_str(&asset.etag).expect("hex digits");
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| super::caching::etag_matches(v, &asset.etag));
    let cache = [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        ),
        (header::ETAG, etag),
    ];
    if matches {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    (
        cache,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        )],
        asset.bytes,
    )
        .into_response()
}
