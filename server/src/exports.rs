//! `GET /export/{list}.{csv|xlsx}`: the regulators' lists as files, with
//! the page's own query parameters (`/export/directory.csv?q=…&region=…`).
//! The same scope as the page: regulators and administrators, each on
//! their jurisdiction; the case inbox for the regulators of the issuing
//! organisation; an enterprise's audit trail only inside the jurisdiction.
//! Every export is a row in the audit trail. The rows are streamed (see
//! `app::server::export`).

use app::server::export::{self, Format, Producer, Sink};
use app::server::{now, regions, session, today, AppState};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// Every list's parameters, as its page's address has them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExportQuery {
    q: String,
    region: String,
    mode: String,
    status: String,
    expiring: String,
    sort: String,
    hazard: String,
    step: String,
    overdue: String,
    due: String,
    credit_code: String,
    year: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Directory,
    Cases,
    Expiring,
    Audit,
    Annual,
}

impl List {
    fn from_name(name: &str) -> Option<List> {
        Some(match name {
            "directory" => List::Directory,
            "cases" => List::Cases,
            "expiring" => List::Expiring,
            "audit" => List::Audit,
            "annual" => List::Annual,
            _ => return None,
        })
    }
}

/// What one export writes.
struct Job {
    /// The file's name before the date (Chinese) and its ASCII fallback.
    title: String,
    ascii: String,
    sheet: &'static str,
    columns: &'static [&'static str],
    /// The enterprise whose trail records the export.
    enterprise: Option<i64>,
    produce: Producer,
}

fn producer<F>(f: impl FnOnce(Sink) -> F + Send + 'static) -> Producer
where
    F: std::future::Future<Output = Result<(), export::ExportError>> + Send + 'static,
{
    Box::new(move |sink| Box::pin(f(sink)))
}

/// The days of an expiry filter (0–3650), if given.
fn days(s: &str) -> Option<i64> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (0..=3650).contains(d))
}

async fn job(
    state: &AppState,
    user: &session::SessionUser,
    jurisdiction: Option<&str>,
    list: List,
    q: ExportQuery,
) -> Result<Job, Response> {
    let t = today();
    let db = state.db.clone();
    let scope = jurisdiction.map(regions::prefix).unwrap_or("").to_string();
    let server_error = |e: sqlx::Error| {
        tracing::error!(error = %e, "preparing an export failed");
        refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "系统暂时无法导出,请稍后重试。",
        )
    };
    Ok(match list {
        List::Directory => {
            let f = app::server::enterprise_info::DirectoryQuery {
                q: q.q,
                region: q.region,
                mode: q.mode,
                status: q.status,
                expiring: q.expiring,
                sort: q.sort,
                hazard: q.hazard,
            }
            .filter(jurisdiction, t);
            Job {
                title: "企业名录".into(),
                ascii: "directory".into(),
                sheet: "企业名录",
                columns: export::DIRECTORY_COLUMNS,
                enterprise: None,
                produce: producer(
                    move |sink| async move { export::directory(&db, &f, &sink).await },
                ),
            }
        }
        List::Cases => {
            // The inbox is the issuing organisation's, as on the page.
            let org = app::server::guard::regulator_organization(user).map_err(|e| {
                crate::files::refuse_error(e, "只有发证机关的监管用户可以导出许可证案件。")
            })?;
            let filter = app::server::licence_case::InboxFilter {
                step: app::domain::licence_case::Step::from_code(&q.step),
                overdue: matches!(q.overdue.as_str(), "1" | "true" | "on"),
                due_within: days(&q.due).unwrap_or(0),
            };
            Job {
                title: "许可证案件".into(),
                ascii: "cases".into(),
                sheet: "许可证案件",
                columns: export::CASE_COLUMNS,
                enterprise: None,
                produce: producer(move |sink| async move {
                    export::cases(&db, org, &filter, t, &sink).await
                }),
            }
        }
        List::Expiring => {
            let within = days(&q.expiring).unwrap_or(90);
            // A narrower region only inside the jurisdiction.
            let region = if q.region.len() == 6 && regions::prefix(&q.region).starts_with(&scope) {
                regions::prefix(&q.region).to_string()
            } else {
                scope.clone()
            };
            let by = t.add_days(within);
            Job {
                title: format!("到期许可证-{within}天内"),
                ascii: "expiring".into(),
                sheet: "到期许可证",
                columns: export::EXPIRING_COLUMNS,
                enterprise: None,
                produce: producer(move |sink| async move {
                    export::expiring(&db, &region, by, t, &sink).await
                }),
            }
        }
        List::Audit => {
            let Some((id, name)) = export::enterprise_in_scope(&state.db, &q.credit_code, &scope)
                .await
                .map_err(server_error)?
            else {
                // Unknown and outside look the same.
                return Err(refuse(StatusCode::FORBIDDEN, "该企业不在您的辖区内。"));
            };
            let code = app::domain::normalize::normalize_code(&q.credit_code);
            Job {
                title: format!("变更记录-{name}"),
                ascii: format!("audit-{code}"),
                sheet: "变更记录",
                columns: export::TRAIL_COLUMNS,
                enterprise: Some(id),
                produce: producer(move |sink| async move { export::trail(&db, id, &sink).await }),
            }
        }
        List::Annual => {
            use app::server::report::{self, ReportRefusal};
            let year = q.year.trim().parse::<i32>().unwrap_or(0);
            let (year, region) =
                report::resolve(jurisdiction, year, &q.region, t).map_err(|e| match e {
                    ReportRefusal::Forbidden => {
                        refuse(StatusCode::FORBIDDEN, "该地区不在您的辖区内。")
                    }
                    ReportRefusal::Year(m) => refuse(StatusCode::UNPROCESSABLE_ENTITY, &m),
                })?;
            let r = report::build(&state.db, year, &region, jurisdiction, t)
                .await
                .map_err(server_error)?;
            let rows = export::report_rows(&r);
            Job {
                title: format!("年度报告-{}-{year}年", r.region.replace(' ', "")),
                ascii: format!("annual-report-{year}"),
                sheet: "年度报告",
                columns: export::report_columns(),
                enterprise: None,
                produce: producer(move |sink| async move {
                    for row in rows {
                        sink.send(row)
                            .await
                            .map_err(|_| export::ExportError::Closed)?;
                    }
                    Ok(())
                }),
            }
        }
    })
}

pub async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<ExportQuery>,
    ext: axum::http::Extensions,
    headers: HeaderMap,
    crate::files::CurrentUser(user): crate::files::CurrentUser,
) -> Response {
    let jurisdiction = match app::server::guard::jurisdiction(&state.db, &user).await {
        Ok(j) => j.into_prefix(),
        Err(e) => return crate::files::refuse_error(e, "只有监管部门可以导出清单。"),
    };
    let Some((list, format)) = file
        .rsplit_once('.')
        .and_then(|(l, e)| Some((List::from_name(l)?, Format::from_ext(e)?)))
    else {
        return refuse(StatusCode::NOT_FOUND, "没有这个导出。");
    };
    let job = match job(&state, &user, jurisdiction.as_deref(), list, q).await {
        Ok(j) => j,
        Err(r) => return r,
    };
    let Some(permit) = export::permit().await else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "正在导出的文件较多,请稍后再试。",
        );
    };
    let t = today();
    let name = export::file_name(&job.title, t, format);
    let fallback = export::file_name(&job.ascii, t, format);
    let disposition = export::content_disposition(&name, &fallback);
    // Who exported what: a row in the audit trail.
    let actor =
        app::server::audit::Actor::of(&user, crate::files::client_ip(&state, &ext, &headers));
    let summary = format!("导出{}({})", job.title, format.label());
    app::server::audit::record(
        &state.db,
        app::server::audit::Entry {
            enterprise_id: job.enterprise,
            ..app::server::audit::Entry::ok(&actor, "export.download", &summary, now())
        },
    )
    .await;
    let headers = [
        (header::CONTENT_TYPE, format.content_type().to_string()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CACHE_CONTROL, "private, no-store".to_string()),
    ];
    match format {
        Format::Csv => {
            let stream = export::csv_stream(job.columns, job.produce, Some(permit));
            (headers, Body::from_stream(stream)).into_response()
        }
        Format::Xlsx => {
            let built = export::xlsx_file(job.sheet, job.columns, job.produce).await;
            drop(permit);
            match built {
                Ok((file, len)) => {
                    let stream = futures::stream::unfold(Some(file), |f| async move {
                        use tokio::io::AsyncReadExt as _;
                        let mut f = f?;
                        let mut buf = vec![0u8; 64 * 1024];
                        match f.read(&mut buf).await {
                            Ok(0) => None,
                            Ok(n) => {
                                buf.truncate(n);
                                Some((Ok::<Bytes, std::io::Error>(Bytes::from(buf)), Some(f)))
                            }
                            Err(e) => Some((Err(e), None)),
                        }
                    });
                    // Fused: a body layer may poll once more after the end.
                    let stream = futures::StreamExt::fuse(stream);
                    let mut res = (headers, Body::from_stream(stream)).into_response();
                    res.headers_mut()
                        .insert(header::CONTENT_LENGTH, header::HeaderValue::from(len));
                    res
                }
                Err(export::ExportError::TooManyRows) => refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "行数超过 Excel 工作表的上限,请缩小范围或导出 CSV。",
                ),
                Err(e) => {
                    tracing::error!(error = %e, "an xlsx export failed");
                    refuse(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "系统暂时无法导出,请稍后重试。",
                    )
                }
            }
        }
    }
}
