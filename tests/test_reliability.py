"""Hold under attack, faults and load: forged webhook updates, zip bombs, dead workers, symlink
loops, a busy database, hostile names, file modes, restarts.  Every test has a timeout."""

from __future__ import annotations

import asyncio
import copy
import csv
import html
import io
import json
import os
import signal
import socket
import sqlite3
import stat
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.config import DEFAULTS
from store.db import Store
from store.ingest import WORKER_DIED, ingest
from store.samples import sample_files
from fake_bot_api import FakeBotAPI

pytestmark = pytest.mark.timeout(30)

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:RELIABILITY-TEST-TOKEN"
ADMIN = 7001
USER = 5001


def houhu_text() -> str:
    return sample_files()[3].read_text(encoding="utf-8")


def other_district_copy() -> str:
    return (houhu_text().replace("江岸区", "另一区")
            .replace("后湖街道2021年政府信息公开工作", "另一区后湖街道2021年政府信息公开工作"))


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCLOSURE_BOT", "TELEGRAM_BOT"))}
    env.update({"DISCLOSURE_BOT_STORE_LOAD_SAMPLES": "false", "PYTHONPATH": str(ROOT), **extra})
    return env


@pytest.fixture
def api():
    server = FakeBotAPI(TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def samples_db(tmp_path) -> Path:
    path = tmp_path / "data" / "samples.db"
    s = Store(path)
    ingest(s, sample_files())
    s.close()
    return path


@pytest.fixture
def config(api, tmp_path, samples_db):
    cfg = copy.deepcopy(DEFAULTS)
    cfg["store"].update(database=str(samples_db), inbox=str(tmp_path / "inbox"),
                        quarantine=str(tmp_path / "quarantine"))
    cfg["telegram"].update(token=TOKEN, base_url=api.base_url, admin_ids=[ADMIN], max_upload_mb=1)
    cfg["digest"].update(inbox_scan_minutes=0, pace_seconds=0)
    return cfg


@asynccontextmanager
async def running(config, store):
    from bot.telegram.app import build_application, start, stop

    app = build_application(config, store)
    await start(app, timeout=1)
    try:
        yield app
    finally:
        await stop(app)


def free_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# ---------------------------------------------------------------------- 1. forged webhook updates

async def test_forged_webhook_update_refused(api, config, samples_db):
    from bot.telegram.app import start_webhook, stop, webhook_options, build_application

    port = free_port()
    config["telegram"].update(mode="webhook", webhook_url=f"http://127.0.0.1:{port}/hook", webhook_port=port)
    assert config["telegram"]["webhook_secret"] == ""  # none configured: one is made
    assert webhook_options(config)["listen"] == "127.0.0.1"  # not 0.0.0.0 by default
    store = Store(samples_db)
    app = build_application(config, store)
    secret = await start_webhook(app, config)
    try:
        assert len(secret) >= 32
        (hook,) = api.called("setWebhook")
        assert hook.params["secret_token"] == secret  # registered with Telegram
        update = {"update_id": 1, "message": {"message_id": 1, "date": int(time.time()), "chat": api.chat(ADMIN),
                                              "from": api.user(ADMIN), "text": "/stats"}}

        def post(headers: dict) -> int:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/hook", data=json.dumps(update).encode(),
                                         headers={"Content-Type": "application/json", **headers})
            try:
                return urllib.request.urlopen(req, timeout=5).status
            except urllib.error.HTTPError as exc:
                return exc.code

        assert await asyncio.to_thread(post, {}) == 403  # forged: no secret
        assert await asyncio.to_thread(post, {"X-Telegram-Bot-Api-Secret-Token": "guess"}) == 403
        await asyncio.sleep(0.3)
        assert not api.sent(ADMIN)  # the forged /stats ran nothing
        update["update_id"] = 2
        assert await asyncio.to_thread(post, {"X-Telegram-Bot-Api-Secret-Token": secret}) == 200
        (stats,) = await api.wait_sent(ADMIN)
        assert "统计" in stats.text
    finally:
        await stop(app)
        store.close()


def test_webhook_secret_checked():
    from bot.telegram.app import webhook_secret

    assert webhook_secret("s3cret_OK-1") == "s3cret_OK-1"
    assert webhook_secret("") != webhook_secret("")  # random each time
    with pytest.raises(ValueError, match="webhook_secret"):
        webhook_secret("has space")


# ---------------------------------------------------------------------- 2. bounded readers

def _zip(members: list[tuple[str, bytes | tuple[bytes, int, int, int]]]) -> bytes:
    """A zip written by hand, so a member can state any sizes: (name, data) is stored honestly;
    (name, (deflated, crc, compressed size, stated size)) states what it is told."""
    out, central = io.BytesIO(), []
    for name, body in members:
        raw = name.encode()
        if isinstance(body, bytes):
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)
            data = comp.compress(body) + comp.flush()
            crc, csize, usize = zlib.crc32(body), len(data), len(body)
        else:
            data, crc, csize, usize = body
        offset = out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, csize, usize, len(raw), 0))
        out.write(raw)
        out.write(data)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, csize, usize,
                                   len(raw), 0, 0, 0, 0, 0, offset) + raw)
    start = out.tell()
    for c in central:
        out.write(c)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start,
                          start, 0))
    return out.getvalue()


def _bomb_member(megabytes: int, stated: int | None = None) -> tuple[bytes, int, int, int]:
    """``megabytes`` MB of one letter, deflated (built from one flushed 1 MB block, repeated)."""
    chunk = b"A" * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    data = block * megabytes + comp.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    size = megabytes << 20
    return data, crc, len(data), size if stated is None else stated


CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'</Types>')


@pytest.mark.timeout(60)
def test_docx_bomb_skipped_memory_bounded_batch_goes_on(tmp_path):
    """A 1 GB docx bomb (and one whose zip directory lies about its size) are skipped with one
    line each, in a process that stays far below 1 GB, and the good file after them is stored."""
    honest = tmp_path / "a_bomb.docx"
    honest.write_bytes(_zip([("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", _bomb_member(1024))]))
    liar = tmp_path / "b_liar.docx"
    liar.write_bytes(_zip([("[Content_Types].xml", CONTENT_TYPES),
                           ("word/document.xml", _bomb_member(300, stated=2000))]))
    assert honest.stat().st_size < 4 * 1024 * 1024  # well under the upload limit
    good = tmp_path / "c_good.txt"
    good.write_text(houhu_text(), encoding="utf-8")
    db = tmp_path / "bomb.db"
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "--db", str(db), "ingest", str(honest), str(liar),
                             str(good)], cwd=tmp_path, env=cli_env(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out = b""
    deadline = time.monotonic() + 50
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("ingest did not finish")
        time.sleep(0.05)
    out = proc.stdout.read().decode("utf-8", "replace")
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    assert os.waitstatus_to_exitcode(status) == 0, out
    assert peak_mb < 1024, f"peak memory {peak_mb:.0f} MB"
    lines = out.splitlines()
    assert sum("a_bomb.docx" in ln for ln in lines) == 1
    assert any(ln.startswith("skipped") and "a_bomb.docx" in ln and "too large" in ln for ln in lines), out
    assert any(ln.startswith("skipped") and "b_liar.docx" in ln for ln in lines), out
    assert any(ln.startswith("added") and "c_good.txt" in ln for ln in lines), out
    store = Store(db)
    assert [r["short_name"] for r in store.reports()] == ["后湖街道"]
    store.close()


def test_html_and_pdf_limits():
    from store.document import ReadError
    from store.readers import HTML_MAX_DEPTH
    from store.readers.html import read_html

    deep = "<html><body>" + "<div>" * (HTML_MAX_DEPTH + 50) + "后湖街道" + "</div>" * (HTML_MAX_DEPTH + 50)
    with pytest.raises(ReadError, match="nested"):
        read_html(deep.encode())
    import store.readers as readers

    old = readers.HTML_MAX_BYTES
    readers.HTML_MAX_BYTES = 1000
    try:
        with pytest.raises(ReadError, match="too large"):
            read_html(b"<p>" + "字".encode() * 1000 + b"</p>")
    finally:
        readers.HTML_MAX_BYTES = old


def test_pdf_page_limit(monkeypatch):
    from reportlab.pdfgen import canvas

    import store.readers as readers
    from store.document import ReadError
    from store.readers.pdf import read_pdf

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for _ in range(5):
        c.drawString(100, 700, "page")
        c.showPage()
    c.save()
    monkeypatch.setattr(readers, "PDF_MAX_PAGES", 3)
    with pytest.raises(ReadError, match="5 pages"):
        read_pdf(buf.getvalue())


def test_file_size_checked_before_reading(tmp_path, monkeypatch):
    import store.ingest as ingest_mod

    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 5000)
    monkeypatch.setattr(ingest_mod, "MAX_FILE_BYTES", 1000)
    read = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: read.append(self) or real_open(self, *a, **k))
    s = ingest(Store(":memory:"), [big])
    assert s.files[0].outcome == "skipped" and "too large" in s.files[0].message
    assert big not in read  # refused by its size on disk, never opened


# ---------------------------------------------------------------------- 3. batches that survive

@pytest.mark.timeout(60)
def test_worker_killed_mid_batch_rest_stored(tmp_path, samples_dir, monkeypatch):
    """A worker killed from outside (os.kill) and a file that kills its worker: the pool is
    restarted, only the killing file is lost."""
    import multiprocessing

    import store.ingest as ingest_mod

    killer = samples_dir / "999_killer.txt"
    killer.write_text(other_district_copy(), encoding="utf-8")
    real_parse = ingest_mod.parse_bytes

    def parse(data, name, hints=None):  # runs in the (forked) workers
        if "killer" in name:
            os._exit(137)  # what the OOM killer leaves behind
        time.sleep(0.2)
        return real_parse(data, name, hints)

    monkeypatch.setattr(ingest_mod, "parse_bytes", parse)
    killed = []

    def progress(result):
        if not killed:
            victims = [p for p in multiprocessing.active_children() if p.is_alive()]
            if victims:
                os.kill(victims[0].pid, signal.SIGKILL)
                killed.append(victims[0].pid)

    store = Store(tmp_path / "w.db")
    summary = ingest(store, [samples_dir], workers=2, progress=progress)
    assert killed
    by_name = {Path(f.path).name: f for f in summary.files}
    assert by_name["999_killer.txt"].outcome == "skipped"
    assert by_name["999_killer.txt"].message == WORKER_DIED
    assert summary.counts["added"] == 5, summary.lines()
    assert len(store.reports()) == 5
    assert sum("999_killer.txt" in ln for ln in summary.lines()) == 1
    run = next(store.db.query("select * from ingest_runs order by id desc limit 1"))
    assert run["status"] == "finished" and run["added"] == 5 and run["skipped"] == 1


def test_workers_exit_when_the_parent_dies(tmp_path):
    script = (
        "import os, sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from store.ingest import _worker_init\n"
        "pool = ProcessPoolExecutor(2, initializer=_worker_init, initargs=(os.getpid(),))\n"
        "print(' '.join(str(p) for p in pool.submit(os.getpid).result() and pool._processes), flush=True)\n"
        "time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=cli_env(tmp_path), stdout=subprocess.PIPE)
    workers = [int(x) for x in proc.stdout.readline().split()]
    assert workers
    proc.kill()  # SIGKILL: no clean-up runs in the parent
    proc.wait()
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [p for p in alive if _running(p)]
    assert not alive, f"orphaned workers {alive}"


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[-1][:1] != "Z"
    except FileNotFoundError:
        return False


def test_symlink_loops_and_missing_paths_skipped(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "sub" / "houhu.txt").write_text(houhu_text(), encoding="utf-8")
    (d / "loop.txt").symlink_to(d / "loop.txt")  # a loop onto itself
    (d / "a.txt").symlink_to(d / "b.txt")
    (d / "b.txt").symlink_to(d / "a.txt")
    (d / "sub" / "up").symlink_to(d)  # a folder loop
    store = Store(tmp_path / "s.db")
    summary = ingest(store, [d / "loop.txt", str(d / "*.txt"), d, d / "missing.txt", str(d / "**" / "*.txt")])
    by_name: dict[str, list] = {}
    for f in summary.files:
        by_name.setdefault(Path(f.path).name, []).append(f)
    assert [f.outcome for f in by_name["houhu.txt"]] == ["added"]  # once, though found four ways
    assert by_name["loop.txt"][0].outcome == "skipped" and "loop" in by_name["loop.txt"][0].message
    assert by_name["a.txt"][0].outcome == "skipped"
    assert "cannot open" in by_name["missing.txt"][0].message
    assert len(store.reports()) == 1


def test_recording_an_error_never_aborts_the_batch(tmp_path, samples_dir, monkeypatch):
    store = Store(tmp_path / "r.db")
    (samples_dir / "junk.txt").write_text("不是报告", encoding="utf-8")

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store, "log_file", broken)
    summary = ingest(store, [samples_dir])
    assert summary.counts == {"added": 5, "replaced": 0, "unchanged": 0, "skipped": 1}


def test_runs_left_unfinished_by_a_kill_are_closed(tmp_path, samples_dir):
    db = tmp_path / "k.db"
    store = Store(db)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    store.db.conn.execute("insert into ingest_runs (started_at, pid, host, status, added, replaced, unchanged, "
                          "skipped) values ('2024-01-01T00:00:00+00:00', ?, ?, 'running', 0, 0, 0, 0)",
                          [dead.pid, socket.gethostname()])
    store.log_file(1, "x.txt", "added", "", None)
    ingest(store, [samples_dir / sample_files()[0].name])
    runs = list(store.db.query("select id, status, finished_at, added from ingest_runs order by id"))
    assert runs[0]["status"] == "interrupted" and runs[0]["finished_at"] and runs[0]["added"] == 1
    assert runs[1]["status"] == "finished"


# ---------------------------------------------------------------------- 4. a store that never blocks

def test_ask_answers_while_another_connection_holds_the_write_lock(tmp_path, samples_db, monkeypatch):
    from click.testing import CliRunner

    from bot.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCLOSURE_BOT_CONFIG", raising=False)
    writer = sqlite3.connect(samples_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("insert into tg_meta (key, value) values ('busy', 'yes')")  # an ingest saving a file
    try:
        Store(samples_db, busy_timeout=0.2).close()  # opening writes nothing: it does not wait for the lock
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["--db", str(samples_db), "ask", "后湖街道2021年收到几件申请"])
        assert result.exit_code == 0, result.output
        assert "3件" in result.output
        assert time.monotonic() - started < 10
        result = CliRunner().invoke(cli, ["--db", str(samples_db), "reports"])
        assert result.exit_code == 0 and "后湖街道" in result.output
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    # with the lock free, questions asked on the command line are logged and counted
    CliRunner().invoke(cli, ["--db", str(samples_db), "ask", "东湖街道2021年收到几件申请"])
    store = Store(samples_db)
    rows = list(store.db.query("select question, status, channel from questions"))
    assert {"question": "东湖街道2021年收到几件申请", "status": "not_found", "channel": "cli"} in rows
    assert store.question_counts()["unanswered"] >= 1
    assert store.unanswered()[0]["question"] == "东湖街道2021年收到几件申请"
    store.close()


def test_console_chat_and_ask_stdin_questions_are_logged(tmp_path, samples_db, monkeypatch):
    from click.testing import CliRunner

    from bot.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCLOSURE_BOT_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["--db", str(samples_db), "chat"], input="后湖街道2021年收到几件申请\n那2022年呢\nquit\n")
    assert result.exit_code == 0 and "3件" in result.output
    result = CliRunner().invoke(cli, ["--db", str(samples_db), "ask", "-"], input="天坛街道2020年收到几件申请\n")
    assert result.exit_code == 0
    store = Store(samples_db)
    rows = [(r["question"], r["channel"]) for r in store.db.query("select question, channel from questions order by id")]
    assert rows == [("后湖街道2021年收到几件申请", "chat"), ("那2022年呢", "chat"), ("天坛街道2020年收到几件申请", "cli")]
    assert store.question_counts()["asked"] == 3
    store.close()


async def test_bot_answers_while_the_database_is_locked_and_when_logging_fails(api, config, samples_db):
    store = Store(samples_db)
    writer = sqlite3.connect(samples_db, isolation_level=None)
    try:
        async with running(config, store) as app:
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("insert into tg_meta (key, value) values ('busy', 'yes')")
            try:
                started = time.monotonic()
                api.private(USER, "后湖街道2021年收到几件申请")
                (answer,) = await api.wait_sent(USER, timeout=10)
                assert "3件" in html.unescape(answer.text)
                api.private(USER + 1, "西岗街道2022年被提起行政诉讼多少起")  # other chats are not held up either
                api.private(USER + 2, "/subscribe")  # (a write the user waits for: it waits, the others do not)
                await api.wait_sent(USER + 1, timeout=10)
                assert time.monotonic() - started < 5  # nobody waited for the lock
                assert not api.sent(USER + 2)
            finally:
                writer.execute("ROLLBACK")
            await api.wait_sent(USER + 2, timeout=10)
            await api.wait_for(lambda: store.question_counts()["asked"] == 2, what="the questions logged")
            assert list(store.db.query("select chat_id from tg_subscriptions")) == [{"chat_id": USER + 2}]
            # a log that cannot be written costs the log row only
            sv = app.bot_data["services"]

            def broken(*args, **kwargs):
                raise sqlite3.OperationalError("disk I/O error")

            sv.write._open().log_question = broken
            api.private(USER, "西岗街道2022年行政处罚多少")
            calls = await api.wait_sent(USER, 2)
            assert "24" in calls[1].text
    finally:
        writer.close()
        store.close()


def test_ingest_commits_per_file_readers_see_progress(tmp_path, samples_dir):
    """Each file is committed on its own: another connection sees the first report stored while
    the batch is still going, and is never blocked from reading."""
    db = tmp_path / "p.db"
    store = Store(db)
    seen = []

    def progress(result):
        reader = sqlite3.connect(db, timeout=0.1)
        try:
            seen.append(reader.execute("select count(*) from reports").fetchone()[0])
        finally:
            reader.close()

    ingest(store, [samples_dir], progress=progress)
    assert seen == [1, 2, 3, 4, 5]


def test_schema_migrations_run_once_and_bring_old_databases_up_to_date(tmp_path):
    from store.migrations import MIGRATIONS, pending

    import sqlite_utils

    from store.db import connect

    db = tmp_path / "old.db"
    # as the code before migrations left a database: its tables (the first steps' schema), no record of
    # steps, the old question table
    store = Store.__new__(Store)
    store.db = sqlite_utils.Database(connect(str(db)))
    MIGRATIONS.apply(store.db, stop_before="m004_problem_evidence")
    store.db["_sqlite_migrations"].drop()
    store.db["questions"].drop()
    store.db.execute("alter table ingest_runs drop column status")
    store.db["tg_questions"].create({"id": int, "at": str, "question": str, "status": str, "kind": str,
                                     "chat_type": str, "ms": int}, pk="id")
    store.db["tg_questions"].insert({"at": "2024-01-01", "question": "东湖街道呢", "status": "not_found",
                                     "kind": "cell", "chat_type": "private", "ms": 3})
    store.db.conn.close()
    store = Store(db)
    assert not pending(store.db)
    assert [m.name for m in MIGRATIONS.applied(store.db)][:3] == ["m001_reports", "m002_ingest_run_owner",
                                                                   "m003_chats_and_questions"]
    assert "tg_questions" not in store.db.table_names()
    assert store.unanswered()[0]["question"] == "东湖街道呢" and store.unanswered()[0]["channel"] == "telegram"
    assert "status" in store.db["ingest_runs"].columns_dict
    assert store.ensure_schema() == []  # nothing left to run: opening again writes nothing
    store.close()


def test_like_wildcards_escaped():
    store = Store(":memory:")
    ingest(store, sample_files())
    everything = store.stats()["passages"]
    for wildcard in ("%", "_", "%%", "_%"):
        found = store.search_passages(wildcard, limit=10_000)
        assert len(found) < everything and all(wildcard in p["text"] for p in found), wildcard
    assert store.search_passages("条")  # a real short search still finds text


# ---------------------------------------------------------------------- 5. files

def test_formula_like_agency_name_exported_safely(tmp_path):
    from store.export import write_export

    f = tmp_path / "houhu.txt"
    f.write_text(houhu_text(), encoding="utf-8")
    evil = '=HYPERLINK("http://evil.example","后湖街道")'
    (tmp_path / "manifest.csv").write_text(f'path,agency,short_name\nhouhu.txt,"{evil.replace(chr(34), chr(34) * 2)}",'
                                           f'@SUM(1+1)\n', encoding="utf-8")
    store = Store(":memory:")
    assert ingest(store, [f]).counts["added"] == 1
    out = io.StringIO()
    write_export(store, out, "csv")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows and all(r["agency"] == "'" + evil for r in rows)
    assert all(r["short_name"] == "'@SUM(1+1)" for r in rows)
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values() if v)
    assert any(r["value"] == "3" for r in rows)  # figures are untouched
    out = io.StringIO()
    write_export(store, out, "json")
    assert json.loads(out.getvalue())[0]["agency"] == evil  # JSON keeps the data as it is


def test_file_modes(tmp_path):
    from store.db import backup_database
    from store.inbox import make_private_dir, save_upload

    old = os.umask(0o022)
    try:
        db = tmp_path / "new" / "data" / "x.db"
        store = Store(db)
        ingest(store, [sample_files()[0]])
        mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
        assert mode(db.parent) == 0o700
        assert mode(db) == 0o600
        for suffix in ("-wal", "-shm"):
            side = db.with_name(db.name + suffix)
            assert side.exists() and mode(side) == 0o600, suffix
        backup_database(db, tmp_path / "b.db")
        assert mode(tmp_path / "b.db") == 0o600
        store.close()
        inbox = make_private_dir(tmp_path / "inbox")
        assert mode(inbox) == 0o700
        assert mode(save_upload(inbox, "r.txt", b"x")) == 0o600
    finally:
        os.umask(old)


def test_safe_filenames():
    from store.inbox import MAX_NAME_BYTES, safe_filename

    long = "武汉市江岸区人民政府后湖街道办事处" * 7 + "年报.pdf"
    assert len(long) >= 115
    name = safe_filename(long, "x.pdf")
    assert name.endswith(".pdf") and len(name.encode()) <= MAX_NAME_BYTES and name.startswith("武汉市")
    assert safe_filename("../../etc/passwd", "x") == "passwd"
    assert safe_filename("a\x00b|c?.txt", "x") == "a_b_c_.txt"
    assert safe_filename("...", "fallback.txt") == "fallback.txt"


def test_hostile_file_names_cannot_forge_lines(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "x\nadded fake.txt: 假机关 2099.txt").write_text("不是报告", encoding="utf-8")
    (d / "\x1b[2Jclear.txt").write_text("也不是", encoding="utf-8")
    summary = ingest(Store(":memory:"), [d])
    lines = summary.lines()
    assert len(lines) == 3 and not any(ln.startswith("added fake") for ln in lines)
    assert all("\x1b" not in ln for ln in lines) and any("\\x1b" in ln for ln in lines)


async def test_long_upload_name_and_junk_quarantined(api, config, samples_db, tmp_path):
    store = Store(samples_db)
    long_name = ("江岸区人民政府后湖街道办事处二〇二二年度政府信息公开工作年度报告正式版本最终稿" * 3)[:115] + ".txt"
    assert len(long_name) == 119 and len(long_name.encode()) > 255
    try:
        async with running(config, store):
            report = houhu_text().replace("2021年", "2022年").replace("2022年1月17日", "2023年1月17日")
            api.upload(ADMIN, ADMIN, report.encode("utf-8"), long_name)
            (reply,) = await api.wait_sent(ADMIN, timeout=15)
            assert "新增" in html.unescape(reply.text), reply.text
            inbox = Path(config["store"]["inbox"])
            (saved,) = list(inbox.iterdir())
            assert saved.name.startswith("江岸区") and saved.suffix == ".txt" and len(saved.name.encode()) <= 150
            # junk: rejected in Chinese first, the reason after it; moved out of the inbox
            api.upload(ADMIN, ADMIN, b"%PDF-1.4 broken", "broken.pdf", mime="application/pdf")
            calls = await api.wait_sent(ADMIN, 2, timeout=15)
            text = html.unescape(calls[1].text)
            assert "文件已损坏" in text and text.index("文件已损坏") < text.index("corrupt PDF")
            assert "隔离" in text
            assert not (inbox / "broken.pdf").exists()
            assert (Path(config["store"]["quarantine"]) / "broken.pdf").exists()
            api.private(ADMIN, "/stats")
            calls = await api.wait_sent(ADMIN, 3)
            assert "隔离的文件" in calls[2].text and "broken.pdf" in calls[2].text
            api.private(ADMIN, "/reload")  # the quarantine is not rescanned
            calls = await api.wait_sent(ADMIN, 4)
            assert "broken.pdf" not in calls[3].text
    finally:
        store.close()


@pytest.mark.timeout(60)
async def test_token_never_logged_even_at_debug_and_unreachable_api_said_plainly(api, tmp_path):
    env = cli_env(tmp_path, DISCLOSURE_BOT_TOKEN=TOKEN, DISCLOSURE_BOT_TELEGRAM_BASE_URL=api.base_url,
                  DISCLOSURE_BOT_STORE_DATABASE=str(tmp_path / "d.db"), DISCLOSURE_BOT_LOG_LEVEL="DEBUG",
                  DISCLOSURE_BOT_STORE_LOAD_SAMPLES="true", DISCLOSURE_BOT_STORE_INBOX=str(tmp_path / "in"))
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        api.private(USER, "后湖街道2021年收到几件申请")
        await api.wait_sent(USER, timeout=30)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = await asyncio.to_thread(proc.communicate, timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    log = out.decode("utf-8", "replace")
    assert " DEBUG " in log  # it did log at DEBUG
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    # a Bot API that cannot be reached: a plain message, not a silent retry for ever
    env["DISCLOSURE_BOT_TELEGRAM_BASE_URL"] = f"http://127.0.0.1:{free_port()}/bot"
    env["DISCLOSURE_BOT_LOG_LEVEL"] = "INFO"
    env["DISCLOSURE_BOT_TELEGRAM_STARTUP_RETRIES"] = "0"
    done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path,
                                   env=env, capture_output=True, timeout=40)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode != 0
    assert "cannot reach the Telegram Bot API" in err, err[-2000:]
    assert TOKEN not in err + done.stdout.decode("utf-8", "replace")


# ---------------------------------------------------------------------- 6. restarts

async def test_button_tapped_after_a_restart_is_answered(api, config, samples_db, tmp_path):
    extra = tmp_path / "other.txt"
    extra.write_text(other_district_copy(), encoding="utf-8")
    store = Store(samples_db)
    ingest(store, [extra])
    async with running(config, store):
        api.private(USER, "后湖街道2021年收到几件申请")
        (question,) = await api.wait_sent(USER)
        buttons = [b for row in question.params["reply_markup"]["inline_keyboard"] for b in row]
        jiangan = next(b for b in buttons if "江岸区" in b["text"])
        message = next(m for (chat, _), m in api.messages.items() if chat == USER and m.get("reply_markup"))
    store.close()
    # a new process in all but name: a new store connection, a new application
    store = Store(samples_db)
    try:
        async with running(config, store):
            api.tap(USER, message, jiangan["callback_data"])
            await api.wait_for(lambda: len(api.sent(USER, ("sendMessage",))) >= 2, what="the answer after the tap")
            answer = html.unescape(api.sent(USER, ("sendMessage",))[1].text)
            assert "江岸区" in answer and "3件" in answer and "已过期" not in answer
            api.private(USER, "行政许可呢")  # and the follow-up context carried over too
            calls = await api.wait_sent(USER, 3, methods=("sendMessage",))
            assert "江岸区" in calls[2].text and "2676" in calls[2].text
        rows = list(store.db.query("select question, status from questions"))
        assert {"question": "后湖街道2021年收到几件申请", "status": "answered"} in rows
    finally:
        store.close()


async def test_digest_interrupted_is_finished_not_resent(api, config, samples_db, tmp_path):
    """A crash after the first message of a two-message digest went out: the restart sends the
    second one only, and the mark moves."""
    from bot.telegram.digest import catch_up, send_digest

    store = Store(samples_db)
    try:
        async with running(config, store) as app:
            api.private(USER, "/subscribe")
            await api.wait_sent(USER)
            sv = app.bot_data["services"]
            mark = sv.chats.mark(USER)
            await sv.write(lambda s, c: c.put_outbox(USER, ["第一部分", "第二部分"], (mark[0] + 99, "9999")))
            await sv.write(lambda s, c: c.part_sent(USER, 1))  # the first went out, then the crash
        async with running(config, store) as app:  # the restart finishes it
            await api.wait_for(lambda: any(c.text == "第二部分" for c in api.sent(USER)), what="the rest")
            assert not any(c.text == "第一部分" for c in api.sent(USER))
            sv = app.bot_data["services"]
            assert sv.chats.outbox(USER) is None and sv.chats.mark(USER)[0] == mark[0] + 99
            assert (await send_digest(app))["chats"] == 0
            assert not await catch_up(app)
    finally:
        store.close()


# ---------------------------------------------------------------------- 7. the digest's figures

def test_digest_says_a_figure_could_not_be_read(samples_db):
    from bot.telegram.digest import report_summary

    store = Store(samples_db)
    rep = next(r for r in store.reports() if r["short_name"] == "后湖街道")
    text = report_summary(store, rep)
    assert "收到申请 3 件" in text and "未能读出" not in text
    store.db.conn.execute("update cells set status = 'uncertain', value = null where report_id = ? and key = ?",
                          [rep["id"], "apply.new.total"])
    store.db.conn.execute("update cells set status = 'missing', value = null where report_id = ? and key like ?",
                          [rep["id"], "suit.direct.%"])
    text = report_summary(store, rep)
    assert "收到申请 未能读出" in text and "行政诉讼 未能读出" in text
    assert "收到申请 报告未填写" not in text and "未填写" not in text.replace("报告未填写", "")
    store.db.conn.execute("update cells set status = 'blank', value = null where report_id = ? and key = ?",
                          [rep["id"], "apply.new.total"])
    assert "收到申请 报告未填写" in report_summary(store, rep)
    store.close()


def test_digest_schedule_in_words():
    from bot.telegram.digest import describe_schedule

    class Settings:
        def __init__(self, cron, tz="Asia/Shanghai"):
            self.values = {"cron": cron, "timezone": tz}

        def setting(self, section, name, default=None):
            return self.values.get(name, default)

    cases = {"0 9 * * *": "每天9点（北京时间）", "30 8 * * 1-5": "每个工作日8点30分（北京时间）",
             "0 9 * * mon-fri": "每个工作日9点（北京时间）", "0 9 * * 1": "每周一9点（北京时间）",
             "0 9 * * 1,3,5": "每周一、三、五9点（北京时间）", "0 10 * * 6,0": "每个周末10点（北京时间）",
             "0 9 1 * *": "每月1日9点（北京时间）"}
    for cron, words in cases.items():
        assert describe_schedule(Settings(cron)) == words
    odd = describe_schedule(Settings("*/30 * * * *"))
    assert odd.startswith("按设定的时间（下一次：") and "*" not in odd
    assert describe_schedule(Settings("0 9 * * *", "Europe/Berlin")) == "每天9点（Europe/Berlin时间）"
