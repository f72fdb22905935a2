//! `signpost links` against a server inside the test, on 127.0.0.1: each
//! verdict with its file and line, in every format, the cache, and that a
//! slow site costs no more than the timeout and its retries.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use common::copy_dir;
use serde_json::Value;

/// Every request the server saw: (path, method, when).
type Hits = Arc<Mutex<Vec<(String, Method, Instant)>>>;

async fn answer(State(hits): State<Hits>, method: Method, uri: Uri) -> Response {
    let path = uri.path().to_string();
    let earlier = {
        let mut hits = hits.lock().unwrap();
        let earlier = hits.iter().filter(|(p, _, _)| *p == path).count();
        hits.push((path.clone(), method.clone(), Instant::now()));
        earlier
    };
    let redirect = |code: StatusCode, to: &str| {
        let mut headers = HeaderMap::new();
        headers.insert(header::LOCATION, to.parse().unwrap());
        (code, headers).into_response()
    };
    match path.as_str() {
        "/ok" | "/ok-again" => StatusCode::OK.into_response(),
        "/moved" => redirect(StatusCode::MOVED_PERMANENTLY, "/ok"),
        "/elsewhere-for-now" => redirect(StatusCode::FOUND, "/ok"),
        "/gone" => StatusCode::NOT_FOUND.into_response(),
        "/gone-for-good" => StatusCode::GONE.into_response(),
        "/busy" if earlier == 0 => {
            (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")]).into_response()
        }
        "/busy" => StatusCode::OK.into_response(),
        "/no-head" if method == Method::HEAD => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        "/no-head" => StatusCode::OK.into_response(),
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            StatusCode::OK.into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

struct TestServer {
    port: u16,
    hits: Hits,
    _runtime: tokio::runtime::Runtime,
}

fn start_server() -> TestServer {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let hits: Hits = Arc::default();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new().fallback(answer).with_state(hits.clone());
    runtime.spawn(async move { axum::serve(listener, app).await });
    TestServer {
        port,
        hits,
        _runtime: runtime,
    }
}

/// A port with nothing listening: bound, then let go.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Replaces the `url:` line of a fixture file; returns its line number.
/// Points the case study's source (`sources[0].url`, line 12 of the
/// fixture) at `url`; returns its line.
fn set_source(file: &Path, url: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("url:"))
        .unwrap();
    let replaced: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == line {
                format!("    url: {url}")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(file, replaced.join("\n") + "\n").unwrap();
    line + 1
}

fn set_url(file: &Path, url: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let line = text.lines().position(|l| l.starts_with("url:")).unwrap();
    let replaced: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == line {
                format!("url: {url}")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(file, replaced.join("\n") + "\n").unwrap();
    line + 1
}

/// Appends a body line; returns its line number.
fn append(file: &Path, text: &str) -> usize {
    let mut body = std::fs::read_to_string(file).unwrap();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    body.push('\n');
    body.push_str(text);
    body.push('\n');
    std::fs::write(file, &body).unwrap();
    body.lines().count()
}

/// What each link should come to: (file, line, url, status, code, redirect_to).
struct Expected {
    file: PathBuf,
    line: usize,
    url: String,
    status: &'static str,
    code: Option<u64>,
    redirect_to: Option<String>,
}

struct Bank {
    _tmp: tempfile::TempDir,
    refused: String,
    content: PathBuf,
    cache: PathBuf,
    expected: Vec<Expected>,
}

fn bank(server: &TestServer) -> Bank {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&common::fixture("small"), &content);
    let base = format!("http://127.0.0.1:{}", server.port);
    let refused = format!("http://127.0.0.1:{}/", closed_port());
    let mut expected = Vec::new();
    let mut expect =
        |file: &str, line: usize, url: &str, status, code, redirect_to: Option<&str>| {
            expected.push(Expected {
                file: content.join(file),
                line,
                url: url.to_string(),
                status,
                code,
                redirect_to: redirect_to.map(str::to_string),
            });
        };
    let at = |file: &str| content.join(file);

    let url = format!("{base}/ok");
    let line = set_url(&at("organisations/helpline-national.md"), &url);
    expect(
        "organisations/helpline-national.md",
        line,
        &url,
        "ok",
        Some(200),
        None,
    );

    // A case study's sources are links like any other (and must be https,
    // which the test server is not: this one is refused).
    let url = format!("https://127.0.0.1:{}/source", closed_port());
    let line = set_source(&at("case-studies/consent-from-reception.md"), &url);
    expect(
        "case-studies/consent-from-reception.md",
        line,
        &url,
        "error",
        None,
        None,
    );

    let url = format!("{base}/moved");
    let line = set_url(&at("organisations/tamworth-da-service.md"), &url);
    expect(
        "organisations/tamworth-da-service.md",
        line,
        &url,
        "redirect",
        Some(301),
        Some(&format!("{base}/ok")),
    );

    let body_links = [
        (
            "resources/consent-ks2-lessons.md",
            "/gone",
            "broken",
            Some(404),
        ),
        (
            "resources/porn-ks4.md",
            "/gone-for-good",
            "broken",
            Some(410),
        ),
        ("guidance/nudes-advice.md", "/busy", "ok", Some(200)),
        (
            "organisations/staffs-da-service.md",
            "/elsewhere-for-now",
            "ok",
            Some(200),
        ),
        (
            "organisations/staffs-da-service.md",
            "/no-head",
            "ok",
            Some(200),
        ),
        ("training/dsl-training.md", "/slow", "error", None),
        // The same address in a second entry is fetched once.
        (
            "case-studies/consent-from-reception.md",
            "/ok",
            "ok",
            Some(200),
        ),
    ];
    for (file, path, status, code) in body_links {
        let url = format!("{base}{path}");
        let line = append(&at(file), &format!("More at [the page]({url})."));
        expect(file, line, &url, status, code, None);
    }
    let line = append(
        &at("resources/sexting-ks3-send.md"),
        &format!("Also <{refused}> and [email](mailto:help@example.org)."),
    );
    expect(
        "resources/sexting-ks3-send.md",
        line,
        &refused,
        "error",
        None,
        None,
    );

    Bank {
        refused,
        cache: tmp.path().join("data/links.json"),
        content,
        expected,
        _tmp: tmp,
    }
}

fn links(bank: &Bank, format: &str) -> (Output, Duration) {
    let started = Instant::now();
    let output = common::signpost()
        .args([
            "links",
            "--timeout",
            "2",
            "--format",
            format,
            "--today",
            "2026-12-01",
        ])
        .arg("--content")
        .arg(&bank.content)
        .arg("--cache")
        .arg(&bank.cache)
        .output()
        .unwrap();
    (output, started.elapsed())
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn every_verdict_with_its_file_and_line_in_every_format() {
    let server = start_server();
    let bank = bank(&server);

    // JSON: every link, with the fields the SPEC fixes.
    let (output, took) = links(&bank, "json");
    assert_eq!(output.status.code(), Some(1), "a broken link fails the run");
    // The slow page: three tries of two seconds and waits of 1 s and 2 s.
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let reports: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(reports.len(), bank.expected.len(), "{reports:#?}");
    for e in &bank.expected {
        let found = reports
            .iter()
            .find(|r| r["url"] == e.url.as_str() && r["file"] == e.file.to_str().unwrap())
            .unwrap_or_else(|| panic!("no report for {}: {reports:#?}", e.url));
        assert_eq!(found["line"].as_u64(), Some(e.line as u64), "{found}");
        assert_eq!(found["status"], e.status, "{found}");
        assert_eq!(found["code"].as_u64(), e.code, "{found}");
        assert_eq!(
            found["redirect_to"].as_str(),
            e.redirect_to.as_deref(),
            "{found}"
        );
        for key in ["file", "line", "url", "status", "code", "redirect_to"] {
            assert!(found.get(key).is_some(), "{key} missing from {found}");
        }
    }
    let message = |path: &str| {
        reports
            .iter()
            .find(|r| r["url"].as_str().unwrap().ends_with(path))
            .map(|r| r["message"].as_str().unwrap_or_default().to_string())
            .unwrap()
    };
    assert_eq!(message("/slow"), "timed out");
    assert_eq!(message(&bank.refused), "connection refused");

    // What the server saw: each address once (the 429 twice, a second
    // apart as Retry-After asked), HEAD first and GET only where HEAD was
    // refused, and the slow page tried again after it timed out.
    let hits = server.hits.lock().unwrap().clone();
    let of = |path: &str| -> Vec<(Method, Instant)> {
        hits.iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, m, t)| (m.clone(), *t))
            .collect()
    };
    assert_eq!(
        of("/ok").len(),
        3,
        "once each for /ok, /moved and /elsewhere-for-now: {hits:?}"
    );
    let busy = of("/busy");
    assert_eq!(busy.len(), 2, "{busy:?}");
    assert!(
        busy[1].1 - busy[0].1 >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!(
        of("/no-head")
            .iter()
            .map(|(m, _)| m.clone())
            .collect::<Vec<_>>(),
        [Method::HEAD, Method::GET]
    );
    assert_eq!(
        of("/gone")
            .iter()
            .map(|(m, _)| m.clone())
            .collect::<Vec<_>>(),
        [Method::HEAD, Method::GET]
    );
    assert_eq!(of("/slow").len(), 3, "two retries after a timeout");

    // The cache now answers for the day: the same report with the server
    // asked nothing.
    let before = server.hits.lock().unwrap().len();
    let (output, took) = links(&bank, "human");
    assert_eq!(output.status.code(), Some(1));
    assert!(took < Duration::from_secs(5), "from the cache: {took:?}");
    assert_eq!(
        server.hits.lock().unwrap().len(),
        before,
        "no request on a re-run the same day"
    );
    let human = stdout(&output);
    let lines: Vec<&str> = human.lines().collect();
    let problems: Vec<&Expected> = bank.expected.iter().filter(|e| e.status != "ok").collect();
    assert_eq!(lines.len(), problems.len(), "{human}");
    for e in problems {
        let prefix = format!("{}:{}: {}", e.file.display(), e.line, e.status);
        let line = lines
            .iter()
            .find(|l| l.starts_with(&prefix) && l.contains(e.url.as_str()))
            .unwrap_or_else(|| panic!("no `{prefix} … {}` in\n{human}", e.url));
        if let Some(to) = &e.redirect_to {
            assert!(line.ends_with(&format!("-> {to}")), "{line}");
        }
        if let Some(code) = e.code {
            assert!(line.contains(&format!(" {code} ")), "{line}");
        }
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("checked 11 links to 10 addresses (10 from today's cache): 5 ok, 1 redirects, 3 errors, 2 broken"),
        "{stderr}"
    );

    // GitHub: an error annotation per broken link, a warning per redirect
    // and per link that could not be checked, nothing for working links.
    let (output, _) = links(&bank, "github");
    assert_eq!(output.status.code(), Some(1));
    let github = stdout(&output);
    let annotations: Vec<&str> = github.lines().collect();
    assert_eq!(annotations.len(), 6, "{github}");
    for e in bank.expected.iter().filter(|e| e.status != "ok") {
        let level = if e.status == "broken" {
            "error"
        } else {
            "warning"
        };
        let prefix = format!(
            "::{level} file={},line={},title=signpost links::",
            e.file
                .display()
                .to_string()
                .replace(':', "%3A")
                .replace(',', "%2C"),
            e.line
        );
        assert!(
            annotations
                .iter()
                .any(|a| a.starts_with(&prefix) && a.contains(e.url.as_str())),
            "no `{prefix}` for {} in\n{github}",
            e.url
        );
    }

    // A new day checks again.
    let output = common::signpost()
        .args([
            "links",
            "--timeout",
            "2",
            "--format",
            "json",
            "--today",
            "2026-12-02",
        ])
        .arg("--content")
        .arg(&bank.content)
        .arg("--cache")
        .arg(&bank.cache)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        server.hits.lock().unwrap().len() > before,
        "re-checked the next day"
    );
}

#[test]
fn a_bank_whose_links_all_work_passes() {
    let server = start_server();
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&common::fixture("small"), &content);
    for file in [
        "organisations/helpline-national.md",
        "organisations/tamworth-da-service.md",
    ] {
        set_url(
            &content.join(file),
            &format!("http://127.0.0.1:{}/ok-again", server.port),
        );
    }
    // Its https source could not be served here.
    std::fs::remove_file(content.join("case-studies/consent-from-reception.md")).unwrap();
    let output = common::signpost()
        .args(["links", "--timeout", "2", "--content"])
        .arg(&content)
        .arg("--cache")
        .arg(tmp.path().join("links.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(stdout(&output), "", "nothing to report");
    let cache: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("links.json")).unwrap()).unwrap();
    let url = format!("http://127.0.0.1:{}/ok-again", server.port);
    assert_eq!(cache["urls"][&url]["status"], "ok", "{cache}");
}
