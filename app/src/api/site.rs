//! Site-wide information shown on every page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteContact {
    pub service_phone: String,
    pub service_hours: String,
}

#[server(endpoint = "site_info")]
pub async fn site_info() -> Result<SiteContact, AppError> {
    let state = crate::server::AppState::get()?;
    Ok(SiteContact {
        service_phone: state.config.service_phone.clone(),
        service_hours: state.config.service_hours.clone(),
    })
}
