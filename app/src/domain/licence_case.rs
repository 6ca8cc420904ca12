//! 许可证业务: the licence cases of 《危险化学品经营许可证管理办法》
//! (原安监总局令第55号, amended by 第79号): what kind a case is, its steps and
//! who may move it on, its legal clocks in working days, the materials it
//! needs, and the checks of the applicant's form and of the on-site record.
//!
//! Every limit is dated policy data ([`CASE_POLICIES`]), so a revised rule is
//! a data change. Everything here is pure and runs in the browser and again
//! on the server.

use serde::{Deserialize, Serialize};

use super::business_mode::BusinessMode;
use super::calendar::Calendar;
use super::enterprise_info::{check_cas, EnterpriseRecord, HazardResult, HazardVerdict, ScopeItem};
use super::licence::LicenceNumber;
use super::major_hazard::StorageUnit;
use super::mobile::Mobile;
use super::normalize::normalize_text;
use super::{Date, FieldErrors};

/// The service items (政务服务事项) of the 危险化学品经营许可.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseKind {
    /// 首次申请 (核发), also a 重新申请 after a change that is no 变更.
    New,
    /// 延期换证.
    Renewal,
    /// 变更 (企业名称, 主要负责人, 注册地址, 储存设施).
    Change,
    /// 注销.
    Cancel,
    /// 补证 (a lost or damaged certificate).
    Reissue,
}

impl CaseKind {
    pub const ALL: [CaseKind; 5] = [
        CaseKind::New,
        CaseKind::Renewal,
        CaseKind::Change,
        CaseKind::Cancel,
        CaseKind::Reissue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseKind::New => "new",
            CaseKind::Renewal => "renewal",
            CaseKind::Change => "change",
            CaseKind::Cancel => "cancel",
            CaseKind::Reissue => "reissue",
        }
    }

    pub fn from_code(code: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseKind::New => "首次申请",
            CaseKind::Renewal => "延期换证",
            CaseKind::Change => "变更",
            CaseKind::Cancel => "注销",
            CaseKind::Reissue => "补证",
        }
    }

    /// Whether the case concerns a licence the enterprise already holds.
    pub fn needs_licence(self) -> bool {
        self != CaseKind::New
    }

    /// Whether deciding it ends with a certificate being issued.
    pub fn issues_certificate(self) -> bool {
        self != CaseKind::Cancel
    }
}

/// Where a case stands. The enterprise holds it in `Draft` and
/// `Correction`, the issuing authority in `Submitted`, `Accepted` and
/// `Approved`; the rest are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Step {
    Draft,
    /// 待受理.
    Submitted,
    /// 待补正: the 补正通知 went out; the applicant corrects and resubmits.
    Correction,
    /// 审查中 (documents and the on-site check).
    Accepted,
    /// 准予许可, the certificate not yet issued.
    Approved,
    /// 已办结: issued (or, for a 注销, cancelled).
    Done,
    /// 不予受理.
    NotAccepted,
    /// 不予许可.
    Refused,
    Withdrawn,
}

impl Step {
    pub const ALL: [Step; 9] = [
        Step::Draft,
        Step::Submitted,
        Step::Correction,
        Step::Accepted,
        Step::Approved,
        Step::Done,
        Step::NotAccepted,
        Step::Refused,
        Step::Withdrawn,
    ];
    /// The steps of an open case the issuing authority works on (an inbox
    /// and a dashboard show these).
    pub const OPEN: [Step; 4] = [
        Step::Submitted,
        Step::Correction,
        Step::Accepted,
        Step::Approved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::Draft => "draft",
            Step::Submitted => "submitted",
            Step::Correction => "correction",
            Step::Accepted => "accepted",
            Step::Approved => "approved",
            Step::Done => "done",
            Step::NotAccepted => "not_accepted",
            Step::Refused => "refused",
            Step::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self, kind: CaseKind) -> &'static str {
        match self {
            Step::Draft => "填写中(未提交)",
            Step::Submitted => "待受理",
            Step::Correction => "待补正",
            Step::Accepted => "审查中",
            Step::Approved if kind == CaseKind::Cancel => "准予注销",
            Step::Approved => "准予许可,待发证",
            Step::Done if kind == CaseKind::Cancel => "已注销",
            Step::Done => "已发证",
            Step::NotAccepted => "不予受理",
            Step::Refused => "不予许可",
            Step::Withdrawn => "已撤回",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            Step::Done | Step::NotAccepted | Step::Refused | Step::Withdrawn
        )
    }

    /// Who must act next.
    pub fn holder(self) -> Holder {
        match self {
            Step::Draft | Step::Correction => Holder::Applicant,
            Step::Submitted | Step::Accepted | Step::Approved => Holder::Issuer,
            _ => Holder::Nobody,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Holder {
    Applicant,
    Issuer,
    Nobody,
}

/// What someone does to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    Submit,
    Withdraw,
    /// 补正通知: everything missing, once.
    RequestCorrection,
    Accept,
    NotAccept,
    /// The on-site check record (does not move the step).
    RecordOnSite,
    Approve,
    Refuse,
    Issue,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::Submit,
        Action::Withdraw,
        Action::RequestCorrection,
        Action::Accept,
        Action::NotAccept,
        Action::RecordOnSite,
        Action::Approve,
        Action::Refuse,
        Action::Issue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Withdraw => "withdraw",
            Action::RequestCorrection => "correction",
            Action::Accept => "accept",
            Action::NotAccept => "not_accept",
            Action::RecordOnSite => "onsite",
            Action::Approve => "approve",
            Action::Refuse => "refuse",
            Action::Issue => "issue",
        }
    }

    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Which side makes this move.
    pub fn by(self) -> Holder {
        match self {
            Action::Submit | Action::Withdraw => Holder::Applicant,
            _ => Holder::Issuer,
        }
    }

    pub fn label(self, kind: CaseKind) -> &'static str {
        match self {
            Action::Submit => "提交申请",
            Action::Withdraw => "撤回申请",
            Action::RequestCorrection => "一次性告知补正",
            Action::Accept => "受理",
            Action::NotAccept => "不予受理",
            Action::RecordOnSite => "登记现场核查",
            Action::Approve if kind == CaseKind::Cancel => "准予注销",
            Action::Approve => "准予许可",
            Action::Refuse => "不予许可",
            Action::Issue => "发证",
        }
    }
}

/// The facts about a case that decide which moves are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts {
    pub kind: CaseKind,
    pub step: Step,
    /// A 补正通知 went out before (there is only one).
    pub corrected_once: bool,
    /// The 受理 limit has passed while it was submitted (视为受理).
    pub deemed_accepted: bool,
    /// An on-site check is recorded and concluded 符合条件.
    pub onsite_passed: bool,
    /// An on-site check is needed before approval.
    pub onsite_needed: bool,
}

/// The next step after `action`, or why it is not possible now.
pub fn next_step(f: CaseFacts, action: Action) -> Result<Step, String> {
    use Action as A;
    use Step as S;
    let not_now = || {
        format!(
            "案件当前为“{}”,不能{}。请按最新进度办理。",
            f.step.label(f.kind),
            action.label(f.kind)
        )
    };
    match (f.step, action) {
        (S::Draft | S::Correction, A::Submit) => Ok(S::Submitted),
        (S::Draft | S::Submitted | S::Correction, A::Withdraw) => Ok(S::Withdrawn),
        (S::Submitted, A::RequestCorrection | A::NotAccept) if f.deemed_accepted => Err(
            "已超过法定受理期限,依法视为受理,不能再要求补正或不予受理;请点击“受理”后进入审查。"
                .into(),
        ),
        (S::Submitted, A::RequestCorrection) if f.corrected_once => Err(
            "补正通知只能发一次(须一次性告知需要补正的全部内容)。补正后仍不符合要求的,请“不予受理”并写明理由。"
                .into(),
        ),
        (S::Submitted, A::RequestCorrection) => Ok(S::Correction),
        (S::Submitted, A::Accept) => Ok(S::Accepted),
        (S::Submitted, A::NotAccept) => Ok(S::NotAccepted),
        (S::Accepted, A::RecordOnSite) if f.onsite_needed || f.kind != CaseKind::Cancel => {
            Ok(S::Accepted)
        }
        (S::Accepted, A::Approve) if f.onsite_needed && !f.onsite_passed => Err(
            "准予许可前须登记现场核查(至少两名核查人员,结论为“符合条件”)。".into(),
        ),
        (S::Accepted, A::Approve) if f.kind == CaseKind::Cancel => Ok(S::Done),
        (S::Accepted, A::Approve) => Ok(S::Approved),
        (S::Accepted, A::Refuse) => Ok(S::Refused),
        (S::Approved, A::Issue) => Ok(S::Done),
        _ => Err(not_now()),
    }
}

/// What changed, for a 变更 (55号令 第十四条) and the changes that are no
/// 变更 but a new application (第十五条–第十六条 and the provincial guides).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChangeItem {
    Name,
    Principal,
    RegisteredAddress,
    StorageFacilities,
    BusinessMode,
    Scope,
    PremisesMoved,
    StorageMoved,
}

impl ChangeItem {
    pub const ALL: [ChangeItem; 8] = [
        ChangeItem::Name,
        ChangeItem::Principal,
        ChangeItem::RegisteredAddress,
        ChangeItem::StorageFacilities,
        ChangeItem::BusinessMode,
        ChangeItem::Scope,
        ChangeItem::PremisesMoved,
        ChangeItem::StorageMoved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChangeItem::Name => "name",
            ChangeItem::Principal => "principal",
            ChangeItem::RegisteredAddress => "registered_address",
            ChangeItem::StorageFacilities => "storage_facilities",
            ChangeItem::BusinessMode => "business_mode",
            ChangeItem::Scope => "scope",
            ChangeItem::PremisesMoved => "premises_moved",
            ChangeItem::StorageMoved => "storage_moved",
        }
    }

    pub fn from_code(code: &str) -> Option<ChangeItem> {
        ChangeItem::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ChangeItem::Name => "企业名称",
            ChangeItem::Principal => "主要负责人",
            ChangeItem::RegisteredAddress => "注册地址",
            ChangeItem::StorageFacilities => "危险化学品储存设施及其监控措施(原址改建、扩建)",
            ChangeItem::BusinessMode => "经营方式",
            ChangeItem::Scope => "许可范围(经营的危险化学品品种)",
            ChangeItem::PremisesMoved => "经营场所搬迁",
            ChangeItem::StorageMoved => "储存场所搬迁",
        }
    }

    /// Why this change needs a new application instead of a 变更, or None.
    pub fn reapply_reason(self) -> Option<&'static str> {
        match self {
            ChangeItem::BusinessMode => {
                Some("变更经营方式的,应当重新申请经营许可证(不能办理变更)。")
            }
            ChangeItem::Scope => {
                Some("增加或改变许可范围的,应当重新申请经营许可证(不能办理变更)。")
            }
            ChangeItem::PremisesMoved => {
                Some("经营场所搬迁的,应当重新申请经营许可证(不能办理变更)。")
            }
            ChangeItem::StorageMoved => {
                Some("储存场所搬迁或异地新建储存设施的,应当重新申请经营许可证(不能办理变更)。")
            }
            _ => None,
        }
    }
}

/// One item of the materials checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub code: &'static str,
    pub title: &'static str,
    /// 原件 (the signed and stamped original, scanned) or 扫描件 (a copy).
    pub original: bool,
}

const fn m(code: &'static str, title: &'static str, original: bool) -> Material {
    Material {
        code,
        title,
        original,
    }
}

/// The 55号令 list for a first application (第八条).
const NEW_BASE: [Material; 6] = [
    m("application", "申请经营许可证的文件及申请书", true),
    m("rules", "安全生产规章制度和岗位操作规程的目录清单", false),
    m("certificates", "主要负责人、安全生产管理人员、特种作业人员的资格证书(复印件)和其他从业人员培训合格的证明材料", false),
    m("premises", "经营场所产权证明文件或者租赁证明文件(复印件)", false),
    m("licence_business", "工商营业执照或者工商部门颁发的企业名称预先核准文件(复印件)", false),
    m("emergency_plan", "危险化学品事故应急预案备案登记表(复印件)", false),
];

/// Extra items for a business with storage facilities (第九条).
const NEW_STORAGE: [Material; 3] = [
    m(
        "storage_title",
        "储存设施产权证明或租赁证明(新建、改建、扩建的,建设项目安全设施竣工验收报告)",
        false,
    ),
    m(
        "safety_staff",
        "专职安全生产管理人员的学历证书、技术职称证书或者危险化学品特种作业操作证(复印件)",
        false,
    ),
    m("assessment", "安全评价报告", false),
];

const MAJOR_HAZARD: Material = m("major_hazard_record", "重大危险源备案证明材料", false);
const OLD_LICENCE: Material = m("old_licence", "原危险化学品经营许可证正、副本", true);

/// The materials a case needs, from the case itself.
pub fn materials(
    kind: CaseKind,
    storage: bool,
    major_hazard: bool,
    changes: &[ChangeItem],
    simplified: bool,
) -> Vec<Material> {
    let full_new = || {
        let mut v = NEW_BASE.to_vec();
        if storage {
            v.extend(NEW_STORAGE);
            if major_hazard {
                v.push(MAJOR_HAZARD);
            }
        }
        v
    };
    match kind {
        CaseKind::New => full_new(),
        CaseKind::Renewal => {
            let mut v = vec![m("renewal_application", "延期申请书", true), OLD_LICENCE];
            if simplified {
                v.push(m(
                    "compliance_statement",
                    "经营期间守法、安全条件未降低、未发生死亡事故或者其他造成社会不良影响的生产安全事故的承诺书",
                    true,
                ));
                if storage {
                    v.push(m("standardisation", "安全生产标准化二级及以上证书", false));
                }
            } else {
                v.extend(full_new().into_iter().skip(1));
            }
            v
        }
        CaseKind::Change => {
            let mut v = vec![m("change_application", "变更申请书", true), OLD_LICENCE];
            for c in changes {
                match c {
                    ChangeItem::Name | ChangeItem::RegisteredAddress
                        if !v.iter().any(|x| x.code == "new_business_licence") =>
                    {
                        v.push(m(
                            "new_business_licence",
                            "变更后的工商营业执照副本(复印件)",
                            false,
                        ))
                    }
                    ChangeItem::Principal => v.push(m(
                        "principal_certificate",
                        "变更后的主要负责人安全生产知识和管理能力考核合格证明(复印件)",
                        false,
                    )),
                    ChangeItem::StorageFacilities => {
                        v.push(m(
                            "storage_assessment",
                            "储存设施及监控措施的专项安全评价报告",
                            false,
                        ));
                        v.push(m(
                            "storage_acceptance",
                            "建设项目安全设施竣工验收报告",
                            false,
                        ));
                    }
                    _ => {}
                }
            }
            v
        }
        CaseKind::Cancel => vec![m("cancel_application", "注销申请书", true), OLD_LICENCE],
        CaseKind::Reissue => vec![
            m("reissue_application", "补证申请书", true),
            m(
                "loss_notice",
                "遗失声明(登报或政府网站公告)或损毁的原证",
                false,
            ),
        ],
    }
}

/// A time limit of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Limit {
    Days(u32),
    WorkingDays(u32),
}

impl Limit {
    pub fn after(self, start: Date, cal: &Calendar) -> Date {
        match self {
            Limit::Days(n) => start.add_days(i64::from(n)),
            Limit::WorkingDays(n) => cal.add_working_days(start, n),
        }
    }

    pub fn text(self) -> String {
        match self {
            Limit::Days(n) => format!("{n}日"),
            Limit::WorkingDays(n) => format!("{n}个工作日"),
        }
    }
}

/// The legal limits in force from `since`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CasePolicy {
    pub since: &'static str,
    pub source: &'static str,
    /// 受理 or 补正 after submission.
    pub accept: Limit,
    /// Decision after acceptance: a first application, a renewal.
    pub decide: Limit,
    /// Decision on a 变更, 注销 or 补证.
    pub decide_short: Limit,
    /// Issue after approval.
    pub issue: Limit,
    /// A 变更 is filed within this of the change.
    pub change_filing: Limit,
    /// A 延期 is filed at least this many months before expiry.
    pub renewal_months_before: i32,
    pub validity_years: i32,
}

pub const CASE_POLICIES: &[CasePolicy] = &[CasePolicy {
    since: "2015-07-01",
    source: "《危险化学品经营许可证管理办法》(原国家安全监管总局令第55号,第79号令修正)、《行政许可法》第三十二条、第四十二条、第四十四条",
    accept: Limit::WorkingDays(5),
    decide: Limit::Days(30),
    decide_short: Limit::WorkingDays(10),
    issue: Limit::WorkingDays(10),
    change_filing: Limit::WorkingDays(20),
    renewal_months_before: 3,
    validity_years: 3,
}];

/// The policy in force on `date` (the first one for earlier dates).
pub fn case_policy_at(date: Date) -> &'static CasePolicy {
    CASE_POLICIES
        .iter()
        .rev()
        .find(|p| Date::parse(p.since).is_some_and(|s| s <= date))
        .unwrap_or(&CASE_POLICIES[0])
}

/// An issuer's promise (承诺时限): shorter limits it publishes, from a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Promise {
    pub accept_working_days: Option<u32>,
    pub decide_working_days: Option<u32>,
    pub issue_working_days: Option<u32>,
}

fn shorter(legal: Limit, promised: Option<u32>, start: Date, cal: &Calendar) -> Date {
    let legal_end = legal.after(start, cal);
    match promised {
        Some(n) => legal_end.min(cal.add_working_days(start, n)),
        None => legal_end,
    }
}

/// When the current step of a case must be done.
pub fn deadline(
    kind: CaseKind,
    step: Step,
    started: Date,
    paused_days: i64,
    promise: &Promise,
    cal: &Calendar,
) -> Option<Date> {
    let p = case_policy_at(started);
    let d = match step {
        Step::Submitted => shorter(p.accept, promise.accept_working_days, started, cal),
        Step::Accepted => {
            let legal = match kind {
                CaseKind::New | CaseKind::Renewal => p.decide,
                _ => p.decide_short,
            };
            shorter(legal, promise.decide_working_days, started, cal).add_days(paused_days)
        }
        Step::Approved => shorter(p.issue, promise.issue_working_days, started, cal),
        _ => return None,
    };
    Some(d)
}

/// Whether a filing was in time, and if not, by how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Timeliness {
    InTime,
    /// Late; the text says by how much and what follows.
    Late(String),
}

/// A 变更 filed on `filed` for a change made on `changed_on`.
pub fn change_timeliness(changed_on: Date, filed: Date, cal: &Calendar) -> Timeliness {
    let p = case_policy_at(filed);
    let limit = p.change_filing.after(changed_on, cal);
    if filed <= limit {
        Timeliness::InTime
    } else {
        Timeliness::Late(format!(
            "变更发生于 {changed_on},应在{}内(即 {limit} 前)申请变更,已逾期 {} 个工作日。申请照常受理,逾期情况将记录在案。",
            p.change_filing.text(),
            cal.working_days_between(limit, filed)
        ))
    }
}

/// A 延期 filed on `filed` for a licence valid until `until`.
pub fn renewal_timeliness(until: Date, filed: Date) -> Timeliness {
    let p = case_policy_at(filed);
    let latest = until.add_months(-p.renewal_months_before);
    if filed <= latest {
        Timeliness::InTime
    } else if filed <= until {
        Timeliness::Late(format!(
            "延期申请应在有效期届满{}个月前(即 {latest} 前)提出,现已逾期;申请照常受理,发证机关将优先审查。请尽快提交,有效期届满({until})前未获批准的,不得继续经营。",
            p.renewal_months_before
        ))
    } else {
        Timeliness::Late(format!(
            "许可证已于 {until} 过期,已不能延期:过期后应重新申请(首次申请),在取得新证前不得经营。"
        ))
    }
}

/// A line of a case's history (`licence_case_events.action`): a move, or
/// one of the steps around the moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseEvent {
    Start,
    /// Claimed by, or assigned to, one of the issuer's staff.
    Claim,
    /// A 现场核查 scheduled.
    OnSitePlan,
    Move(Action),
}

impl CaseEvent {
    /// The stored word.
    pub fn code(self) -> &'static str {
        match self {
            CaseEvent::Start => "start",
            CaseEvent::Claim => "claim",
            CaseEvent::OnSitePlan => "onsite_plan",
            CaseEvent::Move(a) => a.code(),
        }
    }

    pub fn from_code(code: &str) -> Option<CaseEvent> {
        match code {
            "start" => Some(CaseEvent::Start),
            "claim" => Some(CaseEvent::Claim),
            "onsite_plan" => Some(CaseEvent::OnSitePlan),
            _ => Action::from_code(code).map(CaseEvent::Move),
        }
    }

    /// What happened, in the words of a case of `kind`.
    pub fn label(self, kind: CaseKind) -> &'static str {
        match self {
            CaseEvent::Start => "开始办理",
            CaseEvent::Claim => "认领或指派",
            CaseEvent::OnSitePlan => "安排现场核查",
            CaseEvent::Move(a) => a.label(kind),
        }
    }
}

/// Where a certificate stands (`certificates.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CertificateStatus {
    /// In force (until its expiry date).
    Valid,
    /// Superseded by a certificate a 变更, 延期 or 补证 issued.
    Replaced,
    /// Ended by a 注销.
    Cancelled,
}

impl CertificateStatus {
    pub const ALL: [CertificateStatus; 3] = [
        CertificateStatus::Valid,
        CertificateStatus::Replaced,
        CertificateStatus::Cancelled,
    ];

    /// The stored word.
    pub fn code(self) -> &'static str {
        match self {
            CertificateStatus::Valid => "valid",
            CertificateStatus::Replaced => "replaced",
            CertificateStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<CertificateStatus> {
        CertificateStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// Which authority level issues (55号令 第五条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IssuerLevel {
    City,
    County,
}

impl IssuerLevel {
    /// 设区的市级 for 剧毒/易制爆, 加油站, 仓储经营 and any storage; 县级 otherwise.
    pub fn for_case(mode: Option<BusinessMode>, toxic_or_explosive: bool) -> IssuerLevel {
        match mode {
            _ if toxic_or_explosive => IssuerLevel::City,
            Some(BusinessMode::NoStorage) => IssuerLevel::County,
            _ => IssuerLevel::City,
        }
    }

    /// The region code of the issuing authority for an enterprise in `region` (6 digits).
    pub fn region(self, region: &str) -> String {
        match self {
            IssuerLevel::City if region.len() == 6 => format!("{}00", &region[..4]),
            _ => region.to_string(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IssuerLevel::City => "设区的市级应急管理部门",
            IssuerLevel::County => "县级应急管理部门",
        }
    }
}

/// The enterprise as a certificate names it (the first items of 55号令's
/// list), stored with the certificate and shown on it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Licensee {
    pub name: String,
    pub credit_code: String,
    pub legal_rep: String,
    pub registered_address: String,
    pub business_address: String,
    pub storage_address: String,
}

impl Licensee {
    /// 注册地址, 经营场所 and 储存场所.
    pub fn places(&self) -> [&str; 3] {
        [
            &self.registered_address,
            &self.business_address,
            &self.storage_address,
        ]
    }
}

/// What the applicant fills in. Starts from the enterprise record and the
/// licence concerned, so nothing known is retyped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub name: String,
    pub legal_rep: String,
    pub principal_name: String,
    pub registered_address: String,
    pub business_address: String,
    pub storage_address: String,
    /// A [`BusinessMode`] code.
    pub mode: String,
    pub scope: Vec<ScopeItem>,
    /// Handles 剧毒化学品 or 易制爆危险化学品 (the city issues).
    pub toxic_or_explosive: bool,
    pub major_hazard: bool,
    /// The licence concerned (all kinds but a first application).
    pub licence_number: String,
    pub licence_valid_until: String,
    /// 变更: what changed and when.
    pub changes: Vec<ChangeItem>,
    pub changed_on: String,
    /// 延期: the simplified procedure (no materials re-submitted).
    pub simplified: bool,
    /// 注销 / 补证: why.
    pub reason: String,
    pub contact_name: String,
    pub contact_mobile: String,
    /// Uploaded scans by checklist item code.
    pub files: Vec<Attached>,
    /// The 储存单元 of the enterprise record (GB 18218-2018 identification).
    #[serde(default)]
    pub storage_units: Vec<StorageUnit>,
    /// An official 辨识 report whose conclusion differs from the computed one.
    #[serde(default)]
    pub major_hazard_report: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attached {
    pub item: String,
    pub id: String,
    pub name: String,
}

impl Application {
    /// 注册地址, 经营场所 and 储存场所.
    pub fn places(&self) -> [&str; 3] {
        [
            &self.registered_address,
            &self.business_address,
            &self.storage_address,
        ]
    }

    /// The enterprise of `credit_code` as a certificate issued on this
    /// application names it.
    pub fn licensee(&self, credit_code: &str) -> Licensee {
        Licensee {
            name: self.name.clone(),
            credit_code: credit_code.to_string(),
            legal_rep: self.legal_rep.clone(),
            registered_address: self.registered_address.clone(),
            business_address: self.business_address.clone(),
            storage_address: self.storage_address.clone(),
        }
    }

    pub fn business_mode(&self) -> Option<BusinessMode> {
        BusinessMode::from_code(&self.mode)
    }

    pub fn has_storage(&self) -> bool {
        !matches!(self.business_mode(), Some(BusinessMode::NoStorage) | None)
    }

    /// The 重大危险源辨识 of the storage units, by the same rule as 完善信息
    /// (None without storage or without complete units).
    pub fn hazard(&self) -> Option<HazardResult> {
        self.identification().filter(|_| self.has_storage())
    }

    /// The 辨识 of the storage units, whatever the mode.
    fn identification(&self) -> Option<HazardResult> {
        EnterpriseRecord {
            has_storage: "yes".into(),
            storage_units: self.storage_units.clone(),
            ..EnterpriseRecord::default()
        }
        .hazard_identification()
        .0
    }

    /// The conclusion of the 辨识 computed from the storage units, where it
    /// governs: none without complete units, or when the enterprise stated
    /// an official report (whose conclusion wins). It does not depend on
    /// the form's answers, so the server computes it once and the browser
    /// checks with it as given; the checks apply it only to a mode with
    /// storage.
    pub fn identified(&self) -> Option<HazardVerdict> {
        if !normalize_text(&self.major_hazard_report).is_empty() {
            return None;
        }
        self.identification().map(|h| h.verdict())
    }

    /// `identified`, where the chosen mode has storage.
    fn governing(&self, identified: Option<HazardVerdict>) -> Option<HazardVerdict> {
        identified.filter(|_| self.has_storage())
    }

    /// Whether the storage is a major hazard source: as computed
    /// ([`Application::identified`]), else as chosen.
    fn is_major_hazard(&self, identified: Option<HazardVerdict>) -> bool {
        match self.governing(identified) {
            Some(h) => h.major,
            None => {
                self.major_hazard || self.business_mode() == Some(BusinessMode::StorageMajorHazard)
            }
        }
    }

    /// The checklist, by the application's own storage units.
    pub fn materials(&self, kind: CaseKind) -> Vec<Material> {
        self.materials_given(kind, self.identified())
    }

    /// The checklist with the 辨识 given ([`Application::identified`], as the
    /// server computed it: the browser's copy has no storage units).
    pub fn materials_given(
        &self,
        kind: CaseKind,
        identified: Option<HazardVerdict>,
    ) -> Vec<Material> {
        materials(
            kind,
            self.has_storage(),
            self.is_major_hazard(identified),
            &self.changes,
            self.simplified,
        )
    }

    pub fn issuer_level(&self) -> IssuerLevel {
        IssuerLevel::for_case(self.business_mode(), self.toxic_or_explosive)
    }

    /// The checklist items without any scan.
    fn missing(&self, kind: CaseKind, identified: Option<HazardVerdict>) -> Vec<Material> {
        self.materials_given(kind, identified)
            .into_iter()
            .filter(|m| !self.files.iter().any(|f| f.item == m.code))
            .collect()
    }

    /// A change that makes this 变更 a new application, with the reason.
    pub fn reapply(&self) -> Option<(ChangeItem, &'static str)> {
        self.changes
            .iter()
            .find_map(|c| c.reapply_reason().map(|r| (*c, r)))
    }

    /// Every problem of the form, by field; `today` dates the filing.
    pub fn check(&self, kind: CaseKind, today: Date) -> FieldErrors {
        self.check_given(kind, today, self.identified())
    }

    /// [`Application::check`] with the 辨识 given.
    fn check_given(
        &self,
        kind: CaseKind,
        today: Date,
        identified: Option<HazardVerdict>,
    ) -> FieldErrors {
        let mut e = FieldErrors::new();
        let text = |e: &mut FieldErrors, field: &str, v: &str, what: &str| {
            if normalize_text(v).is_empty() {
                e.add(field, format!("请填写{what}。"));
            }
        };
        if kind != CaseKind::Cancel && kind != CaseKind::Reissue {
            text(&mut e, "name", &self.name, "企业名称");
            text(&mut e, "principal_name", &self.principal_name, "主要负责人");
            text(
                &mut e,
                "registered_address",
                &self.registered_address,
                "注册地址",
            );
            text(
                &mut e,
                "business_address",
                &self.business_address,
                "经营场所地址",
            );
            match self.business_mode() {
                None => e.add("mode", "请选择经营方式(可先在“完善信息”中按问题确定)。"),
                Some(m)
                    if m != BusinessMode::NoStorage
                        && normalize_text(&self.storage_address).is_empty() =>
                {
                    e.add("storage_address", "有储存设施的,请填写储存场所地址。")
                }
                _ => {}
            }
            if let Some(h) = self.governing(identified) {
                let chosen = self.business_mode();
                if h.major && chosen == Some(BusinessMode::FuelStation) {
                    e.add("mode", format!(
                        "按储存单元计算(GB 18218-2018){},构成重大危险源的加油站,经营方式应为“有储存经营(构成重大危险源)”。如有结论不同的正式辨识报告,请在“完善信息”中填写报告编号。",
                        h.text()
                    ));
                } else if h.major && chosen == Some(BusinessMode::StorageNotMajorHazard) {
                    e.add("mode", format!(
                        "按储存单元计算(GB 18218-2018){},经营方式应为“有储存经营(构成重大危险源)”。如有结论不同的正式辨识报告,请在“完善信息”中填写报告编号。",
                        h.text()
                    ));
                } else if !h.major && chosen == Some(BusinessMode::StorageMajorHazard) {
                    e.add("mode", "按储存单元计算(GB 18218-2018)不构成重大危险源,经营方式应为“有储存经营(不构成重大危险源)”。如有结论不同的正式辨识报告,请在“完善信息”中填写报告编号。");
                }
            }
            if self.scope.is_empty() {
                e.add(
                    "scope",
                    "请填写许可范围:至少一种危险化学品(品名,有CAS号的填写CAS号)。",
                );
            }
            for (i, s) in self.scope.iter().enumerate() {
                if normalize_text(&s.name).is_empty() {
                    e.add(format!("scope.{i}.name"), "请填写品名。");
                }
                if !s.cas.trim().is_empty() {
                    if let Err(m) = check_cas(&s.cas) {
                        e.add(format!("scope.{i}.cas"), m);
                    }
                }
            }
        }
        if kind.needs_licence() {
            match LicenceNumber::parse(&self.licence_number) {
                Ok(_) => {}
                Err(err) => e.add("licence_number", err.to_string()),
            }
        }
        match kind {
            CaseKind::Renewal => {
                if let Some(until) = Date::parse(&self.licence_valid_until) {
                    if until < today {
                        if let Timeliness::Late(m) = renewal_timeliness(until, today) {
                            e.add("licence_number", m);
                        }
                    }
                }
            }
            CaseKind::Change => {
                if self.changes.is_empty() {
                    e.add("changes", "请勾选变更的事项。");
                } else if let Some((item, reason)) = self.reapply() {
                    e.add(
                        "changes",
                        format!(
                            "“{}”:{reason}请改为“首次申请”(页面上有按钮)。",
                            item.label()
                        ),
                    );
                }
                match Date::parse(&self.changed_on) {
                    None => e.add(
                        "changed_on",
                        "请填写变更发生的日期(如营业执照变更登记的日期),格式如 2026-11-20。",
                    ),
                    Some(d) if d > today => e.add("changed_on", "变更日期不能晚于今天。"),
                    _ => {}
                }
            }
            CaseKind::Cancel | CaseKind::Reissue
                if normalize_text(&self.reason).chars().count() < 2 =>
            {
                e.add(
                    "reason",
                    if kind == CaseKind::Cancel {
                        "请填写注销原因(如:不再从事危险化学品经营)。"
                    } else {
                        "请说明补证原因(如:证书遗失、损毁)。"
                    },
                );
            }
            _ => {}
        }
        text(&mut e, "contact_name", &self.contact_name, "联系人");
        if let Err(m) = Mobile::parse(&self.contact_mobile) {
            e.add("contact_mobile", m.to_string());
        }
        e
    }

    /// The check before submitting: the form and every checklist item.
    pub fn check_submit(&self, kind: CaseKind, today: Date) -> FieldErrors {
        self.check_submit_given(kind, today, self.identified())
    }

    /// [`Application::check_submit`] with the 辨识 given
    /// ([`Application::identified`], as the server computed it: the
    /// browser's copy has no storage units).
    pub fn check_submit_given(
        &self,
        kind: CaseKind,
        today: Date,
        identified: Option<HazardVerdict>,
    ) -> FieldErrors {
        let mut e = self.check_given(kind, today, identified);
        for m in self.missing(kind, identified) {
            e.add(
                format!("files.{}", m.code),
                format!(
                    "请上传“{}”{}。",
                    m.title,
                    if m.original { "(原件扫描)" } else { "" }
                ),
            );
        }
        e
    }
}

/// Parses a 许可范围 typed one chemical per line: `品名` or `品名,CAS号`.
pub fn parse_scope(text: &str) -> Vec<ScopeItem> {
    text.lines()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let l = l.replace(['，', '、', '\t'], ",");
            let (name, cas) = match l.rsplit_once(',') {
                Some((n, c)) if c.trim().chars().any(|ch| ch.is_ascii_digit()) => {
                    (n.trim().to_string(), c.trim().to_string())
                }
                _ => (l.trim().to_string(), String::new()),
            };
            ScopeItem {
                name,
                cas,
                stored: false,
            }
        })
        .collect()
}

/// The scope as typed: one chemical per line.
pub fn scope_text(scope: &[ScopeItem]) -> String {
    scope
        .iter()
        .map(|s| {
            if s.cas.is_empty() {
                s.name.clone()
            } else {
                format!("{},{}", s.name, s.cas)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// 现场核查 record: at least two inspectors, dates, findings, conclusion.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnSiteCheck {
    pub from: String,
    pub to: String,
    /// One name per line (or separated by 、 or ,).
    pub inspectors: String,
    pub findings: String,
    /// true = 符合条件.
    pub passed: bool,
}

impl OnSiteCheck {
    pub fn inspector_names(&self) -> Vec<String> {
        inspector_names(&self.inspectors)
    }

    /// The days of the check, which the decision clock does not count.
    pub fn days(&self) -> i64 {
        match (Date::parse(&self.from), Date::parse(&self.to)) {
            (Some(a), Some(b)) if b >= a => b.days_since_epoch() - a.days_since_epoch() + 1,
            _ => 0,
        }
    }

    pub fn check(&self, accepted_on: Date, today: Date) -> FieldErrors {
        let mut e = FieldErrors::new();
        let from = Date::parse(&self.from);
        match from {
            None => e.add("from", "请填写核查开始日期,格式如 2026-11-20。"),
            Some(d) if d < accepted_on => {
                e.add("from", format!("核查日期不能早于受理日期({accepted_on})。"))
            }
            Some(d) if d > today => e.add("from", "核查日期不能晚于今天:请在核查完成后登记。"),
            _ => {}
        }
        match (from, Date::parse(&self.to)) {
            (_, None) => e.add("to", "请填写核查结束日期(一天内完成的与开始日期相同)。"),
            (Some(a), Some(b)) if b < a => e.add("to", "结束日期不能早于开始日期。"),
            (_, Some(b)) if b > today => e.add("to", "结束日期不能晚于今天。"),
            _ => {}
        }
        if self.inspector_names().len() < 2 {
            e.add("inspectors", TWO_INSPECTORS);
        }
        if normalize_text(&self.findings).chars().count() < 4 {
            e.add(
                "findings",
                "请填写核查情况(经营场所、储存设施、安全管理等,至少4个字)。",
            );
        }
        e
    }
}

/// Names typed one per line (or separated by 、 , ;), each once.
fn inspector_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for n in text
        .split(['\n', '、', ',', '，', ';', '；'])
        .map(normalize_text)
        .filter(|n| !n.is_empty())
    {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names
}

/// A 补正 notice shorter than 4 characters.
pub const CORRECTION_TEXT_MISSING: &str =
    "请在补正通知中逐项写明需要补正的全部材料和内容(至少4个字),申请人将据此一次补齐。";
/// A decision's reason shorter than 4 characters.
pub const REASON_TEXT_MISSING: &str =
    "请写明理由(至少4个字):决定书将载明理由,并告知申请人依法申请行政复议或者提起行政诉讼的权利。";

pub const TWO_INSPECTORS: &str =
    "现场核查须由至少两名工作人员进行:请填写全部核查人员姓名(每行一人)。";

/// The on-site check announced to the applicant: its day and inspectors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnSitePlan {
    pub on: String,
    pub inspectors: String,
}

impl OnSitePlan {
    pub fn inspector_names(&self) -> Vec<String> {
        inspector_names(&self.inspectors)
    }

    pub fn check(&self, today: Date) -> FieldErrors {
        let mut e = FieldErrors::new();
        match Date::parse(&self.on) {
            None => e.add("on", "请填写核查日期,格式如 2026-12-10。"),
            Some(d) if d < today => e.add(
                "on",
                "核查日期不能早于今天:已完成的核查请在下方“登记现场核查”中登记。",
            ),
            _ => {}
        }
        if self.inspector_names().len() < 2 {
            e.add("inspectors", TWO_INSPECTORS);
        }
        e
    }

    /// The plan in words, as the history and the applicant see it.
    pub fn note(&self) -> String {
        format!(
            "{} 现场核查,核查人员:{}",
            self.on.trim(),
            self.inspector_names().join("、")
        )
    }
}

/// A certificate number from an issuer's pattern (`{year}` and `{seq}`,
/// the serial zero-padded to 6 digits).
pub fn certificate_number(pattern: &str, year: i32, seq: i64) -> String {
    pattern
        .replace("{year}", &year.to_string())
        .replace("{seq}", &format!("{seq:06}"))
}

/// The default pattern of an issuer in `region`: the province's
/// abbreviation, 危化经字, the year in 〔〕 and the serial.
pub fn default_pattern(region: &str) -> String {
    const ABBR: [(&str, &str); 31] = [
        ("11", "京"),
        ("12", "津"),
        ("13", "冀"),
        ("14", "晋"),
        ("15", "蒙"),
        ("21", "辽"),
        ("22", "吉"),
        ("23", "黑"),
        ("31", "沪"),
        ("32", "苏"),
        ("33", "浙"),
        ("34", "皖"),
        ("35", "闽"),
        ("36", "赣"),
        ("37", "鲁"),
        ("41", "豫"),
        ("42", "鄂"),
        ("43", "湘"),
        ("44", "粤"),
        ("45", "桂"),
        ("46", "琼"),
        ("50", "渝"),
        ("51", "川"),
        ("52", "黔"),
        ("53", "滇"),
        ("54", "藏"),
        ("61", "陕"),
        ("62", "甘"),
        ("63", "青"),
        ("64", "宁"),
        ("65", "新"),
    ];
    let abbr = ABBR
        .iter()
        .find(|(c, _)| region.starts_with(c))
        .map(|(_, a)| *a)
        .unwrap_or("");
    format!("{abbr}危化经字〔{{year}}〕{{seq}}")
}

/// The last valid day of a licence issued on `issued` (3 years, or 3
/// years less a day where the issuer prints it so).
pub fn valid_until(issued: Date, minus_one_day: bool) -> Date {
    let end = issued.add_years(case_policy_at(issued).validity_years);
    if minus_one_day {
        end.add_days(-1)
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_events_read_back_from_their_codes() {
        let mut all = vec![CaseEvent::Start, CaseEvent::Claim, CaseEvent::OnSitePlan];
        all.extend(Action::ALL.into_iter().map(CaseEvent::Move));
        for e in all {
            assert_eq!(CaseEvent::from_code(e.code()), Some(e), "{e:?}");
        }
        assert_eq!(CaseEvent::from_code("sing"), None);
    }

    #[test]
    fn certificate_statuses_read_back_from_their_codes() {
        for s in CertificateStatus::ALL {
            assert_eq!(CertificateStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(CertificateStatus::from_code("expired"), None);
    }

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    const CSV: &str = "date,kind,name\n2026-10-01,off,国庆节\n2026-10-02,off,国庆节\n2026-10-05,off,国庆节\n2026-10-06,off,国庆节\n2026-10-07,off,国庆节\n2026-10-10,work,调休上班\n";

    fn facts(kind: CaseKind, step: Step) -> CaseFacts {
        CaseFacts {
            kind,
            step,
            corrected_once: false,
            deemed_accepted: false,
            onsite_passed: false,
            onsite_needed: kind == CaseKind::New,
        }
    }

    #[test]
    fn codes_round_trip() {
        for k in CaseKind::ALL {
            assert_eq!(CaseKind::from_code(k.code()), Some(k));
        }
        for s in Step::ALL {
            assert_eq!(Step::from_code(s.code()), Some(s));
        }
        for a in Action::ALL {
            assert_eq!(Action::from_code(a.code()), Some(a));
        }
        for c in ChangeItem::ALL {
            assert_eq!(ChangeItem::from_code(c.code()), Some(c));
        }
    }

    #[test]
    fn a_first_application_runs_through_its_steps() {
        let mut f = facts(CaseKind::New, Step::Draft);
        f.step = next_step(f, Action::Submit).unwrap();
        assert_eq!(f.step, Step::Submitted);
        f.step = next_step(f, Action::RequestCorrection).unwrap();
        assert_eq!(f.step, Step::Correction);
        f.corrected_once = true;
        f.step = next_step(f, Action::Submit).unwrap();
        let second = next_step(f, Action::RequestCorrection).unwrap_err();
        assert!(second.contains("只能发一次"), "{second}");
        f.step = next_step(f, Action::Accept).unwrap();
        let early = next_step(f, Action::Approve).unwrap_err();
        assert!(early.contains("现场核查"), "{early}");
        assert_eq!(next_step(f, Action::RecordOnSite), Ok(Step::Accepted));
        f.onsite_passed = true;
        f.step = next_step(f, Action::Approve).unwrap();
        assert_eq!(f.step, Step::Approved);
        assert_eq!(next_step(f, Action::Issue), Ok(Step::Done));
        f.step = Step::Done;
        for a in Action::ALL {
            assert!(next_step(f, a).is_err(), "{a:?} after done");
        }
    }

    #[test]
    fn silence_past_the_limit_counts_as_accepted() {
        let mut f = facts(CaseKind::New, Step::Submitted);
        f.deemed_accepted = true;
        assert!(next_step(f, Action::RequestCorrection)
            .unwrap_err()
            .contains("视为受理"));
        assert!(next_step(f, Action::NotAccept).is_err());
        assert_eq!(next_step(f, Action::Accept), Ok(Step::Accepted));
    }

    #[test]
    fn a_cancellation_needs_no_certificate_and_no_on_site_check() {
        let f = facts(CaseKind::Cancel, Step::Accepted);
        assert_eq!(next_step(f, Action::Approve), Ok(Step::Done));
        assert_eq!(Step::Done.label(CaseKind::Cancel), "已注销");
        let f = facts(CaseKind::Change, Step::Accepted);
        assert_eq!(next_step(f, Action::Approve), Ok(Step::Approved));
    }

    #[test]
    fn the_applicant_cannot_withdraw_once_accepted() {
        let f = facts(CaseKind::New, Step::Accepted);
        assert!(next_step(f, Action::Withdraw).is_err());
        let f = facts(CaseKind::New, Step::Submitted);
        assert_eq!(next_step(f, Action::Withdraw), Ok(Step::Withdrawn));
    }

    #[test]
    fn working_day_deadlines_skip_weekends_and_holidays_and_count_make_up_days() {
        let cal = Calendar::parse_csv(CSV).unwrap();
        let none = Promise::default();
        // Submitted on Friday 2026-11-27: 5 working days end Friday 2026-12-04.
        assert_eq!(
            deadline(
                CaseKind::New,
                Step::Submitted,
                d("2026-11-27"),
                0,
                &none,
                &cal
            ),
            Some(d("2026-12-04"))
        );
        // Submitted on 2026-09-30 (Wednesday): the National Day week is off,
        // Thursday 8th, Friday 9th, Saturday 10th (make-up), Monday 12th, Tuesday 13th.
        assert_eq!(
            deadline(
                CaseKind::New,
                Step::Submitted,
                d("2026-09-30"),
                0,
                &none,
                &cal
            ),
            Some(d("2026-10-13"))
        );
        // The decision: 30 days after acceptance, plus the days of the on-site check.
        assert_eq!(
            deadline(
                CaseKind::New,
                Step::Accepted,
                d("2026-11-02"),
                2,
                &none,
                &cal
            ),
            Some(d("2026-12-04"))
        );
        // A 变更 is decided in 10 working days.
        assert_eq!(
            deadline(
                CaseKind::Change,
                Step::Accepted,
                d("2026-11-27"),
                0,
                &none,
                &cal
            ),
            Some(d("2026-12-11"))
        );
        // A promise shorter than the law wins; a longer one does not.
        let promise = Promise {
            accept_working_days: Some(2),
            decide_working_days: Some(40),
            issue_working_days: None,
        };
        assert_eq!(
            deadline(
                CaseKind::New,
                Step::Submitted,
                d("2026-11-27"),
                0,
                &promise,
                &cal
            ),
            Some(d("2026-12-01"))
        );
        assert_eq!(
            deadline(
                CaseKind::New,
                Step::Accepted,
                d("2026-11-02"),
                0,
                &promise,
                &cal
            ),
            Some(d("2026-12-02"))
        );
        assert_eq!(
            deadline(CaseKind::New, Step::Done, d("2026-11-02"), 0, &none, &cal),
            None
        );
    }

    #[test]
    fn late_filings_are_accepted_and_say_by_how_much() {
        let cal = Calendar::default();
        // Changed on Monday 2026-11-02: 20 working days end Monday 2026-11-30.
        assert_eq!(
            change_timeliness(d("2026-11-02"), d("2026-11-30"), &cal),
            Timeliness::InTime
        );
        match change_timeliness(d("2026-11-02"), d("2026-12-02"), &cal) {
            Timeliness::Late(m) => assert!(m.contains("已逾期 2 个工作日"), "{m}"),
            t => panic!("{t:?}"),
        }
        assert_eq!(
            renewal_timeliness(d("2027-03-01"), d("2026-12-01")),
            Timeliness::InTime
        );
        match renewal_timeliness(d("2027-03-01"), d("2026-12-02")) {
            Timeliness::Late(m) => assert!(m.contains("2026-12-01 前"), "{m}"),
            t => panic!("{t:?}"),
        }
        match renewal_timeliness(d("2026-11-30"), d("2026-12-02")) {
            Timeliness::Late(m) => assert!(m.contains("重新申请"), "{m}"),
            t => panic!("{t:?}"),
        }
    }

    #[test]
    fn materials_follow_the_case() {
        let codes = |v: Vec<Material>| v.into_iter().map(|m| m.code).collect::<Vec<_>>();
        assert_eq!(materials(CaseKind::New, false, false, &[], false).len(), 6);
        let storage = codes(materials(CaseKind::New, true, true, &[], false));
        assert!(storage.contains(&"assessment") && storage.contains(&"major_hazard_record"));
        assert!(!codes(materials(CaseKind::New, true, false, &[], false))
            .contains(&"major_hazard_record"));
        let change = codes(materials(
            CaseKind::Change,
            false,
            false,
            &[
                ChangeItem::Name,
                ChangeItem::RegisteredAddress,
                ChangeItem::Principal,
            ],
            false,
        ));
        assert_eq!(
            change,
            [
                "change_application",
                "old_licence",
                "new_business_licence",
                "principal_certificate"
            ]
        );
        let simple = codes(materials(CaseKind::Renewal, true, false, &[], true));
        assert_eq!(
            simple,
            [
                "renewal_application",
                "old_licence",
                "compliance_statement",
                "standardisation"
            ]
        );
        let full = materials(CaseKind::Renewal, false, false, &[], false);
        assert_eq!(
            full.len(),
            7,
            "the 延期申请书 and the old licence replace the 申请书"
        );
    }

    #[test]
    fn a_mode_or_scope_change_is_a_new_application() {
        let a = Application {
            changes: vec![ChangeItem::Principal, ChangeItem::BusinessMode],
            ..Application::default()
        };
        let (item, reason) = a.reapply().unwrap();
        assert_eq!(item, ChangeItem::BusinessMode);
        assert!(reason.contains("重新申请"));
        let e = a.check(CaseKind::Change, d("2026-12-02"));
        assert!(e.get("changes").unwrap().contains("首次申请"), "{e:?}");
        assert!(ChangeItem::Principal.reapply_reason().is_none());
    }

    #[test]
    fn routing_by_business_mode() {
        let city = IssuerLevel::for_case(Some(BusinessMode::FuelStation), false);
        assert_eq!(city, IssuerLevel::City);
        assert_eq!(city.region("320102"), "320100");
        assert_eq!(
            IssuerLevel::for_case(Some(BusinessMode::NoStorage), false),
            IssuerLevel::County
        );
        assert_eq!(
            IssuerLevel::for_case(Some(BusinessMode::NoStorage), true),
            IssuerLevel::City,
            "剧毒 and 易制爆 go to the city"
        );
        assert_eq!(IssuerLevel::County.region("320102"), "320102");
    }

    #[test]
    fn the_form_check_names_each_field() {
        let a = Application {
            mode: "storage".into(),
            scope: parse_scope("汽油,86290-81-5\n甲醇，67-56-2\n\n 液化石油气 "),
            contact_mobile: "1380013800".into(),
            ..Application::default()
        };
        assert_eq!(a.scope.len(), 3);
        assert_eq!(a.scope[1].cas, "67-56-2");
        assert_eq!(a.scope[2].cas, "");
        let e = a.check(CaseKind::New, d("2026-12-02"));
        for f in [
            "name",
            "principal_name",
            "storage_address",
            "contact_name",
            "contact_mobile",
        ] {
            assert!(e.get(f).is_some(), "{f}: {e:?}");
        }
        assert!(
            e.get("licence_number").is_none(),
            "a first application names no licence"
        );
        let e = a.check_submit(CaseKind::New, d("2026-12-02"));
        assert!(e.get("files.assessment").unwrap().contains("安全评价报告"));
        assert_eq!(scope_text(&a.scope).lines().count(), 3);
        let bad = Application {
            scope: parse_scope("甲醇,67-56-3"),
            ..a.clone()
        };
        assert!(bad
            .check(CaseKind::New, d("2026-12-02"))
            .get("scope.0.cas")
            .is_some());
    }

    #[test]
    fn the_major_hazard_rule_of_the_record_decides_the_mode_and_the_checklist() {
        use crate::domain::major_hazard::StoredSubstance;
        // 汽油 160 t (Q 200) and 甲醇 250 t (Q 500): S = 1.3, a major hazard source.
        let substance = |name: &str, amount: &str| StoredSubstance {
            name: name.into(),
            amount: amount.into(),
            ..StoredSubstance::default()
        };
        let unit = StorageUnit {
            name: "1号仓库".into(),
            exposed: "120".into(),
            substances: vec![substance("汽油", "160"), substance("甲醇", "250")],
        };
        let a = Application {
            mode: "storage".into(),
            storage_units: vec![unit],
            ..Application::default()
        };
        assert!(a.hazard().unwrap().major);
        let e = a.check(CaseKind::New, d("2026-12-02"));
        assert!(
            e.get("mode").unwrap().contains("构成重大危险源(四级)"),
            "{e:?}"
        );
        assert!(a
            .materials(CaseKind::New)
            .iter()
            .any(|m| m.code == "major_hazard_record"));
        // The browser's copy, without the units, checks alike with the
        // server's verdict.
        let copy = Application {
            storage_units: Vec::new(),
            ..a.clone()
        };
        for kind in [CaseKind::New, CaseKind::Change] {
            assert_eq!(
                copy.check_submit_given(kind, d("2026-12-02"), a.identified()),
                a.check_submit(kind, d("2026-12-02"))
            );
            assert_eq!(
                copy.materials_given(kind, a.identified()),
                a.materials(kind)
            );
        }
        let right = Application {
            mode: "storage_major_hazard".into(),
            ..a.clone()
        };
        assert!(right
            .check(CaseKind::New, d("2026-12-02"))
            .get("mode")
            .is_none());
        // A differing official report is the applicant's to state, in 完善信息.
        let reported = Application {
            major_hazard_report: "苏安评〔2026〕12号".into(),
            ..a.clone()
        };
        assert_eq!(reported.identified(), None);
        assert!(reported
            .check(CaseKind::New, d("2026-12-02"))
            .get("mode")
            .is_none());
        assert!(!reported.is_major_hazard(reported.identified()));
        // A fuel station whose units make a major hazard source is not 加油站.
        let station = Application {
            mode: "fuel_station".into(),
            ..a.clone()
        };
        assert!(
            station
                .check(CaseKind::New, d("2026-12-02"))
                .get("mode")
                .unwrap()
                .contains("构成重大危险源的加油站"),
            "a major-hazard fuel station must apply as such"
        );
    }

    #[test]
    fn a_renewal_of_an_expired_licence_cannot_be_submitted() {
        let a = Application {
            licence_number: "苏(宁)危化经字〔2023〕000001".into(),
            licence_valid_until: "2026-11-30".into(),
            ..Application::default()
        };
        let late = a.check(CaseKind::Renewal, d("2026-12-02"));
        assert!(
            late.get("licence_number")
                .is_some_and(|m| m.contains("已不能延期")),
            "{late:?}"
        );
        let in_force = a.check(CaseKind::Renewal, d("2026-11-30"));
        assert!(
            in_force.get("licence_number").is_none(),
            "the last day of validity may still file: {in_force:?}"
        );
    }

    #[test]
    fn an_on_site_check_is_planned_ahead_by_two() {
        let plan = OnSitePlan {
            on: "2026-12-10".into(),
            inspectors: "张三\n张三、李四".into(),
        };
        assert!(plan.check(d("2026-12-03")).is_empty());
        assert_eq!(plan.note(), "2026-12-10 现场核查,核查人员:张三、李四");
        assert!(plan.check(d("2026-12-11")).get("on").is_some());
        let alone = OnSitePlan {
            inspectors: "张三,张三".into(),
            ..plan
        };
        assert!(alone.check(d("2026-12-03")).get("inspectors").is_some());
    }

    #[test]
    fn an_on_site_check_needs_two_inspectors() {
        let c = OnSiteCheck {
            from: "2026-11-20".into(),
            to: "2026-11-21".into(),
            inspectors: "张三\n张三".into(),
            findings: "场所、储存设施符合要求".into(),
            passed: true,
        };
        let e = c.check(d("2026-11-18"), d("2026-12-02"));
        assert!(
            e.get("inspectors").is_some(),
            "the same name twice is one person"
        );
        let c = OnSiteCheck {
            inspectors: "张三、李四".into(),
            ..c
        };
        assert!(c.check(d("2026-11-18"), d("2026-12-02")).is_empty());
        assert_eq!(c.days(), 2);
        assert!(c
            .check(d("2026-11-22"), d("2026-12-02"))
            .get("from")
            .is_some());
    }

    #[test]
    fn certificate_numbers_and_validity() {
        assert_eq!(default_pattern("320102"), "苏危化经字〔{year}〕{seq}");
        assert_eq!(
            certificate_number("苏(宁)危化经字〔{year}〕{seq}", 2026, 123),
            "苏(宁)危化经字〔2026〕000123"
        );
        assert!(
            LicenceNumber::parse(&certificate_number(&default_pattern("610102"), 2026, 7))
                .unwrap()
                .warning()
                .is_none()
        );
        assert_eq!(valid_until(d("2026-12-02"), false), d("2029-12-02"));
        assert_eq!(valid_until(d("2026-12-02"), true), d("2029-12-01"));
    }
}
