//! Demo data for development: a few enterprises, a regulator per level and an
//! administrator. Idempotent: does nothing once any user exists.

use super::db::Db;
use super::password::PasswordHasher;

/// The password of every demo account (meets the password policy).
pub const DEMO_PASSWORD: &str = "Demo-Pass-2026";
/// The second-factor secret of the demo regulators and administrator (add it
/// to an authenticator app; `/dev/sms` shows its current code in development).
pub const DEMO_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

pub struct DemoLogin {
    pub kind: &'static str,
    pub login: &'static str,
    /// What the demo list shows: the enterprise or the organisation and role.
    pub who: &'static str,
    /// The person: the enterprise's 经办人, the regulator's officer.
    pub person: &'static str,
    /// The organisation of a regulator.
    pub org: Option<&'static str>,
}

const ORGS: &[(&str, &str, &str)] = &[
    ("江苏省应急管理厅", "province", "320000"),
    ("南京市应急管理局", "city", "320100"),
    ("南京市玄武区应急管理局", "county", "320102"),
];

/// (credit code, name, legal representative, ID number, region)
const ENTERPRISES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "91320102MA1XYR7K61",
        "南京玄武示例化工贸易有限公司",
        "张明",
        "320102199001011232",
        "320102",
    ),
    (
        "91350100M000100Y43",
        "福州示例危险品储运有限公司",
        "林芳",
        "440106200012310025",
        "350100",
    ),
    (
        "92440106MA59QK2T0A",
        "广州天河示例加油站",
        "陈刚",
        "510105198506150043",
        "440106",
    ),
];

pub const LOGINS: &[DemoLogin] = &[
    DemoLogin {
        kind: "admin",
        login: "admin",
        who: "系统管理员",
        person: "系统管理员",
        org: None,
    },
    DemoLogin {
        kind: "regulator",
        login: "js-province",
        who: "江苏省应急管理厅 监管用户",
        person: "周敏",
        org: Some("江苏省应急管理厅"),
    },
    DemoLogin {
        kind: "regulator",
        login: "nj-city",
        who: "南京市应急管理局 监管用户",
        person: "刘洋",
        org: Some("南京市应急管理局"),
    },
    DemoLogin {
        kind: "regulator",
        login: "nj-xuanwu",
        who: "南京市玄武区应急管理局 监管用户",
        person: "孙磊",
        org: Some("南京市玄武区应急管理局"),
    },
    DemoLogin {
        kind: "enterprise",
        login: "91320102MA1XYR7K61",
        who: "南京玄武示例化工贸易有限公司",
        person: "王磊",
        org: None,
    },
    DemoLogin {
        kind: "enterprise",
        login: "91350100M000100Y43",
        who: "福州示例危险品储运有限公司",
        person: "郑华",
        org: None,
    },
    DemoLogin {
        kind: "enterprise",
        login: "92440106MA59QK2T0A",
        who: "广州天河示例加油站",
        person: "黄丽",
        org: None,
    },
];

/// Inserts the demo data unless users exist already. Returns whether it seeded.
pub async fn seed_demo(
    db: &Db,
    hasher: &PasswordHasher,
    now: i64,
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(db.reader())
        .await?;
    if users > 0 {
        return Ok(false);
    }
    // Hash before the transaction: never hold the write lock during argon2.
    let hash = hasher.hash(DEMO_PASSWORD.to_string()).await?;
    let mut tx = db.write_tx().await?;
    for (name, level, region) in ORGS {
        sqlx::query("INSERT INTO organizations (name, level, region_code, created_at) VALUES ($1, $2, $3, $4)")
            .bind(*name)
            .bind(*level)
            .bind(*region)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    // 南京's certificates carry the city: 苏(宁)危化经字〔2026〕000001.
    sqlx::query(
        "INSERT INTO issuer_settings (organization_id, since, number_pattern) \
         SELECT id, '2015-07-01', '苏(宁)危化经字〔{year}〕{seq}' FROM organizations WHERE name = '南京市应急管理局'",
    )
    .execute(&mut *tx)
    .await?;
    for (code, name, rep, id, region) in ENTERPRISES {
        let legal_type = if code.starts_with("92") {
            "individual_business"
        } else {
            "enterprise"
        };
        sqlx::query(
            "INSERT INTO enterprises (credit_code, name, legal_type, legal_rep_name, id_doc_type, id_doc_number, region_code, created_at) \
             VALUES ($1, $2, $3, $4, 'resident_id', $5, $6, $7)",
        )
        .bind(*code)
        .bind(*name)
        .bind(legal_type)
        .bind(*rep)
        .bind(*id)
        .bind(*region)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    for (i, l) in LOGINS.iter().enumerate() {
        let (enterprise, org) = match l.kind {
            "enterprise" => (Some(l.login), None),
            "regulator" => (None, l.org),
            _ => (None, None),
        };
        sqlx::query(
            "INSERT INTO users (kind, login, display_name, enterprise_id, organization_id, mobile, password_hash, status, created_at, totp_secret) \
             VALUES ($1, $2, $3, (SELECT id FROM enterprises WHERE credit_code = $4), \
             (SELECT id FROM organizations WHERE name = $5), $6, $7, 'active', $8, $9)",
        )
        .bind(l.kind)
        .bind(l.login)
        .bind(l.person)
        .bind(enterprise)
        .bind(org)
        .bind(format!("1380013800{i}"))
        .bind(&hash)
        .bind(now)
        .bind((l.kind != "enterprise").then_some(DEMO_TOTP_SECRET))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}
