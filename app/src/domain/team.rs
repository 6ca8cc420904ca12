//! An enterprise is a team: several users, each with a role.
//!
//! The registered 经办人 is the first 管理员 and logs in with the credit code
//! alone, as users know from the national system; every other user logs in
//! with the credit code and their mobile number or user name. At least one
//! active 管理员 always remains.

use serde::{Deserialize, Serialize};

use super::mobile::Mobile;
use super::normalize::normalize_code;

/// What an enterprise user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// 管理员: manages the enterprise's users, and everything else.
    Manager,
    /// 填报员: fills in and submits information and licence cases.
    Filler,
    /// 查看员: reads only.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Manager, Role::Filler, Role::Viewer];

    /// The stored and posted code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Filler => "filler",
            Role::Viewer => "viewer",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Manager => "管理员",
            Role::Filler => "填报员",
            Role::Viewer => "查看员",
        }
    }

    /// What the role allows, in the words of the users page.
    pub fn describe(self) -> &'static str {
        match self {
            Role::Manager => "管理本单位用户(邀请、停用、重置密码、调整角色),并可办理全部业务。",
            Role::Filler => "填写和提交企业信息、办理许可证业务、答复监管部门;不能管理用户。",
            Role::Viewer => "只能查看本单位的信息、许可证和办理进度,不能修改或提交。",
        }
    }

    /// Fills in, submits, answers, uploads.
    pub fn can_write(self) -> bool {
        matches!(self, Role::Manager | Role::Filler)
    }

    /// Invites, disables, resets and re-roles the enterprise's users.
    pub fn can_manage(self) -> bool {
        self == Role::Manager
    }
}

/// The message to a 查看员 who tries to change something.
pub const READ_ONLY: &str =
    "您的账号为查看员,只能查看,不能修改或提交。如需办理,请联系本单位管理员调整您的角色。";

/// The message to a user who tries to manage users without being a 管理员.
pub const NOT_MANAGER: &str = "只有本单位的管理员可以管理用户。";

/// The message when a change would leave no active 管理员.
pub const LAST_MANAGER: &str =
    "本单位至少要保留一名正常使用的管理员:请先把另一位用户设为管理员,再停用或调整这一位。";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("用户名为3–32位,由字母开头,可含字母、数字、下划线、点和减号。")]
    Invalid,
}

/// An optional user name of an invited user: 3–32 ASCII letters, digits,
/// `_`, `.` or `-`, starting with a letter (so it never reads as a mobile
/// number), compared without case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Username, UsernameError> {
        let s = normalize_code(input).to_ascii_lowercase();
        let ok = (3..=32).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if ok {
            Ok(Username(s))
        } else {
            Err(UsernameError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a team member names themselves at login, besides the credit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member {
    Mobile(Mobile),
    Username(Username),
}

impl Member {
    /// A mobile number when the text is one (digits, `+86`), else a user name.
    pub fn parse(input: &str) -> Result<Member, String> {
        let s = normalize_code(input);
        if s.is_empty() {
            return Err("请输入您的手机号或用户名。".into());
        }
        if s.trim_start_matches('+')
            .bytes()
            .all(|b| b.is_ascii_digit())
        {
            return Mobile::parse(&s)
                .map(Member::Mobile)
                .map_err(|e| e.to_string());
        }
        Username::parse(&s)
            .map(Member::Username)
            .map_err(|_| "请输入管理员邀请您时登记的手机号,或您设置的用户名。".into())
    }

    /// The stored text it matches (a mobile, or a lower-case user name).
    pub fn as_str(&self) -> &str {
        match self {
            Member::Mobile(m) => m.as_str(),
            Member::Username(u) => u.as_str(),
        }
    }
}

/// A display name typed for a user: 2–30 characters after trimming.
pub fn parse_person_name(input: &str) -> Result<String, &'static str> {
    let s = super::normalize::normalize_text(input);
    match s.chars().count() {
        0 => Err("请填写姓名。"),
        1 => Err("姓名至少2个字。"),
        n if n > 30 => Err("姓名最多30个字。"),
        _ => Ok(s),
    }
}

/// Whom 邀请用户 invites: a name and a mobile, checked by the browser
/// before sending and by the server again.
pub fn parse_invitee(
    name: &str,
    mobile: &str,
) -> Result<(String, super::Mobile), super::FieldErrors> {
    let mut errors = super::FieldErrors::new();
    let name = parse_person_name(name).map_err(|m| errors.add("name", m));
    let mobile = errors.take("mobile", super::Mobile::parse(mobile));
    match (name, mobile) {
        (Ok(name), Some(mobile)) => Ok((name, mobile)),
        _ => Err(errors),
    }
}

/// A browser's User-Agent in a few words ("Chrome · Windows"), for the
/// list of one's logins.
pub fn device_name(user_agent: &str) -> String {
    let ua = user_agent.to_ascii_lowercase();
    let browser = [
        ("edg/", "Edge"),
        ("micromessenger", "微信"),
        ("firefox/", "Firefox"),
        ("chrome/", "Chrome"),
        ("chromium/", "Chromium"),
        ("safari/", "Safari"),
    ]
    .into_iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, v)| v);
    let system = [
        ("windows", "Windows"),
        ("android", "Android"),
        ("iphone", "iPhone"),
        ("ipad", "iPad"),
        ("mac os", "macOS"),
        ("linux", "Linux"),
    ]
    .into_iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, v)| v);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(x), None) | (None, Some(x)) => x.to_string(),
        (None, None) if user_agent.trim().is_empty() => "未知设备".to_string(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

/// A stored code read back (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for Role {
    type Error = String;

    fn try_from(code: String) -> Result<Role, String> {
        Role::from_code(&code).ok_or_else(|| format!("unknown role {code:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitee_needs_a_name_and_a_mainland_mobile() {
        let (name, mobile) = parse_invitee(" 王芳 ", "+86 139 0000 2202").unwrap();
        assert_eq!((name.as_str(), mobile.as_str()), ("王芳", "13900002202"));
        let e = parse_invitee("王", "1390000220").unwrap_err();
        assert_eq!(e.get("name"), Some("姓名至少2个字。"));
        assert_eq!(e.get("mobile"), Some("手机号码应为11位,您输入了10位。"));
        assert!(parse_invitee("王芳", "")
            .unwrap_err()
            .get("mobile")
            .is_some());
    }

    #[test]
    fn roles_round_trip_and_say_what_they_allow() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
            assert!(!r.describe().is_empty());
        }
        assert!(Role::Manager.can_manage() && Role::Manager.can_write());
        assert!(!Role::Filler.can_manage() && Role::Filler.can_write());
        assert!(!Role::Viewer.can_manage() && !Role::Viewer.can_write());
        assert_eq!(Role::from_code("admin"), None);
    }

    #[test]
    fn a_member_is_a_mobile_or_a_user_name() {
        assert_eq!(
            Member::parse(" +86 139 0000 1111 ").unwrap().as_str(),
            "13900001111"
        );
        assert_eq!(Member::parse("Wang.Fang").unwrap().as_str(), "wang.fang");
        assert!(Member::parse("1390000111").unwrap_err().contains("11位"));
        assert!(Member::parse("").is_err());
        assert!(Member::parse("王芳").is_err());
        assert!(
            Username::parse("1abc").is_err(),
            "never starts like a number"
        );
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse(&"a".repeat(33)).is_err());
    }

    #[test]
    fn devices_in_a_few_words() {
        assert_eq!(
            device_name("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"),
            "Chrome · Windows"
        );
        assert_eq!(
            device_name("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36"),
            "Chrome · Linux"
        );
        assert_eq!(device_name(""), "未知设备");
    }

    #[test]
    fn person_names() {
        assert_eq!(parse_person_name("  王 芳 ").unwrap(), "王 芳");
        assert!(parse_person_name("王").is_err());
        assert!(parse_person_name("").is_err());
    }
}
