"""End to end: the real python-telegram-bot Application polling a fake Bot API server on
127.0.0.1 (tests/fake_bot_api.py).  Nothing here touches the network."""

from __future__ import annotations

import copy
import html
import os
import time
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.answers import Answer
from bot.config import DEFAULTS
from bot.engine import Answerer
from bot.telegram.admin import REFUSAL, UPLOAD_REFUSAL
from bot.telegram.app import ERROR_TEXT, build_application, start, stop
from bot.telegram.handlers import compare_question, rank_question, split_message
from store.db import Store
from store.ingest import ingest
from store.samples import sample_files
from fake_bot_api import BOT_USERNAME, FakeBotAPI

TOKEN = "123456:TEST-TOKEN"
ADMIN = 7001
USER = 5001
OTHER = 5002
GROUP = -100777


def houhu_text() -> str:
    return sample_files()[3].read_text(encoding="utf-8")


def other_district_copy() -> str:
    """The 后湖街道 report as if from another district: "后湖街道" then names two agencies."""
    return (houhu_text().replace("江岸区", "另一区")
            .replace("后湖街道2021年政府信息公开工作", "另一区后湖街道2021年政府信息公开工作"))


def next_year_copy() -> str:
    """后湖街道's report, as a 2022 report."""
    return houhu_text().replace("2021年", "2022年").replace("2022年1月17日", "2023年1月17日")


def tiantan_2019_copy() -> str:
    return sample_files()[4].read_text(encoding="utf-8").replace("2020", "2019")


@pytest.fixture
def api():
    server = FakeBotAPI(TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory):
    """The samples ingested once; each test gets a copy."""
    path = tmp_path_factory.mktemp("samples") / "samples.db"
    s = Store(path)
    ingest(s, sample_files())
    s.close()
    return path


@pytest.fixture
def store(tmp_path, sample_db):
    import shutil

    shutil.copyfile(sample_db, tmp_path / "t.db")
    s = Store(tmp_path / "t.db")
    yield s
    s.close()


@pytest.fixture
def config(api, tmp_path):
    cfg = copy.deepcopy(DEFAULTS)
    cfg["store"].update(database=str(tmp_path / "t.db"), inbox=str(tmp_path / "inbox"),
                        quarantine=str(tmp_path / "quarantine"))
    cfg["telegram"].update(token=TOKEN, base_url=api.base_url,  # base_file_url derived from it
                           admin_ids=[ADMIN], max_upload_mb=1)
    cfg["digest"].update(inbox_scan_minutes=0, pace_seconds=0)
    return cfg


@asynccontextmanager
async def running(config, store, answerer=None):
    app = build_application(config, store, answerer)
    await start(app, timeout=1)
    try:
        yield app
    finally:
        await stop(app)


def sent_texts(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [html.unescape(t) for t in api.texts(chat_id)]


# ---------------------------------------------------------------------- conversations

async def test_question_and_answer(api, config, store):
    async with running(config, store):
        api.private(USER, "后湖街道2021年收到几件申请")
        calls = await api.wait_sent(USER)
        assert calls[0].params["parse_mode"] == "HTML"
        reply = html.unescape(calls[0].text)
        assert "3件" in reply and "后湖街道" in reply and "来源" in reply
        api.private(USER, "西岗街道2022年被提起行政诉讼多少起")
        calls = await api.wait_sent(USER, 2)
        assert "15" in calls[1].text
    # the command menu was registered: everyone's, and the admin's in the admin's chat
    menus = api.called("setMyCommands")
    assert any("help" in str(c.params.get("commands")) and "reload" not in str(c.params.get("commands"))
               for c in menus)
    assert any(c.params.get("scope", {}).get("chat_id") == ADMIN and "reload" in str(c.params["commands"])
               for c in menus)
    # the question log: text, status, kind, time; nothing about who asked
    rows = list(store.db.query("select * from questions order by id"))
    assert [r["status"] for r in rows] == ["answered", "answered"]
    assert not any("user" in col or col == "chat_id" for col in rows[0])


async def test_start_help_and_commands(api, config, store):
    async with running(config, store):
        api.private(USER, "/start")
        (start_msg,) = await api.wait_sent(USER)
        assert "/agencies" in start_msg.text and "/reload" not in start_msg.text
        examples = Answerer(store).examples()
        assert html.escape(examples[0], quote=False) in start_msg.text
        api.private(ADMIN, "/help")
        (admin_help,) = await api.wait_sent(ADMIN)
        assert "/reload" in admin_help.text
        for i, cmd in enumerate(["/agencies", "/years 后湖街道", "/report 后湖街道 2021", "/rank 2021 收到申请",
                                 "/compare 后湖街道 2021 2022", "/years"], start=2):
            api.private(USER, cmd)
            await api.wait_sent(USER, i)
        texts = sent_texts(api, USER)
        assert "西岗街道" in texts[1]  # /agencies
        assert "2021" in texts[2]  # /years
        assert "2676" in texts[3]  # /report: 行政许可
        assert "排名" in texts[4] and "3件" in texts[4]  # /rank
        assert "2022" in texts[5]  # /compare: no 2022 report, says what there is
        assert "用法" in texts[6]  # /years without an agency


async def test_ambiguous_agency_resolved_by_button(api, config, store, tmp_path):
    extra = tmp_path / "other.txt"
    extra.write_text(other_district_copy(), encoding="utf-8")
    assert ingest(store, [extra]).counts["added"] == 1
    async with running(config, store):
        api.private(USER, "后湖街道2021年收到几件申请")
        (question,) = await api.wait_sent(USER)
        buttons = [b for row in question.params["reply_markup"]["inline_keyboard"] for b in row]
        assert len(buttons) == 2
        jiangan = next(b for b in buttons if "江岸区" in b["text"])
        message = next(m for (chat, _), m in api.messages.items() if chat == USER and m.get("reply_markup"))
        api.tap(USER, message, jiangan["callback_data"])
        await api.wait_for(lambda: len(api.sent(USER)) >= 2, what="the answer after the tap")
        answer = html.unescape(api.sent(USER)[1].text)
        assert "江岸区" in answer and "3件" in answer
        assert api.called("answerCallbackQuery")
        edits = api.sent(USER, ("editMessageText",))
        assert edits and "江岸区" in edits[0].text and not edits[0].params.get("reply_markup")
        # the same button again: the choice has been used, nothing is answered twice
        api.tap(USER, message, jiangan["callback_data"])
        await api.wait_for(lambda: len(api.called("answerCallbackQuery")) >= 2)
        await api.idle()
        assert len(api.sent(USER)) == 2
        # one question, one log row, with the final outcome
        rows = list(store.db.query("select question, status from questions"))
        assert rows == [{"question": "后湖街道2021年收到几件申请", "status": "answered"}]
        # commands ask too: /years and /report with an ambiguous name, completed by a tap
        for command, expected in (("/years 后湖街道", "2021"), ("/report 后湖街道 2021", "2676")):
            before = len(api.sent(USER))
            api.private(USER, command)
            (choice,) = (await api.wait_sent(USER, before + 1, methods=("sendMessage",)))[before:]
            buttons = [b for row in choice.params["reply_markup"]["inline_keyboard"] for b in row]
            pick = next(b for b in buttons if "江岸区" in b["text"])
            message = api.messages[(USER, max(m for (c, m) in api.messages if c == USER))]
            api.tap(USER, message, pick["callback_data"])
            calls = await api.wait_sent(USER, before + 2, methods=("sendMessage",))
            assert expected in calls[-1].text and "江岸区" in calls[-1].text
        # the choice carries into follow-ups
        api.private(USER, "行政许可呢")
        calls = await api.wait_sent(USER, 7, methods=("sendMessage",))
        assert "江岸区" in calls[6].text and "2676" in calls[6].text


async def test_not_found_offers_what_there_is(api, config, store):
    async with running(config, store):
        api.private(USER, "后湖街道2019年收到几件申请")
        (reply,) = await api.wait_sent(USER)
        assert "2021" in reply.text
        (button,) = [b for row in reply.params["reply_markup"]["inline_keyboard"] for b in row]
        assert button["text"] == "2021年"
        message = next(m for (chat, _), m in api.messages.items() if chat == USER and m.get("reply_markup"))
        api.tap(USER, message, button["callback_data"])
        await api.wait_for(lambda: len(api.sent(USER)) >= 2, what="the answer after the tap")
        assert "3件" in html.unescape(api.sent(USER)[1].text)
    # the question stays "not found" in the log: the data or the wording is worth a look
    rows = list(store.db.query("select status from questions"))
    assert rows == [{"status": "not_found"}]


async def test_trend_comes_with_a_chart(api, config, store, tmp_path):
    for year in (2022, 2023):
        f = tmp_path / f"houhu{year}.txt"
        f.write_text(houhu_text().replace("2021年", f"{year}年").replace("2022年1月17日", f"{year + 1}年1月17日"),
                     encoding="utf-8")
        ingest(store, [f])
    async with running(config, store):
        api.private(USER, "后湖街道历年收到申请的趋势")
        await api.wait_for(lambda: api.sent(USER, ("sendPhoto",)), what="the chart")
        (text,) = api.sent(USER)
        assert "2021年" in text.text and "2023年" in text.text and "来源" in text.text
        (photo,) = api.sent(USER, ("sendPhoto",))
        assert photo.params["_files"]["photo"] > 1000 and "后湖街道" in photo.params["caption"]
        api.private(USER, "后湖街道2021年收到几件申请")  # a single figure: no chart
        await api.wait_sent(USER, 2, methods=("sendMessage",))
        await api.idle()
        assert len(api.sent(USER, ("sendPhoto",))) == 1


async def test_follow_up(api, config, store):
    async with running(config, store):
        api.private(USER, "后湖街道2021年收到几件申请")
        await api.wait_sent(USER)
        api.private(USER, "行政许可呢")
        calls = await api.wait_sent(USER, 2)
        assert "2676" in calls[1].text and "后湖街道" in calls[1].text
        # another chat has its own context
        api.private(OTHER, "行政许可呢")
        (other,) = await api.wait_sent(OTHER)
        assert "2676" not in other.text


async def test_group_mention_reply_and_ask(api, config, store):
    async with running(config, store):
        api.group(GROUP, USER, "大家好，今天开会")  # not for the bot
        api.group(GROUP, USER, f"@{BOT_USERNAME} 西岗街道2022年被提起行政诉讼多少起")
        (first,) = await api.wait_sent(GROUP)
        assert "15" in first.text
        assert first.params.get("reply_parameters") or first.params.get("reply_to_message_id")
        bot_message = api.messages[(GROUP, max(m for (c, m) in api.messages if c == GROUP))]
        api.group(GROUP, USER, "行政处罚呢", reply_to=bot_message)
        calls = await api.wait_sent(GROUP, 2)
        assert "24" in calls[1].text
        api.group(GROUP, OTHER, f"/ask@{BOT_USERNAME} 后湖街道2021年收到几件申请")
        calls = await api.wait_sent(GROUP, 3)
        assert "3件" in html.unescape(calls[2].text)
        await api.idle()
        assert len(api.sent(GROUP)) == 3  # the chatter got no reply


# ---------------------------------------------------------------------- long answers, limits, errors

class LongAnswerer:
    """The real answerer, except for one question whose answer is very long."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        return getattr(self.real, name)

    def answer(self, question, session=None, **kw):
        if question == "全部明细":
            text = "\n".join(f"第{i}行 <数据> & “引文” {'明细' * 20}" for i in range(300))
            return Answer("answered", text, kind="list", question=question)
        if question == "超长":
            return Answer("answered", "\n".join(f"第{i}行 {'很长' * 30}" for i in range(2000)), kind="list")
        if question == "坏格式":
            class Broken(Answer):
                def html(self):
                    return "<b>数字 3"
            return Broken("answered", "数字 3", kind="cell")
        if question == "出错":
            raise RuntimeError("boom")
        return self.real.answer(question, session, **kw)


async def test_long_answer_split(api, config, store):
    answerer = LongAnswerer(Answerer(store))
    async with running(config, store, answerer):
        api.private(USER, "全部明细")
        await api.wait_sent(USER, 2)
        await api.idle()
    parts = api.sent(USER)
    assert len(parts) >= 2
    assert all(len(p.text) <= 4096 for p in parts)
    full = "\n".join(f"第{i}行 <数据> & “引文” {'明细' * 20}" for i in range(300))
    assert html.unescape("\n".join(p.text for p in parts)) == full  # split at line boundaries, escaped
    assert all(p.text.startswith("第") for p in parts)


async def test_overlong_answer_cut_with_a_note(api, config, store):
    async with running(config, store, LongAnswerer(Answerer(store))):
        api.private(USER, "超长")
        await api.wait_sent(USER, 6)
        await api.idle()
    parts = api.sent(USER)
    assert len(parts) == 6 and all(len(p.text) <= 4096 for p in parts)
    assert "内容太长" in parts[-1].text


def test_split_message_units():
    assert split_message("短") == ["短"]
    long_line = "&amp;" * 1000  # 5000 characters, no newline: cut, but never inside an entity
    parts = split_message(long_line)
    assert "".join(parts) == long_line and all(len(p) <= 4096 and p.endswith(";") for p in parts)
    lines = "\n".join("x" * 100 for _ in range(100))
    parts = split_message(lines)
    assert "\n".join(parts) == lines and all(len(p) <= 4096 for p in parts)


def test_compare_and_rank_questions():
    assert compare_question(["后湖街道", "2021", "2022"]) == "后湖街道2021年和2022年收到申请对比"
    assert compare_question(["后湖街道", "西岗街道", "2022", "行政诉讼"]) == "后湖街道和西岗街道2022年行政诉讼对比"
    assert rank_question(["2021", "收到申请"]) == "2021年收到申请排名"
    assert rank_question(["江岸区", "2021"]) == "江岸区2021年收到申请排名"
    assert rank_question(["2021", "行政诉讼", "最多"]) == "2021年行政诉讼最多"


async def test_flood_control_retried(api, config, store):
    async with running(config, store):
        api.fail_next("sendMessage", retry_after=1)
        started = time.monotonic()
        api.private(USER, "后湖街道2021年收到几件申请")
        (answer,) = await api.wait_sent(USER)
        assert "3件" in html.unescape(answer.text)
        assert time.monotonic() - started >= 0.9
    statuses = [c.status for c in api.calls if c.method == "sendMessage"]
    assert statuses[:2] == [429, 200]


async def test_broken_markup_sent_as_plain_text(api, config, store):
    async with running(config, store, LongAnswerer(Answerer(store))):
        api.private(USER, "坏格式")
        (reply,) = await api.wait_sent(USER)
        assert reply.text == "数字 3" and "parse_mode" not in reply.params


async def test_error_handler_replies_in_chinese(api, config, store):
    async with running(config, store, LongAnswerer(Answerer(store))):
        api.private(USER, "出错")
        (reply,) = await api.wait_sent(USER)
        assert reply.text == ERROR_TEXT
        api.private(USER, "后湖街道2021年收到几件申请")  # and the bot goes on
        calls = await api.wait_sent(USER, 2)
        assert "3件" in html.unescape(calls[1].text)


# ---------------------------------------------------------------------- admin

async def test_admin_upload_ingested_and_non_admin_refused(api, config, store, tmp_path):
    inbox = Path(config["store"]["inbox"])
    async with running(config, store):
        api.upload(USER, USER, next_year_copy().encode("utf-8"), "houhu2022.txt")
        (refusal,) = await api.wait_sent(USER)
        assert refusal.text == html.escape(UPLOAD_REFUSAL, quote=False)
        assert not inbox.exists() or not any(inbox.iterdir())
        api.private(USER, "/reload")
        calls = await api.wait_sent(USER, 2)
        assert calls[1].text == REFUSAL

        api.upload(ADMIN, ADMIN, next_year_copy().encode("utf-8"), "houhu2022.txt")
        (reply,) = await api.wait_sent(ADMIN)
        text = html.unescape(reply.text)
        assert "新增" in text and "后湖街道" in text and "2022年" in text
        assert (inbox / "houhu2022.txt").exists()
        assert api.called("getFile")
        # the answering core knows the new report without a restart
        api.private(USER, "后湖街道2022年收到几件申请")
        calls = await api.wait_sent(USER, 3)
        assert "3件" in html.unescape(calls[2].text)

        api.upload(ADMIN, ADMIN, b"x" * 10, "big.pdf", mime="application/pdf", size=5 * 1024 * 1024)
        calls = await api.wait_sent(ADMIN, 2)
        assert "文件太大" in calls[1].text and "1 MB" in calls[1].text
        api.upload(ADMIN, ADMIN, b"hello", "notes.exe", mime="application/octet-stream")
        calls = await api.wait_sent(ADMIN, 3)
        assert "不支持" in calls[2].text
        api.upload(ADMIN, ADMIN, "随便写的几句话，不是年度报告。".encode("utf-8"), "junk.txt")
        calls = await api.wait_sent(ADMIN, 4)
        assert "跳过" in calls[3].text and "没有认出这是一份年度报告" in calls[3].text
        assert not (inbox / "junk.txt").exists() and (tmp_path / "quarantine" / "junk.txt").exists()
        api.private(ADMIN, "/stats")
        calls = await api.wait_sent(ADMIN, 5)
        stats = html.unescape(calls[4].text)
        assert "报告：6 份" in stats and "提问：1 次" in stats

        # a corrected version under the same name: it replaces the report, the old file is set aside
        corrected = next_year_copy().replace("主动公开信息89条", "主动公开信息90条")
        api.upload(ADMIN, ADMIN, corrected.encode("utf-8"), "houhu2022.txt")
        calls = await api.wait_sent(ADMIN, 6)
        assert "替换" in calls[5].text and "houhu2022.txt" in calls[5].text
        assert (inbox / "houhu2022.txt.superseded").exists() and (inbox / "houhu2022-2.txt").exists()
        api.private(ADMIN, "/reload")  # and the old version does not come back
        calls = await api.wait_sent(ADMIN, 7)
        assert "新增 0，替换 0" in calls[6].text
        api.private(USER, "后湖街道2022年主动公开了多少条信息")
        calls = await api.wait_sent(USER, 4)
        assert "90" in calls[3].text


async def test_reload_and_unanswered(api, config, store):
    inbox = Path(config["store"]["inbox"])
    inbox.mkdir(parents=True)
    (inbox / "tiantan2019.txt").write_text(tiantan_2019_copy(), encoding="utf-8")
    (inbox / "broken.txt").write_text("这不是报告", encoding="utf-8")
    async with running(config, store):
        api.private(USER, "东湖街道2021年收到几件申请")
        await api.wait_sent(USER)
        api.private(ADMIN, "/reload")
        (reply,) = await api.wait_sent(ADMIN)
        text = html.unescape(reply.text)
        assert "新增 1" in text and "跳过 1" in text and "天坛街道" in text and "broken.txt" in text
        api.private(USER, "天坛街道2019年收到几件申请")
        calls = await api.wait_sent(USER, 2)
        assert "1件" in html.unescape(calls[1].text)
        api.private(ADMIN, "/reload")
        calls = await api.wait_sent(ADMIN, 2)
        assert "新增 0" in calls[1].text and "未变化 1" in calls[1].text
        api.private(ADMIN, "/unanswered")
        calls = await api.wait_sent(ADMIN, 3)
        assert "东湖街道2021年收到几件申请" in calls[2].text
        assert "天坛街道2019年" not in calls[2].text
        api.private(USER, "/unanswered")
        calls = await api.wait_sent(USER, 3)
        assert calls[2].text == REFUSAL


# ---------------------------------------------------------------------- the digest

def digests(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [html.unescape(t) for t in api.texts(chat_id) if "新入库的报告" in t]


async def test_digest_sent_once_not_after_restart_nothing_when_nothing_new(api, config, store, tmp_path):
    async with running(config, store):
        api.private(USER, "/subscribe")
        (ok,) = await api.wait_sent(USER)
        assert "已订阅" in ok.text and "每天9点（北京时间）" in ok.text and "* *" not in ok.text
        api.private(OTHER, "/subscribe 江岸区")
        await api.wait_sent(OTHER)
        api.private(ADMIN, "/digest")
        (reply,) = await api.wait_sent(ADMIN)
        assert "没有新报告" in reply.text  # the samples predate the subscriptions

        new = tmp_path / "houhu2022.txt"
        new.write_text(next_year_copy(), encoding="utf-8")
        ingest(store, [new])
        api.private(ADMIN, "/digest")
        await api.wait_sent(ADMIN, 2)
        (d,) = digests(api, USER)
        assert "后湖街道" in d and "2022年" in d and "收到申请 3 件" in d and "新版本" not in d
        assert len(digests(api, OTHER)) == 1  # 江岸区 matches
        api.private(ADMIN, "/digest")
        calls = await api.wait_sent(ADMIN, 3)
        assert "没有新报告" in calls[2].text
        assert len(digests(api, USER)) == 1

    # a restart: nothing is sent again
    async with running(config, store):
        api.private(ADMIN, "/digest")
        calls = await api.wait_sent(ADMIN, 4)
        assert "没有新报告" in calls[3].text
    assert len(digests(api, USER)) == 1

    # a report outside OTHER's scope: USER gets it, OTHER does not
    tt = tmp_path / "tiantan2019.txt"
    tt.write_text(tiantan_2019_copy(), encoding="utf-8")
    ingest(store, [tt])
    # the bot was down when the digest was due: sent once on startup, not again on the next
    long_ago = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat(timespec="seconds")
    store.db["tg_meta"].upsert({"key": "digest_last_run", "value": long_ago}, pk="key")
    async with running(config, store):
        await api.wait_for(lambda: len(digests(api, USER)) == 2, what="the missed digest")
        assert "天坛街道" in digests(api, USER)[1] and "后湖街道" not in digests(api, USER)[1]
    async with running(config, store):
        await api.idle()
    assert len(digests(api, USER)) == 2
    assert len(digests(api, OTHER)) == 1


async def test_blocked_chat_unsubscribed(api, config, store, tmp_path):
    async with running(config, store):
        api.private(USER, "/subscribe")
        api.private(OTHER, "/subscribe")
        await api.wait_sent(USER)
        await api.wait_sent(OTHER)
        api.block(OTHER)
        new = tmp_path / "houhu2022.txt"
        new.write_text(next_year_copy(), encoding="utf-8")
        ingest(store, [new])
        api.private(ADMIN, "/digest")
        (reply,) = await api.wait_sent(ADMIN)
        assert "1 个会话" in reply.text and "屏蔽" in reply.text
        assert len(digests(api, USER)) == 1
        assert list(store.db.query("select chat_id from tg_subscriptions")) == [{"chat_id": USER}]
        api.private(USER, "/subscriptions")
        calls = await api.wait_sent(USER, 3)
        assert "所有新报告" in calls[2].text
        api.private(USER, "/unsubscribe")
        calls = await api.wait_sent(USER, 4)
        assert "已取消订阅" in calls[3].text
        assert not list(store.db.query("select * from tg_subscriptions"))


async def test_unknown_command_and_stickers_get_a_hint(api, config, store):
    async with running(config, store):
        api.private(USER, "/nosuchcommand")
        (reply,) = await api.wait_sent(USER)
        assert "没有这个命令" in reply.text
        api.add_update({"message": {"message_id": 1, "date": int(time.time()), "chat": api.chat(USER),
                                    "from": api.user(USER), "sticker": {
                                        "file_id": "s1", "file_unique_id": "s1", "width": 1, "height": 1,
                                        "is_animated": False, "is_video": False, "type": "regular"}}})
        calls = await api.wait_sent(USER, 2)
        assert "文字问题" in calls[1].text
        api.private(USER, "/help")
        await api.wait_sent(USER, 3)
        await api.idle()
        assert len(api.sent(USER)) == 3  # /help answered once, no "unknown command" after it


# ---------------------------------------------------------------------- serve and backup, as deployed

async def test_serve_command_against_the_fake_server(api, tmp_path):
    """``disclosure-bot serve`` in its own process, configured from the environment only."""
    import asyncio
    import os
    import signal
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCLOSURE_BOT", "TELEGRAM_BOT"))}
    env.update({
        "DISCLOSURE_BOT_TOKEN": TOKEN,
        "DISCLOSURE_BOT_TELEGRAM_BASE_URL": api.base_url,
        "DISCLOSURE_BOT_TELEGRAM_BASE_FILE_URL": api.base_file_url,
        "DISCLOSURE_BOT_TELEGRAM_ADMIN_IDS": str(ADMIN),
        "DISCLOSURE_BOT_STORE_DATABASE": str(tmp_path / "serve.db"),
        "DISCLOSURE_BOT_STORE_INBOX": str(tmp_path / "inbox"),
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    })
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        api.private(USER, "后湖街道2021年收到几件申请")
        (answer,) = await api.wait_sent(USER, timeout=30)
        assert "3件" in html.unescape(answer.text)
        assert api.called("setMyCommands")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = await asyncio.to_thread(proc.communicate, timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    log = out.decode("utf-8", "replace")
    assert proc.returncode == 0, log
    assert TOKEN not in log  # the token never reaches the log
    assert "status=answered" in log  # one line per question


def test_backup_command(tmp_path, store):
    from click.testing import CliRunner

    from bot.cli import cli

    result = CliRunner().invoke(cli, ["--db", store.path, "backup", str(tmp_path / "b" / "copy.db")])
    assert result.exit_code == 0, result.output
    assert "5 reports" in result.output and "integrity ok" in result.output
    copy = Store(tmp_path / "b" / "copy.db")
    assert copy.stats()["reports"] == 5
    copy.close()


async def test_commands_and_mentions_without_entities(api, config, store):
    """Clients that leave out the entities: "/years …" is still a command, "@bot …" a mention."""
    async with running(config, store):
        api.private(USER, "/years 后湖街道", entities=False)
        (years,) = await api.wait_sent(USER)
        assert "2021" in years.text
        api.group(GROUP, USER, f"@{BOT_USERNAME} 西岗街道2022年行政处罚多少", entities=False)
        (fine,) = await api.wait_sent(GROUP)
        assert "24" in fine.text
        api.group(GROUP, USER, "/ask@some_other_bot 后湖街道2021年收到几件申请", entities=False)
        api.private(USER, "/nosuch", entities=False)
        calls = await api.wait_sent(USER, 2)
        assert "没有这个命令" in calls[1].text
        await api.idle()
        assert len(api.sent(GROUP)) == 1


async def test_schedule_and_inbox_scan(api, config, store):
    from bot.telegram import admin, digest

    config["digest"].update(cron="30 8 * * 1-5", timezone="Asia/Shanghai", inbox_scan_minutes=5)
    inbox = Path(config["store"]["inbox"])
    async with running(config, store) as app:
        sv = app.bot_data["services"]
        job = sv.scheduler.get_job("digest")
        when = job.next_run_time
        assert (when.hour, when.minute) == (8, 30) and when.weekday() < 5
        following = [when]
        for _ in range(6):
            following.append(job.trigger.get_next_fire_time(following[-1], following[-1] + timedelta(minutes=1)))
        assert sorted({d.weekday() for d in following}) == [0, 1, 2, 3, 4]  # crontab 1-5: Monday to Friday
        assert str(when.tzinfo) == "Asia/Shanghai"
        assert sv.scheduler.get_job("inbox").trigger.interval.total_seconds() == 300
        inbox.mkdir(parents=True, exist_ok=True)
        new = inbox / "houhu2022.txt"
        new.write_text(next_year_copy(), encoding="utf-8")
        assert not (await admin.scan_inbox(app)).files  # still being written? wait for the next scan
        os.utime(new, (time.time() - 60, time.time() - 60))
        summary = await admin.scan_inbox(app)  # what the scheduled scan runs
        assert summary.counts["added"] == 1
        assert not (await admin.scan_inbox(app)).files  # unchanged since: not even read again
        api.private(USER, "后湖街道2022年收到几件申请")
        (answer,) = await api.wait_sent(USER)
        assert "3件" in html.unescape(answer.text)
        assert digest.describe_schedule(sv) == "每个工作日8点30分（北京时间）"


async def test_digest_paced_between_chats(api, config, store, tmp_path):
    config["digest"]["pace_seconds"] = 0.2
    chats = [6001, 6002, 6003]
    async with running(config, store):
        for chat in chats:
            api.private(chat, "/subscribe")
            await api.wait_sent(chat)
        new = tmp_path / "houhu2022.txt"
        new.write_text(next_year_copy(), encoding="utf-8")
        ingest(store, [new])
        api.private(ADMIN, "/digest")
        (reply,) = await api.wait_sent(ADMIN)
        assert "3 个会话" in reply.text
    sends = sorted(c.at for c in api.sent() if "新入库的报告" in c.text)
    assert len(sends) == 3
    assert all(b - a >= 0.18 for a, b in zip(sends, sends[1:]))


def membership(api: FakeBotAPI, chat_id: int, old: str, new: str) -> dict:
    member = lambda status: {"status": status, "user": api.bot, **(  # noqa: E731
        {"until_date": 0} if status == "kicked" else {})}
    return api.add_update({"my_chat_member": {"chat": api.chat(chat_id), "from": api.user(USER),
                                              "date": int(time.time()), "old_chat_member": member(old),
                                              "new_chat_member": member(new)}})


async def test_added_to_a_group_and_removed(api, config, store):
    async with running(config, store):
        membership(api, GROUP, "left", "member")
        (hello,) = await api.wait_sent(GROUP)
        assert "大家好" in hello.text and f"@{BOT_USERNAME}" in hello.text
        api.group(GROUP, USER, "/subscribe")
        await api.wait_sent(GROUP, 2)
        assert list(store.db.query("select chat_id from tg_subscriptions")) == [{"chat_id": GROUP}]
        membership(api, GROUP, "member", "kicked")
        await api.wait_for(lambda: not list(store.db.query("select * from tg_subscriptions")),
                           what="the subscription dropped")


def test_webhook_mode_explains_what_it_needs(config, store):
    import importlib.util

    from bot.telegram.app import run

    config["telegram"].update(mode="webhook", webhook_url="")
    with pytest.raises(SystemExit) as exc:
        run(config, store)
    if importlib.util.find_spec("tornado") is None:
        assert "python-telegram-bot[webhooks]" in str(exc.value)
    else:
        assert "webhook_url" in str(exc.value)


def test_bad_schedule_refused_clearly(config, store):
    config["digest"]["cron"] = "every morning"
    with pytest.raises(ValueError, match="digest.cron"):
        build_application(config, store, Answerer(store))
    config["digest"].update(cron="0 9 * * *", timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="Mars/Olympus"):
        build_application(config, store, Answerer(store))


async def test_overlapping_digests_send_once(api, config, store, tmp_path):
    import asyncio

    from bot.telegram.digest import send_digest

    config["digest"]["pace_seconds"] = 0.1
    async with running(config, store) as app:
        for chat in (USER, OTHER):
            api.private(chat, "/subscribe")
            await api.wait_sent(chat)
        new = tmp_path / "houhu2022.txt"
        new.write_text(next_year_copy(), encoding="utf-8")
        ingest(store, [new])
        first, second = await asyncio.gather(send_digest(app), send_digest(app))  # schedule + /digest
        assert first["chats"] + second["chats"] == 2
        # unsubscribing and subscribing again starts afresh: nothing from before comes back
        api.private(USER, "/unsubscribe")
        api.private(USER, "/subscribe")
        await api.wait_sent(USER, 4)
        assert (await send_digest(app))["chats"] == 0
    assert len(digests(api, USER)) == 1 and len(digests(api, OTHER)) == 1


async def test_webhook_mode(api, tmp_path):
    """``serve`` in webhook mode (python-telegram-bot[webhooks], a dependency: never skipped)."""
    import tornado  # noqa: F401
    import asyncio
    import json
    import signal
    import socket
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCLOSURE_BOT", "TELEGRAM_BOT"))}
    env.update({
        "DISCLOSURE_BOT_TOKEN": TOKEN, "DISCLOSURE_BOT_TELEGRAM_BASE_URL": api.base_url,
        "DISCLOSURE_BOT_TELEGRAM_MODE": "webhook",
        "DISCLOSURE_BOT_TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "DISCLOSURE_BOT_TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1", "DISCLOSURE_BOT_TELEGRAM_WEBHOOK_PORT": str(port),
        "DISCLOSURE_BOT_TELEGRAM_WEBHOOK_SECRET": "s3cret",
        "DISCLOSURE_BOT_STORE_DATABASE": str(tmp_path / "wh.db"), "DISCLOSURE_BOT_STORE_INBOX": str(tmp_path / "in"),
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent.parent)] + sys.path),
    })
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        (hook,) = await api.wait_for(lambda: api.called("setWebhook"), 30, "setWebhook")
        assert hook.params["url"].endswith("/hook") and hook.params["secret_token"] == "s3cret"
        update = {"update_id": 1, "message": {"message_id": 1, "date": int(time.time()),
                                              "chat": api.chat(USER), "from": api.user(USER),
                                              "text": "后湖街道2021年收到几件申请"}}

        def post(secret: str) -> int:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/hook", data=json.dumps(update).encode(),
                                         headers={"Content-Type": "application/json",
                                                  "X-Telegram-Bot-Api-Secret-Token": secret})
            for _ in range(50):
                try:
                    return urllib.request.urlopen(req, timeout=5).status
                except urllib.error.HTTPError as exc:
                    return exc.code
                except OSError:  # not listening yet
                    time.sleep(0.1)
            raise AssertionError("the webhook never listened")

        assert await asyncio.to_thread(post, "wrong") == 403
        assert await asyncio.to_thread(post, "s3cret") == 200
        (answer,) = await api.wait_sent(USER, timeout=20)
        assert "3件" in html.unescape(answer.text)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.to_thread(proc.wait, 20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_digest_marks_a_new_version(store, tmp_path):
    from bot.telegram.digest import digest_text

    f = tmp_path / "houhu2021b.txt"
    f.write_text(houhu_text().replace("主动公开信息89条", "主动公开信息90条"), encoding="utf-8")
    summary = ingest(store, [f])
    assert summary.counts["replaced"] == 1
    text = digest_text(store, [store.report(summary.files[0].report_id)])
    assert "新版本" in text and "后湖街道" in text and "收到申请 3 件" in text
