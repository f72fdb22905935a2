//! The SPEC's qualities, measured on a generated bank of 10,000 entries
//! (the default) or 100,000 (national scale, issue 15): search with every
//! facet count, indexing, and the pieces of a `serve` start, cold and with
//! the index current.
//!
//! ```text
//! cargo bench --bench search                       # everything, 10,000 entries
//! cargo bench --bench search -- search_10000       # only the searches
//! SIGNPOST_BENCH_ENTRIES=100000 cargo bench --bench search   # national scale
//! SIGNPOST_BENCH_ENTRIES=2000 cargo bench --bench search     # any size
//! ```
//!
//! Figures and the machine they were taken on: `docs/benchmarks.md`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};

use http_body_util::BodyExt;
use tower::ServiceExt;

use signpost::clock::Clock;
use signpost::content::{self, Library};
use signpost::index::{self, LiveIndex};
use signpost::search::{Engine, SearchRequest};
use signpost::web;
use signpost_tools::corpus::{self, Options, Source};

/// The requests a teacher, a DSL and a head would make, as query strings.
const REQUESTS: [(&str, &str); 11] = [
    ("empty", ""),
    // 45 words, places and years among them, that match nothing: the
    // zero-result suggestions are counted from bitsets, not re-searched.
    (
        "zero_results_45_words",
        "q=qqxv+zzkw+year+8+tamworth+primary+wwqz+xxvq+ks3+lichfield+stafford+vvkq+kkzw\
         +qzqx+age+12+zxzq+secondary+xqxz+wqwq+cannock+chase+year+9+qqww+zzxx+kqkq\
         +wvwv+SEND+vqvq+xkxk+tamworth+zqzq+qxqx+post-16+wzwz+kvkv+year+10+xwxw+zkzk\
         +qvqv+stoke+vxvx+kqzw+zwkq+qkwz",
    ),
    ("consent", "q=consent"),
    ("consent_ks2", "q=consent&key_stage=ks2"),
    (
        "nudes_year9_topic_ks3",
        "q=sharing+nudes+year+9&topic=sharing-nudes&key_stage=ks3",
    ),
    ("tamworth_organisations", "area=tamworth&kind=organisation"),
    ("helpline_tamworth", "q=helpline+tamworth"),
    ("hsb_training_governors", "q=HSB+training+for+governors"),
    ("typo_relationshps", "q=relationshps"),
    (
        "three_facets_disjunctive",
        "topic=consent&topic=healthy-relationships&topic=online-safety\
         &sector=primary&sector=special&format=lesson-plan&format=video",
    ),
    (
        "text_and_three_facets",
        "q=harmful+sexual+behaviour&topic=harmful-sexual-behaviour&topic=sexual-harassment\
         &sector=secondary&sector=post-16&audience=dsls&audience=teachers",
    ),
];

/// A fixed day, so the corpus (review dates) is the same on every run.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date")
}

fn entries() -> usize {
    std::env::var("SIGNPOST_BENCH_ENTRIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000)
}

struct Fixture {
    _dir: tempfile::TempDir,
    content: PathBuf,
    index_dir: PathBuf,
    live: Engine,
}

fn load(content: &Path) -> Library {
    let checked = content::load(content, today());
    let errors = checked.error_count();
    checked
        .library
        .unwrap_or_else(|| panic!("the generated corpus has {errors} errors"))
}

fn fixture() -> Fixture {
    let n = entries();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let content = dir.path().join("content");
    let index_dir = dir.path().join("index");
    // The shipped bank, at the workspace root.
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let source = Source::from_content_dir(&shipped).expect("the shipped content");

    let started = Instant::now();
    corpus::generate(&source, &Options::new(n, 1, today()), &content).expect("a corpus");
    eprintln!("generated {n} entries in {:.2?}", started.elapsed());

    let started = Instant::now();
    let library = load(&content);
    eprintln!("loaded and checked in {:.2?}", started.elapsed());

    let started = Instant::now();
    let version = index::build_and_swap(&index_dir, &library).expect("an index");
    eprintln!("indexed in {:.2?}", started.elapsed());

    let started = Instant::now();
    drop(library);
    let live = LiveIndex::open(&index_dir, &version).expect("the index opens");
    let live = Engine::new(live).expect("the engine opens");
    eprintln!(
        "opened (facet bitsets, lexicon) in {:.2?}",
        started.elapsed()
    );

    let started = Instant::now();
    let request = SearchRequest::from_query("q=consent", live.index()).expect("a request");
    let first = live.run(&request).expect("results").total;
    eprintln!("first search: {:.2?}, {first} results", started.elapsed());
    Fixture {
        _dir: dir,
        content,
        index_dir,
        live,
    }
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    let n = f.live.index().len();

    let mut group = c.benchmark_group(format!("search_{n}"));
    for (name, query) in REQUESTS {
        let request = SearchRequest::from_query(query, f.live.index())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let results = f.live.run(&request).expect("results");
        eprintln!(
            "{name:<26} {:>5} results, {} hits on the page, {} facets  ({query})",
            results.total,
            results.hits.len(),
            results.facets.len()
        );
        drop(results);
        group.bench_function(name, |b| {
            b.iter(|| f.live.run(black_box(&request)).expect("results"))
        });
    }
    group.finish();

    // What `/api/search` adds around the search: parsing and JSON.
    let mut group = c.benchmark_group(format!("api_{n}"));
    for (name, query) in [REQUESTS[3], REQUESTS[9]] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let request =
                    SearchRequest::from_query(black_box(query), f.live.index()).expect("ok");
                let results = f.live.run(&request).expect("results");
                serde_json::to_vec(&web::search_json(&results, "")).expect("json")
            })
        });
    }
    group.finish();

    // What the router adds around a handler (its layers: headers, log,
    // timeout, compression, conditional requests), through the whole app
    // without a socket.
    let mut group = c.benchmark_group(format!("router_{n}"));
    let version = index::current_version(&f.index_dir).expect("a version");
    let live = LiveIndex::open(&f.index_dir, &version).expect("opens");
    let state = web::AppState::new(Engine::new(live).expect("opens"), Clock::Fixed(today()));
    let router = web::router(state);
    // With a timer, for the request timeout.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    for (name, uri) in [
        ("healthz", "/healthz".to_string()),
        (
            "tamworth_organisations",
            format!("/api/search?{}", REQUESTS[5].1),
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| runtime.block_on(respond(&router, &uri)))
        });
    }
    group.finish();

    // Whole-bank work: a few slow samples each.
    let mut group = c.benchmark_group(format!("bank_{n}"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    let library = load(&f.content);
    group.bench_function("index_build_and_swap", |b| {
        b.iter(|| index::build_and_swap(&f.index_dir, &library).expect("an index"))
    });
    drop(library);
    group.bench_function("content_load_and_check", |b| {
        b.iter(|| load(black_box(&f.content)))
    });
    let version = index::current_version(&f.index_dir).expect("a version");
    group.bench_function("index_open", |b| {
        b.iter(|| {
            let live = LiveIndex::open(&f.index_dir, &version).expect("opens");
            Engine::new(live).expect("opens")
        })
    });
    // What `serve` does before it listens when the index is current: stat
    // every content file against the version's stamps, then open it.
    group.bench_function("serve_start_index_current", |b| {
        b.iter(|| {
            let live = index::open_current(&f.index_dir, &f.content).expect("current");
            Engine::new(live).expect("opens")
        })
    });
    group.finish();
}

/// One request through the router, and its body read to the end.
async fn respond(router: &axum::Router, uri: &str) -> usize {
    let request = axum::http::Request::get(uri)
        .body(axum::body::Body::empty())
        .expect("a request");
    let response = (router.clone()).oneshot(request).await.expect("a response");
    assert_eq!(response.status(), axum::http::StatusCode::OK, "{uri}");
    let body = response.into_body().collect().await.expect("a body");
    body.to_bytes().len()
}

criterion_group!(search_benches, benches);
criterion_main!(search_benches);
