//! 所属地区: province → city → county, each list from the server's GB/T 2260 data.
//!
//! Without JavaScript the form still works: each submit stores the most
//! specific level chosen and the page comes back with the next level's list.

use leptos::prelude::*;

use super::field::{keep_typed, FieldMessage, FormState};
use crate::api::site::{region_choices, regions};
use crate::domain::region::RegionLists;
use crate::domain::FieldErrors;

type List = Vec<(String, String)>;

/// Fetches `parent`'s children and stores them with `put`, unless the choice
/// moved on meanwhile (`put` decides, seeing the lists as they are then).
fn load(parent: String, choices: RwSignal<RegionLists>, put: fn(&mut RegionLists, &str, List)) {
    if parent.is_empty() {
        return;
    }
    leptos::task::spawn_local(async move {
        if let Ok(list) = regions(parent.clone()).await {
            choices.update(|c| put(c, &parent, list));
        }
    });
}

/// The picker. Its lists come from the island that shows it (`choices`,
/// loaded with the page's data): an island creates no resource of its own
/// below its top, where the server could not number it for hydration.
#[component]
pub fn RegionPicker(
    /// The most specific code chosen (a county code when complete).
    value: RwSignal<String>,
    form: FormState,
    check: Callback<(), FieldErrors>,
    /// The lists shown, for `value` (fetched again when they are not).
    choices: RwSignal<RegionLists>,
) -> impl IntoView {
    // Lists made for another code (a form kept its choice while the page
    // reloaded its data) are fetched again for this one, in the browser.
    Effect::new(move || {
        let code = value.get_untracked();
        if choices.with_untracked(|c| c.code != code) {
            leptos::task::spawn_local(async move {
                if let Ok(c) = region_choices(code).await {
                    choices.set(c);
                }
            });
        }
    });
    let has_error = move || form.message("region_code").is_some();
    // A choice made before the island was live is taken at the highest
    // level that changed (the selects are bound in order, province first):
    // the lower ones still show the children of the old choice.
    let taken = StoredValue::new(false);
    let after_change = move |code: String| {
        choices.update(|c| c.code = code.clone());
        value.set(code);
        form.touch("region_code");
        form.refresh("region_code", &check.run(()));
    };
    let select = move |name: &'static str,
                       label: &'static str,
                       list: fn(&RegionLists) -> &List,
                       selected: Signal<String>,
                       on_pick: Callback<String>| {
        // What the select shows is always the signal (`keep_typed`, which
        // also keeps a choice made before the island was live): a browser
        // keeps a select's old choice by position when only its options
        // are replaced, which showed a city or county nobody picked.
        let node = NodeRef::<leptos::html::Select>::new();
        keep_typed(
            node,
            move || selected.get(),
            move |v| {
                if !taken.get_value() {
                    taken.set_value(true);
                    on_pick.run(v);
                }
            },
        );
        let options = move || {
            let options = choices.with(|c| list(c).clone());
            // Options are patched in place when a list replaces another;
            // once they are, the choice is set again.
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
        };
        view! {
            <select
                id=format!("f-{name}")
                name=name
                aria-label=label
                node_ref=node
                aria-invalid=move || has_error().then_some("true")
                aria-describedby=move || has_error().then_some("f-region_code-msg")
                on:change=move |ev| on_pick.run(event_target_value(&ev))
            >
                <option value="">{format!("请选择{label}")}</option>
                {options}
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
                    |c| &c.provinces,
                    Signal::derive(move || choices.with(|c| c.province.clone())),
                    Callback::new(move |code: String| {
                        choices.update(|c| {
                            c.province = code.clone();
                            c.city.clear();
                            c.cities.clear();
                            c.counties.clear();
                        });
                        load(code.clone(), choices, |c, parent, list| {
                            if c.province == parent {
                                c.cities = list;
                            }
                        });
                        after_change(code);
                    }),
                )}
                {select(
                    "region_city",
                    "城市",
                    |c| &c.cities,
                    Signal::derive(move || choices.with(|c| c.city.clone())),
                    Callback::new(move |code: String| {
                        choices.update(|c| {
                            c.city = code.clone();
                            c.counties.clear();
                        });
                        load(code.clone(), choices, |c, parent, list| {
                            if c.city == parent {
                                c.counties = list;
                            }
                        });
                        after_change(if code.is_empty() { choices.with_untracked(|c| c.province.clone()) } else { code });
                    }),
                )}
                {select(
                    "region_county",
                    "区县",
                    |c| &c.counties,
                    // Only a county code is a county choice (a city code means none yet).
                    Signal::derive(move || {
                        let v = value.get();
                        if v.len() == 6 && !v.ends_with("00") { v } else { String::new() }
                    }),
                    Callback::new(move |code: String| {
                        after_change(if code.is_empty() { choices.with_untracked(|c| c.city.clone()) } else { code });
                    }),
                )}
            </div>
            <FieldMessage name="region_code" form />
            <p class="field-hint">"企业住所所在的区县;监管部门按此确定属地管辖。"</p>
        </fieldset>
    }
}
