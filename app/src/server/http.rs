//! Request details for server functions: cookies, client address, cookies to set.

use axum::http::{header, HeaderMap, HeaderValue};

use super::AppState;
use crate::error::AppError;

/// The request's headers.
pub async fn headers() -> Result<HeaderMap, AppError> {
    leptos_axum::extract().await.map_err(AppError::log)
}

/// The value of cookie `name`, if it is a 64-digit hex token.
pub fn token_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| *k == name && v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|(_, v)| v.to_string())
}

/// Adds a `Set-Cookie` for an HttpOnly, SameSite=Lax cookie (Secure in production).
/// `max_age` None makes a browser-session cookie; Some(0) deletes it.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) {
    let secure = if state.config.is_production() {
        "; Secure"
    } else {
        ""
    };
    let age = max_age
        .map(|a| format!("; Max-Age={a}"))
        .unwrap_or_default();
    let cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{age}{secure}");
    if let (Some(opts), Ok(v)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        opts.append_header(header::SET_COOKIE, v);
    }
}

/// The client's address (from the connection), or "unknown" (in-process tests).
pub async fn client_ip() -> String {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    match leptos_axum::extract::<ConnectInfo<SocketAddr>>().await {
        Ok(ConnectInfo(addr)) => addr.ip().to_string(),
        Err(_) => "unknown".to_string(),
    }
}
