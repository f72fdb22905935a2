//! The Open Referral HSDS 3.0 API under `/api/openreferral/`: every
//! endpoint's answer validates against the standard's schemas (made strict,
//! as its own example check does), paging follows `openapi.json`, the
//! filters narrow, and unknown ids are 404s in the API's error shape.

use serde_json::{Value, json};

mod common;
use common::hsds::{errors, validator};
use common::{App, app, fixture};
use signpost::clock::Clock;
use signpost::content::Kind;
use signpost::web::{AppState, router};

fn shipped() -> App {
    app(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content"))
}

/// The `Page` object of `openapi.json`, strict, with its `contents`.
fn assert_page(page: &Value, item_schema: &str) -> Vec<Value> {
    let keys: Vec<&str> = page
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "contents",
            "empty",
            "first_page",
            "last_page",
            "page_number",
            "size",
            "total_items",
            "total_pages"
        ]
    );
    for key in ["total_items", "total_pages", "page_number", "size"] {
        assert!(page[key].is_u64(), "{key}");
    }
    for key in ["first_page", "last_page", "empty"] {
        assert!(page[key].is_boolean(), "{key}");
    }
    let contents = page["contents"].as_array().unwrap().clone();
    assert_eq!(page["size"], contents.len());
    let item = validator(item_schema);
    for value in &contents {
        let problems = errors(&item, value);
        assert!(
            problems.is_empty(),
            "{item_schema}: {problems:#?}\n{value:#}"
        );
    }
    contents
}

async fn all(app: &App, list: &str, item_schema: &str) -> Vec<Value> {
    let reply = app
        .get(&format!("/api/openreferral/{list}?per_page=100"))
        .await;
    assert_eq!(reply.status, 200, "{list}: {}", reply.body);
    let page = reply.json();
    assert_eq!(page["total_pages"], 1, "{list}");
    assert_page(&page, item_schema)
}

#[tokio::test]
async fn every_endpoint_validates_against_the_hsds_schemas() {
    let app = shipped();
    let about = app.get("/api/openreferral/").await.json();
    assert_eq!(about["version"], "3.0");
    for key in ["profile", "openapi_url"] {
        assert!(about[key].as_str().unwrap().starts_with("https://"));
    }

    let services = all(&app, "services", "compiled/service_list.json").await;
    let organizations = all(&app, "organizations", "compiled/organization_list.json").await;
    let taxonomies = all(&app, "taxonomies", "taxonomy.json").await;
    let terms = all(&app, "taxonomy_terms", "taxonomy_term.json").await;
    let at_locations = all(
        &app,
        "service_at_locations",
        "compiled/service_at_location_list.json",
    )
    .await;
    assert!(organizations.len() > 20);
    assert!(services.len() > organizations.len());
    assert_eq!(taxonomies.len(), 6);
    assert!(terms.len() > 50);
    assert!(!at_locations.is_empty());

    // Each one by id, fully nested, against the compiled schemas.
    let service = validator("compiled/service.json");
    for s in &services {
        let id = s["id"].as_str().unwrap();
        let one = app.get(&format!("/api/openreferral/services/{id}")).await;
        assert_eq!(one.status, 200);
        let one = one.json();
        let problems = errors(&service, &one);
        assert!(problems.is_empty(), "{}: {problems:#?}", s["name"]);
        assert_eq!(one["organization"]["id"], s["organization_id"]);
    }
    let organization = validator("compiled/organization.json");
    for o in &organizations {
        let id = o["id"].as_str().unwrap();
        let one = app
            .get(&format!("/api/openreferral/organizations/{id}"))
            .await
            .json();
        let problems = errors(&organization, &one);
        assert!(problems.is_empty(), "{}: {problems:#?}", o["name"]);
    }
    // Taxonomies and terms by id: the same objects as in the lists.
    for (list, kind, schema) in [
        (&taxonomies, "taxonomies", "taxonomy.json"),
        (&terms, "taxonomy_terms", "taxonomy_term.json"),
    ] {
        let validator = validator(schema);
        for t in list.iter().step_by(3) {
            let id = t["id"].as_str().unwrap();
            let one = app
                .get(&format!("/api/openreferral/{kind}/{id}"))
                .await
                .json();
            assert!(validator.is_valid(&one), "{kind}/{id}");
            assert_eq!(&one, t);
        }
    }
    // The virtual locations point at services that exist.
    for sal in &at_locations {
        assert!(services.iter().any(|s| s["id"] == sal["service_id"]));
        assert_eq!(sal["location"]["id"], sal["location_id"]);
    }
}

#[tokio::test]
async fn the_api_and_the_export_give_the_same_objects_and_ids() {
    let app = shipped();
    let library =
        common::library(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content"));
    let export = signpost::export::open_referral(&library);
    for org in export.as_array().unwrap() {
        let id = org["id"].as_str().unwrap();
        let served = app
            .get(&format!("/api/openreferral/organizations/{id}"))
            .await
            .json();
        assert_eq!(&served, org);
    }
    // Ids are stable: a fresh server over a fresh index gives the same.
    let again = shipped();
    assert_eq!(
        app.get("/api/openreferral/services?per_page=100")
            .await
            .body,
        again
            .get("/api/openreferral/services?per_page=100")
            .await
            .body
    );
}

/// The haven bank is served under `/haven/`, its API too.
#[tokio::test]
async fn paging_and_filters_follow_openapi() {
    let app = app(&fixture("haven"));
    let everything = app.get("/haven/api/openreferral/services").await.json();
    let total = everything["total_items"].as_u64().unwrap();
    assert_eq!(
        total, 4,
        "two organisations, the lessons and training of one"
    );

    let first = app
        .get("/haven/api/openreferral/services?per_page=2")
        .await
        .json();
    assert_eq!(
        (
            &first["total_pages"],
            &first["size"],
            &first["first_page"],
            &first["last_page"]
        ),
        (&json!(2), &json!(2), &json!(true), &json!(false))
    );
    let second = app
        .get("/haven/api/openreferral/services?per_page=2&page=2")
        .await
        .json();
    assert_eq!(
        (
            &second["page_number"],
            &second["size"],
            &second["last_page"]
        ),
        (&json!(2), &json!(2), &json!(true))
    );

    let count = |body: Value| body["total_items"].as_u64().unwrap();
    // search
    assert_eq!(
        count(
            app.get("/haven/api/openreferral/services?search=CONSENT+lessons")
                .await
                .json()
        ),
        1
    );
    // organization_id
    let orgs = app
        .get("/haven/api/openreferral/organizations")
        .await
        .json();
    let north = orgs["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Haven North domestic abuse service")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        count(
            app.get(&format!(
                "/haven/api/openreferral/services?organization_id={north}"
            ))
            .await
            .json()
        ),
        1
    );
    // modified_after: a date-time or a date
    assert_eq!(
        count(
            app.get("/haven/api/openreferral/services?modified_after=2026-01-20T00:00:00Z")
                .await
                .json()
        ),
        2
    );
    assert_eq!(
        count(
            app.get("/haven/api/openreferral/services?modified_after=2026-01-21")
                .await
                .json()
        ),
        1
    );
    // taxonomy_term_id: a broad term matches services tagged below it
    let terms = app
        .get("/haven/api/openreferral/taxonomy_terms?search=online+safety")
        .await
        .json();
    let online_safety = terms["contents"][0]["id"].as_str().unwrap().to_string();
    let terms = app
        .get(&format!(
            "/haven/api/openreferral/taxonomy_terms?parent_id={online_safety}"
        ))
        .await
        .json();
    assert_eq!(terms["total_items"], 2, "sharing nudes and pornography");
    let consent = app
        .get("/haven/api/openreferral/taxonomy_terms?search=consent")
        .await
        .json()["contents"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        count(
            app.get(&format!(
                "/haven/api/openreferral/services?taxonomy_term_id={consent}"
            ))
            .await
            .json()
        ),
        1
    );
    let top = app
        .get("/haven/api/openreferral/taxonomy_terms?top_only=true&per_page=100")
        .await
        .json();
    assert!(
        top["contents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t.get("parent_id").is_none())
    );
}

#[tokio::test]
async fn unknown_ids_and_bad_parameters_are_errors_in_the_apis_shape() {
    let app = app(&fixture("haven"));
    for path in [
        "/haven/api/openreferral/services/00000000-0000-5000-8000-000000000000",
        "/haven/api/openreferral/organizations/haven-front-door",
        "/haven/api/openreferral/taxonomies/nope",
        "/haven/api/openreferral/taxonomy_terms/nope",
        "/haven/api/openreferral/locations",
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.json()["error"]["code"], "not_found", "{path}");
    }
    for (path, param) in [
        ("/haven/api/openreferral/services?per_page=101", "per_page"),
        ("/haven/api/openreferral/services?page=0", "page"),
        ("/haven/api/openreferral/services?page=9", "page"),
        ("/haven/api/openreferral/services?pag=2", "pag"),
        (
            "/haven/api/openreferral/services?modified_after=yesterday",
            "modified_after",
        ),
        ("/haven/api/openreferral/services?format=ndjson", "format"),
        (
            "/haven/api/openreferral/service_at_locations?postcode=AB1",
            "postcode",
        ),
        (
            "/haven/api/openreferral/taxonomy_terms?top_only=maybe",
            "top_only",
        ),
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 400, "{path}");
        let error = &reply.json()["error"];
        assert_eq!(error["code"], "bad_request", "{path}");
        assert_eq!(error["param"], param, "{path}");
    }
    let reply = app
        .get("/haven/api/openreferral/services?pag=2")
        .await
        .json();
    assert_eq!(reply["error"]["did_you_mean"], "page");
}

/// The services filters on a generated bank, against a model built from
/// the entries: an organisation's services are its own offer and the
/// training and resources naming it provider; a broad topic matches the
/// services tagged with it or a topic below it; an id naming nothing
/// matches no service.
#[tokio::test]
async fn services_filters_match_a_model_on_a_generated_bank() {
    let (dir, _tmp) = common::generated(400, 11);
    let (app, library) = (app(&dir), common::library(&dir));
    let entries = library.entries();
    let is_service_of = |e: &signpost::content::Entry, org: &str| {
        e.id.as_str() == org
            || (matches!(e.kind, Kind::Training | Kind::Resource)
                && e.provider.as_ref().is_some_and(|p| p.as_str() == org))
    };
    let total = |path: String| {
        let app = &app;
        async move {
            let reply = app.get(&path).await;
            assert_eq!(reply.status, 200, "{path}: {}", reply.body);
            reply.json()["total_items"].as_u64().unwrap() as usize
        }
    };

    let orgs = every_page(&app, "organizations").await;
    let mut checked = 0;
    for org in orgs.iter().step_by(7) {
        let named: Vec<_> = entries
            .iter()
            .filter(|e| e.kind == Kind::Organisation && e.title == org["name"])
            .collect();
        let [named] = named[..] else {
            continue;
        };
        let code = named.id.to_string();
        let expected = entries.iter().filter(|e| is_service_of(e, &code)).count();
        let id = org["id"].as_str().unwrap();
        let found = total(format!("/api/openreferral/services?organization_id={id}")).await;
        assert_eq!(found, expected, "services of {code}");
        checked += 1;
    }
    assert!(checked >= 3, "{checked} organisations checked");

    let services: Vec<_> = entries
        .iter()
        .filter(|e| {
            e.kind == Kind::Organisation
                || (matches!(e.kind, Kind::Training | Kind::Resource)
                    && e.provider.as_ref().is_some_and(|p| {
                        library
                            .get(p.as_str())
                            .is_some_and(|o| o.kind == Kind::Organisation)
                    }))
        })
        .collect();
    let topics = &library.taxonomy.topics;
    let terms = every_page(&app, "taxonomy_terms").await;
    let mut broad = 0;
    for code in [
        "sexual-harassment",
        "online-safety",
        "consent",
        "upskirting",
    ] {
        let term = terms
            .iter()
            .find(|t| t["code"] == code && t["taxonomy"] == "Signpost topics")
            .unwrap_or_else(|| panic!("{code} is a topic"));
        let position = topics.position(code).unwrap();
        broad += usize::from(topics.terms().iter().any(|t| t.parent == Some(position)));
        let expected = services
            .iter()
            .filter(|e| {
                e.topics.iter().any(|t| {
                    topics
                        .position(t)
                        .is_some_and(|p| topics.is_within(p, position))
                })
            })
            .count();
        assert!(expected > 0, "{code}: the bank has services on it");
        let id = term["id"].as_str().unwrap();
        let found = total(format!("/api/openreferral/services?taxonomy_term_id={id}")).await;
        assert_eq!(found, expected, "services on {code}");
    }
    assert!(
        broad >= 2,
        "broad topics with topics below them were checked"
    );

    let nothing = "00000000-0000-5000-8000-000000000000";
    for param in ["organization_id", "taxonomy_term_id"] {
        let found = total(format!("/api/openreferral/services?{param}={nothing}")).await;
        assert_eq!(found, 0, "{param} naming nothing");
    }
}

/// Every item of a list, a page of 100 at a time.
async fn every_page(app: &App, list: &str) -> Vec<Value> {
    let mut items = Vec::new();
    for page in 1.. {
        let reply = app
            .get(&format!(
                "/api/openreferral/{list}?per_page=100&page={page}"
            ))
            .await;
        assert_eq!(reply.status, 200, "{list}: {}", reply.body);
        let json = reply.json();
        items.extend(json["contents"].as_array().unwrap().iter().cloned());
        if json["last_page"] == true {
            return items;
        }
    }
    unreachable!("pages run out")
}

/// Services and organisations are found by id in the content being served:
/// after a reload without an entry, its id is a 404, not whatever entry
/// took its place.
#[tokio::test]
async fn ids_follow_a_reload() {
    let (content, _tmp) = common::copy_of_fixture("haven");
    let (engine, index) = common::live(&content);
    let state = AppState::new(engine, Clock::Fixed(common::today()));
    let app = App::from_router(router(state.clone()));
    let services = app.get("/haven/api/openreferral/services").await.json();
    let id_of = |name: &str| {
        services["contents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("{name} is a service"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let training = id_of("DSL training in Havenshire");
    let front_door = services["contents"][0]["organization_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = |kind: &str, id: &str| format!("/haven/api/openreferral/{kind}/{id}");
    assert_eq!(app.get(&path("services", &training)).await.status, 200);

    std::fs::remove_file(content.join("training/haven-dsl-training.md")).unwrap();
    signpost::watch::reload(&state, &content, index.path());
    assert_eq!(state.health().last_error, None);
    assert_eq!(app.get(&path("services", &training)).await.status, 404);
    let org = app.get(&path("organizations", &front_door)).await;
    assert_eq!(org.status, 200);
    assert_eq!(org.json()["id"], front_door.as_str());
}
