//! HTTP endpoints for licence scans: the raw file as the request body
//! (`POST /files/licence-scan?name=…`), and `GET /files/{id}` for the
//! enterprise itself and the regulators of its jurisdiction.

use app::components::upload::UploadAnswer;
use app::error::AppError;
use app::server::guard;
use app::server::{files, http::token_cookie, now, session, AppState};
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

/// The largest request body the upload route accepts (the check itself says why).
pub const BODY_LIMIT: usize = files::MAX_BYTES + 1024 * 1024;

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(UploadAnswer::refused(message))).into_response()
}

/// The logged-in, set-up user of a file or export request; without one the
/// request is refused with 401 and what to do. What the user may then do is
/// decided by `app::server::guard`, as for the server functions.
pub struct CurrentUser(pub session::SessionUser);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let token = token_cookie(&parts.headers, app::api::auth::ssr::cookie_name(state));
        let user = match token {
            Some(t) => session::lookup(&state.db, &t, now())
                .await
                .unwrap_or_else(|e| {
                    tracing::error!(error = %e, "looking up a session failed");
                    None
                }),
            None => None,
        };
        user.filter(|u| u.ready()).map(CurrentUser).ok_or_else(|| {
            refuse(
                StatusCode::UNAUTHORIZED,
                "请先登录:登录已超时的,请在新窗口重新登录后再试(本页已填写的内容不会丢失)。",
            )
        })
    }
}

/// A guard's refusal as the JSON answer of a file route.
pub(crate) fn refuse_error(e: AppError, forbidden: &str) -> Response {
    match e {
        AppError::Unauthorized => refuse(StatusCode::UNAUTHORIZED, "请先登录。"),
        AppError::Forbidden => refuse(StatusCode::FORBIDDEN, forbidden),
        AppError::NotAllowed(m) => refuse(StatusCode::FORBIDDEN, &m),
        e => refuse(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &e.to_string(),
        ),
    }
}

#[derive(Deserialize)]
pub struct UploadQuery {
    #[serde(default)]
    name: String,
}

pub async fn upload(
    State(state): State<AppState>,
    Query(q): Query<UploadQuery>,
    CurrentUser(user): CurrentUser,
    body: Bytes,
) -> Response {
    if let Err(e) = guard::enterprise(&user) {
        return refuse_error(e, "只有企业用户可以上传许可证扫描件。");
    }
    if !user.role.is_some_and(|r| r.can_write()) {
        return refuse(StatusCode::FORBIDDEN, app::domain::team::READ_ONLY);
    }
    if let Err(m) = files::check(&body) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, &m);
    }
    match files::store(
        &state.db,
        &state.config.upload_dir,
        &user,
        &q.name,
        &body,
        now(),
    )
    .await
    {
        Ok(id) => Json(UploadAnswer::stored(
            id,
            files::display_name(&q.name),
            body.len(),
        ))
        .into_response(),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            refuse(StatusCode::CONFLICT, &e.to_string())
        }
        Err(e) => {
            tracing::error!(error = %e, "storing an upload failed");
            refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "系统暂时无法保存文件,请稍后重试。",
            )
        }
    }
}

/// The client's address for a plain route (see `http::client_ip`).
pub(crate) fn client_ip(
    state: &AppState,
    ext: &axum::http::Extensions,
    headers: &HeaderMap,
) -> String {
    use axum::extract::ConnectInfo;
    let peer = ext
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip());
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    app::server::http::client_address(peer, Some(&forwarded), &state.config.trusted_proxies)
}

/// The logged-in user of a file download and the address they came from,
/// for the audit row that says who looked.
pub struct Viewer {
    user: session::SessionUser,
    ip: String,
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        let ip = client_ip(state, &parts.extensions, &parts.headers);
        Ok(Viewer { user, ip })
    }
}

pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Viewer,
) -> Response {
    // Unknown and not-yours look the same.
    let stored = match files::find(&state.db, &id).await {
        Ok(Some(s)) => s,
        Ok(None) => return refuse(StatusCode::NOT_FOUND, "文件不存在。"),
        Err(e) => {
            tracing::error!(error = %e, "looking up an upload failed");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "系统暂时无法读取文件。");
        }
    };
    if !files::may_read(&state.db, &viewer.user, &stored)
        .await
        .unwrap_or(false)
    {
        return refuse(StatusCode::NOT_FOUND, "文件不存在。");
    }
    let what = format!("查看许可证扫描件 {}", stored.name);
    let file = (stored.kind, stored.name.as_str(), stored.enterprise_id);
    serve_file(&state, &viewer, &id, file, &what).await
}

/// A stored file (its kind, name and enterprise) as an inline download
/// that no browser caches or runs; once served, a row in the audit trail
/// of its enterprise says who looked at it (`what`).
async fn serve_file(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    (kind, name, enterprise_id): (files::Kind, &str, i64),
    what: &str,
) -> Response {
    let response = read_file(state, id, kind, name).await;
    if response.status().is_success() {
        let actor = app::server::audit::Actor::of(&viewer.user, viewer.ip.clone());
        app::server::audit::record(
            &state.db,
            app::server::audit::Entry {
                enterprise_id: Some(enterprise_id),
                ..app::server::audit::Entry::ok(&actor, "file.download", what, now())
            },
        )
        .await;
    }
    response
}

/// A stored file's bytes with the headers of `serve_file`.
async fn read_file(state: &AppState, id: &str, kind: files::Kind, name: &str) -> Response {
    match files::read(&state.config.upload_dir, id).await {
        Ok(bytes) => {
            let encoded = app::url::urlencode(name);
            (
                [
                    (header::CONTENT_TYPE, kind.content_type().to_string()),
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

#[derive(Deserialize)]
pub struct EvidenceQuery {
    #[serde(default)]
    r: String,
    #[serde(default)]
    document: String,
    #[serde(default)]
    name: String,
}

/// `POST /files/phone-evidence?r=…&document=…&name=…`: a document for a phone
/// change that waits for them. The requester's token is the only credential
/// (they cannot log in: that is why they ask).
pub async fn upload_evidence(
    State(state): State<AppState>,
    Query(q): Query<EvidenceQuery>,
    body: Bytes,
) -> Response {
    use app::domain::phone_change::EvidenceDocument;
    use app::server::phone::{self, EvidenceError};
    let Some(document) = EvidenceDocument::from_code(&q.document) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "请选择材料类型后再上传。");
    };
    let change = match phone::by_request_token(&state.db, &q.r).await {
        Ok(Some(c)) => c,
        Ok(None) => {
            return refuse(
                StatusCode::NOT_FOUND,
                "找不到这个更换申请,请使用短信中的完整链接。",
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "looking up a phone change failed");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "系统暂时无法保存文件,请稍后重试。",
            );
        }
    };
    match phone::add_evidence(
        &state.db,
        &state.config.upload_dir,
        &change,
        document,
        &q.name,
        &body,
        now(),
    )
    .await
    {
        Ok(e) => Json(UploadAnswer::stored(e.id, e.name, body.len())).into_response(),
        Err(EvidenceError::Invalid(m)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, &m),
        Err(EvidenceError::NotAwaited) => refuse(
            StatusCode::CONFLICT,
            "这个申请已提交审核或已结束,不能再上传材料。",
        ),
        Err(EvidenceError::TooMany) => refuse(
            StatusCode::CONFLICT,
            &format!(
                "每个申请最多上传{}个文件。请合并成 PDF 后再上传。",
                phone::MAX_EVIDENCE
            ),
        ),
        Err(EvidenceError::Io(e)) => {
            tracing::error!(error = %e, "storing phone-change evidence failed");
            refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "系统暂时无法保存文件,请稍后重试。",
            )
        }
        Err(EvidenceError::Db(e)) => {
            tracing::error!(error = %e, "storing phone-change evidence failed");
            refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "系统暂时无法保存文件,请稍后重试。",
            )
        }
    }
}

/// `GET /files/phone-evidence/{id}`: for the administrators and the
/// regulators of the enterprise's region, who review it.
pub async fn download_evidence(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Viewer,
) -> Response {
    let found = match app::server::phone::evidence_file(&state.db, &id).await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "looking up phone-change evidence failed");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "系统暂时无法读取文件。");
        }
    };
    let Some((kind, name, region, enterprise_id)) = found else {
        return refuse(StatusCode::NOT_FOUND, "文件不存在。");
    };
    // Reviewers only (the enterprise sent the evidence, it need not read it back).
    let allowed = guard::jurisdiction(&state.db, &viewer.user)
        .await
        .is_ok_and(|j| j.covers(&region));
    if !allowed {
        return refuse(StatusCode::NOT_FOUND, "文件不存在。");
    }
    let what = format!("查看更换手机号申请材料 {name}");
    let file = (kind, name.as_str(), enterprise_id);
    serve_file(&state, &viewer, &id, file, &what).await
}
