//! A calendar date without time zone (dates of birth, licence validity).
//!
//! Hand-written instead of `chrono` so the browser bundle stays small.

use std::fmt;

/// A valid proleptic-Gregorian date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A date if `year-month-day` exists in the calendar (years 1–9999).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let ok = (1..=9999).contains(&year) && day >= 1 && day <= days_in_month(year, month);
        ok.then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` (also `YYYYMMDD`, `YYYY/MM/DD`, `YYYY.MM.DD`).
    pub fn parse(s: &str) -> Option<Date> {
        let digits: String = s
            .trim()
            .chars()
            .map(super::normalize::to_half_width)
            .filter(|c| !matches!(c, '-' | '/' | '.'))
            .collect();
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year = digits[0..4].parse().ok()?;
        let month = digits[4..6].parse().ok()?;
        let day = digits[6..8].parse().ok()?;
        Date::new(year, month, day)
    }

    pub fn year(&self) -> i32 {
        self.year
    }
    pub fn month(&self) -> u32 {
        self.month
    }
    pub fn day(&self) -> u32 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(&self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The same day `years` later; 29 February becomes 28 February.
    pub fn add_years(&self, years: i32) -> Date {
        let year = self.year + years;
        let day = self.day.min(days_in_month(year, self.month));
        Date {
            year,
            month: self.month,
            day,
        }
    }

    /// The same day `months` later (or earlier), clamped to the month's end.
    pub fn add_months(&self, months: i32) -> Date {
        let total = self.year * 12 + self.month as i32 - 1 + months;
        let year = total.div_euclid(12);
        let month = (total.rem_euclid(12) + 1) as u32;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    pub fn add_days(&self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_validate() {
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()),
            Some("2024-02-29".into())
        );
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("1990-02-30"), None);
        assert_eq!(Date::parse("19491231").map(|d| d.day()), Some(31));
        assert_eq!(Date::parse("2024-13-01"), None);
    }

    #[test]
    fn arithmetic() {
        let d = Date::new(2024, 9, 6).unwrap();
        assert_eq!(d.add_years(3).add_days(-1).to_string(), "2027-09-05");
        assert_eq!(
            Date::new(2027, 9, 5).unwrap().add_months(-3).to_string(),
            "2027-06-05"
        );
        assert_eq!(
            Date::new(2024, 2, 29).unwrap().add_years(1).to_string(),
            "2025-02-28"
        );
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
    }

    proptest::proptest! {
        #[test]
        fn epoch_days_round_trip(days in -700_000i64..2_900_000) {
            let d = Date::from_days_since_epoch(days);
            proptest::prop_assert_eq!(d.days_since_epoch(), days);
            proptest::prop_assert!(Date::new(d.year(), d.month(), d.day()).is_some());
        }
    }
}
