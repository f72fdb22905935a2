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
}

impl Words {
    /// Counts the words of a text.
    pub fn add(&mut self, text: &str) {
        count_words(text, &mut self.counts, &mut self.ordinary);
    }
}

/// Words being counted: one map (with a cheap hash) holding each word's
/// count and whether it is written other than in capitals somewhere.
#[derive(Debug, Default)]
pub(super) struct Tally(FxHashMap<String, (u32, bool)>);

impl Tally {
    pub(super) fn add(&mut self, text: &str) {
        each_word(text, |lower, acronym| match self.0.get_mut(lower) {
            Some((count, ordinary)) => {
                *count += 1;
                *ordinary |= !acronym;
            }
            None => {
                self.0.insert(lower.to_string(), (1, !acronym));
            }
        });
    }

    pub(super) fn merge(self, other: Tally) -> Tally {
        let (mut big, small) = if self.0.len() >= other.0.len() {
            (self, other)
        } else {
            (other, self)
        };
        for (word, (n, ordinary)) in small.0 {
            let (count, was) = big.0.entry(word).or_default();
            *count += n;
            *was |= ordinary;
        }
        big
    }

    pub(super) fn finish(self) -> Words {
        let mut words = Words::default();
        words.counts.reserve(self.0.len());
        for (word, (count, ordinary)) in self.0 {
            if ordinary {
                words.ordinary.insert(word.clone());
            }
            words.counts.insert(word, count);
        }
        words
    }
}

/// Calls `f` with each word of a text as search's tokenizer splits and
/// lowercases it, and whether it is an acronym as written.
fn each_word(text: &str, mut f: impl FnMut(&str, bool)) {
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
        f(&lower, is_acronym(word));
    }
}

/// Counts the words of a text into a count and the set of words written
/// other than in capitals.
pub fn count_words(text: &str, counts: &mut HashMap<String, u32>, ordinary: &mut HashSet<String>) {
    each_word(text, |lower, acronym| {
        if !acronym && !ordinary.contains(lower) {
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
        assert!(is_acronym("KS3") && !is_acronym("A") && !is_acronym("Send"));
    }
}
