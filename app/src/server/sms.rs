//! The SMS gateway adapter.
//!
//! `Http` posts `{"mobile", "text"}` as JSON to the configured gateway with a
//! time-out; `Builtin` is for development and tests: it behaves like a
//! gateway (latency, and failures or time-outs on demand) and keeps the text
//! so the development page `/dev/sms` can show it. Production refuses to
//! start with the built-in gateway (see `Config`).
//!
//! Every message is recorded in `sms_messages` with its outcome, so a failure
//! is visible and the user can retry; nothing is silently lost.

use std::time::Duration;

use super::db::Db;
use super::external::{Builtin, Endpoint, ExternalError};
use crate::domain::Mobile;

/// Built-in gateway: mobiles ending in this fail as if the gateway refused them.
pub const BUILTIN_FAIL_SUFFIX: &str = "0000";
/// Built-in gateway: mobiles ending in this time out.
pub const BUILTIN_TIMEOUT_SUFFIX: &str = "0001";

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("the SMS gateway did not answer in time")]
    Timeout,
    #[error("the SMS gateway refused the message: {0}")]
    Refused(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The newest `limit` texts of the development outbox: mobile, text (only
/// the built-in gateway keeps it), status and time.
pub async fn outbox(
    db: &Db,
    limit: i64,
) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT mobile, COALESCE(body, ''), status, created_at FROM sms_messages ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.reader())
    .await
}

#[derive(Clone, Debug)]
pub enum Gateway {
    Builtin(Builtin),
    Http(Endpoint),
}

#[derive(serde::Deserialize)]
struct GatewayReply {
    ok: bool,
    #[serde(default)]
    error: Option<String>,
}

impl Gateway {
    pub fn builtin(timeout: Duration) -> Gateway {
        Gateway::Builtin(Builtin {
            latency: Duration::from_millis(30),
            timeout,
        })
    }

    pub fn http(url: String, token: Option<String>, timeout: Duration) -> Result<Gateway, String> {
        Endpoint::new(url, token, timeout).map(Gateway::Http)
    }

    pub fn is_builtin(&self) -> bool {
        matches!(self, Gateway::Builtin(_))
    }

    /// Records and delivers one message; returns its id in `sms_messages`.
    pub async fn send(
        &self,
        db: &Db,
        mobile: &Mobile,
        purpose: &str,
        text: &str,
        now: i64,
    ) -> Result<i64, SmsError> {
        // The text is kept only where it is needed (the development outbox).
        let body = self.is_builtin().then_some(text);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sms_messages (mobile, purpose, body, status, created_at) VALUES ($1, $2, $3, 'pending', $4) RETURNING id",
        )
        .bind(mobile.as_str())
        .bind(purpose)
        .bind(body)
        .bind(now)
        .fetch_one(db.writer())
        .await?;
        let outcome = self.deliver(mobile, text).await;
        let (status, error) = match &outcome {
            Ok(()) => ("sent", None),
            Err(e) => ("failed", Some(e.to_string())),
        };
        sqlx::query("UPDATE sms_messages SET status = $2, error = $3 WHERE id = $1")
            .bind(id)
            .bind(status)
            .bind(error)
            .execute(db.writer())
            .await?;
        if let Err(e) = &outcome {
            tracing::warn!(sms_id = id, mobile = %mobile.masked(), error = %e, "SMS not delivered");
        }
        outcome.map(|()| id)
    }

    async fn deliver(&self, mobile: &Mobile, text: &str) -> Result<(), SmsError> {
        match self {
            Gateway::Builtin(Builtin { latency, timeout }) => {
                if mobile.as_str().ends_with(BUILTIN_TIMEOUT_SUFFIX) {
                    tokio::time::sleep(*timeout).await;
                    return Err(SmsError::Timeout);
                }
                tokio::time::sleep(*latency).await;
                if mobile.as_str().ends_with(BUILTIN_FAIL_SUFFIX) {
                    return Err(SmsError::Refused("simulated gateway failure".into()));
                }
                Ok(())
            }
            Gateway::Http(endpoint) => {
                let body = serde_json::json!({ "mobile": mobile.as_str(), "text": text });
                let reply: GatewayReply = endpoint.post(&body).await.map_err(|e| match e {
                    ExternalError::Timeout => SmsError::Timeout,
                    ExternalError::Unavailable(m) => SmsError::Refused(m),
                })?;
                if reply.ok {
                    Ok(())
                } else {
                    Err(SmsError::Refused(
                        reply.error.unwrap_or_else(|| "rejected".into()),
                    ))
                }
            }
        }
    }
}
