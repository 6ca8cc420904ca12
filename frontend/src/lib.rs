//! The browser entry point: hydrates the server-rendered page.

// In islands mode nothing here names the app, but its islands must be linked.
#[cfg(feature = "islands")]
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    #[cfg(feature = "islands")]
    {
        // No router runs in the browser: a server function's redirect is a
        // plain navigation.
        let _ = leptos::server_fn::redirect::set_redirect_hook(|to: &str| {
            let _ = leptos::prelude::window().location().set_href(to);
        });
        leptos::mount::hydrate_islands();
    }
    #[cfg(not(feature = "islands"))]
    leptos::mount::hydrate_body(app::App);
}
