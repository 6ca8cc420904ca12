//! Page frame: header, main content and the footer with the customer-service line.

use leptos::prelude::*;

use crate::api::site::site_info;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let info = Resource::new(|| (), |_| site_info());
    view! {
        <header class="site-header">
            <a class="brand" href="/">"危化品经营安全监管系统"</a>
            <nav>
                <a href="/register">"企业注册"</a>
            </nav>
        </header>
        <main id="main">{children()}</main>
        <footer class="site-footer">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    info.await
                        .ok()
                        .map(|i| {
                            view! {
                                <p>
                                    "客服电话:"
                                    <span class="service-phone">{i.service_phone}</span>
                                    "("
                                    {i.service_hours}
                                    ")"
                                </p>
                            }
                        })
                })}
            </Suspense>
        </footer>
    }
}
