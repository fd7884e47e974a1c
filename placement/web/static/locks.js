// The Locks tab: cadres and posts found by name, locks with reasons, and the must-hold
// locks the rules would not allow, named with the rule and confirmed in the page.
"use strict";

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

$("#search").addEventListener("input", onSearch);
$("#hits-cadres").addEventListener("click", onPick);
$("#hits-posts").addEventListener("click", onPick);
$("#add-lock").addEventListener("click", guard("#lock-msg", addLock));
$("#locks").addEventListener("click", (e) => {
  if (e.target.dataset.drop !== undefined) { pushUndo(); S.locks.splice(Number(e.target.dataset.drop), 1); renderLocks(); validate(); }
});
