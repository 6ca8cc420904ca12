//! Site-wide information shown on every page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteContact {
    pub service_phone: String,
    pub service_hours: String,
}

#[server(endpoint = "site_info", output = crate::api::TextJson)]
pub async fn site_info() -> Result<SiteContact, AppError> {
    let state = crate::server::AppState::get()?;
    Ok(SiteContact {
        service_phone: state.config.service_phone.clone(),
        service_hours: state.config.service_hours.clone(),
    })
}

use crate::domain::region::RegionLists;

/// The picker's lists for `code` (empty: the provinces only).
#[server(endpoint = "region-choices", output = crate::api::TextJson)]
pub async fn region_choices(code: String) -> Result<RegionLists, AppError> {
    Ok(crate::server::regions::choices(code.trim()))
}

/// The provinces (`parent` empty) or the children of a province or city, as (code, name).
#[server(endpoint = "regions", output = crate::api::TextJson)]
pub async fn regions(parent: String) -> Result<Vec<(String, String)>, AppError> {
    Ok(crate::server::regions::children(&parent)
        .into_iter()
        .map(|r| (r.code.to_string(), r.name.to_string()))
        .collect())
}
