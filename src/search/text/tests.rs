//! The pruned ranking against a model that scores every match, on a
//! generated bank large enough that most matches are pruned.

use std::collections::HashMap;

use super::*;
use crate::search::filters::{Extra, Filters};
use crate::search::intent::Intent;
use crate::search::rank::IntentTargets;
use crate::search::{Engine, SearchRequest};

/// A generated bank of 1,500 entries over the shipped taxonomy.
fn generated() -> (Engine, tempfile::TempDir) {
    use signpost_tools::corpus::{self, Options, Source};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    let source = Source::from_content_dir(&root.join("content")).unwrap();
    corpus::generate(&source, &Options::new(1500, 11, today), &content).unwrap();
    let library = crate::content::load(&content, today)
        .library
        .expect("a generated bank is valid");
    let (live, _) = crate::index::ensure(&tmp.path().join("index"), library).unwrap();
    (Engine::new(live).unwrap(), tmp)
}

/// Every match scored, then sorted: the order the pruning must reproduce.
fn model(
    text: &TextMatches,
    index: &LiveIndex,
    results: &FixedBitSet,
    lifts: &Lifts<'_>,
    k: usize,
) -> Vec<(usize, f32)> {
    let typed = (index.searcher)
        .search(&*text.typed, &AllMatches(&index.doc_ords))
        .unwrap();
    let mut total: HashMap<usize, f32> = HashMap::new();
    for (ord, score) in typed {
        total.insert(ord as usize, score + text.side_score(ord as usize));
    }
    let named = text.synonyms.iter().map(|m| m.0 as usize);
    for ord in named.chain(text.prefixed.ones()) {
        total.entry(ord).or_insert(text.side_score(ord));
    }
    let best = total.values().copied().fold(0.0, f32::max);
    let mut all: Vec<(usize, f32)> = results
        .ones()
        .map(|ord| {
            let base = total.get(&ord).map_or(0.0, |t| t / best);
            (ord, lifts.score(ord, base))
        })
        .collect();
    all.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(index.title_rank[a.0].cmp(&index.title_rank[b.0]))
    });
    all.truncate(k);
    all
}

/// Equal up to float rounding: the same scores, and the same entries
/// wherever the scores are not tied within rounding.
fn assert_same(pruned: &[(usize, f32)], model: &[(usize, f32)], what: &str) {
    assert_eq!(pruned.len(), model.len(), "{what}: how many");
    for (i, (p, m)) in pruned.iter().zip(model).enumerate() {
        assert!(
            (p.1 - m.1).abs() < 1e-5,
            "{what}: score {i}: {p:?} vs {m:?}"
        );
        let tied = |j: usize| model.get(j).is_some_and(|o| (o.1 - m.1).abs() < 1e-5);
        let tie = (i > 0 && tied(i - 1)) || tied(i + 1);
        assert!(p.0 == m.0 || tie, "{what}: entry {i}: {p:?} vs {m:?}");
    }
}

#[test]
fn pruned_ranking_equals_scoring_every_match() {
    let (engine, _tmp) = generated();
    let index = &engine.index;
    let targets = IntentTargets::new(index);
    let queries = [
        "consent",
        "sharing nudes",
        "harmful sexual behaviour",
        "online safety lesson",
        "helpline",
        "training for governors",
        "\"peer on peer\" abuse",
        "sexting",
        "relationships educ",
        "the",
        "staff pupils school",
    ];
    let filters = [
        "",
        "key_stage=ks2",
        "area=tamworth",
        "age=14&area=staffordshire",
        "sector=secondary&kind=resource",
    ];
    let mut pruned_any = false;
    let mut both_ways = [false; 2];
    for q in queries {
        let text = text_matches(&engine, q).unwrap().expect("text");
        both_ways[usize::from(text.all_scored.is_some())] = true;
        for filter in filters {
            let request = SearchRequest::from_query(filter, index).unwrap();
            let filters = Filters::new(index, &request, &Extra::default());
            let (_, results) = filters.apply(&text.bits);
            for (for_class, intents) in [(false, vec![]), (true, vec![Intent::Service])] {
                let lifts = Lifts::new(index, &request, &Extra::default(), for_class)
                    .with_concepts(text.concept_lifts(index))
                    .with_intents(targets.lifted(&intents));
                for k in [1, 10, 40] {
                    let what = format!("{q:?} {filter:?} class={for_class} k={k}");
                    let pruned = text.best(index, &results, &lifts, k).unwrap();
                    let model = model(&text, index, &results, &lifts, k);
                    pruned_any |= results.count_ones(..) > 4 * k;
                    assert_same(&pruned, &model, &what);
                }
            }
        }
    }
    assert!(pruned_any, "some searches match far more than a page");
    assert_eq!(both_ways, [true, true], "pruned and wholly scored texts");
}

#[test]
fn a_page_in_title_order_has_its_relevance_scores() {
    let (engine, _tmp) = generated();
    let index = &engine.index;
    let text = text_matches(&engine, "consent lesson").unwrap().unwrap();
    let request = SearchRequest::from_query("key_stage=ks3", index).unwrap();
    let lifts = Lifts::new(index, &request, &Extra::default(), true)
        .with_concepts(text.concept_lifts(index));
    let all = text.best(index, &text.bits, &lifts, index.len()).unwrap();
    let ords: Vec<usize> = all.iter().rev().take(7).map(|m| m.0).collect();
    let scores = text.scores_of(index, &ords, &lifts).unwrap();
    for (ord, score) in ords.iter().zip(scores) {
        let expected = all.iter().find(|m| m.0 == *ord).unwrap().1;
        assert!(
            (score - expected).abs() < 1e-5,
            "{ord}: {score} vs {expected}"
        );
    }
}

#[test]
fn flattening_keeps_required_and_excluded_words() {
    let (engine, _tmp) = generated();
    let parse = |q: &str| engine.parsers.typed.parse_query_lenient(q).0;
    let flat = flatten(parse("consent lesson"));
    let clauses = flat.downcast_ref::<BooleanQuery>().unwrap().clauses();
    assert!(clauses.len() >= 2 * 5 - 2, "a clause per word and field");
    assert!(
        clauses
            .iter()
            .all(|c| c.1.downcast_ref::<BooleanQuery>().is_none())
    );
    // "+consent -lesson": not a plain union, left as parsed.
    let strict = flatten(parse("+consent -lesson"));
    let clauses = strict.downcast_ref::<BooleanQuery>().unwrap().clauses();
    assert!(clauses.iter().any(|c| c.0 != Occur::Should));
}

#[test]
fn scoring_a_clause_at_a_time_gives_tantivys_scores() {
    let (engine, _tmp) = generated();
    let index = &engine.index;
    let texts = [
        "consent",
        "harmful sexual behaviour",
        "online safety lesson for year 4",
        "\"peer on peer\" abuse",
        "+consent -lesson",
        "nosuchword consent",
    ];
    for q in texts {
        let typed = flatten(engine.parsers.typed.parse_query_lenient(q).0);
        let mut ours = score_every_match(index, &*typed).unwrap();
        let mut tantivys = (index.searcher)
            .search(&*typed, &AllMatches(&index.doc_ords))
            .unwrap();
        ours.sort_unstable_by_key(|m| m.0);
        tantivys.sort_unstable_by_key(|m| m.0);
        assert!(!ours.is_empty(), "{q:?} matches");
        assert_eq!(ours.len(), tantivys.len(), "{q:?}");
        for (o, t) in ours.iter().zip(&tantivys) {
            // The same terms summed, in an order tantivy's union changes
            // as clauses run out: equal up to the rounding of a sum.
            let rounding = 1e-6 * t.1.abs();
            assert!(
                o.0 == t.0 && (o.1 - t.1).abs() <= rounding,
                "{q:?}: {o:?} {t:?}"
            );
        }
    }
}

#[test]
fn a_terms_matches_read_off_its_postings_are_tantivys() {
    let (engine, _tmp) = generated();
    let index = &engine.index;
    let n = index.len();
    for q in ["consent", "helpline", "governors", "nosuchword"] {
        let typed = flatten(engine.parsers.typed.parse_query_lenient(q).0);
        for (_, clause) in clauses(&*typed) {
            let (term, _) = one_term(index, clause).expect("one term a clause");
            let mut ours = FixedBitSet::with_capacity(n);
            add_matches(index, &term, &mut ours).unwrap();
            let tantivys = (index.searcher)
                .search(clause, &MatchSet(&index.doc_ords, n))
                .unwrap();
            assert_eq!(ours, tantivys, "{q:?} {term:?}");
        }
    }
    let consent = text_matches(&engine, "consent").unwrap().unwrap();
    assert!(consent.bits.count_ones(..) > 100, "a common word matches");
}

#[test]
fn a_boost_typed_into_the_text_counts() {
    let (engine, _tmp) = generated();
    let score_of = |q: &str| {
        let text = text_matches(&engine, q).unwrap().unwrap();
        let all = text.all_scored.expect("two words: every match scored");
        all.iter().map(|m| m.1).fold(0.0, f32::max)
    };
    let plain = score_of("title:consent governors");
    let boosted = score_of("title:consent^4 governors");
    // Ignoring the boost would leave the best score where it was.
    assert!(boosted > 1.5 * plain, "{plain} then {boosted}");
}
