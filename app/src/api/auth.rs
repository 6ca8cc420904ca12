//! Login, logout and the current user.
//!
//! Enterprise users log in with the 统一社会信用代码 (normalised first:
//! spaces, full-width characters, case), regulators and administrators with
//! their user name. Passwords travel only in POST bodies.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The logged-in user as pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub kind: String,
    pub login: String,
    pub display_name: String,
    pub belongs_to: String,
}

/// Where a user lands after login.
pub const WORKSPACE: &str = "/workspace";

pub const NO_SUCH_ACCOUNT: &str = "此账号不存在。请确认:①企业请在“法人用户登录”页登录,监管部门请在“监管用户登录”页登录;②企业的账号是统一社会信用代码。若确未注册,请先注册。";

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::error::AppError;
    use crate::server::session::{self, SessionUser};
    use crate::server::{http, now, AppState};

    pub const COOKIE: &str = "whp_session";

    /// The user of this request's session, if any.
    pub async fn session_user(state: &AppState) -> Result<Option<SessionUser>, AppError> {
        let Some(token) = http::token_cookie(&http::headers().await?, COOKIE) else {
            return Ok(None);
        };
        Ok(session::lookup(&state.db, &token, now()).await?)
    }
}

/// The logged-in user, or `None`.
#[server(endpoint = "auth/me")]
pub async fn current_user() -> Result<Option<UserView>, AppError> {
    let state = crate::server::AppState::get()?;
    Ok(ssr::session_user(&state).await?.map(|u| UserView {
        kind: u.kind,
        login: u.login,
        display_name: u.display_name,
        belongs_to: u.belongs_to,
    }))
}

/// Logs in; on success redirects to the workspace on the configured origin.
#[server(endpoint = "auth/login")]
pub async fn login(tab: String, account: String, password: String) -> Result<(), AppError> {
    use crate::domain::normalize::normalize_code;
    use crate::domain::{CreditCode, FieldErrors};
    use crate::server::session;
    use crate::server::{http, now, AppState};

    let state = AppState::get()?;
    let regulator = tab == "regulator";
    let ip = http::client_ip().await;
    let t = now();
    if !session::throttle(
        &state.db,
        &format!("login:{ip}"),
        session::LOGIN_RATE_LIMIT,
        session::LOGIN_RATE_WINDOW,
        t,
    )
    .await?
    {
        return Err(AppError::RateLimited(
            "登录尝试过于频繁,请5分钟后再试。".into(),
        ));
    }
    let mut errors = FieldErrors::new();
    let login = if regulator {
        account.trim().to_string()
    } else {
        match CreditCode::parse(&account) {
            Ok(code) => code.to_string(),
            // A code that fails the check may still be a genuine (manually reviewed) account.
            Err(e) if e.manual_review_possible() => normalize_code(&account),
            Err(e) => {
                errors.add("account", e.to_string());
                String::new()
            }
        }
    };
    if login.is_empty() && errors.get("account").is_none() {
        errors.add("account", "请输入账号。");
    }
    if password.is_empty() {
        errors.add("password", "请输入密码。");
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let key = format!(
        "{}:{login}",
        if regulator { "regulator" } else { "enterprise" }
    );
    if let Some(until) = session::locked_until(&state.db, &key, t).await? {
        return Err(AppError::Conflict {
            field: "password".into(),
            message: format!(
                "密码连续输错{}次,账号已锁定至 {}(北京时间)。请到时再试,或点击“忘记密码”重置密码。",
                session::LOCK_FAILURES,
                crate::server::cst_clock(until)
            ),
        });
    }
    let Some(user) = session::find_login(&state.db, regulator, &login).await? else {
        // Same work as a real check, so timing does not tell which accounts exist.
        let _ = state.hasher.verify(password, DUMMY_HASH.to_string()).await;
        return Err(AppError::Conflict {
            field: "account".into(),
            message: NO_SUCH_ACCOUNT.into(),
        });
    };
    let ok = state
        .hasher
        .verify(password, user.password_hash.clone())
        .await
        .map_err(AppError::log)?;
    if !ok {
        let left = session::record_failure(&state.db, &key, &ip, t).await?;
        let message = if left == 0 {
            format!(
                "密码错误。已连续输错{}次,账号锁定至 {}(北京时间);可点击“忘记密码”重置。",
                session::LOCK_FAILURES,
                crate::server::cst_clock(t + session::LOCK_SECS)
            )
        } else {
            format!("密码错误,还可再试{left}次。如忘记密码,请点击“忘记密码”通过经办人手机重置(密码中不能含 # * / 符号)。")
        };
        return Err(AppError::Conflict {
            field: "password".into(),
            message,
        });
    }
    match user.status.as_str() {
        "active" => {}
        "pending_verification" | "pending_review" => {
            return Err(AppError::Conflict {
                field: "account".into(),
                message: "您的注册申请正在审核中,审核通过后即可登录;结果会以短信通知经办人手机。"
                    .into(),
            })
        }
        "rejected" => {
            return Err(AppError::Conflict {
                field: "account".into(),
                message: format!(
                    "您的注册申请未通过审核,原因:{}。请按原因修改后重新注册(可使用同一统一社会信用代码)。",
                    if user.review_note.is_empty() { "见审核短信" } else { user.review_note.as_str() }
                ),
            })
        }
        _ => {
            return Err(AppError::Conflict {
                field: "account".into(),
                message: "该账号已停用。如有疑问请联系客服。".into(),
            })
        }
    }
    session::clear_failures(&state.db, &key).await?;
    let token = session::create(&state.db, user.user_id, &ip, t).await?;
    http::set_cookie(&state, ssr::COOKIE, &token, None);
    leptos_axum::redirect(&format!("{}{WORKSPACE}", state.config.public_base_url));
    Ok(())
}

/// A valid argon2id hash of a random password, verified when an account does not exist.
#[cfg(feature = "ssr")]
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9PYG8E7EzW3uLy5Dy8rDl0xB2qQy7ZyQx7rRi4cK3zk";

/// Ends every session of the logged-in user and returns to the login page.
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{http, session, AppState};
    let state = AppState::get()?;
    if let Some(user) = ssr::session_user(&state).await? {
        session::end_all(&state.db, user.user_id).await?;
    }
    http::set_cookie(&state, ssr::COOKIE, "", Some(0));
    leptos_axum::redirect(&format!("{}/login", state.config.public_base_url));
    Ok(())
}
