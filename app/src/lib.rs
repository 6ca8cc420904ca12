//! 危化品经营安全监管系统: pages, server functions and the shared domain rules.
//!
//! Feature `ssr` builds the server side (with `server/`), feature `hydrate`
//! the browser side (with `frontend/`). `domain` is compiled in both,
//! unchanged, and holds every validation rule.

// The registration form's view type is deeper than the default limit allows
// when the release build computes the layout of its async SSR future.
#![recursion_limit = "256"]

pub mod api;
pub mod clock;
pub mod components;
pub mod domain;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod url;

#[cfg(whole_pages)]
mod shell;
#[cfg(whole_pages)]
pub use shell::{shell, App};
