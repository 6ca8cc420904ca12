//! 忘记密码: a code by SMS to the handler's phone, then a new password.
//!
//! After the code is sent the page moves to `?account=…&sent=1` (the credit
//! code is public), so the second step survives a reload and works without
//! JavaScript. After the reset the user lands on this system's login page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub const PURPOSE: &str = "reset_password";

/// The handler's phone, masked, where the code went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetDestination {
    pub account: String,
    pub mobile_masked: String,
    /// Whether this request sent a code (false: the last one is still valid
    /// and a new one may not be asked for yet).
    pub sent: bool,
    /// Seconds until another code may be asked for.
    pub retry_in: i64,
}

#[cfg(feature = "ssr")]
use crate::domain::account::ResetRequestField;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::domain::account::ResetRequestField;
    use crate::domain::{help::Faq, Message};
    use crate::domain::{CreditCode, FieldErrors, Mobile};
    use crate::error::AppError;
    use crate::server::{session, AppState};

    pub struct Target {
        pub user_id: i64,
        pub account: String,
        pub mobile: Mobile,
    }

    /// The enterprise user behind a typed credit code, with its handler's phone.
    pub async fn target(state: &AppState, account: &str) -> Result<Target, AppError> {
        let code = match CreditCode::parse(account) {
            Ok(c) => c.to_string(),
            Err(e) if e.manual_review_possible() => {
                crate::domain::normalize::normalize_code(account)
            }
            Err(e) => {
                let mut f = FieldErrors::new();
                f.add(ResetRequestField::Account, e.to_string());
                return Err(AppError::Validation(f));
            }
        };
        let no_account = || AppError::Conflict {
            field: ResetRequestField::Account.to_string(),
            message: Message::explained(
                format!(
                    "{}忘记密码只适用于已注册的企业账号。",
                    super::super::auth::NO_SUCH_ACCOUNT
                ),
                Faq::AccountNotFound,
            ),
        };
        let row = session::find_login(&state.db, false, &code)
            .await?
            .ok_or_else(no_account)?;
        let mobile = crate::server::account::mobile(&state.db, row.user_id).await?;
        let mobile =
            mobile
                .and_then(|m| Mobile::parse(&m).ok())
                .ok_or_else(|| AppError::Conflict {
                    field: ResetRequestField::Account.to_string(),
                    message: Message::explained(
                        format!(
                            "该账号没有可用的经办人手机号,无法通过短信找回。请拨打客服电话 {}。",
                            state.config.service_phone
                        ),
                        Faq::PhoneNoSms,
                    ),
                })?;
        Ok(Target {
            user_id: row.user_id,
            account: code,
            mobile,
        })
    }
}

/// Step 1: sends a code to the handler's phone.
#[server(endpoint = "recovery/send", output = crate::api::TextJson)]
pub async fn send_reset_code(account: String) -> Result<ResetDestination, AppError> {
    use leptos::server_fn::ServerFn as _;
    let result = send_reset_code_attempt(account.clone()).await;
    crate::server::http::keep_typed_after_error(
        SendResetCode::PATH,
        &result,
        &[(ResetRequestField::Account.name(), &account)],
    )
    .await;
    result
}

/// The body of [`send_reset_code`].
#[cfg(feature = "ssr")]
async fn send_reset_code_attempt(account: String) -> Result<ResetDestination, AppError> {
    use crate::server::{http, now, sms_code, AppState};
    let state = AppState::get()?;
    let ip = http::client_ip().await;
    if !sms_code::ip_allows(&state.db, &ip, now()).await? {
        return Err(sms_code::ip_limited());
    }
    let t = ssr::target(&state, &account).await?;
    let (sent, retry_in) = match sms_code::issue(
        &state.db,
        &state.sms,
        PURPOSE,
        &t.user_id.to_string(),
        &t.mobile,
        now(),
    )
    .await
    {
        Ok(()) => (true, sms_code::RESEND_SECS),
        // A code sent a moment ago is still valid: continue to step 2, and say so.
        Err(sms_code::IssueError::TooSoon(s)) => (false, s),
        Err(e) => {
            return Err(AppError::Conflict {
                field: ResetRequestField::Account.to_string(),
                message: sms_code::issue_message(&e, &state.config.service_phone),
            })
        }
    };
    leptos_axum::redirect(&format!(
        "{}/forgot-password?account={}&sent=1",
        state.config.public_base_url, t.account
    ));
    Ok(ResetDestination {
        account: t.account,
        mobile_masked: t.mobile.masked(),
        sent,
        retry_in,
    })
}

/// The masked phone of an account, for the page after a reload (no code is sent).
#[server(endpoint = "recovery/target", output = crate::api::TextJson)]
pub async fn reset_target(account: String) -> Result<ResetDestination, AppError> {
    let state = crate::server::AppState::get()?;
    let t = ssr::target(&state, &account).await?;
    Ok(ResetDestination {
        account: t.account,
        mobile_masked: t.mobile.masked(),
        sent: false,
        retry_in: 0,
    })
}

/// Step 2: checks the code and sets the new password; ends all sessions.
#[server(endpoint = "recovery/reset", output = crate::api::TextJson)]
pub async fn reset_password(
    account: String,
    code: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::domain::account::{ResetField, ResetInput};
    use crate::server::{now, session, sms_code, AppState};
    let state = AppState::get()?;
    let t = ssr::target(&state, &account).await?;
    let typed = ResetInput {
        code,
        password,
        password_confirm,
    };
    let (code, password) = typed.validate(&t.account)?;
    if let Err(e) = sms_code::verify(
        &state.db,
        PURPOSE,
        &t.user_id.to_string(),
        code.as_str(),
        now(),
    )
    .await?
    {
        return Err(AppError::Conflict {
            field: ResetField::Code.to_string(),
            message: sms_code::verify_message(&e),
        });
    }
    let hash = state
        .hasher
        .hash(password.expose().to_string())
        .await
        .map_err(AppError::log)?;
    let actor = crate::server::audit::Actor {
        user_id: t.user_id,
        name: format!("{} · 经办人(短信验证)", t.account),
        ip: crate::server::http::client_ip().await,
    };
    // A password the user chose: none to replace at the next login.
    crate::server::account::set_password(
        &state.db,
        &actor,
        t.user_id,
        &hash,
        false,
        "account.password_reset",
        "通过短信验证码重置密码,原有登录已全部退出",
        now(),
    )
    .await?;
    session::end_all(&state.db, t.user_id).await?;
    // The phone on file proved who this is: the login lock no longer applies.
    crate::server::limits::reset(&state.db, &session::login_key(false, &t.account)).await?;
    // The account goes along: the login form is filled in already.
    leptos_axum::redirect(&format!(
        "{}/login?reset=1&account={}",
        state.config.public_base_url,
        crate::url::urlencode(&t.account)
    ));
    Ok(())
}

/// Development only: the latest messages of the built-in gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub mobile: String,
    pub body: String,
    pub status: String,
    pub sent_at: String,
}

#[server(endpoint = "dev/sms", output = crate::api::TextJson)]
pub async fn dev_outbox() -> Result<Vec<OutboxMessage>, AppError> {
    let state = crate::server::AppState::get()?;
    if !dev_only(&state).await {
        return Err(AppError::Forbidden);
    }
    Ok(crate::server::sms::outbox(&state.db, 50)
        .await?
        .into_iter()
        .map(|(mobile, body, status, at)| OutboxMessage {
            mobile,
            body,
            status,
            sent_at: crate::server::cst_datetime(at),
        })
        .collect())
}

/// Development only, and only to this machine: what `/dev/sms` shows is secret.
#[cfg(feature = "ssr")]
async fn dev_only(state: &crate::server::AppState) -> bool {
    !state.config.is_production()
        && state.sms.is_builtin()
        && crate::server::http::from_loopback().await
}

/// Development only: the current second-factor code of the demo regulators
/// and administrator (their secret is `seed::DEMO_TOTP_SECRET`).
#[server(endpoint = "dev/totp", output = crate::api::TextJson)]
pub async fn dev_demo_totp() -> Result<String, AppError> {
    use crate::server::{now, seed::DEMO_TOTP_SECRET, totp};
    let state = crate::server::AppState::get()?;
    if !dev_only(&state).await {
        return Err(AppError::Forbidden);
    }
    totp::code_at(DEMO_TOTP_SECRET, now()).ok_or_else(AppError::internal)
}
