//! A demo jurisdiction large enough to make the dashboard meaningful:
//! a few hundred enterprises across 南京's districts and two other cities
//! of 江苏, with records in every status, every 经营方式, every 重大危险源
//! grade, licences expiring over the next year and a half (some expired),
//! registrations waiting for review, and licence cases decided over the
//! past year through the same functions the pages use.
//!
//! Names start with the district (玄武…, never 南京…), so they sort after
//! the hand-made demo enterprises in the directory.

use super::{
    demo_application, demo_code, demo_record, insert_enterprise, issuing_moves, onsite_check,
    run_case, with_text, working_days_before, DemoUnit, Moves, PASSED,
};
use crate::domain::business_mode::BusinessMode;
use crate::server::db::Db;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// How many enterprises: a few hundred.
pub const ENTERPRISES: usize = 360;

/// (region, the word names start with).
const PLACES: &[(&str, &str)] = &[
    ("320102", "玄武"),
    ("320104", "秦淮"),
    ("320105", "建邺"),
    ("320106", "鼓楼"),
    ("320111", "浦口"),
    ("320113", "栖霞"),
    ("320114", "雨花"),
    ("320115", "江宁"),
    ("320115", "秣陵"),
    ("320116", "龙袍"),
    ("320117", "溧水"),
    ("320118", "高淳"),
    ("320508", "姑苏"),
    ("320583", "昆山"),
    ("320213", "梁溪"),
    ("320281", "江阴"),
];

const BRANDS: &[&str] = &[
    "恒通", "华泰", "瑞丰", "永盛", "金诚", "宏达", "安泰", "新源", "明辉", "联创", "天元", "卓信",
    "嘉禾", "润华", "众邦", "鑫达", "远航", "丰源", "博远", "顺昌", "汇丰", "泰和", "长兴",
];

const TRADES: &[&str] = &[
    "化工贸易",
    "石化销售",
    "危险品经销",
    "化学试剂",
    "燃气经营",
    "油品销售",
    "工业气体",
    "涂料经销",
];

/// Storage units giving each 重大危险源 result (GB 18218-2018): 液氯 with
/// 60 people exposed (α 1.5, β 4, Q 5 t): 20 t 三级, 60 t 二级, 100 t 一级;
/// 汽油 + 甲醇 四级; 甲醇 + 乙醇 not a major hazard source.
const UNITS: [&[DemoUnit]; 5] = [
    &[(
        "1号仓库",
        "120",
        &[("汽油", "86290-81-5", "160"), ("甲醇", "67-56-1", "250")],
    )],
    &[("液氯储罐区", "60", &[("液氯", "7782-50-5", "20")])],
    &[("液氯储罐区", "60", &[("液氯", "7782-50-5", "60")])],
    &[("液氯储罐区", "60", &[("液氯", "7782-50-5", "100")])],
    &[(
        "2号仓库",
        "10",
        &[("甲醇", "67-56-1", "100"), ("乙醇", "64-17-5", "50")],
    )],
];

/// Seeds the demo jurisdiction; run after [`super::seed_demo`].
pub async fn seed(db: &Db, now: i64) -> Result<(), Error> {
    let today = crate::server::today();
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE login = 'admin'")
        .fetch_optional(db.reader())
        .await?
        .ok_or("the demo jurisdiction is seeded after seed_demo")?;
    let mut tx = db.write_tx().await?;
    let mut decided = vec![];
    for i in 0..ENTERPRISES {
        let (region, place) = PLACES[i % PLACES.len()];
        let name = format!(
            "{place}{}{}有限公司",
            BRANDS[(i * 7) % BRANDS.len()],
            TRADES[(i * 3) % TRADES.len()]
        );
        let code = demo_code(region, &format!("8{i:07}")).ok_or("bad demo credit code")?;
        let address = format!("{place}路{}号", i + 1);
        let created = now - (i as i64) * 86_400;
        let id =
            insert_enterprise(&mut *tx, &code, &name, "赵一", region, &address, created).await?;
        // Every 60th waits for 注册审核, half of them past the promised
        // working day.
        let pending = i % 60 == 59;
        let waited = if i % 120 == 59 { 3 * 86_400 } else { 1_800 };
        sqlx::query(
            "INSERT INTO users (kind, login, display_name, enterprise_id, mobile, password_hash, status, created_at, role) \
             VALUES ('enterprise', $1, '孙三', $2, $3, $4, $5, $6, 'manager')",
        )
        .bind(&code)
        .bind(id)
        .bind(format!("1370000{i:04}"))
        .bind(&hash)
        .bind(if pending { "pending_review" } else { "active" })
        .bind(now - if pending { waited } else { 400 * 86_400 })
        .execute(&mut *tx)
        .await?;
        // Status: 6 in 10 confirmed, then submitted, draft, nothing filed.
        let status = match i % 10 {
            _ if pending => continue,
            6 => "submitted",
            7 => "draft",
            8 => continue,
            _ => "confirmed",
        };
        let mode = match i % 20 {
            0..=6 => BusinessMode::NoStorage,
            7..=12 => BusinessMode::StorageNotMajorHazard,
            13..=15 => BusinessMode::StorageMajorHazard,
            16..=18 => BusinessMode::FuelStation,
            _ => BusinessMode::Warehousing,
        };
        let units: &[DemoUnit] = match mode {
            BusinessMode::StorageMajorHazard => UNITS[(i / 20) % 4],
            BusinessMode::StorageNotMajorHazard | BusinessMode::Warehousing => UNITS[4],
            _ => &[],
        };
        let mut record = demo_record(i, &name, region, &address, units, today);
        record.business_mode = mode.code().into();
        if units.is_empty() {
            record.has_storage = "no".into();
            record.storage_address.clear();
            record.major_hazard = "no".into();
        }
        if mode == BusinessMode::FuelStation {
            record.fuel_station = "yes".into();
        }
        // Expiry from 60 days ago to 16 months ahead, spread evenly.
        let valid_until = today.add_days(((i * 37) % 540) as i64 - 60);
        let issued = valid_until.add_years(-3).add_days(1);
        if let Some(l) = record.licences.first_mut() {
            l.number = format!("苏危化经字〔{}〕{:06}", issued.year(), 300_000 + i);
            l.issued_on = issued.to_string();
            l.valid_until = valid_until.to_string();
            l.mode = mode.code().into();
        }
        let json = serde_json::to_string(&record)?;
        // What the regulators see: the confirmed record, or the submitted draft.
        let shown = status != "draft";
        let grade = record
            .hazard_identification()
            .0
            .map(|c| crate::domain::major_hazard::stored_code(c.major, c.grade));
        sqlx::query(
            "INSERT INTO enterprise_info (enterprise_id, status, draft, confirmed, version, business_mode, next_expiry, hazard_grade, updated_at, submitted_at) \
             VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(status)
        .bind(&json)
        .bind((status == "confirmed").then_some(&json))
        .bind(if shown { mode.code() } else { "" })
        .bind(shown.then(|| valid_until.to_string()))
        .bind(if shown { grade } else { None })
        .bind(now - 30 * 86_400)
        .bind((status != "draft").then_some(now - 2 * 86_400))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO enterprise_info_versions (enterprise_id, version, status, draft, at, by_user) VALUES ($1, 1, $2, $3, $4, NULL)",
        )
        .bind(id)
        .bind(status)
        .bind(&json)
        .bind(now - 30 * 86_400)
        .execute(&mut *tx)
        .await?;
        if shown {
            if let Some(l) = record.licences.first() {
                sqlx::query("INSERT INTO licences (enterprise_id, number, valid_until, mode) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(&l.number)
                    .bind(&l.valid_until)
                    .bind(&l.mode)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        // One in nine confirmed ones had a licence case this year.
        // (南京's, whose bureaus work in the system).
        // Not 玄武区's: its bureau's own list stays the small hand-made one.
        if status == "confirmed" && i % 5 == 0 && region.starts_with("3201") && region != "320102" {
            decided.push((id, name, mode, decided.len()));
        }
    }
    tx.commit().await?;
    for (id, name, mode, n) in decided {
        seed_case(db, id, &name, mode, n, now).await?;
    }
    Ok(())
}

/// A first application decided about `n`/3 months ago: issued, or now and
/// then 不予受理 or 不予许可, its steps taking a few working days each.
async fn seed_case(
    db: &Db,
    id: i64,
    name: &str,
    mode: BusinessMode,
    n: usize,
    now: i64,
) -> Result<(), Error> {
    use crate::domain::licence_case::{Action, CaseKind};
    let cal = crate::server::calendar();
    let today = crate::server::today();
    let application = demo_application(
        name,
        "南京市秦淮区中华路1号",
        "南京市江北新区化工园2号",
        mode.code(),
        "汽油,86290-81-5\n甲醇,67-56-1",
        "13700000000".into(),
    );
    let submitted = working_days_before(cal, today, 8 + (n as u32 * 7) % 230);
    let spans = [1 + (n as u32 % 4), 2 + (n as u32 % 5), 1 + (n as u32 % 3)];
    let accepted = cal.add_working_days(submitted, spans[0]);
    let checked = cal.add_working_days(accepted, spans[1]);
    let approved = cal.add_working_days(checked, spans[2]);
    let moves: Moves = match n % 8 {
        3 => vec![
            (Action::Submit, submitted, Default::default()),
            (
                Action::NotAccept,
                accepted,
                with_text(
                    "申请事项不属于本机关职权范围,请向企业所在地设区的市级应急管理部门申请。",
                ),
            ),
        ],
        6 => vec![
            (Action::Submit, submitted, Default::default()),
            (Action::Accept, accepted, Default::default()),
            (
                Action::RecordOnSite,
                checked,
                onsite_check(checked, "储存场所与周边设施的安全距离不足。", false),
            ),
            (
                Action::Refuse,
                approved,
                with_text("现场核查不合格:储存场所与周边设施的安全距离不符合 GB 50016 的要求。"),
            ),
        ],
        _ => issuing_moves(submitted, spans, cal.add_working_days(approved, 1), PASSED),
    };
    run_case(db, id, CaseKind::New, &application, moves, now).await?;
    Ok(())
}
