// The 结构 tab: team structure before and after, by county and by team, with the
// server's charts.
"use strict";

const STRUCT = ["size", "women", "young", "locals", "non_party", "bachelor_plus", "avg_age"];

async function loadStructure(where = {}) {
  if (!S.run?.summary?.check) { render("#structure-table", html`<tr><td>${t("open_run_first")}</td></tr>`); return; }
  S.where = where;
  const q = new URLSearchParams({ lang: S.lang, ...where });
  const res = await call("GET", `/api/v1/runs/${S.run.id}/structure?${q}`);
  const crumbs = [html`<a href="#" data-where="{}">${t("all_counties")}</a>`];
  // the county by its name (洪洞县), the region id only in the link's data
  if (res.region) crumbs.push(html`<a href="#" data-where='${JSON.stringify({ region: res.region })}'>${res.region_name}</a>`);
  if (where.team) crumbs.push(where.team);
  render("#crumbs", joined(crumbs, " › "));
  const head = html`<tr><th>${t(res.level === "county" ? "county" : "team")}</th>${STRUCT.map((f) => html`<th>${t(f)}</th>`)}</tr>`;
  const rows = res.rows.map((r) => {
    const next = res.level === "county" ? { region: r.key } : { team: r.key };
    const cells = STRUCT.map((f) => {
      const vb = figure(r.before, f), va = figure(r.after, f);
      return html`<td class="${vb !== va ? "moved" : ""}">${vb ?? "—"} → <b>${va ?? "—"}</b></td>`;
    });
    return html`<tr data-key="${r.key}"><td><a href="#" data-where='${JSON.stringify(next)}'>${r.label}</a></td>${cells}</tr>`;
  });
  render("#structure-table", [head, rows]);
  // The charts are the server's inline SVG (the report's own drawing code): no script inside.
  render("#charts", Object.entries(res.charts).map(([k, svg]) => html`<figure data-chart="${k}"><figcaption>${t(k)}</figcaption>${serverHtml(svg)}</figure>`));
}

function onStructure(ev) {
  const a = ev.target.closest("a[data-where]");
  if (!a) return;
  ev.preventDefault();
  loadStructure(JSON.parse(a.dataset.where));
}

$("#tab-structure").addEventListener("click", guard("#crumbs", onStructure));
