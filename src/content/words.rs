//! The bank's words: every word of every title, summary and body,
//! lowercased, with how often it occurs. Search's lexicon (spelling, the
//! written forms a snippet marks, prefixes) is built from them.
//!
//! They are counted when the bank is loaded, while the bodies are in
//! memory, and kept with the index version, so that opening a version
//! needs neither the bodies nor a pass over them.

use std::collections::{HashMap, HashSet};

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

    /// Adds another count to this one.
    pub fn merge(&mut self, other: Words) {
        if self.counts.is_empty() {
            *self = other;
            return;
        }
        for (word, n) in other.counts {
            *self.counts.entry(word).or_default() += n;
        }
        self.ordinary.extend(other.ordinary);
    }
}

/// Counts the words of a text as search's tokenizer splits and lowercases
/// them, without its per-token allocations: this runs over every body in
/// the bank.
pub fn count_words(text: &str, counts: &mut HashMap<String, u32>, ordinary: &mut HashSet<String>) {
    let mut lower = String::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        if !is_acronym(word) && !ordinary.contains(&lower) {
            ordinary.insert(lower.clone());
        }
        match counts.get_mut(&lower) {
            Some(count) => *count += 1,
            None => {
                counts.insert(lower.clone(), 1);
            }
        }
    }
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
        let mut words = Words::default();
        words.add("SEND pupils: send the form. DSL");
        let mut other = Words::default();
        other.add("Pupils");
        words.merge(other);
        assert_eq!(words.counts["send"], 2);
        assert_eq!(words.counts["pupils"], 2);
        assert!(words.ordinary.contains("send"));
        assert!(!words.ordinary.contains("dsl"));
        assert!(is_acronym("KS3") && !is_acronym("A") && !is_acronym("Send"));
    }
}
