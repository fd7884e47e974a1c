"""Message templates in Chinese and English, keyed by problem code.

Every message that reaches a user exists in both languages; a test checks
that each code has both and that they take the same parameters.
"""

from __future__ import annotations

# code -> (Chinese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "file_missing": ("找不到文件或目录 {path}", "file or folder {path} not found"),
    "table_missing": (
        "缺少必需的表 {table}（{zh}）",
        "required table {table} ({zh}) is missing",
    ),
    "missing_column": (
        "缺少必需的列 {column}（{zh}）",
        "required column {column} ({zh}) is missing",
    ),
    "empty_value": ("不能为空，应为{expected}", "is empty; expected {expected}"),
    "duplicate_id": (
        "编号 {value} 重复（首次出现在第{first}行）",
        "duplicate id {value} (first seen in row {first})",
    ),
    "unknown_ref": (
        "{value} 在 {target} 中不存在",
        "{value} does not exist in {target}",
    ),
    "bad_date": (
        "无法识别的日期 {value!r}，应为 YYYY-MM-DD、YYYY-MM 或 YYYYMM",
        "cannot read date {value!r}; expected YYYY-MM-DD, YYYY-MM or YYYYMM",
    ),
    "bad_number": ("无法识别的数字 {value!r}", "cannot read number {value!r}"),
    "int_too_large": (
        "整数 {value} 过大，绝对值应不超过 {limit}",
        "whole number {value} is too large; expected at most {limit} either way",
    ),
    "bad_int": ("无法识别的整数 {value!r}", "cannot read whole number {value!r}"),
    "bad_bool": (
        "无法识别的是/否值 {value!r}，应为 是/否、true/false 或 1/0",
        "cannot read yes/no value {value!r}; expected true/false, 1/0 or 是/否",
    ),
    "bad_enum": (
        "取值 {value!r} 不在允许范围内，应为 {expected}",
        "value {value!r} is not allowed; expected one of {expected}",
    ),
    "out_of_range": (
        "取值 {value} 超出范围，应在 {low} 到 {high} 之间",
        "value {value} is out of range; expected {low} to {high}",
    ),
    "birth_too_early": (
        "出生日期 {value} 早于 {low} 年，请核对（可能是录入错误）",
        "birth date {value} is before {low}; check it (a typing slip?)",
    ),
    "before_birth": (
        "日期 {value} 早于该干部的出生日期",
        "date {value} is before the cadre's birth date",
    ),
    "excel_error": (
        "单元格为 Excel 错误值 {value}（公式出错），不是取值；请在 Excel 中修正后重新保存",
        "the cell holds the Excel error {value} (a failed formula), not a value; fix it in "
        "Excel and save again",
    ),
    "future_date": (
        "日期 {value} 晚于参照日期 {ref}",
        "date {value} is after the reference date {ref}",
    ),
    "two_posts": (
        "人员 {value} 同时担任多个职位（另见第{other}行）",
        "cadre {value} holds more than one post (see also row {other})",
    ),
    "self_relation": ("人员 {value} 与自己构成亲属关系", "cadre {value} is related to itself"),
    "bad_workbook": ("无法读取工作簿：{reason}", "cannot read the workbook: {reason}"),
    "bad_csv": ("无法读取 CSV 文件：{reason}", "cannot read the CSV file: {reason}"),
    "bad_toml": ("无法解析场景文件：{reason}", "cannot parse the scenario file: {reason}"),
    "unknown_key": (
        "未知的设置项 {key}{hint}",
        "unknown setting {key}{hint}",
    ),
    "bad_setting": ("设置项 {key} 无效：{reason}", "setting {key} is invalid: {reason}"),
    "bad_override": (
        "命令行设置 {text!r} 无效，应为 键.路径=值",
        "override {text!r} is invalid; expected key.path=value",
    ),
    "extends_cycle": ("场景继承形成循环：{chain}", "scenario extends itself: {chain}"),
    "bad_roster": ("名单文件有误：{reason}", "roster file is invalid: {reason}"),
    # Loader (placement.data.loader).
    "empty_required": ("必填，不能为空", "must not be empty"),
    "date_range": (
        "日期 {value} 的年份超出可处理范围（{low}–{high}年）",
        "date {value} has a year outside the supported range {low}–{high}",
    ),
    "csv_not_utf8": (
        "不是 UTF-8 编码的文本，请另存为“CSV UTF-8”格式",
        "is not UTF-8 text; save it as \"CSV UTF-8\"",
    ),
    "csv_empty": ("文件为空，第1行应为表头", "the file is empty; row 1 should hold the headers"),
    "duplicate_column": (
        "列重复：{column} 已在前面出现",
        "duplicate column: {column} appears more than once",
    ),
    "duplicate_table": (
        "表 {table} 出现多次：{where}",
        "table {table} is given more than once: {where}",
    ),
    "bad_path": (
        "{path} 既不是 CSV 文件夹，也不是 .xlsx 工作簿",
        "{path} is neither a folder of CSV files nor an .xlsx workbook",
    ),
    "duplicate_pair": (
        "人员 {cadre} 与职位 {post} 的匹配度重复（首次出现在第{first}行）",
        "duplicate score for cadre {cadre} and post {post} (first seen in row {first})",
    ),
    # --- scenario files (placement.data.scenario_io) ---
    "bad_toml_at": (
        "第{line}行第{col}列无法解析场景文件：{reason}",
        "cannot parse the scenario file at line {line}, column {col}: {reason}",
    ),
    "unknown_key_hint": (
        "未知的设置项 {key}，是否应为 {suggestion}？",
        "unknown setting {key}; did you mean {suggestion}?",
    ),
    "unknown_key_hint2": (
        "未知的设置项 {key}，是否应为 {first} 或 {second}？",
        "unknown setting {key}; did you mean {first} or {second}?",
    ),
    "unknown_key_choices": (
        "未知的设置项 {key}，可用的设置项：{choices}",
        "unknown setting {key}; expected one of {choices}",
    ),
    "setting_missing": ("缺少必需的设置项", "required setting is missing"),
    "setting_int": ("应为整数，实际为 {value!r}", "expected a whole number, got {value!r}"),
    "setting_number": ("应为数字，实际为 {value!r}", "expected a number, got {value!r}"),
    "setting_bool": (
        "应为 true 或 false，实际为 {value!r}",
        "expected true or false, got {value!r}",
    ),
    "setting_text": ("应为带引号的文字，实际为 {value!r}", "expected quoted text, got {value!r}"),
    "setting_list": (
        "应为数组（如 [\"a\", \"b\"]），实际为 {value!r}",
        "expected an array (like [\"a\", \"b\"]), got {value!r}",
    ),
    "setting_table": ("应为表，实际为 {value!r}", "expected a table, got {value!r}"),
    "setting_date": (
        "无法识别的日期 {value!r}，应为 YYYY-MM-DD",
        "cannot read date {value!r}; expected YYYY-MM-DD",
    ),
    "setting_date_zone": (
        "日期 {value} 带有时间和时区，应为不带时间的日期 YYYY-MM-DD",
        "{value} is a date with a time and a time zone; expected a plain date YYYY-MM-DD",
    ),
    "setting_date_time": (
        "{value} 带有时间，应为不带时间的日期 YYYY-MM-DD",
        "{value} has a time of day; expected a plain date YYYY-MM-DD",
    ),
    "setting_date_range": (
        "日期 {value} 的年份超出可处理范围（{low}–{high}年）",
        "date {value} has a year outside the supported range {low}–{high}",
    ),
    "toml_too_deep": (
        "表或数组嵌套超过 {limit} 层，未读入",
        "tables or arrays nested more than {limit} deep; not read",
    ),
    "setting_ge": ("取值 {value} 应不小于 {limit}", "value {value} must be at least {limit}"),
    "setting_gt": ("取值 {value} 应大于 {limit}", "value {value} must be greater than {limit}"),
    "setting_le": ("取值 {value} 应不大于 {limit}", "value {value} must be at most {limit}"),
    "setting_lt": ("取值 {value} 应小于 {limit}", "value {value} must be less than {limit}"),
    "setting_invalid": ("取值 {value!r} 无效：{reason}", "value {value!r} is invalid: {reason}"),
    "bad_extends": (
        "extends 应为另一个场景文件的路径，实际为 {value!r}",
        "extends should be the path of another scenario file, got {value!r}",
    ),
    "override_not_table": (
        "命令行设置 {text!r} 无效：{key} 不是表",
        "override {text!r} is invalid: {key} is not a table",
    ),
    "override_extends": (
        "extends 只能写在场景文件中，不能用 --set 设置",
        "extends can only be given in a scenario file, not with --set",
    ),
}

# The independent checker (placement/checker): roster violations and the report.
MESSAGES.update({
    "chk_ok": ("检查通过：未违反任何硬性规则", "check passed: no hard rule is broken"),
    "chk_fail": ("检查未通过：{n} 处违反硬性规则", "check FAILED: {n} hard-rule violation(s)"),
    "chk_totals": ("各规则统计：", "per rule:"),
    "chk_columns": ("规则|模式|范围|要求|实际|差额|不足处|名称",
                    "rule|mode|scope|required|achieved|shortfall|places short|name"),
    "chk_mode_hard": ("硬性", "hard"),
    "chk_mode_target": ("目标", "target"),
    "chk_mode_off": ("关闭", "off"),
    "chk_one_holder": ("职位 {post} 有 {n} 名人选（{cadres}），应恰好 1 名",
                       "post {post} has {n} holder(s) ({cadres}); expected exactly 1"),
    "chk_one_post": ("人员 {cadre} 担任 {n} 个职位（{posts}），至多 1 个",
                     "cadre {cadre} holds {n} posts ({posts}); at most 1"),
    "chk_unknown_post": ("名单第{row}行的职位 {post} 不在职位表中",
                         "post {post} in roster row {row} is not in the posts table"),
    "chk_unknown_cadre": ("职位 {post} 的人选 {cadre} 不在干部表中",
                          "cadre {cadre} named for post {post} is not in the cadres table"),
    "chk_team_mismatch": ("职位 {post} 属于班子 {expected}，名单写的是 {given!r}",
                          "post {post} belongs to team {expected}; the roster says {given!r}"),
    "chk_change_mismatch": ("职位 {post} 人选 {cadre} 的变动应为 {expected}，名单写的是 {given!r}",
                            "post {post}, cadre {cadre}: change should be {expected}, "
                            "the roster says {given!r}"),
    "chk_leaving": ("人员 {cadre} 本次退出，不能任职位 {post}",
                    "cadre {cadre} is leaving and may not hold post {post}"),
    "chk_not_candidate": ("人员 {cadre} 未纳入考察，不能新任职位 {post}",
                          "cadre {cadre} is not a candidate and may not be newly placed in {post}"),
    "chk_not_nominated": ("人员 {cadre} 的推荐范围（{nominated}）不含班子 {team} 或地区 {region}，"
                          "不能新任职位 {post}",
                          "cadre {cadre} is nominated for {nominated}, not team {team} or region "
                          "{region}, and may not be newly placed in {post}"),
    "chk_demotion": ("人员 {cadre}（{cadre_rank}）新任职位 {post}（{post_rank}）属降级",
                     "placing cadre {cadre} ({cadre_rank}) in post {post} ({post_rank}) "
                     "is a demotion"),
    "chk_lock_must": ("锁定 {cadre} → {post} 未落实（该职位人选：{holder}）",
                      "must lock {cadre} -> {post} is not kept (the post holds: {holder})"),
    "chk_lock_forbid": ("禁止锁定 {cadre} → {post} 被违反",
                        "forbid lock {cadre} -> {post} is broken"),
    "chk_lock_keep": ("保留锁定 {lock}：职位 {post} 的现任 {cadre} 未留任",
                      "keep lock {lock}: incumbent {cadre} of post {post} does not stay"),
    "chk_lock_keep_unknown": ("保留锁定 {lock} 不是任何职位或班子的编号",
                              "keep lock {lock} names no post or team"),
    "chk_pair_rule": ("人员 {cadre} 任职位 {post} 违反 {rule}：{why}",
                      "cadre {cadre} in post {post} breaks {rule}: {why}"),
    "chk_at_least": ("{rule} 在 {where}：要求至少 {required}，实际 {achieved}",
                     "{rule} at {where}: needs at least {required}, has {achieved}"),
    "chk_at_most": ("{rule} 在 {where}：至多 {required}，实际 {achieved}",
                    "{rule} at {where}: at most {required}, has {achieved}"),
    "chk_kin": ("班子 {team} 中有亲属同时任职：{pairs}",
                "relatives serve together in team {team}: {pairs}"),
    "chk_heads_changed": ("地区 {region} 的党委正职（{party}）和政府正职（{gov}）同时调整",
                          "region {region}: the party head ({party}) and the government head "
                          "({gov}) both change"),
    "chk_age_total": ("班子成员年龄合计 {total} 超过目标 {goal}（原平均年龄 {before}，"
                      "职位 {posts} 个）",
                      "total member age {total} is above the goal {goal} (average age before "
                      "{before}, {posts} posts)"),
    # Posts filled through another channel and leaving the roster (docs/rules.md).
    "chk_filled_by": ("职位 {post} 由{channel}任命，只能由现任留任或空缺，不能由 {cadre} 担任",
                      "post {post} is filled by the {channel} channel: kept by its incumbent "
                      "or left open, not held by {cadre}"),
    "chk_channel_kept": ("职位 {post} 由{channel}任命，现任 {cadre} 未退出，应留任",
                         "post {post} is filled by the {channel} channel: its incumbent "
                         "{cadre}, not leaving, keeps it"),
    "chk_release": ("人员 {cadre}（现任职位 {post}）无任何职位且无免职原因（另行安排须有规则、"
                    "退出或锁定依据）",
                    "release without cause: sitting cadre {cadre} (post {post}) holds no post, "
                    "and no hard rule, leaving flag or lock removes them"),
})

# Planner-facing files (placement/report_*, export_data, lrmx*): result folders and .lrmx.
MESSAGES.update({
    "result_file_missing": ("结果文件夹中缺少 {file}（请先运行 placement solve）",
                            "the result folder has no {file} (run placement solve first)"),
    "result_no_roster": ("该结果没有名单（求解状态 {status}），无法生成报告",
                         "this result has no roster (solver status {status}); nothing to report"),
    "result_bad_summary": ("无法读取 summary.json：{reason}", "cannot read summary.json: {reason}"),
    "result_scenario_missing": ("找不到求解时使用的场景文件 {path}，请用 --scenario 指定",
                                "cannot find the scenario file {path} the result was solved "
                                "with; give it with --scenario"),
    "lrmx_not_file": ("不是普通文件（命名管道、设备、文件夹或符号链接），未读取；请放入表文件本身",
                      "is not a regular file (a named pipe, a device, a folder or a symbolic "
                      "link) and was not read; put the form file itself there"),
    "lrmx_no_files": ("文件夹中没有 .lrmx 或 .lrm 文件", "the folder holds no .lrmx or .lrm file"),
    "lrmx_bad_xml": ("无法读取任免审批表：{reason}", "cannot read the 任免审批表: {reason}"),
    "lrmx_not_person": ("根元素为 {root}，应为 Person",
                        "the root element is {root}; expected Person"),
    "lrmx_lrm_text": ("旧版文本格式 .lrm 不支持，请在任免审批表软件中另存为 .lrmx 后导入",
                      "the old text .lrm format is not supported; save the form as .lrmx in "
                      "the 任免审批表 software and import that"),
    "lrmx_missing": ("缺少{zh}（{field}），无法导入该干部",
                     "{field} ({zh}) is missing or empty; the cadre cannot be imported"),
    "lrmx_missing_optional": ("缺少{zh}（{field}），{column} 留空",
                              "{field} ({zh}) is missing or empty; {column} is left empty"),
    "lrmx_bad_date": ("{zh}（{field}）无法识别的日期 {value!r}，应为 YYYYMM、YYYY.MM 或 YYYY-MM-DD",
                      "{field} ({zh}): cannot read date {value!r}; expected YYYYMM, YYYY.MM or "
                      "YYYY-MM-DD"),
    "lrmx_bad_value": ("{zh}（{field}）的取值 {value!r} 无法识别，应为 {expected}",
                       "{field} ({zh}): value {value!r} is not recognised; expected {expected}"),
    "lrmx_unreadable": ("{zh}（{field}）的内容 {value!r} 无法识别，{column} 留空",
                        "{field} ({zh}): cannot read {value!r}; {column} is left empty"),
    "lrmx_unknown_field": ("未知字段 {field}，保留在原文件中，未导入",
                           "unknown field {field}: kept in the file, not imported"),
    "lrmx_duplicate_id": ("与另一文件得出相同的人员编号 {id}（文件名仅扩展名不同？）",
                          "another file gives the same cadre id {id} (names differing only in "
                          "the extension?)"),
    "lrmx_kin_unknown": ("家庭成员第{n}项与干部 {other} 相符，但称谓无法识别，未建立亲属关系",
                         "family member {n} matches cadre {other} but the relation word is not "
                         "recognised; no relation recorded"),
    "lrmx_kin_ambiguous": ("家庭成员第{n}项与 {count} 名干部同名，无法确定，未建立亲属关系",
                           "family member {n} has the name of {count} cadres; no relation "
                           "recorded"),
    "lrmx_party_post": ("现任职务为党内职务，但政治面貌不是中共党员（R-EL10）：请核对政治面貌、"
                        "入党时间或现任职务；求解不会让党外干部担任党内职务",
                        "现任职务 names a Party office but the party read is not CPC (R-EL10): "
                        "check 政治面貌, 入党时间 or 现任职务; a solve keeps no non-CPC cadre "
                        "in a Party post"),
    "forms_out_exists": ("{path} 已存在；新数据集请写入一个新的文件夹",
                         "{path} exists already: a new data set goes to a new folder"),
    "forms_ambiguous": ("与干部 {ids} 姓名、出生年月均相同，无法确定是哪一位；请在干部表中核对",
                        "same name and birth month as cadres {ids}: cannot tell which one; "
                        "check the cadres table"),
    "forms_same_cadre": ("与 {other} 是同一名干部（{id}，姓名、出生年月相同）；"
                         "请只保留一份任免审批表",
                         "the same cadre ({id}, same name and birth month) as {other}: keep "
                         "one form"),
    "posts_team_differs": ("班子 {team} 的{column}与该班子第一行所填不同；同一班子各行须一致",
                           "team {team}: {column} differs from the team's first row; a "
                           "team's rows must agree"),
    "forms_not_read": ("未能从任免审批表读出{zh}（{column}），且此项无默认值：请核对该字段，"
                       "或在干部表中填写",
                       "{column} ({zh}) could not be read from the form and has no default: "
                       "check that field, or fill it in the cadres table"),
    "lrmx_out_not_folder": ("{path} 不是文件夹；导入结果写入 CSV 文件夹",
                            "{path} is not a folder; the import writes a folder of CSV files"),
    "lrmx_sources_missing": ("找不到 {path}（由 placement import-lrmx 写入），"
                             "无法确定原始任免审批表",
                             "{path} not found (written by placement import-lrmx): the original "
                             "forms are not known"),
    "lrmx_source_gone": ("人员 {cadre} 的原始任免审批表已不存在或无法读取：{reason}",
                         "the original form of cadre {cadre} is gone or unreadable: {reason}"),
    "lrmx_source_changed": ("人员 {cadre} 的原始任免审批表在导入后已修改，按当前文件导出",
                            "the original form of cadre {cadre} changed since the import; "
                            "exported from the current file"),
})

# Hostile input and faults (issue 14): bounds, cells that cannot be read as written,
# output paths that cannot be used, and result folders that are not whole.
MESSAGES.update({
    "not_a_file": ("{path} 存在，但不是普通文件（是文件夹、设备或失效的链接）",
                   "{path} exists but is not a regular file (a folder, a device or a "
                   "dangling link)"),
    "table_not_file": ("{path} 应为 CSV 文件，实为文件夹、设备、符号链接或失效的链接；"
                       "请放入文件本身",
                       "{path} should be a CSV file but is a folder, a device, a symbolic "
                       "link or a dangling link; put the file itself there"),
    "table_empty": ("表 {table}（{zh}）只有表头，没有数据行",
                    "table {table} ({zh}) has headers but no rows"),
    "control_char": ("含有控制字符 {char}（位于第{pos}个字符），请删除",
                     "holds a control character {char} (at character {pos}); remove it"),
    "cell_too_long": ("内容过长：{length} 个字符，上限 {limit}",
                      "the cell is too long: {length} characters, at most {limit}"),
    "too_many_rows": ("行数过多：{rows} 行，上限 {limit}",
                      "too many rows: {rows}, at most {limit}"),
    "file_too_large": ("文件过大：{size} 字节，上限 {limit}",
                       "the file is too large: {size} bytes, at most {limit}"),
    "row_short": ("有 {cells} 个单元格，少于表头的 {expected} 列",
                  "has {cells} cells but the header has {expected} columns"),
    "row_long": ("有 {cells} 个单元格，多于表头的 {expected} 列，且多出的单元格不为空",
                 "has {cells} cells, more than the {expected} columns of the header, and the "
                 "extra cells are not empty"),
    "csv_quote": ("引号不配对或位置不对：{reason}",
                  "a quote is unbalanced or misplaced: {reason}"),
    "unknown_column_hint": ("未知的列 {header}，是否应为 {suggestion}？（否则该列的值将被忽略）",
                            "unknown column {header}; did you mean {suggestion}? (otherwise "
                            "its values would be ignored)"),
    "workbook_unpacked": ("工作簿解压后过大：{size} 字节，上限 {limit}（可能是压缩炸弹）",
                          "the workbook unpacks to {size} bytes, more than {limit} (a zip "
                          "bomb?)"),
    "merged_cells": ("单元格 {cells} 是合并单元格；请取消合并，每个单元格填写自己的值",
                     "cells {cells} are merged; unmerge them and fill in every cell"),
    "formula_no_value": ("单元格 {cell} 是公式，但没有保存计算结果；请在 Excel 中打开后保存，"
                         "或将公式改为值",
                         "cell {cell} holds a formula without a saved value; open and save "
                         "the workbook in Excel, or replace the formula by its value"),
    "unknown_column_ignored": ("表 {table}（{zh}）没有此列，其值未读入（若为备注可忽略）",
                               "table {table} ({zh}) has no such column; its values are not "
                               "read (fine for notes)"),
    "non_party_in_party_post": ("党内职务 {post} 的现任者 {cadre} 不是中共党员（R-EL10）："
                                "方案不会让其留任此岗位",
                                "Party post {post} is held by {cadre}, not a CPC member "
                                "(R-EL10): the roster will not keep them in it"),
    "civilian_in_military_post": ("职位 {post} 由军事机关任命（人武部，任命渠道 military），"
                                  "现任者 {cadre} 的系统不是人武/军事：请核对数据；方案不会让"
                                  "非现役干部担任此职位",
                                  "post {post} is filled through the military (人武部, "
                                  "filled_by military) but its holder {cadre} is not from a "
                                  "military system: check the data; the proposal never gives "
                                  "this post to a civilian"),
    "rank_kind": ("职级 {rank} 与班子 {team} 的类型 {kind}（{kind_zh}）不符，应为 {low} 至 {high}",
                  "rank {rank} does not fit team {team} of kind {kind} ({kind_zh}); expected "
                  "{low} to {high}"),
    "relation_conflict": ("人员 {a} 与 {b} 的关系重复或矛盾：第{first}行为 {was}，本行为 {now}",
                          "cadres {a} and {b} are related twice or contradictorily: row "
                          "{first} says {was}, this row {now}"),
    "lock_conflict": ("人员 {cadre} → 职位 {post} 同时出现在 must 与 forbid 中",
                      "cadre {cadre} -> post {post} is both in must and in forbid"),
    "lock_two_posts": ("must 锁定使人员 {cadre} 同时担任 {posts}",
                       "must locks put cadre {cadre} into {posts} at once"),
    "lock_two_cadres": ("must 锁定使职位 {post} 同时由 {cadres} 担任",
                        "must locks put {cadres} into post {post} at once"),
    "lock_duplicate": ("锁定 {cadre} → {post} 重复出现（另见 {first}），已合并为一条",
                       "lock {cadre} -> {post} is given twice (see also {first}); merged "
                       "into one"),
    "out_is_file": ("{path} 是文件，应为文件夹", "{path} is a file; expected a folder"),
    "out_is_folder": ("{path} 是文件夹，应为文件", "{path} is a folder; expected a file"),
    "out_in_input": ("输出位置 {path} 就是输入 {input} 或位于其中，写入会覆盖输入；请另选位置",
                     "the output {path} is, or is inside, the input {input}: writing would "
                     "overwrite the input; choose another place"),
    "out_not_result": ("{path} 中有不属于结果的内容（如 {file}）；结果文件夹会被整体替换，"
                       "请选择空文件夹或以前的结果文件夹",
                       "{path} holds something that is not part of a result (e.g. {file}); "
                       "a result folder is replaced as a whole, so choose an empty folder or "
                       "an earlier result folder"),
    "out_locked": ("{path} 正由另一个进程写入；请等待其完成，或另选输出位置",
                   "{path} is being written by another process; wait for it to finish or "
                   "choose another output"),
    "port_busy": ("端口 {port} 已被占用（也许另一个工作台正在运行）；请先关闭它，或用 --port "
                  "另选端口", "port {port} is in use (another workbench may be running); stop "
                  "it, or choose another port with --port"),
    "port_unavailable": ("无法使用端口 {port}：{reason}；请用 --port 另选端口",
                         "cannot use port {port}: {reason}; choose another port with --port"),
    "os_write": ("无法写入 {path}：{reason}", "cannot write {path}: {reason}"),
    "os_error": ("无法读写 {path}：{reason}", "cannot read or write {path}: {reason}"),
    "result_incomplete": ("结果文件夹不完整或混有两次求解的文件（{file}：{what}）；请重新求解",
                          "the result folder is incomplete or mixes two runs ({file}: {what}); "
                          "solve again"),
    "internal_error": ("内部错误 {kind}（{where}）；输入未被修改。请将此行报告给维护者",
                       "internal error {kind} (at {where}); no input was changed. Please "
                       "report this line to the maintainers"),
    "ambiguous_cadre": ("“{value}”对应{n}名干部，是哪一位？请改用编号：{choices}",
                        "{value} names {n} cadres; which one? Give the id:{choices}"),
    "ambiguous_post": ("“{value}”对应{n}个职位，是哪一个？请改用编号：{choices}",
                       "{value} names {n} posts; which one? Give the id:{choices}"),
})

# Why an operating system call failed, in words a planner can act on (errno name ->).
OS_REASONS: dict[str, tuple[str, str]] = {
    "ENOSPC": ("磁盘已满，请腾出空间", "the disk is full; free some space"),
    "EDQUOT": ("磁盘配额已用完", "the disk quota is used up"),
    "EROFS": ("文件系统为只读", "the file system is read-only"),
    "EACCES": ("没有权限", "permission denied"),
    "EPERM": ("没有权限", "permission denied"),
    "ENOTDIR": ("路径中有一段是文件而不是文件夹", "a part of the path is a file, not a folder"),
    "EISDIR": ("是文件夹，应为文件", "it is a folder; expected a file"),
    "ENOENT": ("不存在", "it does not exist"),
    "EEXIST": ("已存在", "it exists already"),
    "ENAMETOOLONG": ("路径过长", "the path is too long"),
    "EIO": ("磁盘读写错误", "an input/output error of the disk"),
    "EXDEV": ("不在同一文件系统上", "not on the same file system"),
}
