//! The registration form of an enterprise (法人用户): what each step accepts.

use serde::{Deserialize, Serialize};

use super::credit_code::{CreditCode, CreditCodeFinding};
use super::date::Date;
use super::fields::{form_fields, FieldErrors};
use super::id_document::{IdDocType, IdDocument};
use super::mobile::{Mobile, SmsCode};
use super::normalize::normalize_text;
use super::password::{take_new_password, Password};

/// 法人类型, as offered on the registration page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LegalType {
    Enterprise,
    IndividualBusiness,
    Cooperative,
    PublicInstitution,
    ManualReview,
}

impl LegalType {
    pub const ALL: [LegalType; 5] = [
        LegalType::Enterprise,
        LegalType::IndividualBusiness,
        LegalType::Cooperative,
        LegalType::PublicInstitution,
        LegalType::ManualReview,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LegalType::Enterprise => "enterprise",
            LegalType::IndividualBusiness => "individual_business",
            LegalType::Cooperative => "cooperative",
            LegalType::PublicInstitution => "public_institution",
            LegalType::ManualReview => "manual_review",
        }
    }

    pub fn from_code(code: &str) -> Option<LegalType> {
        LegalType::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            LegalType::Enterprise => "企业法人",
            LegalType::IndividualBusiness => "个体工商户",
            LegalType::Cooperative => "农民专业合作社",
            LegalType::PublicInstitution => "事业单位",
            LegalType::ManualReview => "其它(人工审核)",
        }
    }

    /// The first two characters of the credit code this type carries.
    fn code_prefix(self) -> Option<&'static str> {
        match self {
            LegalType::Enterprise => Some("91"),
            LegalType::IndividualBusiness => Some("92"),
            LegalType::Cooperative => Some("93"),
            LegalType::PublicInstitution => Some("12"),
            LegalType::ManualReview => None,
        }
    }
}

const NAME_MAX: usize = 100;
const PERSON_MAX: usize = 50;

/// Checks a company name: 2–100 characters after normalisation.
pub fn parse_enterprise_name(input: &str) -> Result<String, String> {
    let s = normalize_text(input);
    match s.chars().count() {
        0 => Err("请输入企业名称,与营业执照上的名称一致。".into()),
        1 => Err("企业名称过短,请填写营业执照上的完整名称。".into()),
        n if n > NAME_MAX => Err(format!("企业名称最多{NAME_MAX}个字,请核对。")),
        _ => Ok(s),
    }
}

/// Checks a person's name: 2–50 characters, no digits.
pub fn parse_person_name(input: &str, what: &str) -> Result<String, String> {
    let s = normalize_text(input);
    let n = s.chars().count();
    if n == 0 {
        Err(format!("请输入{what}姓名。"))
    } else if n < 2 {
        Err(format!("{what}姓名至少2个字,请填写证件上的姓名。"))
    } else if n > PERSON_MAX {
        Err(format!("{what}姓名最多{PERSON_MAX}个字。"))
    } else if s.chars().any(|c| c.is_ascii_digit()) {
        Err(format!("{what}姓名中不应有数字,请填写证件上的姓名。"))
    } else {
        Ok(s)
    }
}

/// Step 1 as typed (form field names are the struct's field names, and
/// the column names where it is stored or read back).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrgInfoInput {
    pub legal_type: String,
    pub credit_code: String,
    pub enterprise_name: String,
    pub legal_rep_name: String,
    pub id_doc_type: String,
    pub id_doc_number: String,
    /// 住所, as on the business licence.
    pub address: String,
    /// 所属地区: the most specific GB/T 2260 code chosen (complete = a county).
    pub region_code: String,
    /// 成立日期 (optional).
    pub established: String,
    /// 所属系统 (optional).
    pub industry: String,
}

/// The choices of 所属系统 (optional on the form).
pub const INDUSTRIES: [&str; 5] = ["商贸流通", "石油化工", "医药", "农资", "其他"];

/// Checks 住所: 5–200 characters after normalisation.
pub fn parse_address(input: &str) -> Result<String, String> {
    let s = normalize_text(input);
    match s.chars().count() {
        0 => Err("请输入住所(营业执照上的“住所”或“经营场所”)。".into()),
        1..=4 => Err("住所请写到门牌号,例如:南京市玄武区北京东路1号。".into()),
        n if n > 200 => Err("住所最多200个字。".into()),
        _ => Ok(s),
    }
}

/// Checks 所属地区 as far as the browser can: a GB/T 2260 code below the
/// province. The server also checks that it exists and that it is a county,
/// or a city without counties (东莞, 中山, 儋州): see [`REGION_INCOMPLETE`].
pub fn parse_region(code: &str) -> Result<String, String> {
    let ok = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        Err("请选择所属地区(省份、城市、区县)。".into())
    } else if code.ends_with("0000") {
        Err("请继续选择城市和区县。".into())
    } else {
        Ok(code.to_string())
    }
}

/// The message for a city chosen where a county is still to be chosen.
pub const REGION_INCOMPLETE: &str = "请继续选择区县。";

/// Checks the optional 成立日期: a real date, not in the future.
pub fn parse_established(input: &str, today: Date) -> Result<Option<Date>, String> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    match Date::parse(input) {
        Some(d) if d > today => Err("成立日期不能晚于今天,请对照营业执照填写。".into()),
        Some(d) => Ok(Some(d)),
        None => Err("请按“年-月-日”填写成立日期,例如 2015-06-01。".into()),
    }
}

/// Step 1, valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgInfo {
    pub address: String,
    pub region_code: String,
    pub established: Option<Date>,
    pub industry: String,
    pub legal_type: LegalType,
    pub credit_code: CreditCode,
    pub credit_code_findings: Vec<CreditCodeFinding>,
    pub enterprise_name: String,
    pub legal_rep_name: String,
    pub id_document: IdDocument,
}

/// Checks the credit code as the chosen 法人类型 needs it.
pub fn check_credit_code_for(
    legal_type: Option<LegalType>,
    input: &str,
) -> Result<(CreditCode, Vec<CreditCodeFinding>), String> {
    if legal_type == Some(LegalType::ManualReview) {
        return CreditCode::parse_for_manual_review(input).map_err(|e| e.to_string());
    }
    let code = CreditCode::parse(input).map_err(|e| e.to_string())?;
    Ok((code.clone(), code.org_code_finding().into_iter().collect()))
}

form_fields! {
    /// Step 1, 机构信息.
    pub enum OrgInfoField {
        LegalType = ("legal_type", "法人类型"),
        CreditCode = ("credit_code", "统一社会信用代码"),
        EnterpriseName = ("enterprise_name", "企业名称"),
        LegalRepName = ("legal_rep_name", "法定代表人姓名"),
        IdDocType = ("id_doc_type", "法人证件类型"),
        IdDocNumber = ("id_doc_number", "法人证件号码"),
        Address = ("address", "住所"),
        RegionCode = ("region_code", "所属地区"),
        Established = ("established", "成立日期(选填)"),
        Industry = ("industry", "所属系统(选填)"),
        /// The registry's answer (its time-out offers manual review).
        Verification = ("verification", "机构信息核验"),
    }
}

impl OrgInfoInput {
    pub fn validate(&self, today: Date) -> Result<OrgInfo, FieldErrors> {
        use OrgInfoField as F;
        let mut errors = FieldErrors::new();
        let legal_type = errors.take(
            F::LegalType,
            LegalType::from_code(&self.legal_type).ok_or("请选择法人类型。"),
        );
        let code = errors.take(
            F::CreditCode,
            check_credit_code_for(legal_type, &self.credit_code),
        );
        if let (Some(t), Some((c, _))) = (legal_type, &code) {
            if let Some(prefix) = t.code_prefix() {
                if !c.as_str().starts_with(prefix) {
                    errors.add(
                        F::LegalType,
                        format!(
                            "“{}”的统一社会信用代码以{prefix}开头,您输入的代码以{}开头。请核对法人类型;如都与营业执照一致,请选择“其它(人工审核)”。",
                            t.label(),
                            &c.as_str()[..2]
                        ),
                    );
                }
            }
        }
        let enterprise_name = errors.take(
            F::EnterpriseName,
            parse_enterprise_name(&self.enterprise_name),
        );
        let legal_rep_name = errors.take(
            F::LegalRepName,
            parse_person_name(&self.legal_rep_name, "法定代表人"),
        );
        let doc_type = errors.take(
            F::IdDocType,
            IdDocType::from_code(&self.id_doc_type).ok_or("请选择法人证件类型。"),
        );
        let address = errors.take(F::Address, parse_address(&self.address));
        let region_code = errors.take(F::RegionCode, parse_region(&self.region_code));
        let established = errors.take(F::Established, parse_established(&self.established, today));
        let industry = self.industry.trim().to_string();
        if !industry.is_empty() && !INDUSTRIES.contains(&industry.as_str()) {
            errors.add(F::Industry, "请从列表中选择所属系统,或不选。");
        }
        let id_document = doc_type.and_then(|t| {
            errors.take(
                F::IdDocNumber,
                IdDocument::parse(t, &self.id_doc_number, today),
            )
        });
        match (
            (
                legal_type,
                code,
                enterprise_name,
                legal_rep_name,
                id_document,
            ),
            (address, region_code, established),
        ) {
            (
                (Some(legal_type), Some((credit_code, findings)), Some(en), Some(rep), Some(doc)),
                (Some(address), Some(region_code), Some(established)),
            ) if errors.is_empty() => Ok(OrgInfo {
                address,
                region_code,
                established,
                industry,
                legal_type,
                credit_code,
                credit_code_findings: findings,
                enterprise_name: en,
                legal_rep_name: rep,
                id_document: doc,
            }),
            _ => Err(errors),
        }
    }
}

form_fields! {
    /// Step 2, 经办人与密码.
    pub enum AccountInfoField {
        HandlerName = ("handler_name", "经办人姓名"),
        HandlerMobile = ("handler_mobile", "经办人手机号"),
        SmsCode = ("sms_code", "短信验证码"),
        Password = ("password", "设置密码"),
        Confirm = ("password_confirm", "确认密码"),
    }
}

/// Step 2 as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInput {
    pub handler_name: String,
    pub handler_mobile: String,
    /// The SMS code sent to `handler_mobile`.
    pub sms_code: String,
    pub password: String,
    pub password_confirm: String,
}

/// Step 2, valid.
#[derive(Debug, Clone)]
pub struct AccountInfo {
    pub handler_name: String,
    pub handler_mobile: Mobile,
    pub sms_code: SmsCode,
    pub password: Password,
}

impl AccountInput {
    /// `account` is the credit code the password must not contain.
    pub fn validate(&self, account: &str) -> Result<AccountInfo, FieldErrors> {
        use AccountInfoField as F;
        let mut errors = FieldErrors::new();
        let handler_name = errors.take(
            F::HandlerName,
            parse_person_name(&self.handler_name, "经办人"),
        );
        let handler_mobile = errors.take(F::HandlerMobile, Mobile::parse(&self.handler_mobile));
        let sms_code = errors.take(F::SmsCode, SmsCode::parse(&self.sms_code));
        let password = take_new_password(
            &mut errors,
            (F::Password, F::Confirm),
            (&self.password, &self.password_confirm),
            account,
        );
        match (handler_name, handler_mobile, sms_code, password) {
            (Some(handler_name), Some(handler_mobile), Some(sms_code), Some(password))
                if errors.is_empty() =>
            {
                Ok(AccountInfo {
                    handler_name,
                    handler_mobile,
                    sms_code,
                    password,
                })
            }
            _ => Err(errors),
        }
    }
}

/// How the organisation data of a draft was confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verification {
    /// The enterprise-credit registry confirmed it: the account is active at once.
    Registry,
    /// Left to an administrator: the account waits in the review queue.
    Manual,
}

impl Verification {
    pub fn code(self) -> &'static str {
        match self {
            Verification::Registry => "registry",
            Verification::Manual => "manual",
        }
    }

    pub fn from_code(code: &str) -> Option<Verification> {
        match code {
            "registry" => Some(Verification::Registry),
            "manual" => Some(Verification::Manual),
            _ => None,
        }
    }

    /// The status of an account created from a draft confirmed this way.
    pub fn account_status(self) -> super::AccountStatus {
        match self {
            Verification::Registry => super::AccountStatus::Active,
            Verification::Manual => super::AccountStatus::PendingReview,
        }
    }
}

/// A reviewer's decision on a registration waiting for manual review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewDecision {
    Approve,
    /// Sent back, with the reason the applicant is told.
    Reject,
}

impl ReviewDecision {
    /// The form's and the wire's word (serde's).
    pub const fn code(self) -> &'static str {
        match self {
            ReviewDecision::Approve => "approve",
            ReviewDecision::Reject => "reject",
        }
    }
}

/// The reason of a rejected registration: the applicant corrects by it,
/// so it has at least this many characters.
pub const MIN_REJECT_REASON: usize = 4;

/// A rejection without enough of a reason.
pub const REJECT_REASON_MISSING: &str =
    "请填写不通过的原因(至少4个字),申请人将据此修改后重新注册。";

/// A rejection reason as the applicant will read it, or what to write instead.
pub fn reject_reason(text: &str) -> Result<String, &'static str> {
    let reason = normalize_text(text);
    if reason.chars().count() < MIN_REJECT_REASON {
        Err(REJECT_REASON_MISSING)
    } else {
        Ok(reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_code_is_its_wire_word() {
        for d in [ReviewDecision::Approve, ReviewDecision::Reject] {
            assert_eq!(
                serde_json::to_string(&d).ok(),
                Some(format!("{:?}", d.code()))
            );
        }
    }

    #[test]
    fn a_rejection_needs_a_reason_of_four_characters() {
        assert!(reject_reason("  不 符 ").is_err());
        assert!(reject_reason("名称不符").is_ok());
        assert_eq!(
            reject_reason(" 名称　不一致 ").as_deref(),
            Ok("名称 不一致")
        );
    }

    #[test]
    fn decisions_travel_as_lowercase_words() {
        let json = serde_json::to_string(&ReviewDecision::Reject).unwrap();
        assert_eq!(json, "\"reject\"");
        let back: ReviewDecision = serde_json::from_str("\"approve\"").unwrap();
        assert_eq!(back, ReviewDecision::Approve);
    }

    fn today() -> Date {
        Date::new(2026, 11, 28).unwrap()
    }

    fn org(legal_type: &str, code: &str) -> OrgInfoInput {
        OrgInfoInput {
            legal_type: legal_type.into(),
            credit_code: code.into(),
            enterprise_name: " 南京示例化工有限公司 ".into(),
            legal_rep_name: "张三".into(),
            id_doc_type: "resident_id".into(),
            id_doc_number: "11010519491231002x".into(),
            address: "南京市玄武区北京东路1号".into(),
            region_code: "320102".into(),
            established: "2015-06-01".into(),
            industry: String::new(),
        }
    }

    #[test]
    fn region_address_and_date_rules() {
        assert_eq!(parse_region("320102"), Ok("320102".into()));
        assert!(parse_region("320000").unwrap_err().contains("城市和区县"));
        assert_eq!(parse_region("441900"), Ok("441900".into()));
        assert!(parse_region("").is_err());
        assert!(parse_address("南京").is_err());
        let today = Date::new(2026, 11, 28).unwrap();
        assert_eq!(parse_established("", today), Ok(None));
        assert!(parse_established("2027-01-01", today)
            .unwrap_err()
            .contains("不能晚于今天"));
        assert!(parse_established("2015-02-30", today)
            .unwrap_err()
            .contains("年-月-日"));
        let mut bad = org("enterprise", "91320102MA1XYR7K61");
        bad.industry = "军工".into();
        assert!(bad.validate(today).unwrap_err().get("industry").is_some());
    }

    #[test]
    fn valid_step_one_is_normalised() {
        let ok = org("enterprise", "9132 0102 ma1x yr7k 61")
            .validate(today())
            .unwrap();
        assert_eq!(ok.credit_code.as_str(), "91320102MA1XYR7K61");
        assert_eq!(ok.enterprise_name, "南京示例化工有限公司");
        assert_eq!(ok.id_document.number(), "11010519491231002X");
    }

    #[test]
    fn each_error_at_its_field() {
        let mut input = org("", "91320102MA1XYR7K62");
        input.enterprise_name = String::new();
        input.id_doc_number = "110101199003071234".into();
        let e = org_errors(&input);
        assert!(e.get("legal_type").is_some());
        assert!(e.get("credit_code").unwrap_or("").contains("校验位"));
        assert!(e.get("enterprise_name").is_some());
        assert!(e.get("id_doc_number").unwrap_or("").contains("校验位"));
        assert_eq!(e.get("legal_rep_name"), None);
    }

    fn org_errors(input: &OrgInfoInput) -> FieldErrors {
        input.validate(today()).err().unwrap_or_default()
    }

    #[test]
    fn legal_type_must_match_code() {
        let e = org_errors(&org("individual_business", "91320102MA1XYR7K61"));
        assert!(e.get("legal_type").unwrap_or("").contains("以92开头"));
    }

    #[test]
    fn manual_review_accepts_failing_check_char() {
        let ok = org("manual_review", "91350211M0000XUF46")
            .validate(today())
            .unwrap();
        assert_eq!(ok.credit_code_findings.len(), 1);
        assert!(org("enterprise", "91350211M0000XUF46")
            .validate(today())
            .is_err());
    }

    #[test]
    fn account_step() {
        let input = AccountInput {
            handler_name: "李四".into(),
            handler_mobile: "+86 138 0013 8000".into(),
            sms_code: "123456".into(),
            password: "Safe-Pass-2026".into(),
            password_confirm: "Safe-Pass-2026".into(),
        };
        let ok = input.validate("91320102MA1XYR7K61").unwrap();
        assert_eq!(ok.handler_mobile.as_str(), "13800138000");
        let bad = AccountInput {
            password_confirm: "x".into(),
            ..input.clone()
        };
        assert!(bad
            .validate("91320102MA1XYR7K61")
            .unwrap_err()
            .get("password_confirm")
            .is_some());
        let bad = AccountInput {
            password: "Safe*Pass-2026".into(),
            ..input
        };
        assert!(bad
            .validate("91320102MA1XYR7K61")
            .unwrap_err()
            .get("password")
            .unwrap_or("")
            .contains("# * /"));
    }
}

#[cfg(test)]
mod empty_form_tests {
    use super::*;

    #[test]
    fn every_empty_field_gets_its_message() {
        let input = OrgInfoInput {
            legal_type: "enterprise".into(),
            credit_code: "91350211M0000XUF46".into(),
            id_doc_type: "resident_id".into(),
            ..Default::default()
        };
        let e = input
            .validate(Date::new(2026, 11, 28).unwrap())
            .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(k, _)| k).collect();
        assert_eq!(
            fields,
            [
                "address",
                "credit_code",
                "enterprise_name",
                "id_doc_number",
                "legal_rep_name",
                "region_code"
            ]
        );
    }
}
