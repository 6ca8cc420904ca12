//! What every request handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::config::Config;
use super::db::Db;
use super::password::PasswordHasher;
use super::registry::Registry;
use super::sms::Gateway;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    pub hasher: PasswordHasher,
    pub sms: Gateway,
    pub registry: Registry,
}

impl AppState {
    /// The state provided to server functions by `leptos_routes`.
    pub fn get() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            crate::error::AppError::internal()
        })
    }
}
