//! Who an account belongs to.

use serde::{Deserialize, Serialize};

use super::credit_code::CreditCode;
use super::fields::{form_fields, FieldErrors};
use super::mobile::SmsCode;
use super::normalize::normalize_code;
use super::password::{take_new_password, Password};
use super::registration::parse_person_name;
use super::team::Member;

/// The kind of an account: it decides which login tab it uses, which pages
/// it sees and which guard admits it. Stored in `users.kind` and sent to the
/// browser as its [`code`](UserKind::code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserKind {
    /// 法人用户: logs in with the enterprise's 统一社会信用代码.
    Enterprise,
    /// 监管用户 of an 应急管理局 (province, city or county).
    Regulator,
    /// 系统管理员.
    Admin,
}

impl UserKind {
    pub const ALL: [UserKind; 3] = [UserKind::Enterprise, UserKind::Regulator, UserKind::Admin];

    /// The stored code (`users.kind`).
    pub fn code(self) -> &'static str {
        match self {
            UserKind::Enterprise => "enterprise",
            UserKind::Regulator => "regulator",
            UserKind::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<UserKind> {
        UserKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The name users know the kind by.
    pub fn label(self) -> &'static str {
        match self {
            UserKind::Enterprise => "法人用户",
            UserKind::Regulator => "监管用户",
            UserKind::Admin => "系统管理员",
        }
    }

    /// Logs in on the regulator tab, by user name, with a second factor.
    pub fn is_staff(self) -> bool {
        self != UserKind::Enterprise
    }
}

/// Where an account stands (`users.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// May log in.
    Active,
    /// Registered without the registry's confirmation: waits for a reviewer.
    PendingReview,
    /// Has no password yet: an invitee (or a reset) waiting for its SMS link.
    PendingVerification,
    /// A reviewer refused the registration; the code may register again.
    Rejected,
    /// Switched off by the enterprise's 管理员 or an administrator.
    Disabled,
}

impl AccountStatus {
    pub const ALL: [AccountStatus; 5] = [
        AccountStatus::Active,
        AccountStatus::PendingReview,
        AccountStatus::PendingVerification,
        AccountStatus::Rejected,
        AccountStatus::Disabled,
    ];

    /// The stored code (`users.status`).
    pub fn code(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::PendingReview => "pending_review",
            AccountStatus::PendingVerification => "pending_verification",
            AccountStatus::Rejected => "rejected",
            AccountStatus::Disabled => "disabled",
        }
    }

    pub fn from_code(code: &str) -> Option<AccountStatus> {
        AccountStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// How the users page names it.
    pub fn label(self) -> &'static str {
        match self {
            AccountStatus::Active => "正常",
            AccountStatus::PendingReview => "待人工审核",
            AccountStatus::PendingVerification => "待设置密码(已发送邀请短信)",
            AccountStatus::Rejected => "未通过审核",
            AccountStatus::Disabled => "已停用",
        }
    }
}

/// A stored code read back (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for UserKind {
    type Error = String;

    fn try_from(code: String) -> Result<UserKind, String> {
        UserKind::from_code(&code).ok_or_else(|| format!("unknown user kind {code:?}"))
    }
}

/// A stored code read back (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for AccountStatus {
    type Error = String;

    fn try_from(code: String) -> Result<AccountStatus, String> {
        AccountStatus::from_code(&code).ok_or_else(|| format!("unknown account status {code:?}"))
    }
}

/// What a regulator's 用户名 may be (the browser says it before sending).
pub const STAFF_LOGIN_RULE: &str = "用户名为3–32位字母、数字、“-”或“_”,例如 nj-xuanwu-01。";

/// A regulator's 所属地区 not chosen (or not a region the server knows).
pub const STAFF_REGION_MISSING: &str = "请选择所属单位所在的省、市或区县。";

/// A regulator's 用户名, trimmed: 3–32 ASCII letters, digits, "-" or "_"
/// (it is typed at login, so nothing a keyboard might not have).
pub fn parse_staff_login(input: &str) -> Result<String, &'static str> {
    let login = input.trim();
    let ok = (3..=32).contains(&login.len())
        && login
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(login.to_string())
    } else {
        Err(STAFF_LOGIN_RULE)
    }
}

form_fields! {
    /// 新增监管用户 (用户管理).
    pub enum NewStaffField {
        Login = ("login", "用户名"),
        DisplayName = ("display_name", "姓名"),
        RegionCode = ("region_code", "所属地区"),
    }
}

/// A new regulator's 用户名 and 姓名 as typed, each problem at its field
/// (whether the region is one the server knows only the server can tell).
pub fn check_new_staff(
    login: &str,
    name: &str,
    errors: &mut FieldErrors,
) -> Option<(String, String)> {
    let login = errors.take(NewStaffField::Login, parse_staff_login(login));
    let name = errors.take(NewStaffField::DisplayName, parse_person_name(name, "用户"));
    login.zip(name)
}

form_fields! {
    /// 登录, on both tabs (on 监管用户登录 the account is the 用户名).
    pub enum LoginField {
        Account = ("account", "账号(统一社会信用代码)"),
        Member = ("member", "手机号或用户名(选填)"),
        Password = ("password", "密码"),
        Totp = ("totp", "动态验证码(身份验证器App)"),
        UnlockCode = ("unlock_code", "解锁验证码(发送到经办人手机)"),
    }
}

/// The account's label on 监管用户登录.
pub const STAFF_ACCOUNT_LABEL: &str = "用户名";

/// The login a typed account names: a regulator's 用户名, trimmed, or an
/// enterprise's credit code, normalised (a code that fails its check may
/// still be a genuine, manually reviewed account: it is looked up as typed).
pub fn login_name(regulator: bool, account: &str) -> Result<String, String> {
    let login = if regulator {
        account.trim().to_string()
    } else {
        match CreditCode::parse(account) {
            Ok(code) => code.to_string(),
            Err(e) if e.manual_review_possible() => normalize_code(account),
            Err(e) if !account.trim().is_empty() => return Err(e.to_string()),
            Err(_) => String::new(),
        }
    };
    if login.is_empty() {
        return Err(if regulator {
            "请输入用户名。"
        } else {
            "请输入账号(统一社会信用代码)。"
        }
        .into());
    }
    Ok(login)
}

/// Whom a login names: the account and, for a member of an enterprise's
/// team, the member (the registered 经办人 names nobody).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginName {
    pub login: String,
    pub member: Option<Member>,
}

/// Checks 登录 as typed (the password only for being there).
pub fn check_login(
    regulator: bool,
    account: &str,
    member: &str,
    password: &str,
) -> Result<LoginName, FieldErrors> {
    use LoginField as F;
    let mut e = FieldErrors::new();
    let login = e.take(F::Account, login_name(regulator, account));
    let member = if regulator || member.trim().is_empty() {
        None
    } else {
        e.take(F::Member, Member::parse(member))
    };
    if password.is_empty() {
        e.add(F::Password, "请输入密码。");
    }
    match login {
        Some(login) if e.is_empty() => Ok(LoginName { login, member }),
        _ => Err(e),
    }
}

form_fields! {
    /// 修改密码 (账号设置).
    pub enum ChangePasswordField {
        Current = ("current", "当前密码"),
        Password = ("password", "新密码"),
        Confirm = ("password_confirm", "确认新密码"),
    }
}

const CURRENT_MISSING: &str = "请输入当前密码。";

/// 修改密码 as typed.
#[derive(Debug, Clone, Default)]
pub struct ChangePasswordInput {
    pub current: String,
    pub password: String,
    pub password_confirm: String,
}

impl ChangePasswordInput {
    /// The new password (`login` may not be in it), or every field's
    /// problem. Whether `current` is right only the server can tell.
    pub fn validate(&self, login: &str) -> Result<Password, FieldErrors> {
        use ChangePasswordField as F;
        let mut e = FieldErrors::new();
        if self.current.is_empty() {
            e.add(F::Current, CURRENT_MISSING);
        }
        let new = take_new_password(
            &mut e,
            (F::Password, F::Confirm),
            (&self.password, &self.password_confirm),
            login,
        );
        if new.is_some() && self.password == self.current {
            e.add(F::Password, "新密码不能与当前密码相同。");
        }
        new.filter(|_| e.is_empty()).ok_or(e)
    }
}

form_fields! {
    /// 绑定身份验证器: the current password and the app's first code.
    pub enum TotpConfirmField {
        Current = ("current", "当前密码"),
        Code = ("code", "动态码"),
    }
}

/// Checks 绑定身份验证器 as typed: both filled, the code six digits.
pub fn check_totp_confirm(current: &str, code: &str) -> Result<(), FieldErrors> {
    use TotpConfirmField as F;
    let mut e = FieldErrors::new();
    if current.is_empty() {
        e.add(F::Current, CURRENT_MISSING);
    }
    if code.trim().chars().filter(char::is_ascii_digit).count() != 6 {
        e.add(F::Code, "请输入身份验证器App中显示的6位数字。");
    }
    if e.is_empty() {
        Ok(())
    } else {
        Err(e)
    }
}

form_fields! {
    /// 忘记密码, step 1: whose password.
    pub enum ResetRequestField {
        Account = ("account", "账号(统一社会信用代码)"),
    }
}

form_fields! {
    /// 忘记密码, step 2: the code sent to the handler's phone and the new
    /// password.
    pub enum ResetField {
        Code = ("code", "短信验证码"),
        Password = ("password", "新密码"),
        Confirm = ("password_confirm", "确认新密码"),
    }
}

/// 忘记密码 step 2 as typed.
#[derive(Debug, Clone, Default)]
pub struct ResetInput {
    pub code: String,
    pub password: String,
    pub password_confirm: String,
}

impl ResetInput {
    /// The code and the new password (`account` may not be in it), or
    /// every field's problem.
    pub fn validate(&self, account: &str) -> Result<(SmsCode, Password), FieldErrors> {
        use ResetField as F;
        let mut e = FieldErrors::new();
        let code = e.take(F::Code, SmsCode::parse(&self.code));
        let new = take_new_password(
            &mut e,
            (F::Password, F::Confirm),
            (&self.password, &self.password_confirm),
            account,
        );
        code.zip(new).ok_or(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staff_login_is_three_to_thirty_two_plain_characters() {
        assert_eq!(
            parse_staff_login(" nj-xuanwu_01 "),
            Ok("nj-xuanwu_01".into())
        );
        assert_eq!(parse_staff_login("abc"), Ok("abc".into()));
        assert_eq!(parse_staff_login(&"a".repeat(32)), Ok("a".repeat(32)));
        for bad in [
            "",
            "ab",
            "南京玄武",
            "nj xuanwu",
            "nj.xuanwu",
            &"a".repeat(33),
        ] {
            assert_eq!(parse_staff_login(bad), Err(STAFF_LOGIN_RULE), "{bad:?}");
        }
    }

    #[test]
    fn each_kind_round_trips_through_its_code_and_the_wire() {
        for k in UserKind::ALL {
            assert_eq!(UserKind::from_code(k.code()), Some(k));
            let wire = serde_json::to_string(&k).unwrap_or_default();
            assert_eq!(wire, format!("\"{}\"", k.code()));
        }
        assert_eq!(UserKind::from_code("Admin"), None);
        assert_eq!(UserKind::from_code(""), None);
    }

    #[test]
    fn each_account_status_round_trips_through_its_code_and_the_wire() {
        for s in AccountStatus::ALL {
            assert_eq!(AccountStatus::from_code(s.code()), Some(s));
            let wire = serde_json::to_string(&s).unwrap_or_default();
            assert_eq!(wire, format!("\"{}\"", s.code()));
            assert!(!s.label().is_empty());
        }
        assert_eq!(AccountStatus::from_code("locked"), None);
    }

    #[test]
    fn a_form_field_is_named_and_labelled_once() {
        use ChangePasswordField as F;
        assert_eq!(F::Confirm.name(), "password_confirm");
        assert_eq!(F::Confirm.label(), "确认新密码");
        assert_eq!(F::Confirm.to_string(), "password_confirm");
        assert_eq!(
            F::LABELS,
            &[
                ("current", "当前密码"),
                ("password", "新密码"),
                ("password_confirm", "确认新密码")
            ]
        );
    }

    #[test]
    fn a_login_names_an_account_and_perhaps_a_member() {
        let ok = check_login(false, " 9132 0102 ma1x yr7k 61 ", "", "x").unwrap();
        assert_eq!(ok.login, "91320102MA1XYR7K61");
        assert_eq!(ok.member, None);
        // A code that fails its check may be a manually reviewed account.
        let ok = check_login(false, "91350211M0000XUF46", "", "x").unwrap();
        assert_eq!(ok.login, "91350211M0000XUF46");
        let ok = check_login(false, "91320102MA1XYR7K61", "13912340099", "x").unwrap();
        assert_eq!(ok.member, Some(Member::parse("13912340099").unwrap()));
        let e = check_login(false, " ", "1391234", "").unwrap_err();
        assert_eq!(e.get("account"), Some("请输入账号(统一社会信用代码)。"));
        assert!(e.get("member").is_some());
        assert_eq!(e.get("password"), Some("请输入密码。"));
        let e = check_login(false, "9132010", "", "x").unwrap_err();
        assert!(e.get("account").is_some_and(|m| m.contains("18位")));
        // A regulator's 用户名 is looked up as typed; nobody is a member.
        let ok = check_login(true, " nj-xuanwu ", "13912340099", "x").unwrap();
        assert_eq!((ok.login.as_str(), ok.member), ("nj-xuanwu", None));
        let e = check_login(true, "", "", "x").unwrap_err();
        assert_eq!(e.get("account"), Some("请输入用户名。"));
    }

    #[test]
    fn a_changed_password_must_differ_from_the_current_one_and_be_confirmed() {
        let typed = |current: &str, password: &str, confirm: &str| ChangePasswordInput {
            current: current.into(),
            password: password.into(),
            password_confirm: confirm.into(),
        };
        let login = "91320102MA1XYR7K61";
        let ok = typed("Old-Pass-2025", "Safe-Pass-2026", "Safe-Pass-2026").validate(login);
        assert_eq!(
            ok.map(|p| p.expose().to_string()),
            Ok("Safe-Pass-2026".into())
        );
        let e = typed("", "Safe-Pass-2026", "Safe-Pass-2026")
            .validate(login)
            .unwrap_err();
        assert_eq!(e.get("current"), Some(CURRENT_MISSING));
        let e = typed("Safe-Pass-2026", "Safe-Pass-2026", "Safe-Pass-2026")
            .validate(login)
            .unwrap_err();
        assert_eq!(e.get("password"), Some("新密码不能与当前密码相同。"));
        let e = typed("Old-Pass-2025", "Safe-Pass-2026", "Safe-Pass-2027")
            .validate(login)
            .unwrap_err();
        assert!(e.get("password_confirm").is_some());
        assert_eq!(e.iter().count(), 1);
        let e = typed("x", &format!("A{login}!"), "")
            .validate(login)
            .unwrap_err();
        assert!(e.get("password").is_some_and(|m| m.contains("账号")));
    }

    #[test]
    fn a_reset_needs_the_code_and_a_confirmed_password() {
        let typed = |code: &str, password: &str, confirm: &str| ResetInput {
            code: code.into(),
            password: password.into(),
            password_confirm: confirm.into(),
        };
        let (code, password) = typed(" 123456 ", "Safe-Pass-2026", "Safe-Pass-2026")
            .validate("91320102MA1XYR7K61")
            .unwrap();
        assert_eq!(
            (code.as_str(), password.expose()),
            ("123456", "Safe-Pass-2026")
        );
        let e = typed("", "Safe-Pass-2026", "Safe-Pass-2025")
            .validate("91320102MA1XYR7K61")
            .unwrap_err();
        assert!(e.get("code").is_some());
        assert!(e.get("password_confirm").is_some());
        assert_eq!(e.get("password"), None);
    }

    #[test]
    fn binding_an_authenticator_needs_the_password_and_six_digits() {
        assert_eq!(check_totp_confirm("pw", " 123 456 "), Ok(()));
        let e = check_totp_confirm("", "12345").unwrap_err();
        assert_eq!(e.get("current"), Some(CURRENT_MISSING));
        assert!(e.get("code").is_some_and(|m| m.contains("6位数字")));
    }

    #[test]
    fn only_enterprise_accounts_are_not_staff() {
        assert!(!UserKind::Enterprise.is_staff());
        assert!(UserKind::Regulator.is_staff());
        assert!(UserKind::Admin.is_staff());
    }
}
