//! 用户管理 (administrators): regulator users, create and disable.
//!
//! The page is rendered by the server: 解锁 and 停用/启用 are plain posts
//! (the page they come back to says what was done). 新增监管用户 and a
//! user's 重置密码 are islands: their answer is a one-time password, shown
//! in place and never carried through the address or a cookie.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::admin::{
    list_regulators, CreateRegulator, RegulatorRow, ResetRegulatorPassword, SetRegulatorActive,
    UnlockRegulator,
};
use crate::api::site::region_choices;
use crate::components::field::{ErrorSummary, FormState, TextField};
use crate::components::help::HelpTip;
use crate::components::layout::{refusal, ErrorNotice};
use crate::components::region_picker::RegionPicker;
use crate::components::{plain_post_error, HydrationMarker};
use crate::domain::account::{check_new_staff, NewStaffField as F, STAFF_REGION_MISSING};
use crate::domain::help::manual;
use crate::domain::region::RegionLists;
use crate::domain::FieldErrors;
use crate::error::AppError;

/// `/admin/users`: the regulator users and the form that adds one.
#[cfg(whole_pages)]
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    // A plain post that failed came back with its error in the address
    // (the islands' posts too, when sent before the page was live). 创建用户's
    // is its form's, which a later try there replaces.
    let failed = plain_post_error::<SetRegulatorActive>()
        .or_else(plain_post_error::<UnlockRegulator>)
        .or_else(plain_post_error::<ResetRegulatorPassword>);
    let create_failed = plain_post_error::<CreateRegulator>();
    // What a refused 创建用户 post had typed (`create_regulator`).
    let typed = use_query_map().with_untracked(|q| {
        let get = |k: &str| q.get(k).unwrap_or_default();
        (
            get(F::Login.name()),
            get(F::DisplayName.name()),
            get(F::RegionCode.name()),
        )
    });
    let (login, display_name, region) = typed;
    let users = Resource::new(|| (), |_| list_regulators());
    let regions = Resource::new(move || region.clone(), region_choices);
    view! {
        <Title text="用户管理 - 危化品经营安全监管系统" />
        <h1>"用户管理 " <HelpTip link=manual::USERS topic="用户管理" /></h1>
        {refusal(failed)}
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || {
                let (login, display_name) = (login.clone(), display_name.clone());
                let failed = create_failed.clone();
                Suspend::new(async move {
                match (users.await, regions.await) {
                    (Ok(list), Ok(choices)) => Either::Left(view! {
                        {users_table(list)}
                        // Only an administrator gets here (the list is theirs alone).
                        <NewRegulatorForm choices login display_name failed />
                        <HydrationMarker />
                    }),
                    (Err(e), _) | (_, Err(e)) => Either::Right(view! {
                        <ErrorNotice error=e />
                        <HydrationMarker />
                    }),
                }
                })
            }}
        </Suspense>
    }
}

#[cfg(whole_pages)]
fn users_table(list: Vec<RegulatorRow>) -> impl IntoView {
    view! {
        <table class="users">
            <thead><tr><th>"用户名"</th><th>"姓名"</th><th>"所属单位"</th><th>"状态"</th><th></th></tr></thead>
            <tbody>
                {list.into_iter().map(|u| {
                    let state = match (u.active, u.locked, u.must_change_password) {
                        (false, _, _) => "已停用",
                        (true, true, _) => "已锁定(密码连续输错)",
                        (true, false, true) => "正常(待本人设置密码)",
                        (true, false, false) => "正常",
                    };
                    let active = u.active;
                    view! {
                        <tr class:disabled=!active>
                            <td class="login">{u.login.clone()}</td>
                            <td>{u.display_name.clone()}</td>
                            <td>{u.organization.clone()}</td>
                            <td>{state}</td>
                            <td class="actions">{user_actions(u)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// 解锁 and 停用/启用 (plain posts) and 重置密码 (an island) of one user.
#[cfg(whole_pages)]
fn user_actions(u: RegulatorRow) -> impl IntoView {
    let (id, login) = (u.user_id, u.login);
    let toggle = if u.active { "停用" } else { "启用" };
    view! {
        {u.locked.then(|| view! {
            <form action=UnlockRegulator::url() method="post" class="inline-form">
                <input type="hidden" name="user_id" value=id />
                <button type="submit" class="button link" aria-label=format!("解锁 {login}")>"解锁"</button>
            </form>
        })}
        <ResetRegulator user_id=id login=login.clone() />
        <form action=SetRegulatorActive::url() method="post" class="inline-form">
            <input type="hidden" name="user_id" value=id />
            <input type="hidden" name="active" value=(!u.active).to_string() />
            <button type="submit" class="button link" aria-label=format!("{toggle} {login}")>{toggle}</button>
        </form>
    }
}

/// What to do once a one-time password is shown: this page is the only
/// place it is, and the list shows the change once loaded again.
const NOTE_IT_DOWN: &str = "离开或刷新本页后不再显示,请先记下。记下后点击 ";

/// A server function's answer shown in place: the one-time password (and
/// how to see the list as it now is), or why not.
fn answer(result: Option<Result<String, AppError>>) -> impl IntoView {
    result.map(|r| match r {
        Ok(m) => Either::Left(view! {
            <div class="notice success">
                <p role="status">{m}</p>
                <p>{NOTE_IT_DOWN} <a class="button" href="/admin/users">"刷新列表"</a> ",列表即显示最新状态。"</p>
            </div>
        }),
        Err(e) => Either::Right(refusal(Some(e))),
    })
}

/// 重置密码 of user `user_id`: the temporary password is shown here, once.
#[cfg(any(whole_pages, island = "ResetRegulator"))]
#[cfg_attr(island = "ResetRegulator", island)]
#[cfg_attr(not(island = "ResetRegulator"), component)]
fn ResetRegulator(user_id: i64, login: String) -> impl IntoView {
    let reset = ServerAction::<ResetRegulatorPassword>::new();
    view! {
        <form action=ResetRegulatorPassword::url() method="post" class="inline-form" on:submit=move |ev: SubmitEvent| {
            ev.prevent_default();
            reset.dispatch(ResetRegulatorPassword { user_id });
        }>
            <input type="hidden" name="user_id" value=user_id />
            <button type="submit" class="button link" aria-label=format!("重置密码 {login}") disabled=move || reset.pending().get()>"重置密码"</button>
        </form>
        // Only answers to this page's clicks (the server could see a plain
        // post's error in the address, the island could not: the page says it).
        {move || (reset.version().get() > 0).then(|| answer(reset.value().get()))}
    }
}

fn check_new_user(login: &str, name: &str, region: &str) -> FieldErrors {
    let mut e = FieldErrors::new();
    check_new_staff(login, name, &mut e);
    if region.len() != 6 {
        e.add(F::RegionCode, STAFF_REGION_MISSING);
    }
    e
}

/// 新增监管用户: checked before sending; the initial password is shown here,
/// once, and the list shows the new user after 刷新列表. It starts from what
/// a refused plain post had typed (`login`, `display_name`, and the region
/// `choices` are for), and why it was refused (`failed`).
#[cfg(any(whole_pages, island = "NewRegulatorForm"))]
#[cfg_attr(island = "NewRegulatorForm", island)]
#[cfg_attr(not(island = "NewRegulatorForm"), component)]
fn NewRegulatorForm(
    choices: RegionLists,
    login: String,
    display_name: String,
    failed: Option<AppError>,
) -> impl IntoView {
    let create = ServerAction::<CreateRegulator>::new();
    // A code the lists know (none is chosen for any other).
    let known = !choices.province.is_empty();
    let region = RwSignal::new(if known {
        choices.code.clone()
    } else {
        String::new()
    });
    let login = RwSignal::new(login);
    let name = RwSignal::new(display_name);
    let check = Callback::new(move |_| {
        check_new_user(
            &login.get_untracked(),
            &name.get_untracked(),
            &region.get_untracked(),
        )
    });
    let form = FormState::for_island(create, failed);
    // Ready for the next user once this one is created; the address no
    // longer names an earlier refusal or what it had typed (a later plain
    // post on this page goes back to it).
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            login.set(String::new());
            name.set(String::new());
            #[cfg(feature = "hydrate")]
            if let (Ok(h), Ok(path)) = (window().history(), window().location().pathname()) {
                let _ =
                    h.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&path));
            }
        }
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
    // The new user's password (a refusal is said at the form's fields).
    let created = move || {
        let done = create.value().get().filter(|_| create.version().get() > 0);
        answer(done.filter(Result::is_ok))
    };
    view! {
        <h2>"新增监管用户"</h2>
        {created}
        <form class="form" action=CreateRegulator::url() method="post" novalidate on:submit=on_submit>
            <ErrorSummary form labels=F::LABELS.to_vec() />
            <TextField field=F::Login value=login form check maxlength=32 autocomplete="off" hint="3–32位字母、数字、“-”或“_”。" />
            <TextField field=F::DisplayName value=name form check maxlength=50 />
            <RegionPicker value=region form check choices=RwSignal::new(choices) />
            <p class="field-hint">"所属单位按所选地区自动确定:选到省为应急管理厅,选到市或区县为该级应急管理局。"</p>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || create.pending().get()>"创建用户"</button>
            </div>
        </form>
    }
}
