//! A form with typing not yet saved is never left silently: the browser's
//! own dialog on reload or close, a confirmation on any link of the app.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// What a link asks while the form holds unsaved changes.
pub const LEAVE_QUESTION: &str =
    "本页有尚未保存的内容,离开后将丢失。确定离开吗?\n点“取消”留在本页,再点“保存草稿”。";

/// Guards the current page while `dirty()` is true (call it in the form's
/// component; the guard ends with the component).
pub fn guard_unsaved(dirty: impl Fn() -> bool + Copy + Send + Sync + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::{closure::Closure, JsCast};
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let alive = Arc::new(AtomicBool::new(true));
        let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if dirty() {
                ev.prevent_default();
                ev.set_return_value(LEAVE_QUESTION);
            }
        });
        // Capture phase: the router's own click handler must not see a
        // click the user cancelled.
        let live = alive.clone();
        let on_click = Closure::<dyn Fn(leptos::web_sys::MouseEvent)>::new(
            move |ev: leptos::web_sys::MouseEvent| {
                if !live.load(Ordering::Relaxed) {
                    return;
                }
                let link = ev
                    .target()
                    .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
                    .and_then(|el| el.closest("a[href]").ok().flatten());
                let Some(link) = link else { return };
                let href = link.get_attribute("href").unwrap_or_default();
                // Only a link that leaves the page, and only then is the form
                // compared; a link that saves the draft before it goes
                // (`data-saves-draft`) loses nothing.
                if href.starts_with('#')
                    || link.get_attribute("target").is_some()
                    || link.has_attribute("data-saves-draft")
                    || !dirty()
                {
                    return;
                }
                if !window()
                    .confirm_with_message(LEAVE_QUESTION)
                    .unwrap_or(true)
                {
                    ev.prevent_default();
                    ev.stop_immediate_propagation();
                }
            },
        );
        let _ = document().add_event_listener_with_callback_and_bool(
            "click",
            on_click.as_ref().unchecked_ref(),
            true,
        );
        // The listener outlives the page (a few bytes); `alive` turns it off.
        on_click.forget();
        on_cleanup(move || {
            alive.store(false, Ordering::Relaxed);
            unload.remove();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = dirty;
}
