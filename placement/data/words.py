"""The words a planner reads besides error messages, in Chinese and English: the one
catalogue the terminal (solve, diff, sweep, calibrate, progress), the reports and the
what-ifs take their headers, coded values and sentences from.

Error and problem messages keep their own catalogue (`placement.data.i18n`, keyed by
problem code). Ids and rule ids are never translated: `value` hands back any code it
does not know as written, so an id passes through unchanged.
tests/test_language.py renders every command in Chinese and fails on an English word.
"""

from __future__ import annotations

from string import Formatter

# key -> (zh, en)
WORDS: dict[str, tuple[str, str]] = {
    # sheets
    "sheet_roster": ("拟任名单", "Roster"),
    "sheet_moves": ("调整清单", "Moves"),
    "sheet_dismissals": ("拟免名单", "Leaving a post"),
    "sheet_structure": ("班子结构", "Team structure"),
    "sheet_rules": ("规则达标", "Rules"),
    "sheet_alternates": ("备选人选", "Alternates"),
    "sheet_about": ("说明", "About"),
    "sheet_shortfalls": ("未达标原因", "Shortfalls"),
    "sheet_prices": ("规则代价", "Rule prices"),
    # roster
    "team": ("班子", "team"),
    "team_id": ("班子编号", "team id"),
    "post_id": ("职位编号", "post id"),
    "post": ("职务", "post"),
    "post_rank": ("职级", "rank"),
    "proposed_id": ("拟任人员编号", "proposed id"),
    "proposed": ("拟任人选", "proposed holder"),
    "birth": ("出生年月", "born"),
    "current_id": ("现任人员编号", "current id"),
    "current": ("现任人员", "current holder"),
    "change": ("变动", "change"),
    "fit": ("匹配度", "fit"),
    "reason": ("理由", "reason"),
    # moves
    "cadre_id": ("人员编号", "cadre id"),
    "name": ("姓名", "name"),
    "from_team": ("原班子", "from team"),
    "from_post": ("原职务", "from post"),
    "to_team": ("拟任班子", "to team"),
    "to_post": ("拟任职务", "to post"),
    "kind": ("类别", "kind"),
    "required_by": ("依据", "required by"),
    # 拟免 (dismissals.csv)
    "from_post_title": ("原任职务", "former post"),
    "leave_cause": ("免职原因", "cause"),
    "destination": ("去向", "goes to"),
    # structure
    "team_kind": ("班子类型", "kind"),
    "region": ("地区", "region"),
    "posts": ("职数", "posts"),
    "size": ("在职人数", "members"),
    "women": ("女干部", "women"),
    "young": ("年轻干部", "young"),
    "locals": ("本地干部", "locals"),
    "exchanged_in": ("系统外交流", "exchanged in"),
    "non_party": ("党外干部", "non-Party"),
    "township_head": ("乡镇党政正职经历", "township head experience"),
    "avg_age": ("平均年龄", "average age"),
    "before": ("调整前", "before"),
    "after": ("调整后", "after"),
    "other_short": ("其他未达标", "other targets short"),
    # rules
    "rule": ("规则", "rule"),
    "rule_name": ("名称", "name"),
    "mode": ("模式", "mode"),
    "scope": ("范围", "scope"),
    "required": ("要求", "target"),
    "achieved": ("实际", "achieved"),
    "shortfall": ("差额", "shortfall"),
    "places": ("考核处数", "places"),
    "places_short": ("未达标处数", "places short"),
    "where": ("未达标处", "where short"),
    "cause": ("原因", "cause"),
    # rule prices (prices.csv: what relaxing each rule by one step would gain)
    "price_where": ("范围", "where"),
    "price_step": ("放宽一步", "one step looser"),
    "price_cost": ("对目标值的影响", "effect on the objective"),
    "price_estimate": ("对偶估计", "dual estimate"),
    "price_fit": ("对人岗相适的影响", "effect on fit"),
    "price_stayed": ("对留任人数的影响", "effect on cadres staying"),
    "price_lines": ("需另动人数", "other lines changed"),
    "price_targets": ("目标变化数", "targets moved"),
    "price_settings": ("复现设置（--set）", "settings (--set)"),
    "price_words": ("说明", "in words"),
    "price_note": ("提示", "note"),
    "price_all": ("全部", "all"),
    # alternates
    "rank": ("顺位", "rank"),
    "objective_change": ("目标值变化", "objective change"),
    "breaks": ("影响", "breaks"),
    "lines_changed": ("变动职位数", "lines changed"),
    # about
    "item": ("项目", "item"),
    "value": ("内容", "value"),
    "met": ("达标", "met"),
    "unmet": ("未达标", "short"),
}

VALUES: dict[str, tuple[str, str]] = {
    # roster change
    "stay": ("留任", "stays"), "new": ("新任", "new"), "moved_in": ("调入", "moved in"),
    # move kinds
    "promotion": ("晋升", "promotion"), "lateral": ("平级交流", "lateral move"),
    "demotion": ("降级使用", "demotion"), "leaving": ("退出", "leaving"),
    "released": ("免职（另行安排）", "released"), "appointment": ("新任", "appointment"),
    # modes and scopes
    "hard": ("硬性", "hard"), "target": ("目标", "target"), "off": ("关闭", "off"),
    "pair": ("人岗", "pair"), "county": ("县", "county"), "all": ("全部", "all"),
    "cadre": ("干部", "cadre"),
    # status
    "optimal": ("最优", "optimal"), "feasible": ("可行（未证明最优）", "feasible"),
    "infeasible": ("无可行方案", "infeasible"), "unknown": ("未知", "unknown"),
    # a plan's departures (plan.csv)
    "retired": ("到龄退休", "retired"), "left": ("离任", "left"),
    "scheduled": ("按计划离任", "scheduled"),
}


# Figures of a result or a calibration, as the diff, the sweep and calibrate show them.
VALUES.update({
    "objective": ("目标值", "objective"), "check_ok": ("核查通过", "check passed"),
    "fit": ("匹配度", "fit"), "changed_posts": ("变动职位", "posts changed"),
    "moves": ("调整人次", "moves"), "penalty": ("未达标扣分", "penalty"),
    "status": ("状态", "status"), "True": ("是", "yes"), "False": ("否", "no"),
    "size": ("在职人数", "members"), "women": ("女干部", "women"),
    "young": ("年轻干部", "young"), "locals": ("本地干部", "locals"),
    "exchanged_in": ("系统外交流", "exchanged in"), "non_party": ("党外干部", "non-Party"),
    "township_head": ("乡镇党政正职经历", "township head experience"),
    "avg_age": ("平均年龄", "average age"), "team": ("班子", "team"),
    "changed": ("两边不同", "changed"), "only_a": ("仅A有", "only in A"),
    "only_b": ("仅B有", "only in B"),
    "women_share": ("女干部比例", "women share"),
    "township_head_share": ("乡镇党政正职经历比例", "township head share"),
    # calibrate's columns (the figures' own labels: placement.tools.calibration.TABLES)
    "published": ("公布数", "published"), "before": ("调整前", "before"),
    "proposal": ("拟任方案", "proposal"), "figure": ("指标", "figure"), "note": ("说明", "note"),
    # sweep rows
    "run": ("方案", "run"), "pareto": ("帕累托前沿", "Pareto front"),
    "seconds": ("用时（秒）", "seconds"), "name_": ("名称", "name"),
    # sweep columns: the settings a sweep varies and the figures it records
    "bound": ("上界", "bound"), "gap": ("差距", "gap"), "build_seconds": ("建模（秒）", "build s"),
    "solve_seconds": ("求解（秒）", "solve s"), "scenario_checksum": ("场景校验值", "checksum"),
    "result": ("结果", "result"), "error": ("错误", "error"), "rules": ("规则", "rules"),
    "weights": ("权重", "weights"), "short": ("缺口", "short"),
    "min_women": ("女干部最少人数", "min_women"), "share": ("比例", "share"),
    "min_locals": ("本地干部最少人数", "min_locals"),
    # the solve's levels, as the progress line names them (models.objective)
    "weighted": ("加权目标", "weighted"), "stability": ("稳定", "stability"),
    "agreement": ("贴近原名单", "agreement"), "targets": ("目标层级", "targets"),
    # where a conflict lies (placement.pipeline.propose, placement.explain.infeasible)
    "hard rules": ("硬性规定", "hard rules"), "model": ("模型", "model"),
    "must": ("必选锁定", "must"), "keep": ("保留锁定", "keep"),
    "LEAVING": ("退出", "LEAVING"), "NO_CANDIDATE": ("无可任人选", "NO_CANDIDATE"),
    "NO_RELEASE": ("无因不得免职", "no release without a cause"),
    "FILLED_BY": ("其他渠道任命的职位", "post filled through another channel"),
    "infeasibility": ("分析无解原因并验证放宽办法",
                      "explaining infeasibility, verifying relaxations"),
})

# plan.csv and timeline.csv (`placement plan`): the column headers, written in the
# planner's language and read back by the plan report (`placement.export.report.plan`).
PLAN_HEADERS: dict[str, tuple[str, str]] = {
    "year": ("年度", "year"), "post_id": ("职位编号", "post_id"),
    "holder": ("任职人编号", "holder"), "change": ("变动", "change"),
    "reason": ("说明", "reason"), "team_id": ("班子编号", "team_id"),
    "team_name": ("班子", "team_name"), "title": ("职务", "title"),
    "holder_name": ("任职人", "holder_name"), "holder_from": ("原任职位", "holder_from"),
    "previous_holder": ("原任人员编号", "previous_holder"),
    "previous_holder_name": ("原任人员", "previous_holder_name"),
    "required_by": ("硬性规则", "required_by"), "target_due": ("到期目标规则", "target_due"),
    "departure": ("离任", "departure"), "kind": ("班子类型", "kind"),
    "region": ("地区", "region"), "size": ("在职人数", "size"), "women": ("女干部", "women"),
    "young": ("年轻干部", "young"), "locals": ("本地干部", "locals"),
    "exchanged_in": ("交流干部", "exchanged_in"), "non_party": ("党外干部", "non_party"),
    "township_head": ("乡镇党政正职经历", "township_head"), "avg_age": ("平均年龄", "avg_age"),
    "changed_posts": ("变动职位", "changed_posts"), "holders": ("任职人（职位=人员）", "holders"),
}

# Sentences, with named parameters that both languages take.
TEXTS: dict[str, tuple[str, str]] = {
    # placement plan: one line per year, then the plan's line
    "plan_year": ("{year}年：{status}，目标值 {objective}{gap}，求解 {seconds:.1f} 秒；{checked}；"
                  "{changed} 个职位变动（因规定必须调整 {forced} 个，空缺补充 {vacant} 个，"
                  "选择调整 {chosen} 个）；{retired} 人到龄退休；任期内调整两次及以上 {twice} 人"
                  "（非提拔 {twice_lateral} 人）",
                  "{year}: {status}, objective {objective}{gap}, {seconds:.1f}s solve; "
                  "{checked}; {changed} posts change ({forced} forced, {vacant} vacancies "
                  "filled, {chosen} chosen); {retired} retire; {twice} cadres moved more "
                  "than once in the term ({twice_lateral} not promoted)"),
    "plan_vacant": ("空缺职位", "vacant post"),
    "plan_retired": ("到龄退休（R-EL7 退休年龄）", "retired (R-EL7 retirement age)"),
    "plan_left": ("离任（数据标明）", "leaves (data: leaving)"),
    "plan_scheduled": ("离任（规划安排）", "leaves (plan schedule)"),
    "plan_moved": ("调任 {post}", "moved to {post}"),
    "plan_released": ("免职（另行安排）", "released"),
    "plan_required": ("（{rules} 要求）", " (required by {rules})"),
    "plan_due": ("（目标到期：{rules}）", " (target due: {rules})"),
    "plan_year_none": ("{year}年：{status}，无可行名单", "{year}: {status}, no roster"),
    "plan_gap": ("，差距 {gap:.4%}", ", gap {gap:.4%}"),
    "plan_checked": ("核查通过", "check passed"),
    "plan_check_failed": ("核查未通过", "check FAILED"),
    "plan_done": ("共 {years} 年，完成 {solved} 年，用时 {seconds:.1f} 秒{stopped}；规划在 {out}",
                  "{solved} of {years} years in {seconds:.1f}s{stopped}; plan in {out}"),
    "plan_stopped": ("（已停止：某一年没有通过核查的名单）",
                     " (stopped: a year has no checked roster)"),
    "headline": ("{status}：目标值 {objective}{gap}，{engine} 求解 {seconds:.1f} 秒；{checked}；"
                 "{changed} 个职位变动{against}{alternates}；结果在 {out}",
                 "{status}: objective {objective}{gap}, {seconds:.1f}s {engine} solve; "
                 "{checked}; {changed} posts change{against}{alternates}; results in {out}"),
    "gap": ("，差距 {gap:.4%}", ", gap {gap:.4%}"),
    "check_passed": ("核查通过", "check passed"),
    "check_failed": ("核查未通过", "check FAILED"),
    "check_none": ("无名单可核查", "no roster to check"),
    "from_lines": ("（与 {roster} 相比 {n} 行不同）", " ({n} lines differ from {roster})"),
    "previous_lines": ("（与此前结果相比 {n} 行不同）",
                       " ({n} lines differ from the previous result)"),
    "alternates": ("；{posts} 个职位共 {n} 名备选人选", "; {n} alternates for {posts} posts"),
    "prices_headline": ("；规则代价 {rows} 项（其中 {binding} 项起约束作用）",
                        "; {rows} rule prices ({binding} binding)"),
    "alternates_cut": ("；{posts} 个职位中 {done} 个已列备选人选，共 {n} 名（已中断）",
                       "; {n} alternates for {done} of {posts} posts (interrupted)"),
    "infeasible": ("无可行名单，冲突：", "infeasible; conflicts:"),
    "pool_line": ("    {place}：可任{many} {pool} 名，需 {required} 名（{posts} 个职位）",
                  "    {place}: {pool} {many} may take its posts, {required} needed "
                  "({posts} posts)"),
    "pool_more": ("    另有 {n} 个班子，见 summary.json", "    {n} more teams in summary.json"),
    "relaxations": ("可行的放宽办法（已求解验证）：",
                    "relaxations that restore a roster (verified by solving):"),
    "explain_cut": ("无解原因分析到时限（{seconds:g} 秒）即中止：以上冲突和放宽办法"
                    "是到时为止找到的",
                    "the infeasibility analysis stopped at its time limit ({seconds:g} s): the "
                    "conflicts and relaxations above are those found by then"),
    "relaxation": ("{change}：{status}，目标值 {objective}",
                   "{change}: {status}, objective {objective}"),
    "progress": ("[{label}] {elapsed:7.1f} 秒", "[{label}] {elapsed:7.1f}s"),
    "progress_best": ("  最好 {best:,.0f}  上界 {bound:,.0f}  差距 {gap:.3%}",
                      "  best {best:,.0f}  bound {bound:,.0f}  gap {gap:.3%}"),
    "progress_stop": ("   （按 Ctrl-C 保留已找到的最好名单）",
                      "   (Ctrl-C keeps the best roster found)"),
    "solving": ("求解", "solving"),
    "prices_progress": ("规则代价：逐条放宽一步重新求解",
                        "rule prices: each rule relaxed one step"),
    "alternates_progress": ("备选人选：{done}/{total} 个职位", "alternates: {done}/{total} posts"),
    "whynot_progress": ("分析 {cadre} → {post}", "why not {cadre} → {post}"),
    "report_progress": ("生成报告", "writing the reports"),
    "sweep_done": ("{state}{done}/{runs} 个方案，用时 {seconds:.1f} 秒（{where}）；"
                   "各行见 {rows}，图见 {chart}",
                   "{state}{done} of {runs} runs in {seconds:.1f}s ({where}); rows in {rows}, "
                   "chart in {chart}"),
    "interrupted": ("已中断：", "interrupted: "),
    # why not cadre C in post P (placement.explain.whynot)
    "whynot_head": ("{cadre} → {post}: ", "{cadre} → {post}: "),
    "whynot_excluded": ("不符合条件：{reasons}", "not eligible: {reasons}"),
    "whynot_no_roster": ("锁定后无可行名单（{status}）", "no roster with this lock ({status})"),
    "whynot_cost": ("目标值变化 {delta}（{before} → {after}）",
                    "objective change {delta} ({before} → {after})"),
    "whynot_lines": ("随之变化的职位：{n}", "roster lines that change: {n}"),
    "whynot_targets": ("目标缺口变化：", "target shortfalls that change:"),
    "whynot_LEAVING": ("本届退出", "leaves this cycle"),
    "whynot_NOT_CANDIDATE": ("未纳入考察", "not a candidate this cycle"),
    "whynot_NOT_NOMINATED": ("不在推荐范围内", "not nominated for this team or region"),
    "whynot_DEMOTION": ("职级低于现职级（降职仅能通过锁定）", "a demotion (only by a must lock)"),
    "whynot_FILLED_BY": ("该职位由其他渠道任命（如人武部），本方案不安排",
                         "a post filled through another channel (e.g. 人武部), not this "
                         "proposal's"),
    "processes": ("{n} 个进程", "{n} process(es)"),
}


def value(key: object, lang: str) -> str:
    """A coded value (`stay`, `promotion`, `hard`, a figure name …) in words; anything
    else (ids, rule ids, numbers) as written."""
    pair = VALUES.get(str(key))
    if pair is None:
        return str(key)
    return pair[0] if lang == "zh" else pair[1]


def shown(v: object, lang: str) -> object:
    """A table cell as shown: coded strings and yes/no (Python or numpy) in words,
    anything else as it is."""
    if isinstance(v, str) or type(v).__name__ in ("bool", "bool_"):
        return value(v, lang)
    return v


def setting(path: str, lang: str) -> str:
    """A setting or column path (`rules.R-TC5.min_women`, `short.R-TC5`) in words, part
    by part; rule ids as written."""
    return ".".join(value(part, lang) for part in str(path).split("."))


def word(key: str, lang: str) -> str:
    """A header (`WORDS`); an unknown key is a KeyError: every header is catalogued."""
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def say(key: str, lang: str, **params) -> str:
    """A sentence of `TEXTS` with its parameters filled in."""
    zh, en = TEXTS[key]
    return (zh if lang == "zh" else en).format(**params)


def fields(template: str) -> set[str]:
    """The parameter names of a template (the test checks both languages take the same)."""
    return {name for _, name, _, _ in Formatter().parse(template) if name}
