//! Development only: the messages of the built-in SMS gateway, so a person
//! trying the system can read their verification codes.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::recovery::{dev_demo_totp, dev_outbox};
use crate::components::HydrationMarker;

#[component]
pub fn DevSmsPage() -> impl IntoView {
    let messages = Resource::new(|| (), |_| dev_outbox());
    let demo_code = Resource::new(|| (), |_| dev_demo_totp());
    view! {
        <Title text="短信发件箱(开发环境) - 危化品经营安全监管系统" />
        <h1>"短信发件箱(开发环境)"</h1>
        <p class="form-intro">"内置短信网关不会真的发送短信;这里显示最近50条。生产环境不提供此页面。"</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                demo_code.await.ok().map(|c| view! {
                    <p class="notice" role="status">"演示监管账号和管理员的当前动态验证码:" <strong class="demo-totp">{c}</strong> "(每30秒变化,刷新本页可看新码)"</p>
                })
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match messages.await {
                    Ok(list) => view! {
                        <table class="outbox">
                            <thead><tr><th>"时间"</th><th>"手机号"</th><th>"状态"</th><th>"内容"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|m| view! {
                                    <tr><td>{m.sent_at}</td><td class="mobile">{m.mobile}</td><td>{m.status}</td><td class="body">{m.body}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <HydrationMarker />
                    }.into_any(),
                    Err(_) => view! { <p class="alert">"此页面仅在开发环境使用内置短信网关时可用。"</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
