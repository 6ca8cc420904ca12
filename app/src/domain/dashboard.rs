//! The regulator's dashboard (工作台统计): the pure parts. Month buckets,
//! medians of step durations and the geometry of the server-drawn bar charts
//! (SVG, so a chart prints and needs no JavaScript).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::licence_case::Step;
use super::Date;

/// One bar of a chart, also one row of the table beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    /// Where the figure drills down to ("" = nowhere).
    pub link: String,
}

/// A chart: its title, what the numbers count, and its bars in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    /// The table's column head for the values, e.g. "企业数".
    pub unit: String,
    pub bars: Vec<Bar>,
}

impl Chart {
    pub fn total(&self) -> i64 {
        self.bars.iter().map(|b| b.value).sum()
    }
}

/// One figure of 待办: a count that links to the list it counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Todo {
    pub label: String,
    pub value: i64,
    pub link: String,
    /// A remark under the figure ("" = none).
    pub note: String,
    /// Past a promise or a legal limit: shown as a warning.
    pub urgent: bool,
}

/// How long a case step took, as the median over the cases that left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepTime {
    pub step: String,
    pub median: String,
    pub cases: usize,
}

/// The dashboard of one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The region's code ("" = the whole country).
    pub region: String,
    pub name: String,
    /// The way back up to the viewer's jurisdiction: (code, name).
    pub trail: Vec<(String, String)>,
    pub today: String,
    pub todo: Vec<Todo>,
    pub charts: Vec<Chart>,
    pub steps: Vec<StepTime>,
}

/// The lengths of a horizontal bar chart's bars: the largest value is
/// `full` long, a non-zero value at least 1 unit (so it shows), zero none.
pub fn bar_lengths(values: &[i64], full: f64) -> Vec<f64> {
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    values
        .iter()
        .map(|&v| {
            if v > 0 {
                (v as f64 / max * full).max(1.0)
            } else {
                0.0
            }
        })
        .collect()
}

/// The `n` months starting with `from`'s month, as "YYYY-MM".
pub fn months_from(from: Date, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let d = Date::new(from.year(), from.month(), 1)
                .unwrap_or(from)
                .add_months(i as i32);
            format!("{:04}-{:02}", d.year(), d.month())
        })
        .collect()
}

/// The `n` months ending with `to`'s month, oldest first.
pub fn months_until(to: Date, n: usize) -> Vec<String> {
    let first = Date::new(to.year(), to.month(), 1)
        .unwrap_or(to)
        .add_months(-(n as i32 - 1));
    months_from(first, n)
}

/// The median, halfway between the middle two of an even count.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let m = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[m - 1] + v[m]) / 2.0
    } else {
        v[m]
    })
}

/// How long each step of the cases lasted, in days: `events` are (case,
/// time in seconds, the step the case entered), in any order. A step lasts
/// from the event entering it to the case's next event entering another
/// step; a step not yet left is not counted. Drafts are the applicant's
/// time and are left out.
pub fn step_days(events: &[(i64, i64, Step)]) -> BTreeMap<Step, Vec<f64>> {
    let mut by_case: BTreeMap<i64, Vec<(i64, Step)>> = BTreeMap::new();
    for &(case, at, step) in events {
        by_case.entry(case).or_default().push((at, step));
    }
    let mut out: BTreeMap<Step, Vec<f64>> = BTreeMap::new();
    for (_, mut list) in by_case {
        list.sort_by_key(|&(at, _)| at);
        let mut current: Option<(i64, Step)> = None;
        for (at, step) in list {
            match current {
                Some((_, s)) if s == step => {}
                Some((since, s)) => {
                    if s != Step::Draft {
                        out.entry(s)
                            .or_default()
                            .push((at - since) as f64 / 86_400.0);
                    }
                    current = Some((at, step));
                }
                None => current = Some((at, step)),
            }
        }
    }
    out
}

/// A figure of days for people: "2.5 天", "不足 1 小时" for nearly nothing.
pub fn days_text(days: f64) -> String {
    if days < 1.0 / 24.0 {
        "不足 1 小时".into()
    } else if days < 1.0 {
        format!("{:.0} 小时", days * 24.0)
    } else {
        format!("{days:.1} 天")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn the_largest_bar_is_full_length_and_small_ones_still_show() {
        assert_eq!(
            bar_lengths(&[0, 1, 1000, 500], 200.0),
            vec![0.0, 1.0, 200.0, 100.0]
        );
        // All zeros or nothing: no division by zero, nothing drawn.
        assert_eq!(bar_lengths(&[0, 0], 200.0), vec![0.0, 0.0]);
        assert!(bar_lengths(&[], 200.0).is_empty());
    }

    #[test]
    fn months_run_over_year_ends() {
        assert_eq!(
            months_from(d("2026-11-30"), 3),
            vec!["2026-11", "2026-12", "2027-01"]
        );
        assert_eq!(
            months_until(d("2027-02-28"), 3),
            vec!["2026-12", "2027-01", "2027-02"]
        );
        assert_eq!(months_until(d("2026-12-03"), 12).len(), 12);
        assert_eq!(months_until(d("2026-12-03"), 12)[0], "2026-01");
    }

    #[test]
    fn the_median_of_an_even_count_is_between_the_middle_two() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn a_step_lasts_until_the_case_enters_another_one() {
        let day = 86_400;
        let events = vec![
            (1, 0, Step::Draft),
            (1, day, Step::Submitted),
            (1, 3 * day, Step::Accepted),
            // A claim or a planned check: the same step, no new clock.
            (1, 4 * day, Step::Accepted),
            (1, 13 * day, Step::Approved),
            (1, 14 * day, Step::Done),
            // Given out of order; still in its place.
            (2, 2 * day, Step::Accepted),
            (2, day, Step::Submitted),
            // Still in 审查中: not counted.
        ];
        let s = step_days(&events);
        assert_eq!(
            s.get(&Step::Draft),
            None,
            "the applicant's draft time is not the office's"
        );
        assert_eq!(s[&Step::Submitted], vec![2.0, 1.0]);
        assert_eq!(s[&Step::Accepted], vec![10.0]);
        assert_eq!(s[&Step::Approved], vec![1.0]);
        assert_eq!(s.get(&Step::Done), None);
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(days_text(0.01), "不足 1 小时");
        assert_eq!(days_text(0.25), "6 小时");
        assert_eq!(days_text(2.46), "2.5 天");
    }
}
