//! 许可公示 for anyone, no login: the licences the issuing authorities
//! granted (every certificate issued: 首次申请, 延期换证, 变更, 补证) and
//! cancelled (注销) in the last 7, 30 or 90 days, per authority or all,
//! newest first. Only what a certificate shows the public: no names of
//! people, no phone or ID numbers, no QR token. Throttled per address.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Rows per page of each list.
pub const PUBLICITY_PER_PAGE: i64 = 50;
/// Pages one client address may open in ten minutes.
pub const PUBLICITY_PER_TEN_MINUTES: i64 = 120;

/// One licence granted or cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicityRow {
    pub number: String,
    pub enterprise: String,
    pub credit_code: String,
    /// 经营方式, in words.
    pub mode: String,
    /// 许可范围, shortened ("汽油、甲醇等5种").
    pub scope: String,
    /// What was issued (首次申请, 延期换证, 变更, 补证); "" for a cancellation.
    pub kind: String,
    /// The day it was issued or cancelled.
    pub date: String,
    pub issuer: String,
    /// Why it was cancelled ("" for a grant).
    pub reason: String,
}

/// One page of one list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicityTable {
    pub rows: Vec<PublicityRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publicity {
    /// The window shown (7, 30 or 90).
    pub days: i64,
    /// The authority shown (0 = all).
    pub issuer: i64,
    /// The first and last day of the window.
    pub from: String,
    pub to: String,
    /// Every issuing authority: (id, name).
    pub issuers: Vec<(i64, String)>,
    pub granted: PublicityTable,
    pub cancelled: PublicityTable,
}

/// "汽油、甲醇、乙醇等5种": the first three items of a 许可范围.
pub fn short_scope(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
    if names.len() > 3 {
        format!("{}等{}种", shown.join("、"), names.len())
    } else {
        shown.join("、")
    }
}

/// 许可公示: `days` (7, 30 or 90; anything else shows 30), `issuer` (an
/// organisation id, 0 = all), the page of each list (`gp` granted, `cp`
/// cancelled).
#[server(endpoint = "public/publicity", output = crate::api::TextJson)]
pub async fn get_publicity(
    #[server(default)] days: i64,
    #[server(default)] issuer: i64,
    #[server(default)] gp: i64,
    #[server(default)] cp: i64,
) -> Result<Publicity, AppError> {
    use crate::domain::business_mode::BusinessMode;
    use crate::domain::notice::publicity_days;
    use crate::server::limits::{self, Limit};
    use crate::server::publicity::{self as repo, Listing};
    use crate::server::{http, now, today, AppState};
    let state = AppState::get()?;
    let key = format!("ip:publicity:{}", http::client_ip().await);
    if limits::hit(
        &state.db,
        &key,
        Limit::per(PUBLICITY_PER_TEN_MINUTES, 600),
        now(),
    )
    .await?
    .is_err()
    {
        return Err(AppError::RateLimited(
            "查询过于频繁,请10分钟后再试。".into(),
        ));
    }
    let days = publicity_days(days);
    let issuers = repo::issuers(&state.db).await?;
    // An unknown authority shows everything rather than nothing.
    let issuer = if issuers.iter().any(|(id, _)| *id == issuer) {
        issuer
    } else {
        0
    };
    // The last `days` days, today included.
    let to = today();
    let from = to.add_days(1 - days);
    // From the start of the first day, China time.
    let since = from.days_since_epoch() * 86_400 - 8 * 3600;
    let table = |page: i64, listing: Listing| {
        let db = state.db.clone();
        async move {
            let page = page.clamp(1, 100_000);
            let (rows, total) = repo::page(
                &db,
                listing,
                since,
                (issuer != 0).then_some(issuer),
                PUBLICITY_PER_PAGE,
                (page - 1) * PUBLICITY_PER_PAGE,
            )
            .await?;
            let rows = rows
                .into_iter()
                .map(|p| {
                    let scope: Vec<String> = p.data.scope.iter().map(|s| s.name.clone()).collect();
                    PublicityRow {
                        number: p.number,
                        enterprise: p.data.licensee.name,
                        credit_code: p.data.licensee.credit_code,
                        mode: BusinessMode::label_of(&p.data.mode),
                        scope: short_scope(&scope),
                        kind: match listing {
                            Listing::Granted => {
                                p.kind.map(|k| k.label().to_string()).unwrap_or_default()
                            }
                            Listing::Cancelled => String::new(),
                        },
                        date: crate::server::cst_datetime(p.at).chars().take(10).collect(),
                        issuer: p.issuer,
                        reason: match listing {
                            Listing::Granted => String::new(),
                            Listing::Cancelled => p.data.cancel_reason,
                        },
                    }
                })
                .collect();
            Ok::<_, AppError>(PublicityTable {
                rows,
                total,
                page,
                pages: ((total + PUBLICITY_PER_PAGE - 1) / PUBLICITY_PER_PAGE).max(1),
            })
        }
    };
    Ok(Publicity {
        days,
        issuer,
        from: from.to_string(),
        to: to.to_string(),
        granted: table(gp, Listing::Granted).await?,
        cancelled: table(cp, Listing::Cancelled).await?,
        issuers,
    })
}
