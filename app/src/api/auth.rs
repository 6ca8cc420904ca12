//! Login, logout and the current user.
//!
//! Enterprise users log in with the 统一社会信用代码 (normalised first:
//! spaces, full-width characters, case), regulators and administrators with
//! their user name. Passwords travel only in POST bodies.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::domain::account::{check_login, login_name, LoginField, LoginName};
#[cfg(feature = "ssr")]
use crate::domain::{help::Faq, Message};
use crate::error::AppError;

/// The logged-in user as pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub kind: crate::domain::UserKind,
    pub login: String,
    pub display_name: String,
    pub belongs_to: String,
    /// An administrator chose the password: the user must replace it first.
    pub must_change_password: bool,
    /// A regulator or administrator who must enrol a second factor first.
    pub needs_totp: bool,
    /// Unread 站内消息, for the header (0 until the account is set up).
    #[serde(default)]
    pub unread_messages: i64,
}

/// Where a user lands after login.
pub const WORKSPACE: &str = "/workspace";

pub const WRONG_TAB: &str = "这是统一社会信用代码,是企业的账号:请切换到“法人用户登录”页登录。监管部门的账号是管理员分配的用户名。";
pub const NO_SUCH_ACCOUNT: &str = "此账号不存在。请确认:①企业请在“法人用户登录”页登录,监管部门请在“监管用户登录”页登录;②企业的账号是统一社会信用代码。若确未注册,请先注册。";

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::domain::account::LoginField;
    use crate::domain::{help::Faq, Message};
    use crate::error::AppError;
    use crate::server::guard::{self, Jurisdiction};
    use crate::server::session::{self, SessionUser};
    use crate::server::{http, now, AppState};

    pub const COOKIE: &str = "whp_session";
    /// In production the cookie is `__Host-` prefixed: Secure, host-only, path `/`.
    pub const HOST_COOKIE: &str = "__Host-whp_session";

    pub fn cookie_name(state: &AppState) -> &'static str {
        if state.config.is_production() {
            HOST_COOKIE
        } else {
            COOKIE
        }
    }

    pub fn no_such_account(regulator: bool, login: &str) -> AppError {
        // A credit code on the 监管用户 tab: say which tab it belongs on (a
        // code's form is public, so this tells nobody whether it is registered).
        let message = if regulator && crate::domain::CreditCode::parse(login).is_ok() {
            super::WRONG_TAB.into()
        } else {
            Message::explained(super::NO_SUCH_ACCOUNT, Faq::AccountNotFound)
        };
        AppError::conflict(LoginField::Account, message)
    }

    /// Counts one login attempt of `key` before its password is checked. An
    /// attempt counts as a failure until it succeeds (which resets the count),
    /// so parallel guesses never get more than `LOCK_FAILURES` checks. When
    /// the count is full only because attempts of the last seconds are still
    /// being checked (several honest logins at once), this waits for them,
    /// for at most two seconds, before calling the account locked.
    pub async fn take_attempt(
        state: &AppState,
        key: &str,
        now: i64,
    ) -> Result<Result<i64, crate::server::limits::Denied>, AppError> {
        use crate::server::limits;
        let mut tries = 0;
        loop {
            let outcome = limits::hit(&state.db, key, session::LOGIN_FAILURES, now).await?;
            let recent = limits::last_hit(&state.db, key)
                .await?
                .is_some_and(|last| crate::server::now() - last <= 2);
            if outcome.is_ok() || !recent || tries >= 20 {
                return Ok(outcome);
            }
            tries += 1;
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// The message of a locked account, with the way in that remains.
    pub fn locked(regulator: bool, until: i64, just_now: bool) -> AppError {
        let when = crate::server::cst_clock(until);
        let n = session::LOCK_FAILURES;
        let head = if just_now {
            format!("密码错误。已连续输错{n}次,账号锁定至 {when}(北京时间)。")
        } else {
            format!("密码连续输错{n}次,账号已锁定至 {when}(北京时间)。")
        };
        if regulator {
            AppError::Conflict {
                field: LoginField::Password.to_string(),
                message: Message::explained(
                    format!("{head}请到时再试,或请系统管理员在“用户管理”中解锁。"),
                    Faq::AccountLocked,
                ),
            }
        } else {
            AppError::Conflict {
                field: LoginField::UnlockCode.to_string(),
                message: Message::explained(
                    format!("{head}如是本人操作,可点击“获取解锁验证码”,用经办人手机收到的验证码和正确密码立即登录;忘记密码请点击“忘记密码”。"),
                    Faq::AccountLocked,
                ),
            }
        }
    }

    /// A team member's wrong password, or a mobile or user name not in the
    /// team: the same words, so the answer tells nobody who is a member.
    pub fn member_wrong(left: i64) -> AppError {
        AppError::Conflict {
            field: LoginField::Password.to_string(),
            message: Message::explained(
                format!("手机号(用户名)或密码错误,还可再试{left}次。注册时的经办人(首位管理员)登录时不填手机号;忘记密码或换了手机,请本单位管理员在“本单位用户”中为您重置。"),
                Faq::ForgotPassword,
            ),
        }
    }

    /// A team member's account after too many wrong passwords.
    pub fn member_locked(until: i64) -> AppError {
        AppError::Conflict {
            field: LoginField::Password.to_string(),
            message: Message::explained(
                format!(
                    "手机号(用户名)或密码连续输错{}次,已锁定至 {}(北京时间)。请到时再试,或请本单位管理员在“本单位用户”中为您重置密码。",
                    session::LOCK_FAILURES,
                    crate::server::cst_clock(until)
                ),
                Faq::AccountLocked,
            ),
        }
    }

    /// The password of a locked account, after its second proof (spent
    /// either way): a wrong one (or none usable) is refused with `wrong`, a
    /// right one unlocks the account, recorded with `how`.
    #[allow(clippy::too_many_arguments)]
    pub async fn unlock(
        state: &AppState,
        user: &session::LoginRow,
        password: String,
        unusable: bool,
        wrong: Message,
        actor: &crate::server::audit::Actor,
        how: &str,
        now: i64,
    ) -> Result<(), AppError> {
        let ok = state
            .hasher
            .verify(password, user.password_hash.clone())
            .await
            .map_err(AppError::log)?;
        if !ok || unusable {
            return Err(AppError::Conflict {
                field: LoginField::Password.to_string(),
                message: wrong,
            });
        }
        crate::server::audit::security_event_now(
            &state.db,
            actor,
            user.user_id,
            "account.unlock",
            how,
            now,
        )
        .await?;
        Ok(())
    }

    /// Checks the second factor of a login (a TOTP code of an unused step,
    /// or a recovery code), at most 5 wrong ones per 15 minutes.
    pub async fn second_factor(
        state: &AppState,
        user: &session::LoginRow,
        code: &str,
        actor: &crate::server::audit::Actor,
        now: i64,
    ) -> Result<(), AppError> {
        use crate::server::limits::{self, Limit};
        use crate::server::totp::{self, Refused};
        let fail = |message: &str| AppError::Conflict {
            field: LoginField::Totp.to_string(),
            message: message.into(),
        };
        if code.trim().is_empty() {
            return Err(fail(
                "请输入身份验证器App中显示的6位动态码;手机丢失时可输入一个恢复码。",
            ));
        }
        // Per account and address: wrong codes from elsewhere cannot lock the
        // owner out (guessing still needs the password, or 10^6 / 3 tries).
        let key = format!("totp:{}:{}", user.user_id, actor.ip);
        if limits::hit(&state.db, &key, Limit::per(5, 15 * 60), now)
            .await?
            .is_err()
        {
            return Err(fail(
                "动态码连续输错5次,请15分钟后再试;手机丢失请用恢复码,或请系统管理员重置。",
            ));
        }
        match totp::check(&state.db, user.user_id, code, now).await? {
            Ok(()) | Err(Refused::NotEnrolled) => {
                limits::reset(&state.db, &key).await?;
                if totp::is_recovery_code(code) {
                    let left = totp::recovery_codes_left(&state.db, user.user_id).await?;
                    crate::server::audit::security_event_now(
                        &state.db,
                        actor,
                        user.user_id,
                        "account.recovery_code",
                        &format!("使用恢复码登录(还剩{left}个)"),
                        now,
                    )
                    .await?;
                }
                Ok(())
            }
            Err(Refused::Wrong) => Err(fail("动态码不正确。请输入身份验证器App中当前显示的6位数字(手机时间需准确),或输入一个未用过的恢复码。")),
            Err(Refused::Replayed) => Err(fail("这个动态码刚刚用过,请等身份验证器显示下一个动态码后再输入。")),
        }
    }

    /// Starts the session of a login that passed every check, and sends the
    /// user to what they must do first.
    pub async fn finish_login(
        state: &AppState,
        user: &session::LoginRow,
        login: &str,
        key: &str,
        ip: &str,
        now: i64,
    ) -> Result<(), AppError> {
        crate::server::limits::reset(&state.db, key).await?;
        session::record_login(&state.db, user.user_id, now).await?;
        let device = http::headers()
            .await
            .ok()
            .and_then(|h| {
                h.get(axum::http::header::USER_AGENT)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let token = session::create(&state.db, user.user_id, ip, &device, now).await?;
        let actor = crate::server::audit::Actor {
            user_id: user.user_id,
            name: format!("账号 {login}"),
            ip: ip.to_string(),
        };
        crate::server::audit::record(
            &state.db,
            crate::server::audit::Entry::ok(&actor, "auth.login", "登录成功", now),
        )
        .await;
        http::set_cookie(state, cookie_name(state), &token, None);
        let next = if user.must_change_password {
            super::PASSWORD_PAGE_FIRST
        } else if user.needs_totp() {
            super::TOTP_PAGE
        } else {
            super::WORKSPACE
        };
        leptos_axum::redirect(&format!("{}{next}", state.config.public_base_url));
        Ok(())
    }

    /// Refuses accounts that may not log in (yet), saying why.
    pub fn check_status(user: &session::LoginRow, service_phone: &str) -> Result<(), AppError> {
        use crate::domain::AccountStatus;
        let message = match user.status {
            AccountStatus::Active => return Ok(()),
            AccountStatus::PendingVerification if user.invited => {
                "请先打开管理员邀请短信中的链接设置密码;链接已过期的,请本单位管理员在“本单位用户”中重发邀请。".into()
            }
            AccountStatus::PendingVerification | AccountStatus::PendingReview => Message::explained(
                format!("您的注册申请正在人工审核中(一个工作日内完成),审核通过后即可登录;结果会以短信通知经办人手机。如有疑问请致电客服 {service_phone}。"),
                Faq::ManualReview,
            ),
            AccountStatus::Rejected => Message::explained(
                format!(
                    "您的注册申请未通过审核,原因:{}。请按原因修改后重新注册(可使用同一统一社会信用代码)。",
                    if user.review_note.is_empty() { "见审核短信" } else { user.review_note.as_str() }
                ),
                Faq::ManualReview,
            ),
            AccountStatus::Disabled => "该账号已停用。如有疑问请联系客服。".into(),
        };
        Err(AppError::conflict(LoginField::Account, message))
    }

    /// The user of this request's session, if any, whatever the account still has to do.
    pub async fn session_user_any(state: &AppState) -> Result<Option<SessionUser>, AppError> {
        let Some(token) = session_token(state).await? else {
            return Ok(None);
        };
        Ok(session::lookup(&state.db, &token, now()).await?)
    }

    /// The logged-in user (whatever the account still has to do) and the
    /// token of this session, for what acts on the session itself.
    pub async fn session_with_token(state: &AppState) -> Result<(SessionUser, String), AppError> {
        let token = session_token(state).await?.ok_or(AppError::Unauthorized)?;
        let user = session::lookup(&state.db, &token, now())
            .await?
            .ok_or(AppError::Unauthorized)?;
        Ok((user, token))
    }

    /// The session token of this request, if any.
    pub async fn session_token(state: &AppState) -> Result<Option<String>, AppError> {
        Ok(http::token_cookie(
            &http::headers().await?,
            cookie_name(state),
        ))
    }

    /// The user of this request's session, if any. A user who must first
    /// replace an administrator's password or enrol a second factor counts
    /// as not logged in here.
    pub async fn session_user(state: &AppState) -> Result<Option<SessionUser>, AppError> {
        Ok(session_user_any(state).await?.filter(SessionUser::ready))
    }

    /// The logged-in, set-up user, or `Unauthorized`.
    pub async fn require_user(state: &AppState) -> Result<SessionUser, AppError> {
        session_user(state).await?.ok_or(AppError::Unauthorized)
    }

    /// An enterprise user and the id of their enterprise.
    pub async fn require_enterprise(state: &AppState) -> Result<(SessionUser, i64), AppError> {
        let user = require_user(state).await?;
        let id = guard::enterprise(&user)?;
        Ok((user, id))
    }

    /// An enterprise user who may change things (管理员 or 填报员), and
    /// their enterprise id: a 查看员 is told they only read.
    pub async fn require_enterprise_writer(
        state: &AppState,
    ) -> Result<(SessionUser, i64), AppError> {
        let (user, id) = require_enterprise(state).await?;
        if !user.role.is_some_and(|r| r.can_write()) {
            return Err(AppError::NotAllowed(crate::domain::team::READ_ONLY.into()));
        }
        Ok((user, id))
    }

    /// A 管理员 of their enterprise, and its id.
    pub async fn require_enterprise_manager(
        state: &AppState,
    ) -> Result<(SessionUser, i64), AppError> {
        let (user, id) = require_enterprise(state).await?;
        if !user.role.is_some_and(|r| r.can_manage()) {
            return Err(AppError::NotAllowed(
                crate::domain::team::NOT_MANAGER.into(),
            ));
        }
        Ok((user, id))
    }

    /// A reviewer (regulator or administrator) and where they may look.
    pub async fn require_reviewer(
        state: &AppState,
    ) -> Result<(SessionUser, Jurisdiction), AppError> {
        let user = require_user(state).await?;
        let jurisdiction = guard::jurisdiction(&state.db, &user).await?;
        Ok((user, jurisdiction))
    }

    /// An administrator.
    pub async fn require_admin(state: &AppState) -> Result<SessionUser, AppError> {
        let user = require_user(state).await?;
        guard::admin(&user)?;
        Ok(user)
    }
}

/// The logged-in user, or `None`.
#[server(endpoint = "auth/me", output = crate::api::TextJson)]
pub async fn current_user() -> Result<Option<UserView>, AppError> {
    let state = crate::server::AppState::get()?;
    let Some(u) = ssr::session_user_any(&state).await? else {
        return Ok(None);
    };
    // The header's count rides on this call: no extra request per page.
    let unread_messages = if u.ready() {
        crate::server::messages::unread(&state.db, u.user_id)
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "counting unread messages failed");
                0
            })
    } else {
        0
    };
    Ok(Some(UserView {
        kind: u.kind,
        login: u.login,
        display_name: u.display_name,
        belongs_to: u.belongs_to,
        must_change_password: u.must_change_password,
        needs_totp: u.needs_totp_enrolment,
        unread_messages,
    }))
}

/// Logs in; on success redirects to the workspace on the configured origin
/// (or to the password form when an administrator chose the password).
///
/// Every attempt counts against the account before the password is hashed,
/// atomically, so parallel guesses get no more than `LOCK_FAILURES` checks.
/// After that the account is not closed to its owner: an enterprise proves
/// itself with a code sent to the phone on file (`unlock_code`); a regulator
/// uses its second factor (TOTP) or asks an administrator to unlock it.
/// An account with a second factor needs its code (`totp`) as well.
#[server(endpoint = "auth/login", output = crate::api::TextJson)]
pub async fn login(
    tab: String,
    account: String,
    password: String,
    #[server(default)] unlock_code: String,
    #[server(default)] totp: String,
    #[server(default)] member: String,
) -> Result<(), AppError> {
    use leptos::server_fn::ServerFn as _;
    let result = login_attempt(tab, account.clone(), password, unlock_code, totp, member).await;
    crate::server::http::keep_typed_after_error(
        Login::PATH,
        &result,
        &[(LoginField::Account.name(), &account)],
    )
    .await;
    result
}

/// The body of [`login`].
#[cfg(feature = "ssr")]
async fn login_attempt(
    tab: String,
    account: String,
    password: String,
    unlock_code: String,
    totp: String,
    member: String,
) -> Result<(), AppError> {
    use crate::domain::SmsCode;
    use crate::server::audit::{security_event_now, Actor};
    use crate::server::limits::{self, Denied};
    use crate::server::{http, now, session, sms_code, AppState};

    let state = AppState::get()?;
    let regulator = tab == "regulator";
    let ip = http::client_ip().await;
    let t = now();
    if !session::throttle(
        &state.db,
        &format!("ip:login:{ip}"),
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
    // A team member names themselves too; the registered 经办人 does not.
    let LoginName { mut login, member } = check_login(regulator, &account, &member, &password)?;
    if let Some(m) = &member {
        match crate::server::team::member_login(&state.db, &login, m.as_str()).await? {
            Some(l) => login = l,
            None => {
                // Answered exactly like a member's wrong password, counted
                // alike: nobody learns whose mobile belongs to the team.
                let key = session::login_key(false, &format!("{login}/{}", m.as_str()));
                let outcome = ssr::take_attempt(&state, &key, t).await?;
                let _ = state.hasher.verify(password, DUMMY_HASH.to_string()).await;
                return Err(match outcome {
                    Ok(n) if n < session::LOCK_FAILURES => {
                        ssr::member_wrong(session::LOCK_FAILURES - n)
                    }
                    Ok(_) => ssr::member_locked(
                        match limits::denied(&state.db, &key, session::LOGIN_FAILURES, t).await? {
                            Some(Denied::Exhausted { until }) => until,
                            _ => t + session::LOCK_SECS,
                        },
                    ),
                    Err(Denied::Exhausted { until }) => ssr::member_locked(until),
                    Err(Denied::TooSoon(secs)) => ssr::member_locked(t + secs),
                });
            }
        }
    }
    let Some(mut user) = session::find_login(&state.db, regulator, &login).await? else {
        // Same work as a real check, so timing does not tell which accounts exist.
        let _ = state.hasher.verify(password, DUMMY_HASH.to_string()).await;
        return Err(ssr::no_such_account(regulator, &login));
    };
    // No password yet (an invitation not opened, a reset under way): the
    // same work as a check, and never a match.
    let unusable = user.password_hash == "!";
    if unusable {
        user.password_hash = DUMMY_HASH.to_string();
    }
    let key = session::login_key(regulator, &login);
    let anonymous = Actor::anonymous(format!("登录尝试({login})"), ip.clone());
    match ssr::take_attempt(&state, &key, t).await? {
        Ok(n) => {
            let ok = match state
                .hasher
                .verify(password, user.password_hash.clone())
                .await
            {
                Ok(ok) => ok && !unusable,
                Err(e) => {
                    // A busy server is not a wrong password.
                    limits::give_back(&state.db, &key).await?;
                    return Err(AppError::log(e));
                }
            };
            if !ok {
                crate::server::audit::record(
                    &state.db,
                    crate::server::audit::Entry {
                        actor: &anonymous,
                        enterprise_id: None,
                        subject: Some(user.user_id),
                        action: "auth.login_failed",
                        summary: "登录失败:密码错误",
                        changes: &[],
                        outcome: "refused",
                        now: t,
                    },
                )
                .await;
                let left = session::LOCK_FAILURES - n;
                if left <= 0 {
                    let until =
                        match limits::denied(&state.db, &key, session::LOGIN_FAILURES, t).await? {
                            Some(Denied::Exhausted { until }) => until,
                            _ => t + session::LOCK_SECS,
                        };
                    security_event_now(
                        &state.db,
                        &anonymous,
                        user.user_id,
                        "account.lock",
                        &format!("密码连续输错{}次,账号被锁定", session::LOCK_FAILURES),
                        t,
                    )
                    .await?;
                    if member.is_some() {
                        return Err(ssr::member_locked(until));
                    }
                    return Err(ssr::locked(regulator, until, true));
                }
                if member.is_some() {
                    return Err(ssr::member_wrong(left));
                }
                return Err(AppError::Conflict {
                    field: LoginField::Password.to_string(),
                    message: Message::explained(
                        format!("密码错误,还可再试{left}次。如忘记密码,请点击“忘记密码”通过经办人手机重置(密码中不能含 # * / 符号)。"),
                        Faq::ForgotPassword,
                    ),
                });
            }
        }
        Err(denied) => {
            let until = match denied {
                Denied::Exhausted { until } => until,
                Denied::TooSoon(secs) => t + secs,
            };
            // Locked: the owner still comes in with a second proof: an
            // enterprise with a code sent to the phone on file, a regulator
            // with their TOTP code.
            if regulator {
                if !user.totp_enabled_for_unlock(&totp) {
                    return Err(ssr::locked(regulator, until, false));
                }
                ssr::second_factor(&state, &user, &totp, &anonymous, t).await?;
                let wrong = Message::explained(
                    "密码错误。账号仍处于锁定状态,请输入下一个动态码和正确密码再试,或请系统管理员解锁。",
                    Faq::AccountLocked,
                );
                let how = "通过身份验证器动态码解锁账号并登录";
                ssr::unlock(&state, &user, password, unusable, wrong, &anonymous, how, t).await?;
                ssr::check_status(&user, &state.config.service_phone)?;
                return ssr::finish_login(&state, &user, &login, &key, &ip, t).await;
            }
            if member.is_some() {
                // Unlock codes go to the registered 经办人's phone; a team
                // member waits, or a 管理员 resets their password. The same
                // work as a check, so timing tells no member from a stranger.
                let _ = state.hasher.verify(password, DUMMY_HASH.to_string()).await;
                return Err(ssr::member_locked(until));
            }
            if unlock_code.trim().is_empty() {
                return Err(ssr::locked(regulator, until, false));
            }
            let code = SmsCode::parse(&unlock_code).map_err(|e| {
                AppError::conflict(
                    LoginField::UnlockCode,
                    crate::domain::Explain::explained(&e),
                )
            })?;
            if let Err(e) = sms_code::verify(
                &state.db,
                UNLOCK_PURPOSE,
                &user.user_id.to_string(),
                code.as_str(),
                t,
            )
            .await?
            {
                return Err(AppError::Conflict {
                    field: LoginField::UnlockCode.to_string(),
                    message: sms_code::verify_message(&e),
                });
            }
            let wrong = Message::explained(
                "密码错误。解锁验证码已使用,请重新获取验证码后再试;如忘记密码,请点击“忘记密码”重置。",
                Faq::ForgotPassword,
            );
            let how = "通过经办人手机短信验证码解锁账号并登录";
            ssr::unlock(&state, &user, password, unusable, wrong, &anonymous, how, t).await?;
        }
    }
    ssr::check_status(&user, &state.config.service_phone)?;
    // The password was right: its count starts again; the second factor has its own.
    limits::reset(&state.db, &key).await?;
    if user.totp_enrolled {
        ssr::second_factor(&state, &user, &totp, &anonymous, t).await?;
    }
    ssr::finish_login(&state, &user, &login, &key, &ip, t).await
}

/// The SMS purpose of the code that opens a locked enterprise account.
pub const UNLOCK_PURPOSE: &str = "unlock_login";

/// Where a user whose password an administrator chose must go first.
pub const PASSWORD_PAGE_FIRST: &str = "/account/password?first=1";

/// Where a regulator or administrator without a second factor must go first.
pub const TOTP_PAGE: &str = "/account/totp";

/// Sends the code that opens a locked enterprise account to the phone on file.
#[server(endpoint = "auth/unlock-code", output = crate::api::TextJson)]
pub async fn send_unlock_code(account: String) -> Result<super::code::CodeSent, AppError> {
    use crate::domain::{FieldErrors, Mobile};
    use crate::server::{http, limits, now, session, sms_code, AppState};
    let state = AppState::get()?;
    let ip = http::client_ip().await;
    if !sms_code::ip_allows(&state.db, &ip, now()).await? {
        return Err(sms_code::ip_limited());
    }
    let mut errors = FieldErrors::new();
    let Some(login) = errors.take(LoginField::Account, login_name(false, &account)) else {
        return Err(errors.into());
    };
    let user = session::find_login(&state.db, false, &login)
        .await?
        .ok_or_else(|| ssr::no_such_account(false, &login))?;
    let t = now();
    // Only a locked account is sent a code, and at most 3 a day: the phone's
    // daily quota must stay available for 忘记密码.
    let key = session::login_key(false, &login);
    if limits::denied(&state.db, &key, session::LOGIN_FAILURES, t)
        .await?
        .is_none()
    {
        return Err(AppError::Conflict {
            field: LoginField::UnlockCode.to_string(),
            message: "账号没有被锁定,请直接输入密码登录。".into(),
        });
    }
    if limits::hit(
        &state.db,
        &format!("sms:unlock:{}", user.user_id),
        limits::Limit::per(3, 86_400),
        t,
    )
    .await?
    .is_err()
    {
        return Err(AppError::Conflict {
            field: LoginField::UnlockCode.to_string(),
            message: "今天已发送过3次解锁验证码。请等锁定结束后再登录,或点击“忘记密码”重置。"
                .into(),
        });
    }
    let mobile = user
        .mobile
        .as_deref()
        .and_then(|m| Mobile::parse(m).ok())
        .ok_or_else(|| AppError::Conflict {
            field: LoginField::UnlockCode.to_string(),
            message: format!(
                "该账号没有可用的经办人手机号,请等待锁定结束,或拨打客服电话 {}。",
                state.config.service_phone
            )
            .into(),
        })?;
    let sent = sms_code::issue(
        &state.db,
        &state.sms,
        UNLOCK_PURPOSE,
        &user.user_id.to_string(),
        &mobile,
        t,
    )
    .await;
    super::code::Sending {
        what: "解锁验证码",
        place: "经办人手机",
        mobile: &mobile,
        field: LoginField::UnlockCode.name(),
    }
    .outcome(sent, &state.config.service_phone)
}

/// A valid argon2id hash of a random password, verified when an account does not exist.
#[cfg(feature = "ssr")]
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9PYG8E7EzW3uLy5Dy8rDl0xB2qQy7ZyQx7rRi4cK3zk";

/// Ends every session of the logged-in user and returns to the login page.
#[server(endpoint = "auth/logout", output = crate::api::TextJson)]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{http, session, AppState};
    let state = AppState::get()?;
    if let Some(user) = ssr::session_user_any(&state).await? {
        session::end_all(&state.db, user.user_id).await?;
        let actor = crate::server::audit::Actor::of(&user, http::client_ip().await);
        crate::server::audit::record(
            &state.db,
            crate::server::audit::Entry::ok(
                &actor,
                "auth.logout",
                "退出登录",
                crate::server::now(),
            ),
        )
        .await;
    }
    http::set_cookie(&state, ssr::cookie_name(&state), "", Some(0));
    leptos_axum::redirect(&format!("{}/login", state.config.public_base_url));
    Ok(())
}
