//! 站内消息: every logged-in user reads, opens and marks their own messages.
//! A message of another user answers like one that does not exist.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::message::MessageKind;
use crate::error::AppError;

/// Messages per page.
pub const PER_PAGE: i64 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: i64,
    pub kind: Option<MessageKind>,
    pub title: String,
    pub body: String,
    /// A path of this site, or "".
    pub link: String,
    pub at: String,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageList {
    pub items: Vec<MessageView>,
    pub unread: i64,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::error::AppError;
    use crate::server::messages::Message;
    use crate::server::session::SessionUser;
    use crate::server::AppState;

    pub async fn user(state: &AppState) -> Result<SessionUser, AppError> {
        crate::api::auth::ssr::require_user(state).await
    }

    pub fn view(m: Message) -> super::MessageView {
        super::MessageView {
            id: m.id,
            kind: m.kind,
            title: m.title,
            body: m.body,
            link: m.link,
            at: crate::server::cst_datetime(m.created_at),
            read: m.read_at.is_some(),
        }
    }
}

/// One page (from 1) of the caller's messages, newest first.
#[server(endpoint = "messages/list", output = crate::api::TextJson)]
pub async fn list_messages(#[server(default)] page: i64) -> Result<MessageList, AppError> {
    use crate::server::{messages, AppState};
    let state = AppState::get()?;
    let user = ssr::user(&state).await?;
    let page = page.clamp(1, 100_000);
    let (items, total) =
        messages::list(&state.db, user.user_id, PER_PAGE, (page - 1) * PER_PAGE).await?;
    let unread = messages::unread(&state.db, user.user_id).await?;
    Ok(MessageList {
        items: items.into_iter().map(ssr::view).collect(),
        unread,
        total,
        page,
        pages: ((total + PER_PAGE - 1) / PER_PAGE).max(1),
    })
}

/// Opens one of the caller's messages and marks it read.
#[server(endpoint = "messages/open", output = crate::api::TextJson)]
pub async fn open_message(id: i64) -> Result<MessageView, AppError> {
    use crate::server::{messages, now, AppState};
    let state = AppState::get()?;
    let user = ssr::user(&state).await?;
    messages::open(&state.db, user.user_id, id, now())
        .await?
        .map(ssr::view)
        .ok_or(AppError::Forbidden)
}

/// 全部标为已读: marks all of the caller's messages read.
#[server(endpoint = "messages/read-all", output = crate::api::TextJson)]
pub async fn read_all_messages() -> Result<String, AppError> {
    use crate::server::{messages, now, AppState};
    let state = AppState::get()?;
    let user = ssr::user(&state).await?;
    let n = messages::mark_all_read(&state.db, user.user_id, now()).await?;
    Ok(if n == 0 {
        "没有未读消息。".into()
    } else {
        format!("已将 {n} 条消息标为已读。")
    })
}
