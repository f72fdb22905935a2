//! The server-rendered pages driven in-process: what each page shows, that
//! it is escaped and free of inline script and style, the HTML error pages,
//! the Atom feed and the static files.

mod common;

use common::{App, Reply, app, fixture};

fn small() -> App {
    app(&fixture("small"))
}

fn assert_html(reply: &Reply) {
    let ct = reply.headers["content-type"].to_str().unwrap();
    assert!(ct.starts_with("text/html"), "{ct}");
    let body = &reply.body;
    assert!(body.starts_with("<!doctype html>"), "{body}");
    assert!(body.contains("<html lang=\"en-GB\">"));
    assert_eq!(body.matches("<h1").count(), 1, "one h1");
    for landmark in ["<header", "<nav", "<main id=\"main\"", "<footer"] {
        assert!(body.contains(landmark), "{landmark}");
    }
    assert!(body.contains("class=\"skip-link\" href=\"#main\""));
    // The CSP allows no inline script or style.
    assert!(!body.contains("<script>") && !body.contains("<style"));
    assert!(!body.contains(" style="), "inline style attribute");
    assert!(
        reply.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    assert!(!reply.headers.contains_key("set-cookie"));
}

/// Every `<input>` with an id has a `<label for=…>`.
fn assert_labelled(body: &str) {
    for part in body.split("<input").skip(1) {
        let tag = &part[..part.find('>').unwrap()];
        if tag.contains("type=\"hidden\"") {
            continue;
        }
        let id = tag
            .split("id=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("input without id: {tag}"));
        assert!(body.contains(&format!("for=\"{id}\"")), "no label for {id}");
    }
}

#[tokio::test]
async fn home_has_a_search_box_and_browse_links_with_counts() {
    let app = small();
    let reply = app.get("/").await;
    assert_eq!(reply.status, 200);
    assert_html(&reply);
    assert_labelled(&reply.body);
    let body = &reply.body;
    assert!(body.contains("action=\"/search\" method=\"get\""));
    assert!(body.contains("<label for=\"home-q\">"));
    assert!(body.contains(
        "href=\"/search?kind=organisation\">Support organisation</a> <span class=\"count\">4"
    ));
    assert!(body.contains("href=\"/search?key_stage=ks2\">Key stage 2 (ages 7-11)</a>"));
    assert!(body.contains("Newest entries"));
}

#[tokio::test]
async fn home_lists_support_services_for_each_local_area() {
    let app = small();
    let body = app.get("/").await.body;
    for area in ["tamworth", "stoke-on-trent"] {
        let query = format!("kind=organisation&area={area}");
        let total = app.get(&format!("/api/search?{query}")).await.json()["total"].clone();
        let link = format!("href=\"/search?kind=organisation&#38;area={area}\">");
        let at = body
            .find(&link)
            .unwrap_or_else(|| panic!("no link for {area}"));
        let count = format!("<span class=\"count\">{total}<");
        let item_end = at + body[at..].find("</li>").unwrap();
        assert!(
            body[at..item_end].contains(&count),
            "{area}: {total} services"
        );
    }
    // Only the local areas: the national and county levels are not listed.
    for wider in ["national", "staffordshire\""] {
        assert!(!body.contains(&format!("kind=organisation&#38;area={wider}")));
    }
}

#[tokio::test]
async fn search_shows_count_cards_facets_and_chips() {
    let app = small();
    let reply = app.get("/search?q=consent&key_stage=ks2").await;
    assert_eq!(reply.status, 200);
    assert_html(&reply);
    assert_labelled(&reply.body);
    let api = app.get("/api/search?q=consent&key_stage=ks2").await.json();
    let total = api["total"].as_u64().unwrap();
    let body = &reply.body;
    let count = if total == 1 {
        "1 result".to_string()
    } else {
        format!("{total} results")
    };
    assert!(body.contains(&format!(
        "id=\"result-count\" class=\"result-count\">{count}</h2>"
    )));
    assert!(body.contains("<span class=\"vh\">Remove filter: </span>Key stage 2</a>"));
    assert!(body.contains("href=\"/search?q=consent\">Clear filters</a>"));
    assert!(body.contains("id=\"f-key_stage-ks2\" name=\"key_stage\" value=\"ks2\" checked"));
    // Values with no results are shown, with their 0.
    assert!(body.contains("count count-zero\">(0)</span>"));
    for hit in api["hits"].as_array().unwrap() {
        let id = hit["id"].as_str().unwrap();
        assert!(body.contains(&format!("href=\"/entries/{id}\"")), "{id}");
    }
    assert!(body.contains("<mark>"), "snippets mark the terms");
    assert!(body.contains("<dt>Ages</dt><dd>Ages"));
    assert!(body.contains("<option value=\"relevance\" selected>"));
}

#[tokio::test]
async fn organisation_cards_show_phone_email_hours_and_referral() {
    let app = small();
    let reply = app.get("/search?kind=organisation").await;
    let body = &reply.body;
    assert!(body.contains("<dt>Phone</dt><dd><a href=\"tel:0800000000\">0800 000 000</a></dd>"));
    assert!(body.contains(
        "<dt>Email</dt><dd><a href=\"mailto:help@example.org\">help@example.org</a></dd>"
    ));
    assert!(body.contains("<dt>Hours</dt><dd>24 hours</dd>"));
    assert!(body.contains("<dt>How to refer</dt><dd>Children call directly.</dd>"));
}

#[tokio::test]
async fn query_text_is_escaped_everywhere() {
    let app = small();
    let reply = app
        .get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E")
        .await;
    assert_eq!(reply.status, 200);
    assert!(!reply.body.contains("<script>alert"));
    assert!(
        reply
            .body
            .contains("value=\"&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#62;\"")
    );
}

#[tokio::test]
async fn zero_results_suggest_a_filter_to_drop_with_its_count() {
    let app = small();
    let reply = app.get("/search?q=consent&kind=organisation").await;
    assert_eq!(reply.status, 200);
    let body = &reply.body;
    assert!(body.contains(">0 results</h2>"));
    assert!(body.contains("No entries match this search"));
    let without = app.get("/api/search?q=consent").await.json()["total"]
        .as_u64()
        .unwrap();
    assert!(
        body.contains(&format!(
            "<a href=\"/search?q=consent\">Remove the filter “Support organisation”</a>: {without} results"
        )),
        "{body}"
    );
}

#[tokio::test]
async fn pagination_links_pages() {
    let app = small();
    let reply = app.get("/search?per_page=2&page=2").await;
    assert_eq!(reply.status, 200);
    let body = &reply.body;
    assert!(body.contains("aria-label=\"Pagination\""));
    assert!(body.contains("href=\"/search?per_page=2\" rel=\"prev\""));
    assert!(body.contains("href=\"/search?per_page=2&#38;page=3\" rel=\"next\""));
    assert!(body.contains("<ol class=\"cards\" start=\"3\">"));
}

#[tokio::test]
async fn bad_parameters_get_a_friendly_400_page() {
    let app = small();
    let reply = app.get("/search?q=x&topic=consnet").await;
    assert_eq!(reply.status, 400);
    assert_html(&reply);
    assert!(reply.body.contains("There is a problem with this search"));
    assert!(reply.body.contains("Unknown topic “consnet”"));
    assert!(
        reply
            .body
            .contains("href=\"/search?q=x&#38;topic=consent\"")
    );
    assert!(
        reply
            .body
            .contains("href=\"/search?q=x\">Search again without")
    );
    let reply = app.get("/search?page=99").await;
    assert_eq!(reply.status, 400);
    assert_html(&reply);
    let reply = app.get("/search?colour=red").await;
    assert_eq!(reply.status, 400);
    assert_html(&reply);
}

#[tokio::test]
async fn unknown_pages_and_entries_get_the_html_404_but_the_api_stays_json() {
    let app = small();
    for path in [
        "/entries/no-such-entry",
        "/entries/NOT%20AN%20ID",
        "/no/such/page",
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_html(&reply);
        assert!(reply.body.contains("Page not found"));
    }
    let reply = app.get("/api/no-such").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn an_organisation_page_has_contact_exit_and_999() {
    let app = small();
    let reply = app.get("/entries/helpline-national").await;
    assert_eq!(reply.status, 200);
    assert_html(&reply);
    let body = &reply.body;
    assert!(
        body.contains("<h1>National children&#39;s helpline</h1>")
            || body.contains("<h1>National children&#x27;s helpline</h1>"),
        "{body}"
    );
    assert!(body.contains("href=\"https://www.bbc.co.uk/weather\" rel=\"nofollow noreferrer\" data-exit>Exit this page</a>"));
    assert!(body.contains("If a child is in immediate danger, call 999."));
    assert!(body.contains("<dt>Phone</dt><dd><a href=\"tel:0800000000\">0800 000 000</a></dd>"));
    assert!(body.contains("<dt>How to refer or get help</dt>"));
    assert!(body.contains("<p>A national helpline where children can talk about anything"));
}

/// The small bank with `domestic-abuse` renamed `abuse-at-home`
/// everywhere (flagged `sensitive` or not), and a teaching resource on it.
fn renamed_topic_bank(flagged: bool) -> (App, tempfile::TempDir) {
    let (content, tmp) = common::copy_of_fixture("small");
    for file in walk(&content) {
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text.replace("domestic-abuse", "abuse-at-home")).unwrap();
    }
    let taxonomy = content.join("taxonomy.yaml");
    let text = std::fs::read_to_string(&taxonomy).unwrap();
    assert!(
        text.contains("  - id: abuse-at-home\n    label: Domestic abuse\n    sensitive: true\n")
    );
    if !flagged {
        std::fs::write(&taxonomy, text.replace("    sensitive: true\n", "")).unwrap();
    }
    std::fs::write(
        content.join("resources/abuse-at-home-lessons.md"),
        "---\ntitle: Lessons on abuse at home\nsummary: Lessons for tests.\ntopics: [abuse-at-home]\nages: \"11-16\"\nareas: [national]\nreviewed: 2026-01-10\n---\nLessons.\n",
    )
    .unwrap();
    (app(&content), tmp)
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            files.extend(walk(&entry.path()));
        } else {
            files.push(entry.path());
        }
    }
    files
}

/// "Exit this page" follows the taxonomy's `sensitive` flag, not a topic
/// id: renaming a topic keeps its safety button, unflagging removes it.
#[tokio::test]
async fn the_exit_button_follows_the_sensitive_flag_not_the_topic_id() {
    let exit = "data-exit>Exit this page</a>";
    let (flagged, _tmp) = renamed_topic_bank(true);
    let reply = flagged.get("/entries/abuse-at-home-lessons").await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains(exit), "{}", reply.body);
    let reply = flagged.get("/entries/porn-ks4").await;
    assert!(!reply.body.contains(exit), "an unflagged topic has none");

    let (unflagged, _tmp) = renamed_topic_bank(false);
    let reply = unflagged.get("/entries/abuse-at-home-lessons").await;
    assert_eq!(reply.status, 200);
    assert!(!reply.body.contains(exit), "{}", reply.body);
    // Services keep it whatever their topics.
    let reply = unflagged.get("/entries/tamworth-da-service").await;
    assert!(reply.body.contains(exit));
}

#[tokio::test]
async fn an_entry_past_review_says_so_in_words() {
    let app = small();
    let reply = app.get("/entries/consent-from-reception").await;
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .body
            .contains("<strong class=\"tag tag-due\">Due for review</strong>")
    );
    assert!(reply.body.contains("was due for review on 1 June 2025"));
    let reply = app.get("/entries/consent-ks2-lessons").await;
    assert!(!reply.body.contains("was due for review on"));
}

#[tokio::test]
async fn a_case_study_shows_its_label_routes_and_linked_sources() {
    let app = small();
    let reply = app.get("/entries/consent-from-reception").await;
    assert_html(&reply);
    let body = &reply.body;
    assert!(body.contains("<strong class=\"tag tag-illustrative\">Illustrative example</strong>"));
    assert!(body.contains("not an account of a real case"));
    assert!(body.contains("<dt>What the school did</dt><dd>Managed internally</dd>"));
    assert!(body.contains("<h2 id=\"sources-heading\">Sources</h2>"));
    assert!(body.contains(
        "<li><a href=\"https://www.example.org/review\" rel=\"noopener noreferrer external\">A county&#39;s review of sexual harassment in schools</a></li>"
    ));
    // An entry without sources has no empty section, and no label.
    let other = app.get("/entries/consent-ks2-lessons").await.body;
    let other = &other[..other.find("Related entries").unwrap()];
    assert!(!other.contains("sources-heading"));
    assert!(!other.contains("tag-illustrative"));

    // Its card in search results carries the label and the route too.
    let results = app.get("/search?kind=case-study").await.body;
    assert!(results.contains(
        "<span class=\"tag tag-case-study\">Case study</span> <strong class=\"tag tag-illustrative\">Illustrative example</strong>"
    ));
    assert!(results.contains("<dt>What the school did</dt><dd>Managed internally</dd>"));
}

#[tokio::test]
async fn related_entries_share_a_topic_and_an_age() {
    let app = small();
    let reply = app.get("/entries/consent-ks2-lessons").await;
    let body = &reply.body;
    let related = &body[body.find("Related entries").expect("related section")..];
    assert!(!related.contains("href=\"/entries/consent-ks2-lessons\""));
    assert!(related.contains("href=\"/entries/consent-from-reception\""));
}

/// The related entries of every tenth entry of a generated bank (500
/// entries over the shipped taxonomy) are those a scan of the whole bank
/// picks: same kind first, then the most shared topics, then title.
#[tokio::test]
async fn related_entries_match_a_scan_of_a_generated_bank() {
    let (dir, _tmp) = common::generated(500, 11);
    let (app, library) = (app(&dir), common::library(&dir));
    let entries = library.entries();
    let mut compared = 0;
    for entry in entries.iter().step_by(10) {
        let mut scan: Vec<_> = (entries.iter())
            .filter(|e| e.id != entry.id && e.ages.overlaps(entry.ages.min, entry.ages.end()))
            .map(|e| {
                let shared = (e.topics.iter())
                    .filter(|t| entry.topics.contains(t))
                    .count();
                (
                    e.kind != entry.kind,
                    std::cmp::Reverse(shared),
                    e.title.to_lowercase(),
                    e,
                )
            })
            .filter(|scored| scored.1.0 > 0)
            .collect();
        scan.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
        let expected: Vec<&str> = (scan.iter().take(6))
            .map(|scored| scored.3.id.as_str())
            .collect();
        let page = app.get(&format!("/entries/{}", entry.id)).await.body;
        let shown: Vec<&str> = match page.find("Related entries") {
            Some(at) => (page[at..].split("<h3 class=\"card-title\"><a href=\"/entries/"))
                .skip(1)
                .map(|card| &card[..card.find('"').unwrap()])
                .collect(),
            None => Vec::new(),
        };
        assert_eq!(shown, expected, "{}", entry.id);
        compared += usize::from(!expected.is_empty());
    }
    assert!(compared > 40, "only {compared} entries had related entries");
}

#[tokio::test]
async fn coverage_links_every_cell_and_marks_gaps() {
    let app = small();
    let reply = app.get("/coverage").await;
    assert_eq!(reply.status, 200);
    assert_html(&reply);
    let body = &reply.body;
    assert!(body.contains("<th scope=\"col\">Key stage 2</th>"));
    assert!(body.contains("href=\"/search?topic=consent&#38;key_stage=ks2\""));
    assert!(body.contains("href=\"/search?topic=consent&#38;sector=primary\""));
    assert!(body.contains("<td class=\"c0\"><a href="));
    // Case studies by what the school did and sector.
    assert!(body.contains("Case studies by what the school did and sector</h2>"));
    assert!(body.contains("<th scope=\"col\">What the school did</th>"));
    assert!(body.contains("<th scope=\"row\" class=\"depth-0\">Reported to the police</th>"));
    let api = app
        .get("/api/search?response=managed-internally&sector=primary")
        .await
        .json();
    assert_eq!(api["total"], 1);
    assert!(body.contains("href=\"/search?response=managed-internally&#38;sector=primary\">1</a>"));
    assert!(body.contains(
        "href=\"/search?response=police&#38;sector=primary\">0<span class=\"vh\"> (none)</span></a>"
    ));
    assert!(body.contains(">0<span class=\"vh\"> (none)</span></a>"));
    // The count in a cell is what its search finds.
    let api = app
        .get("/api/search?topic=consent&key_stage=ks2")
        .await
        .json();
    let n = api["total"].as_u64().unwrap();
    assert!(body.contains(&format!(
        "href=\"/search?topic=consent&#38;key_stage=ks2\">{n}</a>"
    )));
}

/// On a generated bank of 500 entries, the feed holds the 50 most recently
/// reviewed, as a sort of the whole bank orders them (newest first, then
/// title, then id), and the updates page the first 100 of that order.
#[tokio::test]
async fn the_feed_and_updates_take_the_newest_of_a_generated_bank() {
    let (dir, _tmp) = common::generated(500, 3);
    let (app, library) = (app(&dir), common::library(&dir));
    let mut sorted: Vec<_> = library.entries().iter().collect();
    sorted.sort_by(|a, b| (b.reviewed, &a.title).cmp(&(a.reviewed, &b.title)));
    let newest: Vec<&str> = sorted.iter().map(|e| e.id.as_str()).collect();

    let xml = app.get("/feed.xml").await.body;
    let fed: Vec<&str> = (xml.split(":entries/").skip(1))
        .map(|rest| &rest[..rest.find("</id>").unwrap()])
        .collect();
    assert_eq!(fed, newest[..50]);

    let page = app.get("/updates").await.body;
    let shown: Vec<&str> = (page.split("<h3 class=\"card-title\"><a href=\"/entries/"))
        .skip(1)
        .map(|card| &card[..card.find('"').unwrap()])
        .collect();
    assert_eq!(shown, newest[..100]);
    assert!(page.contains("The 100 most recently reviewed of 500 entries"));
}

#[tokio::test]
async fn updates_are_newest_first_and_the_feed_is_atom() {
    let app = small();
    let reply = app.get("/updates").await;
    assert_eq!(reply.status, 200);
    assert_html(&reply);
    let first = reply.body.find("January 2026").unwrap();
    let later = reply.body.find("January 2025").unwrap();
    assert!(first < later);

    let reply = app.get("/feed.xml").await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let xml = &reply.body;
    assert!(xml.starts_with("<?xml version=\"1.0\"?>"));
    assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert!(xml.contains("<id>tag:signpost,2025:feed</id>"));
    assert!(xml.contains("<updated>2026-01-10T00:00:00+00:00</updated>"));
    assert!(xml.contains("rel=\"self\""));
    // Without a base_url the links are root-relative, never from the Host.
    assert!(xml.contains("<link href=\"/feed.xml\" rel=\"self\""));
    let n = common::library(&fixture("small")).entries().len();
    assert_eq!(xml.matches("<entry>").count(), n);
    assert_eq!(xml.matches("<summary>").count(), n);
    assert!(xml.contains("<title>National children&apos;s helpline</title>"));
    // An illustrative case study says so in its title and its category.
    let at = xml.find("entries/consent-from-reception</id>").unwrap();
    let case = &xml[xml[..at].rfind("<entry>").unwrap()..];
    let case = &case[..case.find("</entry>").unwrap()];
    assert!(case.contains("<title>Illustrative example: Consent taught from Reception</title>"));
    assert!(case.contains("<category term=\"illustrative\" label=\"Illustrative example\"/>"));
    assert_eq!(xml.matches("term=\"illustrative\"").count(), 1);
    assert!(xml.trim_end().ends_with("</feed>"));
}

#[tokio::test]
async fn static_files_are_served_with_cache_headers() {
    let app = small();
    let home = app.get("/").await.body;
    for (name, ct) in [("signpost.css", "text/css"), ("signpost.js", "javascript")] {
        let (stem, extension) = name.split_once('.').unwrap();
        let pattern = regex::Regex::new(&format!(
            r#""(/static/{stem}\.[0-9a-f]{{16}}\.{extension})""#
        ))
        .unwrap();
        let hashed = &pattern.captures(&home).unwrap()[1];
        for (path, cache) in [
            (hashed, "public, max-age=31536000, immutable"),
            (&format!("/static/{name}")[..], "public, no-cache"),
        ] {
            let reply = app.get(path).await;
            assert_eq!(reply.status, 200, "{path}");
            assert!(
                reply.headers["content-type"].to_str().unwrap().contains(ct),
                "{path}"
            );
            assert_eq!(reply.headers["cache-control"], cache, "{path}");
        }
    }
}

#[tokio::test]
async fn pages_stay_small_before_compression_too() {
    let app = small();
    for path in [
        "/",
        "/search",
        "/coverage",
        "/updates",
        "/entries/helpline-national",
    ] {
        let reply = app.get(path).await;
        assert!(
            reply.body.len() < 100 * 1024,
            "{path}: {}",
            reply.body.len()
        );
    }
}

/// A body pasted with active content in it is served sanitised, on its
/// page and in the API: the index version keeps the Markdown, and it is
/// rendered and sanitised when shown.
#[tokio::test]
async fn a_pasted_body_is_served_sanitised() {
    let (content, _tmp) = common::copy_of_fixture("small");
    std::fs::write(
        content.join("resources/pasted-lessons.md"),
        "---\ntitle: Pasted lessons\nsummary: Lessons pasted from elsewhere.\ntopics: [consent]\nages: \"11-16\"\nareas: [national]\nreviewed: 2026-01-10\n---\nHi <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3)) and [the next lessons](/entries/porn-ks4).\n",
    )
    .unwrap();
    let app = app(&content);
    let page = app.get("/entries/pasted-lessons").await;
    let api = app.get("/api/entries/pasted-lessons").await;
    assert_eq!((page.status.as_u16(), api.status.as_u16()), (200, 200));
    let html = api.json()["body_html"].as_str().unwrap().to_string();
    for body in [&page.body, &html] {
        assert!(!body.contains("alert("), "{body}");
        assert!(!body.contains("onerror") && !body.contains("javascript:"));
    }
    assert!(html.contains("<a href=\"/entries/porn-ks4\""), "{html}");
    assert!(page.body.contains("<a href=\"/entries/porn-ks4\""));
}
