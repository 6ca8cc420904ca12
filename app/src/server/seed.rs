//! Demo data for development: a few enterprises, a regulator per level and an
//! administrator. Idempotent: does nothing once any user exists.

use super::db::Db;
use super::password::PasswordHasher;

pub mod jurisdiction;

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

/// A valid 统一社会信用代码 of an enterprise (91) in `region` from 8 digits.
fn demo_code(region: &str, digits: &str) -> Option<String> {
    crate::domain::credit_code::enterprise_code(region, digits)
}

/// Demo licence cases for 南京市应急管理局's inbox, in several steps: one
/// submitted 10 days ago and never handled (overdue: counted as accepted),
/// one waiting for 补正, one accepted with its on-site check recorded.
/// The working day `n` working days before `day`.
fn working_days_before(
    cal: &crate::domain::calendar::Calendar,
    day: crate::domain::Date,
    n: u32,
) -> crate::domain::Date {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d = d.add_days(-1);
        if cal.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// Inserts a demo enterprise (its account, if any, is the caller's; an
/// empty address when the demo needs none): its id.
async fn insert_enterprise<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    code: &str,
    name: &str,
    legal_rep: &str,
    region: &str,
    address: &str,
    created_at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO enterprises (credit_code, name, legal_type, legal_rep_name, id_doc_type, id_doc_number, region_code, address, created_at) \
         VALUES ($1, $2, 'enterprise', $3, 'resident_id', '11010519491231002X', $4, $5, $6) RETURNING id",
    )
    .bind(code)
    .bind(name)
    .bind(legal_rep)
    .bind(region)
    .bind(address)
    .bind(created_at)
    .fetch_one(db)
    .await
}

/// The findings of a passed demo on-site check.
const PASSED: &str = "经营场所与申请材料一致,安全管理制度齐全。";

/// A demo application of `name` from 赵一 (法定代表人), 钱二 (主要负责人)
/// and 孙三 (联系人), with a storage address when its 经营方式 stores.
fn demo_application(
    name: &str,
    address: &str,
    storage_address: &str,
    mode: &str,
    scope: &str,
    contact_mobile: String,
) -> crate::domain::licence_case::Application {
    crate::domain::licence_case::Application {
        name: name.to_string(),
        legal_rep: "赵一".into(),
        principal_name: "钱二".into(),
        registered_address: address.into(),
        business_address: address.into(),
        storage_address: if mode == "no_storage" {
            String::new()
        } else {
            storage_address.into()
        },
        mode: mode.into(),
        scope: crate::domain::licence_case::parse_scope(scope),
        contact_name: "孙三".into(),
        contact_mobile,
        ..Default::default()
    }
}

/// The moves of a demo licence case: each action on its working day, with
/// its text or on-site check.
type Moves = Vec<(
    crate::domain::licence_case::Action,
    crate::domain::Date,
    super::licence_case::MoveInput,
)>;

/// The Unix time of `day` at the time of day of `now`.
fn time_on(now: i64, day: crate::domain::Date) -> i64 {
    now - (super::today().days_since_epoch() - day.days_since_epoch()) * 86_400
}

/// An on-site check on `day` by the demo inspectors, with its findings.
fn onsite_check(
    day: crate::domain::Date,
    findings: &str,
    passed: bool,
) -> super::licence_case::MoveInput {
    super::licence_case::MoveInput {
        text: String::new(),
        onsite: Some(crate::domain::licence_case::OnSiteCheck {
            from: day.to_string(),
            to: day.to_string(),
            inspectors: "刘洋\n陈晨".into(),
            findings: findings.into(),
            passed,
        }),
    }
}

/// A move that carries only a text (a reason, a 补正 notice).
fn with_text(text: &str) -> super::licence_case::MoveInput {
    super::licence_case::MoveInput {
        text: text.into(),
        onsite: None,
    }
}

/// The moves of an application that is granted: 提交 on `submitted`,
/// then 受理, 现场核查 (passed, with `findings`) and 批准 the given
/// numbers of working days after each other, and 发证 on `issued`.
fn issuing_moves(
    submitted: crate::domain::Date,
    [accept, check, approve]: [u32; 3],
    issued: crate::domain::Date,
    findings: &str,
) -> Moves {
    use crate::domain::licence_case::Action;
    let cal = super::calendar();
    let accepted = cal.add_working_days(submitted, accept);
    let checked = cal.add_working_days(accepted, check);
    let approved = cal.add_working_days(checked, approve);
    vec![
        (Action::Submit, submitted, Default::default()),
        (Action::Accept, accepted, Default::default()),
        (
            Action::RecordOnSite,
            checked,
            onsite_check(checked, findings, true),
        ),
        (Action::Approve, approved, Default::default()),
        (Action::Issue, issued, Default::default()),
    ]
}

/// Starts a case of `enterprise` on the day of its first move and makes
/// the moves, each on its day and at that day's time, through the same
/// functions the pages use. Returns the certificate number, if one was
/// issued.
async fn run_case(
    db: &Db,
    enterprise: i64,
    kind: crate::domain::licence_case::CaseKind,
    application: &crate::domain::licence_case::Application,
    moves: Moves,
    now: i64,
) -> Result<Option<String>, String> {
    let actor = super::audit::Actor::system("演示数据");
    let cal = super::calendar();
    let name = &application.name;
    let filed = moves.first().map_or(super::today(), |m| m.1);
    let case = super::licence_case::start(
        db,
        enterprise,
        kind,
        application,
        &actor,
        time_on(now, filed),
    )
    .await
    .map_err(|e| format!("demo case of {name}: {e:?}"))?;
    let mut version = 1;
    let mut certificate = None;
    for (action, day, input) in moves {
        let moved = super::licence_case::make_move(
            db,
            case,
            version,
            action,
            &input,
            &actor,
            day,
            cal,
            time_on(now, day),
        )
        .await
        .map_err(|e| format!("demo case of {name}, {action:?}: {e:?}"))?;
        version = moved.version;
        certificate = moved.certificate.or(certificate);
    }
    Ok(certificate)
}

pub async fn seed_demo_cases(
    db: &Db,
    now: i64,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use crate::domain::licence_case::{Action, CaseKind};
    let cal = super::calendar();
    let today = super::today();
    for (i, (digits, name, region, mode)) in CASE_ENTERPRISES.iter().enumerate() {
        let code = demo_code(region, digits).ok_or("bad demo credit code")?;
        let id = insert_enterprise(db.writer(), &code, name, "赵一", region, "", now).await?;
        let application = demo_application(
            name,
            "南京市秦淮区中华路1号",
            "南京市江北新区化工园2号",
            mode,
            "汽油,86290-81-5\n甲醇,67-56-1",
            format!("1390000000{i}"),
        );
        // The first one waits since 8 working days (past the 5 of the
        // law, whatever holidays lie between); the others since the last
        // working day. Times match the dates.
        let submitted = working_days_before(cal, today, if i == 0 { 8 } else { 1 });
        let mut moves: Moves = vec![(Action::Submit, submitted, Default::default())];
        match i {
            0 => {}
            1 => moves.push((
                Action::RequestCorrection,
                today,
                with_text("1. 经营场所租赁合同已过期,请提供有效期内的合同;2. 安全管理人员资格证书缺少一人。"),
            )),
            _ => moves.extend([
                (Action::Accept, today, Default::default()),
                (
                    Action::RecordOnSite,
                    today,
                    super::licence_case::MoveInput {
                        text: "核查人员:刘洋、陈晨".into(),
                        ..onsite_check(today, "储存设施与申请材料一致,可燃气体报警装置完好。", true)
                    },
                ),
            ]),
        }
        run_case(db, id, CaseKind::New, &application, moves, now).await?;
    }
    seed_demo_licence(db, now).await?;
    seed_demo_last_year(db, now).await
}

/// Last year's licensing in Nanjing, for the 年度报告 (which opens on last
/// year): first applications of enterprises without accounts, three issued
/// in 玄武区, 秦淮区 and 建邺区 and one 不予受理 in 秦淮区, on the dates
/// they would have had.
async fn seed_demo_last_year(
    db: &Db,
    now: i64,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use crate::domain::licence_case::{parse_scope, Action, Application, CaseKind};
    const LAST_YEAR: &[(&str, &str, &str, bool)] = &[
        ("70000031", "南京玄武年报演示化工有限公司", "320102", true),
        ("70000032", "南京秦淮年报演示商贸有限公司", "320104", true),
        ("70000033", "南京秦淮年报演示试剂有限公司", "320104", false),
        ("70000034", "南京建邺年报演示气体有限公司", "320105", true),
    ];
    let cal = super::calendar();
    let today = super::today();
    for (i, (digits, name, region, issue)) in LAST_YEAR.iter().enumerate() {
        let code = demo_code(region, digits).ok_or("bad demo credit code")?;
        let month = 3 + 2 * i as u32;
        let submitted =
            crate::domain::Date::new(today.year() - 1, month, 10).ok_or("bad demo date")?;
        let created = time_on(now, submitted.add_days(-30));
        let id = insert_enterprise(db.writer(), &code, name, "周一", region, "", created).await?;
        let application = Application {
            name: name.to_string(),
            legal_rep: "周一".into(),
            principal_name: "周一".into(),
            registered_address: "南京市秦淮区中华路9号".into(),
            business_address: "南京市秦淮区中华路9号".into(),
            mode: "no_storage".into(),
            scope: parse_scope("硫酸,7664-93-9"),
            contact_name: "周一".into(),
            contact_mobile: format!("1390000010{i}"),
            ..Application::default()
        };
        let moves = if *issue {
            // Approved two working days after the check, issued two after that.
            let issued = cal.add_working_days(submitted, 2 + 3 + 2 + 2);
            issuing_moves(submitted, [2, 3, 2], issued, "经营场所与申请材料一致。")
        } else {
            vec![
                (Action::Submit, submitted, Default::default()),
                (
                    Action::NotAccept,
                    cal.add_working_days(submitted, 2),
                    with_text("申请事项不属于本机关职权范围。"),
                ),
            ]
        };
        run_case(db, id, CaseKind::New, &application, moves, now).await?;
    }
    Ok(())
}
/// The demo enterprise that holds a licence issued in the system (login:
/// its credit code, the demo password), so 延期换证, 变更, 注销 and 补证 can
/// be tried at once.
pub const LICENSED: (&str, &str, &str) = ("70000004", "南京鼓楼示例危化品经销有限公司", "320106");

/// The other users of [`LICENSED`]: (login suffix, name, mobile, role).
pub const LICENSED_TEAM: &[(&str, &str, &str, &str)] = &[
    ("demo-filler", "郑洁", "13900000019", "filler"),
    ("demo-viewer", "冯涛", "13900000029", "viewer"),
];

/// The credit code of [`LICENSED`].
pub fn licensed_code() -> String {
    demo_code(LICENSED.2, LICENSED.0).unwrap_or_default()
}

/// A first application of [`LICENSED`] run to its certificate about two
/// years and eight months ago (its dates and times as they would have
/// been), so that the licence expires in a little under four months: a
/// 延期 is still in time, and its first expiry reminder is due.
async fn seed_demo_licence(
    db: &Db,
    now: i64,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use crate::domain::licence_case::{parse_scope, Application, CaseKind};
    let (_, name, region) = LICENSED;
    let code = licensed_code();
    let id = insert_enterprise(db.writer(), &code, name, "吴静", region, "", now).await?;
    // A team of three, one of each role, with the demo password of every
    // other demo account: the registered 经办人 (管理员) logs in with the
    // credit code, the others with the credit code and their mobile.
    let first: i64 = sqlx::query_scalar(
        "INSERT INTO users (kind, login, display_name, enterprise_id, mobile, password_hash, status, created_at, role) \
         SELECT 'enterprise', $1, '吴静', $2, '13900000009', password_hash, 'active', $3, 'manager' FROM users \
         WHERE kind = 'enterprise' ORDER BY id LIMIT 1 RETURNING id",
    )
    .bind(&code)
    .bind(id)
    .bind(now)
    .fetch_one(db.writer())
    .await?;
    for (login, name, mobile, role) in LICENSED_TEAM {
        sqlx::query(
            "INSERT INTO users (kind, login, display_name, enterprise_id, mobile, password_hash, status, created_at, role, invited_by) \
             SELECT 'enterprise', $1, $2, $3, $4, password_hash, 'active', $5, $6, $7 FROM users WHERE id = $7",
        )
        .bind(format!("{code}/{login}"))
        .bind(*name)
        .bind(id)
        .bind(*mobile)
        .bind(now)
        .bind(*role)
        .bind(first)
        .execute(db.writer())
        .await?;
    }
    let cal = super::calendar();
    // A week past the four months, so the 120-day expiry reminder is due.
    let issued = super::today().add_months(-32).add_days(-7);
    let application = Application {
        name: name.to_string(),
        legal_rep: "吴静".into(),
        principal_name: "吴静".into(),
        registered_address: "南京市鼓楼区中山北路8号".into(),
        business_address: "南京市鼓楼区中山北路8号".into(),
        mode: "no_storage".into(),
        scope: parse_scope("硫酸,7664-93-9\n盐酸,7647-01-0"),
        contact_name: "吴静".into(),
        contact_mobile: "13900000009".into(),
        ..Application::default()
    };
    let submitted = working_days_before(cal, issued, 12);
    let moves = issuing_moves(submitted, [2, 3, 2], issued, PASSED);
    run_case(db, id, CaseKind::New, &application, moves, now).await?;
    Ok(())
}

/// Demo enterprises with a confirmed 企业信息 whose storage units give
/// different 重大危险源 results, so the regulators' directory (信息维护)
/// shows grades and its filter finds something: (organisation code digits,
/// name, region, district address, storage units as (unit name, people
/// exposed, [(substance, CAS, tonnes)])). No test data uses these.
type DemoUnit = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, &'static str)],
);

const RECORD_ENTERPRISES: &[(&str, &str, &str, &str, &[DemoUnit])] = &[
    (
        "70000011",
        "南京鼓楼示例油品化工有限公司",
        "320106",
        "南京市鼓楼区中山北路1号",
        // 汽油 160 t + 甲醇 250 t, 120 people: S = 1.3, R = 2.6, 四级.
        &[(
            "1号仓库",
            "120",
            &[("汽油", "86290-81-5", "160"), ("甲醇", "67-56-1", "250")],
        )],
    ),
    (
        "70000012",
        "南京栖霞示例氯碱贸易有限公司",
        "320113",
        "南京市栖霞区仙林大道1号",
        // 液氯 20 t (β 4), 60 people (α 1.5): S = 4, R = 24, 三级.
        &[("液氯储罐区", "60", &[("液氯", "7782-50-5", "20")])],
    ),
    (
        "70000013",
        "南京江宁示例溶剂经销有限公司",
        "320115",
        "南京市江宁区天元中路1号",
        // 甲醇 100 t + 乙醇 50 t: S = 0.3, not a major hazard source.
        &[(
            "2号仓库",
            "10",
            &[("甲醇", "67-56-1", "100"), ("乙醇", "64-17-5", "50")],
        )],
    ),
];

/// The confirmed record of a demo enterprise of [`RECORD_ENTERPRISES`].
fn demo_record(
    i: usize,
    name: &str,
    region: &str,
    address: &str,
    units: &[DemoUnit],
    today: crate::domain::Date,
) -> crate::domain::enterprise_info::EnterpriseRecord {
    use crate::domain::enterprise_info::{EnterpriseRecord, LicenceEntry, ScopeItem};
    use crate::domain::major_hazard::{StorageUnit, StoredSubstance};
    let storage_units: Vec<StorageUnit> = units
        .iter()
        .map(|(unit, exposed, held)| StorageUnit {
            name: unit.to_string(),
            exposed: exposed.to_string(),
            substances: held
                .iter()
                .map(|(n, cas, t)| StoredSubstance {
                    name: n.to_string(),
                    cas: cas.to_string(),
                    amount: t.to_string(),
                    ..StoredSubstance::default()
                })
                .collect(),
        })
        .collect();
    let mut record = EnterpriseRecord {
        name: name.to_string(),
        legal_rep: "赵一".into(),
        principal_name: "钱二".into(),
        principal_mobile: format!("1390000101{i}"),
        safety_name: "孙三".into(),
        safety_mobile: format!("1390000102{i}"),
        registered_address: address.to_string(),
        business_address: address.to_string(),
        storage_address: format!("{address}(储存场所)"),
        region_code: region.to_string(),
        economic_type: "有限责任公司".into(),
        fuel_station: "no".into(),
        has_storage: "yes".into(),
        multi_licence: "no".into(),
        storage_units,
        ..EnterpriseRecord::default()
    };
    // The answers the units give, as an enterprise following the page would.
    let major = record.hazard_identification().0.is_some_and(|h| h.major);
    let mode = if major {
        "storage_major_hazard"
    } else {
        "storage"
    };
    record.major_hazard = if major { "yes" } else { "no" }.into();
    record.business_mode = mode.into();
    let issued = today.add_days(-400);
    record.licences = vec![LicenceEntry {
        number: format!("苏(宁)危化经字〔{}〕00050{}", issued.year(), i + 1),
        issuer: "南京市应急管理局".into(),
        issued_on: issued.to_string(),
        valid_until: issued.add_years(3).add_days(-1).to_string(),
        mode: mode.into(),
        scope: units
            .iter()
            .flat_map(|(_, _, held)| held.iter())
            .map(|(n, cas, _)| ScopeItem {
                name: n.to_string(),
                cas: cas.to_string(),
                stored: true,
            })
            .collect(),
        business_address: record.business_address.clone(),
        storage_address: record.storage_address.clone(),
        ..LicenceEntry::default()
    }];
    record
}

/// Adds the enterprises of [`RECORD_ENTERPRISES`] with an account (the demo
/// password) and a record saved, submitted and confirmed through the same
/// functions the pages use, so each one's 重大危险源 grade is stored as for
/// any other. Run after [`seed_demo`] (it copies the demo password's hash).
pub async fn seed_demo_records(
    db: &Db,
    now: i64,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use super::enterprise_info::{decide, enterprise_step, load, EnterpriseStep};
    let actor = super::audit::Actor::system("演示数据");
    let today = super::today();
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE login = 'admin'")
        .fetch_optional(db.reader())
        .await?
        .ok_or("seed_demo_records runs after seed_demo")?;
    for (i, (digits, name, region, address, units)) in RECORD_ENTERPRISES.iter().enumerate() {
        let code = demo_code(region, digits).ok_or("bad demo credit code")?;
        let record = demo_record(i, name, region, address, units, today);
        let issues = record.completeness(today);
        if !issues.is_empty() {
            return Err(format!("demo record of {name} is incomplete: {issues:?}").into());
        }
        let id = insert_enterprise(db.writer(), &code, name, "赵一", region, address, now).await?;
        sqlx::query(
            "INSERT INTO users (kind, login, display_name, enterprise_id, mobile, password_hash, status, created_at, role) \
             VALUES ('enterprise', $1, '孙三', $2, $3, $4, 'active', $5, 'manager')",
        )
        .bind(&code)
        .bind(id)
        .bind(format!("1390000103{i}"))
        .bind(&hash)
        .bind(now)
        .execute(db.writer())
        .await?;
        let fail = |e: super::enterprise_info::InfoError| format!("demo record of {name}: {e:?}");
        let info = load(db, id, now).await.map_err(fail)?;
        let v = enterprise_step(
            db,
            id,
            info.version,
            EnterpriseStep::Save(&record),
            &actor,
            now,
        )
        .await
        .map_err(fail)?;
        let v = enterprise_step(db, id, v, EnterpriseStep::Submit, &actor, now)
            .await
            .map_err(fail)?;
        decide(db, id, v, true, "", &actor, now)
            .await
            .map_err(fail)?;
    }
    Ok(())
}

/// Enterprises whose licences 南京市应急管理局 issued or cancelled in the
/// last weeks, so 许可公示 is not empty: (organisation code digits, name,
/// region, 经营方式, working days ago it was issued, working days ago it
/// was cancelled (0 = still valid)).
const PUBLICITY_ENTERPRISES: &[(&str, &str, &str, &str, u32, u32)] = &[
    (
        "70000021",
        "南京雨花台示例化学品销售有限公司",
        "320114",
        "no_storage",
        9,
        0,
    ),
    (
        "70000022",
        "南京浦口示例气体经销有限公司",
        "320111",
        "storage",
        2,
        0,
    ),
    (
        "70000023",
        "南京六合示例油品贸易有限公司",
        "320116",
        "no_storage",
        200,
        4,
    ),
];

/// The demo notices: (title, body, published days ago, pinned, by 南京市应急管理局).
const DEMO_NOTICES: &[(&str, &str, i64, bool, bool)] = &[
    (
        "危险化学品经营安全监管系统上线运行的公告",
        "## 系统上线\n\n危险化学品经营企业可在本系统注册账号、完善企业信息、办理经营许可证业务。\n\n- 企业登录账号为**统一社会信用代码**;\n- 办理中遇到问题,请先查阅[帮助中心](/help),或拨打页面底部的客服电话。\n",
        20,
        true,
        false,
    ),
    (
        "关于做好危险化学品经营许可证延期换证工作的通知",
        "各危险化学品经营单位:\n\n经营许可证有效期届满需要继续经营的,应当在有效期届满**3个月前**提出延期申请。请通过本系统“许可证业务”中的“延期换证”办理。\n\n| 事项 | 时限 |\n|---|---|\n| 提出延期申请 | 有效期届满3个月前 |\n| 发证机关作出决定 | 有效期届满前 |\n\n南京市应急管理局\n",
        5,
        false,
        true,
    ),
];

/// Demo data of the public side: notices (one pinned) and licences issued
/// and cancelled in the last weeks (through the same case moves the pages
/// use, with their dates as they would have been). Run after
/// [`seed_demo`] (it needs the organisations).
pub async fn seed_demo_public(
    db: &Db,
    now: i64,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use super::notice::{act, create, Writer};
    use crate::domain::licence_case::{Action, CaseKind};
    use crate::domain::notice::{NoticeAction, NoticeText};
    let actor = super::audit::Actor::system("演示数据");
    let cal = super::calendar();
    let today = super::today();
    let city: i64 =
        sqlx::query_scalar("SELECT id FROM organizations WHERE name = '南京市应急管理局'")
            .fetch_one(db.reader())
            .await?;
    for (title, body, days, pinned, by_city) in DEMO_NOTICES {
        let text = NoticeText::parse(title, body).map_err(|e| format!("demo notice: {e:?}"))?;
        let writer = if *by_city {
            Writer::Authority(city)
        } else {
            Writer::Admin
        };
        let when = now - days * 86_400;
        let id = create(db, writer, &text, &actor, when)
            .await
            .map_err(|e| format!("demo notice: {e:?}"))?;
        if *pinned {
            act(db, id, 1, writer, NoticeAction::Pin, &actor, when)
                .await
                .map_err(|e| format!("demo notice: {e:?}"))?;
        }
    }
    for (digits, name, region, mode, issued_ago, cancelled_ago) in PUBLICITY_ENTERPRISES {
        let code = demo_code(region, digits).ok_or("bad demo credit code")?;
        let id = insert_enterprise(db.writer(), &code, name, "赵一", region, "", now).await?;
        let mut application = demo_application(
            name,
            "南京市建邺区江东中路1号",
            "南京市江北新区化工园3号",
            mode,
            "汽油,86290-81-5\n甲醇,67-56-1\n乙醇,64-17-5\n硫酸,7664-93-9",
            "13900000031".into(),
        );
        let issued = working_days_before(cal, today, *issued_ago);
        let submitted = working_days_before(cal, issued, 8);
        let moves = issuing_moves(submitted, [1, 2, 1], issued, PASSED);
        let number = run_case(db, id, CaseKind::New, &application, moves, now).await?;
        if *cancelled_ago == 0 {
            continue;
        }
        // 注销: the enterprise stops trading.
        let cancelled = working_days_before(cal, today, *cancelled_ago);
        let filed = working_days_before(cal, cancelled, 3);
        application.licence_number = number.unwrap_or_default();
        application.reason = "企业停止危险化学品经营活动,申请注销经营许可证。".into();
        let moves = vec![
            (Action::Submit, filed, Default::default()),
            (
                Action::Accept,
                cal.add_working_days(filed, 1),
                Default::default(),
            ),
            (Action::Approve, cancelled, Default::default()),
        ];
        run_case(db, id, CaseKind::Cancel, &application, moves, now).await?;
    }
    Ok(())
}
