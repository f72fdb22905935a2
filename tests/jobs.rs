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
/// with the four sections and its sources.
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
        // And where its facts come from, to check before relying on them.
        let sources = &page.body[page.body.find(">Sources</h2>").unwrap_or_else(|| {
            panic!("{} lists no sources", id(hit));
        })..];
        assert!(sources.contains("<li><a href=\"https://"), "{}", id(hit));
    }
}

/// Head or DSL: cases where the school reported to the police, each saying
/// so on its result and its page.
#[tokio::test]
async fn a_head_finds_cases_where_the_school_reported_to_the_police() {
    let app = shipped();
    let found = hits(&app, "kind=case-study&response=police").await;
    assert!(found.len() >= 4, "{} case studies", found.len());
    let page = app
        .get("/search?kind=case-study&response=police&per_page=100")
        .await;
    for hit in &found {
        assert!(strings(&hit["response"]).contains(&"police"), "{}", id(hit));
        let entry = app.get(&format!("/entries/{}", id(hit))).await;
        assert!(
            entry.body.contains("<dt>What the school did</dt><dd>"),
            "{}",
            id(hit)
        );
        assert!(entry.body.contains("Reported to the police"), "{}", id(hit));
        assert!(
            page.body
                .contains(&format!("href=\"/entries/{}\"", id(hit)))
        );
    }
}

/// The HTML of the card (search results) or article (entry page) that
/// links to or shows `entry`: up to the next card or the related entries.
fn card_of<'a>(body: &'a str, entry: &str) -> &'a str {
    let link = format!("href=\"/entries/{entry}\"");
    let at = body
        .find(&link)
        .unwrap_or_else(|| panic!("no card for {entry}"));
    let start = body[..at].rfind("<article").unwrap_or(0);
    let end = body[start..]
        .find("</article>")
        .map_or(body.len(), |e| start + e);
    &body[start..end]
}

/// Everyone: an illustrative example is labelled as one on its card, its
/// page and in the feed, and a reported case never is.
#[tokio::test]
async fn illustrative_case_studies_are_labelled_wherever_they_are_shown() {
    let app = shipped();
    let label = "<strong class=\"tag tag-illustrative\">Illustrative example</strong>";
    let found = hits(&app, "kind=case-study").await;
    let results = app.get("/search?kind=case-study&per_page=100").await.body;
    let feed = app.get("/feed.xml").await.body;
    let mut illustrative = 0;
    let mut in_feed = 0;
    for hit in &found {
        let labelled = hit["illustrative"] == true;
        illustrative += usize::from(labelled);
        assert_eq!(
            card_of(&results, id(hit)).contains(label),
            labelled,
            "card of {}",
            id(hit)
        );
        let page = app.get(&format!("/entries/{}", id(hit))).await.body;
        let article = &page[..page.find("Related entries").unwrap_or(page.len())];
        assert_eq!(article.contains(label), labelled, "page of {}", id(hit));
        let entry_id = format!("entries/{}</id>", id(hit));
        if let Some(at) = feed.find(&entry_id) {
            in_feed += 1;
            let start = feed[..at].rfind("<entry>").unwrap();
            let item = &feed[start..at + feed[at..].find("</entry>").unwrap()];
            assert_eq!(
                item.contains("<category term=\"illustrative\" label=\"Illustrative example\"/>"),
                labelled,
                "feed entry of {}",
                id(hit)
            );
            if labelled {
                let title = &item[item.find("<title").unwrap()..item.find("</title>").unwrap()];
                assert!(title.contains(">Illustrative example: "), "{}", id(hit));
            }
        }
    }
    assert!(
        illustrative >= 3,
        "{illustrative} illustrative case studies"
    );
    assert!(in_feed > 0, "no case study in the feed");
}
