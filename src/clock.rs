//! Where "today" comes from. Every date-dependent answer (due for review,
//! the review queue, the updates page) takes it from a [`Clock`] handed in by
//! the caller: `--today` / `SIGNPOST_TODAY` fix it, so tests and replicas
//! never depend on the machine's date.

use chrono::{NaiveDate, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The machine's date (UTC), read each time it is asked.
    #[default]
    System,
    /// A date given by the caller.
    Fixed(NaiveDate),
}

impl Clock {
    /// A fixed clock when a date is given, else the machine's.
    pub fn from_option(today: Option<NaiveDate>) -> Clock {
        today.map_or(Clock::System, Clock::Fixed)
    }

    pub fn today(self) -> NaiveDate {
        match self {
            Clock::System => Utc::now().date_naive(),
            Clock::Fixed(date) => date,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_ignores_the_machine() {
        let date = NaiveDate::from_ymd_opt(2031, 6, 1).unwrap();
        assert_eq!(Clock::from_option(Some(date)).today(), date);
        assert_eq!(Clock::from_option(None), Clock::System);
    }
}
