//! Request details for server functions: cookies, client address, cookies to set.

use axum::http::{header, HeaderMap, HeaderValue};

use super::AppState;
use crate::domain::kept_text::{KeptForm, KEPT_PARAM};
use crate::error::AppError;

/// The request's headers.
pub async fn headers() -> Result<HeaderMap, AppError> {
    leptos_axum::extract().await.map_err(AppError::log)
}

/// The value of cookie `name`, if it is a 64-digit hex token.
pub fn token_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    cookies(headers)
        .find(|(k, v)| *k == name && v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|(_, v)| v.to_string())
}

/// The request's cookies, as (name, value).
fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
}

/// Adds a `Set-Cookie` for an HttpOnly, SameSite=Lax cookie (Secure in production).
/// `max_age` None makes a browser-session cookie; Some(0) deletes it.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) {
    let secure = if state.config.is_production() {
        "; Secure"
    } else {
        ""
    };
    let age = max_age
        .map(|a| format!("; Max-Age={a}"))
        .unwrap_or_default();
    let cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{age}{secure}");
    if let (Some(opts), Ok(v)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        opts.append_header(header::SET_COOKIE, v);
    }
}

/// The cookie that carries a confirmation to the next page (see [`confirm`]);
/// `__Host-` prefixed in production (Secure, host-only: no sibling host can
/// plant one), as the session cookie is.
fn flash_cookie_name(state: &AppState) -> &'static str {
    if state.config.is_production() {
        "__Host-whp_flash"
    } else {
        "whp_flash"
    }
}

/// The most of a confirmation carried (a cookie holds about 4 KB).
const FLASH_MAX_CHARS: usize = 300;

/// A confirmation as a cookie value: its UTF-8 bytes in hex, cut to
/// [`FLASH_MAX_CHARS`].
fn flash_value(message: &str) -> String {
    message
        .chars()
        .take(FLASH_MAX_CHARS)
        .collect::<String>()
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The confirmation a flash cookie's value holds, if it holds one.
fn flash_text(hex: &str) -> Option<String> {
    if !hex.len().is_multiple_of(2) || hex.len() > FLASH_MAX_CHARS * 8 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?)
        .ok()
        .filter(|t| !t.trim().is_empty())
}

/// Shows `message` once, at the top of the next page this browser loads
/// ([`take_flash`]): for an island that goes to another page once its call
/// has succeeded.
pub fn flash(message: &str) {
    if let Ok(state) = AppState::get() {
        let name = flash_cookie_name(&state);
        set_cookie(&state, name, &flash_value(message), Some(60));
    }
}

/// A server function's confirmation, for the page loaded next, whoever
/// called it: for a function whose every caller loads its page again once
/// it has succeeded (an island's step on a server-rendered page, or a plain
/// form post).
pub fn flashed(message: String) -> String {
    flash(&message);
    message
}

/// A server function's confirmation. A plain form post (no JavaScript, or
/// before the page's island is live) is sent back to its page by
/// leptos_axum, and the answer would be lost: it goes along to that page
/// ([`flash`]). Only server functions whose answer is a confirmation call
/// this, never one that answers a secret or markup.
pub fn confirm(message: String) -> String {
    if plain_post() {
        flash(&message);
        back_without_refusal();
    }
    message
}

/// What a page's form starts from after a refused plain post
/// ([`keep_typed_after_error`], besides the login pages' `account`): a later
/// success goes back without it.
const CARRIED: [&str; 5] = [
    "login",
    "display_name",
    "region_code",
    "organization_id",
    KEPT_PARAM,
];

/// Sends a plain post that succeeded back to its page without an earlier
/// refusal (`__path`, `__err`) or what that refusal carried ([`CARRIED`]):
/// neither is about the page as it now is.
fn back_without_refusal() {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>();
    if let Some(page) = parts.and_then(|p| form_page(&p.headers)) {
        set_location(&back_with(&page, &CARRIED.map(|field| (field, ""))));
    }
}

/// The page a plain form post was sent from: its Referer, when that is a
/// page of our own origin and the post is a form's (not a JavaScript call).
fn form_page(h: &HeaderMap) -> Option<String> {
    let state = AppState::get().ok()?;
    let origin = format!("{}/", state.config.public_base_url.trim_end_matches('/'));
    h.get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .filter(|r| accepts_html(h) && r.starts_with(&origin))
        .map(str::to_string)
}

/// Where the browser goes after this post (leptos_axum's `Location`, which
/// it otherwise sets to the post's Referer).
fn set_location(to: &str) {
    if let (Some(res), Ok(v)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(to),
    ) {
        res.insert_header(header::LOCATION, v);
    }
}

/// Refuses a plain post to a server function that answers a one-time secret
/// (an initial or temporary password): leptos_axum would send the browser
/// back to its page, and the secret, already made and stored, would be
/// lost. Nothing is changed, and the message says what to do.
pub fn secret_needs_the_page() -> Result<(), AppError> {
    if plain_post() {
        return Err(AppError::NotAllowed(
            "新密码只在本页显示一次,须等页面加载完成(浏览器需启用 JavaScript)后才能显示:请稍候再点一次。这次没有做任何修改。"
                .into(),
        ));
    }
    Ok(())
}

/// Whether this call is a plain form post (no JavaScript, or before the
/// page's island is live).
fn plain_post() -> bool {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .is_some_and(|p| p.method == axum::http::Method::POST && accepts_html(&p.headers))
}

/// Sends a plain form post on to `path` (of this site) instead of back to
/// its page: where what it made is (a new notice's page, not the empty
/// form it was written in). A JavaScript caller is left alone.
pub fn plain_post_goes_to(path: &str) {
    if plain_post() {
        set_location(path);
    }
}

/// Whether the request came from a plain form (a page, not a JavaScript
/// call, which asks for JSON).
fn accepts_html(h: &HeaderMap) -> bool {
    h.get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// The confirmation left for the page being rendered, taken once: the
/// response deletes the cookie.
pub fn take_flash() -> Option<String> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    let state = AppState::get().ok()?;
    let name = flash_cookie_name(&state);
    let hex = cookies(&parts.headers).find(|(k, _)| *k == name)?.1;
    set_cookie(&state, name, "", Some(0));
    flash_text(hex)
}

/// A plain form post (no JavaScript, or sent before the page was live) that
/// failed goes back to its page with the error in the address (server_fn's
/// `__path`/`__err`). This sends it back with what was typed as well, each
/// `(field, typed)` as `field=…` (the login and recovery pages start from
/// `account`, 用户管理 and 发证机关设置 from their fields, which are
/// [`CARRIED`]), so nothing is typed twice. Never for a secret: what is
/// typed stands in the address. Only for a page of our own origin; a
/// JavaScript call is left alone.
pub async fn keep_typed_after_error<T>(
    fn_path: &str,
    result: &Result<T, AppError>,
    typed: &[(&str, &str)],
) {
    let Err(err) = result else { return };
    let Some(page) = headers().await.ok().and_then(|h| form_page(&h)) else {
        return;
    };
    let target = back_with(&page, typed);
    if let Ok(url) =
        leptos::server_fn::error::ServerFnUrlError::new(fn_path, err.clone()).to_url(&target)
    {
        set_location(url.as_str());
    }
}

/// The most of a refused text kept ([`keep_text_after`]): far more than
/// any 补正通知 or reason needs (a longer one is cut there).
const KEPT_TEXT_MAX_CHARS: usize = 20_000;

/// After the server function `fn_path` of a plain form with a text (a
/// [`KeptForm`], called once its caller `user_id` may act on the form's
/// object): a refused plain post keeps `text`, as typed, for that user and
/// goes back to its page with the form's key as `kept`, so the page says
/// the refusal at that form's field and puts the text back there (a text
/// is too long for the address, see [`back_with`]). A success forgets it.
/// A JavaScript caller's form keeps its own text.
pub async fn keep_text_after<T>(
    fn_path: &str,
    (db, user_id): (&super::db::Db, i64),
    form: KeptForm,
    result: &Result<T, AppError>,
    text: &str,
) {
    use super::kept_text;
    let outcome = match result {
        Ok(_) => {
            // Back without the refusal and its `kept` (a `flashed` answer
            // leaves the address as it was).
            if plain_post() {
                back_without_refusal();
            }
            kept_text::forget(db, user_id, form).await
        }
        // Refused on the object itself (not the caller's): nothing kept.
        Err(AppError::Forbidden) => Ok(()),
        Err(_) if plain_post() => {
            keep_typed_after_error(fn_path, result, &[(KEPT_PARAM, &form.key())]).await;
            // Nothing to keep, and nothing forgotten: an approval sends the
            // form of its rejection without a reason.
            if text.trim().is_empty() {
                Ok(())
            } else {
                let text: String = text.chars().take(KEPT_TEXT_MAX_CHARS).collect();
                kept_text::keep(db, user_id, form, &text, super::now()).await
            }
        }
        Err(_) => Ok(()),
    };
    if let Err(e) = outcome {
        tracing::warn!(error = %e, "keeping or forgetting a refused form's text failed");
    }
}

/// `page` without an earlier error or value of the fields, with each
/// `field=typed`.
fn back_with(page: &str, typed: &[(&str, &str)]) -> String {
    let (path, query) = page.split_once('?').unwrap_or((page, ""));
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|kv| {
            let key = kv.split('=').next().unwrap_or("");
            !kv.is_empty()
                && key != "__path"
                && key != "__err"
                && typed.iter().all(|(field, _)| key != *field)
        })
        .map(str::to_string)
        .collect();
    // What is carried is short (an account, a name, a code); anything longer
    // than a few dozen characters is not carried into an address.
    for (field, value) in typed {
        let value = value.trim();
        if !value.is_empty() && value.chars().count() <= 64 {
            pairs.push(format!("{field}={}", crate::url::urlencode(value)));
        }
    }
    if pairs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

/// The client's address: the connection's peer, or, when the peer is one of
/// the configured `TRUSTED_PROXIES`, the nearest address in `X-Forwarded-For`
/// that is not a trusted proxy. "unknown" without a connection (in-process tests).
pub async fn client_ip() -> String {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    let peer = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()
        .map(|ConnectInfo(a)| a.ip());
    let trusted = leptos::prelude::use_context::<AppState>()
        .map(|s| s.config.trusted_proxies.clone())
        .unwrap_or_default();
    let forwarded = if trusted.is_empty() {
        None
    } else {
        headers().await.ok().map(|h| {
            h.get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",")
        })
    };
    client_address(peer, forwarded.as_deref(), &trusted)
}

/// Whether the request comes from this machine itself: a loopback peer and no
/// sign of having passed a proxy (a reverse proxy on the same host makes
/// every peer look local). Without connection information: no.
pub async fn from_loopback() -> bool {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    let Ok(ConnectInfo(addr)) = leptos_axum::extract::<ConnectInfo<SocketAddr>>().await else {
        return false;
    };
    let proxied = headers().await.map_or(true, |h| {
        ["x-forwarded-for", "forwarded", "x-real-ip"]
            .iter()
            .any(|name| h.contains_key(*name))
    });
    addr.ip().to_canonical().is_loopback() && !proxied
}

/// `client_ip` without the request: see there.
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[std::net::IpAddr],
) -> String {
    let Some(peer) = peer else {
        return "unknown".to_string();
    };
    // An IPv4 proxy reaching a server on [::] arrives as an IPv4-mapped address.
    let peer = peer.to_canonical();
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let mut nearest = peer;
    for hop in forwarded_for.unwrap_or("").rsplit(',') {
        match hop.trim().parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => nearest = ip,
            Ok(ip) => return ip.to_string(),
            // A malformed entry: trust nothing before it.
            Err(_) => break,
        }
    }
    nearest.to_string()
}

/// The Content-Security-Policy of every rendered page: scripts only from
/// our origin or inline with this response's nonce (Leptos puts it on the
/// hydration and resource scripts), WebAssembly allowed, no inline event
/// handlers, styles or foreign connections. Responses that are not pages
/// keep the stricter router-wide policy.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Puts [`page_policy`] on the page being rendered and returns it (for the
/// document's `<meta>` copy, minus what only a header can say).
pub fn set_page_policy() -> Option<String> {
    let nonce = leptos::nonce::use_nonce()?;
    let policy = page_policy(&nonce);
    if let (Some(res), Ok(value)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&policy),
    ) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
    // frame-ancestors is ignored (and warned about) in a <meta> policy.
    Some(policy.replace("; frame-ancestors 'none'", ""))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_confirmation_survives_the_cookie_and_nothing_else_is_read_as_one() {
        let text = "已审核通过,已短信通知经办人。";
        assert_eq!(flash_text(&flash_value(text)).as_deref(), Some(text));
        for bad in ["zz", "e5b", "", "ff", "2020"] {
            assert_eq!(flash_text(bad), None, "{bad}");
        }
        // A long message is cut, never dropped, and fits a cookie.
        let long = flash_value(&"很".repeat(500));
        assert!(long.len() < 4000, "{}", long.len());
        assert_eq!(flash_text(&long), Some("很".repeat(300)));
    }

    use super::{back_with, client_address, flash_text, flash_value};

    #[test]
    fn a_failed_form_goes_back_with_what_was_typed_and_nothing_stale() {
        let origin = "http://127.0.0.1:3000";
        assert_eq!(
            back_with(
                &format!("{origin}/login"),
                &[("account", " 91320102MA1XYR7K61 ")]
            ),
            format!("{origin}/login?account=91320102MA1XYR7K61")
        );
        assert_eq!(
            back_with(
                &format!("{origin}/login?tab=regulator&account=old&__path=x&__err=y"),
                &[("account", "nj 玄武")]
            ),
            format!("{origin}/login?tab=regulator&account=nj%20%E7%8E%84%E6%AD%A6")
        );
        assert_eq!(
            back_with(&format!("{origin}/login?account=old"), &[("account", "")]),
            format!("{origin}/login")
        );
        // Several fields: each replaces its earlier value, an empty one goes.
        assert_eq!(
            back_with(
                &format!("{origin}/admin/users?login=a&x=1&region=1"),
                &[
                    ("login", "nj-li"),
                    ("display_name", "李 明"),
                    ("region", "")
                ]
            ),
            format!("{origin}/admin/users?x=1&login=nj-li&display_name=%E6%9D%8E%20%E6%98%8E")
        );
    }
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let proxy = [ip("10.0.0.2"), ip("10.0.0.3")];
        // No proxy configured, or a peer that is not one: the header is a client's word.
        assert_eq!(
            client_address(Some(ip("203.0.113.9")), Some("1.2.3.4"), &[]),
            "203.0.113.9"
        );
        assert_eq!(
            client_address(Some(ip("203.0.113.9")), Some("1.2.3.4"), &proxy),
            "203.0.113.9"
        );
        // Through the proxy: the nearest untrusted hop, whatever the client prepended.
        assert_eq!(
            client_address(Some(ip("10.0.0.2")), Some("6.6.6.6, 198.51.100.7"), &proxy),
            "198.51.100.7"
        );
        assert_eq!(
            client_address(Some(ip("10.0.0.2")), Some("198.51.100.7, 10.0.0.3"), &proxy),
            "198.51.100.7"
        );
        assert_eq!(
            client_address(Some(ip("10.0.0.2")), None, &proxy),
            "10.0.0.2"
        );
        assert_eq!(
            client_address(Some(ip("10.0.0.2")), Some("junk"), &proxy),
            "10.0.0.2"
        );
        assert_eq!(client_address(None, Some("1.2.3.4"), &proxy), "unknown");
    }
}
