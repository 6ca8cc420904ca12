//! 经营方式 (business mode) and the rules that pick it.
//!
//! From the national FAQ: a fuel station that is not a major hazard source
//! (GB 18218-2018, S < 1) is 加油站; a fuel station that is one is
//! 有储存经营(构成重大危险源); every other enterprise follows its 危险化学品经营
//! 许可证. A change of 经营方式 needs a new licence application
//! (《危险化学品经营许可证管理办法》), so an answer that contradicts the licence
//! is explained, never silently accepted.
//!
//! Rules that may change with the law (危险化学品安全法, in force 2026-05-01)
//! live in the dated table [`POLICIES`].

use super::date::Date;

/// The business modes the system offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum BusinessMode {
    NoStorage,
    StorageNotMajorHazard,
    StorageMajorHazard,
    FuelStation,
    Warehousing,
}

impl BusinessMode {
    pub const ALL: [BusinessMode; 5] = [
        BusinessMode::NoStorage,
        BusinessMode::StorageNotMajorHazard,
        BusinessMode::StorageMajorHazard,
        BusinessMode::FuelStation,
        BusinessMode::Warehousing,
    ];

    pub fn label(self) -> &'static str {
        match self {
            BusinessMode::NoStorage => "无储存经营",
            BusinessMode::StorageNotMajorHazard => "有储存经营(不构成重大危险源)",
            BusinessMode::StorageMajorHazard => "有储存经营(构成重大危险源)",
            BusinessMode::FuelStation => "加油站",
            BusinessMode::Warehousing => "仓储经营",
        }
    }

    /// Stable code for storage and forms.
    pub fn code(self) -> &'static str {
        match self {
            BusinessMode::NoStorage => "no_storage",
            BusinessMode::StorageNotMajorHazard => "storage",
            BusinessMode::StorageMajorHazard => "storage_major_hazard",
            BusinessMode::FuelStation => "fuel_station",
            BusinessMode::Warehousing => "warehousing",
        }
    }

    pub fn from_code(code: &str) -> Option<BusinessMode> {
        BusinessMode::ALL.into_iter().find(|m| m.code() == code)
    }

    /// The label of a stored code, or the code itself when it names no mode
    /// (a value kept from before the modes were fixed).
    pub fn label_of(code: &str) -> String {
        BusinessMode::from_code(code).map_or_else(|| code.to_string(), |m| m.label().to_string())
    }

    fn has_storage(self) -> bool {
        !matches!(self, BusinessMode::NoStorage)
    }
}

/// One version of the rules, in force from `effective_from`.
#[derive(Debug, Clone, Copy)]
pub struct ModePolicy {
    pub effective_from: (i32, u32, u32),
    pub basis: &'static str,
    /// The modes offered for selection.
    pub offered: &'static [BusinessMode],
    /// The mode of a fuel station that is not a major hazard source.
    pub fuel_station_mode: BusinessMode,
    /// The mode of a fuel station that is a major hazard source.
    pub fuel_station_major_hazard_mode: BusinessMode,
}

/// Dated policy table, oldest first. Add a row when the law changes; never edit an old one.
pub const POLICIES: &[ModePolicy] = &[ModePolicy {
    effective_from: (2015, 7, 1),
    basis: "《危险化学品经营许可证管理办法》(安监总局令第55号,第79号修正);全国系统常见问题解析",
    offered: &BusinessMode::ALL,
    fuel_station_mode: BusinessMode::FuelStation,
    fuel_station_major_hazard_mode: BusinessMode::StorageMajorHazard,
}];

/// The policy in force on `date`.
pub fn policy_at(date: Date) -> &'static ModePolicy {
    let key = (date.year(), date.month(), date.day());
    POLICIES
        .iter()
        .rev()
        .find(|p| p.effective_from <= key)
        .unwrap_or(&POLICIES[0])
}

/// The enterprise's answers to the guiding questions. `None` = not answered yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModeAnswers {
    pub fuel_station: Option<bool>,
    pub has_storage: Option<bool>,
    pub major_hazard: Option<bool>,
    /// The mode printed on the licence, if the system offers it.
    pub licence_mode: Option<BusinessMode>,
}

/// A question still to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeQuestion {
    FuelStation,
    HasStorage,
    MajorHazard,
}

impl ModeQuestion {
    pub fn text(self) -> &'static str {
        match self {
            ModeQuestion::FuelStation => "是否经营加油站?",
            ModeQuestion::HasStorage => "是否有危险化学品储存设施(仓库、储罐)?",
            ModeQuestion::MajorHazard => "储存设施是否构成重大危险源(按 GB 18218 辨识)?",
        }
    }
}

/// What the rules say about the answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModeAdvice {
    /// Answer this first.
    Ask(ModeQuestion),
    /// Choose this mode, for this reason.
    Recommend { mode: BusinessMode, reason: String },
    /// The answers contradict each other or the licence.
    Inconsistent(String),
}

const NEW_APPLICATION: &str = "经营方式发生变化须向发证机关重新申请经营许可证";

/// The recommended mode for `answers` under `policy`.
pub fn recommend(answers: &ModeAnswers, policy: &ModePolicy) -> ModeAdvice {
    let Some(fuel) = answers.fuel_station else {
        return ModeAdvice::Ask(ModeQuestion::FuelStation);
    };
    if fuel {
        if answers.has_storage == Some(false) {
            return ModeAdvice::Inconsistent(
                "加油站设有储油罐,属于有储存设施;请将“是否有危险化学品储存设施”改为“是”。".into(),
            );
        }
        let Some(major) = answers.major_hazard else {
            return ModeAdvice::Ask(ModeQuestion::MajorHazard);
        };
        let mode = if major {
            policy.fuel_station_major_hazard_mode
        } else {
            policy.fuel_station_mode
        };
        if let Some(lic) = answers.licence_mode {
            if !matches!(
                lic,
                BusinessMode::FuelStation | BusinessMode::StorageMajorHazard
            ) {
                return ModeAdvice::Inconsistent(format!(
                    "您表示经营加油站,但许可证上的经营方式是“{}”。请核对许可证;{NEW_APPLICATION}。",
                    lic.label()
                ));
            }
        }
        let reason = if major {
            "加油站构成重大危险源时,经营方式选择“有储存经营(构成重大危险源)”。"
        } else {
            "加油站未构成重大危险源时,经营方式选择“加油站”。"
        };
        return ModeAdvice::Recommend {
            mode,
            reason: reason.into(),
        };
    }
    let Some(storage) = answers.has_storage else {
        return ModeAdvice::Ask(ModeQuestion::HasStorage);
    };
    if !storage {
        if answers.major_hazard == Some(true) {
            return ModeAdvice::Inconsistent(
                "重大危险源是指储存危险化学品达到临界量的设施;没有储存设施就不会构成重大危险源。请核对两个回答。".into(),
            );
        }
    } else if answers.major_hazard.is_none() {
        return ModeAdvice::Ask(ModeQuestion::MajorHazard);
    }
    let major = answers.major_hazard == Some(true);
    match answers.licence_mode {
        Some(BusinessMode::FuelStation) => ModeAdvice::Inconsistent(format!(
            "许可证上的经营方式是“加油站”,但您表示不经营加油站。请核对许可证;{NEW_APPLICATION}。"
        )),
        Some(lic) if lic.has_storage() != storage => ModeAdvice::Inconsistent(format!(
            "许可证上的经营方式是“{}”,与您“{}储存设施”的回答不符。请按许可证填写;如实际情况已变化,{NEW_APPLICATION}。",
            lic.label(),
            if storage { "有" } else { "没有" }
        )),
        Some(BusinessMode::StorageNotMajorHazard) if major => ModeAdvice::Inconsistent(format!(
            "许可证上的经营方式是“有储存经营(不构成重大危险源)”,但您表示储存设施构成重大危险源。请核对重大危险源辨识结果;如已构成,{NEW_APPLICATION}。"
        )),
        Some(BusinessMode::StorageMajorHazard) if !major => ModeAdvice::Inconsistent(
            "许可证上的经营方式是“有储存经营(构成重大危险源)”,但您表示不构成重大危险源。请核对重大危险源辨识(或核销)结果后再选择。".into(),
        ),
        Some(lic) => ModeAdvice::Recommend {
            mode: lic,
            reason: "非加油站企业按经营许可证上的经营方式选择。".into(),
        },
        None => {
            let mode = match (storage, major) {
                (false, _) => BusinessMode::NoStorage,
                (true, false) => BusinessMode::StorageNotMajorHazard,
                (true, true) => BusinessMode::StorageMajorHazard,
            };
            ModeAdvice::Recommend {
                mode,
                reason: "许可证上的经营方式在系统中没有对应项时,按实际经营情况选择。".into(),
            }
        }
    }
}

/// Why a chosen mode is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModeChoiceError {
    #[error("请先回答:{}", .0.text())]
    Unanswered(ModeQuestion),
    #[error("{0}")]
    Inconsistent(String),
    #[error("根据您的回答应选择“{}”,而不是“{}”。{reason}", .expected.label(), .chosen.label())]
    Mismatch {
        expected: BusinessMode,
        chosen: BusinessMode,
        reason: String,
    },
    #[error("“{}”在当前政策下不再可选,请按许可证和系统提示重新选择。", .0.label())]
    NotOffered(BusinessMode),
}

/// Checks the enterprise's chosen mode against its answers (the server refuses an inconsistent one).
pub fn check_choice(
    answers: &ModeAnswers,
    chosen: BusinessMode,
    policy: &ModePolicy,
) -> Result<BusinessMode, ModeChoiceError> {
    if !policy.offered.contains(&chosen) {
        return Err(ModeChoiceError::NotOffered(chosen));
    }
    match recommend(answers, policy) {
        ModeAdvice::Ask(q) => Err(ModeChoiceError::Unanswered(q)),
        ModeAdvice::Inconsistent(msg) => Err(ModeChoiceError::Inconsistent(msg)),
        ModeAdvice::Recommend { mode, .. } if mode == chosen => Ok(chosen),
        ModeAdvice::Recommend { mode, reason } => Err(ModeChoiceError::Mismatch {
            expected: mode,
            chosen,
            reason,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BusinessMode::*;

    fn policy() -> &'static ModePolicy {
        policy_at(Date::new(2026, 11, 28).unwrap())
    }

    fn a(
        fuel: Option<bool>,
        storage: Option<bool>,
        major: Option<bool>,
        lic: Option<BusinessMode>,
    ) -> ModeAnswers {
        ModeAnswers {
            fuel_station: fuel,
            has_storage: storage,
            major_hazard: major,
            licence_mode: lic,
        }
    }

    fn mode(ans: ModeAnswers) -> Option<BusinessMode> {
        match recommend(&ans, policy()) {
            ModeAdvice::Recommend { mode, .. } => Some(mode),
            _ => None,
        }
    }

    #[test]
    fn faq_rules() {
        // FAQ: fuel station, not a major hazard source -> 加油站.
        assert_eq!(
            mode(a(Some(true), None, Some(false), None)),
            Some(FuelStation)
        );
        // FAQ: fuel station that is one -> 有储存经营(构成重大危险源).
        assert_eq!(
            mode(a(Some(true), Some(true), Some(true), None)),
            Some(StorageMajorHazard)
        );
        // Others follow the licence.
        assert_eq!(
            mode(a(Some(false), Some(true), Some(false), Some(Warehousing))),
            Some(Warehousing)
        );
        assert_eq!(
            mode(a(Some(false), Some(false), None, Some(NoStorage))),
            Some(NoStorage)
        );
        // No matching licence mode: by the answers.
        assert_eq!(
            mode(a(Some(false), Some(true), Some(true), None)),
            Some(StorageMajorHazard)
        );
        assert_eq!(
            mode(a(Some(false), Some(false), Some(false), None)),
            Some(NoStorage)
        );
    }

    #[test]
    fn questions_in_order() {
        assert_eq!(
            recommend(&a(None, None, None, None), policy()),
            ModeAdvice::Ask(ModeQuestion::FuelStation)
        );
        assert_eq!(
            recommend(&a(Some(false), None, None, None), policy()),
            ModeAdvice::Ask(ModeQuestion::HasStorage)
        );
        assert_eq!(
            recommend(&a(Some(false), Some(true), None, None), policy()),
            ModeAdvice::Ask(ModeQuestion::MajorHazard)
        );
        assert_eq!(
            recommend(&a(Some(true), None, None, None), policy()),
            ModeAdvice::Ask(ModeQuestion::MajorHazard)
        );
    }

    #[test]
    fn inconsistencies_are_explained() {
        for ans in [
            a(Some(true), Some(false), Some(false), None),
            a(Some(false), Some(false), Some(true), None),
            a(Some(false), Some(true), Some(false), Some(NoStorage)),
            a(Some(false), Some(false), None, Some(StorageNotMajorHazard)),
            a(
                Some(false),
                Some(true),
                Some(true),
                Some(StorageNotMajorHazard),
            ),
            a(
                Some(false),
                Some(true),
                Some(false),
                Some(StorageMajorHazard),
            ),
            a(Some(false), Some(true), Some(false), Some(FuelStation)),
            a(Some(true), Some(true), Some(false), Some(Warehousing)),
        ] {
            assert!(
                matches!(recommend(&ans, policy()), ModeAdvice::Inconsistent(_)),
                "{ans:?}"
            );
        }
    }

    #[test]
    fn choice_is_checked() {
        let ans = a(Some(true), Some(true), Some(false), None);
        assert_eq!(check_choice(&ans, FuelStation, policy()), Ok(FuelStation));
        let err = check_choice(&ans, StorageNotMajorHazard, policy()).unwrap_err();
        assert!(err.to_string().contains("应选择“加油站”"), "{err}");
        assert!(matches!(
            check_choice(&a(None, None, None, None), NoStorage, policy()),
            Err(ModeChoiceError::Unanswered(_))
        ));
        assert_eq!(BusinessMode::from_code("fuel_station"), Some(FuelStation));
    }

    proptest::proptest! {
        #[test]
        fn a_recommendation_is_always_an_accepted_choice(
            fuel in proptest::option::of(proptest::bool::ANY),
            storage in proptest::option::of(proptest::bool::ANY),
            major in proptest::option::of(proptest::bool::ANY),
            lic in proptest::option::of(0..5usize),
        ) {
            let ans = a(fuel, storage, major, lic.map(|i| BusinessMode::ALL[i]));
            if let ModeAdvice::Recommend { mode, .. } = recommend(&ans, policy()) {
                proptest::prop_assert_eq!(check_choice(&ans, mode, policy()), Ok(mode));
                for other in BusinessMode::ALL.into_iter().filter(|m| *m != mode) {
                    proptest::prop_assert!(check_choice(&ans, other, policy()).is_err());
                }
            }
        }
    }
}
