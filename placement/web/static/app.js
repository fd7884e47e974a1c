// The workbench page. Everything goes through the public API (/api/v1, docs/api.md);
// state-changing requests carry the session token as X-CSRF-Token.
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

// --- data ------------------------------------------------------------------------
async function loadScenarios(pick, restore = false) {
  const list = await call("GET", "/api/v1/scenarios");
  render("#scenario", list.map((s) => html`<option value="${s.name}">${s.label ?? s.name}
    (${s.kind === "bundled" ? (S.lang === "zh" ? "样例" : "sample") : (S.lang === "zh" ? "工作区" : "workspace")})</option>`));
  const names = list.map((s) => s.name);
  if (restore && await restoreState(names)) return;
  $("#scenario").value = pick && names.includes(pick) ? pick : names.includes("linfen") ? "linfen" : names[0];
  await chooseScenario();
}

async function chooseScenario() {
  S.scenario = $("#scenario").value;
  const sc = await call("GET", `/api/v1/scenarios/${encodeURIComponent(S.scenario)}`);
  S.base = sc.settings;
  S.changes = {};
  renderRules();
  saveState();
  // an uploaded data set's import report and whether its defaults were confirmed
  const imp = await call("GET", `/api/v1/datasets/${encodeURIComponent(S.scenario)}/import`);
  showImport(imp.report, imp.confirmed);
  await validate();
}

async function validate() {
  const res = await call("POST", "/api/v1/validate", { scenario: S.scenario, set: changeList(), locks: lockBody() });
  $("#counts").textContent = res.ok ? `${t("valid")}: ` + Object.entries(res.counts).map(([k, v]) => `${t("n_" + k)} ${v}`).join(", ") : "";
  // warnings (a column not read, a non-Party holder of a Party post) do not stop a run
  render("#problems", [problemTable(res.problems), problemTable(res.warnings, "warnings")]);
  render("#rule-problems", problemTable(res.problems));
  return res.ok;
}

async function upload() {
  // A folder brings every file in it; only the tables and forms are sent.
  const files = [...$("#up-files").files, ...$("#up-folder").files]
    .filter((f) => /\.(csv|xlsx|lrmx|lrm)$/i.test(f.name));
  const encoded = await Promise.all(files.map((f) => new Promise((ok) => {
    const r = new FileReader();
    r.onload = () => ok({ name: f.name, content: r.result.split(",")[1] });
    r.readAsDataURL(f);
  })));
  $("#upload-msg").textContent = "…";
  const res = await call("POST", "/api/v1/datasets", { name: $("#up-name").value, reference_date: $("#up-date").value, files: encoded });
  if (res.ok) {
    $("#upload-msg").textContent = `${t("uploaded")}: ${res.label ?? res.scenario}`;
    await loadScenarios(res.scenario);
    if (res.forms) $("#counts").textContent += ` · ${res.forms} ${t("uploaded_forms")}`;
  } else {
    $("#upload-msg").replaceChildren();
    render("#problems", problemTable(res.problems));
  }
}

// What an upload of forms added, changed and gave a default to (ids and columns only),
// each line built as text: the planner confirms the defaults before solving.
function showImport(rep, confirmed) {
  const list = $("#import-report");
  list.replaceChildren();
  $("#confirm-defaults").hidden = true;
  $("#defaults-confirmed").textContent = "";
  if (!rep) return;
  const zh = S.lang === "zh";
  const line = (text) => { const li = document.createElement("li"); li.textContent = text; list.append(li); };
  line(`${t("imp_added")} ${rep.added.length}: ${rep.added.join(", ")}`);
  for (const c of rep.changed) line(`${t("imp_changed")} ${c.cadre}: ${(zh ? c.columns_zh : c.columns).join(zh ? "、" : ", ")}`);
  for (const d of rep.defaults) line(`${t("imp_default")} ${zh ? d.column_zh : d.column} = ${zh ? d.value_zh : d.value} (${zh ? d.why_zh : d.why_en}): ${d.cadres.join(", ")}`);
  if (!rep.defaults.length) return;
  // the defaults are the planner's to confirm: a button until she has, then when she did
  $("#confirm-defaults").hidden = Boolean(confirmed);
  if (confirmed) $("#defaults-confirmed").textContent = `${t("defaults_confirmed")}（${confirmed.at}）`;
}

async function confirmDefaults() {
  const imp = await call("POST", `/api/v1/datasets/${encodeURIComponent(S.scenario)}/confirm`);
  showImport(imp.report, imp.confirmed);
}

// --- the working state, kept on the server (a reload finds the work where it was) ----
let saving;
function saveState() {
  if (S.restoring) return;
  clearTimeout(saving);
  saving = setTimeout(() => call("PUT", "/api/v1/state", {
    scenario: S.scenario, changes: S.changes, locks: S.locks, run: S.run?.id ?? null, undo: S.undo ?? [],
    plan: S.plan ?? null,
  }).catch((err) => showError("#error-bar", err)), 200);
}

async function restoreState(names) {
  // The saved scenario with its rule edits and locks, then the open run.
  const st = await call("GET", "/api/v1/state");
  if (!st.scenario || !names.includes(st.scenario)) return false;
  S.restoring = true;
  try {
    $("#scenario").value = st.scenario;
    await chooseScenario();
    S.changes = st.changes ?? {};
    S.locks = st.locks ?? [];
    S.undo = st.undo ?? [];
    S.plan = st.plan ?? null;
    renderRules();
    renderLocks();
    await validate();
    if (st.run) {
      // the run reopened (its roster on the 方案 tab); the page still opens on 数据
      try { await openRun(st.run); showTab("data"); } catch (err) { if (err.status !== 404) throw err; }
    }
  } finally { S.restoring = false; }
  return true;
}

// --- rules ----------------------------------------------------------------------
const changeList = () => Object.entries(S.changes).map(([k, v]) => `${k}=${v}`);

// The rules table (renderRules, onRuleChange) is the rules editor's: static/rules_editor.js.

async function saveScenario() {
  const res = await call("POST", "/api/v1/scenarios", { name: $("#save-name").value, base: S.scenario, set: changeList() });
  $("#save-msg").textContent = `${t("saved")}: ${res.label ?? res.name}`;
}

// --- locks ----------------------------------------------------------------------
let searching;
function onSearch() {
  clearTimeout(searching);
  searching = setTimeout(async () => {
    const q = $("#search").value.trim();
    if (!q) return;
    let hits;
    try {
      hits = await call("GET", `/api/v1/search?scenario=${encodeURIComponent(S.scenario)}&q=${encodeURIComponent(q)}`);
    } catch (err) { showError("#lock-msg", err); return; }
    $("#lock-msg").replaceChildren();
    render("#hits-cadres", hits.cadres.map((c) => html`<li data-cadre="${c.cadre_id}" data-label="${c.name}">
      ${c.name} <small>${c.cadre_id} · ${c.rank} · ${c.team} ${c.title}</small></li>`));
    render("#hits-posts", hits.posts.map((p) => html`<li data-post="${p.post_id}" data-label="${p.team} ${p.title}">
      ${p.team} ${p.title} <small>${p.post_id} · ${p.rank}</small></li>`));
  }, 250);
}

function onPick(ev) {
  const li = ev.target.closest("li");
  if (!li) return;
  if (li.dataset.cadre) { S.pick.cadre = { id: li.dataset.cadre, label: li.dataset.label }; $("#pick-cadre").textContent = li.dataset.label; }
  if (li.dataset.post) { S.pick.post = { id: li.dataset.post, label: li.dataset.label }; $("#pick-post").textContent = li.dataset.label; }
}

function lockBody() {
  const body = { must: [], forbid: [], keep: [], keep_reasons: {} };
  for (const l of S.locks) {
    if (l.kind === "keep") {
      body.keep.push(l.post.id);
      if (l.reason) body.keep_reasons[l.post.id] = l.reason;
    } else body[l.kind].push({ cadre: l.cadre.id, post: l.post.id, reason: l.reason });
  }
  return body;
}

async function addLock() {
  const kind = $("#lock-kind").value;
  if (!S.pick.post || (kind !== "keep" && !S.pick.cadre)) { $("#lock-msg").textContent = t("pick_first"); return; }
  pushUndo();
  S.locks.push({ kind, cadre: kind === "keep" ? null : S.pick.cadre, post: S.pick.post, reason: $("#lock-reason").value });
  renderLocks();
  $("#lock-msg").textContent = "";
  await validate();
  // A must-hold lock the rules would not allow is flagged at once, with the rule.
  const mine = (await lockWarnings()).filter((w) => w.cadre === S.pick.cadre?.id && w.post === S.pick.post.id);
  if (kind === "must" && mine.length) render("#lock-msg", html`<span class="err">${warningLines(mine).join("；")}</span>`);
}

function renderLocks() {
  saveState();
  render("#locks tbody", S.locks.map((l, i) => html`<tr><td>${t(l.kind)}</td><td>${l.cadre?.label ?? ""}
    <small>${l.cadre?.id ?? ""}</small></td><td>${l.post.label} <small>${l.post.id}</small></td>
    <td>${l.reason}</td><td><button data-drop="${i}">✕</button></td></tr>`));
}

// --- solve ------------------------------------------------------------------------
async function lockWarnings() {
  // The must-hold locks the rules would not allow (judged without the locks).
  if (!S.locks.some((l) => l.kind === "must")) return [];
  const res = await call("POST", "/api/v1/locks/check", { scenario: S.scenario, set: changeList(), locks: lockBody() });
  return res.warnings;
}

function warningLines(warnings) {
  return warnings.map((w) => `${w.name}（${w.cadre}） → ${w.title}（${w.post}）：${w["why_" + S.lang]}`);
}

function confirmLocks(warnings) {
  // Asked in the page (not a browser prompt): solve anyway, or go back to the locks.
  return new Promise((done) => {
    const box = $("#lock-confirm");
    box.hidden = false;
    $("#lock-confirm-text").textContent = [t("lock_warn_title"), ...warningLines(warnings)].join("\n");
    const answer = (go) => { box.hidden = true; $("#lock-go").onclick = $("#lock-back").onclick = null; done(go); };
    $("#lock-go").onclick = () => answer(true);
    $("#lock-back").onclick = () => answer(false);
    $("#lock-go").focus();
  });
}

async function solve() {
  if (!(await validate())) { showTab("rules"); return; }
  const warnings = await lockWarnings();
  if (warnings.length) {
    if (!(await confirmLocks(warnings))) { showTab("locks"); return; }
    // the planner's decision is kept with the lock: its reason starts with 破格
    for (const l of S.locks) {
      if (l.kind === "must" && warnings.some((w) => w.cadre === l.cadre.id && w.post === l.post.id)
          && !l.reason.startsWith("破格")) l.reason = `破格：${l.reason}`.replace(/：$/, "");
    }
    renderLocks();
  }
  S.solveStarted = performance.now();
  const body = { scenario: S.scenario, set: changeList(), locks: lockBody() };
  // A small re-solve by default: stay close to the open run's roster (same data set).
  if (S.run?.summary?.check && $("#close-to").checked) body.close_to = S.run.id;
  $("#solve-msg").replaceChildren();
  const res = await call("POST", "/api/v1/runs", body);
  follow(res.id);
}

function progressLine(id, stage, elapsed) {
  // In words: the stage, the time, and once the engine has a roster how far from the
  // best it may be ("已找到方案，可能还有更优（与最优相差不超过 1.2%）").
  let line = `${id}: ${t(stage)} · ${t("elapsed")} ${Number(elapsed ?? 0).toFixed(1)} ${t("seconds")}`;
  const p = S.prog;
  if (p && p.best != null) {
    if (p.gap != null && p.gap < 1e-6) line += ` · ${t("prog_optimal")}`;
    else line += ` · ${t("prog_found")}${p.gap == null ? "" : `（${t("prog_gap").replace("{x}", (p.gap * 100).toFixed(1))}）`}`;
  } else if (["solving", "tick", "progress"].includes(stage)) line += ` · ${t("prog_none")}`;
  return line;
}

function follow(id) {
  S.live = id;
  S.prog = null;
  S.elapsed = 0;
  $("#cancel").hidden = false;
  $("#solve").disabled = true;
  if (S.source) S.source.close();
  const src = new EventSource(`/api/v1/runs/${id}/events`);
  S.source = src;
  src.onmessage = async (m) => {
    const e = JSON.parse(m.data);
    if (e.stage === "progress") S.prog = e;
    if (e.stage === "finished" && e.objective != null) S.prog = { best: e.objective, bound: e.bound, gap: e.gap };
    if (e.elapsed != null) S.elapsed = e.elapsed;
    let line = progressLine(id, ["tick", "progress"].includes(e.stage) ? "solving" : e.stage, S.elapsed);
    $("#progress").dataset.stage = e.stage;
    if (e.stage === "end") {
      src.close();
      S.source = null;
      $("#cancel").hidden = true;
      $("#solve").disabled = false;
      line = progressLine(id, e.status, S.elapsed);
      await openRun(id);
      if (S.solveStarted) {
        const secs = (performance.now() - S.solveStarted) / 1000;
        document.body.dataset.solveSeconds = secs.toFixed(2);
        S.solveStarted = null;
      }
    }
    $("#progress").textContent = line;
  };
}

async function cancel() {
  if (S.live) await call("DELETE", `/api/v1/runs/${S.live}`);
}

// --- find candidates for a post and try one in ---------------------------------------
const CONDITIONS = ["max_age", "min_age", "gender", "education", "party", "secretary", "rank",
  "min_years_rank", "specialty", "reserve", "region", "eligible_only"];

function base() {
  // The open run (its scenario and roster), else the chosen scenario with its changes.
  const q = new URLSearchParams();
  if (S.run?.summary?.check) q.set("run", S.run.id);
  else { q.set("scenario", S.scenario); changeList().forEach((x) => q.append("set", x)); }
  return q;
}

async function onFindPost() {
  const q = $("#find-post-q").value.trim();
  if (!q) { $("#find-posts").replaceChildren(); return; }
  // The posts of the data set 选人 reads (base()): the open run's, else the chosen scenario's.
  const scenario = S.run?.summary?.check ? S.run.scenario : S.scenario;
  const hits = await call("GET", `/api/v1/search?scenario=${encodeURIComponent(scenario)}&q=${encodeURIComponent(q)}`);
  render("#find-posts", hits.posts.map((p) => html`<li data-post="${p.post_id}" data-label="${p.team} ${p.title}">
    ${p.team} ${p.title} <small>${p.post_id} ${p.rank}</small></li>`));
}

function pickFindPost(ev) {
  const li = ev.target.closest("li");
  if (!li) return;
  S.findPost = { id: li.dataset.post, label: li.dataset.label };
  $("#find-post").textContent = `${S.findPost.label} (${S.findPost.id})`;
  $("#find-posts").replaceChildren();
  findCandidates();
}

async function findCandidates() {
  if (!S.findPost) { $("#find-count").textContent = t("pick_post"); return; }
  const q = base();
  q.set("post", S.findPost.id);
  q.set("limit", "100");
  for (const k of CONDITIONS) {
    const el = $(`#c-${k}`);
    if (el.type === "checkbox") { if (el.checked) q.set(k, "true"); } else if (el.value !== "") q.set(k, el.value);
  }
  const res = await call("GET", `/api/v1/candidates?${q}`);
  S.found = res.rows;
  $("#find-count").textContent = `${res.post.team_name} ${res.post.title}: ${res.total} ${t("matched")} ${res.eligible}`;
  render("#found tbody", res.rows.map((r, i) => html`<tr class="${r.eligible ? "ok" : "no"}" data-cadre="${r.cadre_id}">
    <td>${i + 1}</td><td>${r.name} <small>${r.cadre_id}</small></td><td>${r.age}</td>
    <td>${t(r.gender === "F" ? "female" : "male")}</td><td>${t(r.education)}</td>
    <td>${r.non_party ? r.party : t("cpc")}</td><td>${r.rank} <small>${r.years_rank}</small></td>
    <td>${r.post_now}</td><td>${r.fit}</td><td class="why">${r["why_" + S.lang]}</td>
    <td><button data-try="${r.cadre_id}">${t("try_in")}</button></td></tr>`));
}

const FIGURES = ["size", "women", "young", "locals", "non_party", "township_head", "bachelor_plus", "avg_age"];

function figure(row, f) {
  return f === "bachelor_plus" ? row.edu_postgraduate + row.edu_bachelor : row[f];
}

async function tryIn(ev) {
  const cadre = ev.target.dataset.try;
  if (!cadre) return;
  const q = base();
  q.set("cadre", cadre);
  q.set("post", S.findPost.id);
  const res = await call("GET", `/api/v1/try?${q}`);
  S.trial = res;
  const teams = [...new Set(res.teams.map((r) => r.team_id))];
  const rows = teams.map((tid) => {
    const b = res.teams.find((r) => r.team_id === tid && r.when === "before");
    const a = res.teams.find((r) => r.team_id === tid && r.when === "after");
    const cells = FIGURES.map((f) => {
      const vb = figure(b, f), va = figure(a, f);
      return html`<td class="${vb !== va ? "moved" : ""}" data-fig="${f}">${vb ?? "—"} → <b>${va ?? "—"}</b></td>`;
    });
    return html`<tr data-team="${tid}"><td>${b.team_name} <small>${tid}</small></td>${cells}</tr>`;
  });
  // the trial's kin tie is R-AV1's (pair_rules.KIN), the other R-AV2's home-region post
  const tie = (x) => x.rule === "R-AV1"
    ? html`${t("kin_tie")}: ${x.name_a} <small>${x.cadre_a}</small> ~ ${x.name_b} <small>${x.cadre_b}</small> (${S.lang === "zh" ? x.relation_zh : x.relation}) · ${x.team_id}`
    : html`${t("home_tie")}: ${x.name_a} <small>${x.cadre_a}</small> ${t("home_key")} ${x.post_a}`;
  const ties = ["before", "after"].map((w) => {
    const list = res.ties.filter((x) => x.when === w);
    return html`<div class="ties-${w}"><b>${t(w)}:</b> ${list.length ? joined(list.map(tie), html`<br>`) : t("no_ties")}</div>`;
  });
  render("#trial", html`<h3>${t("trial_title")}: ${res.name} <small>${res.cadre}</small> → ${S.findPost.label}
    ${res.displaced ? html`(${t("displaces")} ${res.displaced_name} <small>${res.displaced}</small>)` : ""}</h3>
    <p class="${res.eligible ? "ok" : "bad"}">${res["why_" + S.lang]}</p>
    <table class="grid" id="trial-teams"><tr><th>${t("team")}</th>${FIGURES.map((f) => html`<th>${t(f)}</th>`)}</tr>${rows}</table>
    <h4>${t("ties")}</h4><div id="trial-ties">${ties}</div>
    <p><input id="trial-reason" placeholder="${t("reason_ph")}"> <button id="trial-lock">${t("lock_this")}</button>
    ${S.run?.summary?.check ? html`<button id="trial-cost">${t("cost")}</button>` : ""} <span id="trial-msg"></span></p>
    <pre id="trial-why"></pre>`);
}

async function onTrial(ev) {
  const r = S.trial;
  if (ev.target.id === "trial-lock") {
    pushUndo();
    S.locks.push({ kind: "must", cadre: { id: r.cadre, label: r.name }, post: S.findPost, reason: $("#trial-reason").value });
    renderLocks();
    $("#trial-msg").textContent = t("locked");
    await validate();
  }
  if (ev.target.id === "trial-cost") {
    $("#trial-why").textContent = "…";
    const res = await call("GET", `/api/v1/runs/${S.run.id}/why-not?cadre=${encodeURIComponent(r.cadre)}&post=${encodeURIComponent(S.findPost.id)}`);
    $("#trial-why").textContent = res["text_" + S.lang];
  }
}

// --- result --------------------------------------------------------------------------
function sum(rows, col) { return rows.reduce((a, r) => a + (Number(r[col]) || 0), 0); }

// What each rule costs in the open run (prices.csv): each row's button runs its relaxed
// what-if through the usual solve, its `settings` (--set strings) added to the changes.
async function loadPrices() {
  if (!S.run?.summary?.check) { $("#prices-msg").textContent = t("prices_none"); return; }
  $("#prices-go").disabled = true;
  $("#prices-msg").textContent = t("prices_wait");
  try {
    S.prices = await call("GET", `/api/v1/runs/${S.run.id}/prices`);
    const lang = S.lang === "zh" ? "zh" : "en";
    const cost = (v) => (v == null ? "" : String(0 - v));
    render("#prices tbody", S.prices.map((r, i) => html`<tr data-rule="${r.rule}"><td>${r.rule}</td>
      <td>${r.where}</td><td class="n">${cost(r.price)}</td><td class="n">${cost(r.estimate)}</td>
      <td>${r["words_" + lang]} <span class="hint">${r["note_" + lang]}</span></td>
      <td>${r.settings ? html`<button data-price="${i}">${t("price_try")}</button>` : ""}</td></tr>`));
    $("#prices-msg").textContent = "";
  } finally { $("#prices-go").disabled = false; }
}

function onPriceTry(ev) {
  const i = ev.target.dataset.price;
  if (i === undefined) return;
  pushUndo();
  for (const s of S.prices[Number(i)].settings.split(" ")) {
    const at = s.indexOf("=");
    S.changes[s.slice(0, at)] = s.slice(at + 1);
  }
  renderRules();
  saveState();
  return solve();
}

async function openRun(id) {
  const run = await call("GET", `/api/v1/runs/${id}`);
  S.run = run;
  saveState();
  showTab("result");
  $("#run-id").textContent = `${id} · ${run.scenario} · ${t(run.status === "cancelled" ? "status_cancelled" : run.status)}`;
  $("#run-banner").hidden = run.status !== "cancelled";
  $("#run-banner").textContent = run.status === "cancelled" ? t("cancelled_banner") : "";
  $("#close-box").hidden = !run.summary?.check;
  $("#close-label").textContent = run.summary?.check ? `${t("stay_close")}: ${id}` : "";
  const from = run.summary?.from;
  $("#based-on").textContent = from ? t("based_on").replace("{id}", from.roster).replace("{n}", from.changed_lines) : "";
  const s = run.summary;
  if (!s || !s.check) {
    render("#headline", html`<div class="bad"><b>${t("no_roster")}</b>${JSON.stringify(run.error ?? s?.conflicts ?? "")}</div>`);
    $("#roster").replaceChildren();
    $("#status-line").textContent = s ? `${t("solver_status")}: ${t(s.status)}` : "";
    return;
  }
  const [roster, moves, teams, rules, shortfalls] = await Promise.all(["roster", "moves", "teams", "rules", "shortfalls"]
    .map((n) => call("GET", `/api/v1/runs/${id}/tables/${n}`)));
  S.roster = roster;
  S.dismissals = await call("GET", `/api/v1/runs/${id}/tables/dismissals`);
  const kinds = (k) => moves.filter((m) => m.kind === k).length;
  const fig = (k, b, a) => html`<div><span>${t(k)}</span><b>${a}</b><small>${b} → ${a}</small></div>`;
  const unmet = rules.filter((r) => r.mode === "target" && r.shortfall > 0).length;
  render("#headline", [
    html`<div><span>${t("promotions")}</span><b>${kinds("promotion")}</b></div>`,
    html`<div><span>${t("exchanges")}</span><b>${kinds("lateral") + roster.filter((r) => r.change === "moved_in").length}</b></div>`,
    fig("women", sum(teams, "women_before"), sum(teams, "women_after")),
    fig("young", sum(teams, "young_before"), sum(teams, "young_after")),
    fig("locals", sum(teams, "locals_before"), sum(teams, "locals_after")),
    html`<div><span>${t("unmet")}</span><b>${unmet}</b></div>`,
    html`<div><span>${t("changed_posts")}</span><b>${s.counts.changed_posts}</b></div>`,
  ]);
  $("#status-line").textContent = `${t("solver_status")}: ${t(s.status)} · ${t("objective")} ${Math.round(s.objective)} · ${t("elapsed")} ${s.times.solve} ${t("seconds")}`
    + (s.gap ? ` · ${t("prog_gap").replace("{x}", (s.gap * 100).toFixed(1))}` : "");
  const lang = S.lang;
  render("#downloads", html`${t("report")}: ${joined([
    [`/api/v1/runs/${id}/files/report.xlsx?lang=${lang}`, "report.xlsx"],
    [`/api/v1/runs/${id}/files/report.html?lang=${lang}`, "report.html"],
    ...["roster", "moves", "teams", "rules", "shortfalls"].map((n) => [`/api/v1/runs/${id}/tables/${n}?format=csv`, `${n}.csv`]),
    [`/api/v1/runs/${id}/files/forms.zip`, "forms.zip"],
  ].map(([href, name]) => html`<a href="${href}" download="${id}-${name}" id="dl-${name.replace(".", "-")}">${name}</a>`), " · ")}`);
  renderRoster();
  // a rule short overall is short "all" in shortfalls.csv: said in words (全部)
  render("#shortfalls tbody", shortfalls.map((r) => html`<tr><td>${r.rule}</td><td>${r.where === "all" ? t("all") : r.where}</td>
    <td>${r.shortfall}</td><td>${r["cause_" + S.lang]}</td></tr>`));
}

function lockedPosts() {
  // Lines a lock concerns (highlighted); their reasons are in the roster's reason column.
  const locks = S.run?.locks ?? {};
  return new Set([...(locks.must ?? []), ...(locks.forbid ?? [])].map((l) => l.post).concat(locks.keep ?? []));
}

function lockOn(post) {
  // The open run's lock on `post` (must / forbid / keep), if any.
  const locks = S.run?.locks ?? {};
  const must = (locks.must ?? []).find((l) => l.post === post);
  if (must) return { kind: "must", ...must };
  if ((locks.keep ?? []).includes(post) || (locks.keep ?? []).some((k) => post.startsWith(k + "-"))) return { kind: "keep", post };
  return null;
}

function lockWords(lock) {
  const who = lock.cadre ? (S.roster.find((r) => r.cadre_id === lock.cadre)?.cadre_name ?? lock.cadre) : "";
  return `${t(lock.kind)}${who ? "：" + who : ""}${lock.reason ? "，" + t("reason") + "：" + lock.reason : ""}`;
}

// renderRoster (the roster with holders before and the 拟免 list) is static/roster_view.js's.

// ask (why-not with a name picker, alternates with an adopt button) is static/roster_view.js's.

// --- structure charts -------------------------------------------------------------------
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

// --- compare and history ------------------------------------------------------------
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

// --- the Plan tab: a rotation plan as a background run, year by year -------------------
// The page's locks (the Locks tab's, with their reasons) go with the plan, each for the
// whole term or for one calendar year (`year` on the lock, null: the term; kept with the
// working state). The plans asked for are listed from the server's history.
function planFirstYear() {
  const date = String(S.changes.reference_date ?? S.base.reference_date ?? "");
  return Number(date.slice(0, 4)) || new Date().getFullYear();
}

function renderPlanLocks() {
  const first = planFirstYear(), n = Math.max(1, Number($("#plan-years").value) || 5);
  const years = Array.from({ length: n }, (_, k) => first + k);
  const rows = S.locks.map((l, i) => {
    const shown = l.year != null && !years.includes(l.year) ? [...years, l.year] : years;
    const opts = [html`<option value="">${t("plan_term")}</option>`,
      ...shown.map((y) => html`<option value="${y}" ${l.year === y ? html`selected` : ""}>${t("plan_in_year").replace("{y}", y)}</option>`)];
    return html`<tr data-lock="${i}"><td>${t(l.kind)}</td><td>${l.cadre?.label ?? ""} <small>${l.cadre?.id ?? ""}</small></td>
      <td>${l.post.label} <small>${l.post.id}</small></td><td>${l.reason}</td>
      <td><select data-lock-year="${i}">${opts}</select></td></tr>`;
  });
  render("#plan-locks tbody", rows.length ? rows : html`<tr><td colspan="5" class="hint">${t("plan_no_locks")}</td></tr>`);
}

function onPlanLockYear(ev) {
  const i = ev.target.dataset.lockYear;
  if (i === undefined) return;
  S.locks[Number(i)].year = ev.target.value ? Number(ev.target.value) : null;
  saveState();
}

function planLockBody() {
  // lockBody's shape with each lock's year (POST /api/v1/plans, docs/api.md).
  const body = { must: [], forbid: [], keep: [], keep_reasons: {} };
  for (const l of S.locks) {
    const year = l.year == null ? {} : { year: l.year };
    if (l.kind === "keep") {
      body.keep.push(l.year == null ? l.post.id : { id: l.post.id, ...year });
      if (l.reason) body.keep_reasons[l.post.id] = l.reason;
    } else body[l.kind].push({ cadre: l.cadre.id, post: l.post.id, reason: l.reason, ...year });
  }
  return body;
}

function planRow(y) {
  // One solved year as the run reports it (plan.json's figures, with its stability:
  // posts changed, of them forced, cadres placed anew in more than one year so far).
  const m = y.moves ?? {}, st = y.stability ?? {};
  const gap = y.gap == null ? "—" : `${(y.gap * 100).toFixed(2)}%`;
  return html`<tr data-year="${y.year}"><td>${y.year}</td><td>${t(y.status)}</td><td>${gap}</td>
    <td class="n">${Number(y.times?.solve ?? 0).toFixed(1)}</td><td class="n" data-k="changed">${st.posts_changed ?? y.counts?.changed_posts}</td>
    <td class="n" data-k="forced">${st.forced ?? "—"}</td><td class="n" data-k="twice">${st.twice ?? "—"}</td>
    <td class="n">${m.target_due}</td><td class="n">${m.departures?.retired}</td><td>${t(y.check_ok ? "passed" : "failed")}</td></tr>`;
}

function renderPlanYears(years) {
  const head = ["year", "solver_status", "gap", "elapsed", "changed", "plan_forced", "plan_twice", "target_due", "retired", "check"];
  render("#plan-table", html`<tr>${head.map((k) => html`<th>${t(k)}</th>`)}</tr>${years.map(planRow)}`);
}

async function runPlan() {
  if (!(await validate())) { showTab("rules"); return; }
  const years = Number($("#plan-years").value) || 5;
  const res = await call("POST", "/api/v1/plans", { scenario: S.scenario, set: changeList(), years, locks: planLockBody() });
  for (const box of ["#plan-counties", "#plan-causes", "#plan-download"]) $(box).replaceChildren();
  S.plan = res.id;
  saveState();
  $("#plan-run").disabled = true;
  $("#plan-cancel").hidden = false;
  renderPlanYears([]);
  await loadPlanHistory();
  followPlan(res.id);
}

async function followPlan(id) {
  const p = await call("GET", `/api/v1/plans/${id}`);
  if (S.plan !== id) {  // another plan opened meanwhile: this one is no longer followed
    if (S.planLive === id) S.planLive = null;
    return;
  }
  const years = p.years_requested;
  if (years && Number($("#plan-years").value) !== years) { $("#plan-years").value = years; renderPlanLocks(); }
  renderPlanYears(p.years);
  const last = p.events[p.events.length - 1] ?? {};
  const solving = [...p.events].reverse().find((e) => e.stage === "solving");
  if (!["done", "failed", "cancelled"].includes(p.status)) {
    const k = solving?.index ?? 1;
    $("#plan-run").disabled = true;
    $("#plan-cancel").hidden = false;
    $("#plan-progress").textContent = `${t("plan_solving").replace("{k}", k).replace("{n}", years)} · ${t("elapsed")} ${Number(last.elapsed ?? 0).toFixed(1)} ${t("seconds")}`;
    $("#plan-progress").dataset.stage = "running";
    S.planLive = id;
    setTimeout(() => guard("#plan-progress", followPlan)(id), 500);
    return;
  }
  S.planLive = null;
  $("#plan-run").disabled = false;
  $("#plan-cancel").hidden = true;
  const took = last.elapsed == null ? "" : ` · ${Number(last.elapsed).toFixed(1)} ${t("seconds")}`;
  $("#plan-progress").textContent = `${id} · ${t("plan_" + p.status)}${took}`;
  if (p.status === "failed" && p.error) showError("#plan-causes", new ApiError(422, Array.isArray(p.error) ? { problems: p.error } : String(p.error)));
  if (p.years.some((y) => y.objective != null)) await showPlan(id);  // a year with a roster
  $("#plan-progress").dataset.stage = p.status;
  await loadPlanHistory();
}

async function showPlan(id) {
  const v = await call("GET", `/api/v1/plans/${id}/view?lang=${S.lang}`);
  render("#plan-download", html`<a id="plan-zip" href="/api/v1/plans/${id}/zip" download>${t("plan_zip")}</a>`);
  // the plan report's own fragments, built (and escaped) by the server
  render("#plan-causes", serverHtml(v.causes));
  render("#plan-counties", v.counties.map((c) =>
    html`<section class="plan-county" data-region="${c.region}"><h3>${c.name} <small>${c.region}</small></h3>${serverHtml(c.html)}</section>`));
}

async function openPlan(id) {
  // A past plan (the history's Open): its table per year, its timeline and its zip;
  // a plan still running is followed (once: a plan followed already goes on as it is).
  if (S.planLive === id) return;
  S.plan = id;
  saveState();
  for (const box of ["#plan-counties", "#plan-causes", "#plan-download"]) $(box).replaceChildren();
  await followPlan(id);
}

async function loadPlanHistory() {
  const plans = await call("GET", "/api/v1/plans");
  const when = (x) => new Date(x * 1000).toLocaleString(S.lang === "zh" ? "zh-CN" : "en-GB");
  const status = (s) => t(["done", "failed", "cancelled"].includes(s) ? `plan_${s}` : s);
  render("#plan-history tbody", plans.map((p) => {
    const locks = p.lock_words.map((w) => w[S.lang]).join("；");
    const what = [p.settings.length ? settingsWords(p.settings) : "", locks].filter(Boolean).join("；") || settingsWords([]);
    const zip = p.years_solved && p.status !== "running" && p.status !== "queued"
      ? html`<a data-plan-zip="${p.id}" href="/api/v1/plans/${p.id}/zip" download>${t("plan_zip_short")}</a>` : "";
    return html`<tr data-plan="${p.id}" class="${p.id === S.plan ? "on" : ""}"><td>${when(p.created)} <small>${p.id}</small></td>
      <td class="n">${p.years_solved}/${p.years_requested}</td><td class="settings">${what}</td>
      <td class="status-${p.status}">${status(p.status)}</td>
      <td><button data-plan-open="${p.id}">${t("open")}</button> ${zip}</td></tr>`;
  }));
  return plans;
}

async function onPlanHistory(ev) {
  const id = ev.target.dataset.planOpen;
  if (id) await openPlan(id);
}

async function cancelPlan() {
  if (S.plan) await call("DELETE", `/api/v1/plans/${S.plan}`);
}

// --- start ---------------------------------------------------------------------------
async function start() {
  Object.assign(WORDS, await call("GET", "/api/v1/words/page"));
  translate();
  S.token = (await call("GET", "/api/v1/session")).token;
  S.rules = await call("GET", "/api/v1/rules");
  S.ruleWords = await call("GET", "/api/v1/rules/words");
  Object.assign(W, await call("GET", "/api/v1/words"));
  await loadScenarios(undefined, true);
  const runs = await loadHistory();
  const live = runs.find((r) => r.status === "queued" || r.status === "running");
  if (live) follow(live.id); // a run survives a page reload
  // so does a plan: one still running is followed, else the one open is shown again
  const plans = await loadPlanHistory();
  const running = plans.find((p) => p.status === "queued" || p.status === "running");
  if (running) S.plan = running.id;
  if (S.plan && plans.some((p) => p.id === S.plan)) await guard("#plan-progress", openPlan)(S.plan);
  document.body.dataset.ready = "1";
}

$("#tabs").addEventListener("click", (e) => e.target.dataset.tab && showTab(e.target.dataset.tab));
$("#lang").addEventListener("click", () => {
  S.lang = S.lang === "zh" ? "en" : "zh";
  localStorage.setItem("lang", S.lang);
  translate();
  renderRules();
  if (S.run) openRun(S.run.id);
  renderPlanLocks();
  guard("#plan-history-msg", loadPlanHistory)();
  if (S.plan) guard("#plan-progress", openPlan)(S.plan);
});
$("#scenario").addEventListener("change", guard("#problems", chooseScenario));
$("#validate").addEventListener("click", guard("#problems", validate));
$("#upload").addEventListener("click", guard("#upload-msg", upload));
$("#confirm-defaults").addEventListener("click", guard("#defaults-confirmed", confirmDefaults));
$("#rules").addEventListener("change", onRuleChange);
$("#rules").addEventListener("input", onRuleChange);
$("#save").addEventListener("click", guard("#save-msg", saveScenario));
$("#prices-go").addEventListener("click", guard("#prices-msg", loadPrices));
$("#prices").addEventListener("click", guard("#prices-msg", onPriceTry));
$("#undo").addEventListener("click", guard("#solve-msg", undoLast));
$("#search").addEventListener("input", onSearch);
$("#hits-cadres").addEventListener("click", onPick);
$("#hits-posts").addEventListener("click", onPick);
$("#add-lock").addEventListener("click", guard("#lock-msg", addLock));
$("#find-post-q").addEventListener("input", guard("#find-count", onFindPost));
$("#find-posts").addEventListener("click", guard("#find-count", pickFindPost));
$("#find").addEventListener("click", guard("#find-count", findCandidates));
$("#found").addEventListener("click", guard("#trial", tryIn));
$("#trial").addEventListener("click", guard("#trial-msg", onTrial));
$("#locks").addEventListener("click", (e) => {
  if (e.target.dataset.drop !== undefined) { pushUndo(); S.locks.splice(Number(e.target.dataset.drop), 1); renderLocks(); validate(); }
});
$("#solve").addEventListener("click", guard("#solve-msg", solve));
$("#cancel").addEventListener("click", guard("#solve-msg", cancel));
$("#roster").addEventListener("click", guard("#ask", ask));
$("#roster-filter").addEventListener("input", renderRoster);
$("#only-changed").addEventListener("change", renderRoster);
$("#history").addEventListener("click", guard("#history-msg", onHistory));
$("#history").addEventListener("change", guard("#history-msg", onNote));
$("#compare").addEventListener("click", guard("#diff", compare));
$("#tab-structure").addEventListener("click", guard("#crumbs", onStructure));
$("#plan-run").addEventListener("click", guard("#plan-progress", runPlan));
$("#plan-cancel").addEventListener("click", guard("#plan-progress", cancelPlan));
$("#plan-locks").addEventListener("change", onPlanLockYear);
$("#plan-years").addEventListener("input", renderPlanLocks);
$("#plan-history").addEventListener("click", guard("#plan-history-msg", onPlanHistory));
$("#cmp-a").addEventListener("change", () => { S.cmpPicked = true; });
$("#cmp-b").addEventListener("change", () => { S.cmpPicked = true; });
// Anything not caught beside its cause still reaches the screen, never only the console.
window.addEventListener("unhandledrejection", (ev) => showError("#error-bar", ev.reason));
guard("#error-bar", start)();
