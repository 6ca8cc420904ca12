//! Reusable view pieces.

pub mod field;
pub mod help;
pub mod layout;
pub mod markdown_editor;
pub mod record;
pub mod region_picker;
pub mod storage_units;
pub mod unsaved;
pub mod upload;

use leptos::prelude::*;

/// Marks `<html data-hydrated="true">` once the page around it is hydrated,
/// so end-to-end tests never click inert server-rendered markup. Place it
/// inside the page's last `Suspense`: effects run only in the browser, after
/// their component has hydrated. In islands mode the loader (`islands.js`)
/// marks the page once every island is hydrated, so this does nothing.
#[component]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(all(feature = "hydrate", not(feature = "islands")))]
        if let Some(el) = document().document_element() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
    });
}

/// After each successful run of `action`: hands its output to `on_ok` (e.g.
/// to keep a message in a signal that outlives the reload), then bumps
/// `reload` so the resources keyed on it fetch the new state.
pub fn reload_after_success<S>(
    action: ServerAction<S>,
    reload: RwSignal<i32>,
    on_ok: impl Fn(S::Output) + 'static,
) where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |prev: Option<usize>| {
        let n = action.version().get();
        if prev.is_some_and(|p| p != n) {
            if let Some(Ok(out)) = action.value().get_untracked() {
                on_ok(out);
                reload.update(|r| *r += 1);
            }
        }
        n
    });
}

/// After each successful run of `action`: loads the page again, which shows
/// the record as it now is and, at its top, what the server function said it
/// did (it flashed it: `server::http::flashed`). The address's query is
/// dropped: an error a plain post brought back before the page was live
/// (`__err`) is over.
pub fn reload_page_after_success<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |prev: Option<usize>| {
        let n = action.version().get();
        if prev.is_some_and(|p| p != n) && matches!(action.value().get_untracked(), Some(Ok(_))) {
            #[cfg(feature = "hydrate")]
            if let Ok(path) = window().location().pathname() {
                let _ = window().location().replace(&path);
            }
        }
        n
    });
}

/// The error a plain post to `S` brought back in the address (`__err`,
/// which `ServerAction::new` reads while the page renders on the server).
pub fn plain_post_error<S>() -> Option<crate::error::AppError>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    ServerAction::<S>::new()
        .value()
        .get_untracked()
        .and_then(Result::err)
}

/// The message at `field` of a plain post refused on this page, when the
/// post came from the form of a refused text that the server kept
/// (`server::http::keep_text_after` names it in the address, `kept`):
/// that form and the message, said at its field. `None` when the refusal
/// is about something else (said where the page begins).
pub fn refusal_at_kept_form(
    refused: Option<&crate::error::AppError>,
    field: &str,
) -> Option<(crate::domain::kept_text::KeptForm, String)> {
    let form = kept_form_in_address()?;
    Some((form, refused?.field_errors().get(field)?.to_string()))
}

/// The form a refused plain post on this page came from, when the server
/// kept what it held (`server::http::keep_text_after` names it in the
/// address, `kept`).
pub fn kept_form_in_address() -> Option<crate::domain::kept_text::KeptForm> {
    use crate::domain::kept_text::{KeptForm, KEPT_PARAM};
    let key = leptos_router::hooks::use_query_map().with_untracked(|q| q.get(KEPT_PARAM))?;
    KeptForm::parse(&key)
}

/// A text for an element whose content the server writes into its HTML
/// unescaped (Leptos: a `<textarea>`'s children; leptos_meta: the
/// `<title>`), which the HTML parser reads as raw text up to its end tag:
/// escaped on the server, so a typed `</textarea>`, `</title>` or `&lt;`
/// shows as typed and nothing typed becomes markup. In the browser the
/// text goes into the DOM as it is (a text node, `document.title`): left
/// as it is.
pub fn raw_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    let text = text.replace('&', "&amp;").replace('<', "&lt;");
    text
}

/// Loads the page at `href` (in the browser; nothing on the server): after
/// a save, the page the server renders next shows what was done. A page
/// load in either build (islands have no router in the browser).
pub fn go_to(href: &str) {
    #[cfg(feature = "hydrate")]
    let _ = window().location().set_href(href);
    #[cfg(not(feature = "hydrate"))]
    let _ = href;
}

/// An island's string prop (a code, a token) as a `Copy` getter, for the
/// several closures of the island that need it.
pub fn prop_getter(value: String) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let value = StoredValue::new(value);
    move || value.get_value()
}

/// 打印: the browser's print dialog (pages print without their navigation).
/// With islands no wasm is loaded for it: islands.js wires `data-print`.
#[component]
pub fn PrintButton(primary: bool) -> impl IntoView {
    view! {
        <button type="button" data-print="" class=if primary { "button primary" } else { "button" } on:click=move |_| {
            #[cfg(feature = "hydrate")]
            let _ = window().print();
        }>"打印"</button>
    }
}
