//! The one error type of the server-function layer, compiled on both sides.
//!
//! It crosses the wire as JSON (also inside the `__err` query of a no-JS
//! form post), so every variant holds only what the user may see: field
//! messages, a conflict message, or an opaque error id. Internal causes are
//! logged on the server and never sent.

use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::help::Faq;
use crate::domain::{FieldErrors, Message};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One or more fields are wrong; each message belongs next to its field.
    #[error("请按提示修改标出的内容后再提交。")]
    Validation(FieldErrors),
    /// The request conflicts with stored data (e.g. 已被注册); shown at `field`.
    #[error("{message}")]
    Conflict { field: String, message: Message },
    #[error("登录已过期或尚未登录,请重新登录。")]
    Unauthorized,
    #[error("您没有权限进行此操作。")]
    Forbidden,
    /// Forbidden, saying why and what to do (a 查看员 who tries to submit).
    #[error("{0}")]
    NotAllowed(String),
    #[error("{0}")]
    RateLimited(Message),
    /// An unexpected failure; `id` is in the server log next to the cause.
    #[error("系统暂时无法完成操作,请稍后重试。如多次出现,请联系客服并提供错误编号 {id}。")]
    Internal { id: String },
    /// The request did not reach the server function or its answer was unreadable.
    #[error("网络或服务异常,您填写的内容仍保留在页面上,请稍后重试。({0})")]
    Transport(String),
}

/// The key a refusal because the page is out of date is said at (the
/// version the page was opened on; no form has an input for it).
pub const STALE: &str = "version";

impl AppError {
    /// The messages by field, for forms (empty for non-field errors).
    pub fn field_errors(&self) -> FieldErrors {
        match self {
            AppError::Validation(f) => f.clone(),
            AppError::Conflict { field, message } => {
                let mut f = FieldErrors::new();
                f.add(field, message.clone());
                f
            }
            _ => FieldErrors::new(),
        }
    }

    /// A refusal because the page is out of date: another acted first (or
    /// the same user in another window). Said at [`STALE`].
    pub fn stale(message: impl Into<Message>) -> AppError {
        AppError::conflict(STALE, message)
    }

    /// Whether this is a refusal because the page is out of date.
    pub fn is_stale(&self) -> bool {
        matches!(self, AppError::Conflict { field, .. } if field == STALE)
    }

    /// A refusal at `field`, saying why and what to do.
    pub fn conflict(field: impl std::fmt::Display, message: impl Into<Message>) -> AppError {
        AppError::Conflict {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// The error as a message for the top of a page or form, with the
    /// article that explains it when one does.
    pub fn message(&self) -> Message {
        match self {
            AppError::Conflict { message, .. } | AppError::RateLimited(message) => message.clone(),
            other => other.to_string().into(),
        }
    }

    /// The article that explains this error, if one does.
    pub fn help(&self) -> Option<Faq> {
        match self {
            AppError::Conflict { message, .. } | AppError::RateLimited(message) => message.help,
            _ => None,
        }
    }

    /// The HTTP status that says what kind of error this is (logs, clients).
    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation(_) => 422,
            AppError::Conflict { .. } => 409,
            AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::NotAllowed(_) => 403,
            AppError::RateLimited(_) => 429,
            AppError::Transport(_) => 400,
            AppError::Internal { .. } => 500,
        }
    }

    /// An internal error with a fresh id; log the cause with that id.
    #[cfg(feature = "ssr")]
    pub fn internal() -> AppError {
        let token = crate::server::random_token();
        AppError::Internal {
            id: token[..8].to_string(),
        }
    }

    /// Logs `cause` and turns it into an opaque internal error.
    #[cfg(feature = "ssr")]
    pub fn log(cause: impl std::fmt::Display) -> AppError {
        let err = AppError::internal();
        if let AppError::Internal { id } = &err {
            tracing::error!(error_id = %id, "{cause}");
        }
        err
    }
}

impl From<FieldErrors> for AppError {
    fn from(f: FieldErrors) -> Self {
        AppError::Validation(f)
    }
}

impl FromServerFnError for AppError {
    type Encoder = crate::api::TextJsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::log(e)
    }
}
