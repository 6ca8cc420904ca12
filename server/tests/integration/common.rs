//! Test support: the real router and database on each engine.
//!
//! Every test gets fresh databases: a SQLite file in a temp directory, and,
//! when `WHP_TEST_PG_URL` names a PostgreSQL server (scripts/test starts one),
//! a new database created on it. With `WHP_REQUIRE_PG=1` a missing server fails.

use app::api::admin::RegulatorRow;
use app::api::auth::UserView;
use app::api::registration::RegistrationView;
use app::domain::{AccountStatus, Message};
use app::error::AppError;
use app::server::config::Config;
use app::server::AppState;
use axum::body::Body;
use axum::http::{header, request, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct Backend {
    pub name: &'static str,
    pub state: AppState,
    pub router: Router,
    _dir: Option<tempfile::TempDir>,
}

fn config(database_url: String) -> Config {
    let mut c = Config::from_lookup(|_| None, "127.0.0.1:3000").expect("default config");
    c.database_url = database_url;
    // Cheap hashing for tests; one unit test in app keeps the production parameters.
    c.argon2 = (1024, 1, 1);
    // A registry told to hang gives up quickly in tests.
    c.registry = app::server::config::RegistryConfig::Builtin { timeout_ms: 300 };
    c.upload_dir = std::env::temp_dir().join(format!(
        "whp-uploads-{}",
        &app::server::random_token()[..12]
    ));
    c
}

async fn backend(name: &'static str, url: String, dir: Option<tempfile::TempDir>) -> Backend {
    let options = leptos::config::LeptosOptions::builder()
        .output_name("whp")
        .build();
    let state = server::build_state(config(url), options)
        .await
        .expect("state");
    let router = server::router(state.clone());
    Backend {
        name,
        state,
        router,
        _dir: dir,
    }
}

/// Fresh SQLite and (when available) PostgreSQL backends.
pub async fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("test.db");
    let mut all = vec![backend("sqlite", format!("sqlite://{}", file.display()), Some(dir)).await];
    match std::env::var("WHP_TEST_PG_URL") {
        Ok(admin) => {
            let name = format!("whp_test_{}", &app::server::random_token()[..16]);
            let url = app::server::db::create_postgres_database(&admin, &name)
                .await
                .expect("a new database on the PostgreSQL test server");
            all.push(backend("postgres", url, None).await);
        }
        Err(_) if std::env::var("WHP_REQUIRE_PG").as_deref() == Ok("1") => {
            panic!("WHP_REQUIRE_PG=1 but WHP_TEST_PG_URL is not set")
        }
        Err(_) => eprintln!("note: WHP_TEST_PG_URL not set, testing SQLite only"),
    }
    all
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    /// The body as one of the app's own types (what its browser side reads).
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not a {} ({e}): {}", std::any::type_name::<T>(), self.body))
    }

    /// The message a `Validation` answer puts at `field` ("" for none, or
    /// for any other answer).
    pub fn validation_error(&self, field: &str) -> String {
        match self.decode() {
            AppError::Validation(errors) => errors.get(field).unwrap_or_default().to_string(),
            _ => String::new(),
        }
    }

    /// A refusal at a field (`AppError::Conflict`), as (field, message);
    /// any other answer fails the test, showing it.
    pub fn conflict(&self) -> (String, String) {
        match self.decode() {
            AppError::Conflict { field, message } => (field, message.text),
            other => panic!("not a Conflict but {other:?}: {}", self.body),
        }
    }

    /// A string answer (the message a server function returns).
    pub fn text(&self) -> String {
        self.decode()
    }

    /// The message an answer puts at `field` (a `Validation` or a `Conflict`
    /// there), with its help article; any other answer fails the test.
    pub fn message_at(&self, field: &str) -> Message {
        match self.decode() {
            AppError::Validation(f) if f.message(field).is_some() => f
                .message(field)
                .cloned()
                .unwrap_or_else(|| Message::from("")),
            AppError::Conflict { field: at, message } if at == field => message,
            other => panic!("no message at {field} but {other:?}: {}", self.body),
        }
    }

    /// The `name=value` of the first Set-Cookie header.
    pub fn cookie(&self) -> Option<String> {
        self.headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_string)
    }

    /// The whole Set-Cookie header that starts with `prefix` (`name=`).
    pub fn set_cookie(&self, prefix: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(prefix))
            .map(str::to_string)
    }

    /// Where a redirect sends the browser ("" for no redirect).
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// The `name=value` of the first cookie `r` sets, which must be the cookie
/// `name`, out of reach of scripts (HttpOnly) and of other sites' posts
/// (SameSite=Lax); `what` names it when there is none.
pub fn guarded_cookie(r: &Reply, name: &str, what: &str) -> String {
    let cookie = r.cookie().expect(what);
    let prefix = format!("{name}=");
    assert!(cookie.starts_with(&prefix), "{cookie}");
    let set = r.set_cookie(&prefix).unwrap_or_default();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    cookie
}

/// Fails unless `r` has `status`, showing `what` (the backend, the case)
/// and the answer.
#[track_caller]
pub fn expect_status(r: &Reply, status: StatusCode, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
}

/// Fails unless the change `r` answers went through: a success, or the
/// redirect a page's form gets.
#[track_caller]
pub fn expect_done(b: &Backend, r: &Reply) {
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}: {}",
        b.name,
        r.body
    );
}

/// The account status a registration's last step answers with (none:
/// the registration is not finished).
pub fn registered_as(r: &Reply) -> Option<AccountStatus> {
    r.decode::<RegistrationView>().submitted.map(|s| s.status)
}

/// A manual-review registration of `code` (in 南京市玄武区), waiting for a
/// reviewer: its user id.
pub async fn pending_registration(b: &Backend, code: &str) -> i64 {
    let r = register_with(b, code, "Safe-Pass-2026", &[("manual_review", "1")]).await;
    assert_eq!(
        registered_as(&r),
        Some(AccountStatus::PendingReview),
        "{}: {}",
        b.name,
        r.body
    );
    user_id(b, code).await
}

/// The id of the account `login`.
pub async fn user_id(b: &Backend, login: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
        .bind(login)
        .fetch_one(b.state.db.reader())
        .await
        .unwrap_or_else(|e| panic!("{}: no account {login}: {e}", b.name))
}

/// The number a one-number query (a `COUNT(*)`, say) answers, with
/// `binds` for its `$1`, `$2`, ….
pub async fn scalar(b: &Backend, sql: &str, binds: &[&str]) -> i64 {
    let mut query = sqlx::query_scalar::<sqlx::Any, i64>(sql);
    for v in binds {
        query = query.bind(*v);
    }
    query
        .fetch_one(b.state.db.reader())
        .await
        .unwrap_or_else(|e| panic!("{}: {sql}: {e}", b.name))
}

/// An active account (login: the credit code) held by `holder` for each
/// enterprise whose credit code is like `codes`.
pub async fn open_accounts(b: &Backend, codes: &str, holder: &str) {
    sqlx::query(
        "INSERT INTO users (kind, login, display_name, enterprise_id, password_hash, status, created_at) \
         SELECT 'enterprise', credit_code, $2, id, 'x', 'active', 0 FROM enterprises WHERE credit_code LIKE $1",
    )
    .bind(codes)
    .bind(holder)
    .execute(b.state.db.writer())
    .await
    .unwrap_or_else(|e| panic!("{}: accounts for {codes}: {e}", b.name));
}

/// Runs the statement `sql` on the writer, with `binds` (numbers: ids,
/// times) for its `$1`, `$2`, ….
pub async fn exec(b: &Backend, sql: &str, binds: &[i64]) {
    let mut query = sqlx::query::<sqlx::Any>(sql);
    for v in binds {
        query = query.bind(*v);
    }
    query
        .execute(b.state.db.writer())
        .await
        .unwrap_or_else(|e| panic!("{}: {sql}: {e}", b.name));
}

/// How many accounts have the login `login` (0 or 1).
pub async fn accounts_named(b: &Backend, login: &str) -> i64 {
    scalar(b, "SELECT COUNT(*) FROM users WHERE login = $1", &[login]).await
}

/// The configured origin of the test servers: every POST of a page comes from it.
pub const ORIGIN: &str = "http://127.0.0.1:3000";

/// Serves `app` on a free port of this machine: the address of `path` there
/// (a stand-in for an outside service).
pub async fn serve_locally(app: Router, path: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("its address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}{path}")
}

/// Sends one request through the real router, no network.
/// A request that takes longer than a minute fails its test, naming itself
/// (a hang must never eat the suite's time budget).
pub async fn send(router: &Router, req: Request<Body>) -> Reply {
    let what = format!("{} {}", req.method(), req.uri());
    let answer = async {
        let res = router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        (status, headers, bytes)
    };
    let (status, headers, bytes) = tokio::time::timeout(std::time::Duration::from_secs(60), answer)
        .await
        .unwrap_or_else(|_| panic!("no complete answer to {what} within 60 s"));
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// `fields` as an `application/x-www-form-urlencoded` body.
fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A POST from a page of this system of a `content_type` body, accepting
/// `accept`, with the `cookie` (a session, perhaps more) if any.
fn post_request(
    path: &str,
    content_type: &str,
    accept: &str,
    cookie: Option<&str>,
) -> request::Builder {
    let req = Request::post(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT, accept);
    match cookie {
        Some(c) => req.header(header::COOKIE, c),
        None => req,
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

/// Sends the request `req` makes with `body`.
async fn send_body(router: &Router, req: request::Builder, body: String) -> Reply {
    send(router, req.body(Body::from(body)).expect("request")).await
}

/// POSTs a form to a server function, as the browser's fetch does.
pub async fn post_form(
    router: &Router,
    path: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> Reply {
    let req = post_request(path, FORM, "application/json", cookie);
    send_body(router, req, form_body(fields)).await
}

/// POSTs a form as a browser without JavaScript does: from the page at
/// `page` (its Referer), accepting HTML.
pub async fn post_page_form(
    router: &Router,
    path: &str,
    page: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> Reply {
    let req = post_request(path, FORM, "text/html,application/xhtml+xml", cookie)
        .header(header::REFERER, format!("{ORIGIN}{page}"));
    send_body(router, req, form_body(fields)).await
}

/// A plain form post from `page` as the holder of `cookie` (owned values,
/// for a test's own `post` shorthand).
pub async fn plain_post(
    b: &Backend,
    path: &str,
    page: &str,
    fields: Vec<(&'static str, String)>,
    cookie: &str,
) -> Reply {
    post_page_form(&b.router, path, page, &as_refs(&fields), Some(cookie)).await
}

/// A [`plain_post`] that goes through: the browser is sent back without
/// an error or a kept text.
pub async fn post_clean(
    b: &Backend,
    path: &str,
    page: &str,
    fields: Vec<(&'static str, String)>,
    cookie: &str,
) {
    let r = plain_post(b, path, page, fields, cookie).await;
    let back = r.location();
    assert!(
        !back.contains("__err=") && !back.contains("kept="),
        "{}: {back}",
        b.name
    );
}

/// POSTs a JSON body to a server function that takes JSON input.
pub async fn post_json(
    router: &Router,
    path: &str,
    body: &serde_json::Value,
    cookie: Option<&str>,
) -> Reply {
    let req = post_request(path, "application/json", "application/json", cookie);
    send_body(router, req, body.to_string()).await
}

pub use app::url::urlencode;

pub fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, "127.0.0.1:3000")
        .body(Body::empty())
        .expect("request")
}

/// A GET with the given cookies (a session, perhaps more).
pub fn get_as(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request")
}

/// `n` requests at once, each the one `request` makes with a clone of the
/// router: their answers.
pub async fn at_once<F, Fut>(b: &Backend, n: usize, request: F) -> Vec<Reply>
where
    F: Fn(Router) -> Fut,
    Fut: std::future::Future<Output = Reply> + Send + 'static,
{
    let tasks: Vec<_> = (0..n)
        .map(|_| tokio::spawn(request(b.router.clone())))
        .collect();
    let mut answers = Vec::with_capacity(n);
    for t in tasks {
        answers.push(t.await.expect("a request task"));
    }
    answers
}

/// The page at `path` as the holder of `cookie` sees it (it must load).
pub async fn page(b: &Backend, path: &str, cookie: &str) -> String {
    let r = send(&b.router, get_as(path, cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {path}: {}", b.name, r.body);
    r.body
}

/// The page that the plain post answered by `r` sends the browser back to,
/// as the holder of `cookie` sees it.
pub async fn page_back(b: &Backend, r: &Reply, cookie: &str) -> String {
    let back = r.headers[header::LOCATION].to_str().unwrap_or_default();
    page(b, back.trim_start_matches(ORIGIN), cookie).await
}

/// Fails unless the plain post answered by `r` sends the browser back to
/// `path` (server functions leave an empty query behind).
#[track_caller]
pub fn expect_back_to(b: &Backend, r: &Reply, path: &str) {
    let back = r.headers[header::LOCATION].to_str().unwrap_or_default();
    assert_eq!(
        back.trim_end_matches('?'),
        format!("{ORIGIN}{path}"),
        "{}",
        b.name
    );
}

/// The page that the refused plain post answered by `r` sends the browser
/// back to (its address carries the error), as `cookie`'s holder sees it.
pub async fn page_back_refused(b: &Backend, r: &Reply, cookie: &str) -> String {
    let back = r.location();
    assert!(back.contains("__err="), "{}: {back}", b.name);
    page_back(b, r, cookie).await
}

/// The start of the message a page shows under the field `id`: `text`
/// (empty: any message).
pub fn field_message(id: &str, text: &str) -> String {
    format!(r#"<p id="{id}-msg" role="alert" class="field-error">{text}"#)
}

/// The confirmation cookie a reply set, as `name=value` to send along
/// (the page loaded next shows it).
pub fn flash_pair(r: &Reply) -> String {
    let cookie = r.set_cookie("whp_flash=").expect("a confirmation");
    cookie.split(';').next().unwrap_or_default().to_string()
}

/// A valid enterprise (91) credit code that no demo data uses.
pub fn fresh_code() -> String {
    let digits: String = app::server::random_token()
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(8)
        .collect();
    let digits = format!("{digits:0<8}");
    app::domain::credit_code::enterprise_code("320102", &digits).expect("8 digits")
}

pub const GOOD_ID: &str = "11010519491231002X";

pub fn org_fields(code: &str) -> Vec<(&'static str, String)> {
    vec![
        ("legal_type", "enterprise".into()),
        ("credit_code", code.into()),
        ("enterprise_name", "南京集成测试化工有限公司".into()),
        ("legal_rep_name", "王五".into()),
        ("id_doc_type", "resident_id".into()),
        ("id_doc_number", GOOD_ID.into()),
        ("address", "南京市玄武区北京东路1号".into()),
        ("region_province", "320000".into()),
        ("region_city", "320100".into()),
        ("region_county", "320102".into()),
        ("established", "2015-06-01".into()),
    ]
}

pub fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Puts `code` in the built-in registry with the data of `org_fields`.
pub async fn add_registry_entry(b: &Backend, code: &str, simulate: &str) {
    sqlx::query(
        "INSERT INTO registry_entries (credit_code, name, legal_rep_name, id_number, simulate, imported_at) VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (credit_code) DO NOTHING",
    )
    .bind(code)
    .bind("南京集成测试化工有限公司")
    .bind("王五")
    .bind(GOOD_ID)
    .bind(simulate)
    .execute(b.state.db.writer())
    .await
    .expect("registry entry");
}

/// How many SMS the built-in gateway sent to `mobile`.
pub async fn sms_sent_to(b: &Backend, mobile: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM sms_messages WHERE mobile = $1";
    scalar(b, sql, &[mobile]).await
}

/// The newest SMS the built-in gateway sent to `mobile`.
pub async fn last_sms(b: &Backend, mobile: &str) -> String {
    sqlx::query_scalar("SELECT body FROM sms_messages WHERE mobile = $1 ORDER BY id DESC LIMIT 1")
        .bind(mobile)
        .fetch_one(b.state.db.reader())
        .await
        .unwrap_or_else(|e| panic!("{}: no SMS to {mobile}: {e}", b.name))
}

/// The newest code the built-in SMS gateway sent to `mobile`.
pub async fn last_sms_code(b: &Backend, mobile: &str) -> String {
    let body = last_sms(b, mobile).await;
    body.chars().filter(char::is_ascii_digit).take(6).collect()
}

/// A fresh credit code that the built-in registry knows (`simulate` as for
/// `add_registry_entry`).
pub async fn known_code(b: &Backend, simulate: &str) -> String {
    let code = fresh_code();
    add_registry_entry(b, &code, simulate).await;
    code
}

/// The handler's mobile of the registrations the tests make.
pub const HANDLER_MOBILE: &str = "13912345678";

/// Registration's step 1 for `code` (with the `extra` fields, e.g. manual
/// review), then the SMS code sent to `HANDLER_MOBILE`: (the draft
/// cookie, the code).
pub async fn registration_sms(
    b: &Backend,
    code: &str,
    extra: &[(&'static str, &str)],
) -> (String, String) {
    let org = org_fields(code);
    let mut fields = as_refs(&org);
    fields.extend_from_slice(extra);
    let r = post_form(&b.router, "/api/register/org", &fields, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    let cookie = r.cookie().expect("cookie");
    let mobile = [("handler_mobile", HANDLER_MOBILE)];
    let sent = post_form(&b.router, "/api/register/code", &mobile, Some(&cookie)).await;
    assert_eq!(sent.status, StatusCode::OK, "{}: {}", b.name, sent.body);
    (cookie, last_sms_code(b, HANDLER_MOBILE).await)
}

/// Runs both registration steps (step 1 as `extra` says, e.g. manual review);
/// returns step 2's reply.
pub async fn register_with(
    b: &Backend,
    code: &str,
    password: &str,
    extra: &[(&'static str, &str)],
) -> Reply {
    let (cookie, sms) = registration_sms(b, code, extra).await;
    let fields = [
        ("handler_name", "赵六"),
        ("handler_mobile", "+86 139 1234 5678"),
        ("sms_code", sms.as_str()),
        ("password", password),
        ("password_confirm", password),
    ];
    post_form(&b.router, "/api/register/account", &fields, Some(&cookie)).await
}

/// A current second-factor code of a demo regulator or administrator. Each
/// time step is accepted once per account and tests log in as one account
/// many times within 30 seconds, so the account's last used step is cleared.
pub async fn demo_totp(b: &Backend, login: &str) -> String {
    sqlx::query("UPDATE users SET totp_last_step = 0 WHERE login = $1")
        .bind(login)
        .execute(b.state.db.writer())
        .await
        .expect("reset the TOTP step");
    app::server::totp::code_at(app::server::seed::DEMO_TOTP_SECRET, app::server::now())
        .expect("a code")
}

/// Every backend with the demo data.
pub async fn seeded() -> Vec<Backend> {
    let all = backends().await;
    for b in &all {
        app::server::seed::seed_demo(&b.state.db, &b.state.hasher, app::server::now())
            .await
            .expect("demo data");
    }
    all
}

/// Posts the login form with `tab`, `account`, `password` and exactly the
/// `extra` fields (no second factor added).
pub async fn login_with(
    b: &Backend,
    tab: &str,
    account: &str,
    password: &str,
    extra: &[(&str, &str)],
) -> Reply {
    let mut fields = vec![("tab", tab), ("account", account), ("password", password)];
    fields.extend_from_slice(extra);
    post_form(&b.router, "/api/auth/login", &fields, None).await
}

/// Five wrong passwords in a row: the account is locked.
pub async fn lock_out(b: &Backend, tab: &str, account: &str) {
    for _ in 0..5 {
        login(b, tab, account, "Wrong-Pass-1").await;
    }
}

/// Posts a login (with the demo second factor on the regulator tab) and returns the reply.
pub async fn login(b: &Backend, tab: &str, account: &str, password: &str) -> Reply {
    let totp = if tab == "regulator" {
        demo_totp(b, account).await
    } else {
        String::new()
    };
    login_with(b, tab, account, password, &[("totp", &totp)]).await
}

/// The session cookie a successful login `r` of `who` set.
fn session_of(b: &Backend, r: &Reply, who: &str) -> String {
    r.cookie()
        .unwrap_or_else(|| panic!("{}: login of {who} failed: {}", b.name, r.body))
}

/// Logs in (with the demo second factor on the regulator tab) and returns the session cookie.
pub async fn login_cookie(b: &Backend, tab: &str, account: &str, password: &str) -> String {
    session_of(b, &login(b, tab, account, password).await, account)
}

/// Who `cookie`'s holder is (none: not logged in).
pub async fn me(b: &Backend, cookie: &str) -> Option<UserView> {
    post_form(&b.router, "/api/auth/me", &[], Some(cookie))
        .await
        .decode()
}

/// Asks `path` (/api/recovery/send, /api/auth/unlock-code) for a code to
/// the phone on file of `account`.
pub async fn ask_code(b: &Backend, path: &str, account: &str) -> Reply {
    post_form(&b.router, path, &[("account", account)], None).await
}

/// The audit rows of `action`, oldest first: (actor, summary, changes JSON).
pub async fn audit_rows(b: &Backend, action: &str) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT actor, summary, changes FROM audit_log WHERE action = $1 ORDER BY id")
        .bind(action)
        .fetch_all(b.state.db.reader())
        .await
        .expect("audit rows")
}

/// `admin`'s 新增监管用户 of `login`, named `name`, in `county`: the answer.
pub async fn create_regulator(
    b: &Backend,
    admin: &str,
    login: &str,
    name: &str,
    county: &str,
) -> Reply {
    let fields = [
        ("login", login),
        ("display_name", name),
        ("region_county", county),
    ];
    let path = "/api/admin/regulators/create";
    post_form(&b.router, path, &fields, Some(admin)).await
}

/// The initial password that the answer of 新增监管用户 shows.
pub fn initial_password(answer: &str) -> String {
    answer
        .split("初始密码:")
        .nth(1)
        .unwrap_or_else(|| panic!("no initial password in {answer}"))
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '(')
        .collect()
}

/// The regulator `login` in the administrator's (`admin`'s) list.
pub async fn regulator_row(b: &Backend, admin: &str, login: &str) -> RegulatorRow {
    let list: Vec<RegulatorRow> = post_form(&b.router, "/api/admin/regulators", &[], Some(admin))
        .await
        .decode();
    list.into_iter()
        .find(|r| r.login == login)
        .unwrap_or_else(|| panic!("{}: no regulator {login}", b.name))
}

/// How many audit rows of `action` there are.
pub async fn audit_count(b: &Backend, action: &str) -> usize {
    audit_rows(b, action).await.len()
}

/// A regulator of `county`, created by the administrator through the API and
/// brought past its first-login steps (the demo password and second factor).
pub async fn add_regulator(b: &Backend, admin: &str, login: &str, county: &str) -> i64 {
    let r = create_regulator(b, admin, login, "测试", county).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    let id = user_id(b, login).await;
    let hash = b
        .state
        .hasher
        .hash(app::server::seed::DEMO_PASSWORD.into())
        .await
        .expect("hash");
    sqlx::query(
        "UPDATE users SET password_hash = $2, must_change_password = 0, totp_secret = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(hash)
    .bind(app::server::seed::DEMO_TOTP_SECRET)
    .execute(b.state.db.writer())
    .await
    .expect("past the first login");
    id
}

/// The token of the last invitation or reset link sent to `mobile`.
pub async fn last_link(b: &Backend, mobile: &str) -> String {
    let body: String = sqlx::query_scalar(
        "SELECT body FROM sms_messages WHERE mobile = $1 AND purpose = 'team_link' ORDER BY id DESC LIMIT 1",
    )
    .bind(mobile)
    .fetch_one(b.state.db.reader())
    .await
    .expect("a link was sent");
    let at = body.find("t=").expect("a link in the SMS") + 2;
    body[at..at + 64].to_string()
}

/// A team member's login attempt (credit code + mobile or user name).
pub async fn member_login(b: &Backend, code: &str, member: &str, password: &str) -> Reply {
    login_with(b, "enterprise", code, password, &[("member", member)]).await
}

/// Logs in a team member (credit code + mobile or user name) and returns the cookie.
pub async fn member_cookie(b: &Backend, code: &str, member: &str, password: &str) -> String {
    session_of(b, &member_login(b, code, member, password).await, member)
}

/// `cookie`'s holder invites `name` at `mobile` as `role`.
pub async fn invite(b: &Backend, cookie: &str, name: &str, mobile: &str, role: &str) -> Reply {
    let fields = [("name", name), ("mobile", mobile), ("role", role)];
    post_form(&b.router, "/api/team/invite", &fields, Some(cookie)).await
}

/// Sets `password` through the invitation or reset link `token` (with the
/// `extra` fields, e.g. a user name).
pub async fn accept_link(
    b: &Backend,
    token: &str,
    password: &str,
    extra: &[(&str, &str)],
) -> Reply {
    let mut fields = vec![
        ("t", token),
        ("password", password),
        ("password_confirm", password),
    ];
    fields.extend_from_slice(extra);
    post_form(&b.router, "/api/team/accept", &fields, None).await
}

/// A user of the enterprise of `manager` (whose credit code is `code`),
/// invited through the API, with the demo password set through the SMS
/// link: (user id, session cookie).
pub async fn add_member(
    b: &Backend,
    manager: &str,
    code: &str,
    mobile: &str,
    role: &str,
) -> (i64, String) {
    let r = invite(b, manager, "新同事", mobile, role).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    let token = last_link(b, mobile).await;
    let password = app::server::seed::DEMO_PASSWORD;
    let r = accept_link(b, &token, password, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    let id: i64 = sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN enterprises e ON e.id = u.enterprise_id WHERE e.credit_code = $1 AND u.mobile = $2",
    )
    .bind(code)
    .bind(mobile)
    .fetch_one(b.state.db.reader())
    .await
    .expect("the new member");
    (id, member_cookie(b, code, mobile, password).await)
}
