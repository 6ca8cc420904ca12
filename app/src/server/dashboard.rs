//! The regulator's dashboard: what waits in a region and how its
//! enterprises, licences and cases break down, each figure linking to the
//! list it counts. Every query is bounded by the region's code range, so a
//! county reads its own rows only.

use std::collections::BTreeMap;

use super::db::Db;
use super::query::Where;
use super::regions;
use crate::domain::business_mode::BusinessMode;
use crate::domain::calendar::Calendar;
use crate::domain::dashboard::{
    days_text, median, months_from, months_until, step_days, Bar, Chart, Dashboard, StepTime, Todo,
};
use crate::domain::enterprise_info::{DirectoryStatus, RecordStatus};
use crate::domain::licence_case::{CaseKind, Step};
use crate::domain::major_hazard::Grade;
use crate::domain::Date;

/// Days ahead of the expiry counts.
pub const EXPIRY_WINDOWS: [i64; 3] = [30, 90, 120];

/// The listed enterprises of the region in the `directory` table (`d`).
fn listed(prefix: &str) -> Where {
    let mut w = Where::new();
    w.and("d.listed = 1");
    w.scope("d", prefix);
    w
}

/// The conditions of a query over the region's enterprises (`e`).
fn scoped(prefix: &str) -> Where {
    let mut w = Where::new();
    w.region("e.region_code", prefix);
    w
}

/// The region condition of a query that starts from a short list of work
/// waiting (proposals, open cases; each indexed by its status): an
/// expression no index serves, so that neither
/// engine starts from the region's many enterprises instead (SQLite's
/// statistics cannot tell that a status is rare).
fn waiting_in(prefix: &str) -> Where {
    let mut w = Where::new();
    if !prefix.is_empty() {
        let p = w.text(prefix);
        w.and(format!(
            "substr(e.region_code, 1, {}) = {p}",
            prefix.chars().count()
        ));
    }
    w
}

/// The figures of 待办: what waits for the region's regulators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub registrations: i64,
    /// Registrations waiting longer than the one working day promised.
    pub registrations_late: i64,
    pub submissions: i64,
    pub proposals: i64,
    pub cases: Vec<(Step, i64)>,
    pub cases_overdue: i64,
    /// Licences expiring within each of [`EXPIRY_WINDOWS`] days.
    pub expiring: [i64; 3],
    pub expired: i64,
}

/// The 待办 counts of the region with code prefix `prefix` ("" = all).
pub async fn counts(
    db: &Db,
    prefix: &str,
    today: Date,
    now: i64,
    cal: &Calendar,
) -> Result<Counts, sqlx::Error> {
    // Registrations and records waiting: ranges of the region's codes in
    // the directory's (registering, region) and (status, region) indexes.
    let mut d = Where::new();
    d.region("d.region_code", prefix);
    let in_region = d.sql();
    let mut c = Counts::default();
    // One registration per enterprise; a subquery per row (not a join,
    // which PostgreSQL would answer by reading every pending account).
    let sql1 = format!(
        "SELECT (SELECT MIN(u.created_at) FROM users u WHERE u.enterprise_id = d.enterprise_id AND u.status = 'pending_review') \
         FROM directory d WHERE d.registering = 1 AND {in_region}"
    );
    let registered: Vec<i64> = d
        .bind_scalar(sqlx::query_scalar::<_, Option<i64>>(&sql1))
        .fetch_all(db.reader())
        .await?
        .into_iter()
        .flatten()
        .collect();
    c.registrations = registered.len() as i64;
    c.registrations_late = registered
        .iter()
        .filter(|&&at| now > cal.one_working_day_after(at))
        .count() as i64;
    let sql2 =
        format!("SELECT COUNT(*) FROM directory d WHERE d.status = 'submitted' AND {in_region}");
    c.submissions = d
        .bind_scalar(sqlx::query_scalar(&sql2))
        .fetch_one(db.reader())
        .await?;
    let w = waiting_in(prefix);
    let sql3 = format!(
        "SELECT COUNT(*) FROM change_proposals p JOIN enterprises e ON e.id = p.enterprise_id \
         WHERE p.status = 'pending' AND {}",
        w.sql()
    );
    c.proposals = w
        .bind_scalar(sqlx::query_scalar(&sql3))
        .fetch_one(db.reader())
        .await?;
    let mut w4 = waiting_in(prefix);
    let t = w4.text(today.to_string());
    let sql4 = format!(
        "SELECT c.step, COUNT(*), SUM(CASE WHEN c.deadline < {t} THEN 1 ELSE 0 END) \
         FROM licence_cases c JOIN enterprises e ON e.id = c.enterprise_id \
         WHERE c.step IN ('submitted', 'correction', 'accepted', 'approved') AND {} GROUP BY c.step",
        w4.sql()
    );
    let steps: Vec<(String, i64, Option<i64>)> = w4
        .bind_as(sqlx::query_as(&sql4))
        .fetch_all(db.reader())
        .await?;
    let mut by_step: BTreeMap<Step, i64> = BTreeMap::new();
    // The applicant's 补正 time is not the office's: not overdue here.
    for (step, count, overdue) in steps {
        if let Some(s) = Step::from_code(&step) {
            by_step.insert(s, count);
            if s != Step::Correction {
                c.cases_overdue += overdue.unwrap_or(0);
            }
        }
    }
    c.cases = Step::OPEN
        .iter()
        .map(|s| (*s, by_step.get(s).copied().unwrap_or(0)))
        .collect();
    // Over the directory's listed enterprises, as the lists these figures
    // open: a range of the scope's expiry index.
    let until = EXPIRY_WINDOWS.map(|d| today.add_days(d).to_string());
    let mut w5 = listed(prefix);
    let t = w5.text(today.to_string());
    let [a, b, until] = until.map(|d| w5.text(d));
    let sql5 = format!(
        "SELECT SUM(CASE WHEN d.expiry_key < {t} THEN 1 ELSE 0 END), \
         SUM(CASE WHEN d.expiry_key >= {t} AND d.expiry_key <= {a} THEN 1 ELSE 0 END), \
         SUM(CASE WHEN d.expiry_key >= {t} AND d.expiry_key <= {b} THEN 1 ELSE 0 END), \
         COUNT(*) \
         FROM directory d WHERE {} AND d.expiry_key <= {until}",
        w5.sql()
    );
    let (expired, within_a, within_b, all): (Option<i64>, Option<i64>, Option<i64>, i64) = w5
        .bind_as(sqlx::query_as(&sql5))
        .fetch_one(db.reader())
        .await?;
    c.expired = expired.unwrap_or(0);
    c.expiring = [
        within_a.unwrap_or(0),
        within_b.unwrap_or(0),
        all - c.expired,
    ];
    Ok(c)
}

/// One group of the jurisdiction's enterprises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The sub-region's code prefix.
    pub area: String,
    pub mode: String,
    /// none, draft, submitted or confirmed.
    pub status: String,
    /// See [`crate::domain::major_hazard::stored_code`].
    pub grade: Option<String>,
    /// Holds a licence not yet expired.
    pub licensed: bool,
    pub count: i64,
}

/// The region's enterprises (those with an active account, as in the
/// directory) grouped by sub-region (the first `area_len` digits of the
/// region code), 经营方式, status, grade and whether licensed: one pass.
pub async fn groups(
    db: &Db,
    prefix: &str,
    area_len: usize,
    today: Date,
) -> Result<Vec<Group>, sqlx::Error> {
    // Grouped in the order of the `directory_groups` index (a covering
    // range scan, no sort), by county; the counties are summed into
    // sub-regions here.
    let mut w = Where::new();
    w.and("d.listed = 1");
    w.region("d.region_code", prefix);
    let t = w.text(today.to_string());
    let sql = format!(
        "SELECT d.region_code, d.business_mode, d.status, d.hazard_grade, \
         SUM(CASE WHEN d.expiry_key >= {t} AND d.expiry_key < '{NO_EXPIRY}' THEN 1 ELSE 0 END), COUNT(*) \
         FROM directory d WHERE {} \
         GROUP BY d.region_code, d.business_mode, d.status, d.hazard_grade",
        w.sql()
    );
    let mut sums: BTreeMap<(String, String, String, Option<String>, bool), i64> = BTreeMap::new();
    type GroupRow = (String, String, String, Option<String>, Option<i64>, i64);
    let rows: Vec<GroupRow> = w
        .bind_as(sqlx::query_as(&sql))
        .fetch_all(db.reader())
        .await?;
    for (region, mode, status, grade, licensed, count) in rows {
        let area: String = region.chars().take(area_len).collect();
        let licensed = licensed.unwrap_or(0);
        for (flag, n) in [(true, licensed), (false, count - licensed)] {
            if n > 0 {
                let key = (
                    area.clone(),
                    mode.clone(),
                    status.clone(),
                    grade.clone(),
                    flag,
                );
                *sums.entry(key).or_default() += n;
            }
        }
    }
    Ok(sums
        .into_iter()
        .map(|((area, mode, status, grade, licensed), count)| Group {
            area,
            mode,
            status,
            grade,
            licensed,
            count,
        })
        .collect())
}

/// The `directory.expiry_key` of an enterprise without a licence.
const NO_EXPIRY: &str = "9999-12-31";

/// Licences expiring per month, from `from`'s month for `months` months.
async fn expiring_by_month(
    db: &Db,
    prefix: &str,
    from: Date,
    months: usize,
) -> Result<BTreeMap<String, i64>, sqlx::Error> {
    let end = from.add_months(months as i32);
    let mut w = listed(prefix);
    let first = w.text(from.to_string());
    let after = w.text(format!("{:04}-{:02}-01", end.year(), end.month()));
    let sql = format!(
        "SELECT substr(d.expiry_key, 1, 7), COUNT(*) FROM directory d \
         WHERE {} AND d.expiry_key >= {first} AND d.expiry_key < {after} GROUP BY substr(d.expiry_key, 1, 7)",
        w.sql()
    );
    let months: Vec<(String, i64)> = w
        .bind_as(sqlx::query_as(&sql))
        .fetch_all(db.reader())
        .await?;
    Ok(months.into_iter().collect())
}

/// The step events of the region's cases that moved since `since`: (case,
/// time, step entered).
async fn case_events(
    db: &Db,
    prefix: &str,
    since: i64,
) -> Result<Vec<(i64, i64, Step)>, sqlx::Error> {
    let mut w = scoped(prefix);
    let since = w.int(since);
    let sql = format!(
        "SELECT ev.case_id, ev.at, ev.step FROM licence_case_events ev \
         JOIN licence_cases c ON c.id = ev.case_id JOIN enterprises e ON e.id = c.enterprise_id \
         WHERE c.updated_at >= {since} AND {} ORDER BY ev.case_id, ev.id",
        w.sql()
    );
    let events: Vec<(i64, i64, String)> = w
        .bind_as(sqlx::query_as(&sql))
        .fetch_all(db.reader())
        .await?;
    Ok(events
        .into_iter()
        .filter_map(|(case, at, step)| Some((case, at, Step::from_code(&step)?)))
        .collect())
}

/// The month ("YYYY-MM", China Standard Time) of a Unix time.
fn month_of(at: i64) -> String {
    let d = Date::from_days_since_epoch((at + 8 * 3600).div_euclid(86_400));
    format!("{:04}-{:02}", d.year(), d.month())
}

fn grade_label(code: Option<&str>) -> &'static str {
    match code {
        None => "未填写储存单元",
        Some("0") => "不构成重大危险源",
        Some(c) => Grade::from_code(c).map(|g| g.label()).unwrap_or("未辨识"),
    }
}

/// The dashboard of `region` (a region code; "" = the whole country).
/// The caller has checked that the region lies in the viewer's jurisdiction;
/// `top` is the jurisdiction's own code (where the drill-up trail starts).
pub async fn dashboard(
    db: &Db,
    region: &str,
    top: &str,
    today: Date,
    now: i64,
    cal: &Calendar,
) -> Result<Dashboard, sqlx::Error> {
    let prefix = regions::prefix(region).to_string();
    // Lists are narrowed to a region below the jurisdiction only.
    let below = region.len() == 6 && region != top;
    let narrower = |extra: &str| -> String {
        if below {
            format!("{extra}&region={region}")
        } else {
            extra.to_string()
        }
    };
    let c = counts(db, &prefix, today, now, cal).await?;
    let mut todo = vec![
        Todo {
            label: "待审核的注册".into(),
            value: c.registrations,
            link: if below {
                format!("/review?region={region}")
            } else {
                "/review".into()
            },
            note: if c.registrations_late > 0 {
                format!("其中 {} 件已超过一个工作日的承诺时限", c.registrations_late)
            } else {
                String::new()
            },
            urgent: c.registrations_late > 0,
        },
        Todo {
            label: "待确认的企业信息".into(),
            value: c.submissions,
            link: format!("/maintenance?{}", narrower("status=submitted")),
            note: String::new(),
            urgent: false,
        },
        Todo {
            label: "待企业确认的修改申请".into(),
            value: c.proposals,
            link: format!("/maintenance?{}", narrower("status=proposal")),
            note: String::new(),
            urgent: false,
        },
    ];
    for (step, n) in &c.cases {
        todo.push(Todo {
            label: format!("许可案件·{}", step.label(CaseKind::New)),
            value: *n,
            link: format!("/cases?step={}", step.code()),
            note: String::new(),
            urgent: false,
        });
    }
    todo.push(Todo {
        label: "已超过法定时限的案件".into(),
        value: c.cases_overdue,
        link: "/cases?overdue=1".into(),
        note: "不含企业补正的时间".into(),
        urgent: c.cases_overdue > 0,
    });
    for (days, n) in EXPIRY_WINDOWS.iter().zip(c.expiring) {
        todo.push(Todo {
            label: format!("{days} 天内到期的许可证"),
            value: n,
            link: format!(
                "/maintenance?{}",
                narrower(&format!("expiring={days}&sort=expiry"))
            ),
            note: if *days == 90 {
                "延期申请应在到期前 3 个月提出".into()
            } else {
                String::new()
            },
            urgent: false,
        });
    }
    todo.push(Todo {
        label: "已过期的许可证(可办理注销)".into(),
        value: c.expired,
        link: format!("/maintenance?{}", narrower("expiring=-1&sort=expiry")),
        note: String::new(),
        urgent: c.expired > 0,
    });

    let children = regions::children(if region.is_empty() { "" } else { region });
    let area_len = children
        .first()
        .map(|r| regions::prefix(r.code).len())
        .unwrap_or(prefix.len());
    let groups = groups(db, &prefix, area_len, today).await?;
    let mut charts = vec![];
    if !children.is_empty() {
        let mut enterprises: BTreeMap<&str, i64> = BTreeMap::new();
        let mut licensed: BTreeMap<&str, i64> = BTreeMap::new();
        for g in &groups {
            *enterprises.entry(g.area.as_str()).or_default() += g.count;
            if g.licensed {
                *licensed.entry(g.area.as_str()).or_default() += g.count;
            }
        }
        let bars = |counts: &BTreeMap<&str, i64>| -> Vec<Bar> {
            children
                .iter()
                .map(|r| Bar {
                    label: r.name.to_string(),
                    value: counts.get(regions::prefix(r.code)).copied().unwrap_or(0),
                    link: format!("/dashboard?region={}", r.code),
                })
                .collect()
        };
        charts.push(Chart {
            id: "by-region".into(),
            title: "各地区企业数".into(),
            unit: "企业数".into(),
            bars: bars(&enterprises),
        });
        charts.push(Chart {
            id: "licensed-by-region".into(),
            title: "各地区持有有效许可证的企业数".into(),
            unit: "企业数".into(),
            bars: bars(&licensed),
        });
    }
    let tally = |key: &dyn Fn(&Group) -> String| -> BTreeMap<String, i64> {
        let mut m = BTreeMap::new();
        for g in &groups {
            *m.entry(key(g)).or_default() += g.count;
        }
        m
    };
    let modes = tally(&|g| g.mode.clone());
    let mut mode_bars: Vec<Bar> = BusinessMode::ALL
        .iter()
        .map(|m| Bar {
            label: m.label().into(),
            value: modes.get(m.code()).copied().unwrap_or(0),
            link: format!("/maintenance?{}", narrower(&format!("mode={}", m.code()))),
        })
        .collect();
    mode_bars.push(Bar {
        label: "尚未确定".into(),
        value: modes.get("").copied().unwrap_or(0),
        link: String::new(),
    });
    charts.push(Chart {
        id: "by-mode".into(),
        title: "按经营方式".into(),
        unit: "企业数".into(),
        bars: mode_bars,
    });
    let statuses = tally(&|g| g.status.clone());
    charts.push(Chart {
        id: "by-status".into(),
        title: "按企业信息状态".into(),
        unit: "企业数".into(),
        bars: [
            DirectoryStatus::Record(RecordStatus::Confirmed),
            DirectoryStatus::Record(RecordStatus::Submitted),
            DirectoryStatus::Record(RecordStatus::Draft),
            DirectoryStatus::NotFiled,
        ]
        .into_iter()
        .map(|s| Bar {
            label: s.label().into(),
            value: statuses.get(s.code()).copied().unwrap_or(0),
            link: format!("/maintenance?{}", narrower(&format!("status={}", s.code()))),
        })
        .collect(),
    });
    let grades = tally(&|g| g.grade.clone().unwrap_or_default());
    charts.push(Chart {
        id: "by-grade".into(),
        title: "按重大危险源级别".into(),
        unit: "企业数".into(),
        bars: ["1", "2", "3", "4", "0", ""]
            .iter()
            .map(|code| {
                let filter = match *code {
                    "" => "unknown",
                    "0" => "none",
                    c => c,
                };
                Bar {
                    label: grade_label((!code.is_empty()).then_some(*code)).into(),
                    value: grades.get(*code).copied().unwrap_or(0),
                    link: format!("/maintenance?{}", narrower(&format!("hazard={filter}"))),
                }
            })
            .collect(),
    });
    let months = months_from(today, 12);
    let expiring = expiring_by_month(db, &prefix, today, 12).await?;
    charts.push(Chart {
        id: "expiring-by-month".into(),
        title: "未来 12 个月每月到期的许可证".into(),
        unit: "许可证数".into(),
        bars: months
            .iter()
            .map(|m| Bar {
                label: m.clone(),
                value: expiring.get(m).copied().unwrap_or(0),
                link: String::new(),
            })
            .collect(),
    });
    let since = now - 400 * 86_400;
    let events = case_events(db, &prefix, since).await?;
    let past = months_until(today, 12);
    let mut decided: BTreeMap<String, i64> = BTreeMap::new();
    let mut last: BTreeMap<i64, (i64, Step)> = BTreeMap::new();
    for &(case, at, step) in &events {
        last.insert(case, (at, step));
    }
    for (at, step) in last.values() {
        if matches!(step, Step::Done | Step::Refused | Step::NotAccepted) {
            *decided.entry(month_of(*at)).or_default() += 1;
        }
    }
    charts.push(Chart {
        id: "decided-by-month".into(),
        title: "近 12 个月每月办结的许可案件".into(),
        unit: "案件数".into(),
        bars: past
            .iter()
            .map(|m| Bar {
                label: m.clone(),
                value: decided.get(m).copied().unwrap_or(0),
                link: String::new(),
            })
            .collect(),
    });
    let durations = step_days(&events);
    let steps = [
        Step::Submitted,
        Step::Correction,
        Step::Accepted,
        Step::Approved,
    ]
    .iter()
    .filter_map(|s| {
        let d = durations.get(s)?;
        Some(StepTime {
            step: s.label(CaseKind::New).into(),
            median: median(d).map(days_text).unwrap_or_default(),
            cases: d.len(),
        })
    })
    .collect();
    let mut trail = vec![];
    if top.is_empty() {
        trail.push((String::new(), "全国".to_string()));
    }
    for code in [
        format!("{}0000", region.get(..2).unwrap_or("")),
        format!("{}00", region.get(..4).unwrap_or("")),
        region.to_string(),
    ] {
        if code.len() == 6
            && regions::get(&code).is_some()
            && (top.is_empty() || regions::within(&code, top))
            && !trail.iter().any(|(c, _)| *c == code)
        {
            let name = regions::get(&code).map(|r| r.name).unwrap_or("");
            if name != "市辖区" {
                trail.push((code, name.to_string()));
            }
        }
    }
    Ok(Dashboard {
        region: region.to_string(),
        name: if region.is_empty() {
            "全国".into()
        } else {
            regions::full_name(region)
        },
        trail,
        today: today.to_string(),
        todo,
        charts,
        steps,
    })
}
