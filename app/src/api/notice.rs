//! 通知公告: anyone reads the board; administrators and issuing
//! authorities (regulators of an organisation that issues licences) write,
//! edit, pin and withdraw notices. An issuing authority changes only its
//! own notices, an administrator every one. Bodies are Markdown, rendered
//! and sanitised exactly like the help centre's articles.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Notices per page of the board.
pub const NOTICES_PER_PAGE: i64 = 20;

/// One line of the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeSummary {
    pub id: i64,
    pub title: String,
    /// The publishing authority, or 系统管理员.
    pub publisher: String,
    /// 发布日期 (YYYY-MM-DD).
    pub published_on: String,
    pub pinned: bool,
    /// Withdrawn: only its writers see it.
    pub withdrawn: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeList {
    pub items: Vec<NoticeSummary>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// The viewer may publish notices (新建公告).
    pub can_write: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeView {
    pub id: i64,
    pub title: String,
    /// The Markdown source (for the editor).
    pub body: String,
    /// The rendered, sanitised HTML.
    pub html: String,
    pub publisher: String,
    /// "YYYY-MM-DD HH:MM".
    pub published_at: String,
    pub updated_at: String,
    pub pinned: bool,
    pub withdrawn: bool,
    pub version: i64,
    /// The viewer may edit, pin and withdraw it.
    pub editable: bool,
}

/// Who publishes a notice an administrator wrote.
pub const ADMIN_PUBLISHER: &str = "系统管理员";

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::server::notice::{Notice, NoticeError, Writer};
    use crate::server::session::SessionUser;
    use crate::server::{cst_datetime, AppState};

    /// The logged-in user's right to write notices, if any (anonymous: none).
    pub async fn viewer(
        state: &AppState,
    ) -> Result<(Option<SessionUser>, Option<Writer>), AppError> {
        let Some(user) = crate::api::auth::ssr::session_user(state).await? else {
            return Ok((None, None));
        };
        let writer = match (user.kind, user.organization_id) {
            (crate::domain::UserKind::Admin, _) => Some(Writer::Admin),
            (crate::domain::UserKind::Regulator, Some(org))
                if crate::server::publicity::is_issuing_authority(&state.db, org).await? =>
            {
                Some(Writer::Authority(org))
            }
            _ => None,
        };
        Ok((Some(user), writer))
    }

    /// An administrator or a regulator of an issuing authority.
    pub async fn writer(state: &AppState) -> Result<(SessionUser, Writer), AppError> {
        match viewer(state).await? {
            (None, _) => Err(AppError::Unauthorized),
            (Some(u), Some(w)) => Ok((u, w)),
            (Some(u), None) if u.kind == crate::domain::UserKind::Regulator => {
                Err(AppError::NotAllowed(
                    "通知公告由系统管理员和发证机关发布;您所在的单位不是发证机关。".into(),
                ))
            }
            (Some(_), None) => Err(AppError::Forbidden),
        }
    }

    pub fn publisher(n: &Notice) -> String {
        if n.organization_id.is_none() {
            ADMIN_PUBLISHER.to_string()
        } else {
            n.publisher.clone()
        }
    }

    pub fn view(n: Notice, writer: Option<Writer>) -> NoticeView {
        let editable = match writer {
            Some(Writer::Admin) => true,
            Some(Writer::Authority(org)) => n.organization_id == Some(org),
            None => false,
        };
        NoticeView {
            // The help centre's renderer: raw HTML shown as text, unsafe
            // links and images dropped, then the allow-list sanitiser.
            html: crate::server::help::render_markdown(&n.body),
            publisher: publisher(&n),
            published_at: cst_datetime(n.published_at),
            updated_at: cst_datetime(n.updated_at),
            pinned: n.pinned,
            withdrawn: n.status == crate::domain::notice::NoticeStatus::Withdrawn,
            id: n.id,
            title: n.title,
            body: if editable { n.body } else { String::new() },
            version: n.version,
            editable,
        }
    }

    pub fn error(e: NoticeError) -> AppError {
        match e {
            NoticeError::NotFound => AppError::Conflict {
                field: crate::domain::normalize::TitledField::Title.to_string(),
                message: "这条公告不存在,可能地址有误。请从通知公告列表重新打开。".into(),
            },
            NoticeError::NotYours => AppError::NotAllowed(
                "这条公告由其他单位发布,只有发布单位和系统管理员可以修改。".into(),
            ),
            NoticeError::Stale(now) => AppError::Conflict {
                field: crate::domain::normalize::TitledField::Body.to_string(),
                message: format!(
                    "保存未成功:您打开这条公告之后,{}于 {} 修改了它。您填写的内容仍在页面上,没有丢失;请参照最新内容合并后再保存。",
                    now.updated_by.as_deref().unwrap_or("其他人"),
                    cst_datetime(now.updated_at),
                ).into(),
            },
            NoticeError::Refused(message) => AppError::Conflict {
                field: "action".into(),
                message: message.into(),
            },
            NoticeError::Db(e) => e.into(),
        }
    }
}

/// The board, one page: published notices (and, for a writer, the withdrawn
/// ones they may change), pinned first, newest first.
#[server(endpoint = "notices/list", output = crate::api::TextJson)]
pub async fn list_notices(#[server(default)] page: i64) -> Result<NoticeList, AppError> {
    use crate::server::{notice, AppState};
    let state = AppState::get()?;
    let (_, writer) = ssr::viewer(&state).await?;
    let page = page.clamp(1, 100_000);
    let (rows, total) = notice::list(
        &state.db,
        writer,
        NOTICES_PER_PAGE,
        (page - 1) * NOTICES_PER_PAGE,
    )
    .await?;
    Ok(NoticeList {
        items: rows
            .into_iter()
            .map(|n| NoticeSummary {
                publisher: ssr::publisher(&n),
                published_on: crate::server::cst_datetime(n.published_at)
                    .chars()
                    .take(10)
                    .collect(),
                withdrawn: n.status == crate::domain::notice::NoticeStatus::Withdrawn,
                id: n.id,
                title: n.title,
                pinned: n.pinned,
            })
            .collect(),
        total,
        page,
        pages: ((total + NOTICES_PER_PAGE - 1) / NOTICES_PER_PAGE).max(1),
        can_write: writer.is_some(),
    })
}

/// A notice; `None` when there is none (or it was withdrawn and the viewer
/// is not one of its writers).
#[server(endpoint = "notices/get", output = crate::api::TextJson)]
pub async fn get_notice(id: i64) -> Result<Option<NoticeView>, AppError> {
    use crate::server::{notice, AppState};
    let state = AppState::get()?;
    let (_, writer) = ssr::viewer(&state).await?;
    Ok(notice::get(&state.db, id, writer)
        .await?
        .map(|n| ssr::view(n, writer)))
}

/// The HTML a notice body would render to (writers).
#[server(endpoint = "notices/preview", output = crate::api::TextJson)]
pub async fn preview_notice(body: String) -> Result<String, AppError> {
    let state = crate::server::AppState::get()?;
    ssr::writer(&state).await?;
    Ok(crate::server::help::render_markdown(&body))
}

/// After a save, the notice's page says so: the editor goes there, and a
/// plain post (no JavaScript) is sent there.
#[cfg(feature = "ssr")]
fn saved(id: i64) {
    crate::server::http::flash("公告已保存。");
    crate::server::http::plain_post_goes_to(&format!("/notices/{id}"));
}

/// Publishes a new notice (`id` 0) or saves an edit of notice `id` made on
/// `base_version`; returns the notice's id. When someone saved in between,
/// nothing is overwritten: the answer is a conflict at `body` saying who
/// saved when, and the editor keeps the writer's text.
#[server(endpoint = "notices/save", output = crate::api::TextJson)]
pub async fn save_notice(
    #[server(default)] id: i64,
    title: String,
    body: String,
    #[server(default)] base_version: i64,
) -> Result<i64, AppError> {
    use crate::domain::notice::NoticeText;
    use crate::server::{notice, now, AppState};
    let state = AppState::get()?;
    let (user, writer) = ssr::writer(&state).await?;
    let text = NoticeText::parse(&title, &body).map_err(AppError::Validation)?;
    let actor = crate::api::enterprise_info::ssr::actor(&user).await;
    if id == 0 {
        let id = notice::create(&state.db, writer, &text, &actor, now())
            .await
            .map_err(ssr::error)?;
        tracing::info!(notice = id, user = user.user_id, "notice published");
        saved(id);
        return Ok(id);
    }
    notice::save(&state.db, id, base_version, writer, &text, &actor, now())
        .await
        .map_err(ssr::error)?;
    tracing::info!(notice = id, user = user.user_id, "notice saved");
    saved(id);
    Ok(id)
}

/// 置顶, 取消置顶, 撤回 or 重新发布 a notice (from `base_version`); says what was done.
#[server(endpoint = "notices/act", output = crate::api::TextJson)]
pub async fn act_on_notice(
    id: i64,
    action: String,
    #[server(default)] base_version: i64,
) -> Result<String, AppError> {
    use crate::domain::notice::NoticeAction;
    use crate::server::{notice, now, AppState};
    let state = AppState::get()?;
    let (user, writer) = ssr::writer(&state).await?;
    let Some(action) = NoticeAction::from_code(&action) else {
        return Err(AppError::Conflict {
            field: "action".into(),
            message: "请选择置顶、取消置顶、撤回或重新发布。".into(),
        });
    };
    let actor = crate::api::enterprise_info::ssr::actor(&user).await;
    notice::act(&state.db, id, base_version, writer, action, &actor, now())
        .await
        .map_err(ssr::error)?;
    // The notice page's buttons are plain posts: the page they come back
    // to says what was done.
    Ok(crate::server::http::confirm(format!(
        "公告{}。",
        action.done()
    )))
}
