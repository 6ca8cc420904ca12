//! HTTP endpoints for licence scans: the raw file as the request body
//! (`POST /files/licence-scan?name=…`), and `GET /files/{id}` for the
//! enterprise itself and the regulators of its jurisdiction.

use app::server::{files, http::token_cookie, now, session, AppState};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

/// The largest request body the upload route accepts (the check itself says why).
pub const BODY_LIMIT: usize = files::MAX_BYTES + 1024 * 1024;

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

async fn user(state: &AppState, headers: &HeaderMap) -> Option<session::SessionUser> {
    let token = token_cookie(headers, app::api::auth::ssr::COOKIE)?;
    session::lookup(&state.db, &token, now())
        .await
        .ok()
        .flatten()
}

#[derive(Deserialize)]
pub struct UploadQuery {
    #[serde(default)]
    name: String,
}

pub async fn upload(
    State(state): State<AppState>,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(user) = user(&state, &headers).await else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "登录已超时,请在新窗口重新登录后再上传。",
        );
    };
    if user.kind != "enterprise" || user.enterprise_id.is_none() {
        return refuse(StatusCode::FORBIDDEN, "只有企业用户可以上传许可证扫描件。");
    }
    if let Err(m) = files::check(&body) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, &m);
    }
    match files::store(&state.db, &state.config.upload_dir, &user, &q.name, &body, now()).await {
        Ok(id) => Json(serde_json::json!({ "id": id, "name": files::display_name(&q.name), "size": body.len() })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "storing an upload failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "系统暂时无法保存文件,请稍后重试。")
        }
    }
}

pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(user) = user(&state, &headers).await else {
        return refuse(StatusCode::UNAUTHORIZED, "请先登录。");
    };
    // Unknown and not-yours look the same.
    let stored = match files::find(&state.db, &id).await {
        Ok(Some(s)) => s,
        Ok(None) => return refuse(StatusCode::NOT_FOUND, "文件不存在。"),
        Err(e) => {
            tracing::error!(error = %e, "looking up an upload failed");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "系统暂时无法读取文件。");
        }
    };
    if !files::may_read(&state.db, &user, &stored)
        .await
        .unwrap_or(false)
    {
        return refuse(StatusCode::NOT_FOUND, "文件不存在。");
    }
    match files::read(&state.config.upload_dir, &id) {
        Ok(bytes) => {
            let encoded = app::url::urlencode(&stored.name);
            (
                [
                    (header::CONTENT_TYPE, stored.kind.content_type().to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("inline; filename*=UTF-8''{encoded}"),
                    ),
                    (header::CACHE_CONTROL, "private, no-store".to_string()),
                    // A PDF viewer may not run scripts from it.
                    (
                        header::CONTENT_SECURITY_POLICY,
                        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
                            .to_string(),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "reading an upload failed");
            refuse(StatusCode::NOT_FOUND, "文件不存在。")
        }
    }
}
