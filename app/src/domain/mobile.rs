//! Mainland mobile numbers and SMS verification codes.
//!
//! 11 digits starting 1[3-9] (MIIT numbering plan); `+86`, `86` and `0086`
//! prefixes are normalised away.

use std::fmt;

use super::normalize::normalize_code;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MobileError {
    #[error("请输入手机号码。")]
    Empty,
    #[error("手机号码只能包含数字。请检查是否混入了其他字符。")]
    NotDigits,
    #[error("手机号码应为11位,您输入了{len}位。")]
    WrongLength { len: usize },
    #[error("请填写中国大陆手机号码(以13–19开头的11位号码)。")]
    NotMobile,
}

/// A mainland mobile number, 11 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mobile(String);

impl Mobile {
    pub fn parse(input: &str) -> Result<Mobile, MobileError> {
        let mut s = normalize_code(input);
        if s.is_empty() {
            return Err(MobileError::Empty);
        }
        if let Some(rest) = s.strip_prefix('+') {
            s = rest.to_string();
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MobileError::NotDigits);
        }
        for prefix in ["0086", "86"] {
            if s.len() == 11 + prefix.len() && s.starts_with(prefix) {
                s = s[prefix.len()..].to_string();
            }
        }
        if s.len() != 11 {
            return Err(MobileError::WrongLength { len: s.len() });
        }
        let b = s.as_bytes();
        if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
            return Err(MobileError::NotMobile);
        }
        Ok(Mobile(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****1234`
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Display for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsCodeError {
    #[error("请输入短信验证码。")]
    Empty,
    #[error("短信验证码是6位数字,请对照短信输入。")]
    Format,
}

/// A 6-digit SMS verification code as typed by the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsCode(String);

impl SmsCode {
    pub fn parse(input: &str) -> Result<SmsCode, SmsCodeError> {
        let s = normalize_code(input);
        if s.is_empty() {
            return Err(SmsCodeError::Empty);
        }
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SmsCodeError::Format);
        }
        Ok(SmsCode(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl super::Explain for MobileError {}

/// A code problem is explained by the SMS-code article, whatever the field.
impl super::Explain for SmsCodeError {
    fn help(&self) -> Option<super::help::Faq> {
        Some(super::help::Faq::SmsCode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles() {
        for ok in [
            "13800138000",
            "+86 138 0013 8000",
            "8613800138000",
            "008613800138000",
            "１３８００１３８０００",
            "138-0013-8000",
        ] {
            assert_eq!(
                Mobile::parse(ok).map(|m| m.to_string()),
                Ok("13800138000".into()),
                "{ok}"
            );
        }
        assert_eq!(Mobile::parse(""), Err(MobileError::Empty));
        assert_eq!(
            Mobile::parse("1380013800"),
            Err(MobileError::WrongLength { len: 10 })
        );
        assert_eq!(Mobile::parse("12800138000"), Err(MobileError::NotMobile));
        assert_eq!(Mobile::parse("010-12345678"), Err(MobileError::NotMobile));
        assert_eq!(Mobile::parse("1380013800a"), Err(MobileError::NotDigits));
        assert_eq!(
            Mobile::parse("13800138000").map(|m| m.masked()),
            Ok("138****8000".into())
        );
    }

    #[test]
    fn sms_codes() {
        assert_eq!(
            SmsCode::parse(" 123 456 ").map(|c| c.as_str().to_string()),
            Ok("123456".into())
        );
        assert_eq!(SmsCode::parse("12345"), Err(SmsCodeError::Format));
        assert_eq!(SmsCode::parse(""), Err(SmsCodeError::Empty));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = Mobile::parse(&s);
            let _ = SmsCode::parse(&s);
        }
    }
}
