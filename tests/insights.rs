//! Search statistics end to end: searches through the router (API and
//! HTML page) over several days, then `signpost insights`; and `serve
//! --data` as a process. Every privacy rule of docs/privacy.md is checked
//! against the bytes on disk.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use serde_json::Value;
use signpost::clock::Clock;
use signpost::insights::Recorder;
use signpost::web::{AppState, router};
use tower::ServiceExt;

fn day(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

/// Every byte of every file under `dir`, with the file's name.
fn every_file(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(every_file(&path));
        } else {
            files.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    files
}

/// Panics if any file under `dir` holds `needle`, in any letter case.
fn assert_nowhere(dir: &Path, needle: &str) {
    let needle = needle.to_lowercase();
    for (path, bytes) in every_file(dir) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        assert!(
            !text.contains(&needle),
            "`{needle}` found in {}",
            path.display()
        );
        // SQLite may store text as UTF-16 in some databases; check that too.
        let wide: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let lower: Vec<u8> = bytes.iter().map(u8::to_ascii_lowercase).collect();
        assert!(
            !lower.windows(wide.len()).any(|w| w == wide.as_slice()),
            "`{needle}` (UTF-16) in {}",
            path.display()
        );
    }
}

fn assert_somewhere(dir: &Path, needle: &str) {
    assert!(
        every_file(dir)
            .iter()
            .any(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle)),
        "`{needle}` not recorded"
    );
}

/// A day of searches through the router: the app as it runs, with the
/// date fixed and the shared recorder.
struct Day {
    router: axum::Router,
    _index: tempfile::TempDir,
}

impl Day {
    fn new(recorder: &Arc<Recorder>, today: &str) -> Day {
        let (live, index) = common::live(&common::fixture("small"));
        let state =
            AppState::new(live, Clock::Fixed(day(today))).with_insights(Arc::clone(recorder));
        Day {
            router: router(state),
            _index: index,
        }
    }

    async fn get(&self, uri: &str) -> StatusCode {
        let response = self
            .router
            .clone()
            .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        response.status()
    }

    async fn search(&self, q: &str, times: usize) {
        let q = form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
        for _ in 0..times {
            assert_eq!(
                self.get(&format!("/api/search?q={q}")).await,
                StatusCode::OK
            );
        }
    }
}

fn insights(data: &Path, today: &str, extra: &[&str]) -> Value {
    let output = common::signpost()
        .args(["insights", "--format", "json", "--today", today, "--data"])
        .arg(data)
        .args(extra)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

fn queries(window: &Value, list: &str) -> Vec<(String, u64, u64)> {
    window[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let count = if list == "found_nothing" {
                &s["found_nothing"]
            } else {
                &s["searches"]
            };
            (
                s["query"].as_str().unwrap().to_string(),
                count.as_u64().unwrap(),
                s["days"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_over_several_days_are_reported_and_nothing_personal_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let recorder = Arc::new(Recorder::start(&data, 90, day("2026-11-01")).unwrap());

    // Day 1: a name typed ten times (and once on the HTML page), contact
    // details and addresses, a filter, a search that finds nothing, and
    // page 2 of a search (not another search).
    let d1 = Day::new(&recorder, "2026-11-01");
    d1.search("Jake Smith sexting", 10).await;
    assert_eq!(d1.get("/search?q=Jake+Smith+sexting").await, StatusCode::OK);
    d1.search(
        "sexting jake.smith@example.com 07700 900123 https://example.net/jake ST16 3QE",
        1,
    )
    .await;
    d1.search("consent lessons", 1).await;
    d1.search("chess club", 1).await;
    assert_eq!(d1.get("/api/search?topic=consent").await, StatusCode::OK);
    assert_eq!(
        d1.get("/api/search?q=consent&per_page=1&page=2").await,
        StatusCode::OK
    );
    // Refused requests are not searches.
    assert_eq!(
        d1.get("/api/search?topic=consnt").await,
        StatusCode::BAD_REQUEST
    );

    // Days 2 and 3: the same search twice more, the filter, the empty
    // search; "consent lessons" only once more (two days in all).
    for (date, again) in [("2026-11-02", true), ("2026-11-09", false)] {
        let d = Day::new(&recorder, date);
        d.search("Jake Smith sexting", 1).await;
        d.search("chess club", 2).await;
        assert_eq!(d.get("/search?topic=consent").await, StatusCode::OK);
        if again {
            d.search("consent lessons", 1).await;
        }
    }
    recorder.close();

    // Nothing that could identify anyone reached the disk.
    for word in [
        "jake",
        "smith",
        "07700",
        "900123",
        "example.com",
        "example.net",
        "st16",
        "3qe",
        // One byte of `@` is bound to occur in a binary file.
        "@example",
    ] {
        assert_nowhere(&data, word);
    }
    assert_somewhere(&data, "sexting");

    let report = insights(&data, "2026-11-10", &[]);
    let w30 = &report["windows"][0];
    assert_eq!(w30["days"], 30);
    assert_eq!(w30["from"], "2026-10-12");
    assert_eq!(w30["to"], "2026-11-10");
    // 11 + 1 + 1 searches of "Jake Smith sexting" and the one with contact
    // details, all kept as "sexting"; "consent" on page 2 is not counted.
    let most = queries(w30, "searches");
    assert_eq!(
        most,
        [
            ("sexting".to_string(), 14, 3),
            ("chess club".to_string(), 5, 3)
        ],
        "consent lessons was searched on two days only"
    );
    let nothing = queries(w30, "found_nothing");
    assert_eq!(nothing, [("chess club".to_string(), 5, 3)]);
    let filters = w30["filters"].as_array().unwrap();
    assert_eq!(filters.len(), 1, "{filters:?}");
    assert_eq!(
        (
            &filters[0]["facet"],
            &filters[0]["value"],
            &filters[0]["uses"]
        ),
        (&"topic".into(), &"consent".into(), &3.into())
    );
    assert_eq!(report["windows"][1]["days"], 90);

    // Every day recorded is a date, and nothing finer than a day exists.
    let db = rusqlite::Connection::open(data.join(signpost::insights::FILE_NAME)).unwrap();
    let columns: Vec<String> = db
        .prepare("SELECT name FROM pragma_table_info('searches') UNION ALL SELECT name FROM pragma_table_info('filters')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        columns,
        [
            "day",
            "query",
            "searches",
            "found_nothing",
            "day",
            "facet",
            "value",
            "uses"
        ]
    );
    let days: Vec<String> = db
        .prepare(
            "SELECT DISTINCT day FROM searches UNION SELECT DISTINCT day FROM filters ORDER BY 1",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(days, ["2026-11-01", "2026-11-02", "2026-11-09"]);
    drop(db);

    // The human report says the same.
    let output = common::signpost()
        .args(["insights", "--today", "2026-11-10", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&output.stdout);
    assert!(
        human.contains("Last 30 days (2026-10-12 to 2026-11-10)"),
        "{human}"
    );
    assert!(human.contains("    14  sexting  (3 days)"), "{human}");
    assert!(human.contains("     5  chess club  (3 days)"), "{human}");
    assert!(human.contains("     3  topic=consent  (3 days)"), "{human}");

    // Retention: with 5 days kept, on 2026-11-10 only the 9th survives, so
    // nothing has three days any more, and the older rows are gone.
    let report = insights(&data, "2026-11-10", &["--retention-days", "5"]);
    assert_eq!(queries(&report["windows"][1], "searches"), []);
    let db = rusqlite::Connection::open(data.join(signpost::insights::FILE_NAME)).unwrap();
    let oldest: Option<String> = db
        .query_row("SELECT MIN(day) FROM searches", [], |r| r.get(0))
        .unwrap();
    assert_eq!(oldest.as_deref(), Some("2026-11-09"));
    // Deleted rows are overwritten, not left in free pages.
    drop(db);
    let bytes: Vec<u8> = every_file(&data).into_iter().flat_map(|(_, b)| b).collect();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains("2026-11-01"),
        "a deleted day is still on disk"
    );
}

#[test]
fn insights_without_statistics_is_an_empty_report() {
    let tmp = tempfile::tempdir().unwrap();
    let report = insights(&tmp.path().join("none"), "2026-11-10", &[]);
    assert_eq!(report["windows"][0]["searches"], Value::Array(vec![]));
    assert!(!tmp.path().join("none").exists(), "reading creates nothing");
}

// ------------------------------------------------------------ serve --data

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 GET with the headers a browser sends; the status.
fn get(port: u16, path: &str) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: Mozilla/5.0 (Signposttestbrowser)\r\n\
         Cookie: session=cookievalue42\r\nX-Forwarded-For: 203.0.113.77\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn serve(data: &Path, index: &Path, today: &str) -> (Server, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server(
        common::signpost()
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--today",
                today,
            ])
            .arg("--content")
            .arg(common::fixture("small"))
            .arg("--index")
            .arg(index)
            .arg("--data")
            .arg(data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_until("the server", Duration::from_secs(20), || {
        TcpStream::connect(("127.0.0.1", port)).is_ok() && get(port, "/healthz") == 200
    });
    (server, port)
}

fn stop(mut server: Server) {
    let sent = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let mut status = None;
    wait_until("the server to stop", Duration::from_secs(10), || {
        status = server.0.try_wait().unwrap();
        status.is_some()
    });
    assert!(status.unwrap().success());
}

fn rows(data: &Path) -> i64 {
    rusqlite::Connection::open(data.join(signpost::insights::FILE_NAME))
        .and_then(|db| {
            db.query_row("SELECT COALESCE(SUM(searches), 0) FROM searches", [], |r| {
                r.get(0)
            })
        })
        .unwrap_or(0)
}

#[cfg(unix)]
#[test]
fn serve_writes_counts_every_few_seconds_and_on_shutdown() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let index = tmp.path().join("index");
    for (i, date) in ["2026-11-01", "2026-11-05", "2026-11-20"]
        .into_iter()
        .enumerate()
    {
        let (server, port) = serve(&data, &index, date);
        assert_eq!(
            get(port, "/api/search?q=consent+lessons&topic=consent"),
            200
        );
        if i == 0 {
            // Written within a few seconds while the server runs on.
            wait_until("the first write", Duration::from_secs(6), || {
                rows(&data) == 1
            });
        }
        assert_eq!(get(port, "/search?q=Ms+Patel+consent+lessons"), 200);
        // Stopped at once: the pending count is written on the way out.
        stop(server);
        assert_eq!(rows(&data), 2 * (i as i64 + 1));
    }
    for needle in [
        "127.0.0.1",
        "203.0.113.77",
        "signposttestbrowser",
        "mozilla",
        "cookievalue42",
        "patel",
    ] {
        assert_nowhere(&data, needle);
    }
    let output = common::signpost()
        .args([
            "insights",
            "--format",
            "json",
            "--today",
            "2026-11-20",
            "--data",
        ])
        .arg(&data)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        queries(&report["windows"][0], "searches"),
        [("consent lessons".to_string(), 6, 3)]
    );
}

/// Recording never waits for the disk: a burst far beyond the channel's
/// capacity is handed over at once, and every record is either counted or
/// counted as dropped.
#[test]
fn a_burst_of_searches_never_waits_for_the_writer() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (live, _index) = common::live(&common::fixture("small"));
    let live = Arc::new(live);
    let recorder = Recorder::start(&data, 90, day("2026-11-01")).unwrap();
    let total = 20 * signpost::insights::CHANNEL_CAPACITY;
    let started = Instant::now();
    for _ in 0..total {
        recorder.record(signpost::insights::SearchRecord {
            day: day("2026-11-01"),
            query: "consent lessons".into(),
            filters: Vec::new(),
            found_nothing: false,
            bank: Arc::clone(&live),
        });
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(2),
        "{total} records took {took:?}"
    );
    let dropped = recorder.dropped();
    recorder.close();
    let written = rows(&data);
    assert_eq!(
        written as u64 + dropped,
        total as u64,
        "written {written}, dropped {dropped}"
    );
}
