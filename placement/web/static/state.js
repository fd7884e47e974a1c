// The working state, kept on the server (a reload finds the work where it was): the
// scenario, rule edits, locks with reasons, undo, the open run and the open plan.
"use strict";

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
