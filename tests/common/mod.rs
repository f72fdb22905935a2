//! Shared helpers: load a fixture bank, build its index in a temp dir, and
//! drive the router in-process.
#![allow(dead_code)]

pub mod hsds;
pub mod process;

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use signpost::clock::Clock;
use signpost::content::{self, Library};
use signpost::index;
use signpost::search::Engine;
use signpost::web::{AppState, router};
use tower::ServiceExt;

pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// The `signpost` binary, run from the crate root with the tests' date:
/// no test depends on the machine's clock.
pub fn signpost() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_signpost"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command.env("SIGNPOST_TODAY", today().to_string());
    command
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .join("content")
}

/// A generated bank (`signpost-corpus`) of `entries` entries over the
/// shipped taxonomy, in a temp dir that lives as long as the second value.
pub fn generated(entries: usize, seed: u64) -> (PathBuf, tempfile::TempDir) {
    use signpost_tools::corpus::{self, Options, Source};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("content");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let source = Source::from_content_dir(&shipped).unwrap();
    corpus::generate(&source, &Options::new(entries, seed, today()), &dir).unwrap();
    (dir, tmp)
}

/// An editable copy of a fixture bank, as `content/` in a temp dir that
/// lives as long as the second value (which may hold other files too).
pub fn copy_of_fixture(name: &str) -> (PathBuf, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&fixture(name), &content);
    (content, tmp)
}

/// Copies a fixture bank somewhere a test may edit it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn library(dir: &Path) -> Library {
    let checked = content::load(dir, today());
    checked
        .library
        .unwrap_or_else(|| panic!("{:#?}", checked.diagnostics))
}

/// Opens a fresh index of the bank; the temp dir lives as long as the index.
pub fn live(dir: &Path) -> (Engine, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let (live, rebuilt) = index::ensure(tmp.path(), library(dir)).unwrap();
    assert!(rebuilt);
    (Engine::new(live).unwrap(), tmp)
}

pub struct App {
    pub router: axum::Router,
    _tmp: Option<tempfile::TempDir>,
}

pub fn app(dir: &Path) -> App {
    app_on(dir, today())
}

/// The app with its own fresh index, on a given date.
pub fn app_on(dir: &Path, today: chrono::NaiveDate) -> App {
    let (live, tmp) = live(dir);
    App {
        router: router(AppState::new(live, Clock::Fixed(today))),
        _tmp: Some(tmp),
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

impl App {
    /// A router whose index the caller keeps.
    pub fn from_router(router: axum::Router) -> App {
        App { router, _tmp: None }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.get_with(uri, &[]).await
    }

    /// A GET with extra request headers.
    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = Request::builder().uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}
