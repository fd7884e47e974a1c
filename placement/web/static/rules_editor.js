// The rules editor, in a planner's terms (issue 26 item 7), and undo of the last edits.
// It defines renderRules and onRuleChange (called by the other tabs' scripts) and reads
// core.js's S, t, call and the other tabs' validate, saveState, renderLocks at call time.
// Every label, unit, picker and priority level comes from the catalogue the API serves
// (GET /api/v1/rules and /api/v1/rules/words), so the page holds no rule's words; its
// own words are the page's catalogue (placement/web/page_words.py).
"use strict";

const UNDO_DEPTH = 20;

// --- values: fractions, lists and tables as a planner reads them ----------------------
function asFraction(value) {
  // 0.6666666666666666 -> "2/3"; "2/3" stays; a value no small fraction matches stays.
  if (typeof value === "string" && value.includes("/")) return value;
  const x = Number(value);
  if (!Number.isFinite(x)) return String(value ?? "");
  for (let d = 1; d <= 12; d++) {
    const n = Math.round(x * d);
    if (Math.abs(n / d - x) < 1e-6) return d === 1 ? String(n) : `${n}/${d}`;
  }
  return String(x);
}

function fractionValue(text, p) {
  // What a fraction typed into a number parameter is sent as: its decimal ("2/3" ->
  // 0.6666666666666666), which the scenario model reads back as two thirds.
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (p.type === "number" && m && Number(m[2])) return String(Number(m[1]) / Number(m[2]));
  return text.trim();
}

function same(a, b) {
  // An edit equal to the base value is no edit (lists compared as sets).
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x) => b.includes(x));
  if (a && b && typeof a === "object" && typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
  if (Array.isArray(a) || Array.isArray(b)) return false;
  return String(a ?? "") === String(b ?? "");
}

function current(rid, name, base) {
  // The parameter's value now: the edit kept in S.changes (as sent), else the base.
  const key = `rules.${rid}.${name}`;
  if (!(key in S.changes)) return base;
  const v = S.changes[key];
  try { return typeof base === "object" && base !== null ? JSON.parse(v) : v; } catch { return v; }
}

function choiceWord(c) {
  const w = S.ruleWords?.choices?.[c];
  return w ? w[S.lang === "zh" ? 0 : 1] : t(c);
}

// --- widgets ----------------------------------------------------------------------------
function widget(rid, p, base, bare = false) {
  // `bare`: the control without its label (the mode column's header says it)
  const key = `rules.${rid}.${p.name}`;
  const v = current(rid, p.name, base);
  const attrs = html`data-key="${key}" data-widget="${p.widget}"`;
  const label = p["label_" + S.lang];
  if (p.widget === "kinds" || p.widget === "ranks" || p.widget === "systems") {
    const words = S.ruleWords ?? { kinds: [], ranks: [], systems: [] };
    const options = p.widget === "kinds" ? words.kinds.map(([k, zh]) => [k, S.lang === "zh" ? zh : k])
      : p.widget === "ranks" ? words.ranks.map((r) => [r, r]) : words.systems.map((s) => [s, s]);
    const chosen = Array.isArray(v) ? v : [];
    const extra = p.widget === "systems" ? chosen.filter((s) => !options.some(([k]) => k === s)) : [];
    const boxes = options.map(([k, word]) => html`<label class="pick"><input type="checkbox" value="${k}" ${chosen.includes(k) ? "checked" : ""}> ${word}</label>`);
    if (p.widget === "systems") boxes.push(html`<input class="other" aria-label="${t("other_systems")}" placeholder="${t("other_systems")}" value="${extra.join("、")}" size="10">`);
    return html`<fieldset class="picker" ${attrs}><legend>${label}</legend>${joined(boxes, " ")}</fieldset>`;
  }
  if (p.widget === "table") {
    const table = v && typeof v === "object" ? v : {};
    const cells = Object.entries(table).map(([k, x]) => html`<label class="pick">${k} <input type="number" data-cell="${k}" value="${x}" size="3"></label>`);
    return html`<fieldset class="picker" ${attrs}><legend>${label}（${p["unit_" + S.lang]}）</legend>${joined(cells, " ")}</fieldset>`;
  }
  let input;
  if (p.widget === "choice") {
    input = html`<select ${attrs} aria-label="${label}">${p.choices.map((c) => html`<option value="${c}" ${c === v ? "selected" : ""}>${choiceWord(c)}</option>`)}</select>`;
  } else if (p.widget === "bool") {
    const on = v === true || v === "true";
    input = html`<select ${attrs} aria-label="${label}"><option value="true" ${on ? "selected" : ""}>${t("yes")}</option><option value="false" ${on ? "" : "selected"}>${t("no")}</option></select>`;
  } else if (p.widget === "fraction") {
    input = html`<input ${attrs} aria-label="${label}" value="${asFraction(v)}" size="5" inputmode="text" title="2/3">`;
  } else if (p.widget === "date") {
    input = html`<input ${attrs} aria-label="${label}" type="date" value="${v ?? ""}">`;
  } else {
    const b = p.bounds ?? {};
    // text, not type=number: a wrong entry reaches validation and gets the CLI's message
    const range = [b.ge, b.le].every((x) => x != null) ? `${b.ge}–${b.le}` : b.ge != null ? `≥ ${b.ge}` : "";
    input = html`<input ${attrs} aria-label="${label}" value="${v == null ? "" : String(v)}" size="5" inputmode="decimal" title="${range}">`;
  }
  return html`<label class="param">${bare ? "" : html`<span class="plabel">${label}</span>`} ${input} <span class="unit">${p["unit_" + S.lang]}</span></label>`;
}

function priorityCell(rid, p, base, mode) {
  // The weight as a priority (很高 … 不计) and what it trades against: a line's fit is at
  // most 100 points, so a weight of 1000 outweighs the fit of ten posts.
  const key = `rules.${rid}.weight`;
  const w = Number(current(rid, "weight", base));
  const levels = S.ruleWords?.priority ?? [];
  const hit = levels.find((l) => l[2] === w);
  const opts = levels.map(([zh, en, x]) => html`<option value="${x}" ${hit && hit[2] === x ? "selected" : ""}>${S.lang === "zh" ? zh : en}（${x}）</option>`);
  if (!hit) opts.push(html`<option value="${w}" selected>${t("custom")}（${w}）</option>`);
  const says = mode === "hard" ? t("weight_hard") : w === 0 ? t("weight_none")
    : t("weight_says").replace("{w}", w).replace("{n}", String(Math.round((w / 100) * 10) / 10));
  return html`<select data-key="${key}" data-widget="int" aria-label="${p["label_" + S.lang]}">${opts}</select>
    <input data-key="${key}" data-widget="int" type="number" min="0" step="1" value="${w}" aria-label="${p["label_" + S.lang]}" class="weight-n">
    <div class="hint weight-says">${says}</div>`;
}

function renderRules() {
  const rows = S.rules.map((r) => {
    const cur = S.base.rules?.[r.id] ?? {};
    const params = r.params.filter((p) => !["mode", "weight", "priority"].includes(p.name));
    const mode = r.params.find((p) => p.name === "mode");
    const weight = r.params.find((p) => p.name === "weight");
    const edited = Object.keys(S.changes).some((k) => k.startsWith(`rules.${r.id}.`));
    const modeNow = current(r.id, "mode", cur.mode);
    const basis = r.basis?.sentence ? html`<details class="basis"><summary>${t("basis")}</summary><p>${r.basis.sentence}</p>
      <p class="hint">${t("sources")}：${r.basis.sources.join("；")}</p></details>` : "";
    return html`<tr data-rule="${r.id}" class="${edited ? "changed" : ""}"><td>${r.id}</td>
      <td><span title="${S.lang === "zh" ? "" : r.doc}">${r["name_" + S.lang]}</span>${basis}</td>
      <td>${widget(r.id, mode, cur.mode, true)}</td>
      <td>${params.map((p) => widget(r.id, p, cur[p.name]))}</td>
      <td>${priorityCell(r.id, weight, cur.weight, modeNow)}</td></tr>`;
  });
  render("#rules tbody", rows);
  renderChanges();
}

function changeWords() {
  // The edits in words: "女干部配备：女干部不少于 3 名".
  const out = [];
  for (const [key, value] of Object.entries(S.changes)) {
    const [, rid, name] = key.split(".");
    const rule = S.rules.find((r) => r.id === rid);
    const p = rule?.params.find((x) => x.name === name);
    if (!rule || !p) { out.push(`${key}=${value}`); continue; }
    let shown = value;
    if (p.widget === "fraction") shown = asFraction(value);
    else if (p.widget === "choice") shown = choiceWord(value);
    else if (p.widget === "bool") shown = t(value === "true" ? "yes" : "no");
    else if (p.widget === "kinds") {
      try { shown = JSON.parse(value).map((k) => (S.ruleWords?.kinds.find((x) => x[0] === k)?.[S.lang === "zh" ? 1 : 0] ?? k)).join("、"); } catch { /* as typed */ }
    } else if (p.widget === "ranks" || p.widget === "systems") {
      try { shown = JSON.parse(value).join("、"); } catch { /* as typed */ }
    }
    out.push(`${rule["name_" + S.lang]}：${p["label_" + S.lang]} ${shown}${p["unit_" + S.lang] && !p["unit_" + S.lang].includes("/") ? " " + p["unit_" + S.lang] : ""}`);
  }
  return out;
}

function settingWords(text) {
  // One `--set` of a run's settings in words: a rule edit as the editor lists it, the
  // locks as "锁定：吕昌全 任 尧都区委书记（理由：…）", the price of a changed line of a
  // re-solve close to another run, anything else as written.
  const eq = text.indexOf("=");
  const key = text.slice(0, eq), value = text.slice(eq + 1);
  if (key.startsWith("rules.")) {
    const saved = S.changes;
    try { S.changes = { [key]: value }; return changeWords()[0]; } finally { S.changes = saved; }
  }
  const lock = /^locks\.(must|forbid)$/.exec(key);
  if (lock) {
    const pairs = [...value.matchAll(/cadre = "([^"]*)", post = "([^"]*)"(?:, reason = "((?:[^"\\]|\\.)*)")?/g)];
    return pairs.map(([, c, p, why]) => {
      const line = (S.roster ?? []).find((r) => r.post_id === p);
      const post = line ? `${line.team_name}${line.title}` : p;
      const who = typeof nameOf === "function" ? nameOf(c) : c;
      return `${t("lock_" + lock[1])}：${who} ${t("holds")} ${post}${why ? `（${t("why")}：${why}）` : ""}`;
    }).join("；");
  }
  if (key === "locks.keep") return `${t("lock_keep")}：${value.replace(/[[\]"]/g, "")}`;
  if (key === "weights.change") return t("close_price").replace("{w}", value);
  // the scenario's other settings (solver, weights, fit, date) in words; an engine's name
  // (highs, cpsat) stays as it is
  if (Object.hasOwn(WORDS, `set.${key}`)) return t(`set.${key}`).replace("{v}", value);
  return text;
}

const settingsWords = (list) => list.map(settingWords).join("；") || t("no_changes");

function renderChanges() {
  const box = $("#changes");
  box.dataset.set = changeList().join("  ");  // the --set form, for tests and the CLI
  box.textContent = changeWords().join("；") || t("no_changes");
  const undo = $("#undo");
  if (undo) { undo.disabled = !(S.undo ?? []).length; undo.textContent = t("undo"); }
}

function readWidget(el, rid, name) {
  // The value a control holds, as sent (`--set` text), or null for the base value.
  const rule = S.rules.find((r) => r.id === rid);
  const p = rule.params.find((x) => x.name === name);
  const base = S.base.rules[rid][name];
  let value;
  if (["kinds", "ranks", "systems"].includes(el.dataset.widget)) {
    value = [...el.querySelectorAll("input[type=checkbox]:checked")].map((b) => b.value);
    const other = el.querySelector("input.other");
    if (other) value.push(...other.value.split(/[、,，\s]+/).filter(Boolean));
    return same(value, base) ? null : JSON.stringify(value);
  }
  if (el.dataset.widget === "table") {
    value = Object.fromEntries([...el.querySelectorAll("input[data-cell]")].map((i) => [i.dataset.cell, Number(i.value)]));
    return same(value, base) ? null : JSON.stringify(value);
  }
  value = el.dataset.widget === "fraction" ? fractionValue(el.value, p) : el.value;
  if (el.dataset.widget === "fraction" && Math.abs(Number(fractionValue(el.value, { type: "number" })) - Number(fractionValue(String(base), { type: "number" }))) < 1e-9) return null;
  if (el.dataset.widget === "date" && !value && base == null) return null;
  return same(value, base) ? null : value;
}

let reTyping;
let lastUndoKey = null;
let lastUndoAt = 0;
function onRuleChange(ev) {
  const el = ev.target.closest("[data-key]");
  if (!el) return;
  const key = el.dataset.key;
  const [, rid, name] = key.split(".");
  // One undo step per parameter edited in one go (typing "3" then "30" is one step).
  if (key !== lastUndoKey || Date.now() - lastUndoAt > 2000) pushUndo();
  lastUndoKey = key;
  lastUndoAt = Date.now();
  const value = readWidget(el, rid, name);
  if (value === null) delete S.changes[key];
  else S.changes[key] = value;
  el.closest("tr").classList.toggle("changed", Object.keys(S.changes).some((k) => k.startsWith(`rules.${rid}.`)));
  if (name === "weight" || name === "mode") {
    // the weight's select and number show the same value, and its sentence follows
    const row = el.closest("tr");
    const r = S.rules.find((x) => x.id === rid);
    render(row.lastElementChild, priorityCell(rid, r.params.find((p) => p.name === "weight"),
      S.base.rules[rid].weight, current(rid, "mode", S.base.rules[rid].mode)));
  }
  renderChanges();
  saveState();
  clearTimeout(reTyping);
  reTyping = setTimeout(validate, 300);
}

// --- undo: the last edits of rules and locks, kept with the working state ----------------
function snapshot() {
  return { changes: { ...S.changes }, locks: JSON.parse(JSON.stringify(S.locks)) };
}

function pushUndo() {
  if (S.restoring) return;
  S.undo = [...(S.undo ?? []), snapshot()].slice(-UNDO_DEPTH);
  const undo = $("#undo");
  if (undo) undo.disabled = false;
}

async function undoLast() {
  const last = (S.undo ?? []).pop();
  if (!last) { $("#solve-msg").textContent = t("undo_empty"); return; }
  const what = [];
  if (JSON.stringify(last.changes) !== JSON.stringify(S.changes)) what.push(t("undo_rule"));
  if (JSON.stringify(last.locks) !== JSON.stringify(S.locks)) what.push(t("undo_lock"));
  S.changes = last.changes;
  S.locks = last.locks;
  lastUndoKey = null;
  renderRules();
  renderLocks();  // saves the state, the shorter undo list with it
  $("#solve-msg").textContent = t("undone") + (what.join("、") || t("no_changes"));
  await validate();
}

document.addEventListener("keydown", (ev) => {
  // Ctrl+Z outside a text field undoes the last edit (a field keeps its own undo).
  if ((ev.ctrlKey || ev.metaKey) && ev.key === "z" && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName ?? "")) {
    ev.preventDefault();
    undoLast();
  }
});

// --- saving the edits as a scenario --------------------------------------------------
async function saveScenario() {
  const res = await call("POST", "/api/v1/scenarios", { name: $("#save-name").value, base: S.scenario, set: changeList() });
  $("#save-msg").textContent = `${t("saved")}: ${res.label ?? res.name}`;
}

$("#rules").addEventListener("change", onRuleChange);
$("#rules").addEventListener("input", onRuleChange);
$("#save").addEventListener("click", guard("#save-msg", saveScenario));
$("#undo").addEventListener("click", guard("#solve-msg", undoLast));
