// The Data tab: the scenarios and data sets, validation, uploads (tables and forms) and
// what an upload of forms changed.
"use strict";

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

$("#scenario").addEventListener("change", guard("#problems", chooseScenario));
$("#validate").addEventListener("click", guard("#problems", validate));
$("#upload").addEventListener("click", guard("#upload-msg", upload));
$("#confirm-defaults").addEventListener("click", guard("#defaults-confirmed", confirmDefaults));
