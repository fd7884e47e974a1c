// The rules' prices (on the Rules tab) in the open run.
"use strict";

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

$("#prices-go").addEventListener("click", guard("#prices-msg", loadPrices));
$("#prices").addEventListener("click", guard("#prices-msg", onPriceTry));
