//! Reusable view pieces.

pub mod field;
pub mod help;
pub mod layout;
pub mod region_picker;
pub mod storage_units;
pub mod unsaved;
pub mod upload;

use leptos::prelude::*;

/// Marks `<html data-hydrated="true">` once the page around it is hydrated,
/// so end-to-end tests never click inert server-rendered markup. Place it
/// inside the page's last `Suspense`: effects run only in the browser, after
/// their component has hydrated.
#[component]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
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
