//! Configuration from the environment (and an optional `.env`).
//!
//! Every value has a development default except where production must choose:
//! in production `PUBLIC_BASE_URL`, `SMS_GATEWAY` and `REGISTRY` are required, so a
//! forgotten setting stops the server at boot with a clear message.

use std::fmt;

/// Where the server runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone)]
pub struct Config {
    pub environment: Environment,
    /// The one canonical origin all links and redirects are built from (no trailing slash).
    pub public_base_url: String,
    pub database_url: String,
    pub log_filter: String,
    pub service_phone: String,
    pub service_hours: String,
    /// argon2id parameters (memory KiB, iterations, parallelism).
    pub argon2: (u32, u32, u32),
    pub sms: SmsConfig,
    pub registry: RegistryConfig,
    /// Where licence scans are stored (`UPLOAD_DIR`, default `data/uploads`).
    pub upload_dir: std::path::PathBuf,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`, comma-separated addresses).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How long a confirmed phone change waits for the phone on file to object (`PHONE_CHANGE_DELAY_HOURS`, default 24).
    pub phone_change_delay_secs: i64,
}

/// Which enterprise-credit registry verifies registrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryConfig {
    /// The `registry_entries` table, loaded from CSV.
    Builtin { timeout_ms: u64 },
    /// An online registry: JSON POST to `url`.
    Http {
        url: String,
        token: Option<String>,
        timeout_ms: u64,
    },
}

/// Which SMS gateway sends messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsConfig {
    /// Development and tests: records messages (see `/dev/sms`), sends nothing.
    Builtin,
    /// The real gateway: JSON POST to `url`.
    Http {
        url: String,
        token: Option<String>,
        timeout_ms: u64,
    },
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("environment", &self.environment)
            .field("public_base_url", &self.public_base_url)
            .field("database_url", &redact_url(&self.database_url))
            .field("log_filter", &self.log_filter)
            .field(
                "sms",
                &matches!(self.sms, SmsConfig::Http { .. })
                    .then_some("http")
                    .unwrap_or("builtin"),
            )
            .finish()
    }
}

/// The database URL without its password, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

/// A configuration problem, reported at boot as one line per problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Reads the configuration through `get` (the process environment in `main`).
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
        site_addr: &str,
    ) -> Result<Config, ConfigError> {
        let var = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let environment = match var("APP_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(ConfigError(format!(
                    "APP_ENV must be 'development' or 'production', not '{other}'"
                )))
            }
        };
        let prod = environment == Environment::Production;
        let public_base_url =
            match var("PUBLIC_BASE_URL") {
                Some(url) => url.trim_end_matches('/').to_string(),
                None if prod => return Err(ConfigError(
                    "PUBLIC_BASE_URL is required in production (e.g. https://whp.example.gov.cn)"
                        .into(),
                )),
                None => format!("http://{site_addr}"),
            };
        let host = public_base_url
            .strip_prefix("https://")
            .or_else(|| public_base_url.strip_prefix("http://"));
        if !matches!(host, Some(h) if !h.is_empty() && !h.contains('/')) {
            return Err(ConfigError(format!(
                "PUBLIC_BASE_URL must be an origin such as https://host[:port], not '{public_base_url}'"
            )));
        }
        let database_url = var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/whp.db".into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError(format!(
                "DATABASE_URL must start with sqlite: or postgres://, not '{}'",
                redact_url(&database_url)
            )));
        }
        let num = |k: &str, default: u32| -> Result<u32, ConfigError> {
            match var(k) {
                None => Ok(default),
                Some(v) => v
                    .parse()
                    .map_err(|_| ConfigError(format!("{k} must be a whole number, not '{v}'"))),
            }
        };
        let argon2 = (
            num("ARGON2_MEMORY_KIB", 19_456)?,
            num("ARGON2_ITERATIONS", 2)?,
            num("ARGON2_PARALLELISM", 1)?,
        );
        if prod && argon2.0 < 19_456 {
            return Err(ConfigError(
                "ARGON2_MEMORY_KIB below 19456 is not allowed in production".into(),
            ));
        }
        let sms = match var("SMS_GATEWAY").as_deref() {
            Some("http") => SmsConfig::Http {
                url: var("SMS_GATEWAY_URL").ok_or_else(|| {
                    ConfigError("SMS_GATEWAY=http needs SMS_GATEWAY_URL".into())
                })?,
                token: var("SMS_GATEWAY_TOKEN"),
                timeout_ms: u64::from(num("SMS_TIMEOUT_MS", 5_000)?),
            },
            None | Some("builtin") if prod => {
                return Err(ConfigError(
                    "SMS_GATEWAY must be 'http' in production: the built-in gateway only records messages".into(),
                ))
            }
            None | Some("builtin") => SmsConfig::Builtin,
            Some(other) => {
                return Err(ConfigError(format!(
                    "SMS_GATEWAY must be 'builtin' or 'http', not '{other}'"
                )))
            }
        };
        let registry_timeout = u64::from(num("REGISTRY_TIMEOUT_MS", 5_000)?);
        let registry = match var("REGISTRY").as_deref() {
            Some("http") => RegistryConfig::Http {
                url: var("REGISTRY_URL")
                    .ok_or_else(|| ConfigError("REGISTRY=http needs REGISTRY_URL".into()))?,
                token: var("REGISTRY_TOKEN"),
                timeout_ms: registry_timeout,
            },
            Some("builtin") => RegistryConfig::Builtin { timeout_ms: registry_timeout },
            None if prod => {
                return Err(ConfigError(
                    "REGISTRY must be set in production: 'http' (online registry) or 'builtin' (CSV-loaded table)".into(),
                ))
            }
            None => RegistryConfig::Builtin { timeout_ms: registry_timeout },
            Some(other) => {
                return Err(ConfigError(format!("REGISTRY must be 'builtin' or 'http', not '{other}'")))
            }
        };
        let mut trusted_proxies = vec![];
        for p in var("TRUSTED_PROXIES").unwrap_or_default().split(',') {
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            trusted_proxies.push(p.parse().map_err(|_| {
                ConfigError(format!(
                    "TRUSTED_PROXIES must list IP addresses separated by commas, and '{p}' is not one"
                ))
            })?);
        }
        let phone_change_delay_secs = i64::from(num("PHONE_CHANGE_DELAY_HOURS", 24)?) * 3600;
        Ok(Config {
            trusted_proxies,
            phone_change_delay_secs,
            registry,
            sms,
            environment,
            public_base_url,
            database_url,
            log_filter: var("LOG_LEVEL")
                .or_else(|| var("RUST_LOG"))
                .unwrap_or_else(|| "info".into()),
            service_phone: var("SERVICE_PHONE").unwrap_or_else(|| "400-9659818".into()),
            service_hours: var("SERVICE_HOURS").unwrap_or_else(|| "工作日 9:00–17:00".into()),
            argon2,
            upload_dir: var("UPLOAD_DIR")
                .unwrap_or_else(|| "data/uploads".into())
                .into(),
        })
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned(), "127.0.0.1:3000")
    }

    #[test]
    fn development_defaults() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.public_base_url, "http://127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/whp.db");
        assert!(!c.is_production());
    }

    #[test]
    fn production_requires_settings() {
        let e = cfg(&[("APP_ENV", "production")]).unwrap_err();
        assert!(e.0.contains("PUBLIC_BASE_URL"));
        let e = cfg(&[
            ("APP_ENV", "production"),
            ("PUBLIC_BASE_URL", "https://whp.example.cn/"),
        ])
        .unwrap_err();
        assert!(
            e.0.contains("SMS_GATEWAY must be 'http' in production"),
            "{e}"
        );
        let e = cfg(&[
            ("APP_ENV", "production"),
            ("PUBLIC_BASE_URL", "https://whp.example.cn/"),
            ("SMS_GATEWAY", "http"),
            ("SMS_GATEWAY_URL", "https://sms.example.cn/send"),
        ])
        .unwrap_err();
        assert!(e.0.contains("REGISTRY must be set in production"), "{e}");
        let ok = cfg(&[
            ("APP_ENV", "production"),
            ("PUBLIC_BASE_URL", "https://whp.example.cn/"),
            ("SMS_GATEWAY", "http"),
            ("SMS_GATEWAY_URL", "https://sms.example.cn/send"),
            ("REGISTRY", "http"),
            ("REGISTRY_URL", "https://registry.example.cn/verify"),
        ])
        .unwrap();
        assert!(matches!(
            ok.sms,
            SmsConfig::Http {
                timeout_ms: 5_000,
                ..
            }
        ));
        assert_eq!(ok.public_base_url, "https://whp.example.cn");
    }

    #[test]
    fn bad_values_are_named() {
        assert!(cfg(&[("APP_ENV", "staging")])
            .unwrap_err()
            .0
            .contains("APP_ENV"));
        assert!(cfg(&[("DATABASE_URL", "mysql://x")])
            .unwrap_err()
            .0
            .contains("DATABASE_URL"));
        assert!(cfg(&[("TRUSTED_PROXIES", "10.0.0.1, proxy.local")])
            .unwrap_err()
            .0
            .contains("'proxy.local'"));
        assert_eq!(
            cfg(&[("TRUSTED_PROXIES", "10.0.0.1, ::1")])
                .unwrap()
                .trusted_proxies
                .len(),
            2
        );
        assert!(cfg(&[("ARGON2_ITERATIONS", "two")])
            .unwrap_err()
            .0
            .contains("ARGON2_ITERATIONS"));
        assert!(cfg(&[("PUBLIC_BASE_URL", "whp.example.cn")])
            .unwrap_err()
            .0
            .contains("PUBLIC_BASE_URL"));
    }

    #[test]
    fn secrets_are_not_printed() {
        let c = cfg(&[("DATABASE_URL", "postgres://app:s3cret@db/whp")]).unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("postgres://app:***@db/whp"), "{shown}");
    }
}
