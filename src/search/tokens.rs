//! The words of a query: runs of letters and digits with their byte
//! positions in the text as typed, lowercased, and which are quoted.
//!
//! Every position here is a byte offset into the original text, never into
//! a lowercased copy: lowercasing changes byte lengths ("İ", the Kelvin
//! sign, "ẞ"), so an offset found in one string is not valid in the other.

/// A word of the query with where it is.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Lowercased.
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub quoted: bool,
    /// Typed in capitals (at least two letters, all upper case).
    pub upper: bool,
}

/// Words too common to search for or to mark in a snippet. "HSB training
/// for governors" would otherwise match every entry through "for", and "what
/// should I do after…" every entry through "what". Not "who": "children who
/// harm" is how the bank names a topic.
pub(crate) const STOPWORDS: [&str; 43] = [
    "a", "about", "an", "and", "are", "as", "at", "be", "by", "can", "did", "do", "does", "for",
    "from", "has", "have", "how", "i", "if", "in", "is", "it", "its", "me", "my", "of", "on", "or",
    "our", "should", "that", "the", "this", "to", "was", "we", "what", "when", "where", "which",
    "with", "you",
];

/// The text with its unquoted stopwords blanked out, unless that would
/// leave nothing to search ("to be or" stays as typed). Quoted
/// words stay, so a phrase keeps its word positions.
pub(crate) fn without_stopwords(q: &str) -> std::borrow::Cow<'_, str> {
    let tokens = tokenize(q);
    let is_stop = |t: &Token| !t.quoted && STOPWORDS.contains(&t.text.as_str());
    if tokens.iter().all(is_stop) || !tokens.iter().any(is_stop) {
        return std::borrow::Cow::Borrowed(q);
    }
    let mut out = q.to_string();
    for t in tokens.iter().filter(|t| is_stop(t)) {
        out.replace_range(t.start..t.end, &" ".repeat(t.end - t.start));
    }
    std::borrow::Cow::Owned(out)
}

/// Splits text into runs of letters and digits, noting which are quoted.
pub(crate) fn tokenize(q: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut quoted = false;
    let mut start = None;
    let finish = |tokens: &mut Vec<Token>, s: usize, e: usize, quoted: bool| {
        let raw = &q[s..e];
        tokens.push(Token {
            text: raw.to_lowercase(),
            start: s,
            end: e,
            quoted,
            upper: is_acronym(raw),
        });
    };
    for (i, c) in q.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            finish(&mut tokens, s, i, quoted);
        }
        if c == '"' {
            quoted = !quoted;
        }
    }
    if let Some(s) = start {
        finish(&mut tokens, s, q.len(), quoted);
    }
    tokens
}

/// Two or more letters, all capitals: "DSL", "KS3", "SEND". The bank's
/// words are counted with the same rule when it loads.
pub(crate) use crate::content::is_acronym;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_dropped_unless_quoted_or_all_there_is() {
        assert_eq!(
            without_stopwords("HSB training for governors"),
            "HSB training     governors"
        );
        assert_eq!(
            without_stopwords("\"age of consent\" for pupils"),
            "\"age of consent\"     pupils"
        );
        assert_eq!(without_stopwords("to be or"), "to be or");
        assert_eq!(without_stopwords("upskirting"), "upskirting");
        // A typed question keeps only what it is about, and "who", which
        // names a topic ("children who harm").
        assert_eq!(
            without_stopwords("what should I do about nudes")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["nudes"]
        );
        assert_eq!(
            without_stopwords("children who harm")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["children", "who", "harm"]
        );
    }
}
