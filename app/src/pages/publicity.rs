//! The public side, no login: 许可公示 (licences granted and cancelled in
//! the last days, per issuing authority) and 通知公告 (the notice board),
//! with the writers' editor for notices. Lists are GET forms and links, so
//! they work without JavaScript.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::notice::{
    get_notice, list_notices, ActOnNotice, NoticeList, NoticeView, PreviewNotice, SaveNotice,
};
use crate::api::publicity::{get_publicity, Publicity, PublicityTable};
use crate::components::field::{ErrorSummary, FormState, TextField};
use crate::components::layout::ErrorNotice;
use crate::components::markdown_editor::{
    theirs_after_conflict, EditorActions, MarkdownBody, MarkdownPreview, Saved, TheirVersion,
};
use crate::components::{go_to, plain_post_error};
use crate::domain::normalize::TitledField;
use crate::domain::notice::{NoticeAction, NoticeText, BODY_MAX, PUBLICITY_WINDOWS, TITLE_MAX};
use crate::error::AppError;
#[cfg(whole_pages)]
use crate::pages::{filter_select, loaded, option, NotFound};

/// 许可公示 (`/publicity?days=30&issuer=0&gp=1&cp=1`).
#[cfg(whole_pages)]
#[component]
pub fn PublicityPage() -> impl IntoView {
    let query = use_query_map();
    let num = move |k: &str| query.with(|q| q.get(k).and_then(|v| v.trim().parse::<i64>().ok()));
    let data = Resource::new(
        move || {
            (
                num("days").unwrap_or(0),
                num("issuer").unwrap_or(0),
                num("gp").unwrap_or(1),
                num("cp").unwrap_or(1),
            )
        },
        |(days, issuer, gp, cp)| get_publicity(days, issuer, gp, cp),
    );
    view! {
        <Title text="许可公示 - 危化品经营安全监管系统" />
        <h1>"危险化学品经营许可公示"</h1>
        <p class="intro">"依照《危险化学品经营许可证管理办法》,发证机关向社会公布准予许可和注销许可的情况。本页列出本系统各发证机关的公示信息,不含个人信息。"</p>
        {loaded("正在加载……", data, |p| view! { <PublicityFilters p=p.clone() /><PublicityLists p /> })}
    }
}

#[cfg(whole_pages)]
#[component]
fn PublicityFilters(p: Publicity) -> impl IntoView {
    view! {
        <form class="filters" method="get" action="/publicity" role="search">
            {filter_select(
                ("pub-days", "days", "时间范围"),
                PUBLICITY_WINDOWS.map(|d| option(d, format!("近{d}天"))),
                move || p.days.to_string(),
            )}
            {filter_select(
                ("pub-issuer", "issuer", "发证机关"),
                std::iter::once(option(0, "全部发证机关")).chain(p.issuers.iter().map(|(id, name)| option(id, name)).collect::<Vec<_>>()),
                move || p.issuer.to_string(),
            )}
            <button type="submit" class="button">"查询"</button>
        </form>
    }
}

/// The address of the page with these list pages, keeping the filters.
#[cfg(whole_pages)]
fn publicity_link(p: &Publicity, gp: i64, cp: i64) -> String {
    format!(
        "/publicity?days={}&issuer={}&gp={gp}&cp={cp}",
        p.days, p.issuer
    )
}

#[cfg(whole_pages)]
#[component]
fn PublicityLists(p: Publicity) -> impl IntoView {
    let period = format!("{} 至 {}", p.from, p.to);
    let granted_pager = pager(
        &p.granted,
        |n| publicity_link(&p, n, p.cancelled.page),
        "准予许可公示分页",
    );
    let cancelled_pager = pager(
        &p.cancelled,
        |n| publicity_link(&p, p.granted.page, n),
        "注销公示分页",
    );
    view! {
        {publicity_section(p.granted, false, &period, granted_pager)}
        {publicity_section(p.cancelled, true, &period, cancelled_pager)}
    }
}

/// One list of 许可公示 (the licences granted, or those cancelled): its
/// heading, count, table (or that there is nothing) and pager.
#[cfg(whole_pages)]
fn publicity_section(
    t: PublicityTable,
    cancelled: bool,
    period: &str,
    pager: AnyView,
) -> impl IntoView {
    let (key, title, empty) = if cancelled {
        ("cancelled", "注销公示", "这段时间没有注销许可证的记录。")
    } else {
        (
            "granted",
            "准予许可公示",
            "这段时间没有准予许可(发证)的记录。",
        )
    };
    let heading = format!("{key}-title");
    let labelled_by = heading.clone();
    let count = format!("{period},共 {} 条", t.total);
    let page = page_of(&t);
    let table = (!t.rows.is_empty()).then(|| {
        view! {
            <table class=format!("data publicity-{key}")>
                <thead>
                    <tr>
                        <th>"证书编号"</th><th>"企业名称"</th><th>"统一社会信用代码"</th><th>"经营方式"</th><th>"许可范围"</th>
                        {if cancelled {
                            Either::Left(view! { <th>"注销日期"</th><th>"发证机关"</th><th>"注销原因"</th> })
                        } else {
                            Either::Right(view! { <th>"业务"</th><th>"发证日期"</th><th>"发证机关"</th> })
                        }}
                    </tr>
                </thead>
                <tbody>
                    {t.rows.into_iter().map(|r| view! {
                        <tr>
                            <td>{r.number}</td>
                            <td>{r.enterprise}</td>
                            <td>{r.credit_code}</td>
                            <td>{r.mode}</td>
                            <td>{r.scope}</td>
                            {if cancelled {
                                Either::Left(view! { <td>{r.date}</td><td>{r.issuer}</td><td>{r.reason}</td> })
                            } else {
                                Either::Right(view! { <td>{r.kind}</td><td>{r.date}</td><td>{r.issuer}</td> })
                            }}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    });
    view! {
        <section class="publicity" aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            <p role=(!cancelled).then_some("status") class="publicity-count">{count}{page}</p>
            {match table {
                Some(table) => Either::Left(table),
                None => Either::Right(view! { <p class="empty">{empty}</p> }),
            }}
            {pager}
        </section>
    }
}

#[cfg(whole_pages)]
fn page_of(t: &PublicityTable) -> Option<String> {
    (t.pages > 1).then(|| format!(",第 {} / {} 页", t.page, t.pages))
}

#[cfg(whole_pages)]
fn pager(t: &PublicityTable, link: impl Fn(i64) -> String, label: &'static str) -> AnyView {
    let prev = (t.page > 1).then(|| link(t.page - 1));
    let next = (t.page < t.pages).then(|| link(t.page + 1));
    pager_view(prev, next, label).into_any()
}

#[cfg(whole_pages)]
fn pager_view(prev: Option<String>, next: Option<String>, label: &'static str) -> impl IntoView {
    (prev.is_some() || next.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label=label>
                {prev.map(|h| view! { <a href=h>"上一页"</a> })}
                {next.map(|h| view! { <a href=h>"下一页"</a> })}
            </nav>
        }
    })
}

/// 通知公告 (`/notices?page=N`): pinned first, newest first.
#[cfg(whole_pages)]
#[component]
pub fn NoticesPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query.with(|q| {
            q.get("page")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(1)
        })
    };
    let list = Resource::new(page, list_notices);
    view! {
        <Title text="通知公告 - 危化品经营安全监管系统" />
        <h1>"通知公告"</h1>
        {loaded("正在加载……", list, |l| view! { <NoticeBoard l /> })}
    }
}

#[cfg(whole_pages)]
#[component]
fn NoticeBoard(l: NoticeList) -> impl IntoView {
    let prev = (l.page > 1).then(|| format!("/notices?page={}", l.page - 1));
    let next = (l.page < l.pages).then(|| format!("/notices?page={}", l.page + 1));
    view! {
        {l.can_write.then(|| view! {
            <p class="notice-actions"><a class="button primary" href="/notices/new">"新建公告"</a></p>
        })}
        {if l.items.is_empty() {
            view! { <p class="empty">"暂无通知公告。"</p> }.into_any()
        } else {
            view! {
                <ul class="notice-list">
                    {l.items.into_iter().map(|n| view! {
                        <li class:pinned=n.pinned class:withdrawn=n.withdrawn>
                            {n.pinned.then(|| view! { <span class="tag pinned-tag">"置顶"</span> " " })}
                            <a href=format!("/notices/{}", n.id)>{n.title}</a>
                            {n.withdrawn.then(|| view! { " " <span class="tag">"已撤回"</span> })}
                            <span class="notice-meta">{n.publisher} " · " {n.published_on}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {(prev.is_some() || next.is_some()).then(|| view! {
            <nav class="pager" aria-label="分页">
                {prev.map(|h| view! { <a href=h>"上一页"</a> })}
                {next.map(|h| view! { <a href=h>"下一页"</a> })}
            </nav>
        })}
    }
}

/// One notice (`/notices/:id`), with its writers' buttons: rendered by the
/// server, no island (issue 13). The buttons are plain form posts; the
/// server sends them back here, a success said in the page frame
/// (`act_on_notice` flashes it, as `save_notice` does before the editor
/// comes here), a failure from the address (`__err`).
#[cfg(whole_pages)]
#[component]
pub fn NoticePage() -> impl IntoView {
    let id = crate::pages::id_param("id");
    // A plain post that failed came back with its error in the address.
    let failed = plain_post_error::<ActOnNotice>();
    let notice = Resource::new(id, get_notice);
    view! {
        <p class="breadcrumbs"><a href="/notices">"通知公告"</a> " › 公告"</p>
        {failed.map(|e| view! { <ErrorNotice error=e /> })}
        {loaded("正在加载……", notice, |n| match n {
            Some(n) => Either::Left(notice_article(n)),
            None => Either::Right(view! { <NotFound /> }),
        })}
    }
}

#[cfg(whole_pages)]
fn notice_article(n: NoticeView) -> impl IntoView {
    let button = move |action: NoticeAction| {
        view! {
            <form action=ActOnNotice::url() method="post" class="inline-form">
                <input type="hidden" name="id" value=n.id.to_string() />
                <input type="hidden" name="base_version" value=n.version.to_string() />
                <input type="hidden" name="action" value=action.code() />
                <button type="submit" class="button">{action.label()}</button>
            </form>
        }
    };
    let actions = n.editable.then(|| {
        view! {
            <div class="notice-actions no-print">
                <a class="button" href=format!("/notices/{}/edit", n.id)>"编辑"</a>
                {button(if n.pinned { NoticeAction::Unpin } else { NoticeAction::Pin })}
                {button(if n.withdrawn { NoticeAction::Republish } else { NoticeAction::Withdraw })}
            </div>
        }
    });
    view! {
        <Title text=crate::components::raw_text(format!("{} - 通知公告", n.title)) />
        {n.withdrawn.then(|| view! { <p class="notice warning" role="status">"这条公告已撤回,公众看不到;重新发布后恢复公开。"</p> })}
        <article class="help-article notice-article">
            <h1>{n.title.clone()}</h1>
            <p class="article-meta">
                {n.pinned.then(|| view! { <span class="tag pinned-tag">"置顶"</span> " " })}
                "发布单位:" {n.publisher.clone()} " · 发布于 " {n.published_at.clone()}
            </p>
            <div class="article-body" inner_html=n.html.clone()></div>
        </article>
        {actions}
    }
}

/// 新建公告 (`/notices/new`), for administrators and issuing authorities:
/// the page is rendered by the server, only the form is an island.
#[cfg(whole_pages)]
#[component]
pub fn NoticeNewPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_notices(1));
    view! {
        <Title text="新建公告 - 通知公告" />
        <p class="breadcrumbs"><a href="/notices">"通知公告"</a> " › 新建公告"</p>
        <h1>"新建公告"</h1>
        {loaded("正在加载……", list, |l| if l.can_write {
            Either::Left(view! { <NoticeEditor id=0 title=String::new() body=String::new() version=0 /> })
        } else {
            Either::Right(view! { <NotAWriter /> })
        })}
    }
}

#[cfg(whole_pages)]
#[component]
fn NotAWriter() -> impl IntoView {
    view! {
        <ErrorNotice error=AppError::NotAllowed("通知公告由系统管理员和发证机关发布。".into()) />
        <p>"发证机关的工作人员请" <a href="/login?tab=regulator">"以监管用户登录"</a> "后发布。"</p>
    }
}

/// 编辑公告 (`/notices/:id/edit`), for its publisher and administrators:
/// the page is rendered by the server, only the form is an island.
#[cfg(whole_pages)]
#[component]
pub fn NoticeEditPage() -> impl IntoView {
    let id = crate::pages::id_param("id");
    let notice = Resource::new(id, get_notice);
    view! {
        <Title text="编辑公告 - 通知公告" />
        {loaded("正在加载……", notice, |n| match n {
            Some(n) if n.editable => EitherOf3::A(view! {
                <p class="breadcrumbs"><a href="/notices">"通知公告"</a> " › " <a href=format!("/notices/{}", n.id)>{n.title.clone()}</a> " › 编辑"</p>
                <h1>"编辑公告"</h1>
                <NoticeEditor id=n.id title=n.title body=n.body version=n.version />
            }),
            Some(_) => EitherOf3::B(view! {
                <h1>"编辑公告"</h1>
                <ErrorNotice error=AppError::NotAllowed("这条公告由其他单位发布,只有发布单位和系统管理员可以修改。".into()) />
            }),
            None => EitherOf3::C(view! { <NotFound /> }),
        })}
    }
}

/// The notice form: title and Markdown body, checked in the browser by the
/// server's own rules, a preview, and a version check on saving (a stale
/// save shows the newer text and keeps the writer's). The island of
/// 新建公告 and 编辑公告, started from the notice the page hands it.
#[cfg(any(whole_pages, island = "NoticeEditor"))]
#[cfg_attr(island = "NoticeEditor", island)]
#[cfg_attr(not(island = "NoticeEditor"), component)]
fn NoticeEditor(id: i64, title: String, body: String, version: i64) -> impl IntoView {
    let title = RwSignal::new(title);
    let body = RwSignal::new(body);
    let base = RwSignal::new(version);
    let save = ServerAction::<SaveNotice>::new();
    let preview = ServerAction::<PreviewNotice>::new();
    let form = FormState::for_action(save, move |saved: i64| {
        // The notice's page says it was saved (`save_notice` flashed it).
        go_to(&format!("/notices/{saved}"));
    });
    // A new notice has no one else's version to show.
    let theirs = theirs_after_conflict(
        save,
        move || {
            (id != 0).then_some(async move {
                get_notice(id).await.ok().flatten().map(|n| Saved {
                    version: n.version,
                    heading: format!("最新内容({})", n.updated_at),
                    title: n.title,
                    body: n.body,
                })
            })
        },
        base,
    );
    let check = Callback::new(move |_| {
        NoticeText::parse(&title.get_untracked(), &body.get_untracked())
            .err()
            .unwrap_or_default()
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.validate(check) {
            save.dispatch(SaveNotice {
                id,
                title: title.get_untracked(),
                body: body.get_untracked(),
                base_version: base.get_untracked(),
            });
        }
    };
    let cancel = if id == 0 {
        "/notices".to_string()
    } else {
        format!("/notices/{id}")
    };
    let count = Signal::derive(move || {
        format!(
            "最多{BODY_MAX}个字,现在{}个字。HTML 标签按原样显示为文字。",
            body.with(|b| b.chars().count())
        )
    });
    view! {
        <form class="form wide" action=SaveNotice::url() method="post" novalidate on:submit=on_submit>
            <ErrorSummary form labels=TitledField::LABELS.to_vec() />
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="base_version" value=move || base.get().to_string() />
            <TextField field=TitledField::Title value=title form check hint="最多60个字" />
            <MarkdownBody
                body
                label="正文(Markdown:## 小标题、- 列表、**加粗**、[链接](https://…)、| 表格 |)"
                rows=18
                form
                check
                hint=count
            />
            <EditorActions
                on_preview=Callback::new(move |_| {
                    preview.dispatch(PreviewNotice { body: body.get_untracked() });
                })
                pending=save.pending().into()
                label=if id == 0 { "发布" } else { "保存" }
                cancel
            />
        </form>
        <TheirVersion theirs />
        <MarkdownPreview result=preview.value().into() />
    }
}

#[cfg(whole_pages)]
// The title's limit is stated in its hint; keep them in step.
const _: () = assert!(TITLE_MAX == 60);
