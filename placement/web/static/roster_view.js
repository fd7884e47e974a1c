// The roster a planner reads (issue 26 item 10): each post with its holder after and
// the holder before (原任职人, by name), the 拟免 list (who leaves a post, the cause and
// where to, from the run's dismissals table) and keyboard access to the pick lists.
// It defines renderRoster, which run.js's openRun calls once it has fetched the run's
// tables (S.roster, S.dismissals).
"use strict";

function nameOf(cadreId) {
  // A cadre's name from the open run's tables: the roster (holders after) and the 拟免
  // list (who leaves) together name every holder before.
  if (!cadreId) return "";
  const r = S.roster.find((x) => x.cadre_id === cadreId);
  if (r) return r.cadre_name;
  return (S.dismissals ?? []).find((x) => x.cadre_id === cadreId)?.cadre_name ?? cadreId;
}

function previousCell(r) {
  const before = r.previous_holder_id ?? "";
  if (!before) return html`<span class="hint">${t("vacant")}</span>`;
  if (before === r.cadre_id) return html`<span class="hint">${t("same")}</span>`;
  return html`${nameOf(before)} <small>${before}</small>`;
}

function renderRoster() {
  const q = $("#roster-filter").value.trim();
  const only = $("#only-changed").checked;
  const locked = lockedPosts();
  const teams = new Map();
  for (const r of S.roster) {
    if (only && r.change === "stay") continue;
    const before = nameOf(r.previous_holder_id);
    if (q && !`${r.team_name} ${r.cadre_name} ${r.title} ${r.cadre_id} ${before}`.includes(q)) continue;
    if (!teams.has(r.team_id)) teams.set(r.team_id, { name: r.team_name, rows: [] });
    teams.get(r.team_id).rows.push(r);
  }
  const shown = [];
  for (const [tid, team] of teams) {
    const rows = team.rows.map((r) => {
      const cls = locked.has(r.post_id) || locked.has(r.team_id) ? "locked" : r.change !== "stay" ? "changed" : "";
      return html`<tr class="${cls}" data-post="${r.post_id}"><td>${r.title}</td>
        <td>${r.cadre_name} <small>${r.cadre_id}</small></td>
        <td class="previous">${previousCell(r)}</td>
        <td><span class="badge ${r.change}">${t(r.change)}</span></td><td>${r.fit}</td>
        <td class="reason">${r["reason_" + S.lang]}</td>
        <td><button data-why="${r.post_id}">${t("why_not")}</button>
            <button data-alt="${r.post_id}">${t("alternates")}</button></td></tr>`;
    });
    shown.push(html`<div class="team"><h4>${team.name} <small>${tid}</small></h4><table class="grid roster">
      <tr><th>${t("post")}</th><th>${t("holder")}</th><th>${t("previous")}</th><th>${t("change")}</th><th>${t("fit")}</th><th>${t("reason")}</th><th></th></tr>
      ${rows}</table></div>`);
  }
  render("#roster", shown);
  renderDismissals();
}

function renderDismissals() {
  // 拟免: one line per sitting cadre who leaves a post, with the cause and where to.
  const box = $("#dismissals");
  if (!box) return;
  const q = $("#roster-filter").value.trim();
  const rows = (S.dismissals ?? []).filter((d) => !q || `${d.cadre_name} ${d.from_team_name} ${d.from_title}`.includes(q));
  $("#dismissals-title").textContent = `${t("dismissals")}（${rows.length}）`;
  if (!rows.length) { render(box, html`<tr><td>${t("none_leave")}</td></tr>`); return; }
  const where = (d) => (d.to_post ? t("to_post").replace("{post}", d.to_title || d.to_post) : d["destination_" + S.lang]);
  render(box, html`<tr><th>${t("person_name")}</th><th>${t("from_post")}</th><th>${t("leave_cause")}</th><th>${t("destination")}</th></tr>
    ${rows.map((d) => html`<tr data-cadre="${d.cadre_id}"><td>${d.cadre_name} <small>${d.cadre_id}</small></td>
      <td>${d.from_team_name} ${d.from_title}</td><td class="reason">${d["reason_" + S.lang]}</td>
      <td>${where(d)}</td></tr>`)}`);
}

// --- why-not with a name picker, alternates with names, prices and an adopt button ------
async function ask(ev) {
  const t0 = ev.target.closest("button") ?? ev.target;  // a click on a name's <small> too
  const box = $("#ask");
  if (t0.dataset.why) { askWho(t0.dataset.why); return; }
  if (t0.id === "ask-go") { await findWho(); return; }
  if (t0.dataset.whyCadre) { await whyNot(t0.dataset.whyCadre, box.dataset.post); return; }
  if (t0.dataset.adopt) { adopt(t0.dataset.adopt, t0.dataset.name, box.dataset.post); return; }
  if (t0.dataset.alt) await showAlternates(t0.dataset.alt);
}

function askWho(post) {
  // A name box in the page (not a browser prompt): a name that matches several people
  // asks which one.
  const box = $("#ask");
  box.style.display = "block";
  box.dataset.post = post;
  const title = S.roster.find((r) => r.post_id === post);
  render(box, html`<b>${title ? `${title.team_name} ${title.title}` : post}</b> · <label>${t("who")}
    <input id="ask-name" autocomplete="off"></label> <button id="ask-go">${t("ask_go")}</button>
    <div id="ask-hits"></div><pre id="ask-text"></pre>`);
  $("#ask-name").focus();
  box.scrollIntoView({ block: "nearest" });
}

async function findWho() {
  const q = $("#ask-name").value.trim();
  if (!q) return;
  const hits = await call("GET", `/api/v1/search?scenario=${encodeURIComponent(S.run.scenario)}&q=${encodeURIComponent(q)}`);
  const people = hits.cadres;
  if (people.length === 1) { await whyNot(people[0].cadre_id, $("#ask").dataset.post); return; }
  render("#ask-hits", !people.length ? html`<span class="err">${t("nobody").replace("{q}", q)}</span>`
    : html`<p>${t("which").replace("{n}", people.length)}</p>${joined(people.map((c) =>
      html`<button data-why-cadre="${c.cadre_id}">${c.name} <small>${c.rank} ${c.team} ${c.title}</small></button>`), " ")}`);
  $("#ask-hits button")?.focus();
}

async function whyNot(cadre, post) {
  $("#ask-hits").replaceChildren();
  $("#ask-text").textContent = "…";
  const res = await call("GET", `/api/v1/runs/${S.run.id}/why-not?cadre=${encodeURIComponent(cadre)}&post=${encodeURIComponent(post)}`);
  $("#ask-text").textContent = res["text_" + S.lang];
  $("#ask").dataset.cadre = cadre;
}

async function showAlternates(post) {
  const box = $("#ask");
  box.style.display = "block";
  box.dataset.post = post;
  box.textContent = "…";
  // alternates of this run's roster: its holder is never among them (the API's answer)
  const rows = await call("GET", `/api/v1/runs/${S.run.id}/alternates?post=${encodeURIComponent(post)}&k=3`);
  if (!rows.length) {
    // Say why the box is empty: a lock fixes the post; its sitting holder stays with no
    // cause to move him (no release without a cause, so an alternate would need the
    // planner's forbid lock); or nobody else may take it.
    const lock = lockOn(post);
    const stays = S.roster.find((r) => r.post_id === post)?.change === "stay";
    box.textContent = lock ? `${t("alt_locked")}（${lockWords(lock)}）` : stays ? t("stays_no_alt") : t("alt_none");
    box.dataset.empty = lock ? "locked" : stays ? "stays" : "none";
    return;
  }
  delete box.dataset.empty;
  render(box, rows.map((r) => {
    const price = Number(r.objective_change) ? t("alt_price").replace("{x}", Math.abs(Number(r.objective_change)))
      : t("alt_price_zero");
    const more = Number(r.lines_changed) > 1 ? ` · ${t("alt_lines").replace("{n}", Number(r.lines_changed) - 1)}` : "";
    // the post's sitting holder: the option of keeping him, said as such
    const stays = r.incumbent ? ` · ${t("alt_incumbent")}` : "";
    return html`<div class="alt" data-cadre="${r.cadre_id}">${r.rank}. ${r.name ?? ""}（${r.cadre_id}） · ${t("alt_fit")} ${r.fit} · ${price}${more}${stays}
      <button data-adopt="${r.cadre_id}" data-name="${r.name ?? r.cadre_id}">${t("adopt")}</button></div>`;
  }));
  box.scrollIntoView({ block: "nearest" });
}

function adopt(cadre, name, post) {
  // Adopting an alternate is a must-hold lock with its reason; the next solve (close to
  // this run) puts the alternate in and changes as little else as it can.
  const line = S.roster.find((r) => r.post_id === post);
  const label = line ? `${line.team_name} ${line.title}` : post;
  pushUndo();
  S.locks.push({ kind: "must", cadre: { id: cadre, label: name }, post: { id: post, label }, reason: t("adopt_reason") });
  renderLocks();
  const done = document.createElement("p");
  done.className = "ok";
  done.id = "adopted";
  done.textContent = t("adopted").replace("{name}", name).replace("{post}", label);
  $("#ask").append(done);
  validate();
}

// --- keyboard: every pick list reachable and usable without a mouse ---------------------
function focusable(list) {
  for (const li of list.querySelectorAll("li")) {
    if (!li.hasAttribute("tabindex")) { li.tabIndex = 0; li.setAttribute("role", "option"); }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#roster").addEventListener("click", guard("#ask", ask));
  $("#roster-filter").addEventListener("input", renderRoster);
  $("#only-changed").addEventListener("change", renderRoster);
  $("#ask").addEventListener("click", guard("#ask-text", ask));
  for (const list of document.querySelectorAll("ul.hits")) {
    list.setAttribute("role", "listbox");
    new MutationObserver(() => focusable(list)).observe(list, { childList: true });
  }
});

document.addEventListener("keydown", (ev) => {
  // Enter or Space picks the focused item; the arrows walk the list; from a search box
  // the down arrow enters its list of hits.
  const li = ev.target.closest?.("ul.hits li");
  if (li) {
    if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); li.click(); li.classList.add("picked"); }
    if (ev.key === "ArrowDown") { ev.preventDefault(); li.nextElementSibling?.focus(); }
    if (ev.key === "ArrowUp") { ev.preventDefault(); li.previousElementSibling?.focus(); }
    return;
  }
  if (ev.key === "Enter" && ev.target.id === "ask-name") { ev.preventDefault(); guard("#ask-hits", findWho)(); return; }
  if (ev.key === "ArrowDown" && ev.target.id === "search") { ev.preventDefault(); $("#hits-cadres li, #hits-posts li")?.focus(); }
  if (ev.key === "ArrowDown" && ev.target.id === "find-post-q") { ev.preventDefault(); $("#find-posts li")?.focus(); }
});
