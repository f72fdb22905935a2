//! Byte offsets and YAML keys to line:column, so that problems found after
//! parsing (an unknown topic, a missing provider) point at the right place.

/// Line starts of a text; all positions are 1-based.
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    fn line_text(&self, line: usize) -> &'a str {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(self.text.len(), |&e| e - 1);
        self.text[start..end].trim_end_matches('\r')
    }

    fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Line and column of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let column = self.text[start..offset.min(self.text.len())]
            .chars()
            .count()
            + 1;
        (line, column)
    }

    /// The first line at or after `from` (1-based; 0 means the start) that
    /// holds the mapping key `key`, and the key's column.
    pub fn find_key(&self, key: &str, from: usize) -> Option<(usize, usize)> {
        (from.max(1)..=self.line_count()).find_map(|line| {
            let text = self.line_text(line);
            let trimmed = text.trim_start();
            let rest = trimmed.strip_prefix(key)?;
            rest.starts_with(':')
                .then(|| (line, text.len() - trimmed.len() + 1))
        })
    }

    /// The first line at or after `from` that holds `key: value` (as a
    /// mapping entry or a list item, the value maybe quoted), and the key's
    /// column: where a taxonomy term's `id: …` is.
    pub fn find_key_value(&self, key: &str, value: &str, from: usize) -> Option<(usize, usize)> {
        (from.max(1)..=self.line_count()).find_map(|line| {
            let text = self.line_text(line);
            let item = text.trim_start();
            let item = item.strip_prefix("- ").map_or(item, str::trim_start);
            let rest = item.strip_prefix(key)?.strip_prefix(':')?;
            let found = rest.trim().trim_matches(|c| c == '"' || c == '\'');
            (found == value).then(|| (line, text.len() - item.len() + 1))
        })
    }

    /// The first occurrence of `value` as a whole word at or after line
    /// `from`: inside a key's block this finds the offending list item.
    pub fn find_value(&self, value: &str, from: usize) -> Option<(usize, usize)> {
        if value.is_empty() {
            return None;
        }
        (from.max(1)..=self.line_count()).find_map(|line| {
            let text = self.line_text(line);
            let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
            text.match_indices(value).find_map(|(i, _)| {
                let before = text[..i].chars().next_back();
                let after = text[i + value.len()..].chars().next();
                (!before.is_some_and(is_word) && !after.is_some_and(is_word))
                    .then(|| (line, text[..i].chars().count() + 1))
            })
        })
    }

    /// Where a field's value is: the value's own position inside the key's
    /// block when found, else the key.
    pub fn locate(&self, key: &str, value: Option<&str>) -> (usize, usize) {
        let Some(key_at) = self.find_key(key, 0) else {
            return (1, 1);
        };
        value
            .and_then(|v| self.find_value(v, key_at.0))
            .unwrap_or(key_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "title: Consent\ntopics: [consent, sexting]\ncontact:\n  phone: \"0800\"\n";

    #[test]
    fn positions_are_one_based() {
        let index = LineIndex::new(YAML);
        assert_eq!(index.position(0), (1, 1));
        assert_eq!(index.position(15), (2, 1));
        assert_eq!(index.find_key("topics", 0), Some((2, 1)));
        assert_eq!(index.find_key("phone", 0), Some((4, 3)));
        assert_eq!(index.locate("topics", Some("sexting")), (2, 19));
        assert_eq!(index.locate("missing", None), (1, 1));
    }

    #[test]
    fn key_values_are_found_as_items_or_entries() {
        let index =
            LineIndex::new("topics:\n  - id: consent\n    label: Consent\n  - id: \"porn\"\n");
        assert_eq!(index.find_key_value("id", "consent", 0), Some((2, 5)));
        assert_eq!(index.find_key_value("id", "porn", 0), Some((4, 5)));
        assert_eq!(index.find_key_value("label", "Consent", 0), Some((3, 5)));
        assert_eq!(index.find_key_value("id", "consent", 3), None);
    }

    #[test]
    fn values_match_whole_words_only() {
        let index = LineIndex::new("topics: [consent-law, consent]\n");
        assert_eq!(index.find_value("consent", 1), Some((1, 23)));
    }
}
