//! 统一社会信用代码, GB 32100-2015.
//!
//! 18 characters: registration authority (1), category (2), the registering
//! authority's GB/T 2260 region code (3–8), the GB 11714 organisation code
//! (9–17, itself with a check character) and a check character (18) computed
//! MOD 31 over the alphabet `0-9A-Z` without I, O, Z, S, V.

use std::fmt;

use super::normalize::normalize_code;

/// The 31 symbols; a symbol's value is its index.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// W_i = 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// GB 11714 weights for the 8 body characters of the organisation code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Valid (registration authority, category) pairs, GB 32100-2015 table 1 and
/// later additions (A: 军队, N: 农业).
const CATEGORIES: &[(char, &str, &str)] = &[
    ('1', "1239", "机构编制"),
    ('2', "19", "外交"),
    ('3', "123459", "司法行政"),
    ('4', "19", "文化"),
    ('5', "12349", "民政"),
    ('6', "129", "旅游"),
    ('7', "129", "宗教"),
    ('8', "19", "工会"),
    ('9', "123", "市场监管"),
    ('A', "19", "中央军委改革和编制办公室"),
    ('N', "1239", "农业"),
    ('Y', "1", "其他"),
];

/// Province-level codes allowed in positions 3–4 (`10` = national level).
const PROVINCES: &[&str] = &[
    "10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82",
];

fn value(c: char) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a as char == c)
        .map(|p| p as u32)
}

/// The check character for the first 17 characters (which must be valid symbols).
fn check_char(first17: &[char]) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    Some(ALPHABET[((31 - sum % 31) % 31) as usize] as char)
}

/// The GB 11714 check character for the organisation-code body (8 characters).
fn org_check_char(body: &[char]) -> Option<char> {
    let mut sum = 0;
    for (c, w) in body.iter().zip(ORG_WEIGHTS) {
        sum += c.to_digit(36)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10)?,
    })
}

fn suggestion(c: char) -> Option<&'static str> {
    match c {
        'O' => Some("数字“0”"),
        'I' => Some("数字“1”"),
        'Z' => Some("数字“2”"),
        'S' => Some("数字“5”"),
        'V' => Some("字母“U”或“Y”"),
        _ => None,
    }
}

/// Why a credit code was refused. Each message says what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("请输入统一社会信用代码(18位,见营业执照)。")]
    Empty,
    #[error("统一社会信用代码应为18位,您输入了{len}位。请对照营业执照逐位核对。")]
    WrongLength { len: usize },
    #[error("{}", illegal_char_message(*.ch, *.position))]
    IllegalChar { ch: char, position: usize },
    #[error("第3–8位是登记管理机关的行政区划码,只能是数字,第{position}位却是“{ch}”。请对照营业执照核对。")]
    RegionNotDigits { ch: char, position: usize },
    #[error("前两位“{code}”不是有效的登记管理部门和机构类别代码(企业为91,个体工商户为92,农民专业合作社为93)。请对照营业执照核对。")]
    UnknownCategory { code: String },
    #[error("第3–4位“{code}”不是有效的省级行政区划代码。请对照营业执照核对。")]
    UnknownProvince { code: String },
    #[error("校验位(第18位)与前17位不符,代码中可能有输错的字符(常见的是字母与数字混淆)。请逐位核对;若与营业执照完全一致,请将法人类型选择“其它(人工审核)”注册,由管理员人工核实。")]
    CheckCharMismatch { expected: char, found: char },
}

fn illegal_char_message(ch: char, position: usize) -> String {
    match suggestion(ch) {
        Some(s) => format!(
            "第{position}位的字母“{ch}”不会出现在统一社会信用代码中,这里应是{s}。请改正后再试。"
        ),
        None => format!(
            "第{position}位的“{ch}”不是统一社会信用代码可用的字符(只有数字和除 I、O、Z、S、V 以外的大写字母)。请对照营业执照核对。"
        ),
    }
}

impl CreditCodeError {
    /// Whether the manual-review registration may still accept the code:
    /// some genuine early codes fail the check character, so a check failure
    /// must never dead-end a user.
    pub fn manual_review_possible(&self) -> bool {
        matches!(self, CreditCodeError::CheckCharMismatch { .. })
    }
}

/// A softer finding on a structurally valid code: it may still be genuine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditCodeFinding {
    /// The 18th character does not match (accepted only on the manual-review path).
    CheckCharMismatch { expected: char, found: char },
    /// The embedded GB 11714 organisation code (positions 9–17) has a wrong check character.
    OrgCodeMismatch { expected: char, found: char },
}

impl CreditCodeFinding {
    pub fn message(&self) -> String {
        match self {
            CreditCodeFinding::CheckCharMismatch { .. } => {
                "校验位与前17位不符,将由管理员对照营业执照人工核实。".to_string()
            }
            CreditCodeFinding::OrgCodeMismatch { .. } => {
                "第9–17位(组织机构代码)的校验位不符。若与营业执照一致,可继续,由管理员人工核实。"
                    .to_string()
            }
        }
    }
}

/// A structurally valid 统一社会信用代码 in canonical form (18 ASCII characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses a code strictly: normalised (spaces, full width, case), then
    /// structure, category, province and the check character.
    /// A wrong embedded organisation-code check is not an error here; see
    /// [`CreditCode::findings`].
    pub fn parse(input: &str) -> Result<CreditCode, CreditCodeError> {
        let (code, check) = Self::parse_structure(input)?;
        match check {
            None => Ok(code),
            Some(CreditCodeFinding::CheckCharMismatch { expected, found }) => {
                Err(CreditCodeError::CheckCharMismatch { expected, found })
            }
            Some(_) => Ok(code),
        }
    }

    /// Parses a code for the manual-review path: a wrong check character is
    /// returned as a finding for the reviewer instead of an error.
    pub fn parse_for_manual_review(
        input: &str,
    ) -> Result<(CreditCode, Vec<CreditCodeFinding>), CreditCodeError> {
        let (code, check) = Self::parse_structure(input)?;
        let mut findings: Vec<_> = check.into_iter().collect();
        findings.extend(code.org_code_finding());
        Ok((code, findings))
    }

    fn parse_structure(
        input: &str,
    ) -> Result<(CreditCode, Option<CreditCodeFinding>), CreditCodeError> {
        let s = normalize_code(input);
        let chars: Vec<char> = s.chars().collect();
        if chars.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        for (i, &c) in chars.iter().enumerate() {
            if value(c).is_none() {
                return Err(CreditCodeError::IllegalChar {
                    ch: c,
                    position: i + 1,
                });
            }
        }
        if chars.len() != 18 {
            return Err(CreditCodeError::WrongLength { len: chars.len() });
        }
        for (i, &c) in chars.iter().enumerate().take(8).skip(2) {
            if !c.is_ascii_digit() {
                return Err(CreditCodeError::RegionNotDigits {
                    ch: c,
                    position: i + 1,
                });
            }
        }
        let known = CATEGORIES
            .iter()
            .any(|(a, cats, _)| *a == chars[0] && cats.contains(chars[1]));
        if !known {
            return Err(CreditCodeError::UnknownCategory {
                code: s[0..2].to_string(),
            });
        }
        if !PROVINCES.contains(&&s[2..4]) {
            return Err(CreditCodeError::UnknownProvince {
                code: s[2..4].to_string(),
            });
        }
        let expected = check_char(&chars[..17]).ok_or(CreditCodeError::Empty)?;
        let finding = (expected != chars[17]).then_some(CreditCodeFinding::CheckCharMismatch {
            expected,
            found: chars[17],
        });
        Ok((CreditCode(s), finding))
    }

    /// The embedded organisation-code finding, if its check character is wrong.
    pub fn org_code_finding(&self) -> Option<CreditCodeFinding> {
        let chars: Vec<char> = self.0.chars().collect();
        let expected = org_check_char(&chars[8..16])?;
        (expected != chars[16]).then_some(CreditCodeFinding::OrgCodeMismatch {
            expected,
            found: chars[16],
        })
    }

    /// Whether the automatic registry verification applies: a market-regulation
    /// registration (91 企业, 92 个体工商户, 93 农民专业合作社) with no finding.
    /// Everything else goes to manual review.
    pub fn auto_verifiable(&self) -> bool {
        matches!(&self.0[0..2], "91" | "92" | "93") && self.org_code_finding().is_none()
    }

    /// The registration authority's name (e.g. "市场监管").
    pub fn authority(&self) -> &'static str {
        let first = self.0.chars().next();
        CATEGORIES
            .iter()
            .find(|(a, _, _)| Some(*a) == first)
            .map(|(_, _, name)| *name)
            .unwrap_or("")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The province-level code of the registering authority (positions 3–4).
    pub fn province_prefix(&self) -> &str {
        &self.0[2..4]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for CreditCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Builds a valid code from its first 17 characters (tests and demo data).
pub fn complete_with_check_char(first17: &str) -> Option<String> {
    let chars: Vec<char> = first17.chars().collect();
    if chars.len() != 17 {
        return None;
    }
    check_char(&chars).map(|c| format!("{first17}{c}"))
}

/// A valid code of an enterprise (91) registered in `region` (6 digits),
/// from the 8 digits of its organisation code's body: the GB 11714 check
/// character, then GB 32100's (tests and demo data).
pub fn enterprise_code(region: &str, digits: &str) -> Option<String> {
    let body: Vec<char> = digits.chars().collect();
    if body.len() != 8 || region.len() != 6 {
        return None;
    }
    let org = org_check_char(&body)?;
    complete_with_check_char(&format!("91{region}{digits}{org}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_enterprise_code_built_from_its_parts_is_valid() {
        let code = enterprise_code("320102", "70000001").expect("8 digits");
        assert!(code.starts_with("9132010270000001"));
        assert!(CreditCode::parse(&code).is_ok(), "{code}");
        assert_eq!(enterprise_code("320102", "7000001"), None);
    }

    #[test]
    fn valid_vectors() {
        for code in [
            "91350100M000100Y43",
            "91320102MA1XYR7K61",
            "92440106MA59QK2T0A",
            "93510105MA62W7L15B",
            "12100000400000624D",
            "51310000501312344E",
            "Y1330100MC9H3T2B4L",
            "911101082815901300",
            "91110108312581537Y",
            "9111010852601815XF",
        ] {
            let parsed = CreditCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(parsed.as_str(), code);
            assert_eq!(parsed.org_code_finding(), None, "{code}");
        }
    }

    #[test]
    fn normalised_before_parsing() {
        for input in [
            "91320102ma1xyr7k61",
            "９１３２０１０２ＭＡ１ＸＹＲ７Ｋ６１",
            " 9132 0102 MA1X YR7K 61 ",
            "91320102MA1XYR7K61\u{3000}",
        ] {
            assert_eq!(
                CreditCode::parse(input).map(|c| c.to_string()),
                Ok("91320102MA1XYR7K61".into())
            );
        }
    }

    #[test]
    fn invalid_vectors() {
        use CreditCodeError::*;
        assert_eq!(
            CreditCode::parse("91320102MA1XYR7K62"),
            Err(CheckCharMismatch {
                expected: '1',
                found: '2'
            })
        );
        assert_eq!(
            CreditCode::parse("91320102MA1XYR7KI1"),
            Err(IllegalChar {
                ch: 'I',
                position: 17
            })
        );
        assert_eq!(
            CreditCode::parse("91350100M000100YO3"),
            Err(IllegalChar {
                ch: 'O',
                position: 17
            })
        );
        assert_eq!(
            CreditCode::parse("9132010MA1XYR7K61"),
            Err(WrongLength { len: 17 })
        );
        assert_eq!(CreditCode::parse(""), Err(Empty));
        assert_eq!(CreditCode::parse("   "), Err(Empty));
        assert_eq!(
            CreditCode::parse("94320102MA1XYR7K6P"),
            Err(UnknownCategory { code: "94".into() })
        );
        assert_eq!(
            CreditCode::parse("91990102MA1XYR7K6P")
                .map_err(|e| matches!(e, UnknownProvince { .. })),
            Err(true)
        );
        assert!(matches!(
            CreditCode::parse("91A20102MA1XYR7K61"),
            Err(RegionNotDigits { position: 3, .. })
        ));
    }

    #[test]
    fn messages_are_specific() {
        let e = CreditCode::parse("91350100M000100YO3").unwrap_err();
        assert!(e.to_string().contains("第17位的字母“O”"), "{e}");
        assert!(e.to_string().contains("数字“0”"), "{e}");
        let e = CreditCode::parse("9132010MA1XYR7K61").unwrap_err();
        assert!(e.to_string().contains("您输入了17位"), "{e}");
        let e = CreditCode::parse("91320102MA1XYR7K62").unwrap_err();
        assert!(e.to_string().contains("其它(人工审核)"), "{e}");
        assert!(e.manual_review_possible());
    }

    #[test]
    fn org_code_finding_is_soft() {
        let code = CreditCode::parse("91320102MA1XYR7K5X").expect("USCC check passes");
        assert_eq!(
            code.org_code_finding(),
            Some(CreditCodeFinding::OrgCodeMismatch {
                expected: '6',
                found: '5'
            })
        );
        assert!(!code.auto_verifiable());
    }

    #[test]
    fn early_codes_failing_the_check_go_to_manual_review() {
        let e = CreditCode::parse("91350211M0000XUF46").unwrap_err();
        assert_eq!(
            e,
            CreditCodeError::CheckCharMismatch {
                expected: 'R',
                found: '6'
            }
        );
        let (code, findings) = CreditCode::parse_for_manual_review("91350211M0000XUF46").unwrap();
        assert_eq!(code.as_str(), "91350211M0000XUF46");
        assert!(findings.contains(&CreditCodeFinding::CheckCharMismatch {
            expected: 'R',
            found: '6'
        }));
        // Structural errors stay errors even on the manual path.
        assert!(CreditCode::parse_for_manual_review("9132010MA1XYR7K61").is_err());
    }

    #[test]
    fn auto_verification_categories() {
        assert!(CreditCode::parse("91320102MA1XYR7K61")
            .unwrap()
            .auto_verifiable());
        assert!(CreditCode::parse("93510105MA62W7L15B")
            .unwrap()
            .auto_verifiable());
        assert!(!CreditCode::parse("12100000400000624D")
            .unwrap()
            .auto_verifiable());
        assert_eq!(
            CreditCode::parse("12100000400000624D").unwrap().authority(),
            "机构编制"
        );
    }

    fn symbol() -> impl Strategy<Value = char> {
        (0..31usize).prop_map(|i| ALPHABET[i] as char)
    }

    prop_compose! {
        fn valid_code()(
            cat in prop::sample::select(vec!["91", "92", "93", "12", "51", "Y1"]),
            prov in prop::sample::select(PROVINCES.to_vec()),
            region in 0..10_000u32,
            body in prop::collection::vec(symbol(), 9),
        ) -> String {
            let first17: String = format!("{cat}{prov}{region:04}{}", body.iter().collect::<String>());
            complete_with_check_char(&first17).unwrap_or_default()
        }
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in "\\PC{0,30}") {
            let _ = CreditCode::parse(&s);
            let _ = CreditCode::parse_for_manual_review(&s);
        }

        #[test]
        fn generated_codes_parse(code in valid_code()) {
            prop_assert_eq!(CreditCode::parse(&code).map(|c| c.to_string()), Ok(code));
        }

        #[test]
        fn single_substitution_is_rejected(code in valid_code(), pos in 0..18usize, sym in symbol()) {
            let mut chars: Vec<char> = code.chars().collect();
            prop_assume!(chars[pos] != sym);
            chars[pos] = sym;
            let changed: String = chars.into_iter().collect();
            prop_assert!(CreditCode::parse(&changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn adjacent_transposition_is_rejected(code in valid_code(), pos in 0..17usize) {
            let mut chars: Vec<char> = code.chars().collect();
            prop_assume!(chars[pos] != chars[pos + 1]);
            chars.swap(pos, pos + 1);
            let changed: String = chars.into_iter().collect();
            prop_assert!(CreditCode::parse(&changed).is_err(), "{} accepted", changed);
        }
    }
}
