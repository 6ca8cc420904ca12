//! SMS verification codes: 6 digits, valid 5 minutes, single use, void after
//! 5 wrong tries, a new one at the earliest 60 seconds after the last, at
//! most 10 a day per phone. Only a hash of each code is stored.

use rand::Rng;
use sha2::{Digest, Sha256};

use super::db::Db;
use super::limits::{self, Denied, Limit};
use super::sms::{Gateway, SmsError};
use crate::domain::help::Faq;
use crate::domain::{Message, Mobile};

pub const VALID_SECS: i64 = 5 * 60;
pub const RESEND_SECS: i64 = 60;
pub const MAX_TRIES: i64 = 5;
pub const DAILY_LIMIT: i64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("wait {0} s before asking for another code")]
    TooSoon(i64),
    #[error("daily limit reached for this phone")]
    DailyLimit,
    #[error(transparent)]
    Send(#[from] SmsError),
}

impl From<sqlx::Error> for IssueError {
    fn from(e: sqlx::Error) -> Self {
        IssueError::Send(SmsError::Db(e))
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("no code was sent")]
    NoCode,
    #[error("the code has expired")]
    Expired,
    #[error("wrong code, {0} tries left")]
    Wrong(i64),
    #[error("too many wrong tries")]
    TooManyTries,
}

fn hash(subject: &str, code: &str) -> String {
    Sha256::digest(format!("{subject}:{code}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Codes per phone: at most `DAILY_LIMIT` a day, `RESEND_SECS` apart.
pub const PER_MOBILE: Limit = Limit {
    max: DAILY_LIMIT,
    window: 86_400,
    min_gap: RESEND_SECS,
};

/// The outer bound per client address: generous, since a service hall or an
/// industrial park puts many honest users behind one address.
pub const IP_LIMIT: Limit = Limit::per(300, 3600);
pub const IP_LIMIT_MESSAGE: &str =
    "此网络获取验证码的次数过多,请一小时后再试;如急需办理,请拨打客服电话。";

/// The refusal when this address asked for too many codes (explained by the
/// SMS-code article).
pub fn ip_limited() -> crate::error::AppError {
    crate::error::AppError::RateLimited(Message::explained(IP_LIMIT_MESSAGE, Faq::SmsCode))
}

/// Takes one SMS request of the client address `ip` (the outer bound).
pub async fn ip_allows(db: &Db, ip: &str, now: i64) -> Result<bool, sqlx::Error> {
    Ok(limits::hit(db, &format!("ip:sms:{ip}"), IP_LIMIT, now)
        .await?
        .is_ok())
}

fn mobile_key(mobile: &Mobile) -> String {
    format!("sms:mobile:{}", mobile.as_str())
}

/// Sends a new code for `purpose` to `mobile`; `subject` ties it to a user or draft.
/// The phone's limits are taken atomically before anything is sent; a code
/// whose message could not be delivered is removed and its hit given back,
/// so the user can retry at once.
pub async fn issue(
    db: &Db,
    gateway: &Gateway,
    purpose: &str,
    subject: &str,
    mobile: &Mobile,
    now: i64,
) -> Result<(), IssueError> {
    let key = mobile_key(mobile);
    match limits::hit(db, &key, PER_MOBILE, now).await? {
        Ok(_) => {}
        Err(Denied::TooSoon(s)) => return Err(IssueError::TooSoon(s)),
        Err(Denied::Exhausted { .. }) => return Err(IssueError::DailyLimit),
    }
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sms_codes (purpose, subject, mobile, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(purpose)
    .bind(subject)
    .bind(mobile.as_str())
    .bind(hash(subject, &code))
    .bind(now)
    .bind(now + VALID_SECS)
    .fetch_one(db.writer())
    .await?;
    let text = format!(
        "【危化品经营安全监管系统】您的验证码是{code},5分钟内有效。如非本人操作,请忽略本短信。"
    );
    if let Err(e) = gateway.send(db, mobile, purpose, &text, now).await {
        sqlx::query("DELETE FROM sms_codes WHERE id = $1")
            .bind(id)
            .execute(db.writer())
            .await?;
        limits::give_back(db, &key).await?;
        return Err(e.into());
    }
    Ok(())
}

/// Checks `code` against the latest code for (`purpose`, `subject`) and uses it up.
/// The try is counted before the code is compared, in one statement, so
/// parallel guesses get no more than `MAX_TRIES` comparisons, and the code is
/// used at most once.
pub async fn verify(
    db: &Db,
    purpose: &str,
    subject: &str,
    code: &str,
    now: i64,
) -> Result<Result<(), VerifyError>, sqlx::Error> {
    let latest = "(SELECT id FROM sms_codes WHERE purpose = $1 AND subject = $2 ORDER BY created_at DESC, id DESC LIMIT 1)";
    let claimed: Option<(i64, String, i64, i64)> = sqlx::query_as(&format!(
        "UPDATE sms_codes SET attempts = attempts + 1 \
         WHERE id = {latest} AND used_at IS NULL AND attempts < $3 \
         RETURNING id, code_hash, expires_at, attempts"
    ))
    .bind(purpose)
    .bind(subject)
    .bind(MAX_TRIES)
    .fetch_optional(db.writer())
    .await?;
    let Some((id, stored, expires_at, attempts)) = claimed else {
        let used_at: Option<Option<i64>> = sqlx::query_scalar(&format!(
            "SELECT used_at FROM sms_codes WHERE id = {latest}"
        ))
        .bind(purpose)
        .bind(subject)
        .fetch_optional(db.writer())
        .await?;
        // The latest code, unused: its tries are spent.
        return Ok(Err(match used_at {
            Some(None) => VerifyError::TooManyTries,
            _ => VerifyError::NoCode,
        }));
    };
    if now > expires_at {
        return Ok(Err(VerifyError::Expired));
    }
    if stored != hash(subject, code) {
        let left = MAX_TRIES - attempts;
        return Ok(Err(if left <= 0 {
            VerifyError::TooManyTries
        } else {
            VerifyError::Wrong(left)
        }));
    }
    let used = sqlx::query("UPDATE sms_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
        .bind(id)
        .bind(now)
        .execute(db.writer())
        .await?;
    Ok(if used.rows_affected() == 1 {
        Ok(())
    } else {
        Err(VerifyError::NoCode)
    })
}

/// Makes the code last used for (`purpose`, `subject`) usable again while it
/// is valid: the proof it gave was sound but the request failed on another
/// field (a typo in the ID number), and the user corrects that field only.
pub async fn unuse(db: &Db, purpose: &str, subject: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sms_codes SET used_at = NULL WHERE id = \
         (SELECT id FROM sms_codes WHERE purpose = $1 AND subject = $2 ORDER BY created_at DESC, id DESC LIMIT 1) \
         AND expires_at >= $3",
    )
    .bind(purpose)
    .bind(subject)
    .bind(now)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// The user-facing message for a failed check, with what to do next.
pub fn verify_message(e: &VerifyError) -> Message {
    let text: String = match e {
        VerifyError::NoCode => "请先点击“获取验证码”,并输入短信中的6位数字。".into(),
        VerifyError::Expired => "验证码已过期(有效期5分钟),请重新获取验证码。".into(),
        VerifyError::Wrong(left) => {
            format!("验证码不正确,还可再试{left}次。请核对短信中的6位数字。")
        }
        VerifyError::TooManyTries => "验证码输错次数过多,已失效,请重新获取验证码。".into(),
    };
    Message::explained(text, Faq::SmsCode)
}

/// The user-facing message for a code that could not be sent.
pub fn issue_message(e: &IssueError, service_phone: &str) -> Message {
    let text = match e {
        IssueError::TooSoon(s) => {
            let text = format!("验证码已发送,请查收短信;如未收到,{s}秒后可重新获取。");
            return Message::explained(text, Faq::SmsCode);
        }
        IssueError::DailyLimit => format!(
            "该手机号今天获取验证码的次数已达上限({DAILY_LIMIT}次),请明天再试;如急需办理,请拨打客服电话 {service_phone}。"
        ),
        IssueError::Send(SmsError::Db(_)) => "系统暂时无法发送短信,请稍后重试。".into(),
        IssueError::Send(_) => format!(
            "短信发送失败(短信平台暂时无法送达),您填写的内容已保留,请稍后点击“获取验证码”重试;多次失败请拨打客服电话 {service_phone}。"
        ),
    };
    Message::explained(text, Faq::PhoneNoSms)
}
