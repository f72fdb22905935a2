//! `signpost review`: the queue on fixed dates, in both formats, with link
//! status from the link cache; and the "Due for review" section of
//! `/coverage`.

mod common;

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::Request;
use chrono::NaiveDate;
use common::copy_dir;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Every entry gets its own `review_due`; those not named are far off.
fn bank_with_due_dates(dir: &Path) -> PathBuf {
    let content = dir.join("content");
    copy_dir(&common::fixture("small"), &content);
    let due = [
        ("case-studies/consent-from-reception.md", "2025-06-01"),
        ("guidance/nudes-advice.md", "2026-12-01"),
        ("resources/porn-ks4.md", "2026-12-20"),
        ("organisations/helpline-national.md", "2027-01-30"),
        ("training/dsl-training.md", "2027-01-31"),
    ];
    for folder in [
        "case-studies",
        "guidance",
        "organisations",
        "resources",
        "training",
    ] {
        for file in std::fs::read_dir(content.join(folder)).unwrap().flatten() {
            let name = format!("{folder}/{}", file.file_name().to_string_lossy());
            let date = due
                .iter()
                .find(|(f, _)| *f == name)
                .map_or("2027-06-01", |(_, d)| *d);
            let text = std::fs::read_to_string(file.path()).unwrap();
            let text: Vec<String> = text
                .lines()
                .filter(|l| !l.starts_with("review_due:"))
                .map(|l| {
                    if l.starts_with("reviewed:") {
                        format!("{l}\nreview_due: {date}")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            std::fs::write(file.path(), text.join("\n") + "\n").unwrap();
        }
    }
    content
}

fn review(content: &Path, cache: &Path, args: &[&str]) -> std::process::Output {
    common::signpost()
        .arg("review")
        .arg("--content")
        .arg(content)
        .arg("--cache")
        .arg(cache)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_queue_lists_exactly_the_entries_due_oldest_first() {
    let tmp = tempfile::tempdir().unwrap();
    let content = bank_with_due_dates(tmp.path());
    let cache = tmp.path().join("no-cache.json");
    let output = review(
        &content,
        &cache,
        &[
            "--today",
            "2026-12-01",
            "--within",
            "60",
            "--format",
            "json",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let queue: Value = serde_json::from_slice(&output.stdout).unwrap();
    let file = |f: &str| content.join(f).to_string_lossy().into_owned();
    assert_eq!(
        queue,
        json!([
            {"id": "consent-from-reception", "file": file("case-studies/consent-from-reception.md"),
             "title": "Consent taught from Reception",
             "review_due": "2025-06-01", "overdue": true},
            {"id": "nudes-advice", "file": file("guidance/nudes-advice.md"),
             "title": queue[1]["title"], "review_due": "2026-12-01", "overdue": false},
            {"id": "porn-ks4", "file": file("resources/porn-ks4.md"),
             "title": queue[2]["title"], "review_due": "2026-12-20", "overdue": false},
            {"id": "helpline-national", "file": file("organisations/helpline-national.md"),
             "title": "National children's helpline", "review_due": "2027-01-30", "overdue": false},
        ]),
        "due on 2027-01-30 is within 60 days of 2026-12-01, 2027-01-31 is not"
    );

    // A week later the guidance has become overdue, and a shorter window
    // leaves out what is further off.
    let output = review(
        &content,
        &cache,
        &["--today", "2026-12-08", "--within", "7", "--format", "json"],
    );
    let queue: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let ids: Vec<(&str, bool)> = queue
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d["overdue"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        ids,
        [("consent-from-reception", true), ("nudes-advice", true)]
    );

    // The date can come from the environment, as the SPEC allows.
    let output = common::signpost()
        .env("SIGNPOST_TODAY", "2025-05-01")
        .args(["review", "--format", "json", "--content"])
        .arg(&content)
        .arg("--cache")
        .arg(&cache)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "[]");
}

#[test]
fn human_output_says_how_overdue_and_shows_the_worst_link() {
    let tmp = tempfile::tempdir().unwrap();
    let content = bank_with_due_dates(tmp.path());
    let cache = tmp.path().join("links.json");
    std::fs::write(
        &cache,
        json!({"urls": {"https://example.org/helpline": {
            "checked": "2026-11-30", "status": "broken", "code": 404,
            "redirect_to": null, "message": null}}})
        .to_string(),
    )
    .unwrap();
    let output = review(
        &content,
        &cache,
        &["--today", "2026-12-01", "--within", "60"],
    );
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let at = |f: &str| content.join(f).display().to_string();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert_eq!(
        lines[0],
        format!(
            "{}: 2025-06-01 overdue by 548 days: Consent taught from Reception",
            at("case-studies/consent-from-reception.md")
        )
    );
    assert!(
        lines[1].starts_with(&format!(
            "{}: 2026-12-01 due today: ",
            at("guidance/nudes-advice.md")
        )),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains(" due in 19 days: "), "{}", lines[2]);
    assert_eq!(
        lines[3],
        format!(
            "{}: 2027-01-30 due in 60 days: National children's helpline [links: broken]",
            at("organisations/helpline-national.md")
        )
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("4 entries due for review by 2027-01-30 (1 overdue)"),
        "{stderr}"
    );

    let output = review(
        &content,
        &cache,
        &[
            "--today",
            "2026-12-01",
            "--within",
            "60",
            "--format",
            "json",
        ],
    );
    let queue: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(queue[3]["links"], "broken");
    assert!(queue[0].get("links").is_none(), "no cached link for it");
}

#[tokio::test]
async fn the_coverage_page_shows_what_is_due_for_review() {
    let tmp = tempfile::tempdir().unwrap();
    let content = bank_with_due_dates(tmp.path());
    let (live, _index) = common::live(&content);
    let today = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
    let app = signpost::web::router(signpost::web::AppState::new(
        live,
        signpost::clock::Clock::Fixed(today),
    ));
    let response = app
        .oneshot(
            Request::builder()
                .uri("/coverage")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let html = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    let section = &html[html
        .find("Due for review")
        .expect("a Due for review section")..];
    assert!(
        section.contains("3 entries are due for review in the next 30 days or overdue (2 overdue)"),
        "{section}"
    );
    let consent = section
        .find("href=\"/entries/consent-from-reception\"")
        .unwrap();
    let nudes = section.find("href=\"/entries/nudes-advice\"").unwrap();
    let porn = section.find("href=\"/entries/porn-ks4\"").unwrap();
    assert!(consent < nudes && nudes < porn, "oldest first");
    assert!(
        section.contains("overdue</strong> since 1 June 2025"),
        "{section}"
    );
    assert!(!section.contains("helpline-national"), "due in 51 days");

    // Before anything is overdue, none is said to be.
    let (live, _index) = common::live(&content);
    let today = NaiveDate::from_ymd_opt(2025, 5, 20).unwrap();
    let app = signpost::web::router(signpost::web::AppState::new(
        live,
        signpost::clock::Clock::Fixed(today),
    ));
    let response = app
        .oneshot(
            Request::builder()
                .uri("/coverage")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let html = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(
        html.contains("1 entry is due for review in the next 30 days. Oldest first:"),
        "{html}"
    );
}
