//! 危险化学品经营许可证 number: a soft format check.
//!
//! There is no national standard for the number. Observed numbers look like
//! `苏(宁)危化经字〔2023〕000123`, `沪危化经字2024第0301号` or
//! `陕危化经字[2019]0021号`: a province abbreviation, optionally a city in
//! brackets, 危化经字, then year and serial. Brackets are normalised (a
//! bracketed 4-digit year becomes 〔YYYY〕, other brackets become ( )); an
//! unusual but plausible number gives a warning, never an error.

use super::normalize::{is_space, to_half_width};

const PROVINCE_ABBR: &str =
    "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵黔云滇藏陕甘青宁新港澳台";
pub const MAX_LEN: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenceNumberError {
    #[error("请输入许可证编号(见证书右上方)。")]
    Empty,
    #[error("许可证编号过长(最多{MAX_LEN}个字符),请只填写证书上的编号。")]
    TooLong,
}

/// A licence number in normalised form, with a warning if it looks unusual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceNumber {
    text: String,
    warning: Option<String>,
}

fn normalise_brackets(input: &str) -> String {
    let chars: Vec<char> = input
        .chars()
        .map(to_half_width)
        .filter(|c| !is_space(*c))
        .map(|c| match c {
            '[' | '【' | '〔' | '［' => '[',
            ']' | '】' | '〕' | '］' => ']',
            '(' | '（' => '(',
            ')' | '）' => ')',
            other => other,
        })
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '[' || c == '(' {
            let close = chars[i + 1..].iter().position(|d| *d == ']' || *d == ')');
            if let Some(off) = close {
                let inner: String = chars[i + 1..i + 1 + off].iter().collect();
                if inner.len() == 4 && inner.bytes().all(|b| b.is_ascii_digit()) {
                    out.push('〔');
                    out.push_str(&inner);
                    out.push('〕');
                } else {
                    out.push('(');
                    out.push_str(&inner);
                    out.push(')');
                }
                i += off + 2;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn looks_usual(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let digits_at_end = s
        .trim_end_matches('号')
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    PROVINCE_ABBR.contains(first) && s.contains("危化经字") && digits_at_end >= 2
}

impl LicenceNumber {
    pub fn parse(input: &str) -> Result<LicenceNumber, LicenceNumberError> {
        let text = normalise_brackets(input);
        if text.is_empty() {
            return Err(LicenceNumberError::Empty);
        }
        if text.chars().count() > MAX_LEN {
            return Err(LicenceNumberError::TooLong);
        }
        let warning = (!looks_usual(&text)).then(|| {
            "编号与常见格式(如“苏(宁)危化经字〔2023〕000123”)不同。请再核对一遍;如与证书一致,可以继续。"
                .to_string()
        });
        Ok(LicenceNumber { text, warning })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_brackets() {
        let n = |s| LicenceNumber::parse(s).map(|l| l.as_str().to_string());
        assert_eq!(
            n("苏(宁)危化经字[2023]000123"),
            Ok("苏(宁)危化经字〔2023〕000123".into())
        );
        assert_eq!(
            n("苏（宁）危化经字〔2023〕000123"),
            Ok("苏(宁)危化经字〔2023〕000123".into())
        );
        assert_eq!(
            n("陕危化经字(2019)0021号"),
            Ok("陕危化经字〔2019〕0021号".into())
        );
        assert_eq!(
            n(" 沪危化经字2024第0301号 "),
            Ok("沪危化经字2024第0301号".into())
        );
        assert_eq!(
            n("苏(宁)危化经字(江北)00909"),
            Ok("苏(宁)危化经字(江北)00909".into())
        );
    }

    #[test]
    fn unusual_is_a_warning() {
        assert_eq!(
            LicenceNumber::parse("苏(宁)危化经字〔2023〕000123")
                .unwrap()
                .warning(),
            None
        );
        assert!(LicenceNumber::parse("ABC-123").unwrap().warning().is_some());
        assert_eq!(LicenceNumber::parse("  "), Err(LicenceNumberError::Empty));
        assert_eq!(
            LicenceNumber::parse(&"1".repeat(41)),
            Err(LicenceNumberError::TooLong)
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_is_idempotent(s in "\\PC{0,45}") {
            if let Ok(l) = LicenceNumber::parse(&s) {
                let again = LicenceNumber::parse(l.as_str()).map(|x| x.as_str().to_string());
                proptest::prop_assert_eq!(again, Ok(l.as_str().to_string()));
            }
        }
    }
}
