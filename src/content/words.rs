//! The bank's words: every word of every title, summary and body,
//! lowercased, with how often it occurs. Search's lexicon (spelling, the
//! written forms a snippet marks, prefixes) is built from them.
//!
//! They are counted when the bank is loaded, while the bodies are in
//! memory, and kept with the index version, so that opening a version
//! needs neither the bodies nor a pass over them.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    /// Every word, lowercased, with how often it occurs.
    pub counts: HashMap<String, u32>,
    /// Words the bank writes other than in capitals somewhere: an acronym
    /// that is also one of these ("SEND" / "send") is not only an acronym.
    pub ordinary: HashSet<String>,
    /// Words the bank writes in lower case somewhere (digits aside), and
    /// words it writes as an acronym somewhere: what search statistics may
    /// keep of a query is drawn from these (`insights::privacy`), since a
    /// word the bank only ever capitalises is a name.
    pub lower: HashSet<String>,
    pub acronyms: HashSet<String>,
}

impl Words {
    /// Counts the words of a text.
    pub fn add(&mut self, text: &str) {
        let mut tally = Tally::default();
        tally.add(text);
        tally.finish_into(self);
    }
}

/// How a word was written: once, or anywhere (the flags ORed).
#[derive(Debug, Default, Clone, Copy)]
struct Written {
    /// Other than in capitals.
    ordinary: bool,
    /// Two or more letters, all capitals.
    acronym: bool,
    /// No capital letter.
    lower: bool,
}

impl Written {
    fn or(self, other: Written) -> Written {
        Written {
            ordinary: self.ordinary || other.ordinary,
            acronym: self.acronym || other.acronym,
            lower: self.lower || other.lower,
        }
    }
}

/// Words being counted: one map (with a cheap hash) holding each word's
/// count and how it was written anywhere.
#[derive(Debug, Default)]
pub(super) struct Tally(FxHashMap<String, (u32, Written)>);

impl Tally {
    pub(super) fn add(&mut self, text: &str) {
        each_word(text, |lower, written| match self.0.get_mut(lower) {
            Some((count, seen)) => {
                *count += 1;
                *seen = seen.or(written);
            }
            None => {
                self.0.insert(lower.to_string(), (1, written));
            }
        });
    }

    pub(super) fn merge(self, other: Tally) -> Tally {
        let (mut big, small) = if self.0.len() >= other.0.len() {
            (self, other)
        } else {
            (other, self)
        };
        for (word, (n, written)) in small.0 {
            let (count, seen) = big.0.entry(word).or_default();
            *count += n;
            *seen = seen.or(written);
        }
        big
    }

    pub(super) fn finish(self) -> Words {
        let mut words = Words::default();
        words.counts.reserve(self.0.len());
        self.finish_into(&mut words);
        words
    }

    /// Adds the counts and the ways of writing to `words`.
    fn finish_into(self, words: &mut Words) {
        for (word, (count, written)) in self.0 {
            for (set, yes) in [
                (&mut words.ordinary, written.ordinary),
                (&mut words.lower, written.lower),
                (&mut words.acronyms, written.acronym),
            ] {
                if yes {
                    set.insert(word.clone());
                }
            }
            *words.counts.entry(word).or_default() += count;
        }
    }
}

/// Calls `f` with each word of a text as search's tokenizer splits and
/// lowercases it, and how it was written.
fn each_word(text: &str, mut f: impl FnMut(&str, Written)) {
    let mut lower = String::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        lower.clear();
        if word.is_ascii() {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        let acronym = is_acronym(word);
        let written = Written {
            ordinary: !acronym,
            acronym,
            lower: !word.chars().any(char::is_uppercase),
        };
        f(&lower, written);
    }
}

/// Counts the words of a text into a count and the set of words written
/// other than in capitals.
pub fn count_words(text: &str, counts: &mut HashMap<String, u32>, ordinary: &mut HashSet<String>) {
    each_word(text, |lower, written| {
        if written.ordinary && !ordinary.contains(lower) {
            ordinary.insert(lower.to_string());
        }
        match counts.get_mut(lower) {
            Some(count) => *count += 1,
            None => {
                counts.insert(lower.to_string(), 1);
            }
        }
    });
}

/// Two or more letters, all capitals: "DSL", "KS3", "SEND".
pub fn is_acronym(word: &str) -> bool {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let mut n = 0;
    letters.all(|c| {
        n += 1;
        c.is_uppercase()
    }) && n >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lowercased_and_knows_acronyms() {
        let mut tally = Tally::default();
        tally.add("SEND pupils: send the form. DSL");
        let mut other = Tally::default();
        other.add("Pupils Über");
        let words = tally.merge(other).finish();
        let mut direct = Words::default();
        direct.add("SEND pupils: send the form. DSL");
        direct.add("Pupils Über");
        assert_eq!(words.counts, direct.counts);
        assert_eq!(words.ordinary, direct.ordinary);
        assert_eq!(words.counts["über"], 1);
        assert_eq!(words.counts["send"], 2);
        assert_eq!(words.counts["pupils"], 2);
        assert!(words.ordinary.contains("send"));
        assert!(!words.ordinary.contains("dsl"));
        assert_eq!(words.lower, direct.lower);
        assert_eq!(words.acronyms, direct.acronyms);
        let set = |w: &[&str]| w.iter().map(|w| w.to_string()).collect::<HashSet<_>>();
        assert_eq!(words.lower, set(&["pupils", "send", "the", "form"]));
        assert_eq!(words.acronyms, set(&["send", "dsl"]));
        assert!(is_acronym("KS3") && !is_acronym("A") && !is_acronym("Send"));
    }
}
