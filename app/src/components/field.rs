//! Form fields with a visible label, a hint and a message linked to the input
//! (`aria-invalid`, `aria-describedby`), and the error summary of a form.

use leptos::either::Either;
use leptos::prelude::*;

use leptos::server_fn::ServerFn;

use crate::api::code::CodeSent;
use crate::components::help::message_with_help;
use crate::domain::fields::FieldName;
use crate::domain::{FieldErrors, Message};
use crate::error::{AppError, STALE};

/// The DOM id of a field's input.
pub fn input_id(name: &str) -> String {
    format!("f-{name}")
}

fn message_id(name: &str) -> String {
    format!("f-{name}-msg")
}

pub(crate) fn hint_id(name: &str) -> String {
    format!("f-{name}-hint")
}

pub(crate) fn described_by(name: &str, has_hint: bool, has_error: bool) -> Option<String> {
    join_ids([
        has_error.then(|| message_id(name)),
        has_hint.then(|| hint_id(name)),
    ])
}

/// A text as a `<textarea>`'s content: escaped as [`super::raw_text`] says
/// (the server writes a textarea's children unescaped), and on the server
/// after a line break, which the HTML parser drops from the start of a
/// textarea's content: a text that begins with a line break keeps it.
pub fn textarea_text(text: String) -> String {
    let text = super::raw_text(text);
    #[cfg(feature = "ssr")]
    let text = format!("\n{text}");
    text
}

/// The ids present, as an `aria-describedby` value (`None` for none).
pub fn join_ids<const N: usize>(ids: [Option<String>; N]) -> Option<String> {
    let ids: Vec<String> = ids.into_iter().flatten().collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// Whether focus leaves a field for a submit button. Then the blur shows no
/// message: inserting one would move the button under the pointer and swallow
/// the click; the submit validates every field anyway.
fn moving_to_submit(ev: &leptos::ev::FocusEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.related_target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .is_some_and(|el| el.get_attribute("type").as_deref() == Some("submit"))
}

/// The current value of an `<input>`, `<textarea>` or `<select>`.
fn dom_value(el: &leptos::web_sys::Element) -> Option<String> {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        Some(i.value())
    } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
        Some(t.value())
    } else {
        el.dyn_ref::<HtmlSelectElement>()
            .map(HtmlSelectElement::value)
    }
}

fn set_dom_value(el: &leptos::web_sys::Element, v: &str) {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        i.set_value(v);
    } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
        t.set_value(v);
    } else if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
        s.set_value(v);
    }
}

/// What the user changed in a control before it was bound: its value when
/// it differs from the one it was rendered with (also when it was emptied,
/// or a list set back to 请选择).
fn changed_by_user(el: &leptos::web_sys::Element) -> Option<String> {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{
        HtmlInputElement, HtmlOptionElement, HtmlSelectElement, HtmlTextAreaElement,
    };
    let rendered = if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        Some(i.default_value())
    } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
        t.default_value().ok()
    } else if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
        // The option rendered `selected` (the last one, as browsers
        // show), else the first.
        let options: Vec<HtmlOptionElement> = (0..s.length())
            .filter_map(|k| s.item(k)?.dyn_into().ok())
            .collect();
        options
            .iter()
            .rev()
            .find(|o| o.default_selected())
            .or(options.first())
            .map(HtmlOptionElement::value)
    } else {
        None
    };
    let now = dom_value(el)?;
    (rendered.as_deref() != Some(now.as_str())).then_some(now)
}

/// Whether `el` is bound for the first time: only then may what it shows
/// be taken as typed before hydration. A list re-rendered in place (a row
/// deleted) binds new code to the elements already there, which show the
/// old row's values: those must not be taken. The mark is an attribute the
/// views never render, so it stays on the element.
fn first_bound(el: &leptos::web_sys::Element) -> bool {
    const MARK: &str = "data-bound";
    let first = !el.has_attribute(MARK);
    if first {
        let _ = el.set_attribute(MARK, "");
    }
    first
}

/// Binds a form control to a value without ever wiping what was typed
/// before the page hydrated (users and password managers fill forms as soon
/// as they appear): on hydration the control's current content wins over
/// the server-rendered value, and afterwards changes of the value (a reset,
/// a normalised code) are written to the control. Use it instead of
/// `prop:value`, which overwrites the typed text when hydration starts.
pub fn keep_typed<E>(
    node: NodeRef<E>,
    get: impl Fn() -> String + 'static,
    set: impl Fn(String) + 'static,
) where
    E: leptos::html::ElementType,
    E::Output: leptos::wasm_bindgen::JsCast + Clone + 'static,
{
    use leptos::wasm_bindgen::JsCast;
    Effect::new(move |hydrated: Option<bool>| {
        let Some(el) = node.get() else {
            return hydrated.unwrap_or(false);
        };
        let el: &leptos::web_sys::Element = el.unchecked_ref();
        if hydrated != Some(true) && first_bound(el) {
            if let Some(typed) = changed_by_user(el) {
                if typed != untrack(&get) {
                    untrack(|| set(typed));
                }
            }
        }
        let v = get();
        if dom_value(el).is_some_and(|d| d != v) {
            set_dom_value(el, &v);
        }
        true
    });
}

/// [`keep_typed`] for a control bound to a signal.
pub fn keep_typed_in<E>(node: NodeRef<E>, value: RwSignal<String>)
where
    E: leptos::html::ElementType,
    E::Output: leptos::wasm_bindgen::JsCast + Clone + 'static,
{
    keep_typed(node, move || value.get(), move |v| value.set(v));
}

/// [`keep_typed`] for a control whose value is read and written through
/// closures (a row of a list): the `node_ref` to give the control and the
/// value to render it with (its `value` attribute), so the page shows it
/// before the island is live.
pub fn bind_typed<E>(
    get: impl Fn() -> String + 'static,
    set: impl Fn(String) + 'static,
) -> (NodeRef<E>, String)
where
    E: leptos::html::ElementType,
    E::Output: leptos::wasm_bindgen::JsCast + Clone + 'static,
{
    let initial = untrack(&get);
    let node = NodeRef::new();
    keep_typed(node, get, set);
    (node, initial)
}

/// [`keep_typed`] for a checkbox: a tick set or cleared before the page
/// hydrated (it differs from the rendered `checked` attribute) is kept, and
/// later changes of the value are shown. Render the box with
/// `checked=` the initial value (returned), never `prop:checked`, which is
/// not in the page before hydration and resets the box when it starts.
pub fn bind_checked(
    get: impl Fn() -> bool + 'static,
    set: impl Fn(bool) + 'static,
) -> (NodeRef<leptos::html::Input>, bool) {
    let initial = untrack(&get);
    let node = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |hydrated: Option<bool>| {
        let Some(el) = node.get() else {
            return hydrated.unwrap_or(false);
        };
        if hydrated != Some(true) && first_bound(&el) && el.checked() != el.default_checked() {
            untrack(|| set(el.checked()));
        }
        let v = get();
        if el.checked() != v {
            el.set_checked(v);
        }
        true
    });
    (node, initial)
}

/// The same for a group of radio buttons whose `value`s are the codes
/// `value` can hold: the one picked before hydration wins, then the group
/// follows `value`.
pub fn keep_chosen(radios: Vec<NodeRef<leptos::html::Input>>, value: RwSignal<String>) {
    Effect::new(move |hydrated: Option<bool>| {
        let els: Vec<_> = radios.iter().filter_map(|r| r.get()).collect();
        if els.is_empty() {
            return hydrated.unwrap_or(false);
        }
        // Every radio is marked (`first_bound` marks, so no short cut).
        let mut first = false;
        for r in &els {
            first |= first_bound(r);
        }
        if hydrated != Some(true) && first {
            let picked = els.iter().find(|r| r.checked() && !r.default_checked());
            if let Some(r) = picked {
                value.set(r.value());
            }
        }
        let v = value.get();
        for r in &els {
            let on = r.value() == v;
            if r.checked() != on {
                r.set_checked(on);
            }
        }
        true
    });
}

/// A plain form's input `pattern` for at least `min` characters once the
/// spaces around them are trimmed (spaces alone are no reason), as the
/// server counts them.
pub fn at_least(min: usize) -> String {
    match min {
        0 | 1 => r".*\S.*".to_string(),
        n => format!(r"\s*\S.{{{},}}\S\s*", n - 2),
    }
}

/// A plain form's required `reason` (a refusal's, a return's): checked by
/// the browser before sending (`islands.js` shows `missing` under it) and,
/// when the server refused it, its `error` shown there. `kept`: the text
/// the server refused before, back in the field with a note saying so.
pub fn required_reason(
    id: &'static str,
    label: &'static str,
    missing: &'static str,
    error: Option<String>,
    kept: Option<String>,
) -> impl IntoView {
    let invalid = error.is_some();
    let message_id = format!("{id}-msg");
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            name="reason"
            type="text"
            required
            pattern=at_least(1)
            maxlength="500"
            data-message=missing
            value=kept.clone()
            aria-invalid=invalid.then_some("true")
            aria-describedby=plain_described_by(id, invalid, kept.is_some())
        />
        {kept_note(id, kept.is_some())}
        {field_error(message_id, missing, error)}
    }
}

/// A plain form field's `aria-describedby`: its message (`{id}-msg`) when
/// the server refused it, the note that it holds a kept text
/// (`{id}-kept`, [`kept_note`]) when it does.
pub fn plain_described_by(id: &str, invalid: bool, kept: bool) -> Option<String> {
    join_ids([
        invalid.then(|| format!("{id}-msg")),
        kept.then(|| format!("{id}-kept")),
    ])
}

/// A text the server refused before (`domain::kept_text`) whose form the
/// page no longer shows (its object moved on meanwhile), `what` it was:
/// shown to copy, so nothing written is lost.
pub fn kept_elsewhere(what: String, text: String) -> impl IntoView {
    view! {
        <div class="notice kept-text">
            <p>{format!("您上次未能提交的{what}(现已不能这样提交,可复制留用,保留一天):")}</p>
            <p class="kept-body">{text}</p>
        </div>
    }
}

/// The note under the field `{id}` when the page has filled it with a
/// text the server refused before (`domain::kept_text`), when `shown`.
pub fn kept_note(id: &str, shown: bool) -> impl IntoView {
    let note_id = format!("{id}-kept");
    shown.then(|| {
        view! { <p class="field-note kept-note" id=note_id>{crate::domain::kept_text::KEPT_TEXT_NOTE}</p> }
    })
}

/// The message under a plain form's field `{id}` (its id `{id}-msg`): the
/// server's `error`, or hidden, `missing`, which `islands.js` shows when the
/// browser refuses the field before sending (its `data-message`).
pub fn field_error(
    message_id: String,
    missing: &'static str,
    error: Option<String>,
) -> impl IntoView {
    let invalid = error.is_some();
    view! {
        <p class="field-error" id=message_id role="alert" hidden=!invalid>
            {error.unwrap_or_else(|| missing.into())}
        </p>
    }
}

/// Whether the form was submitted with the button named `name`.
pub fn submitted_by(ev: &leptos::ev::SubmitEvent, name: &str) -> bool {
    ev.submitter()
        .is_some_and(|el| el.get_attribute("name").as_deref() == Some(name))
}

/// The state a form keeps: shown messages and which fields were left once.
#[derive(Clone, Copy)]
pub struct FormState {
    pub errors: RwSignal<FieldErrors>,
    pub touched: RwSignal<Vec<String>>,
    pub submitted: RwSignal<bool>,
    /// A message for the whole form (not tied to a field).
    pub alert: RwSignal<Option<Message>>,
    /// Whether an answer to this page's own sending was shown (not one that
    /// came back with a plain post, whose page is already fresh).
    pub answered: RwSignal<bool>,
}

impl FormState {
    pub fn new(initial: FieldErrors, alert: Option<Message>) -> Self {
        FormState {
            errors: RwSignal::new(initial),
            touched: RwSignal::new(vec![]),
            submitted: RwSignal::new(false),
            alert: RwSignal::new(alert),
            answered: RwSignal::new(false),
        }
    }

    /// Whether `name`'s message should show while typing (after first blur or submit).
    pub fn live(&self, name: &str) -> bool {
        self.submitted.get_untracked()
            || self.touched.with_untracked(|t| t.iter().any(|n| n == name))
    }

    pub fn touch(&self, name: &str) {
        if !self.touched.with_untracked(|t| t.iter().any(|n| n == name)) {
            self.touched.update(|t| t.push(name.to_string()));
        }
    }

    /// Replaces `name`'s message with the one in `all` (or clears it).
    pub fn refresh(&self, name: &str, all: &FieldErrors) {
        let new = all.message(name).cloned();
        self.errors.update(|e| match new {
            Some(m) => {
                e.0.insert(name.to_string(), m);
            }
            None => {
                e.0.remove(name);
            }
        });
    }

    pub fn message(&self, name: &str) -> Option<Message> {
        self.errors.with(|e| e.message(name).cloned())
    }

    /// The state of an island's form that submits to `action`: it starts
    /// with `failed`, the error its plain post came back with (an island
    /// has no router in the browser to read it from the address: its page
    /// hands it over as a prop, so the same on the server and in the
    /// browser; `None` when the page says it), and shows every later error
    /// at its fields.
    pub fn for_island<S>(action: ServerAction<S>, failed: Option<AppError>) -> FormState
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Clone + Send + Sync + 'static,
    {
        let form = FormState::new(FieldErrors::new(), None);
        if let Some(e) = failed {
            form.show(&e);
        }
        form.follow(action, |_| ());
        form
    }

    /// The state of a form that submits to `action`: it starts with the error
    /// of a no-JS round trip (carried in the URL), shows every later error at
    /// its fields, and hands every success to `on_ok`.
    pub fn for_action<S>(action: ServerAction<S>, on_ok: impl Fn(S::Output) + 'static) -> FormState
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Clone + Send + Sync + 'static,
    {
        let form = match action.value().get_untracked() {
            Some(Err(e)) => FormState::new(e.field_errors(), form_alert(&e)),
            _ => FormState::new(FieldErrors::new(), None),
        };
        form.follow(action, on_ok);
        form
    }

    /// Shows the results of `action` after the current one (see [`FormState::for_action`]).
    pub fn follow<S>(self, action: ServerAction<S>, on_ok: impl Fn(S::Output) + 'static)
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Clone + Send + Sync + 'static,
    {
        Effect::new(move |prev: Option<usize>| {
            let v = action.version().get();
            if prev.is_some_and(|p| p != v) {
                match action.value().get_untracked() {
                    Some(Ok(out)) => on_ok(out),
                    Some(Err(e)) => self.answer(&e),
                    None => {}
                }
            }
            v
        });
    }

    /// Shows the server's answer to this page's own sending: as
    /// [`FormState::show`], and the page is now known to be out of date
    /// where the server says so ([`form_refusal`]).
    pub fn answer(&self, e: &AppError) {
        self.answered.set(true);
        self.show(e);
    }

    /// Shows a server error: field messages at their fields, anything else at the top.
    pub fn show(&self, e: &AppError) {
        self.submitted.set(true);
        self.errors.set(e.field_errors());
        self.alert.set(form_alert(e));
    }

    /// On submit: checks every field and shows every problem; true when the form may be sent.
    pub fn validate(&self, check: Callback<(), FieldErrors>) -> bool {
        self.submitted.set(true);
        self.alert.set(None);
        let errors = check.run(());
        let ok = errors.is_empty();
        self.errors.set(errors);
        ok
    }
}

/// A message for the top of a form when an error belongs to no field.
pub fn form_alert(e: &AppError) -> Option<Message> {
    e.field_errors().is_empty().then(|| e.message())
}

/// A form's refusal that is not at one of its inputs: its alert, else a
/// message at one of `elsewhere`, the keys the server may refuse at that
/// the form has no input for (a case's `version` when another acted
/// first, a member's `user_id`), so no refusal is shown nowhere. A refusal
/// at `version` says the page is out of date: after this page's own
/// sending it offers to load the page again (a plain post came back to a
/// page that is up to date).
pub fn form_refusal(form: FormState, elsewhere: &'static [&'static str]) -> impl IntoView {
    move || {
        let (m, stale) = match form.alert.get() {
            Some(m) => (m, false),
            None => {
                let (key, m) = elsewhere
                    .iter()
                    .find_map(|k| form.message(k).map(|m| (*k, m)))?;
                (m, key == STALE && form.answered.get())
            }
        };
        let reload = stale.then(|| {
            view! {
                " "
                <button type="button" class="button" on:click=|_| {
                    let _ = window().location().reload();
                }>"刷新页面,查看最新进度"</button>
            }
        });
        Some(view! { <p class="alert" role="alert">{message_with_help("", m)} {reload}</p> })
    }
}

/// The message of field `name`, with its help link, when there is one.
#[component]
pub fn FieldMessage(name: &'static str, form: FormState) -> impl IntoView {
    message_at(form, name.to_string())
}

/// A labelled text input bound to `value`. `check` validates the whole form,
/// so each field's message comes from the same rules the server runs.
#[component]
pub fn TextField(
    /// The input's name and label: a form's typed field, or (name, label).
    #[prop(into)]
    field: FieldName,
    value: RwSignal<String>,
    form: FormState,
    check: Callback<(), FieldErrors>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] maxlength: Option<u32>,
    /// Shown under the input, e.g. the normalised form of a code.
    #[prop(optional, into)]
    note: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let FieldName { name, label } = field;
    let has_error = move || form.message(name).is_some();
    let input = NodeRef::<leptos::html::Input>::new();
    keep_typed_in(input, value);
    let on_input = move |ev| {
        value.set(event_target_value(&ev));
        if form.live(name) {
            form.refresh(name, &check.run(()));
        }
    };
    let on_blur = move |ev: leptos::ev::FocusEvent| {
        form.touch(name);
        if !moving_to_submit(&ev) {
            form.refresh(name, &check.run(()));
        }
    };
    view! {
        <div class="field" class:invalid=has_error>
            <label for=input_id(name)>{label}</label>
            <input
                id=input_id(name)
                name=name
                type=input_type
                autocomplete=autocomplete
                maxlength=maxlength
                node_ref=input
                value=value.get_untracked()
                aria-invalid=move || has_error().then_some("true")
                aria-describedby=move || described_by(name, hint.is_some(), has_error())
                on:input=on_input
                on:blur=on_blur
            />
            <FieldMessage name form />
            {note.map(|n| move || n.get().map(|t| view! { <p class="field-note">{t}</p> }))}
            {hint.map(|h| view! { <p class="field-hint" id=hint_id(name)>{h}</p> })}
        </div>
    }
}

/// A labelled `<select>` bound to `value`; `options` are (code, label).
#[component]
pub fn SelectField(
    /// The select's name and label, as [`TextField`]'s.
    #[prop(into)]
    field: FieldName,
    value: RwSignal<String>,
    form: FormState,
    check: Callback<(), FieldErrors>,
    options: Vec<(&'static str, &'static str)>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let FieldName { name, label } = field;
    let has_error = move || form.message(name).is_some();
    let select = NodeRef::<leptos::html::Select>::new();
    keep_typed_in(select, value);
    let on_change = move |ev| {
        value.set(event_target_value(&ev));
        form.touch(name);
        form.refresh(name, &check.run(()));
    };
    view! {
        <div class="field" class:invalid=has_error>
            <label for=input_id(name)>{label}</label>
            <select
                id=input_id(name)
                name=name
                aria-invalid=move || has_error().then_some("true")
                aria-describedby=move || described_by(name, hint.is_some(), has_error())
                node_ref=select
                on:change=on_change
            >
                <option value="" selected=move || value.get().is_empty()>"请选择"</option>
                {options
                    .into_iter()
                    .map(|(code, text)| {
                        view! { <option value=code selected=move || value.get() == code>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <FieldMessage name form />
            {hint.map(|h| view! { <p class="field-hint" id=hint_id(name)>{h}</p> })}
        </div>
    }
}

/// The password policy as a live checklist (rules from `domain::password`).
#[component]
pub fn PasswordChecklist(password: RwSignal<String>, account: String) -> impl IntoView {
    use crate::domain::password::check;
    view! {
        <ul class="password-rules" aria-live="polite" aria-label="密码要求">
            {move || {
                let typed = password.get();
                // Nothing typed meets nothing (no ticks for an empty password).
                let empty = typed.is_empty();
                check(&typed, Some(&account))
                    .into_iter()
                    .map(|mut s| {
                        s.met &= !empty;
                        view! {
                            <li class:met=s.met class:unmet=!s.met data-met=if s.met { "true" } else { "false" }>
                                <span aria-hidden="true">{if s.met { "✓ " } else { "✗ " }}</span>
                                {s.rule.describe()}
                                <span class="sr-only">{if s.met { "(已满足)" } else { "(未满足)" }}</span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

/// A form's primary button, disabled and saying `busy` while the form is
/// being sent.
#[component]
pub fn SubmitButton(
    /// The action's `pending()`.
    pending: Memo<bool>,
    idle: &'static str,
    busy: &'static str,
) -> impl IntoView {
    view! {
        <div class="form-actions">
            <button type="submit" class="button primary" disabled=move || pending.get()>
                {move || if pending.get() { busy } else { idle }}
            </button>
        </div>
    }
}

/// Seconds left before `action`'s next code may be asked for, counting
/// down once a second after each answer (`retry_in` of [`CodeSent`]).
pub fn countdown<S>(action: ServerAction<S>, retry_in: fn(&S::Output) -> i64) -> RwSignal<i64>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let left = RwSignal::new(0i64);
    // The ticker's handle outlives the signals: a page left mid-count stops it.
    #[cfg(feature = "hydrate")]
    let ticking = std::sync::Arc::new(std::sync::Mutex::new(None::<IntervalHandle>));
    #[cfg(feature = "hydrate")]
    let stop = {
        let ticking = ticking.clone();
        move || {
            if let Some(h) = ticking.lock().ok().and_then(|mut t| t.take()) {
                h.clear();
            }
        }
    };
    #[cfg(feature = "hydrate")]
    on_cleanup(stop.clone());
    Effect::new(move |_| {
        if let Some(Ok(out)) = action.value().get() {
            left.set(retry_in(&out));
            #[cfg(feature = "hydrate")]
            {
                // One ticker at a time: a new answer restarts the count.
                stop();
                let stop = stop.clone();
                let h = set_interval_with_handle(
                    move || match left.try_get_untracked() {
                        Some(l) if l > 1 => left.set(l - 1),
                        Some(_) => {
                            left.set(0);
                            stop();
                        }
                        None => stop(),
                    },
                    std::time::Duration::from_secs(1),
                );
                if let (Ok(h), Ok(mut t)) = (h, ticking.lock()) {
                    *t = Some(h);
                }
            }
        }
    });
    left
}

/// The 获取验证码 button of a form, with what happened next to it (never
/// as an error when the last code is still valid) and a countdown to the
/// next code on the button. Without JavaScript it posts the form to the
/// sending server function (`formaction`).
#[component]
pub fn SendCodeButton<S>(
    action: ServerAction<S>,
    /// Checks the fields the code needs and dispatches `action`.
    on_click: Callback<leptos::ev::MouseEvent>,
    /// The button's text (default 获取验证码).
    #[prop(optional)]
    label: Option<&'static str>,
) -> impl IntoView
where
    S: ServerFn<Error = AppError, Output = CodeSent> + Clone + Send + Sync + 'static,
{
    let answer = move || action.value().get().and_then(Result::ok);
    let wait = countdown(action, |c| c.retry_in);
    let label = label.unwrap_or("获取验证码");
    view! {
        <div class="sms-row">
            <button
                type="submit"
                class="button"
                name="send_code"
                formaction=S::url()
                formnovalidate=true
                on:click=move |ev| on_click.run(ev)
                disabled=move || { action.pending().get() || wait.get() > 0 }
            >
                {move || match (action.pending().get(), wait.get(), answer().is_some()) {
                    (true, _, _) => "正在发送……".to_string(),
                    (false, 0, false) => label.to_string(),
                    (false, 0, true) => format!("重新{label}"),
                    (false, n, _) => format!("{n}秒后可重新获取"),
                }}
            </button>
            {move || answer().map(|c| view! { <span class="field-note" role="status">{c.message}</span> })}
        </div>
    }
}

/// The list of every problem of a form, each linking to its field.
#[component]
pub fn ErrorSummary(
    form: FormState,
    labels: Vec<(&'static str, &'static str)>,
    /// The label of a field `labels` does not name (a list's rows), listed
    /// after them.
    #[prop(optional)]
    label_of: Option<fn(&str) -> Option<String>>,
    /// When set, what was just saved: the list then says what is still to
    /// fix before submitting, as information rather than an error.
    #[prop(optional, into)]
    saved: Option<Signal<Option<String>>>,
) -> impl IntoView {
    move || {
        let errors = form.errors.get();
        let alert = form.alert.get();
        if errors.is_empty() && alert.is_none() {
            return None;
        }
        // One view for both kinds of item and both kinds of list (no type
        // erasure: its code would be in every bundle, issue 13).
        let item = |name: &str, label: Option<&str>, m: &str| {
            let href = format!("#{}", input_id(name));
            let (link, rest) = match label {
                Some(l) => (l.to_string(), Some(format!(":{m}"))),
                None => (m.to_string(), None),
            };
            view! { <li><a href=href>{link}</a>{rest}</li> }
        };
        // Every problem is listed: first those of the named fields in form
        // order, then any other (a message never hides behind a missing label).
        let mut items: Vec<_> = labels
            .iter()
            .filter_map(|(name, label)| errors.get(name).map(|m| item(name, Some(label), m)))
            .collect();
        items.extend(
            errors
                .0
                .iter()
                .filter(|(name, _)| !labels.iter().any(|(n, _)| n == name))
                .map(|(name, m)| {
                    let label = label_of.and_then(|f| f(name));
                    item(name, label.as_deref(), &m.text)
                }),
        );
        let saved = saved.and_then(|s| s.get()).filter(|_| alert.is_none());
        // A list after a save is information (a status), otherwise an alert;
        // a change between the two replaces the list, so it is announced.
        Some(match saved {
            Some(note) => Either::Left(view! {
                <div class="pending-summary" role="status" aria-labelledby="error-summary-title" tabindex="-1">
                    <h2 id="error-summary-title">{format!("{note}提交前还需修改以下内容:")}</h2>
                    <ul>{items}</ul>
                </div>
            }),
            None => Either::Right(view! {
                <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
                    <h2 id="error-summary-title">
                        {match alert {
                            Some(a) => Either::Left(message_with_help("", a)),
                            None => Either::Right("请按以下提示修改或处理后再提交:"),
                        }}
                    </h2>
                    <ul>{items}</ul>
                </div>
            }),
        })
    }
}

/// `aria-invalid` of a control whose message [`message_at`] shows: "true"
/// while it has one, absent otherwise.
pub fn aria_invalid_at(
    form: FormState,
    key: String,
) -> impl Fn() -> Option<&'static str> + Clone + Send + Sync + 'static {
    move || form.message(&key).map(|_| "true")
}

/// `aria-describedby` of a control whose message [`message_at`] shows:
/// that message's id while there is one.
pub fn aria_describedby_at(
    form: FormState,
    key: String,
) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    let id = message_id(&key);
    move || form.message(&key).map(|_| id.clone())
}

/// The message of a field that is not a [`TextField`] (a list row, a
/// group), with its help link, where its `aria-describedby` points.
pub fn message_at(form: FormState, key: String) -> impl IntoView {
    let id = message_id(&key);
    message_as(form, key, id)
}

/// [`message_at`] under an id of the caller's (where two forms of a page
/// have a field of the same name).
pub fn message_as(form: FormState, key: String, id: String) -> impl IntoView {
    move || {
        form.message(&key).map(|m| {
            let field = key.clone();
            view! { <p class="field-error" id=id.clone() role="alert">{message_with_help(&field, m)}</p> }
        })
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::domain::record_field::RecordField;

    #[test]
    fn a_textarea_text_cannot_end_its_textarea_or_turn_into_an_entity() {
        assert_eq!(
            textarea_text("a</textarea><p>&lt;b".into()),
            "\na&lt;/textarea>&lt;p>&amp;lt;b"
        );
        assert_eq!(textarea_text("补正\n通知".into()), "\n补正\n通知");
        // The parser drops the first line break: a text's own stays.
        assert_eq!(textarea_text("\n补正".into()), "\n\n补正");
    }

    #[test]
    fn a_stale_refusal_offers_a_reload_only_after_the_page_sent_the_form() {
        let owner = Owner::new();
        owner.set();
        let mut errors = FieldErrors::new();
        errors.add(STALE, "案件刚刚被他人处理过。");
        let form = FormState::new(errors, None);
        let came_back = view! { {form_refusal(form, &[STALE])} }.to_html();
        assert!(came_back.contains("案件刚刚被他人处理过。"), "{came_back}");
        assert!(!came_back.contains("刷新页面"), "{came_back}");
        form.answered.set(true);
        let answered = view! { {form_refusal(form, &[STALE])} }.to_html();
        assert!(answered.contains("刷新页面,查看最新进度"), "{answered}");
        // A refusal a reload cannot mend (one's own row, say): no button.
        let mut own = FieldErrors::new();
        own.add("user_id", "不能为自己重置密码。");
        let own = FormState::new(own, None);
        own.answered.set(true);
        let html = view! { {form_refusal(own, &["user_id"])} }.to_html();
        assert!(
            html.contains("不能为自己重置密码。") && !html.contains("刷新页面"),
            "{html}"
        );
        // Not at one of the keys: nothing.
        let other = FormState::new(FieldErrors::new(), None);
        assert!(!view! { {form_refusal(other, &[STALE])} }
            .to_html()
            .contains("alert"));
    }

    #[test]
    fn a_reason_pattern_counts_as_the_server_does() {
        assert_eq!(at_least(4), r"\s*\S.{2,}\S\s*");
        assert_eq!(at_least(1), r".*\S.*");
    }

    #[test]
    fn the_summary_names_every_field_it_can_and_links_each_problem_to_its_field() {
        let owner = Owner::new();
        owner.set();
        let mut errors = FieldErrors::new();
        errors.add("licences.1.scope.0.cas", "CAS号校验位不对。");
        errors.add("principal_mobile", "请填写11位手机号。");
        errors.add("elsewhere", "别的问题。");
        let form = FormState::new(errors, None);
        let html = view! {
            <ErrorSummary
                form
                labels=vec![("principal_mobile", "主要负责人手机")]
                label_of=|k: &str| RecordField::parse(k).map(RecordField::label)
            />
        }
        .to_html();
        let named = html.find("主要负责人手机").unwrap_or(usize::MAX);
        let row = html
            .find(r##"<a href="#f-licences.1.scope.0.cas">许可证2 许可范围 CAS号</a>"##)
            .unwrap_or_else(|| panic!("{html}"));
        assert!(named < row, "named fields first: {html}");
        assert!(html[row..].contains("CAS号校验位不对。"), "{html}");
        // A key no record field has is listed by its message alone.
        assert!(
            html.contains(r##"<a href="#f-elsewhere">别的问题。</a>"##),
            "{html}"
        );
    }
}
