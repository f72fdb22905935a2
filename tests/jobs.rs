//! The three users' jobs from SPEC, run through `/api/search` on the shipped
//! bank: what a teacher, a DSL and a head would type or tick, and what they
//! must get back.

mod common;

use std::path::Path;

use serde_json::Value;
use signpost::content::AgeRange;

fn shipped() -> common::App {
    common::app(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content"))
}

async fn hits(app: &common::App, query: &str) -> Vec<Value> {
    let reply = app.get(&format!("/api/search?{query}&per_page=100")).await;
    assert_eq!(reply.status, 200, "{query}: {}", reply.body);
    reply.json()["hits"].as_array().cloned().unwrap_or_default()
}

fn id(hit: &Value) -> &str {
    hit["id"].as_str().unwrap_or_default()
}

/// An entry's `ages` read with the bank's own parser (half-open, as SPEC
/// writes them).
fn ages(hit: &Value) -> AgeRange {
    let text = hit["ages"].as_str().unwrap_or_default();
    text.parse().unwrap_or_else(|e| panic!("{}: {e}", id(hit)))
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Teacher: "consent, Year 4" as one query gives Year 4 material, and every
/// result suits the year's age, 8 (Year N is age N+4).
#[tokio::test]
async fn a_teacher_finds_consent_lessons_for_year_four() {
    let app = shipped();
    let found = hits(&app, "q=consent%20year%204").await;
    assert!(found.len() >= 5, "{} results", found.len());
    for hit in &found {
        let range = ages(hit);
        assert!(range.contains(8), "{} is for {}", id(hit), range.describe());
    }
    assert_eq!(found[0]["kind"], "resource", "first: {}", id(&found[0]));
    let lessons = found.iter().take(5).filter(|h| h["kind"] == "resource");
    assert!(lessons.count() >= 3, "mostly teaching resources at the top");
}

/// Teacher: the SEND filter keeps only material adapted for SEND.
#[tokio::test]
async fn a_teacher_finds_consent_material_adapted_for_send() {
    let app = shipped();
    let found = hits(&app, "q=consent&ability=send").await;
    assert!(found.len() >= 3, "{} results", found.len());
    for hit in &found {
        assert!(
            !strings(&hit["abilities"]).is_empty(),
            "{} is not tagged for any SEND need",
            id(hit)
        );
    }
}

/// DSL in Tamworth: support services that cover the district, local ones
/// among them, each reachable from the result itself.
#[tokio::test]
async fn a_dsl_finds_services_covering_their_district() {
    let app = shipped();
    let covering = ["tamworth", "staffordshire", "west-midlands", "national"];
    let found = hits(&app, "kind=organisation&area=tamworth").await;
    assert!(found.len() >= 15, "{} services", found.len());
    let mut local = 0;
    for hit in &found {
        let areas = strings(&hit["areas"]);
        assert!(
            areas.iter().any(|a| covering.contains(a)),
            "{} covers {areas:?}",
            id(hit)
        );
        if !areas.contains(&"national") {
            local += 1;
            let contact = &hit["contact"];
            assert!(
                contact["phone"].is_string() || contact["email"].is_string(),
                "{}: no phone or email on the result",
                id(hit)
            );
            assert!(
                contact["referral"].is_string(),
                "{}: no referral route",
                id(hit)
            );
        }
    }
    assert!(local >= 5, "{local} county or district services");
    // The nearest first: every local service before the national ones.
    let national = |hit: &Value| strings(&hit["areas"]).contains(&"national");
    let first_national = found.iter().position(national).unwrap_or(found.len());
    assert!(
        found[first_national..].iter().all(national),
        "a local service after a national one: {:?}",
        found.iter().map(id).collect::<Vec<_>>()
    );
}

/// DSL: typed as a question, a local domestic abuse service comes first,
/// with its phone and hours on the result.
#[tokio::test]
async fn a_dsl_typing_a_need_and_a_town_gets_a_local_service_first() {
    let app = shipped();
    let found = hits(&app, "q=domestic%20abuse%20service%20tamworth").await;
    let first = &found[0];
    assert_eq!(first["kind"], "organisation", "first: {}", id(first));
    assert!(
        !strings(&first["areas"]).contains(&"national"),
        "first is national: {}",
        id(first)
    );
    assert!(first["contact"]["phone"].is_string());
    assert!(first["contact"]["hours"].is_string());
}

/// Head or governor: secondary case studies on sexual harassment, each
/// with the four sections.
#[tokio::test]
async fn a_head_finds_how_other_secondary_schools_handled_harassment() {
    let app = shipped();
    let found = hits(
        &app,
        "kind=case-study&sector=secondary&topic=sexual-harassment",
    )
    .await;
    assert!(found.len() >= 3, "{} case studies", found.len());
    for hit in &found {
        assert_eq!(hit["kind"], "case-study");
        assert!(strings(&hit["sectors"]).contains(&"secondary"));
        let page = app.get(&format!("/entries/{}", id(hit))).await;
        for section in ["Situation", "Response", "Outcome", "Learning"] {
            assert!(
                page.body.contains(&format!(">{section}</h2>")),
                "{} has no {section} heading",
                id(hit)
            );
        }
    }
}
