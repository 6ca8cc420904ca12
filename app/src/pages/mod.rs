//! Route-level components.
//!
//! What only the server renders is `#[cfg(whole_pages)]`, and an island is
//! compiled where it is an island or its page is whole (app/build.rs): an
//! islands build for the browser compiles its islands and what they use,
//! nothing else. There, what only other bundles' islands use is unused, hence
//! each page file's `allow(dead_code, unused_imports)` in that build only.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

pub mod account;
pub mod admin;
#[cfg(whole_pages)]
pub mod dashboard;
#[cfg(whole_pages)]
pub mod dev_sms;
pub mod enterprise_info;
pub mod help;
#[cfg(whole_pages)]
pub mod home;
pub mod licence_case;
pub mod login;
pub mod messages;
pub mod phone;
pub mod publicity;
pub mod recovery;
pub mod registration;
#[cfg(whole_pages)]
pub mod report;
#[cfg(whole_pages)]
pub mod review;
pub mod team;
pub mod workspace;

use leptos::prelude::*;

use crate::components::help::SearchBox;
use crate::components::layout::{ErrorNotice, ServiceLine};
use crate::components::HydrationMarker;
use crate::error::AppError;

/// The address's `?name=` (empty when missing).
#[cfg(whole_pages)]
pub fn query_text(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let query = leptos_router::hooks::use_query_map();
    move || query.with(|q| q.get(name).unwrap_or_default())
}

/// The route's `:name` (empty when missing).
#[cfg(whole_pages)]
pub fn route_text(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.with(|p| p.get(name).unwrap_or_default())
}

/// The route's `:name` as a number (0 when missing or not a number: no
/// record has that id).
#[cfg(whole_pages)]
pub fn id_param(name: &'static str) -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let text = route_text(name);
    move || text().parse().unwrap_or(0)
}

/// A labelled `<select>` of a search form (sent with GET): `options` are
/// (value, text), and the one whose value `chosen` returns is selected.
#[cfg(whole_pages)]
pub fn filter_select(
    (id, name, label): (&'static str, &'static str, &'static str),
    options: impl IntoIterator<Item = (String, String)>,
    chosen: impl Fn() -> String + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let chosen = chosen.clone();
            let this = value.clone();
            view! { <option value=value selected=move || chosen() == this>{text}</option> }
        })
        .collect_view();
    view! {
        <label for=id>{label}</label>
        <select id=id name=name>{options}</select>
    }
}

/// (value, text) of a select's option.
#[cfg(whole_pages)]
pub fn option(value: impl ToString, text: impl ToString) -> (String, String) {
    (value.to_string(), text.to_string())
}

/// A page's data: `waiting` until it has come, then what `show` makes of
/// it, or why it could not be loaded ([`load_failed`]); either way followed
/// by the [`HydrationMarker`].
pub fn loaded<T, V>(
    waiting: &'static str,
    data: Resource<Result<T, AppError>>,
    show: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=move || view! { <p>{waiting}</p> }>
            {move || {
                let show = show.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(v) => view! { {show(v)} <HydrationMarker /> }.into_any(),
                        Err(e) => load_failed(e),
                    }
                })
            }}
        </Suspense>
    }
}

/// What a page shows when loading its data failed.
fn load_failed(e: AppError) -> AnyView {
    view! {
        <ErrorNotice error=e />
        <HydrationMarker />
    }
    .into_any()
}

#[cfg(whole_pages)]
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1>"页面不存在"</h1>
        <p>"您访问的地址不存在。请从" <a href="/">"首页"</a> "重新进入,或在帮助中心搜索您要办理的事项:"</p>
        <SearchBox />
        <ServiceLine />
        <HydrationMarker />
    }
}
