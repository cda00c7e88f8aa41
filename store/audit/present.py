"""Findings as people read them: one finding with its evidence, a report's findings, the assessor's
summary table (findings per rule and per agency).  Pure functions over the stored rows
(``Store.findings()``), shared by the command line, the chat and the digest."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict

from store.template.audit_rules import GROUP_LABELS, RULES, RULES_BY_ID, SEVERITY_LABELS, SEVERITY_ORDER

CSV_FIELDS = ("agency", "year", "scope", "severity", "rule", "group", "message", "section", "page", "line",
              "evidence", "keys")


def where(f: dict) -> str:
    """第59行 · 二、主动公开政府信息情况 (or 第3页), whatever of it is known."""
    parts = []
    if f.get("page"):
        parts.append(f"第{f['page']}页")
    if f.get("line"):
        parts.append(f"第{f['line']}行")
    if f.get("section"):
        parts.append(f["section"])
    return " · ".join(parts)


def finding_text(f: dict, evidence: bool = True) -> str:
    """[警告] 模板固定用语：“不子公开”应为“不予公开”, with where it is and the passage on the next lines."""
    rule = RULES_BY_ID.get(f["rule"])
    title = rule.title if rule else f["rule"]
    head = f"[{SEVERITY_LABELS.get(f['severity'], f['severity'])}] {title}：{f['message']}"
    if not evidence:
        return head
    lines = [head]
    loc = where(f)
    if loc:
        lines.append(f"    {loc}")
    if f.get("evidence") and f["evidence"] != f.get("section"):
        lines.append(f"    “{f['evidence']}”")
    return "\n".join(lines)


def counts(findings: list[dict]) -> dict[str, int]:
    """error / warning / note counts of the report's own findings, and ``extraction`` (ours)."""
    c = Counter(("note" if f["severity"] == "info" else f["severity"]) if (f.get("scope") or "report") == "report"
                else "extraction" for f in findings)
    return {k: c.get(k, 0) for k in ("error", "warning", "note", "extraction")}


def counts_text(findings: list[dict]) -> str:
    c = counts(findings)
    text = f"错误 {c['error']} 处，警告 {c['warning']} 处，提示 {c['note']} 处"
    if c["extraction"]:
        text += f"（另有本项目读取问题 {c['extraction']} 处，不计入报告的问题）"
    return text


def report_text(findings: list[dict], head: str) -> str:
    """One report's audit: the head line, its own findings by severity, then ours apart."""
    own = [f for f in findings if (f.get("scope") or "report") == "report"]
    ours = [f for f in findings if (f.get("scope") or "report") != "report"]
    own.sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 3), f.get("id") or 0))
    lines = [f"{head}：{counts_text(findings)}"]
    lines += [finding_text(f) for f in own]
    if ours:
        lines.append("本项目读取问题（关于我们手中的副本或我们的读取，不是报告的问题）：")
        lines += [finding_text(f) for f in ours]
    return "\n".join(lines)


def csv_text(findings: list[dict]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for f in findings:
        rule = RULES_BY_ID.get(f["rule"])
        keys = f.get("keys")
        w.writerow({**f, "scope": f.get("scope") or "report", "group": rule.group if rule else "",
                    "keys": " ".join(keys) if isinstance(keys, list) else (keys or "")})
    return out.getvalue()


def json_lines(findings: list[dict]) -> str:
    fields = CSV_FIELDS + ("id", "report_id")
    return "\n".join(json.dumps({k: f.get(k) for k in fields}, ensure_ascii=False) for f in findings)


def summary_csv(rows: list[dict]) -> str:
    """Findings per agency (one row per report) and per rule (one column per rule of the report's own
    findings; the last row adds each column up): the table an evaluation report starts from.

    ``rows`` are ``Store.finding_counts()``: agency, year, rule, severity, scope, n."""
    own_rules = [r.id for r in RULES if r.scope == "report"]
    used = {r["rule"] for r in rows if r["scope"] == "report"}
    columns = [r for r in own_rules if r in used] + sorted(used - set(own_rules))
    table: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        cell = table[(r["agency"], r["year"])]
        if r["scope"] == "report":
            cell[r["severity"]] += r["n"]
            cell[r["rule"]] += r["n"]
        else:
            cell["extraction"] += r["n"]
    head = ["agency", "year", "error", "warning", "note", *columns, "extraction"]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(head)
    totals: dict[str, int] = defaultdict(int)
    for (agency, year), cell in sorted(table.items(), key=lambda x: (x[0][0] or "", x[0][1] or 0)):
        values = [cell.get(c, 0) for c in head[2:]]
        for c, v in zip(head[2:], values):
            totals[c] += v
        w.writerow([agency, year, *values])
    w.writerow(["合计", "", *[totals[c] for c in head[2:]]])
    return out.getvalue()


def rule_table() -> str:
    """Every rule: id, group, scope, severity, what it checks (for ``audit --rules``)."""
    return "\n".join(f"{r.id}\t{GROUP_LABELS[r.group]}\t{r.scope}\t{r.severity}\t{r.title}" for r in RULES)


# ---------------------------------------------------------------------------- the chat

CHAT_LISTED = 10  # the report's own findings listed in a chat reply


def chat_text(findings: list[dict], head: str) -> str:
    """The chat's answer to "……的报告有什么问题": the counts, each of the report's own findings with
    where it is, and a word on the findings about our reading (not the report's)."""
    own = sorted((f for f in findings if (f.get("scope") or "report") == "report"),
                 key=lambda f: (SEVERITY_ORDER.get(f["severity"], 3), f.get("id") or 0))
    ours = [f for f in findings if (f.get("scope") or "report") != "report"]
    if not own:
        text = f"{head}：审查（结构、勾稽关系、正文与表格、文字、时效）未发现问题。"
    else:
        text = f"{head}审查发现：{counts_text(findings)}\n" + "\n".join(finding_text(f) for f in own[:CHAT_LISTED])
        if len(own) > CHAT_LISTED:
            text += f"\n……另有{len(own) - CHAT_LISTED}处（完整清单：disclosure-bot audit）"
    if ours:
        text += "\n另：" + "；".join(dict.fromkeys(f["message"] for f in ours[:3])) + "（这是本项目读取副本的问题，不是报告的问题）"
    return text


def touching(f: dict) -> str:
    """A warning on an answer whose figure a finding concerns."""
    rule = RULES_BY_ID.get(f["rule"])
    group = rule.group if rule else "figures"
    if (f.get("scope") or "report") != "report":
        lead = "读取提示"
    elif group == "figures":
        lead = "该数字未通过核对"
    else:
        lead = "报告审查发现"
    loc = where(f)
    return f"{lead}：{f['message']}" + (f"（{loc}）" if loc else "")


def others(findings: list[dict]) -> list[str]:
    """What an answer adds about the report's findings that do not concern its figure: the report's own
    errors, and an error of our reading (tables not read: the figure could not be checked against them)."""
    out = []
    errors = [f for f in findings if f["severity"] == "error" and (f.get("scope") or "report") == "report"]
    if errors:
        out.append(f"该报告另有{len(errors)}处错误（如：{errors[0]['message']}）")
    ours = [f for f in findings if f["severity"] == "error" and (f.get("scope") or "report") != "report"]
    if ours:
        out.append(f"读取提示：{ours[0]['message']}（未能与表格核对）")
    return out
