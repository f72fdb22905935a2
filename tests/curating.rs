//! Issue 6: the reviewer's checks, `new`, `schema` and `export`, run as a
//! process the way a coordinator or a content repository's CI runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::copy_dir;
use common::hsds::{self, validator};

fn signpost() -> Command {
    let mut command = common::signpost();
    command.env_remove("NO_COLOR");
    command
}

fn run(args: &[&str]) -> Output {
    signpost().args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const REVIEW: &str = "tests/fixtures/review/content";

#[test]
fn reviewer_checks_report_every_problem_with_its_line() {
    let output = run(&["check", "--content", REVIEW]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        !out.contains('\x1b'),
        "no colour when not a terminal: {out}"
    );
    let expected = [
        "tests/fixtures/review/content/case-studies/named-people.md:11:1: warning: case study may name a person: `Mr Smith`",
        "tests/fixtures/review/content/case-studies/named-people.md:11:29: warning: case study may name a school: `Oakfield High School`",
        "tests/fixtures/review/content/case-studies/named-people.md:14:12: warning: case study contains an email address `j.smith@oakfield.example.sch.uk`",
        "tests/fixtures/review/content/case-studies/named-people.md:14:53: warning: case study contains a phone number `01785 123456`",
        "tests/fixtures/review/content/organisations/bad-contact.md:7:1: error: `url`: `https://exa mple.org` is not a web address: it contains a space",
        "tests/fixtures/review/content/organisations/bad-contact.md:9:3: error: `contact.phone`: `0800 12 3` is not a UK phone number",
        "tests/fixtures/review/content/organisations/bad-contact.md:10:3: error: `contact.email`: `help@nowhere` is not an email address",
        "tests/fixtures/review/content/resources/consent-lessons.md:2:1: warning: near-duplicate: the title is the same as consent-lessons-copy's (tests/fixtures/review/content/resources/consent-lessons-copy.md)",
        "tests/fixtures/review/content/resources/consent-lessons.md:7:1: warning: near-duplicate: the url is the same as consent-lessons-copy's (tests/fixtures/review/content/resources/consent-lessons-copy.md)",
    ];
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{out}");
    for (line, expected) in lines.iter().zip(expected) {
        assert!(line.starts_with(expected), "{line}\n  expected {expected}");
    }
    // The helpline's own published number is not a privacy leak.
    assert!(!out.contains("0808 800 5000"), "{out}");
    // Nor is "The Academy trust" a named school.
    assert!(!out.contains("The Academy"), "{out}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("3 errors, 6 warnings"));
}

#[test]
fn json_and_github_formats() {
    let output = run(&["check", "--content", REVIEW, "--format", "json"]);
    let diagnostics: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(diagnostics.len(), 9);
    let person = diagnostics
        .iter()
        .find(|d| d["message"] == "case study may name a person: `Mr Smith`")
        .unwrap();
    assert_eq!(person["severity"], "warning");
    assert_eq!(
        (person["line"].as_u64(), person["column"].as_u64()),
        (Some(11), Some(1))
    );

    let output = run(&["check", "--content", REVIEW, "--format", "github"]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{out}"
    );
    assert!(out.contains(
        "::error file=tests/fixtures/review/content/organisations/bad-contact.md,line=10,col=3,title=signpost check::`contact.email`: `help@nowhere` is not an email address"
    ), "{out}");
    assert!(out.contains(
        "::warning file=tests/fixtures/review/content/case-studies/named-people.md,line=11,col=1,title=signpost check::case study may name a person: `Mr Smith`"
    ), "{out}");
}

/// A copy of the review fixture without its errors, so warnings decide.
fn warnings_only() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(Path::new(REVIEW), &tmp.path().join("content"));
    std::fs::remove_file(tmp.path().join("content/organisations/bad-contact.md")).unwrap();
    tmp
}

#[test]
fn strict_makes_warnings_fail() {
    let tmp = warnings_only();
    let content = tmp.path().join("content");
    let content = content.to_str().unwrap();
    let lenient = run(&["check", "--content", content]);
    assert_eq!(lenient.status.code(), Some(0), "{}", stdout(&lenient));
    assert!(stdout(&lenient).contains(": warning: "));
    let strict = run(&["check", "--content", content, "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(!stdout(&strict).contains(": warning: "));
    assert!(stdout(&strict).contains(": error: case study may name a person"));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn changed_since_reports_only_changed_files_but_keeps_cross_entry_rules() {
    let tmp = warnings_only();
    let root = tmp.path();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "bank"]);
    let content = root.join("content");
    let content_arg = content.to_str().unwrap();

    let nothing = run(&[
        "check",
        "--content",
        content_arg,
        "--changed-since",
        "HEAD",
        "--strict",
    ]);
    assert_eq!(nothing.status.code(), Some(0), "{}", stdout(&nothing));
    assert_eq!(stdout(&nothing), "");

    // A new, untracked entry duplicating a committed one's title: reported,
    // though the other file is unchanged.
    let added = content.join("resources/ks2-consent.md");
    std::fs::write(
        &added,
        std::fs::read_to_string(content.join("resources/consent-lessons.md"))
            .unwrap()
            .replace(
                "https://www.lessons.example.org.uk/consent",
                "https://other.example.org.uk/",
            ),
    )
    .unwrap();
    let output = run(&[
        "check",
        "--content",
        content_arg,
        "--changed-since",
        "HEAD",
        "--format",
        "json",
    ]);
    let diagnostics: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["file"], added.to_str().unwrap());
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("near-duplicate: the title")
    );

    // A committed edit is seen too; an unknown revision is an error.
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "add"]);
    let output = run(&[
        "check",
        "--content",
        content_arg,
        "--changed-since",
        "HEAD~1",
    ]);
    assert_eq!(stdout(&output).lines().count(), 1, "{}", stdout(&output));
    let bad = run(&[
        "check",
        "--content",
        content_arg,
        "--changed-since",
        "no-such-rev",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no-such-rev"));
}

/// Uncomments every optional field of a template and fills the required
/// ones, as a coordinator would.
fn fill(template: &str, title: &str, with_options: bool) -> String {
    let mut out = String::new();
    for line in template.lines() {
        let uncommented = line.strip_prefix("# ").filter(|rest| {
            // A list item's first field too: `#   - title: …`.
            let key = rest.trim_start();
            let key = key.strip_prefix("- ").unwrap_or(key);
            key.split_once(':').is_some_and(|(k, _)| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            })
        });
        let line = match uncommented {
            Some(rest) if with_options => rest.to_string(),
            _ => line.to_string(),
        };
        let line = match line.as_str() {
            "title: \"\"" => format!("title: {title}"),
            "summary: \"\"" => "summary: What it is and who it is for.".to_string(),
            "topics: []" => "topics: [consent]".to_string(),
            "ages: \"\"" => "ages: \"7-11\"".to_string(),
            "areas: []" => "areas: [staffordshire]".to_string(),
            "  - title: \"\"" => "  - title: A public document".to_string(),
            "    url: \"\"" => "    url: https://www.example.org/document".to_string(),
            _ => line,
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn new_writes_an_explained_entry_that_check_guides_to_completion() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(Path::new("tests/fixtures/small/content"), &content);
    // The fixture's one case study is past its review date.
    std::fs::remove_dir_all(content.join("case-studies")).unwrap();
    let content_arg = content.to_str().unwrap();

    for (kind, id, folder) in [
        ("organisation", "new-org", "organisations"),
        ("training", "new-course", "training"),
        ("resource", "new-lessons", "resources"),
        ("guidance", "new-guidance", "guidance"),
        ("case-study", "new-case", "case-studies"),
    ] {
        let output = run(&["new", kind, id, "--content", content_arg]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let path: PathBuf = content.join(folder).join(format!("{id}.md"));
        let template = std::fs::read_to_string(&path).unwrap();
        let case_study_only = signpost::content::CASE_STUDY_FIELDS;
        for field in signpost::content::FIELDS {
            if kind != "case-study" && case_study_only.contains(&field) {
                assert!(!template.contains(&format!("{field}:")), "{kind}: {field}");
                continue;
            }
            assert!(
                template.contains(&format!("\n{field}:"))
                    || template.contains(&format!("\n# {field}:")),
                "{kind}: {field} missing\n{template}"
            );
        }
        assert!(template.lines().filter(|l| l.starts_with('#')).count() >= 16);
        if kind == "case-study" {
            for section in ["Situation", "Response", "Outcome", "Learning"] {
                assert!(template.contains(&format!("## {section}")), "{template}");
            }
        }

        // As written, check points at each required field still empty.
        let output = run(&["check", "--content", content_arg]);
        assert_eq!(output.status.code(), Some(1));
        let out = stdout(&output);
        for message in [
            "`title` is empty",
            "`summary` is empty",
            "`topics` needs at least one value",
            "`areas` needs at least one value",
            "not an age range",
        ] {
            assert!(out.contains(message), "{kind}: {message}\n{out}");
        }
        if kind == "case-study" {
            for message in ["source 1 has no `title`", "source 1 has no `url`"] {
                assert!(out.contains(message), "{kind}: {message}\n{out}");
            }
        }

        // Filled in, it passes; with every optional example uncommented too.
        std::fs::write(&path, fill(&template, id, false)).unwrap();
        let output = run(&["check", "--content", content_arg, "--strict"]);
        assert!(output.status.success(), "{kind}: {}", stdout(&output));
        std::fs::write(&path, fill(&template, id, true)).unwrap();
        let output = run(&["check", "--content", content_arg, "--strict"]);
        assert!(
            output.status.success(),
            "{kind}: {}\n{}",
            stdout(&output),
            fill(&template, id, true)
        );
    }

    let again = run(&["new", "resource", "new-org", "--content", content_arg]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let bad = run(&["new", "resource", "Bad_Id", "--content", content_arg]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a valid id"));
    let kind = run(&["new", "leaflet", "x", "--content", content_arg]);
    assert_eq!(kind.status.code(), Some(2));
}

/// The shipped entries' front matter, as YAML turned JSON.
fn front_matters(dir: &Path) -> Vec<(PathBuf, Value)> {
    let mut out = Vec::new();
    for folder in std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
    {
        for file in std::fs::read_dir(folder.path()).unwrap().flatten() {
            let text = std::fs::read_to_string(file.path()).unwrap();
            let yaml = text
                .strip_prefix("---\n")
                .unwrap()
                .split("\n---\n")
                .next()
                .unwrap();
            let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
            out.push((file.path(), serde_json::to_value(value).unwrap()));
        }
    }
    out
}

#[test]
fn schema_accepts_the_shipped_bank_and_flags_mistakes() {
    let output = run(&["schema"]);
    assert!(output.status.success());
    let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["summary"]["maxLength"], 280);
    let topics = schema["properties"]["topics"]["items"]["enum"]
        .as_array()
        .unwrap();
    assert!(topics.contains(&"sharing-nudes".into()));
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        required,
        ["title", "summary", "topics", "ages", "areas", "reviewed"]
    );

    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let entries = front_matters(Path::new("content"));
    assert!(entries.len() > 100);
    for (path, value) in &entries {
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
    let (_, good) = &entries[0];
    for (key, bad) in [
        ("topics", serde_json::json!(["consnt"])),
        ("ages", "5 to 11".into()),
        ("reviewed", "23/11/2026".into()),
        ("summary", "x".repeat(281).into()),
        ("colour", "red".into()),
        ("url", "www.example.org".into()),
        (
            "sources",
            serde_json::json!([{"title": "A", "url": "http://www.example.org/"}]),
        ),
        (
            "sources",
            serde_json::json!([{"url": "https://www.example.org/"}]),
        ),
        ("sources", serde_json::json!([])),
        ("illustrative", "yes".into()),
        ("response", serde_json::json!(["polise"])),
    ] {
        let mut value = good.clone();
        value[key] = bad;
        assert!(!validator.is_valid(&value), "{key}");
    }
}

#[test]
fn export_json_and_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let json_path = tmp.path().join("bank.json");
    let output = run(&[
        "export",
        "--format",
        "json",
        "--out",
        json_path.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let entries: Vec<Value> = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert!(entries.len() > 100);
    let childline = entries.iter().find(|e| e["id"] == "childline").unwrap();
    for field in [
        "title",
        "summary",
        "topics",
        "ages",
        "areas",
        "url",
        "contact",
        "reviewed",
        "review_due",
        "body_html",
    ] {
        assert!(!childline[field].is_null(), "{field}");
    }

    let output = run(&["export", "--format", "csv"]);
    assert!(output.status.success());
    let bytes = output.stdout;
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 byte order mark"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "id");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), entries.len());
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let childline = rows.iter().find(|r| &r[0] == "childline").unwrap();
    assert_eq!(&childline[column("phone")], "0800 1111");
    assert!(childline[column("topics")].contains("; "));
    assert!(rows.iter().all(|r| r.len() == headers.len()));

    // A case study's sources, label and routes, in both exports.
    let library = common::library(Path::new("content"));
    let case = library
        .entries()
        .iter()
        .find(|e| e.illustrative && e.sources.len() > 1 && e.response.len() > 1)
        .expect("an illustrative case study with sources and routes");
    let json = entries
        .iter()
        .find(|e| e["id"] == case.id.as_str())
        .unwrap();
    assert_eq!(json["illustrative"], true);
    assert_eq!(json["response"], serde_json::json!(case.response));
    assert_eq!(json["sources"][1]["url"], case.sources[1].url);
    let row = rows.iter().find(|r| &r[0] == case.id.as_str()).unwrap();
    let sources: Vec<String> = case
        .sources
        .iter()
        .map(|s| format!("{} <{}>", s.title, s.url))
        .collect();
    assert_eq!(&row[column("sources")], sources.join("\n"));
    assert_eq!(&row[column("illustrative")], "true");
    assert_eq!(&row[column("response")], case.response.join("; "));
    assert_eq!(&childline[column("sources")], "");
}

#[test]
fn open_referral_export_validates_against_the_hsds_schemas() {
    let output = run(&["export", "--format", "openreferral"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let export: Value = serde_json::from_slice(&output.stdout).unwrap();
    let organisations = export.as_array().unwrap();
    assert!(organisations.len() > 20);

    // The whole export: a package (array) of compiled organizations.
    let package = validator("compiled/organization_package.json");
    let errors = hsds::errors(&package, &export);
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator is strict: an unknown field or a bad id fails it.
    let mut broken = export.clone();
    broken[0]["colour"] = "red".into();
    assert!(!package.is_valid(&broken));
    let mut broken = export.clone();
    broken[0]["services"][0]["id"] = "childline".into();
    assert!(!package.is_valid(&broken));

    // Each service again against the modular service.json, whose `$ref`s
    // (phone.json, service_area.json, …) load from the local files.
    let service = validator("service.json");
    let mut services = 0;
    for org in organisations {
        assert!(org["id"].as_str().unwrap().len() == 36);
        for s in org["services"].as_array().unwrap() {
            services += 1;
            assert_eq!(s["organization_id"], org["id"]);
            let errors = hsds::errors(&service, s);
            assert!(errors.is_empty(), "{}: {errors:#?}", s["name"]);
        }
    }
    assert!(
        services > organisations.len(),
        "organisations carry the training and resources they provide"
    );

    let childline = organisations
        .iter()
        .find(|o| o["name"] == "Childline")
        .unwrap();
    let nspcc = organisations
        .iter()
        .find(|o| o["name"].as_str().unwrap().starts_with("NSPCC"))
        .unwrap();
    assert_eq!(childline["parent_organization_id"], nspcc["id"]);
    assert_eq!(childline["phones"][0]["number"], "0800 1111");
    assert_eq!(childline["website"], "https://www.childline.org.uk/");
    assert!(
        childline["services"][0]["service_areas"]
            .as_array()
            .unwrap()
            .len()
            == 1
    );

    // Ids are stable from one export to the next.
    let again: Value =
        serde_json::from_slice(&run(&["export", "--format", "openreferral"]).stdout).unwrap();
    assert_eq!(again, export);
}
