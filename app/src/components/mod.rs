//! Reusable view pieces.

pub mod field;
pub mod help;
pub mod layout;
pub mod region_picker;

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

/// Bumps `reload` after each successful run of `action`, so the resources
/// keyed on it fetch the new state.
pub fn reload_after_success<S>(action: ServerAction<S>, reload: RwSignal<i32>)
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |prev: Option<usize>| {
        let n = action.version().get();
        if prev.is_some_and(|p| p != n) && matches!(action.value().get_untracked(), Some(Ok(_))) {
            reload.update(|r| *r += 1);
        }
        n
    });
}

/// Shows the message a successful `action` returns in `flash` (which lives
/// outside what `reload` re-renders), then bumps `reload`.
pub fn flash_and_reload<S>(
    action: ServerAction<S>,
    flash: RwSignal<Option<String>>,
    reload: RwSignal<i32>,
) where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError, Output = String>
        + Clone
        + Send
        + Sync
        + 'static,
{
    Effect::new(move |prev: Option<usize>| {
        let n = action.version().get();
        if prev.is_some_and(|p| p != n) {
            if let Some(Ok(message)) = action.value().get_untracked() {
                flash.set(Some(message));
                reload.update(|r| *r += 1);
            }
        }
        n
    });
}
