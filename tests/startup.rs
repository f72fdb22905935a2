//! Starting on a current index (issue 15): `serve` and `search` open the
//! index version without reading and checking every file when the content
//! files are the ones it was built from, and any change is still noticed.

mod common;

use std::path::Path;

use common::signpost;

/// Runs `signpost search QUERY` on the bank; the ids and titles found (none
/// when it fails) and the log.
fn search(content: &Path, index: &Path, query: &str) -> (Option<Vec<String>>, String) {
    let output = signpost()
        .args(["search", query, "--json", "--content"])
        .arg(content)
        .arg("--index")
        .arg(index)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return (None, log);
    }
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let ids = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}: {}",
                h["id"].as_str().unwrap(),
                h["title"].as_str().unwrap()
            )
        })
        .collect();
    (Some(ids), log)
}

fn current(index: &Path) -> String {
    std::fs::read_to_string(index.join("CURRENT")).unwrap()
}

/// Rewrites a file, then gives it back its old modification time, as
/// `cp -p` or `rsync -t` would: only the change time and the bytes differ.
fn rewrite_keeping_mtime(path: &Path, text: &str) {
    let mtime = std::fs::metadata(path).unwrap().modified().unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
}

#[test]
fn a_current_index_opens_without_a_check_and_every_edit_is_noticed() {
    let (content, tmp) = common::copy_of_fixture("small");
    let index = tmp.path().join("index");
    let built = signpost()
        .args(["index", "--content"])
        .arg(&content)
        .arg("--index")
        .arg(&index)
        .output()
        .unwrap();
    assert!(built.status.success());
    let version = current(&index);

    // Unchanged: the version's snapshot is opened, nothing is rebuilt.
    let (ids, log) = search(&content, &index, "helpline");
    let national = "helpline-national: National children's helpline".to_string();
    assert!(ids.unwrap().contains(&national));
    assert!(log.contains("the index is current"), "{log}");
    assert_eq!(current(&index), version);

    // The same bytes written again (a checkout, a touch): still current.
    let file = content.join("organisations/helpline-national.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &text).unwrap();
    let (_, log) = search(&content, &index, "helpline");
    assert!(log.contains("the index is current"), "{log}");
    assert_eq!(current(&index), version);

    // An edit of the same size that keeps the old modification time.
    let edited = text.replace(
        "National children's helpline",
        "National children's lifeline",
    );
    assert_eq!(edited.len(), text.len());
    rewrite_keeping_mtime(&file, &edited);
    let (ids, log) = search(&content, &index, "lifeline");
    assert_eq!(
        ids.unwrap()[0],
        "helpline-national: National children's lifeline"
    );
    assert!(log.contains("built a new index"), "{log}");
    let version = current(&index);

    // A bad edit is checked, refused, and the index left as it was.
    rewrite_keeping_mtime(
        &file,
        &edited.replace("reporting-disclosure", "reporting-disclosur"),
    );
    let (ids, log) = search(&content, &index, "lifeline");
    assert!(ids.is_none(), "a bank with errors must not be searched");
    assert!(log.contains("unknown topic"), "{log}");
    assert_eq!(current(&index), version);

    // A new file, even a stray one, makes the content be checked.
    std::fs::write(&file, &edited).unwrap();
    std::fs::write(content.join("notes.txt"), "scratch").unwrap();
    let (ids, log) = search(&content, &index, "lifeline");
    assert!(ids.is_none(), "a stray file is an error of the bank");
    assert!(log.contains("not an entry folder"), "{log}");
}
