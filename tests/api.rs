//! The JSON API driven in-process. Facet counts are compared with an
//! independent model of the SPEC's filter semantics, written here from the
//! SPEC rather than from the search code.

mod common;

use std::collections::BTreeMap;

use common::{App, app, fixture, library};
use serde_json::Value;
use signpost::content::{Entry, Library};
use signpost::taxonomy::{KEY_STAGES, Vocabulary};

/// Whether `id` is `ancestor` or below it, walking parent ids.
fn within(vocabulary: &Vocabulary, id: &str, ancestor: &str) -> bool {
    let mut current = Some(id.to_string());
    while let Some(c) = current {
        if c == ancestor {
            return true;
        }
        current = vocabulary.get(&c).and_then(|t| t.parent_id.clone());
    }
    false
}

/// SPEC: does `entry` match `value` of facet `param`?
fn model_matches(library: &Library, entry: &Entry, param: &str, value: &str) -> bool {
    let t = &library.taxonomy;
    match param {
        "kind" => entry.kind.id() == value,
        "topic" => entry.topics.iter().any(|x| within(&t.topics, x, value)),
        "ability" => entry
            .abilities
            .iter()
            .any(|x| within(&t.abilities, x, value)),
        "area" => entry
            .areas
            .iter()
            .any(|x| within(&t.areas, x, value) || within(&t.areas, value, x)),
        "sector" => entry.sectors.iter().any(|x| x == value),
        "audience" => entry.audiences.iter().any(|x| x == value),
        "format" => entry.formats.iter().any(|x| x == value),
        "cost" => entry.cost.as_deref() == Some(value),
        "response" => entry.response.iter().any(|x| x == value),
        "key_stage" => {
            let ks = KEY_STAGES.iter().find(|k| k.id == value).unwrap();
            entry.ages.overlaps(ks.ages.0, ks.ages.1)
        }
        "age" => entry.ages.contains(value.parse().unwrap()),
        other => panic!("model has no facet {other}"),
    }
}

/// Entries passing every filter except those of `skip`.
fn model_filter<'a>(
    library: &'a Library,
    base: &[&'a Entry],
    filters: &BTreeMap<String, Vec<String>>,
    skip: Option<&str>,
) -> Vec<&'a Entry> {
    base.iter()
        .copied()
        .filter(|e| {
            filters
                .iter()
                .filter(|(p, _)| Some(p.as_str()) != skip)
                .all(|(p, values)| values.iter().any(|v| model_matches(library, e, p, v)))
        })
        .collect()
}

/// Every hit id of a search, over all its pages.
async fn all_hits(app: &App, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for page in 1.. {
        let json = app
            .get(&format!("/api/search?{query}&per_page=100&page={page}"))
            .await
            .json();
        ids.extend(
            json["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["id"].as_str().unwrap().to_string()),
        );
        if ids.len() >= json["total"].as_u64().unwrap() as usize {
            return ids;
        }
    }
    unreachable!()
}

async fn check_against_model(app: &App, library: &Library, query: &str) {
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut q = String::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap();
        if k == "q" {
            q = v.to_string();
        } else {
            filters
                .entry(k.to_string())
                .or_default()
                .push(v.to_string());
        }
    }
    // Text matching is tantivy's job; the model starts from its matches.
    let base: Vec<&Entry> = if q.is_empty() {
        library.entries().iter().collect()
    } else {
        all_hits(app, &format!("q={q}"))
            .await
            .iter()
            .map(|id| library.get(id).unwrap())
            .collect()
    };
    let json = app
        .get(&format!("/api/search?{query}&per_page=100"))
        .await
        .json();
    let expected = model_filter(library, &base, &filters, None);
    assert_eq!(json["total"], expected.len(), "total for {query}");
    let mut hit_ids = all_hits(app, query).await;
    let mut expected_ids: Vec<String> = expected.iter().map(|e| e.id.to_string()).collect();
    hit_ids.sort_unstable();
    expected_ids.sort_unstable();
    assert_eq!(hit_ids, expected_ids, "hits for {query}");

    for (param, values) in json["facets"].as_object().unwrap() {
        let others = model_filter(library, &base, &filters, Some(param));
        for value in values.as_array().unwrap() {
            let id = value["value"].as_str().unwrap();
            let count = others
                .iter()
                .filter(|e| model_matches(library, e, param, id))
                .count();
            assert_eq!(value["count"], count, "{param}={id} for {query}");
            let selected = filters
                .get(param)
                .is_some_and(|v| v.iter().any(|x| x == id));
            assert_eq!(
                value["selected"], selected,
                "{param}={id} selected for {query}"
            );
        }
    }
}

const FIXTURE_QUERIES: [&str; 11] = [
    "",
    "area=tamworth",
    "area=staffordshire",
    "topic=online-safety&key_stage=ks3",
    "topic=consent&topic=sharing-nudes&sector=secondary&area=national",
    "ability=send",
    "age=9&kind=resource&kind=case-study",
    "q=consent&key_stage=ks2",
    "cost=free&format=helpline&audience=dsls&area=stoke-on-trent",
    "response=managed-internally",
    "response=police&response=managed-internally&sector=primary",
];

#[tokio::test]
async fn facet_counts_match_an_independent_model() {
    let dir = fixture("small");
    let (app, library) = (app(&dir), library(&dir));
    for query in FIXTURE_QUERIES {
        check_against_model(&app, &library, query).await;
    }
}

#[tokio::test]
async fn facet_counts_match_the_model_on_the_shipped_bank() {
    let dir = shipped();
    let (app, library) = (app(&dir), library(&dir));
    for query in [
        "",
        "area=tamworth&kind=organisation",
        "topic=online-safety&key_stage=ks3&key_stage=ks4",
        "ability=send&sector=special&sector=primary",
        "q=consent&key_stage=ks2",
        "q=domestic%20abuse&area=newcastle-under-lyme",
        "kind=case-study&sector=secondary&topic=harmful-sexual-behaviour",
        "age=12&audience=teachers&format=lesson-plan",
        "kind=case-study&response=police",
        "kind=case-study&response=early-help&response=childrens-social-care&sector=secondary",
        "response=managed-internally&topic=harmful-sexual-behaviour",
        "q=images&response=police",
    ] {
        check_against_model(&app, &library, query).await;
    }
}

fn shipped() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// The head's filter on what the school did, in the API and on the search
/// page, gives what the model gives; the page's "What the school did" group
/// counts as the API does.
#[tokio::test]
async fn case_studies_reported_to_the_police_agree_with_the_model() {
    let dir = shipped();
    let (app, library) = (app(&dir), library(&dir));
    let query = "kind=case-study&response=police";
    check_against_model(&app, &library, query).await;
    let mut filters = BTreeMap::new();
    filters.insert("kind".to_string(), vec!["case-study".to_string()]);
    filters.insert("response".to_string(), vec!["police".to_string()]);
    let all: Vec<&Entry> = library.entries().iter().collect();
    let expected = model_filter(&library, &all, &filters, None);
    assert!(expected.len() >= 4, "{} case studies", expected.len());

    let page = app.get(&format!("/search?{query}&per_page=100")).await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(body.contains(&format!(
        "class=\"result-count\">{} results</h2>",
        expected.len()
    )));
    for entry in &expected {
        assert!(body.contains(&format!("href=\"/entries/{}\"", entry.id)));
    }
    assert!(
        body.contains("<summary>What the school did <span class=\"selected-count\">(1 selected)")
    );
    assert!(body.contains("id=\"f-response-police\" name=\"response\" value=\"police\" checked"));
    assert!(body.contains("<span class=\"vh\">Remove filter: </span>Reported to the police</a>"));
    let others = model_filter(&library, &all, &filters, Some("response"));
    for route in signpost::taxonomy::RESPONSES {
        let count = others
            .iter()
            .filter(|e| model_matches(&library, e, "response", route.id))
            .count();
        assert!(
            body.contains(&format!(
                "<label for=\"f-response-{}\">{} <span class=\"count{}\">({count})</span>",
                route.id,
                route.label.replace('\'', "&#39;"),
                if count == 0 { " count-zero" } else { "" }
            )),
            "{}: {count}",
            route.id
        );
    }
}

/// Typed in the search box, a route is read as the filter: shown in
/// `interpreted`, and removable by dropping its words.
#[tokio::test]
async fn a_route_typed_in_the_search_box_is_read_as_the_filter() {
    let app = app(&shipped());
    let explicit = app
        .get("/api/search?kind=case-study&response=police&per_page=100")
        .await
        .json();
    for q in ["reported%20to%20police", "report%20to%20the%20police"] {
        let json = app
            .get(&format!("/api/search?kind=case-study&q={q}&per_page=100"))
            .await
            .json();
        let interpreted = &json["interpreted"][0];
        assert_eq!(interpreted["param"], "response", "{q}");
        assert_eq!(interpreted["value"], "police", "{q}");
        assert_eq!(interpreted["label"], "Reported to the police", "{q}");
        assert_eq!(interpreted["without"], "", "{q}");
        assert_eq!(json["total"], explicit["total"], "{q}");
        assert_eq!(
            json["facets"]["response"], explicit["facets"]["response"],
            "{q}"
        );
    }
    let json = app
        .get("/api/search?q=sexualised%20behaviour%20early%20help")
        .await
        .json();
    assert_eq!(json["interpreted"][0]["value"], "early-help");
    assert_eq!(json["interpreted"][0]["without"], "sexualised behaviour");
    for hit in json["hits"].as_array().unwrap() {
        assert!(
            hit["response"]
                .as_array()
                .unwrap()
                .contains(&"early-help".into()),
            "{}",
            hit["id"]
        );
    }
    // The page shows it as a chip whose link drops the words.
    let page = app
        .get("/search?q=sexualised+behaviour+early+help")
        .await
        .body;
    assert!(page.contains(
        "<a class=\"chip\" href=\"/search?q=sexualised+behaviour\"><span class=\"vh\">Remove filter: </span>Early help</a>"
    ));
}

/// A case study's hit and entry carry its sources, route and label.
#[tokio::test]
async fn case_study_hits_and_entries_carry_sources_and_routes() {
    let dir = shipped();
    let (app, library) = (app(&dir), library(&dir));
    let json = app
        .get("/api/search?kind=case-study&per_page=100")
        .await
        .json();
    for hit in json["hits"].as_array().unwrap() {
        let entry = library.get(hit["id"].as_str().unwrap()).unwrap();
        assert_eq!(hit["illustrative"], entry.illustrative, "{}", entry.id);
        assert_eq!(hit["response"], serde_json::json!(entry.response));
        assert_eq!(
            hit["sources"].as_array().unwrap().len(),
            entry.sources.len()
        );
    }
    let case = library
        .entries()
        .iter()
        .find(|e| e.illustrative && !e.response.is_empty())
        .unwrap();
    let json = app.get(&format!("/api/entries/{}", case.id)).await.json();
    assert_eq!(json["illustrative"], true);
    assert_eq!(json["response"], serde_json::json!(case.response));
    assert_eq!(json["sources"][0]["title"], case.sources[0].title);
    assert_eq!(json["sources"][0]["url"], case.sources[0].url);
    let taxonomy = app.get("/api/taxonomy").await.json();
    assert_eq!(taxonomy["responses"][3]["id"], "police");
    assert_eq!(taxonomy["responses"][3]["label"], "Reported to the police");
    assert!(
        taxonomy["facets"]
            .as_array()
            .unwrap()
            .contains(&"response".into())
    );
}

/// The same model on a generated bank (`signpost-corpus`, 500 entries over
/// the shipped taxonomy): far more combinations of ages, areas, SEND tags
/// and topics below topics than the hand-written banks, as a large bank has.
#[tokio::test]
async fn facet_counts_match_the_model_on_a_generated_bank() {
    let (dir, _tmp) = common::generated(500, 7);
    let (app, library) = (app(&dir), library(&dir));
    assert_eq!(library.entries().len(), 500);
    for query in [
        "",
        "area=tamworth",
        "area=staffordshire&kind=organisation&kind=training",
        "area=west-midlands&area=stoke-on-trent&cost=free",
        "topic=online-safety&key_stage=ks3&key_stage=ks4",
        "topic=sharing-nudes&topic=consent&sector=primary&sector=special",
        "ability=send&format=lesson-plan&format=video",
        "ability=semh&audience=teachers&audience=dsls",
        "age=9&kind=resource&kind=case-study",
        "age=16&area=national",
        "q=consent&key_stage=ks2",
        "q=helpline&area=cannock-chase",
        "q=harmful%20sexual%20behaviour&topic=harmful-sexual-behaviour&sector=secondary",
    ] {
        check_against_model(&app, &library, query).await;
    }
}

#[tokio::test]
async fn hierarchy_and_area_rules() {
    let app = app(&fixture("small"));
    let ids = |json: Value| -> Vec<String> {
        let mut ids: Vec<String> = json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    // A parent topic includes its children.
    let online = ids(app.get("/api/search?topic=online-safety").await.json());
    assert_eq!(online, ["nudes-advice", "porn-ks4", "sexting-ks3-send"]);
    // A district gets its own, its county's and national entries, not a neighbour's.
    let tamworth = ids(app
        .get("/api/search?area=tamworth&kind=organisation")
        .await
        .json());
    assert_eq!(
        tamworth,
        [
            "helpline-national",
            "staffs-da-service",
            "tamworth-da-service"
        ]
    );
    // The ability parent includes its areas; entries without abilities are not returned.
    let send = ids(app.get("/api/search?ability=send").await.json());
    assert_eq!(send, ["sexting-ks3-send"]);
    // Year 4 is age 8: half-open ranges.
    let year4 = ids(app.get("/api/search?year=4&kind=resource").await.json());
    assert_eq!(year4, ["consent-ks2-lessons"]);
    let age11 = ids(app.get("/api/search?age=11&kind=resource").await.json());
    assert_eq!(age11, ["sexting-ks3-send"]);
}

#[tokio::test]
async fn consent_at_key_stage_two_has_hits_and_disjunctive_facets() {
    let app = app(&fixture("small"));
    let reply = app.get("/api/search?q=consent&key_stage=ks2").await;
    assert_eq!(reply.status, 200);
    let json = reply.json();
    let hits = json["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    let first = &hits[0];
    for field in [
        "id", "kind", "title", "summary", "url", "snippet", "topics", "ages", "sectors", "areas",
        "score",
    ] {
        assert!(first.get(field).is_some(), "hit lacks {field}: {first}");
    }
    assert!(
        hits.iter()
            .any(|h| h["snippet"].as_str().unwrap().contains("<mark>"))
    );
    // Disjunctive: KS4 still shows how many KS4 results selecting it would give.
    let ks = json["facets"]["key_stage"].as_array().unwrap();
    let ks4 = ks.iter().find(|v| v["value"] == "ks4").unwrap();
    assert!(ks4["count"].as_u64().unwrap() > 0);
    assert_eq!(
        ks.iter().find(|v| v["value"] == "ks2").unwrap()["selected"],
        true
    );
    for facet in [
        "kind",
        "topic",
        "sector",
        "ability",
        "audience",
        "area",
        "cost",
        "format",
        "key_stage",
        "response",
    ] {
        assert!(json["facets"][facet].is_array(), "facet {facet}");
    }
}

#[tokio::test]
async fn sorting_and_pagination() {
    let app = app(&fixture("small"));
    let titles = |json: &Value| -> Vec<String> {
        json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["title"].as_str().unwrap().to_string())
            .collect()
    };
    let all = app.get("/api/search?sort=title&per_page=100").await.json();
    let mut sorted = titles(&all);
    sorted.sort_by_key(|t| t.to_lowercase());
    assert_eq!(titles(&all), sorted);
    let page2 = app
        .get("/api/search?sort=title&per_page=4&page=2")
        .await
        .json();
    assert_eq!(titles(&page2), sorted[4..8]);
    assert_eq!(page2["page"], 2);
    let reviewed = app
        .get("/api/search?sort=reviewed&per_page=100")
        .await
        .json();
    assert_eq!(
        reviewed["hits"].as_array().unwrap().last().unwrap()["id"],
        "consent-from-reception"
    );
}

#[tokio::test]
async fn bad_parameters_are_400_with_param_and_suggestion() {
    let app = app(&fixture("small"));
    for (uri, param, did_you_mean) in [
        ("/api/search?topic=consnt", "topic", Some("consent")),
        ("/api/search?topic=sexting", "topic", Some("sharing-nudes")),
        ("/api/search?area=tamwoth", "area", Some("tamworth")),
        ("/api/search?key_stage=ks9", "key_stage", Some("ks1")),
        ("/api/search?age=eleven", "age", None),
        ("/api/search?age=300", "age", None),
        ("/api/search?year=14", "year", None),
        ("/api/search?per_page=101", "per_page", None),
        ("/api/search?page=0", "page", None),
        ("/api/search?page=99999999999999999999", "page", None),
        ("/api/search?page=5", "page", None),
        ("/api/search?sort=newest", "sort", None),
        ("/api/search?topics=consent", "topics", Some("topic")),
        ("/api/search?response=polise", "response", Some("police")),
    ] {
        let reply = app.get(uri).await;
        assert_eq!(reply.status, 400, "{uri}: {}", reply.body);
        let error = &reply.json()["error"];
        assert_eq!(error["code"], "bad_request", "{uri}");
        assert_eq!(error["param"], param, "{uri}");
        assert_eq!(error["did_you_mean"].as_str(), did_you_mean, "{uri}");
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn hostile_input_never_causes_a_500() {
    let app = app(&fixture("small"));
    let long_q = "a".repeat(501);
    let huge = "x".repeat(20_000);
    let cases = [
        format!("/api/search?q={long_q}"),
        format!("/api/search?q={huge}"),
        "/api/search?q=%FF%FE%00".into(),
        "/api/search?q=title:%22unclosed".into(),
        "/api/search?q=((((((consent".into(),
        "/api/search?q=*:*%20AND%20NOT%20-".into(),
        "/api/search?q=%22consent%22~2^9".into(),
        "/api/search?q=id:consent-ks2-lessons".into(),
        "/api/search?topic=&q=".into(),
        "/api/search?&&&=&==".into(),
        "/api/entries/..%2F..%2Fetc%2Fpasswd".into(),
        "/api/entries/%00".into(),
        format!("/api/entries/{huge}"),
        "/api/entries/CONSENT".into(),
    ];
    for uri in cases {
        let reply = app.get(&uri).await;
        assert!(
            [200, 400, 404].contains(&reply.status.as_u16()),
            "{}: {}",
            &uri[..uri.len().min(80)],
            reply.status
        );
        if reply.status != 200 {
            assert!(reply.json()["error"]["message"].is_string());
        }
    }
    assert_eq!(
        app.get(&format!("/api/search?q={long_q}")).await.json()["error"]["param"],
        "q"
    );
    // A query string past the whole limit is refused before any handler
    // reads it, on every path, even one of harmless short parameters.
    let many = "kind=organisation&".repeat(500);
    for path in ["/api/search", "/search", "/api/taxonomy"] {
        let reply = app.get(&format!("{path}?{many}")).await;
        assert_eq!(reply.status, 400, "{path}");
        let message = reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            message.contains("longer than 8192 bytes"),
            "{path}: {message}"
        );
    }
}

#[tokio::test]
async fn entries_taxonomy_and_health() {
    let app = app(&fixture("small"));
    let entry = app.get("/api/entries/consent-ks2-lessons").await;
    assert_eq!(entry.status, 200);
    let json = entry.json();
    assert_eq!(json["title"], "Consent lessons for key stage 2");
    assert_eq!(json["ages"], "7-11");
    assert_eq!(json["key_stages"], serde_json::json!(["ks2"]));
    assert_eq!(json["provider"], "helpline-national");
    assert_eq!(json["review_due"], "2027-01-10");
    assert!(
        json["body_html"]
            .as_str()
            .unwrap()
            .starts_with("<p>Lessons on consent")
    );
    assert_eq!(
        app.get("/api/entries/consent-from-reception").await.json()["due_for_review"],
        true
    );

    let missing = app.get("/api/entries/no-such-entry").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["code"], "not_found");

    let taxonomy = app.get("/api/taxonomy").await.json();
    assert_eq!(taxonomy["topics"][1]["id"], "online-safety");
    assert_eq!(taxonomy["topics"][2]["parent_id"], "online-safety");
    assert_eq!(taxonomy["key_stages"].as_array().unwrap().len(), 6);

    let health = app.get("/healthz").await.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["entries"], 11);
    assert!(health["index_version"].as_str().unwrap().starts_with("v-"));
    assert!(health["last_error"].is_null());
}

#[tokio::test]
async fn every_response_carries_strict_headers_and_no_cookies() {
    let app = app(&fixture("small"));
    for uri in [
        "/api/search?q=consent",
        "/api/entries/nope",
        "/no/such/page",
        "/healthz",
    ] {
        let reply = app.get(uri).await;
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        assert!(
            header("content-security-policy")
                .unwrap()
                .starts_with("default-src 'none'"),
            "{uri}"
        );
        assert_eq!(
            header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{uri}"
        );
        assert_eq!(
            header("referrer-policy").as_deref(),
            Some("no-referrer"),
            "{uri}"
        );
        assert!(header("set-cookie").is_none(), "{uri}");
    }
}

/// A fault of the server's own (an index that cannot be read) is a 500 in
/// the API's error shape; bad input never is.
#[tokio::test]
async fn an_internal_fault_is_a_500_not_an_empty_result() {
    use axum::response::IntoResponse;
    let fault = signpost::search::SearchError::Index(tantivy::TantivyError::InternalError(
        "a segment could not be read".into(),
    ));
    let response = signpost::web::WebError::from(fault).into_response();
    assert_eq!(response.status(), 500);
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["error"]["code"], "internal");
    // The detail is logged, never shown.
    assert!(
        !json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("segment")
    );
}
