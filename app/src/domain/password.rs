//! Password policy.
//!
//! The national system forbids `#`, `*` and `/` (they broke its URL-based
//! login behind a firewall, see the FAQ); users know that rule, so we keep it
//! in [`FORBIDDEN_PASSWORD_CHARS`], the one place to change it. Length 8–64,
//! no white space, at least three of four character classes (GB/T 22239-2019
//! 等保 assessors' reading), not containing the account's credit code, and not
//! one of the most common passwords (OWASP ASVS 6.2.4, 6.2.11).
//!
//! [`check`] lists every rule with whether it is met: the browser shows it as a
//! live checklist and the server refuses any unmet rule with the same texts.

use super::normalize::normalize_code;

/// Characters no password may contain. Change here only: browser and server share it.
pub const FORBIDDEN_PASSWORD_CHARS: &[char] = &['#', '*', '/'];
pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 64;
pub const MIN_CLASSES: usize = 3;

/// Lower-cased; compared case-insensitively.
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "passw0rd!",
    "p@ssw0rd1",
    "password1!",
    "password@123",
    "admin123",
    "admin@123",
    "admin@1234",
    "admin123!",
    "administrator",
    "root@123",
    "root1234",
    "test@123",
    "test1234",
    "qwer1234",
    "qwer@1234",
    "qwerty123",
    "qwerty12",
    "qwerty1!",
    "asdf1234",
    "asdf@1234",
    "zxcv1234",
    "zxcvbnm1",
    "1qaz2wsx",
    "1qaz@wsx",
    "1qaz!qaz",
    "1qaz@2wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "q1w2e3r4",
    "abc12345",
    "abc@1234",
    "abc123456",
    "abcd1234",
    "abcd@1234",
    "aa123456",
    "aa@123456",
    "aa123456!",
    "a1234567",
    "a12345678",
    "a123456789",
    "qq123456",
    "qq@123456",
    "woaini1314",
    "woaini520",
    "iloveyou1",
    "welcome1",
    "welcome@1",
    "welcome123",
    "letmein1",
    "changeme1",
    "huawei@123",
    "huawei123",
    "sa@12345",
    "system@123",
    "sysadmin1",
    "12345678",
    "123456789",
    "1234567890",
    "11111111",
    "88888888",
    "66666666",
    "00000000",
    "12341234",
    "87654321",
    "abcdefgh",
    "qwertyui",
    "asdfghjk",
    "a1b2c3d4",
    "a1b2c3d4e5",
    "1a2b3c4d",
    "zaq12wsx",
    "zaq1@wsx",
    "xiaoming1",
    "whjy@123",
    "whjy1234",
];

/// One rule of the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PasswordRule {
    Length,
    NoWhitespace,
    NoForbiddenChars,
    CharacterClasses,
    NotContainingAccount,
    NotCommon,
}

impl PasswordRule {
    pub const ALL: [PasswordRule; 6] = [
        PasswordRule::Length,
        PasswordRule::NoWhitespace,
        PasswordRule::NoForbiddenChars,
        PasswordRule::CharacterClasses,
        PasswordRule::NotContainingAccount,
        PasswordRule::NotCommon,
    ];

    /// The rule as a checklist line.
    pub fn describe(self) -> String {
        match self {
            PasswordRule::Length => format!("长度{MIN_LEN}–{MAX_LEN}位"),
            PasswordRule::NoWhitespace => "不含空格".to_string(),
            PasswordRule::NoForbiddenChars => format!(
                "不含以下符号:{}",
                FORBIDDEN_PASSWORD_CHARS
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            PasswordRule::CharacterClasses => {
                format!("大写字母、小写字母、数字、符号中至少包含{MIN_CLASSES}类")
            }
            PasswordRule::NotContainingAccount => "不包含统一社会信用代码(登录账号)".to_string(),
            PasswordRule::NotCommon => "不是常见的弱密码(如 Aa123456、Admin@123)".to_string(),
        }
    }
}

/// One checklist line: the rule and whether the password meets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleStatus {
    pub rule: PasswordRule,
    pub met: bool,
}

/// Evaluates every rule. `account` is the credit code the password belongs to, if known.
pub fn check(password: &str, account: Option<&str>) -> Vec<RuleStatus> {
    let len = password.chars().count();
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password
            .chars()
            .any(|c| !c.is_ascii_alphanumeric() && !c.is_whitespace()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    let upper = password.to_uppercase();
    let account = account.map(normalize_code).filter(|a| a.len() >= 6);
    let lower = password.to_lowercase();
    PasswordRule::ALL
        .iter()
        .map(|&rule| {
            let met = match rule {
                PasswordRule::Length => (MIN_LEN..=MAX_LEN).contains(&len),
                PasswordRule::NoWhitespace => !password.chars().any(char::is_whitespace),
                PasswordRule::NoForbiddenChars => !password
                    .chars()
                    .any(|c| FORBIDDEN_PASSWORD_CHARS.contains(&c)),
                PasswordRule::CharacterClasses => classes >= MIN_CLASSES,
                PasswordRule::NotContainingAccount => {
                    account.as_deref().is_none_or(|a| !upper.contains(a))
                }
                PasswordRule::NotCommon => !COMMON.contains(&lower.as_str()),
            };
            RuleStatus { rule, met }
        })
        .collect()
}

/// Why a password was refused: the unmet rules, in checklist order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("请设置密码。")]
    Empty,
    #[error("{}", password_message(.0))]
    Unmet(Vec<PasswordRule>),
    #[error("两次输入的密码不一致,请重新输入确认密码。")]
    Mismatch,
}

fn password_message(unmet: &[PasswordRule]) -> String {
    let parts: Vec<String> = unmet.iter().map(|r| r.describe()).collect();
    format!("密码须满足:{}。", parts.join(";"))
}

/// A password that meets the policy. Deliberately no `Display`/`Debug` of its content.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// Checks `password` against the policy. Passwords are verified exactly as
    /// typed: no trimming, no case change.
    pub fn parse(password: &str, account: Option<&str>) -> Result<Password, PasswordError> {
        if password.is_empty() {
            return Err(PasswordError::Empty);
        }
        let unmet: Vec<PasswordRule> = check(password, account)
            .into_iter()
            .filter(|s| !s.met)
            .map(|s| s.rule)
            .collect();
        if unmet.is_empty() {
            Ok(Password(password.to_string()))
        } else {
            Err(PasswordError::Unmet(unmet))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A new password typed twice: the policy's problems at `fields.0`, a
/// confirmation that differs at `fields.1`. `account` may not be in it.
pub fn take_new_password(
    errors: &mut super::FieldErrors,
    fields: (impl std::fmt::Display, impl std::fmt::Display),
    (password, confirmation): (&str, &str),
    account: &str,
) -> Option<Password> {
    let p = errors.take(fields.0, Password::parse(password, Some(account)))?;
    if password != confirmation {
        errors.add(fields.1, PasswordError::Mismatch.to_string());
        return None;
    }
    Some(p)
}

impl super::Explain for PasswordError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn unmet(p: &str) -> Vec<PasswordRule> {
        match Password::parse(p, Some("91320102MA1XYR7K61")) {
            Ok(_) => vec![],
            Err(PasswordError::Unmet(u)) => u,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn policy() {
        use PasswordRule::*;
        assert_eq!(unmet("Hx7%&+?=中文"), vec![]);
        assert_eq!(unmet("Safe-Pass-2026"), vec![]);
        assert_eq!(unmet("Hx7pass*word"), vec![NoForbiddenChars]);
        assert_eq!(unmet("Hx7pass#word"), vec![NoForbiddenChars]);
        assert_eq!(unmet("Hx7pass/word"), vec![NoForbiddenChars]);
        assert_eq!(unmet("Hx7 pass word"), vec![NoWhitespace]);
        assert_eq!(unmet("Hx7!"), vec![Length]);
        assert_eq!(unmet(&format!("Hx7!{}", "a".repeat(61))), vec![Length]);
        assert_eq!(unmet(&format!("Hx7!{}", "a".repeat(60))), vec![]);
        assert_eq!(unmet("onlylowercase1"), vec![CharacterClasses]);
        assert_eq!(unmet("Aa123456"), vec![NotCommon]);
        assert_eq!(unmet("ADMIN@123"), vec![NotCommon]);
        assert_eq!(unmet("x91320102ma1xyr7k61!"), vec![NotContainingAccount]);
        assert_eq!(Password::parse("", None), Err(PasswordError::Empty));
    }

    #[test]
    fn a_new_password_is_refused_at_the_field_that_is_wrong() {
        let mut e = super::super::FieldErrors::new();
        let typed = ("Safe-Pass-2026", "Safe-Pass-2025");
        assert!(take_new_password(&mut e, ("p", "c"), typed, "x").is_none());
        assert_eq!(
            e.get("c"),
            Some("两次输入的密码不一致,请重新输入确认密码。")
        );
        assert_eq!(e.get("p"), None);
        // A weak password is one problem, at the password: the confirmation
        // is not compared until there is something to confirm.
        let mut e = super::super::FieldErrors::new();
        assert!(take_new_password(&mut e, ("p", "c"), ("abc", "abd"), "x").is_none());
        assert!(e.get("p").is_some_and(|m| m.starts_with("密码须满足")));
        assert_eq!(e.get("c"), None);
        let mut e = super::super::FieldErrors::new();
        let ok = take_new_password(
            &mut e,
            ("p", "c"),
            ("Safe-Pass-2026", "Safe-Pass-2026"),
            "x",
        );
        assert_eq!(
            ok.map(|p| p.expose().to_string()),
            Some("Safe-Pass-2026".into())
        );
        assert!(e.is_empty());
    }

    #[test]
    fn message_lists_unmet_rules() {
        let e = Password::parse("ab*", None).unwrap_err().to_string();
        assert!(e.contains("长度8–64位"), "{e}");
        assert!(e.contains("不含以下符号:# * /"), "{e}");
        assert!(!e.contains("不含空格"), "{e}");
    }

    #[test]
    fn secret_is_not_printed() {
        let p = Password::parse("Safe-Pass-2026", None).unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}", a in "\\PC{0,20}") {
            let _ = Password::parse(&s, Some(&a));
        }
    }
}
