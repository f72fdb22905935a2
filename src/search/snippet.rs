//! Snippets: the passage of a hit's body that holds most of the words
//! searched for, escaped, with those words in `<mark>`.
//!
//! tantivy's `SnippetGenerator` re-tokenises and stems every hit's whole
//! body on every search, which was most of a search's time on a large bank.
//! The [`Lexicon`] already knows which written words share a stem, so a
//! search turns its stems into those words once and looks for them at the
//! start of each word of a hit, in one pass over the text. (The
//! Aho-Corasick automaton this replaced scanned at about half the speed,
//! and building it for each search cost more than the page's scans:
//! docs/benchmarks.md.)

use fixedbitset::FixedBitSet;

use super::Lexicon;
use super::tokens::STOPWORDS;

/// Most written forms a last-word prefix expands to ("saf" → "safe",
/// "safeguarding", …), the most frequent first.
const MAX_PREFIX_FORMS: usize = 40;

/// Most matches looked at in one body: plenty to pick a passage from.
const MAX_MATCHES: usize = 256;

/// What a search asks a snippet to mark.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    /// Stems of the words typed.
    pub typed: Vec<String>,
    /// Other names of the concepts named: one-word names match by stem,
    /// longer ones as the phrase.
    pub synonyms: Vec<Name>,
    /// The last word typed, completed as a prefix.
    pub prefix: Option<String>,
}

/// Another name of a concept the text names, as written, with its stems.
#[derive(Debug, Clone)]
pub struct Name {
    pub text: String,
    pub stems: Vec<String>,
}

/// What to mark, ready to run over any number of texts.
#[derive(Debug)]
pub struct Highlighter {
    /// The words and phrases to mark, ASCII-lowercased, grouped by their
    /// first byte and the longest first in each group.
    patterns: Vec<Pattern>,
    /// For each first byte (ASCII-lowercased), its group of patterns.
    by_first: Box<[(usize, usize); 256]>,
    /// The pairs of bytes some pattern begins with, in either ASCII case
    /// ([`pair`]): a pattern of one byte begins every pair with its byte.
    begins: FixedBitSet,
    /// Terms below this number were typed; the rest are synonyms, which
    /// count for less when choosing a passage.
    typed_terms: usize,
}

#[derive(Debug)]
struct Pattern {
    text: String,
    /// The term it stands for, so a passage with two different terms beats
    /// one with the same term twice.
    term: usize,
}

/// Patterns grouped into terms while a highlighter is built.
#[derive(Default)]
struct Patterns {
    patterns: Vec<Pattern>,
    terms: usize,
}

impl Patterns {
    /// Adds a term's written forms. Only whole words are marked, so a form
    /// is trimmed to the word characters it begins and ends with.
    fn add_term<'a>(&mut self, forms: impl IntoIterator<Item = &'a str>) {
        let before = self.patterns.len();
        for form in forms {
            let text = form.trim_matches(|c| !is_word_char(c)).to_ascii_lowercase();
            if !text.is_empty() && !self.patterns.iter().any(|p| p.text == text) {
                self.patterns.push(Pattern {
                    text,
                    term: self.terms,
                });
            }
        }
        if self.patterns.len() > before {
            self.terms += 1;
        }
    }
}

impl Highlighter {
    pub fn new(lexicon: &Lexicon, marks: &Marks) -> Highlighter {
        let mut p = Patterns::default();
        for stem in marks
            .typed
            .iter()
            .filter(|s| !STOPWORDS.contains(&s.as_str()))
        {
            p.add_term(lexicon.forms_of(stem));
        }
        if let Some(prefix) = marks.prefix.as_deref().filter(|p| !STOPWORDS.contains(p)) {
            p.add_term(lexicon.words_starting_with(prefix, MAX_PREFIX_FORMS));
        }
        let typed_terms = p.terms;
        for name in &marks.synonyms {
            match name.stems.as_slice() {
                [stem] => p.add_term(lexicon.forms_of(stem)),
                [] => {}
                _ => p.add_term([name.text.as_str()]),
            }
        }
        Highlighter::with_patterns(p.patterns, typed_terms)
    }

    fn with_patterns(mut patterns: Vec<Pattern>, typed_terms: usize) -> Highlighter {
        patterns.sort_by_key(|p| (p.text.as_bytes()[0], std::cmp::Reverse(p.text.len())));
        let mut by_first = Box::new([(0, 0); 256]);
        for (i, pattern) in patterns.iter().enumerate() {
            let group = &mut by_first[usize::from(pattern.text.as_bytes()[0])];
            if group.1 == 0 {
                group.0 = i;
            }
            group.1 = i + 1;
        }
        let mut begins = FixedBitSet::with_capacity(PAIRS);
        for pattern in &patterns {
            let firsts = cases(pattern.text.as_bytes()[0]);
            match pattern.text.as_bytes().get(1) {
                Some(&second) => (firsts.into_iter())
                    .flat_map(|first| cases(second).map(|second| pair(first, second)))
                    .for_each(|pair| begins.insert(pair)),
                None => (firsts.into_iter())
                    .flat_map(|first| (0..=u8::MAX).map(move |second| pair(first, second)))
                    .for_each(|pair| begins.insert(pair)),
            }
        }
        Highlighter {
            patterns,
            by_first,
            begins,
            typed_terms,
        }
    }

    /// The best passage of at most `max_chars` characters, as HTML; empty
    /// when the text holds none of the words.
    pub fn snippet(&self, text: &str, max_chars: usize) -> String {
        let found = self.find(text);
        // Leave a quarter of the passage for the words around the matches.
        let Some((first, last)) = best_window(&found, max_chars * 3 / 4, self.typed_terms) else {
            return String::new();
        };
        let (from, to) = passage(text, found[first].start, found[last].end, max_chars);
        let mut html = String::with_capacity(to - from + 64);
        let mut at = from;
        for f in &found[first..=last] {
            escape_into(&mut html, &text[at..f.start]);
            html.push_str("<mark>");
            escape_into(&mut html, &text[f.start..f.end]);
            html.push_str("</mark>");
            at = f.end;
        }
        escape_into(&mut html, &text[at..to]);
        html.trim().to_string()
    }

    /// The first [`MAX_MATCHES`] whole-word matches in `text`, in order and
    /// not overlapping: at each word's start, the longest pattern there
    /// (ignoring ASCII case) that ends where a word does.
    ///
    /// Sixty-four bytes at a time, without a branch per byte, the places
    /// a word may start are found; only those whose first two bytes some
    /// pattern begins with are looked at further. A character at a time
    /// took twice as long as the automaton's scan.
    fn find(&self, text: &str) -> Vec<Found> {
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        // Where the next match may start: matches do not overlap.
        let mut at = 0;
        let mut word_before = 0;
        for (chunk_at, chunk) in (0..).step_by(BLOCK).zip(bytes.chunks(BLOCK)) {
            let (word, lead) = classes(chunk);
            // Where an ASCII word begins, or any non-ASCII character: a
            // word that begins after a non-ASCII character, or with one,
            // is checked exactly below.
            let mut starts = (word & !((word << 1) | word_before)) | lead;
            word_before = word >> (BLOCK - 1);
            let mut candidates = 0;
            while starts != 0 {
                let i = starts.trailing_zeros() as usize;
                starts &= starts - 1;
                let second = bytes.get(chunk_at + i + 1).copied().unwrap_or(0);
                candidates |= u64::from(self.begins.contains(pair(chunk[i], second))) << i;
            }
            while candidates != 0 {
                let start = chunk_at + candidates.trailing_zeros() as usize;
                candidates &= candidates - 1;
                // `start` holds an ASCII byte or a character's first
                // byte: it is on a character boundary.
                if start < at || !starts_word(text, start) {
                    continue;
                }
                if let Some(pattern) = self.longest_at(text, start) {
                    found.push(Found {
                        start,
                        end: start + pattern.text.len(),
                        term: pattern.term,
                    });
                    if found.len() == MAX_MATCHES {
                        return found;
                    }
                    at = start + pattern.text.len();
                }
            }
        }
        found
    }

    /// The longest pattern that `text` holds at `start` as whole words.
    fn longest_at(&self, text: &str, start: usize) -> Option<&Pattern> {
        let rest = &text.as_bytes()[start..];
        let (from, to) = self.by_first[usize::from(rest[0].to_ascii_lowercase())];
        self.patterns[from..to].iter().find(|p| {
            let end = start + p.text.len();
            rest.get(..p.text.len())
                .is_some_and(|bytes| bytes.eq_ignore_ascii_case(p.text.as_bytes()))
                && text
                    .get(end..)
                    .is_some_and(|after| after.chars().next().is_none_or(|c| !is_word_char(c)))
        })
    }
}

/// Pairs of bytes.
const PAIRS: usize = 1 << 16;

/// A pair of bytes as one number.
fn pair(first: u8, second: u8) -> usize {
    usize::from(first) << 8 | usize::from(second)
}

/// A byte in both ASCII cases (the same byte twice when it has none).
fn cases(b: u8) -> [u8; 2] {
    [b.to_ascii_lowercase(), b.to_ascii_uppercase()]
}

/// Bytes looked at together when finding where matches may start.
const BLOCK: usize = u64::BITS as usize;

/// Which of (at most [`BLOCK`]) bytes are ASCII letters or digits, and
/// which begin a character of more than one byte, as bits.
#[multiversion::multiversion(targets("x86_64+avx512f+avx512bw", "x86_64+avx2"))]
fn classes(chunk: &[u8]) -> (u64, u64) {
    let mark = |chunk: &[u8]| {
        (chunk.iter().enumerate()).fold((0, 0), |(word, lead), (i, &b)| {
            (
                word | (u64::from(b.is_ascii_alphanumeric()) << i),
                lead | (u64::from(b >= 0xC0) << i),
            )
        })
    };
    match <&[u8; BLOCK]>::try_from(chunk) {
        Ok(whole) => mark(whole),
        Err(_) => mark(chunk),
    }
}

#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    term: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether a word starts at `at` (a character boundary).
fn starts_word(text: &str, at: usize) -> bool {
    match text.as_bytes()[..at].last() {
        None => true,
        Some(&b) if b.is_ascii() => !b.is_ascii_alphanumeric(),
        Some(_) => (text.get(..at))
            .and_then(|before| before.chars().next_back())
            .is_none_or(|c| !is_word_char(c)),
    }
}

/// The run of matches that fits in `max_chars` with the most different
/// typed terms, then the most different terms, then the most matches, then
/// the earliest.
fn best_window(found: &[Found], max_chars: usize, typed_terms: usize) -> Option<(usize, usize)> {
    let mut best = None;
    let mut best_score = (0, 0, 0);
    // The window each term was last counted in: no set to clear or
    // allocate per window (a body can hold hundreds of matches).
    let terms = found.iter().map(|f| f.term + 1).max().unwrap_or(0);
    let mut counted_in = vec![usize::MAX; terms];
    for first in 0..found.len() {
        let (mut typed, mut different) = (0, 0);
        let mut last = first;
        for (j, f) in found.iter().enumerate().skip(first) {
            if f.end - found[first].start > max_chars {
                break;
            }
            if counted_in[f.term] != first {
                counted_in[f.term] = first;
                different += 1;
                typed += usize::from(f.term < typed_terms);
            }
            last = j;
        }
        let score = (typed, different, last - first + 1);
        if best.is_none() || score > best_score {
            best = Some((first, last));
            best_score = score;
        }
    }
    best
}

/// Widens `start..end` to a passage of about `max_chars`: some words of
/// context before the first match (from the sentence start when it is
/// near), then on to the last whole word that fits.
fn passage(text: &str, start: usize, end: usize, max_chars: usize) -> (usize, usize) {
    let spare = max_chars.saturating_sub(end - start);
    let lead = spare / 3;
    let mut from = floor_char_boundary(text, start.saturating_sub(lead));
    if let Some(stop) = text[from..start].rfind(". ") {
        from += stop + 2;
    } else if from > 0 {
        // Start at the next word, not half-way through one.
        let rest = &text[from..start];
        from = match rest.find(|c: char| !is_word_char(c)) {
            Some(i) => from + i + rest[i..].find(is_word_char).unwrap_or(rest.len() - i),
            None => start,
        };
    }
    let mut to = floor_char_boundary(text, (from + max_chars).min(text.len())).max(end);
    if to < text.len() {
        to = text[end..to]
            .rfind(|c: char| !is_word_char(c))
            .map_or(end, |i| end + i);
    }
    (from, to)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Escapes `text` for HTML onto `out`, copying the runs between the
/// characters to escape whole.
fn escape_into(out: &mut String, text: &str) {
    let mut run = 0;
    for (i, b) in text.bytes().enumerate() {
        let escaped = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            b'\n' => " ",
            _ => continue,
        };
        // An ASCII byte is a character boundary.
        out.push_str(&text[run..i]);
        out.push_str(escaped);
        run = i + 1;
    }
    out.push_str(&text[run..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(spans: &[(usize, usize, usize)]) -> Vec<Found> {
        spans
            .iter()
            .map(|&(start, end, term)| Found { start, end, term })
            .collect()
    }

    /// A highlighter for terms given as their written forms.
    fn highlighter(terms: &[&[&str]]) -> Highlighter {
        let mut p = Patterns::default();
        for forms in terms {
            p.add_term(forms.iter().copied());
        }
        Highlighter::with_patterns(p.patterns, p.terms)
    }

    /// What `find` marks, as the text of each match.
    fn marked<'t>(h: &Highlighter, text: &'t str) -> Vec<&'t str> {
        h.find(text).iter().map(|f| &text[f.start..f.end]).collect()
    }

    #[test]
    fn finds_whole_words_in_any_ascii_case_the_longest_first() {
        let h = highlighter(&[&["consent"], &["sexual", "sexualised behaviour"], &["x"]]);
        assert_eq!(
            marked(&h, "nonconsent, Consent; consents CONSENT"),
            ["Consent", "CONSENT"]
        );
        assert_eq!(
            marked(
                &h,
                "Sexualised Behaviour, sexual; sexualised behaviours, sexually"
            ),
            ["Sexualised Behaviour", "sexual"]
        );
        // A one-letter word, and one at the very end of the text.
        assert_eq!(marked(&h, "x-ray, x"), ["x", "x"]);
        assert_eq!(marked(&h, ""), Vec::<&str>::new());
    }

    #[test]
    fn words_begin_and_end_at_non_ascii_characters_as_they_are_letters_or_not() {
        let h = highlighter(&[&["consent"], &["école"]]);
        assert_eq!(
            marked(&h, "“consent” café-consent éconsent consenté l’école"),
            ["consent", "consent", "école"]
        );
    }

    #[test]
    fn words_across_blocks_of_bytes() {
        let h = highlighter(&[&["consent"]]);
        for at in [BLOCK - 8, BLOCK - 1, BLOCK, BLOCK + 1] {
            // A word that begins the block after a space, or runs on from
            // the block before.
            let spaced = format!("{} consent", "a".repeat(at - 1));
            assert_eq!(marked(&h, &spaced), ["consent"], "{at}");
            let joined = format!("{}consent", "a".repeat(at));
            assert!(marked(&h, &joined).is_empty(), "{at}");
        }
        let many = "consent ".repeat(MAX_MATCHES + 10);
        assert_eq!(h.find(&many).len(), MAX_MATCHES);
    }

    #[test]
    fn window_prefers_different_terms_then_more_matches() {
        // Two "a"s early, an "a" and a "b" later: the later pair wins.
        let f = found(&[(0, 3, 0), (10, 13, 0), (100, 103, 0), (110, 113, 1)]);
        assert_eq!(best_window(&f, 50, 2), Some((2, 3)));
        // Everything fits: one window with every match.
        assert_eq!(best_window(&f, 200, 2), Some((0, 3)));
        assert_eq!(best_window(&[], 50, 2), None);
        // A typed term beats two synonyms ("b" and "c" when only "a" was typed).
        let f = found(&[(0, 3, 1), (10, 13, 2), (100, 103, 0)]);
        assert_eq!(best_window(&f, 50, 1), Some((2, 2)));
    }

    #[test]
    fn passage_starts_at_a_sentence_or_word_and_ends_at_a_word() {
        let text = "First sentence here. The school reviewed consent lessons with pupils today.";
        let start = text.find("consent").unwrap();
        let cut = |max| {
            let (from, to) = passage(text, start, start + 7, max);
            &text[from..to]
        };
        // Room for context reaching back past a full stop: the sentence.
        assert_eq!(
            cut(80),
            "The school reviewed consent lessons with pupils today."
        );
        // Less room: whole words on both sides.
        assert_eq!(cut(40), "reviewed consent lessons with pupils");
        assert_eq!(cut(7), "consent");
    }

    #[test]
    fn escapes_html() {
        let mut out = String::new();
        escape_into(&mut out, "<b>\"x\" & 'y'</b>");
        assert_eq!(out, "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;");
    }
}
