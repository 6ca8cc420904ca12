//! The document and its routes: what the server renders, and the
//! whole-page build hydrates. An islands build in the browser hydrates its
//! islands only and does not compile this (`whole_pages`, app/build.rs).

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::layout::Layout;
use crate::pages::{
    account::{ChangePasswordPage, TotpPage},
    admin::AdminUsersPage,
    dashboard::DashboardPage,
    dev_sms::DevSmsPage,
    enterprise_info::{
        regulated::{EnterpriseRecordPage, MaintenancePage, ProposePage},
        InfoPage,
    },
    help::{HelpArticlePage, HelpEditPage, HelpHistoryPage, HelpIndexPage, HelpSearchPage},
    home::HomePage,
    licence_case::{
        CaseDocumentPage, CaseInboxPage, CasePage, CertificatePage, IssuersPage, LicenceLookupPage,
        LicencesPage, VerifyPage,
    },
    login::LoginPage,
    messages::{MessagePage, MessagesPage},
    phone::{ChangePhonePage, PhoneChangeCancelPage, PhoneChangeStatusPage},
    publicity::{NoticeEditPage, NoticeNewPage, NoticePage, NoticesPage, PublicityPage},
    recovery::ForgotPasswordPage,
    registration::RegisterPage,
    report::AnnualReportPage,
    review::ReviewPage,
    team::{AccountPage, TeamLinkPage, TeamPage},
    workspace::WorkspacePage,
    NotFound,
};

/// The HTML document around the app (server-side rendering only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The policy in the header and, before any script, in the document.
    #[cfg(feature = "ssr")]
    let policy = crate::server::http::set_page_policy();
    #[cfg(not(feature = "ssr"))]
    let policy: Option<String> = None;
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN" data-hydrated="false">
            <head>
                <meta charset="utf-8" />
                {policy.map(|p| view! { <meta http-equiv="Content-Security-Policy" content=p /> })}
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <Hydration options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The script that makes the page interactive: the whole page, or in islands
/// mode only its islands (and nothing at all on a page without any).
#[component]
fn Hydration(options: LeptosOptions) -> impl IntoView {
    #[cfg(not(feature = "islands"))]
    {
        view! { <HydrationScripts options /> }
    }
    #[cfg(feature = "islands")]
    {
        // As leptos' own islands script does: outside islands nothing is
        // hydrated, so only islands number (and send) their resources.
        if let Some(sc) = Owner::current_shared_context() {
            sc.set_is_hydrating(false);
        }
        let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
        // cargo-leptos names the wasm like the JS; plain wasm-bindgen adds `_bg`.
        let wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
            ""
        } else {
            "_bg"
        };
        let nonce = leptos::nonce::use_nonce();
        view! {
            <script type="module" nonce=nonce>
                {format!(
                    "{}({:?}, {:?}, {});",
                    include_str!("islands.js"),
                    format!("{pkg}.js"),
                    format!("{pkg}{wasm}.wasm"),
                    bundles::built(&options),
                )}
            </script>
        }
    }
}

/// Which wasm hydrates which island (issue 13, item 1): `app/build.rs` puts
/// each island in a bundle, `scripts/bundles` builds one wasm per bundle
/// (`whp-<bundle>.js`, `whp-<bundle>.wasm`), and a page loads the bundle of
/// its islands; the whole wasm where a bundle was not built (a plain
/// `cargo leptos build`).
#[cfg(feature = "islands")]
mod bundles {
    include!(concat!(env!("OUT_DIR"), "/bundles.rs"));

    /// The loader's table, island name to bundle, as a JSON object, looked
    /// up once: only bundles whose files the site has, and none when they
    /// were built for another whole wasm than the one served (cargo-leptos
    /// alone rebuilt the islands since: `scripts/bundles` writes the whole
    /// wasm's SHA-256 to `bundles.stamp`).
    pub fn built(options: &leptos::config::LeptosOptions) -> &'static str {
        static TABLE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let pkg = std::path::Path::new(options.site_root.as_ref())
                .join(options.site_pkg_dir.as_ref());
            if !current(&pkg, &options.output_name) {
                return "{}".to_string();
            }
            let entries: Vec<String> = ISLAND_BUNDLES
                .iter()
                .filter(|(_, bundle)| {
                    let name = format!("{}-{bundle}", options.output_name);
                    pkg.join(format!("{name}.js")).is_file()
                        && pkg.join(format!("{name}.wasm")).is_file()
                })
                .map(|(island, bundle)| format!("{island:?}:{bundle:?}"))
                .collect();
            format!("{{{}}}", entries.join(","))
        })
    }

    /// Whether `bundles.stamp` names the whole wasm the site has (an
    /// islands build's shell is the server's only).
    fn current(pkg: &std::path::Path, output_name: &str) -> bool {
        use sha2::{Digest, Sha256};
        let (Ok(stamp), Ok(whole)) = (
            std::fs::read_to_string(pkg.join("bundles.stamp")),
            std::fs::read(pkg.join(format!("{output_name}.wasm"))),
        ) else {
            return false;
        };
        let hash: String = Sha256::digest(&whole)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        stamp.trim() == hash
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/whp.css" />
        <Title text="危化品经营安全监管系统" />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("register") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("workspace") view=WorkspacePage ssr=SsrMode::Async />
                    <Route path=path!("account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("settings") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("password") view=ChangePasswordPage ssr=SsrMode::Async />
                    <Route path=path!("team") view=TeamPage ssr=SsrMode::Async />
                    <Route path=path!("team/link") view=TeamLinkPage ssr=SsrMode::Async />
                    <Route path=path!("account/password") view=ChangePasswordPage ssr=SsrMode::Async />
                    <Route path=path!("account/totp") view=TotpPage ssr=SsrMode::Async />
                    <Route path=path!("forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("dev/sms") view=DevSmsPage ssr=SsrMode::Async />
                    <Route path=path!("review") view=ReviewPage ssr=SsrMode::Async />
                    <Route path=path!("dashboard") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("admin/users") view=AdminUsersPage ssr=SsrMode::Async />
                    <Route path=path!("admin/issuers") view=IssuersPage ssr=SsrMode::Async />
                    <Route path=path!("change-phone") view=ChangePhonePage ssr=SsrMode::Async />
                    <Route path=path!("change-phone/status") view=PhoneChangeStatusPage ssr=SsrMode::Async />
                    <Route path=path!("change-phone/cancel") view=PhoneChangeCancelPage ssr=SsrMode::Async />
                    <Route path=path!("info") view=InfoPage ssr=SsrMode::Async />
                    <Route path=path!("maintenance") view=MaintenancePage ssr=SsrMode::Async />
                    <Route path=path!("maintenance/:code") view=EnterpriseRecordPage ssr=SsrMode::Async />
                    <Route path=path!("maintenance/:code/propose") view=ProposePage ssr=SsrMode::Async />
                    <Route path=path!("licences") view=LicencesPage ssr=SsrMode::Async />
                    <Route path=path!("cases") view=CaseInboxPage ssr=SsrMode::Async />
                    <Route path=path!("cases/:id") view=CasePage ssr=SsrMode::Async />
                    <Route path=path!("cases/:id/documents/:n") view=CaseDocumentPage ssr=SsrMode::Async />
                    <Route path=path!("certificates/:id") view=CertificatePage ssr=SsrMode::Async />
                    <Route path=path!("verify/:token") view=VerifyPage ssr=SsrMode::Async />
                    <Route path=path!("lookup") view=LicenceLookupPage ssr=SsrMode::Async />
                    <Route path=path!("reports/annual") view=AnnualReportPage ssr=SsrMode::Async />
                    <Route path=path!("publicity") view=PublicityPage ssr=SsrMode::Async />
                    <Route path=path!("notices") view=NoticesPage ssr=SsrMode::Async />
                    <Route path=path!("notices/new") view=NoticeNewPage ssr=SsrMode::Async />
                    <Route path=path!("notices/:id") view=NoticePage ssr=SsrMode::Async />
                    <Route path=path!("notices/:id/edit") view=NoticeEditPage ssr=SsrMode::Async />
                    <Route path=path!("messages") view=MessagesPage ssr=SsrMode::Async />
                    <Route path=path!("messages/:id") view=MessagePage ssr=SsrMode::Async />
                    <Route path=path!("help") view=HelpIndexPage ssr=SsrMode::Async />
                    <Route path=path!("help/search") view=HelpSearchPage ssr=SsrMode::Async />
                    <Route path=path!("help/:slug") view=HelpArticlePage ssr=SsrMode::Async />
                    <Route path=path!("help/:slug/edit") view=HelpEditPage ssr=SsrMode::Async />
                    <Route path=path!("help/:slug/history") view=HelpHistoryPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}
