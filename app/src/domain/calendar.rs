//! Working days in mainland China: Monday to Friday, except public holidays,
//! plus the weekend days made working days (调休上班). The exceptions come
//! from the State Council's yearly notice (`data/holidays.csv`).

use std::collections::BTreeMap;

use super::Date;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Days that differ from the Monday-to-Friday rule: `true` = working day.
    exceptions: BTreeMap<Date, bool>,
}

/// 0 = Monday … 6 = Sunday.
pub fn weekday(d: Date) -> i64 {
    // 1970-01-01 was a Thursday.
    (d.days_since_epoch() + 3).rem_euclid(7)
}

impl Calendar {
    /// Parses `date,kind,name` lines (`kind` is `off` or `work`) after a header.
    pub fn parse_csv(text: &str) -> Result<Calendar, String> {
        let mut exceptions = BTreeMap::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split(',');
            let (Some(date), Some(kind)) = (cols.next(), cols.next()) else {
                return Err(format!("line {}: expected date,kind,name", i + 1));
            };
            let date =
                Date::parse(date).ok_or(format!("line {}: `{date}` is not a date", i + 1))?;
            let working = match kind {
                "off" => false,
                "work" => true,
                _ => return Err(format!("line {}: kind `{kind}` is not off or work", i + 1)),
            };
            if exceptions.insert(date, working).is_some() {
                return Err(format!("line {}: {date} appears twice", i + 1));
            }
        }
        Ok(Calendar { exceptions })
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        self.exceptions
            .get(&d)
            .copied()
            .unwrap_or_else(|| weekday(d) < 5)
    }

    /// Whether the calendar has any entry for `year` (else only weekends count).
    pub fn covers(&self, year: i32) -> bool {
        self.exceptions.keys().any(|d| d.year() == year)
    }

    /// The `n`th working day after `start` (`start` itself not counted).
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d = d.add_days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// How many working days lie after `from`, up to and including `to`.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut d = from;
        let mut n = 0;
        while d < to {
            d = d.add_days(1);
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    /// The end of a one-working-day promise for something submitted at Unix
    /// time `submitted`: the same time of day on the next working day.
    pub fn one_working_day_after(&self, submitted: i64) -> i64 {
        const DAY: i64 = 86_400;
        const CST: i64 = 8 * 3600;
        let mut t = submitted + DAY;
        while !self.is_working_day(Date::from_days_since_epoch((t + CST).div_euclid(DAY))) {
            t += DAY;
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "date,kind,name\n2026-10-01,off,国庆节\n2026-10-02,off,国庆节\n2026-10-05,off,国庆节\n2026-10-06,off,国庆节\n2026-10-07,off,国庆节\n2026-10-10,work,调休上班\n";

    /// 10:00 China time on `d`, as Unix seconds.
    fn at_ten(d: &str) -> i64 {
        Date::parse(d).unwrap().days_since_epoch() * 86_400 + 2 * 3600
    }

    #[test]
    fn weekends_and_weekdays() {
        let cal = Calendar::default();
        assert_eq!(weekday(Date::parse("2026-11-27").unwrap()), 4, "a Friday");
        assert!(cal.is_working_day(Date::parse("2026-11-27").unwrap()));
        assert!(!cal.is_working_day(Date::parse("2026-11-28").unwrap()));
        let friday = at_ten("2026-11-27");
        assert_eq!(
            cal.one_working_day_after(friday),
            at_ten("2026-11-30"),
            "Friday -> Monday"
        );
        let saturday = at_ten("2026-11-28");
        assert_eq!(cal.one_working_day_after(saturday), at_ten("2026-11-30"));
    }

    #[test]
    fn holidays_are_skipped_and_make_up_days_count() {
        let cal = Calendar::parse_csv(CSV).unwrap();
        // Submitted on the last working day before the National Day week.
        assert_eq!(
            cal.one_working_day_after(at_ten("2026-09-30")),
            at_ten("2026-10-08")
        );
        // Saturday 10 October is a working day.
        assert!(cal.is_working_day(Date::parse("2026-10-10").unwrap()));
        assert_eq!(
            cal.one_working_day_after(at_ten("2026-10-09")),
            at_ten("2026-10-10")
        );
        assert!(cal.covers(2026));
        assert!(!cal.covers(2027));
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let e = Calendar::parse_csv("date,kind,name\n2026-13-01,off,x\n").unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
        let e = Calendar::parse_csv("date,kind,name\n2026-10-01,holiday,x\n").unwrap_err();
        assert!(e.contains("holiday"), "{e}");
        let e = Calendar::parse_csv("h\n2026-10-01,off,a\n2026-10-01,off,b\n").unwrap_err();
        assert!(e.contains("twice"), "{e}");
    }

    #[test]
    fn the_shipped_calendar_parses() {
        let cal = Calendar::parse_csv(include_str!("../../../data/holidays.csv")).unwrap();
        assert!(cal.covers(2026));
        // Spring Festival 2026: 15–23 February off, Saturday 28 February worked.
        assert!(!cal.is_working_day(Date::parse("2026-02-16").unwrap()));
        assert!(cal.is_working_day(Date::parse("2026-02-28").unwrap()));
    }
}
