//! 许可证业务 → 信息维护 (regulators): the enterprises of the jurisdiction,
//! one enterprise's record, confirming submissions and proposing changes.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::enterprise_info::{
    info_directory, regulated_record, DecideInfo, DirectoryPage, OpenChange, ProposeChange,
    RecordView, RemindEnterprise, WithdrawProposal, RETURN_REASON_MISSING,
};
use crate::components::field::{keep_typed_in, kept_elsewhere, required_reason};
use crate::components::help::HelpTip;
use crate::components::layout::ErrorNotice;
use crate::components::record::{audit_list, changes_table, expiry_notices, licence_list};
use crate::components::storage_units::Arithmetic;
use crate::components::{go_to, prop_getter};
use crate::domain::business_mode::BusinessMode;
use crate::domain::enterprise_info::{Expiry, RecordStatus, Scalar, StatusFilter, ECONOMIC_TYPES};
use crate::domain::help::HelpLink;
use crate::domain::major_hazard::HazardFilter;
use crate::domain::record_field::RecordField;
use crate::error::AppError;
use crate::pages::loaded;
#[cfg(whole_pages)]
use crate::pages::report::{export_links, query_string};
#[cfg(whole_pages)]
use crate::pages::{filter_select, option};
use crate::url::urlencode;

const MAINTENANCE_HELP: HelpLink = HelpLink::section("regulator-manual", "maintenance");

#[cfg(whole_pages)]
#[component]
pub fn MaintenancePage() -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    /// The filters, in the order of the query string.
    const FILTERS: [&str; 7] = [
        "q", "region", "mode", "status", "expiring", "sort", "hazard",
    ];
    let page = Resource::new(
        move || {
            (
                FILTERS.map(param),
                param("page").parse::<i64>().unwrap_or(1),
            )
        },
        |([q, region, mode, status, expiring, sort, hazard], page)| {
            info_directory(q, region, mode, status, expiring, sort, hazard, page)
        },
    );
    view! {
        <Title text="信息维护 - 危化品经营安全监管系统" />
        <p class="breadcrumbs">"许可证业务 › 信息维护"</p>
        <h1>"信息维护 " <HelpTip link=MAINTENANCE_HELP topic="信息维护" /></h1>
        {loaded("正在查询……", page, move |p| {
            let [q, region, mode, status, expiring, sort, hazard] = FILTERS.map(param);
            let regions = p.regions.clone();
            view! {
                <form class="filters" method="get" action="/maintenance" role="search">
                    <label for="dir-q">"名称、统一社会信用代码或许可证编号"</label>
                    <input id="dir-q" type="search" name="q" value=q aria-describedby="dir-q-hint" />
                    <span class="field-hint" id="dir-q-hint">"可只输入一部分:名称中的字词、信用代码的前几位或许可证编号中的一段数字。"</span>
                    {(!regions.is_empty()).then(|| {
                        let all = std::iter::once(option("", "本辖区全部"));
                        filter_select(("dir-region", "region", "地区"), all.chain(regions), move || region.clone())
                    })}
                    {filter_select(
                        ("dir-mode", "mode", "经营方式"),
                        std::iter::once(option("", "全部")).chain(BusinessMode::ALL.map(|m| option(m.code(), m.label()))),
                        move || mode.clone(),
                    )}
                    {filter_select(
                        ("dir-status", "status", "状态"),
                        std::iter::once(option("", "全部状态")).chain(StatusFilter::ALL.map(|f| option(f.code(), f.label()))),
                        move || status.clone(),
                    )}
                    {filter_select(
                        ("dir-hazard", "hazard", "重大危险源"),
                        HazardFilter::all().into_iter().map(|f| option(f.code(), f.label())),
                        move || hazard.clone(),
                    )}
                    <label for="dir-expiring">"许可证在多少天内到期"</label>
                    <input id="dir-expiring" name="expiring" type="number" min="0" max="3650" value=expiring />
                    {filter_select(
                        ("dir-sort", "sort", "排序"),
                        [option("", "按企业名称"), option("expiry", "按许可证到期日(最近的在前)")],
                        move || sort.clone(),
                    )}
                    <button type="submit" class="button">"查询"</button>
                </form>
                <Directory p />
            }
        })}
    }
}

/// Why 申请修改 is not offered while the enterprise changes its record, who
/// holds the change and since when, when it lapses, and a reminder by SMS.
#[cfg(whole_pages)]
#[component]
fn OpenChangeNotice(c: OpenChange, code: String, failed: Option<AppError>) -> impl IntoView {
    let by = if c.by.is_empty() {
        "企业".to_string()
    } else {
        c.by.clone()
    };
    view! {
        <section class="notice" aria-labelledby="open-change-title">
            <h2 id="open-change-title">"企业正在变更信息,暂不能申请修改"</h2>
            <p>
                "企业于 " {c.since.clone()} " 开始信息变更,最近一次由" {by} "保存于 " {c.saved.clone()}
                "。变更提交之前不能申请修改;企业提交后,您可以在本页确认或退回。"
            </p>
            <p>
                "变更如至 " {c.lapses.clone()} " 仍未保存,将自动作废,原已确认的信息继续有效,届时即可申请修改。"
            </p>
            <form action=RemindEnterprise::url() method="post">
                <input type="hidden" name="credit_code" value=code />
                <button type="submit" class="button">"短信提醒企业尽快提交"</button>
            </form>
            {failed.map(|e| view! { <ErrorNotice error=e /> })}
        </section>
    }
}

/// The directory's filters, as the page's address and the export's have them.
#[cfg(whole_pages)]
const FILTER_KEYS: [&str; 7] = [
    "q", "region", "mode", "status", "expiring", "sort", "hazard",
];

#[cfg(whole_pages)]
#[component]
fn Directory(p: DirectoryPage) -> impl IntoView {
    let query = use_query_map();
    let link = move |page: i64| {
        let mut parts: Vec<String> = [
            "q", "region", "mode", "status", "expiring", "sort", "hazard",
        ]
        .iter()
        .filter_map(|k| {
            query
                .with_untracked(|q| q.get(k))
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencode(&v)))
        })
        .collect();
        parts.push(format!("page={page}"));
        format!("/maintenance?{}", parts.join("&"))
    };
    view! {
        <p role="status">
            "共 " {p.total} " 家企业" {(p.pages > 1).then(|| format!(",第 {} / {} 页", p.page, p.pages))}
            {(p.total == 0).then_some("。没有符合条件的企业:可以只输入名称中的字词、信用代码的前几位或许可证编号中的一段数字,或放宽地区、经营方式、状态等条件后再查。")}
        </p>
        {
            let pairs: Vec<(&str, String)> = FILTER_KEYS
                .iter()
                .map(|k| (*k, query.with_untracked(|q| q.get(k)).unwrap_or_default()))
                .collect();
            let expiring = pairs
                .iter()
                .find(|(k, _)| *k == "expiring")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let region = pairs
                .iter()
                .find(|(k, _)| *k == "region")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            view! {
                {export_links("directory", query_string(&pairs), p.total)}
                {p.expiring_licences.map(|n| view! {
                    <h2 class="no-print">{format!("{expiring} 天内到期及已过期的许可证")}</h2>
                    {export_links("expiring", query_string(&[("expiring", expiring.clone()), ("region", region.clone())]), n)}
                })}
            }
        }
        <table class="directory">
            <thead><tr><th>"企业名称"</th><th>"统一社会信用代码"</th><th>"所属地区"</th><th>"经营方式"</th><th>"重大危险源"</th><th>"状态"</th><th>"最近到期"</th></tr></thead>
            <tbody>
                {p.entries.into_iter().map(|e| {
                    let class = match e.expiry { Some(Expiry::Expired) => "expired", Some(Expiry::RenewNow) => "renew", _ => "" };
                    view! {
                        <tr>
                            <td><a href=format!("/maintenance/{}", e.credit_code)>{e.name}</a></td>
                            <td>{e.credit_code}</td>
                            <td>{e.region}</td>
                            <td>{e.mode}</td>
                            <td>{e.hazard}</td>
                            <td>{e.status.label()} {e.proposal_pending.then_some("(修改申请待确认)")}</td>
                            <td class=class>{e.next_expiry.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label="分页">
            {(p.page > 1).then(|| view! { <a href=link(p.page - 1)>"上一页"</a> })}
            " "
            {(p.page < p.pages).then(|| view! { <a href=link(p.page + 1)>"下一页"</a> })}
        </nav>
        {(!p.handovers.is_empty()).then(|| view! {
            <section class="handovers" aria-labelledby="handovers-title">
                <h2 id="handovers-title">"监管移交记录(近180天)"</h2>
                <ul>
                    {p.handovers.into_iter().map(|h| view! {
                        <li>
                            <span class="audit-at">{h.at}</span> " "
                            {if h.outgoing {
                                view! { <strong>{h.name}</strong> }.into_any()
                            } else {
                                view! { <a href=format!("/maintenance/{}", h.credit_code)>{h.name}</a> }.into_any()
                            }}
                            " (" {h.credit_code} ") " {h.summary}
                            {h.outgoing.then_some("。该企业已移出本辖区,不再由本局监管。")}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// One enterprise's record for its regulator: a page without islands
/// (issue 13: nothing to download). Each decision is a plain form post that
/// comes back here: a success says so in the page frame (`take_flash`), a
/// failure with its error in the address (each `ServerAction::new` below
/// reads it), over the record as it now is. 申请修改 has a page of its own.
#[cfg(whole_pages)]
#[component]
pub fn EnterpriseRecordPage() -> impl IntoView {
    let code = use_params_map().with_untracked(|p| p.get("code").unwrap_or_default());
    let record = Resource::new(move || code.clone(), regulated_record);
    let failed = StoredValue::new(
        ServerAction::<DecideInfo>::new()
            .value()
            .get_untracked()
            .or_else(|| {
                ServerAction::<WithdrawProposal>::new()
                    .value()
                    .get_untracked()
            })
            .and_then(Result::err),
    );
    let reminded = StoredValue::new(
        ServerAction::<RemindEnterprise>::new()
            .value()
            .get_untracked()
            .and_then(Result::err),
    );
    view! {
        <Title text="企业信息 - 信息维护" />
        <p class="breadcrumbs"><a href="/maintenance">"信息维护"</a> " › 企业信息"</p>
        {loaded("正在加载……", record, move |r| view! {
            <Record r failed=failed.get_value() reminded=reminded.get_value() />
        })}
    }
}

#[cfg(whole_pages)]
#[component]
fn Record(r: RecordView, failed: Option<AppError>, reminded: Option<AppError>) -> impl IntoView {
    let name = r.name.clone();
    // A missing reason is said at its field (by the browser before sending,
    // by the server after).
    let reason_error = failed
        .as_ref()
        .and_then(|e| e.field_errors().get("reason").map(str::to_string));
    // A decision refused because the record changed meanwhile is said at the
    // top of the page, which shows the record as it is now.
    let outcome = failed
        .filter(|e| e.field_errors().get("reason").is_none())
        .map(|e| {
            let fields = e.field_errors();
            if e.is_stale() || fields.get("status").is_some() {
                Either::Left(view! { <p class="alert" role="alert">{e.to_string()}</p> })
            } else {
                Either::Right(view! { <ErrorNotice error=e /> })
            }
        });
    let code = r.credit_code.clone();
    view! {
        <h1>{name} " " <span class="status-badge">{r.status_label.clone()}</span></h1>
        <p class="summary-line">"统一社会信用代码:" {r.credit_code.clone()}</p>
        {outcome}
        {r.kept_reason.clone().filter(|_| r.submitted.is_none()).map(|text| kept_elsewhere("退回原因".into(), text))}
        {r.proposal.clone().map(|p| {
            view! {
                <section class="lock-notice" aria-labelledby="proposal-title">
                    <h2 id="proposal-title">"修改申请待企业确认"</h2>
                    <p>{p.organization.clone()} " " {p.user.clone()} " 自 " {p.since.clone()} " 起申请修改;确认前企业不能修改信息。"</p>
                    {changes_table(p.changes.clone())}
                    {p.mine.then(|| view! {
                        <form action=WithdrawProposal::url() method="post">
                            <input type="hidden" name="credit_code" value=code.clone() />
                            <input type="hidden" name="proposal_id" value=p.id />
                            <button type="submit" class="button">"撤回申请"</button>
                        </form>
                    })}
                </section>
            }
        })}
        {r.submitted.clone().map(|changes| {
            view! {
                <section class="submitted" aria-labelledby="submitted-title">
                    <h2 id="submitted-title">"企业提交的信息(待确认)"</h2>
                    {changes_table(changes)}
                    {expiry_notices(r.submitted_warnings.clone())}
                    <div class="review-actions">
                        <form action=DecideInfo::url() method="post">
                            <input type="hidden" name="credit_code" value=code.clone() />
                            <input type="hidden" name="base_version" value=r.version />
                            <input type="hidden" name="approve" value="true" />
                            <input type="hidden" name="reason" value="" />
                            <button type="submit" class="button primary">"确认"</button>
                        </form>
                        <form class="reject-form" action=DecideInfo::url() method="post">
                            <input type="hidden" name="credit_code" value=code.clone() />
                            <input type="hidden" name="base_version" value=r.version />
                            <input type="hidden" name="approve" value="false" />
                            {required_reason("return-reason", "退回原因", RETURN_REASON_MISSING, reason_error.clone(), r.kept_reason.clone())}
                            <button type="submit" class="button">"退回"</button>
                        </form>
                    </div>
                </section>
            }
        })}
        <h2>"企业信息"</h2>
        {match r.record.clone() {
            Some(rec) => Either::Left(view! {
                <dl class="profile record">
                    {rec.fields().into_iter().map(|(field, value)| {
                        let value = if field == Scalar::RegionCode.into() { r.region_name.clone() } else { value };
                        let empty = value.is_empty();
                        let flagged = field == RecordField::HazardFlag;
                        view! { <dt>{field.label()}</dt><dd class:empty=empty class:flagged=flagged>{if empty { "未填写".to_string() } else { value }}</dd> }
                    }).collect_view()}
                </dl>
                // The arithmetic behind the computed result, to follow by hand.
                {rec.hazard_identification().0.map(|c| view! {
                    <h3>"重大危险源辨识计算(GB 18218-2018)"</h3>
                    {c.units.into_iter().map(|id| view! { <Arithmetic id /> }).collect_view()}
                })}
            }
                ),
            None => Either::Right(view! { <p>"企业尚未提交信息。"</p> }),
        }}
        <h2>"经营许可证"</h2>
        {licence_list(r.licences.clone(), false)}
        {r.open_change.clone().filter(|_| r.can_propose).map(|c| {
            view! { <OpenChangeNotice c code=code.clone() failed=reminded /> }
        })}
        {(r.can_propose && r.status == RecordStatus::Confirmed && r.proposal.is_none()).then(|| view! {
            <section class="propose" aria-labelledby="propose-title">
                <h2 id="propose-title">"申请修改 " <HelpTip link=MAINTENANCE_HELP topic="申请修改" /></h2>
                <p><a class="button" href=format!("/maintenance/{code}/propose")>"申请修改企业信息"</a></p>
            </section>
        })}
        <h2>"变更记录"</h2>
        {export_links("audit", query_string(&[("credit_code", r.credit_code.clone())]), r.trail_total)}
        {(r.trail_total > r.trail.len() as i64).then(|| view! {
            <p class="field-hint">{format!("下面是最近的 {} 条,全部记录请导出。", r.trail.len())}</p>
        })}
        {audit_list(r.trail.clone())}
    }
}

#[cfg(whole_pages)]
#[component]
pub fn ProposePage() -> impl IntoView {
    let code = crate::pages::route_text("code");
    move || view! { <ProposeArea code=code() /> }
}

/// 申请修改 on a page of its own: the form keeps what was typed and says
/// each problem at its field; once sent, the record's page shows the pending
/// proposal.
#[cfg(any(whole_pages, island = "ProposeArea"))]
#[cfg_attr(island = "ProposeArea", island)]
#[cfg_attr(not(island = "ProposeArea"), component)]
fn ProposeArea(code: String) -> impl IntoView {
    let code = prop_getter(code);
    let record = Resource::new(code, regulated_record);
    view! {
        <Title text="申请修改 - 信息维护" />
        <p class="breadcrumbs">
            <a href="/maintenance">"信息维护"</a> " › "
            <a href=move || format!("/maintenance/{}", code())>"企业信息"</a> " › 申请修改"
        </p>
        {loaded("正在加载……", record, |r| {
            if r.can_propose && r.status == RecordStatus::Confirmed && r.proposal.is_none() {
                let rec = r.record.clone().unwrap_or_default();
                Either::Left(view! {
                    <h1>"申请修改:" {r.name.clone()}</h1>
                    <ProposeForm code=r.credit_code.clone() version=r.version rec />
                })
            } else {
                Either::Right(view! {
                    <h1>"申请修改:" {r.name.clone()}</h1>
                    <p class="alert" role="alert">
                        "现在不能申请修改:企业信息须已确认、没有待确认的修改申请,且企业没有正在进行的信息变更。"
                        <a href=format!("/maintenance/{}", r.credit_code)>"返回企业信息"</a>
                    </p>
                })
            }
        })}
    }
}

/// 申请修改: the fields a regulator may change, prefilled with the record in force.
#[component]
fn ProposeForm(
    code: String,
    version: i64,
    rec: crate::domain::enterprise_info::EnterpriseRecord,
) -> impl IntoView {
    let propose = ServerAction::<ProposeChange>::new();
    // Sent: the record's page shows the proposal waiting for the enterprise.
    let record_page = format!("/maintenance/{code}");
    Effect::new(move |_| {
        if let Some(Ok(_)) = propose.value().get() {
            go_to(&record_page);
        }
    });
    let editable: Vec<(Scalar, RwSignal<String>)> = Scalar::ALL
        .into_iter()
        .filter(|f| f.proposable())
        .map(|f| (f, RwSignal::new(f.of(&rec).clone())))
        .collect();
    let original = rec.clone();
    let fields = editable.clone();
    // Sent by the island only (the call carries typed values): the button
    // waits for it to be live; what was typed before stays (`keep_typed_in`).
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values: Vec<(Scalar, String)> = fields
            .iter()
            .filter(|(f, s)| *f.of(&original) != s.get_untracked())
            .map(|(f, s)| (*f, s.get_untracked()))
            .collect();
        propose.dispatch(ProposeChange {
            credit_code: code.clone(),
            base_version: version,
            values,
        });
    };
    view! {
        <section class="propose" aria-labelledby="propose-title">
            <h2 id="propose-title">"修改内容 " <HelpTip link=MAINTENANCE_HELP topic="申请修改" /></h2>
            <p class="field-hint">"修改需要的项目后提交;企业确认后生效。确认前企业不能修改信息,您可以随时撤回。"</p>
            <form class="form" method="post" novalidate on:submit=on_submit.clone()>
                {editable.iter().map(|(field, s)| {
                    let key = field.key();
                    let id = format!("p-{key}");
                    let s = *s;
                    // 经济类型 is one of a list: a select, as on the enterprise's form.
                    let control = if *field == Scalar::EconomicType {
                        let current = s.get_untracked();
                        let node = NodeRef::<leptos::html::Select>::new();
                        keep_typed_in(node, s);
                        view! {
                            <select id=id name=key node_ref=node on:change=move |ev| s.set(event_target_value(&ev))>
                                <option value="" selected=current.is_empty()>"请选择"</option>
                                {ECONOMIC_TYPES.iter().map(|t| {
                                    let chosen = current == *t;
                                    view! { <option value=*t selected=chosen>{*t}</option> }
                                }).collect_view()}
                            </select>
                        }
                        .into_any()
                    } else {
                        let node = NodeRef::<leptos::html::Input>::new();
                        keep_typed_in(node, s);
                        view! { <input id=id name=key node_ref=node value=s.get_untracked() on:input=move |ev| s.set(event_target_value(&ev)) /> }
                            .into_any()
                    };
                    view! {
                        <div class="field">
                            <label for=format!("p-{key}")>{field.label()}</label>
                            {control}
                            {move || propose.value().get().and_then(Result::err).and_then(|e| e.field_errors().get(key).map(str::to_string)).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                        </div>
                    }
                }).collect_view()}
                <button type="submit" class="button primary" disabled=move || !live.get() || propose.pending().get()>"提交修改申请"</button>
            </form>
            {move || propose.value().get().and_then(Result::err).map(|e| {
                if e.field_errors().is_empty() {
                    view! { <ErrorNotice error=e /> }.into_any()
                } else {
                    view! { <p class="alert" role="alert">{e.to_string()}</p> }.into_any()
                }
            })}
        </section>
    }
}
