//! 完善信息's 许可证 step: each licence, its 许可范围 and its certificate scan.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use super::steps::YesNo;
use super::*;

/// A text input bound to one field of licence `i`.
pub(super) fn licence_input(
    fields: Fields,
    form: FormState,
    i: usize,
    field: LicenceField,
    label: &'static str,
    input_type: &'static str,
) -> impl IntoView {
    let name = RecordField::Licence(i, field).to_string();
    let id = format!("f-{name}");
    let get = move || {
        fields
            .licences
            .with(|ls| ls.get(i).and_then(|l| field.text(l).cloned()))
            .unwrap_or_default()
    };
    let set = move |v: String| {
        fields.licences.update(|ls| {
            let Some(l) = ls.get_mut(i) else { return };
            // Validity defaults to three years, the day before the anniversary.
            if field == LicenceField::IssuedOn && l.valid_until.is_empty() {
                if let Some(d) = Date::parse(&v) {
                    l.valid_until = d.add_years(LICENCE_YEARS).add_days(-1).to_string();
                }
            }
            if let Some(text) = field.text_mut(l) {
                *text = v;
            }
        })
    };
    let (node, initial) = bind_typed::<leptos::html::Input>(get, set);
    let msg_key = name.clone();
    let invalid = Memo::new(move |_| form.message(&msg_key).is_some());
    view! {
        <div class="field" class:invalid=move || invalid.get()>
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=name.clone()
                type=input_type
                node_ref=node
                value=initial
                on:input=move |ev| set(event_target_value(&ev))
                aria-invalid=move || invalid.get().then_some("true")
                aria-describedby={
                    let m = format!("{id}-msg");
                    move || invalid.get().then(|| m.clone())
                }
            />
            {message_at(form, name)}
        </div>
    }
}

#[component]
pub(super) fn LicencesStep(
    fields: Fields,
    form: FormState,
    check: Callback<(), FieldErrors>,
) -> impl IntoView {
    let add = move |_| {
        fields.licences.update(|ls| {
            ls.push(LicenceEntry {
                scope: vec![ScopeItem::default()],
                ..LicenceEntry::default()
            })
        })
    };
    let multi = fields.get(Scalar::MultiLicence);
    view! {
        <YesNo name=Scalar::MultiLicence.key() question="是否一企多证(持有多张危险化学品经营许可证)?" value=multi form check />
        {message_at(form, "licences".into())}
        {move || {
            let n = fields.licences.with(Vec::len);
            (0..n)
                .map(|i| view! { <LicenceCard fields form i /> })
                .collect_view()
        }}
        <p>
            <button
                type="button"
                class="button"
                on:click=add
                disabled=move || !multi.with(|m| Answer::Yes.is(m)) && fields.licences.with(|l| !l.is_empty())
            >
                "新增经营许可证"
            </button>
            {move || (!multi.with(|m| Answer::Yes.is(m)) && fields.licences.with(|l| !l.is_empty())).then(|| view! {
                <span class="field-hint">" 有多张许可证时,先将“是否一企多证”选为“是”。"</span>
            })}
        </p>
    }
}

#[component]
fn LicenceCard(fields: Fields, form: FormState, i: usize) -> impl IntoView {
    let mode_key = RecordField::Licence(i, LicenceField::Mode).to_string();
    let mode_id = format!("f-{mode_key}");
    let scope_key = RecordField::Licence(i, LicenceField::Scope).to_string();
    let mode = move || {
        fields
            .licences
            .with(|ls| ls.get(i).map(|l| l.mode.clone()).unwrap_or_default())
    };
    let remove = move |_| {
        fields.licences.update(|ls| {
            if i < ls.len() {
                ls.remove(i);
            }
        })
    };
    let add_item = move |_| {
        fields.licences.update(|ls| {
            if let Some(l) = ls.get_mut(i) {
                l.scope.push(ScopeItem::default());
            }
        })
    };
    let items = move || {
        fields
            .licences
            .with(|ls| ls.get(i).map(|l| l.scope.len()).unwrap_or(0))
    };
    let set_mode = move |v: String| {
        fields.licences.update(|ls| {
            if let Some(l) = ls.get_mut(i) {
                l.mode = v
            }
        })
    };
    let (mode_node, _) = bind_typed::<leptos::html::Select>(mode, set_mode);
    view! {
        <section class="licence-card" aria-label=format!("经营许可证{}", i + 1)>
            <h3>"经营许可证 " {i + 1} " " <button type="button" class="button link" on:click=remove>"删除这张"</button></h3>
            {licence_input(fields, form, i, LicenceField::Number, "许可证编号", "text")}
            {licence_input(fields, form, i, LicenceField::Issuer, "发证机关", "text")}
            {licence_input(fields, form, i, LicenceField::IssuedOn, "发证日期", "date")}
            {licence_input(fields, form, i, LicenceField::ValidUntil, "有效期至(默认发证后3年)", "date")}
            {move || {
                let today = crate::clock::today();
                fields
                    .licences
                    .with(|ls| {
                        ls.get(i).and_then(|l| {
                            Date::parse(&l.valid_until).and_then(|d| expiry_warning(&l.number, d, today))
                        })
                    })
                    .map(|m| view! { <p class="notice warning" role="note">{message_with_help("", Message::explained(m, Faq::LicenceExpiry))}</p> })
            }}
            <div class="field">
                <label for=mode_id.clone()>"许可证上的经营方式"</label>
                <select id=mode_id node_ref=mode_node on:change=move |ev| set_mode(event_target_value(&ev))>
                    <option value="" selected=move || mode().is_empty()>"请选择"</option>
                    {BusinessMode::ALL.iter().map(|m| {
                        let code = m.code();
                        view! { <option value=code selected=move || mode() == code>{m.label()}</option> }
                    }).collect_view()}
                </select>
                {message_at(form, mode_key)}
            </div>
            <fieldset class="scope">
                <legend>"许可范围"</legend>
                {message_at(form, scope_key)}
                {move || (0..items()).map(|j| view! { <ScopeRow fields form i j /> }).collect_view()}
                <button type="button" class="button link" on:click=add_item>"增加一种危险化学品"</button>
            </fieldset>
            {licence_input(fields, form, i, LicenceField::BusinessAddress, "经营地址", "text")}
            {licence_input(fields, form, i, LicenceField::StorageAddress, "储存地址(有储存时必填)", "text")}
            <ScanField fields form i />
        </section>
    }
}

/// The optional certificate scan: checked in the browser (size, type), sent
/// as the raw file, checked again by its content on the server.
#[component]
fn ScanField(fields: Fields, form: FormState, i: usize) -> impl IntoView {
    let key = RecordField::Licence(i, LicenceField::Scan).to_string();
    let id = format!("f-{key}");
    let uploading = RwSignal::new(false);
    // The step's count of scans on their way (the page waits for them).
    Effect::new(move |was: Option<bool>| {
        let now = uploading.get();
        if was.is_some_and(|w| w != now) {
            fields
                .uploads
                .update(|n| *n = if now { *n + 1 } else { n.saturating_sub(1) });
        }
        now
    });
    // A licence removed while its scan is on its way no longer holds the page.
    on_cleanup(move || {
        if uploading.try_get_untracked().unwrap_or(false) {
            fields.uploads.update(|n| *n = n.saturating_sub(1));
        }
    });
    let scan = move || {
        fields.licences.with(|ls| {
            ls.get(i)
                .filter(|l| !l.scan.is_empty())
                .map(|l| (l.scan.clone(), l.scan_name.clone()))
        })
    };
    let on_change = on_scan_chosen(
        form,
        key.clone(),
        "证书扫描件",
        uploading,
        move |id, name| {
            fields.licences.update(|ls| {
                if let Some(l) = ls.get_mut(i) {
                    l.scan = id;
                    l.scan_name = name;
                }
            })
        },
    );
    view! {
        <div class="field">
            <label for=id.clone()>"证书扫描件(选填;PDF、JPG、PNG,不超过5MB)"</label>
            <input
                id=id.clone()
                type="file"
                accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                on:change=on_change
                aria-describedby={
                    let (m, k) = (format!("{id}-msg"), key.clone());
                    move || form.message(&k).is_some().then(|| m.clone())
                }
            />
            {move || uploading.get().then(|| view! { <p class="field-note" role="status">"正在上传……"</p> })}
            {move || scan().map(|(id, name)| view! {
                <p class="field-note" role="status">"已上传:" <a href=format!("/files/{id}") target="_blank" rel="noopener">{name}</a></p>
            })}
            {message_at(form, key)}
        </div>
    }
}

#[component]
fn ScopeRow(fields: Fields, form: FormState, i: usize, j: usize) -> impl IntoView {
    let get = move |f: fn(&ScopeItem) -> String| {
        move || {
            fields.licences.with(|ls| {
                ls.get(i)
                    .and_then(|l| l.scope.get(j))
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    let update = move |f: fn(&mut ScopeItem, String), v: String| {
        fields.licences.update(|ls| {
            if let Some(s) = ls.get_mut(i).and_then(|l| l.scope.get_mut(j)) {
                f(s, v)
            }
        })
    };
    let stored = move || {
        fields.licences.with(|ls| {
            ls.get(i)
                .and_then(|l| l.scope.get(j))
                .is_some_and(|s| s.stored)
        })
    };
    let (name_node, name0) = bind_typed::<leptos::html::Input>(get(|s| s.name.clone()), move |v| {
        update(|s, v| s.name = v, v)
    });
    let (cas_node, cas0) = bind_typed::<leptos::html::Input>(get(|s| s.cas.clone()), move |v| {
        update(|s, v| s.cas = v, v)
    });
    let (stored_node, stored0) = bind_checked(stored, move |on| {
        update(|s, v| s.stored = v == "true", on.to_string())
    });
    let name_key = RecordField::Scope(i, j, ScopeField::Name).to_string();
    let cas_key = RecordField::Scope(i, j, ScopeField::Cas).to_string();
    let name_id = format!("f-{name_key}");
    let cas_id = format!("f-{cas_key}");
    view! {
        <div class="scope-row">
            <label for=name_id.clone()>"品名 " {j + 1}</label>
            <input id=name_id node_ref=name_node value=name0 on:input=move |ev| update(|s, v| s.name = v, event_target_value(&ev)) />
            <label for=cas_id.clone()>"CAS号"</label>
            <input id=cas_id node_ref=cas_node value=cas0 on:input=move |ev| update(|s, v| s.cas = v, event_target_value(&ev)) placeholder="如 7664-93-9" />
            <label><input type="checkbox" node_ref=stored_node checked=stored0 on:change=move |ev| update(|s, v| s.stored = v == "true", event_target_checked(&ev).to_string()) /> "储存"</label>
            <button type="button" class="button link" on:click=move |_| fields.licences.update(|ls| { if let Some(l) = ls.get_mut(i) { if j < l.scope.len() { l.scope.remove(j); } } })>"删除"</button>
            {message_at(form, name_key)}
            {message_at(form, cas_key)}
        </div>
    }
}
