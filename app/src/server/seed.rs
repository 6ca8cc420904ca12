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

/// Enterprises of the demo cases: (organisation code digits, name, region, 经营方式).
const CASE_ENTERPRISES: &[(&str, &str, &str, &str)] = &[
    (
        "70000001",
        "南京秦淮示例油品经销有限公司",
        "320104",
        "storage",
    ),
    (
        "70000002",
        "南京秦淮示例化学试剂商行有限公司",
        "320104",
        "no_storage",
    ),
    (
        "70000003",
        "南京建邺示例工业气体有限公司",
        "320105",
        "storage",
    ),
];

/// A valid 统一社会信用代码 of an enterprise (91) in `region` from 8 digits:
/// the organisation code's check character (GB 11714), then GB 32100's.
fn demo_code(region: &str, digits: &str) -> Option<String> {
    let weights = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = digits
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let org = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10)?,
    };
    crate::domain::credit_code::complete_with_check_char(&format!("91{region}{digits}{org}"))
}

/// Demo licence cases for 南京市应急管理局's inbox, in several steps: one
/// submitted 10 days ago and never handled (overdue: counted as accepted),
/// one waiting for 补正, one accepted with its on-site check recorded.
pub async fn seed_demo_cases(
    db: &Db,
    now: i64,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use super::licence_case::{make_move, start, MoveInput};
    use crate::domain::licence_case::{parse_scope, Action, Application, CaseKind, OnSiteCheck};
    let actor = super::audit::Actor::system("演示数据");
    let cal = super::calendar();
    let today = super::today();
    for (i, (digits, name, region, mode)) in CASE_ENTERPRISES.iter().enumerate() {
        let code = demo_code(region, digits).ok_or("bad demo credit code")?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO enterprises (credit_code, name, legal_type, legal_rep_name, id_doc_type, id_doc_number, region_code, created_at) \
             VALUES ($1, $2, 'enterprise', '赵一', 'resident_id', '11010519491231002X', $3, $4) RETURNING id",
        )
        .bind(&code)
        .bind(*name)
        .bind(*region)
        .bind(now)
        .fetch_one(db.writer())
        .await?;
        let application = Application {
            name: name.to_string(),
            legal_rep: "赵一".into(),
            principal_name: "钱二".into(),
            registered_address: "南京市秦淮区中华路1号".into(),
            business_address: "南京市秦淮区中华路1号".into(),
            storage_address: if *mode == "storage" {
                "南京市江北新区化工园2号".into()
            } else {
                String::new()
            },
            mode: mode.to_string(),
            scope: parse_scope("汽油,86290-81-5\n甲醇,67-56-1"),
            contact_name: "孙三".into(),
            contact_mobile: format!("1390000000{i}"),
            ..Application::default()
        };
        let case = start(db, id, CaseKind::New, &application, &actor, now)
            .await
            .map_err(|e| format!("{e:?}"))?;
        // The first one waits since 10 days (past the 5 working days); the others since yesterday.
        let submitted = today.add_days(if i == 0 { -10 } else { -1 });
        let mut version = make_move(
            db,
            case,
            1,
            Action::Submit,
            &MoveInput::default(),
            &actor,
            submitted,
            cal,
            now,
        )
        .await
        .map_err(|e| format!("{e:?}"))?
        .version;
        let rest: Vec<(Action, MoveInput)> = match i {
            0 => vec![],
            1 => vec![(
                Action::RequestCorrection,
                MoveInput {
                    text: "1. 经营场所租赁合同已过期,请提供有效期内的合同;2. 安全管理人员资格证书缺少一人。".into(),
                    onsite: None,
                },
            )],
            _ => vec![
                (Action::Accept, MoveInput::default()),
                (
                    Action::RecordOnSite,
                    MoveInput {
                        text: "核查人员:刘洋、陈晨".into(),
                        onsite: Some(OnSiteCheck {
                            from: today.to_string(),
                            to: today.to_string(),
                            inspectors: "刘洋\n陈晨".into(),
                            findings: "储存设施与申请材料一致,可燃气体报警装置完好。".into(),
                            passed: true,
                        }),
                    },
                ),
            ],
        };
        for (action, input) in rest {
            version = make_move(db, case, version, action, &input, &actor, today, cal, now)
                .await
                .map_err(|e| format!("{e:?}"))?
                .version;
        }
    }
    Ok(())
}
