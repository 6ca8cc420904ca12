//! 信息维护's directory: the enterprises of a jurisdiction, filtered and
//! sorted, for the page and its export; and the moves between regions.

use super::InfoError;
use crate::domain::business_mode::BusinessMode;
use crate::domain::enterprise_info::{DirectoryStatus, FieldChange, StatusFilter};
use crate::server::db::{Backend, Db};
use crate::server::query::Where;

/// A move of an enterprise between regions.
#[derive(Debug, Clone)]
pub struct Handover {
    pub at: i64,
    pub credit_code: String,
    pub name: String,
    pub summary: String,
    pub outgoing: bool,
}

/// The moves since `since` into or out of the region prefix `scope`
/// ("" = everywhere), newest first, from the audit trail.
pub async fn handovers(db: &Db, scope: &str, since: i64) -> Result<Vec<Handover>, sqlx::Error> {
    let rows = sqlx::query_as::<_, (i64, String, String, String, String)>(
        "SELECT a.at, e.credit_code, e.name, a.summary, a.changes FROM audit_log a \
         JOIN enterprises e ON e.id = a.enterprise_id \
         WHERE a.action = 'info.handover' AND a.at >= $1 ORDER BY a.id DESC LIMIT 500",
    )
    .bind(since)
    .fetch_all(db.reader())
    .await?;
    let mut out = vec![];
    for (at, credit_code, name, summary, changes) in rows {
        let changes: Vec<FieldChange> = serde_json::from_str(&changes).unwrap_or_default();
        let Some(c) = changes.first() else { continue };
        let (from, to) = (c.before.starts_with(scope), c.after.starts_with(scope));
        if !from && !to {
            continue;
        }
        out.push(Handover {
            at,
            credit_code,
            name,
            summary,
            outgoing: from && !to,
        });
    }
    Ok(out)
}

/// Directory filters (all optional).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Region code prefix of the jurisdiction ("" = everything).
    pub scope: String,
    /// Name part, credit code or licence number.
    pub q: String,
    /// A narrower region (must lie in the scope).
    pub region: String,
    pub mode: Option<BusinessMode>,
    pub status: Option<StatusFilter>,
    /// Licences expiring on or before this date (YYYY-MM-DD).
    pub expiring_by: String,
    /// ... and on or after this one ("" = expired ones too).
    pub expiring_from: String,
    /// "expiry": the soonest licence expiry first; anything else: by name.
    pub sort: String,
    pub hazard: crate::domain::major_hazard::HazardFilter,
}

/// The directory's filters as the page's address has them
/// (`/maintenance?q=…&region=…&expiring=90`), for the page and its export.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct DirectoryQuery {
    pub q: String,
    pub region: String,
    pub mode: String,
    pub status: String,
    /// Licences expiring from today to this many days ahead (0–3650);
    /// -1: those expired already.
    pub expiring: String,
    pub sort: String,
    pub hazard: String,
}

impl DirectoryQuery {
    /// The filter for a caller whose jurisdiction is `jurisdiction` (a
    /// region code; None = everywhere): a narrower region only inside it.
    pub fn filter(&self, jurisdiction: Option<&str>, today: crate::domain::Date) -> Filter {
        use crate::server::regions;
        let scope = jurisdiction
            .map(|s| regions::prefix(s).to_string())
            .unwrap_or_default();
        let region = if self.region.len() == 6 && regions::prefix(&self.region).starts_with(&scope)
        {
            self.region.clone()
        } else {
            String::new()
        };
        let days = self
            .expiring
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (-1..=3650).contains(d));
        let expiring_by = days
            .map(|d| today.add_days(d).to_string())
            .unwrap_or_default();
        let expiring_from = match days {
            Some(d) if d >= 0 => today.to_string(),
            _ => String::new(),
        };
        Filter {
            scope,
            q: self.q.clone(),
            region,
            mode: BusinessMode::from_code(&self.mode),
            status: StatusFilter::from_code(&self.status),
            expiring_by,
            expiring_from,
            sort: self.sort.clone(),
            hazard: crate::domain::major_hazard::HazardFilter::from_code(&self.hazard),
        }
    }
}

#[derive(Debug, Clone)]
pub struct DirectoryRow {
    pub credit_code: String,
    pub name: String,
    pub region_code: String,
    pub status: DirectoryStatus,
    pub mode: String,
    pub next_expiry: Option<String>,
    pub proposal_pending: bool,
    /// See [`crate::domain::major_hazard::stored_code`].
    pub hazard_grade: Option<String>,
}

impl DirectoryRow {
    /// 一级 … 四级, 不构成, or "" when no storage units are filled in.
    pub fn hazard_label(&self) -> String {
        match self.hazard_grade.as_deref() {
            None => String::new(),
            Some("0") => "不构成".into(),
            Some(g) => crate::domain::major_hazard::Grade::from_code(g)
                .map(|x| x.label().to_string())
                .unwrap_or_default(),
        }
    }

    /// 经营方式 by name.
    pub fn mode_label(&self) -> &'static str {
        crate::domain::business_mode::BusinessMode::from_code(&self.mode)
            .map(|m| m.label())
            .unwrap_or_default()
    }
}

/// The directory's conditions: the page and the export share them. They
/// read the `directory` table (alias `d`, migration 0018): one row per
/// enterprise, kept in step by triggers, indexed by each scope level.
pub fn directory_where(backend: Backend, f: &Filter) -> Where {
    let mut w = Where::new();
    // Only enterprises with an active account.
    w.and("d.listed = 1");
    let region = if f.region.is_empty() {
        f.scope.clone()
    } else {
        crate::server::regions::prefix(&f.region).to_string()
    };
    w.scope("d", &region);
    let q = f.q.trim();
    if !q.is_empty() {
        use crate::server::search::{contains_any, Field};
        let code = crate::domain::normalize::normalize_code(q);
        let lic = crate::domain::LicenceNumber::parse(q).ok();
        // In the usual format ("苏(宁)危化经字〔2023〕000123"): a whole number.
        let whole_lic = lic
            .as_ref()
            .filter(|n| n.warning().is_none())
            .map(|n| n.as_str().to_string());
        let lic = lic.map(|n| n.as_str().to_string()).unwrap_or_default();
        let mut bind = |v: String| w.text(v);
        // A whole credit code or licence number: one indexed lookup. Letters
        // and digits: a piece of a credit code or of a licence number
        // (people type "009901" or the first digits). Otherwise a piece of
        // the name or of a licence number. Pieces are found through the
        // trigram indexes.
        let cond = if crate::domain::CreditCode::parse(q).is_ok()
            || (code.len() == 18 && lic.is_empty())
        {
            format!("d.credit_code = {}", bind(code))
        } else if let Some(number) = whole_lic {
            format!(
                "d.enterprise_id IN (SELECT enterprise_id FROM licences WHERE number = {})",
                bind(number)
            )
        } else if code.len() >= 4 && code.chars().all(|c| c.is_ascii_alphanumeric()) {
            let fields = [Field::CreditCode, Field::LicenceNumber];
            contains_any(backend, "d.enterprise_id", &fields, &code, &mut bind)
        } else if lic.contains("经字") {
            let fields = [Field::LicenceNumber];
            contains_any(backend, "d.enterprise_id", &fields, &lic, &mut bind)
        } else {
            let fields = [Field::Name, Field::LicenceNumber];
            contains_any(backend, "d.enterprise_id", &fields, q, &mut bind)
        };
        w.and(cond);
    }
    if let Some(mode) = f.mode {
        let m = w.text(mode.code());
        w.and(format!("d.business_mode = {m}"));
    }
    match f.status {
        None => {}
        Some(StatusFilter::Is(DirectoryStatus::Changing)) => w.and("d.changing = 1"),
        Some(StatusFilter::ProposalPending) => w.and(
            "d.enterprise_id IN (SELECT p.enterprise_id FROM change_proposals p WHERE p.status = 'pending')",
        ),
        Some(StatusFilter::Is(s)) => {
            let p = w.text(s.code());
            w.and(format!("d.status = {p}"));
        }
    }
    if !f.expiring_by.is_empty() {
        let p = w.text(f.expiring_by.clone());
        w.and(format!("d.expiry_key <= {p}"));
    }
    if !f.expiring_from.is_empty() {
        let p = w.text(f.expiring_from.clone());
        w.and(format!("d.expiry_key >= {p}"));
    }
    {
        use crate::domain::major_hazard::HazardFilter;
        match f.hazard {
            HazardFilter::Any => {}
            HazardFilter::Major => w.and("d.hazard_grade IN ('1', '2', '3', '4')"),
            HazardFilter::Grade(g) => {
                let p = w.text(g.code());
                w.and(format!("d.hazard_grade = {p}"));
            }
            HazardFilter::NotMajor => w.and("d.hazard_grade = '0'"),
            HazardFilter::NotComputed => w.and("d.hazard_grade IS NULL"),
        }
    }
    w
}

/// The directory's rows in the page's order, without a limit: read them
/// with [`directory_row`] (the export streams them).
pub fn directory_select(backend: Backend, f: &Filter) -> (String, Where) {
    let mut w = directory_where(backend, f);
    let q = f.q.trim();
    // Each order ends in the enterprise's id; the first two are those of
    // the table's indexes (enterprises without licences last by expiry).
    let ranking = if f.sort == "expiry" {
        "d.expiry_key, d.name, d.enterprise_id".to_string()
    } else if q.is_empty() {
        "d.name, d.enterprise_id".to_string()
    } else {
        // The exact code or name first, then those starting with the
        // query, then those containing it.
        use crate::server::search::prefix_pattern;
        let code = crate::domain::normalize::normalize_code(q);
        let (code_is, name_is) = (w.text(code.clone()), w.text(q));
        let (code_starts, name_starts) = (w.text(prefix_pattern(&code)), w.text(prefix_pattern(q)));
        format!(
            "CASE WHEN d.credit_code = {code_is} OR d.name = {name_is} THEN 0 \
             WHEN d.credit_code LIKE {code_starts} ESCAPE '\\' OR d.name LIKE {name_starts} ESCAPE '\\' THEN 1 ELSE 2 END, d.name, d.enterprise_id"
        )
    };
    let sql = format!(
        "SELECT d.credit_code, d.name, d.region_code, d.status, d.business_mode, d.next_expiry, \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM change_proposals p WHERE p.enterprise_id = d.enterprise_id AND p.status = 'pending') THEN 1 ELSE 0 END AS BIGINT) AS pending, \
         CAST(d.changing AS BIGINT) AS changing, d.hazard_grade \
         FROM directory d WHERE {} ORDER BY {ranking}",
        w.sql(),
    );
    (sql, w)
}

/// How many enterprises the directory lists under `f`.
pub async fn directory_count(db: &Db, f: &Filter) -> Result<i64, sqlx::Error> {
    let w = directory_where(db.backend(), f);
    let sql = format!("SELECT COUNT(*) FROM directory d WHERE {}", w.sql());
    w.bind_scalar(sqlx::query_scalar::<_, i64>(&sql))
        .fetch_one(db.reader())
        .await
}

/// A row of [`directory_select`] as stored.
#[derive(sqlx::FromRow)]
struct DirectoryLine {
    credit_code: String,
    name: String,
    region_code: String,
    status: String,
    business_mode: String,
    next_expiry: Option<String>,
    pending: i64,
    changing: i64,
    hazard_grade: Option<String>,
}

/// One row of [`directory_select`].
pub fn directory_row(r: &sqlx::any::AnyRow) -> Result<DirectoryRow, sqlx::Error> {
    let line = <DirectoryLine as sqlx::FromRow<_>>::from_row(r)?;
    let status = if line.changing != 0 {
        DirectoryStatus::Changing
    } else {
        DirectoryStatus::try_from(line.status).map_err(|e| sqlx::Error::Decode(e.into()))?
    };
    Ok(DirectoryRow {
        credit_code: line.credit_code,
        name: line.name,
        region_code: line.region_code,
        status,
        mode: line.business_mode,
        next_expiry: line.next_expiry,
        proposal_pending: line.pending != 0,
        hazard_grade: line.hazard_grade,
    })
}

/// One page of the directory, sorted by name, and the total count.
pub async fn directory(
    db: &Db,
    f: &Filter,
    page: i64,
    per_page: i64,
) -> Result<(Vec<DirectoryRow>, i64), InfoError> {
    let total = directory_count(db, f).await?;
    let (sql, w) = directory_select(db.backend(), f);
    let sql = format!(
        "{sql} LIMIT {per_page} OFFSET {}",
        (page.max(1) - 1).saturating_mul(per_page)
    );
    let rows = w.bind(sqlx::query(&sql)).fetch_all(db.reader()).await?;
    let list = rows
        .iter()
        .map(directory_row)
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((list, total))
}
