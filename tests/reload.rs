//! `serve --watch` under a running client: edits go live, a broken edit
//! keeps the last good index serving, and no request fails throughout.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

mod common;
use common::copy_dir;
use common::process::{get, serve, wait_until};

const NEW_ENTRY: &str = "---
title: Zebra crossing consent lessons
summary: A newly added resource.
topics: [consent]
ages: \"7-11\"
areas: [national]
reviewed: 2026-11-01
---
Lessons that use a zebra crossing as a picture of asking and waiting.
";

#[test]
fn edits_go_live_and_broken_edits_keep_the_last_good_index() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/content"),
        &content,
    );
    let (_server, port) = serve(&content, &tmp.path().join("index"), &["--watch"]);

    // A client keeps searching through every edit.
    let stop = Arc::new(AtomicBool::new(false));
    let (ok, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let client = {
        let (stop, ok, failed) = (stop.clone(), ok.clone(), failed.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match get(port, "/api/search?q=consent&key_stage=ks2") {
                    Ok((200, body)) if body.contains("\"total\"") => {
                        ok.fetch_add(1, Ordering::Relaxed)
                    }
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        })
    };
    let search = |q: &str| {
        get(port, &format!("/api/search?q={q}"))
            .map(|(_, b)| b)
            .unwrap_or_default()
    };
    let health = || get(port, "/healthz").map(|(_, b)| b).unwrap_or_default();

    // A good edit is visible within 5 s.
    std::fs::write(content.join("resources/zebra-consent.md"), NEW_ENTRY).unwrap();
    let took = wait_until("the new entry", Duration::from_secs(5), || {
        search("zebra").contains("zebra-consent")
    });
    eprintln!("new entry live after {took:?}");

    // A broken edit keeps the last good bank and is reported.
    std::fs::write(
        content.join("resources/broken.md"),
        "---\ntitle: Broken\ntopics: [consnt]\n---\n",
    )
    .unwrap();
    wait_until("the error in /healthz", Duration::from_secs(5), || {
        health().contains("consnt")
    });
    assert!(
        search("zebra").contains("zebra-consent"),
        "the last good index still serves"
    );
    assert!(health().contains("\"last_good_at\""));

    // Fixing it clears the error.
    std::fs::remove_file(content.join("resources/broken.md")).unwrap();
    wait_until("the error to clear", Duration::from_secs(5), || {
        health().contains("\"last_error\":null")
    });

    stop.store(true, Ordering::Relaxed);
    client.join().unwrap();
    assert_eq!(
        failed.load(Ordering::Relaxed),
        0,
        "requests failed during reloads"
    );
    assert!(ok.load(Ordering::Relaxed) > 10, "the client loop ran");
}

/// A service manager stops the server with SIGTERM: it finishes and exits 0.
#[cfg(unix)]
#[test]
fn serve_exits_cleanly_on_sigterm() {
    let tmp = tempfile::tempdir().unwrap();
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/content");
    let (mut server, port) = serve(&content, &tmp.path().join("index"), &[]);
    let sent = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let mut status = None;
    wait_until("the server to exit", Duration::from_secs(10), || {
        status = server.0.try_wait().unwrap();
        status.is_some()
    });
    assert!(status.unwrap().success(), "exit status {status:?}");
    assert!(get(port, "/healthz").is_err(), "nothing answers any more");
}
