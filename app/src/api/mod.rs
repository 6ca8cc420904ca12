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
