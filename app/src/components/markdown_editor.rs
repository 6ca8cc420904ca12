//! What the two Markdown editors (帮助文章 and 通知公告) share: the body
//! field, the preview / save / cancel buttons, the newer version shown after
//! a stale save, and the preview.

use leptos::either::Either;
use leptos::prelude::*;

use super::field::{
    described_by, hint_id, input_id, keep_typed_in, textarea_text, FieldMessage, FormState,
};
use super::layout::ErrorNotice;
use crate::domain::normalize::TitledField;
use crate::domain::FieldErrors;
use crate::error::AppError;

/// The body's `name`.
const BODY: &str = TitledField::Body.name();

/// The Markdown body (`body`), checked by `check` as it is typed once its
/// message shows, and kept when typed before the page is live.
#[component]
pub fn MarkdownBody(
    body: RwSignal<String>,
    label: &'static str,
    rows: u32,
    form: FormState,
    check: Callback<(), FieldErrors>,
    /// Shown under the field, e.g. how many characters are left.
    #[prop(optional, into)]
    hint: Option<Signal<String>>,
    /// Checked again as it is typed once its message shows (off where the
    /// message is one the next save answers, e.g. a stale save's).
    #[prop(default = true)]
    recheck: bool,
) -> impl IntoView {
    let invalid = move || form.message(BODY).is_some();
    let input = NodeRef::<leptos::html::Textarea>::new();
    keep_typed_in(input, body);
    let has_hint = hint.is_some();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=input_id(BODY)>{label}</label>
            <textarea
                id=input_id(BODY)
                name=BODY
                rows=rows
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=move || described_by(BODY, has_hint, invalid())
                node_ref=input
                on:input=move |ev| {
                    body.set(event_target_value(&ev));
                    if recheck && form.live(BODY) {
                        form.refresh(BODY, &check.run(()));
                    }
                }
            >
                {textarea_text(body.get_untracked())}
            </textarea>
            <FieldMessage name=BODY form />
            {hint.map(|h| view! { <p class="field-hint" id=hint_id(BODY)>{move || h.get()}</p> })}
        </div>
    }
}

/// 预览, the submit button (`label`, or 正在保存…… while `pending`) and 取消.
#[component]
pub fn EditorActions(
    on_preview: Callback<()>,
    pending: Signal<bool>,
    label: &'static str,
    cancel: String,
) -> impl IntoView {
    view! {
        <div class="form-actions">
            <button type="button" class="button" on:click=move |_| on_preview.run(())>
                "预览"
            </button>
            " "
            <button type="submit" class="button primary" disabled=move || pending.get()>
                {move || if pending.get() { "正在保存……" } else { label }}
            </button>
            " "
            <a href=cancel>"取消"</a>
        </div>
    }
}

/// What someone else saved meanwhile, shown after a stale save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub version: i64,
    /// Which version, when.
    pub heading: String,
    pub title: String,
    /// The Markdown source.
    pub body: String,
}

/// After a stale save of `save` (a conflict on the body): fetches what is
/// saved now with `latest`, builds the next save on its version (`base`) and
/// returns it to be shown (see [`TheirVersion`]).
pub fn theirs_after_conflict<S, F, Fut>(
    save: ServerAction<S>,
    latest: F,
    base: RwSignal<i64>,
) -> RwSignal<Option<Saved>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    F: Fn() -> Option<Fut> + 'static,
    Fut: std::future::Future<Output = Option<Saved>> + 'static,
{
    let theirs = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(Err(AppError::Conflict { field, .. })) = save.value().get() {
            if let Some(fetch) = (field == BODY).then(&latest).flatten() {
                leptos::task::spawn_local(async move {
                    if let Some(now) = fetch.await {
                        base.set(now.version);
                        theirs.set(Some(now));
                    }
                });
            }
        }
    });
    theirs
}

/// The version someone else saved meanwhile, after a stale save: which
/// version, its title and its Markdown source.
#[component]
pub fn TheirVersion(theirs: RwSignal<Option<Saved>>) -> impl IntoView {
    move || {
        theirs.get().map(|t| {
            view! {
                <section class="their-version" aria-labelledby="their-title">
                    <h2 id="their-title">{t.heading}</h2>
                    <p class="field-hint">"以下是对方保存的内容。请把需要保留的部分合并到上面的编辑框,再点“保存”。"</p>
                    <p><strong>"标题:" {t.title}</strong></p>
                    <pre class="markdown-source">{t.body}</pre>
                </section>
            }
        })
    }
}

/// The body rendered as it will be published, or why it cannot be.
#[component]
pub fn MarkdownPreview(result: Signal<Option<Result<String, AppError>>>) -> impl IntoView {
    move || {
        result.get().map(|r| match r {
            Ok(html) => Either::Left(view! {
                <section class="preview" aria-label="预览">
                    <h2>"预览"</h2>
                    <div class="article-body" inner_html=html></div>
                </section>
            }),
            Err(e) => Either::Right(view! { <ErrorNotice error=e /> }),
        })
    }
}
