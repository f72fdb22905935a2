//! The whole pipeline on the small fixture bank.

use super::*;

/// The small fixture bank, indexed into a temporary directory.
fn fixture() -> (Engine, tempfile::TempDir) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/content");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let library = crate::content::load(&dir, today)
        .library
        .expect("the fixture is valid");
    let tmp = tempfile::tempdir().unwrap();
    let (live, _) = crate::index::ensure(tmp.path(), library).unwrap();
    (Engine::new(live).unwrap(), tmp)
}

fn search<'a>(index: &'a Engine, query: &str) -> SearchResults<'a> {
    let request = SearchRequest::from_query(query, index.index()).unwrap();
    index.run(&request).unwrap()
}

fn snippet_of(results: &SearchResults<'_>, id: &str) -> String {
    results
        .hits
        .iter()
        .find(|h| h.entry.id.as_str() == id)
        .map(|h| h.snippet.clone())
        .unwrap_or_else(|| panic!("{id} is a hit"))
}

#[test]
fn relevance_pages_follow_on_from_one_another() {
    let (index, _tmp) = fixture();
    let all = search(&index, "q=abuse+staff+pupils&per_page=100");
    assert!(all.total > 4, "the fixture has enough matches to page");
    let order = |hits: &[Hit<'_>]| -> Vec<(String, f32)> {
        hits.iter()
            .map(|h| (h.entry.id.as_str().to_string(), h.score))
            .collect()
    };
    let whole = order(&all.hits);
    assert!(
        whole.windows(2).all(|w| w[0].1 >= w[1].1),
        "best first: {whole:?}"
    );
    let paged: Vec<_> = (1..=all.total.div_ceil(2))
        .flat_map(|page| {
            order(
                &search(
                    &index,
                    &format!("q=abuse+staff+pupils&per_page=2&page={page}"),
                )
                .hits,
            )
        })
        .collect();
    assert_eq!(paged, whole);
}

#[test]
fn snippets_mark_synonyms_as_phrases_and_skip_small_words() {
    let (index, _tmp) = fixture();
    // "sexting" is not in the body: its other names are, and the
    // two-word one is marked as one phrase.
    let results = search(&index, "q=sexting");
    assert_eq!(
        snippet_of(&results, "sexting-ks3-send"),
        "Visual lessons about <mark>sharing nudes</mark> for pupils with communication needs."
    );
    // Every form of a typed stem is marked; "for" never is.
    let results = search(&index, "q=lesson+for+pupils");
    let snippet = snippet_of(&results, "sexting-ks3-send");
    assert!(snippet.contains("<mark>lessons</mark>"), "{snippet}");
    assert!(snippet.contains("<mark>pupils</mark>"), "{snippet}");
    assert!(!snippet.contains("<mark>for</mark>"), "{snippet}");
}

fn ids(results: &SearchResults<'_>) -> Vec<String> {
    results
        .hits
        .iter()
        .map(|h| h.entry.id.as_str().to_string())
        .collect()
}

fn counts(results: &SearchResults<'_>) -> Vec<(Facet, String, usize, bool)> {
    results
        .facets
        .iter()
        .flat_map(|f| {
            f.values
                .iter()
                .map(move |v| (f.facet, v.value.to_string(), v.count, v.selected))
        })
        .collect()
}

#[test]
fn interpreted_filters_apply_like_explicit_ones() {
    let (index, _tmp) = fixture();
    for (typed, explicit) in [
        ("q=consent+ks2", "q=consent&key_stage=ks2"),
        (
            "q=domestic+abuse+tamworth",
            "q=domestic+abuse&area=tamworth",
        ),
        ("q=consent+year+8", "q=consent&year=8"),
        ("q=consent+year+eight", "q=consent&year=8"),
        ("q=free+consent", "q=consent&cost=free&cost=free-to-schools"),
    ] {
        let read = search(&index, typed);
        let given = search(&index, explicit);
        assert_eq!(read.interpreted.len(), 1, "{typed}");
        assert!(given.interpreted.is_empty(), "{explicit}");
        assert_eq!(read.total, given.total, "{typed}");
        assert_eq!(counts(&read), counts(&given), "{typed}");
        let mut a = ids(&read);
        let mut b = ids(&given);
        a.sort();
        b.sort();
        assert_eq!(a, b, "{typed}");
    }
}

#[test]
fn explicit_parameters_win_over_the_text() {
    let (index, _tmp) = fixture();
    let results = search(&index, "q=domestic+abuse+tamworth&area=stoke-on-trent");
    assert!(results.interpreted.is_empty());
    assert!(ids(&results).iter().all(|id| id != "tamworth-da-service"));
}

#[test]
fn the_nearest_service_comes_first() {
    let (index, _tmp) = fixture();
    let results = search(&index, "q=domestic+abuse+tamworth");
    assert_eq!(
        ids(&results)[..2],
        ["tamworth-da-service", "staffs-da-service"]
    );
}

#[test]
fn a_district_service_ranks_above_a_national_one_of_the_same_relevance() {
    let (index, _tmp) = fixture();
    // No text: every entry is equally relevant, so the place decides.
    let results = search(&index, "area=tamworth&kind=organisation");
    assert_eq!(
        ids(&results),
        [
            "tamworth-da-service",
            "staffs-da-service",
            "helpline-national"
        ]
    );
    // With words every summary holds alike, the same order.
    let results = search(&index, "q=summary+tests+tamworth&kind=organisation");
    assert_eq!(
        ids(&results),
        [
            "tamworth-da-service",
            "staffs-da-service",
            "helpline-national"
        ]
    );
}

#[test]
fn a_class_age_lifts_lessons_one_childs_age_does_not() {
    let (index, _tmp) = fixture();
    let score = |q: &str| {
        search(&index, q)
            .hits
            .iter()
            .find(|h| h.entry.id.as_str() == "consent-ks2-lessons")
            .map(|h| h.score)
            .unwrap_or_else(|| panic!("{q}: consent-ks2-lessons is a hit"))
    };
    // The same words searched, the same age read.
    let class = score("q=9+year+olds+consent");
    let child = score("q=a+9+year+old+consent");
    assert!((class - child - 0.3).abs() < 1e-4, "{class} vs {child}");
}

#[test]
fn intents_lift_services_with_a_route_in_and_guidance() {
    let (index, _tmp) = fixture();
    let targets = rank::IntentTargets::new(index.index());
    let lifted = |intent: intent::Intent| -> Vec<String> {
        let lifted = targets.lifted(&[intent]);
        let mut ids: Vec<String> = index
            .library()
            .entries()
            .iter()
            .enumerate()
            .filter(|(ord, _)| lifted.iter().any(|(set, w)| set.contains(*ord) && *w > 0.0))
            .map(|(_, e)| e.id.as_str().to_string())
            .collect();
        ids.sort();
        ids
    };
    // Services with a phone or a referral route; not those without
    // (staffs-da-service, stoke-front-door), nor training that takes
    // bookings.
    assert_eq!(
        lifted(intent::Intent::Service),
        ["helpline-national", "tamworth-da-service"]
    );
    assert_eq!(lifted(intent::Intent::Procedure), ["nudes-advice"]);
}

#[test]
fn a_question_for_help_puts_a_service_with_a_route_first() {
    let (index, _tmp) = fixture();
    let plain = search(&index, "q=domestic+abuse+staffordshire");
    assert_eq!(ids(&plain)[0], "staffs-da-service");
    // The same words asked as a question: the service you can call first.
    let asked = search(&index, "q=who+can+help+with+domestic+abuse+staffordshire");
    assert_eq!(ids(&asked)[0], "tamworth-da-service");
}

#[test]
fn phases_keep_untagged_entries_of_those_ages() {
    let (index, _tmp) = fixture();
    let results = search(&index, "q=consent+secondary");
    let found = ids(&results);
    assert!(found.contains(&"consent-ks4-lessons".to_string()));
    assert!(!found.contains(&"consent-ks2-lessons".to_string()));
    let results = search(&index, "q=nudes+secondary");
    // Tagged with no sector, for ages 0-18: kept.
    assert!(ids(&results).contains(&"nudes-advice".to_string()));
}

#[test]
fn synonyms_work_both_ways() {
    let (index, _tmp) = fixture();
    let by_alias = ids(&search(&index, "q=sexting"));
    let by_label = ids(&search(&index, "q=sharing+nudes"));
    for id in ["nudes-advice", "sexting-ks3-send"] {
        assert!(by_alias.contains(&id.to_string()), "sexting: {by_alias:?}");
        assert!(
            by_label.contains(&id.to_string()),
            "sharing nudes: {by_label:?}"
        );
    }
}

#[test]
fn misspellings_fall_back_to_the_banks_words() {
    let (index, _tmp) = fixture();
    let results = search(&index, "q=pornograpy");
    assert_eq!(results.corrected.as_deref(), Some("pornography"));
    assert_eq!(ids(&results), ["porn-ks4"]);
    // A query that finds enough is left as typed.
    assert_eq!(search(&index, "q=consent").corrected, None);
    // The correction shown is the query as typed, with the words read as
    // filters kept: corrected apart from the text searched.
    let read = search(&index, "q=pornograpy+ks4");
    assert!(!read.interpreted.is_empty(), "ks4 is read as a filter");
    assert_eq!(read.corrected.as_deref(), Some("pornography ks4"));
}

#[test]
fn quoted_phrases_and_prefixes() {
    let (index, _tmp) = fixture();
    let phrase = search(&index, "q=%22domestic+abuse+service%22");
    assert_eq!(ids(&phrase), ["tamworth-da-service"]);
    let typing = search(&index, "q=pornog");
    assert_eq!(ids(&typing), ["porn-ks4"]);
    assert_eq!(typing.corrected, None);
}

#[test]
fn zero_results_suggest_a_filter_to_drop() {
    let (index, _tmp) = fixture();
    let results = search(&index, "q=pornography&area=stoke-on-trent");
    assert_eq!(results.total, 0);
    let drop = &results.suggestions[0];
    assert_eq!(drop.kind, SuggestionKind::RemoveFilter);
    assert_eq!(drop.param.as_deref(), Some("area"));
    assert_eq!(drop.count, 1);
    assert_eq!(drop.query, "q=pornography");

    // A filter read from the text is dropped by removing its words.
    let results = search(&index, "q=pornography+tamworth");
    assert_eq!(results.total, 0);
    assert_eq!(results.suggestions[0].query, "q=pornography");
    assert_eq!(results.suggestions[0].count, 1);
}

#[test]
fn zero_results_suggest_a_spelling() {
    let (index, _tmp) = fixture();
    let results = search(&index, "q=consent+pornograpy&topic=pornography");
    assert_eq!(results.total, 0);
    let spelling = results
        .suggestions
        .iter()
        .find(|s| s.kind == SuggestionKind::Spelling)
        .expect("a spelling suggestion");
    assert_eq!(spelling.label, "consent pornography");
    assert_eq!(spelling.count, 1);
    assert_eq!(spelling.query, "q=consent+pornography&topic=pornography");
}

/// The gap map's counts, from bitsets, against a count of the entries
/// themselves: an entry counts for a topic it is tagged with or sits below,
/// at each key stage its ages overlap and in each sector it names.
#[test]
fn coverage_counts_each_entry_under_its_topics_and_their_ancestors() {
    let (engine, _tmp) = fixture();
    let library = engine.library();
    let topics = library
        .taxonomy
        .vocabulary(crate::taxonomy::VocabularyName::Topics);
    let under = |entry: &Entry, topic: usize| {
        entry.topics.iter().any(|t| {
            topics
                .position(t)
                .is_some_and(|p| topics.ancestors_and_self(p).any(|a| a == topic))
        })
    };
    let coverage = engine.coverage();
    let mut nonzero = 0;
    for (counts, in_column) in [
        (
            &coverage.by_key_stage,
            &(|e: &Entry, id: &str| e.ages.key_stages().any(|k| k.id == id))
                as &dyn Fn(&Entry, &str) -> bool,
        ),
        (&coverage.by_sector, &|e: &Entry, id: &str| {
            e.sectors.iter().any(|s| s == id)
        }),
    ] {
        assert_eq!(counts.counts.len(), topics.terms().len());
        for (t, row) in counts.counts.iter().enumerate() {
            for (c, (column, _)) in counts.columns.iter().enumerate() {
                let expected = library
                    .entries()
                    .iter()
                    .filter(|e| under(e, t) && in_column(e, column))
                    .count();
                assert_eq!(row[c], expected, "{} × {column}", topics.terms()[t].id);
                nonzero += usize::from(expected > 0);
            }
        }
    }
    assert!(nonzero > 10, "the fixture fills some cells");
}
