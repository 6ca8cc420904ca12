//! Benchmark baseline: a bare axum handler returning fixed bytes (the home
//! page as the real server rendered it), so `scripts/bench` can report the
//! cost of server-side rendering as a ratio measured in the same run.
//!
//! Usage: bare_axum ADDR FILE

use std::process::ExitCode;

use axum::http::header;
use axum::routing::get;
use axum::Router;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(addr), Some(file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: bare_axum ADDR FILE");
        return ExitCode::from(2);
    };
    let body = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result: Result<(), std::io::Error> = runtime.block_on(async {
        let app = Router::new().route(
            "/",
            get(move || {
                let body = body.clone();
                async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body) }
            }),
        );
        let listener = tokio::net::TcpListener::bind(addr.as_str()).await?;
        axum::serve(listener, app).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
