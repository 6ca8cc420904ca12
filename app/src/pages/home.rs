use leptos::prelude::*;

use crate::components::HydrationMarker;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <HydrationMarker />
        <section class="hero">
            <h1>"危险化学品经营安全监管系统"</h1>
            <p>"危险化学品经营企业在此注册账号、维护企业信息和经营许可证;各级应急管理部门在此审核与监管。"</p>
            <div class="actions">
                <a class="button primary" href="/login">"登录"</a>
                " "
                <a class="button" href="/register">"企业注册"</a>
            </div>
            <aside class="notice">
                <h2>"登录账号是什么?"</h2>
                <p>"企业(法人用户)的登录账号就是营业执照上的" <strong>"统一社会信用代码"</strong>
                    "(18位)。输入时的空格、全角字符和大小写会自动处理。"</p>
            </aside>
        </section>
    }
}
