//! 年度报告 for regulators: a year's figures of their jurisdiction or of a
//! region inside it, per sub-region and rolled up.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::annual_report::Figures;
use crate::error::AppError;

/// One sub-region's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub region_code: String,
    pub region: String,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnualReport {
    pub year: i32,
    /// "" = 全国 (administrators).
    pub region_code: String,
    pub region: String,
    pub rows: Vec<ReportRow>,
    /// Enterprises registered with the region's own code, in no sub-region.
    pub other: Option<Figures>,
    /// The region: the sum of the rows (and `other`).
    pub total: Figures,
    /// The region above, when the caller may read it: (code, name).
    pub up: Option<(String, String)>,
    pub this_year: i32,
}

/// The annual report of `region` (default: the caller's jurisdiction) for
/// `year` (default: last year), for regulators and administrators.
#[server(endpoint = "report/annual", output = crate::api::TextJson)]
pub async fn get_annual_report(
    #[server(default)] year: i32,
    #[server(default)] region: String,
) -> Result<AnnualReport, AppError> {
    use crate::server::report::{self, ReportRefusal};
    use crate::server::{today, AppState};
    let state = AppState::get()?;
    let (_, jurisdiction) = crate::api::auth::ssr::require_reviewer(&state).await?;
    let (year, region) =
        report::resolve(jurisdiction.prefix(), year, &region, today()).map_err(|e| match e {
            ReportRefusal::Forbidden => AppError::Forbidden,
            ReportRefusal::Year(message) => AppError::Conflict {
                field: "year".into(),
                message: message.into(),
            },
        })?;
    Ok(report::build(&state.db, year, &region, jurisdiction.prefix(), today()).await?)
}
