//! The corpus generator's promise: every file it writes passes `signpost
//! check`. A 1,000-entry bank over the shipped taxonomy and words is written
//! to a temporary directory and checked with `content::load`, the function
//! behind `signpost check` (same errors, same exit status), on a fixed day.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use signpost::content::{self, Checked, Kind};
use signpost_tools::corpus::{self, Options, Source};

/// A fixed day: review dates count back from it, so nothing here depends on
/// the machine's date.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date")
}

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

/// Every diagnostic, one a line, for an assertion message.
fn report(checked: &Checked) -> String {
    checked
        .diagnostics
        .iter()
        .map(|d| format!("{d}\n"))
        .collect()
}

fn generate(entries: usize, out: &Path) -> corpus::Written {
    let source = Source::from_content_dir(&shipped()).expect("the shipped content");
    corpus::generate(&source, &Options::new(entries, 1, today()), out).expect("a corpus")
}

#[test]
fn a_generated_bank_of_1000_entries_passes_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("content");
    let written = generate(1000, &dir);
    assert_eq!(written.total(), 1000);
    assert_eq!(written.per_kind, corpus::kind_counts(1000));

    let checked = content::load(&dir, today());
    assert_eq!(checked.error_count(), 0, "{}", report(&checked));
    let library = checked.library.as_ref().expect("a library with no errors");
    assert_eq!(library.entries().len(), 1000);
    for (k, kind) in Kind::ALL.into_iter().enumerate() {
        let n = library.entries().iter().filter(|e| e.kind == kind).count();
        assert_eq!(n, written.per_kind[k], "{kind:?}");
    }
    // Warnings do not fail `check`, but the generator promises only the
    // few it means: entries it dates over a year ago, due for review (no
    // near-duplicates, nothing that looks un-anonymised).
    let warnings = checked.diagnostics.len();
    assert!(
        warnings <= 50
            && checked
                .diagnostics
                .iter()
                .all(|d| d.message.starts_with("due for review")),
        "{warnings} warnings on 1,000 entries:\n{}",
        report(&checked)
    );
}

#[test]
fn the_check_catches_a_bad_generated_file() {
    // The same check on the same corpus with one file broken the way a
    // generator bug would break it: the test above would fail.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("content");
    generate(20, &dir);
    let folder = dir.join(Kind::Resource.folder());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let broken = &files[0];
    let text = std::fs::read_to_string(broken).unwrap();
    let ages = text
        .lines()
        .find(|l| l.starts_with("ages: "))
        .expect("an ages line")
        .to_string();
    std::fs::write(broken, text.replacen(&ages, "ages: \"11-11\"", 1)).unwrap();

    let checked = content::load(&dir, today());
    assert!(checked.library.is_none());
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert_eq!(errors.len(), 1, "{}", report(&checked));
    assert_eq!(&errors[0].file, broken);
}
