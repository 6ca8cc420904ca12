//! Pure domain rules shared by the browser (wasm) and the server.
//!
//! Nothing in here depends on leptos, sqlx or a cargo feature: the same code
//! checks a field on every keystroke in the browser and again in the server
//! function. Each rule is a type that can only hold a valid value
//! ("parse, don't validate"), with an error enum whose messages say, in
//! Simplified Chinese, what is wrong and what to do.

pub mod account;
pub mod annual_report;
pub mod business_mode;
pub mod calendar;
pub mod credit_code;
pub mod dashboard;
pub mod date;
pub mod enterprise_info;
pub mod fields;
pub mod help;
pub mod id_document;
pub mod kept_text;
pub mod licence;
pub mod licence_case;
pub mod major_hazard;
pub mod message;
pub mod mobile;
pub mod normalize;
pub mod notice;
pub mod password;
pub mod phone_change;
pub mod record_field;
pub mod region;
pub mod registration;
pub mod team;

pub use account::{AccountStatus, UserKind};
pub use business_mode::{BusinessMode, ModeAdvice, ModeAnswers};
pub use credit_code::{CreditCode, CreditCodeError};
pub use date::Date;
pub use fields::{Explain, FieldErrors, Message};
pub use id_document::{IdDocType, IdDocument};
pub use licence::LicenceNumber;
pub use mobile::{Mobile, SmsCode};
pub use password::Password;
