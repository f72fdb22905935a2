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
            // A key may open a list item: `  - label: …`.
            let trimmed = text.trim_start();
            let trimmed = trimmed.strip_prefix("- ").map_or(trimmed, str::trim_start);
            let rest = trimmed.strip_prefix(key)?;
            rest.starts_with(':')
                .then(|| (line, text[..text.len() - trimmed.len()].chars().count() + 1))
        })
    }

    /// The list items of the block under the key on line `key_line`: the
    /// line and column of each `- `, up to the next line indented no more
    /// than the key that is not an item.
    pub fn list_items(&self, key_line: usize) -> Vec<(usize, usize)> {
        let indent = |text: &str| text.len() - text.trim_start().len();
        let key_indent = indent(self.line_text(key_line));
        let mut items = Vec::new();
        for line in key_line + 1..=self.line_count() {
            let text = self.line_text(line);
            let trimmed = text.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if trimmed == "-" || trimmed.starts_with("- ") {
                items.push((line, indent(text) + 1));
            } else if indent(text) <= key_indent {
                break;
            }
        }
        items
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

    /// Where the `n`-th item (from 0) of the block list under the top-level
    /// `key` is written: at its `field` (`- title: …` or a later line of the
    /// item) when given and present, else at the item's first line. `None`
    /// when the list is not written as a block or has no such item.
    pub fn find_item(&self, key: &str, n: usize, field: Option<&str>) -> Option<(usize, usize)> {
        let (key_line, key_column) = self.find_key(key, 0)?;
        let key_indent = key_column - 1;
        let mut item_indent = None;
        let mut items = Vec::new();
        let mut end = self.line_count() + 1;
        for line in key_line + 1..=self.line_count() {
            let text = self.line_text(line);
            let trimmed = text.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = text.len() - trimmed.len();
            let dash = trimmed.starts_with('-');
            if indent < key_indent || (indent == key_indent && !dash) {
                end = line;
                break;
            }
            if dash && *item_indent.get_or_insert(indent) == indent {
                items.push(line);
            }
        }
        let first = *items.get(n)?;
        let last = items.get(n + 1).copied().unwrap_or(end);
        // The text of a line after its indentation and any `- `.
        let content = |line: usize| {
            let text = self.line_text(line);
            let trimmed = text.trim_start();
            let rest = trimmed.strip_prefix('-').map_or(trimmed, str::trim_start);
            (rest, text.len() - rest.len() + 1)
        };
        field
            .and_then(|field| {
                (first..last).find_map(|line| {
                    let (rest, column) = content(line);
                    rest.strip_prefix(field)?
                        .starts_with(':')
                        .then_some((line, column))
                })
            })
            .or_else(|| Some((first, content(first).1)))
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
    fn list_items_and_their_fields() {
        let yaml = "sources:\n  - title: A\n    url: https://a.example.org\n  -   url: http://b.example.org\n    title: \"\"\n  - just text\nreviewed: 2026-01-01\n";
        let index = LineIndex::new(yaml);
        assert_eq!(index.find_item("sources", 0, Some("url")), Some((3, 5)));
        assert_eq!(index.find_item("sources", 1, Some("url")), Some((4, 7)));
        assert_eq!(index.find_item("sources", 1, Some("title")), Some((5, 5)));
        assert_eq!(index.find_item("sources", 2, Some("url")), Some((6, 5)));
        assert_eq!(index.find_item("sources", 3, None), None);
        let flow = LineIndex::new("sources: [{title: A, url: x}]\n");
        assert_eq!(flow.find_item("sources", 0, Some("url")), None);
    }

    #[test]
    fn list_items_and_their_keys() {
        let index =
            LineIndex::new("a:\n  - label: x\n    phone: 1\n  # note\n  - label: y\nb: 2\n- c\n");
        assert_eq!(index.list_items(1), [(2, 3), (5, 3)]);
        assert_eq!(index.find_key("label", 3), Some((5, 5)));
        assert_eq!(index.find_key("phone", 0), Some((3, 5)));
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
