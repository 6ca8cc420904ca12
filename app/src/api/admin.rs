//! 用户管理: administrators create and disable regulator users.
//!
//! A regulator belongs to the 应急管理局 (应急管理厅 at province level) of a
//! region from the GB/T 2260 data; the organisation is created on first use.
//! The initial password is random, shown once to the administrator, and
//! meets the password policy.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegulatorRow {
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
    pub organization: String,
    pub active: bool,
    /// Five wrong passwords: the administrator may unlock it.
    pub locked: bool,
    /// Still on a password an administrator chose.
    pub must_change_password: bool,
}

/// A random initial password that meets the policy, and its hash.
#[cfg(feature = "ssr")]
async fn initial_password(state: &crate::server::AppState) -> Result<(String, String), AppError> {
    let password = random_password();
    let hash = state
        .hasher
        .hash(password.clone())
        .await
        .map_err(AppError::log)?;
    Ok((password, hash))
}

#[cfg(feature = "ssr")]
fn random_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    loop {
        let body: String = (0..12)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        let pw = format!("{}-{}", &body[..6], &body[6..]);
        if crate::domain::Password::parse(&pw, None).is_ok() {
            return pw;
        }
    }
}

#[server(endpoint = "admin/regulators", output = crate::api::TextJson)]
pub async fn list_regulators() -> Result<Vec<RegulatorRow>, AppError> {
    let state = crate::server::AppState::get()?;
    crate::api::auth::ssr::require_admin(&state).await?;
    let t = crate::server::now();
    let mut out = vec![];
    for r in crate::server::admin::list(&state.db).await? {
        let key = crate::server::session::login_key(true, &r.login);
        let locked = crate::server::limits::denied(
            &state.db,
            &key,
            crate::server::session::LOGIN_FAILURES,
            t,
        )
        .await?
        .is_some();
        out.push(RegulatorRow {
            user_id: r.user_id,
            login: r.login,
            display_name: r.display_name,
            organization: r.organization,
            active: r.active,
            locked,
            must_change_password: r.must_change_password,
        });
    }
    Ok(out)
}

/// Creates a regulator user; returns the one-time initial password. A
/// refused plain post (the password is never sent in an address) goes back
/// with what was typed: the form starts from it (`AdminUsersPage`).
#[server(endpoint = "admin/regulators/create", output = crate::api::TextJson)]
pub async fn create_regulator(
    login: String,
    display_name: String,
    #[server(default)] region_province: String,
    #[server(default)] region_city: String,
    #[server(default)] region_county: String,
) -> Result<String, AppError> {
    use leptos::server_fn::ServerFn as _;
    // The most specific level chosen.
    let region = [region_county, region_city, region_province]
        .into_iter()
        .find(|c| !c.is_empty())
        .unwrap_or_default();
    let result = create_regulator_attempt(&login, &display_name, &region).await;
    use crate::domain::account::NewStaffField as F;
    let typed = [
        (F::Login.name(), &*login),
        (F::DisplayName.name(), &display_name),
        (F::RegionCode.name(), &region),
    ];
    crate::server::http::keep_typed_after_error(CreateRegulator::PATH, &result, &typed).await;
    result
}

/// The body of [`create_regulator`].
#[cfg(feature = "ssr")]
async fn create_regulator_attempt(
    login: &str,
    display_name: &str,
    region: &str,
) -> Result<String, AppError> {
    use crate::domain::account::{check_new_staff, NewStaffField as F, STAFF_REGION_MISSING};
    use crate::domain::FieldErrors;
    use crate::server::{now, AppState};
    let state = AppState::get()?;
    let admin = crate::api::auth::ssr::require_admin(&state).await?;
    crate::server::http::secret_needs_the_page()?;
    let mut errors = FieldErrors::new();
    let typed = check_new_staff(login, display_name, &mut errors);
    let org = crate::server::regions::organization_name(region);
    if org.is_none() {
        errors.add(F::RegionCode, STAFF_REGION_MISSING);
    }
    let (Some((login, name)), Some((org_name, level)), true) = (typed, org, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
    let (password, hash) = initial_password(&state).await?;
    let actor = crate::server::audit::Actor::of(&admin, crate::server::http::client_ip().await);
    let new = crate::server::admin::NewStaff {
        login: &login,
        display_name: &name,
        org_name: &org_name,
        org_level: level,
        region,
        password_hash: &hash,
    };
    if !crate::server::admin::create(&state.db, &actor, &new, now()).await? {
        return Err(AppError::Conflict {
            field: F::Login.to_string(),
            message: format!("用户名“{login}”已被使用,请换一个。").into(),
        });
    }
    Ok(format!(
        "已创建监管用户 {login}({org_name})。初始密码:{password} (只显示这一次,请通过安全方式告知本人;本人首次登录时必须改为自己的新密码,管理员不会知道新密码)"
    ))
}

/// Disables (ending every session) or re-enables a regulator user.
#[server(endpoint = "admin/regulators/status", output = crate::api::TextJson)]
pub async fn set_regulator_active(user_id: i64, active: bool) -> Result<String, AppError> {
    use crate::server::{session, AppState};
    let state = AppState::get()?;
    let admin = crate::api::auth::ssr::require_admin(&state).await?;
    let actor = crate::server::audit::Actor::of(&admin, crate::server::http::client_ip().await);
    let changed =
        crate::server::admin::set_active(&state.db, &actor, user_id, active, crate::server::now())
            .await?;
    let Some(login) = changed else {
        return Err(AppError::Forbidden);
    };
    if !active {
        session::end_all(&state.db, user_id).await?;
    }
    Ok(crate::server::http::confirm(if active {
        format!("已启用 {login},本人可以再次登录。")
    } else {
        format!("已停用 {login},其登录已全部结束。")
    }))
}

/// The regulator `user_id`'s login, for an administrator's action on it.
#[cfg(feature = "ssr")]
async fn regulator_login(
    state: &crate::server::AppState,
    user_id: i64,
) -> Result<String, AppError> {
    crate::server::admin::login_of(&state.db, user_id)
        .await?
        .ok_or(AppError::Forbidden)
}

/// Unlocks a regulator locked by wrong passwords (audited; shown to them at the next login).
#[server(endpoint = "admin/regulators/unlock", output = crate::api::TextJson)]
pub async fn unlock_regulator(user_id: i64) -> Result<String, AppError> {
    use crate::server::{audit, http, limits, now, session, AppState};
    let state = AppState::get()?;
    let admin = crate::api::auth::ssr::require_admin(&state).await?;
    let login = regulator_login(&state, user_id).await?;
    limits::reset(&state.db, &session::login_key(true, &login)).await?;
    let actor = audit::Actor::of(&admin, http::client_ip().await);
    audit::security_event_now(
        &state.db,
        &actor,
        user_id,
        "account.unlock",
        &format!("管理员解锁了账号 {login}"),
        now(),
    )
    .await?;
    Ok(crate::server::http::confirm(format!(
        "已解锁 {login},本人可立即登录。"
    )))
}

/// Gives a regulator a new one-time password that they must replace at the
/// next login; every session of theirs ends. Returns the password once.
#[server(endpoint = "admin/regulators/reset-password", output = crate::api::TextJson)]
pub async fn reset_regulator_password(user_id: i64) -> Result<String, AppError> {
    use crate::server::{account, audit, http, limits, now, session, AppState};
    let state = AppState::get()?;
    let admin = crate::api::auth::ssr::require_admin(&state).await?;
    http::secret_needs_the_page()?;
    let login = regulator_login(&state, user_id).await?;
    let (password, hash) = initial_password(&state).await?;
    let actor = audit::Actor::of(&admin, http::client_ip().await);
    account::set_password(
        &state.db,
        &actor,
        user_id,
        &hash,
        true,
        "account.password_reset",
        &format!("管理员重置了 {login} 的密码(登录后须改为本人密码)"),
        now(),
    )
    .await?;
    // The authenticator stays: the administrator knows the temporary password
    // but cannot log in as the regulator without the regulator's phone.
    session::end_all(&state.db, user_id).await?;
    limits::reset(&state.db, &session::login_key(true, &login)).await?;
    Ok(format!(
        "已重置 {login} 的密码。临时密码:{password} (只显示这一次;本人用它和自己的身份验证器登录后,必须立即改为自己的新密码)"
    ))
}
