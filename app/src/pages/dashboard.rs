//! 监管统计 (/dashboard): what waits for the regulator, and the jurisdiction
//! in charts drawn on the server as SVG, each with its numbers in a table
//! beside it, every sub-region drilling down.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::dashboard::load_dashboard;
use crate::domain::dashboard::{bar_lengths, Chart, Dashboard};
use crate::pages::loaded;

/// Chart geometry, in SVG units.
const LABEL_WIDTH: f64 = 190.0;
const BAR_SPACE: f64 = 260.0;
const VALUE_WIDTH: f64 = 70.0;
const ROW: f64 = 26.0;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let region = crate::pages::query_text("region");
    let data = Resource::new(region, load_dashboard);
    view! {
        <Title text="监管统计 - 危化品经营安全监管系统" />
        <p class="breadcrumbs">"监管统计"</p>
        {loaded("正在统计……", data, |d| view! { <DashboardView d /> })}
    }
}

#[component]
fn DashboardView(d: Dashboard) -> impl IntoView {
    let Dashboard {
        name,
        trail,
        today,
        todo,
        charts,
        steps,
        ..
    } = d;
    let last = trail.len().saturating_sub(1);
    view! {
        <h1>"监管统计 · " {name}</h1>
        <nav class="drill-trail" aria-label="上级地区">
            {trail.into_iter().enumerate().map(|(i, (code, name))| {
                let sep = (i > 0).then_some(" › ");
                if i == last {
                    view! { {sep} <span aria-current="page">{name}</span> }.into_any()
                } else {
                    let href = if code.is_empty() { "/dashboard".to_string() } else { format!("/dashboard?region={code}") };
                    view! { {sep} <a href=href>{name}</a> }.into_any()
                }
            }).collect_view()}
        </nav>
        <p class="field-note">{format!("统计截至 {today}。点击数字查看对应的名单,点击地区名称查看该地区的统计。")}</p>
        <section aria-labelledby="todo-title">
            <h2 id="todo-title">"待办事项"</h2>
            <ul class="todo-grid">
                {todo.into_iter().map(|t| view! {
                    <li class="todo" class:urgent=t.urgent>
                        <a href=t.link>
                            <span class="todo-value">{t.value}</span>
                            <span class="todo-label">{t.label}</span>
                        </a>
                        {(!t.note.is_empty()).then(|| view! { <span class="todo-note">{t.note}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
        {charts.into_iter().map(|c| view! { <ChartFigure c /> }).collect_view()}
        <section aria-labelledby="steps-title" class="chart">
            <h2 id="steps-title">"各环节办理用时(近 12 个月,中位数)"</h2>
            {if steps.is_empty() {
                view! { <p class="empty">"近 12 个月没有办理过许可案件。"</p> }.into_any()
            } else {
                view! {
                    <table class="data">
                        <thead><tr><th scope="col">"环节"</th><th scope="col">"用时中位数"</th><th scope="col">"案件数"</th></tr></thead>
                        <tbody>
                            {steps.into_iter().map(|s| view! {
                                <tr><th scope="row">{s.step}</th><td>{s.median}</td><td>{s.cases}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// A horizontal bar chart (SVG) and the same numbers as a table.
#[component]
fn ChartFigure(c: Chart) -> impl IntoView {
    let title_id = format!("chart-{}", c.id);
    let (section_label, svg_label) = (title_id.clone(), title_id.clone());
    let total = c.total();
    let values: Vec<i64> = c.bars.iter().map(|b| b.value).collect();
    let lengths = bar_lengths(&values, BAR_SPACE);
    let height = ROW * c.bars.len().max(1) as f64;
    let width = LABEL_WIDTH + BAR_SPACE + VALUE_WIDTH;
    let rows = c.bars.clone();
    view! {
        <section class="chart" aria-labelledby=section_label id=c.id.clone()>
            <h2 id=title_id>{c.title.clone()}</h2>
            <div class="chart-body">
                <svg
                    viewBox=format!("0 0 {width} {height}")
                    width=width
                    height=height
                    role="img"
                    aria-labelledby=svg_label
                    class="bars"
                >
                    {c.bars.into_iter().zip(lengths).enumerate().map(|(i, (b, len))| {
                        let y = i as f64 * ROW;
                        view! {
                            <g>
                                <text x=LABEL_WIDTH - 8.0 y=y + ROW * 0.65 text-anchor="end">{b.label}</text>
                                <rect x=LABEL_WIDTH y=y + 4.0 width=len height=ROW - 8.0 />
                                <text x=LABEL_WIDTH + len + 6.0 y=y + ROW * 0.65>{b.value}</text>
                            </g>
                        }
                    }).collect_view()}
                </svg>
                <table class="data">
                    <thead><tr><th scope="col">"项目"</th><th scope="col">{c.unit}</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|b| view! {
                            <tr>
                                <th scope="row">
                                    {if b.link.is_empty() {
                                        view! { {b.label} }.into_any()
                                    } else {
                                        view! { <a href=b.link>{b.label}</a> }.into_any()
                                    }}
                                </th>
                                <td>{b.value}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot><tr><th scope="row">"合计"</th><td>{total}</td></tr></tfoot>
                </table>
            </div>
        </section>
    }
}
