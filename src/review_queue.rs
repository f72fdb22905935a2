//! The review queue: entries whose `review_due` has passed or comes within
//! a given number of days, oldest first, so a coordinator knows what to
//! check next. (Not to be confused with `content::review`, the reviewer
//! heuristics of `check`.)

use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::content::Library;
use crate::links::{Cache, LinkStatus, entry_file, links_in};

/// Days ahead the queue looks by default.
pub const DEFAULT_WITHIN_DAYS: u64 = 30;

/// One entry in the queue.
#[derive(Debug, Clone, Serialize)]
pub struct Due<'a> {
    pub id: &'a str,
    /// The entry's file, under the content directory given.
    pub file: PathBuf,
    pub title: &'a str,
    pub review_due: NaiveDate,
    /// Past its review date (the same test as the "due for review" badge).
    pub overdue: bool,
    /// The worst of its links in the link cache, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<LinkStatus>,
}

/// Entries due on or before `today + within` days, oldest first (ties by
/// id, so the order is stable).
pub fn queue<'a>(
    library: &'a Library,
    content: &Path,
    today: NaiveDate,
    within: u64,
) -> Vec<Due<'a>> {
    let horizon = today
        .checked_add_days(Days::new(within))
        .unwrap_or(NaiveDate::MAX);
    let mut due: Vec<Due<'a>> = library
        .entries()
        .iter()
        .filter(|e| e.review_due <= horizon)
        .map(|entry| Due {
            id: entry.id.as_str(),
            file: entry_file(content, entry),
            title: &entry.title,
            review_due: entry.review_due,
            overdue: entry.is_due_for_review(today),
            links: None,
        })
        .collect();
    due.sort_by(|a, b| (a.review_due, a.id).cmp(&(b.review_due, b.id)));
    due
}

/// Fills in each entry's worst link from the link cache. An entry file that
/// cannot be read has no link status rather than stopping the queue.
pub fn add_link_status(due: &mut [Due<'_>], cache: &Cache) {
    for d in due {
        let Ok(text) = std::fs::read_to_string(&d.file) else {
            continue;
        };
        let links = links_in(&d.file, &text);
        d.links = cache.worst(links.iter().map(|l| l.url.as_str()));
    }
}

/// `file: due DATE (overdue) title [links: broken]`, one per line.
pub fn human(due: &Due<'_>, today: NaiveDate) -> String {
    let when = if due.overdue {
        let days = (today - due.review_due).num_days();
        format!("overdue by {days} day{}", if days == 1 { "" } else { "s" })
    } else {
        let days = (due.review_due - today).num_days();
        match days {
            0 => "due today".to_string(),
            1 => "due in 1 day".to_string(),
            n => format!("due in {n} days"),
        }
    };
    let links = due
        .links
        .map(|l| format!(" [links: {}]", l.id()))
        .unwrap_or_default();
    format!(
        "{}: {} {when}: {}{links}",
        due.file.display(),
        due.review_due,
        due.title
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::Verdict;

    fn fixture() -> (Library, PathBuf) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small/content");
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let library = crate::content::load(&dir, today)
            .library
            .expect("the fixture is valid");
        (library, dir)
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_queue_holds_what_is_due_within_the_window_oldest_first() {
        let (library, dir) = fixture();
        // One entry is due 2025-06-01; the rest on 2027-01-10.
        let ids = |today: &str, within: u64| -> Vec<(String, bool)> {
            queue(&library, &dir, date(today), within)
                .iter()
                .map(|d| (d.id.to_string(), d.overdue))
                .collect()
        };
        assert_eq!(
            ids("2026-12-01", 30),
            [("consent-from-reception".to_string(), true)]
        );
        let wide = ids("2026-12-01", 40);
        assert_eq!(wide.len(), library.entries().len());
        assert_eq!(wide[0], ("consent-from-reception".to_string(), true));
        assert!(wide[1..].iter().all(|(_, overdue)| !overdue));
        // The rest share one date, so ids give the order.
        assert!(wide[1..].windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ids("2025-05-01", 30).is_empty());
        // On the due day it is due but not yet overdue.
        assert_eq!(
            ids("2025-06-01", 0),
            [("consent-from-reception".to_string(), false)]
        );
    }

    #[test]
    fn link_status_is_the_worst_of_the_entry_links() {
        let (library, dir) = fixture();
        let tmp = tempfile::tempdir().unwrap();
        let mut cache = Cache::load(&tmp.path().join("links.json")).unwrap();
        let verdict = |status| Verdict {
            status,
            code: None,
            redirect_to: None,
            message: None,
        };
        cache.insert(
            "https://example.org/helpline",
            date("2026-12-01"),
            verdict(LinkStatus::Broken),
        );
        let mut due = queue(&library, &dir, date("2026-12-01"), 400);
        add_link_status(&mut due, &cache);
        let helpline = due.iter().find(|d| d.id == "helpline-national").unwrap();
        assert_eq!(helpline.links, Some(LinkStatus::Broken));
        assert!(
            due.iter()
                .filter(|d| d.id != "helpline-national")
                .all(|d| d.links.is_none())
        );
        assert_eq!(
            human(helpline, date("2026-12-01")),
            format!(
                "{}: 2027-01-10 due in 40 days: {} [links: broken]",
                helpline.file.display(),
                helpline.title
            )
        );
    }
}
