//! 信息维护's directory: the enterprises of the caller's jurisdiction.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    pub credit_code: String,
    pub name: String,
    pub region: String,
    pub status: DirectoryStatus,
    pub mode: String,
    pub next_expiry: Option<String>,
    pub expiry: Option<Expiry>,
    pub proposal_pending: bool,
    /// 一级 … 四级, 不构成, or "" when no storage units are filled in.
    pub hazard: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryPage {
    /// The regions one level below the jurisdiction, for the region filter.
    pub regions: Vec<(String, String)>,
    pub entries: Vec<DirectoryEntry>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// Enterprises that moved into or out of the jurisdiction (180 days).
    pub handovers: Vec<HandoverEntry>,
    /// With an expiry filter: how many licences expire by then (for their export).
    #[serde(default)]
    pub expiring_licences: Option<i64>,
}

/// A move of an enterprise between regions, for both bureaus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverEntry {
    pub at: String,
    pub credit_code: String,
    pub name: String,
    pub summary: String,
    /// Moved out: the enterprise is no longer this bureau's to open.
    pub outgoing: bool,
}

pub const PER_PAGE: i64 = 20;

/// 信息维护: the enterprises of the regulator's jurisdiction, filtered, one page.
#[server(endpoint = "info/directory", output = crate::api::TextJson)]
pub async fn info_directory(
    q: String,
    region: String,
    mode: String,
    status: String,
    expiring_days: String,
    #[server(default)] sort: String,
    #[server(default)] hazard: String,
    page: i64,
) -> Result<DirectoryPage, AppError> {
    use crate::domain::enterprise_info::expiry_state;
    use crate::server::enterprise_info::{directory, DirectoryQuery};
    use crate::server::{regions, today, AppState};
    let state = AppState::get()?;
    let (_, jurisdiction) = crate::api::auth::ssr::require_reviewer(&state).await?;
    let choices = regions::children(jurisdiction.prefix().unwrap_or(""))
        .into_iter()
        .map(|r| (r.code.to_string(), r.name.to_string()))
        .collect();
    let filter = DirectoryQuery {
        q,
        region,
        mode,
        status,
        expiring: expiring_days,
        sort,
        hazard,
    }
    .filter(jurisdiction.prefix(), today());
    // Bounded: a page number from the address bar never overflows the offset.
    let page = page.clamp(1, 100_000);
    let handovers = crate::server::enterprise_info::handovers(
        &state.db,
        &filter.scope,
        crate::server::now() - 180 * 86_400,
    )
    .await?
    .into_iter()
    .map(|h| HandoverEntry {
        at: crate::server::cst_datetime(h.at),
        credit_code: h.credit_code,
        name: h.name,
        summary: h.summary,
        outgoing: h.outgoing,
    })
    .collect();
    let (rows, total) = directory(&state.db, &filter, page, PER_PAGE)
        .await
        .map_err(ssr::error)?;
    let t = today();
    let expiring_licences = match crate::domain::Date::parse(&filter.expiring_by) {
        Some(by) => {
            let region = if filter.region.is_empty() {
                filter.scope.clone()
            } else {
                regions::prefix(&filter.region).to_string()
            };
            Some(crate::server::export::expiring_count(&state.db, &region, by).await?)
        }
        None => None,
    };
    Ok(DirectoryPage {
        expiring_licences,
        regions: choices,
        entries: rows
            .into_iter()
            .map(|r| DirectoryEntry {
                hazard: r.hazard_label(),
                region: regions::full_name(&r.region_code),
                status: r.status,
                mode: r.mode_label().to_string(),
                expiry: r
                    .next_expiry
                    .as_deref()
                    .and_then(crate::domain::Date::parse)
                    .map(|d| expiry_state(d, t)),
                next_expiry: r.next_expiry,
                proposal_pending: r.proposal_pending,
                credit_code: r.credit_code,
                name: r.name,
            })
            .collect(),
        total,
        page: page.max(1),
        pages: (total + PER_PAGE - 1) / PER_PAGE,
        handovers,
    })
}
