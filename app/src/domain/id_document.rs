//! Identity documents of the legal representative.
//!
//! 居民身份证 follows GB 11643-1999 (18 characters, ISO 7064 MOD 11-2 check,
//! a real birth date); the other document types get format checks. 15-digit
//! legacy ID numbers are upgraded to 18 digits.

use std::fmt;

use super::date::Date;
use super::normalize::normalize_code;

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The kinds of document a legal representative can identify with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum IdDocType {
    ResidentId,
    Passport,
    HkMacaoPermit,
    TaiwanPermit,
    ForeignPermanentResident,
    HkMacaoTaiwanResidence,
}

impl IdDocType {
    pub const ALL: [IdDocType; 6] = [
        IdDocType::ResidentId,
        IdDocType::Passport,
        IdDocType::HkMacaoPermit,
        IdDocType::TaiwanPermit,
        IdDocType::ForeignPermanentResident,
        IdDocType::HkMacaoTaiwanResidence,
    ];

    /// The stable code stored in the database and sent by forms.
    pub fn code(self) -> &'static str {
        match self {
            IdDocType::ResidentId => "resident_id",
            IdDocType::Passport => "passport",
            IdDocType::HkMacaoPermit => "hk_macao_permit",
            IdDocType::TaiwanPermit => "taiwan_permit",
            IdDocType::ForeignPermanentResident => "foreign_permanent_resident",
            IdDocType::HkMacaoTaiwanResidence => "hmt_residence",
        }
    }

    pub fn from_code(code: &str) -> Option<IdDocType> {
        IdDocType::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            IdDocType::ResidentId => "居民身份证",
            IdDocType::Passport => "护照",
            IdDocType::HkMacaoPermit => "港澳居民来往内地通行证",
            IdDocType::TaiwanPermit => "台湾居民来往大陆通行证",
            IdDocType::ForeignPermanentResident => "外国人永久居留身份证",
            IdDocType::HkMacaoTaiwanResidence => "港澳台居民居住证",
        }
    }

    fn format_hint(self) -> &'static str {
        match self {
            IdDocType::ResidentId => "18位,最后一位可能是X",
            IdDocType::Passport => "5–17位字母或数字,如 E12345678",
            IdDocType::HkMacaoPermit => "H或M开头,后跟8位或10位数字",
            IdDocType::TaiwanPermit => "8位数字(旧版为10位数字,可带1个字母)",
            IdDocType::ForeignPermanentResident => "2023版为9开头的18位,旧版为3个字母加12位数字",
            IdDocType::HkMacaoTaiwanResidence => "18位,以81、82或83开头",
        }
    }
}

/// Why a document number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("请输入{}号码。", .doc.label())]
    Empty { doc: IdDocType },
    #[error("{}号码格式不对({})。请对照证件核对。", .doc.label(), .doc.format_hint())]
    Format { doc: IdDocType },
    #[error("居民身份证号码应为18位(或旧版15位),您输入了{len}位。请对照证件核对。")]
    ResidentIdLength { len: usize },
    #[error("身份证号码的第7–14位是出生日期,“{digits}”不是有效日期。请对照证件核对。")]
    BirthDate { digits: String },
    #[error("身份证号码中的出生日期 {date} 晚于今天。请对照证件核对。")]
    BirthDateInFuture { date: Date },
    #[error("身份证号码的校验位(最后一位)不符,号码中可能有输错的数字。请逐位核对。")]
    CheckChar { expected: char, found: char },
    #[error("港澳台居民居住证号码应以81(香港)、82(澳门)或83(台湾)开头。请对照证件核对。")]
    ResidencePrefix,
}

/// A valid identity-document number in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdDocument {
    doc: IdDocType,
    number: String,
}

fn mod11_check(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.chars().zip(ID_WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(ID_CHECK[(sum % 11) as usize] as char)
}

/// Validates an 18-character MOD 11-2 number with a birth date (resident ID,
/// residence permit, 2023 permanent-residence card).
fn check_mod11_with_birth(s: &str, today: Date) -> Result<(), IdNumberError> {
    if !s.is_ascii() || s.len() != 18 {
        return Err(IdNumberError::Format {
            doc: IdDocType::ResidentId,
        });
    }
    let first17 = &s[..17];
    let found = s.chars().nth(17).unwrap_or(' ');
    if !first17.bytes().all(|b| b.is_ascii_digit()) || !(found.is_ascii_digit() || found == 'X') {
        return Err(IdNumberError::Format {
            doc: IdDocType::ResidentId,
        });
    }
    let birth_digits = &s[6..14];
    let birth = Date::parse(birth_digits)
        .filter(|d| d.year() >= 1800)
        .ok_or_else(|| IdNumberError::BirthDate {
            digits: birth_digits.to_string(),
        })?;
    if birth > today {
        return Err(IdNumberError::BirthDateInFuture { date: birth });
    }
    let expected = mod11_check(first17).ok_or(IdNumberError::Format {
        doc: IdDocType::ResidentId,
    })?;
    if expected != found {
        return Err(IdNumberError::CheckChar { expected, found });
    }
    Ok(())
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl IdDocument {
    /// Parses `input` as a number of document type `doc`; `today` bounds the birth date.
    pub fn parse(doc: IdDocType, input: &str, today: Date) -> Result<IdDocument, IdNumberError> {
        let mut s = normalize_code(input);
        let s_bytes_len = s.chars().count();
        if s.is_empty() {
            return Err(IdNumberError::Empty { doc });
        }
        let format = IdNumberError::Format { doc };
        match doc {
            IdDocType::ResidentId => {
                if s_bytes_len == 15 && all_digits(&s) {
                    s = upgrade_15(&s).ok_or(format.clone())?;
                } else if s_bytes_len != 18 {
                    return Err(IdNumberError::ResidentIdLength { len: s_bytes_len });
                }
                check_mod11_with_birth(&s, today).map_err(|e| match e {
                    IdNumberError::Format { .. } => format.clone(),
                    other => other,
                })?;
            }
            IdDocType::HkMacaoTaiwanResidence => {
                if s_bytes_len != 18 || !s.is_ascii() {
                    return Err(format);
                }
                if !matches!(&s[..2], "81" | "82" | "83") {
                    return Err(IdNumberError::ResidencePrefix);
                }
                check_mod11_with_birth(&s, today).map_err(|e| match e {
                    IdNumberError::Format { .. } => format.clone(),
                    other => other,
                })?;
            }
            IdDocType::ForeignPermanentResident => {
                let ok_2017 = s_bytes_len == 15
                    && s.is_ascii()
                    && s[..3].bytes().all(|b| b.is_ascii_uppercase())
                    && all_digits(&s[3..]);
                if !ok_2017 {
                    if s_bytes_len != 18 || !s.starts_with('9') || !s.is_ascii() {
                        return Err(format);
                    }
                    check_mod11_with_birth(&s, today).map_err(|e| match e {
                        IdNumberError::Format { .. } => format.clone(),
                        other => other,
                    })?;
                }
            }
            IdDocType::Passport => {
                let ok = (5..=17).contains(&s_bytes_len)
                    && s.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    && s.bytes().any(|b| b.is_ascii_digit());
                if !ok {
                    return Err(format);
                }
            }
            IdDocType::HkMacaoPermit => {
                let ok = s.is_ascii()
                    && (s.starts_with('H') || s.starts_with('M'))
                    && (s_bytes_len == 9 || s_bytes_len == 11)
                    && all_digits(&s[1..]);
                if !ok {
                    return Err(format);
                }
            }
            IdDocType::TaiwanPermit => {
                let stripped = s.trim_end_matches(['(', ')']).replace(['(', ')'], "");
                let ok = stripped.is_ascii()
                    && (stripped.len() == 8 && all_digits(&stripped)
                        || (stripped.len() == 10 && all_digits(&stripped))
                        || (stripped.len() == 11
                            && all_digits(&stripped[..10])
                            && stripped.as_bytes()[10].is_ascii_uppercase()));
                if !ok {
                    return Err(format);
                }
                s = stripped;
            }
        }
        Ok(IdDocument { doc, number: s })
    }

    pub fn doc_type(&self) -> IdDocType {
        self.doc
    }

    pub fn number(&self) -> &str {
        &self.number
    }

    /// The number masked for display, e.g. `110105**********2X`.
    pub fn masked(&self) -> String {
        mask_id_number(&self.number)
    }
}

impl fmt::Display for IdDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.doc.label(), self.masked())
    }
}

/// Masks an identity-document number for display: long numbers keep the
/// first 6 and last 2 characters, short ones the first and last 2.
/// A legal representative's number when the document type is not asked
/// (更换手机号): valid as some document of [`IdDocType::ALL`]; an 18-character
/// number that fails is judged as a 居民身份证, whose rule says what is wrong.
pub fn parse_any_id_number(input: &str, today: Date) -> Result<String, IdNumberError> {
    let mut first = None;
    for doc in IdDocType::ALL {
        match IdDocument::parse(doc, input, today) {
            Ok(d) => return Ok(d.number().to_string()),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    Err(first.unwrap_or(IdNumberError::Empty {
        doc: IdDocType::ResidentId,
    }))
}

pub fn mask_id_number(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let n = chars.len();
    let (head, tail) = if n >= 15 {
        (6, 2)
    } else if n >= 5 {
        (1, 2)
    } else {
        (0, 0)
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

/// Upgrades a 15-digit legacy number (born 19xx) to 18 digits.
fn upgrade_15(s: &str) -> Option<String> {
    let first17 = format!("{}19{}", &s[..6], &s[6..]);
    mod11_check(&first17).map(|c| format!("{first17}{c}"))
}

/// Builds a valid resident-ID number from its first 17 digits (tests, demo data).
pub fn complete_resident_id(first17: &str) -> Option<String> {
    mod11_check(first17).map(|c| format!("{first17}{c}"))
}

impl super::Explain for IdNumberError {}

#[cfg(test)]
mod tests {
    #[test]
    fn any_document_number_is_accepted_and_a_bad_resident_id_is_named() {
        let today = Date::new(2026, 12, 1).unwrap();
        assert_eq!(
            parse_any_id_number("11010519491231002x", today).as_deref(),
            Ok("11010519491231002X")
        );
        assert!(parse_any_id_number("E12345678", today).is_ok());
        // A wrong check digit: refused, with the resident-ID rule's own message.
        let e = parse_any_id_number("110105194912310021", today).unwrap_err();
        assert_eq!(
            e.to_string(),
            IdDocument::parse(IdDocType::ResidentId, "110105194912310021", today)
                .unwrap_err()
                .to_string()
        );
        assert!(parse_any_id_number("  ", today).is_err());
    }

    use super::*;
    use proptest::prelude::*;

    fn today() -> Date {
        Date::new(2026, 11, 28).unwrap()
    }

    fn resident(s: &str) -> Result<String, IdNumberError> {
        IdDocument::parse(IdDocType::ResidentId, s, today()).map(|d| d.number().to_string())
    }

    #[test]
    fn resident_id_vectors() {
        for ok in [
            "11010519491231002X",
            "440524188001010014",
            "320102199001011232",
            "440106200012310025",
            "510105198506150043",
        ] {
            assert_eq!(resident(ok), Ok(ok.to_string()));
        }
        assert_eq!(
            resident("11010519491231002x"),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            resident("１１０１０５ 1949 1231 002x"),
            Ok("11010519491231002X".into())
        );
        assert_eq!(resident("110105491231002"), Ok("11010519491231002X".into()));
        assert_eq!(
            resident("110101199003071234"),
            Err(IdNumberError::CheckChar {
                expected: '3',
                found: '4'
            })
        );
        assert_eq!(
            resident("320102198001011234"),
            Err(IdNumberError::CheckChar {
                expected: '8',
                found: '4'
            })
        );
        assert!(matches!(
            resident("11010519900230001X"),
            Err(IdNumberError::BirthDate { .. })
        ));
        assert!(matches!(
            resident("110105209912310010"),
            Err(IdNumberError::BirthDateInFuture { .. })
        ));
        assert_eq!(
            resident("1101051949123100"),
            Err(IdNumberError::ResidentIdLength { len: 16 })
        );
        assert!(matches!(resident(""), Err(IdNumberError::Empty { .. })));
        assert!(matches!(
            resident("11010519491231002Y"),
            Err(IdNumberError::Format { .. })
        ));
    }

    #[test]
    fn residence_permit_uses_same_check() {
        let p = |s| IdDocument::parse(IdDocType::HkMacaoTaiwanResidence, s, today());
        assert!(p("810000198001010014").is_ok());
        assert_eq!(p("11010519491231002X"), Err(IdNumberError::ResidencePrefix));
    }

    #[test]
    fn other_documents() {
        let p = |t, s| IdDocument::parse(t, s, today()).map(|d| d.number().to_string());
        assert_eq!(p(IdDocType::Passport, "e12345678"), Ok("E12345678".into()));
        assert!(p(IdDocType::Passport, "ABC").is_err());
        assert!(p(IdDocType::Passport, "护照123456").is_err());
        assert_eq!(
            p(IdDocType::HkMacaoPermit, "H12345678"),
            Ok("H12345678".into())
        );
        assert_eq!(
            p(IdDocType::HkMacaoPermit, "M1234567801"),
            Ok("M1234567801".into())
        );
        assert!(p(IdDocType::HkMacaoPermit, "A12345678").is_err());
        assert_eq!(
            p(IdDocType::TaiwanPermit, "12345678"),
            Ok("12345678".into())
        );
        assert_eq!(
            p(IdDocType::TaiwanPermit, "1234567890(B)"),
            Ok("1234567890B".into())
        );
        assert!(p(IdDocType::TaiwanPermit, "1234567").is_err());
        assert_eq!(
            p(IdDocType::ForeignPermanentResident, "USA123456789012"),
            Ok("USA123456789012".into())
        );
        let new_card = complete_resident_id("93301119800101123").unwrap();
        assert_eq!(
            p(IdDocType::ForeignPermanentResident, &new_card),
            Ok(new_card.clone())
        );
        assert!(p(IdDocType::ForeignPermanentResident, "11010519491231002X").is_err());
    }

    #[test]
    fn masking() {
        let d = IdDocument::parse(IdDocType::ResidentId, "11010519491231002X", today()).unwrap();
        assert_eq!(d.masked(), "110105**********2X");
        assert_eq!(mask_id_number("E12345678"), "E******78");
        assert_eq!(IdDocType::from_code("passport"), Some(IdDocType::Passport));
    }

    prop_compose! {
        fn valid_id()(
            region in 110_000u32..660_000,
            days in -25_000i64..20_000,
            seq in 0..1000u32,
        ) -> String {
            let birth = Date::from_days_since_epoch(days);
            let first17 = format!("{region:06}{:04}{:02}{:02}{seq:03}", birth.year(), birth.month(), birth.day());
            complete_resident_id(&first17).unwrap_or_default()
        }
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,25}", t in 0..6usize) {
            let _ = IdDocument::parse(IdDocType::ALL[t], &s, today());
        }

        #[test]
        fn generated_ids_parse(id in valid_id()) {
            prop_assert_eq!(resident(&id), Ok(id.clone()));
        }

        #[test]
        fn single_substitution_is_rejected(id in valid_id(), pos in 0..18usize, d in prop::sample::select("0123456789X".chars().collect::<Vec<_>>())) {
            let mut chars: Vec<char> = id.chars().collect();
            prop_assume!(chars[pos] != d);
            chars[pos] = d;
            let changed: String = chars.into_iter().collect();
            prop_assert!(resident(&changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn adjacent_transposition_is_rejected(id in valid_id(), pos in 0..17usize) {
            let mut chars: Vec<char> = id.chars().collect();
            prop_assume!(chars[pos] != chars[pos + 1]);
            chars.swap(pos, pos + 1);
            let changed: String = chars.into_iter().collect();
            prop_assert!(resident(&changed).is_err(), "{} accepted", changed);
        }
    }
}
