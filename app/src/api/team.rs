//! 本单位用户 (an enterprise's team) and 账号设置 (every user's own account).
//!
//! Who may call what: every enterprise user reads their team (mobiles
//! masked unless they are a 管理员); only a 管理员 invites, re-roles,
//! disables, ends sessions and starts resets, and only for users of their
//! own enterprise (another enterprise's user answers like none). A 管理员
//! never chooses or sees a password: invitations and resets send a one-time
//! link by SMS to the user's own phone, and the link is the credential of
//! `team/link` and `team/accept`. Account settings act on the caller only.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::team::Role;
use crate::error::AppError;

/// A user of the enterprise, as the team page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub id: i64,
    pub name: String,
    /// Whole for a 管理员, masked for others.
    pub mobile: String,
    pub username: String,
    pub role: Role,
    /// 正常, 待设置密码 or 已停用.
    pub status: String,
    pub active: bool,
    pub invited: bool,
    /// The registered 经办人 (logs in with the credit code alone).
    pub first: bool,
    pub last_login: String,
    pub sessions: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub enterprise: String,
    pub credit_code: String,
    pub members: Vec<MemberView>,
    /// The caller's own user id.
    pub me: i64,
    pub can_manage: bool,
}

/// What an invitation or reset link shows before it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub invite: bool,
    pub enterprise: String,
    pub credit_code: String,
    pub name: String,
    pub mobile: String,
    pub role: Role,
    pub username: String,
}

/// One login session of the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// The session's key (the SHA-256 of its cookie, never the cookie).
    pub id: String,
    pub started: String,
    pub last_seen: String,
    pub ip: String,
    pub device: String,
    pub current: bool,
}

/// 账号设置: the caller's own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub name: String,
    /// How they log in, in words.
    pub login: String,
    pub mobile: String,
    pub belongs_to: String,
    /// 管理员 / 填报员 / 查看员 for enterprise users, else the kind.
    pub role: String,
    pub totp: bool,
    pub sessions: Vec<SessionView>,
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::error::AppError;
    use crate::server::team::TeamError;

    pub fn error(e: TeamError) -> AppError {
        match e {
            TeamError::Refused { field, message } => AppError::Conflict {
                field: field.into(),
                message: message.into(),
            },
            TeamError::NotFound => AppError::Forbidden,
            TeamError::Db(e) => e.into(),
        }
    }

    /// The link of an invitation or a reset, by SMS to `mobile` only (at
    /// most 5 a day to one phone, whoever sends them).
    pub async fn send_link(
        state: &crate::server::AppState,
        mobile: &crate::domain::Mobile,
        token: &str,
        text: &str,
    ) -> Result<(), AppError> {
        use crate::server::limits::{self, Limit};
        let key = format!("team:link-to:{}", mobile.as_str());
        if limits::hit(&state.db, &key, Limit::per(5, 86_400), crate::server::now())
            .await?
            .is_err()
        {
            return Err(AppError::RateLimited(
                "今天已向这个手机号发送了5条邀请或重置链接,请明天再试。".into(),
            ));
        }
        let url = format!(
            "{}/team/link?t={token}",
            state.config.public_base_url.trim_end_matches('/')
        );
        state
            .sms
            .send(
                &state.db,
                mobile,
                "team_link",
                &format!("【危化品经营安全监管系统】{text}请在72小时内打开链接设置密码:{url} 如非本人相关,请忽略。"),
                crate::server::now(),
            )
            .await
            .map(|_| ())
            .map_err(|_| AppError::Conflict {
                field: "mobile".into(),
                message: crate::domain::Message::explained(
                    "短信发送失败,链接没有发出。请稍后重试;如多次失败,请联系客服。",
                    crate::domain::help::Faq::PhoneNoSms,
                ),
            })
    }

    /// The calling 管理员 and their enterprise, when `user_id` is one of
    /// its users (another enterprise's user answers like none), before
    /// anything else is looked at.
    pub async fn manager_of(
        state: &crate::server::AppState,
        user_id: i64,
    ) -> Result<(crate::server::session::SessionUser, i64), AppError> {
        let (user, id) = crate::api::auth::ssr::require_enterprise_manager(state).await?;
        if !crate::server::team::is_member(&state.db, id, user_id).await? {
            return Err(AppError::Forbidden);
        }
        Ok((user, id))
    }

    /// A mobile typed into field `mobile`.
    pub fn mobile(text: &str) -> Result<crate::domain::Mobile, AppError> {
        crate::domain::Mobile::parse(text).map_err(|e| AppError::Conflict {
            field: "mobile".into(),
            message: e.to_string().into(),
        })
    }

    /// The logged-in user (whose account is set up).
    pub async fn me(
        state: &crate::server::AppState,
    ) -> Result<crate::server::session::SessionUser, AppError> {
        crate::api::auth::ssr::require_user(state).await
    }

    /// Counts one link sent by an enterprise (at most 20 a day).
    pub async fn count_link(
        state: &crate::server::AppState,
        enterprise_id: i64,
    ) -> Result<(), AppError> {
        use crate::server::limits::{self, Limit};
        use crate::server::team::LINKS_PER_DAY;
        let key = format!("team:links:{enterprise_id}");
        if limits::hit(
            &state.db,
            &key,
            Limit::per(LINKS_PER_DAY, 86_400),
            crate::server::now(),
        )
        .await?
        .is_err()
        {
            return Err(AppError::RateLimited(
                format!("今天本单位已发送{LINKS_PER_DAY}条邀请或重置链接,请明天再试。").into(),
            ));
        }
        Ok(())
    }
}

/// The enterprise's users.
#[server(endpoint = "team/members", output = crate::api::TextJson)]
pub async fn team_members() -> Result<TeamView, AppError> {
    use crate::server::{cst_datetime, team, AppState};
    let state = AppState::get()?;
    let (user, id) = crate::api::auth::ssr::require_enterprise(&state).await?;
    let can_manage = user.role.is_some_and(|r| r.can_manage());
    let (name, code) = team::enterprise_name_and_code(&state.db, id).await?;
    let members = team::members(&state.db, id)
        .await?
        .into_iter()
        .map(|m| {
            let mobile = match crate::domain::Mobile::parse(&m.mobile) {
                Ok(p) if !can_manage => p.masked(),
                _ => m.mobile.clone(),
            };
            MemberView {
                id: m.id,
                name: m.display_name,
                mobile,
                username: m.username,
                role: m.role,
                status: m.status.label().into(),
                active: m.status == crate::domain::AccountStatus::Active,
                invited: m.status == crate::domain::AccountStatus::PendingVerification,
                first: m.first,
                last_login: m.last_login_at.map(cst_datetime).unwrap_or_default(),
                sessions: m.sessions,
            }
        })
        .collect();
    Ok(TeamView {
        enterprise: name,
        credit_code: code,
        members,
        me: user.user_id,
        can_manage,
    })
}

/// A 管理员 invites a user by mobile: the SMS carries a one-time link where
/// the invited person sets their own password.
#[server(endpoint = "team/invite", output = crate::api::TextJson)]
pub async fn invite_member(name: String, mobile: String, role: String) -> Result<String, AppError> {
    use crate::domain::team::parse_invitee;
    use crate::server::{now, session, team as repo, AppState};
    let state = AppState::get()?;
    let (user, id) = crate::api::auth::ssr::require_enterprise_manager(&state).await?;
    let (invitee, mut errors) = match parse_invitee(&name, &mobile) {
        Ok(who) => (Some(who), Default::default()),
        Err(e) => (None, e),
    };
    let role = Role::from_code(&role);
    if role.is_none() {
        errors.add("role", "请选择角色。");
    }
    let (Some((name, mobile)), Some(role)) = (invitee, role) else {
        return Err(AppError::Validation(errors));
    };
    ssr::count_link(&state, id).await?;
    let (_, code) = crate::server::team::enterprise_name_and_code(&state.db, id).await?;
    let token = crate::server::random_token();
    let actor = crate::api::enterprise_info::ssr::actor(&user).await;
    repo::invite(
        &state.db,
        &repo::Invitation {
            enterprise_id: id,
            credit_code: &code,
            name: &name,
            mobile: &mobile,
            role,
            token_hash: &session::hash_token(&token),
        },
        &actor,
        now(),
    )
    .await
    .map_err(ssr::error)?;
    ssr::send_link(
        &state,
        &mobile,
        &token,
        &format!(
            "{}邀请您作为“{}”使用本单位账号。",
            user.belongs_to,
            role.label()
        ),
    )
    .await?;
    // The island loads /team again, which says it.
    Ok(crate::server::http::flashed(format!(
        "已邀请 {name}({},{}):邀请短信含一次性链接,72小时内有效。对方设置密码后,用统一社会信用代码、手机号和密码登录。",
        mobile.masked(),
        role.label()
    )))
}

/// A 管理员 changes a user's role (at least one active 管理员 remains).
#[server(endpoint = "team/role", output = crate::api::TextJson)]
pub async fn set_member_role(user_id: i64, role: String) -> Result<String, AppError> {
    use crate::server::{now, team as repo, AppState};
    let state = AppState::get()?;
    let (user, id) = ssr::manager_of(&state, user_id).await?;
    let role = Role::from_code(&role).ok_or_else(|| AppError::Conflict {
        field: "role".into(),
        message: "请选择角色。".into(),
    })?;
    let actor = crate::api::enterprise_info::ssr::actor(&user).await;
    repo::set_role(&state.db, id, user_id, role, &actor, now())
        .await
        .map_err(ssr::error)?;
    // /team's plain posts: the page they come back to says what was done.
    Ok(crate::server::http::confirm(format!(
        "已将角色改为{}。",
        role.label()
    )))
}

/// A 管理员 disables (ending their sessions at once) or re-enables a user.
#[server(endpoint = "team/active", output = crate::api::TextJson)]
pub async fn set_member_active(user_id: i64, active: bool) -> Result<String, AppError> {
    use crate::server::{now, team as repo, AppState};
    let state = AppState::get()?;
    let (user, id) = ssr::manager_of(&state, user_id).await?;
    let actor = crate::api::enterprise_info::ssr::actor(&user).await;
    repo::set_active(&state.db, id, user_id, active, &actor, now())
        .await
        .map_err(ssr::error)?;
    Ok(crate::server::http::confirm(if active {
        "已重新启用,该用户可以再次登录。".into()
    } else {
        "已停用,该用户的登录已全部结束。".into()
    }))
}

/// A 管理员 ends every session of a user.
#[server(endpoint = "team/end-sessions", output = crate::api::TextJson)]
pub async fn end_member_sessions(user_id: i64) -> Result<String, AppError> {
    use crate::server::{now, team as repo, AppState};
    let state = AppState::get()?;
    let (user, id) = ssr::manager_of(&state, user_id).await?;
    let actor = crate::api::enterprise_info::ssr::actor(&user).await;
    repo::end_sessions(&state.db, id, user_id, &actor, now())
        .await
        .map_err(ssr::error)?;
    Ok(crate::server::http::confirm(
        "已结束该用户的全部登录。".into(),
    ))
}

/// A 管理员 helps a colleague who lost their phone (or password): the
/// colleague's mobile becomes `mobile`, their sessions end, and a one-time
/// link goes to that phone only; the old phone is told.
#[server(endpoint = "team/reset", output = crate::api::TextJson)]
pub async fn reset_member(user_id: i64, mobile: String) -> Result<String, AppError> {
    use crate::domain::Mobile;
    use crate::server::{now, session, team as repo, AppState};
    let state = AppState::get()?;
    let (user, id) = ssr::manager_of(&state, user_id).await?;
    let mobile = ssr::mobile(&mobile)?;
    ssr::count_link(&state, id).await?;
    let token = crate::server::random_token();
    let actor = crate::api::enterprise_info::ssr::actor(&user).await;
    let (old, name, status) = repo::start_reset(
        &state.db,
        id,
        user_id,
        &mobile,
        &session::hash_token(&token),
        &actor,
        now(),
    )
    .await
    .map_err(ssr::error)?;
    // No typed names in the text: only what the system itself vouches for.
    let what = if status == crate::domain::AccountStatus::PendingVerification {
        format!("{}邀请您使用本单位账号。", user.belongs_to)
    } else {
        format!("{}的管理员为您发起了重置密码。", user.belongs_to)
    };
    ssr::send_link(&state, &mobile, &token, &what).await?;
    if let Ok(old) = Mobile::parse(&old) {
        if old != mobile {
            let _ = state
                .sms
                .send(
                    &state.db,
                    &old,
                    "team_notice",
                    &format!(
                        "【危化品经营安全监管系统】{}的管理员已将您在本系统的登录手机号改为 {},重置链接已发往新手机。如非您本人要求,请立即联系本单位管理员。",
                        user.belongs_to,
                        mobile.masked()
                    ),
                    now(),
                )
                .await;
        }
    }
    // The island loads /team again, which says it.
    Ok(crate::server::http::flashed(format!(
        "已向 {} 发送一次性链接(72小时内有效),{name} 打开后自行设置新密码;其原有登录已全部结束。",
        mobile.masked()
    )))
}

/// Why a link does not work (used, expired, replaced or never sent).
pub const LINK_GONE: &str = "这个链接已使用、已过期或已被新的链接取代。请联系本单位管理员在“本单位用户”中重新发送;已设置过密码的,请直接登录。";

/// What a link is for, before it is used.
#[server(endpoint = "team/link", output = crate::api::TextJson)]
pub async fn team_link(t: String) -> Result<LinkView, AppError> {
    use crate::server::{now, session, team, AppState};
    let state = AppState::get()?;
    let gone = || AppError::Conflict {
        field: "t".into(),
        message: LINK_GONE.into(),
    };
    if t.len() != 64 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(gone());
    }
    team::link(&state.db, &session::hash_token(&t), now())
        .await?
        .ok_or_else(gone)
        .map(|l| LinkView {
            invite: l.purpose == "invite",
            enterprise: l.enterprise,
            credit_code: l.credit_code,
            name: l.display_name,
            mobile: crate::domain::Mobile::parse(&l.mobile)
                .map(|m| m.masked())
                .unwrap_or_default(),
            role: l.role,
            username: l.username,
        })
}

/// Sets one's password with the link from the SMS (and, when invited, an
/// optional user name); then one logs in.
#[server(endpoint = "team/accept", output = crate::api::TextJson)]
pub async fn accept_link(
    t: String,
    password: String,
    password_confirm: String,
    #[server(default)] username: String,
) -> Result<String, AppError> {
    use crate::domain::password::take_new_password;
    use crate::domain::team::Username;
    use crate::domain::FieldErrors;
    use crate::server::{now, session, team, AppState};
    let state = AppState::get()?;
    let gone = || AppError::Conflict {
        field: "password".into(),
        message: LINK_GONE.into(),
    };
    if t.len() != 64 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(gone());
    }
    let hash = session::hash_token(&t);
    let link = team::link(&state.db, &hash, now())
        .await?
        .ok_or_else(gone)?;
    let mut errors = FieldErrors::new();
    let username = if username.trim().is_empty() || !link.username.is_empty() {
        None
    } else {
        Username::parse(&username)
            .map_err(|e| errors.add("username", e.to_string()))
            .ok()
    };
    take_new_password(
        &mut errors,
        ("password", "password_confirm"),
        (&password, &password_confirm),
        &link.credit_code,
    );
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let password_hash = state.hasher.hash(password).await.map_err(AppError::log)?;
    team::use_link(
        &state.db,
        &hash,
        &password_hash,
        username.as_ref().map(|u| u.as_str()),
        now(),
    )
    .await
    .map_err(ssr::error)?
    .ok_or_else(gone)?;
    Ok(format!(
        "密码已设置。请在“法人用户登录”中输入统一社会信用代码 {}、您的手机号{}和新密码登录。",
        link.credit_code,
        username
            .map(|u| format!("(或用户名 {})", u.as_str()))
            .unwrap_or_default()
    ))
}

/// 账号设置: the caller's own account and login sessions.
#[server(endpoint = "account/overview", output = crate::api::TextJson)]
pub async fn account_overview() -> Result<AccountView, AppError> {
    use crate::server::{cst_datetime, now, session, team, AppState};
    let state = AppState::get()?;
    let (user, token) = crate::api::auth::ssr::session_with_token(&state).await?;
    let current = session::hash_token(&token);
    let (mobile, totp, username) = team::own_account(&state.db, user.user_id).await?;
    let mobile = mobile.unwrap_or_default();
    let login = match (user.kind, user.login.split_once('/')) {
        (crate::domain::UserKind::Enterprise, Some((code, _))) => format!(
            "统一社会信用代码 {code} + 手机号 {mobile}{}",
            username
                .map(|u| format!(" 或用户名 {u}"))
                .unwrap_or_default()
        ),
        (crate::domain::UserKind::Enterprise, None) => format!("统一社会信用代码 {}", user.login),
        _ => format!("用户名 {}", user.login),
    };
    let sessions = team::sessions_of(&state.db, user.user_id, now())
        .await?
        .into_iter()
        .map(|(id, started, seen, ip, device)| SessionView {
            current: id == current,
            id,
            started: cst_datetime(started),
            last_seen: cst_datetime(seen),
            ip,
            device: crate::domain::team::device_name(&device),
        })
        .collect();
    Ok(AccountView {
        name: user.display_name.clone(),
        login,
        mobile: crate::domain::Mobile::parse(&mobile)
            .map(|m| m.masked())
            .unwrap_or_default(),
        belongs_to: user.belongs_to.clone(),
        role: match user.role {
            Some(r) => r.label().into(),
            None => user.kind.label().into(),
        },
        totp: totp != 0,
        sessions,
    })
}

/// Changes the caller's own name.
#[server(endpoint = "account/name", output = crate::api::TextJson)]
pub async fn set_own_name(name: String) -> Result<String, AppError> {
    use crate::server::{audit, http, now, AppState};
    let state = AppState::get()?;
    let user = ssr::me(&state).await?;
    let name = crate::domain::team::parse_person_name(&name).map_err(|m| AppError::Conflict {
        field: "name".into(),
        message: m.into(),
    })?;
    crate::server::team::rename(
        &state.db,
        &audit::Actor::of(&user, http::client_ip().await),
        user.user_id,
        &format!("姓名由 {} 改为 {name}", user.display_name),
        &name,
        now(),
    )
    .await?;
    Ok("姓名已修改。".into())
}

/// Sends a code to the new mobile of the caller's own account.
#[server(endpoint = "account/mobile/code", output = crate::api::TextJson)]
pub async fn own_mobile_code(mobile: String) -> Result<super::code::CodeSent, AppError> {
    use crate::server::{http, now, sms_code, AppState};
    let state = AppState::get()?;
    let user = ssr::me(&state).await?;
    let mobile = ssr::mobile(&mobile)?;
    if !sms_code::ip_allows(&state.db, &http::client_ip().await, now()).await? {
        return Err(sms_code::ip_limited());
    }
    let subject = format!("{}:{}", user.user_id, mobile.as_str());
    let sent = sms_code::issue(&state.db, &state.sms, OWN_MOBILE, &subject, &mobile, now()).await;
    super::code::Sending {
        what: "验证码",
        place: "新手机",
        mobile: &mobile,
        field: "mobile",
    }
    .outcome(sent, &state.config.service_phone)
}

/// The SMS purpose of the code that confirms one's own new mobile.
pub const OWN_MOBILE: &str = "own_mobile";

/// Changes the caller's own mobile: the code sent to the new phone and the
/// current password; the old phone is told.
#[server(endpoint = "account/mobile", output = crate::api::TextJson)]
pub async fn set_own_mobile(
    mobile: String,
    code: String,
    current: String,
) -> Result<String, AppError> {
    use crate::domain::{Mobile, SmsCode};
    use crate::server::{audit, http, now, sms_code, AppState};
    let state = AppState::get()?;
    let user = ssr::me(&state).await?;
    let mobile = ssr::mobile(&mobile)?;
    let code = SmsCode::parse(&code)
        .map_err(|e| AppError::conflict("code", crate::domain::Explain::explained(&e)))?;
    let subject = format!("{}:{}", user.user_id, mobile.as_str());
    if let Err(e) = sms_code::verify(&state.db, OWN_MOBILE, &subject, code.as_str(), now()).await? {
        return Err(AppError::Conflict {
            field: "code".into(),
            message: sms_code::verify_message(&e),
        });
    }
    // A wrong password does not cost the code just typed.
    if let Err(e) = super::account::ssr::check_password(&state, &user, current).await {
        sms_code::unuse(&state.db, OWN_MOBILE, &subject, now()).await?;
        return Err(e);
    }
    let old =
        crate::server::team::set_own_mobile(&state.db, user.user_id, user.enterprise_id, &mobile)
            .await
            .map_err(ssr::error)?;
    // A security change: every other login ends.
    if let Some(token) = crate::api::auth::ssr::session_token(&state).await? {
        crate::server::session::end_others(&state.db, user.user_id, &token).await?;
    }
    audit::security_event_now(
        &state.db,
        &audit::Actor::of(&user, http::client_ip().await),
        user.user_id,
        "account.mobile",
        &format!("手机号改为 {}", mobile.masked()),
        now(),
    )
    .await?;
    if let Some(old) = old.as_deref().and_then(|o| Mobile::parse(o).ok()) {
        let _ = state
            .sms
            .send(
                &state.db,
                &old,
                "account_notice",
                &format!(
                    "【危化品经营安全监管系统】您的账号手机号已改为 {}。如非本人操作,请立即联系{}。",
                    mobile.masked(),
                    if user.kind == crate::domain::UserKind::Enterprise { "本单位管理员或客服" } else { "系统管理员" }
                ),
                now(),
            )
            .await;
    }
    Ok(format!("手机号已改为 {}。", mobile.masked()))
}

/// Ends one of the caller's sessions (`id`), or every other one (`others`).
#[server(endpoint = "account/sessions/end", output = crate::api::TextJson)]
pub async fn end_own_session(
    #[server(default)] id: String,
    #[server(default)] others: bool,
) -> Result<String, AppError> {
    use crate::server::{session, team, AppState};
    let state = AppState::get()?;
    let (user, token) = crate::api::auth::ssr::session_with_token(&state).await?;
    if others {
        session::end_others(&state.db, user.user_id, &token).await?;
        return Ok("其他设备上的登录已全部结束。".into());
    }
    if id == session::hash_token(&token) {
        return Err(AppError::Conflict {
            field: "id".into(),
            message: "这是您当前正在使用的登录;要结束它,请点击“退出”。".into(),
        });
    }
    if !team::end_session(&state.db, user.user_id, &id).await? {
        return Err(AppError::Conflict {
            field: "id".into(),
            message: "这个登录已经结束。".into(),
        });
    }
    Ok("已结束该设备上的登录。".into())
}
