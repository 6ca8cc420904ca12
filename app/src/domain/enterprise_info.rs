//! 企业信息 (the enterprise's information record) and its licences: the
//! fields of each step of 完善信息, the checks of each step, the completeness
//! check before submitting, and field-level differences (for a regulator's
//! proposal, a stale save and the audit trail).
//!
//! The record travels as one value; every check is pure and runs in the
//! browser on each step and again on the server.

use serde::{Deserialize, Serialize};

use super::business_mode::{
    check_choice, policy_at, BusinessMode, ModeAnswers, ModeChoiceError, ModeQuestion,
};
use super::licence::LicenceNumber;
use super::major_hazard::{largest_s, overall, Grade, Identification, StorageUnit};
use super::mobile::Mobile;
use super::normalize::normalize_text;
pub use super::record_field::Scalar;
use super::record_field::{label, LicenceField, RecordField, ScopeField};
use super::registration::{parse_address, parse_enterprise_name, parse_person_name, parse_region};
use super::{Date, FieldErrors};

/// Where an enterprise's 企业信息 record stands (`enterprise_info.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordStatus {
    /// Being filled in (first time, after 退回/撤回, or during a 信息变更).
    Draft,
    /// Submitted, waiting for the regulator to confirm.
    Submitted,
    /// Confirmed by the regulator: the record in force.
    Confirmed,
}

impl RecordStatus {
    pub const ALL: [RecordStatus; 3] = [
        RecordStatus::Draft,
        RecordStatus::Submitted,
        RecordStatus::Confirmed,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            RecordStatus::Draft => "draft",
            RecordStatus::Submitted => "submitted",
            RecordStatus::Confirmed => "confirmed",
        }
    }

    pub fn from_code(code: &str) -> Option<RecordStatus> {
        RecordStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// How users read it; `changing`: a 信息变更 is under way, so a
    /// confirmed version stays in force meanwhile.
    pub fn label(self, changing: bool) -> &'static str {
        match (self, changing) {
            (RecordStatus::Confirmed, _) => "已确认",
            (RecordStatus::Submitted, true) => "变更已提交,待确认",
            (RecordStatus::Submitted, false) => "已提交,待确认",
            (RecordStatus::Draft, true) => "变更中(原信息继续有效)",
            (RecordStatus::Draft, false) => "待完善",
        }
    }
}

/// What moves a record from one status to another: the one table of the
/// record's life cycle, also the audit action each step is logged as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordStep {
    /// The enterprise saves its draft.
    Save,
    /// The enterprise submits it to its regulator.
    Submit,
    /// The enterprise takes a submission back (撤回).
    Withdraw,
    /// The enterprise starts a 信息变更 of a confirmed record.
    StartChange,
    /// The regulator confirms a submission.
    Confirm,
    /// The regulator sends a submission back (退回), with a reason.
    Return,
    /// A 信息变更 left unsaved too long is dropped; the confirmed record stays.
    Lapse,
}

impl RecordStep {
    /// The audit action the step is logged as.
    pub fn action(self) -> &'static str {
        match self {
            RecordStep::Save => "info.save",
            RecordStep::Submit => "info.submit",
            RecordStep::Withdraw => "info.withdraw",
            RecordStep::StartChange => "info.change",
            RecordStep::Confirm => "info.confirm",
            RecordStep::Return => "info.return",
            RecordStep::Lapse => "info.change_lapsed",
        }
    }
}

/// What an enterprise does to a record it cannot edit as it stands: take a
/// submission back (撤回) or open a confirmed record for a 信息变更.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusChange {
    Withdraw,
    Change,
}

impl StatusChange {
    /// The form value (the same word as on the wire).
    pub fn code(self) -> &'static str {
        match self {
            StatusChange::Withdraw => "withdraw",
            StatusChange::Change => "change",
        }
    }

    pub fn step(self) -> RecordStep {
        match self {
            StatusChange::Withdraw => RecordStep::Withdraw,
            StatusChange::Change => RecordStep::StartChange,
        }
    }

    /// The action by name, as its button says it.
    pub fn label(self) -> &'static str {
        match self {
            StatusChange::Withdraw => "撤回",
            StatusChange::Change => "信息变更",
        }
    }

    /// What the enterprise is told once it is done.
    pub fn done(self) -> &'static str {
        match self {
            StatusChange::Withdraw => {
                "已撤回:信息恢复为草稿,监管部门不再看到这次提交。修改后请重新提交。"
            }
            StatusChange::Change => "已开始信息变更:变更提交并被确认之前,原已确认的信息继续有效。",
        }
    }
}

impl RecordStatus {
    /// The status `step` leads to from this one, or, when the step is not
    /// possible now, what to do instead.
    pub fn after(self, step: RecordStep) -> Result<RecordStatus, &'static str> {
        use RecordStatus::{Confirmed, Draft, Submitted};
        match (step, self) {
            (RecordStep::Save, Draft) => Ok(Draft),
            (RecordStep::Save, Submitted) => {
                Err("信息已提交,等待监管部门确认,暂不能修改。如需修改,请先点击“撤回”。")
            }
            (RecordStep::Save, Confirmed) => Err("信息已确认。如需修改,请先点击“信息变更”。"),
            (RecordStep::Submit, Draft) => Ok(Submitted),
            (RecordStep::Submit, _) => Err("信息已提交或已确认,无需再次提交。"),
            (RecordStep::Withdraw, Submitted) => Ok(Draft),
            (RecordStep::Withdraw, _) => Err("只有已提交、尚未确认的信息可以撤回。"),
            (RecordStep::StartChange, Confirmed) => Ok(Draft),
            (RecordStep::StartChange, _) => Err("信息尚未确认,可直接修改,无需“信息变更”。"),
            (RecordStep::Confirm, Submitted) => Ok(Confirmed),
            (RecordStep::Return, Submitted) => Ok(Draft),
            (RecordStep::Confirm | RecordStep::Return, _) => {
                Err("该企业的信息已不在待确认状态,请刷新。")
            }
            (RecordStep::Lapse, Draft) => Ok(Confirmed),
            (RecordStep::Lapse, _) => Err("没有进行中的信息变更。"),
        }
    }
}

/// How a regulator's pending 修改申请 ends (`change_proposals.status`
/// moves from `pending` to the code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalOutcome {
    /// The enterprise accepts it: applied to the record in force at once.
    Accepted,
    /// The enterprise rejects it, with a reason the regulator sees.
    Rejected,
    /// The proposing organisation takes it back.
    Withdrawn,
}

impl ProposalOutcome {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ProposalOutcome::Accepted => "accepted",
            ProposalOutcome::Rejected => "rejected",
            ProposalOutcome::Withdrawn => "withdrawn",
        }
    }

    /// The audit action it is logged as.
    pub fn action(self) -> &'static str {
        match self {
            ProposalOutcome::Accepted => "proposal.accept",
            ProposalOutcome::Rejected => "proposal.reject",
            ProposalOutcome::Withdrawn => "proposal.withdraw",
        }
    }
}

/// Where an enterprise stands in 信息维护's directory: its record's status,
/// 变更中 while a confirmed record is being changed, or 未填报. On the wire
/// it is its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum DirectoryStatus {
    NotFiled,
    Record(RecordStatus),
    Changing,
}

impl DirectoryStatus {
    /// The code in the directory's query (`d.status`, or `changing`).
    pub fn code(self) -> &'static str {
        match self {
            DirectoryStatus::NotFiled => "none",
            DirectoryStatus::Record(s) => s.code(),
            DirectoryStatus::Changing => "changing",
        }
    }

    pub fn from_code(code: &str) -> Option<DirectoryStatus> {
        match code {
            "none" => Some(DirectoryStatus::NotFiled),
            "changing" => Some(DirectoryStatus::Changing),
            _ => RecordStatus::from_code(code).map(DirectoryStatus::Record),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DirectoryStatus::NotFiled => "未填报",
            DirectoryStatus::Record(s) => s.label(false),
            DirectoryStatus::Changing => "变更中",
        }
    }
}

impl From<DirectoryStatus> for &'static str {
    fn from(s: DirectoryStatus) -> &'static str {
        s.code()
    }
}

impl TryFrom<String> for DirectoryStatus {
    type Error = String;

    fn try_from(code: String) -> Result<DirectoryStatus, String> {
        DirectoryStatus::from_code(&code)
            .ok_or_else(|| format!("unknown directory status {code:?}"))
    }
}

/// The directory's 状态 filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Is(DirectoryStatus),
    /// A regulator's 修改申请 waits for the enterprise.
    ProposalPending,
}

impl StatusFilter {
    /// In the order the filter offers them.
    pub const ALL: [StatusFilter; 6] = [
        StatusFilter::Is(DirectoryStatus::Record(RecordStatus::Submitted)),
        StatusFilter::Is(DirectoryStatus::Record(RecordStatus::Confirmed)),
        StatusFilter::Is(DirectoryStatus::Changing),
        StatusFilter::Is(DirectoryStatus::Record(RecordStatus::Draft)),
        StatusFilter::ProposalPending,
        StatusFilter::Is(DirectoryStatus::NotFiled),
    ];

    /// The value in the page's address (`/maintenance?status=…`).
    pub fn code(self) -> &'static str {
        match self {
            StatusFilter::Is(s) => s.code(),
            StatusFilter::ProposalPending => "proposal",
        }
    }

    pub fn from_code(code: &str) -> Option<StatusFilter> {
        match code {
            "proposal" => Some(StatusFilter::ProposalPending),
            _ => DirectoryStatus::from_code(code).map(StatusFilter::Is),
        }
    }

    /// The filter's words (a submission waits for the regulator: 待确认).
    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::Is(DirectoryStatus::Record(RecordStatus::Submitted)) => "待确认",
            StatusFilter::Is(s) => s.label(),
            StatusFilter::ProposalPending => "有待企业确认的修改申请",
        }
    }
}

/// The steps of 完善信息, in order; the last one reviews and submits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InfoStep {
    #[default]
    Basic,
    Mode,
    Licences,
    Submit,
}

impl InfoStep {
    pub const ALL: [InfoStep; 4] = [
        InfoStep::Basic,
        InfoStep::Mode,
        InfoStep::Licences,
        InfoStep::Submit,
    ];
    /// The steps with fields of their own, each checked on its own.
    pub const EDITING: [InfoStep; 3] = [InfoStep::Basic, InfoStep::Mode, InfoStep::Licences];

    /// The word in the page's address (`/info?step=mode`) and on the wire.
    pub fn code(self) -> &'static str {
        match self {
            InfoStep::Basic => "basic",
            InfoStep::Mode => "mode",
            InfoStep::Licences => "licences",
            InfoStep::Submit => "submit",
        }
    }

    pub fn from_code(code: &str) -> Option<InfoStep> {
        InfoStep::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn title(self) -> &'static str {
        match self {
            InfoStep::Basic => "基础信息",
            InfoStep::Mode => "经营方式",
            InfoStep::Licences => "许可证",
            InfoStep::Submit => "提交",
        }
    }

    /// The step after this one (the last stays).
    pub fn next(self) -> InfoStep {
        match self {
            InfoStep::Basic => InfoStep::Mode,
            InfoStep::Mode => InfoStep::Licences,
            InfoStep::Licences | InfoStep::Submit => InfoStep::Submit,
        }
    }

    /// The operation manual's section on this step.
    pub fn help(self) -> super::help::HelpLink {
        use super::help::{manual::ENTERPRISE_INFO, HelpLink};
        HelpLink::section(
            ENTERPRISE_INFO,
            match self {
                InfoStep::Basic => "basic",
                InfoStep::Mode => "business-mode",
                InfoStep::Licences => "licences",
                InfoStep::Submit => "submit",
            },
        )
    }
}

pub const ECONOMIC_TYPES: &[&str] = &[
    "有限责任公司",
    "股份有限公司",
    "国有企业",
    "集体企业",
    "私营企业",
    "外商投资企业",
    "港澳台商投资企业",
    "个体工商户",
    "农民专业合作社",
    "其他",
];

/// The largest certificate scan accepted (checked in the browser and on the server).
pub const SCAN_MAX_BYTES: usize = 5 * 1024 * 1024;

/// Years a 危险化学品经营许可证 is valid (《危险化学品经营许可证管理办法》第二十二条).
pub const LICENCE_YEARS: i32 = 3;

/// One chemical of a licence's 许可范围.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeItem {
    pub name: String,
    /// CAS number, empty when the entry has none (e.g. a mixture class).
    pub cas: String,
    /// Whether it is stored on site.
    pub stored: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceEntry {
    pub number: String,
    pub issuer: String,
    /// YYYY-MM-DD
    pub issued_on: String,
    /// YYYY-MM-DD
    pub valid_until: String,
    /// A [`BusinessMode`] code.
    pub mode: String,
    pub scope: Vec<ScopeItem>,
    pub business_address: String,
    pub storage_address: String,
    /// The id of the uploaded certificate scan ("" = none) and its file name.
    #[serde(default)]
    pub scan: String,
    #[serde(default)]
    pub scan_name: String,
}

/// The whole record as the enterprise edits it. Answers are [`Answer`] codes or "".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseRecord {
    pub name: String,
    pub legal_rep: String,
    pub principal_name: String,
    pub principal_mobile: String,
    pub safety_name: String,
    pub safety_mobile: String,
    pub registered_address: String,
    pub business_address: String,
    pub storage_address: String,
    pub region_code: String,
    pub economic_type: String,
    pub fuel_station: String,
    pub has_storage: String,
    pub major_hazard: String,
    pub business_mode: String,
    pub multi_licence: String,
    pub licences: Vec<LicenceEntry>,
    /// 储存单元 and what each holds, for the 重大危险源辨识 (GB 18218-2018).
    #[serde(default)]
    pub storage_units: Vec<StorageUnit>,
    /// The number of an official 重大危险源辨识 report, needed only when
    /// its conclusion differs from the one computed from the units.
    #[serde(default)]
    pub major_hazard_report: String,
}

/// The 重大危险源辨识 computed from the storage units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HazardResult {
    pub units: Vec<Identification>,
    pub major: bool,
    pub grade: Option<Grade>,
}

impl HazardResult {
    pub fn verdict(&self) -> HazardVerdict {
        HazardVerdict {
            major: self.major,
            grade: self.grade,
        }
    }

    pub fn text(&self) -> String {
        self.verdict().text()
    }
}

/// The conclusion of a 重大危险源辨识 without its arithmetic: what a check
/// or a checklist needs. A page that only checks gets it from the server
/// and does without the GB 18218 tables (issue 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HazardVerdict {
    pub major: bool,
    pub grade: Option<Grade>,
}

impl HazardVerdict {
    pub fn text(&self) -> String {
        match self.grade {
            Some(g) => format!("构成重大危险源({})", g.label()),
            None => "不构成重大危险源".into(),
        }
    }
}

/// The answer to one of the record's yes/no questions ([`Scalar::is_answer`]).
/// The record keeps its code ("yes", "no"; "" while unanswered), as the form
/// and the wire do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
}

impl Answer {
    pub const ALL: [Answer; 2] = [Answer::Yes, Answer::No];

    pub const fn code(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
        }
    }

    /// An answer's code; `None` for "" (not answered) or anything else.
    pub fn parse(code: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.code() == code)
    }

    pub const fn of(yes: bool) -> Answer {
        if yes {
            Answer::Yes
        } else {
            Answer::No
        }
    }

    /// As shown: 是 / 否.
    pub const fn label(self) -> &'static str {
        match self {
            Answer::Yes => "是",
            Answer::No => "否",
        }
    }

    /// Whether `code` is this answer.
    pub fn is(self, code: &str) -> bool {
        Answer::parse(code) == Some(self)
    }
}

fn answer(v: &str) -> Option<bool> {
    Answer::parse(v).map(|a| a == Answer::Yes)
}

fn mobile(errors: &mut FieldErrors, field: impl Into<RecordField>, value: &str) {
    errors.take(field.into(), Mobile::parse(value));
}

fn required_text(
    errors: &mut FieldErrors,
    field: impl Into<RecordField>,
    value: &str,
    message: &str,
) {
    if normalize_text(value).is_empty() {
        errors.add(field.into(), message);
    }
}

impl EnterpriseRecord {
    /// The guiding answers, with the first licence's mode as printed on it.
    /// Whether 重大危险源 is asked at all: only where something is stored
    /// (a fuel station always stores).
    pub fn asks_major_hazard(&self) -> bool {
        answer(&self.has_storage) != Some(false) || answer(&self.fuel_station) == Some(true)
    }

    /// The answers the rules work on, the same for the page's advice and for
    /// the check: where the major-hazard question is not asked, an answer
    /// left over from before counts as 否 (nobody can see or change it).
    pub fn mode_answers(&self) -> ModeAnswers {
        ModeAnswers {
            fuel_station: answer(&self.fuel_station),
            // A fuel station stores (its tanks): not asked twice.
            has_storage: answer(&self.has_storage)
                .or((answer(&self.fuel_station) == Some(true)).then_some(true)),
            major_hazard: if self.asks_major_hazard() {
                answer(&self.major_hazard)
            } else {
                Some(false)
            },
            licence_mode: self
                .licences
                .first()
                .and_then(|l| BusinessMode::from_code(&l.mode)),
        }
    }

    /// The storage units identified (None when none are listed or one is
    /// incomplete), and every problem with them at its field.
    pub fn hazard_identification(&self) -> (Option<HazardResult>, Vec<(RecordField, String)>) {
        // Without storage there is nothing to identify (units typed before
        // the answer changed to 否 are neither shown nor graded).
        if !self.asks_major_hazard() {
            return (None, Vec::new());
        }
        let standard = super::major_hazard::current();
        let mut units = Vec::new();
        let mut errors = Vec::new();
        for (u, unit) in self.storage_units.iter().enumerate() {
            match unit.identify(standard) {
                Ok(id) => units.push(id),
                Err(es) => errors.extend(es.into_iter().map(|(k, m)| (RecordField::Unit(u, k), m))),
            }
        }
        if self.storage_units.is_empty() || !errors.is_empty() {
            return (None, errors);
        }
        let (major, grade) = overall(&units);
        (
            Some(HazardResult {
                units,
                major,
                grade,
            }),
            errors,
        )
    }

    /// For the regulator: the enterprise's answer differs from the computed
    /// result and rests on a report, or rests on no storage unit at all
    /// (what to check, and which report).
    pub fn major_hazard_flag(&self) -> Option<String> {
        match self.hazard_identification().0 {
            Some(c) => self.hazard_flag(&c),
            None => self.unlisted_flag(),
        }
    }

    /// With storage, the 重大危险源 question answered without any storage
    /// unit: nothing the answer can be checked against. Units stay optional.
    fn hazard_unlisted(&self) -> Option<bool> {
        if !self.asks_major_hazard() || !self.storage_units.is_empty() {
            return None;
        }
        answer(&self.major_hazard)
    }

    /// [`Self::major_hazard_flag`] of an answer given without storage units.
    fn unlisted_flag(&self) -> Option<String> {
        let given = self.hazard_unlisted()?;
        let said = if given {
            "构成重大危险源"
        } else {
            "不构成重大危险源"
        };
        let report = normalize_text(&self.major_hazard_report);
        let basis = if report.is_empty() {
            "未填写储存单元,也未填写辨识报告编号".to_string()
        } else {
            format!("辨识报告 {report},未填写储存单元")
        };
        Some(format!(
            "企业自报{said}({basis}),系统无法按 GB 18218-2018 核对,请核实(可请企业在“完善信息”中填写储存单元)。"
        ))
    }

    /// For the enterprise: its answer rests on no storage unit, and what to
    /// do so that the system works it out (None otherwise).
    pub fn hazard_unlisted_note(&self) -> Option<String> {
        self.hazard_unlisted().map(|_| {
            "您已回答重大危险源问题,但没有填写储存单元,系统无法核对这个回答:请在上方“储存单元与重大危险源辨识”中点击“新增储存单元”,填写每个罐区或仓库储存的危险化学品及其设计最大储存量,系统会按 GB 18218-2018 计算并自动回答。不填写也可以提交,但监管部门会看到需要核实的提示。".to_string()
        })
    }

    /// [`Self::major_hazard_flag`] for an identification already made.
    fn hazard_flag(&self, computed: &HazardResult) -> Option<String> {
        let given = answer(&self.major_hazard)?;
        let report = normalize_text(&self.major_hazard_report);
        (self.asks_major_hazard() && computed.major != given && !report.is_empty()).then(|| {
            format!(
                "企业自报{}(辨识报告 {report}),按其填写的储存单元计算为{},请核实。",
                if given {
                    "构成重大危险源"
                } else {
                    "不构成重大危险源"
                },
                computed.text()
            )
        })
    }

    pub fn check_basic(&self) -> FieldErrors {
        let mut e = FieldErrors::new();
        e.take(Scalar::Name, parse_enterprise_name(&self.name));
        e.take(
            Scalar::LegalRep,
            parse_person_name(&self.legal_rep, "法定代表人"),
        );
        e.take(
            Scalar::PrincipalName,
            parse_person_name(&self.principal_name, "主要负责人"),
        );
        mobile(&mut e, Scalar::PrincipalMobile, &self.principal_mobile);
        e.take(
            Scalar::SafetyName,
            parse_person_name(&self.safety_name, "安全管理人员"),
        );
        mobile(&mut e, Scalar::SafetyMobile, &self.safety_mobile);
        e.take(
            Scalar::RegisteredAddress,
            parse_address(&self.registered_address),
        );
        e.take(
            Scalar::BusinessAddress,
            parse_address(&self.business_address),
        );
        if answer(&self.has_storage) == Some(true) || !self.storage_address.trim().is_empty() {
            if let Err(m) = parse_address(&self.storage_address) {
                e.add(
                    Scalar::StorageAddress,
                    if self.storage_address.trim().is_empty() {
                        "有储存设施的企业请填写储存场所地址。".to_string()
                    } else {
                        m
                    },
                );
            }
        }
        e.take(Scalar::RegionCode, parse_region(&self.region_code));
        if !ECONOMIC_TYPES.contains(&self.economic_type.as_str()) {
            e.add(
                Scalar::EconomicType,
                "请选择经济类型(见营业执照“类型”一栏)。",
            );
        }
        e
    }

    /// The business-mode step: every question answered, and the chosen mode
    /// the one the rules give (with the reason when it is not).
    pub fn check_mode(&self, today: Date) -> FieldErrors {
        let mut e = FieldErrors::new();
        let answers = self.mode_answers();
        for (field, given, q) in [
            (
                Scalar::FuelStation,
                answers.fuel_station,
                ModeQuestion::FuelStation,
            ),
            (
                Scalar::HasStorage,
                answers.has_storage,
                ModeQuestion::HasStorage,
            ),
            (
                Scalar::MajorHazard,
                answers.major_hazard,
                ModeQuestion::MajorHazard,
            ),
        ] {
            if given.is_none() {
                e.add(field, ModeChoiceError::Unanswered(q).to_string());
            }
        }
        if self.asks_major_hazard() {
            let (computed, problems) = self.hazard_identification();
            for (k, m) in problems {
                e.add(k, m);
            }
            if let (Some(c), Some(given)) = (computed, answers.major_hazard) {
                if c.major != given && normalize_text(&self.major_hazard_report).is_empty() {
                    e.add(Scalar::MajorHazard, hazard_mismatch(&c, given));
                }
            }
        }
        match BusinessMode::from_code(&self.business_mode) {
            None => e.add(
                Scalar::BusinessMode,
                "请选择经营方式(可按上面的回答采用推荐项)。",
            ),
            // What the page's advice says, word for word (an unanswered
            // question is already named at its own field).
            Some(chosen) => match check_choice(&answers, chosen, policy_at(today)) {
                Ok(_) | Err(ModeChoiceError::Unanswered(_)) => {}
                Err(err) => e.add(Scalar::BusinessMode, err.to_string()),
            },
        }
        e
    }

    pub fn check_licences(&self, today: Date) -> FieldErrors {
        let mut e = FieldErrors::new();
        match (answer(&self.multi_licence), self.licences.len()) {
            (None, _) => e.add(Scalar::MultiLicence, "请选择是否一企多证(持有多张危险化学品经营许可证)。"),
            (Some(_), 0) => e.add(RecordField::Licences, "请填写经营许可证(点击“新增经营许可证”)。"),
            (Some(false), n) if n > 1 => e.add(
                Scalar::MultiLicence,
                format!("“是否一企多证”选择“否”时只能填写一张许可证,现在有{n}张。有多张许可证请选择“是”。"),
            ),
            (Some(true), 1) => e.add(
                RecordField::Licences,
                "选择“一企多证”时请点击“新增经营许可证”填写全部许可证(至少两张);只有一张请选择“否”。",
            ),
            _ => {}
        }
        for (i, l) in self.licences.iter().enumerate() {
            let f = |name| RecordField::Licence(i, name);
            match LicenceNumber::parse(&l.number) {
                Ok(n) => {
                    let dup = self.licences[..i]
                        .iter()
                        .any(|o| LicenceNumber::parse(&o.number).is_ok_and(|x| x == n));
                    if dup {
                        e.add(
                            f(LicenceField::Number),
                            "这张许可证的编号与前面一张相同,请核对。",
                        );
                    }
                }
                Err(err) => e.add(f(LicenceField::Number), err.to_string()),
            }
            required_text(
                &mut e,
                f(LicenceField::Issuer),
                &l.issuer,
                "请填写发证机关(见证书落款),例如:南京市应急管理局。",
            );
            let issued = Date::parse(&l.issued_on);
            match issued {
                None => e.add(
                    f(LicenceField::IssuedOn),
                    "请按“年-月-日”填写发证日期,例如 2024-03-15。",
                ),
                Some(d) if d > today => e.add(
                    f(LicenceField::IssuedOn),
                    "发证日期不能晚于今天,请对照证书填写。",
                ),
                _ => {}
            }
            match (issued, Date::parse(&l.valid_until)) {
                (_, None) => e.add(
                    f(LicenceField::ValidUntil),
                    "请按“年-月-日”填写有效期至,例如 2027-03-14。",
                ),
                (Some(from), Some(to)) if to <= from => e.add(
                    f(LicenceField::ValidUntil),
                    "有效期至应晚于发证日期,请对照证书填写。",
                ),
                (Some(from), Some(to)) if to > from.add_years(LICENCE_YEARS) => e.add(
                    f(LicenceField::ValidUntil),
                    format!(
                        "经营许可证有效期为{LICENCE_YEARS}年,有效期至不能晚于 {}。请对照证书核对。",
                        from.add_years(LICENCE_YEARS)
                    ),
                ),
                _ => {}
            }
            let mode = BusinessMode::from_code(&l.mode);
            if mode.is_none() {
                e.add(f(LicenceField::Mode), "请选择许可证上的经营方式。");
            }
            if l.scope.is_empty() {
                e.add(
                    f(LicenceField::Scope),
                    "请填写许可范围(至少一种危险化学品)。",
                );
            }
            for (j, item) in l.scope.iter().enumerate() {
                let g = |name| RecordField::Scope(i, j, name);
                required_text(
                    &mut e,
                    g(ScopeField::Name),
                    &item.name,
                    "请填写危险化学品名称(按《危险化学品目录》)。",
                );
                if !item.cas.trim().is_empty() {
                    if let Err(m) = check_cas(&item.cas) {
                        e.add(g(ScopeField::Cas), m);
                    }
                }
            }
            e.take(
                f(LicenceField::BusinessAddress),
                parse_address(&l.business_address),
            );
            let stores = l.scope.iter().any(|s| s.stored)
                || mode.is_some_and(|m| m != BusinessMode::NoStorage);
            if stores || !l.storage_address.trim().is_empty() {
                if let Err(m) = parse_address(&l.storage_address) {
                    e.add(
                        f(LicenceField::StorageAddress),
                        if l.storage_address.trim().is_empty() {
                            "有储存的许可证请填写储存地址。".to_string()
                        } else {
                            m
                        },
                    );
                }
            }
        }
        e
    }

    /// The checks of one step.
    pub fn check_step(&self, step: InfoStep, today: Date) -> FieldErrors {
        match step {
            InfoStep::Basic => self.check_basic(),
            InfoStep::Mode => self.check_mode(today),
            InfoStep::Licences | InfoStep::Submit => self.check_licences(today),
        }
    }

    /// Every missing or inconsistent item, with the step it belongs to.
    pub fn completeness(&self, today: Date) -> Vec<Issue> {
        InfoStep::EDITING
            .into_iter()
            .flat_map(|step| {
                self.check_step(step, today)
                    .iter()
                    .map(|(field, message)| Issue {
                        step,
                        field: field.to_string(),
                        label: label(field),
                        message: message.to_string(),
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Every field with its value as shown to people, licences and storage
    /// units flattened.
    pub fn fields(&self) -> Vec<(RecordField, String)> {
        let yes_no = |v: &str| Answer::parse(v).map_or(String::new(), |a| a.label().to_string());
        let mode =
            |v: &str| BusinessMode::from_code(v).map_or(v.to_string(), |m| m.label().to_string());
        let mut out: Vec<(RecordField, String)> = Scalar::ALL
            .into_iter()
            .map(|f| {
                let raw = f.of(self);
                let shown = match f {
                    _ if f.is_answer() => yes_no(raw),
                    Scalar::BusinessMode => mode(raw),
                    _ => raw.clone(),
                };
                (f.into(), shown)
            })
            .collect();
        for (u, unit) in self.storage_units.iter().enumerate() {
            let held = unit
                .substances
                .iter()
                .map(|s| {
                    let density = if s.unit == super::major_hazard::QuantityUnit::CubicMetre {
                        format!("(密度{})", s.density.trim())
                    } else {
                        String::new()
                    };
                    format!(
                        "{} {}{}{density}",
                        s.name.trim(),
                        s.amount.trim(),
                        s.unit.label()
                    )
                })
                .collect::<Vec<_>>()
                .join("、");
            out.push((
                RecordField::StorageUnit(u),
                format!(
                    "{}:{held};厂外可能暴露{}人",
                    unit.name.trim(),
                    unit.exposed.trim()
                ),
            ));
        }
        let flag = match self.hazard_identification() {
            (Some(c), _) => {
                out.push((RecordField::HazardResult, c.text()));
                self.hazard_flag(&c)
            }
            (None, _) => self.unlisted_flag(),
        };
        if let Some(flag) = flag {
            out.push((RecordField::HazardFlag, flag));
        }
        for (i, l) in self.licences.iter().enumerate() {
            let scope = l
                .scope
                .iter()
                .map(|s| {
                    let mut t = s.name.clone();
                    if !s.cas.is_empty() {
                        t.push_str(&format!("(CAS {})", s.cas));
                    }
                    if s.stored {
                        t.push_str("[储存]");
                    }
                    t
                })
                .collect::<Vec<_>>()
                .join("、");
            for f in LicenceField::ALL {
                let shown = match f {
                    LicenceField::Mode => mode(&l.mode),
                    LicenceField::Scope => scope.clone(),
                    LicenceField::Scan => l.scan_name.clone(),
                    _ => f.text(l).cloned().unwrap_or_default(),
                };
                out.push((RecordField::Licence(i, f), shown));
            }
        }
        out
    }
}

/// A problem found by the completeness check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub step: InfoStep,
    pub field: String,
    pub label: String,
    pub message: String,
}

/// One changed field: before and after as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub label: String,
    pub before: String,
    pub after: String,
}

/// The fields that differ between two records (licences field by field).
pub fn diff(before: &EnterpriseRecord, after: &EnterpriseRecord) -> Vec<FieldChange> {
    let old = before.fields();
    let new = after.fields();
    let change = |field: &RecordField, before: String, after: String| FieldChange {
        field: field.to_string(),
        label: field.label(),
        before,
        after,
    };
    let mut out = vec![];
    for (field, value) in &new {
        let was = old
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        if &was != value {
            out.push(change(field, was, value.clone()));
        }
    }
    for (field, value) in &old {
        if !value.is_empty() && !new.iter().any(|(f, _)| f == field) {
            out.push(change(field, value.clone(), String::new()));
        }
    }
    out
}

/// The answer differs from the computed 辨识: what the units say and what to do.
fn hazard_mismatch(c: &HazardResult, given: bool) -> String {
    let worst = c
        .units
        .iter()
        .max_by_key(|u| u.grade.map(|g| 4 - g as u8))
        .map(|u| u.summary())
        .unwrap_or_default();
    if given {
        let largest = largest_s(&c.units).map(|u| u.summary()).unwrap_or_default();
        let all = if c.units.len() > 1 {
            "(各单元 S 均小于 1,以上为 S 最大的单元)"
        } else {
            ""
        };
        format!(
            "按您填写的储存单元计算,{largest}{all}。您的回答是“是”:请核对储存单元和储存量;如经评审的辨识报告认定构成,请在下面填写报告编号。"
        )
    } else {
        format!(
            "按您填写的储存单元计算,{worst}。您的回答是“否”:请核对储存单元和储存量;如经评审的辨识报告认定不构成,请在下面填写报告编号。"
        )
    }
}

/// Checks a CAS Registry Number: 2–7 digits, 2 digits, 1 check digit
/// (the weighted digit sum modulo 10), e.g. 7664-93-9 (sulphuric acid).
pub fn check_cas(input: &str) -> Result<String, String> {
    let s: String = input
        .trim()
        .chars()
        .map(super::normalize::to_half_width)
        .collect();
    let parts: Vec<&str> = s.split('-').collect();
    let shape_ok = parts.len() == 3
        && (2..=7).contains(&parts[0].len())
        && parts[1].len() == 2
        && parts[2].len() == 1
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !shape_ok {
        return Err(
            "CAS号格式为“数字-两位数字-一位校验数字”,例如 7664-93-9;没有CAS号请留空。".into(),
        );
    }
    let digits: Vec<u32> = format!("{}{}", parts[0], parts[1])
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| (i as u32 + 1) * d)
        .sum();
    if parts[2] != (sum % 10).to_string() {
        return Err(format!(
            "CAS号 {s} 的校验位不符,可能有输错的数字,请对照《危险化学品目录》核对。"
        ));
    }
    Ok(s)
}

/// Whether a licence valid until `until` is within the renewal window
/// (3 months before expiry, the 延期 rule of 《危险化学品经营许可证管理办法》) or expired.
pub fn expiry_state(until: Date, today: Date) -> Expiry {
    if until < today {
        Expiry::Expired
    } else if until <= today.add_months(3) {
        Expiry::RenewNow
    } else {
        Expiry::Valid
    }
}

/// What the enterprise and its regulator are told about a licence numbered
/// `number`, valid until `until`: nothing while it is valid for longer than
/// the renewal window.
pub fn expiry_warning(number: &str, until: Date, today: Date) -> Option<String> {
    let which = match number.trim() {
        "" => "这张许可证".to_string(),
        n => format!("许可证 {n} "),
    };
    match expiry_state(until, today) {
        Expiry::Expired => Some(format!(
            "{which}已于 {until} 过期:过期的许可证不能继续用于经营,请立即联系原发证机关重新申请;已换发新证的,请改填新证的信息。"
        )),
        Expiry::RenewNow => Some(format!(
            "{which}将于 {until} 到期:需要继续经营的,请在到期前向原发证机关申请延期换证。"
        )),
        Expiry::Valid => None,
    }
}

impl EnterpriseRecord {
    /// [`expiry_warning`] of every licence with a readable validity date.
    pub fn expiry_warnings(&self, today: Date) -> Vec<String> {
        self.licences
            .iter()
            .filter_map(|l| {
                Date::parse(&l.valid_until).and_then(|d| expiry_warning(&l.number, d, today))
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expiry {
    Valid,
    RenewNow,
    Expired,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_life_cycle_table_allows_only_its_steps() {
        use RecordStatus::{Confirmed, Draft, Submitted};
        let allowed = [
            (RecordStep::Save, Draft, Draft),
            (RecordStep::Submit, Draft, Submitted),
            (RecordStep::Withdraw, Submitted, Draft),
            (RecordStep::StartChange, Confirmed, Draft),
            (RecordStep::Confirm, Submitted, Confirmed),
            (RecordStep::Return, Submitted, Draft),
            (RecordStep::Lapse, Draft, Confirmed),
        ];
        for (step, from, to) in allowed {
            assert_eq!(from.after(step), Ok(to), "{step:?} from {from:?}");
        }
        for (step, _, _) in allowed {
            for from in RecordStatus::ALL {
                if !allowed.iter().any(|(s, f, _)| *s == step && *f == from) {
                    let why = from.after(step).expect_err("not in the table");
                    assert!(why.ends_with('。'), "{step:?} from {from:?}: {why}");
                }
            }
        }
        assert!(Submitted
            .after(RecordStep::Save)
            .is_err_and(|m| m.contains("撤回")));
        assert!(Confirmed
            .after(RecordStep::Save)
            .is_err_and(|m| m.contains("信息变更")));
        assert_eq!(RecordStep::Lapse.action(), "info.change_lapsed");
    }

    #[test]
    fn each_record_status_round_trips_and_reads_as_users_know_it() {
        for s in RecordStatus::ALL {
            assert_eq!(RecordStatus::from_code(s.code()), Some(s));
            let wire = serde_json::to_string(&s).unwrap_or_default();
            assert_eq!(wire, format!("\"{}\"", s.code()));
            assert_eq!(DirectoryStatus::Record(s).label(), s.label(false));
        }
        assert_eq!(RecordStatus::Draft.label(true), "变更中(原信息继续有效)");
        assert_eq!(RecordStatus::Submitted.label(true), "变更已提交,待确认");
        assert_eq!(
            DirectoryStatus::from_code("none").map(DirectoryStatus::label),
            Some("未填报")
        );
        assert_eq!(
            DirectoryStatus::from_code("changing").map(DirectoryStatus::label),
            Some("变更中")
        );
        for f in StatusFilter::ALL {
            assert_eq!(StatusFilter::from_code(f.code()), Some(f));
        }
        assert_eq!(StatusFilter::from_code(""), None);
        assert_eq!(RecordStatus::from_code("Draft"), None);
    }

    fn today() -> Date {
        Date::parse("2026-11-28").unwrap()
    }

    pub fn complete() -> EnterpriseRecord {
        EnterpriseRecord {
            name: "南京示例化工有限公司".into(),
            legal_rep: "张明".into(),
            principal_name: "李强".into(),
            principal_mobile: "13912345678".into(),
            safety_name: "王芳".into(),
            safety_mobile: "13812345678".into(),
            registered_address: "南京市玄武区北京东路1号".into(),
            business_address: "南京市玄武区北京东路1号".into(),
            storage_address: "南京市江北新区化工园1号".into(),
            region_code: "320102".into(),
            economic_type: "有限责任公司".into(),
            fuel_station: "no".into(),
            has_storage: "yes".into(),
            major_hazard: "no".into(),
            business_mode: "storage".into(),
            multi_licence: "no".into(),
            licences: vec![LicenceEntry {
                number: "苏(宁)危化经字〔2024〕000123".into(),
                issuer: "南京市应急管理局".into(),
                issued_on: "2024-03-15".into(),
                valid_until: "2027-03-14".into(),
                mode: "storage".into(),
                scope: vec![ScopeItem {
                    name: "硫酸".into(),
                    cas: "7664-93-9".into(),
                    stored: true,
                }],
                business_address: "南京市玄武区北京东路1号".into(),
                storage_address: "南京市江北新区化工园1号".into(),
                ..LicenceEntry::default()
            }],
            ..EnterpriseRecord::default()
        }
    }

    #[test]
    fn storage_units_decide_the_major_hazard_answer_unless_a_report_says_otherwise() {
        use crate::domain::major_hazard::{StorageUnit, StoredSubstance};
        let mut r = complete();
        r.storage_units = vec![StorageUnit {
            name: "1号仓库".into(),
            exposed: "10".into(),
            substances: vec![StoredSubstance {
                name: "甲醇".into(),
                amount: "600".into(),
                ..Default::default()
            }],
        }];
        // 600 t of methanol ≥ 500 t: the answer 否 is questioned, with the arithmetic.
        let e = r.check_mode(today());
        let m = e.get("major_hazard").unwrap_or_default();
        assert!(
            m.contains("S = 1.2000 ≥ 1") && m.contains("报告编号"),
            "{m}"
        );
        // A report number lets the answer stand, and the regulator is told.
        r.major_hazard_report = "苏安评〔2025〕018号".into();
        assert_eq!(r.check_mode(today()).get("major_hazard"), None);
        assert!(r
            .major_hazard_flag()
            .unwrap_or_default()
            .contains("苏安评〔2025〕018号"));
        assert!(r
            .fields()
            .iter()
            .any(|(k, v)| *k == RecordField::HazardResult && v == "构成重大危险源(四级)"));
        // Below the threshold 否 agrees and nothing is flagged.
        r.storage_units[0].substances[0].amount = "400".into();
        r.major_hazard_report.clear();
        assert!(
            r.check_mode(today()).is_empty(),
            "{:?}",
            r.check_mode(today())
        );
        assert_eq!(r.major_hazard_flag(), None);
        // 是 against S < 1 is questioned with the arithmetic too.
        r.major_hazard = "yes".into();
        let m = r
            .check_mode(today())
            .get("major_hazard")
            .unwrap_or_default()
            .to_string();
        assert!(
            m.starts_with("按您填写的储存单元计算,S = 0.8000 < 1,不构成重大危险源。"),
            "{m}"
        );
        r.major_hazard = "no".into();
        // A unit's problems are at their fields, labelled.
        r.storage_units[0].substances[0].amount = "4吨".into();
        assert!(r
            .check_mode(today())
            .get("storage_units.0.substances.0.amount")
            .is_some());
        assert_eq!(
            label("storage_units.0.substances.0.amount"),
            "储存单元1 第1种储存量"
        );
    }

    #[test]
    fn an_answer_without_storage_units_is_flagged_and_the_enterprise_told_what_to_do() {
        use crate::domain::major_hazard::{StorageUnit, StoredSubstance};
        // Storage, the answer 否, no unit listed.
        let mut r = complete();
        // Units stay optional: nothing blocks the step or the submission.
        assert_eq!(r.completeness(today()), vec![]);
        let flag = r.major_hazard_flag().unwrap_or_default();
        assert!(
            flag.starts_with("企业自报不构成重大危险源(未填写储存单元,也未填写辨识报告编号)")
                && flag.contains("请核实"),
            "{flag}"
        );
        assert!(r.fields().iter().any(|(k, v)| *k == RecordField::HazardFlag
            && k.label() == "重大危险源辨识核对"
            && *v == flag));
        let note = r.hazard_unlisted_note().unwrap_or_default();
        assert!(
            note.contains("新增储存单元") && note.contains("设计最大储存量"),
            "{note}"
        );
        // 是 with a report: the report is named.
        r.major_hazard = "yes".into();
        r.major_hazard_report = "苏安评〔2025〕018号".into();
        assert!(r
            .major_hazard_flag()
            .unwrap_or_default()
            .starts_with("企业自报构成重大危险源(辨识报告 苏安评〔2025〕018号,未填写储存单元)"));
        // Not answered, no storage, or units listed: nothing to flag or say.
        r.major_hazard = String::new();
        assert_eq!(
            (r.major_hazard_flag(), r.hazard_unlisted_note()),
            (None, None)
        );
        r.major_hazard = "no".into();
        r.major_hazard_report.clear();
        r.has_storage = "no".into();
        assert_eq!(
            (r.major_hazard_flag(), r.hazard_unlisted_note()),
            (None, None)
        );
        r.has_storage = "yes".into();
        r.storage_units = vec![StorageUnit {
            name: "1号仓库".into(),
            exposed: "10".into(),
            substances: vec![StoredSubstance {
                name: "甲醇".into(),
                amount: "400".into(),
                ..Default::default()
            }],
        }];
        assert_eq!(
            (r.major_hazard_flag(), r.hazard_unlisted_note()),
            (None, None)
        );
        assert!(!r
            .fields()
            .iter()
            .any(|(k, _)| *k == RecordField::HazardFlag));
    }

    #[test]
    fn a_complete_record_has_no_issues() {
        assert_eq!(complete().completeness(today()), vec![]);
    }

    #[test]
    fn an_empty_record_lists_every_step() {
        let issues = EnterpriseRecord::default().completeness(today());
        for step in InfoStep::EDITING {
            assert!(issues.iter().any(|i| i.step == step), "{step:?}");
        }
        assert!(issues.iter().any(|i| i.field == "economic_type"));
    }

    #[test]
    fn the_mode_step_explains_an_inconsistent_choice() {
        let mut r = complete();
        r.fuel_station = "yes".into();
        r.major_hazard = "no".into();
        r.business_mode = "storage_major_hazard".into();
        r.licences[0].mode = "fuel_station".into();
        let e = r.check_mode(today());
        assert!(
            e.get("business_mode").unwrap().contains("应选择“加油站”"),
            "{e:?}"
        );
        r.business_mode = "fuel_station".into();
        assert!(r.check_mode(today()).is_empty());
    }

    #[test]
    fn the_advice_and_the_check_say_the_same_for_every_answer() {
        use crate::domain::business_mode::{recommend, ModeAdvice};
        let answers = ["", "yes", "no"];
        for fuel in answers {
            for storage in answers {
                for major in answers {
                    for lic in ["", "fuel_station", "no_storage", "storage_major_hazard"] {
                        for chosen in BusinessMode::ALL {
                            let mut r = complete();
                            r.fuel_station = fuel.into();
                            r.has_storage = storage.into();
                            r.major_hazard = major.into();
                            r.licences[0].mode = lic.into();
                            r.business_mode = chosen.code().into();
                            let e = r.check_mode(today());
                            let case = format!("{fuel}/{storage}/{major}/{lic}/{}", chosen.code());
                            match recommend(&r.mode_answers(), policy_at(today())) {
                                ModeAdvice::Ask(q) => {
                                    let field = match q {
                                        ModeQuestion::FuelStation => "fuel_station",
                                        ModeQuestion::HasStorage => "has_storage",
                                        ModeQuestion::MajorHazard => "major_hazard",
                                    };
                                    assert_eq!(
                                        e.get(field),
                                        Some(format!("请先回答:{}", q.text()).as_str()),
                                        "{case}"
                                    );
                                }
                                ModeAdvice::Inconsistent(m) => {
                                    assert_eq!(e.get("business_mode"), Some(m.as_str()), "{case}")
                                }
                                ModeAdvice::Recommend { mode, .. } if mode == chosen => {
                                    assert!(e.is_empty(), "{case}: {e:?}")
                                }
                                ModeAdvice::Recommend { mode, .. } => {
                                    let m = e.get("business_mode").unwrap_or_default();
                                    assert!(
                                        m.contains(mode.label()) || m.contains("不再可选"),
                                        "{case}: {m}"
                                    )
                                }
                            }
                        }
                    }
                }
            }
        }
        // A major-hazard answer from before "no storage" is not asked and
        // does not count against the choice.
        let mut r = complete();
        r.has_storage = "no".into();
        r.major_hazard = "yes".into();
        r.business_mode = "no_storage".into();
        r.licences[0].mode = "no_storage".into();
        assert!(!r.asks_major_hazard());
        assert!(
            r.check_mode(today()).is_empty(),
            "{:?}",
            r.check_mode(today())
        );
    }

    #[test]
    fn no_storage_needs_no_major_hazard_answer() {
        let mut r = complete();
        r.has_storage = "no".into();
        r.major_hazard = String::new();
        r.business_mode = "no_storage".into();
        r.licences[0].mode = "no_storage".into();
        assert!(
            r.check_mode(today()).is_empty(),
            "{:?}",
            r.check_mode(today())
        );
    }

    #[test]
    fn one_licence_or_several_as_declared() {
        let mut r = complete();
        r.multi_licence = "yes".into();
        assert!(r
            .check_licences(today())
            .get("licences")
            .unwrap()
            .contains("至少两张"));
        r.licences.push(LicenceEntry {
            number: "苏(宁)危化经字〔2024〕000124".into(),
            ..r.licences[0].clone()
        });
        assert!(
            r.check_licences(today()).is_empty(),
            "{:?}",
            r.check_licences(today())
        );
        r.multi_licence = "no".into();
        assert!(r
            .check_licences(today())
            .get("multi_licence")
            .unwrap()
            .contains("2张"));
        r.multi_licence = "yes".into();
        r.licences[1].number = r.licences[0].number.clone();
        assert!(r
            .check_licences(today())
            .get("licences.1.number")
            .unwrap()
            .contains("相同"));
    }

    #[test]
    fn licence_dates_and_validity() {
        let mut r = complete();
        r.licences[0].valid_until = "2027-03-16".into();
        let e = r.check_licences(today());
        assert!(
            e.get("licences.0.valid_until")
                .unwrap()
                .contains("2027-03-15"),
            "{e:?}"
        );
        r.licences[0].valid_until = "2024-03-01".into();
        assert!(r
            .check_licences(today())
            .get("licences.0.valid_until")
            .is_some());
        r.licences[0].issued_on = "2027-01-01".into();
        assert!(r
            .check_licences(today())
            .get("licences.0.issued_on")
            .unwrap()
            .contains("晚于今天"));
    }

    #[test]
    fn cas_numbers() {
        assert_eq!(check_cas("7664-93-9"), Ok("7664-93-9".into()));
        assert_eq!(check_cas(" 64-17-5 "), Ok("64-17-5".into()));
        assert_eq!(check_cas("７６６４-９３-９"), Ok("7664-93-9".into()));
        assert!(check_cas("7664-93-8").unwrap_err().contains("校验位"));
        assert!(check_cas("766493").unwrap_err().contains("格式"));
    }

    #[test]
    fn diff_names_each_changed_field() {
        let a = complete();
        let mut b = a.clone();
        b.principal_name = "赵六".into();
        b.licences[0].issuer = "江苏省应急管理厅".into();
        let d = diff(&a, &b);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].label, "主要负责人");
        assert_eq!(
            (d[0].before.as_str(), d[0].after.as_str()),
            ("李强", "赵六")
        );
        assert_eq!(d[1].label, "许可证1 发证机关");
        let mut c = b.clone();
        c.licences.clear();
        assert!(diff(&b, &c)
            .iter()
            .any(|f| f.field == "licences.0.number" && f.after.is_empty()));
    }

    #[test]
    fn expired_and_expiring_licences_are_named_with_what_to_do() {
        let r = EnterpriseRecord {
            licences: vec![
                LicenceEntry {
                    number: "苏(宁)危化经字〔2023〕000123".into(),
                    valid_until: "2026-11-27".into(),
                    ..LicenceEntry::default()
                },
                LicenceEntry {
                    valid_until: "2027-01-31".into(),
                    ..LicenceEntry::default()
                },
                LicenceEntry {
                    valid_until: "2029-11-27".into(),
                    ..LicenceEntry::default()
                },
            ],
            ..EnterpriseRecord::default()
        };
        let w = r.expiry_warnings(today());
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].starts_with("许可证 苏(宁)危化经字〔2023〕000123 已于 2026-11-27 过期"),
            "{}",
            w[0]
        );
        assert!(w[0].contains("原发证机关"));
        assert!(
            w[1].starts_with("这张许可证将于 2027-01-31 到期"),
            "{}",
            w[1]
        );
    }

    #[test]
    fn expiry_window_is_three_months() {
        let t = today();
        assert_eq!(
            expiry_state(Date::parse("2027-03-14").unwrap(), t),
            Expiry::Valid
        );
        assert_eq!(
            expiry_state(Date::parse("2027-02-28").unwrap(), t),
            Expiry::RenewNow
        );
        assert_eq!(
            expiry_state(Date::parse("2026-11-27").unwrap(), t),
            Expiry::Expired
        );
    }

    #[test]
    fn each_scalar_has_its_own_slot_key_and_label() {
        let mut r = EnterpriseRecord::default();
        for f in Scalar::ALL {
            *f.of_mut(&mut r) = format!("v-{}", f.key());
        }
        for f in Scalar::ALL {
            assert_eq!(f.of(&r), &format!("v-{}", f.key()), "{f:?}");
            assert_eq!(Scalar::from_key(f.key()), Some(f));
            let wire = serde_json::to_string(&f).unwrap_or_default();
            assert_eq!(wire, format!("\"{}\"", f.key()));
        }
        let labels: std::collections::BTreeSet<_> = Scalar::ALL.iter().map(|f| f.label()).collect();
        assert_eq!(labels.len(), Scalar::ALL.len());
        assert_eq!(Scalar::from_key("licences"), None);
        // The editor indexes its signals by discriminant (`field as usize`).
        assert!(Scalar::ALL
            .iter()
            .enumerate()
            .all(|(i, f)| *f as usize == i));
    }
}
