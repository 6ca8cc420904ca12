//! 帮助中心: the index, search results, an article (current or an older
//! version), its history, and the administrators' editor with a preview.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::help::{
    help_article, help_history, help_index, search_help, ArticleLink, ArticleView, PreviewHelp,
    SaveHelp,
};
use crate::components::field::{ErrorSummary, FormState, TextField};
use crate::components::help::{highlighted, HelpTip, SearchBox};
use crate::components::layout::{ErrorNotice, ServiceLine};
use crate::components::markdown_editor::{
    theirs_after_conflict, EditorActions, MarkdownBody, MarkdownPreview, Saved, TheirVersion,
};
use crate::components::{go_to, PrintButton};
use crate::domain::help::{manual, ArticleText};
use crate::domain::normalize::TitledField;
use crate::error::AppError;
#[cfg(whole_pages)]
use crate::pages::{loaded, NotFound};

#[cfg(whole_pages)]
fn links(items: Vec<ArticleLink>) -> impl IntoView {
    view! {
        <ul class="article-list">
            {items
                .into_iter()
                .map(|a| view! { <li><a href=format!("/help/{}", a.slug)>{a.title}</a></li> })
                .collect_view()}
        </ul>
    }
}

#[cfg(whole_pages)]
#[component]
pub fn HelpIndexPage() -> impl IntoView {
    let index = Resource::new(|| (), |_| help_index());
    view! {
        <Title text="帮助中心 - 危化品经营安全监管系统" />
        <h1>"帮助中心"</h1>
        <SearchBox />
        {loaded("正在加载……", index, |i| view! {
            <div class="help-columns">
                <section>
                    <h2>"操作手册"</h2>
                    {links(i.manuals)}
                </section>
                <section>
                    <h2>"常见问题"</h2>
                    {links(i.faqs)}
                </section>
            </div>
            <div class="notice"><p>"没有找到答案?"</p><ServiceLine /></div>
        })}
    }
}

#[cfg(whole_pages)]
#[component]
pub fn HelpSearchPage() -> impl IntoView {
    let q = crate::pages::query_text("q");
    let results = Resource::new(q, search_help);
    view! {
        <Title text="搜索帮助 - 危化品经营安全监管系统" />
        <p class="breadcrumbs"><a href="/help">"帮助中心"</a> " › 搜索"</p>
        <h1>"搜索帮助"</h1>
        {move || view! { <SearchBox value=q() /> }}
        {loaded("正在搜索……", results, move |hits| {
            let q = q();
            if q.trim().is_empty() {
                view! { <p>"请输入要查找的内容,例如“完善信息”“忘记密码”“一企多证”。"</p> }.into_any()
            } else if hits.is_empty() {
                view! {
                    <div class="notice" role="status">
                        <p>"没有找到包含“" {q.clone()} "”的文章。请换一个说法或只输入关键的几个字(例如“密码”“许可证”),或浏览"
                            <a href="/help">"帮助中心目录"</a> "。"</p>
                        <ServiceLine />
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <p role="status">"找到 " {hits.len()} " 篇与“" {q.clone()} "”相关的文章:"</p>
                    <ol class="search-results">
                        {hits
                            .into_iter()
                            .map(|h| {
                                view! {
                                    <li>
                                        <a class="result-title" href=format!("/help/{}", h.slug)>{highlighted(h.title)}</a>
                                        " "
                                        <span class="tag">{crate::api::help::category_label(&h.category)}</span>
                                        <p class="snippet">{highlighted(h.snippet)}</p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }
        })}
    }
}

#[cfg(whole_pages)]
fn slug_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("slug").unwrap_or_default()))
}

#[cfg(whole_pages)]
#[component]
pub fn HelpArticlePage() -> impl IntoView {
    let slug = slug_param();
    let query = use_query_map();
    let version = move || query.with(|q| q.get("version").and_then(|v| v.parse::<i64>().ok()));
    let saved = move || query.with(|q| q.get("saved"));
    let article = Resource::new(
        move || (slug.get(), version(), saved()),
        |(slug, version, _)| help_article(slug, version),
    );
    view! {
        {loaded("正在加载……", article, move |a| match a {
            Some(a) => view! { <Article a saved=saved() /> }.into_any(),
            None => view! { <NotFound /> }.into_any(),
        })}
    }
}

#[cfg(whole_pages)]
#[component]
fn Article(a: ArticleView, saved: Option<String>) -> impl IntoView {
    let base = format!("/help/{}", a.slug);
    let old = a.version != a.latest;
    view! {
        <Title text=crate::components::raw_text(format!("{} - 帮助中心", a.title)) />
        <div class="help-top no-print">
            <p class="breadcrumbs"><a href="/help">"帮助中心"</a> " › " {a.category.clone()}</p>
            <SearchBox />
        </div>
        {saved.map(|v| view! { <p class="notice success no-print" role="status">"已保存为第" {v} "版。"</p> })}
        {old.then(|| view! {
            <p class="notice no-print">"您正在查看第" {a.version} "版(历史版本)。" <a href=base.clone()>"查看当前版本"</a></p>
        })}
        <article class="help-article">
            <h1>{a.title}</h1>
            <p class="article-meta">"第" {a.version} "版 · 更新于 " {a.edited}</p>
            <div class="article-body" inner_html=a.html></div>
        </article>
        <p class="article-actions no-print">
            <PrintButton primary=false />
            " "
            <a href=format!("{base}/history")>"历史版本"</a>
            {(a.editable && !old).then(|| view! { " " <a class="button" href=format!("{base}/edit")>"编辑"</a> })}
        </p>
    }
}

#[cfg(whole_pages)]
#[component]
pub fn HelpHistoryPage() -> impl IntoView {
    let slug = slug_param();
    let history = Resource::new(move || slug.get(), help_history);
    view! {
        <Title text="历史版本 - 帮助中心" />
        <p class="breadcrumbs"><a href="/help">"帮助中心"</a> " › " <a href=move || format!("/help/{}", slug.get())>"文章"</a> " › 历史版本"</p>
        <h1>"历史版本"</h1>
        {loaded("正在加载……", history, move |v| if v.is_empty() {
            view! { <NotFound /> }.into_any()
        } else {
            view! {
                <ol class="versions" reversed>
                    {v.into_iter()
                        .map(|i| view! {
                            <li>
                                <a href=format!("/help/{}?version={}", slug.get_untracked(), i.version)>"第" {i.version} "版"</a>
                                " · " {i.edited}
                            </li>
                        })
                        .collect_view()}
                </ol>
            }
            .into_any()
        })}
    }
}

/// 编辑帮助文章 (`/help/:slug/edit`), for administrators: the page is
/// rendered by the server, only the form is an island.
#[cfg(whole_pages)]
#[component]
pub fn HelpEditPage() -> impl IntoView {
    let slug = slug_param();
    let article = Resource::new(move || slug.get(), |s| help_article(s, None));
    view! {
        <Title text="编辑帮助文章 - 帮助中心" />
        {loaded("正在加载……", article, |a| match a {
            Some(a) if a.editable => view! {
                <p class="breadcrumbs"><a href="/help">"帮助中心"</a> " › " <a href=format!("/help/{}", a.slug)>{a.title.clone()}</a> " › 编辑"</p>
                <h1>"编辑帮助文章" <HelpTip link=manual::HELP_EDITING topic="编辑帮助文章" /></h1>
                <HelpEditor slug=a.slug title=a.title body=a.body version=a.version />
            }
            .into_any(),
            Some(_) => view! {
                <ErrorNotice error=AppError::Forbidden />
                <p>"帮助文章由系统管理员编辑。" <a href="/login?tab=regulator">"以管理员身份登录"</a></p>
            }
            .into_any(),
            None => view! { <NotFound /> }.into_any(),
        })}
    }
}

/// The article form, checked in the browser by the server's own rules, with
/// a preview and a version check on saving (a stale save shows the newer
/// text and keeps the administrator's): the page's island, started from the
/// article it is handed.
#[cfg(any(whole_pages, island = "HelpEditor"))]
#[cfg_attr(island = "HelpEditor", island)]
#[cfg_attr(not(island = "HelpEditor"), component)]
fn HelpEditor(slug: String, title: String, body: String, version: i64) -> impl IntoView {
    let title = RwSignal::new(title);
    let body = RwSignal::new(body);
    let base = RwSignal::new(version);
    let save = ServerAction::<SaveHelp>::new();
    let preview = ServerAction::<PreviewHelp>::new();
    let done_slug = slug.clone();
    let form = FormState::for_action(save, move |v| {
        go_to(&format!("/help/{done_slug}?saved={v}"));
    });
    let latest_slug = slug.clone();
    let theirs = theirs_after_conflict(
        save,
        move || {
            let slug = latest_slug.clone();
            Some(async move {
                help_article(slug, None)
                    .await
                    .ok()
                    .flatten()
                    .map(|a| Saved {
                        version: a.version,
                        heading: format!("最新版本(第{}版,{})", a.version, a.edited),
                        title: a.title,
                        body: a.body,
                    })
            })
        },
        base,
    );
    let check = Callback::new(move |_| {
        ArticleText::parse(&title.get_untracked(), &body.get_untracked())
            .err()
            .unwrap_or_default()
    });
    let submit_slug = slug.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.validate(check) {
            save.dispatch(SaveHelp {
                slug: submit_slug.clone(),
                title: title.get_untracked(),
                body: body.get_untracked(),
                base_version: base.get_untracked(),
            });
        }
    };
    view! {
        <form class="form wide" action=SaveHelp::url() method="post" novalidate on:submit=on_submit>
            <ErrorSummary form labels=TitledField::LABELS.to_vec() />
            <input type="hidden" name="slug" value=slug.clone() />
            <input type="hidden" name="base_version" value=move || base.get().to_string() />
            <TextField field=TitledField::Title value=title form check maxlength=100 />
            <MarkdownBody
                body
                label="正文(Markdown:## 小标题 {#锚点}、- 列表、**加粗**、[链接](/help/…)、| 表格 |)"
                rows=24
                form
                check
                recheck=false
            />
            <EditorActions
                on_preview=Callback::new(move |_| {
                    preview.dispatch(PreviewHelp { body: body.get_untracked() });
                })
                pending=save.pending().into()
                label="保存"
                cancel=format!("/help/{slug}")
            />
        </form>
        <TheirVersion theirs />
        <MarkdownPreview result=preview.value().into() />
    }
}
