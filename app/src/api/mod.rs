//! Server functions: the HTTP API of the pages. Each one re-validates its
//! input with the shared domain rules and re-checks who may call it.

pub mod account;
pub mod admin;
pub mod auth;
pub mod code;
pub mod dashboard;
pub mod enterprise_info;
pub mod help;
pub mod licence_case;
pub mod messages;
pub mod notice;
pub mod phone;
pub mod publicity;
pub mod recovery;
pub mod registration;
pub mod report;
pub mod review;
pub mod site;
pub mod team;

/// How a server function answers (`output = crate::api::TextJson` on each):
/// JSON in a POST's answer, as leptos's own `Json`, except that the browser
/// reads it as text (`serde_json::from_str`), the way leptos reads the values
/// that resources and islands carry in the page. `Json` reads bytes
/// (`from_slice`), and with both readers every answer type's deserializer is
/// compiled twice into the wasm (issue 13, item 1).
pub type TextJson = leptos::server_fn::codec::Post<TextJsonEncoding>;

/// The encoding of [`TextJson`] (and of `AppError`).
pub struct TextJsonEncoding;

impl leptos::server_fn::ContentType for TextJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl leptos::server_fn::FormatType for TextJsonEncoding {
    const FORMAT_TYPE: leptos::server_fn::Format = leptos::server_fn::Format::Text;
}

impl<T: serde::Serialize> leptos::server_fn::Encodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn encode(value: &T) -> Result<leptos::server_fn::Bytes, serde_json::Error> {
        serde_json::to_vec(value).map(leptos::server_fn::Bytes::from)
    }
}

impl<T: serde::de::DeserializeOwned> leptos::server_fn::Decodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: leptos::server_fn::Bytes) -> Result<T, serde_json::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}
