use leptos::prelude::*;

use crate::components::help::SearchBox;
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
            <SearchBox />
            <p class="popular">"常用:"
                <a href="/help/faq-forgot-password">"忘记密码"</a> " · "
                <a href="/help/enterprise-info-manual">"完善信息"</a> " · "
                <a href="/help/faq-business-mode">"经营方式怎么选"</a> " · "
                <a href="/help/faq-multiple-licences">"一企多证"</a> " · "
                <a href="/help/faq-phone-no-sms">"手机号码无法接收短信"</a>
            </p>
            <nav class="public-links home-public" aria-label="公开查询">
                <a href="/lookup">"许可证查询"</a>
                <a href="/publicity">"许可公示"</a>
                <a href="/notices">"通知公告"</a>
            </nav>
            <aside class="notice">
                <h2>"登录账号是什么?"</h2>
                <p>"企业(法人用户)的登录账号就是营业执照上的" <strong>"统一社会信用代码"</strong>
                    "(18位)。输入时的空格、全角字符和大小写会自动处理。"</p>
            </aside>
        </section>
    }
}
