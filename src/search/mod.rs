//! A [`SearchRequest`] against a [`LiveIndex`]: text matching and BM25 by
//! tantivy, then filters, disjunctive facet counts, sorting, a page of hits
//! and their snippets.
//!
//! Filter semantics (SPEC): values of one facet are ORed, facets are ANDed,
//! ages match by overlap. A facet's counts ignore its own selection, so a
//! count is what selecting that value alone in its facet would give.

mod request;

use std::cmp::Ordering;

use fixedbitset::FixedBitSet;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::query::Query;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

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

#[derive(Debug)]
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

/// Runs a search. Fails only for a page past the last one.
pub fn run<'a>(
    index: &'a LiveIndex,
    request: &SearchRequest,
) -> Result<SearchResults<'a>, RequestError> {
    let n = index.len();
    let text = text_matches(index, &request.q);
    let mut base = match &text {
        Some(matches) => matches.bits.clone(),
        None => full(n),
    };
    if let Some(ages) = age_filter(request) {
        base.intersect_with(&ages_bits(index, ages));
    }
    let selections: Vec<Option<FixedBitSet>> = Facet::ALL
        .iter()
        .map(|&facet| selection(index, facet, request.filter(facet)))
        .collect();

    let mut results = base.clone();
    for bits in selections.iter().flatten() {
        results.intersect_with(bits);
    }
    let facets = Facet::ALL
        .iter()
        .enumerate()
        .map(|(i, &facet)| count_facet(index, facet, request, &base, &selections, i))
        .collect();

    let total = results.count_ones(..);
    let pages = total.div_ceil(request.per_page).max(1);
    if request.page > pages {
        return Err(RequestError::new(
            "page",
            format!("page {} is past the last page ({pages})", request.page),
        ));
    }
    let scores = text.as_ref().map(|t| t.scores.as_slice());
    let ords = page_of(index, &results, scores, request);
    let snippets = text
        .as_ref()
        .and_then(|t| SnippetGenerator::create(&index.searcher, &*t.query, index.fields.body).ok())
        .map(|mut generator| {
            generator.set_max_num_chars(SNIPPET_CHARS);
            generator
        });
    let entries = index.library.entries();
    let hits = ords
        .into_iter()
        .map(|ord| Hit {
            entry: &entries[ord],
            score: scores.map_or(0.0, |s| s[ord]),
            snippet: snippets
                .as_ref()
                .map(|g| highlight(&g.snippet(&entries[ord].body_text)))
                .unwrap_or_default(),
        })
        .collect();
    Ok(SearchResults {
        total,
        page: request.page,
        per_page: request.per_page,
        hits,
        facets,
    })
}

fn full(n: usize) -> FixedBitSet {
    let mut bits = FixedBitSet::with_capacity(n);
    bits.insert_range(..);
    bits
}

struct TextMatches {
    query: Box<dyn Query>,
    bits: FixedBitSet,
    /// BM25 score by ord; 0 for entries that do not match.
    scores: Vec<f32>,
}

/// The entries matching the text, or `None` for an empty query (everything).
fn text_matches(index: &LiveIndex, q: &str) -> Option<TextMatches> {
    if q.trim().is_empty() {
        return None;
    }
    // Lenient parsing: stray quotes, colons or brackets in what people type
    // are treated as text instead of failing the search.
    let (query, _) = index.query_parser.parse_query_lenient(q);
    let n = index.len();
    let matched = index
        .searcher
        .search(&*query, &AllMatches)
        .unwrap_or_default();
    let mut bits = FixedBitSet::with_capacity(n);
    let mut scores = vec![0.0; n];
    for (ord, score) in matched {
        bits.insert(ord as usize);
        scores[ord as usize] = score;
    }
    Some(TextMatches {
        query,
        bits,
        scores,
    })
}

/// Collects every match with its score, keyed by entry ord.
struct AllMatches;

struct SegmentMatches {
    ords: std::sync::Arc<dyn ColumnValues<u64>>,
    matches: Vec<(u32, Score)>,
}

impl Collector for AllMatches {
    type Fruit = Vec<(u32, Score)>;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        let ords = segment.fast_fields().u64("ord")?.first_or_default_col(0);
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
        self.matches.push((self.ords.get_val(doc) as u32, score));
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
    let by_title = |a: &usize, b: &usize| index.title_rank[*a].cmp(&index.title_rank[*b]);
    let order = |a: &usize, b: &usize| -> Ordering {
        match (request.sort, scores) {
            (Sort::Relevance, Some(s)) => s[*b].total_cmp(&s[*a]).then_with(|| by_title(a, b)),
            (Sort::Reviewed, _) => index.reviewed[*b]
                .cmp(&index.reviewed[*a])
                .then_with(|| by_title(a, b)),
            _ => by_title(a, b),
        }
    };
    let mut ords: Vec<usize> = results.ones().collect();
    let start = (request.page - 1) * request.per_page;
    let end = (start + request.per_page).min(ords.len());
    if start >= ords.len() {
        return Vec::new();
    }
    // Only the first `end` need full order: partition, then sort that part.
    if end < ords.len() {
        ords.select_nth_unstable_by(end, order);
        ords.truncate(end);
    }
    ords.sort_unstable_by(order);
    ords.drain(start..).collect()
}

/// Escapes the fragment and wraps the matched ranges in `<mark>`.
fn highlight(snippet: &tantivy::snippet::Snippet) -> String {
    let fragment = snippet.fragment();
    let mut html = String::with_capacity(fragment.len() + 32);
    let mut at = 0;
    for range in snippet.highlighted() {
        if range.start < at || range.end > fragment.len() {
            continue;
        }
        escape_into(&mut html, &fragment[at..range.start]);
        html.push_str("<mark>");
        escape_into(&mut html, &fragment[range.start..range.end]);
        html.push_str("</mark>");
        at = range.end;
    }
    escape_into(&mut html, &fragment[at..]);
    html.trim().to_string()
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
}
