//! Any Unicode query, with words the search reads as filters mixed in,
//! answers without a server error, through the API and the pages; and each
//! filter chip's "without" text is the query with that filter's words cut
//! out. Lowercasing changes byte lengths (İ, the Kelvin sign K, ẞ, ﬁ, final
//! sigma), so an offset taken from a lowercased copy is not valid in the
//! text as typed: these tests fail if one is used.

mod common;

use common::{App, app, fixture};
use proptest::prelude::*;

/// Words the search interprets, characters whose lowercase form has another
/// byte length, and the punctuation of the query syntax.
const PIECES: &[&str] = &[
    "year 8",
    "Year 9",
    "years 7-9",
    "KS3",
    "key stage 2",
    "age 12",
    "12 year olds",
    "reception",
    "primary",
    "secondary school",
    "sixth form",
    "SEND",
    "tamworth",
    "Staffs",
    "sexting",
    "consent",
    "relationshps",
    "İ",
    "İİ",
    "\u{212A}",
    "ẞ",
    "ﬁ",
    "ΣΑΣ",
    "ς",
    "Ⅻ",
    "ǅ",
    "\"",
    "-",
    "–",
    "(",
    ":",
    "*",
    "\u{0301}",
    "\u{200B}",
    "١٢",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => "\\PC{1,6}",
    ]
}

fn query() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(piece(), 1..12),
        proptest::collection::vec(proptest::sample::select(&["", " ", "  ", "\t"][..]), 12),
    )
        .prop_map(|(pieces, gaps)| {
            pieces
                .iter()
                .zip(gaps.iter().cycle())
                .flat_map(|(p, g)| [p.as_str(), if g.is_empty() { " " } else { g }])
                .collect()
        })
}

fn encode(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

/// Whitespace folded as the search folds it.
fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `without` is `q` with one occurrence of `text` cut out.
fn is_query_without(q: &str, text: &str, without: &str) -> bool {
    q.match_indices(text)
        .any(|(at, _)| fold(&format!("{} {}", &q[..at], &q[at + text.len()..])) == fold(without))
}

fn check(app: &App, runtime: &tokio::runtime::Runtime, q: &str) -> Result<(), TestCaseError> {
    let api = runtime.block_on(app.get(&format!("/api/search?q={}", encode(q))));
    prop_assert!(api.status.as_u16() < 500, "API {} for {q:?}", api.status);
    if api.status == 200 {
        let q = q.trim();
        for chip in api.json()["interpreted"].as_array().into_iter().flatten() {
            let text = chip["text"].as_str().unwrap_or_default();
            let without = chip["without"].as_str().unwrap_or_default();
            prop_assert!(!text.is_empty(), "{chip} of {q:?}");
            prop_assert!(
                is_query_without(q, text, without),
                "{q:?} without {text:?} is not {without:?}"
            );
        }
    }
    let page = runtime.block_on(app.get(&format!("/search?q={}", encode(q))));
    prop_assert!(page.status.as_u16() < 500, "page {} for {q:?}", page.status);
    Ok(())
}

#[test]
fn the_reported_url_answers() {
    let app = app(&fixture("small"));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let reply = runtime.block_on(app.get("/search?q=%C4%B0%C4%B0%20year%208%20%E2%84%AA"));
    assert_eq!(reply.status, 200);
    let api = runtime.block_on(app.get("/api/search?q=%C4%B0%C4%B0%20year%208%20%E2%84%AA"));
    let chip = &api.json()["interpreted"][0];
    assert_eq!(chip["text"], "year 8");
    assert_eq!(chip["without"], "İİ \u{212A}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_query_answers_and_chips_remove_their_words(q in query()) {
        thread_local! {
            static APP: (App, tokio::runtime::Runtime) =
                (app(&fixture("small")), tokio::runtime::Runtime::new().unwrap());
        }
        APP.with(|(app, runtime)| check(app, runtime, &q))?;
    }
}
