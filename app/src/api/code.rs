//! What a 获取验证码 button tells its user: whether a code went out, where
//! to, and when the next one may be asked for.

use serde::{Deserialize, Serialize};

/// The answer of every endpoint that sends an SMS code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSent {
    /// What happened, in words for the user.
    pub message: String,
    /// Whether a new code went out (false: the last one is still valid).
    pub sent: bool,
    /// Seconds until another code may be asked for.
    pub retry_in: i64,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::CodeSent;
    use crate::domain::Mobile;
    use crate::error::AppError;
    use crate::server::sms_code::{issue_message, IssueError, RESEND_SECS};

    /// A code for `mobile`: `what` is the code's name (验证码, 解锁验证码),
    /// `place` how the phone is called (经办人手机, 新手机, or nothing).
    pub struct Sending<'a> {
        pub what: &'a str,
        pub place: &'a str,
        pub mobile: &'a Mobile,
        /// The form field a failure belongs to.
        pub field: &'a str,
    }

    impl Sending<'_> {
        /// Turns the gateway's answer into what the user is told. A code
        /// asked for again within the minute is no error: the last one is
        /// still valid, and the countdown says when the next may be asked for.
        pub fn outcome(
            &self,
            result: Result<(), IssueError>,
            service_phone: &str,
        ) -> Result<CodeSent, AppError> {
            let Sending {
                what,
                place,
                mobile,
                field,
            } = self;
            let masked = mobile.masked();
            match result {
                Ok(()) => Ok(CodeSent {
                    message: format!("{what}已发送至{place} {masked},5分钟内有效。"),
                    sent: true,
                    retry_in: RESEND_SECS,
                }),
                Err(IssueError::TooSoon(s)) => Ok(CodeSent {
                    message: format!(
                        "没有发送新的{what}:上一条刚刚已发送至{place} {masked},仍然有效,请先查看短信。"
                    ),
                    sent: false,
                    retry_in: s,
                }),
                Err(e) => Err(AppError::Conflict {
                    field: (*field).into(),
                    message: issue_message(&e, service_phone),
                }),
            }
        }
    }
}

#[cfg(feature = "ssr")]
pub use ssr::Sending;

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::domain::Mobile;
    use crate::server::sms_code::IssueError;

    fn sending(m: &Mobile) -> Sending<'_> {
        Sending {
            what: "验证码",
            place: "新手机",
            mobile: m,
            field: "new_mobile",
        }
    }

    #[test]
    fn a_second_request_within_the_minute_is_no_error_and_says_nothing_was_sent() {
        let m = Mobile::parse("13912340099").unwrap();
        let sent = sending(&m).outcome(Ok(()), "12345").unwrap();
        assert!(sent.sent);
        assert_eq!(
            sent.message,
            "验证码已发送至新手机 139****0099,5分钟内有效。"
        );
        assert_eq!(sent.retry_in, 60);
        let again = sending(&m)
            .outcome(Err(IssueError::TooSoon(42)), "12345")
            .unwrap();
        assert!(!again.sent);
        assert!(
            again.message.starts_with("没有发送新的验证码"),
            "{}",
            again.message
        );
        assert_eq!(again.retry_in, 42);
        let limit = sending(&m).outcome(Err(IssueError::DailyLimit), "12345");
        assert!(
            matches!(limit, Err(crate::error::AppError::Conflict { ref field, .. }) if field == "new_mobile")
        );
    }
}
