//! Views of an enterprise's record shared by its own pages (完善信息,
//! 工作台) and the regulator's (信息维护): changes, history, licences.

use leptos::prelude::*;

use crate::api::enterprise_info::{AuditView, LicenceSummary};
use crate::components::help::message_with_help;
use crate::domain::enterprise_info::{Expiry, FieldChange};
use crate::domain::help::Faq;
use crate::domain::Message;

/// A table of field changes: before → after.
pub fn changes_table(changes: Vec<FieldChange>) -> impl IntoView {
    view! {
        <table class="changes">
            <thead><tr><th>"项目"</th><th>"修改前"</th><th>"修改后"</th></tr></thead>
            <tbody>
                {changes
                    .into_iter()
                    .map(|c| view! { <tr><th scope="row">{c.label}</th><td class="before">{c.before}</td><td class="after">{c.after}</td></tr> })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// An audit trail, newest last, each entry with the fields it changed.
pub fn audit_list(trail: Vec<AuditView>) -> impl IntoView {
    view! {
        <ol class="audit">
            {trail
                .into_iter()
                .map(|a| view! {
                    <li>
                        <span class="audit-at">{a.at}</span> " " <span class="audit-actor">{a.actor}</span>
                        {(!a.ip.is_empty()).then(|| format!(" ({})", a.ip))}
                        " " {a.summary} " · " {a.outcome}
                        {(!a.changes.is_empty()).then(|| changes_table(a.changes))}
                    </li>
                })
                .collect_view()}
        </ol>
    }
}

/// Expired and soon-expiring licences, each with what to do (never blocking:
/// an expired licence is a fact the regulator must see).
pub fn expiry_notices(warnings: Vec<String>) -> impl IntoView {
    (!warnings.is_empty()).then(|| {
        view! {
            <div class="notice warning" role="note">
                <h2>"许可证有效期提示"</h2>
                <ul>
                    {warnings.into_iter().map(|m| view! { <li>{message_with_help("", Message::explained(m, Faq::LicenceExpiry))}</li> }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// Licences with expiry highlighted, for the workspace's status at a glance;
/// the enterprise itself (`holder`) is led straight to the renewal.
pub fn licence_list(licences: Vec<LicenceSummary>, holder: bool) -> impl IntoView {
    if licences.is_empty() {
        return view! { <p class="empty">"暂无已提交的经营许可证。"</p> }.into_any();
    }
    view! {
        <ul class="licence-list">
            {licences
                .into_iter()
                .map(|l| {
                    let (class, note) = match l.expiry {
                        Some(Expiry::Expired) => ("expired", "已过期"),
                        Some(Expiry::RenewNow) => ("renew", "3个月内到期"),
                        _ => ("", ""),
                    };
                    let start = match l.expiry {
                        Some(Expiry::RenewNow) if holder => Some("申请延期换证"),
                        Some(Expiry::Expired) if holder => Some("重新申请(首次申请)"),
                        _ => None,
                    };
                    let what_to_do = (!note.is_empty()).then(|| {
                        view! {
                            {start.map(|t| view! { " " <a class="button" href="/licences#licences-held">{t}</a> })}
                            " " <a href=Faq::LicenceExpiry.link().href()>"怎么办理?"</a>
                        }
                    });
                    let scan = (!l.scan.is_empty()).then(|| {
                        view! { " " <a href=format!("/files/{}", l.scan) target="_blank" rel="noopener">"证书扫描件"</a> }
                    });
                    view! { <li class=class>{l.number} " · 有效期至 " {l.valid_until} " " <strong>{note}</strong> {what_to_do} {scan}</li> }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
