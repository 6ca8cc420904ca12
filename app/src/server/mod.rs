//! Server-only code (feature `ssr`): configuration, database, password
//! hashing and the repositories. Never compiled into the wasm bundle.

pub mod account;
pub mod admin;
pub mod audit;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod enterprise_info;
pub mod export;
pub mod external;
pub mod files;
pub mod guard;
pub mod help;
pub mod http;
pub mod kept_text;
pub mod licence_case;
pub mod limits;
pub mod messages;
pub mod notice;
pub mod password;
pub mod phone;
pub mod publicity;
pub mod query;
pub mod regions;
pub mod registration;
pub mod registry;
pub mod reminders;
pub mod report;
pub mod search;
pub mod seed;
pub mod session;
pub mod sms;
pub mod sms_code;
pub mod state;
pub mod team;
pub mod totp;

pub use state::AppState;

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The working-day calendar from `data/holidays.csv` (compiled in; a unit
/// test proves it parses, so the fallback to Monday–Friday never happens).
pub fn calendar() -> &'static crate::domain::calendar::Calendar {
    use crate::domain::calendar::Calendar;
    static CAL: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
    CAL.get_or_init(|| {
        Calendar::parse_csv(include_str!("../../../data/holidays.csv")).unwrap_or_else(|e| {
            tracing::error!("data/holidays.csv: {e}; counting Monday to Friday only");
            Calendar::default()
        })
    })
}

/// Today's date in China Standard Time (UTC+8), for rules such as "a birth date not in the future".
pub fn today() -> crate::domain::Date {
    crate::domain::Date::from_days_since_epoch((now() + 8 * 3600).div_euclid(86_400))
}

/// "HH:MM" of a Unix time in China Standard Time.
pub fn cst_clock(unix: i64) -> String {
    let secs = (unix + 8 * 3600).rem_euclid(86_400);
    format!("{:02}:{:02}", secs / 3600, secs / 60 % 60)
}

/// "YYYY-MM-DD HH:MM" of a Unix time in China Standard Time.
pub fn cst_datetime(unix: i64) -> String {
    let day = crate::domain::Date::from_days_since_epoch((unix + 8 * 3600).div_euclid(86_400));
    format!("{day} {}", cst_clock(unix))
}

/// A random token of 256 bits, URL-safe hex.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
