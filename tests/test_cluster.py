"""Ingest on a Dask cluster (``--executor dask``): a ``LocalCluster`` started here stands for the cluster.

The same batch stores the same cells as the local process pool; a bad file is skipped with the
same line; a stored file is never shipped again; progress comes once per file; at most ``slots``
files are in flight; a worker that dies costs only the file that killed it; a cluster running other
code is refused; the command line drives it all, and says how to install Dask when it is missing.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from store.db import Store
from store.executors import WORKER_DIED, DaskExecutor, ExecutorError, Job, Lost
from store.export import export_rows
from store.ingest import ingest
from store.samples import sample_files
from synth import consistent_figures, render

distributed = pytest.importorskip("distributed", reason="the cluster extra: pip install -e '.[cluster]'")

STREETS = ["北山", "西关", "天坛", "东风"]


def _batch(folder: Path) -> Path:
    """The five samples, four synthetic reports (text and HTML, both templates) and one bad file."""
    folder.mkdir()
    for f in sample_files():
        (folder / f.name).write_bytes(f.read_bytes())
    rng = random.Random(7)
    for i, street in enumerate(STREETS):
        year = 2020 + i
        layout = "html" if i % 2 else "grid"
        version = "2019" if year <= 2020 else "2021"
        text = render(consistent_figures(rng, version), version, layout, agency=f"西湖区人民政府{street}街道办事处",
                      year=year, region="浙江省杭州市西湖区", narrative=3)
        (folder / f"s{i}.{'html' if layout == 'html' else 'txt'}").write_text(text, encoding="utf-8")
    (folder / "zz_bad.txt").write_bytes(b"\x00\x01 this is no report at all \xff" * 20)
    return folder


@pytest.fixture(scope="module")
def cluster():
    """Two single-thread workers in this process, reachable over TCP (as a real scheduler is)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=":0") as c:
        yield c


@pytest.fixture
def client(cluster):
    with distributed.Client(cluster, set_as_default=False) as c:
        yield c


def _cells(store: Store) -> list[dict]:
    return list(export_rows(store))


@pytest.mark.timeout(120)
def test_dask_stores_what_the_local_pool_stores(tmp_path, client, monkeypatch):
    batch = _batch(tmp_path / "batch")
    local = Store(tmp_path / "local.db")
    by_pool = ingest(local, [batch], workers=2)

    shipped: list[str] = []
    real_submit = client.submit

    def submit(fn, *args, **kw):  # the one way to the cluster: (parse, name, data, …) or (parse, [jobs])
        shipped.extend(Path(name).name for name in ([j[0] for j in args[1]] if isinstance(args[1], list)
                                                    else [args[1]]))
        return real_submit(fn, *args, **kw)

    monkeypatch.setattr(client, "submit", submit)
    progress: list[str] = []
    store = Store(tmp_path / "dask.db")
    with DaskExecutor(client=client) as ex:
        by_dask = ingest(store, [batch], executor=ex, progress=lambda r: progress.append(Path(r.path).name))
    names = sorted(p.name for p in batch.iterdir())
    assert sorted(shipped) == names  # every file went to the cluster once
    assert sorted(progress) == names  # one progress step per file
    assert by_dask.counts == by_pool.counts == {"added": 9, "replaced": 0, "unchanged": 0, "skipped": 1}
    assert by_dask.ok and not by_dask.stopped
    assert _cells(store) == _cells(local)  # the same cells, cell for cell, in the same export
    assert len(_cells(store)) > 9 * 50
    bad = {Path(f.path).name: f.message for f in by_dask.files if f.outcome == "skipped"}
    assert bad == {Path(f.path).name: f.message for f in by_pool.files if f.outcome == "skipped"}
    assert list(bad) == ["zz_bad.txt"] and "not a report" in bad["zz_bad.txt"]
    run = next(store.db.query("select * from ingest_runs order by id desc limit 1"))
    assert (run["status"], run["added"], run["skipped"]) == ("finished", 9, 1)

    # again, with one new file: only the new file (and the bad one, never stored) is shipped
    shipped.clear()
    (batch / "s9.txt").write_text(render(consistent_figures(random.Random(9), "2021"), "2021", "grid",
                                         agency="西湖区人民政府灵隐街道办事处", year=2023,
                                         region="浙江省杭州市西湖区"), encoding="utf-8")
    with DaskExecutor(client=client) as ex:
        again = ingest(store, [batch], executor=ex)
    assert sorted(shipped) == ["s9.txt", "zz_bad.txt"]
    assert again.counts == {"added": 1, "replaced": 0, "unchanged": 9, "skipped": 1}


@pytest.mark.timeout(60)
def test_dask_keeps_a_bounded_number_of_files_in_flight(client):
    """At most ``slots`` files read and not yet back; large files go by scatter and arrive whole."""
    pulled = yielded = 0
    most = 0

    def jobs():
        nonlocal pulled
        for i in range(12):
            pulled += 1
            yield Job(f"f{i}", b"x" * (i + 1), None, str(i))

    with DaskExecutor(client=client, slots=3, scatter_bytes=6) as ex:
        for job, result in ex.map(_length, jobs()):
            yielded += 1
            most = max(most, pulled - yielded + 1)
            assert result == len(job.data)
    assert yielded == 12 and most <= 3


@pytest.mark.timeout(60)
def test_a_failing_file_costs_only_itself_in_its_task(client):
    jobs = [Job(f"f{i}", b"boom" if i == 2 else b"x" * i, None, str(i)) for i in range(6)]
    with DaskExecutor(client=client, batch=4) as ex:
        results = dict((job.name, result) for job, result in ex.map(_length, jobs))
    assert results.pop("f2") == Lost("could not parse: ValueError: boom")
    assert results == {f"f{i}": i for i in range(6) if i != 2}


def _length(job: Job) -> int:
    if job.data == b"boom":
        raise ValueError("boom")
    time.sleep(0.01)
    return len(job.data)


def test_cli_ingest_on_a_dask_cluster(tmp_path, cluster, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCLOSURE_BOT_CONFIG", raising=False)
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    batch = _batch(tmp_path / "batch")
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    r = runner.invoke(cli, ["--db", db, "ingest", "--executor", "dask", "--scheduler", cluster.scheduler_address,
                            str(batch)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "added 9, replaced 0, unchanged 0, skipped 1" in r.output
    assert "skipped " + str(batch / "zz_bad.txt") in r.output
    r = runner.invoke(cli, ["--db", db, "ingest", "--executor", "dask", "--scheduler", cluster.scheduler_address,
                            str(batch)], catch_exceptions=False)
    assert "added 0, replaced 0, unchanged 9, skipped 1" in r.output
    r = runner.invoke(cli, ["--db", db, "ingest", "--executor", "dask", str(batch)])
    assert r.exit_code != 0 and "--scheduler" in r.output
    r = runner.invoke(cli, ["--db", db, "ingest", "--scheduler", cluster.scheduler_address, str(batch)])
    assert r.exit_code != 0 and "--executor dask" in r.output


def test_cli_without_dask_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)  # as if not installed
    r = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "ingest", "--executor", "dask", "--scheduler",
                                 "tcp://127.0.0.1:1", str(sample_files()[0])])
    assert r.exit_code != 0
    assert "pip install 'disclosure-bot[cluster]'" in r.output and "-e '.[cluster]'" in r.output


@pytest.mark.timeout(120)
def test_scheduler_lost_stops_the_batch_and_running_it_again_resumes(tmp_path, monkeypatch):
    import threading

    import store.ingest as ingest_mod

    batch = _batch(tmp_path / "batch")
    real_parse = ingest_mod.parse_bytes

    def slow_parse(data, name, hints=None):  # the workers run in this process: they see this
        time.sleep(0.15)
        return real_parse(data, name, hints)

    monkeypatch.setattr(ingest_mod, "parse_bytes", slow_parse)
    store = Store(tmp_path / "db.sqlite")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                       host="127.0.0.1", dashboard_address=":0")
    client = distributed.Client(cluster, set_as_default=False)
    closing: list[threading.Thread] = []
    added = []

    def progress(result):  # the scheduler goes away after two reports are stored
        added.append(result.outcome == "added")
        if sum(added) >= 2 and not closing:
            closing.append(threading.Thread(target=cluster.close))
            closing[0].start()

    try:
        with DaskExecutor(client=client) as ex:
            first = ingest(store, [batch], executor=ex, progress=progress)
    finally:
        closing[0].join(30)
        client.close()
    assert first.stopped and not first.ok
    assert "stopped before the end" in first.lines()[-1] and "run the same ingest again" in first.lines()[-1]
    stored = len(store.reports())
    assert 2 <= stored < 9 and first.counts["added"] == stored
    assert next(store.db.query("select status from ingest_runs"))["status"] == "running"  # left to be closed

    monkeypatch.setattr(ingest_mod, "parse_bytes", real_parse)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster2, \
            distributed.Client(cluster2, set_as_default=False) as client2, DaskExecutor(client=client2) as ex:
        again = ingest(store, [batch], executor=ex)
    assert again.counts == {"added": 9 - stored, "replaced": 0, "unchanged": stored, "skipped": 1}
    assert len(store.reports()) == 9
    assert [r["status"] for r in store.db.query("select status from ingest_runs order by id")] == \
        ["interrupted", "finished"]


# ---------------------------------------------------------------------- worker processes that die

@pytest.mark.timeout(120)
def test_a_worker_killed_costs_only_its_file(tmp_path):
    """A worker process (restarted by its nanny); one file kills any worker that parses it.  Dask gives
    up on its task at once (allowed-failures 0), the files of that task and the others on the worker
    are run again alone, and only the killer is lost.  A cluster whose workers run another parser is
    refused."""
    import dask

    import store.executors as executors

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
                                     worker_class=distributed.Nanny) as cluster, \
            distributed.Client(cluster, set_as_default=False) as client:
        real = executors.FINGERPRINT_LIBRARIES
        try:  # this process now runs "other code" than the workers
            executors.FINGERPRINT_LIBRARIES = real + ("an-upgraded-library",)
            with pytest.raises(ExecutorError, match="another version of the parser"):
                DaskExecutor(client=client)
        finally:
            executors.FINGERPRINT_LIBRARIES = real

        jobs = [Job(f"f{i}", b"KILL" if i == 3 else b"ok" * i, None, str(i)) for i in range(8)]
        with DaskExecutor(client=client) as ex:
            results = dict((job.name, result) for job, result in ex.map(_killer, jobs))
        assert results.pop("f3") == Lost(WORKER_DIED)
        assert results == {f"f{i}": 2 * i for i in range(8) if i != 3}


def _killer(job: Job) -> int:
    if job.data == b"KILL":
        os._exit(137)  # what the OOM killer leaves behind
    time.sleep(0.05)
    return len(job.data)
