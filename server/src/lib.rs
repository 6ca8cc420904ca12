//! The HTTP server: the Leptos app, its server functions and the operational
//! endpoints, behind logging, compression, security headers and one canonical
//! origin. `main.rs` only parses the command line.

mod exports;
mod files;

use std::sync::Arc;
use std::time::Duration;

use app::server::config::{Config, RegistryConfig, SmsConfig};
use app::server::db::Db;
use app::server::password::PasswordHasher;
use app::server::registry::Registry;
use app::server::sms::Gateway;
use app::server::AppState;
use app::{shell, App};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Opens the database (migrating it) and builds the shared state.
pub async fn build_state(
    config: Config,
    leptos_options: LeptosOptions,
) -> Result<AppState, String> {
    let db = Db::connect(&config.database_url).await.map_err(|e| {
        format!(
            "cannot open the database {}: {e}",
            app::server::config::redact_url(&config.database_url)
        )
    })?;
    let added = app::server::help::seed(&db, app::server::now())
        .await
        .map_err(|e| format!("cannot add the shipped help articles: {e}"))?;
    if added > 0 {
        tracing::info!(added, "help articles added from help/");
    }
    let year = app::server::today().year();
    if !app::server::calendar().covers(year) {
        tracing::warn!(
            year,
            "data/holidays.csv has no public holidays for this year: review deadlines count Monday to Friday only; add the State Council's schedule"
        );
    }
    let hasher = PasswordHasher::new(config.argon2)
        .map_err(|e| format!("invalid argon2 parameters: {e}"))?;
    let sms = match &config.sms {
        SmsConfig::Builtin => Gateway::builtin(Duration::from_secs(5)),
        SmsConfig::Http {
            url,
            token,
            timeout_ms,
        } => Gateway::http(
            url.clone(),
            token.clone(),
            Duration::from_millis(*timeout_ms),
        )?,
    };
    let registry = match &config.registry {
        RegistryConfig::Builtin { timeout_ms } => {
            Registry::builtin(Duration::from_millis(*timeout_ms))
        }
        RegistryConfig::Http {
            url,
            token,
            timeout_ms,
        } => Registry::http(
            url.clone(),
            token.clone(),
            Duration::from_millis(*timeout_ms),
        )?,
    };
    Ok(AppState {
        leptos_options,
        db,
        config: Arc::new(config),
        hasher,
        sms,
        registry,
    })
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.health().await {
        Ok(()) => (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Product rule 1: one canonical origin. A request for another host or port
/// (the national system's `:2443` problem) is sent to the configured one.
async fn canonical_host(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let canonical = state
        .config
        .public_base_url
        .split_once("://")
        .map(|(_, host)| host.to_string())
        .unwrap_or_default();
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if req.uri().path() == "/healthz" || host.is_empty() || host.eq_ignore_ascii_case(&canonical) {
        return next.run(req).await;
    }
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let target = format!("{}{}", state.config.public_base_url, path);
    match HeaderValue::from_str(&target) {
        Ok(v) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, v)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// Server functions answer every error with 500; give each its real status
/// (422 validation, 409 conflict, 429 throttled, …) so logs and monitoring
/// see real failures only. The browser decodes any 4xx/5xx the same way.
async fn server_fn_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res
            .headers()
            .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 256 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(err) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Every state-changing request must come from a page of this system: its
/// `Origin` (or, without one, its `Referer`) must be the configured origin.
/// This stops cross-site form posts (CSRF), login CSRF included, whatever the
/// cookie's SameSite attribute.
async fn same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use axum::http::Method;
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let base = state.config.public_base_url.clone();
    // Read before any await: a borrowed request would make the future !Send.
    let [origin, referer] = [header::ORIGIN, header::REFERER].map(|name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });
    let allowed = match &origin {
        Some(o) => *o == base,
        None => referer.is_some_and(|r| {
            r == base
                || r.strip_prefix(base.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        }),
    };
    if allowed {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), origin = ?origin, "cross-origin request refused");
    let err = app::error::AppError::Conflict {
        field: "form".into(),
        message: "请求不是从本系统的页面发出的,已拒绝。请打开本系统网址后直接在页面上操作。".into(),
    };
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&err).unwrap_or_default(),
    )
        .into_response()
}

fn header_layer(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        header::HeaderName::from_static(name),
        HeaderValue::from_static(value),
    )
}

/// The Content-Security-Policy of a response that brought none: what is not
/// a page (answers, assets) may run and embed nothing. A page carries the
/// shell's nonce policy in a `<meta>` tag as well as in its header (the
/// header has been seen missing on a first render), so here a page only
/// gets what a `<meta>` policy cannot say, and nothing that would block its
/// own nonce-bearing scripts.
async fn fallback_policy(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let policy = if html {
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    } else {
        "default-src 'none'; frame-ancestors 'none'"
    };
    res.headers_mut()
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(policy));
    res
}

/// Only the static assets may be kept by a browser or a proxy: pages and
/// answers carry personal data (a shared computer's back button or cache
/// must not show them to the next person).
async fn no_store(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let asset = path.starts_with("/pkg/") || path == "/favicon.svg";
    let mut res = next.run(req).await;
    if !asset {
        res.headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    res
}

/// `GET /messages/ID` marks the user's message read before the page
/// renders: the header's unread count, rendered alongside the message,
/// then already counts it (also without JavaScript, and with islands, where
/// the header is not updated in the browser).
async fn open_message_first(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let id = (req.method() == axum::http::Method::GET)
        .then(|| req.uri().path().strip_prefix("/messages/"))
        .flatten()
        .and_then(|id| id.parse::<i64>().ok());
    let Some(id) = id else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    let user =
        <files::CurrentUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(
            &mut parts, &state,
        )
        .await;
    if let Ok(files::CurrentUser(user)) = user {
        let now = app::server::now();
        if let Err(e) = app::server::messages::mark_read(&state.db, user.user_id, id, now).await {
            tracing::error!(error = %e, "marking a message read failed");
        }
    }
    next.run(Request::from_parts(parts, body)).await
}

/// The routes outside the server functions: uploads and downloads. The
/// authorisation matrix test reads this list, so none ships without a rule.
pub fn file_routes() -> Vec<(
    &'static str,
    &'static str,
    axum::routing::MethodRouter<AppState>,
)> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::post;
    vec![
        // Scans are bigger than any form: their own limit, added after the general one.
        (
            "POST",
            app::components::upload::SCAN_ROUTE,
            post(files::upload).layer(DefaultBodyLimit::max(files::BODY_LIMIT)),
        ),
        ("GET", "/files/{id}", get(files::download)),
        (
            "POST",
            "/files/phone-evidence",
            post(files::upload_evidence).layer(DefaultBodyLimit::max(files::BODY_LIMIT)),
        ),
        (
            "GET",
            "/files/phone-evidence/{id}",
            get(files::download_evidence),
        ),
        // Lists as CSV or Excel: /export/directory.csv?…, cases, expiring, audit, annual.
        ("GET", "/export/{file}", get(exports::export)),
    ]
}

/// The complete application router.
pub fn router(state: AppState) -> Router {
    // Route generation stops every resource of the process from loading
    // while it runs (a global flag in leptos), so a page rendered meanwhile
    // (by another router in the same process: the tests build many) would
    // wait forever. The route list is the same for every router: make it once.
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| generate_route_list(App)).clone();
    let production = state.config.is_production();
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            canonical_host,
        ))
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            open_message_first,
        ))
        .layer(RequestBodyLimitLayer::new(1024 * 1024));
    for (_, path, route) in file_routes() {
        router = router.route(path, route);
    }
    let mut router = router
        .layer(middleware::from_fn_with_state(state.clone(), same_origin))
        .layer(middleware::from_fn(no_store))
        .layer(header_layer("x-content-type-options", "nosniff"))
        .layer(header_layer("x-frame-options", "DENY"))
        .layer(header_layer("referrer-policy", "same-origin"))
        .layer(middleware::from_fn(fallback_policy))
        .layer(header_layer(
            "permissions-policy",
            "camera=(), microphone=(), geolocation=()",
        ));
    if production {
        router = router.layer(header_layer(
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        ));
    }
    router
        // An .xlsx is a zip already, and keeps its Content-Length (progress).
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                NotForContentType::const_new("application/vnd.openxmlformats"),
            )),
        )
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    // The path only: no query strings in logs.
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                ),
        )
        .with_state(state)
}

/// Every minute: puts due phone changes into effect (each exactly once,
/// also with several instances on one database). Every hour: deletes
/// registration drafts 7 days after their last change and scans no record
/// uses a day after upload, lapses 信息变更 nobody saved for 30 days, and
/// logs the audit chain's head. Runs until the
/// process stops.
pub fn spawn_background_jobs(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        for minute in 0u64.. {
            tick.tick().await;
            let now = app::server::now();
            match app::server::phone::apply_due(&state.db, &state.sms, now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "phone changes took effect"),
                Err(e) => tracing::error!(error = %e, "applying due phone changes failed"),
            }
            if minute % 60 != 0 {
                continue;
            }
            // Hourly: the clean-ups, and the head of the audit chain in the
            // log (kept elsewhere, it shows a rewrite of the whole chain).
            match app::server::files::purge_orphans(&state.db, &state.config.upload_dir, now).await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "unused uploads deleted"),
                Err(e) => tracing::error!(error = %e, "deleting unused uploads failed"),
            }
            match app::server::enterprise_info::lapse_stale_changes(&state.db, &state.sms, now)
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "untouched 信息变更 lapsed"),
                Err(e) => tracing::error!(error = ?e, "lapsing untouched changes failed"),
            }
            // Licence expiry reminders and the regulators' weekly digest
            // (each claimed in the database: exactly once across instances).
            match app::server::reminders::run(&state.db, &state.sms, app::server::today(), now)
                .await
            {
                Ok(r) if r == Default::default() => {}
                Ok(r) => tracing::info!(
                    reminders = r.reminders,
                    skipped = r.skipped,
                    digests = r.digests,
                    "licence expiry reminders sent"
                ),
                Err(e) => tracing::error!(error = %e, "sending licence expiry reminders failed"),
            }
            match app::server::registration::purge_drafts(&state.db, now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "expired registration drafts deleted"),
                Err(e) => tracing::error!(error = %e, "purging registration drafts failed"),
            }
            match app::server::kept_text::purge(&state.db, now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "day-old kept form texts deleted"),
                Err(e) => tracing::error!(error = %e, "purging kept form texts failed"),
            }
            match app::server::audit::head(&state.db).await {
                Ok(Some((id, hash))) => {
                    tracing::info!(last_id = id, head_hash = %hash, "audit chain head")
                }
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "reading the audit chain head failed"),
            }
        }
    });
}

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing open requests");
}
