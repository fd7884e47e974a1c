// The 选人 tab: candidates for a post by conditions (no solve), one tried in with the
// team figures before and after, kin and home-region ties, and a lock or why-not.
"use strict";

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

$("#find-post-q").addEventListener("input", guard("#find-count", onFindPost));
$("#find-posts").addEventListener("click", guard("#find-count", pickFindPost));
$("#find").addEventListener("click", guard("#find-count", findCandidates));
$("#found").addEventListener("click", guard("#trial", tryIn));
$("#trial").addEventListener("click", guard("#trial-msg", onTrial));
