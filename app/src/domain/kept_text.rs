//! 未能提交的填写内容: the text a user wrote in a plain form (no JavaScript,
//! or sent before the page was live) that the server refused. A refused
//! plain post goes back to its page, which would render the field empty;
//! a 补正通知 or a reason is too long to carry back in the address, so the
//! server keeps it for the user and the page puts it back in its field.

use serde::{Deserialize, Serialize};

use super::licence_case::Action;

/// The address parameter that names the form a refused plain post came
/// from (its [`KeptForm::key`]): its page says the refusal at that form.
pub const KEPT_PARAM: &str = "kept";

/// How long a refused text is kept for its form (and shown again).
pub const KEPT_TEXT_LIFETIME_SECS: i64 = 24 * 3600;

/// What the page says under a field it has filled with a refused text.
pub const KEPT_TEXT_NOTE: &str =
    "这是您上次提交未成功时填写的内容,已放回:请核对后再提交(保留一天)。";

/// A plain form whose text is kept when the server refuses it: one per
/// object and step, so a later refusal of the same form replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeptForm {
    /// A step of case `case` with a text (补正通知, 不予受理 or 不予许可的理由).
    CaseStep { case: i64, action: Action },
    /// An on-site form of case `case` (several fields: [`KeptFields`]).
    OnSite { case: i64, stage: OnSiteStage },
    /// 注册审核's 不通过原因 for the account `user`.
    ReviewReject { user: i64 },
    /// 退回原因 of the record of the enterprise `enterprise`.
    ReturnRecord { enterprise: i64 },
}

impl KeptForm {
    /// The form of `action` on case `case`, if that step takes a text.
    pub fn case_step(case: i64, action: Action) -> Option<KeptForm> {
        matches!(
            action,
            Action::RequestCorrection | Action::NotAccept | Action::Refuse
        )
        .then_some(KeptForm::CaseStep { case, action })
    }

    /// The stored key: `case/{id}/{action}`, `case/{id}/onsite_plan`,
    /// `review/{user}` or `return/{enterprise}`. Digits, lower-case
    /// letters, `_` and `/` only.
    pub fn key(self) -> String {
        match self {
            KeptForm::CaseStep { case, action } => format!("case/{case}/{}", action.code()),
            KeptForm::OnSite { case, stage } => format!("case/{case}/{}", stage.code()),
            KeptForm::ReviewReject { user } => format!("review/{user}"),
            KeptForm::ReturnRecord { enterprise } => format!("return/{enterprise}"),
        }
    }

    /// The key's beginning shared by every form of case `case`.
    pub fn case_prefix(case: i64) -> String {
        format!("case/{case}/")
    }

    /// The key's beginning shared by every 注册审核 form.
    pub const REVIEW_PREFIX: &'static str = "review/";

    /// The form a stored key names (`None` for a key no form makes).
    pub fn parse(key: &str) -> Option<KeptForm> {
        let mut parts = key.split('/');
        let form = match (parts.next()?, parts.next()?, parts.next()) {
            ("case", case, Some(code)) => {
                let case = case.parse().ok()?;
                match OnSiteStage::from_code(code) {
                    Some(stage) => KeptForm::OnSite { case, stage },
                    None => KeptForm::case_step(case, Action::from_code(code)?)?,
                }
            }
            ("review", user, None) => KeptForm::ReviewReject {
                user: user.parse().ok()?,
            },
            ("return", enterprise, None) => KeptForm::ReturnRecord {
                enterprise: enterprise.parse().ok()?,
            },
            _ => return None,
        };
        (parts.next().is_none() && form.key() == key).then_some(form)
    }
}

/// The two on-site forms of a case: 安排现场核查 and 登记现场核查.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OnSiteStage {
    Plan,
    Record,
}

impl OnSiteStage {
    /// Its part of a [`KeptForm::key`] (登记 shares the step's code).
    pub fn code(self) -> &'static str {
        match self {
            OnSiteStage::Plan => "onsite_plan",
            OnSiteStage::Record => Action::RecordOnSite.code(),
        }
    }

    pub fn from_code(code: &str) -> Option<OnSiteStage> {
        [OnSiteStage::Plan, OnSiteStage::Record]
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// What the form is called where its fields are shown to copy.
    pub fn label(self) -> &'static str {
        match self {
            OnSiteStage::Plan => "安排现场核查",
            OnSiteStage::Record => "登记现场核查",
        }
    }
}

/// What a refused form of several fields held, field by field (named as
/// the form names them), kept as one text: empty fields are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptFields(Vec<(String, String)>);

/// The most of one field kept in [`KeptFields`]: far more than an on-site
/// form's text needs, and five of them stay a text that is kept whole.
pub const KEPT_FIELD_MAX_CHARS: usize = 2_000;

impl KeptFields {
    pub fn new(typed: &[(&str, &str)]) -> KeptFields {
        KeptFields(
            typed
                .iter()
                .filter(|(_, value)| !value.trim().is_empty())
                .map(|(name, value)| {
                    let value = value.chars().take(KEPT_FIELD_MAX_CHARS).collect();
                    (name.to_string(), value)
                })
                .collect(),
        )
    }

    /// What was typed in `name` (empty when nothing was).
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The stored text (empty when nothing was typed, so nothing is kept).
    pub fn to_text(&self) -> String {
        if self.is_empty() {
            return String::new();
        }
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    /// The fields a stored text holds (`None` for a text no form made).
    pub fn from_text(text: &str) -> Option<KeptFields> {
        serde_json::from_str(text).ok().map(KeptFields)
    }

    /// Each field as `label:value` on lines of its own, in `labels`'
    /// order, to copy where the form is no longer offered.
    pub fn to_lines(&self, labels: &[(&str, &str)]) -> String {
        labels
            .iter()
            .map(|(name, label)| (label, self.get(name)))
            .filter(|(_, v)| !v.is_empty())
            .map(|(label, v)| format!("{label}:{v}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_names_its_form_and_nothing_else() {
        let forms = [
            KeptForm::CaseStep {
                case: 12,
                action: Action::RequestCorrection,
            },
            KeptForm::CaseStep {
                case: 3,
                action: Action::Refuse,
            },
            KeptForm::ReviewReject { user: 40 },
            KeptForm::ReturnRecord { enterprise: 7 },
            KeptForm::OnSite {
                case: 12,
                stage: OnSiteStage::Plan,
            },
            KeptForm::OnSite {
                case: 12,
                stage: OnSiteStage::Record,
            },
        ];
        for form in forms {
            assert_eq!(KeptForm::parse(&form.key()), Some(form), "{form:?}");
        }
        assert_eq!(forms[0].key(), "case/12/correction");
        assert!(forms[0].key().starts_with(&KeptForm::case_prefix(12)));
        assert!(!forms[1].key().starts_with(&KeptForm::case_prefix(12)));
        assert!(forms[2].key().starts_with(KeptForm::REVIEW_PREFIX));
        assert_eq!(forms[4].key(), "case/12/onsite_plan");
        assert_eq!(forms[5].key(), "case/12/onsite");
        assert!(forms[5].key().starts_with(&KeptForm::case_prefix(12)));
        for key in [
            "",
            "case/12",
            "case/12/accept",
            "case/12/correction/x",
            "case/+12/refuse",
            "case/012/refuse",
            "review/x",
            "case/12/onsite_plan/x",
            "case/x/onsite",
            "review/4/",
            "other/4",
        ] {
            assert_eq!(KeptForm::parse(key), None, "{key}");
        }
    }

    #[test]
    fn only_a_step_with_a_text_is_kept() {
        let kept: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| KeptForm::case_step(1, *a).is_some())
            .collect();
        assert_eq!(
            kept,
            [Action::RequestCorrection, Action::NotAccept, Action::Refuse]
        );
    }

    #[test]
    fn fields_come_back_as_typed_and_nothing_is_kept_of_empty_ones() {
        let typed = KeptFields::new(&[
            ("on", "2026-12-20"),
            ("inspectors", "张三\n\n李四 "),
            ("findings", "  "),
        ]);
        let back = KeptFields::from_text(&typed.to_text()).unwrap();
        assert_eq!(back, typed);
        assert_eq!(back.get("inspectors"), "张三\n\n李四 ");
        assert_eq!(back.get("findings"), "");
        assert_eq!(
            back.to_lines(&[("inspectors", "核查人员"), ("on", "日期"), ("x", "无")]),
            "核查人员:张三\n\n李四 \n日期:2026-12-20"
        );
        assert_eq!(KeptFields::new(&[("on", ""), ("x", " ")]).to_text(), "");
        assert_eq!(KeptFields::from_text("补正通知"), None);
        let long = "很".repeat(KEPT_FIELD_MAX_CHARS + 5);
        let cut = KeptFields::new(&[("findings", &long)]);
        assert_eq!(cut.get("findings").chars().count(), KEPT_FIELD_MAX_CHARS);
    }
}
