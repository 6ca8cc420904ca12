//! The HTTP side of the adapters to external government services (the
//! enterprise-credit registry, the SMS gateway): a JSON POST with a bearer
//! token and one time-out for connecting and answering.

use std::time::Duration;

/// Why an external service gave no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum ExternalError {
    #[error("the service did not answer in time")]
    Timeout,
    #[error("{0}")]
    Unavailable(String),
}

/// The built-in stand-in of a service, for development and tests: it
/// answers after `latency`; a simulated time-out takes `timeout`.
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    pub latency: Duration,
    pub timeout: Duration,
}

/// A service's HTTP endpoint: a client with the time-out, the URL and the
/// bearer token.
#[derive(Clone, Debug)]
pub struct Endpoint {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
}

impl Endpoint {
    pub fn new(url: String, token: Option<String>, timeout: Duration) -> Result<Endpoint, String> {
        Ok(Endpoint {
            client: client(timeout)?,
            url,
            token,
        })
    }

    /// POSTs `body` as JSON and decodes the reply (see [`post_json`]).
    pub async fn post<B: serde::Serialize, R: serde::de::DeserializeOwned>(
        &self,
        body: &B,
    ) -> Result<R, ExternalError> {
        post_json(&self.client, &self.url, self.token.as_deref(), body).await
    }
}

/// A client whose every request gives up after `timeout`.
pub fn client(timeout: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .build()
        .map_err(|e| format!("cannot build an HTTP client: {e}"))
}

/// POSTs `body` as JSON and decodes the JSON reply; a non-2xx status, an
/// unreadable reply and a time-out are errors.
pub async fn post_json<B: serde::Serialize, R: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: &B,
) -> Result<R, ExternalError> {
    let kind = |e: reqwest::Error, what: &str| {
        if e.is_timeout() {
            ExternalError::Timeout
        } else {
            ExternalError::Unavailable(format!("{what}: {e}"))
        }
    };
    let mut req = client.post(url).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req
        .send()
        .await
        .map_err(|e| kind(e, "cannot reach the service"))?;
    if !res.status().is_success() {
        return Err(ExternalError::Unavailable(format!("HTTP {}", res.status())));
    }
    res.json().await.map_err(|e| kind(e, "malformed reply"))
}
