//! Registration of an enterprise account, step by step. What the user typed
//! is kept in a server-side draft (keyed by an HttpOnly cookie), so a reload,
//! an error or a no-JS form post never loses it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::registration::OrgInfoInput;
use crate::error::AppError;

/// The registration as the page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationView {
    pub org: OrgInfoInput,
    pub org_accepted: bool,
    pub handler_name: String,
    pub handler_mobile: String,
    pub submitted: Option<Submitted>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    pub credit_code: String,
    pub enterprise_name: String,
    pub mobile_masked: String,
}

/// The message for a credit code that already has an account (FAQ wording first).
pub const ALREADY_REGISTERED: &str = "该统一社会信用代码已被注册,无需再次注册。请直接登录(登录账号就是统一社会信用代码);如不记得密码,请在登录页点击“忘记密码”找回。";

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::server::http;
    use crate::server::{registration as repo, AppState};

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

    pub async fn view_of(
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
            Some(id) => {
                repo::submitted_summary(&state.db, id)
                    .await?
                    .map(|(code, name, mobile)| Submitted {
                        credit_code: code,
                        enterprise_name: name,
                        mobile_masked: crate::domain::Mobile::parse(&mobile)
                            .map(|m| m.masked())
                            .unwrap_or_default(),
                    })
            }
            None => None,
        };
        Ok(RegistrationView {
            org: d.org,
            org_accepted: d.org_accepted,
            handler_name: d.handler_name,
            handler_mobile: d.handler_mobile,
            submitted,
        })
    }
}

/// The registration in progress in this browser (empty if none).
#[server(endpoint = "registration")]
pub async fn get_registration() -> Result<RegistrationView, AppError> {
    let state = crate::server::AppState::get()?;
    let token = ssr::token_from_request().await?;
    ssr::view_of(&state, token.as_deref()).await
}

/// Step 1: the organisation's data as on the business licence.
#[server(endpoint = "register/org")]
pub async fn save_org_info(
    legal_type: String,
    credit_code: String,
    enterprise_name: String,
    legal_rep_name: String,
    id_doc_type: String,
    id_doc_number: String,
) -> Result<RegistrationView, AppError> {
    use crate::server::{now, registration as repo, today, AppState};
    let state = AppState::get()?;
    let input = OrgInfoInput {
        legal_type,
        credit_code,
        enterprise_name,
        legal_rep_name,
        id_doc_type,
        id_doc_number,
    };
    let token = ssr::token_or_new(&state).await?;
    if ssr::view_of(&state, Some(&token))
        .await?
        .submitted
        .is_some()
    {
        return Err(AppError::Conflict {
            field: "credit_code".into(),
            message: "此浏览器中的注册申请已提交,无法再修改。".into(),
        });
    }
    let valid = input.validate(today());
    repo::save_org_step(&state.db, &token, &input, valid.as_ref().ok(), now()).await?;
    let valid = valid?;
    if repo::is_registered(&state.db, valid.credit_code.as_str()).await? {
        repo::save_org_step(&state.db, &token, &input, None, now()).await?;
        return Err(AppError::Conflict {
            field: "credit_code".into(),
            message: ALREADY_REGISTERED.into(),
        });
    }
    ssr::view_of(&state, Some(&token)).await
}

/// Step 2: the handler (经办人) and the password; creates the account,
/// pending verification of the organisation's data.
#[server(endpoint = "register/account")]
pub async fn submit_account(
    handler_name: String,
    handler_mobile: String,
    password: String,
    password_confirm: String,
) -> Result<RegistrationView, AppError> {
    use crate::domain::registration::AccountInput;
    use crate::server::{now, registration as repo, today, AppState};
    let state = AppState::get()?;
    let input = AccountInput {
        handler_name,
        handler_mobile,
        password,
        password_confirm,
    };
    let Some(token) = ssr::token_from_request().await? else {
        return Err(AppError::Conflict {
            field: "handler_name".into(),
            message: "未找到第一步填写的机构信息(可能已超过7天或浏览器清除了Cookie),请返回第一步重新填写。".into(),
        });
    };
    let draft = repo::load_draft(&state.db, &token)
        .await?
        .unwrap_or_default();
    let org = match (draft.org_accepted, draft.org.validate(today())) {
        (true, Ok(org)) => org,
        _ => {
            return Err(AppError::Conflict {
                field: "handler_name".into(),
                message: "请先完成第一步“机构信息”。".into(),
            })
        }
    };
    if draft.user_id.is_some() {
        return ssr::view_of(&state, Some(&token)).await;
    }
    repo::save_account_step(&state.db, &token, &input, now()).await?;
    let account = input.validate(org.credit_code.as_str())?;
    let hash = state
        .hasher
        .hash(account.password.expose().to_string())
        .await
        .map_err(AppError::log)?;
    match repo::create_account(&state.db, &token, &org, &account, &hash, now()).await {
        Ok(_) => ssr::view_of(&state, Some(&token)).await,
        Err(repo::CreateError::AlreadyRegistered) => Err(AppError::Conflict {
            field: "handler_name".into(),
            message: ALREADY_REGISTERED.into(),
        }),
        Err(repo::CreateError::Db(e)) => Err(e.into()),
    }
}
