// The 规划 tab: a rotation plan as a background run, year by year.
"use strict";

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

$("#plan-run").addEventListener("click", guard("#plan-progress", runPlan));
$("#plan-cancel").addEventListener("click", guard("#plan-progress", cancelPlan));
$("#plan-locks").addEventListener("change", onPlanLockYear);
$("#plan-years").addEventListener("input", renderPlanLocks);
$("#plan-history").addEventListener("click", guard("#plan-history-msg", onPlanHistory));
