//! 修改密码 and the account's own security events, for every user.
//!
//! The current password is required (and counted against the account's
//! login limit, so this form is no way around it); every other session ends.
//! A user whose password an administrator chose must come here first and
//! set one only they know.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    // Both forms that ask for the current password name it so.
    use crate::domain::account::ChangePasswordField;
    use crate::error::AppError;
    use crate::server::session::{self, SessionUser};
    use crate::server::{account, limits, now, AppState};

    /// Checks the user's current password, counted against the account's
    /// login limit (so these forms are no way around it).
    pub async fn check_password(
        state: &AppState,
        user: &SessionUser,
        current: String,
    ) -> Result<(), AppError> {
        let (stored, login) = account::password_hash(&state.db, user.user_id)
            .await?
            .ok_or(AppError::Unauthorized)?;
        let key = session::login_key(user.kind != crate::domain::UserKind::Enterprise, &login);
        if limits::hit(&state.db, &key, session::LOGIN_FAILURES, now())
            .await?
            .is_err()
        {
            return Err(AppError::Conflict {
                field: ChangePasswordField::Current.to_string(),
                message: "当前密码已连续输错多次,请15分钟后再试;忘记密码请退出后点击“忘记密码”。"
                    .into(),
            });
        }
        if !state
            .hasher
            .verify(current, stored)
            .await
            .map_err(AppError::log)?
        {
            return Err(AppError::Conflict {
                field: ChangePasswordField::Current.to_string(),
                message: "当前密码不正确。".into(),
            });
        }
        limits::reset(&state.db, &key).await?;
        Ok(())
    }
}

/// A security event of one's own account, as its holder sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityEventView {
    pub at: String,
    pub actor: String,
    pub summary: String,
}

/// The account's security events since the previous login (for the
/// workspace notice) or of the last 90 days (`recent`).
#[server(endpoint = "account/events", output = crate::api::TextJson)]
pub async fn security_events(
    #[server(default)] recent: bool,
) -> Result<Vec<SecurityEventView>, AppError> {
    use crate::server::{audit, cst_datetime, now, AppState};
    let state = AppState::get()?;
    let user = crate::api::auth::ssr::session_user_any(&state)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let since = if recent {
        now() - 90 * 86_400
    } else {
        crate::server::account::previous_login(&state.db, user.user_id)
            .await?
            .unwrap_or(0)
    };
    Ok(audit::security_events(&state.db, user.user_id, since, 50)
        .await?
        .into_iter()
        .map(|e| SecurityEventView {
            at: cst_datetime(e.at),
            actor: e.actor,
            summary: e.summary,
        })
        .collect())
}

/// Changes the logged-in user's password; ends every other session.
#[server(endpoint = "account/password", output = crate::api::TextJson)]
pub async fn change_password(
    current: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::domain::account::ChangePasswordInput;
    use crate::server::{account, audit::Actor, http, now, session, AppState};
    let state = AppState::get()?;
    let (user, token) = crate::api::auth::ssr::session_with_token(&state).await?;
    let (_, login) = account::password_hash(&state.db, user.user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let typed = ChangePasswordInput {
        current,
        password,
        password_confirm,
    };
    let password = typed.validate(&login)?;
    let current = typed.current;
    let t = now();
    ssr::check_password(&state, &user, current).await?;
    let hash = state
        .hasher
        .hash(password.expose().to_string())
        .await
        .map_err(AppError::log)?;
    let actor = Actor::of(&user, http::client_ip().await);
    let summary = if user.must_change_password {
        "首次登录,将管理员设置的初始密码改为本人密码"
    } else {
        "修改密码,其他登录已退出"
    };
    account::set_password(
        &state.db,
        &actor,
        user.user_id,
        &hash,
        false,
        "account.password_change",
        summary,
        t,
    )
    .await?;
    session::end_others(&state.db, user.user_id, &token).await?;
    let next = if user.needs_totp_enrolment {
        format!("{}?first=1", crate::api::auth::TOTP_PAGE)
    } else {
        format!("{}?password=1", crate::api::auth::WORKSPACE)
    };
    leptos_axum::redirect(&format!("{}{next}", state.config.public_base_url));
    Ok(())
}

/// What an authenticator app needs to enrol: the QR code and, for typing
/// in by hand, the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    /// Already enrolled: nothing to show.
    pub enrolled: bool,
    pub secret: String,
    /// The QR code of the `otpauth://` URL, as an SVG element made on the server.
    pub qr_svg: String,
    pub recovery_codes_left: i64,
}

/// Starts enrolling a second factor (a new secret each time the page opens),
/// or says it is enrolled.
#[server(endpoint = "account/totp/begin", output = crate::api::TextJson)]
pub async fn begin_totp() -> Result<TotpEnrolment, AppError> {
    use crate::server::{totp, AppState};
    let state = AppState::get()?;
    let user = crate::api::auth::ssr::session_user_any(&state)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if user.must_change_password {
        return Err(AppError::Conflict {
            field: "totp".into(),
            message: "请先设置新密码,再绑定身份验证器。".into(),
        });
    }
    if totp::is_enrolled(&state.db, user.user_id).await? {
        return Ok(TotpEnrolment {
            enrolled: true,
            secret: String::new(),
            qr_svg: String::new(),
            recovery_codes_left: totp::recovery_codes_left(&state.db, user.user_id).await?,
        });
    }
    let secret = totp::begin(&state.db, user.user_id).await?;
    let url = totp::otpauth_url(&secret, &user.login).ok_or_else(AppError::internal)?;
    Ok(TotpEnrolment {
        enrolled: false,
        qr_svg: totp::qr_svg(&url).unwrap_or_default(),
        secret,
        recovery_codes_left: 0,
    })
}

/// Confirms the enrolment with the app's first code; returns the recovery
/// codes, shown this once.
/// The current password is asked again: a session left open on a shared
/// computer must not be able to bind someone else's authenticator.
#[server(endpoint = "account/totp/confirm", output = crate::api::TextJson)]
pub async fn confirm_totp(current: String, code: String) -> Result<Vec<String>, AppError> {
    use crate::domain::account::{check_totp_confirm, TotpConfirmField};
    use crate::server::totp::{self, Refused};
    use crate::server::{audit::Actor, http, now, AppState};
    let state = AppState::get()?;
    let user = crate::api::auth::ssr::session_user_any(&state)
        .await?
        .ok_or(AppError::Unauthorized)?;
    check_totp_confirm(&current, &code)?;
    let code = code.trim();
    ssr::check_password(&state, &user, current).await?;
    let actor = Actor::of(&user, http::client_ip().await);
    totp::confirm(&state.db, &actor, user.user_id, code, now())
        .await?
        .map_err(|e| AppError::Conflict {
            field: TotpConfirmField::Code.to_string(),
            message: match e {
                Refused::NotEnrolled => "绑定已过期,请刷新本页,用新的二维码重新绑定。".into(),
                _ => "动态码不正确。请确认扫描的是本页当前的二维码,且手机时间准确,再输入App中显示的6位数字。".into(),
            },
        })
}
