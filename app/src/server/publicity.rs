//! 许可公示 storage: the certificates issued (首次, 延期, 变更, 补证: every
//! issuance) and cancelled since a moment, per issuing authority, newest
//! first, a page at a time; and which organisations are issuing
//! authorities (they publish, and they write 通知公告).

use super::db::Db;
use super::licence_case::CertificateData;
use crate::domain::licence_case::CaseKind;

/// Whether organisation `o` issues licences: a city or county bureau (55号令
/// 第五条) whose own region is not routed to another organisation, or an
/// organisation a region is routed to (a 行政审批局, see `issuing_authorities`).
const ISSUER: &str = "(EXISTS (SELECT 1 FROM issuing_authorities a WHERE a.organization_id = o.id) \
     OR (o.level IN ('city', 'county') AND NOT EXISTS \
     (SELECT 1 FROM issuing_authorities a WHERE a.region_code = o.region_code AND a.organization_id <> o.id)))";

/// Whether the organisation is an issuing authority now.
pub async fn is_issuing_authority(db: &Db, organization_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM organizations o WHERE o.id = $1 AND {ISSUER}"
    ))
    .bind(organization_id)
    .fetch_one(db.reader())
    .await?;
    Ok(n > 0)
}

/// The issuing authorities, and any organisation that issued a certificate
/// here: (id, name), by region.
pub async fn issuers(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT o.id, o.name FROM organizations o WHERE {ISSUER} \
         OR EXISTS (SELECT 1 FROM certificates c WHERE c.issuer_org_id = o.id) \
         ORDER BY o.region_code, o.id"
    ))
    .fetch_all(db.reader())
    .await
}

/// One line of a 公示 list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub number: String,
    /// The case that issued (or, for a cancellation, first issued) the certificate.
    pub kind: Option<CaseKind>,
    pub issuer: String,
    /// When it was issued or cancelled (Unix seconds).
    pub at: i64,
    /// What the certificate printed (only its public items leave the server).
    pub data: CertificateData,
}

#[derive(sqlx::FromRow)]
struct PublishedRow {
    number: String,
    kind: String,
    issuer: String,
    at: i64,
    data: String,
}

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Every certificate issued since the moment.
    Granted,
    /// Every certificate cancelled (注销) since the moment.
    Cancelled,
}

/// One page of a list (`per_page` rows from `offset`) and the total.
pub async fn page(
    db: &Db,
    listing: Listing,
    since: i64,
    issuer: Option<i64>,
    per_page: i64,
    offset: i64,
) -> Result<(Vec<Published>, i64), sqlx::Error> {
    let (at, mut filter) = match listing {
        Listing::Granted => ("c.created_at", "c.created_at >= $1".to_string()),
        Listing::Cancelled => (
            "c.ended_at",
            "c.status = 'cancelled' AND c.ended_at >= $1".to_string(),
        ),
    };
    if issuer.is_some() {
        filter.push_str(" AND c.issuer_org_id = $2");
    }
    let count_sql = format!("SELECT COUNT(*) FROM certificates c WHERE {filter}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(since);
    if let Some(i) = issuer {
        count = count.bind(i);
    }
    let total = count.fetch_one(db.reader()).await?;
    let (limit, off) = if issuer.is_some() {
        ("$3", "$4")
    } else {
        ("$2", "$3")
    };
    let sql = format!(
        "SELECT c.number, k.kind, o.name AS issuer, {at} AS at, c.data \
         FROM certificates c JOIN licence_cases k ON k.id = c.case_id \
         JOIN organizations o ON o.id = c.issuer_org_id \
         WHERE {filter} ORDER BY {at} DESC, c.id DESC LIMIT {limit} OFFSET {off}"
    );
    let mut q = sqlx::query_as::<_, PublishedRow>(&sql).bind(since);
    if let Some(i) = issuer {
        q = q.bind(i);
    }
    let rows = q.bind(per_page).bind(offset).fetch_all(db.reader()).await?;
    let list = rows
        .into_iter()
        .map(|r| {
            Ok(Published {
                data: serde_json::from_str(&r.data)
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                kind: CaseKind::from_code(&r.kind),
                number: r.number,
                issuer: r.issuer,
                at: r.at,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((list, total))
}
