//! 年度报告 (regulators) and the export links every regulator's list carries.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::report::{get_annual_report, AnnualReport};
use crate::components::layout::ErrorNotice;
use crate::components::HydrationMarker;
use crate::domain::annual_report::{Figures, Metric};
use crate::pages::{filter_select, option};
use crate::url::urlencode;

/// 导出 CSV / 导出 Excel for a list: plain links (they work without
/// JavaScript; `download` keeps the router out) carrying the page's
/// filters (`query`, already encoded), with how many rows the file has.
pub fn export_links(list: &'static str, query: String, rows: i64) -> impl IntoView {
    let href = move |ext: &str| {
        if query.is_empty() {
            format!("/export/{list}.{ext}")
        } else {
            format!("/export/{list}.{ext}?{query}")
        }
    };
    view! {
        <p class="exports no-print">
            <span class="export-count">{format!("导出当前结果(共 {rows} 行):")}</span>
            " "
            <a class="button" href=href("csv") download="" rel="external">"导出 CSV"</a>
            " "
            <a class="button" href=href("xlsx") download="" rel="external">"导出 Excel"</a>
            " "
            <span class="field-hint">"点击后浏览器即开始下载;行数较多时需要一些时间,进度显示在浏览器的下载栏中,请勿重复点击。"</span>
        </p>
    }
}

/// `k=v&…` of the non-empty pairs, encoded.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[component]
pub fn AnnualReportPage() -> impl IntoView {
    let query = use_query_map();
    let year = move || {
        query.with(|q| {
            q.get("year")
                .and_then(|y| y.parse::<i32>().ok())
                .unwrap_or(0)
        })
    };
    let region = move || query.with(|q| q.get("region").unwrap_or_default());
    let report = Resource::new(move || (year(), region()), |(y, r)| get_annual_report(y, r));
    view! {
        <Title text="年度报告 - 危化品经营安全监管系统" />
        <p class="breadcrumbs">"监督管理 › 年度报告"</p>
        <Suspense fallback=|| view! { <p>"正在统计……"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(r) => view! { <Report r /><HydrationMarker /> }.into_any(),
                    Err(e) => view! { <h1>"年度报告"</h1><ErrorNotice error=e /><HydrationMarker /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn report_link(year: i32, region: &str) -> String {
    if region.is_empty() {
        format!("/reports/annual?year={year}")
    } else {
        format!("/reports/annual?year={year}&region={}", urlencode(region))
    }
}

/// The column groups in order: (heading, how many columns).
fn groups() -> Vec<(&'static str, usize)> {
    let mut out: Vec<(&'static str, usize)> = vec![];
    for m in Metric::ALL {
        match out.last_mut() {
            Some((g, n)) if *g == m.group() => *n += 1,
            _ => out.push((m.group(), 1)),
        }
    }
    out
}

#[component]
fn Report(r: AnnualReport) -> impl IntoView {
    let year = r.year;
    let code = r.region_code.clone();
    let rows = r.rows.len() as i64 + i64::from(r.other.is_some()) + 1;
    let export_query = query_string(&[("year", year.to_string()), ("region", code.clone())]);
    let cells = move |f: Figures, drill: Option<(String, String)>| {
        Metric::ALL
            .into_iter()
            .map(|m| {
                let n = f.get(m);
                match &drill {
                    Some((code, name)) => {
                        let label = format!("{name} {}:{n},查看{name}的年度报告", m.label());
                        view! { <td><a href=report_link(year, code) aria-label=label>{n}</a></td> }
                            .into_any()
                    }
                    None => view! { <td>{n}</td> }.into_any(),
                }
            })
            .collect_view()
    };
    view! {
        <div class="annual-report">
            <h1>{format!("{year}年度危险化学品经营许可年度报告")}</h1>
            <p class="report-region">"地区:" <strong>{r.region.clone()}</strong> " · 统计期间:" {format!("{year}年1月1日至12月31日")}</p>
            <form class="filters no-print" method="get" action="/reports/annual">
                {filter_select(
                    ("report-year", "year", "年份"),
                    (2020..=r.this_year).rev().map(|y| option(y, format!("{y}年"))),
                    move || year.to_string(),
                )}
                <input type="hidden" name="region" value=code.clone() />
                <button type="submit" class="button">"查看"</button>
            </form>
            {r.up.clone().map(|(up, name)| view! {
                <p class="no-print"><a href=report_link(year, &up)>{format!("返回上一级:{name}")}</a></p>
            })}
            {export_links("annual", export_query, rows)}
            <p class="field-hint no-print">"打印:使用浏览器的打印功能,表格按 A4 横向排版,不打印导航。点击下级地区的任一数字可查看该地区的报告。"</p>
            <table class="report-table">
                <caption>{format!("{}{year}年度许可审批、发证和监督管理情况", r.region)}</caption>
                <thead>
                    <tr>
                        <th scope="col" rowspan="2">"地区"</th>
                        {groups().into_iter().map(|(g, n)| view! { <th scope="colgroup" colspan=n.to_string()>{g}</th> }).collect_view()}
                    </tr>
                    <tr>
                        {Metric::ALL.into_iter().map(|m| view! { <th scope="col">{m.label()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {r.rows.clone().into_iter().map(|row| {
                        let own = row.region_code == code;
                        let drill = (!own).then(|| (row.region_code.clone(), row.region.clone()));
                        view! {
                            <tr data-region=row.region_code.clone()>
                                <th scope="row">
                                    {if own {
                                        view! { <span>{row.region.clone()}</span> }.into_any()
                                    } else {
                                        view! { <a href=report_link(year, &row.region_code)>{row.region.clone()}</a> }.into_any()
                                    }}
                                </th>
                                {cells(row.figures, drill)}
                            </tr>
                        }
                    }).collect_view()}
                    {r.other.map(|o| view! {
                        <tr class="other"><th scope="row">"其他(未细分到下级地区)"</th>{cells(o, None)}</tr>
                    })}
                </tbody>
                <tfoot>
                    <tr class="total"><th scope="row">"合计"</th>{cells(r.total, None)}</tr>
                </tfoot>
            </table>
            <section class="report-notes">
                <h2>"统计口径"</h2>
                <ul>
                    <li>"按企业当前所属地区统计;合计等于各下级地区之和。"</li>
                    <li>"收到许可申请:当年首次提交的申请(补正后重新提交不重复计算),按事项分列。"</li>
                    <li>"受理、不予受理、准予许可、不予许可:当年作出的决定(准予许可含准予注销)。"</li>
                    <li>"发证:当年核发的证书,含延期、变更、补证换发;注销许可证:当年注销的证书;年末有效许可证:12月31日仍有效的证书。"</li>
                    <li>"新注册企业:当年注册并已启用账号的企业;信息确认、信息退回:当年对企业信息的确认与退回;监管修改申请:当年监管部门提出的修改申请。"</li>
                </ul>
            </section>
        </div>
    }
}
