//! 注册审核: the manual-review queue of registrations, for administrators
//! (all) and regulators (their region subtree).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::registration::ReviewDecision;
use crate::error::AppError;

/// One registration waiting for review, as the reviewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub user_id: i64,
    pub credit_code: String,
    pub name: String,
    pub legal_type: String,
    pub legal_rep_name: String,
    pub id_doc: String,
    pub address: String,
    pub region: String,
    pub established: String,
    pub industry: String,
    pub handler_name: String,
    pub mobile_masked: String,
    pub submitted_at: String,
    /// "已等待 3 小时" and whether the one-working-day promise is broken.
    pub waited: String,
    pub overdue: bool,
    /// The viewer's refused 不通过原因 for this account, back in its field.
    pub kept_reason: Option<String>,
}

pub fn waited_text(submitted: i64, now: i64) -> String {
    let mins = (now - submitted).max(0) / 60;
    match mins {
        0..=59 => format!("已等待 {mins} 分钟"),
        60..=2879 => format!("已等待 {} 小时", mins / 60),
        _ => format!("已等待 {} 天", mins / 1440),
    }
}

/// The registrations waiting for the caller's review, oldest first; a
/// `region` (from the dashboard of a region below the jurisdiction) narrows
/// the list to it, anything else lists the whole jurisdiction.
#[server(endpoint = "review/queue", output = crate::api::TextJson)]
pub async fn review_queue(#[server(default)] region: String) -> Result<Vec<ReviewItem>, AppError> {
    use crate::domain::id_document::mask_id_number;
    use crate::domain::kept_text::KeptForm;
    use crate::domain::registration::LegalType;
    use crate::domain::{IdDocType, Mobile};
    use crate::server::{cst_datetime, now, regions, AppState};
    let state = AppState::get()?;
    let (reviewer, scope) = crate::api::auth::ssr::require_reviewer(&state).await?;
    let region = region.trim();
    let narrow = (regions::get(region).is_some() && scope.covers(region)).then_some(region);
    let rows = crate::server::registration::review_queue(&state.db).await?;
    let t = now();
    let kept =
        crate::server::kept_text::kept(&state.db, reviewer.user_id, KeptForm::REVIEW_PREFIX, t)
            .await;
    let mut items = vec![];
    for r in rows {
        if !scope.covers(&r.org.region_code)
            || narrow.is_some_and(|n| !regions::within(&r.org.region_code, n))
        {
            continue;
        }
        let form = KeptForm::ReviewReject { user: r.user_id };
        items.push(ReviewItem {
            kept_reason: kept
                .iter()
                .find(|(f, _)| *f == form)
                .map(|(_, t)| t.clone()),
            user_id: r.user_id,
            credit_code: r.org.credit_code,
            name: r.org.enterprise_name,
            legal_type: LegalType::from_code(&r.org.legal_type)
                .map(|l| l.label().to_string())
                .unwrap_or(r.org.legal_type),
            legal_rep_name: r.org.legal_rep_name,
            id_doc: format!(
                "{} {}",
                IdDocType::from_code(&r.org.id_doc_type)
                    .map(|d| d.label())
                    .unwrap_or(""),
                mask_id_number(&r.org.id_doc_number)
            ),
            address: r.org.address,
            region: regions::full_name(&r.org.region_code),
            established: r.org.established,
            industry: r.org.industry,
            handler_name: r.handler_name,
            mobile_masked: Mobile::parse(&r.mobile)
                .map(|m| m.masked())
                .unwrap_or_default(),
            submitted_at: cst_datetime(r.submitted_at),
            waited: waited_text(r.submitted_at, t),
            overdue: t > crate::server::calendar().one_working_day_after(r.submitted_at),
        });
    }
    Ok(items)
}

/// Approves or rejects (with `reason`) a registration.
#[server(endpoint = "review/decide", output = crate::api::TextJson)]
pub async fn decide_review(
    user_id: i64,
    decision: ReviewDecision,
    reason: String,
) -> Result<String, AppError> {
    use crate::server::AppState;
    use leptos::server_fn::ServerFn as _;
    let state = AppState::get()?;
    let (reviewer, scope) = crate::api::auth::ssr::require_reviewer(&state).await?;
    let result = decide_as(&state, &reviewer, &scope, user_id, decision, &reason).await;
    // A refused plain post's 不通过原因 comes back in its field, unless the
    // registration has been decided or closed meanwhile (a conflict, said
    // above the list): then there is no field, and no use, for it.
    if !matches!(result, Err(AppError::Conflict { .. })) {
        let form = crate::domain::kept_text::KeptForm::ReviewReject { user: user_id };
        let by = (&state.db, reviewer.user_id);
        crate::server::http::keep_text_after(DecideReview::PATH, by, form, &result, &reason).await;
    }
    result
}

/// [`decide_review`] by `reviewer`, whose jurisdiction is `scope`.
#[cfg(feature = "ssr")]
async fn decide_as(
    state: &crate::server::AppState,
    reviewer: &crate::server::session::SessionUser,
    scope: &crate::server::guard::Jurisdiction,
    user_id: i64,
    decision: ReviewDecision,
    reason: &str,
) -> Result<String, AppError> {
    use crate::domain::registration::reject_reason;
    use crate::domain::{FieldErrors, Mobile};
    use crate::server::{cst_datetime, now, registration};
    let Some(p) = registration::registration(&state.db, user_id).await? else {
        // Replaced by a registration the registry confirmed: say so, to a
        // reviewer of its region only.
        if let Some((at, region)) = registration::superseded_at(&state.db, user_id).await? {
            if !scope.covers(&region) {
                return Err(AppError::Forbidden);
            }
            return Err(AppError::Conflict {
                field: "decision".into(),
                message: format!(
                    "该申请已于 {} 由系统关闭:{},无需审核。请刷新列表。",
                    cst_datetime(at),
                    registration::SUPERSEDED_REASON
                )
                .into(),
            });
        }
        return Err(AppError::Forbidden);
    };
    if !scope.covers(&p.region_code) {
        return Err(AppError::Forbidden);
    }
    // Checked after the object is known to be the reviewer's: an outsider
    // learns nothing from a field message.
    let approve = decision == ReviewDecision::Approve;
    let reason = if approve {
        String::new()
    } else {
        reject_reason(reason).map_err(|m| {
            let mut f = FieldErrors::new();
            f.add("reason", m);
            AppError::Validation(f)
        })?
    };
    let actor = crate::server::audit::Actor::of(reviewer, crate::server::http::client_ip().await);
    if let Err(first) =
        registration::decide_review(&state.db, &p, approve, &reason, &actor, now()).await?
    {
        return Err(AppError::Conflict {
            field: "decision".into(),
            message: format!(
                "该申请已由{}{}{},请刷新列表。",
                if first.by.is_empty() {
                    "其他审核人".to_string()
                } else {
                    first.by
                },
                first
                    .at
                    .map(|t| format!("于 {} ", cst_datetime(t)))
                    .unwrap_or_default(),
                if first.approved {
                    "审核通过"
                } else {
                    "退回"
                },
            )
            .into(),
        });
    }
    let (name, mobile) = (p.name, p.mobile);
    let text = if approve {
        format!("【危化品经营安全监管系统】{name}的注册申请已审核通过,请使用统一社会信用代码登录。")
    } else {
        // The reason is the reviewer's words; "重新注册" is said once.
        let reason = reason.trim_end_matches(['。', '.', ';', ';', ' ']);
        let next = if reason.contains("重新注册") {
            ""
        } else {
            "请按原因修改后重新注册。"
        };
        format!("【危化品经营安全监管系统】{name}的注册申请未通过审核,原因:{reason}。{next}")
    };
    // The approved account finds the result in its messages; a rejected one
    // cannot log in (and is replaced when it registers again): the SMS says why.
    if approve {
        // The registrant's phone gets the result's own SMS below.
        crate::server::messages::tell(
            &state.db,
            None,
            crate::server::messages::To::User(user_id),
            crate::server::messages::NewMessage {
                kind: crate::domain::message::MessageKind::Registration,
                title: &format!("{name}的注册申请已审核通过"),
                body: "注册申请已审核通过,欢迎使用本系统。请先在“完善信息”中填写并提交企业信息。",
                link: "/info",
            },
            now(),
        )
        .await;
    }
    let sms = match mobile.as_deref().map(Mobile::parse) {
        Some(Ok(m)) => state
            .sms
            .send(&state.db, &m, "review_result", &text, now())
            .await
            .is_ok(),
        _ => false,
    };
    Ok(crate::server::http::confirm(match (approve, sms) {
        (true, true) => format!("已通过“{name}”的注册申请,已短信通知经办人。"),
        (false, true) => format!("已退回“{name}”的注册申请,已短信通知经办人。"),
        (_, false) => format!("已处理“{name}”的注册申请,但短信通知发送失败,请电话联系经办人。"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_time_in_words() {
        assert_eq!(waited_text(0, 59 * 60), "已等待 59 分钟");
        assert_eq!(waited_text(0, 5 * 3600), "已等待 5 小时");
        assert_eq!(waited_text(0, 3 * 86_400), "已等待 3 天");
    }
}
