//! 年度报告: the year's figures of a jurisdiction, counted per enterprise
//! region code from the tables that record them (licence cases and their
//! history, certificates, enterprises, the audit trail, proposals). The
//! roll-up into sub-regions is `domain::annual_report`.
//!
//! Everything is attributed to the enterprise's current 所属地区, so the
//! rows of a city always add up to the city (an enterprise that moved is
//! counted where it is now).

use super::db::Db;
use super::query::Where;
use crate::domain::annual_report::Metric;
use crate::domain::licence_case::CaseKind;
use crate::domain::Date;

/// The year in China Standard Time: [start, end) in Unix seconds, and its
/// first and last day.
pub fn year_bounds(year: i32) -> Option<(i64, i64, Date, Date)> {
    let first = Date::new(year, 1, 1)?;
    let next = Date::new(year + 1, 1, 1)?;
    let at = |d: Date| d.days_since_epoch() * 86_400 - 8 * 3600;
    Some((at(first), at(next), first, next.add_days(-1)))
}

/// Counts per (enterprise region code, figure) for `year` inside the
/// region code prefix `scope` ("" = everywhere).
pub async fn annual(
    db: &Db,
    scope: &str,
    year: i32,
) -> Result<Vec<(String, Metric, i64)>, sqlx::Error> {
    let Some((start, end, first, last)) = year_bounds(year) else {
        return Ok(vec![]);
    };
    let mut out = vec![];
    // Each query: (region code, key, count); `metric` names the figure of a key.
    async fn grouped(
        db: &Db,
        w: &Where,
        sql: &str,
        metric: impl Fn(&str) -> Option<Metric>,
        out: &mut Vec<(String, Metric, i64)>,
    ) -> Result<(), sqlx::Error> {
        let sql = sql.replace("{where}", &w.sql());
        let rows: Vec<(String, String, i64)> = w
            .bind_as(sqlx::query_as(&sql))
            .fetch_all(db.reader())
            .await?;
        for (code, key, n) in rows {
            if let Some(m) = metric(&key) {
                out.push((code, m, n));
            }
        }
        Ok(())
    }
    let base = |w: &mut Where| {
        w.region("e.region_code", scope);
    };
    // The scope, and `cond` on the year's first and last second (`start`
    // and `end` as bound parameters).
    let in_year = |cond: &dyn Fn(&str, &str) -> String| {
        let mut w = Where::new();
        base(&mut w);
        let (s, e) = (w.int(start), w.int(end));
        w.and(cond(&s, &e));
        w
    };

    // Applications: cases first submitted in the year, by kind.
    let w = in_year(&|s, e| {
        format!(
            "EXISTS (SELECT 1 FROM licence_case_events v WHERE v.case_id = c.id AND v.action = 'submit' AND v.at >= {s} AND v.at < {e}) \
             AND NOT EXISTS (SELECT 1 FROM licence_case_events v WHERE v.case_id = c.id AND v.action = 'submit' AND v.at < {s})"
        )
    });
    grouped(
        db,
        &w,
        "SELECT COALESCE(e.region_code, ''), c.kind, COUNT(*) FROM licence_cases c \
         JOIN enterprises e ON e.id = c.enterprise_id WHERE {where} GROUP BY e.region_code, c.kind",
        |k| CaseKind::from_code(k).map(Metric::Received),
        &mut out,
    )
    .await?;

    // Decisions made in the year.
    let w = in_year(&|s, e| {
        format!(
            "v.at >= {s} AND v.at < {e} AND v.action IN ('accept', 'not_accept', 'approve', 'refuse')"
        )
    });
    grouped(
        db,
        &w,
        "SELECT COALESCE(e.region_code, ''), v.action, COUNT(*) FROM licence_case_events v \
         JOIN licence_cases c ON c.id = v.case_id JOIN enterprises e ON e.id = c.enterprise_id \
         WHERE {where} GROUP BY e.region_code, v.action",
        |k| match k {
            "accept" => Some(Metric::Accepted),
            "not_accept" => Some(Metric::NotAccepted),
            "approve" => Some(Metric::Approved),
            "refuse" => Some(Metric::Refused),
            _ => None,
        },
        &mut out,
    )
    .await?;

    // Certificates issued in the year, cancelled in the year, in force at its end.
    let certificates = "SELECT COALESCE(e.region_code, ''), 'x', COUNT(*) FROM certificates t \
         JOIN enterprises e ON e.id = t.enterprise_id WHERE {where} GROUP BY e.region_code";
    let mut w = Where::new();
    base(&mut w);
    let (a, b) = (w.text(first.to_string()), w.text(last.to_string()));
    w.and(format!("t.issued_on >= {a} AND t.issued_on <= {b}"));
    grouped(db, &w, certificates, |_| Some(Metric::Issued), &mut out).await?;
    let w = in_year(&|s, e| {
        format!("t.status = 'cancelled' AND t.ended_at >= {s} AND t.ended_at < {e}")
    });
    grouped(db, &w, certificates, |_| Some(Metric::Cancelled), &mut out).await?;
    let mut w = Where::new();
    base(&mut w);
    let (l, l2, e) = (
        w.text(last.to_string()),
        w.text(last.to_string()),
        w.int(end),
    );
    w.and(format!(
        "t.issued_on <= {l} AND t.valid_until >= {l2} AND (t.ended_at IS NULL OR t.ended_at >= {e})"
    ));
    grouped(db, &w, certificates, |_| Some(Metric::InForce), &mut out).await?;

    // Enterprises registered (with an account in use) in the year.
    let w = in_year(&|s, e| {
        format!(
            "e.created_at >= {s} AND e.created_at < {e} \
             AND EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = e.id AND u.status IN ('active', 'disabled'))"
        )
    });
    grouped(
        db,
        &w,
        "SELECT COALESCE(e.region_code, ''), 'x', COUNT(*) FROM enterprises e WHERE {where} GROUP BY e.region_code",
        |_| Some(Metric::Registered),
        &mut out,
    )
    .await?;

    // Records confirmed and returned, from the audit trail.
    let w = in_year(&|s, e| {
        format!(
            "a.at >= {s} AND a.at < {e} AND a.action IN ('info.confirm', 'info.return') AND a.outcome = 'ok'"
        )
    });
    grouped(
        db,
        &w,
        "SELECT COALESCE(e.region_code, ''), a.action, COUNT(*) FROM audit_log a \
         JOIN enterprises e ON e.id = a.enterprise_id WHERE {where} GROUP BY e.region_code, a.action",
        |k| {
            use crate::domain::enterprise_info::RecordStep;
            if k == RecordStep::Confirm.action() {
                Some(Metric::Confirmed)
            } else if k == RecordStep::Return.action() {
                Some(Metric::Returned)
            } else {
                None
            }
        },
        &mut out,
    )
    .await?;

    // Regulators' proposals made in the year.
    let w = in_year(&|s, e| format!("p.created_at >= {s} AND p.created_at < {e}"));
    grouped(
        db,
        &w,
        "SELECT COALESCE(e.region_code, ''), 'x', COUNT(*) FROM change_proposals p \
         JOIN enterprises e ON e.id = p.enterprise_id WHERE {where} GROUP BY e.region_code",
        |_| Some(Metric::Proposals),
        &mut out,
    )
    .await?;
    Ok(out)
}

/// Why a report is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportRefusal {
    /// The region is outside the caller's jurisdiction (or unknown).
    Forbidden,
    /// The year is not one the system can report (the message says which).
    Year(String),
}

/// The year and region a caller asked for, checked against their
/// jurisdiction (None = an administrator: everywhere): year 0 means last
/// year, region "" the whole jurisdiction ("" = 全国 for an administrator).
pub fn resolve(
    jurisdiction: Option<&str>,
    year: i32,
    region: &str,
    today: Date,
) -> Result<(i32, String), ReportRefusal> {
    use super::regions;
    let year = if year == 0 { today.year() - 1 } else { year };
    if !(2000..=today.year()).contains(&year) {
        return Err(ReportRefusal::Year(format!(
            "请选择 2000 年至 {} 年之间的年份。",
            today.year()
        )));
    }
    let region = region.trim();
    let region = if region.is_empty() {
        jurisdiction.unwrap_or("").to_string()
    } else {
        region.to_string()
    };
    if region.is_empty() {
        // Nationwide: administrators only.
        return match jurisdiction {
            None => Ok((year, region)),
            Some(_) => Err(ReportRefusal::Forbidden),
        };
    }
    if regions::get(&region).is_none() {
        return Err(ReportRefusal::Forbidden);
    }
    let scope = jurisdiction.map(regions::prefix).unwrap_or("");
    if !regions::prefix(&region).starts_with(scope) {
        return Err(ReportRefusal::Forbidden);
    }
    Ok((year, region))
}

/// The report of `region` ("" = 全国) for `year`: a row per sub-region
/// (a province's cities, a city's counties; a county is its own row), the
/// rest of the region apart, and the total. `jurisdiction` decides whether
/// the region above is offered.
pub async fn build(
    db: &Db,
    year: i32,
    region: &str,
    jurisdiction: Option<&str>,
    today: Date,
) -> Result<crate::api::report::AnnualReport, sqlx::Error> {
    use super::regions;
    use crate::api::report::{AnnualReport, ReportRow};
    use crate::domain::annual_report::roll_up;
    let mut subs: Vec<(String, String)> = regions::children(region)
        .into_iter()
        .map(|r| (r.code.to_string(), r.name.to_string()))
        .collect();
    if subs.is_empty() {
        subs.push((region.to_string(), region_name(region)));
    }
    let prefixes: Vec<&str> = subs.iter().map(|(c, _)| regions::prefix(c)).collect();
    let counts = annual(db, regions::prefix(region), year).await?;
    let r = roll_up(&prefixes, &counts);
    let up = regions::get(region).and_then(|g| {
        let parent = g.parent.to_string();
        let scope = jurisdiction.map(regions::prefix).unwrap_or("");
        let allowed = match jurisdiction {
            None => true,
            Some(_) => !parent.is_empty() && regions::prefix(&parent).starts_with(scope),
        };
        allowed.then(|| {
            let name = region_name(&parent);
            (parent, name)
        })
    });
    Ok(AnnualReport {
        year,
        region_code: region.to_string(),
        region: region_name(region),
        rows: subs
            .into_iter()
            .zip(r.rows)
            .map(|((code, name), figures)| ReportRow {
                region_code: code,
                region: name,
                figures,
            })
            .collect(),
        other: (!r.other.is_zero()).then_some(r.other),
        total: r.total,
        up,
        this_year: today.year(),
    })
}

/// "全国", or the region's full name.
pub fn region_name(code: &str) -> String {
    if code.is_empty() {
        "全国".into()
    } else {
        super::regions::full_name(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_reads_its_own_report_only() {
        let today = Date::new(2026, 12, 3).unwrap();
        // Defaults: last year, the whole jurisdiction.
        assert_eq!(
            resolve(Some("320102"), 0, "", today),
            Ok((2025, "320102".into()))
        );
        assert_eq!(
            resolve(Some("320102"), 2026, "320102", today),
            Ok((2026, "320102".into()))
        );
        for other in ["320104", "320100", "320000", "110101"] {
            assert_eq!(
                resolve(Some("320102"), 2025, other, today),
                Err(ReportRefusal::Forbidden),
                "{other}"
            );
        }
        // A city reads its counties and itself, not its province.
        assert!(resolve(Some("320100"), 2025, "320104", today).is_ok());
        assert_eq!(
            resolve(Some("320100"), 2025, "320000", today),
            Err(ReportRefusal::Forbidden)
        );
        // Nationwide: administrators only.
        assert_eq!(resolve(None, 2025, "", today), Ok((2025, String::new())));
        assert_eq!(
            resolve(Some("320000"), 2025, "", today),
            Ok((2025, "320000".into()))
        );
        assert_eq!(
            resolve(Some("320000"), 2025, "999999", today),
            Err(ReportRefusal::Forbidden)
        );
        assert!(matches!(
            resolve(None, 2027, "", today),
            Err(ReportRefusal::Year(_))
        ));
    }

    #[test]
    fn a_year_runs_from_midnight_china_time() {
        let (start, end, first, last) = year_bounds(2026).unwrap();
        // 2026-01-01 00:00 +08:00 = 2025-12-31 16:00 UTC.
        assert_eq!(start, 1_767_196_800);
        assert_eq!(end - start, 365 * 86_400);
        assert_eq!(first.to_string(), "2026-01-01");
        assert_eq!(last.to_string(), "2026-12-31");
    }
}
