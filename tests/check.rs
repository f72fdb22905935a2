//! `signpost check` and `signpost index` run as a process, as a coordinator
//! or CI would run them.

mod common;

use common::signpost;

#[test]
fn bad_content_prints_every_error_with_its_position() {
    let output = signpost()
        .args(["check", "--content", "tests/fixtures/bad/content"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let expected = std::fs::read_to_string("tests/fixtures/bad/expected.txt").unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    assert!(String::from_utf8_lossy(&output.stderr).contains("18 errors, 0 warnings"));
}

#[test]
fn json_format_gives_the_same_diagnostics() {
    let output = signpost()
        .args([
            "check",
            "--content",
            "tests/fixtures/bad/content",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let diagnostics: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(diagnostics.len(), 18);
    let unknown_topic = diagnostics
        .iter()
        .find(|d| d["message"] == "unknown topic `consnt`")
        .expect("unknown topic reported");
    assert_eq!(
        unknown_topic["file"],
        "tests/fixtures/bad/content/resources/unknown-topic.md"
    );
    assert_eq!(
        (
            unknown_topic["line"].as_u64(),
            unknown_topic["column"].as_u64()
        ),
        (Some(4), Some(10))
    );
    assert_eq!(unknown_topic["suggestion"], "did you mean `consent`?");
    assert_eq!(unknown_topic["severity"], "error");
}

#[test]
fn good_content_passes_with_review_warnings() {
    let output = signpost()
        .args(["check", "--content", "tests/fixtures/small/content"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.trim(),
        "tests/fixtures/small/content/case-studies/consent-from-reception.md:1:1: warning: due for review since 2025-06-01 \
         (check the entry against its source, then update `reviewed` and `review_due`)"
    );
}

#[test]
fn the_shipped_content_passes() {
    let output = signpost().args(["check"]).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn index_swaps_atomically_and_a_bad_bank_leaves_the_old_one() {
    let tmp = tempfile::tempdir().unwrap();
    let index = tmp.path().join("index");
    let index_arg = index.to_str().unwrap();
    let build = |content: &str| {
        signpost()
            .args(["index", "--content", content, "--index", index_arg])
            .output()
            .unwrap()
    };

    assert!(build("tests/fixtures/small/content").status.success());
    let first = std::fs::read_to_string(index.join("CURRENT")).unwrap();
    assert!(index.join(&first).join("meta.json").is_file());

    let failed = build("tests/fixtures/bad/content");
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("unknown topic `consnt`"));
    assert_eq!(
        std::fs::read_to_string(index.join("CURRENT")).unwrap(),
        first,
        "a bad bank must not replace a good index"
    );

    assert!(build("tests/fixtures/small/content").status.success());
    let second = std::fs::read_to_string(index.join("CURRENT")).unwrap();
    assert_ne!(first, second);
    assert!(!index.join(&first).exists(), "old versions are cleaned up");
}

#[test]
fn serve_refuses_a_bank_with_errors() {
    let output = signpost()
        .args([
            "serve",
            "--content",
            "tests/fixtures/bad/content",
            "--addr",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad-ages.md:5:1: error"), "{stderr}");
    assert!(stderr.contains("has 18 errors"), "{stderr}");
}

#[test]
fn search_from_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let output = signpost()
        .args([
            "search",
            "consent",
            "--content",
            "tests/fixtures/small/content",
            "--index",
        ])
        .arg(tmp.path())
        .args(["--key-stage", "ks2", "--json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Logs go to stderr as plain text when it is not a terminal (a file, a
    // journal, this pipe): no colour codes.
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("built a new index"), "{log}");
    assert!(!log.contains('\x1b'), "colour codes in {log:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut ids: Vec<&str> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    // The KS4 lessons mention consent but are for older pupils.
    assert_eq!(
        ids,
        [
            "consent-from-reception",
            "consent-ks2-lessons",
            "dsl-training"
        ]
    );

    // What the school did, as the API's `response`.
    let routes = signpost()
        .args([
            "search",
            "--content",
            "tests/fixtures/small/content",
            "--index",
        ])
        .arg(tmp.path())
        .args([
            "--response",
            "managed-internally",
            "--response",
            "police",
            "--json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&routes.stdout).unwrap();
    assert_eq!(json["total"], 1);
    assert_eq!(json["hits"][0]["id"], "consent-from-reception");

    let bad = signpost()
        .args([
            "search",
            "x",
            "--content",
            "tests/fixtures/small/content",
            "--index",
        ])
        .arg(tmp.path())
        .args(["--topic", "consnt"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("unknown topic `consnt` (did you mean `consent`?)")
    );
}

/// The date comes from `--today`, never the machine: far in the future every
/// shipped entry is due for review, just after the last review none is.
#[test]
fn the_review_date_is_the_one_given() {
    let count_due = |today: &str| -> (usize, usize) {
        let output = signpost()
            .args(["check", "--format", "json", "--today", today])
            .output()
            .unwrap();
        let diagnostics: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let due = diagnostics
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["message"].as_str().unwrap().contains("due for review"))
            .count();
        let entries = [
            "organisations",
            "training",
            "resources",
            "guidance",
            "case-studies",
        ]
        .iter()
        .map(|folder| {
            std::fs::read_dir(format!("content/{folder}"))
                .unwrap()
                .count()
        })
        .sum();
        (due, entries)
    };
    let (due, entries) = count_due("2040-01-01");
    assert_eq!(due, entries);
    assert_eq!(count_due("2026-12-01").0, 0);
    // The environment variable does the same, and the flag wins over it.
    let output = signpost()
        .env("SIGNPOST_TODAY", "2040-01-01")
        .args(["check", "--today", "2026-12-01"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(!String::from_utf8_lossy(&output.stdout).contains("due for review"));
}

/// What is not an entry is reported, each with its path, and nothing that
/// is not a regular file is read: a pipe named like an entry would never
/// end (the check runs as a process, so a hang fails the test).
#[test]
fn stray_files_and_folders_are_each_reported_and_pipes_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    common::copy_dir(&common::fixture("small"), &content);
    std::fs::create_dir(content.join("stray")).unwrap();
    std::fs::create_dir(content.join("resources/nested")).unwrap();
    std::fs::write(content.join("resources/nested/deeper.md"), "---\n").unwrap();
    std::fs::write(content.join("resources/notes.txt"), "scratch").unwrap();
    std::fs::write(content.join("README.md"), "# Our bank\n").unwrap();
    let pipes = ["guidance/pipe.md", "pipe"];
    #[cfg(unix)]
    for pipe in pipes {
        let made = std::process::Command::new("mkfifo")
            .arg(content.join(pipe))
            .status()
            .unwrap();
        assert!(made.success());
    }
    let mut child = signpost()
        .args(["check", "--content"])
        .arg(&content)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("the check did not finish: it read a pipe");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let at = |path: &str| format!("{}:1:1: error: ", content.join(path).display());
    let mut expected = vec![
        format!("{}`stray` is not an entry folder", at("stray")),
        format!("{}not an entry file", at("resources/nested")),
        format!("{}not an entry file", at("resources/notes.txt")),
    ];
    if cfg!(unix) {
        expected.push(format!("{}not an entry file", at(pipes[0])));
        expected.push(format!("{}`pipe` is not an entry folder", at(pipes[1])));
    }
    for line in &expected {
        assert!(stdout.contains(line.as_str()), "{line} in\n{stdout}");
    }
    assert_eq!(
        stdout.matches(": error: ").count(),
        expected.len(),
        "{stdout}"
    );
}

/// An organisation renamed under thousands of entries that name it: every
/// entry gets its error, but only the first few a suggestion, each of which
/// compares the old id with every organisation's (with 15,000
/// organisations, 114 entries naming unknown ones took 20 s to check).
#[test]
fn unknown_providers_are_each_reported_and_only_the_first_few_given_a_suggestion() {
    let (content, _tmp) = common::copy_of_fixture("small");
    let lessons =
        std::fs::read_to_string(content.join("resources/consent-ks2-lessons.md")).unwrap();
    let misnamed = lessons.replace("provider: helpline-national", "provider: helpline-nationl");
    assert_ne!(misnamed, lessons);
    for n in 0..25 {
        std::fs::write(
            content.join(format!("resources/misnamed-{n:02}.md")),
            &misnamed,
        )
        .unwrap();
    }
    let output = signpost()
        .args(["check", "--format", "json", "--content"])
        .arg(&content)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let diagnostics: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let unknown: Vec<&serde_json::Value> = (diagnostics.iter())
        .filter(|d| d["message"] == "provider `helpline-nationl` is not an organisation entry")
        .collect();
    assert_eq!(unknown.len(), 25, "{diagnostics:#?}");
    let suggested = (unknown.iter())
        .filter(|d| d["suggestion"] == "did you mean `helpline-national`?")
        .count();
    assert_eq!(suggested, 10);
}
