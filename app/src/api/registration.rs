//! Registration of an enterprise account, step by step. What the user typed
//! is kept in a server-side draft (keyed by an HttpOnly cookie), so a reload,
//! an error or a no-JS form post never loses it.
//!
//! Step 1 checks the organisation against the enterprise-credit registry.
//! Each mismatch is reported at its field in the national system's words;
//! when the registry does not answer, the page offers 转人工审核 with
//! everything kept, under the 法人类型 already chosen.

// Server-function arguments are form fields (no-JS posts name them one by one).
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::region::RegionLists;
use crate::domain::registration::OrgInfoInput;
#[cfg(feature = "ssr")]
use crate::domain::registration::{AccountInfoField, OrgInfoField};
#[cfg(feature = "ssr")]
use crate::domain::{help::Faq, Message};
use crate::error::AppError;

/// The registration as the page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationView {
    pub org: OrgInfoInput,
    pub org_accepted: bool,
    /// How the organisation data was confirmed, once it was.
    pub verification: Option<crate::domain::registration::Verification>,
    pub handler_name: String,
    pub handler_mobile: String,
    pub submitted: Option<Submitted>,
    /// The 所属地区 picker's lists for `org.region_code`.
    pub regions: RegionLists,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    pub credit_code: String,
    pub enterprise_name: String,
    pub mobile_masked: String,
    /// Active, or PendingReview (manual review).
    pub status: crate::domain::AccountStatus,
}

/// The message for a credit code that already has an account (FAQ wording first).
/// 已被注册 for a code whose registration waits for manual review: not
/// "请直接登录" (the login would say 审核中), but since when and what next.
#[cfg(feature = "ssr")]
pub fn under_review(since: i64, service_phone: &str) -> String {
    format!(
        "该统一社会信用代码已于 {} 提交注册,正在人工审核中(一个工作日内完成),结果会以短信通知经办人手机,无需再次注册。如有疑问请致电客服 {service_phone}。",
        crate::server::cst_datetime(since)
    )
}

pub const ALREADY_REGISTERED: &str = "该统一社会信用代码已被注册,无需再次注册。请直接登录(登录账号就是统一社会信用代码);如不记得密码,请在登录页点击“忘记密码”找回。";

pub const SMS_PURPOSE: &str = "register";

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::server::registration::{self as repo, Verification};
    use crate::server::{http, AppState};

    pub const COOKIE: &str = "whp_reg";

    pub async fn token_from_request() -> Result<Option<String>, AppError> {
        Ok(http::token_cookie(&http::headers().await?, COOKIE))
    }

    /// The draft token of this browser, creating (and setting) one if needed.
    pub async fn token_or_new(state: &AppState) -> Result<String, AppError> {
        if let Some(t) = token_from_request().await? {
            return Ok(t);
        }
        let token = crate::server::random_token();
        http::set_cookie(state, COOKIE, &token, Some(7 * 24 * 3600));
        Ok(token)
    }

    /// The page's data for this browser's draft, with the region picker's
    /// lists for the region it holds.
    pub async fn view_of(
        state: &AppState,
        token: Option<&str>,
    ) -> Result<RegistrationView, AppError> {
        let mut view = draft_view(state, token).await?;
        view.regions = crate::server::regions::choices(&view.org.region_code);
        Ok(view)
    }

    async fn draft_view(
        state: &AppState,
        token: Option<&str>,
    ) -> Result<RegistrationView, AppError> {
        let Some(token) = token else {
            return Ok(RegistrationView::default());
        };
        let Some(d) = repo::load_draft(&state.db, token).await? else {
            return Ok(RegistrationView::default());
        };
        let submitted = match d.user_id {
            Some(id) => repo::submitted_summary(&state.db, id)
                .await?
                .map(|s| Submitted {
                    credit_code: s.credit_code,
                    enterprise_name: s.name,
                    mobile_masked: crate::domain::Mobile::parse(&s.mobile)
                        .map(|m| m.masked())
                        .unwrap_or_default(),
                    status: s.status,
                }),
            None => None,
        };
        if submitted.is_some() {
            // Nothing typed is shown again once submitted (the draft keeps none of it).
            return Ok(RegistrationView {
                submitted,
                ..RegistrationView::default()
            });
        }
        Ok(RegistrationView {
            org: d.org,
            org_accepted: d.verification.is_some(),
            verification: d.verification,
            handler_name: d.handler_name,
            handler_mobile: d.handler_mobile,
            submitted,
            regions: RegionLists::default(),
        })
    }

    /// The SMS-code subject: the draft and the phone, so a changed phone needs a new code.
    pub fn sms_subject(token: &str, mobile: &str) -> String {
        format!("{token}:{mobile}")
    }

    /// Tells the handler of a closed manual-review application why.
    pub async fn tell_superseded(state: &AppState, s: &repo::Superseded) {
        let Some(Ok(mobile)) = s.mobile.as_deref().map(crate::domain::Mobile::parse) else {
            return;
        };
        let text = format!(
            "【危化品经营安全监管系统】您提交的“{}”注册申请已关闭:{}。如您确是该企业的经办人,请联系企业负责人或所在地应急管理局。",
            s.name,
            repo::SUPERSEDED_REASON
        );
        if let Err(e) = state
            .sms
            .send(
                &state.db,
                &mobile,
                "review_result",
                &text,
                crate::server::now(),
            )
            .await
        {
            tracing::warn!(error = %e, "telling a superseded applicant failed");
        }
    }

    pub fn not_started() -> AppError {
        AppError::Conflict {
            field: AccountInfoField::HandlerName.to_string(),
            message: "未找到第一步填写的机构信息(可能已超过7天或浏览器清除了Cookie),请返回第一步重新填写。".into(),
        }
    }

    pub const OFFER: &str =
        "如核对后确认无误,可点击“转人工审核”直接提交,已填内容保留,由管理员在一个工作日内审核。";

    /// Field messages for a registry verdict (the national system's wording, then what to do).
    pub fn verdict_errors(
        verdict: &crate::server::registry::Verdict,
    ) -> crate::domain::FieldErrors {
        use crate::server::registry::{Mismatch, Verdict};
        let mut f = crate::domain::FieldErrors::new();
        match verdict {
            Verdict::Match => {}
            Verdict::NotFound => f.add(
                OrgInfoField::CreditCode,
                Message::explained(
                    "验证失败,根据统一社会信用代码未查询到信息。请对照营业执照核对代码;新设立的企业可能尚未同步到登记库。",
                    Faq::RegistryMismatch,
                ),
            ),
            Verdict::Mismatch(fields) => {
                for m in fields {
                    match m {
                        Mismatch::Name => f.add(
                            OrgInfoField::EnterpriseName,
                            Message::explained(
                                "验证失败,输入的企业名称与库中匹配失败。请填写营业执照上的完整名称(括号、“有限公司”等都要一致)。",
                                Faq::RegistryMismatch,
                            ),
                        ),
                        Mismatch::LegalRepName => f.add(
                            OrgInfoField::LegalRepName,
                            Message::explained(
                                "机构信息认证失败,请输入准确的机构信息:法定代表人姓名与登记信息不一致,请按营业执照填写。",
                                Faq::RegistryMismatch,
                            ),
                        ),
                        Mismatch::IdNumber => f.add(
                            OrgInfoField::IdDocNumber,
                            Message::explained(
                                "验证失败,法人证件号码与库中匹配失败。请核对法定代表人的证件号码(注意末位的X)。",
                                Faq::RegistryMismatch,
                            ),
                        ),
                    }
                }
            }
        }
        if !f.is_empty() {
            f.add(
                OrgInfoField::Verification,
                Message::explained(
                    format!("填写的机构信息与登记机关的数据不一致(见标出的项目)。{OFFER}"),
                    Faq::RegistryMismatch,
                ),
            );
        }
        f
    }

    pub async fn accept(
        state: &AppState,
        token: &str,
        input: &OrgInfoInput,
        org: &crate::domain::registration::OrgInfo,
        v: Verification,
    ) -> Result<RegistrationView, AppError> {
        repo::save_org_step(
            &state.db,
            token,
            input,
            Some((org, v)),
            crate::server::now(),
        )
        .await?;
        // A plain post from 修改机构信息 (`/register?step=org`) goes on to
        // the next step, not back to the form it came from.
        crate::server::http::plain_post_goes_to("/register");
        view_of(state, Some(token)).await
    }
}

/// The registration in progress in this browser (empty if none).
#[server(endpoint = "registration", output = crate::api::TextJson)]
pub async fn get_registration() -> Result<RegistrationView, AppError> {
    let state = crate::server::AppState::get()?;
    let token = ssr::token_from_request().await?;
    ssr::view_of(&state, token.as_deref()).await
}

/// Step 1: the organisation's data as on the business licence, checked
/// against the registry (or, with `manual_review`, left to an administrator).
#[server(endpoint = "register/org", output = crate::api::TextJson)]
pub async fn save_org_info(
    legal_type: String,
    credit_code: String,
    enterprise_name: String,
    legal_rep_name: String,
    id_doc_type: String,
    id_doc_number: String,
    #[server(default)] address: String,
    #[server(default)] region_province: String,
    #[server(default)] region_city: String,
    #[server(default)] region_county: String,
    #[server(default)] established: String,
    #[server(default)] industry: String,
    #[server(default)] manual_review: Option<String>,
) -> Result<RegistrationView, AppError> {
    use crate::domain::registration::LegalType;
    use crate::server::registration::{self as repo, Verification};
    use crate::server::registry::{Claim, RegistryError, Verdict};
    use crate::server::{now, today, AppState};
    let state = AppState::get()?;
    // The most specific level chosen in the 省/市/区县 selects.
    let region_code = [region_county, region_city, region_province]
        .into_iter()
        .find(|c| !c.trim().is_empty())
        .unwrap_or_default();
    let input = OrgInfoInput {
        legal_type,
        credit_code,
        enterprise_name,
        legal_rep_name,
        id_doc_type,
        id_doc_number,
        address,
        region_code,
        established,
        industry,
    };
    let token = ssr::token_or_new(&state).await?;
    if ssr::view_of(&state, Some(&token))
        .await?
        .submitted
        .is_some()
    {
        return Err(AppError::Conflict {
            field: OrgInfoField::CreditCode.to_string(),
            message: "此浏览器中的注册申请已提交,无法再修改。".into(),
        });
    }
    // Keep what was typed whatever happens next.
    repo::save_org_step(&state.db, &token, &input, None, now()).await?;
    let org = input.validate(today())?;
    if let Some(message) = crate::server::regions::problem(&org.region_code) {
        let mut f = crate::domain::FieldErrors::new();
        f.add(OrgInfoField::RegionCode, message);
        return Err(AppError::Validation(f));
    }
    let manual = manual_review.as_deref() == Some("1")
        || org.legal_type == LegalType::ManualReview
        || !org.credit_code.auto_verifiable();
    match repo::registered(&state.db, org.credit_code.as_str()).await? {
        repo::Registered::No => {}
        // Only a registration the registry confirms may replace it.
        repo::Registered::PendingReview { .. } if !manual => {}
        repo::Registered::PendingReview { since } => {
            return Err(AppError::Conflict {
                field: OrgInfoField::CreditCode.to_string(),
                message: Message::explained(
                    under_review(since, &state.config.service_phone),
                    Faq::ManualReview,
                ),
            })
        }
        repo::Registered::Yes => {
            return Err(AppError::Conflict {
                field: OrgInfoField::CreditCode.to_string(),
                message: Message::explained(ALREADY_REGISTERED, Faq::AlreadyRegistered),
            })
        }
    }
    if manual {
        return ssr::accept(&state, &token, &input, &org, Verification::Manual).await;
    }
    // The registry's per-field answers say whose ID number belongs to which
    // company: they are counted per credit code, per draft and per address.
    {
        use crate::server::limits::{self, Limit};
        let ip = crate::server::http::client_ip().await;
        for (key, limit) in [
            (
                format!("reg:code:{}", org.credit_code),
                Limit::per(10, 3600),
            ),
            (format!("reg:draft:{token}"), Limit::per(30, 3600)),
            (format!("ip:reg:{ip}"), Limit::per(300, 3600)),
        ] {
            if limits::hit(&state.db, &key, limit, now()).await?.is_err() {
                return Err(AppError::Conflict {
                    field: OrgInfoField::Verification.to_string(),
                    message: "登记机关核验的次数过多,请一小时后再试。您填写的内容都已保留;如确认填写无误,也可以点击“转人工审核”直接提交。".into(),
                });
            }
        }
    }
    let claim = Claim {
        credit_code: org.credit_code.to_string(),
        name: org.enterprise_name.clone(),
        legal_rep_name: org.legal_rep_name.clone(),
        id_number: org.id_document.number().to_string(),
    };
    match state.registry.verify(&state.db, &claim).await {
        Ok(Verdict::Match) => {
            ssr::accept(&state, &token, &input, &org, Verification::Registry).await
        }
        Ok(verdict) => Err(AppError::Validation(ssr::verdict_errors(&verdict))),
        Err(e) => {
            tracing::warn!(error = %e, "registry verification failed");
            let what = match e {
                RegistryError::Timeout => "调用第三方服务超时:登记机关的数据服务暂时没有响应。",
                RegistryError::Unavailable(_) => "登记机关的数据服务暂时无法使用。",
            };
            Err(AppError::Conflict {
                field: OrgInfoField::Verification.to_string(),
                message: Message::explained(
                    format!("{what}您填写的内容都已保留:可稍后再点“下一步”重试,或点击“转人工审核”直接提交,由管理员在一个工作日内审核。"),
                    Faq::RegistryTimeout,
                ),
            })
        }
    }
}

/// Sends a verification code to the handler's mobile (step 2).
#[server(endpoint = "register/code", output = crate::api::TextJson)]
pub async fn send_register_code(handler_mobile: String) -> Result<super::code::CodeSent, AppError> {
    use crate::domain::{FieldErrors, Mobile};
    use crate::server::registration as repo;
    use crate::server::{http, now, sms_code, AppState};
    let state = AppState::get()?;
    let token = ssr::token_from_request()
        .await?
        .ok_or_else(ssr::not_started)?;
    let draft = repo::load_draft(&state.db, &token)
        .await?
        .ok_or_else(ssr::not_started)?;
    repo::save_account_step(
        &state.db,
        &token,
        &draft.handler_name,
        &handler_mobile,
        now(),
    )
    .await?;
    let mobile = Mobile::parse(&handler_mobile).map_err(|e| {
        let mut f = FieldErrors::new();
        f.add(AccountInfoField::HandlerMobile, e.to_string());
        AppError::Validation(f)
    })?;
    let ip = http::client_ip().await;
    if !sms_code::ip_allows(&state.db, &ip, now()).await? {
        return Err(sms_code::ip_limited());
    }
    let subject = ssr::sms_subject(&token, mobile.as_str());
    let sent = sms_code::issue(&state.db, &state.sms, SMS_PURPOSE, &subject, &mobile, now()).await;
    super::code::Sending {
        what: "验证码",
        place: "",
        mobile: &mobile,
        field: AccountInfoField::HandlerMobile.name(),
    }
    .outcome(sent, &state.config.service_phone)
}

/// Step 2: the handler (经办人), the SMS code and the password; creates the
/// account: active when the registry confirmed step 1, else pending review.
#[server(endpoint = "register/account", output = crate::api::TextJson)]
pub async fn submit_account(
    handler_name: String,
    handler_mobile: String,
    sms_code: String,
    password: String,
    password_confirm: String,
) -> Result<RegistrationView, AppError> {
    use crate::domain::registration::AccountInput;
    use crate::server::registration as repo;
    use crate::server::{now, sms_code as codes, today, AppState};
    let state = AppState::get()?;
    let input = AccountInput {
        handler_name,
        handler_mobile,
        sms_code,
        password,
        password_confirm,
    };
    let token = ssr::token_from_request()
        .await?
        .ok_or_else(ssr::not_started)?;
    let draft = repo::load_draft(&state.db, &token)
        .await?
        .unwrap_or_default();
    let (Some(verification), Ok(org)) = (draft.verification, draft.org.validate(today())) else {
        return Err(AppError::Conflict {
            field: AccountInfoField::HandlerName.to_string(),
            message: "请先完成第一步“机构信息”。".into(),
        });
    };
    if draft.user_id.is_some() {
        return ssr::view_of(&state, Some(&token)).await;
    }
    repo::save_account_step(
        &state.db,
        &token,
        &input.handler_name,
        &input.handler_mobile,
        now(),
    )
    .await?;
    let account = input.validate(org.credit_code.as_str())?;
    let subject = ssr::sms_subject(&token, account.handler_mobile.as_str());
    if let Err(e) = codes::verify(
        &state.db,
        SMS_PURPOSE,
        &subject,
        account.sms_code.as_str(),
        now(),
    )
    .await?
    {
        return Err(AppError::Conflict {
            field: AccountInfoField::SmsCode.to_string(),
            message: codes::verify_message(&e),
        });
    }
    let hash = state
        .hasher
        .hash(account.password.expose().to_string())
        .await
        .map_err(AppError::log)?;
    match repo::create_account(
        &state.db,
        &token,
        &org,
        &account,
        &hash,
        verification,
        &crate::server::http::client_ip().await,
        now(),
    )
    .await
    {
        Ok((_, superseded)) => {
            if let Some(s) = superseded {
                ssr::tell_superseded(&state, &s).await;
            }
            ssr::view_of(&state, Some(&token)).await
        }
        Err(repo::CreateError::AlreadyRegistered) => Err(AppError::Conflict {
            field: AccountInfoField::HandlerName.to_string(),
            message: Message::explained(ALREADY_REGISTERED, Faq::AlreadyRegistered),
        }),
        Err(repo::CreateError::Db(e)) => Err(e.into()),
    }
}
