//! 许可证业务 on both engines: every case kind from start to its end, who
//! may make each move, the clocks, the certificate and its verification,
//! and numbers unique under parallel issues. Answers are decoded into the
//! application's own types.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use crate::info::{confirmed, form, licence_until, mine, upload, B};
use app::api::licence_case::{CaseView, CasesOverview, CertificateView, SavedCase};
use app::components::upload::UploadAnswer;
use app::domain::licence_case::{Action, Application, Attached, ChangeItem, Step};
use app::server::seed::DEMO_PASSWORD;
use axum::http::StatusCode;
use serde_json::json;

const LICENCE: &str = "苏(宁)危化经字〔2024〕000123";

pub async fn case(b: &Backend, cookie: &str, id: i64) -> CaseView {
    let r = form(b, "/api/case/get", &[("id", &id.to_string())], cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    serde_json::from_str(&r.body).unwrap()
}

pub async fn start(b: &Backend, cookie: &str, kind: &str, licence: &str) -> Reply {
    form(
        b,
        "/api/case/start",
        &[("kind", kind), ("licence", licence)],
        cookie,
    )
    .await
}

pub async fn started(b: &Backend, cookie: &str, kind: &str, licence: &str) -> i64 {
    let r = start(b, cookie, kind, licence).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    r.body.parse().unwrap()
}

pub async fn save(b: &Backend, cookie: &str, c: &CaseView, app: &Application) -> Reply {
    post_json(
        &b.router,
        "/api/case/save",
        &json!({"id": c.summary.id, "base_version": c.version, "application": app}),
        Some(cookie),
    )
    .await
}

/// Posts `fields` for case `id`, on the version `cookie`'s holder sees now,
/// to `path`.
async fn case_post(
    b: &Backend,
    cookie: &str,
    id: i64,
    path: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let c = case(b, cookie, id).await;
    let (id, version) = (id.to_string(), c.version.to_string());
    let mut all = vec![("id", id.as_str()), ("base_version", version.as_str())];
    all.extend_from_slice(fields);
    form(b, path, &all, cookie).await
}

pub async fn mv(b: &Backend, cookie: &str, id: i64, action: Action, text: &str) -> Reply {
    let fields = [("action", action.code()), ("text", text)];
    case_post(b, cookie, id, "/api/case/move", &fields).await
}

/// Saves `app` for case `c` as `cookie`'s holder: the message the save
/// answers with at `field` ("" for none).
async fn save_error(
    b: &Backend,
    cookie: &str,
    c: &CaseView,
    app: &Application,
    field: &str,
) -> String {
    let saved: SavedCase = save(b, cookie, c, app).await.decode();
    saved.errors.get(field).unwrap_or_default().to_string()
}

/// Case `id`'s version, as `cookie`'s holder sees it.
async fn c_version(b: &Backend, cookie: &str, id: i64) -> i64 {
    case(b, cookie, id).await.version
}

pub async fn moved(b: &Backend, cookie: &str, id: i64, action: Action, text: &str) -> String {
    let r = mv(b, cookie, id, action, text).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{} {action:?}: {}",
        b.name,
        r.body
    );
    serde_json::from_str(&r.body).unwrap()
}

/// Uploads one scan for every checklist item and saves `app` with them.
/// The scope most tests apply for: 硫酸 (CAS 7664-93-9).
pub fn sulphuric_acid(app: &mut Application) {
    app.scope = app::domain::licence_case::parse_scope("硫酸,7664-93-9");
}

/// A confirmed enterprise and the city bureau that issues its licence,
/// each logged in: their cookies.
async fn with_issuer(b: &Backend) -> (String, String) {
    let (a, _) = confirmed(b).await;
    (
        a,
        login_cookie(b, "regulator", "nj-city", DEMO_PASSWORD).await,
    )
}

/// A first application of the enterprise `cookie` (sulphuric acid, with
/// every material), submitted: the city bureau issues it.
async fn submitted_first(b: &Backend, cookie: &str) -> i64 {
    let id = started(b, cookie, "new", "").await;
    with_every_material(b, cookie, id, sulphuric_acid).await;
    moved(b, cookie, id, Action::Submit, "").await;
    id
}

pub async fn with_every_material(
    b: &Backend,
    cookie: &str,
    id: i64,
    edit: impl Fn(&mut Application),
) -> CaseView {
    let c = case(b, cookie, id).await;
    let mut app = c.application.clone();
    edit(&mut app);
    // Saved first: the checklist follows the answers.
    let r = save(b, cookie, &c, &app).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    let c = case(b, cookie, id).await;
    for m in &c.materials {
        let r = upload(
            b,
            Some(cookie),
            &format!("{}.pdf", m.code),
            b"%PDF-1.4 material".to_vec(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        app.files.push(Attached {
            item: m.code.clone(),
            id: r.decode::<UploadAnswer>().id.unwrap(),
            name: format!("{}.pdf", m.code),
        });
    }
    let r = save(b, cookie, &c, &app).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    case(b, cookie, id).await
}

pub async fn onsite(b: &Backend, cookie: &str, id: i64, inspectors: &str) -> Reply {
    let today = app::server::today().to_string();
    let fields = [
        ("from", today.as_str()),
        ("to", today.as_str()),
        ("inspectors", inspectors),
        ("findings", "经营场所、储存设施与申请材料一致,安全设施完好"),
        ("passed", "yes"),
    ];
    case_post(b, cookie, id, "/api/case/onsite", &fields).await
}

async fn verify(b: &Backend, token: &str) -> Option<CertificateView> {
    let r = post_form(
        &b.router,
        "/api/certificate/verify",
        &[("token", token)],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    serde_json::from_str(&r.body).unwrap()
}

async fn token_of(b: &Backend, number: &str, status: &str) -> String {
    sqlx::query_scalar("SELECT token FROM certificates WHERE number = $1 AND status = $2")
        .bind(number)
        .bind(status)
        .fetch_one(b.state.db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_first_application_with_storage_runs_from_draft_to_a_verified_certificate() {
    for b in backends().await {
        let (a, county) = confirmed(&b).await;
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let other = login_cookie(&b, "enterprise", B, DEMO_PASSWORD).await;
        let id = started(&b, &a, "new", "").await;

        // The form starts from the confirmed record; the checklist has the storage items.
        let c = case(&b, &a, id).await;
        assert_eq!(c.summary.step, Step::Draft);
        assert_eq!(c.application.name, "南京玄武示例化工贸易有限公司");
        assert_eq!(c.application.mode, "storage");
        assert_eq!(c.application.contact_mobile, "13812345678");
        assert_eq!(c.materials.len(), 9, "{}: {:?}", b.name, c.materials);
        assert_eq!(c.actions, vec![Action::Submit, Action::Withdraw]);

        // Another open first application is refused, naming this one.
        let r = start(&b, &a, "new", "").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        assert!(r.body.contains(&format!("编号 {id}")), "{}", r.body);

        // Submitting without scope and materials: every problem at its field.
        let r = mv(&b, &a, id, Action::Submit, "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);
        assert!(
            r.body.contains("files.assessment") && r.body.contains("scope"),
            "{}",
            r.body
        );

        let c = with_every_material(&b, &a, id, |app| {
            app.scope = app::domain::licence_case::parse_scope("汽油,86290-81-5\n甲醇,67-56-1");
        })
        .await;
        assert!(c.materials.iter().all(|m| m.files.len() == 1));

        // Nobody else may see or move it.
        for (who, cookie) in [("B", &other)] {
            let r = form(&b, "/api/case/get", &[("id", &id.to_string())], cookie).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{} {who}", b.name);
        }
        let sms_before = sms_sent_to(&b, "13812345678").await;
        moved(&b, &a, id, Action::Submit, "").await;
        let c = case(&b, &city, id).await;
        assert_eq!(c.summary.step, Step::Submitted);
        assert_eq!(
            c.summary.issuer, "南京市应急管理局",
            "storage goes to the city"
        );
        let due = app::server::calendar().add_working_days(app::server::today(), 5);
        assert_eq!(c.summary.deadline, due.to_string(), "{}", b.name);
        assert!(c.issuer_view);
        // The county supervises A and may look, but does not issue.
        let seen = case(&b, &county, id).await;
        assert!(!seen.issuer_view && seen.actions.is_empty());
        let r = mv(&b, &county, id, Action::Accept, "").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        // The applicant cannot accept its own case.
        let r = mv(&b, &a, id, Action::Accept, "").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);

        // One 补正 round, then no second notice.
        let r = mv(&b, &city, id, Action::RequestCorrection, "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);
        let m = moved(
            &b,
            &city,
            id,
            Action::RequestCorrection,
            "1. 安全评价报告缺少签章页;2. 租赁合同已过期",
        )
        .await;
        assert!(m.contains("文书编号"), "{m}");
        assert!(
            sms_sent_to(&b, "13812345678").await > sms_before,
            "{}: the applicant is told by SMS",
            b.name
        );
        let c = case(&b, &a, id).await;
        assert_eq!(c.summary.step, Step::Correction);
        assert!(c.correction_notice.contains("签章页"));
        assert!(
            c.actions.contains(&Action::Submit),
            "the form is the applicant's again"
        );
        moved(&b, &a, id, Action::Submit, "").await;
        let r = mv(&b, &city, id, Action::RequestCorrection, "还有一项").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        assert!(r.body.contains("只能发一次"), "{}", r.body);

        moved(&b, &city, id, Action::Accept, "").await;
        let c = case(&b, &city, id).await;
        assert_eq!(c.summary.step, Step::Accepted);
        assert_eq!(c.accepted_on, app::server::today().to_string());
        // The applicant may no longer change or withdraw it.
        let r = save(&b, &a, &c, &c.application).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        let r = mv(&b, &a, id, Action::Withdraw, "").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);

        // Approval needs an on-site check by two people.
        let r = mv(&b, &city, id, Action::Approve, "").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        assert!(r.body.contains("现场核查"), "{}", r.body);
        let r = onsite(&b, &city, id, "张三").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);
        assert!(r.body.contains("inspectors"), "{}", r.body);
        let r = onsite(&b, &city, id, "张三\n李四").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        moved(&b, &city, id, Action::Approve, "").await;
        let m = moved(&b, &city, id, Action::Issue, "").await;
        let year = app::server::today().year();
        let number = format!("苏(宁)危化经字〔{year}〕000001");
        assert!(m.contains(&number), "{}: {m}", b.name);

        let c = case(&b, &a, id).await;
        assert_eq!(c.summary.step, Step::Done);
        assert_eq!(
            c.certificate.as_ref().map(|x| x.1.as_str()),
            Some(number.as_str())
        );
        let kinds: Vec<String> = c.documents.iter().map(|d| d.title.clone()).collect();
        assert_eq!(
            kinds,
            ["补正材料通知书", "受理通知书", "准予行政许可决定书"],
            "{}",
            b.name
        );
        assert!(c.events.len() >= 8, "{:?}", c.events);

        // The licence is part of the record at once, in force and searchable.
        let v = mine(&b, &a).await;
        let confirmed = v.confirmed.clone().unwrap();
        assert!(
            confirmed.licences.iter().any(|l| l.number == number),
            "{}: {v:?}",
            b.name
        );
        assert_eq!(confirmed.multi_licence, "yes");
        let sql = "SELECT COUNT(*) FROM licences WHERE number = $1";
        let indexed = scalar(&b, sql, &[number.as_str()]).await;
        assert_eq!(indexed, 1, "{}", b.name);

        // The print view carries a QR code to the public check, which shows
        // the status and no personal data.
        let cid = c.certificate.unwrap().0;
        let r = form(&b, "/api/certificate/get", &[("id", &cid.to_string())], &a).await;
        let print: CertificateView = serde_json::from_str(&r.body).unwrap();
        assert!(print.qr_svg.starts_with("<svg"), "{}", b.name);
        assert_eq!(print.licensee.legal_rep, "张明");
        // Its fields stand flat on the wire (clients of the public check
        // read them by these names).
        let wire: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(wire["legal_rep"], "张明", "{}", r.body);
        assert_eq!(wire["credit_code"], c.summary.credit_code, "{}", r.body);
        let r = form(
            &b,
            "/api/certificate/get",
            &[("id", &cid.to_string())],
            &other,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let token = token_of(&b, &number, "valid").await;
        assert!(print.verify_url.ends_with(&format!("/verify/{token}")));
        let public = verify(&b, &token).await.unwrap();
        assert!(public.valid && public.status == "有效", "{public:?}");
        assert_eq!(
            public.licensee.legal_rep, "",
            "no personal data on the public check"
        );
        assert_eq!(public.mode, "有储存经营(不构成重大危险源)");
        assert!(verify(&b, &"0".repeat(64)).await.is_none());
    }
}

#[tokio::test]
async fn renewal_change_and_cancellation_keep_the_record_and_the_certificate_in_step() {
    for b in backends().await {
        let (a, city) = with_issuer(&b).await;

        // 延期, simplified: four items, no on-site check, three more years.
        let id = started(&b, &a, "renewal", LICENCE).await;
        let c = with_every_material(&b, &a, id, |app| app.simplified = true).await;
        let codes: Vec<&str> = c.materials.iter().map(|m| m.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "renewal_application",
                "old_licence",
                "compliance_statement",
                "standardisation"
            ],
            "{}",
            b.name
        );
        moved(&b, &a, id, Action::Submit, "").await;
        let c = case(&b, &a, id).await;
        // In time only three months before the licence ends.
        let until = licence_until();
        let in_time = app::server::today() <= until.add_months(-3);
        assert_eq!(
            c.summary.late_filing.is_empty(),
            in_time,
            "{}: {}",
            b.name,
            c.summary.late_filing
        );
        moved(&b, &city, id, Action::Accept, "").await;
        moved(&b, &city, id, Action::Approve, "").await;
        moved(&b, &city, id, Action::Issue, "").await;
        let v = mine(&b, &a).await;
        let l = &v.confirmed.as_ref().unwrap().licences[0];
        assert_eq!(l.number, LICENCE);
        assert_eq!(
            l.valid_until,
            until.add_years(3).to_string(),
            "{}: {v:?}",
            b.name
        );
        // The new period starts the day after the old one ends; issued today.
        let renewed = verify(&b, &token_of(&b, LICENCE, "valid").await)
            .await
            .unwrap();
        assert_eq!(
            (renewed.valid_from.as_str(), renewed.issued_on.clone()),
            (
                until.add_days(1).to_string().as_str(),
                app::server::today().to_string()
            ),
            "{}",
            b.name
        );

        // 变更 of the 经营方式 is refused as a 变更 and names the first application.
        let id = started(&b, &a, "change", LICENCE).await;
        let c = case(&b, &a, id).await;
        let mut app = c.application.clone();
        app.changes = vec![ChangeItem::Principal, ChangeItem::BusinessMode];
        app.changed_on = app::server::today().add_days(-40).to_string();
        let said = save_error(&b, &a, &c, &app, "changes").await;
        assert!(said.contains("首次申请"), "{}: {said}", b.name);
        let r = mv(&b, &a, id, Action::Submit, "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);

        // A 变更 of the 主要负责人 filed late: accepted, flagged, validity kept.
        let c = with_every_material(&b, &a, id, |app| {
            app.changes = vec![ChangeItem::Principal];
            app.principal_name = "周新".into();
            app.changed_on = app::server::today().add_days(-40).to_string();
        })
        .await;
        assert_eq!(c.materials.len(), 3, "{:?}", c.materials);
        moved(&b, &a, id, Action::Submit, "").await;
        let c = case(&b, &city, id).await;
        assert!(
            c.summary.late_filing.contains("已逾期"),
            "{}: {:?}",
            b.name,
            c.summary
        );
        assert!(!c.onsite_needed);
        moved(&b, &city, id, Action::Accept, "").await;
        moved(&b, &city, id, Action::Approve, "").await;
        moved(&b, &city, id, Action::Issue, "").await;
        let v = mine(&b, &a).await;
        assert_eq!(
            v.confirmed.as_ref().unwrap().licences[0].valid_until,
            until.add_years(3).to_string()
        );
        let old_token = token_of(&b, LICENCE, "replaced").await;
        let token = token_of(&b, LICENCE, "valid").await;
        let shown = verify(&b, &token).await.unwrap();
        assert!(
            shown.history.iter().any(|h| h.contains("变更:主要负责人")),
            "{shown:?}"
        );
        assert_eq!(shown.changed_on, app::server::today().to_string());
        assert_eq!(
            shown.valid_from,
            until.add_days(1).to_string(),
            "a 变更 keeps the period"
        );
        // An old printout's QR code says it was replaced.
        let old = verify(&b, &old_token).await.unwrap();
        assert!(!old.valid && old.status.contains("已换发"), "{old:?}");

        // 注销: the licence leaves the record; the check says so.
        let id = started(&b, &a, "cancel", LICENCE).await;
        with_every_material(&b, &a, id, |app| {
            app.reason = "不再从事危险化学品经营".into()
        })
        .await;
        moved(&b, &a, id, Action::Submit, "").await;
        moved(&b, &city, id, Action::Accept, "").await;
        let m = moved(&b, &city, id, Action::Approve, "").await;
        assert!(m.contains("已注销"), "{m}");
        let c = case(&b, &a, id).await;
        assert_eq!(c.summary.step, Step::Done);
        let v = mine(&b, &a).await;
        assert_eq!(
            v.confirmed.as_ref().unwrap().licences.len(),
            0,
            "{}: {v:?}",
            b.name
        );
        let cancelled = verify(&b, &token).await.unwrap();
        assert!(
            cancelled.status.starts_with("已注销")
                && cancelled.status.contains("原因:不再从事危险化学品经营"),
            "{cancelled:?}"
        );

        // The enterprise's list has all three, with their outcome.
        let r = form(&b, "/api/case/mine", &[], &a).await;
        let list: CasesOverview = serde_json::from_str(&r.body).unwrap();
        assert_eq!(list.cases.len(), 3);
        assert!(list.cases.iter().all(|c| c.step == Step::Done));
    }
}

#[tokio::test]
async fn the_inbox_shows_the_issuers_cases_oldest_deadline_first() {
    for b in backends().await {
        let (a, county) = confirmed(&b).await;
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let id = started(&b, &a, "new", "").await;
        with_every_material(&b, &a, id, sulphuric_acid).await;
        let inbox = |cookie: String, step: &'static str| {
            let b = &b;
            async move {
                let r = form(
                    b,
                    "/api/case/inbox",
                    &[("step", step), ("overdue", "false")],
                    &cookie,
                )
                .await;
                assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
                serde_json::from_str::<Vec<app::api::licence_case::CaseSummary>>(&r.body).unwrap()
            }
        };
        assert!(
            inbox(city.clone(), "").await.is_empty(),
            "a draft is nobody's business yet"
        );
        moved(&b, &a, id, Action::Submit, "").await;
        let list = inbox(city.clone(), "").await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].id, id);
        assert!(!list[0].overdue);
        assert!(inbox(city.clone(), "accepted").await.is_empty());
        assert!(
            inbox(county.clone(), "").await.is_empty(),
            "the county does not issue it"
        );

        // Silence past the limit: the inbox says it counts as accepted, and
        // the authority can no longer refuse to accept or ask for 补正.
        exec(
            &b,
            "UPDATE licence_cases SET step_started_on = '2019-12-25', deadline = '2020-01-02' WHERE id = $1",
            &[id],
        )
        .await;
        let list = inbox(city.clone(), "").await;
        assert!(list[0].overdue && list[0].deemed_accepted, "{:?}", list[0]);
        let r = mv(&b, &city, id, Action::RequestCorrection, "补充材料若干项").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        assert!(r.body.contains("视为受理"), "{}", r.body);
        moved(&b, &city, id, Action::Accept, "").await;
        let c = case(&b, &city, id).await;
        assert_eq!(
            c.accepted_on, "2019-12-25",
            "accepted from the day the application was received, not the limit's last day"
        );
        assert!(c.documents[0].body.contains("视为受理"));
    }
}

/// A new enterprise in 玄武区 (no account) and a draft case of `kind` for
/// it, made through the repository: (case id, enterprise id).
async fn bare_case(
    b: &Backend,
    n: usize,
    kind: app::domain::licence_case::CaseKind,
    application: &Application,
) -> (i64, i64) {
    let code = fresh_code();
    let enterprise: i64 = sqlx::query_scalar(
        "INSERT INTO enterprises (credit_code, name, legal_type, legal_rep_name, id_doc_type, id_doc_number, region_code, created_at) \
         VALUES ($1, $2, 'enterprise', '张三', 'id_card', $3, '320102', 0) RETURNING id",
    )
    .bind(&code)
    .bind(format!("并发测试企业{n}"))
    .bind(GOOD_ID)
    .fetch_one(b.state.db.writer())
    .await
    .unwrap();
    let actor = app::server::audit::Actor::system("test");
    let id = app::server::licence_case::start(
        &b.state.db,
        enterprise,
        kind,
        application,
        &actor,
        app::server::now(),
    )
    .await
    .unwrap();
    (id, enterprise)
}

/// Makes `action` on case `id` as if on `day`; returns the stored case.
async fn move_on(
    b: &Backend,
    id: i64,
    action: Action,
    onsite: Option<app::domain::licence_case::OnSiteCheck>,
    day: &str,
) -> app::server::licence_case::Case {
    use app::server::licence_case as repo;
    let c = repo::get(&b.state.db, id).await.unwrap().unwrap();
    repo::make_move(
        &b.state.db,
        id,
        c.version,
        action,
        &repo::MoveInput {
            text: String::new(),
            onsite,
        },
        &app::server::audit::Actor::system("test"),
        app::domain::Date::parse(day).unwrap(),
        app::server::calendar(),
        app::server::now(),
    )
    .await
    .unwrap_or_else(|e| panic!("{}: {action:?} on {day}: {e:?}", b.name));
    repo::get(&b.state.db, id).await.unwrap().unwrap()
}

/// A first application of a new enterprise in 玄武区, driven straight
/// through the repository up to approval: (case id, enterprise id).
pub async fn approved_case(b: &Backend, n: usize) -> (i64, i64) {
    use app::server::licence_case as repo;
    let application = Application {
        name: format!("并发测试企业{n}"),
        mode: "storage".into(),
        ..Application::default()
    };
    let (id, enterprise) =
        bare_case(b, n, app::domain::licence_case::CaseKind::New, &application).await;
    let actor = app::server::audit::Actor::system("test");
    let now = app::server::now();
    let today = app::server::today();
    let cal = app::server::calendar();
    let mut version = 1;
    for (action, onsite) in [
        (Action::Submit, None),
        (Action::Accept, None),
        (
            Action::RecordOnSite,
            Some(app::domain::licence_case::OnSiteCheck {
                from: today.to_string(),
                to: today.to_string(),
                inspectors: "甲、乙".into(),
                findings: "符合要求".into(),
                passed: true,
            }),
        ),
        (Action::Approve, None),
    ] {
        let input = repo::MoveInput {
            text: String::new(),
            onsite,
        };
        version = repo::make_move(
            &b.state.db,
            id,
            version,
            action,
            &input,
            &actor,
            today,
            cal,
            now,
        )
        .await
        .unwrap()
        .version;
    }
    (id, enterprise)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn certificate_numbers_stay_unique_under_twenty_parallel_issues() {
    use app::server::licence_case as repo;
    for b in seeded().await {
        let mut cases = vec![];
        for n in 0..20 {
            cases.push(approved_case(&b, n).await.0);
        }
        let actor = app::server::audit::Actor::system("test");
        let issues = cases.iter().map(|id| {
            let db = b.state.db.clone();
            let actor = actor.clone();
            let id = *id;
            tokio::spawn(async move {
                let c = repo::get(&db, id).await.unwrap().unwrap();
                // SQLite answers a busy writer by waiting; PostgreSQL by row locks.
                repo::make_move(
                    &db,
                    id,
                    c.version,
                    Action::Issue,
                    &repo::MoveInput::default(),
                    &actor,
                    app::server::today(),
                    app::server::calendar(),
                    app::server::now(),
                )
                .await
                .map(|m| m.certificate.unwrap())
            })
        });
        let mut numbers = vec![];
        for h in issues.collect::<Vec<_>>() {
            numbers.push(
                h.await
                    .unwrap()
                    .unwrap_or_else(|e| panic!("{}: {e:?}", b.name)),
            );
        }
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 20, "{}: {numbers:?}", b.name);
        let year = app::server::today().year();
        assert_eq!(
            numbers[19],
            format!("苏(宁)危化经字〔{year}〕000020"),
            "{}",
            b.name
        );
    }
}

/// For enterprise A (logged in as `a`): a first application driven to its
/// certificate, then a second one submitted: (open case, certificate id).
pub async fn issued_and_open(b: &Backend, a: &str) -> (i64, i64) {
    let city = login_cookie(b, "regulator", "nj-city", DEMO_PASSWORD).await;
    let id = started(b, a, "new", "").await;
    with_every_material(b, a, id, sulphuric_acid).await;
    moved(b, a, id, Action::Submit, "").await;
    moved(b, &city, id, Action::Accept, "").await;
    let r = onsite(b, &city, id, "张三、李四").await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    moved(b, &city, id, Action::Approve, "").await;
    moved(b, &city, id, Action::Issue, "").await;
    let certificate = case(b, a, id).await.certificate.unwrap().0;
    let open = started(b, a, "new", "").await;
    with_every_material(b, a, open, sulphuric_acid).await;
    moved(b, a, open, Action::Submit, "").await;
    (open, certificate)
}

#[tokio::test]
async fn the_demo_has_cases_in_several_steps_one_of_them_overdue() {
    for b in seeded().await {
        app::server::seed::seed_demo_cases(&b.state.db, app::server::now())
            .await
            .unwrap();
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let r = form(
            &b,
            "/api/case/inbox",
            &[("step", ""), ("overdue", "false")],
            &city,
        )
        .await;
        let list: Vec<app::api::licence_case::CaseSummary> = serde_json::from_str(&r.body).unwrap();
        let steps: Vec<Step> = list.iter().map(|c| c.step).collect();
        assert_eq!(list.len(), 3, "{}: {list:?}", b.name);
        for s in [Step::Submitted, Step::Correction, Step::Accepted] {
            assert!(steps.contains(&s), "{}: {steps:?}", b.name);
        }
        let overdue: Vec<_> = list.iter().filter(|c| c.overdue).collect();
        assert_eq!(overdue.len(), 1, "{}: {list:?}", b.name);
        assert!(overdue[0].deemed_accepted);
        assert_eq!(list[0].id, overdue[0].id, "the oldest deadline comes first");
        for c in &list {
            assert!(
                app::domain::CreditCode::parse(&c.credit_code).is_ok(),
                "{}",
                c.credit_code
            );
        }

        // An enterprise holding a licence issued here, renewable in time.
        let code = app::server::seed::licensed_code();
        assert!(app::domain::CreditCode::parse(&code).is_ok(), "{code}");
        let holder = login_cookie(&b, "enterprise", &code, DEMO_PASSWORD).await;
        let r = form(&b, "/api/case/mine", &[], &holder).await;
        let mine: CasesOverview = serde_json::from_str(&r.body).unwrap();
        assert_eq!(mine.licences.len(), 1, "{}: {mine:?}", b.name);
        assert_eq!(mine.cases[0].step, Step::Done);
        let until = app::domain::Date::parse(&mine.licences[0].valid_until).unwrap();
        let today = app::server::today();
        assert!(
            until > today.add_months(3) && until < today.add_months(5),
            "{}: {until}",
            b.name
        );
        let number = mine.licences[0].number.clone();
        assert!(
            verify(&b, &token_of(&b, &number, "valid").await)
                .await
                .unwrap()
                .valid
        );
        let id = started(&b, &holder, "renewal", &number).await;
        assert_eq!(
            case(&b, &holder, id).await.application.licence_number,
            number
        );

        // Anyone finds it by number, by credit code (as typed) or by part of
        // the name: status and scope, no personal data, no QR token.
        let lookup = |q: String| {
            let b = &b;
            async move { post_form(&b.router, "/api/public/licences", &[("q", &q)], None).await }
        };
        for q in [
            number.clone(),
            code.to_lowercase(),
            "鼓楼示例危化品".to_string(),
        ] {
            let r = lookup(q.clone()).await;
            assert_eq!(r.status, StatusCode::OK, "{} {q}: {}", b.name, r.body);
            let found: Vec<CertificateView> = serde_json::from_str(&r.body).unwrap();
            assert_eq!(found.len(), 1, "{} {q}: {found:?}", b.name);
            assert_eq!(found[0].number, number);
            assert!(found[0].valid && found[0].scope.iter().any(|s| s.contains("硫酸")));
            assert_eq!(found[0].licensee.legal_rep, "", "no personal data");
            assert_eq!(found[0].verify_url, "", "no QR token");
        }
        let r = lookup("鼓".into()).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        let r = lookup("100%_".into()).await;
        assert_eq!(r.body, "[]", "{}: LIKE wildcards are literal", b.name);
        // Throttled per client address.
        let mut last = StatusCode::OK;
        for _ in 0..app::api::licence_case::LOOKUPS_PER_TEN_MINUTES {
            last = lookup("南京".into()).await.status;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{}", b.name);
        // Its team: one user of each role, who log in with their mobiles.
        for (_, name, mobile, role) in app::server::seed::LICENSED_TEAM {
            let cookie = member_cookie(&b, &code, mobile, DEMO_PASSWORD).await;
            let r = form(&b, "/api/account/overview", &[], &cookie).await;
            let me: app::api::team::AccountView = serde_json::from_str(&r.body).unwrap();
            assert_eq!(
                (me.name.as_str(), me.role.as_str()),
                (
                    *name,
                    app::domain::team::Role::from_code(role).unwrap().label()
                ),
                "{}",
                b.name
            );
        }
    }
}

/// A (logged in, after the demo data) with a record whose warehouse holds
/// 汽油 160 t and 甲醇 250 t: S = 1.3, a major hazard source.
async fn with_major_hazard_units(b: &Backend) -> String {
    app::server::seed::seed_demo(&b.state.db, &b.state.hasher, app::server::now())
        .await
        .unwrap();
    let a = login_cookie(b, "enterprise", crate::info::A, DEMO_PASSWORD).await;
    let mut record = crate::info::complete_record("南京玄武示例化工贸易有限公司");
    record.major_hazard = "yes".into();
    record.business_mode = "storage_major_hazard".into();
    record.licences[0].mode = "storage_major_hazard".into();
    record.storage_units =
        serde_json::from_value(json!([{"name": "1号仓库", "exposed": "120", "substances": [
            {"name": "汽油", "amount": "160"}, {"name": "甲醇", "amount": "250"}]}]))
        .unwrap();
    let v = mine(b, &a).await;
    let r = crate::info::save(b, &a, &record, v.version).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    a
}

#[tokio::test]
async fn the_application_carries_the_storage_units_and_their_major_hazard_rule() {
    for b in backends().await {
        let a = with_major_hazard_units(&b).await;
        let id = started(&b, &a, "new", "").await;
        let c = case(&b, &a, id).await;
        assert_eq!(c.application.storage_units.len(), 1, "{}", b.name);
        assert!(c.application.hazard().unwrap().major);
        assert!(
            c.materials.iter().any(|m| m.code == "major_hazard_record"),
            "{:?}",
            c.materials
        );
        // Choosing 不构成 against the arithmetic is refused at the field, by the server too.
        let mut app = c.application.clone();
        app.mode = "storage".into();
        let said = save_error(&b, &a, &c, &app, "mode").await;
        assert!(said.contains("构成重大危险源"), "{}: {said}", b.name);
    }
}

/// 发证机关设置's form, posted as a page does.
async fn set_issuer(b: &Backend, admin: &str, region: &str, org: &str) -> Reply {
    let fields = [("region_code", region), ("organization_id", org)];
    let path = "/api/case/authorities/set";
    post_page_form(&b.router, path, "/admin/issuers", &fields, Some(admin)).await
}

#[tokio::test]
async fn an_administrator_routes_a_regions_cases_to_another_authority() {
    for b in backends().await {
        let (a, _) = confirmed(&b).await;
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let r = form(&b, "/api/case/authorities", &[], &admin).await;
        let d: app::api::licence_case::Authorities = serde_json::from_str(&r.body).unwrap();
        assert!(d.configured.is_empty());
        let (province, _) = d
            .organizations
            .iter()
            .find(|(_, n)| n == "江苏省应急管理厅")
            .unwrap()
            .clone();
        // 发证机关设置 is the server's page; its forms are plain posts.
        let org = province.to_string();
        let r = set_issuer(&b, &admin, "3201", &org).await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        assert_eq!(r.set_cookie("whp_flash="), None, "{}", b.name);
        let body = page_back(&b, &r, &admin).await;
        assert!(
            body.contains(r#"aria-invalid="true" aria-describedby="f-region_code-msg""#)
                && body.contains(&field_message("f-region_code", "请填写6位行政区划代码")),
            "{}: {body}",
            b.name
        );
        let r = set_issuer(&b, &admin, "320100", &org).await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        let body = page(
            &b,
            "/admin/issuers",
            &format!("{admin}; {}", flash_pair(&r)),
        )
        .await;
        assert!(
            body.contains("已设置:江苏省 南京市 的许可证案件今后由所选机构办理")
                && body.contains("<td>江苏省应急管理厅</td>")
                && body.contains("恢复默认"),
            "{}: {body}",
            b.name
        );
        assert_eq!(audit_count(&b, "case.authority").await, 1, "{}", b.name);

        let id = submitted_first(&b, &a).await;
        assert_eq!(
            case(&b, &a, id).await.summary.issuer,
            "江苏省应急管理厅",
            "{}",
            b.name
        );
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let r = mv(&b, &city, id, Action::Accept, "").await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{}: the city no longer issues",
            b.name
        );
        let province_user = login_cookie(&b, "regulator", "js-province", DEMO_PASSWORD).await;
        moved(&b, &province_user, id, Action::Accept, "").await;
    }
}

#[tokio::test]
async fn deadlines_stored_with_a_case_follow_the_holiday_calendar() {
    use app::domain::licence_case::{CaseKind, OnSiteCheck};
    for b in seeded().await {
        let storage = Application {
            name: "期限测试企业".into(),
            mode: "storage".into(),
            ..Application::default()
        };
        let (id, _) = bare_case(&b, 1, CaseKind::New, &storage).await;
        // Submitted on Wednesday 2026-09-30: the National Day week is off and
        // Saturday 10-10 is a make-up working day, so 5 working days end 10-13.
        let c = move_on(&b, id, Action::Submit, None, "2026-09-30").await;
        assert_eq!(c.deadline.unwrap().to_string(), "2026-10-13", "{}", b.name);
        // Accepted on 10-09: the decision is due 30 days later.
        let c = move_on(&b, id, Action::Accept, None, "2026-10-09").await;
        assert_eq!(c.deadline.unwrap().to_string(), "2026-11-08", "{}", b.name);
        // A three-day on-site check is not counted.
        let check = OnSiteCheck {
            from: "2026-10-12".into(),
            to: "2026-10-14".into(),
            inspectors: "甲、乙".into(),
            findings: "符合要求".into(),
            passed: true,
        };
        let c = move_on(&b, id, Action::RecordOnSite, Some(check), "2026-10-14").await;
        assert_eq!(c.deadline.unwrap().to_string(), "2026-11-11", "{}", b.name);
        // Approved on Friday 10-16: issue within 10 working days, two weeks on.
        let c = move_on(&b, id, Action::Approve, None, "2026-10-16").await;
        assert_eq!(c.deadline.unwrap().to_string(), "2026-10-30", "{}", b.name);

        // Submitted on Friday 2026-02-13 before the Spring Festival: Saturday
        // 02-14 is a make-up working day, 02-15 to 02-23 are off.
        let (id, _) = bare_case(&b, 2, CaseKind::New, &storage).await;
        let c = move_on(&b, id, Action::Submit, None, "2026-02-13").await;
        assert_eq!(c.deadline.unwrap().to_string(), "2026-02-27", "{}", b.name);

        // A 变更 accepted on Thursday 2026-09-24 (Mid-Autumn Friday off, the
        // National Day week off, make-up Saturday 10-10): 10 working days.
        let change = Application {
            licence_number: LICENCE.into(),
            changes: vec![ChangeItem::Principal],
            ..storage.clone()
        };
        let (id, _) = bare_case(&b, 3, CaseKind::Change, &change).await;
        let c = move_on(&b, id, Action::Submit, None, "2026-09-24").await;
        assert_eq!(c.deadline.unwrap().to_string(), "2026-10-09", "{}", b.name);
        let c = move_on(&b, id, Action::Accept, None, "2026-09-24").await;
        assert_eq!(c.deadline.unwrap().to_string(), "2026-10-15", "{}", b.name);
    }
}

/// A second regulator of 南京市应急管理局: (user id, session cookie).
async fn city_colleague(b: &Backend) -> (i64, String) {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (kind, login, display_name, organization_id, password_hash, status, created_at, totp_secret) \
         SELECT kind, 'nj-city-2', '陈晨', organization_id, password_hash, status, created_at, totp_secret \
         FROM users WHERE login = 'nj-city' RETURNING id",
    )
    .fetch_one(b.state.db.writer())
    .await
    .unwrap();
    (
        id,
        login_cookie(b, "regulator", "nj-city-2", DEMO_PASSWORD).await,
    )
}

async fn claim(b: &Backend, cookie: &str, id: i64, fields: &[(&str, &str)]) -> Reply {
    case_post(b, cookie, id, "/api/case/claim", fields).await
}

async fn plan(b: &Backend, cookie: &str, id: i64, on: &str, inspectors: &str) -> Reply {
    let fields = [("on", on), ("inspectors", inspectors)];
    case_post(b, cookie, id, "/api/case/onsite/plan", &fields).await
}

#[tokio::test]
async fn a_case_is_claimed_or_assigned_openly_and_its_on_site_check_announced() {
    for b in backends().await {
        let (a, county) = confirmed(&b).await;
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let (colleague_id, colleague) = city_colleague(&b).await;
        let id = started(&b, &a, "new", "").await;
        let r = claim(&b, &city, id, &[]).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "a draft is the applicant's"
        );
        with_every_material(&b, &a, id, sulphuric_acid).await;
        moved(&b, &a, id, Action::Submit, "").await;

        // One claims; a colleague's claim does not silently take it over.
        let r = claim(&b, &city, id, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let r = claim(&b, &colleague, id, &[]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        assert!(r.body.contains("已由 刘洋 承办"), "{}", r.body);
        let r = claim(&b, &colleague, id, &[("release", "true")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        // An assignment names both in the history.
        let c = case(&b, &city, id).await;
        assert_eq!(c.colleagues.len(), 2, "{:?}", c.colleagues);
        let r = claim(&b, &city, id, &[("assignee", &colleague_id.to_string())]).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let c = case(&b, &colleague, id).await;
        assert!(c.claimed_by_me && c.summary.claimed_by == "陈晨");
        assert!(
            c.events
                .iter()
                .any(|e| e.note == "指派给 陈晨(原承办人 刘洋)"),
            "{:?}",
            c.events
        );
        // Only to the issuing authority's own staff; never by others.
        let county_user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'nj-xuanwu'")
            .fetch_one(b.state.db.reader())
            .await
            .unwrap();
        let r = claim(&b, &city, id, &[("assignee", &county_user.to_string())]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        assert!(r.body.contains("只能指派给本发证机关"), "{}", r.body);
        for cookie in [&a, &county] {
            let r = claim(&b, cookie, id, &[("assignee", &colleague_id.to_string())]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        }
        assert!(
            case(&b, &a, id).await.colleagues.is_empty(),
            "the applicant does not see the issuer's staff"
        );

        // The on-site check is announced to the applicant by SMS.
        moved(&b, &colleague, id, Action::Accept, "").await;
        let today = app::server::today();
        let day = today.add_days(3).to_string();
        let r = plan(
            &b,
            &colleague,
            id,
            &today.add_days(-1).to_string(),
            "张三、李四",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);
        let r = plan(&b, &colleague, id, &day, "张三").await;
        assert!(r.body.contains("inspectors"), "{}", r.body);
        let r = plan(&b, &county, id, &day, "张三、李四").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let sms_before = sms_sent_to(&b, "13812345678").await;
        let r = plan(&b, &colleague, id, &day, "张三\n李四").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert_eq!(sms_sent_to(&b, "13812345678").await, sms_before + 1);
        let text = last_sms(&b, "13812345678").await;
        assert!(text.contains(&day) && text.contains("张三、李四"), "{text}");
        let c = case(&b, &a, id).await;
        assert_eq!(c.onsite_plan, format!("{day} 现场核查,核查人员:张三、李四"));

        // Once recorded, no more plans; once finished, nobody claims it.
        let r = onsite(&b, &colleague, id, "张三、李四").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let r = plan(&b, &colleague, id, &day, "张三、李四").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        moved(&b, &colleague, id, Action::Approve, "").await;
        moved(&b, &colleague, id, Action::Issue, "").await;
        let r = claim(&b, &city, id, &[]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
    }
}

#[tokio::test]
async fn refusals_withdrawal_and_a_reissue_run_to_their_end() {
    for b in backends().await {
        let (a, city) = with_issuer(&b).await;
        let (open, certificate) = issued_and_open(&b, &a).await;
        let number = case(&b, &a, open).await.application.licence_number;
        assert!(number.is_empty(), "a first application names no licence");

        // 不予受理, with its reasons in a numbered decision. The issuer's
        // steps are plain posts on the page the server renders; the browser
        // asks for the reason first, and so does the server.
        let path = format!("/cases/{open}");
        let body = page(&b, &path, &city).await;
        assert!(
            body.contains(r#"<textarea id="f-text-not_accept" name="text" rows="4" required minlength="4" data-message="请写明理由"#),
            "{}: {body}",
            b.name
        );
        let post = |text: &'static str| {
            let version = c_version(&b, &city, open);
            let (router, city, path) = (b.router.clone(), city.clone(), path.clone());
            async move {
                let version = version.await.to_string();
                let id = open.to_string();
                let fields = [
                    ("id", id.as_str()),
                    ("base_version", version.as_str()),
                    ("action", Action::NotAccept.code()),
                    ("text", text),
                ];
                post_page_form(&router, "/api/case/move", &path, &fields, Some(&city)).await
            }
        };
        let r = post("").await;
        assert_eq!(r.status, StatusCode::FOUND, "{}", b.name);
        assert_eq!(r.set_cookie("whp_flash="), None, "{}", b.name);
        // Said at the reason's field (the form that was sent), not above.
        let body = page_back(&b, &r, &city).await;
        assert!(
            body.contains(&field_message("f-text-not_accept", "请写明理由(至少4个字)")),
            "{}: {body}",
            b.name
        );
        assert!(
            !body.contains(r#"<p role="alert" class="alert">"#),
            "{}",
            b.name
        );
        let r = post("申请事项不属于本机关职权范围").await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        // It comes back to the case's page, which says what was done (the
        // move flashed it).
        let pair = flash_pair(&r);
        let page = send(
            &b.router,
            get_as(&format!("/cases/{open}"), &format!("{city}; {pair}")),
        )
        .await;
        assert!(
            page.body
                .contains(r#"class="notice success flash">已不予受理,文书编号"#)
                && page
                    .body
                    .contains(r#"<span class="status-badge case-step">不予受理</span>"#)
                && page.body.contains("不属于本机关职权范围"),
            "{}: {}",
            b.name,
            page.body
        );
        let c = case(&b, &a, open).await;
        assert_eq!(c.summary.step, Step::NotAccepted);
        assert_eq!(c.documents[0].title, "不予受理决定书");
        assert!(c.documents[0].body.contains("不属于本机关职权范围"));
        assert!(c.actions.is_empty(), "{:?}", c.actions);

        // 不予许可 after the on-site check found the conditions unmet.
        let id = submitted_first(&b, &a).await;
        moved(&b, &city, id, Action::Accept, "").await;
        onsite(&b, &city, id, "张三、李四").await;
        moved(&b, &city, id, Action::Refuse, "储存设施与申请材料不符").await;
        let c = case(&b, &a, id).await;
        assert_eq!(c.summary.step, Step::Refused);
        assert_eq!(c.decision_reason, "储存设施与申请材料不符");
        assert!(c
            .documents
            .iter()
            .any(|d| d.title == "不予行政许可决定书" && d.body.contains("行政复议")));

        // The issued licence: a 补证 withdrawn as a draft, then one issued.
        let print = form(
            &b,
            "/api/certificate/get",
            &[("id", &certificate.to_string())],
            &a,
        )
        .await;
        let issued: CertificateView = serde_json::from_str(&print.body).unwrap();
        let id = started(&b, &a, "reissue", &issued.number).await;
        moved(&b, &a, id, Action::Withdraw, "").await;
        assert_eq!(case(&b, &a, id).await.summary.step, Step::Withdrawn);
        let id = started(&b, &a, "reissue", &issued.number).await;
        with_every_material(&b, &a, id, |app| app.reason = "证书遗失".into()).await;
        moved(&b, &a, id, Action::Submit, "").await;
        moved(&b, &city, id, Action::Accept, "").await;
        moved(&b, &city, id, Action::Approve, "").await;
        let m = moved(&b, &city, id, Action::Issue, "").await;
        assert!(m.contains(&issued.number), "{m}");
        let old = verify(&b, &token_of(&b, &issued.number, "replaced").await)
            .await
            .unwrap();
        assert!(old.status.contains("已换发"), "{old:?}");
        let new = verify(&b, &token_of(&b, &issued.number, "valid").await)
            .await
            .unwrap();
        assert_eq!(
            (new.valid_from.as_str(), new.valid_until.as_str()),
            (issued.valid_from.as_str(), issued.valid_until.as_str()),
            "a 补证 keeps the validity"
        );
        assert!(new.history.iter().any(|h| h.contains("补证")));
    }
}

#[tokio::test]
async fn a_posted_form_cannot_drop_the_storage_units_the_case_took_from_the_record() {
    for b in backends().await {
        let a = with_major_hazard_units(&b).await;
        let id = started(&b, &a, "new", "").await;
        let c = case(&b, &a, id).await;
        let mut app = c.application.clone();
        app.mode = "storage".into();
        app.storage_units = vec![];
        app.major_hazard_report = "伪造〔2026〕1号".into();
        // The record's own answer decides where no computation governs.
        let answered = c.application.major_hazard;
        app.major_hazard = !answered;
        let said = save_error(&b, &a, &c, &app, "mode").await;
        assert!(said.contains("构成重大危险源"), "{}: {said}", b.name);
        let c = case(&b, &a, id).await;
        assert_eq!(c.application.storage_units.len(), 1, "{}", b.name);
        assert_eq!(c.application.major_hazard_report, "");
        assert_eq!(c.application.major_hazard, answered, "{}", b.name);
        assert!(c.materials.iter().any(|m| m.code == "major_hazard_record"));
        // A major-hazard fuel station is no 加油站 either.
        app.mode = "fuel_station".into();
        let said = save_error(&b, &a, &c, &app, "mode").await;
        assert!(said.contains("加油站"), "{said}");
    }
}

#[tokio::test]
async fn a_late_renewal_is_escalated_to_the_top_of_the_inbox_and_due_filters_apply() {
    use app::api::licence_case::CaseSummary;
    use app::domain::licence_case::CaseKind;
    for b in seeded().await {
        let today = app::server::today();
        let storage = Application {
            name: "先到期的首次申请".into(),
            mode: "storage".into(),
            ..Application::default()
        };
        let (first, _) = bare_case(&b, 1, CaseKind::New, &storage).await;
        move_on(
            &b,
            first,
            Action::Submit,
            None,
            &today.add_days(-3).to_string(),
        )
        .await;
        // Valid for one more month: the renewal is late (due 3 months before).
        let renewal = Application {
            name: "逾期延期企业".into(),
            licence_number: LICENCE.into(),
            licence_valid_until: today.add_months(1).to_string(),
            ..storage.clone()
        };
        let (late, _) = bare_case(&b, 2, CaseKind::Renewal, &renewal).await;
        let c = move_on(&b, late, Action::Submit, None, &today.to_string()).await;
        assert!(c.escalated(), "{}: {:?}", b.name, c.late_filing);
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let inbox = |due: &'static str| {
            let (b, city) = (&b, city.clone());
            async move {
                let r = form(
                    b,
                    "/api/case/inbox",
                    &[("step", ""), ("overdue", "false"), ("due_within", due)],
                    &city,
                )
                .await;
                assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
                serde_json::from_str::<Vec<CaseSummary>>(&r.body).unwrap()
            }
        };
        let list = inbox("0").await;
        let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
        assert_eq!(ids, [late, first], "{}: the late renewal first", b.name);
        assert!(list[0].escalated && !list[1].escalated);
        // Five working days are at least five days: nothing is due by
        // tomorrow, both within a month.
        assert!(inbox("1").await.is_empty(), "{}: {list:?}", b.name);
        assert_eq!(inbox("30").await.len(), 2, "{}", b.name);
    }
}

#[tokio::test]
async fn a_refused_step_text_sent_without_javascript_comes_back_for_its_writer_only() {
    use app::domain::kept_text::KEPT_TEXT_NOTE;
    use app::domain::licence_case::{CORRECTION_TEXT_MISSING, REASON_TEXT_MISSING};
    for b in backends().await {
        let (a, city) = with_issuer(&b).await;
        let id = submitted_first(&b, &a).await;
        let case_page = format!("/cases/{id}");
        let post = |version: i64, action: Action, text: &str| {
            let fields = vec![
                ("id", id.to_string()),
                ("base_version", version.to_string()),
                ("action", action.code().to_string()),
                ("text", text.to_string()),
            ];
            plain_post(&b, "/api/case/move", &case_page, fields, &city)
        };
        let version = case(&b, &city, id).await.version;
        // Item by item, in full-width punctuation, as a notice is written.
        let notice = "请补充以下材料：\n1. 营业执照副本；\n2. 储存设施平面图。";

        // Sent from a page that was out of date: refused where the page
        // begins, and the notice is back in its field as it was typed.
        let r = post(version - 1, Action::RequestCorrection, notice).await;
        assert!(
            r.location().contains("kept=case%2F"),
            "{}: {}",
            b.name,
            r.location()
        );
        let page = page_back_refused(&b, &r, &city).await;
        assert!(page.contains("案件刚刚被他人处理过"), "{}: {page}", b.name);
        assert!(
            page.contains(&format!(">\n{notice}</textarea>")),
            "{}: {page}",
            b.name
        );
        assert!(
            page.contains(&format!(
                "aria-describedby=\"f-text-correction-kept\">\n{notice}"
            )),
            "{}: the note describes the field: {page}",
            b.name
        );
        assert!(page.contains(KEPT_TEXT_NOTE), "{}", b.name);
        let c = case(&b, &city, id).await;
        assert_eq!(
            c.kept,
            vec![(Action::RequestCorrection, notice.to_string())]
        );
        assert_eq!(c.version, version, "{}: nothing moved", b.name);
        // Its writer's only: a colleague of the same authority, who may make
        // the same step, sees none of it.
        let (_, colleague) = city_colleague(&b).await;
        assert!(case(&b, &colleague, id).await.kept.is_empty(), "{}", b.name);
        let theirs = crate::common::page(&b, &case_page, &colleague).await;
        assert!(!theirs.contains("储存设施平面图"), "{}", b.name);
        assert!(!theirs.contains(KEPT_TEXT_NOTE), "{}", b.name);

        // A step the case does not offer now: its text is shown to copy.
        let reason = "经营场所与申请材料不符,不予许可。";
        let r = post(version, Action::Refuse, reason).await;
        let page = page_back_refused(&b, &r, &city).await;
        let kept_block = page
            .split(r#"class="notice kept-text""#)
            .nth(1)
            .unwrap_or_else(|| panic!("{}: no kept text block: {page}", b.name));
        assert!(kept_block.contains(reason), "{}: {kept_block}", b.name);
        assert!(!page.contains(r#"id="f-text-refuse""#), "{}", b.name);

        // Too short for the server (line breaks are no characters): its
        // message stands under the field.
        let r = post(version, Action::RequestCorrection, "补\n\n正").await;
        let page = page_back_refused(&b, &r, &city).await;
        assert!(
            page.contains(">\n补\n\n正</textarea>"),
            "{}: {page}",
            b.name
        );
        let message = field_message("f-text-correction", CORRECTION_TEXT_MISSING);
        assert!(page.contains(&message), "{}: {page}", b.name);
        assert!(
            !page.contains(r#"<p role="alert" class="alert">"#),
            "{}",
            b.name
        );

        // Spaces only (nothing to keep): the refusal is still said at the
        // form that sent it, not at another one holding a kept text.
        let r = post(version, Action::NotAccept, "    ").await;
        let refused_at = r.location().trim_start_matches(ORIGIN).to_string();
        assert!(refused_at.contains("kept="), "{}: {refused_at}", b.name);
        let page = page_back_refused(&b, &r, &city).await;
        let message = field_message("f-text-not_accept", REASON_TEXT_MISSING);
        assert!(page.contains(&message), "{}: {page}", b.name);
        let other = field_message("f-text-correction", "");
        assert!(!page.contains(&other), "{}: {page}", b.name);

        // Once it goes through, its text is forgotten (the other stays), and
        // the notice keeps its lines.
        // Sent from the refused address: back without its refusal.
        let fields = vec![
            ("id", id.to_string()),
            ("base_version", version.to_string()),
            ("action", Action::RequestCorrection.code().to_string()),
            ("text", notice.to_string()),
        ];
        post_clean(&b, "/api/case/move", &refused_at, fields, &city).await;
        let c = case(&b, &city, id).await;
        assert_eq!(
            c.correction_notice, "请补充以下材料:\n1. 营业执照副本;\n2. 储存设施平面图。",
            "{}",
            b.name
        );
        assert_eq!(c.kept, vec![(Action::Refuse, reason.to_string())]);
    }
}

#[tokio::test]
async fn a_kept_text_lasts_a_day_and_a_user_keeps_fifty_at_most() {
    use app::domain::kept_text::{KeptForm, KEPT_TEXT_LIFETIME_SECS};
    use app::server::kept_text::{keep, kept, kept_for, purge};
    for b in crate::common::seeded().await {
        let db = &b.state.db;
        let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'admin'")
            .fetch_one(db.reader())
            .await
            .unwrap();
        let now = app::server::now();
        let form = |case| KeptForm::CaseStep {
            case,
            action: Action::Refuse,
        };
        let old = now - KEPT_TEXT_LIFETIME_SECS - 1;
        keep(db, user, form(1), "昨天的理由", old).await.unwrap();
        assert_eq!(kept_for(db, user, form(1), now).await, None, "{}", b.name);
        assert_eq!(purge(db, now).await.unwrap(), 1, "{}", b.name);
        // Fifty-five forms: the five oldest go.
        for case in 1..=55 {
            keep(db, user, form(case), "理由", now - 100 + case)
                .await
                .unwrap();
        }
        let all = kept(db, user, "case/", now).await;
        assert_eq!(all.len(), 50, "{}", b.name);
        assert_eq!(all[0].0, form(55), "{}: the latest first", b.name);
        assert!(!all.iter().any(|(f, _)| *f == form(5)), "{}", b.name);
        assert!(all.iter().any(|(f, _)| *f == form(6)), "{}", b.name);
        // case/6's forms are not case/60's: the key's own slash separates them.
        let six = kept(db, user, &KeptForm::case_prefix(6), now).await;
        assert_eq!(six, vec![(form(6), "理由".to_string())], "{}", b.name);
    }
}

#[tokio::test]
async fn refused_on_site_forms_sent_without_javascript_come_back_filled_for_their_writer_only() {
    use app::domain::kept_text::{OnSiteStage, KEPT_TEXT_NOTE};
    use app::domain::licence_case::TWO_INSPECTORS;
    for b in backends().await {
        let (a, city) = with_issuer(&b).await;
        let id = submitted_first(&b, &a).await;
        moved(&b, &city, id, Action::Accept, "").await;
        let case_page = format!("/cases/{id}");
        let version = case(&b, &city, id).await.version;
        let base = |mut fields: Vec<(&'static str, String)>| {
            fields.push(("id", id.to_string()));
            fields.push(("base_version", version.to_string()));
            fields
        };
        let today = app::server::today();
        let day = today.add_days(3).to_string();

        // 安排现场核查 with one inspector: the form is back as it was
        // typed, with the message at its field and a note saying so.
        let fields = base(vec![("on", day.clone()), ("inspectors", "张三".into())]);
        let r = plain_post(&b, "/api/case/onsite/plan", &case_page, fields, &city).await;
        assert!(
            r.location()
                .contains(&format!("kept=case%2F{id}%2Fonsite_plan")),
            "{}: {}",
            b.name,
            r.location()
        );
        let page = page_back_refused(&b, &r, &city).await;
        let plan_form = page
            .split(r#"class="onsite-plan-form""#)
            .nth(1)
            .unwrap_or_else(|| panic!("{}: no plan form: {page}", b.name));
        assert!(
            plan_form.contains(&format!(r#"value="{day}""#)),
            "{}: {plan_form}",
            b.name
        );
        assert!(
            plan_form.contains(">\n张三</textarea>"),
            "{}: {plan_form}",
            b.name
        );
        assert!(
            plan_form.contains(r#"id="f-plan-inspectors-msg""#),
            "{}",
            b.name
        );
        assert!(
            plan_form.contains(TWO_INSPECTORS),
            "{}: {plan_form}",
            b.name
        );
        assert!(plan_form.contains(KEPT_TEXT_NOTE), "{}", b.name);
        assert!(
            !page.contains(r#"<p role="alert" class="alert">"#),
            "{}: said at the form, not at the top: {page}",
            b.name
        );

        // Sent from a page out of date: the refusal is the form's too.
        let fields = vec![
            ("id", id.to_string()),
            ("base_version", (version - 1).to_string()),
            ("on", day.clone()),
            ("inspectors", "张三\n李四".into()),
        ];
        let r = plain_post(&b, "/api/case/onsite/plan", &case_page, fields, &city).await;
        let page = page_back_refused(&b, &r, &city).await;
        let (before, plan_form) = page
            .split_once(r#"class="onsite-plan-form""#)
            .unwrap_or_else(|| panic!("{}: no plan form: {page}", b.name));
        assert!(
            plan_form.contains("案件刚刚被他人处理过"),
            "{}: {plan_form}",
            b.name
        );
        assert!(!before.contains("案件刚刚被他人处理过"), "{}", b.name);
        assert!(plan_form.contains(">\n张三\n李四</textarea>"), "{}", b.name);

        // 登记现场核查 ending before it began, found not to meet the
        // conditions: its dates, findings and conclusion are back.
        // Nothing typed becomes markup: the page has it back as typed.
        let findings = "储存设施与申请材料不一致,\n未设置防泄漏围堰</textarea><p id=\"typed\">&lt;";
        let fields = base(vec![
            ("from", today.to_string()),
            ("to", today.add_days(-1).to_string()),
            ("inspectors", "张三\n李四".into()),
            ("findings", findings.into()),
            ("passed", "no".into()),
        ]);
        let r = plain_post(&b, "/api/case/onsite", &case_page, fields, &city).await;
        let refused_at = r.location().trim_start_matches(ORIGIN).to_string();
        assert!(
            refused_at.contains(&format!("kept=case%2F{id}%2Fonsite&")),
            "{}: {refused_at}",
            b.name
        );
        let page = page_back_refused(&b, &r, &city).await;
        let record_form = page
            .split(r#"class="onsite-form""#)
            .nth(1)
            .unwrap_or_else(|| panic!("{}: no record form: {page}", b.name));
        let escaped = "未设置防泄漏围堰&lt;/textarea>&lt;p id=\"typed\">&amp;lt;</textarea>";
        assert!(record_form.contains(escaped), "{}: {record_form}", b.name);
        assert!(!page.contains(r#"<p id="typed">"#), "{}", b.name);
        assert!(
            record_form.contains(">\n张三\n李四</textarea>"),
            "{}",
            b.name
        );
        assert!(
            record_form.contains("结束日期不能早于开始日期"),
            "{}",
            b.name
        );
        let no = record_form
            .split(r#"value="no""#)
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .unwrap_or_default();
        assert!(
            no.contains("checked"),
            "{}: 不符合条件 stays chosen: {record_form}",
            b.name
        );
        // The plan form still has its own text back, without a message.
        let plan_form = page
            .split_once(r#"class="onsite-plan-form""#)
            .and_then(|(_, rest)| rest.split_once(r#"class="onsite-form""#))
            .map(|(plan, _)| plan)
            .unwrap_or_default();
        assert!(plan_form.contains(">\n张三\n李四</textarea>"), "{}", b.name);
        assert!(
            !plan_form.contains(r#"role="alert""#),
            "{}: {plan_form}",
            b.name
        );
        let c = case(&b, &city, id).await;
        assert_eq!(c.version, version, "{}: nothing was written", b.name);
        let stages: Vec<OnSiteStage> = c.kept_onsite.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            stages,
            [OnSiteStage::Record, OnSiteStage::Plan],
            "{}",
            b.name
        );
        assert_eq!(c.kept_onsite[0].1.get("findings"), findings);

        // Its writer's only: a colleague sees none of it.
        let (_, colleague) = city_colleague(&b).await;
        assert!(case(&b, &colleague, id).await.kept_onsite.is_empty());
        let theirs = crate::common::page(&b, &case_page, &colleague).await;
        assert!(!theirs.contains("防泄漏围堰") && !theirs.contains(KEPT_TEXT_NOTE));

        // Sent again, correct, from the refused address: recorded, back
        // without the refusal, and its fields forgotten. The plan, no
        // longer offered, is shown to copy.
        let fields = base(vec![
            ("from", today.to_string()),
            ("to", today.to_string()),
            ("inspectors", "张三\n李四".into()),
            ("findings", findings.into()),
            ("passed", "no".into()),
        ]);
        post_clean(&b, "/api/case/onsite", &refused_at, fields, &city).await;
        let c = case(&b, &city, id).await;
        assert!(c.onsite.is_some_and(|o| !o.passed), "{}", b.name);
        let stages: Vec<OnSiteStage> = c.kept_onsite.iter().map(|(s, _)| *s).collect();
        assert_eq!(stages, [OnSiteStage::Plan], "{}", b.name);
        let page = crate::common::page(&b, &case_page, &city).await;
        let kept_block = page
            .split(r#"class="notice kept-text""#)
            .nth(1)
            .unwrap_or_else(|| panic!("{}: no kept block: {page}", b.name));
        assert!(
            kept_block.contains("“安排现场核查”内容"),
            "{}: {kept_block}",
            b.name
        );
        assert!(
            kept_block.contains(&format!(
                "拟核查日期:{day}\n拟派人员(至少两人,每行一人):张三\n李四"
            )),
            "{}: {kept_block}",
            b.name
        );
        assert!(!page.contains("onsite-plan-form"), "{}", b.name);

        // A plan sent now, the form no longer offered: refused where the
        // page begins, and what it held is there to copy.
        let version = case(&b, &city, id).await.version;
        let fields = vec![
            ("id", id.to_string()),
            ("base_version", version.to_string()),
            ("on", day.clone()),
            ("inspectors", "王五\n赵六".into()),
        ];
        let r = plain_post(&b, "/api/case/onsite/plan", &case_page, fields, &city).await;
        let page = page_back_refused(&b, &r, &city).await;
        let (top, _) = page
            .split_once(r#"class="notice kept-text""#)
            .unwrap_or_else(|| panic!("{}: no kept block: {page}", b.name));
        assert!(top.contains("才能安排现场核查"), "{}: {top}", b.name);
        assert!(
            page.contains("拟派人员(至少两人,每行一人):王五\n赵六"),
            "{}",
            b.name
        );
    }
}
