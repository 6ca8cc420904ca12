//! Field-level error messages of a form, keyed by the field's `name`, each
//! with the help article that explains it when one does.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::help::Faq;

/// A message for people, and the FAQ article that explains it (chosen where
/// the message is made, never found by its words).
///
/// On the wire a message without an article is just its text, so most
/// answers read as before: `{"password": "…"}`; one with an article is
/// `{"text": "…", "help": "faq-…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "MessageWire", into = "MessageWire")]
pub struct Message {
    pub text: String,
    pub help: Option<Faq>,
}

impl Message {
    pub fn explained(text: impl Into<String>, help: Faq) -> Message {
        Message {
            text: text.into(),
            help: Some(help),
        }
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Message { text, help: None }
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Message {
        Message::from(text.to_string())
    }
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum MessageWire {
    Text(String),
    Explained { text: String, help: Faq },
}

impl From<MessageWire> for Message {
    fn from(w: MessageWire) -> Message {
        match w {
            MessageWire::Text(text) => Message { text, help: None },
            MessageWire::Explained { text, help } => Message::explained(text, help),
        }
    }
}

impl From<Message> for MessageWire {
    fn from(m: Message) -> MessageWire {
        match m.help {
            None => MessageWire::Text(m.text),
            Some(help) => MessageWire::Explained { text: m.text, help },
        }
    }
}

/// An error a person reads, and the article that explains its kind (none:
/// the field's own article applies).
pub trait Explain: std::fmt::Display {
    fn help(&self) -> Option<Faq> {
        None
    }

    /// The error as a message with its article.
    fn explained(&self) -> Message {
        Message {
            text: self.to_string(),
            help: self.help(),
        }
    }
}

impl Explain for String {}
impl Explain for &str {}

/// What an input shows and sends: its `name` (the key of its message) and
/// its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldName {
    pub name: &'static str,
    pub label: &'static str,
}

/// A field named here, with its label (a form without a typed field list).
impl From<(&'static str, &'static str)> for FieldName {
    fn from((name, label): (&'static str, &'static str)) -> FieldName {
        FieldName { name, label }
    }
}

/// Declares a small form's fields as an enum: each its input `name` (the
/// key of its message in [`FieldErrors`], on the wire and in a plain post)
/// and its label, written once for the input, the error summary and the
/// rules that check it in the browser and in the server function.
///
/// ```ignore
/// form_fields! {
///     /// 修改密码.
///     pub enum ChangePasswordField {
///         Current = ("current", "当前密码"),
///         Password = ("password", "新密码"),
///     }
/// }
/// ```
macro_rules! form_fields {
    (
        $(#[$meta:meta])*
        pub enum $ty:ident {
            $($(#[$vmeta:meta])* $variant:ident = ($name:literal, $label:literal),)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $ty {
            $($(#[$vmeta])* $variant,)+
        }

        impl $ty {
            /// (name, label) of every field, in form order: the error
            /// summary's list.
            pub const LABELS: &'static [(&'static str, &'static str)] = &[$(($name, $label),)+];

            /// The input's `name`, and the key of its message.
            pub const fn name(self) -> &'static str {
                Self::LABELS[self as usize].0
            }

            pub const fn label(self) -> &'static str {
                Self::LABELS[self as usize].1
            }
        }

        impl From<$ty> for $crate::domain::fields::FieldName {
            fn from(f: $ty) -> Self {
                $crate::domain::fields::FieldName {
                    name: f.name(),
                    label: f.label(),
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}
pub(crate) use form_fields;

/// Messages per form field, in a stable order. Sent from the server to the
/// browser unchanged, so both sides show the same text at the same field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub BTreeMap<String, Message>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `message` for `field` (a form's `name`, or a typed key such
    /// as a [`RecordField`](super::record_field::RecordField), written as
    /// its key) unless the field already has one.
    pub fn add(&mut self, field: impl std::fmt::Display, message: impl Into<Message>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| message.into());
    }

    /// Records the error of `result`, if any, with the article that
    /// explains that kind of error, and passes its value on.
    pub fn take<T, E: Explain>(
        &mut self,
        field: impl std::fmt::Display,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                let text = e.to_string();
                self.add(
                    field,
                    match e.help() {
                        Some(help) => Message::explained(text, help),
                        None => text.into(),
                    },
                );
                None
            }
        }
    }

    /// The text of `field`'s message.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(|m| m.text.as_str())
    }

    /// `field`'s message with its article.
    pub fn message(&self, field: &str) -> Option<&Message> {
        self.0.get(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// (field, text) of every message.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.text.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_plain_text_on_the_wire_unless_an_article_explains_it() {
        let mut e = FieldErrors::new();
        e.add("password", "请输入密码。");
        e.add(
            "credit_code",
            Message::explained("已被注册。", Faq::AlreadyRegistered),
        );
        let wire = serde_json::to_string(&e).unwrap_or_default();
        assert_eq!(
            wire,
            r#"{"credit_code":{"text":"已被注册。","help":"faq-already-registered"},"password":"请输入密码。"}"#
        );
        let back: FieldErrors = serde_json::from_str(&wire).unwrap_or_default();
        assert_eq!(back, e);
        assert_eq!(back.get("credit_code"), Some("已被注册。"));
    }

    #[test]
    fn the_first_message_of_a_field_stays() {
        let mut e = FieldErrors::new();
        e.add("code", "第一条");
        e.add("code", Message::explained("第二条", Faq::SmsCode));
        assert_eq!(e.message("code"), Some(&Message::from("第一条")));
    }
}
