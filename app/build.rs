//! Which islands this build hydrates (issue 13, item 1: a page downloads the
//! code of its own islands only).
//!
//! Every island is written `#[cfg_attr(island = "Name", island)]` (and a plain
//! component otherwise) and belongs to one bundle of [`BUNDLES`] (its page's). The server and the default wasm build (feature `islands`) make every
//! island an island. A wasm build with the feature `bundle-<name>` makes only
//! that bundle's islands islands, and compiles neither the others nor what
//! only the server renders (`cfg(whole_pages)` is set for the server and
//! the whole-page build only). `scripts/bundles` builds one such
//! wasm per bundle; the server tells each page's loader which one its islands
//! are in (`bundles.rs` in `OUT_DIR`, written here).

/// Bundle name, then its islands: one bundle per page (or per few pages
/// that share their islands, or an administrator's rarely used pages), so a
/// page downloads no other page's islands. Each page's islands are in one
/// bundle. `app/Cargo.toml` has a `bundle-<name>` feature for each bundle.
const BUNDLES: &[(&str, &[&str])] = &[
    ("login", &["LoginForm"]),
    // 企业注册: each step's form (the page loads again between them).
    ("register", &["OrgStepForm"]),
    ("register-account", &["AccountStepForm"]),
    ("forgot", &["RequestStep", "ResetStep"]),
    // 更换手机号: the request; the pages its SMS links open (progress, cancel).
    ("phone", &["ChangePhoneForm"]),
    ("phone-link", &["PhoneChangeProgress", "PhoneChangeCancel"]),
    ("workspace", &["PendingPhoneChangeNotice"]),
    ("account", &["AccountPage"]),
    ("password", &["PasswordArea"]),
    ("totp", &["TotpEnrolment"]),
    ("inbox", &["Inbox"]),
    ("team", &["InviteForm", "ResetForm"]),
    ("team-link", &["TeamLinkArea"]),
    // 完善信息: one page, and one bundle, per step.
    ("info-basic", &["InfoBasic"]),
    ("info-mode", &["InfoMode"]),
    ("info-licences", &["InfoLicences"]),
    ("info-submit", &["InfoSubmit"]),
    ("propose", &["ProposeArea"]),
    ("licences", &["LicencesPage"]),
    ("case", &["CaseForm"]),
    // The issuer's on-site forms (the other steps are plain posts).
    ("case-onsite", &["OnSitePlanForm", "OnSiteForm"]),
    // 用户管理: the forms whose answer is a one-time password.
    ("admin", &["NewRegulatorForm", "ResetRegulator"]),
    // The notice and help-article editors (their pages are rendered by
    // the server; a notice itself has no island).
    ("notice-editor", &["NoticeEditor"]),
    ("help-editor", &["HelpEditor"]),
];

fn main() {
    let on = |feature: &str| std::env::var_os(format!("CARGO_FEATURE_{feature}")).is_some();
    // cargo names a feature's variable in capitals with `-` as `_`.
    let feature = |bundle: &str| format!("BUNDLE_{}", bundle.to_uppercase().replace('-', "_"));
    for (name, _) in std::env::vars() {
        if let Some(bundle) = name.strip_prefix("CARGO_FEATURE_BUNDLE_") {
            assert!(
                BUNDLES
                    .iter()
                    .any(|(b, _)| feature(b) == format!("BUNDLE_{bundle}")),
                "the feature {name} names no bundle of app/build.rs"
            );
        }
    }
    let one_bundle = BUNDLES.iter().any(|(b, _)| on(&feature(b)));
    let names: Vec<String> = BUNDLES
        .iter()
        .flat_map(|(_, islands)| islands.iter().map(|i| format!("{i:?}")))
        .collect();
    println!(
        "cargo::rustc-check-cfg=cfg(island, values({}))",
        names.join(", ")
    );
    // Whole pages are rendered by the server, and hydrated by the
    // whole-page build; an islands build in the browser only needs its
    // islands (and what they use), so it does not compile the rest.
    println!("cargo::rustc-check-cfg=cfg(whole_pages)");
    if on("SSR") || !on("ISLANDS") {
        println!("cargo::rustc-cfg=whole_pages");
    }
    for (bundle, islands) in BUNDLES {
        if on("ISLANDS") && (on("SSR") || !one_bundle || on(&feature(bundle))) {
            for island in *islands {
                println!("cargo::rustc-cfg=island={island:?}");
            }
        }
    }
    // The server's copy of the table: which bundle hydrates an island.
    let table: String = BUNDLES
        .iter()
        .flat_map(|(b, islands)| {
            islands
                .iter()
                .map(move |i| format!("    ({i:?}, {b:?}),\n"))
        })
        .collect();
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(
        out.join("bundles.rs"),
        format!("/// (island, bundle), from app/build.rs.\npub const ISLAND_BUNDLES: &[(&str, &str)] = &[\n{table}];\n"),
    )
    .expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=build.rs");
}
