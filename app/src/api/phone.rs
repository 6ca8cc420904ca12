//! 手机号码无法接收短信? The handler's phone is changed by a request that the
//! real owner controls.
//!
//! The requester receives a code on the new phone; only after that code is
//! checked are the typed enterprise name and the legal representative's ID
//! number compared (throttled per enterprise, per ID number and per address,
//! so the form is no oracle for public-data guessing). Then, however the
//! request is checked, the phone on file is told at once by SMS with a link
//! that cancels it, and nothing changes before the waiting period has
//! passed. When the registry confirms the typed data the request waits for
//! that period; otherwise the requester uploads 营业执照, 法人授权书 and their
//! ID, a regulator of the enterprise's region reviews them, and the waiting
//! period starts after approval. When the change takes effect every session
//! of the account ends and both phones are told.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::domain::phone_change::PhoneChangeField;
use crate::domain::phone_change::{EvidenceDocument, PhoneChangeStatus};
use crate::error::AppError;

pub const PURPOSE: &str = "change_phone";

/// Where the requester follows a request (the token is theirs alone).
pub const STATUS_PAGE: &str = "/change-phone/status";
/// The page the phone on file is sent to.
pub const CANCEL_PAGE: &str = "/change-phone/cancel";

/// One uploaded document as the requester and the reviewer see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceView {
    pub id: String,
    pub document: EvidenceDocument,
    pub name: String,
}

/// Where a phone change stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneChangeView {
    pub enterprise_name: String,
    pub credit_code: String,
    pub old_mobile: String,
    pub new_mobile: String,
    pub status: PhoneChangeStatus,
    /// What happens next, with the times that matter.
    pub explanation: String,
    pub submitted_at: String,
    pub evidence: Vec<EvidenceView>,
    pub missing: Vec<EvidenceDocument>,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::{EvidenceView, PhoneChangeView};
    use crate::domain::phone_change::{
        EvidenceDocument, PhoneChangeEnd, PhoneChangeField, PhoneChangeStatus as Status,
    };
    use crate::domain::{help::Faq, Message};
    use crate::domain::{CreditCode, FieldErrors};
    use crate::error::AppError;
    use crate::server::limits::{self, Limit};
    use crate::server::phone::{masked, Change};
    use crate::server::{cst_datetime, AppState};

    pub struct Account {
        pub user_id: i64,
        pub credit_code: String,
        pub name: String,
        pub legal_rep_name: String,
        pub id_doc_number: String,
        pub enterprise_id: i64,
        pub mobile: String,
    }

    /// Comparisons of typed personal data: per enterprise and requester's
    /// phone (so one requester cannot use up the owner's), per enterprise,
    /// per ID number and per address.
    pub const PER_REQUESTER: Limit = Limit::per(5, 86_400);
    pub const PER_ENTERPRISE: Limit = Limit::per(20, 86_400);
    pub const PER_ID_NUMBER: Limit = Limit::per(5, 86_400);
    pub const PER_ADDRESS: Limit = Limit::per(30, 86_400);

    /// Takes one comparison from every limit it counts against; false if any is spent.
    pub async fn may_compare(
        state: &AppState,
        enterprise_id: i64,
        requester: &str,
        id_number: &str,
        ip: &str,
        now: i64,
    ) -> Result<bool, AppError> {
        for (key, limit) in [
            (
                format!("compare:enterprise:{enterprise_id}:{requester}"),
                PER_REQUESTER,
            ),
            (
                format!("compare:enterprise:{enterprise_id}"),
                PER_ENTERPRISE,
            ),
            (format!("compare:id:{id_number}"), PER_ID_NUMBER),
            (format!("ip:compare:{ip}"), PER_ADDRESS),
        ] {
            if limits::hit(&state.db, &key, limit, now).await?.is_err() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The active enterprise account of a typed credit code.
    pub async fn account(state: &AppState, typed: &str) -> Result<Account, AppError> {
        let code = match CreditCode::parse(typed) {
            Ok(c) => c.to_string(),
            Err(e) if e.manual_review_possible() => crate::domain::normalize::normalize_code(typed),
            Err(e) => {
                let mut f = FieldErrors::new();
                f.add(PhoneChangeField::Account, e.to_string());
                return Err(AppError::Validation(f));
            }
        };
        let row = crate::server::phone::enterprise_account(&state.db, &code).await?;
        let (user_id, name, legal_rep_name, id_doc_number, enterprise_id, mobile) = row
            .ok_or_else(|| {
                AppError::conflict(
                    PhoneChangeField::Account,
                    Message::explained(super::super::auth::NO_SUCH_ACCOUNT, Faq::AccountNotFound),
                )
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

    pub fn hours(secs: i64) -> i64 {
        (secs / 3600).max(1)
    }

    pub fn view_of(state: &AppState, c: &Change) -> PhoneChangeView {
        let delay = hours(state.config.phone_change_delay_secs);
        let when = c.effective_at.map(cst_datetime).unwrap_or_default();
        let explanation = match c.status {
            Status::Evidence => format!(
                "登记机关暂时无法确认企业信息。请上传下列证明材料后点击“提交审核”;审核通过后公示{delay}小时,期间原手机号可取消,公示期满才更换。"
            ),
            Status::Review => format!(
                "材料已提交,由企业所在地的监管部门人工审核(一个工作日内);审核通过后公示{delay}小时再生效,结果以短信通知新手机。"
            ),
            Status::Waiting => format!(
                "已核验,正在公示:将于 {when}(北京时间)生效。已短信告知原手机号 {};如非本单位申请,原手机号可通过短信中的链接取消。",
                masked(&c.old_mobile)
            ),
            Status::Done => "已生效:经办人手机号已更换,原有登录已全部退出;找回密码等验证码将发送到新手机。".into(),
            Status::Cancelled => c
                .closed_how
                .map_or("已取消,手机号未更换。", PhoneChangeEnd::cancelled_text)
                .into(),
            Status::Rejected => format!(
                "审核未通过,手机号未更换。原因:{}。可按原因准备材料后重新申请。",
                if c.review_note.is_empty() { "未说明" } else { c.review_note.as_str() }
            ),
        };
        let missing = EvidenceDocument::ALL
            .into_iter()
            .filter(|d| !c.evidence.iter().any(|e| e.document == *d))
            .collect();
        PhoneChangeView {
            enterprise_name: c.enterprise_name.clone(),
            credit_code: c.credit_code.clone(),
            old_mobile: masked(&c.old_mobile),
            new_mobile: masked(&c.new_mobile),
            status: c.status,
            explanation,
            submitted_at: cst_datetime(c.created_at),
            evidence: c
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    id: e.id.clone(),
                    document: e.document,
                    name: e.name.clone(),
                })
                .collect(),
            missing,
        }
    }

    pub fn not_found() -> AppError {
        AppError::Conflict {
            field: "request".into(),
            message: "找不到这个更换申请:链接不完整或已失效。请使用短信中的完整链接。".into(),
        }
    }

    /// The request behind a requester's token, after putting due changes into effect.
    pub async fn by_request(state: &AppState, token: &str) -> Result<Change, AppError> {
        let now = crate::server::now();
        crate::server::phone::apply_due(&state.db, &state.sms, now).await?;
        crate::server::phone::by_request_token(&state.db, token)
            .await?
            .ok_or_else(not_found)
    }

    pub async fn notify(state: &AppState, mobile: &str, purpose: &str, text: &str) {
        if let Ok(m) = crate::domain::Mobile::parse(mobile) {
            let _ = state
                .sms
                .send(&state.db, &m, purpose, text, crate::server::now())
                .await;
        }
    }
}

/// Sends a code to the new phone.
#[server(endpoint = "phone/code", output = crate::api::TextJson)]
pub async fn send_phone_code(
    account: String,
    new_mobile: String,
    #[server(default)] enterprise_name: String,
    #[server(default)] id_number: String,
) -> Result<super::code::CodeSent, AppError> {
    use crate::domain::id_document::parse_any_id_number;
    use crate::domain::registration::parse_enterprise_name;
    use crate::domain::{FieldErrors, Mobile};
    use crate::server::{http, now, sms_code, today, AppState};
    let state = AppState::get()?;
    // The form's own rules first (never a comparison with the record: that
    // comes only after the code, so this tells an outsider nothing).
    let mut f = FieldErrors::new();
    let mobile = f.take(PhoneChangeField::NewMobile, Mobile::parse(&new_mobile));
    f.take(
        PhoneChangeField::EnterpriseName,
        parse_enterprise_name(&enterprise_name),
    );
    f.take(
        PhoneChangeField::IdNumber,
        parse_any_id_number(&id_number, today()),
    );
    let (Some(mobile), true) = (mobile, f.is_empty()) else {
        return Err(AppError::Validation(f));
    };
    let a = ssr::account(&state, &account).await?;
    let ip = http::client_ip().await;
    if !sms_code::ip_allows(&state.db, &ip, now()).await? {
        return Err(sms_code::ip_limited());
    }
    let subject = ssr::subject(a.user_id, mobile.as_str());
    let sent = sms_code::issue(&state.db, &state.sms, PURPOSE, &subject, &mobile, now()).await;
    super::code::Sending {
        what: "验证码",
        place: "新手机",
        mobile: &mobile,
        field: PhoneChangeField::NewMobile.name(),
    }
    .outcome(sent, &state.config.service_phone)
}

/// Files a phone change: the code to the new phone first, then the typed
/// data (throttled), then the announcement to the phone on file. Redirects
/// to the request's status page.
#[server(endpoint = "phone/change", output = crate::api::TextJson)]
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
    use crate::server::phone::{self as repo, masked, Proof};
    use crate::server::registry::{Claim, Verdict};
    use crate::server::{cst_datetime, http, now, sms_code as codes, AppState};
    let state = AppState::get()?;
    let mut f = FieldErrors::new();
    let name = f.take(
        PhoneChangeField::EnterpriseName,
        parse_enterprise_name(&enterprise_name),
    );
    if normalize_code(&id_number).is_empty() {
        f.add(PhoneChangeField::IdNumber, "请输入法定代表人的证件号码。");
    }
    let mobile = f.take(PhoneChangeField::NewMobile, Mobile::parse(&new_mobile));
    let code = f.take(PhoneChangeField::SmsCode, SmsCode::parse(&sms_code));
    let a = ssr::account(&state, &account).await?;
    let (Some(name), Some(mobile), Some(code), true) = (name, mobile, code, f.is_empty()) else {
        return Err(AppError::Validation(f));
    };
    let t = now();
    // The cheap proof first: nothing about the typed data is said before it.
    let subject = ssr::subject(a.user_id, mobile.as_str());
    if let Err(e) = codes::verify(&state.db, PURPOSE, &subject, code.as_str(), t).await? {
        return Err(AppError::Conflict {
            field: PhoneChangeField::SmsCode.to_string(),
            message: codes::verify_message(&e),
        });
    }
    let ip = http::client_ip().await;
    let typed_id = normalize_code(&id_number);
    if !ssr::may_compare(&state, a.enterprise_id, mobile.as_str(), &typed_id, &ip, t).await? {
        return Err(AppError::RateLimited(
            format!(
                "今天的核对次数已用完,请明天再试;如急需办理,请拨打客服电话 {}({})。",
                state.config.service_phone, state.config.service_hours
            )
            .into(),
        ));
    }
    let stuck = format!(
        "如确认填写无误仍提示不一致,请拨打客服电话 {}({})说明情况。",
        state.config.service_phone, state.config.service_hours
    );
    if normalize_text(&name) != normalize_text(&a.name) {
        f.add(
            PhoneChangeField::EnterpriseName,
            crate::domain::Message::explained(
                format!("企业名称与注册时的信息不一致,请填写营业执照上的完整名称。{stuck}"),
                crate::domain::help::Faq::PhoneNoSms,
            ),
        );
    }
    if typed_id != normalize_code(&a.id_doc_number) {
        f.add(
            PhoneChangeField::IdNumber,
            crate::domain::Message::explained(
                format!("法定代表人证件号码与注册时的信息不一致,请核对(注意末位X)。{stuck}"),
                crate::domain::help::Faq::PhoneNoSms,
            ),
        );
    }
    if !f.is_empty() {
        // The code proved the new phone; only the typed data must change.
        codes::unuse(&state.db, PURPOSE, &subject, t).await?;
        return Err(AppError::Validation(f));
    }
    // The registry is asked with what the requester typed.
    let claim = Claim {
        credit_code: a.credit_code.clone(),
        name: name.clone(),
        legal_rep_name: a.legal_rep_name.clone(),
        id_number: typed_id,
    };
    // Without a phone on file nobody could object: a reviewer decides.
    let proof = if a.mobile.is_empty() {
        Proof::NeedsReview
    } else {
        match state.registry.verify(&state.db, &claim).await {
            Ok(Verdict::Match) => Proof::Registry,
            _ => Proof::NeedsReview,
        }
    };
    let actor = crate::server::audit::Actor::anonymous(
        format!("{} · 申请人(短信验证新手机 {})", a.name, mobile.masked()),
        ip,
    );
    let delay = state.config.phone_change_delay_secs;
    let opened = repo::open(
        &state.db,
        &actor,
        a.user_id,
        a.enterprise_id,
        &a.mobile,
        &mobile,
        proof,
        delay,
        t,
    )
    .await?
    .map_err(|_| AppError::Conflict {
        field: PhoneChangeField::Account.to_string(),
        message: "该账号已有一个手机号更换申请正在处理。请使用申请时短信中的链接查看进度;原经办人也可在原手机收到的短信中取消它。"
            .into(),
    })?;
    let base = &state.config.public_base_url;
    let hours = ssr::hours(delay);
    let old_text = match proof {
        Proof::Registry => format!(
            "【危化品经营安全监管系统】有人申请将{}的经办人手机号更换为 {},将于 {} 生效。如非本单位申请,请打开 {base}{CANCEL_PAGE}?t={} 取消。",
            a.name,
            mobile.masked(),
            cst_datetime(t + delay),
            opened.cancel_token
        ),
        Proof::NeedsReview => format!(
            "【危化品经营安全监管系统】有人申请将{}的经办人手机号更换为 {}(需人工审核,审核通过后公示{hours}小时生效)。如非本单位申请,请打开 {base}{CANCEL_PAGE}?t={} 取消。",
            a.name,
            mobile.masked(),
            opened.cancel_token
        ),
    };
    ssr::notify(&state, &a.mobile, "phone_change_notice", &old_text).await;
    let status_url = format!("{base}{STATUS_PAGE}?r={}", opened.request_token);
    ssr::notify(
        &state,
        mobile.as_str(),
        "phone_change_receipt",
        &format!(
            "【危化品经营安全监管系统】已收到{}更换经办人手机号的申请,进度请查看 {status_url}",
            a.name
        ),
    )
    .await;
    leptos_axum::redirect(&status_url);
    Ok(match proof {
        Proof::Registry => format!(
            "申请已提交:已短信告知原手机号 {},公示{hours}小时后(无人取消)生效。",
            masked(&a.mobile)
        ),
        Proof::NeedsReview => "申请已提交:请上传证明材料后提交审核。".into(),
    })
}

/// Where the requester's change stands.
#[server(endpoint = "phone/status", output = crate::api::TextJson)]
pub async fn phone_change_progress(r: String) -> Result<PhoneChangeView, AppError> {
    let state = crate::server::AppState::get()?;
    let c = ssr::by_request(&state, &r).await?;
    Ok(ssr::view_of(&state, &c))
}

/// Sends the uploaded documents to review.
#[server(endpoint = "phone/submit", output = crate::api::TextJson)]
pub async fn submit_phone_evidence(r: String) -> Result<String, AppError> {
    let state = crate::server::AppState::get()?;
    let c = ssr::by_request(&state, &r).await?;
    if c.status != PhoneChangeStatus::Evidence {
        return Err(AppError::Conflict {
            field: "request".into(),
            message: format!("这个申请现在是“{}”,不能再提交材料。", c.status.label()).into(),
        });
    }
    let view = ssr::view_of(&state, &c);
    if let Some(first) = view.missing.first() {
        return Err(AppError::Conflict {
            field: format!("evidence.{}", first.code()),
            message: format!(
                "还缺:{}。请上传后再提交审核。",
                view.missing
                    .iter()
                    .map(|d| d.label())
                    .collect::<Vec<_>>()
                    .join("、")
            )
            .into(),
        });
    }
    if !crate::server::phone::submit_evidence(&state.db, &c).await? {
        return Err(AppError::Conflict {
            field: "request".into(),
            message: "这个申请的状态已变化,请刷新页面查看。".into(),
        });
    }
    Ok("材料已提交审核。审核结果将以短信通知新手机,也可随时打开本页查看。".into())
}

/// The requester withdraws their own request.
#[server(endpoint = "phone/withdraw", output = crate::api::TextJson)]
pub async fn withdraw_phone_change(r: String) -> Result<String, AppError> {
    use crate::domain::phone_change::PhoneChangeEnd;
    use crate::server::audit::Actor;
    use crate::server::http::client_ip;
    use crate::server::phone as repo;
    use crate::server::{now, AppState};
    let state = AppState::get()?;
    let c = ssr::by_request(&state, &r).await?;
    let actor = Actor::anonymous(format!("{} · 申请人", c.enterprise_name), client_ip().await);
    if !repo::cancel(&state.db, &c, &actor, PhoneChangeEnd::Withdrawn, now()).await? {
        return Err(AppError::Conflict {
            field: "request".into(),
            message: format!("这个申请已经是“{}”,无法撤回。", c.status.label()).into(),
        });
    }
    Ok("申请已撤回,手机号未更换。".into())
}

/// What the phone on file is asked to cancel (the token came by SMS to it).
#[server(endpoint = "phone/cancel-info", output = crate::api::TextJson)]
pub async fn phone_change_to_cancel(t: String) -> Result<PhoneChangeView, AppError> {
    let state = crate::server::AppState::get()?;
    crate::server::phone::apply_due(&state.db, &state.sms, crate::server::now()).await?;
    let c = crate::server::phone::by_cancel_token(&state.db, &t)
        .await?
        .ok_or_else(ssr::not_found)?;
    Ok(ssr::view_of(&state, &c))
}

/// The phone on file cancels a change (its SMS carried the token).
#[server(endpoint = "phone/cancel", output = crate::api::TextJson)]
pub async fn cancel_phone_change(t: String) -> Result<String, AppError> {
    use crate::domain::phone_change::PhoneChangeEnd;
    use crate::server::audit::Actor;
    use crate::server::http::client_ip;
    use crate::server::phone as repo;
    use crate::server::{now, AppState};
    let state = AppState::get()?;
    let c = repo::by_cancel_token(&state.db, &t)
        .await?
        .ok_or_else(ssr::not_found)?;
    let name = format!("{} · 原经办人手机(短信链接)", c.enterprise_name);
    let actor = Actor::anonymous(name, client_ip().await);
    if !repo::cancel(
        &state.db,
        &c,
        &actor,
        PhoneChangeEnd::CancelledByOldPhone,
        now(),
    )
    .await?
    {
        return Err(AppError::Conflict {
            field: "request".into(),
            message: match c.status {
                PhoneChangeStatus::Done => format!(
                    "这个申请已经生效,无法再取消。如非本单位申请,请立即拨打客服电话 {}。",
                    state.config.service_phone
                )
                .into(),
                s => format!("这个申请已经是“{}”,无需取消。", s.label()).into(),
            },
        });
    }
    ssr::notify(
        &state,
        &c.new_mobile,
        "phone_change_cancelled",
        &format!(
            "【危化品经营安全监管系统】{}更换经办人手机号的申请已被原手机号取消,手机号未更换。",
            c.enterprise_name
        ),
    )
    .await;
    Ok("已取消:经办人手机号不会更换。如这不是本单位的申请,建议登录后修改密码。".into())
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
    pub evidence: Vec<EvidenceView>,
}

#[server(endpoint = "phone/queue", output = crate::api::TextJson)]
pub async fn phone_change_queue() -> Result<Vec<PhoneChangeItem>, AppError> {
    use crate::api::review::waited_text;
    use crate::server::phone::masked;
    use crate::server::{now, AppState};
    let state = AppState::get()?;
    let (_, scope) = crate::api::auth::ssr::require_reviewer(&state).await?;
    let t = now();
    Ok(crate::server::phone::review_queue(&state.db)
        .await?
        .into_iter()
        .filter(|c| scope.covers(&c.region_code))
        .map(|c| PhoneChangeItem {
            id: c.id,
            credit_code: c.credit_code,
            name: c.enterprise_name,
            old_mobile: masked(&c.old_mobile),
            new_mobile: masked(&c.new_mobile),
            waited: waited_text(c.created_at, t),
            overdue: t > crate::server::calendar().one_working_day_after(c.created_at),
            evidence: c
                .evidence
                .into_iter()
                .map(|e| EvidenceView {
                    id: e.id,
                    document: e.document,
                    name: e.name,
                })
                .collect(),
        })
        .collect())
}

/// A refusal without its reason (checked by the browser and here).
pub const NOTE_MISSING: &str = "请填写不同意的原因,它会以短信告知申请人。";

/// Approves (the waiting period starts, the phone on file is told again) or
/// rejects (with a reason, sent to the new phone) a reviewed change.
#[server(endpoint = "phone/decide", output = crate::api::TextJson)]
pub async fn decide_phone_change(
    request_id: i64,
    approve: bool,
    #[server(default)] note: String,
) -> Result<String, AppError> {
    use crate::server::phone::masked;
    use crate::server::{cst_datetime, now, AppState};
    let state = AppState::get()?;
    let (reviewer, scope) = crate::api::auth::ssr::require_reviewer(&state).await?;
    let c = crate::server::phone::by_id(&state.db, request_id)
        .await?
        .ok_or(AppError::Forbidden)?;
    if !scope.covers(&c.region_code) {
        return Err(AppError::Forbidden);
    }
    let note = note.trim().to_string();
    if !approve && note.is_empty() {
        let mut f = crate::domain::FieldErrors::new();
        f.add("note", NOTE_MISSING);
        return Err(AppError::Validation(f));
    }
    let actor = crate::server::audit::Actor::of(&reviewer, crate::server::http::client_ip().await);
    let delay = state.config.phone_change_delay_secs;
    let t = now();
    let decided =
        crate::server::phone::decide(&state.db, &c, &actor, approve, &note, delay, t).await?;
    let cancel_token = match decided {
        Ok(token) => token,
        Err(first) => {
            return Err(AppError::Conflict {
                field: "decision".into(),
                message: format!(
                    "该申请已{}({}{}),请刷新列表。",
                    first.status.label(),
                    if first.by.is_empty() {
                        String::new()
                    } else {
                        format!("由 {} ", first.by)
                    },
                    first.at.map(cst_datetime).unwrap_or_default()
                )
                .into(),
            })
        }
    };
    if approve {
        let text = format!(
            "【危化品经营安全监管系统】{}更换经办人手机号为 {} 的申请已审核通过,将于 {} 生效。",
            c.enterprise_name,
            masked(&c.new_mobile),
            cst_datetime(t + delay),
        );
        let base = &state.config.public_base_url;
        let to_old = match cancel_token {
            Some(token) => {
                format!("{text}如非本单位申请,请打开 {base}{CANCEL_PAGE}?t={token} 取消。")
            }
            None => text.clone(),
        };
        ssr::notify(&state, &c.old_mobile, "phone_change_notice", &to_old).await;
        ssr::notify(&state, &c.new_mobile, "phone_change_result", &text).await;
    } else {
        ssr::notify(
            &state,
            &c.new_mobile,
            "phone_change_result",
            &format!(
                "【危化品经营安全监管系统】{}更换经办人手机号的申请未通过审核,原因:{note}。",
                c.enterprise_name
            ),
        )
        .await;
    }
    Ok(crate::server::http::confirm(format!(
        "已{}“{}”的手机号更换申请{}。",
        if approve { "同意" } else { "退回" },
        c.enterprise_name,
        if approve {
            ",公示期满后生效"
        } else {
            ""
        }
    )))
}

/// The open phone change of the logged-in enterprise account, if any: the
/// owner sees it at login and can stop it without the old phone's SMS.
#[server(endpoint = "phone/mine", output = crate::api::TextJson)]
pub async fn my_phone_change() -> Result<Option<PhoneChangeView>, AppError> {
    let state = crate::server::AppState::get()?;
    let user = crate::api::auth::ssr::require_user(&state).await?;
    if user.kind != crate::domain::UserKind::Enterprise {
        return Ok(None);
    }
    Ok(crate::server::phone::open_of_user(&state.db, user.user_id)
        .await?
        .map(|c| ssr::view_of(&state, &c)))
}

/// The logged-in owner cancels the open phone change of their account.
#[server(endpoint = "phone/cancel-mine", output = crate::api::TextJson)]
pub async fn cancel_my_phone_change() -> Result<String, AppError> {
    use crate::domain::phone_change::PhoneChangeEnd;
    use crate::server::audit::Actor;
    use crate::server::http::client_ip;
    use crate::server::phone as repo;
    use crate::server::{now, AppState};
    let state = AppState::get()?;
    let user = crate::api::auth::ssr::require_user(&state).await?;
    if user.kind != crate::domain::UserKind::Enterprise {
        return Err(AppError::Forbidden);
    }
    let c = repo::open_of_user(&state.db, user.user_id)
        .await?
        .ok_or_else(ssr::not_found)?;
    let actor = Actor::of(&user, client_ip().await);
    if !repo::cancel(
        &state.db,
        &c,
        &actor,
        PhoneChangeEnd::CancelledByOwner,
        now(),
    )
    .await?
    {
        return Err(ssr::not_found());
    }
    ssr::notify(
        &state,
        &c.new_mobile,
        "phone_change_cancelled",
        &format!(
            "【危化品经营安全监管系统】{}更换经办人手机号的申请已被取消,手机号未更换。",
            c.enterprise_name
        ),
    )
    .await;
    Ok("已取消这次手机号更换,经办人手机号不变。如这不是本单位的申请,建议立即修改密码。".into())
}
