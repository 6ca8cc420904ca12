//! The page a user lands on after login.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::current_user;
use crate::components::HydrationMarker;

#[component]
pub fn WorkspacePage() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Title text="工作台 - 危化品经营安全监管系统" />
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => {
                        let role = match u.kind.as_str() {
                            "enterprise" => "法人用户",
                            "regulator" => "监管用户",
                            _ => "系统管理员",
                        };
                        view! {
                            <h1>"工作台"</h1>
                            <dl class="profile">
                                <dt>"单位"</dt>
                                <dd class="belongs-to">{u.belongs_to}</dd>
                                <dt>"账号"</dt>
                                <dd>{u.login}</dd>
                                <dt>"身份"</dt>
                                <dd>{role} " · " {u.display_name}</dd>
                            </dl>
                            {(u.kind != "enterprise")
                                .then(|| {
                                    view! {
                                        <nav class="tasks" aria-label="业务">
                                            <a class="button" href="/review">"注册审核"</a>
                                            {(u.kind == "admin")
                                                .then(|| view! { " " <a class="button" href="/admin/users">"用户管理"</a> })}
                                        </nav>
                                    }
                                })}
                            <HydrationMarker />
                        }
                            .into_any()
                    }
                    Ok(None) | Err(_) => view! {
                        <h1>"请先登录"</h1>
                        <p>"登录已过期或尚未登录。" <a href="/login">"前往登录"</a></p>
                        <HydrationMarker />
                    }
                        .into_any(),
                }
            })}
        </Suspense>
    }
}
