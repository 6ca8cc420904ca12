//! 年度报告 (《危险化学品经营许可证管理办法》, 55号令): each level reports
//! the previous year's approvals, issuance and supervision to the level
//! above (县级 → 市级 → 省级). The figures and how a region's figures roll
//! up from its sub-regions; counting them is the repository's.

use serde::{Deserialize, Serialize};

use crate::domain::licence_case::CaseKind;

/// One figure of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Metric {
    /// Applications received (first submitted in the year), by kind.
    Received(CaseKind),
    /// 受理 decisions.
    Accepted,
    /// 不予受理.
    NotAccepted,
    /// 准予许可 (for a 注销: 准予注销).
    Approved,
    /// 不予许可.
    Refused,
    /// Certificates issued (a 延期, 变更 or 补证 issues one too).
    Issued,
    /// Licences cancelled (注销).
    Cancelled,
    /// Certificates in force on the last day of the year.
    InForce,
    /// Enterprises registered in the year.
    Registered,
    /// 企业信息 confirmed.
    Confirmed,
    /// 企业信息 returned (退回).
    Returned,
    /// Regulators' change proposals (申请修改).
    Proposals,
}

/// How many figures a row has.
pub const METRICS: usize = 16;

impl Metric {
    pub const ALL: [Metric; METRICS] = [
        Metric::Received(CaseKind::New),
        Metric::Received(CaseKind::Renewal),
        Metric::Received(CaseKind::Change),
        Metric::Received(CaseKind::Cancel),
        Metric::Received(CaseKind::Reissue),
        Metric::Accepted,
        Metric::NotAccepted,
        Metric::Approved,
        Metric::Refused,
        Metric::Issued,
        Metric::Cancelled,
        Metric::InForce,
        Metric::Registered,
        Metric::Confirmed,
        Metric::Returned,
        Metric::Proposals,
    ];

    /// Its position in a row.
    pub fn index(self) -> usize {
        Metric::ALL.iter().position(|m| *m == self).unwrap_or(0)
    }

    /// The column heading.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Received(k) => match k {
                CaseKind::New => "首次申请",
                CaseKind::Renewal => "延期申请",
                CaseKind::Change => "变更申请",
                CaseKind::Cancel => "注销申请",
                CaseKind::Reissue => "补证申请",
            },
            Metric::Accepted => "受理",
            Metric::NotAccepted => "不予受理",
            Metric::Approved => "准予许可",
            Metric::Refused => "不予许可",
            Metric::Issued => "发证",
            Metric::Cancelled => "注销许可证",
            Metric::InForce => "年末有效许可证",
            Metric::Registered => "新注册企业",
            Metric::Confirmed => "信息确认",
            Metric::Returned => "信息退回",
            Metric::Proposals => "监管修改申请",
        }
    }

    /// The heading above a group of columns.
    pub fn group(self) -> &'static str {
        match self {
            Metric::Received(_) => "收到许可申请",
            Metric::Accepted | Metric::NotAccepted | Metric::Approved | Metric::Refused => {
                "许可审批"
            }
            Metric::Issued | Metric::Cancelled | Metric::InForce => "发证",
            Metric::Registered | Metric::Confirmed | Metric::Returned | Metric::Proposals => {
                "监督管理"
            }
        }
    }
}

/// The figures of one row, in the order of [`Metric::ALL`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures(pub [i64; METRICS]);

impl Figures {
    pub fn get(&self, m: Metric) -> i64 {
        self.0[m.index()]
    }

    pub fn add(&mut self, m: Metric, n: i64) {
        self.0[m.index()] += n;
    }

    pub fn add_all(&mut self, other: &Figures) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    /// Applications received, all kinds.
    pub fn received(&self) -> i64 {
        CaseKind::ALL
            .iter()
            .map(|k| self.get(Metric::Received(*k)))
            .sum()
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|n| *n == 0)
    }
}

/// A region's figures rolled up from counts per enterprise region code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollUp {
    /// One per sub-region, in the order given.
    pub rows: Vec<Figures>,
    /// Counts of codes in no sub-region (a code of the region itself).
    pub other: Figures,
    /// The region: the sum of the rows and `other`.
    pub total: Figures,
}

/// Rolls `counts` ((region code, figure, count)) up into the sub-regions,
/// each given by its code prefix (disjoint, as the children of one region
/// are); a code in none of them counts in `other`. The total is the sum of
/// the rows, so a parent is always the sum of its children.
pub fn roll_up(sub_prefixes: &[&str], counts: &[(String, Metric, i64)]) -> RollUp {
    let mut rows = vec![Figures::default(); sub_prefixes.len()];
    let mut other = Figures::default();
    for (code, metric, n) in counts {
        match sub_prefixes
            .iter()
            .position(|p| !p.is_empty() && code.starts_with(p))
        {
            Some(i) => rows[i].add(*metric, *n),
            None => other.add(*metric, *n),
        }
    }
    let mut total = other;
    for r in &rows {
        total.add_all(r);
    }
    RollUp { rows, other, total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(code: &str, m: Metric, n: i64) -> (String, Metric, i64) {
        (code.to_string(), m, n)
    }

    #[test]
    fn every_metric_has_its_own_column() {
        for (i, m) in Metric::ALL.iter().enumerate() {
            assert_eq!(m.index(), i);
        }
        let labels: std::collections::BTreeSet<_> = Metric::ALL.iter().map(|m| m.label()).collect();
        assert_eq!(labels.len(), METRICS);
    }

    #[test]
    fn counties_roll_up_into_their_city_and_the_city_is_their_sum() {
        let counts = vec![
            c("320102", Metric::Received(CaseKind::New), 2),
            c("320102", Metric::Issued, 1),
            c("320104", Metric::Received(CaseKind::New), 1),
            c("320104", Metric::Received(CaseKind::Renewal), 4),
            c("320100", Metric::Proposals, 1),
        ];
        let r = roll_up(&["320102", "320104", "320105"], &counts);
        assert_eq!(r.rows[0].get(Metric::Received(CaseKind::New)), 2);
        assert_eq!(r.rows[0].get(Metric::Issued), 1);
        assert_eq!(r.rows[1].received(), 5);
        assert!(r.rows[2].is_zero());
        // A code of the city itself is in no county: counted apart, and in the total.
        assert_eq!(r.other.get(Metric::Proposals), 1);
        assert_eq!(r.total.get(Metric::Received(CaseKind::New)), 3);
        assert_eq!(r.total.received(), 7);
        assert_eq!(r.total.get(Metric::Proposals), 1);
    }

    #[test]
    fn a_province_sees_the_same_city_total_as_the_city_itself() {
        let counts = vec![
            c("320102", Metric::Accepted, 3),
            c("320104", Metric::Accepted, 2),
            c("320205", Metric::Accepted, 7),
        ];
        let province = roll_up(&["3201", "3202"], &counts);
        let city = roll_up(&["320102", "320104"], &counts[..2]);
        assert_eq!(province.rows[0], city.total);
        assert_eq!(province.rows[1].get(Metric::Accepted), 7);
        assert_eq!(province.total.get(Metric::Accepted), 12);
    }

    proptest! {
        #[test]
        fn the_parent_is_the_sum_of_its_children(
            counts in proptest::collection::vec((0usize..6, 0usize..METRICS, 0i64..1000), 0..60)
        ) {
            let codes = ["320102", "320104", "320105", "320100", "320205", "110101"];
            let counts: Vec<_> = counts
                .into_iter()
                .map(|(c, m, n)| (codes[c].to_string(), Metric::ALL[m], n))
                .collect();
            let r = roll_up(&["320102", "320104", "320105"], &counts);
            let mut sum = r.other;
            for row in &r.rows {
                sum.add_all(row);
            }
            prop_assert_eq!(sum, r.total);
            let all: i64 = counts.iter().map(|(_, _, n)| n).sum();
            prop_assert_eq!(r.total.0.iter().sum::<i64>(), all);
        }
    }
}
