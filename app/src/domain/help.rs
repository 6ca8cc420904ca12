//! Help centre rules shared by the browser and the server: how a search box's
//! text becomes search terms, how matches are highlighted in a snippet, and
//! which help article explains which message or field.
//!
//! Chinese has no word spaces, so a term is a substring, not a word: "完善信息"
//! matches "企业完善信息操作手册". Terms are compared case-insensitively for
//! ASCII letters (CAS numbers, "PDF"); CJK has no case.

use serde::{Deserialize, Serialize};

use super::normalize::normalize_text;
use super::record_field::RecordField;

/// At most this many terms are used from one query.
pub const MAX_TERMS: usize = 5;
/// Longer terms are cut to this many characters.
pub const MAX_TERM_CHARS: usize = 40;

/// The terms of a search query: full-width forms folded, ASCII lower-cased,
/// split at white space, duplicates dropped, at most [`MAX_TERMS`].
pub fn search_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = vec![];
    for word in normalize_text(query).split(' ') {
        let term: String = word
            .chars()
            .take(MAX_TERM_CHARS)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if !term.is_empty() && !terms.contains(&term) {
            terms.push(term);
        }
        if terms.len() == MAX_TERMS {
            break;
        }
    }
    terms
}

/// A piece of text, marked when it matches a search term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// The first match of any term at or after byte `from` of `lowered`:
/// (start, end) in bytes, the longest term winning a tie.
fn next_match(lowered: &str, terms: &[String], from: usize) -> Option<(usize, usize)> {
    terms
        .iter()
        .filter(|t| !t.is_empty())
        .filter_map(|t| {
            lowered[from..]
                .find(t.as_str())
                .map(|i| (from + i, from + i + t.len()))
        })
        .min_by_key(|&(start, end)| (start, usize::MAX - end))
}

/// `text` cut into segments, every match of a term marked.
pub fn highlight(text: &str, terms: &[String]) -> Vec<Segment> {
    // ASCII lower-casing keeps every byte offset, so offsets found in
    // `lowered` are valid in `text`.
    let lowered = text.to_ascii_lowercase();
    let mut out = vec![];
    let mut pos = 0;
    while let Some((start, end)) = next_match(&lowered, terms, pos) {
        if start > pos {
            out.push(Segment {
                text: text[pos..start].to_string(),
                hit: false,
            });
        }
        out.push(Segment {
            text: text[start..end].to_string(),
            hit: true,
        });
        pos = end;
    }
    if pos < text.len() {
        out.push(Segment {
            text: text[pos..].to_string(),
            hit: false,
        });
    }
    out
}

/// Characters of context shown before the first match in a snippet.
const SNIPPET_LEAD: usize = 24;

/// About `width` characters of `text` around the first match, with "…" where
/// text was cut, every match highlighted.
pub fn snippet(text: &str, terms: &[String], width: usize) -> Vec<Segment> {
    let lowered = text.to_ascii_lowercase();
    let first = next_match(&lowered, terms, 0).map_or(0, |(start, _)| start);
    let first_char = text[..first].chars().count();
    let start_char = first_char.saturating_sub(SNIPPET_LEAD);
    let total = text.chars().count();
    let window: String = text.chars().skip(start_char).take(width).collect();
    let mut out = vec![];
    if start_char > 0 {
        out.push(Segment {
            text: "…".into(),
            hit: false,
        });
    }
    out.extend(highlight(&window, terms));
    if start_char + width < total {
        out.push(Segment {
            text: "…".into(),
            hit: false,
        });
    }
    out
}

/// Longest article title, in characters.
pub const TITLE_MAX: usize = 100;
/// Longest article body, in characters.
pub const BODY_MAX: usize = 100_000;

/// An article as an editor saves it: a title and a Markdown body, both checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleText {
    pub title: String,
    pub body: String,
}

impl ArticleText {
    /// Checks an edit; the messages are keyed by field (`title`, `body`).
    pub fn parse(title: &str, body: &str) -> Result<ArticleText, super::FieldErrors> {
        let limits = super::normalize::TextLimits {
            noun: "文章",
            title_max: TITLE_MAX,
            body_max: BODY_MAX,
            too_long: "请拆分为多篇文章",
        };
        super::normalize::titled_text(title, body, &limits)
            .map(|(title, body)| ArticleText { title, body })
    }
}

/// A help article, optionally at one of its sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpLink {
    pub slug: &'static str,
    pub anchor: Option<&'static str>,
}

impl HelpLink {
    pub const fn article(slug: &'static str) -> HelpLink {
        HelpLink { slug, anchor: None }
    }

    pub const fn section(slug: &'static str, anchor: &'static str) -> HelpLink {
        HelpLink {
            slug,
            anchor: Some(anchor),
        }
    }

    pub fn href(&self) -> String {
        match self.anchor {
            Some(a) => format!("/help/{}#{a}", self.slug),
            None => format!("/help/{}", self.slug),
        }
    }
}

/// The operation manuals and their sections: every form step links to one.
pub mod manual {
    use super::HelpLink;

    pub const REGISTER: &str = "register-manual";
    pub const ENTERPRISE_INFO: &str = "enterprise-info-manual";
    pub const LOGIN: &str = "login-manual";
    pub const REGULATOR: &str = "regulator-manual";

    pub const REGISTER_ORG: HelpLink = HelpLink::section(REGISTER, "org-info");
    pub const REGISTER_MANUAL_REVIEW: HelpLink = HelpLink::section(REGISTER, "manual-review");
    pub const REGISTER_ACCOUNT: HelpLink = HelpLink::section(REGISTER, "account");
    pub const LOGIN_ENTERPRISE: HelpLink = HelpLink::section(LOGIN, "login");
    pub const LOGIN_REGULATOR: HelpLink = HelpLink::section(LOGIN, "regulator-login");
    pub const FORGOT: HelpLink = HelpLink::section(LOGIN, "forgot");
    pub const CHANGE_PHONE: HelpLink = HelpLink::section(LOGIN, "change-phone");
    pub const REVIEW: HelpLink = HelpLink::section(REGULATOR, "review");
    pub const PHONE_CHANGES: HelpLink = HelpLink::section(REGULATOR, "phone-changes");
    pub const USERS: HelpLink = HelpLink::section(REGULATOR, "users");
    pub const HELP_EDITING: HelpLink = HelpLink::section(REGULATOR, "help-editing");
}

/// The FAQ articles a message can be explained by; a message carries its
/// article from where it is made (see [`super::fields::Message`]). On the
/// wire, an article is its slug ([`Faq::slug`], the one mapping: written
/// by hand rather than derived, whose per-variant matching every page's
/// wasm carried twice over).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Faq {
    AlreadyRegistered,
    AccountNotFound,
    RegistryTimeout,
    RegistryMismatch,
    RegulatorEditing,
    AccountLocked,
    ForgotPassword,
    ManualReview,
    PhoneNoSms,
    SmsCode,
    LicenceExpiry,
    MultipleLicences,
    BusinessMode,
    MajorHazard,
    CannotEdit,
    LoginAccount,
    CreditCode,
    PasswordRules,
}

impl Faq {
    pub const ALL: [Faq; 18] = [
        Faq::AlreadyRegistered,
        Faq::AccountNotFound,
        Faq::RegistryTimeout,
        Faq::RegistryMismatch,
        Faq::RegulatorEditing,
        Faq::AccountLocked,
        Faq::ForgotPassword,
        Faq::ManualReview,
        Faq::PhoneNoSms,
        Faq::SmsCode,
        Faq::LicenceExpiry,
        Faq::MultipleLicences,
        Faq::BusinessMode,
        Faq::MajorHazard,
        Faq::CannotEdit,
        Faq::LoginAccount,
        Faq::CreditCode,
        Faq::PasswordRules,
    ];

    /// The article's address part (`/help/{slug}`).
    pub fn slug(self) -> &'static str {
        match self {
            Faq::AlreadyRegistered => "faq-already-registered",
            Faq::AccountNotFound => "faq-account-not-found",
            Faq::RegistryTimeout => "faq-registry-timeout",
            Faq::RegistryMismatch => "faq-registry-mismatch",
            Faq::RegulatorEditing => "faq-regulator-editing",
            Faq::AccountLocked => "faq-account-locked",
            Faq::ForgotPassword => "faq-forgot-password",
            Faq::ManualReview => "faq-manual-review",
            Faq::PhoneNoSms => "faq-phone-no-sms",
            Faq::SmsCode => "faq-sms-code",
            Faq::LicenceExpiry => "faq-licence-expiry",
            Faq::MultipleLicences => "faq-multiple-licences",
            Faq::BusinessMode => "faq-business-mode",
            Faq::MajorHazard => "faq-major-hazard",
            Faq::CannotEdit => "faq-cannot-edit",
            Faq::LoginAccount => "faq-login-account",
            Faq::CreditCode => "faq-credit-code",
            Faq::PasswordRules => "faq-password-rules",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Faq> {
        Faq::ALL.into_iter().find(|f| f.slug() == slug)
    }

    pub fn link(self) -> HelpLink {
        HelpLink::article(self.slug())
    }
}

impl Serialize for Faq {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

impl<'de> Deserialize<'de> for Faq {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Faq, D::Error> {
        let slug = String::deserialize(d)?;
        Faq::from_slug(&slug)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown FAQ article {slug}")))
    }
}

/// Articles explaining a field (what it wants), for messages that carry
/// none of their own.
const BY_FIELD: &[(&[&str], HelpLink)] = &[
    (&["account"], HelpLink::article("faq-login-account")),
    (&["credit_code"], HelpLink::article("faq-credit-code")),
    (
        &["password", "password_confirm"],
        HelpLink::article("faq-password-rules"),
    ),
    (&["sms_code"], HelpLink::article("faq-sms-code")),
    (&["unlock_code"], HelpLink::article("faq-account-locked")),
    (&["handler_mobile", "new_mobile"], manual::REGISTER_ACCOUNT),
    (&["handler_name"], manual::REGISTER_ACCOUNT),
    (
        &[
            "legal_type",
            "enterprise_name",
            "legal_rep_name",
            "id_doc_type",
            "id_doc_number",
            "id_number",
        ],
        manual::REGISTER_ORG,
    ),
    (
        &["address", "established", "region_code", "industry"],
        manual::REGISTER_MANUAL_REVIEW,
    ),
    // The licence case forms' 经营方式.
    (&["mode"], HelpLink::article("faq-business-mode")),
    (&["login", "display_name"], manual::USERS),
    (&["reason"], manual::REVIEW),
];

/// The article about field `field` (a form's `name`): an enterprise
/// record's field explains itself ([`RecordField::help`]), any other form's
/// is looked up by name.
pub fn for_field(field: &str) -> Option<HelpLink> {
    if let Some(f) = RecordField::parse(field) {
        return f.help();
    }
    BY_FIELD
        .iter()
        .find(|(fields, _)| fields.contains(&field))
        .map(|(_, link)| *link)
}

/// The article for a message at `field` ("" for the whole form): the one
/// the message carries, else the field's.
pub fn for_message_at(field: &str, help: Option<Faq>) -> Option<HelpLink> {
    help.map(Faq::link).or_else(|| for_field(field))
}

/// Every article a message or a form step links to (tests check each exists).
pub fn linked_slugs() -> Vec<&'static str> {
    let mut slugs: Vec<&'static str> = Faq::ALL
        .iter()
        .map(|f| f.slug())
        .chain(BY_FIELD.iter().map(|(_, l)| l.slug))
        .chain(RecordField::help_links().into_iter().map(|l| l.slug))
        .chain([
            manual::REGISTER,
            manual::ENTERPRISE_INFO,
            manual::LOGIN,
            manual::REGULATOR,
        ])
        .collect();
    slugs.sort_unstable();
    slugs.dedup();
    slugs
}

/// Every section anchor a form step links to, as (slug, anchor).
pub const LINKED_SECTIONS: &[HelpLink] = &[
    HelpLink::section(manual::ENTERPRISE_INFO, "basic"),
    HelpLink::section(manual::ENTERPRISE_INFO, "business-mode"),
    HelpLink::section(manual::ENTERPRISE_INFO, "licences"),
    HelpLink::section(manual::ENTERPRISE_INFO, "submit"),
    HelpLink::section(manual::REGULATOR, "maintenance"),
    manual::REGISTER_ORG,
    manual::REGISTER_MANUAL_REVIEW,
    manual::REGISTER_ACCOUNT,
    manual::LOGIN_ENTERPRISE,
    manual::LOGIN_REGULATOR,
    manual::FORGOT,
    manual::CHANGE_PHONE,
    manual::REVIEW,
    manual::PHONE_CHANGES,
    manual::USERS,
    manual::HELP_EDITING,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn terms_are_normalised_split_and_deduplicated() {
        assert_eq!(search_terms("  完善信息 "), t(&["完善信息"]));
        assert_eq!(search_terms("忘记\u{3000}密码 忘记"), t(&["忘记", "密码"]));
        assert_eq!(search_terms("ＣＡＳ 号"), t(&["cas", "号"]));
        assert!(search_terms(" \t ").is_empty());
        assert_eq!(search_terms("a b c d e f g").len(), MAX_TERMS);
        assert_eq!(
            search_terms(&"长".repeat(100))[0].chars().count(),
            MAX_TERM_CHARS
        );
    }

    #[test]
    fn highlight_marks_every_match_case_insensitively() {
        let segs = highlight("填写CAS号:cas 登记号", &t(&["cas"]));
        let hits: Vec<&str> = segs
            .iter()
            .filter(|s| s.hit)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(hits, ["CAS", "cas"]);
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, "填写CAS号:cas 登记号");
    }

    #[test]
    fn highlight_prefers_the_longest_term_at_a_position() {
        let segs = highlight("一企多证填报", &t(&["一企", "一企多证"]));
        assert_eq!(
            segs[0],
            Segment {
                text: "一企多证".into(),
                hit: true
            }
        );
    }

    #[test]
    fn snippet_is_cut_around_the_first_match() {
        let text = format!("{}重大危险源{}", "前".repeat(100), "后".repeat(100));
        let segs = snippet(&text, &t(&["重大危险源"]), 60);
        assert_eq!(segs.first().map(|s| s.text.as_str()), Some("…"));
        assert_eq!(segs.last().map(|s| s.text.as_str()), Some("…"));
        assert!(segs.iter().any(|s| s.hit && s.text == "重大危险源"));
        let shown: usize = segs.iter().map(|s| s.text.chars().count()).sum();
        assert_eq!(shown, 62);
    }

    #[test]
    fn snippet_without_match_starts_at_the_beginning() {
        let segs = snippet("短文", &t(&["无"]), 60);
        assert_eq!(
            segs,
            vec![Segment {
                text: "短文".into(),
                hit: false
            }]
        );
    }

    #[test]
    fn article_text_is_checked_per_field() {
        let ok = ArticleText::parse(" 标题 ", "正文\r\n第二行\n\n").unwrap();
        assert_eq!(ok.title, "标题");
        assert_eq!(ok.body, "正文\n第二行");
        let e = ArticleText::parse("", " \n").unwrap_err();
        assert!(e.get("title").is_some() && e.get("body").is_some());
        let e = ArticleText::parse(&"长".repeat(TITLE_MAX + 1), "x").unwrap_err();
        assert!(e.get("title").unwrap().contains("101"));
    }

    #[test]
    fn an_article_is_its_slug_on_the_wire() {
        for f in Faq::ALL {
            let wire = serde_json::to_string(&f).unwrap_or_default();
            assert_eq!(wire, format!("\"{}\"", f.slug()));
            assert_eq!(serde_json::from_str::<Faq>(&wire).ok(), Some(f));
            assert_eq!(f.link().href(), format!("/help/{}", f.slug()));
        }
        assert!(serde_json::from_str::<Faq>("\"faq-nothing\"").is_err());
        // The wire reads by ALL, so ALL holds every article: a new one fails
        // to compile here until counted, and the count then fails until it
        // is in ALL.
        let counted = |f: Faq| match f {
            Faq::AlreadyRegistered
            | Faq::AccountNotFound
            | Faq::RegistryTimeout
            | Faq::RegistryMismatch
            | Faq::RegulatorEditing
            | Faq::AccountLocked
            | Faq::ForgotPassword
            | Faq::ManualReview
            | Faq::PhoneNoSms
            | Faq::SmsCode
            | Faq::LicenceExpiry
            | Faq::MultipleLicences
            | Faq::BusinessMode
            | Faq::MajorHazard
            | Faq::CannotEdit
            | Faq::LoginAccount
            | Faq::CreditCode
            | Faq::PasswordRules => 18,
        };
        assert_eq!(Faq::ALL.len(), counted(Faq::ALL[0]));
        let mut slugs: Vec<&str> = Faq::ALL.iter().map(|f| f.slug()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), Faq::ALL.len(), "each article once in ALL");
    }

    #[test]
    fn a_message_links_its_own_article_before_its_fields() {
        let l = for_message_at("credit_code", Some(Faq::AlreadyRegistered));
        assert_eq!(l.map(|l| l.slug), Some("faq-already-registered"));
        let l = for_message_at("credit_code", None);
        assert_eq!(l.map(|l| l.slug), Some("faq-credit-code"));
        let l = for_message_at("", Some(Faq::RegulatorEditing));
        assert_eq!(l.map(|l| l.slug), Some("faq-regulator-editing"));
        assert_eq!(for_message_at("", None), None);
    }

    #[test]
    fn fields_link_to_what_they_want() {
        assert_eq!(
            for_field("password").map(|l| l.slug),
            Some("faq-password-rules")
        );
        assert_eq!(
            for_field("address").map(|l| l.href()),
            Some("/help/register-manual#manual-review".to_string())
        );
        assert_eq!(for_field("nothing"), None);
        assert_eq!(
            for_field("licences.1.scope.0.cas").map(|l| l.href()),
            Some("/help/enterprise-info-manual#licences".to_string())
        );
        assert_eq!(
            for_field("licences.0.mode").map(|l| l.slug),
            Some("faq-business-mode")
        );
        assert_eq!(
            for_field("licences").map(|l| l.slug),
            Some("faq-multiple-licences")
        );
        assert_eq!(for_field("licencesx"), None);
    }
}
