//! Help where people get stuck: the search box, the "?" next to each form
//! step, and the 查看帮助 link after a message. Help links open in a new tab
//! so a half-filled form stays as it is.

use leptos::prelude::*;

use crate::domain::help::{for_message_at, HelpLink, Segment};
use crate::domain::Message;

/// The help centre's search box (a plain GET form: works without JavaScript).
#[component]
pub fn SearchBox(#[prop(optional, into)] value: String) -> impl IntoView {
    view! {
        <form class="help-search" method="get" action="/help/search" role="search">
            <label for="help-q">"搜索帮助"</label>
            <input
                id="help-q"
                type="search"
                name="q"
                value=value
                maxlength=100
                placeholder="例如:完善信息、忘记密码、一企多证"
            />
            <button type="submit" class="button">"搜索"</button>
        </form>
    }
}

/// The "?" next to a form step's heading: opens its manual section.
#[component]
pub fn HelpTip(link: HelpLink, topic: &'static str) -> impl IntoView {
    view! {
        <a
            class="help-tip"
            href=link.href()
            target="_blank"
            rel="noopener"
            title=format!("帮助:{topic}")
            aria-label=format!("帮助:{topic}(新窗口打开)")
        >
            "?"
        </a>
    }
}

/// A message at `field` ("" for the whole form) with, when an article
/// explains it, a 查看帮助 link: the message's own article, else the field's.
pub fn message_with_help(field: &str, message: impl Into<Message>) -> impl IntoView {
    let message = message.into();
    let link = for_message_at(field, message.help);
    view! {
        <span class="message-text">{message.text}</span>
        {link
            .map(|l| {
                view! {
                    " "
                    <a class="help-link" href=l.href() target="_blank" rel="noopener">
                        "查看帮助"
                    </a>
                }
            })}
    }
}

/// Text with its search matches in `<mark>`.
pub fn highlighted(segments: Vec<Segment>) -> impl IntoView {
    segments
        .into_iter()
        .map(|s| {
            if s.hit {
                view! { <mark>{s.text}</mark> }.into_any()
            } else {
                s.text.into_any()
            }
        })
        .collect_view()
}
