//! 所属地区: province → city → county, each list from the server's GB/T 2260 data.
//!
//! Without JavaScript the form still works: each submit stores the most
//! specific level chosen and the page comes back with the next level's list.

use leptos::prelude::*;

use super::field::{FieldMessage, FormState};
use crate::api::site::regions;
use crate::domain::FieldErrors;

/// The province and city codes containing a county or city code.
fn ancestors(code: &str) -> (String, String) {
    if code.len() != 6 {
        return (String::new(), String::new());
    }
    let province = format!("{}0000", &code[..2]);
    let city = if code.ends_with("0000") {
        String::new()
    } else {
        format!("{}00", &code[..4])
    };
    (province, city)
}

#[component]
pub fn RegionPicker(
    /// The most specific code chosen (a county code when complete).
    value: RwSignal<String>,
    form: FormState,
    check: Callback<(), FieldErrors>,
) -> impl IntoView {
    let (p0, c0) = ancestors(&value.get_untracked());
    let province = RwSignal::new(p0);
    let city = RwSignal::new(c0);
    let provinces = Resource::new(String::new, regions);
    let cities = Resource::new(
        move || province.get(),
        |p| async move {
            if p.is_empty() {
                Ok(vec![])
            } else {
                regions(p).await
            }
        },
    );
    let counties = Resource::new(
        move || city.get(),
        |c| async move {
            if c.is_empty() {
                Ok(vec![])
            } else {
                regions(c).await
            }
        },
    );
    let has_error = move || form.message("region_code").is_some();
    let after_change = move || {
        form.touch("region_code");
        form.refresh("region_code", &check.run(()));
    };
    let select = move |name: &'static str,
                       label: &'static str,
                       list: Resource<Result<Vec<(String, String)>, crate::error::AppError>>,
                       selected: Signal<String>,
                       on_pick: Callback<String>| {
        // What the select shows is always the signal (`prop:value`): a
        // browser keeps a select's old choice by position when only its
        // options are replaced, which showed a city or county nobody picked.
        let node = NodeRef::<leptos::html::Select>::new();
        view! {
            <select
                id=format!("f-{name}")
                name=name
                aria-label=label
                node_ref=node
                prop:value=move || selected.get()
                aria-invalid=move || has_error().then_some("true")
                aria-describedby=move || has_error().then_some("f-region_code-msg")
                on:change=move |ev| on_pick.run(event_target_value(&ev))
            >
                <option value="">{format!("请选择{label}")}</option>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let options = list.await.unwrap_or_default();
                        // Options are patched in place when a list replaces
                        // another; once they are, the choice is set again.
                        #[cfg(feature = "hydrate")]
                        request_animation_frame(move || {
                            if let (Some(el), Some(v)) = (node.get_untracked(), selected.try_get_untracked()) {
                                el.set_value(&v);
                            }
                        });
                        options
                            .into_iter()
                            .map(|(code, text)| {
                                let chosen = selected.get_untracked() == code;
                                view! { <option value=code selected=chosen>{text}</option> }
                            })
                            .collect_view()
                    })}
                </Suspense>
            </select>
        }
    };
    view! {
        <fieldset id="f-region_code" class="field region" class:invalid=has_error>
            <legend>"所属地区"</legend>
            <div class="region-selects">
                {select(
                    "region_province",
                    "省份",
                    provinces,
                    province.into(),
                    Callback::new(move |code: String| {
                        province.set(code.clone());
                        city.set(String::new());
                        value.set(code);
                        after_change();
                    }),
                )}
                {select(
                    "region_city",
                    "城市",
                    cities,
                    city.into(),
                    Callback::new(move |code: String| {
                        city.set(code.clone());
                        value.set(if code.is_empty() { province.get_untracked() } else { code });
                        after_change();
                    }),
                )}
                {select(
                    "region_county",
                    "区县",
                    counties,
                    // Only a county code is a county choice (a city code means none yet).
                    Signal::derive(move || {
                        let v = value.get();
                        if v.len() == 6 && !v.ends_with("00") { v } else { String::new() }
                    }),
                    Callback::new(move |code: String| {
                        value.set(if code.is_empty() { city.get_untracked() } else { code });
                        after_change();
                    }),
                )}
            </div>
            <FieldMessage name="region_code" form />
            <p class="field-hint">"企业住所所在的区县;监管部门按此确定属地管辖。"</p>
        </fieldset>
    }
}
