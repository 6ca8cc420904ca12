//! `server [serve]`, `server migrate`, `server seed-demo`: see `server help`.

use std::process::ExitCode;

use app::server::config::Config;
use leptos::config::get_configuration;

const USAGE: &str = "\
危化品经营安全监管系统 server

USAGE:
    server [serve]      run the web server (default)
    server migrate      create or update the database schema, then exit
    server seed-demo    migrate, add demo data if the database has no users (and the demo registry
                        data/registry-demo.csv if the registry is empty), print the demo logins
    server registry import FILE.csv
                        load enterprise-credit registry entries (header: credit_code,name,
                        legal_rep_name,id_number[,simulate]); all rows or none
    server unlock LOGIN
                        lift the wrong-password lock of a regulator or administrator (audited)
    server audit verify check the audit trail's hash chain; names the first row that was
                        altered or follows a removed row (exit status 1)
    server create-admin LOGIN NAME
                        create an administrator; the password comes from ADMIN_PASSWORD
                        (it must meet the password policy)
    server help         show this text

Configuration comes from the environment (and ./.env): see .env.example.";

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(code)
}

fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if matches!(command, "help" | "--help" | "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if command == "registry"
        && (args.get(1).map(String::as_str) != Some("import") || args.len() != 3)
    {
        return fail(
            2,
            format!("usage: server registry import FILE.csv\n\n{USAGE}"),
        );
    }
    if command == "create-admin" && args.len() != 3 {
        return fail(
            2,
            format!("usage: ADMIN_PASSWORD=… server create-admin LOGIN NAME\n\n{USAGE}"),
        );
    }
    if command == "audit" && (args.get(1).map(String::as_str) != Some("verify") || args.len() != 2)
    {
        return fail(2, format!("usage: server audit verify\n\n{USAGE}"));
    }
    if command == "unlock" && args.len() != 2 {
        return fail(2, format!("usage: server unlock LOGIN\n\n{USAGE}"));
    }
    if !matches!(
        command,
        "serve" | "migrate" | "seed-demo" | "registry" | "create-admin" | "unlock" | "audit"
    ) {
        return fail(2, format!("unknown command '{command}'\n\n{USAGE}"));
    }
    let mut leptos_options = match get_configuration(None) {
        Ok(c) => c.leptos_options,
        Err(e) => return fail(2, format!("configuration error: {e}")),
    };
    if let Ok(addr) = std::env::var("BIND_ADDR") {
        match addr.parse() {
            Ok(a) => leptos_options.site_addr = a,
            Err(_) => return fail(2, format!("configuration error: BIND_ADDR '{addr}' is not an address such as 127.0.0.1:3000")),
        }
    }
    let config = match Config::from_lookup(
        |k| std::env::var(k).ok(),
        &leptos_options.site_addr.to_string(),
    ) {
        Ok(c) => c,
        Err(e) => return fail(2, e),
    };
    if !config.is_production() && !leptos_options.site_addr.ip().is_loopback() {
        return fail(
            2,
            format!(
                "configuration error: development mode listens on loopback only (it shows SMS codes on /dev/sms), not on {}; use BIND_ADDR=127.0.0.1:3000, or APP_ENV=production with its settings",
                leptos_options.site_addr
            ),
        );
    }
    init_tracing(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(1, format!("cannot start the async runtime: {e}")),
    };
    let rest = args.get(1..).unwrap_or(&[]);
    match runtime.block_on(run(command, rest, config, leptos_options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(1, e),
    }
}

fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

async fn run(
    command: &str,
    rest: &[String],
    config: Config,
    leptos_options: leptos::config::LeptosOptions,
) -> Result<(), String> {
    let base_url = config.public_base_url.clone();
    let production = config.is_production();
    let addr = leptos_options.site_addr;
    tracing::info!(?config, "starting");
    let state = server::build_state(config, leptos_options).await?;
    match command {
        "migrate" => {
            println!("database is up to date");
        }
        "registry" => {
            let path = rest.get(1).cloned().unwrap_or_default();
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
            let n = app::server::registry::import_csv(&state.db, &text, app::server::now())
                .await
                .map_err(|problems| {
                    format!("{path}: nothing imported:\n  {}", problems.join("\n  "))
                })?;
            app::server::account::cli_event(
                &state.db,
                "registry import",
                "registry.import",
                &format!("导入企业信用登记数据 {n} 条(文件 {path})"),
                app::server::now(),
            )
            .await;
            println!("imported {n} registry entries from {path}");
        }
        "create-admin" => {
            let [login, name] = rest else {
                return Err("usage: ADMIN_PASSWORD=… server create-admin LOGIN NAME".into());
            };
            let (login, name) = (login.trim(), name.trim());
            let password = std::env::var("ADMIN_PASSWORD").map_err(|_| {
                "set ADMIN_PASSWORD to the new administrator's password".to_string()
            })?;
            app::domain::Password::parse(&password, None)
                .map_err(|e| format!("ADMIN_PASSWORD: {e}"))?;
            if login.is_empty() || name.is_empty() {
                return Err("LOGIN and NAME must not be empty".into());
            }
            let hash = state
                .hasher
                .hash(password)
                .await
                .map_err(|e| e.to_string())?;
            app::server::account::create_admin(&state.db, login, name, &hash, app::server::now())
                .await
                .map_err(|e| match e {
                    app::server::account::CreateAdminError::Taken => {
                        format!("a regulator or administrator '{login}' exists already")
                    }
                    app::server::account::CreateAdminError::Db(e) => e.to_string(),
                })?;
            println!("administrator '{login}' created; log in on the 监管用户登录 tab");
        }
        "unlock" => {
            let login = rest
                .first()
                .map(|l| l.trim().to_string())
                .unwrap_or_default();
            app::server::account::unlock_staff(&state.db, &login, app::server::now())
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no regulator or administrator '{login}'"))?;
            println!("'{login}' is unlocked; they can log in now");
        }
        "audit" => match app::server::audit::verify(&state.db)
            .await
            .map_err(|e| e.to_string())?
        {
            Ok(head) => println!(
                "audit trail intact: {} rows, last row {}, head hash {}",
                head.rows, head.last_id, head.head_hash
            ),
            Err(broken) => {
                return Err(format!(
                    "audit trail broken at row {}: {}",
                    broken.id, broken.reason
                ))
            }
        },
        "seed-demo" if state.config.is_production() => {
            return Err(
                "seed-demo refuses to run in production: its accounts share a published password"
                    .into(),
            );
        }
        "seed-demo" => {
            let seeded = app::server::seed::seed_demo(&state.db, &state.hasher, app::server::now())
                .await
                .map_err(|e| format!("seeding demo data failed: {e}"))?;
            if seeded {
                app::server::seed::seed_demo_cases(&state.db, app::server::now())
                    .await
                    .map_err(|e| format!("seeding demo licence cases failed: {e}"))?;
                app::server::seed::seed_demo_records(&state.db, app::server::now())
                    .await
                    .map_err(|e| format!("seeding demo enterprise records failed: {e}"))?;
                app::server::seed::seed_demo_public(&state.db, app::server::now())
                    .await
                    .map_err(|e| format!("seeding demo notices and 公示 failed: {e}"))?;
                app::server::seed::jurisdiction::seed(&state.db, app::server::now())
                    .await
                    .map_err(|e| format!("seeding the demo jurisdiction failed: {e}"))?;
                // The expiry reminders and digests due today, as the hourly job sends them.
                app::server::reminders::run(
                    &state.db,
                    &state.sms,
                    app::server::today(),
                    app::server::now(),
                )
                .await
                .map_err(|e| format!("sending the demo reminders failed: {e}"))?;
                app::server::account::cli_event(
                    &state.db,
                    "seed-demo",
                    "demo.seed",
                    "添加演示数据(演示账号共用公开密码,仅限开发环境)",
                    app::server::now(),
                )
                .await;
            }
            let demo_registry = std::path::Path::new("data/registry-demo.csv");
            let entries = app::server::registry::count(&state.db)
                .await
                .map_err(|e| e.to_string())?;
            if entries == 0 && demo_registry.exists() {
                let text = std::fs::read_to_string(demo_registry).map_err(|e| e.to_string())?;
                let n = app::server::registry::import_csv(&state.db, &text, app::server::now())
                    .await
                    .map_err(|p| format!("demo registry: {}", p.join("; ")))?;
                app::server::account::cli_event(
                    &state.db,
                    "seed-demo",
                    "registry.import",
                    &format!("导入演示企业信用登记数据 {n} 条"),
                    app::server::now(),
                )
                .await;
                println!(
                    "demo registry: {n} entries from {}",
                    demo_registry.display()
                );
            }
            println!(
                "{}",
                if seeded {
                    "demo data added"
                } else {
                    "demo data already present (database has users)"
                }
            );
            println!(
                "demo logins (password for all: {}):",
                app::server::seed::DEMO_PASSWORD
            );
            for l in app::server::seed::LOGINS {
                println!("  {:<10} {:<20} {} · {}", l.kind, l.login, l.who, l.person);
            }
            let licensed = app::server::seed::licensed_code();
            println!(
                "  {:<10} {:<20} {} · 吴静, 管理员 (holds a licence issued here: try 延期换证, 变更, 注销, 补证)",
                "enterprise",
                licensed,
                app::server::seed::LICENSED.1
            );
            for (_, name, mobile, role) in app::server::seed::LICENSED_TEAM {
                let role = app::domain::team::Role::from_code(role).map_or("", |r| r.label());
                println!(
                    "  {:<10} {:<20} same enterprise · {name}, {role}: 手机号或用户名 {mobile}",
                    "enterprise", licensed
                );
            }
            println!(
                "regulators and the administrator also need a code from an authenticator app with the secret {} (development: /dev/sms shows the current code)",
                app::server::seed::DEMO_TOTP_SECRET
            );
        }
        _ => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            if production {
                tracing::info!("listening on http://{addr} (public URL {base_url})");
            } else {
                tracing::warn!("development mode: listening on loopback only, http://{addr}; SMS codes are shown on /dev/sms (set APP_ENV=production for a real deployment)");
            }
            let db = state.db.clone();
            server::spawn_background_jobs(state.clone());
            axum::serve(
                listener,
                server::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(server::shutdown_signal())
            .await
            .map_err(|e| format!("server error: {e}"))?;
            db.close().await;
        }
    }
    Ok(())
}
