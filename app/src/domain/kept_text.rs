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

    /// The stored key: `case/{id}/{action}`, `review/{user}` or
    /// `return/{enterprise}`. Digits,
    /// lower-case letters, `_` and `/` only.
    pub fn key(self) -> String {
        match self {
            KeptForm::CaseStep { case, action } => format!("case/{case}/{}", action.code()),
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
            ("case", case, Some(action)) => {
                KeptForm::case_step(case.parse().ok()?, Action::from_code(action)?)?
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
        ];
        for form in forms {
            assert_eq!(KeptForm::parse(&form.key()), Some(form), "{form:?}");
        }
        assert_eq!(forms[0].key(), "case/12/correction");
        assert!(forms[0].key().starts_with(&KeptForm::case_prefix(12)));
        assert!(!forms[1].key().starts_with(&KeptForm::case_prefix(12)));
        assert!(forms[2].key().starts_with(KeptForm::REVIEW_PREFIX));
        for key in [
            "",
            "case/12",
            "case/12/accept",
            "case/12/correction/x",
            "case/+12/refuse",
            "case/012/refuse",
            "review/x",
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
}
