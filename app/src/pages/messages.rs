//! 消息 (站内消息): the list of the user's messages, newest first, unread
//! ones marked; a message's own page (opening it marks it read) with the
//! link to the page it concerns; 全部标为已读.
//!
//! Server-side rendered: links and one `ActionForm`, so it works without
//! JavaScript; with it, the header's unread count follows at once.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::messages::{list_messages, open_message, MessageList, ReadAllMessages};
use crate::components::layout::{all_messages_read, ErrorNotice, HeaderRefresh};
use crate::components::{reload_after_success, HydrationMarker};
use crate::domain::message::is_local_link;

/// `/messages?page=N`.
#[cfg(whole_pages)]
#[component]
pub fn MessagesPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(1)
        })
    };
    move || view! { <Inbox page=page() /> }
}

/// One page of messages, with 全部标为已读.
#[cfg(any(whole_pages, island = "Inbox"))]
#[cfg_attr(island = "Inbox", island)]
#[cfg_attr(not(island = "Inbox"), component)]
fn Inbox(page: i64) -> impl IntoView {
    let reload = RwSignal::new(0);
    let flash = RwSignal::new(None::<String>);
    let page = move || page;
    let list = Resource::new(move || (page(), reload.get()), |(p, _)| list_messages(p));
    let read_all = ServerAction::<ReadAllMessages>::new();
    let header = use_context::<HeaderRefresh>();
    reload_after_success(read_all, reload, move |m| {
        flash.set(Some(m));
        all_messages_read(header);
    });
    view! {
        <Title text="消息 - 危化品经营安全监管系统" />
        <h1>"消息"</h1>
        {move || flash.get().map(|m| view! { <p class="notice success" role="status">{m}</p> })}
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(l) => Either::Left(view! { <List l read_all /><HydrationMarker /> }),
                    Err(e) => Either::Right(view! { <ErrorNotice error=e /><HydrationMarker /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn List(l: MessageList, read_all: ServerAction<ReadAllMessages>) -> impl IntoView {
    let page = l.page;
    let pages = l.pages;
    view! {
        <p role="status" class="messages-summary">
            {if l.total == 0 {
                "暂无消息。与您有关的事项(修改申请、确认或退回、许可证案件进度、审核结果、到期提醒)会在这里通知您。".to_string()
            } else {
                format!("共 {} 条,未读 {} 条", l.total, l.unread)
            }}
        </p>
        {(l.unread > 0).then(|| view! {
            <ActionForm action=read_all attr:class="inline-form">
                <button type="submit" class="button">"全部标为已读"</button>
            </ActionForm>
        })}
        {move || read_all.value().get().and_then(Result::err).map(|e| view! { <ErrorNotice error=e /> })}
        <ul class="messages">
            {l.items.into_iter().map(|m| {
                let unread = !m.read;
                view! {
                    <li class:unread=unread data-message=m.id.to_string()>
                        <span class="message-kind">{m.kind.map(|k| k.label()).unwrap_or("通知")}</span>
                        " "
                        <a href=format!("/messages/{}", m.id)>
                            {unread.then(|| view! { <span class="unread-mark">"[未读] "</span> })}
                            {m.title}
                        </a>
                        " "
                        <small class="message-time">{m.at}</small>
                    </li>
                }
            }).collect_view()}
        </ul>
        {(pages > 1).then(|| view! {
            <nav class="pager" aria-label="分页">
                {(page > 1).then(|| view! { <a href=format!("/messages?page={}", page - 1)>"上一页"</a> })}
                {format!(" 第 {page} / {pages} 页 ")}
                {(page < pages).then(|| view! { <a href=format!("/messages?page={}", page + 1)>"下一页"</a> })}
            </nav>
        })}
    }
}

/// `/messages/ID`: one message; opening it marks it read.
#[cfg(whole_pages)]
#[component]
pub fn MessagePage() -> impl IntoView {
    let id = crate::pages::id_param("id");
    let message = Resource::new(id, open_message);
    // Once opened (in the browser), the header's count follows.
    let header = use_context::<HeaderRefresh>();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let opened = message.with(|m| matches!(m, Some(Ok(_))));
        if opened {
            if let Some(h) = header {
                h.bump();
            }
        }
        opened
    });
    view! {
        <Title text="消息 - 危化品经营安全监管系统" />
        <p class="form-links"><a href="/messages">"← 返回消息列表"</a></p>
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || Suspend::new(async move {
                match message.await {
                    Ok(m) => {
                        let link = (is_local_link(&m.link)).then_some(m.link.clone());
                        Either::Left(view! {
                            <article class="message">
                                <h1>{m.title}</h1>
                                <p class="message-meta">
                                    {m.kind.map(|k| k.label()).unwrap_or("通知")} " · " {m.at}
                                </p>
                                <p class="message-body">{m.body}</p>
                                {link.map(|l| view! { <p><a class="button primary" href=l>"前往办理"</a></p> })}
                            </article>
                            <HydrationMarker />
                        }
                            )
                    }
                    Err(e) => Either::Right(view! { <h1>"消息"</h1><ErrorNotice error=e /><HydrationMarker /> }),
                }
            })}
        </Suspense>
    }
}
