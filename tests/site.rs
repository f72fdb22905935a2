//! Issue 12: any local authority runs its own Signpost. A second bank
//! (`tests/fixtures/haven`) with its own `site.yaml` is served under its
//! own name, numbers and path; caching headers agree between servers on
//! the same content; metrics stay off the public router.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

mod common;
use common::process::{free_port, get, header, request, serve_under, wait_until};
use common::{App, app, app_on, fixture, signpost, today};
use signpost::clock::Clock;
use signpost::web::{AppState, router};

const PREFIX: &str = "/haven";
const ORIGIN: &str = "https://www.havenshire.example.gov.uk";

fn haven() -> App {
    app(&fixture("haven"))
}

/// Every `href`, `src` and `action` value in a page (or feed).
fn links(body: &str) -> Vec<String> {
    let pattern = regex::Regex::new(r#"\s(?:href|src|action)="([^"]*)""#).unwrap();
    pattern
        .captures_iter(body)
        .map(|c| c[1].replace("&#38;", "&").replace("&amp;", "&"))
        .collect()
}

/// A link that leaves the site, or stays on the page, or is under its path.
fn assert_prefixed(page: &str, body: &str) {
    let all = links(body);
    assert!(!all.is_empty(), "{page}: no links");
    for link in all {
        let outside = ["https://", "http://", "mailto:", "tel:", "#"]
            .iter()
            .any(|scheme| link.starts_with(scheme));
        let inside = link == format!("{PREFIX}/") || link.starts_with(&format!("{PREFIX}/"));
        assert!(outside || inside, "{page}: `{link}` is not under {PREFIX}/");
    }
}

/// Every page type of the haven bank, with the status it should have.
fn page_types() -> Vec<(String, u16)> {
    let mut pages: Vec<(String, u16)> = [
        ("/", 200),
        ("/search", 200),
        ("/search?q=consent", 200),
        ("/search?per_page=2&page=2", 200),
        ("/search?q=consent&kind=training", 200),
        ("/coverage", 200),
        ("/updates", 200),
        ("/no-such-page", 404),
        ("/entries/no-such-entry", 404),
        ("/search?topic=consnet", 400),
    ]
    .into_iter()
    .map(|(p, s)| (format!("{PREFIX}{p}"), s))
    .collect();
    let library = common::library(&fixture("haven"));
    for entry in library.entries() {
        pages.push((format!("{PREFIX}/entries/{}", entry.id), 200));
    }
    pages
}

#[tokio::test]
async fn every_link_on_every_page_type_is_under_the_sites_path() {
    let app = haven();
    for (page, status) in page_types() {
        let reply = app.get(&page).await;
        assert_eq!(reply.status, status, "{page}");
        assert_prefixed(&page, &reply.body);
        // The site's own name and numbers, never the defaults.
        assert!(reply.body.contains("– Haven</title>"), "{page}");
        assert!(
            reply.body.contains("help for schools in Havenshire"),
            "{page}"
        );
        assert!(reply.body.contains("Havenshire Council"), "{page}");
        assert!(
            reply.body.contains(
                "<a href=\"tel:01632960100\">01632 960100</a> (Monday to Friday, 9am to 5pm)"
            ),
            "{page}: the footer's local number"
        );
        assert!(!reply.body.contains("bbc.co.uk"), "{page}: default exit");
    }
    // Outside the path: the 404 page, still with the site's links.
    let reply = app.get("/search?q=consent").await;
    assert_eq!(reply.status, 404);
    assert_prefixed("/search outside the path", &reply.body);
    // The path without its slash goes to the home page.
    let reply = app.get(PREFIX).await;
    assert_eq!(reply.status, 308);
    assert_eq!(reply.headers["location"], "/haven/");
}

#[tokio::test]
async fn the_danger_line_exit_and_suggest_a_change_come_from_site_yaml() {
    let app = haven();
    let body = app.get("/haven/entries/haven-front-door").await.body;
    let danger = body
        .split("<p class=\"danger-line\">")
        .nth(1)
        .and_then(|s| s.split("</p>").next())
        .expect("an organisation's page shows the danger line");
    let at_999 = danger.find("call 999.").unwrap();
    let at_local = danger.find("Havenshire children&#39;s front door").unwrap();
    let at_out_of_hours = danger.find("01632 960199").unwrap();
    assert!(at_999 < at_local && at_local < at_out_of_hours, "{danger}");
    assert!(body.contains(
        "<a class=\"exit-link\" href=\"https://www.example.org/weather\" rel=\"nofollow noreferrer\" data-exit>"
    ));
    assert!(body.contains(
        "href=\"https://git.example.org/havenshire/bank/edit/main/content/organisations/haven-front-door.md\" rel=\"noopener\">Suggest a change to this entry</a>"
    ));
    assert!(body.contains("href=\"mailto:haven@havenshire.example.gov.uk?subject=Haven%3A%20Havenshire%20children%27s%20front%20door\""));
    assert!(body.contains(
        "<link rel=\"canonical\" href=\"https://www.havenshire.example.gov.uk/haven/entries/haven-front-door\">"
    ));
    // A link in an entry's body to another entry gets the path too.
    let body = app.get("/haven/entries/haven-nudes-advice").await.body;
    assert!(body.contains("<a href=\"/haven/entries/haven-front-door\""));
    // The search page's form, chips and the JSON API's paths.
    let api = app.get("/haven/api/search?q=front+door").await.json();
    assert_eq!(api["hits"][0]["path"], "/haven/entries/haven-front-door");
    let entry = app.get("/haven/api/entries/haven-front-door").await.json();
    assert_eq!(entry["path"], "/haven/entries/haven-front-door");
}

#[tokio::test]
async fn the_feed_is_absolute_from_base_url_whatever_the_host() {
    let app = haven();
    let reply = app
        .get_with("/haven/feed.xml", &[("host", "evil.example.com")])
        .await;
    assert_eq!(reply.status, 200);
    let xml = &reply.body;
    assert!(!xml.contains("evil.example.com"));
    assert!(xml.contains("<title>Haven: new and reviewed entries</title>"));
    assert!(xml.contains("<author><name>Havenshire Council</name></author>"));
    assert!(xml.contains(
        "<link href=\"https://www.havenshire.example.gov.uk/haven/feed.xml\" rel=\"self\" type=\"application/atom+xml\"/>"
    ));
    let hrefs = links(xml);
    let n = common::library(&fixture("haven")).entries().len();
    assert_eq!(hrefs.len(), n + 2, "self, alternate and one per entry");
    for href in hrefs {
        assert!(href.starts_with(&format!("{ORIGIN}{PREFIX}/")), "{href}");
    }
}

#[tokio::test]
async fn assets_have_content_hashed_names_and_are_immutable() {
    let app = haven();
    let home = app.get("/haven/").await.body;
    let css = links(&home)
        .into_iter()
        .find(|l| l.ends_with(".css"))
        .unwrap();
    let js = links(&home)
        .into_iter()
        .find(|l| l.ends_with(".js"))
        .unwrap();
    let hashed = regex::Regex::new(r"^/haven/static/signpost\.[0-9a-f]{16}\.(css|js)$").unwrap();
    for asset in [&css, &js] {
        assert!(hashed.is_match(asset), "{asset}");
        let reply = app.get(asset).await;
        assert_eq!(reply.status, 200, "{asset}");
        assert_eq!(
            reply.headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
    }
    // The plain name is served, but must be revalidated; a stale hash is gone.
    let plain = app.get("/haven/static/signpost.css").await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.headers["cache-control"], "public, no-cache");
    let etag = plain.headers["etag"].to_str().unwrap().to_string();
    let again = app
        .get_with("/haven/static/signpost.css", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    assert_eq!(
        app.get("/haven/static/signpost.0000000000000000.css")
            .await
            .status,
        404
    );
    // The same files are named the same at the root of another bank.
    let other = app_on(&fixture("small"), today()).get("/").await.body;
    assert!(other.contains(&format!("href=\"{}\"", css.strip_prefix(PREFIX).unwrap())));
}

/// Pages and API answers whose tags the replicas must agree on.
const CACHED: [&str; 6] = [
    "/haven/",
    "/haven/search?q=consent&key_stage=ks2",
    "/haven/entries/haven-front-door",
    "/haven/api/search?q=consent",
    "/haven/api/openreferral/services",
    "/haven/feed.xml",
];

#[tokio::test]
async fn two_servers_on_the_same_content_give_the_same_etags_and_304s() {
    // Two replicas: separate index directories built at different times.
    let (a, b) = (haven(), haven());
    for path in CACHED {
        let (x, y) = (a.get(path).await, b.get(path).await);
        assert_eq!(x.status, 200, "{path}");
        let tag = x.headers["etag"].to_str().unwrap();
        assert!(tag.starts_with("W/\""), "{path}: {tag}");
        assert_eq!(tag, y.headers["etag"].to_str().unwrap(), "{path}");
        assert_eq!(x.headers["cache-control"], "no-cache", "{path}");
        // Either replica answers the other's tag with a 304 and no body.
        let reply = b.get_with(path, &[("if-none-match", tag)]).await;
        assert_eq!(reply.status, 304, "{path}");
        assert!(reply.body.is_empty());
        assert_eq!(reply.headers["etag"].to_str().unwrap(), tag);
        let reply = b
            .get_with(path, &[("if-none-match", "W/\"0000000000000000\"")])
            .await;
        assert_eq!(reply.status, 200, "{path}");
    }
    // Tags differ between URLs, and from one day to the next.
    let home = a.get("/haven/").await.headers["etag"].clone();
    assert_ne!(home, a.get("/haven/search").await.headers["etag"]);
    let tomorrow = app_on(&fixture("haven"), today().succ_opt().unwrap());
    assert_ne!(home, tomorrow.get("/haven/").await.headers["etag"]);
    // Process health is never cached.
    let health = a.get("/haven/healthz").await;
    assert_eq!(health.headers["cache-control"], "no-store");
    assert!(!health.headers.contains_key("etag"));
}

#[tokio::test]
async fn a_content_change_changes_the_etags() {
    let (content, _tmp) = common::copy_of_fixture("haven");
    let before = app(&content);
    // The same files in another directory: the same tags.
    assert_eq!(
        before.get(CACHED[0]).await.headers["etag"],
        haven().get(CACHED[0]).await.headers["etag"]
    );
    let path = content.join("resources/haven-consent-lessons.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("Six consent lessons", "Seven consent lessons"),
    )
    .unwrap();
    let after = app(&content);
    for page in CACHED {
        let (x, y) = (before.get(page).await, after.get(page).await);
        assert_ne!(x.headers["etag"], y.headers["etag"], "{page}");
        let tag = x.headers["etag"].to_str().unwrap();
        let reply = after.get_with(page, &[("if-none-match", tag)]).await;
        assert_eq!(reply.status, 200, "{page}: an old tag is not fresh");
    }
}

#[tokio::test]
async fn metrics_are_never_on_the_public_router_and_count_on_their_own() {
    let handle = signpost::web::metrics::install().unwrap();
    let metrics = signpost::web::metrics::router(handle);
    let app = haven();
    for path in ["/metrics", "/haven/metrics", "/haven/api/metrics"] {
        assert_eq!(app.get(path).await.status, 404, "{path}");
    }
    for path in [
        "/haven/api/search?q=consent",
        "/haven/api/search?q=zzzzqqqq",
        "/haven/search?q=consent",
        "/haven/entries/haven-front-door",
        "/haven/entries/no-such-entry",
    ] {
        app.get(path).await;
    }
    use tower::ServiceExt;
    let response = metrics
        .oneshot(
            axum::http::Request::builder()
                .uri("/metrics")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes);
    let count = |series: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    assert!(count("signpost_http_requests_total{route=\"/entries/{id}\",status=\"200\"}") >= 1.0);
    assert!(count("signpost_http_requests_total{route=\"/entries/{id}\",status=\"404\"}") >= 1.0);
    assert!(count("signpost_searches_total{via=\"api\"}") >= 2.0);
    assert!(count("signpost_searches_total{via=\"page\"}") >= 1.0);
    assert!(count("signpost_zero_result_searches_total{via=\"api\"}") >= 1.0);
    assert!(count("signpost_http_request_duration_seconds_count{route=\"/api/search\"}") >= 2.0);
    assert!(text.contains(
        "signpost_http_request_duration_seconds_bucket{route=\"/api/search\",le=\"0.001\"}"
    ));
    assert!(text.contains("# TYPE signpost_entries gauge"));
    assert!(text.contains("signpost_index_info{version=\"v-"));
    assert!(text.contains("signpost_last_good_reload_timestamp_seconds"));
    // Routes, not raw paths: a made-up URL adds no series of its own.
    assert!(!text.contains("no-such-entry"));
}

#[tokio::test]
async fn site_yaml_reloads_with_the_bank_but_its_path_needs_a_restart() {
    let (content, _tmp) = common::copy_of_fixture("haven");
    let (engine, index) = common::live(&content);
    let state = AppState::new(engine, Clock::Fixed(today()));
    let app = App::from_router(router(state.clone()));
    let before = app.get("/haven/").await;
    let site = content.join("site.yaml");
    let text = std::fs::read_to_string(&site).unwrap();
    std::fs::write(&site, text.replace("name: Haven", "name: Harbour")).unwrap();
    signpost::watch::reload(&state, &content, index.path());
    assert_eq!(state.health().last_error, None);
    let after = app.get("/haven/").await;
    assert!(after.body.contains("– Harbour</title>"));
    assert_ne!(before.headers["etag"], after.headers["etag"]);
    // Moving the path is refused: the old settings keep serving.
    let text = std::fs::read_to_string(&site).unwrap();
    std::fs::write(&site, text.replace("/haven/", "/harbour/")).unwrap();
    signpost::watch::reload(&state, &content, index.path());
    assert!(state.health().last_error.unwrap().contains("restart"));
    assert_eq!(app.get("/haven/").await.status, 200);
    assert_eq!(state.live().library().site.base_path(), "/haven");
}

// ---------------------------------------------------------------- as a process

#[test]
fn a_bad_site_yaml_is_reported_at_its_lines() {
    let (content, tmp) = common::copy_of_fixture("small");
    std::fs::write(
        content.join("site.yaml"),
        "nmae: Haven\nbase_url: www.example.gov.uk/haven\nemergency:\n  - label: Front door\n    phone: 0800 12\nfeedback_email: haven\n",
    )
    .unwrap();
    let output = signpost()
        .args(["check", "--content"])
        .arg(&content)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let site = content.join("site.yaml");
    let site = site.display();
    for expected in [
        format!("{site}:1:1: error: unknown setting `nmae` (did you mean `name`?)"),
        format!(
            "{site}:2:1: error: `base_url`: `www.example.gov.uk/haven` cannot be used: it must start with https:// or http://"
        ),
        format!("{site}:5:5: error: `emergency.phone`: `0800 12` is not a UK phone number"),
        format!("{site}:6:1: error: `feedback_email`: `haven` is not an email address"),
    ] {
        assert!(stdout.contains(&expected), "{expected}\nin\n{stdout}");
    }
    // The bank refuses to serve with it.
    let output = signpost()
        .args(["index", "--content"])
        .arg(&content)
        .arg("--index")
        .arg(tmp.path().join("index"))
        .output()
        .unwrap();
    assert!(!output.status.success());
}

#[test]
fn new_site_writes_an_explained_template_that_passes_check() {
    let (content, _tmp) = common::copy_of_fixture("small");
    let output = signpost()
        .args(["new", "site", "--content"])
        .arg(&content)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = std::fs::read_to_string(content.join("site.yaml")).unwrap();
    for setting in signpost::content::site::SITE_FIELDS {
        assert!(text.contains(&format!("{setting}:")), "{setting}");
    }
    let check = signpost()
        .args(["check", "--content"])
        .arg(&content)
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    // Never over an existing file.
    let again = signpost()
        .args(["new", "site", "--content"])
        .arg(&content)
        .output()
        .unwrap();
    assert!(!again.status.success());
    // Every commented example passes the check once uncommented.
    let uncommented: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.contains(':') && !rest.starts_with(char::is_uppercase) => rest,
            _ if l.starts_with("#   ") => &l[2..],
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let site = signpost::content::site::parse(Path::new("site.yaml"), &uncommented)
        .unwrap_or_else(|e| panic!("{e:#?}\n{uncommented}"));
    assert_eq!(site.base_path(), "/signpost");
    assert_eq!(site.emergency.len(), 2);
}

#[test]
fn schema_site_describes_every_setting() {
    let output = signpost().args(["schema", "--site"]).output().unwrap();
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    let names: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = signpost::content::site::SITE_FIELDS.into_iter().collect();
    assert_eq!(names, expected);
    assert_eq!(schema["additionalProperties"], false);
    // The shipped settings and the haven fixture's satisfy it.
    let validator = jsonschema::validator_for(&schema).unwrap();
    for file in [
        "content/site.yaml",
        "tests/fixtures/haven/content/site.yaml",
    ] {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
        let value: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        assert!(validator.is_valid(&value), "{file}");
    }
}

#[test]
fn the_binary_serves_under_the_path_with_metrics_on_their_own_address() {
    let tmp = tempfile::tempdir().unwrap();
    let metrics_port = free_port();
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let (_server, port) = serve_under(
        &fixture("haven"),
        &tmp.path().join("index"),
        &["--metrics-addr", &metrics_addr, "--watch"],
        PREFIX,
    );
    for (page, status) in page_types() {
        let (got, head, body) = request(port, &page, &[]).unwrap();
        assert_eq!(got, status, "{page}");
        assert_prefixed(&page, &body);
        if status == 200 {
            let tag = header(&head, "etag").unwrap().to_string();
            let (again, _, _) = request(port, &page, &[("If-None-Match", &tag)]).unwrap();
            assert_eq!(again, 304, "{page}");
        }
    }
    let (status, _, feed) = request(port, "/haven/feed.xml", &[]).unwrap();
    assert_eq!(status, 200);
    assert!(links(&feed).iter().all(|l| l.starts_with(ORIGIN)));
    assert_eq!(get(port, "/metrics").unwrap().0, 404);
    assert_eq!(get(port, "/haven/metrics").unwrap().0, 404);
    wait_until("the metrics listener", Duration::from_secs(10), || {
        get(metrics_port, "/metrics").is_ok_and(|(s, b)| {
            s == 200
                && b.contains(
                    "signpost_http_requests_total{route=\"/entries/{id}\",status=\"200\"}",
                )
        })
    });
    let (_, text) = get(metrics_port, "/metrics").unwrap();
    assert!(text.contains("signpost_entries 6"), "{text}");
    assert_eq!(get(metrics_port, "/haven/").unwrap().0, 404);
}
