"""`disclosure-bot show AGENCY YEAR [--explain]`: the cells as the template lays them out, each table's
coverage, and with --explain the parser's own trace of how every template row was matched."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli import cli
from store.db import Store

EXCERPT = """某某镇2020年政府信息公开工作年度报告
一、总体情况
本镇依法做好政府信息公开工作。
二、主动公开政府信息情况
第二十条第(一)项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t1\t1\t4
三、收到和处理政府信息公开申请情况
(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)\t申请人情况
自然人\t法人或其他组织\t总计
商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他
一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3
二、上年结转政府信息公开申请数量\t0\t0"""


def test_show_coverage_and_explain(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCLOSURE_BOT_CONFIG", raising=False)
    monkeypatch.setenv("DISCLOSURE_BOT_STORE_LOAD_SAMPLES", "false")
    (tmp_path / "r.txt").write_text(EXCERPT, encoding="utf-8")
    db = str(tmp_path / "s.db")
    run = lambda *a: CliRunner().invoke(cli, ["--db", db, *a], catch_exceptions=False)  # noqa: E731
    assert run("ingest", str(tmp_path / "r.txt")).exit_code == 0

    store = Store(db)
    rid = store.reports()[0]["id"]
    cov = store.coverage(rid)
    assert (cov["apply"]["matched"], cov["apply"]["expected"], cov["apply"]["cut"]) == (2, 23, 1)
    assert (cov["active"]["matched"], cov["review"]["matched"]) == (2, 0)
    assert store.cell(rid, "apply.carried.business")["status"] == "number"
    assert store.cell(rid, "apply.carried.research")["status"] == "missing"  # cut off, not blank
    store.close()

    plain = run("show", "某某镇", "2020")
    assert plain.exit_code == 0 and "表格完整度" in plain.output and "2/23 行（文件在此表中截断）" in plain.output
    assert "解析过程" not in plain.output
    r = run("show", "某某镇", "2020", "--explain")
    assert r.exit_code == 0, r.output
    assert "解析过程" in r.output and "【收到和处理政府信息公开申请情况】" in r.output
    assert "一、本年新收政府信息公开申请数量：label" in r.output and "相似度 100" in r.output
    assert "二、上年结转政府信息公开申请数量：label" in r.output and "，cut" in r.output
    assert "（一）予以公开：after the cut" in r.output

    (tmp_path / "r.txt").unlink()
    gone = run("show", "某某镇", "2020", "--explain")
    assert gone.exit_code != 0 and "r.txt" in gone.output
