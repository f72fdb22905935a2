//! The shipped bank holds what issues 3 and 14 promise: enough entries of
//! each kind, every key stage, topic and SEND covered, organisations
//! reachable, case studies complete, anonymised and sourced, with every route
//! of what a school did and every phase among them.

mod common;

use std::path::Path;

use signpost::content::{CASE_STUDY_SECTIONS, Entry, Kind, Library};
use signpost::taxonomy::{KEY_STAGES, RESPONSES};

fn bank() -> Library {
    common::library(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content"))
}

fn of_kind(library: &Library, kind: Kind) -> Vec<&Entry> {
    library
        .entries()
        .iter()
        .filter(|e| e.kind == kind)
        .collect()
}

#[test]
fn counts_per_kind() {
    let library = bank();
    for (kind, min) in [
        (Kind::Organisation, 25),
        (Kind::Training, 12),
        (Kind::Resource, 25),
        (Kind::Guidance, 10),
        (Kind::CaseStudy, 24),
    ] {
        let n = of_kind(&library, kind).len();
        assert!(n >= min, "{} {kind:?} entries, need {min}", n);
    }
}

#[test]
fn every_key_stage_has_four_resources_and_six_are_send_adapted() {
    let library = bank();
    let resources = of_kind(&library, Kind::Resource);
    for ks in KEY_STAGES {
        let n = resources
            .iter()
            .filter(|e| e.ages.overlaps(ks.ages.0, ks.ages.1))
            .count();
        assert!(n >= 4, "{} has {n} resources", ks.id);
    }
    let send = resources.iter().filter(|e| !e.abilities.is_empty()).count();
    assert!(send >= 6, "{send} SEND-adapted resources");
}

/// Every topic the taxonomy offers leads somewhere: a topic no entry is
/// tagged with is a filter that always gives nothing.
#[test]
fn every_topic_has_an_entry() {
    let library = bank();
    for term in library.taxonomy.topics.terms() {
        let tagged = library
            .entries()
            .iter()
            .filter(|e| e.topics.contains(&term.id))
            .count();
        assert!(tagged >= 1, "no entry is tagged {}", term.id);
    }
}

#[test]
fn organisations_can_be_reached() {
    let library = bank();
    for org in of_kind(&library, Kind::Organisation) {
        assert!(
            org.url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://") || u.starts_with("http://")),
            "{} has no url",
            org.id
        );
        let contact = org.contact.as_ref();
        assert!(
            contact.is_some_and(|c| c.referral.is_some()),
            "{} says nothing of how to refer",
            org.id
        );
    }
}

#[test]
fn bodies_have_substance() {
    let bank = bank();
    for (ord, entry) in bank.entries().iter().enumerate() {
        let words = bank.body_text(ord).unwrap().split_whitespace().count();
        assert!(words >= 80, "{} has a {words}-word body", entry.id);
    }
}

/// Ten or more digits in a run, allowing single spaces: a UK phone number.
fn has_phone_number(text: &str) -> bool {
    let mut digits = 0;
    let mut last_space = false;
    for c in text.chars() {
        match c {
            '0'..='9' => {
                digits += 1;
                last_space = false;
            }
            ' ' if digits > 0 && !last_space => last_space = true,
            _ => {
                digits = 0;
                last_space = false;
            }
        }
        if digits >= 10 {
            return true;
        }
    }
    false
}

#[test]
fn phone_numbers_are_spotted() {
    assert!(has_phone_number("call 01785 123456 now"));
    assert!(!has_phone_number("in 2024 and 2025, Year 9 pupils"));
}

/// Organisations whose public phone or email could not be confirmed from a
/// public source when the bank was written (see the closing note of issue 3):
/// neither lists one on pages we could retrieve. The list must stay exact: a
/// newly confirmed contact removes one.
const NO_CONFIRMED_CONTACT: [&str; 2] = ["csa-centre", "marie-collins-foundation"];

#[test]
fn organisations_give_a_phone_or_email() {
    for org in of_kind(&bank(), Kind::Organisation) {
        let reachable = org
            .contact
            .as_ref()
            .is_some_and(|c| c.phone.is_some() || c.email.is_some());
        let excused = NO_CONFIRMED_CONTACT.contains(&org.id.as_str());
        assert!(
            reachable != excused,
            "{}: reachable {reachable}, listed as unconfirmed {excused}",
            org.id
        );
    }
}

#[test]
fn case_studies_are_complete_and_anonymised() {
    let library = bank();
    let titles = ["Mr ", "Mrs ", "Ms ", "Miss ", "Dr "];
    for case in of_kind(&library, Kind::CaseStudy) {
        let ord = library.ord(case.id.as_str()).unwrap();
        let html = library.body_html(ord).unwrap();
        let html = html.as_str();
        let mut at = 0;
        for section in CASE_STUDY_SECTIONS {
            let heading = format!("<h2>{section}</h2>");
            let found = html[at..]
                .find(&heading)
                .unwrap_or_else(|| panic!("{} lacks {section}", case.id));
            at += found;
        }
        let text = &library.body_text(ord).unwrap();
        assert!(!text.contains('@'), "{} has an email address", case.id);
        assert!(
            case.url.is_none() && case.contact.is_none(),
            "{} names a contact",
            case.id
        );
        for title in titles {
            let named = text.match_indices(title).any(|(i, _)| {
                text[i + title.len()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
            });
            assert!(!named, "{} names a person ({title}…)", case.id);
        }
        assert!(!has_phone_number(text), "{} holds a phone number", case.id);
    }
}

/// A case study says only what its sources say, and names them.
#[test]
fn every_case_study_names_a_secure_source() {
    for case in of_kind(&bank(), Kind::CaseStudy) {
        assert!(!case.sources.is_empty(), "{} names no source", case.id);
        for source in &case.sources {
            assert!(source.url.starts_with("https://"), "{}", case.id);
            assert!(!source.title.trim().is_empty(), "{}", case.id);
        }
    }
}

/// A head can find cases for each route of KCSIE Part five, and for every
/// phase they might lead.
#[test]
fn every_route_and_phase_has_case_studies() {
    let library = bank();
    let cases = of_kind(&library, Kind::CaseStudy);
    for route in RESPONSES {
        let n = cases
            .iter()
            .filter(|c| c.response.iter().any(|r| r == route.id))
            .count();
        assert!(n >= 4, "{n} case studies {}", route.label);
    }
    for sector in ["primary", "secondary", "special", "post-16"] {
        let n = cases
            .iter()
            .filter(|c| c.sectors.iter().any(|s| s == sector))
            .count();
        assert!(n >= 3, "{n} {sector} case studies");
    }
}
