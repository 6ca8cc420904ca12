//! The second factor: TOTP (RFC 6238, through the maintained `totp-rs`),
//! enrolled with a QR code (the `qrcode` crate, rendered as SVG on the
//! server), with ten one-time recovery codes for a lost phone. Required for
//! regulators and administrators, optional for enterprises.
//!
//! Each time step is accepted once per account (RFC 6238 §5.2): the step of
//! the last accepted code is stored and only a later one passes, in one
//! guarded update, so a code seen over a shoulder cannot be used again.

use rand::Rng;
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret, Totp};

use super::audit::{self, Actor};
use super::db::Db;

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "危化品经营安全监管系统";
/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// A fresh 160-bit secret, base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill(&mut bytes);
    Secret::from(bytes).to_base32()
}

fn totp(secret: &str, account: &str) -> Option<Totp> {
    Builder::new()
        .with_secret(Secret::try_from_base32(secret).ok()?)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', ""))
        .build()
        .ok()
}

/// The `otpauth://` URL an authenticator app scans.
pub fn otpauth_url(secret: &str, account: &str) -> Option<String> {
    totp(secret, account)?.to_url().ok()
}

/// The QR code of `data` as an SVG element.
pub fn qr_svg(data: &str) -> Option<String> {
    use qrcode::render::svg;
    let svg = qrcode::QrCode::new(data.as_bytes())
        .ok()?
        .render::<svg::Color>()
        .min_dimensions(220, 220)
        .build();
    svg.find("<svg").map(|i| svg[i..].to_string())
}

/// The time step a code belongs to (the current one, or one either side), if any.
pub fn step_of(secret: &str, code: &str, now: i64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret, "x")?.check(&code, u64::try_from(now).ok()?)
}

/// The code of `secret` at `now` (tests and the development page).
pub fn code_at(secret: &str, now: i64) -> Option<String> {
    Some(
        totp(secret, "x")?
            .generate(u64::try_from(now).ok()?)
            .to_string(),
    )
}

fn recovery_hash(user_id: i64, code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    Sha256::digest(format!("{user_id}:{normal}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether typed text looks like a recovery code rather than a 6-digit code.
pub fn is_recovery_code(code: &str) -> bool {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).count() == 10
}

fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let s: String = (0..10)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect();
            format!("{}-{}", &s[..5], &s[5..])
        })
        .collect()
}

/// Starts (or restarts) an enrolment: a new secret waits for its first code.
pub async fn begin(db: &Db, user_id: i64) -> Result<String, sqlx::Error> {
    let secret = new_secret();
    sqlx::query("UPDATE users SET totp_pending = $2 WHERE id = $1")
        .bind(user_id)
        .bind(&secret)
        .execute(db.writer())
        .await?;
    Ok(secret)
}

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    NotEnrolled,
    Wrong,
    /// The code of a step that was already used.
    Replayed,
}

/// Finishes an enrolment with the first code from the app; the recovery codes, once.
pub async fn confirm(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    code: &str,
    now: i64,
) -> Result<Result<Vec<String>, Refused>, sqlx::Error> {
    let pending: Option<String> =
        sqlx::query_scalar("SELECT totp_pending FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(db.writer())
            .await?
            .flatten();
    let Some(pending) = pending else {
        return Ok(Err(Refused::NotEnrolled));
    };
    let Some(step) = step_of(&pending, code, now) else {
        return Ok(Err(Refused::Wrong));
    };
    let codes = new_recovery_codes();
    let mut tx = db.write_tx().await?;
    let done = sqlx::query(
        "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $3 \
         WHERE id = $1 AND totp_pending = $2",
    )
    .bind(user_id)
    .bind(&pending)
    .bind(step as i64)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(Err(Refused::NotEnrolled));
    }
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for c in &codes {
        sqlx::query(
            "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
        )
        .bind(user_id)
        .bind(recovery_hash(user_id, c))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    let enterprise_id: Option<i64> =
        sqlx::query_scalar("SELECT enterprise_id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
    audit::append(
        &mut tx,
        audit::Entry::ok(
            actor,
            "account.totp_enable",
            "绑定身份验证器(动态码),生成恢复码",
            now,
        )
        .about(user_id, enterprise_id),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(codes))
}

/// Checks a login's second factor: a code of a step not used before, or an
/// unused recovery code (used up here).
pub async fn check(
    db: &Db,
    user_id: i64,
    code: &str,
    now: i64,
) -> Result<Result<(), Refused>, sqlx::Error> {
    let secret: Option<String> = sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db.writer())
        .await?
        .flatten();
    let Some(secret) = secret else {
        return Ok(Err(Refused::NotEnrolled));
    };
    if is_recovery_code(code) {
        let used = sqlx::query(
            "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
        )
        .bind(user_id)
        .bind(recovery_hash(user_id, code))
        .bind(now)
        .execute(db.writer())
        .await?;
        return Ok(if used.rows_affected() == 1 {
            Ok(())
        } else {
            Err(Refused::Wrong)
        });
    }
    let Some(step) = step_of(&secret, code, now) else {
        return Ok(Err(Refused::Wrong));
    };
    let fresh =
        sqlx::query("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2")
            .bind(user_id)
            .bind(step as i64)
            .execute(db.writer())
            .await?;
    Ok(if fresh.rows_affected() == 1 {
        Ok(())
    } else {
        Err(Refused::Replayed)
    })
}

/// Removes the second factor (an administrator's reset for a lost phone):
/// the user enrols again at the next login.
pub async fn clear(exec: &mut sqlx::AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = 0 WHERE id = $1",
    )
    .bind(user_id)
    .execute(&mut *exec)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(exec)
        .await?;
    Ok(())
}

/// Whether the user has an authenticator bound.
pub async fn is_enrolled(db: &Db, user_id: i64) -> Result<bool, sqlx::Error> {
    let secret: Option<String> = sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db.reader())
        .await?;
    Ok(secret.is_some())
}

/// Unused recovery codes of an account.
pub async fn recovery_codes_left(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .fetch_one(db.reader())
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_sha1_vectors() {
        // RFC 6238 Appendix B, SHA-1, truncated to 6 digits; the secret is "12345678901234567890".
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        for (t, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(&secret, t).as_deref(), Some(code), "t = {t}");
            assert!(step_of(&secret, code, t).is_some());
        }
        // One step either side is accepted (clock drift), two are not.
        assert!(step_of(&secret, "287082", 59 + 30).is_some());
        assert!(step_of(&secret, "287082", 59 + 61).is_none());
        assert!(step_of(&secret, "28708", 59).is_none());
    }

    #[test]
    fn enrolment_material_is_scannable() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        let url = otpauth_url(&secret, "nj-city").unwrap();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains(&format!("secret={secret}")), "{url}");
        let svg = qr_svg(&url).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(!svg.contains("script"));
    }

    #[test]
    fn recovery_codes_are_told_apart_from_codes_and_typed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes.iter().all(|c| is_recovery_code(c)));
        assert!(!is_recovery_code("123456"));
        assert_eq!(
            recovery_hash(1, "abcde-fghjk"),
            recovery_hash(1, "ABCDE FGHJK")
        );
        assert_ne!(
            recovery_hash(1, "ABCDE-FGHJK"),
            recovery_hash(2, "ABCDE-FGHJK")
        );
    }
}
