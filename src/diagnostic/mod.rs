//! The bottom floor: a problem found in a content file, located to file,
//! line and column, and the source map that locates it. Both the taxonomy
//! and the entries are checked with these, so neither depends on the other
//! for them.

mod source_map;

pub use source_map::LineIndex;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One diagnostic of `signpost check`. Errors stop the bank from loading;
/// warnings (an entry past its review date) do not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ContentError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl ContentError {
    pub fn new(file: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        ContentError {
            file: file.to_path_buf(),
            line,
            column,
            severity: Severity::Error,
            message: message.into(),
            suggestion: None,
        }
    }

    /// A YAML syntax or type error; `line_offset` is the number of lines
    /// before the YAML text in its file (1 for front matter after `---`).
    pub fn from_yaml(file: &Path, error: &serde_yaml::Error, line_offset: usize) -> Self {
        let (line, column) = error
            .location()
            .map_or((1, 1), |l| (l.line() + line_offset, l.column()));
        // serde_yaml appends " at line X column Y" with YAML-relative numbers,
        // which would contradict ours.
        let message = error.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        ContentError::new(file, line, column, format!("YAML syntax: {message}"))
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Adds "did you mean" when a close candidate exists.
    pub fn with_suggestion(mut self, suggestion: Option<&str>) -> Self {
        self.suggestion = suggestion.map(|s| format!("did you mean `{s}`?"));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.suggestion = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {severity}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, " ({suggestion})")?;
        }
        Ok(())
    }
}
