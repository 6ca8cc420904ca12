//! 用户管理 (administrators): regulator users, create and disable.

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::admin::{
    list_regulators, CreateRegulator, ResetRegulatorPassword, SetRegulatorActive, UnlockRegulator,
};
use crate::api::site::region_choices;
use crate::components::field::{ErrorSummary, FormState, TextField};
use crate::components::help::HelpTip;
use crate::components::layout::ErrorNotice;
use crate::components::region_picker::RegionPicker;
use crate::components::HydrationMarker;
use crate::domain::help::manual;
use crate::domain::registration::parse_person_name;
use crate::domain::FieldErrors;

fn check_new_user(login: &str, name: &str, region: &str) -> FieldErrors {
    let mut e = FieldErrors::new();
    let login = login.trim();
    if !(3..=32).contains(&login.len())
        || !login
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        e.add(
            "login",
            "用户名为3–32位字母、数字、“-”或“_”,例如 nj-xuanwu-01。",
        );
    }
    e.take("display_name", parse_person_name(name, "用户"));
    if region.len() != 6 {
        e.add("region_code", "请选择所属单位所在的省、市或区县。");
    }
    e
}

#[cfg_attr(island = "AdminUsersPage", island)]
#[cfg_attr(not(island = "AdminUsersPage"), component)]
pub fn AdminUsersPage() -> impl IntoView {
    let create = ServerAction::<CreateRegulator>::new();
    let toggle = ServerAction::<SetRegulatorActive>::new();
    let unlock = ServerAction::<UnlockRegulator>::new();
    let reset = ServerAction::<ResetRegulatorPassword>::new();
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                toggle.version().get(),
                unlock.version().get(),
                reset.version().get(),
            )
        },
        |_| list_regulators(),
    );
    // Created here, at the island's top, like every resource of an island.
    let regions = Resource::new(|| (), |_| region_choices(String::new()));
    let account_outcome = move || {
        [unlock.value().get(), reset.value().get()]
            .into_iter()
            .flatten()
            .map(|r| match r {
                Ok(m) => view! { <p class="notice success" role="status">{m}</p> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            })
            .collect_view()
    };
    let login = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let region = RwSignal::new(String::new());
    let check = Callback::new(move |_| {
        check_new_user(
            &login.get_untracked(),
            &name.get_untracked(),
            &region.get_untracked(),
        )
    });
    let form = FormState::for_action(create, move |_| {
        login.set(String::new());
        name.set(String::new());
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if form.validate(check) {
            create.dispatch(CreateRegulator {
                login: login.get_untracked(),
                display_name: name.get_untracked(),
                region_province: String::new(),
                region_city: String::new(),
                region_county: region.get_untracked(),
            });
        }
    };
    let created = move || match create.value().get() {
        Some(Ok(m)) => Some(view! { <p class="notice success" role="status">{m}</p> }),
        _ => None,
    };
    view! {
        <Title text="用户管理 - 危化品经营安全监管系统" />
        <h1>"用户管理 " <HelpTip link=manual::USERS topic="用户管理" /></h1>
        {account_outcome}
        // A Transition: after each action the page keeps showing while the list reloads.
        <Transition fallback=|| view! { <p>"正在加载……"</p> }>
            {move || Suspend::new(async move {
                match (users.await, regions.await) {
                    (Ok(list), Ok(choices)) => Either::Left(view! {
                        <table class="users">
                            <thead><tr><th>"用户名"</th><th>"姓名"</th><th>"所属单位"</th><th>"状态"</th><th></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|u| {
                                    let id = u.user_id.to_string();
                                    let next = (!u.active).to_string();
                                    let (id2, id3) = (id.clone(), id.clone());
                                    let (unlock_label, reset_label) = (format!("解锁 {}", u.login), format!("重置密码 {}", u.login));
                                    let state = match (u.active, u.locked, u.must_change_password) {
                                        (false, _, _) => "已停用",
                                        (true, true, _) => "已锁定(密码连续输错)",
                                        (true, false, true) => "正常(待本人设置密码)",
                                        (true, false, false) => "正常",
                                    };
                                    view! {
                                        <tr class:disabled=!u.active>
                                            <td class="login">{u.login.clone()}</td>
                                            <td>{u.display_name}</td>
                                            <td>{u.organization}</td>
                                            <td>{state}</td>
                                            <td class="actions">
                                                {u.locked.then(|| view! {
                                                    <ActionForm action=unlock>
                                                        <input type="hidden" name="user_id" value=id2.clone() />
                                                        <button type="submit" class="button link" aria-label=unlock_label.clone()>"解锁"</button>
                                                    </ActionForm>
                                                })}
                                                <ActionForm action=reset>
                                                    <input type="hidden" name="user_id" value=id3 />
                                                    <button type="submit" class="button link" aria-label=reset_label>"重置密码"</button>
                                                </ActionForm>
                                                <ActionForm action=toggle>
                                                    <input type="hidden" name="user_id" value=id />
                                                    <input type="hidden" name="active" value=next />
                                                    <button type="submit" class="button link" aria-label=format!("{} {}", if u.active { "停用" } else { "启用" }, u.login)>
                                                        {if u.active { "停用" } else { "启用" }}
                                                    </button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        // Only an administrator gets here (the list is theirs alone).
                        <h2>"新增监管用户"</h2>
                        {created}
                        <form class="form" action=CreateRegulator::url() method="post" novalidate on:submit=on_submit>
                            <ErrorSummary form labels=vec![("login", "用户名"), ("display_name", "姓名"), ("region_code", "所属地区")] />
                            <TextField name="login" label="用户名" value=login form check maxlength=32 autocomplete="off" hint="3–32位字母、数字、“-”或“_”。" />
                            <TextField name="display_name" label="姓名" value=name form check maxlength=50 />
                            <RegionPicker value=region form check choices=RwSignal::new(choices) />
                            <p class="field-hint">"所属单位按所选地区自动确定:选到省为应急管理厅,选到市或区县为该级应急管理局。"</p>
                            <div class="form-actions">
                                <button type="submit" class="button primary" disabled=move || create.pending().get()>"创建用户"</button>
                            </div>
                        </form>
                        <HydrationMarker />
                    }),
                    (Err(e), _) | (_, Err(e)) => Either::Right(view! {
                        <ErrorNotice error=e />
                        <HydrationMarker />
                    }),
                }
            })}
        </Transition>
    }
}
