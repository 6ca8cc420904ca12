//! `server [serve]`, `server migrate`, `server seed-demo`: see `server help`.

use std::process::ExitCode;

use app::server::config::Config;
use leptos::config::get_configuration;

const USAGE: &str = "\
危化品经营安全监管系统 server

USAGE:
    server [serve]      run the web server (default)
    server migrate      create or update the database schema, then exit
    server seed-demo    migrate, add demo data if the database has no users, print the demo logins
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
    if !matches!(command, "serve" | "migrate" | "seed-demo") {
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
    init_tracing(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(1, format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(run(command, config, leptos_options)) {
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
    config: Config,
    leptos_options: leptos::config::LeptosOptions,
) -> Result<(), String> {
    let base_url = config.public_base_url.clone();
    let addr = leptos_options.site_addr;
    tracing::info!(?config, "starting");
    let state = server::build_state(config, leptos_options).await?;
    match command {
        "migrate" => {
            println!("database is up to date");
        }
        "seed-demo" => {
            let seeded = app::server::seed::seed_demo(&state.db, &state.hasher, app::server::now())
                .await
                .map_err(|e| format!("seeding demo data failed: {e}"))?;
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
                println!("  {:<10} {:<20} {}", l.kind, l.login, l.who);
            }
        }
        _ => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            tracing::info!("listening on http://{addr} (public URL {base_url})");
            let db = state.db.clone();
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
