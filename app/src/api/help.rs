//! 帮助中心: reading and searching articles (everyone, also without an
//! account: help matters most to people who cannot log in) and editing them
//! (administrators, with a preview, a version check and a history).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::help::Segment;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleLink {
    pub slug: String,
    pub title: String,
}

/// The centre's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpContents {
    pub manuals: Vec<ArticleLink>,
    pub faqs: Vec<ArticleLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleView {
    pub slug: String,
    /// 操作手册 or 常见问题.
    pub category: String,
    pub title: String,
    /// The Markdown source (for the editor).
    pub body: String,
    /// The rendered, sanitised HTML.
    pub html: String,
    pub version: i64,
    pub latest: i64,
    /// "2026-11-28 10:15 · 管理员" or "系统内置".
    pub edited: String,
    /// Whether the viewer may edit (an administrator).
    pub editable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub slug: String,
    pub category: String,
    pub title: Vec<Segment>,
    pub snippet: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub version: i64,
    pub edited: String,
}

pub fn category_label(category: &str) -> &'static str {
    if category == "manual" {
        "操作手册"
    } else {
        "常见问题"
    }
}

#[cfg(feature = "ssr")]
fn edited_text(at: i64, by: Option<String>) -> String {
    format!(
        "{} · {}",
        crate::server::cst_datetime(at),
        by.unwrap_or_else(|| "系统内置".to_string())
    )
}

#[cfg(feature = "ssr")]
async fn is_admin(state: &crate::server::AppState) -> Result<bool, AppError> {
    Ok(crate::api::auth::ssr::session_user(state)
        .await?
        .is_some_and(|u| u.kind == crate::domain::UserKind::Admin))
}

#[server(endpoint = "help/index", output = crate::api::TextJson)]
pub async fn help_index() -> Result<HelpContents, AppError> {
    let state = crate::server::AppState::get()?;
    let mut index = HelpContents {
        manuals: vec![],
        faqs: vec![],
    };
    for (slug, category, title) in crate::server::help::list(&state.db).await? {
        let link = ArticleLink { slug, title };
        if category == "manual" {
            index.manuals.push(link);
        } else {
            index.faqs.push(link);
        }
    }
    Ok(index)
}

/// The articles matching `q` (every term, as a substring), best first.
#[server(endpoint = "help/search", output = crate::api::TextJson)]
pub async fn search_help(q: String) -> Result<Vec<SearchHit>, AppError> {
    let state = crate::server::AppState::get()?;
    let terms = crate::domain::help::search_terms(&q);
    let hits = crate::server::help::search(&state.db, &terms).await?;
    Ok(hits
        .into_iter()
        .map(|h| SearchHit {
            slug: h.slug,
            category: h.category,
            title: h.title,
            snippet: h.snippet,
        })
        .collect())
}

/// An article (its current version, or `version`); `None` when there is none.
#[server(endpoint = "help/article", output = crate::api::TextJson)]
pub async fn help_article(
    slug: String,
    version: Option<i64>,
) -> Result<Option<ArticleView>, AppError> {
    use crate::server::help;
    let state = crate::server::AppState::get()?;
    let Some(a) = help::get(&state.db, &slug, version).await? else {
        return Ok(None);
    };
    Ok(Some(ArticleView {
        html: help::render_markdown(&a.body),
        category: category_label(&a.category).to_string(),
        edited: edited_text(a.edited_at, a.edited_by),
        editable: is_admin(&state).await?,
        slug: a.slug,
        title: a.title,
        body: a.body,
        version: a.version,
        latest: a.latest,
    }))
}

#[server(endpoint = "help/history", output = crate::api::TextJson)]
pub async fn help_history(slug: String) -> Result<Vec<VersionInfo>, AppError> {
    let state = crate::server::AppState::get()?;
    Ok(crate::server::help::history(&state.db, &slug)
        .await?
        .into_iter()
        .map(|(version, at, by)| VersionInfo {
            version,
            edited: edited_text(at, by),
        })
        .collect())
}

/// The HTML an edit would render to (administrators).
#[server(endpoint = "help/preview", output = crate::api::TextJson)]
pub async fn preview_help(body: String) -> Result<String, AppError> {
    let state = crate::server::AppState::get()?;
    crate::api::auth::ssr::require_admin(&state).await?;
    Ok(crate::server::help::render_markdown(&body))
}

/// Saves an edit made on version `base_version`; returns the new version.
/// When someone saved in between, nothing is overwritten: the answer is a
/// conflict at `body` saying who saved which version, and the editor keeps
/// the administrator's text.
#[server(endpoint = "help/save", output = crate::api::TextJson)]
pub async fn save_help(
    slug: String,
    title: String,
    body: String,
    base_version: i64,
) -> Result<i64, AppError> {
    use crate::domain::help::ArticleText;
    use crate::server::help::{self, SaveError};
    let state = crate::server::AppState::get()?;
    let user = crate::api::auth::ssr::require_admin(&state).await?;
    let text = ArticleText::parse(&title, &body).map_err(AppError::Validation)?;
    let actor = crate::server::audit::Actor::of(&user, crate::server::http::client_ip().await);
    match help::save(
        &state.db,
        &slug,
        &text,
        base_version,
        &actor,
        crate::server::now(),
    )
    .await
    {
        Ok(v) => {
            tracing::info!(slug, version = v, user = user.user_id, "help article saved");
            Ok(v)
        }
        Err(SaveError::NotFound) => Err(AppError::Conflict {
            field: crate::domain::normalize::TitledField::Title.to_string(),
            message: "这篇文章不存在,可能地址有误。请从帮助中心重新打开。".into(),
        }),
        Err(SaveError::Stale(now)) => Err(AppError::Conflict {
            field: crate::domain::normalize::TitledField::Body.to_string(),
            message: format!(
                "保存未成功:您编辑期间,{}保存了第{}版({})。您的内容仍在编辑框中,没有丢失;请参照下方的最新版本合并后再保存。",
                now.edited_by.as_deref().unwrap_or("其他管理员"),
                now.latest,
                crate::server::cst_datetime(now.edited_at),
            ).into(),
        }),
        Err(SaveError::Db(e)) => Err(e.into()),
    }
}
