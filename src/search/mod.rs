//! A [`SearchRequest`] against a [`LiveIndex`]: text matching and BM25 by
//! tantivy, then filters, disjunctive facet counts, sorting, a page of hits
//! and their snippets.
//!
//! Filter semantics (SPEC): values of one facet are ORed, facets are ANDed,
//! ages match by overlap. A facet's counts ignore its own selection, so a
//! count is what selecting that value alone in its facet would give.

mod interpret;
mod request;
mod snippet;

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use fixedbitset::FixedBitSet;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhrasePrefixQuery, Query,
};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, Term as TantivyTerm};

use interpret::Apply;
pub use interpret::{Interpretation, Interpreted, Lexicon};
pub use request::{
    DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS, RequestError, SearchRequest, Sort,
};

use crate::content::Entry;
use crate::facet::Facet;
use crate::index::LiveIndex;
use request::facet_index;

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 180;

#[derive(Debug)]
pub struct SearchResults<'a> {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit<'a>>,
    pub facets: Vec<FacetCounts<'a>>,
    /// Filters read from the query text (shown as removable chips).
    pub interpreted: Vec<Interpreted>,
    /// The text actually searched when the query fell back to spelling
    /// corrections ("showing results for …").
    pub corrected: Option<String>,
    /// Ways out of an empty result: a filter to drop or a spelling to try.
    pub suggestions: Vec<Suggestion>,
}

/// A change to a search that would give results, with how many.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    /// `remove_filter` or `spelling`.
    pub kind: &'static str,
    /// For `remove_filter`: the parameter and value to drop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What to show: the filter's label, or the query text to try.
    pub label: String,
    /// The query string (as `SearchRequest::to_query`) of the suggested search.
    pub query: String,
    pub count: usize,
}

#[derive(Debug)]
pub struct Hit<'a> {
    pub entry: &'a Entry,
    pub score: f32,
    /// HTML: escaped text with the matched terms in `<mark>`; empty when
    /// the body does not hold a query term.
    pub snippet: String,
}

#[derive(Debug)]
pub struct FacetCounts<'a> {
    pub facet: Facet,
    pub values: Vec<ValueCount<'a>>,
}

#[derive(Debug, serde::Serialize)]
pub struct ValueCount<'a> {
    pub value: &'a str,
    pub label: &'a str,
    pub depth: usize,
    pub count: usize,
    pub selected: bool,
}

impl SearchResults<'_> {
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page).max(1)
    }

    pub fn facet(&self, facet: Facet) -> &FacetCounts<'_> {
        &self.facets[facet_index(facet)]
    }
}

/// Text matches with fewer entries than this try spelling corrections.
pub const FEW_RESULTS: usize = 3;

/// How much a named concept lifts the entries tagged with it, over a text
/// score normalised to 0..1 (the best text match scores 1).
fn concept_weight(facet: Facet) -> f32 {
    match facet {
        Facet::Topic => 0.3,
        Facet::Ability => 1.0,
        Facet::Kind => 0.3,
        Facet::Format => 0.2,
        Facet::Audience => 0.15,
        _ => 0.0,
    }
}

/// Weight of a concept's other names next to the words typed.
const SYNONYM_BOOST: f32 = 0.5;
/// Weight of prefix matches of the last word (as-you-type).
const PREFIX_BOOST: f32 = 0.3;
/// Shortest last word completed as a prefix.
const MIN_PREFIX_CHARS: usize = 3;

/// The query understanding of this index.
pub fn lexicon(index: &LiveIndex) -> &Lexicon {
    &index.lexicon
}

/// Reads the filters in the request's text (explicit parameters win).
pub fn interpret_request(index: &LiveIndex, request: &SearchRequest) -> Interpretation {
    interpret::interpret(&request.q, request, lexicon(index))
}

/// What interpreted filters add beyond facet values.
#[derive(Debug, Clone, Default)]
struct Extra {
    /// Ages read (ORed over the ages read, ANDed with `age` and `year`).
    ages: Option<(u8, u8)>,
    /// Phases read, ORed: (sector id, half-open ages).
    phases: Vec<(String, (u8, u8))>,
}

impl Extra {
    /// Every age the search asks for, from ages or phases read.
    fn asked_ages(&self) -> Option<(u8, u8)> {
        self.phases
            .iter()
            .map(|(_, ages)| *ages)
            .chain(self.ages)
            .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
    }
}

/// The request with its interpreted filters applied, and what they add.
fn effective(request: &SearchRequest, applies: &[Apply]) -> (SearchRequest, Extra) {
    let mut request = request.clone();
    let mut extra = Extra::default();
    for apply in applies {
        match apply {
            Apply::Ages(min, end) => {
                extra.ages = Some(
                    extra
                        .ages
                        .map_or((*min, *end), |(a, b)| (a.min(*min), b.max(*end))),
                );
            }
            Apply::Phase(id, min, end) => extra.phases.push((id.clone(), (*min, *end))),
            Apply::Facet(facet, value) => {
                let values = request.filter_mut(*facet);
                if !values.contains(value) {
                    values.push(value.clone());
                }
            }
        }
    }
    (request, extra)
}

/// The filters of a search as bitsets: one per selected facet, one for ages.
struct Filters {
    /// Per facet in [`Facet::ALL`] order; `None` when not filtered.
    selections: Vec<Option<FixedBitSet>>,
    /// Ages and phases, which narrow every facet's counts.
    ages: Option<FixedBitSet>,
}

impl Filters {
    fn new(index: &LiveIndex, request: &SearchRequest, extra: &Extra) -> Filters {
        let mut ages = [age_filter(request), extra.ages]
            .into_iter()
            .flatten()
            .reduce(|a, b| (a.0.max(b.0), a.1.min(b.1)))
            .map(|range| ages_bits(index, range));
        if !extra.phases.is_empty() {
            let phases = phase_bits(index, &extra.phases);
            match &mut ages {
                Some(bits) => bits.intersect_with(&phases),
                None => ages = Some(phases),
            }
        }
        Filters {
            selections: Facet::ALL
                .iter()
                .map(|&facet| selection(index, facet, request.filter(facet)))
                .collect(),
            ages,
        }
    }

    /// How many of `text` pass every filter.
    fn count(&self, text: &FixedBitSet) -> usize {
        let mut bits = text.clone();
        if let Some(ages) = &self.ages {
            bits.intersect_with(ages);
        }
        for s in self.selections.iter().flatten() {
            bits.intersect_with(s);
        }
        bits.count_ones(..)
    }
}

/// Runs a search. Fails only for a page past the last one.
pub fn run<'a>(
    index: &'a LiveIndex,
    request: &SearchRequest,
) -> Result<SearchResults<'a>, RequestError> {
    let n = index.len();
    let lexicon = lexicon(index);
    let interpretation = interpret::interpret(&request.q, request, lexicon);
    let (effective, extra) = effective(request, &interpretation.applies);

    let mut text = text_matches(index, lexicon, &interpretation.text);
    let mut corrected = None;
    if let Some(exact) = &text {
        if exact.bits.count_ones(..) < FEW_RESULTS {
            if let Some(fixed) = interpret::correct(&interpretation.text, lexicon) {
                let retry = text_matches(index, lexicon, &fixed);
                let found =
                    |t: &Option<TextMatches>| t.as_ref().map_or(0, |t| t.bits.count_ones(..));
                if found(&retry) > exact.bits.count_ones(..) {
                    text = retry;
                    corrected = interpret::correct(&request.q, lexicon).or(Some(fixed));
                }
            }
        }
    }
    let text_bits = match &text {
        Some(matches) => matches.bits.clone(),
        None => full(n),
    };
    let filters = Filters::new(index, &effective, &extra);
    let mut base = text_bits.clone();
    if let Some(ages) = &filters.ages {
        base.intersect_with(ages);
    }
    let selections = &filters.selections;

    let mut results = base.clone();
    for bits in selections.iter().flatten() {
        results.intersect_with(bits);
    }
    let facets = Facet::ALL
        .iter()
        .enumerate()
        .map(|(i, &facet)| count_facet(index, facet, &effective, &base, selections, i))
        .collect();

    let total = results.count_ones(..);
    let pages = total.div_ceil(request.per_page).max(1);
    if request.page > pages {
        return Err(RequestError::new(
            "page",
            format!("page {} is past the last page ({pages})", request.page),
        ));
    }
    let suggestions = if total == 0 {
        suggest(
            index,
            lexicon,
            request,
            &interpretation,
            &text_bits,
            &extra,
            corrected.is_some(),
        )
    } else {
        Vec::new()
    };
    if let Some(text) = &mut text {
        // Naming a school year, key stage or age (not just a phase) is how
        // teachers ask for classroom material.
        let for_class = !text.names_kind
            && (interpretation
                .filters
                .iter()
                .any(|f| matches!(f.param.as_str(), "year" | "age" | "key_stage"))
                || request.age.is_some()
                || request.year.is_some()
                || !request.filter(Facet::KeyStage).is_empty());
        fit_boosts(
            index,
            &effective,
            &extra,
            for_class,
            &results,
            &mut text.scores,
        );
    }
    // Browsing an area's entries without text: the nearest first (those
    // for the district, then the county, then national), as a DSL needs.
    let nearest_first = (text.is_none()
        && matches!(request.sort, Sort::Relevance)
        && !effective.filter(Facet::Area).is_empty())
    .then(|| {
        let mut scores = vec![0.0; n];
        fit_boosts(index, &effective, &extra, false, &results, &mut scores);
        scores
    });
    let scores = text
        .as_ref()
        .map(|t| t.scores.as_slice())
        .or(nearest_first.as_deref());
    let ords = page_of(index, &results, scores, request);
    let highlighter = text
        .as_ref()
        .map(|t| snippet::Highlighter::new(lexicon, &t.marks));
    let entries = index.library.entries();
    let hits = ords
        .into_iter()
        .map(|ord| Hit {
            entry: &entries[ord],
            score: scores.map_or(0.0, |s| s[ord]),
            snippet: highlighter
                .as_ref()
                .map(|h| h.snippet(&entries[ord].body_text, SNIPPET_CHARS))
                .unwrap_or_default(),
        })
        .collect();
    Ok(SearchResults {
        total,
        page: request.page,
        per_page: request.per_page,
        hits,
        facets,
        interpreted: interpretation.filters,
        corrected,
        suggestions,
    })
}

/// Lift for the entry made for exactly the ages asked (scaled by the share
/// of its age range inside them).
const AGE_FIT: f32 = 0.3;
/// Lift for teaching resources when the search names a year, key stage or age
/// and no kind or format.
const CLASS_FIT: f32 = 0.3;

/// Lift for an entry tagged with exactly the area asked (scaled down for
/// wider areas above it; national services get none).
const AREA_FIT: f32 = 0.3;
/// Oldest age counted when measuring an open-ended range ("16+").
const OPEN_AGE_END: u8 = 25;

/// When a search names ages or places, the entries made for them rank above
/// those that merely include them: a Year 8 lesson before guidance for ages
/// 4-18, the Tamworth service before the county one before the national.
fn fit_boosts(
    index: &LiveIndex,
    request: &SearchRequest,
    extra: &Extra,
    for_class: bool,
    results: &FixedBitSet,
    scores: &mut [f32],
) {
    if for_class {
        let postings = index.facet(Facet::Kind);
        if let Some(pos) = postings.position(crate::content::Kind::Resource.id()) {
            for ord in postings.matches[pos].intersection(results) {
                scores[ord] += CLASS_FIT;
            }
        }
    }
    let mut asked: Option<(u8, u8)> = [age_filter(request), extra.asked_ages()]
        .into_iter()
        .flatten()
        .reduce(|a, b| (a.0.max(b.0), a.1.min(b.1)));
    for id in request.filter(Facet::KeyStage) {
        if let Some(ks) = crate::taxonomy::key_stage(id) {
            let (min, end) = ks.ages;
            asked = Some(asked.map_or((min, end), |(a, b)| (a.min(min), b.max(end))));
        }
    }
    let areas = &index.library.taxonomy.areas;
    let asked_areas: Vec<usize> = request
        .filter(Facet::Area)
        .iter()
        .filter_map(|id| areas.position(id))
        .collect();
    if asked.is_none() && asked_areas.is_empty() {
        return;
    }
    let entries = index.library.entries();
    for ord in results.ones() {
        if let Some((min, end)) = asked {
            let (entry_min, entry_end) = index.ages[ord];
            let entry_end = entry_end.min(OPEN_AGE_END).max(entry_min + 1);
            let overlap = end.min(entry_end).saturating_sub(min.max(entry_min));
            scores[ord] += AGE_FIT * f32::from(overlap) / f32::from(entry_end - entry_min);
        }
        if asked_areas.is_empty() {
            continue;
        }
        let fit = entries[ord]
            .areas
            .iter()
            .filter_map(|id| areas.position(id))
            .flat_map(|area| {
                asked_areas.iter().map(move |&asked| {
                    if areas.is_within(area, asked) {
                        1.0
                    } else if areas.is_within(asked, area) {
                        areas.terms()[area].depth as f32 / areas.terms()[asked].depth.max(1) as f32
                    } else {
                        0.0
                    }
                })
            })
            .fold(0.0, f32::max);
        scores[ord] += AREA_FIT * fit;
    }
}

/// Ways out of an empty result: each filter dropped (explicit or read from
/// the text) with the count that gives, and a spelling to try.
fn suggest(
    index: &LiveIndex,
    lexicon: &Lexicon,
    request: &SearchRequest,
    interpretation: &Interpretation,
    text_bits: &FixedBitSet,
    extra: &Extra,
    already_corrected: bool,
) -> Vec<Suggestion> {
    let mut out = Vec::new();
    // Filters read from the text: search without those words.
    for filter in &interpretation.filters {
        let mut without = request.clone();
        without.q = filter.without.clone();
        without.page = 1;
        let reread = interpret::interpret(&without.q, &without, lexicon);
        let (effective, extra) = effective(&without, &reread.applies);
        let text = text_matches(index, lexicon, &reread.text)
            .map_or_else(|| full(index.len()), |t| t.bits);
        let count = Filters::new(index, &effective, &extra).count(&text);
        out.push(Suggestion {
            kind: "remove_filter",
            param: Some(filter.param.clone()),
            value: Some(filter.value.clone()),
            label: filter.label.clone(),
            query: without.to_query(),
            count,
        });
    }
    // Explicit filters: the same text without that parameter.
    let (effective_request, _) = effective(request, &interpretation.applies);
    for facet in Facet::ALL {
        let values = request.filter(facet);
        if values.is_empty() {
            continue;
        }
        let postings = index.facet(facet);
        let labels: Vec<&str> = values
            .iter()
            .map(|v| {
                postings
                    .position(v)
                    .map_or(v.as_str(), |p| postings.values[p].label.as_str())
            })
            .collect();
        let mut without = effective_request.clone();
        without.filter_mut(facet).clear();
        let mut link = request.clone();
        link.filter_mut(facet).clear();
        link.page = 1;
        out.push(Suggestion {
            kind: "remove_filter",
            param: Some(facet.param().to_string()),
            value: Some(values.join(",")),
            label: format!("{}: {}", facet.label(), labels.join(", ")),
            query: link.to_query(),
            count: Filters::new(index, &without, extra).count(text_bits),
        });
    }
    for (param, is_set) in [
        ("age", request.age.is_some()),
        ("year", request.year.is_some()),
    ] {
        if !is_set {
            continue;
        }
        let mut without = effective_request.clone();
        let mut link = request.clone();
        link.page = 1;
        let value = if param == "age" {
            without.age = None;
            link.age.take()
        } else {
            without.year = None;
            link.year.take()
        };
        let value = value.map(|v| v.to_string()).unwrap_or_default();
        let count = Filters::new(index, &without, extra).count(text_bits);
        out.push(Suggestion {
            kind: "remove_filter",
            param: Some(param.to_string()),
            label: format!("{} {value}", if param == "age" { "Age" } else { "Year" }),
            value: Some(value),
            query: link.to_query(),
            count,
        });
    }
    // A spelling to try, when the search did not already use one.
    if !already_corrected {
        if let Some(fixed) = interpret::correct(&request.q, lexicon) {
            let mut link = request.clone();
            link.q = fixed.clone();
            link.page = 1;
            let reread = interpret::interpret(&link.q, &link, lexicon);
            let (effective, extra) = effective(&link, &reread.applies);
            let text = text_matches(index, lexicon, &reread.text)
                .map_or_else(|| full(index.len()), |t| t.bits);
            let count = Filters::new(index, &effective, &extra).count(&text);
            out.push(Suggestion {
                kind: "spelling",
                param: None,
                value: None,
                label: fixed,
                query: link.to_query(),
                count,
            });
        }
    }
    out.retain(|s| s.count > 0);
    out.sort_by_key(|s| std::cmp::Reverse(s.count));
    out
}

fn full(n: usize) -> FixedBitSet {
    let mut bits = FixedBitSet::with_capacity(n);
    bits.insert_range(..);
    bits
}

struct TextMatches {
    bits: FixedBitSet,
    /// Relevance by ord: text score normalised to 0..1 plus concept boosts;
    /// 0 for entries that do not match.
    scores: Vec<f32>,
    /// The text names a kind of entry or a format ("training", "lesson").
    names_kind: bool,
    /// What a snippet marks.
    marks: snippet::Marks,
}

/// The entries matching the text, or `None` for an empty query (everything).
///
/// The words typed (less unquoted stopwords) are matched by BM25 over title,
/// summary, topic names, body and provider; each taxonomy term the text
/// names adds the entries tagged with it and its other one-word names in
/// title and summary (at a lower weight: longer names would need phrase
/// matching, and the tagged entries already match); the last word also
/// matches as a prefix. Scores are the text score over the best one, plus a
/// lift for each named concept an entry is tagged with.
fn text_matches(index: &LiveIndex, lexicon: &Lexicon, q: &str) -> Option<TextMatches> {
    if q.trim().is_empty() {
        return None;
    }
    // Lenient parsing: stray quotes, colons or brackets in what people type
    // are treated as text instead of failing the search.
    let (typed, _) = index
        .query_parser
        .parse_query_lenient(&interpret::without_stopwords(q));
    let concepts = interpret::concepts(q, lexicon);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, typed)];
    let mut synonym_names = Vec::new();
    let lower = q.to_lowercase();
    for concept in &concepts {
        if !matches!(concept.facet, Facet::Topic | Facet::Ability) {
            continue;
        }
        let synonyms: Vec<Box<dyn Query>> = concept
            .names
            .iter()
            .filter(|name| !lower.contains(&name.to_lowercase()))
            .inspect(|name| synonym_names.push((*name).clone()))
            .filter(|name| lexicon.stems(name).len() == 1)
            .map(|name| {
                let phrase = format!("\"{}\"", name.replace('"', " "));
                index.synonym_parser.parse_query_lenient(&phrase).0
            })
            .collect();
        if !synonyms.is_empty() {
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(DisjunctionMaxQuery::new(synonyms)),
                    SYNONYM_BOOST,
                )),
            ));
        }
    }
    let prefix = last_word_prefix(lexicon, q);
    if let Some(prefix) = &prefix {
        clauses.push((Occur::Should, prefix_query(index, prefix)));
    }
    let query = BooleanQuery::new(clauses);
    let n = index.len();
    let matched = index
        .searcher
        .search(&query, &AllMatches(&index.doc_ords))
        .unwrap_or_default();
    let mut bits = FixedBitSet::with_capacity(n);
    let mut scores = vec![0.0; n];
    let best = matched.iter().map(|m| m.1).fold(0.0, f32::max);
    for (ord, score) in matched {
        bits.insert(ord as usize);
        scores[ord as usize] = if best > 0.0 { score / best } else { 0.0 };
    }
    for concept in &concepts {
        let postings = index.facet(concept.facet);
        let Some(pos) = postings.position(&concept.value) else {
            continue;
        };
        let tagged = &postings.matches[pos];
        // Entries tagged with a topic or ability the text names match even
        // when their words differ.
        if matches!(concept.facet, Facet::Topic | Facet::Ability) {
            bits.union_with(tagged);
        }
        let weight = concept_weight(concept.facet);
        for ord in tagged.ones() {
            if bits.contains(ord) {
                scores[ord] += weight;
            }
        }
    }
    Some(TextMatches {
        bits,
        scores,
        names_kind: concepts
            .iter()
            .any(|c| matches!(c.facet, Facet::Kind | Facet::Format)),
        marks: snippet::Marks {
            typed: lexicon.stems(&interpret::without_stopwords(q)),
            synonyms: synonym_names,
            prefix,
        },
    })
}

/// The last word as a prefix, for as-you-type search: "safeguar" finds
/// "safeguarding". Not inside quotes, and only for words of 3+ letters.
fn last_word_prefix(lexicon: &Lexicon, q: &str) -> Option<String> {
    let last = interpret::tokenize(q).pop()?;
    if last.quoted
        || last.end != q.trim_end().len()
        || last.text.chars().count() < MIN_PREFIX_CHARS
        || !last.text.chars().all(char::is_alphabetic)
    {
        return None;
    }
    // The stem when it begins the word ("abuse" → "abus"), else the word.
    let stem = lexicon.stems(&last.text).pop().unwrap_or_default();
    Some(if !stem.is_empty() && last.text.starts_with(&stem) {
        stem
    } else {
        last.text
    })
}

/// Completions are looked for where a result list shows them (title,
/// summary, topic names): expanding a prefix through every body cost more
/// than the rest of the search.
fn prefix_query(index: &LiveIndex, prefix: &str) -> Box<dyn Query> {
    let fields = [
        index.fields.title,
        index.fields.summary,
        index.fields.topics_text,
    ];
    let queries: Vec<Box<dyn Query>> = fields
        .into_iter()
        .map(|field| {
            Box::new(PhrasePrefixQuery::new(vec![TantivyTerm::from_field_text(
                field, prefix,
            )])) as Box<dyn Query>
        })
        .collect();
    Box::new(BoostQuery::new(
        Box::new(DisjunctionMaxQuery::new(queries)),
        PREFIX_BOOST,
    ))
}

/// Collects every match with its score, keyed by entry ord (given per
/// segment, by document).
struct AllMatches<'a>(&'a [std::sync::Arc<[u32]>]);

struct SegmentMatches {
    ords: std::sync::Arc<[u32]>,
    matches: Vec<(u32, Score)>,
}

impl Collector for AllMatches<'_> {
    type Fruit = Vec<(u32, Score)>;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        let ords = self.0.get(segment_ord as usize).cloned().ok_or_else(|| {
            tantivy::TantivyError::InternalError(format!("no ords for segment {segment_ord}"))
        })?;
        Ok(SegmentMatches {
            ords,
            matches: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, Score)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<(u32, Score)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(&ord) = self.ords.get(doc as usize) {
            self.matches.push((ord, score));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.matches
    }
}

/// The half-open age range asked for by `age` and `year`, both if given.
fn age_filter(request: &SearchRequest) -> Option<(u8, u8)> {
    let ranges = [
        request.age.map(|a| (a, a + 1)),
        request.year.map(|y| (y + 4, y + 5)),
    ];
    ranges
        .into_iter()
        .flatten()
        .reduce(|a, b| (a.0.max(b.0), a.1.min(b.1)))
}

/// Entries tagged with one of the phases' sectors, or tagged with no sector
/// and serving ages in one of the phases.
fn phase_bits(index: &LiveIndex, phases: &[(String, (u8, u8))]) -> FixedBitSet {
    let postings = index.facet(Facet::Sector);
    let mut bits = FixedBitSet::with_capacity(index.len());
    for (ord, entry) in index.library.entries().iter().enumerate() {
        if entry.sectors.is_empty() {
            let (entry_min, entry_end) = index.ages[ord];
            if phases
                .iter()
                .any(|(_, (min, end))| entry_min < *end && *min < entry_end)
            {
                bits.insert(ord);
            }
        }
    }
    for (id, _) in phases {
        if let Some(pos) = postings.position(id) {
            bits.union_with(&postings.matches[pos]);
        }
    }
    bits
}

fn ages_bits(index: &LiveIndex, (min, end): (u8, u8)) -> FixedBitSet {
    let mut bits = FixedBitSet::with_capacity(index.len());
    for (ord, &(entry_min, entry_end)) in index.ages.iter().enumerate() {
        if entry_min < end && min < entry_end {
            bits.insert(ord);
        }
    }
    bits
}

/// The OR of the selected values' matches; `None` when nothing is selected.
fn selection(index: &LiveIndex, facet: Facet, values: &[String]) -> Option<FixedBitSet> {
    let postings = index.facet(facet);
    values
        .iter()
        .filter_map(|v| postings.position(v).map(|p| &postings.matches[p]))
        .fold(None, |acc: Option<FixedBitSet>, bits| {
            Some(match acc {
                Some(mut acc) => {
                    acc.union_with(bits);
                    acc
                }
                None => bits.clone(),
            })
        })
}

/// Counts a facet over the results of every *other* facet's selection.
fn count_facet<'a>(
    index: &'a LiveIndex,
    facet: Facet,
    request: &SearchRequest,
    base: &FixedBitSet,
    selections: &[Option<FixedBitSet>],
    own: usize,
) -> FacetCounts<'a> {
    let mut mask = base.clone();
    for (i, bits) in selections.iter().enumerate() {
        if let (true, Some(bits)) = (i != own, bits) {
            mask.intersect_with(bits);
        }
    }
    let postings = index.facet(facet);
    let selected = request.filter(facet);
    let values = postings
        .values
        .iter()
        .zip(&postings.matches)
        .map(|(value, bits)| ValueCount {
            value: &value.id,
            label: &value.label,
            depth: value.depth,
            count: mask.intersection_count(bits),
            selected: selected.contains(&value.id),
        })
        .collect();
    FacetCounts { facet, values }
}

/// The ords of the requested page, in the requested order.
fn page_of(
    index: &LiveIndex,
    results: &FixedBitSet,
    scores: Option<&[f32]>,
    request: &SearchRequest,
) -> Vec<usize> {
    let start = (request.page - 1) * request.per_page;
    let presorted = match (request.sort, scores) {
        (Sort::Relevance, Some(scores)) => return page_by_score(index, results, scores, request),
        (Sort::Reviewed, _) => &index.by_reviewed,
        _ => &index.by_title,
    };
    presorted
        .iter()
        .map(|&ord| ord as usize)
        .filter(|&ord| results.contains(ord))
        .skip(start)
        .take(request.per_page)
        .collect()
}

/// A page by text score, ties by title.
fn page_by_score(
    index: &LiveIndex,
    results: &FixedBitSet,
    scores: &[f32],
    request: &SearchRequest,
) -> Vec<usize> {
    let start = (request.page - 1) * request.per_page;
    let end = start + request.per_page;
    // Only the best `end` need ordering. The heap's top is the weakest kept,
    // so most matches are turned away by one comparison.
    let mut best = BinaryHeap::with_capacity(end + 1);
    for ord in results.ones() {
        let hit = Ranked {
            score: scores[ord],
            title_rank: index.title_rank[ord],
            ord,
        };
        if best.len() < end {
            best.push(hit);
        } else if let Some(mut weakest) = best.peek_mut()
            && hit < *weakest
        {
            *weakest = hit;
        }
    }
    best.into_sorted_vec()
        .into_iter()
        .skip(start)
        .map(|hit| hit.ord)
        .collect()
}

/// A match as the relevance order sees it: `Less` is better (a higher
/// score, then earlier by title).
#[derive(Debug, Clone, Copy)]
struct Ranked {
    score: f32,
    title_rank: u32,
    ord: usize,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.title_rank.cmp(&other.title_rank))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::LiveIndex;

    /// The small fixture bank, indexed into a temporary directory.
    fn fixture() -> (LiveIndex, tempfile::TempDir) {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/content");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let library = crate::content::load(&dir, today)
            .library
            .expect("the fixture is valid");
        let tmp = tempfile::tempdir().unwrap();
        let (live, _) = crate::index::ensure(tmp.path(), library).unwrap();
        (live, tmp)
    }

    fn search<'a>(index: &'a LiveIndex, query: &str) -> SearchResults<'a> {
        let request = SearchRequest::from_query(query, index).unwrap();
        run(index, &request).unwrap()
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
        assert_eq!(drop.kind, "remove_filter");
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
            .find(|s| s.kind == "spelling")
            .expect("a spelling suggestion");
        assert_eq!(spelling.label, "consent pornography");
        assert_eq!(spelling.count, 1);
        assert_eq!(spelling.query, "q=consent+pornography&topic=pornography");
    }
}
