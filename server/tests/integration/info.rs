//! 企业信息 on both engines: the draft → submitted → confirmed cycle, the
//! lock of a regulator's proposal, the version check, the audit rows, and
//! who may see and change what.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use app::api::enterprise_info::{DirectoryEntry, DirectoryPage, InfoView, RecordView, SavedStep};
use app::components::upload::UploadAnswer;
use app::domain::enterprise_info::{EnterpriseRecord, LicenceEntry, RecordStatus, ScopeItem};
use app::domain::help::Faq;
use app::domain::major_hazard::StorageUnit;
use app::server::seed::{seed_demo, DEMO_PASSWORD};
use axum::http::StatusCode;
use serde_json::json;

/// Demo enterprises: A in 南京玄武 (320102), B in 福州 (350100).
pub const A: &str = "91320102MA1XYR7K61";
pub const B: &str = "91350100M000100Y43";
const LICENCE: &str = "苏(宁)危化经字〔2024〕000123";

/// The end of A's licence in `complete_record`: 200 days from today, so
/// that it is neither expired nor due for a reminder whenever the suite
/// runs (a fixed date would expire under it). Taken once per run, so that
/// a midnight in between changes nothing.
pub fn licence_until() -> app::domain::Date {
    static UNTIL: std::sync::OnceLock<app::domain::Date> = std::sync::OnceLock::new();
    *UNTIL.get_or_init(|| app::server::today().add_days(200))
}

pub fn complete_record(name: &str) -> EnterpriseRecord {
    let s = |v: &str| v.to_string();
    EnterpriseRecord {
        name: s(name),
        legal_rep: s("张明"),
        principal_name: s("李强"),
        principal_mobile: s("13912345678"),
        safety_name: s("王芳"),
        safety_mobile: s("13812345678"),
        registered_address: s("南京市玄武区北京东路1号"),
        business_address: s("南京市玄武区北京东路1号"),
        storage_address: s("南京市江北新区化工园1号"),
        region_code: s("320102"),
        economic_type: s("有限责任公司"),
        fuel_station: s("no"),
        has_storage: s("yes"),
        major_hazard: s("no"),
        business_mode: s("storage"),
        multi_licence: s("no"),
        licences: vec![LicenceEntry {
            number: s(LICENCE),
            issuer: s("南京市应急管理局"),
            issued_on: licence_until().add_years(-3).add_days(1).to_string(),
            valid_until: licence_until().to_string(),
            mode: s("storage"),
            scope: vec![ScopeItem {
                name: s("硫酸"),
                cas: s("7664-93-9"),
                stored: true,
            }],
            business_address: s("南京市玄武区北京东路1号"),
            storage_address: s("南京市江北新区化工园1号"),
            ..LicenceEntry::default()
        }],
        ..EnterpriseRecord::default()
    }
}

pub async fn mine(b: &Backend, cookie: &str) -> InfoView {
    let r = post_form(&b.router, "/api/info/mine", &[], Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    r.decode()
}

pub async fn save(b: &Backend, cookie: &str, record: &EnterpriseRecord, base: i64) -> Reply {
    save_from(b, cookie, "licences", record, base).await
}

/// Saves `record` from the page's `step`, based on version `base`.
async fn save_from(
    b: &Backend,
    cookie: &str,
    step: &str,
    record: &EnterpriseRecord,
    base: i64,
) -> Reply {
    post_json(
        &b.router,
        "/api/info/save",
        &json!({"step": step, "record": record, "base_version": base}),
        Some(cookie),
    )
    .await
}

/// Saves `record` from `step` on the version the enterprise holds now
/// (which must succeed): the new version and that step's problems.
async fn save_step(b: &Backend, cookie: &str, step: &str, record: &EnterpriseRecord) -> SavedStep {
    let base = mine(b, cookie).await.version;
    let r = save_from(b, cookie, step, record, base).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    r.decode()
}

pub async fn form(b: &Backend, path: &str, fields: &[(&str, &str)], cookie: &str) -> Reply {
    post_form(&b.router, path, fields, Some(cookie)).await
}

/// One page of 信息维护 with the given filters (the others empty; a
/// filter the directory does not have fails the test).
pub async fn directory(b: &Backend, cookie: &str, filters: &[(&str, &str)]) -> DirectoryPage {
    const FILTERS: [&str; 7] = [
        "q",
        "region",
        "mode",
        "status",
        "expiring_days",
        "sort",
        "hazard",
    ];
    for (f, _) in filters {
        assert!(FILTERS.contains(f), "the directory has no filter {f}");
    }
    let mut fields: Vec<(&str, &str)> = FILTERS
        .iter()
        .map(|k| {
            (
                *k,
                filters.iter().find(|(f, _)| f == k).map_or("", |(_, v)| *v),
            )
        })
        .collect();
    fields.push(("page", "1"));
    let r = form(b, "/api/info/directory", &fields, cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    r.decode()
}

/// The directory's first page under the 重大危险源 filter `hazard`: each
/// entry's `key` (e.g. its credit code) and its 重大危险源 column, sorted.
async fn hazard_rows(
    b: &Backend,
    cookie: &str,
    hazard: &str,
    key: fn(&DirectoryEntry) -> &str,
) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = directory(b, cookie, &[("hazard", hazard)])
        .await
        .entries
        .iter()
        .map(|e| (key(e).to_string(), e.hazard.clone()))
        .collect();
    rows.sort();
    rows
}

/// Storage units written as the page sends them.
fn units(v: serde_json::Value) -> Vec<StorageUnit> {
    serde_json::from_value(v).unwrap()
}

/// What a page holds: the version a change is based on.
pub trait Versioned {
    fn version(&self) -> i64;
}

impl Versioned for InfoView {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for RecordView {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for SavedStep {
    fn version(&self) -> i64 {
        self.version
    }
}

/// The version `v` holds, as a form sends it.
pub fn version(v: &impl Versioned) -> String {
    v.version().to_string()
}

/// How the regulators' record endpoint answers `cookie`'s holder about `code`.
pub async fn record_answer(b: &Backend, cookie: &str, code: &str) -> Reply {
    form(b, "/api/info/record", &[("credit_code", code)], cookie).await
}

/// The regulator's view of `code`.
pub async fn regulated(b: &Backend, cookie: &str, code: &str) -> RecordView {
    let r = record_answer(b, cookie, code).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    r.decode()
}

/// `cookie`'s bureau proposes `value` for A's `field`, on the record's
/// current version.
pub async fn propose(b: &Backend, cookie: &str, field: &str, value: &str) -> Reply {
    let rec = regulated(b, cookie, A).await;
    post_json(
        &b.router,
        "/api/info/propose",
        &json!({"credit_code": A, "base_version": rec.version, "values": [[field, value]]}),
        Some(cookie),
    )
    .await
}

async fn audit_actions(b: &Backend, code: &str) -> Vec<(String, String, String)> {
    use sqlx::Row as _;
    sqlx::query(
        "SELECT a.action, a.actor, a.outcome FROM audit_log a JOIN enterprises e ON e.id = a.enterprise_id \
         WHERE e.credit_code = $1 ORDER BY a.id",
    )
    .bind(code)
    .fetch_all(b.state.db.reader())
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect()
}

/// Logs in the demo users and submits A's complete record: (A, its county).
pub async fn submitted(b: &Backend) -> (String, String) {
    seed_demo(&b.state.db, &b.state.hasher, app::server::now())
        .await
        .unwrap();
    let a = login_cookie(b, "enterprise", A, DEMO_PASSWORD).await;
    let county = login_cookie(b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
    let r = save_and_submit(b, &a, &complete_record("南京玄武示例化工贸易有限公司")).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    (a, county)
}

/// `a`'s 提交 of the draft version `base`: the answer.
async fn submit(b: &Backend, a: &str, base: &str) -> Reply {
    form(b, "/api/info/submit", &[("base_version", base)], a).await
}

/// Saves `record` as A's draft (which must succeed) and submits it; the
/// submission's answer.
pub async fn save_and_submit(b: &Backend, a: &str, record: &EnterpriseRecord) -> Reply {
    let v = mine(b, a).await;
    let r = save(b, a, record, v.version).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    let v = mine(b, a).await;
    submit(b, a, &version(&v)).await
}

/// The regulator's 确认 of A, based on the version `base` they opened.
pub async fn confirm_on(b: &Backend, county: &str, base: &str) -> Reply {
    form(
        b,
        "/api/info/decide",
        &[
            ("credit_code", A),
            ("base_version", base),
            ("approve", "true"),
            ("reason", ""),
        ],
        county,
    )
    .await
}

/// A's 撤回 or 信息变更 (`action`) based on the version `v` holds: the answer.
async fn post_status(b: &Backend, a: &str, action: &str, v: &InfoView) -> Reply {
    let fields = [("action", action), ("base_version", &version(v))];
    form(b, "/api/info/status", &fields, a).await
}

/// A's 撤回 or 信息变更 (`action`) on the version it holds now; must succeed.
pub async fn set_status(b: &Backend, a: &str, action: &str) {
    let r = post_status(b, a, action, &mine(b, a).await).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
}

/// `a`'s answer to the proposal `id`: accepted or not, with the reason.
async fn answer(b: &Backend, a: &str, id: &str, accept: &str, reason: &str) -> Reply {
    let fields = [("proposal_id", id), ("accept", accept), ("reason", reason)];
    form(b, "/api/info/proposal/answer", &fields, a).await
}

/// Logs in the demo users and brings A's record to 已确认.
pub async fn confirmed(b: &Backend) -> (String, String) {
    let (a, county) = submitted(b).await;
    let rec = regulated(b, &county, A).await;
    let r = confirm_on(b, &county, &version(&rec)).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    (a, county)
}

#[tokio::test]
async fn draft_submit_withdraw_confirm_with_an_audit_row_for_each_step() {
    for b in seeded().await {
        let a = login_cookie(&b, "enterprise", A, DEMO_PASSWORD).await;
        let v = mine(&b, &a).await;
        assert_eq!(v.status, RecordStatus::Draft);
        // The draft starts from what registration knows.
        assert_eq!(v.draft.name, "南京玄武示例化工贸易有限公司");
        assert!(!v.issues.is_empty());

        // An incomplete step is saved anyway, and its problems come back.
        let mut partial = complete_record("南京玄武示例化工贸易有限公司");
        partial.licences[0].scope[0].cas = "7664-93-8".into();
        let r = save(&b, &a, &partial, v.version).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let saved: SavedStep = r.decode();
        assert!(saved
            .errors
            .get("licences.0.scope.0.cas")
            .unwrap()
            .contains("校验位"));
        // Submitting is refused with every problem at its field.
        let r = submit(&b, &a, &version(&saved)).await;
        expect_status(&r, StatusCode::UNPROCESSABLE_ENTITY, b.name);
        assert!(r.body.contains("licences.0.scope.0.cas"), "{}", r.body);

        let r = save(
            &b,
            &a,
            &complete_record("南京玄武示例化工贸易有限公司"),
            saved.version,
        )
        .await;
        let saved: SavedStep = r.decode();
        assert!(saved.errors.is_empty(), "{saved:?}");
        // On a version the page no longer shows: the 提交 is refused as such.
        let r = submit(&b, &a, &(saved.version - 1).to_string()).await;
        let (field, message) = r.conflict();
        assert_eq!(field, "version", "{}", b.name);
        assert!(
            message.starts_with("提交未成功:您打开页面后") && message.contains("请核对后再提交"),
            "{}: {message}",
            b.name
        );
        assert_eq!(mine(&b, &a).await.status, RecordStatus::Draft, "{}", b.name);
        let r = submit(&b, &a, &version(&saved)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let v = mine(&b, &a).await;
        assert_eq!(v.status, RecordStatus::Submitted);
        // A submitted record is read-only until withdrawn.
        let r = save(&b, &a, &complete_record("改名"), v.version).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        assert!(r.body.contains("撤回"), "{}", r.body);
        assert_eq!(
            r.message_at("status").help,
            Some(Faq::CannotEdit),
            "{}",
            b.name
        );
        let r = post_status(&b, &a, "withdraw", &v).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let v = mine(&b, &a).await;
        assert_eq!(v.status, RecordStatus::Draft);
        submit(&b, &a, &version(&v)).await;

        // The county regulator sees the submission and confirms it.
        let county = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        let rec = regulated(&b, &county, A).await;
        assert_eq!(rec.status, RecordStatus::Submitted);
        let changes = rec.submitted.clone().unwrap_or_default();
        assert!(changes
            .iter()
            .any(|c| c.label == "主要负责人" && c.after == "李强"));
        // Regions read by name, not by code.
        assert!(changes
            .iter()
            .any(|c| c.field == "region_code" && c.after == "江苏省 南京市 玄武区"));
        assert_eq!(rec.region_name, "江苏省 南京市 玄武区", "{}", b.name);
        let r = confirm_on(&b, &county, &version(&rec)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert_eq!(mine(&b, &a).await.status, RecordStatus::Confirmed);

        // The directory finds it by licence number (typed with ASCII brackets).
        let dir = directory(&b, &county, &[("q", "苏(宁)危化经字[2024]000123")]).await;
        assert_eq!(dir.total, 1, "{}: {dir:?}", b.name);
        assert_eq!(dir.entries[0].credit_code, A);
        assert_eq!(dir.entries[0].mode, "有储存经营(不构成重大危险源)");
        // A part is enough: the number's digits, the start of the code, a
        // piece of the number with its prefix.
        for part in ["000123", "2024", &A[..10], "危化经字〔2024〕000", "ma1xyr"] {
            let dir = directory(&b, &county, &[("q", part)]).await;
            let found = dir.entries.iter().any(|e| e.credit_code == A);
            assert!(found, "{}: {part}: {dir:?}", b.name);
        }
        let none = directory(&b, &county, &[("q", "999999")]).await;
        assert_eq!(none.total, 0, "{}: {none:?}", b.name);

        let ok: Vec<String> = audit_actions(&b, A)
            .await
            .into_iter()
            .filter(|(_, _, outcome)| outcome == "ok")
            .map(|(a, _, _)| a)
            .collect();
        assert_eq!(
            ok,
            [
                "info.save",
                "info.save",
                "info.submit",
                "info.withdraw",
                "info.submit",
                "info.confirm"
            ],
            "{}",
            b.name
        );
        let rows = audit_actions(&b, A).await;
        assert!(
            rows.iter().any(|(a, who, outcome)| a == "info.confirm"
                && who.contains("南京市玄武区应急管理局")
                && outcome == "ok"),
            "{rows:?}"
        );
        assert!(
            rows.iter()
                .any(|(a, _, outcome)| a == "info.save" && outcome == "refused"),
            "{rows:?}"
        );
        assert!(
            rows.iter().any(|(a, _, _)| a == "info.withdraw"),
            "{rows:?}"
        );
        // Append-only: the database itself refuses to change or delete a row.
        for sql in [
            "UPDATE audit_log SET outcome = 'x'",
            "DELETE FROM audit_log",
        ] {
            let refused = sqlx::query(sql).execute(b.state.db.writer()).await.is_err();
            assert!(refused, "{}: {sql}", b.name);
        }
    }
}

#[tokio::test]
async fn a_proposal_locks_the_enterprise_shows_who_and_what_and_ends_three_ways() {
    for b in backends().await {
        let (a, county) = confirmed(&b).await;
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let propose = |cookie: String, name: &'static str| {
            let b = &b;
            async move { propose(b, &cookie, "principal_name", name).await }
        };
        let r = propose(county.clone(), "赵六").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);

        // The enterprise sees who, since when and what.
        let v = mine(&b, &a).await;
        let lock = v.lock.clone().unwrap();
        assert_eq!(lock.organization, "南京市玄武区应急管理局", "{}", b.name);
        assert_eq!(lock.user, "孙磊", "{}", b.name);
        assert_eq!(lock.changes[0].label, "主要负责人");
        assert_eq!(
            (
                lock.changes[0].before.as_str(),
                lock.changes[0].after.as_str()
            ),
            ("李强", "赵六")
        );
        // …and cannot start a change meanwhile: the FAQ's words, plus who and what.
        let r = post_status(&b, &a, "change", &v).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        assert!(
            r.body.contains(app::api::enterprise_info::LOCK_MESSAGE),
            "{}",
            r.body
        );
        assert_eq!(
            r.message_at("lock").help,
            Some(Faq::RegulatorEditing),
            "{}",
            b.name
        );
        assert!(
            r.body.contains("南京市玄武区应急管理局") && r.body.contains("主要负责人"),
            "{}",
            r.body
        );

        // One pending proposal at a time; only its bureau may withdraw it.
        let r = propose(city.clone(), "钱七").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}: {}", b.name, r.body);
        let id = lock.id.to_string();
        let withdraw = [("credit_code", A), ("proposal_id", &id)];
        let r = form(&b, "/api/info/proposal/withdraw", &withdraw, &city).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        assert!(r.body.contains("只能由该局撤回"), "{}", r.body);
        let r = form(&b, "/api/info/proposal/withdraw", &withdraw, &county).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert!(mine(&b, &a).await.lock.is_none());

        // Rejected: nothing changes.
        propose(county.clone(), "孙八").await;
        let id = mine(&b, &a).await.lock.unwrap().id.to_string();
        let r = answer(&b, &a, &id, "false", "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);
        let r = answer(&b, &a, &id, "false", "负责人未变更").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert_eq!(
            mine(&b, &a)
                .await
                .confirmed
                .as_ref()
                .unwrap()
                .principal_name,
            "李强"
        );

        // Accepted: applied at once.
        propose(county.clone(), "周九").await;
        let id = mine(&b, &a).await.lock.unwrap().id.to_string();
        let r = answer(&b, &a, &id, "true", "").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let v = mine(&b, &a).await;
        assert_eq!(v.confirmed.as_ref().unwrap().principal_name, "周九");
        assert_eq!(v.status, RecordStatus::Confirmed);

        let actions: Vec<String> = audit_actions(&b, A)
            .await
            .into_iter()
            .map(|(a, _, _)| a)
            .collect();
        let missing: Vec<&str> = [
            "proposal.create",
            "proposal.withdraw",
            "proposal.reject",
            "proposal.accept",
        ]
        .into_iter()
        .filter(|expected| !actions.iter().any(|a| a == expected))
        .collect();
        assert!(
            missing.is_empty(),
            "{}: {missing:?} not in {actions:?}",
            b.name
        );
    }
}

#[tokio::test]
async fn the_page_is_rendered_by_the_server_and_its_plain_posts_say_what_they_did() {
    for b in backends().await {
        let (a, _) = confirmed(&b).await;
        // Status and 信息变更 are the server's markup; the step's editor is an
        // island that starts from the draft written into the page.
        // The GB 18218 names the 品名 fields offer, outside the island.
        let mode = page(&b, "/info?step=mode", &a).await;
        assert!(
            mode.contains(r#"<datalist id="gb18218-names"><option value="氨">"#),
            "{}: {mode}",
            b.name
        );
        let body = page(&b, "/info?step=basic", &a).await;
        assert!(
            body.contains(r#"<span class="status-badge">已确认</span>"#),
            "{}: {body}",
            b.name
        );
        assert!(
            body.contains(r#"action="/api/info/status""#) && body.contains("开始信息变更?"),
            "{}: {body}",
            b.name
        );
        assert!(
            body.contains(r#"name="principal_name" type="text" maxlength="60" value="李强""#),
            "{}: {body}",
            b.name
        );
        let v = mine(&b, &a).await;
        let fields = [("action", "change"), ("base_version", &version(&v))];
        let post = || {
            post_page_form(
                &b.router,
                "/api/info/status",
                "/info?step=basic",
                &fields,
                Some(&a),
            )
        };
        let r = post().await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        expect_back_to(&b, &r, "/info?step=basic");
        let pair = flash_pair(&r);
        let body = page(&b, "/info?step=basic", &format!("{a}; {pair}")).await;
        assert!(
            body.contains(r#"class="notice success flash">已开始信息变更"#)
                && body.contains("变更中(原信息继续有效)"),
            "{}: {body}",
            b.name
        );
        assert!(mine(&b, &a).await.changing, "{}", b.name);
        // The same post again is stale: refused, its message on the page it
        // comes back to, no confirmation.
        let r = post().await;
        assert_eq!(r.set_cookie("whp_flash="), None, "{}", b.name);
        let (_, message) = form(&b, "/api/info/status", &fields, &a).await.conflict();
        assert!(
            message.starts_with("信息变更未成功"),
            "{}: {message}",
            b.name
        );
        let body = page_back_refused(&b, &r, &a).await;
        assert!(
            body.contains(r#"<div role="alert" class="alert">"#) && body.contains(&message),
            "{}: {message} not in {body}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_proposal_is_answered_by_plain_posts_and_a_missing_reason_is_said_at_its_field() {
    for b in backends().await {
        let (a, county) = confirmed(&b).await;
        let r = propose(&b, &county, "principal_name", "赵六").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let id = mine(&b, &a).await.lock.unwrap().id.to_string();
        let body = page(&b, "/info", &a).await;
        assert!(
            body.contains(app::api::enterprise_info::LOCK_MESSAGE)
                && body.contains(r#"action="/api/info/proposal/answer""#)
                && body.contains("赵六"),
            "{}: {body}",
            b.name
        );
        // The browser checks the reason first (`required`, its message ready).
        assert!(
            body.contains(r#"id="proposal-reason" name="reason" type="text" required"#)
                && body.contains(r#"data-message="请填写拒绝的理由"#),
            "{}: {body}",
            b.name
        );
        let answer = |accept: &'static str, reason: &'static str| {
            let (b, a, id) = (&b, a.clone(), id.clone());
            async move {
                post_page_form(
                    &b.router,
                    "/api/info/proposal/answer",
                    "/info",
                    &[("proposal_id", &id), ("accept", accept), ("reason", reason)],
                    Some(&a),
                )
                .await
            }
        };
        // Without JavaScript, a rejection without a reason comes back refused,
        // the message at the field.
        let r = answer("false", " ").await;
        let body = page_back_refused(&b, &r, &a).await;
        assert!(
            body.contains(r#"id="proposal-reason" name="reason" type="text" required"#)
                && body.contains(r#"data-message="请填写拒绝的理由,监管部门会看到。" aria-invalid="true" aria-describedby="proposal-reason-msg">"#)
                && body.contains(&field_message("proposal-reason", "请填写拒绝的理由")),
            "{}: {body}",
            b.name
        );
        assert!(mine(&b, &a).await.lock.is_some(), "{}", b.name);
        // With a reason: done, said on the page it comes back to.
        let r = answer("false", "负责人没有变化").await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        let pair = flash_pair(&r);
        let body = page(&b, "/info", &format!("{a}; {pair}")).await;
        assert!(
            body.contains(r#"class="notice success flash">已拒绝南京市玄武区应急管理局的修改申请"#)
                && !body.contains(app::api::enterprise_info::LOCK_MESSAGE),
            "{}: {body}",
            b.name
        );
        assert_eq!(mine(&b, &a).await.draft.principal_name, "李强");
        // An answer to a proposal closed meanwhile (another tab, say) is
        // refused, and the page, which has no lock left to say it at, says so.
        let r = answer("true", "").await;
        let body = page_back_refused(&b, &r, &a).await;
        assert!(
            body.contains(r#"<div role="alert" class="alert">"#)
                && body.contains("该修改申请已被处理或撤回")
                && !body.contains(app::api::enterprise_info::LOCK_MESSAGE),
            "{}: {body}",
            b.name
        );
        assert_eq!(mine(&b, &a).await.draft.principal_name, "李强");
    }
}

#[tokio::test]
async fn a_save_based_on_a_stale_version_is_refused_with_what_changed() {
    for b in backends().await {
        let (a, _) = confirmed(&b).await;
        set_status(&b, &a, "change").await;
        let base = mine(&b, &a).await.version;
        // Tab one saves a new principal.
        let mut first = complete_record("南京玄武示例化工贸易有限公司");
        first.principal_name = "吴十".into();
        assert_eq!(save(&b, &a, &first, base).await.status, StatusCode::OK);
        // Tab two, opened before, saves on the old version: refused, with the change named.
        let mut second = complete_record("南京玄武示例化工贸易有限公司");
        second.safety_name = "郑十一".into();
        let r = save(&b, &a, &second, base).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}: {}", b.name, r.body);
        assert!(r.body.contains("主要负责人“李强”→“吴十”"), "{}", r.body);
        assert!(r.body.contains("没有丢失"), "{}", r.body);
        // The editor asks for the version now and saves on it (what was
        // typed in tab two is kept on its form).
        let r = post_form(&b.router, "/api/info/version", &[], Some(&a)).await;
        assert_eq!(r.decode::<i64>(), base + 1, "{}: {}", b.name, r.body);
        let v = mine(&b, &a).await;
        assert_eq!(v.draft.principal_name, "吴十");
        assert_eq!(v.draft.safety_name, "王芳");
        // The confirmed version stays in force during the change.
        assert_eq!(v.confirmed.as_ref().unwrap().principal_name, "李强");
        assert!(v.changing);
    }
}

#[tokio::test]
async fn an_open_change_is_explained_to_the_regulator_can_be_reminded_once_a_day_and_lapses() {
    for b in backends().await {
        let (a, county) = confirmed(&b).await;
        set_status(&b, &a, "change").await;
        let rec = regulated(&b, &county, A).await;
        let open = rec.open_change.clone().unwrap();
        assert!(!open.since.is_empty(), "{}: {rec:?}", b.name);
        assert!(!open.lapses.is_empty(), "{}: {rec:?}", b.name);

        // One reminder a day, by SMS to the phone on file, in the trail.
        let sent_before = sms_total(&b).await;
        let r = form(&b, "/api/info/remind", &[("credit_code", A)], &county).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert!(r.body.contains("已发送短信提醒"), "{}", r.body);
        let again = form(&b, "/api/info/remind", &[("credit_code", A)], &county).await;
        expect_status(&again, StatusCode::CONFLICT, b.name);
        assert!(again.body.contains("今天已提醒过"), "{}", again.body);
        assert_eq!(sms_total(&b).await, sent_before + 1, "{}", b.name);
        assert!(audit_actions(&b, A)
            .await
            .iter()
            .any(|(action, _, outcome)| action == "info.remind" && outcome == "ok"));

        // Untouched for 30 days: the change lapses, the confirmed record stays.
        let now = app::server::now();
        assert_eq!(
            app::server::enterprise_info::lapse_stale_changes(&b.state.db, &b.state.sms, now)
                .await
                .unwrap(),
            0,
            "{}",
            b.name
        );
        exec(
            &b,
            "UPDATE enterprise_info SET updated_at = updated_at - 31 * 86400",
            &[],
        )
        .await;
        let lapsed =
            app::server::enterprise_info::lapse_stale_changes(&b.state.db, &b.state.sms, now)
                .await
                .unwrap();
        assert_eq!(lapsed, 1, "{}", b.name);
        let v = mine(&b, &a).await;
        assert_eq!(v.status, RecordStatus::Confirmed, "{}: {v:?}", b.name);
        assert_eq!(v.confirmed.as_ref().unwrap().principal_name, "李强");
        assert_eq!(sms_total(&b).await, sent_before + 2, "{}", b.name);
        let rec = regulated(&b, &county, A).await;
        assert!(rec.open_change.is_none(), "{}: {rec:?}", b.name);
    }
}

#[tokio::test]
async fn a_decision_on_a_withdrawn_submission_says_what_happened_in_a_regulators_words() {
    for b in backends().await {
        let (a, county) = submitted(&b).await;
        let rec = regulated(&b, &county, A).await;
        set_status(&b, &a, "withdraw").await;
        let r = confirm_on(&b, &county, &version(&rec)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}: {}", b.name, r.body);
        assert!(r.body.contains("操作未完成"), "{}", r.body);
        assert!(!r.body.contains("保存"), "{}", r.body);
        assert_eq!(mine(&b, &a).await.status, RecordStatus::Draft);
    }
}

/// The reminders and lapse notices sent (not other SMS, which background
/// tasks may send meanwhile).
async fn sms_total(b: &Backend) -> i64 {
    let sql =
        "SELECT COUNT(*) FROM sms_messages WHERE purpose IN ('info_remind', 'info_change_lapsed')";
    scalar(b, sql, &[]).await
}

#[tokio::test]
async fn nobody_reads_or_changes_what_is_not_theirs() {
    for b in backends().await {
        let (a, county) = confirmed(&b).await;
        let enterprise_b = login_cookie(&b, "enterprise", B, DEMO_PASSWORD).await;
        // B's own record is B's, never A's.
        let v = mine(&b, &enterprise_b).await;
        assert_eq!(v.credit_code, B);
        assert_ne!(v.draft.name, "南京玄武示例化工贸易有限公司");
        // Enterprises cannot use the regulators' endpoints.
        for path in ["/api/info/record", "/api/info/proposal/withdraw"] {
            let r = form(
                &b,
                path,
                &[("credit_code", A), ("proposal_id", "1")],
                &enterprise_b,
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {path}", b.name);
        }
        // A proposal for A cannot be answered by B.
        propose(&b, &county, "safety_name", "冯十二").await;
        let id = mine(&b, &a).await.lock.unwrap().id.to_string();
        let r = answer(&b, &enterprise_b, &id, "true", "").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        assert!(
            mine(&b, &a).await.lock.is_some(),
            "{}: still pending",
            b.name
        );

        // The 玄武 county regulator sees nothing of 福州.
        let r = form(&b, "/api/info/record", &[("credit_code", B)], &county).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let r = form(
            &b,
            "/api/info/decide",
            &[
                ("credit_code", B),
                ("base_version", "1"),
                ("approve", "true"),
                ("reason", ""),
            ],
            &county,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let r = post_json(
            &b.router,
            "/api/info/propose",
            &json!({"credit_code": B, "base_version": 1, "values": [["name", "x"]]}),
            Some(&county),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let list = |cookie: String| {
            let b = &b;
            async move {
                directory(b, &cookie, &[])
                    .await
                    .entries
                    .into_iter()
                    .map(|e| e.credit_code)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(list(county.clone()).await, [A], "{}", b.name);
        // Even naming another region in the filter does not widen it.
        let r = directory(&b, &county, &[("region", "350100")]).await;
        assert_eq!(r.total, 1, "{}", b.name);
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        assert_eq!(list(admin).await.len(), 3, "{}", b.name);
    }
}

#[tokio::test]
async fn a_regulators_look_at_a_record_never_opened_writes_nothing() {
    for b in seeded().await {
        let rows = || scalar(&b, "SELECT COUNT(*) FROM enterprise_info", &[]);
        let before = rows().await;
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let r = form(&b, "/api/info/record", &[("credit_code", B)], &admin).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let v: RecordView = r.decode();
        assert_eq!(v.status, RecordStatus::Draft, "{}", b.name);
        assert_eq!(v.name, "福州示例危险品储运有限公司", "{}", b.name);
        assert!(v.record.is_none(), "{}: nothing submitted", b.name);
        assert_eq!(rows().await, before, "{}: a look wrote a row", b.name);
        // The enterprise's own first visit creates its draft.
        let enterprise = login_cookie(&b, "enterprise", B, DEMO_PASSWORD).await;
        assert_eq!(mine(&b, &enterprise).await.draft.name, v.name);
        assert_eq!(rows().await, before + 1, "{}", b.name);
    }
}

pub async fn upload(b: &Backend, cookie: Option<&str>, name: &str, bytes: Vec<u8>) -> Reply {
    let mut req =
        axum::http::Request::post(format!("/files/licence-scan?name={}", urlencode(name)))
            .header(axum::http::header::HOST, "127.0.0.1:3000")
            .header(axum::http::header::ORIGIN, ORIGIN);
    if let Some(c) = cookie {
        req = req.header(axum::http::header::COOKIE, c);
    }
    send(&b.router, req.body(axum::body::Body::from(bytes)).unwrap()).await
}

async fn download(b: &Backend, cookie: &str, id: &str) -> Reply {
    send(&b.router, get_as(&format!("/files/{id}"), cookie)).await
}

#[tokio::test]
async fn licence_scans_are_checked_by_content_stored_privately_and_shown_only_to_who_may() {
    for b in seeded().await {
        let a = login_cookie(&b, "enterprise", A, DEMO_PASSWORD).await;
        let other = login_cookie(&b, "enterprise", B, DEMO_PASSWORD).await;
        let county = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        let pdf = b"%PDF-1.4\n% licence scan\n".to_vec();

        assert_eq!(
            upload(&b, None, "证书.pdf", pdf.clone()).await.status,
            StatusCode::UNAUTHORIZED,
            "{}",
            b.name
        );
        assert_eq!(
            upload(&b, Some(&county), "证书.pdf", pdf.clone())
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{}",
            b.name
        );
        // The name says PDF, the content says HTML: refused.
        let r = upload(
            &b,
            Some(&a),
            "证书.pdf",
            b"<html><script>alert(1)</script>".to_vec(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);
        assert!(r.body.contains("PDF、JPG 或 PNG"), "{}", r.body);
        let r = upload(
            &b,
            Some(&a),
            "big.pdf",
            [b"%PDF-".to_vec(), vec![0u8; 5 * 1024 * 1024]].concat(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);
        assert!(r.body.contains("5 MB"), "{}", r.body);

        let r = upload(&b, Some(&a), "../苏宁证书.pdf", pdf.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let answer: UploadAnswer = r.decode();
        let id = answer.id.unwrap();
        assert_eq!(answer.name.as_deref(), Some("苏宁证书.pdf"));
        // On disk: named by the id only, readable by the owner only.
        let path = b.state.config.upload_dir.join(&id);
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", b.name);
        }

        let r = download(&b, &a, &id).await;
        assert_eq!(r.status, StatusCode::OK, "{}", b.name);
        assert_eq!(r.headers["content-type"], "application/pdf");
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
        assert!(r.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox"));
        assert_eq!(r.body.as_bytes(), pdf.as_slice());
        assert_eq!(
            download(&b, &county, &id).await.status,
            StatusCode::OK,
            "{}",
            b.name
        );
        assert_eq!(
            download(&b, &other, &id).await.status,
            StatusCode::NOT_FOUND,
            "{}",
            b.name
        );
        assert_eq!(
            download(&b, &a, "../../etc/passwd").await.status,
            StatusCode::NOT_FOUND,
            "{}",
            b.name
        );

        // B's scan is not the 玄武 county's business, and A cannot attach it.
        let theirs = upload(&b, Some(&other), "b.png", b"\x89PNG\r\n\x1a\n....".to_vec())
            .await
            .decode::<UploadAnswer>()
            .id
            .unwrap();
        assert_eq!(
            download(&b, &county, &theirs).await.status,
            StatusCode::NOT_FOUND,
            "{}",
            b.name
        );
        let v = mine(&b, &a).await;
        let mut rec = complete_record("南京玄武示例化工贸易有限公司");
        rec.licences[0].scan = theirs;
        let r = save(&b, &a, &rec, v.version).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        rec.licences[0].scan = id;
        rec.licences[0].scan_name = "苏宁证书.pdf".into();
        assert_eq!(
            save(&b, &a, &rec, v.version).await.status,
            StatusCode::OK,
            "{}",
            b.name
        );
        assert!(audit_count(&b, "licence.scan").await >= 2, "{}", b.name);
    }
}

#[tokio::test]
async fn the_directory_narrows_to_a_region_of_the_jurisdiction_and_sorts_by_expiry() {
    for b in backends().await {
        let (_, _) = confirmed(&b).await;
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let list = |region: &'static str, sort: &'static str| {
            let (b, city) = (&b, city.clone());
            async move { directory(b, &city, &[("region", region), ("sort", sort)]).await }
        };
        let all = list("", "").await;
        assert!(
            all.regions.iter().any(|(_, name)| name == "玄武区"),
            "{}: {all:?}",
            b.name
        );
        assert_eq!(list("320102", "").await.total, 1, "{}", b.name);
        assert_eq!(list("320104", "").await.total, 0, "{}", b.name);
        let by_expiry = list("", "expiry").await;
        assert_eq!(
            by_expiry.entries[0].credit_code, A,
            "{}: the only one with a licence comes first",
            b.name
        );
        assert_eq!(
            by_expiry.entries[0].next_expiry.as_deref(),
            Some(licence_until().to_string().as_str())
        );
        // Licences expiring within 30 days of today: none (200 days away).
        let soon = directory(&b, &city, &[("expiring_days", "30")]).await;
        assert_eq!(soon.total, 0, "{}", b.name);
        let later = directory(&b, &city, &[("expiring_days", "3650")]).await;
        assert_eq!(later.total, 1, "{}", b.name);
    }
}

#[tokio::test]
async fn storage_units_decide_the_major_hazard_source_and_the_directory_filters_by_grade() {
    for b in seeded().await {
        let a = login_cookie(&b, "enterprise", A, DEMO_PASSWORD).await;
        let county = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        let mut record = complete_record("南京玄武示例化工贸易有限公司");
        record.storage_units = units(json!([{
            "name": "1号仓库", "exposed": "10",
            "substances": [{"name": "甲醇", "amount": "600", "unit": "tonne"}]
        }]));
        // 600 t of methanol with the answer 否: the server refuses to submit, saying why.
        let r = save_and_submit(&b, &a, &record).await;
        assert_ne!(r.status, StatusCode::OK, "{}", b.name);
        assert!(
            r.body.contains("按您填写的储存单元计算,S = 1.2000 ≥ 1"),
            "{}: {}",
            b.name,
            r.body
        );
        // With the computed answer it goes through and is stored with its grade.
        record.major_hazard = "yes".into();
        record.business_mode = "storage_major_hazard".into();
        record.licences[0].mode = "storage_major_hazard".into();
        let r = save_and_submit(&b, &a, &record).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let rec = regulated(&b, &county, A).await;
        assert_eq!(
            confirm_on(&b, &county, &version(&rec)).await.status,
            StatusCode::OK
        );
        let with = |hazard: &'static str| hazard_rows(&b, &county, hazard, |e| &e.credit_code);
        let a_row = (A.to_string(), "四级".to_string());
        assert_eq!(with("major").await, vec![a_row.clone()], "{}", b.name);
        assert_eq!(with("4").await, vec![a_row.clone()], "{}", b.name);
        assert!(with("").await.contains(&a_row), "{}", b.name);
        for other in ["1", "none", "unknown"] {
            assert!(
                !with(other).await.iter().any(|(c, _)| c == A),
                "{}: {other}",
                b.name
            );
        }
    }
}

/// The worked vectors of GB 18218-2018 in the domain notes (§1d): name,
/// people exposed, substances (name, amount, unit, density), S, R ("" when
/// not graded), the directory filter and what the directory shows.
type Vector = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, &'static str, &'static str)],
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const VECTORS: [Vector; 10] = [
    (
        "V1",
        "30",
        &[
            ("汽油", "90", "cubic_metre", "0.75"),
            ("柴油", "60", "cubic_metre", "0.85"),
        ],
        "0.3477",
        "",
        "none",
        "不构成",
    ),
    (
        "V2",
        "10",
        &[("汽油", "100", "tonne", ""), ("甲醇", "250", "tonne", "")],
        "1.0000",
        "1.00",
        "4",
        "四级",
    ),
    (
        "V3",
        "120",
        &[("汽油", "160", "tonne", ""), ("甲醇", "250", "tonne", "")],
        "1.3000",
        "2.60",
        "4",
        "四级",
    ),
    (
        "V4",
        "60",
        &[("液氯", "20", "tonne", ""), ("液氨", "50", "tonne", "")],
        "9.0000",
        "39.00",
        "3",
        "三级",
    ),
    (
        "V5",
        "200",
        &[("液氯", "100", "tonne", "")],
        "20.0000",
        "160.00",
        "1",
        "一级",
    ),
    (
        "V6",
        "0",
        &[("液化石油气", "400", "tonne", "")],
        "8.0000",
        "6.00",
        "4",
        "四级",
    ),
    (
        "V7",
        "100",
        &[("液氨", "25", "tonne", "")],
        "2.5000",
        "10.00",
        "3",
        "三级",
    ),
    (
        "V8",
        "100",
        &[("液氨", "125", "tonne", "")],
        "12.5000",
        "50.00",
        "2",
        "二级",
    ),
    (
        "V9",
        "100",
        &[("液氨", "250", "tonne", "")],
        "25.0000",
        "100.00",
        "1",
        "一级",
    ),
    (
        "V10",
        "0",
        &[("液氨", "9.999", "tonne", "")],
        "0.9999",
        "",
        "none",
        "不构成",
    ),
];

#[tokio::test]
async fn the_server_identifies_every_worked_vector_as_the_notes_do() {
    for b in seeded().await {
        let a = login_cookie(&b, "enterprise", A, DEMO_PASSWORD).await;
        let county = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        for (v, people, held, s, r, filter, shown) in VECTORS {
            let major = !r.is_empty();
            // V1 is a fuel station: 加油站 follows from S < 1.
            let fuel = v == "V1";
            let mode = match (fuel, major) {
                (true, _) => "fuel_station",
                (false, true) => "storage_major_hazard",
                (false, false) => "storage",
            };
            let mut record = complete_record("南京玄武示例化工贸易有限公司");
            record.fuel_station = if fuel { "yes" } else { "no" }.into();
            record.business_mode = mode.into();
            record.licences[0].mode = mode.into();
            record.storage_units = units(json!([{
                "name": "1号储存单元", "exposed": people,
                "substances": held.iter().map(|(name, amount, unit, density)| json!({
                    "name": name, "amount": amount, "unit": unit, "density": density
                })).collect::<Vec<_>>()
            }]));
            // The other answer: the server's message carries its arithmetic.
            record.major_hazard = if major { "no" } else { "yes" }.into();
            let step = save_step(&b, &a, "mode", &record).await;
            let said = step.errors.get("major_hazard").unwrap_or_default();
            let arithmetic = if major {
                format!("S = {s} ≥ 1,构成重大危险源;R = α × Σβq/Q = {r},{shown}")
            } else {
                format!("S = {s} < 1,不构成重大危险源")
            };
            assert!(
                said.starts_with(&format!("按您填写的储存单元计算,{arithmetic}")),
                "{}: {v}: {said}",
                b.name
            );
            // The computed answer: the step is clean, the record goes in,
            // and the grade the server stored is the directory's.
            record.major_hazard = if major { "yes" } else { "no" }.into();
            let step = save_step(&b, &a, "mode", &record).await;
            assert!(
                step.errors.is_empty(),
                "{}: {v:?}: {:?}",
                b.name,
                step.errors
            );
            let sent = submit(&b, &a, &version(&step)).await;
            assert_eq!(
                sent.status,
                StatusCode::OK,
                "{}: {v}: {}",
                b.name,
                sent.body
            );
            assert_eq!(
                hazard_rows(&b, &county, filter, |e| &e.credit_code).await,
                vec![(A.to_string(), shown.to_string())],
                "{}: {v}",
                b.name
            );
            set_status(&b, &a, "withdraw").await;
        }
    }
}

#[tokio::test]
async fn a_stored_list_of_classes_is_rendered_ticked_before_the_page_is_live() {
    for b in seeded().await {
        let a = login_cookie(&b, "enterprise", A, DEMO_PASSWORD).await;
        let mut record = complete_record("南京玄武示例化工贸易有限公司");
        record.storage_units = units(json!([{
            "name": "1号仓库", "exposed": "10",
            "substances": [{"name": "某有毒溶剂", "classes": "J2,W5.3", "amount": "10"}]
        }]));
        save_step(&b, &a, "mode", &record).await;
        let page = send(&b.router, get_as("/info?step=mode", &a)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", b.name);
        let ticked: Vec<&str> = app::domain::major_hazard::HazardClass::ALL
            .iter()
            .map(|c| c.code())
            .filter(|code| page.body.contains(&format!(r#"value="{code}" checked"#)))
            .collect();
        assert_eq!(ticked, vec!["J2", "W5.3"], "{}", b.name);
        assert!(
            page.body.contains("J2、W5.3"),
            "{}: the closed picker says what is ticked",
            b.name
        );
    }
}

#[tokio::test]
async fn the_demo_records_give_the_directory_a_grade_of_each_kind_to_filter() {
    for b in seeded().await {
        app::server::seed::seed_demo_records(&b.state.db, app::server::now())
            .await
            .unwrap();
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let names = |filter: &'static str| hazard_rows(&b, &city, filter, |e| &e.name);
        let four = (
            "南京鼓楼示例油品化工有限公司".to_string(),
            "四级".to_string(),
        );
        let three = (
            "南京栖霞示例氯碱贸易有限公司".to_string(),
            "三级".to_string(),
        );
        let none = (
            "南京江宁示例溶剂经销有限公司".to_string(),
            "不构成".to_string(),
        );
        assert_eq!(names("4").await, vec![four.clone()], "{}", b.name);
        assert_eq!(names("3").await, vec![three.clone()], "{}", b.name);
        assert_eq!(names("major").await, vec![three, four], "{}", b.name);
        assert_eq!(names("none").await, vec![none], "{}", b.name);
        assert_eq!(names("1").await, vec![], "{}", b.name);
        // Confirmed records, as a regulator would have them.
        let confirmed = hazard_rows(&b, &city, "", |e| e.status.label()).await;
        assert_eq!(
            confirmed.iter().filter(|(s, _)| s == "已确认").count(),
            3,
            "{}: {confirmed:?}",
            b.name
        );
    }
}

#[tokio::test]
async fn parallel_first_opens_of_a_record_create_it_once() {
    for b in seeded().await {
        let a = login_cookie(&b, "enterprise", A, DEMO_PASSWORD).await;
        let answers = at_once(&b, 8, |router| {
            let a = a.clone();
            async move { post_form(&router, "/api/info/mine", &[], Some(&a)).await }
        })
        .await;
        for r in answers {
            assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        }
        let sql = "SELECT COUNT(*) FROM enterprise_info_versions v JOIN enterprises e ON e.id = v.enterprise_id WHERE e.credit_code = $1";
        let versions = scalar(&b, sql, &[A]).await;
        assert_eq!(versions, 1, "{}", b.name);
    }
}

#[tokio::test]
async fn a_refused_return_reason_sent_without_javascript_comes_back_in_its_field() {
    use app::domain::kept_text::KEPT_TEXT_NOTE;
    for b in seeded().await {
        let (a, county) = submitted(&b).await;
        let base = version(&regulated(&b, &county, A).await);
        let record_page = format!("/maintenance/{A}");
        let reason = "储存场所面积与附件不符,请核对后重新提交。";
        let send_back = |base: String| {
            let fields = vec![
                ("credit_code", A.to_string()),
                ("base_version", base),
                ("approve", "false".to_string()),
                ("reason", reason.to_string()),
            ];
            plain_post(&b, "/api/info/decide", &record_page, fields, &county)
        };
        // The page was out of date: refused where the page begins, and the
        // reason is back in its field.
        let stale = (base.parse::<i64>().unwrap() - 1).to_string();
        let page = page_back_refused(&b, &send_back(stale).await, &county).await;
        let input = page
            .split(r#"id="return-reason""#)
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .unwrap_or_else(|| panic!("{}: no reason field: {page}", b.name));
        assert!(
            input.contains(&format!(r#"value="{reason}""#)),
            "{}: {input}",
            b.name
        );
        assert!(page.contains(KEPT_TEXT_NOTE), "{}", b.name);
        assert_eq!(
            regulated(&b, &county, A).await.kept_reason.as_deref(),
            Some(reason)
        );
        // The writer's only: the city bureau, which supervises it too, sees none.
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        assert_eq!(
            regulated(&b, &city, A).await.kept_reason,
            None,
            "{}",
            b.name
        );
        // The enterprise withdraws meanwhile: no form, the reason to copy.
        set_status(&b, &a, "withdraw").await;
        let page = crate::common::page(&b, &record_page, &county).await;
        assert!(!page.contains(r#"id="return-reason""#), "{}", b.name);
        let kept = page
            .split(r#"class="notice kept-text""#)
            .nth(1)
            .unwrap_or_else(|| panic!("{}: no kept text: {page}", b.name));
        assert!(kept.contains(reason), "{}: {kept}", b.name);
        // Submitted again: once the return goes through, it is forgotten.
        let r = submit(&b, &a, &version(&mine(&b, &a).await)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let base = version(&regulated(&b, &county, A).await);
        let r = send_back(base).await;
        assert!(
            !r.location().contains("__err="),
            "{}: {}",
            b.name,
            r.location()
        );
        assert_eq!(
            regulated(&b, &county, A).await.kept_reason,
            None,
            "{}",
            b.name
        );
    }
}
