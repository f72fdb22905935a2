//! `signpost links`: whether every address in the bank still leads where it
//! says. Addresses are found with their file and line ([`extract`]),
//! fetched with lychee-lib ([`check`]) and remembered for the day
//! ([`cache`]), so a second run on the same day asks no site twice.

mod cache;
mod check;
mod extract;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use cache::{Cache, Cached};
pub use check::{CheckOptions, check_urls};
pub use extract::{Link, entry_file, entry_links, find_links, links_in};

/// What became of an address, in rising order of trouble: the worst of an
/// entry's links is the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkStatus {
    /// Answered with a success, directly or through temporary redirects.
    Ok,
    /// Moved permanently (301, 308): the entry should use `redirect_to`.
    Redirect,
    /// Could not be checked this time (timeout, refused, TLS, a server
    /// error, a refusal such as 403); it may work tomorrow.
    Error,
    /// Gone: 404, 410, or a host name that does not exist.
    Broken,
}

impl LinkStatus {
    pub fn id(self) -> &'static str {
        match self {
            LinkStatus::Ok => "ok",
            LinkStatus::Redirect => "redirect",
            LinkStatus::Error => "error",
            LinkStatus::Broken => "broken",
        }
    }
}

/// The outcome of checking one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub status: LinkStatus,
    /// The HTTP status that decided it (the redirect's own for a redirect).
    pub code: Option<u16>,
    pub redirect_to: Option<String>,
    /// What went wrong, in words, when something did.
    pub message: Option<String>,
}

/// One address in one place, with its verdict: a line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct LinkReport {
    pub file: PathBuf,
    pub line: usize,
    pub url: String,
    pub status: LinkStatus,
    pub code: Option<u16>,
    pub redirect_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl LinkReport {
    pub fn new(link: Link, verdict: &Verdict) -> LinkReport {
        LinkReport {
            file: link.file,
            line: link.line,
            url: link.url,
            status: verdict.status,
            code: verdict.code,
            redirect_to: verdict.redirect_to.clone(),
            message: verdict.message.clone(),
        }
    }

    /// `file:line: status [code] url (-> new address) (message)`.
    pub fn human(&self) -> String {
        let mut line = format!(
            "{}:{}: {}",
            self.file.display(),
            self.line,
            self.status.id()
        );
        if let Some(code) = self.code {
            line.push_str(&format!(" {code}"));
        }
        line.push_str(&format!(" {}", self.url));
        if let Some(to) = &self.redirect_to {
            line.push_str(&format!(" -> {to}"));
        }
        if let Some(message) = &self.message {
            line.push_str(&format!(" ({message})"));
        }
        line
    }

    /// A GitHub Actions annotation: broken links are errors, the rest that
    /// need a look are warnings, and working links say nothing.
    pub fn github(&self) -> Option<String> {
        let (level, what) = match self.status {
            LinkStatus::Ok => return None,
            LinkStatus::Broken => ("error", "broken link"),
            LinkStatus::Redirect => ("warning", "link moved permanently"),
            LinkStatus::Error => ("warning", "link could not be checked"),
        };
        let mut message = format!("{what}: {}", self.url);
        if let Some(code) = self.code {
            message.push_str(&format!(" ({code})"));
        }
        if let Some(to) = &self.redirect_to {
            message.push_str(&format!("; use {to}"));
        }
        if let Some(m) = &self.message {
            message.push_str(&format!("; {m}"));
        }
        Some(format!(
            "::{level} file={},line={},title=signpost links::{}",
            annotation_property(&self.file.to_string_lossy()),
            self.line,
            annotation_data(&message)
        ))
    }
}

/// Workflow command escaping, as `check --format github` does it.
fn annotation_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn annotation_property(s: &str) -> String {
    annotation_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[derive(Debug, thiserror::Error)]
pub enum LinksError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the link cache {}: {source}", path.display())]
    WriteCache {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the link cache {} is not valid JSON ({source}); delete it to start afresh", path.display())]
    BadCache {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot start the link checker: {0}")]
    Client(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(status: LinkStatus, code: Option<u16>, redirect_to: Option<&str>) -> LinkReport {
        LinkReport {
            file: PathBuf::from("content/resources/a,b.md"),
            line: 7,
            url: "https://example.org/x".into(),
            status,
            code,
            redirect_to: redirect_to.map(str::to_string),
            message: None,
        }
    }

    #[test]
    fn worst_status_is_the_greatest() {
        let statuses = [
            LinkStatus::Ok,
            LinkStatus::Broken,
            LinkStatus::Redirect,
            LinkStatus::Error,
        ];
        assert_eq!(statuses.iter().max(), Some(&LinkStatus::Broken));
        assert!(LinkStatus::Redirect < LinkStatus::Error);
    }

    #[test]
    fn annotations_escape_the_file_and_skip_working_links() {
        assert_eq!(report(LinkStatus::Ok, Some(200), None).github(), None);
        assert_eq!(
            report(LinkStatus::Broken, Some(404), None)
                .github()
                .unwrap(),
            "::error file=content/resources/a%2Cb.md,line=7,title=signpost links::broken link: https://example.org/x (404)"
        );
        assert_eq!(
            report(
                LinkStatus::Redirect,
                Some(301),
                Some("https://example.org/y")
            )
            .human(),
            "content/resources/a,b.md:7: redirect 301 https://example.org/x -> https://example.org/y"
        );
    }
}
