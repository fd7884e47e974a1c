// Solving and the 方案 tab: a run started (locks checked first), its progress in words,
// cancel, and the opened run's figures, status, downloads and shortfalls. The roster
// itself is roster_view.js's.
"use strict";

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

// --- result --------------------------------------------------------------------------
function sum(rows, col) { return rows.reduce((a, r) => a + (Number(r[col]) || 0), 0); }

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

$("#solve").addEventListener("click", guard("#solve-msg", solve));
$("#cancel").addEventListener("click", guard("#solve-msg", cancel));
