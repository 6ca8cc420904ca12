//! The enterprise record's fields as typed keys (issue 13, item 2): each
//! field's key in messages ([`FieldErrors`](super::FieldErrors)), its form
//! `name` and element id (`f-<key>`), its label and its help article are
//! written once, here. On the wire and in the page a key is its text
//! (`licences.0.scope.1.cas`); [`RecordField::parse`] reads it back.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::enterprise_info::{EnterpriseRecord, LicenceEntry};
use super::help::{manual, Faq, HelpLink};

/// The record's one-value fields, in form order. Each is the form's `name`
/// and the wire's key (`key`), has its label (written once, here) and its
/// place in the record (`of`, `of_mut`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scalar {
    Name,
    LegalRep,
    PrincipalName,
    PrincipalMobile,
    SafetyName,
    SafetyMobile,
    RegisteredAddress,
    BusinessAddress,
    StorageAddress,
    RegionCode,
    EconomicType,
    FuelStation,
    HasStorage,
    MajorHazard,
    MajorHazardReport,
    BusinessMode,
    MultiLicence,
}

impl Scalar {
    pub const ALL: [Scalar; 17] = [
        Scalar::Name,
        Scalar::LegalRep,
        Scalar::PrincipalName,
        Scalar::PrincipalMobile,
        Scalar::SafetyName,
        Scalar::SafetyMobile,
        Scalar::RegisteredAddress,
        Scalar::BusinessAddress,
        Scalar::StorageAddress,
        Scalar::RegionCode,
        Scalar::EconomicType,
        Scalar::FuelStation,
        Scalar::HasStorage,
        Scalar::MajorHazard,
        Scalar::MajorHazardReport,
        Scalar::BusinessMode,
        Scalar::MultiLicence,
    ];

    /// The form's `name` of the field, and its key in messages and on the wire.
    pub fn key(self) -> &'static str {
        match self {
            Scalar::Name => "name",
            Scalar::LegalRep => "legal_rep",
            Scalar::PrincipalName => "principal_name",
            Scalar::PrincipalMobile => "principal_mobile",
            Scalar::SafetyName => "safety_name",
            Scalar::SafetyMobile => "safety_mobile",
            Scalar::RegisteredAddress => "registered_address",
            Scalar::BusinessAddress => "business_address",
            Scalar::StorageAddress => "storage_address",
            Scalar::RegionCode => "region_code",
            Scalar::EconomicType => "economic_type",
            Scalar::FuelStation => "fuel_station",
            Scalar::HasStorage => "has_storage",
            Scalar::MajorHazard => "major_hazard",
            Scalar::MajorHazardReport => "major_hazard_report",
            Scalar::BusinessMode => "business_mode",
            Scalar::MultiLicence => "multi_licence",
        }
    }

    pub fn from_key(key: &str) -> Option<Scalar> {
        Scalar::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Scalar::Name => "企业名称",
            Scalar::LegalRep => "法定代表人",
            Scalar::PrincipalName => "主要负责人",
            Scalar::PrincipalMobile => "主要负责人手机",
            Scalar::SafetyName => "安全管理人员",
            Scalar::SafetyMobile => "安全管理人员手机",
            Scalar::RegisteredAddress => "注册地址",
            Scalar::BusinessAddress => "经营场所",
            Scalar::StorageAddress => "储存场所",
            Scalar::RegionCode => "所属地区",
            Scalar::EconomicType => "经济类型",
            Scalar::FuelStation => "是否经营加油站",
            Scalar::HasStorage => "是否有储存设施",
            Scalar::MajorHazard => "是否构成重大危险源",
            Scalar::MajorHazardReport => "重大危险源辨识报告编号",
            Scalar::BusinessMode => "经营方式",
            Scalar::MultiLicence => "是否一企多证",
        }
    }

    /// Whether it is a yes/no answer (shown as 是 / 否).
    pub fn is_answer(self) -> bool {
        matches!(
            self,
            Scalar::FuelStation | Scalar::HasStorage | Scalar::MajorHazard | Scalar::MultiLicence
        )
    }

    /// Whether the 申请修改 form offers it: the plain facts, not the
    /// answers, the 经营方式 they lead to or the region (a move is the
    /// enterprise's own 信息变更).
    pub fn proposable(self) -> bool {
        !self.is_answer() && !matches!(self, Scalar::BusinessMode | Scalar::RegionCode)
    }

    pub fn of(self, r: &EnterpriseRecord) -> &String {
        match self {
            Scalar::Name => &r.name,
            Scalar::LegalRep => &r.legal_rep,
            Scalar::PrincipalName => &r.principal_name,
            Scalar::PrincipalMobile => &r.principal_mobile,
            Scalar::SafetyName => &r.safety_name,
            Scalar::SafetyMobile => &r.safety_mobile,
            Scalar::RegisteredAddress => &r.registered_address,
            Scalar::BusinessAddress => &r.business_address,
            Scalar::StorageAddress => &r.storage_address,
            Scalar::RegionCode => &r.region_code,
            Scalar::EconomicType => &r.economic_type,
            Scalar::FuelStation => &r.fuel_station,
            Scalar::HasStorage => &r.has_storage,
            Scalar::MajorHazard => &r.major_hazard,
            Scalar::MajorHazardReport => &r.major_hazard_report,
            Scalar::BusinessMode => &r.business_mode,
            Scalar::MultiLicence => &r.multi_licence,
        }
    }

    pub fn of_mut(self, r: &mut EnterpriseRecord) -> &mut String {
        match self {
            Scalar::Name => &mut r.name,
            Scalar::LegalRep => &mut r.legal_rep,
            Scalar::PrincipalName => &mut r.principal_name,
            Scalar::PrincipalMobile => &mut r.principal_mobile,
            Scalar::SafetyName => &mut r.safety_name,
            Scalar::SafetyMobile => &mut r.safety_mobile,
            Scalar::RegisteredAddress => &mut r.registered_address,
            Scalar::BusinessAddress => &mut r.business_address,
            Scalar::StorageAddress => &mut r.storage_address,
            Scalar::RegionCode => &mut r.region_code,
            Scalar::EconomicType => &mut r.economic_type,
            Scalar::FuelStation => &mut r.fuel_station,
            Scalar::HasStorage => &mut r.has_storage,
            Scalar::MajorHazard => &mut r.major_hazard,
            Scalar::MajorHazardReport => &mut r.major_hazard_report,
            Scalar::BusinessMode => &mut r.business_mode,
            Scalar::MultiLicence => &mut r.multi_licence,
        }
    }
}

impl From<Scalar> for super::fields::FieldName {
    fn from(f: Scalar) -> Self {
        super::fields::FieldName {
            name: f.key(),
            label: f.label(),
        }
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Scalar {
    /// The article explaining the field.
    pub fn help(self) -> Option<HelpLink> {
        Some(match self {
            Scalar::FuelStation | Scalar::HasStorage | Scalar::BusinessMode => {
                Faq::BusinessMode.link()
            }
            Scalar::MultiLicence => Faq::MultipleLicences.link(),
            Scalar::MajorHazard | Scalar::MajorHazardReport => Faq::MajorHazard.link(),
            Scalar::RegionCode => manual::REGISTER_MANUAL_REVIEW,
            _ => HelpLink::section(manual::ENTERPRISE_INFO, "basic"),
        })
    }
}

/// A field of one licence (`licences.N.<key>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicenceField {
    Number,
    Issuer,
    IssuedOn,
    ValidUntil,
    Mode,
    Scope,
    BusinessAddress,
    StorageAddress,
    Scan,
}

impl LicenceField {
    pub const ALL: [LicenceField; 9] = [
        LicenceField::Number,
        LicenceField::Issuer,
        LicenceField::IssuedOn,
        LicenceField::ValidUntil,
        LicenceField::Mode,
        LicenceField::Scope,
        LicenceField::BusinessAddress,
        LicenceField::StorageAddress,
        LicenceField::Scan,
    ];

    pub fn key(self) -> &'static str {
        match self {
            LicenceField::Number => "number",
            LicenceField::Issuer => "issuer",
            LicenceField::IssuedOn => "issued_on",
            LicenceField::ValidUntil => "valid_until",
            LicenceField::Mode => "mode",
            LicenceField::Scope => "scope",
            LicenceField::BusinessAddress => "business_address",
            LicenceField::StorageAddress => "storage_address",
            LicenceField::Scan => "scan",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LicenceField::Number => "编号",
            LicenceField::Issuer => "发证机关",
            LicenceField::IssuedOn => "发证日期",
            LicenceField::ValidUntil => "有效期至",
            LicenceField::Mode => "经营方式",
            LicenceField::Scope => "许可范围",
            LicenceField::BusinessAddress => "经营地址",
            LicenceField::StorageAddress => "储存地址",
            LicenceField::Scan => "证书扫描件",
        }
    }

    /// The licence's text for a field typed as one line (None for the
    /// 经营方式, 许可范围 and scan, which have inputs of their own).
    pub fn text(self, l: &LicenceEntry) -> Option<&String> {
        match self {
            LicenceField::Number => Some(&l.number),
            LicenceField::Issuer => Some(&l.issuer),
            LicenceField::IssuedOn => Some(&l.issued_on),
            LicenceField::ValidUntil => Some(&l.valid_until),
            LicenceField::BusinessAddress => Some(&l.business_address),
            LicenceField::StorageAddress => Some(&l.storage_address),
            LicenceField::Mode | LicenceField::Scope | LicenceField::Scan => None,
        }
    }

    /// [`LicenceField::text`], to change it.
    pub fn text_mut(self, l: &mut LicenceEntry) -> Option<&mut String> {
        match self {
            LicenceField::Number => Some(&mut l.number),
            LicenceField::Issuer => Some(&mut l.issuer),
            LicenceField::IssuedOn => Some(&mut l.issued_on),
            LicenceField::ValidUntil => Some(&mut l.valid_until),
            LicenceField::BusinessAddress => Some(&mut l.business_address),
            LicenceField::StorageAddress => Some(&mut l.storage_address),
            LicenceField::Mode | LicenceField::Scope | LicenceField::Scan => None,
        }
    }
}

/// A field of one item of a licence's 许可范围 (`licences.N.scope.M.<key>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeField {
    Name,
    Cas,
}

impl ScopeField {
    pub fn key(self) -> &'static str {
        match self {
            ScopeField::Name => "name",
            ScopeField::Cas => "cas",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ScopeField::Name => "许可范围 品名",
            ScopeField::Cas => "许可范围 CAS号",
        }
    }
}

/// A field of one 储存单元 (`storage_units.N.<key>`), as
/// [`StorageUnit::identify`](super::major_hazard::StorageUnit::identify)
/// names its problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitField {
    Name,
    Exposed,
    /// The list of substances as a whole.
    Substances,
    /// A field of the substance in row `i` (`substances.i.<key>`).
    Substance(usize, SubstanceField),
}

impl UnitField {
    pub fn label(self) -> String {
        match self {
            UnitField::Name => "单元名称".into(),
            UnitField::Exposed => "厂外可能暴露人数".into(),
            UnitField::Substances => "危险化学品".into(),
            UnitField::Substance(i, f) => format!("第{}种{}", i + 1, f.label()),
        }
    }
}

impl fmt::Display for UnitField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitField::Name => f.write_str("name"),
            UnitField::Exposed => f.write_str("exposed"),
            UnitField::Substances => f.write_str("substances"),
            UnitField::Substance(i, s) => write!(f, "substances.{i}.{}", s.key()),
        }
    }
}

/// A field of one stored substance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubstanceField {
    Name,
    Cas,
    Classes,
    Amount,
    /// 吨, 千克 or 立方米 (a choice, never wrong by itself).
    Unit,
    Density,
}

impl SubstanceField {
    pub const ALL: [SubstanceField; 6] = [
        SubstanceField::Name,
        SubstanceField::Cas,
        SubstanceField::Classes,
        SubstanceField::Amount,
        SubstanceField::Unit,
        SubstanceField::Density,
    ];

    pub fn key(self) -> &'static str {
        match self {
            SubstanceField::Name => "name",
            SubstanceField::Cas => "cas",
            SubstanceField::Classes => "classes",
            SubstanceField::Amount => "amount",
            SubstanceField::Unit => "unit",
            SubstanceField::Density => "density",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SubstanceField::Name => "品名",
            SubstanceField::Cas => "CAS号",
            SubstanceField::Classes => "危险性类别",
            SubstanceField::Amount => "储存量",
            SubstanceField::Unit => "单位",
            SubstanceField::Density => "密度",
        }
    }
}

/// Any field of the record, down to a licence's or a unit's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordField {
    Scalar(Scalar),
    /// The list of licences as a whole.
    Licences,
    Licence(usize, LicenceField),
    Scope(usize, usize, ScopeField),
    /// The list of storage units as a whole.
    StorageUnits,
    /// Storage unit `u` as a whole (one line in a change table).
    StorageUnit(usize),
    Unit(usize, UnitField),
    /// The 重大危险源辨识 computed from the units.
    HazardResult,
    /// A computed identification that differs from the answer given.
    HazardFlag,
}

impl From<Scalar> for RecordField {
    fn from(s: Scalar) -> RecordField {
        RecordField::Scalar(s)
    }
}

impl fmt::Display for RecordField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordField::Scalar(s) => f.write_str(s.key()),
            RecordField::Licences => f.write_str("licences"),
            RecordField::Licence(i, l) => write!(f, "licences.{i}.{}", l.key()),
            RecordField::Scope(i, j, s) => write!(f, "licences.{i}.scope.{j}.{}", s.key()),
            RecordField::StorageUnits => f.write_str("storage_units"),
            RecordField::StorageUnit(u) => write!(f, "storage_units.{u}"),
            RecordField::Unit(u, x) => write!(f, "storage_units.{u}.{x}"),
            RecordField::HazardResult => f.write_str("hazard_result"),
            RecordField::HazardFlag => f.write_str("hazard_flag"),
        }
    }
}

impl RecordField {
    /// The field a key names (the inverse of its `Display`).
    pub fn parse(key: &str) -> Option<RecordField> {
        if let Some(s) = Scalar::from_key(key) {
            return Some(RecordField::Scalar(s));
        }
        let index = |s: &str| s.parse::<usize>().ok().filter(|_| !s.starts_with('+'));
        let parts: Vec<&str> = key.split('.').collect();
        Some(match parts.as_slice() {
            ["licences"] => RecordField::Licences,
            ["storage_units"] => RecordField::StorageUnits,
            ["hazard_result"] => RecordField::HazardResult,
            ["hazard_flag"] => RecordField::HazardFlag,
            ["licences", i, f] => RecordField::Licence(
                index(i)?,
                LicenceField::ALL.into_iter().find(|l| l.key() == *f)?,
            ),
            ["licences", i, "scope", j, f] => RecordField::Scope(
                index(i)?,
                index(j)?,
                [ScopeField::Name, ScopeField::Cas]
                    .into_iter()
                    .find(|s| s.key() == *f)?,
            ),
            ["storage_units", u] => RecordField::StorageUnit(index(u)?),
            ["storage_units", u, rest @ ..] => RecordField::Unit(
                index(u)?,
                match rest {
                    ["name"] => UnitField::Name,
                    ["exposed"] => UnitField::Exposed,
                    ["substances"] => UnitField::Substances,
                    ["substances", i, f] => UnitField::Substance(
                        index(i)?,
                        SubstanceField::ALL.into_iter().find(|s| s.key() == *f)?,
                    ),
                    _ => return None,
                },
            ),
            _ => return None,
        })
    }

    /// The label people read: in messages, summaries and change tables.
    pub fn label(self) -> String {
        match self {
            RecordField::Scalar(s) => s.label().into(),
            RecordField::Licences => "经营许可证".into(),
            RecordField::Licence(i, l) => format!("许可证{} {}", i + 1, l.label()),
            RecordField::Scope(i, _, s) => format!("许可证{} {}", i + 1, s.label()),
            RecordField::StorageUnits => "储存单元".into(),
            RecordField::StorageUnit(u) => format!("储存单元{}", u + 1),
            RecordField::Unit(u, x) => format!("储存单元{} {}", u + 1, x.label()),
            RecordField::HazardResult => "重大危险源辨识(按储存单元计算)".into(),
            RecordField::HazardFlag => "重大危险源辨识核对".into(),
        }
    }

    /// The article explaining the field, for a message that carries none.
    pub fn help(self) -> Option<HelpLink> {
        match self {
            RecordField::Scalar(s) => s.help(),
            RecordField::Licences => Some(Faq::MultipleLicences.link()),
            RecordField::Licence(_, LicenceField::Mode) => Some(Faq::BusinessMode.link()),
            RecordField::Licence(..) | RecordField::Scope(..) => {
                Some(HelpLink::section(manual::ENTERPRISE_INFO, "licences"))
            }
            RecordField::HazardFlag => Some(Faq::MajorHazard.link()),
            RecordField::StorageUnits
            | RecordField::StorageUnit(_)
            | RecordField::Unit(..)
            | RecordField::HazardResult => None,
        }
    }

    /// Whether it is (part of) a licence.
    pub fn is_licence(self) -> bool {
        matches!(
            self,
            RecordField::Licences | RecordField::Licence(..) | RecordField::Scope(..)
        )
    }

    /// Whether it is (part of) a storage unit.
    pub fn is_storage_unit(self) -> bool {
        matches!(
            self,
            RecordField::StorageUnits | RecordField::StorageUnit(_) | RecordField::Unit(..)
        )
    }

    /// Every article a record field links to (tests check each exists).
    pub fn help_links() -> Vec<HelpLink> {
        Scalar::ALL
            .into_iter()
            .map(RecordField::Scalar)
            .chain([
                RecordField::Licences,
                RecordField::Licence(0, LicenceField::Mode),
                RecordField::Licence(0, LicenceField::Number),
                RecordField::HazardFlag,
            ])
            .filter_map(RecordField::help)
            .collect()
    }
}

/// The label of a key (the key itself when it names no record field).
pub fn label(key: &str) -> String {
    RecordField::parse(key).map_or_else(|| key.to_string(), RecordField::label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_reads_back_as_its_field_and_has_a_label() {
        let mut fields: Vec<RecordField> =
            Scalar::ALL.into_iter().map(RecordField::Scalar).collect();
        fields.extend(LicenceField::ALL.map(|l| RecordField::Licence(2, l)));
        fields.extend([ScopeField::Name, ScopeField::Cas].map(|s| RecordField::Scope(1, 3, s)));
        fields.extend(
            [UnitField::Name, UnitField::Exposed, UnitField::Substances]
                .into_iter()
                .chain(SubstanceField::ALL.map(|s| UnitField::Substance(4, s)))
                .map(|x| RecordField::Unit(0, x)),
        );
        fields.extend([
            RecordField::Licences,
            RecordField::StorageUnits,
            RecordField::StorageUnit(1),
            RecordField::HazardResult,
            RecordField::HazardFlag,
        ]);
        for f in fields {
            let key = f.to_string();
            assert_eq!(RecordField::parse(&key), Some(f), "{key}");
            assert!(!f.label().is_empty() && f.label() != key, "{key}");
        }
    }

    #[test]
    fn keys_and_labels_read_as_the_page_and_people_know_them() {
        let cas = RecordField::Scope(1, 0, ScopeField::Cas);
        assert_eq!(cas.to_string(), "licences.1.scope.0.cas");
        assert_eq!(cas.label(), "许可证2 许可范围 CAS号");
        let amount = RecordField::Unit(0, UnitField::Substance(0, SubstanceField::Amount));
        assert_eq!(amount.to_string(), "storage_units.0.substances.0.amount");
        assert_eq!(
            label("storage_units.0.substances.0.amount"),
            "储存单元1 第1种储存量"
        );
        assert_eq!(label("licences.0.valid_until"), "许可证1 有效期至");
        assert_eq!(label("principal_mobile"), "主要负责人手机");
        for unknown in [
            "licences.x.number",
            "licences.0.colour",
            "storage_units.+1",
            "nothing",
        ] {
            assert_eq!(RecordField::parse(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn licence_rows_are_explained_by_the_licence_section_and_their_mode_by_the_mode_article() {
        assert_eq!(
            RecordField::Scope(1, 0, ScopeField::Cas)
                .help()
                .map(|l| l.href()),
            Some("/help/enterprise-info-manual#licences".to_string())
        );
        assert_eq!(
            RecordField::Licence(0, LicenceField::Mode).help(),
            Some(Faq::BusinessMode.link())
        );
        assert_eq!(RecordField::Unit(0, UnitField::Name).help(), None);
    }
}
