//! 储存单元 with their 重大危险源辨识 (GB 18218-2018), worked out as the
//! user types: every substance's q, Q, q/Q and where Q came from, then S,
//! and the grade when S ≥ 1. The same `domain::major_hazard` rule runs
//! again on the server when the step is saved.

use leptos::prelude::*;

use super::field::{
    aria_describedby_at, aria_invalid_at, bind_checked, bind_typed, message_at, FormState,
};
use crate::domain::enterprise_info::Answer;
use crate::domain::major_hazard::{
    overall, standard_at, HazardClass, Identification, InputError, QuantityUnit, StorageUnit,
    StoredSubstance, TABLE_1, USUAL_CLASS,
};
use crate::domain::record_field::{RecordField, SubstanceField, UnitField};
use crate::domain::FieldErrors;

const NAMES_LIST: &str = "gb18218-names";

fn identify_all(units: &[StorageUnit]) -> Vec<Result<Identification, Vec<InputError>>> {
    let standard = standard_at(crate::clock::today());
    units.iter().map(|u| u.identify(standard)).collect()
}

/// Whether the units, all complete, make a major hazard source.
fn computed(results: &[Result<Identification, Vec<InputError>>]) -> Option<bool> {
    if results.is_empty() {
        return None;
    }
    let ok: Option<Vec<Identification>> =
        results.iter().map(|r| r.as_ref().ok().cloned()).collect();
    ok.map(|all| overall(&all).0)
}

/// After a row or unit is removed the others move up: every message shown
/// for a unit is checked again, so none stays at the wrong row.
fn refresh_units(form: FormState, check: Callback<(), FieldErrors>) {
    let all = check.run(());
    let shown: Vec<String> = form.errors.with_untracked(|e| {
        e.iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| RecordField::parse(k).is_some_and(RecordField::is_storage_unit))
            .collect()
    });
    for k in shown {
        form.refresh(&k, &all);
    }
}

/// The names GB 18218-2018 lists (and those with a usual class), offered
/// as a 品名 is typed. Rendered by the server once on the page, outside the
/// island, which refers to it by id (its code is not in the bundle: issue 13).
#[component]
pub fn Gb18218Names() -> impl IntoView {
    view! {
        <datalist id=NAMES_LIST>
            {TABLE_1
                .iter()
                .flat_map(|r| std::iter::once(r.name).chain(r.aliases.iter().copied()))
                .chain(USUAL_CLASS.iter().flat_map(|(n, a, _)| std::iter::once(*n).chain(a.iter().copied())))
                .map(|n| view! { <option value=n></option> })
                .collect_view()}
        </datalist>
    }
}

/// The storage units' editor; the page puts [`Gb18218Names`] next to it.
#[component]
pub fn StorageUnits(
    units: RwSignal<Vec<StorageUnit>>,
    /// The step's 重大危险源 answer: follows the computation whenever it
    /// changes, unless a report number backs a different answer.
    major_hazard: RwSignal<String>,
    report: RwSignal<String>,
    form: FormState,
    check: Callback<(), FieldErrors>,
) -> impl IntoView {
    let results = Memo::new(move |_| units.with(|us| identify_all(us)));
    // The answer follows the arithmetic when it changes (not when the page
    // opens: a saved answer, perhaps backed by a report, stays as it is).
    Effect::new(move |prev: Option<Option<bool>>| {
        let now = results.with(|r| computed(r));
        let backed = !report.with_untracked(|r| r.trim().is_empty());
        if let (Some(before), Some(major), false) = (prev, now, backed) {
            if before != now {
                major_hazard.set(Answer::of(major).code().to_string());
                let all = untrack(|| check.run(()));
                form.refresh("major_hazard", &all);
                // A shown 经营方式 message may change with the answer; an
                // untouched field is not marked yet.
                if form.message("business_mode").is_some() {
                    form.refresh("business_mode", &all);
                }
            }
        }
        now
    });
    let count = Memo::new(move |_| units.with(Vec::len));
    let add_unit = move |_| {
        units.update(|us| {
            us.push(StorageUnit {
                substances: vec![StoredSubstance::default()],
                ..StorageUnit::default()
            })
        })
    };
    view! {
        <section class="storage-units" aria-labelledby="storage-units-h">
            <h3 id="storage-units-h">"储存单元与重大危险源辨识(GB 18218-2018)"</h3>
            <p class="form-intro">
                "每个罐区(以防火堤为界)或每栋仓库是一个储存单元。填写每个单元储存的危险化学品及其"
                <strong>"设计最大储存量"</strong>
                ",系统按 GB 18218-2018 计算是否构成重大危险源,并自动回答上面的问题。"
            </p>
            {message_at(form, "storage_units".into())}
            // Re-rendered when a unit is added or removed, not on every keystroke
            // (which would take the focus out of the field being typed in).
            {move || {
                let n = count.get();
                (0..n).map(|u| view! { <UnitCard units results form check u /> }).collect_view()
            }}
            <p>
                <button type="button" class="button" on:click=add_unit>"新增储存单元"</button>
            </p>
            {move || {
                results.with(|r| {
                    computed(r).map(|major| {
                        let text = if major {
                            let all: Vec<Identification> = r.iter().filter_map(|x| x.as_ref().ok().cloned()).collect();
                            let grade = overall(&all).1.map(|g| g.label()).unwrap_or_default();
                            format!("按储存单元计算:构成重大危险源({grade})。")
                        } else {
                            "按储存单元计算:不构成重大危险源。".to_string()
                        };
                        view! { <p class="hazard-overall" role="status">{text}</p> }
                    })
                })
            }}
        </section>
    }
}

#[component]
fn UnitCard(
    units: RwSignal<Vec<StorageUnit>>,
    results: Memo<Vec<Result<Identification, Vec<InputError>>>>,
    form: FormState,
    check: Callback<(), FieldErrors>,
    u: usize,
) -> impl IntoView {
    let key = move |field| RecordField::Unit(u, field).to_string();
    let refresh = move |field| {
        let key = key(field);
        form.touch(&key);
        form.refresh(&key, &check.run(()));
    };
    let text_input = {
        move |field: UnitField, label: &'static str, placeholder: &'static str| {
            let id = format!("f-{}", key(field));
            let get = move || {
                units.with(|us| {
                    us.get(u)
                        .map(|x| {
                            if field == UnitField::Name {
                                x.name.clone()
                            } else {
                                x.exposed.clone()
                            }
                        })
                        .unwrap_or_default()
                })
            };
            let set = move |v: String| {
                units.update(|us| {
                    if let Some(x) = us.get_mut(u) {
                        if field == UnitField::Name {
                            x.name = v
                        } else {
                            x.exposed = v
                        }
                    }
                })
            };
            let (node, initial) = bind_typed::<leptos::html::Input>(get, set);
            let key = key(field);
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    <input
                        id=id
                        node_ref=node
                        value=initial
                        placeholder=placeholder
                        aria-invalid=aria_invalid_at(form, key.clone())
                        aria-describedby=aria_describedby_at(form, key.clone())
                        on:input=move |ev| set(event_target_value(&ev))
                        on:change=move |_| refresh(field)
                    />
                    {message_at(form, key)}
                </div>
            }
        }
    };
    let rows = Memo::new(move |_| units.with(|us| us.get(u).map_or(0, |x| x.substances.len())));
    view! {
        <fieldset class="storage-unit" id=format!("f-{}", RecordField::StorageUnit(u))>
            <legend>{format!("储存单元 {}", u + 1)}</legend>
            {text_input(UnitField::Name, "单元名称", "如 1号仓库、储罐区")}
            {text_input(UnitField::Exposed, "厂区边界外可能暴露人员数量", "估算人数,没有填 0")}
            <table class="substances" aria-describedby=aria_describedby_at(form, key(UnitField::Substances))>
                <caption>"储存的危险化学品"</caption>
                <thead>
                    <tr>
                        <th scope="col">"品名"</th>
                        <th scope="col">"CAS号"</th>
                        <th scope="col">"危险性类别(表1未列明时)"</th>
                        <th scope="col">"设计最大储存量"</th>
                        <th scope="col">"单位"</th>
                        <th scope="col">"密度(吨/立方米)"</th>
                        <th scope="col"><span class="sr-only">"操作"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {move || (0..rows.get()).map(|i| view! { <SubstanceRow units form check u i /> }).collect_view()}
                </tbody>
            </table>
            {message_at(form, key(UnitField::Substances))}
            <p>
                <button type="button" class="button" on:click=move |_| units.update(|us| {
                    if let Some(x) = us.get_mut(u) { x.substances.push(StoredSubstance::default()) }
                })>"新增危险化学品"</button>
                " "
                <button type="button" class="button link" on:click=move |_| {
                    units.update(|us| if u < us.len() { us.remove(u); });
                    refresh_units(form, check);
                }>{format!("删除储存单元{}", u + 1)}</button>
            </p>
            {move || results.with(|r| r.get(u).and_then(|x| x.as_ref().ok().cloned())).map(|id| view! { <Arithmetic id /> })}
        </fieldset>
    }
}

#[component]
fn SubstanceRow(
    units: RwSignal<Vec<StorageUnit>>,
    form: FormState,
    check: Callback<(), FieldErrors>,
    u: usize,
    i: usize,
) -> impl IntoView {
    let key = move |f| RecordField::Unit(u, UnitField::Substance(i, f)).to_string();
    let get = move |f: fn(&StoredSubstance) -> String| {
        move || {
            units.with(|us| {
                us.get(u)
                    .and_then(|x| x.substances.get(i))
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    let update = move |f: fn(&mut StoredSubstance, String), v: String| {
        units.update(|us| {
            if let Some(s) = us.get_mut(u).and_then(|x| x.substances.get_mut(i)) {
                f(s, v)
            }
        })
    };
    let refresh = move |f| {
        let k = key(f);
        form.touch(&k);
        form.refresh(&k, &check.run(()));
    };
    // Each control shows its value before the island is live and keeps
    // what was typed by then (`bind_typed`).
    let bind = move |g: fn(&StoredSubstance) -> String, f: fn(&mut StoredSubstance, String)| {
        bind_typed::<leptos::html::Input>(get(g), move |v| update(f, v))
    };
    let set_unit = |s: &mut StoredSubstance, v: String| {
        s.unit = QuantityUnit::from_code(&v).unwrap_or_default()
    };
    let (unit_node, unit0) =
        bind_typed::<leptos::html::Select>(get(|s| s.unit.code().to_string()), move |v| {
            update(set_unit, v)
        });
    let is_volume = move || {
        units.with(|us| {
            us.get(u)
                .and_then(|x| x.substances.get(i))
                .is_some_and(|s| s.unit == QuantityUnit::CubicMetre)
        })
    };
    // Each input says when it is invalid and which message explains it.
    let invalid = move |f| aria_invalid_at(form, key(f));
    let described = move |f| aria_describedby_at(form, key(f));
    let n = i + 1;
    // The four text cells are one view (one element type in the bundle,
    // not four: issue 13), told apart by their `TextCell`.
    let text_cell = move |c: TextCell, disabled: Signal<bool>| {
        let (node, initial) = bind(c.get, c.set);
        let id = format!("f-{}", key(c.field));
        view! {
            <td>
                <label class="sr-only" for=id.clone()>{format!("{} {n}", c.label)}</label>
                <input id=id list=c.list inputmode=c.inputmode placeholder=c.placeholder node_ref=node value=initial
                    aria-invalid=invalid(c.field) aria-describedby=described(c.field)
                    disabled=move || disabled.get()
                    on:input=move |ev| update(c.set, event_target_value(&ev))
                    on:change=move |_| {
                        refresh(c.field);
                        if let Some(other) = c.also {
                            refresh(other);
                        }
                    } />
                {message_at(form, key(c.field))}
            </td>
        }
    };
    let always_enabled = Signal::stored(false);
    let unit_key = key(SubstanceField::Unit);
    view! {
        <tr>
            {text_cell(TextCell {
                field: SubstanceField::Name,
                label: "品名",
                get: |s| s.name.clone(),
                set: |s, v| s.name = v,
                placeholder: Some("如 汽油"),
                list: Some(NAMES_LIST),
                inputmode: None,
                also: Some(SubstanceField::Classes),
            }, always_enabled)}
            {text_cell(TextCell {
                field: SubstanceField::Cas,
                label: "CAS号",
                get: |s| s.cas.clone(),
                set: |s, v| s.cas = v,
                placeholder: Some("如 67-56-1"),
                list: None,
                inputmode: None,
                also: Some(SubstanceField::Classes),
            }, always_enabled)}
            <td>
                <ClassPicker units form u i on_change=Callback::new(move |_| refresh(SubstanceField::Classes)) />
                {message_at(form, key(SubstanceField::Classes))}
            </td>
            {text_cell(TextCell {
                field: SubstanceField::Amount,
                label: "设计最大储存量",
                get: |s| s.amount.clone(),
                set: |s, v| s.amount = v,
                placeholder: None,
                list: None,
                inputmode: Some("decimal"),
                also: None,
            }, always_enabled)}
            <td>
                <label class="sr-only" for=format!("f-{unit_key}")>{format!("单位 {n}")}</label>
                <select id=format!("f-{unit_key}") node_ref=unit_node
                    on:change=move |ev| {
                        update(set_unit, event_target_value(&ev));
                        refresh(SubstanceField::Amount);
                        // The density is asked for when its own field is
                        // left empty, not the moment 立方米 is picked (a
                        // message that comes and goes moves the buttons
                        // below under the pointer); one shown is cleared.
                        if form.message(&key(SubstanceField::Density)).is_some() {
                            refresh(SubstanceField::Density);
                        }
                    }>
                    {QuantityUnit::ALL.iter().map(|q| view! { <option value=q.code() selected=q.code() == unit0>{q.label()}</option> }).collect_view()}
                </select>
                {message_at(form, unit_key.clone())}
            </td>
            {text_cell(TextCell {
                field: SubstanceField::Density,
                label: "密度",
                get: |s| s.density.clone(),
                set: |s, v| s.density = v,
                placeholder: Some("按立方米填写时"),
                list: None,
                inputmode: Some("decimal"),
                also: None,
            }, Signal::derive(move || !is_volume()))}
            <td>
                <button type="button" class="button link" on:click=move |_| {
                    units.update(|us| if let Some(x) = us.get_mut(u) { if i < x.substances.len() { x.substances.remove(i); } });
                    refresh_units(form, check);
                } aria-label=format!("删除储存单元{}第{n}行", u + 1)>"删除"</button>
            </td>
        </tr>
    }
}

/// What tells one text cell of a substance row from another.
#[derive(Clone, Copy)]
struct TextCell {
    field: SubstanceField,
    /// Its label (with the row number, for screen readers).
    label: &'static str,
    get: fn(&StoredSubstance) -> String,
    set: fn(&mut StoredSubstance, String),
    placeholder: Option<&'static str>,
    /// The suggestions it offers.
    list: Option<&'static str>,
    inputmode: Option<&'static str>,
    /// A field whose message may change with this one's value.
    also: Option<SubstanceField>,
}

/// The Table 2 classes of one substance, several at once: a tick per class
/// in a disclosure (closed, it shows what is ticked). The ticks are
/// server-rendered from the stored list ("J2,W5.3"), so a page shows them
/// before it is live; a tick rewrites the list without re-rendering the row.
#[component]
fn ClassPicker(
    units: RwSignal<Vec<StorageUnit>>,
    form: FormState,
    u: usize,
    i: usize,
    /// After a tick: the row's messages are checked again.
    on_change: Callback<()>,
) -> impl IntoView {
    let key = RecordField::Unit(u, UnitField::Substance(i, SubstanceField::Classes)).to_string();
    let n = i + 1;
    // Only a change of this row's classes reaches the 24 ticks.
    let classes = Memo::new(move |_| {
        units.with(|us| {
            us.get(u)
                .and_then(|x| x.substances.get(i))
                .map(|s| s.classes.clone())
                .unwrap_or_default()
        })
    });
    let shown = move || {
        let ticked: Vec<&str> = classes.with(|list| {
            HazardClass::ALL
                .into_iter()
                .filter(|c| c.listed_in(list))
                .map(HazardClass::code)
                .collect()
        });
        if ticked.is_empty() {
            "未选择(表1已列明的不必选)".to_string()
        } else {
            ticked.join("、")
        }
    };
    let invalid = aria_invalid_at(form, key.clone());
    let marked = {
        let invalid = invalid.clone();
        move || invalid().is_some()
    };
    let described = aria_describedby_at(form, key.clone());
    view! {
        <details class="class-picker" id=format!("f-{key}")>
            <summary aria-describedby=described.clone()>
                <span class="sr-only">{format!("危险性类别 {n}:")}</span>
                {shown}
            </summary>
            <fieldset class="field yes-no" class:invalid=marked aria-describedby=described>
                <legend>{format!("危险性类别 {n}(可多选)")}</legend>
                {HazardClass::ALL
                    .into_iter()
                    .map(|c| {
                        let invalid = invalid.clone();
                        let tick = move |on: bool| {
                            units.update(|us| {
                                if let Some(s) = us.get_mut(u).and_then(|x| x.substances.get_mut(i)) {
                                    s.classes = c.toggled_in(&s.classes, on);
                                }
                            });
                            on_change.run(());
                        };
                        let (node, on0) = bind_checked(move || classes.with(|list| c.listed_in(list)), tick);
                        view! {
                            <label>
                                <input
                                    type="checkbox"
                                    value=c.code()
                                    node_ref=node
                                    checked=on0
                                    aria-invalid=invalid
                                    on:change=move |ev| tick(event_target_checked(&ev))
                                />
                                {format!("{} {}", c.code(), c.description())}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
        </details>
    }
}

/// The unit's arithmetic, line by line, as a regulator would check it.
#[component]
pub fn Arithmetic(id: Identification) -> impl IntoView {
    let summary = id.summary();
    let alpha = id.alpha_text();
    view! {
        <table class="hazard-arithmetic">
            <caption>"辨识计算"</caption>
            <thead>
                <tr>
                    <th scope="col">"危险化学品"</th>
                    <th scope="col">"q(吨)"</th>
                    <th scope="col">"临界量 Q(吨)"</th>
                    <th scope="col">"q/Q"</th>
                    <th scope="col">"Q 的依据"</th>
                    <th scope="col">"校正系数 β"</th>
                </tr>
            </thead>
            <tbody>
                {id.shares.iter().map(|s| view! {
                    <tr>
                        <td>{s.name.clone()}</td>
                        <td>{s.q_text()}</td>
                        <td>{s.threshold_text()}</td>
                        <td>{s.ratio_text()}</td>
                        <td>{s.source.text()}</td>
                        <td>{format!("{}({})", s.beta_text(), s.beta_source)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p class="hazard-result" role="status">{summary} {id.grade.map(|_| format!("(α = {alpha})"))}</p>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    /// The rendered tag of the control with id `id`.
    fn tag<'a>(html: &'a str, id: &str) -> &'a str {
        let at = html
            .find(&format!(r#"id="{id}""#))
            .unwrap_or_else(|| panic!("no {id} in {html}"));
        let start = html[..at].rfind('<').unwrap_or(0);
        let end = at + html[at..].find('>').unwrap_or(0);
        &html[start..=end]
    }

    #[test]
    fn an_input_with_a_message_is_marked_invalid_and_described_by_it() {
        let owner = Owner::new();
        owner.set();
        let units = RwSignal::new(vec![StorageUnit {
            name: "1号仓库".into(),
            exposed: "10".into(),
            substances: vec![StoredSubstance {
                name: "某溶剂".into(),
                amount: "5吨".into(),
                ..StoredSubstance::default()
            }],
        }]);
        let form = FormState::new(FieldErrors::new(), None);
        for k in ["amount", "classes"] {
            form.errors
                .update(|e| e.add(format!("storage_units.0.substances.0.{k}"), "请修改"));
        }
        form.errors
            .update(|e| e.add("storage_units.0.exposed", "请填写人数"));
        let html = view! {
            <StorageUnits
                units
                major_hazard=RwSignal::new(String::new())
                report=RwSignal::new(String::new())
                form
                check=Callback::new(|_| FieldErrors::new())
            />
        }
        .to_html();
        for key in [
            "storage_units.0.substances.0.amount",
            "storage_units.0.exposed",
        ] {
            let input = tag(&html, &format!("f-{key}"));
            assert!(input.contains(r#"aria-invalid="true""#), "{input}");
            assert!(
                input.contains(&format!(r#"aria-describedby="f-{key}-msg""#)),
                "{input}"
            );
            assert!(html.contains(&format!(r#"id="f-{key}-msg""#)), "{key}");
        }
        // The class picker: its summary and group point at the message, each tick is marked.
        let summary = &html[html.find("<summary").unwrap_or(0)..];
        assert!(
            summary.starts_with(
                r#"<summary aria-describedby="f-storage_units.0.substances.0.classes-msg""#
            ),
            "{summary}"
        );
        assert!(html.contains(r#"value="J2" aria-invalid="true""#), "{html}");
        // Fields without a message carry neither attribute.
        for key in ["storage_units.0.name", "storage_units.0.substances.0.name"] {
            let input = tag(&html, &format!("f-{key}"));
            assert!(
                !input.contains("aria-invalid") && !input.contains("aria-describedby"),
                "{input}"
            );
        }
    }
}
