//! 监管统计: the dashboard of a regulator's jurisdiction (or a region in it).

use leptos::prelude::*;

use crate::domain::dashboard::Dashboard;

use crate::error::AppError;

/// The dashboard of `region` (a region code in the caller's jurisdiction;
/// "" = the jurisdiction itself). Regulators and administrators only.
#[server(endpoint = "dashboard", output = crate::api::TextJson)]
pub async fn load_dashboard(#[server(default)] region: String) -> Result<Dashboard, AppError> {
    use crate::server::{calendar, now, regions, today, AppState};
    let state = AppState::get()?;
    let (_, jurisdiction) = crate::api::auth::ssr::require_reviewer(&state).await?;
    let top = jurisdiction.into_prefix().unwrap_or_default();
    let region = region.trim();
    let region = if region.is_empty() || region == top {
        top.clone()
    } else if regions::get(region).is_some() && (top.is_empty() || regions::within(region, &top)) {
        region.to_string()
    } else {
        return Err(AppError::NotAllowed(
            "该地区不在您的辖区内,只能查看本辖区及下级地区的统计。".into(),
        ));
    };
    Ok(
        crate::server::dashboard::dashboard(&state.db, &region, &top, today(), now(), calendar())
            .await?,
    )
}
