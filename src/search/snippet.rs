//! Snippets: the passage of a hit's body that holds most of the words
//! searched for, escaped, with those words in `<mark>`.
//!
//! tantivy's `SnippetGenerator` re-tokenises and stems every hit's whole
//! body on every search, which was most of a search's time on a large bank.
//! The [`Lexicon`] already knows which written words share a stem, so a
//! search turns its stems into those words once and finds them in each hit
//! with a single Aho-Corasick pass.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

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
    /// Other names of the concepts named, as written: one-word names match
    /// by stem, longer ones as the phrase.
    pub synonyms: Vec<String>,
    /// The last word typed, completed as a prefix.
    pub prefix: Option<String>,
}

/// What to mark, ready to run over any number of texts.
#[derive(Debug)]
pub struct Highlighter {
    /// `None` when nothing can be marked.
    finder: Option<AhoCorasick>,
    /// For each pattern, the term it stands for, so a passage with two
    /// different terms beats one with the same term twice.
    term_of: Vec<usize>,
    /// Terms below this number were typed; the rest are synonyms, which
    /// count for less when choosing a passage.
    typed_terms: usize,
}

/// Patterns grouped into terms while a highlighter is built.
#[derive(Default)]
struct Patterns<'a> {
    patterns: Vec<&'a str>,
    term_of: Vec<usize>,
    terms: usize,
}

impl<'a> Patterns<'a> {
    fn add_term(&mut self, forms: impl IntoIterator<Item = &'a str>) {
        let before = self.patterns.len();
        for form in forms {
            if !self.patterns.contains(&form) {
                self.patterns.push(form);
                self.term_of.push(self.terms);
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
        let synonym_stems: Vec<Vec<String>> = marks
            .synonyms
            .iter()
            .map(|name| lexicon.stems(name))
            .collect();
        for (name, stems) in marks.synonyms.iter().zip(&synonym_stems) {
            match stems.as_slice() {
                [stem] => p.add_term(lexicon.forms_of(stem)),
                [] => {}
                _ => p.add_term([name.as_str()]),
            }
        }
        let finder = (!p.patterns.is_empty())
            .then(|| {
                // Measured on a page of 20 bodies: a DFA costs more to build
                // than an NFA but scans enough faster to win overall.
                AhoCorasickBuilder::new()
                    .kind(Some(AhoCorasickKind::DFA))
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&p.patterns)
                    .ok()
            })
            .flatten();
        Highlighter {
            finder,
            term_of: p.term_of,
            typed_terms,
        }
    }

    /// The best passage of at most `max_chars` characters, as HTML; empty
    /// when the text holds none of the words.
    pub fn snippet(&self, text: &str, max_chars: usize) -> String {
        let Some(finder) = &self.finder else {
            return String::new();
        };
        let found: Vec<Found> = finder
            .find_iter(text)
            .filter(|m| is_whole_word(text, m.start(), m.end()))
            .take(MAX_MATCHES)
            .map(|m| Found {
                start: m.start(),
                end: m.end(),
                term: self.term_of[m.pattern().as_usize()],
            })
            .collect();
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

/// A match counts only as a whole word, as the index tokenises: "consent"
/// is not marked inside "nonconsensual".
fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !is_word_char(c));
    let after = text[end..].chars().next().is_none_or(|c| !is_word_char(c));
    before && after
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

#[cfg(test)]
mod tests {
    use super::*;

    fn found(spans: &[(usize, usize, usize)]) -> Vec<Found> {
        spans
            .iter()
            .map(|&(start, end, term)| Found { start, end, term })
            .collect()
    }

    #[test]
    fn whole_words_only() {
        let text = "nonconsent, consent; consents";
        assert!(!is_whole_word(text, 3, 10));
        assert!(is_whole_word(text, 12, 19));
        assert!(!is_whole_word(text, 21, 28));
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
