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
