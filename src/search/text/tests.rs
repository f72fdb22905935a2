//! The pruned ranking against a model that scores every match, on a
//! generated bank large enough that most matches are pruned.

use std::collections::HashMap;

use super::*;
use crate::search::filters::{Extra, Filters, full};
use crate::search::intent::Intent;
use crate::search::rank::IntentTargets;
use crate::search::{Engine, SearchRequest};
use crate::taxonomy::VocabularyName;

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

/// Every match scored by tantivy, then sorted: the order the ranking must
/// reproduce.
fn model(
    engine: &Engine,
    q: &str,
    results: &FixedBitSet,
    lifts: &Lifts<'_>,
    k: usize,
) -> Vec<(usize, f32)> {
    let index = &engine.index;
    let typed = (index.searcher)
        .search(&*typed_query(engine, q), &AllMatches(&index.doc_ords))
        .unwrap();
    let mut total: HashMap<usize, f32> = HashMap::new();
    for (ord, score) in typed {
        *total.entry(ord as usize).or_default() += score;
    }
    let side = SideMatches::new(engine, q, &concepts(q, &engine.lexicon)).unwrap();
    for &(ord, score) in &side.synonyms {
        *total.entry(ord as usize).or_default() += score;
    }
    for ord in side.prefixed.ones() {
        *total.entry(ord).or_default() += PREFIX_BOOST;
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
fn assert_same(page: &[(usize, f32)], model: &[(usize, f32)], what: &str) {
    assert_eq!(page.len(), model.len(), "{what}: how many");
    for (i, (p, m)) in page.iter().zip(model).enumerate() {
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
fn the_page_is_every_match_sorted() {
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
    let mut skipped_any = false;
    for q in queries {
        let text = text_matches(&engine, q).unwrap().expect("text");
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
                    let page = text.best(index, &results, &lifts, k);
                    let model = model(&engine, q, &results, &lifts, k);
                    skipped_any |= results.count_ones(..) > 4 * k;
                    assert_same(&page, &model, &what);
                }
            }
        }
    }
    assert!(skipped_any, "some searches match far more than a page");
}

/// Browsing an area without text takes the entries a level of nearness
/// at a time: exactly the page that scoring every match gives.
#[test]
fn browsing_an_area_is_every_match_sorted() {
    let (engine, _tmp) = generated();
    let index = &engine.index;
    let everything = full(index.len());
    let mut pruned_any = false;
    for filter in [
        "area=tamworth",
        "area=staffordshire",
        "area=tamworth&area=stoke-on-trent",
        "area=tamworth&kind=organisation",
        "area=cannock-chase&sector=primary&topic=consent",
    ] {
        let request = SearchRequest::from_query(filter, index).unwrap();
        let (_, results) = Filters::new(index, &request, &Extra::default()).apply(&everything);
        let lifts = Lifts::new(index, &request, &Extra::default(), false);
        let mut model: Vec<(usize, f32)> = results
            .ones()
            .map(|ord| (ord, lifts.score(ord, 0.0)))
            .collect();
        model.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(index.title_rank[a.0].cmp(&index.title_rank[b.0]))
        });
        for k in [1, 10, 40, index.len()] {
            let page = lifts.best_by_area(&results, k).expect("only areas lift");
            assert_eq!(page, model[..k.min(model.len())], "{filter} k={k}");
        }
        // A page of 10 filled at the nearest level, with farther entries
        // matching: the case where levels are left unlooked at.
        pruned_any |=
            model.len() > 10 && model[9].1 == model[0].1 && model[model.len() - 1].1 < model[0].1;
    }
    assert!(pruned_any, "some page is full before the farthest level");
    // Other lifts than the areas': every match is scored.
    let request = SearchRequest::from_query("area=tamworth&age=14", index).unwrap();
    let lifts = Lifts::new(index, &request, &Extra::default(), false);
    assert!(lifts.best_by_area(&everything, 10).is_none());
}

#[test]
fn a_page_in_title_order_has_its_relevance_scores() {
    let (engine, _tmp) = generated();
    let index = &engine.index;
    let text = text_matches(&engine, "consent lesson").unwrap().unwrap();
    let request = SearchRequest::from_query("key_stage=ks3", index).unwrap();
    let lifts = Lifts::new(index, &request, &Extra::default(), true)
        .with_concepts(text.concept_lifts(index));
    let all = text.best(index, &text.bits, &lifts, index.len());
    let ords: Vec<usize> = all.iter().rev().take(7).map(|m| m.0).collect();
    let scores = text.scores_of(&ords, &lifts);
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
    let n = index.len();
    // Common words (kept word scores), a rarer one and one nowhere (from
    // the postings), a word in one field, a word twice, a phrase and
    // required and excluded words (through tantivy).
    let texts = [
        "consent",
        "harmful sexual behaviour",
        "online safety lesson for year 4",
        "sexting consent",
        "nosuchword consent",
        "title:consent governors",
        "consent consent lesson",
        "\"peer on peer\" abuse",
        "+consent -lesson",
    ];
    let kept =
        |word: &str| (index.word_scores).add_to(word.as_bytes(), &mut vec![0.0; index.len()]);
    assert!(kept("consent") && kept("lesson"), "common words are kept");
    assert!(!kept("sext") && !kept("nosuchword"), "rare words are not");
    // Words in most entries are kept dense, the others as pairs: the
    // searches below add up both.
    let dense = |word| index.word_scores.is_dense(word);
    assert_eq!((dense("sexual"), dense("harm")), (Some(true), Some(true)));
    assert_eq!(
        (dense("governor"), dense("helplin")),
        (Some(false), Some(false))
    );
    for q in texts {
        let typed = typed_query(&engine, q);
        let (mut scores, mut bits) = score_every_match(index, &*typed).unwrap();
        assert_eq!(scores.len(), n);
        boost_and_mark(&mut scores, bits.as_mut_slice(), &[], 0.0);
        let mut tantivys = (index.searcher)
            .search(&*typed, &AllMatches(&index.doc_ords))
            .unwrap();
        tantivys.sort_unstable_by_key(|m| m.0);
        assert!(!tantivys.is_empty(), "{q:?} matches");
        let ours: Vec<u32> = bits.ones().map(|ord| ord as u32).collect();
        let theirs: Vec<u32> = tantivys.iter().map(|m| m.0).collect();
        assert_eq!(ours, theirs, "{q:?}: the matches");
        for &(ord, score) in &tantivys {
            // The same terms summed, in an order tantivy's union changes
            // as clauses run out: equal up to the rounding of a sum.
            let ours = scores[ord as usize];
            assert!(
                (ours - score).abs() <= 1e-6 * score.abs(),
                "{q:?} {ord}: {ours} {score}"
            );
        }
    }
}

/// The other names' scores, read off the postings, are what tantivy gives
/// the query they stand for: a union over the concepts named of a
/// disjunction max over each one's one-word names, each searched as a
/// phrase in title and summary.
#[test]
fn synonym_scores_are_tantivys() {
    use tantivy::query::DisjunctionMaxQuery;
    let (engine, _tmp) = generated();
    let index = &engine.index;
    let f = &index.fields;
    let mut parser = QueryParser::for_index(&index.tantivy, vec![f.title, f.summary]);
    for (field, boost) in f.searched() {
        parser.set_field_boost(field, boost);
    }
    // Every topic and ability, by its label.
    let taxonomy = &engine.library().taxonomy;
    let labels: Vec<&str> = [VocabularyName::Topics, VocabularyName::Abilities]
        .into_iter()
        .flat_map(|name| taxonomy.vocabulary(name).terms())
        .map(|term| term.label.as_str())
        .collect();
    let mut matched_any = false;
    for q in labels {
        let concepts = concepts(q, &engine.lexicon);
        let lower = q.to_lowercase();
        let per_concept: Vec<Box<dyn Query>> = (concepts.iter())
            .filter(|c| matches!(c.facet, Facet::Topic | Facet::Ability) && !c.described)
            .map(|c| {
                let names: Vec<Box<dyn Query>> = (c.names.iter())
                    .filter(|name| !lower.contains(&name.to_lowercase()))
                    .filter(|name| engine.lexicon.stems(name).len() == 1)
                    .map(|name| parser.parse_query_lenient(&format!("\"{name}\"")).0)
                    .collect();
                Box::new(BoostQuery::new(
                    Box::new(DisjunctionMaxQuery::new(names)),
                    SYNONYM_BOOST,
                )) as Box<dyn Query>
            })
            .collect();
        let tantivys = (index.searcher)
            .search(
                &BooleanQuery::union(per_concept),
                &AllMatches(&index.doc_ords),
            )
            .unwrap();
        let side = SideMatches::new(&engine, q, &concepts).unwrap();
        let mut ours: HashMap<u32, f32> = HashMap::new();
        for (ord, score) in side.synonyms {
            *ours.entry(ord).or_default() += score;
        }
        assert_eq!(ours.len(), tantivys.len(), "{q:?}: the matches");
        for (ord, score) in tantivys {
            let mine = ours.get(&ord).copied().unwrap_or(f32::NAN);
            assert!(
                (mine - score).abs() <= 1e-6 * score,
                "{q:?} {ord}: {mine} {score}"
            );
        }
        matched_any |= !ours.is_empty();
    }
    assert!(matched_any, "some other names match");
}

#[test]
fn a_boost_typed_into_the_text_counts() {
    let (engine, _tmp) = generated();
    let score_of = |q: &str| text_matches(&engine, q).unwrap().unwrap().best;
    let plain = score_of("title:consent governors");
    let boosted = score_of("title:consent^4 governors");
    // Ignoring the boost would leave the best score where it was.
    assert!(boosted > 1.5 * plain, "{plain} then {boosted}");
}

#[test]
fn completions_are_tantivys_phrase_prefix_matches() {
    use tantivy::collector::DocSetCollector;
    use tantivy::query::PhrasePrefixQuery;
    let (engine, _tmp) = generated();
    let index = &engine.index;
    let f = &index.fields;
    // Common words' completions are or-ed from their kept bitsets, the
    // others' read off their postings: both are compared below.
    let mut scratch = FixedBitSet::with_capacity(index.len());
    let kept = |field, word: &str, scratch: &mut FixedBitSet| {
        (index.word_bits).or_into(field, word.as_bytes(), scratch.as_mut_slice())
    };
    assert!(kept(f.topics_text, "abus", &mut scratch));
    assert!(kept(f.summary, "consent", &mut scratch));
    assert!(
        !kept(f.body, "consent", &mut scratch),
        "body words are not kept"
    );
    assert!(
        !kept(f.title, "sext", &mut scratch),
        "rare words are not kept"
    );
    // "s" completes to more words than are expanded.
    for prefix in ["safeguar", "consent", "abus", "s", "zzz"] {
        let mut tantivys = FixedBitSet::with_capacity(index.len());
        for field in [f.title, f.summary, f.topics_text] {
            let term = TantivyTerm::from_field_text(field, prefix);
            let query = PhrasePrefixQuery::new(vec![term]);
            for doc in index.searcher.search(&query, &DocSetCollector).unwrap() {
                let ords = &index.doc_ords[doc.segment_ord as usize];
                tantivys.insert(ords[doc.doc_id as usize] as usize);
            }
        }
        assert_eq!(completions(index, prefix).unwrap(), tantivys, "{prefix:?}");
        assert_eq!(tantivys.is_clear(), prefix == "zzz", "{prefix:?}");
    }
}

#[test]
fn every_scored_entry_is_marked_and_the_best_found() {
    // Scores around every block edge, and a bitset with a part block; the
    // best score in a part block, in a whole one, or none above 0.
    for n in [1, 63, 64, 65, 130] {
        for top in [n - 1, n / 2, usize::MAX] {
            let mut scores: Vec<Score> = (0..n)
                .map(|i| match i {
                    _ if i == top => 1_000.0,
                    _ if top == usize::MAX => -1.0,
                    _ if i % 3 == 0 => 0.0,
                    _ => i as f32,
                })
                .collect();
            let mut bits = FixedBitSet::with_capacity(n);
            bits.insert(0);
            let best = boost_and_mark(&mut scores, bits.as_mut_slice(), &[], 0.0);
            let marked: Vec<usize> = bits.ones().collect();
            let expected: Vec<usize> = (0..n).filter(|&i| i == 0 || scores[i] > 0.0).collect();
            assert_eq!(marked, expected, "{n} {top}");
            let highest = if top == usize::MAX { 0.0 } else { 1_000.0 };
            assert_eq!(best, highest, "{n} {top}");
        }
    }
}

#[test]
fn the_boost_is_added_to_the_entries_of_its_bitset_only_before_marking() {
    // Around every block edge, and a bitset with a part block; the boosted
    // entry with the best score, or the one at 0 that it lifts.
    for n in [1, 63, 64, 65, 130] {
        let mut scores: Vec<Score> = (0..n).map(|i| i as f32).collect();
        let mut boosted = FixedBitSet::with_capacity(n);
        (0..n)
            .filter(|i| i % 3 == 1 || *i == 0)
            .for_each(|i| boosted.insert(i));
        let mut bits = FixedBitSet::with_capacity(n);
        let best = boost_and_mark(&mut scores, bits.as_mut_slice(), boosted.as_slice(), 0.5);
        let expected: Vec<Score> = (0..n)
            .map(|i| i as f32 + if boosted.contains(i) { 0.5 } else { 0.0 })
            .collect();
        assert_eq!(scores, expected, "{n}");
        assert_eq!(
            bits.ones().collect::<Vec<_>>(),
            (0..n).collect::<Vec<_>>(),
            "{n}"
        );
        assert_eq!(best, expected.iter().copied().fold(0.0, f32::max), "{n}");
    }
}
