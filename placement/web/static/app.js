// The workbench page starts here, loaded last: the words, the session, the catalogues,
// the working state restored, a live run or plan followed again; the tabs and the
// language switch. The rest is the tabs' scripts (see core.js).
"use strict";

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
// Anything not caught beside its cause still reaches the screen, never only the console.
window.addEventListener("unhandledrejection", (ev) => showError("#error-bar", ev.reason));
guard("#error-bar", start)();
