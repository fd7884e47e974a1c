// The 比较 and 历史 tabs: the run history (notes, open, delete) and two runs compared.
"use strict";

async function loadHistory() {
  const runs = await call("GET", "/api/v1/runs");
  S.runs = runs;
  const when = (x) => new Date(x * 1000).toLocaleString(S.lang === "zh" ? "zh-CN" : "en-GB");
  render("#history tbody", runs.map((r) => html`<tr><td>${r.id}</td><td>${when(r.created)}</td>
    <td>${r.scenario}</td><td class="settings">${settingsWords(r.settings)}</td><td class="status-${r.status}">${t(r.status === "cancelled" ? "status_cancelled" : r.status)}</td>
    <td>${r.summary?.objective == null ? "" : Math.round(r.summary.objective)}</td><td><input data-note="${r.id}" value="${r.note}"></td>
    <td><button data-open="${r.id}">${t("open")}</button>
      <button data-del="${r.id}">${t("delete")}</button></td></tr>`));
  const done = runs.filter((r) => r.summary?.check);
  const opts = done.map((r) => html`<option value="${r.id}">${r.id} ${settingsWords(r.settings).slice(0, 60)}</option>`);
  // The previous run against the newest, until the planner picks others.
  const [a, b] = S.cmpPicked ? [$("#cmp-a").value, $("#cmp-b").value] : [done[1]?.id, done[0]?.id];
  render("#cmp-a", opts);
  render("#cmp-b", opts);
  $("#cmp-a").value = a ?? "";
  $("#cmp-b").value = b ?? "";
  return runs;
}

async function onHistory(ev) {
  const { open, del } = ev.target.dataset;
  if (open) await openRun(open);
  if (del) { await call("DELETE", `/api/v1/runs/${del}?purge=true`); await loadHistory(); }
}

async function onNote(ev) {
  const id = ev.target.dataset.note;
  if (id) await call("PATCH", `/api/v1/runs/${id}`, { note: ev.target.value });
}

async function compare() {
  const a = $("#cmp-a").value, b = $("#cmp-b").value;
  const d = await call("GET", `/api/v1/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  const cell = (v) => (typeof v === "string" || typeof v === "boolean" ? t(String(v === true ? "True" : v === false ? "False" : v))
    : typeof v === "number" && !Number.isInteger(v) ? v.toFixed(1) : v);
  const summary = d.summary.map((r) => html`<tr class="${r.change && r.change !== 0 ? "changed" : ""}" data-figure="${r.figure}"><td>${t(r.figure)}</td>
    <td>${cell(r.a)}</td><td>${cell(r.b)}</td><td>${cell(r.change)}</td></tr>`);
  const posts = d.posts.map((r) => html`<tr class="changed"><td>${r.team_name}</td><td>${r.title}</td>
    <td>${r.cadre_name_a} <small>${r.cadre_id_a}</small></td><td>${r.cadre_name_b} <small>${r.cadre_id_b}</small></td></tr>`);
  render("#diff", html`<table class="grid" id="diff-summary"><tr><th>${t("figure")}</th><th>A ${a}</th><th>B ${b}</th>
    <th>${t("change")}</th></tr>${summary}</table><h3>${t("posts_differ")}: <span id="diff-count">${d.posts.length}</span></h3>
    <table class="grid" id="diff-posts"><tr><th>${t("team")}</th><th>${t("post")}</th><th>A</th><th>B</th></tr>${posts}</table>`);
}

$("#history").addEventListener("click", guard("#history-msg", onHistory));
$("#history").addEventListener("change", guard("#history-msg", onNote));
$("#compare").addEventListener("click", guard("#diff", compare));
$("#cmp-a").addEventListener("change", () => { S.cmpPicked = true; });
$("#cmp-b").addEventListener("change", () => { S.cmpPicked = true; });
