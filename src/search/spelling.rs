//! Spelling correction against the words the bank itself uses.

use super::Lexicon;
use super::tokens::tokenize;

/// A word of the bank as spelling correction sees it.
#[derive(Debug)]
pub(super) struct Spelling {
    word: String,
    count: u32,
    chars: usize,
    /// Which of the letters a-z the word holds, one bit each.
    letters: u32,
}

impl Spelling {
    pub(super) fn new(word: &str, count: u32) -> Spelling {
        let letters = word
            .chars()
            .filter(char::is_ascii_lowercase)
            .fold(0, |bits, c| bits | 1 << (c as u32 - 'a' as u32));
        Spelling {
            word: word.to_string(),
            count,
            chars: word.chars().count(),
            letters,
        }
    }

    /// False when the two cannot be within `max` edits: each edit changes
    /// the length by at most one and the set of letters by at most two.
    fn may_be_within(&self, other: &Spelling, max: usize) -> bool {
        self.chars.abs_diff(other.chars) <= max
            && (self.letters ^ other.letters).count_ones() as usize <= 2 * max
    }
}

impl Lexicon {
    /// The closest word the bank uses to a word it does not: edit distance
    /// 1 for words of 5 to 8 letters, 2 for 9 or more; the most frequent
    /// wins among the closest.
    pub(crate) fn correct(&self, word: &str) -> Option<&str> {
        let len = word.chars().count();
        let max = match len {
            0..5 => return None,
            5..9 => 1,
            _ => 2,
        };
        if !word.chars().all(char::is_alphabetic) || self.knows(word) {
            return None;
        }
        let typed = Spelling::new(word, 0);
        let mut best: Option<(usize, u32, &str)> = None;
        for candidate in &self.spellings {
            if !candidate.may_be_within(&typed, max) {
                continue;
            }
            let distance = strsim::osa_distance(word, &candidate.word);
            if distance == 0 || distance > max {
                continue;
            }
            let key = (
                distance,
                std::cmp::Reverse(candidate.count),
                candidate.word.as_str(),
            );
            if best.is_none_or(|(d, c, w)| key < (d, std::cmp::Reverse(c), w)) {
                best = Some((distance, candidate.count, &candidate.word));
            }
        }
        best.map(|(_, _, w)| w)
    }
}

/// Rewrites the words the bank does not know to the nearest it does.
/// Returns the corrected text, or `None` when nothing changed.
pub(crate) fn correct(text: &str, lexicon: &Lexicon) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut changed = false;
    for token in tokenize(text) {
        if token.quoted {
            continue;
        }
        if let Some(fix) = lexicon.correct(&token.text) {
            out.push_str(&text[at..token.start]);
            out.push_str(fix);
            at = token.end;
            changed = true;
        }
    }
    out.push_str(&text[at..]);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::test_lexicon::lexicon;

    #[test]
    fn the_spelling_prefilter_keeps_every_word_within_reach() {
        let pairs = [
            ("relationshps", "relationships", 1),
            ("consnet", "consent", 1),
            ("harrassment", "harassment", 1),
            ("safegaurding", "safeguarding", 2),
            ("upskirtng", "upskirting", 1),
        ];
        for (typed, word, max) in pairs {
            assert!(strsim::osa_distance(typed, word) <= max, "{typed} {word}");
            assert!(
                Spelling::new(word, 1).may_be_within(&Spelling::new(typed, 0), max),
                "{typed} → {word}"
            );
        }
        // Far apart in letters: skipped without an edit distance.
        assert!(
            !Spelling::new("pornography", 1).may_be_within(&Spelling::new("relationshps", 0), 2)
        );
    }

    #[test]
    fn spelling_uses_the_banks_words() {
        let lexicon = lexicon();
        assert_eq!(lexicon.correct("relationshps"), Some("relationships"));
        assert_eq!(lexicon.correct("relationships"), None);
        // Under five letters is never corrected.
        assert_eq!(lexicon.correct("sned"), None);
        // Distance 2 needs nine letters or more.
        assert_eq!(lexicon.correct("lesxxns"), None);
        assert_eq!(lexicon.correct("lesosns"), Some("lessons"));
        assert_eq!(lexicon.correct("relatinshps"), Some("relationships"));
        assert_eq!(
            correct("relationshps ks2", &lexicon).as_deref(),
            Some("relationships ks2")
        );
        assert_eq!(correct("\"relationshps\"", &lexicon), None);
    }
}
