// The page's shared part, loaded first after html.js: the state (S), the words (t, from
// the server's catalogues), the API call (call: state-changing requests carry the
// session token as X-CSRF-Token), errors shown beside their cause, tabs and language.
// Each tab's script (data, rules_editor, prices, locks, find, run, roster_view,
// structure, history, plan) renders with html.js and wires its own controls; app.js
// starts the page. Everything goes through the public API (/api/v1, docs/api.md).
"use strict";

const S = {
  lang: localStorage.getItem("lang") || "zh", token: "", scenario: "", base: {}, rules: [],
  changes: {}, locks: [], pick: { cadre: null, post: null }, run: null, roster: [], source: null,
};
const $ = (sel) => document.querySelector(sel);
// The words, both from the server and loaded once at start: the page's own
// (GET /api/v1/words/page, placement/web/page_words.py) and the coded values the CLI and
// the reports use (GET /api/v1/words, placement/data/words.py); each key -> [zh, en].
const WORDS = {};
const W = {};
const t = (k) => (WORDS[k] ?? W[k])?.[S.lang === "zh" ? 0 : 1] ?? k;

class ApiError extends Error {
  constructor(status, detail) {
    super(typeof detail === "string" ? detail : JSON.stringify(detail));
    this.status = status;
    this.detail = detail;
  }
}

async function call(method, path, body) {
  const opts = { method, headers: {} };
  if (method !== "GET") opts.headers["X-CSRF-Token"] = S.token;
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const resp = await fetch(path, opts);
  const data = resp.headers.get("content-type")?.includes("json") ? await resp.json() : null;
  // A 422 with problems (an upload the loader refused) is an answer the caller shows.
  if (!resp.ok && !(resp.status === 422 && data?.problems)) throw new ApiError(resp.status, data?.detail ?? data ?? resp.statusText);
  return data;
}

// --- errors: each shown beside what caused it, in the planner's language ------------
const STATUS_WORDS = { 400: "err_400", 403: "err_403", 404: "err_404", 409: "err_409", 411: "err_400", 413: "err_413", 422: "err_422" };

function errorHtml(err) {
  // The server's own words when it gives them in both languages, a problem table for
  // input problems, else what the status means and the server's text.
  if (!(err instanceof ApiError)) return html`<span class="err">${t("err_network")}</span> <small>${err?.message ?? err}</small>`;
  const d = err.detail;
  if (d && typeof d === "object" && d["message_" + S.lang]) return html`<span class="err">${d["message_" + S.lang]}</span>`;
  if (d && typeof d === "object" && d.problems) return problemTable(d.problems);
  const head = t(STATUS_WORDS[err.status] ?? "err_500");
  if (Array.isArray(d)) {  // a request the API's schema refused: which fields
    const fields = d.map((x) => (x.loc ?? []).filter((l) => l !== "body" && l !== "query").join(".")).join("、");
    return html`<span class="err">${head}${fields ? `（${t("err_fields")}：${fields}）` : ""}</span>`;
  }
  return html`<span class="err">${head}</span> <small>${typeof d === "string" ? d : JSON.stringify(d)}</small>`;
}

function showError(where, err) {
  const el = (typeof where === "string" ? $(where) : where) ?? $("#error-bar");
  el.hidden = false;
  if (el.id === "ask") el.style.display = "block";
  render(el, html`<span role="alert" class="error-box">${errorHtml(err)}</span>`);
}

function guard(where, fn) {
  // An event handler whose failure is shown at `where` instead of only in the console.
  return async (...args) => {
    try { return await fn(...args); } catch (err) { showError(where, err); return undefined; }
  };
}

function translate() {
  document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  document.querySelectorAll("[data-tp]").forEach((el) => { el.placeholder = t(el.dataset.tp); });
  document.title = t("title");
  $("#lang").textContent = S.lang === "zh" ? "English" : "中文";
}

function showTab(name) {
  document.querySelectorAll(".tab").forEach((s) => { s.hidden = s.id !== `tab-${name}`; });
  document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("on", b.dataset.tab === name));
  if (name === "history" || name === "compare") loadHistory();
  if (name === "structure") loadStructure(S.where ?? {});
  if (name === "plan") { renderPlanLocks(); loadPlanHistory().catch((err) => showError("#plan-history-msg", err)); }
}

function problemTable(problems, label = "problems") {
  if (!problems || !problems.length) return html``;
  const rows = problems.map((p) => html`<tr><td>${p.file}</td><td>${p.sheet}</td>
    <td>${p.row ?? ""}</td><td>${p.column}</td><td>${p["message_" + S.lang]}</td></tr>`);
  return html`<p class="bad">${problems.length} ${t(label)}</p><table class="grid problems"><tr>
    <th>${t("file")}</th><th>${t("sheet")}</th><th>${t("row")}</th><th>${t("column")}</th>
    <th>${t("message")}</th></tr>${rows}</table>`;
}

// --- shared by the tabs ------------------------------------------------------------
const changeList = () => Object.entries(S.changes).map(([k, v]) => `${k}=${v}`);

// A team's figure before or after (find's trial, the structure table).
function figure(row, f) {
  return f === "bachelor_plus" ? row.edu_postgraduate + row.edu_bachelor : row[f];
}
