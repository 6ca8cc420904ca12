//! The HTTP-level integration tests: the real router on a fresh SQLite file
//! and a fresh PostgreSQL database for every case.
//!
//! One test binary on purpose: each integration-test binary links the whole
//! application, and nine of them filled CI's disk at the link step.

mod common;

mod admin;
mod api;
mod auth;
mod cases;
mod dashboard;
mod data_protection;
mod exports;
mod help;
mod info;
mod matrix;
mod messages;
mod phone;
mod public_side;
mod registry;
mod review;
mod search;
mod security;
mod sms;
mod team;
