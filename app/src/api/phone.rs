//! 手机号码无法接收短信? The handler's phone is changed by proving who one
//! is: the credit code, the enterprise name and the legal representative's
//! ID number (each checked against the registered record and reported per
//! field), and a code sent to the new number. When the registry confirms the
//! enterprise as well, the phone changes at once; otherwise the request goes
//! to the review queue. Every session of the account ends after a change.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub const PURPOSE: &str = "change_phone";

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::domain::{CreditCode, FieldErrors};
    use crate::error::AppError;
    use crate::server::AppState;

    pub struct Account {
        pub user_id: i64,
        pub credit_code: String,
        pub name: String,
        pub legal_rep_name: String,
        pub id_doc_number: String,
        pub enterprise_id: i64,
        pub mobile: String,
    }

    /// The audit entry of a phone change, with both numbers masked.
    pub fn mobile_change(old: &str, new: &str) -> crate::domain::enterprise_info::FieldChange {
        let masked = |m: &str| {
            crate::domain::Mobile::parse(m)
                .map(|m| m.masked())
                .unwrap_or_default()
        };
        crate::domain::enterprise_info::FieldChange {
            field: "mobile".into(),
            label: "经办人手机号".into(),
            before: masked(old),
            after: masked(new),
        }
    }

    /// The active enterprise account of a typed credit code.
    pub async fn account(state: &AppState, typed: &str) -> Result<Account, AppError> {
        let code = match CreditCode::parse(typed) {
            Ok(c) => c.to_string(),
            Err(e) if e.manual_review_possible() => crate::domain::normalize::normalize_code(typed),
            Err(e) => {
                let mut f = FieldErrors::new();
                f.add("account", e.to_string());
                return Err(AppError::Validation(f));
            }
        };
        let row: Option<(i64, String, String, String, i64, Option<String>)> = sqlx::query_as(
            "SELECT u.id, e.name, e.legal_rep_name, e.id_doc_number, e.id, u.mobile FROM users u JOIN enterprises e ON e.id = u.enterprise_id \
             WHERE u.kind = 'enterprise' AND u.login = $1 AND u.status = 'active'",
        )
        .bind(&code)
        .fetch_optional(state.db.reader())
        .await?;
        let (user_id, name, legal_rep_name, id_doc_number, enterprise_id, mobile) = row
            .ok_or_else(|| AppError::Conflict {
                field: "account".into(),
                message: super::super::auth::NO_SUCH_ACCOUNT.into(),
            })?;
        Ok(Account {
            user_id,
            credit_code: code,
            name,
            legal_rep_name,
            id_doc_number,
            enterprise_id,
            mobile: mobile.unwrap_or_default(),
        })
    }

    pub fn subject(user_id: i64, mobile: &str) -> String {
        format!("{user_id}:{mobile}")
    }
}

/// Sends a code to the new phone.
#[server(endpoint = "phone/code")]
pub async fn send_phone_code(account: String, new_mobile: String) -> Result<String, AppError> {
    use crate::domain::{FieldErrors, Mobile};
    use crate::server::{http, now, session, sms_code, AppState};
    let state = AppState::get()?;
    let mobile = Mobile::parse(&new_mobile).map_err(|e| {
        let mut f = FieldErrors::new();
        f.add("new_mobile", e.to_string());
        AppError::Validation(f)
    })?;
    let a = ssr::account(&state, &account).await?;
    let ip = http::client_ip().await;
    if !session::throttle(&state.db, &format!("sms:{ip}"), 20, 3600, now()).await? {
        return Err(AppError::RateLimited(
            "获取验证码过于频繁,请一小时后再试。".into(),
        ));
    }
    let subject = ssr::subject(a.user_id, mobile.as_str());
    sms_code::issue(&state.db, &state.sms, PURPOSE, &subject, &mobile, now())
        .await
        .map(|()| format!("验证码已发送至新手机 {},5分钟内有效。", mobile.masked()))
        .map_err(|e| AppError::Conflict {
            field: "new_mobile".into(),
            message: sms_code::issue_message(&e, &state.config.service_phone),
        })
}

/// Checks the proof and changes the phone, or files it for review. Returns what happened.
#[server(endpoint = "phone/change")]
pub async fn change_phone(
    account: String,
    enterprise_name: String,
    id_number: String,
    new_mobile: String,
    sms_code: String,
) -> Result<String, AppError> {
    use crate::domain::normalize::{normalize_code, normalize_text};
    use crate::domain::registration::parse_enterprise_name;
    use crate::domain::{FieldErrors, Mobile, SmsCode};
    use crate::server::registry::{Claim, Verdict};
    use crate::server::{now, session, sms_code as codes, AppState};
    let state = AppState::get()?;
    let mut f = FieldErrors::new();
    let name = f.take("enterprise_name", parse_enterprise_name(&enterprise_name));
    if normalize_code(&id_number).is_empty() {
        f.add("id_number", "请输入法定代表人的证件号码。");
    }
    let mobile = f.take("new_mobile", Mobile::parse(&new_mobile));
    let code = f.take("sms_code", SmsCode::parse(&sms_code));
    let a = ssr::account(&state, &account).await?;
    let (Some(name), Some(mobile), Some(code), true) = (name, mobile, code, f.is_empty()) else {
        return Err(AppError::Validation(f));
    };
    let stuck = format!(
        "如确认填写无误仍提示不一致,请拨打客服电话 {}({})说明情况。",
        state.config.service_phone, state.config.service_hours
    );
    if normalize_text(&name) != normalize_text(&a.name) {
        f.add(
            "enterprise_name",
            format!("企业名称与注册时的信息不一致,请填写营业执照上的完整名称。{stuck}"),
        );
    }
    if normalize_code(&id_number) != normalize_code(&a.id_doc_number) {
        f.add(
            "id_number",
            format!("法定代表人证件号码与注册时的信息不一致,请核对(注意末位X)。{stuck}"),
        );
    }
    if !f.is_empty() {
        return Err(AppError::Validation(f));
    }
    let subject = ssr::subject(a.user_id, mobile.as_str());
    if let Err(e) = codes::verify(&state.db, PURPOSE, &subject, code.as_str(), now()).await? {
        return Err(AppError::Conflict {
            field: "sms_code".into(),
            message: codes::verify_message(&e),
        });
    }
    let claim = Claim {
        credit_code: a.credit_code.clone(),
        name: a.name.clone(),
        legal_rep_name: a.legal_rep_name.clone(),
        id_number: a.id_doc_number.clone(),
    };
    let confirmed = matches!(
        state.registry.verify(&state.db, &claim).await,
        Ok(Verdict::Match)
    );
    let actor = crate::server::audit::Actor {
        user_id: a.user_id,
        name: format!("{} · 经办人(短信验证新手机)", a.name),
        ip: crate::server::http::client_ip().await,
    };
    let change = ssr::mobile_change(&a.mobile, mobile.as_str());
    let mut tx = state.db.write_tx().await?;
    if confirmed {
        sqlx::query("UPDATE users SET mobile = $2 WHERE id = $1")
            .bind(a.user_id)
            .bind(mobile.as_str())
            .execute(&mut *tx)
            .await?;
        crate::server::audit::audit(
            &mut tx,
            &actor,
            Some(a.enterprise_id),
            "account.phone",
            "更换经办人手机号(登记机关核验一致)",
            &[change],
            "ok",
            now(),
        )
        .await?;
        tx.commit().await?;
        session::end_all(&state.db, a.user_id).await?;
        Ok(format!(
            "经办人手机号已更换为 {}。原有登录已全部退出;如需找回密码,验证码将发送到新手机。",
            mobile.masked()
        ))
    } else {
        sqlx::query(
            "INSERT INTO phone_change_requests (user_id, new_mobile, status, created_at) VALUES ($1, $2, 'pending', $3)",
        )
        .bind(a.user_id)
        .bind(mobile.as_str())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        crate::server::audit::audit(
            &mut tx,
            &actor,
            Some(a.enterprise_id),
            "account.phone_request",
            "申请更换经办人手机号(转人工审核)",
            &[change],
            "ok",
            now(),
        )
        .await?;
        tx.commit().await?;
        Ok(format!(
            "登记机关暂时无法确认企业信息,更换申请已提交人工审核(一个工作日内)。审核通过后经办人手机号将更换为 {},结果以短信通知新手机。",
            mobile.masked()
        ))
    }
}

/// A phone change waiting for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneChangeItem {
    pub id: i64,
    pub credit_code: String,
    pub name: String,
    pub old_mobile: String,
    pub new_mobile: String,
    pub waited: String,
    pub overdue: bool,
}

#[server(endpoint = "phone/queue")]
pub async fn phone_change_queue() -> Result<Vec<PhoneChangeItem>, AppError> {
    use crate::api::review::waited_text;
    use crate::domain::Mobile;
    use crate::server::{now, regions, AppState};
    let state = AppState::get()?;
    let (_, scope) = crate::api::review::ssr::reviewer(&state).await?;
    /// (id, credit code, name, old mobile, new mobile, region, created at)
    type Row = (i64, String, String, Option<String>, String, String, i64);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT p.id, e.credit_code, e.name, u.mobile, p.new_mobile, COALESCE(e.region_code, ''), p.created_at \
         FROM phone_change_requests p JOIN users u ON u.id = p.user_id JOIN enterprises e ON e.id = u.enterprise_id \
         WHERE p.status = 'pending' ORDER BY p.created_at, p.id",
    )
    .fetch_all(state.db.reader())
    .await?;
    let t = now();
    let mask = |m: &str| Mobile::parse(m).map(|m| m.masked()).unwrap_or_default();
    Ok(rows
        .into_iter()
        .filter(|r| scope.as_deref().is_none_or(|s| regions::within(&r.5, s)))
        .map(
            |(id, credit_code, name, old, new, _, created)| PhoneChangeItem {
                id,
                credit_code,
                name,
                old_mobile: old.as_deref().map(mask).unwrap_or_default(),
                new_mobile: mask(&new),
                waited: waited_text(created, t),
                overdue: t > crate::server::calendar().one_working_day_after(created),
            },
        )
        .collect())
}

/// Approves (the phone changes, sessions end) or rejects a phone change; the new phone gets an SMS.
#[server(endpoint = "phone/decide")]
pub async fn decide_phone_change(request_id: i64, approve: bool) -> Result<String, AppError> {
    use crate::domain::Mobile;
    use crate::server::{now, regions, session, AppState};
    let state = AppState::get()?;
    let (reviewer, scope) = crate::api::review::ssr::reviewer(&state).await?;
    let mut tx = state.db.write_tx().await?;
    /// user id, new mobile, status, region, enterprise name and id, old mobile
    type RequestRow = (i64, String, String, String, String, i64, Option<String>);
    let row: Option<RequestRow> = sqlx::query_as(
        "SELECT p.user_id, p.new_mobile, p.status, COALESCE(e.region_code, ''), e.name, e.id, u.mobile FROM phone_change_requests p \
         JOIN users u ON u.id = p.user_id JOIN enterprises e ON e.id = u.enterprise_id WHERE p.id = $1",
    )
    .bind(request_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((user_id, new_mobile, status, region, name, enterprise_id, old_mobile)) = row else {
        return Err(AppError::Forbidden);
    };
    if scope
        .as_deref()
        .is_some_and(|s| !regions::within(&region, s))
    {
        return Err(AppError::Forbidden);
    }
    if status != "pending" {
        return Err(AppError::Conflict {
            field: "decision".into(),
            message: "该申请已由其他审核人处理,请刷新列表。".into(),
        });
    }
    sqlx::query("UPDATE phone_change_requests SET status = $2, decided_at = $3, decided_by = $4 WHERE id = $1")
        .bind(request_id)
        .bind(if approve { "approved" } else { "rejected" })
        .bind(now())
        .bind(reviewer.user_id)
        .execute(&mut *tx)
        .await?;
    if approve {
        sqlx::query("UPDATE users SET mobile = $2 WHERE id = $1")
            .bind(user_id)
            .bind(&new_mobile)
            .execute(&mut *tx)
            .await?;
    }
    let actor = crate::server::audit::Actor::of(&reviewer, crate::server::http::client_ip().await);
    let change = ssr::mobile_change(old_mobile.as_deref().unwrap_or(""), &new_mobile);
    let (action, summary) = if approve {
        ("account.phone_approve", "手机号更换申请审核通过")
    } else {
        ("account.phone_reject", "手机号更换申请审核不通过")
    };
    crate::server::audit::audit(
        &mut tx,
        &actor,
        Some(enterprise_id),
        action,
        summary,
        &[change],
        "ok",
        now(),
    )
    .await?;
    tx.commit().await?;
    if approve {
        session::end_all(&state.db, user_id).await?;
    }
    let text = if approve {
        format!("【危化品经营安全监管系统】{name}的经办人手机号已更换为本号码。")
    } else {
        format!(
            "【危化品经营安全监管系统】{name}更换经办人手机号的申请未通过审核,如有疑问请联系客服。"
        )
    };
    if let Ok(m) = Mobile::parse(&new_mobile) {
        let _ = state
            .sms
            .send(&state.db, &m, "phone_change_result", &text, now())
            .await;
    }
    Ok(format!(
        "已{}“{name}”的手机号更换申请。",
        if approve { "通过" } else { "退回" }
    ))
}
