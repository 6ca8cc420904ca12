//! Input normalisation shared by every rule.
//!
//! Users paste codes from PDFs, chat apps and Chinese IMEs: full-width digits
//! (`９１３２…`), ideographic spaces, stray spaces inside the code. The national
//! system rejected such input ("请仔细检查输入的账号(是否包含空格之类的)"); we
//! accept it and show the normalised form instead.
//!
//! Only the NFKC mappings that matter for codes are implemented (the
//! full-width ASCII block U+FF01–U+FF5E and U+3000), so the browser does not
//! carry Unicode normalisation tables.

use super::fields::form_fields;

/// Maps one full-width ASCII variant (U+FF01–U+FF5E) or the ideographic
/// space (U+3000) to its half-width form; every other character is unchanged.
pub fn to_half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        _ => c,
    }
}

/// Whether `c` is white space of any width (ASCII, ideographic, no-break, …).
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{00A0}' || c == '\u{FEFF}' || c == '\u{200B}'
}

/// Normalises a code (credit code, ID number, phone, licence serial…):
/// half-width, every space removed (also inside), ASCII letters upper-cased.
/// Idempotent.
pub fn normalize_code(input: &str) -> String {
    input
        .chars()
        .map(to_half_width)
        .filter(|c| !is_space(*c) && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Normalises free text such as a name: half-width, trimmed, runs of inner
/// white space collapsed to one ASCII space. Idempotent.
pub fn normalize_text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.chars().map(to_half_width) {
        if is_space(c) {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Normalises a text of several lines (a 补正通知 that lists item by
/// item): each line as [`normalize_text`], blank lines at either end
/// dropped and runs of them kept as one, so the list stays a list.
/// Idempotent.
pub fn normalize_lines(input: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in input.lines().map(normalize_text) {
        let after_blank = lines.last().is_some_and(String::is_empty);
        if !(line.is_empty() && (lines.is_empty() || after_blank)) {
            lines.push(line);
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

form_fields! {
    /// A help article's or a notice's editor.
    pub enum TitledField {
        Title = ("title", "标题"),
        Body = ("body", "正文"),
    }
}

/// What a title-and-Markdown text (a help article, a notice) may hold.
pub struct TextLimits {
    /// What it is called in its messages: 文章, 公告.
    pub noun: &'static str,
    pub title_max: usize,
    pub body_max: usize,
    /// What to do with a body that is too long.
    pub too_long: &'static str,
}

/// A title (normalised as [`normalize_text`]) and a Markdown body (the
/// author's line breaks kept, trailing white space dropped), checked
/// against `limits`; the messages are keyed by [`TitledField`].
pub fn titled_text(
    title: &str,
    body: &str,
    limits: &TextLimits,
) -> Result<(String, String), super::FieldErrors> {
    let TextLimits {
        noun,
        title_max,
        body_max,
        too_long,
    } = limits;
    let mut errors = super::FieldErrors::new();
    let title = normalize_text(title);
    let n = title.chars().count();
    if n == 0 {
        errors.add(TitledField::Title, format!("请输入{noun}标题。"));
    } else if n > *title_max {
        errors.add(
            TitledField::Title,
            format!("标题最多{title_max}个字,现在有{n}个字,请精简。"),
        );
    }
    let body = body.replace("\r\n", "\n").trim_end().to_string();
    let n = body.chars().count();
    if body.trim().is_empty() {
        errors.add(
            TitledField::Body,
            format!("请输入{noun}正文(Markdown 格式)。"),
        );
    } else if n > *body_max {
        errors.add(
            TitledField::Body,
            format!("正文最多{body_max}个字,现在有{n}个字,{too_long}。"),
        );
    }
    if errors.is_empty() {
        Ok((title, body))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_spaces() {
        assert_eq!(
            normalize_code(" ９１３２ ０１０２ｍａ1XYR7K61\u{3000}"),
            "91320102MA1XYR7K61"
        );
        assert_eq!(normalize_code("138-0013\u{00A0}8000"), "13800138000");
        assert_eq!(
            normalize_text("  南京  某某\u{3000}化工有限公司 "),
            "南京 某某 化工有限公司"
        );
        assert_eq!(normalize_text("（张三）"), "(张三)");
    }

    #[test]
    fn a_list_keeps_its_lines() {
        assert_eq!(
            normalize_lines("\r\n  1. 营业执照  副本\r\n\n\n\u{3000}2. 平面图 \n \n"),
            "1. 营业执照 副本\n\n2. 平面图"
        );
        assert_eq!(normalize_lines(" \n\t\n"), "");
    }

    proptest::proptest! {
        #[test]
        fn normalisation_is_idempotent(s in "(\\PC|\n|\r\n|\r){0,40}") {
            let once = normalize_code(&s);
            proptest::prop_assert_eq!(normalize_code(&once), once.clone());
            let t = normalize_text(&s);
            proptest::prop_assert_eq!(normalize_text(&t), t.clone());
            let l = normalize_lines(&s);
            proptest::prop_assert_eq!(normalize_lines(&l), l.clone());
        }
    }
}
