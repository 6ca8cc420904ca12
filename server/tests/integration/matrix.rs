//! The authorisation matrix: every registered server function and file
//! route, called as every kind of caller against enterprise A's objects,
//! with the answer each caller must get. The list of endpoints comes from
//! the application itself (the server-function registry and
//! `server::file_routes`): an endpoint without a rule here fails the test.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::collections::BTreeSet;

use crate::common::*;
use crate::info::{confirmed, upload, A};
use app::components::upload::UploadAnswer;
use app::server::seed::DEMO_PASSWORD;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;

/// Who calls. A is 南京市玄武区 (320102); B is in 福州.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    /// A's registered 经办人, its first 管理员.
    EnterpriseA,
    /// A 填报员 of A.
    FillerOfA,
    /// A 查看员 of A.
    ViewerOfA,
    /// B's first 管理员.
    EnterpriseB,
    /// 玄武区 (A's county).
    CountyOfA,
    /// 秦淮区: a county of the same city, not A's.
    OtherCounty,
    City,
    Province,
    Admin,
}

const EVERYONE: [Who; 10] = [
    Who::Anonymous,
    Who::EnterpriseA,
    Who::FillerOfA,
    Who::ViewerOfA,
    Who::EnterpriseB,
    Who::CountyOfA,
    Who::OtherCounty,
    Who::City,
    Who::Province,
    Who::Admin,
];

/// Who gets past authorisation (the answer may still be a field message).
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Everyone, logged in or not (public pages, registration, login, recovery).
    Public,
    /// Any logged-in user, on their own account.
    LoggedIn,
    /// Enterprise users of any role, reading their own enterprise (no object is named).
    Enterprise,
    /// Enterprise users who may change things (管理员, 填报员), on their own enterprise.
    EnterpriseWriter,
    /// 管理员 of an enterprise, on their own enterprise.
    EnterpriseManager,
    /// A's 管理员 and 填报员: the object named belongs to A and is changed.
    OwnerOfA,
    /// A's 管理员 only: the object named is one of A's users.
    ManagerOfA,
    /// Only its recipient (A's registered 经办人): the object named is their 站内消息.
    RecipientOfA,
    /// Regulators and administrators, each on their own jurisdiction.
    Staff,
    /// The regulators whose jurisdiction holds A, and the administrator.
    SupervisorsOfA,
    /// The same without the administrator (only a bureau proposes changes).
    RegulatorsOfA,
    /// A itself and its supervisors (a licence scan, a licence case).
    AOrSupervisors,
    /// The regulators of the authority that issues A's licence case (the city).
    IssuerOfA,
    /// Regulators (who belong to a bureau), not the administrator.
    Regulators,
    /// Who writes 通知公告: the administrator and the regulators of an
    /// issuing authority (city and county bureaus; not the province).
    NoticeWriters,
    /// Who changes the city's notice: the city and the administrator.
    NoticeOfCity,
    Admin,
    /// A secret link's token is the credential: with a wrong one nobody,
    /// whatever their session, gets anything.
    Link,
    /// Development tools: never off this machine (in-process requests have
    /// no loopback peer).
    Nobody,
}

impl Rule {
    fn admits(self, who: Who) -> bool {
        use Who::*;
        let supervisor = matches!(who, CountyOfA | City | Province | Admin);
        match self {
            Rule::Public => true,
            Rule::LoggedIn => who != Anonymous,
            Rule::Enterprise => matches!(who, EnterpriseA | FillerOfA | ViewerOfA | EnterpriseB),
            Rule::EnterpriseWriter => matches!(who, EnterpriseA | FillerOfA | EnterpriseB),
            Rule::EnterpriseManager => matches!(who, EnterpriseA | EnterpriseB),
            Rule::OwnerOfA => matches!(who, EnterpriseA | FillerOfA),
            Rule::ManagerOfA => who == EnterpriseA,
            Rule::RecipientOfA => who == EnterpriseA,
            Rule::Staff => matches!(who, CountyOfA | OtherCounty | City | Province | Admin),
            Rule::SupervisorsOfA => supervisor,
            Rule::RegulatorsOfA => supervisor && who != Admin,
            Rule::AOrSupervisors => {
                supervisor || matches!(who, EnterpriseA | FillerOfA | ViewerOfA)
            }
            Rule::IssuerOfA => who == City,
            Rule::Regulators => matches!(who, CountyOfA | OtherCounty | City | Province),
            Rule::NoticeWriters => matches!(who, CountyOfA | OtherCounty | City | Admin),
            Rule::NoticeOfCity => matches!(who, City | Admin),
            Rule::Admin => who == Admin,
            Rule::Link | Rule::Nobody => false,
        }
    }
}

/// How a request is sent.
enum Payload {
    Form(Vec<(&'static str, String)>),
    Json(serde_json::Value),
    Raw(Vec<u8>),
    Empty,
}

struct Endpoint {
    method: &'static str,
    /// The registered path ("/api/…" or a file route's pattern).
    route: &'static str,
    /// The path actually requested (the pattern with A's object filled in).
    path: String,
    rule: Rule,
    body: Payload,
}

/// A's objects and one of everything else the endpoints name.
struct Objects {
    pending_user: String,
    proposal: String,
    scan: String,
    phone_request: String,
    evidence: String,
    target_regulator: String,
    /// A's licence case, submitted to the city.
    case: String,
    /// A certificate issued to A.
    certificate: String,
    /// An invited user of A (no password yet), whom A's 管理员 manages.
    member: String,
    /// A notice the city (an issuing authority) published.
    notice: String,
    /// A 站内消息 of A's registered 经办人.
    message: String,
}

fn f(pairs: &[(&'static str, &str)]) -> Payload {
    Payload::Form(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

fn api(route: &'static str, rule: Rule, body: Payload) -> Endpoint {
    Endpoint {
        method: "POST",
        route,
        path: route.to_string(),
        rule,
        body,
    }
}

/// `GET /export/{file}` for `file` (with its query).
fn export(file: &str, rule: Rule) -> Endpoint {
    Endpoint {
        method: "GET",
        route: "/export/{file}",
        path: format!("/export/{file}"),
        rule,
        body: Payload::Empty,
    }
}

/// A move on A's case (with a stale version: an admitted caller is told so).
fn case_move(o: &Objects, action: &str, rule: Rule) -> Endpoint {
    api(
        "/api/case/move",
        rule,
        f(&[
            ("id", &o.case),
            ("base_version", "0"),
            ("action", action),
            ("text", "理由理由理由"),
        ]),
    )
}

fn table(o: &Objects) -> Vec<Endpoint> {
    use Rule::*;
    let bogus = "0".repeat(64);
    let record =
        json!({"step": "basic", "record": crate::info::complete_record("X"), "base_version": 1});
    vec![
        api("/api/account/events", LoggedIn, f(&[("recent", "true")])),
        api(
            "/api/account/password",
            LoggedIn,
            f(&[
                ("current", "Wrong-Pass-1"),
                ("password", "New-Pass-2027"),
                ("password_confirm", "New-Pass-2027"),
            ]),
        ),
        api("/api/account/totp/begin", LoggedIn, Payload::Empty),
        api(
            "/api/account/totp/confirm",
            LoggedIn,
            f(&[("current", "Wrong-Pass-1"), ("code", "000000")]),
        ),
        api("/api/admin/regulators", Admin, Payload::Empty),
        api(
            "/api/admin/regulators/create",
            Admin,
            f(&[
                ("login", "matrix-new"),
                ("display_name", "新用户"),
                ("region_county", "320104"),
            ]),
        ),
        api(
            "/api/admin/regulators/status",
            Admin,
            f(&[("user_id", &o.target_regulator), ("active", "true")]),
        ),
        api(
            "/api/admin/regulators/unlock",
            Admin,
            f(&[("user_id", &o.target_regulator)]),
        ),
        api(
            "/api/admin/regulators/reset-password",
            Admin,
            f(&[("user_id", &o.target_regulator)]),
        ),
        api("/api/auth/me", Public, Payload::Empty),
        api(
            "/api/auth/login",
            Public,
            f(&[
                ("tab", "enterprise"),
                ("account", A),
                ("password", "Wrong-Pass-1"),
            ]),
        ),
        api("/api/auth/unlock-code", Public, f(&[("account", A)])),
        api("/api/case/authorities", Admin, Payload::Empty),
        api(
            "/api/case/authorities/set",
            Admin,
            f(&[("region_code", "bogus"), ("organization_id", "0")]),
        ),
        api("/api/case/mine", Enterprise, Payload::Empty),
        api(
            "/api/case/start",
            EnterpriseWriter,
            f(&[("kind", "bogus"), ("licence", "")]),
        ),
        api("/api/case/get", AOrSupervisors, f(&[("id", &o.case)])),
        api(
            "/api/case/save",
            OwnerOfA,
            Payload::Json(
                json!({"id": o.case.parse::<i64>().unwrap(), "base_version": 0, "application": app::domain::licence_case::Application::default()}),
            ),
        ),
        // Every move: the applicant's two, the issuing authority's others.
        case_move(o, "submit", OwnerOfA),
        case_move(o, "withdraw", OwnerOfA),
        case_move(o, "correction", IssuerOfA),
        case_move(o, "accept", IssuerOfA),
        case_move(o, "not_accept", IssuerOfA),
        case_move(o, "approve", IssuerOfA),
        case_move(o, "refuse", IssuerOfA),
        case_move(o, "issue", IssuerOfA),
        api(
            "/api/case/onsite/plan",
            IssuerOfA,
            f(&[
                ("id", &o.case),
                ("base_version", "0"),
                ("on", ""),
                ("inspectors", ""),
            ]),
        ),
        api(
            "/api/case/onsite",
            IssuerOfA,
            f(&[
                ("id", &o.case),
                ("base_version", "0"),
                ("from", ""),
                ("to", ""),
                ("inspectors", ""),
                ("findings", ""),
            ]),
        ),
        api(
            "/api/case/claim",
            IssuerOfA,
            f(&[("id", &o.case), ("base_version", "0")]),
        ),
        api(
            "/api/case/claim",
            IssuerOfA,
            f(&[
                ("id", &o.case),
                ("base_version", "0"),
                ("assignee", &o.target_regulator),
            ]),
        ),
        api(
            "/api/case/inbox",
            Regulators,
            f(&[("step", ""), ("overdue", "false")]),
        ),
        api(
            "/api/certificate/get",
            AOrSupervisors,
            f(&[("id", &o.certificate)]),
        ),
        api(
            "/api/certificate/verify",
            Public,
            f(&[("token", &"0".repeat(64))]),
        ),
        api("/api/info/mine", Enterprise, Payload::Empty),
        api("/api/info/version", Enterprise, Payload::Empty),
        api("/api/info/save", EnterpriseWriter, Payload::Json(record)),
        api(
            "/api/info/submit",
            EnterpriseWriter,
            f(&[("base_version", "0")]),
        ),
        api(
            "/api/info/status",
            EnterpriseWriter,
            f(&[("action", "withdraw"), ("base_version", "0")]),
        ),
        api(
            "/api/info/proposal/answer",
            OwnerOfA,
            f(&[
                ("proposal_id", &o.proposal),
                ("accept", "false"),
                ("reason", ""),
            ]),
        ),
        api(
            "/api/info/directory",
            Staff,
            f(&[
                ("q", ""),
                ("region", ""),
                ("mode", ""),
                ("status", ""),
                ("expiring_days", ""),
                ("page", "9223372036854775807"),
            ]),
        ),
        api("/api/info/record", SupervisorsOfA, f(&[("credit_code", A)])),
        api(
            "/api/info/decide",
            SupervisorsOfA,
            f(&[
                ("credit_code", A),
                ("base_version", "0"),
                ("approve", "true"),
                ("reason", ""),
            ]),
        ),
        api(
            "/api/info/propose",
            RegulatorsOfA,
            Payload::Json(
                json!({"credit_code": A, "base_version": 0, "values": [["principal_name", "冒名"]]}),
            ),
        ),
        api("/api/info/remind", RegulatorsOfA, f(&[("credit_code", A)])),
        api(
            "/api/info/proposal/withdraw",
            SupervisorsOfA,
            f(&[("credit_code", A), ("proposal_id", &o.proposal)]),
        ),
        api("/api/help/index", Public, Payload::Empty),
        api("/api/help/search", Public, f(&[("q", "密码")])),
        api("/api/help/article", Public, f(&[("slug", "faq-sms-code")])),
        api("/api/help/history", Public, f(&[("slug", "faq-sms-code")])),
        api("/api/help/preview", Admin, f(&[("body", "## 标题")])),
        api(
            "/api/help/save",
            Admin,
            f(&[
                ("slug", "faq-sms-code"),
                ("title", "标题"),
                ("body", "正文"),
                ("base_version", "0"),
            ]),
        ),
        api(
            "/api/phone/code",
            Public,
            f(&[
                ("account", A),
                ("new_mobile", "13912340000"),
                ("enterprise_name", "南京测试有限公司"),
                ("id_number", GOOD_ID),
            ]),
        ),
        api(
            "/api/phone/change",
            Public,
            f(&[
                ("account", A),
                ("enterprise_name", "x"),
                ("id_number", GOOD_ID),
                ("new_mobile", "13912340000"),
                ("sms_code", "000000"),
            ]),
        ),
        api("/api/phone/status", Link, f(&[("r", &bogus)])),
        api("/api/phone/submit", Link, f(&[("r", &bogus)])),
        api("/api/phone/withdraw", Link, f(&[("r", &bogus)])),
        api("/api/phone/cancel-info", Link, f(&[("t", &bogus)])),
        api("/api/phone/cancel", Link, f(&[("t", &bogus)])),
        api("/api/phone/queue", Staff, Payload::Empty),
        api(
            "/api/phone/decide",
            SupervisorsOfA,
            f(&[
                ("request_id", &o.phone_request),
                ("approve", "false"),
                ("note", ""),
            ]),
        ),
        // Staff have no phone change of their own: nothing, not an error
        // (the workspace asks for everyone).
        api("/api/phone/mine", LoggedIn, Payload::Empty),
        api("/api/phone/cancel-mine", Enterprise, Payload::Empty),
        api("/api/recovery/send", Public, f(&[("account", A)])),
        api("/api/recovery/target", Public, f(&[("account", A)])),
        api(
            "/api/recovery/reset",
            Public,
            f(&[
                ("account", A),
                ("code", "000000"),
                ("password", "New-Pass-2027"),
                ("password_confirm", "New-Pass-2027"),
            ]),
        ),
        api("/api/dev/sms", Nobody, Payload::Empty),
        api("/api/dev/totp", Nobody, Payload::Empty),
        api("/api/registration", Public, Payload::Empty),
        api(
            "/api/register/org",
            Public,
            f(&[
                ("legal_type", "enterprise"),
                ("credit_code", A),
                ("enterprise_name", "x"),
                ("legal_rep_name", "张三"),
                ("id_doc_type", "id_card"),
                ("id_doc_number", GOOD_ID),
            ]),
        ),
        api(
            "/api/register/code",
            Public,
            f(&[("handler_mobile", "13912340001")]),
        ),
        api(
            "/api/register/account",
            Public,
            f(&[
                ("handler_name", "张三"),
                ("handler_mobile", "13912340001"),
                ("sms_code", "000000"),
                ("password", "New-Pass-2027"),
                ("password_confirm", "New-Pass-2027"),
            ]),
        ),
        api("/api/review/queue", Staff, Payload::Empty),
        api("/api/dashboard", Staff, Payload::Empty),
        // Drilling down to A's county: its supervisors only.
        api("/api/dashboard", SupervisorsOfA, f(&[("region", "320102")])),
        api(
            "/api/review/decide",
            SupervisorsOfA,
            f(&[
                ("user_id", &o.pending_user),
                ("decision", "reject"),
                ("reason", ""),
            ]),
        ),
        api("/api/site_info", Public, Payload::Empty),
        api("/api/public/licences", Public, f(&[("q", "不存在的企业")])),
        api("/api/public/publicity", Public, f(&[("days", "30")])),
        // 通知公告: reading is public; a new notice (empty: an admitted
        // writer is told at the field); the city's notice (a stale
        // version: its writers are told so, others are refused first).
        api("/api/notices/list", Public, f(&[("page", "1")])),
        api("/api/notices/get", Public, f(&[("id", &o.notice)])),
        api(
            "/api/notices/preview",
            NoticeWriters,
            f(&[("body", "## 标题")]),
        ),
        api(
            "/api/notices/save",
            NoticeWriters,
            f(&[
                ("id", "0"),
                ("title", ""),
                ("body", ""),
                ("base_version", "0"),
            ]),
        ),
        api(
            "/api/notices/save",
            NoticeOfCity,
            f(&[
                ("id", &o.notice),
                ("title", "改标题"),
                ("body", "改正文"),
                ("base_version", "0"),
            ]),
        ),
        api(
            "/api/notices/act",
            NoticeOfCity,
            f(&[
                ("id", &o.notice),
                ("action", "withdraw"),
                ("base_version", "0"),
            ]),
        ),
        // Teams: reading one's team; managing it (payloads an allowed
        // caller is refused for at the field, or that act on A's invited
        // user only); the SMS link is the credential of the last two.
        api("/api/team/members", Enterprise, Payload::Empty),
        api(
            "/api/team/invite",
            EnterpriseManager,
            f(&[("name", ""), ("mobile", ""), ("role", "")]),
        ),
        api(
            "/api/team/role",
            ManagerOfA,
            f(&[("user_id", &o.member), ("role", "bogus")]),
        ),
        api(
            "/api/team/active",
            ManagerOfA,
            f(&[("user_id", &o.member), ("active", "true")]),
        ),
        api(
            "/api/team/end-sessions",
            ManagerOfA,
            f(&[("user_id", &o.member)]),
        ),
        api(
            "/api/team/reset",
            ManagerOfA,
            f(&[("user_id", &o.member), ("mobile", "123")]),
        ),
        api("/api/team/link", Link, f(&[("t", &bogus)])),
        api(
            "/api/team/accept",
            Link,
            f(&[
                ("t", &bogus),
                ("password", "New-Pass-2027"),
                ("password_confirm", "New-Pass-2027"),
            ]),
        ),
        // Every user's own account (a payload refused at the field).
        api("/api/account/overview", LoggedIn, Payload::Empty),
        api("/api/account/name", LoggedIn, f(&[("name", "")])),
        api("/api/account/mobile/code", LoggedIn, f(&[("mobile", "")])),
        api(
            "/api/account/mobile",
            LoggedIn,
            f(&[("mobile", ""), ("code", ""), ("current", "")]),
        ),
        api("/api/account/sessions/end", LoggedIn, f(&[("id", "none")])),
        api("/api/regions", Public, f(&[("parent", "32")])),
        // 站内消息: everyone their own; a message only to its recipient.
        api("/api/messages/list", LoggedIn, f(&[("page", "1")])),
        api("/api/messages/open", RecipientOfA, f(&[("id", &o.message)])),
        api("/api/messages/read-all", LoggedIn, Payload::Empty),
        api("/api/region-choices", Public, f(&[("code", "320102")])),
        Endpoint {
            method: "POST",
            route: "/files/licence-scan",
            path: "/files/licence-scan?name=x.pdf".into(),
            rule: EnterpriseWriter,
            body: Payload::Raw(b"%PDF-1.4 matrix".to_vec()),
        },
        Endpoint {
            method: "GET",
            route: "/files/{id}",
            path: format!("/files/{}", o.scan),
            rule: AOrSupervisors,
            body: Payload::Empty,
        },
        Endpoint {
            method: "POST",
            route: "/files/phone-evidence",
            path: format!("/files/phone-evidence?r={bogus}&document=licence&name=a.pdf"),
            rule: Link,
            body: Payload::Raw(b"%PDF-1.4 matrix".to_vec()),
        },
        Endpoint {
            method: "GET",
            route: "/files/phone-evidence/{id}",
            path: format!("/files/phone-evidence/{}", o.evidence),
            rule: SupervisorsOfA,
            body: Payload::Empty,
        },
        // Exports: the page's scope; an enterprise's trail and a county's
        // report only for the regulators above it.
        api(
            "/api/report/annual",
            Staff,
            f(&[("year", "0"), ("region", "")]),
        ),
        api(
            "/api/report/annual",
            SupervisorsOfA,
            f(&[("year", "0"), ("region", "320102")]),
        ),
        export("directory.csv", Staff),
        export("directory.xlsx?q=%E5%8D%97%E4%BA%AC", Staff),
        export("cases.csv?step=&overdue=1", Regulators),
        export("cases.xlsx", Regulators),
        export("expiring.csv?expiring=90", Staff),
        export("expiring.xlsx?expiring=3650&region=320102", Staff),
        export(&format!("audit.csv?credit_code={A}"), SupervisorsOfA),
        export(&format!("audit.xlsx?credit_code={A}"), SupervisorsOfA),
        export("annual.csv", Staff),
        export("annual.csv?region=320102", SupervisorsOfA),
        export("annual.xlsx?year=0&region=320102", SupervisorsOfA),
        // Logging out ends every session of the caller: last.
        api("/api/auth/logout", Public, Payload::Empty),
    ]
}

fn request(e: &Endpoint, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::builder()
        .method(e.method)
        .uri(&e.path)
        .header(header::HOST, "127.0.0.1:3000");
    if e.method == "POST" {
        r = r.header(header::ORIGIN, ORIGIN);
    }
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    match &e.body {
        Payload::Form(pairs) => {
            let body = pairs
                .iter()
                .map(|(k, v)| format!("{k}={}", urlencode(v)))
                .collect::<Vec<_>>()
                .join("&");
            r.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap()
        }
        Payload::Json(v) => r
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string()))
            .unwrap(),
        Payload::Raw(bytes) => r.body(Body::from(bytes.clone())).unwrap(),
        Payload::Empty => r.body(Body::empty()).unwrap(),
    }
}

/// Refused before anything was looked at: not logged in, not allowed, or
/// (for files, where not-yours looks like unknown) not found.
fn refused(e: &Endpoint, status: StatusCode) -> bool {
    match e.rule {
        Rule::Link => !status.is_success(),
        _ if e.route.starts_with("/files/") && e.method == "GET" => {
            matches!(status.as_u16(), 401 | 403 | 404)
        }
        _ => matches!(status.as_u16(), 401 | 403),
    }
}

async fn setup(b: &Backend) -> (Vec<(Who, Option<String>)>, Objects) {
    let (a, county) = confirmed(b).await;
    // A regulator outside A's county, and one the administrator's calls act on.
    let admin = login_cookie(b, "regulator", "admin", DEMO_PASSWORD).await;
    add_regulator(b, &admin, "nj-qinhuai", "320104").await;
    let target = add_regulator(b, &admin, "matrix-target", "320104")
        .await
        .to_string();
    let callers = vec![
        (Who::Anonymous, None),
        (Who::EnterpriseA, Some(a.clone())),
        (
            Who::FillerOfA,
            Some(add_member(b, &a, A, "13711112201", "filler").await.1),
        ),
        (
            Who::ViewerOfA,
            Some(add_member(b, &a, A, "13711112202", "viewer").await.1),
        ),
        (
            Who::EnterpriseB,
            Some(login_cookie(b, "enterprise", crate::info::B, DEMO_PASSWORD).await),
        ),
        (Who::CountyOfA, Some(county.clone())),
        (
            Who::OtherCounty,
            Some(login_cookie(b, "regulator", "nj-qinhuai", DEMO_PASSWORD).await),
        ),
        (
            Who::City,
            Some(login_cookie(b, "regulator", "nj-city", DEMO_PASSWORD).await),
        ),
        (
            Who::Province,
            Some(login_cookie(b, "regulator", "js-province", DEMO_PASSWORD).await),
        ),
        (Who::Admin, Some(admin)),
    ];

    // A registration of A's county waiting for review.
    let code = fresh_code();
    let pending = pending_registration(b, &code).await;

    // A proposal on A's record by its county.
    let r = crate::info::propose(b, &county, "principal_name", "赵六").await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    let proposal: i64 = sqlx::query_scalar("SELECT MAX(id) FROM change_proposals")
        .fetch_one(b.state.db.reader())
        .await
        .unwrap();

    // A's licence scan.
    let r = upload(b, Some(&a), "证.pdf", b"%PDF-1.4 scan".to_vec()).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    let scan = r.decode::<UploadAnswer>().id.unwrap();

    // A phone change of A under review, with its documents.
    let token = app::server::random_token();
    sqlx::query(
        "INSERT INTO phone_changes (user_id, old_mobile, new_mobile, status, request_hash, cancel_hash, created_at) \
         VALUES ((SELECT id FROM users WHERE login = $1), '13800138001', '13912340002', 'evidence', $2, $3, $4)",
    )
    .bind(A)
    .bind(app::server::session::hash_token(&token))
    .bind(app::server::session::hash_token(&app::server::random_token()))
    .bind(app::server::now())
    .execute(b.state.db.writer())
    .await
    .unwrap();
    let mut evidence = String::new();
    for d in ["licence", "authorization", "requester_id"] {
        let req = Request::post(format!(
            "/files/phone-evidence?r={token}&document={d}&name=a.pdf"
        ))
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from(&b"%PDF-1.4 evidence"[..]))
        .unwrap();
        let r = send(&b.router, req).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        evidence = r.decode::<UploadAnswer>().id.unwrap();
    }
    let r = post_form(&b.router, "/api/phone/submit", &[("r", &token)], None).await;
    assert!(r.status.is_success(), "{}: {}", b.name, r.body);
    let phone_request: i64 =
        sqlx::query_scalar("SELECT id FROM phone_changes WHERE status = 'review'")
            .fetch_one(b.state.db.reader())
            .await
            .unwrap();

    // A user A invited, who has not set a password yet.
    let r = post_form(
        &b.router,
        "/api/team/invite",
        &[
            ("name", "待接受"),
            ("mobile", "13711112203"),
            ("role", "viewer"),
        ],
        Some(&a),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    let invited: i64 = sqlx::query_scalar("SELECT id FROM users WHERE mobile = '13711112203'")
        .fetch_one(b.state.db.reader())
        .await
        .unwrap();

    // A certificate issued to A, and A's next first application, submitted.
    let (case, certificate) = crate::cases::issued_and_open(b, &a).await;

    // A notice of the city (an issuing authority).
    let city = login_cookie(b, "regulator", "nj-city", DEMO_PASSWORD).await;
    let r = post_form(
        &b.router,
        "/api/notices/save",
        &[
            ("id", "0"),
            ("title", "市局公告"),
            ("body", "正文"),
            ("base_version", "0"),
        ],
        Some(&city),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    let notice = r.body.clone();
    // A message to A's registered 经办人 (the proposal, the case's steps).
    let message: i64 = sqlx::query_scalar(
        "SELECT MAX(m.id) FROM messages m JOIN users u ON u.id = m.user_id WHERE u.login = $1",
    )
    .bind(A)
    .fetch_one(b.state.db.reader())
    .await
    .unwrap();

    (
        callers,
        Objects {
            case: case.to_string(),
            certificate: certificate.to_string(),
            pending_user: pending.to_string(),
            proposal: proposal.to_string(),
            scan,
            phone_request: phone_request.to_string(),
            evidence,
            target_regulator: target,
            member: invited.to_string(),
            notice,
            message: message.to_string(),
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_answers_every_caller_by_its_rule() {
    for b in backends().await {
        let (callers, objects) = setup(&b).await;
        let endpoints = table(&objects);

        // The table covers exactly what the application registers.
        let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
            .map(|(p, _)| p.to_string())
            .chain(
                server::file_routes()
                    .into_iter()
                    .map(|(m, p, _)| format!("{m} {p}")),
            )
            .collect();
        let covered: BTreeSet<String> = endpoints
            .iter()
            .map(|e| {
                if e.route.starts_with("/api/") {
                    e.route.to_string()
                } else {
                    format!("{} {}", e.method, e.route)
                }
            })
            .collect();
        let missing: Vec<_> = registered.difference(&covered).collect();
        let stale: Vec<_> = covered.difference(&registered).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "endpoints without a rule in the matrix: {missing:?}; rules for endpoints that do not exist: {stale:?}"
        );

        let mut wrong = vec![];
        for e in &endpoints {
            // Callers who must be refused go first, so that a state change
            // by an allowed caller can never hide a missing check.
            let mut order: Vec<&(Who, Option<String>)> = callers.iter().collect();
            order.sort_by_key(|(who, _)| e.rule.admits(*who));
            for (who, cookie) in order {
                let r = send(&b.router, request(e, cookie.as_deref())).await;
                let expected_refusal = !e.rule.admits(*who);
                if refused(e, r.status) != expected_refusal
                    || r.status == StatusCode::INTERNAL_SERVER_ERROR
                {
                    wrong.push(format!(
                        "{} {} as {who:?}: {} (expected {}) {}",
                        e.method,
                        e.path,
                        r.status,
                        if expected_refusal {
                            "refused"
                        } else {
                            "allowed"
                        },
                        r.body.chars().take(160).collect::<String>()
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{}:\n{}", b.name, wrong.join("\n"));
        assert_eq!(EVERYONE.len(), callers.len());
    }
}
