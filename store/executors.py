"""Executors: where ingest's pure parse runs, behind one small interface.

:func:`store.ingest.ingest` reads each file, checks its SHA-256 against the store (an unchanged file
is never handed on), gives the rest to an executor as :class:`Job` s — the file's bytes, never its
path, so a worker need not see the writer's disks — and writes every result to SQLite itself, in
its own process.  An executor only maps a pure, picklable function over jobs::

    with make_executor("local", workers=4) as ex:
        for job, result in ex.map(fn, jobs):
            ...   # result is fn(job), or Lost(message) when no result came back

What every executor guarantees:

* **bounded memory**: it pulls the next job (a file read) only when a slot frees: at most
  ``slots`` files and about ``max_bytes`` bytes are in flight;
* **one thread**: it pulls jobs and yields results in the calling thread, so the caller may write
  SQLite in both;
* **a dead worker costs only its file**: the jobs a dying worker had in hand are run again one at
  a time, and only a job that kills a worker on its own comes back as ``Lost(WORKER_DIED)``.

==========  ==========================================================================
``inline``  ``workers=1``: in this process, one file after another
``local``   a process pool on this machine (``--workers N``); results in file order
``dask``    a Dask cluster (``dask.distributed``; ``pip install 'disclosure-bot[cluster]'``):
            results in the order they finish (``as_completed``)
==========  ==========================================================================

A Dask cluster runs the code installed on its workers: :class:`DaskExecutor` checks at the start
that every worker runs the same parser (:func:`code_fingerprint`) and refuses the cluster otherwise,
so a back-fill never mixes reports parsed by two versions.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import threading
import time
import uuid
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

log = logging.getLogger(__name__)

MAX_IN_FLIGHT_BYTES = 256 * 1024 * 1024  # file bytes handed on and not yet back (at least one file)
SCATTER_BYTES = 1024 * 1024  # Dask: larger files go straight to a worker (scatter), not through the scheduler
BATCH = 4  # Dask: small files per task (each task costs a round trip through the scheduler)
WORKER_DIED = ("the worker process reading this file died (out of memory, or killed): "
               "the file was skipped, the rest of the batch went on")
INSTALL_DASK = ("--executor dask needs Dask (dask.distributed), which is not installed: "
                "pip install 'disclosure-bot[cluster]' (in a checkout: pip install -e '.[cluster]')")
EXECUTORS = ("local", "dask")


class Job(NamedTuple):
    """One file to parse: its name (as the summary shows it), bytes, manifest hints and SHA-256."""
    name: str
    data: bytes
    hints: dict | None
    sha: str


@dataclass(frozen=True)
class Lost:
    """No result came back for a job: why, as the summary line shows it."""
    message: str


class ExecutorError(RuntimeError):
    """The executor cannot go on (the cluster cannot be reached, runs other code, or was lost):
    the batch stops; what was stored stays, and running the same ingest again resumes."""


class ExecutorUnavailable(ExecutorError):
    """The executor's optional dependency is not installed (the message says how to install it)."""


class Executor:
    """Maps a pure function over jobs (see the module docstring).  A context manager."""

    name = "?"

    def map(self, fn: Callable[[Job], object], jobs: Iterable[Job]) -> Iterator[tuple[Job, object]]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return self.name

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def make_executor(kind: str = "local", *, workers: int = 1, scheduler: str | None = None,
                  slots: int | None = None) -> Executor:
    """``local`` (``workers`` processes; one: in this process) or ``dask`` (the scheduler at
    ``scheduler``).  Raises :class:`ExecutorUnavailable` / :class:`ExecutorError`."""
    if kind == "local":
        return LocalPoolExecutor(workers) if workers > 1 else InlineExecutor()
    if kind == "dask":
        return DaskExecutor(scheduler, slots=slots)
    raise ValueError(f"unknown executor {kind!r} (one of {', '.join(EXECUTORS)})")


# ---------------------------------------------------------------------- in this process

class InlineExecutor(Executor):
    """One job after another in this process (``workers=1``)."""

    name = "inline"

    def map(self, fn, jobs):
        for job in jobs:
            yield job, fn(job)


# ---------------------------------------------------------------------- a local process pool

def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _watch_parent(parent: int, adopted_from: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != adopted_from or _gone(parent):  # orphaned: re-parented, or the ingest is gone
            os._exit(1)


def _worker_init(parent: int) -> None:
    """In each worker: exit when the process that started the pool dies (killed, crashed), so
    no orphan goes on parsing.  (Whatever the start method: the worker's parent at start may be
    the ingest itself, or a fork server.)"""
    threading.Thread(target=_watch_parent, args=(parent, os.getppid()), daemon=True, name="parent-watch").start()


class LocalPoolExecutor(Executor):
    """``workers`` processes on this machine, restarted when one dies; results in job order."""

    name = "local"

    def __init__(self, workers: int, *, max_bytes: int = MAX_IN_FLIGHT_BYTES):
        self.workers = workers
        self.slots = workers * 4
        self.max_bytes = max_bytes
        self._pool: ProcessPoolExecutor | None = None

    def describe(self) -> str:
        return f"local pool of {self.workers} processes"

    def _submit(self, fn, job):
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_worker_init,
                                             initargs=(os.getpid(),))
        return self._pool.submit(fn, job)

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map(self, fn, jobs):
        pending: deque = deque()  # (job, future), in job order
        try:
            for job in jobs:
                try:
                    pending.append((job, self._submit(fn, job)))
                except BrokenProcessPool:  # it broke since the last result: start afresh
                    self._restart()
                    pending.append((job, self._submit(fn, job)))
                while pending and (len(pending) >= self.slots or _bytes(pending) > self.max_bytes):
                    yield from self._settle_first(fn, pending)
            while pending:
                yield from self._settle_first(fn, pending)
        finally:
            for _, fut in pending:  # the caller stopped early
                fut.cancel()

    def _settle_first(self, fn, pending: deque):
        """The oldest job's result.  When a worker died, every job the pool had in hand is run
        again alone in a new pool: only a job that kills a worker on its own is lost."""
        job, fut = pending.popleft()
        try:
            result = fut.result()
        except BrokenProcessPool:
            suspects = [job] + [j for j, _ in pending]
            done = {id(j): f.result() for j, f in pending
                    if f.done() and not f.cancelled() and f.exception() is None}
            pending.clear()
            self._restart()
            log.warning("a worker process died: parsing again, one at a time, the %d files it had in hand",
                        len(suspects))
            for j in suspects:
                yield j, done[id(j)] if id(j) in done else self._alone(fn, j)
            return
        yield job, result

    def _alone(self, fn, job):
        try:
            return self._submit(fn, job).result()
        except BrokenProcessPool:
            self._restart()
            return Lost(WORKER_DIED)


def _bytes(pending) -> int:
    return sum(len(job.data) for job, *_ in pending)


# ---------------------------------------------------------------------- a Dask cluster

def import_distributed():
    """``dask.distributed``, or :class:`ExecutorUnavailable` saying how to install it."""
    try:
        import distributed
    except ImportError as exc:
        raise ExecutorUnavailable(INSTALL_DASK) from exc
    return distributed


FINGERPRINT_LIBRARIES = ("pdfplumber", "pdfminer.six", "pypdfium2", "lxml", "python-docx", "opencc",
                         "rapidfuzz", "cnloc")


def code_fingerprint() -> str:
    """A hash of what decides how a file is parsed: the ``store`` package's source and the versions
    of the libraries the readers use.  Equal on the writer and every worker, or the cluster is refused."""
    from importlib import metadata

    import store

    h = hashlib.sha256()
    root = Path(store.__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for lib in FINGERPRINT_LIBRARIES:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{lib}={version}\0".encode())
    return h.hexdigest()[:16]


def _run_job(fn, name, data, hints, sha):
    """On a worker: one job, put together again (``data`` may have come by ``scatter``)."""
    return _call(fn, Job(name, data, hints, sha))


def _run_jobs(fn, jobs: list[tuple]) -> list:
    """On a worker: a task of several small files, one result each."""
    return [_call(fn, Job(*job)) for job in jobs]


def _call(fn, job: Job):
    try:
        return fn(job)
    except Exception as exc:  # fn's own failure costs its file only, never the others of its task
        return Lost(f"could not parse: {type(exc).__name__}: {exc}")


def _quietly(action) -> None:
    """Releasing or cancelling a future: a client closed meanwhile has nothing left to release."""
    try:
        action()
    except Exception as exc:
        log.debug("%s: %s", getattr(action, "__name__", action), exc)


class DaskExecutor(Executor):
    """Jobs run on a Dask cluster; results come back in the order they finish.

    ``scheduler``: the scheduler's address (``tcp://host:8786``); or ``client``: a
    ``distributed.Client`` the caller owns (a test's ``LocalCluster``).  A task parses up to ``batch``
    files below ``scatter_bytes`` (one round trip through the scheduler for several files; each file's
    result is its own); a larger file is a task alone, its bytes scattered straight to a worker.
    ``slots``: files in flight at most (default: two tasks per worker thread, looked at again every
    few seconds as workers come and go); and never much more than ``max_bytes`` of file bytes.

    A task whose worker dies is given to another worker by Dask itself; one that was on a dying
    worker more than ``distributed.scheduler.allowed-failures`` times comes back as
    ``KilledWorker``: each of its files is run again alone (nothing else of this batch in flight),
    and only a file that kills a worker alone is lost.  While the cluster has no worker the batch waits, as Dask does.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, *, client=None, slots: int | None = None,
                 batch: int = BATCH, max_bytes: int = MAX_IN_FLIGHT_BYTES, scatter_bytes: int = SCATTER_BYTES,
                 connect_timeout: float = 30.0, check: bool = True):
        self.distributed = import_distributed()
        self._own = client is None
        if client is None:
            if not scheduler:
                raise ExecutorError("--executor dask needs the scheduler's address: --scheduler tcp://HOST:8786")
            try:
                client = self.distributed.Client(scheduler, timeout=connect_timeout, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        self.client = client
        self.fixed_slots = slots
        self.batch = max(1, batch)
        self.max_bytes = max_bytes
        self.scatter_bytes = scatter_bytes
        self._token = uuid.uuid4().hex[:8]
        self._count = itertools.count()
        self._slots_at = (0.0, 2 * self.batch)
        try:
            if check:
                self.check_workers()
        except BaseException:
            self.close()
            raise

    def describe(self) -> str:
        threads = self.client.nthreads()
        return (f"Dask cluster at {self.client.scheduler.address}: {len(threads)} workers, "
                f"{sum(threads.values())} threads")

    def close(self) -> None:
        if self._own and self.client is not None:
            self.client.close()
        self.client = None

    # -- the workers

    def check_workers(self) -> None:
        """Every worker present runs the same parser as this process, or :class:`ExecutorError`.
        (Workers joining later run the check implicitly: a worker without the project fails each
        file it is given with a line saying why.)"""
        try:
            theirs = self.client.run(code_fingerprint)
        except Exception as exc:
            raise ExecutorError(f"the Dask workers cannot run disclosure-bot's parser ({type(exc).__name__}: "
                                f"{exc}): install the same disclosure-bot on every worker, with "
                                f"pip install 'disclosure-bot[cluster]'") from exc
        ours = code_fingerprint()
        other = sorted(w for w, fp in theirs.items() if fp != ours)
        if other:
            raise ExecutorError(f"{len(other)} Dask worker(s) run another version of the parser than this "
                                f"writer ({', '.join(other[:3])}{' …' if len(other) > 3 else ''}): install the "
                                f"same disclosure-bot (and libraries) on every worker, so that no report is "
                                f"parsed by two versions")
        if not theirs:
            log.warning("the Dask cluster has no worker yet: the files wait for workers to join")
        elif any(n > 1 for n in self.client.nthreads().values()):
            log.warning("Dask workers with several threads: the parse is pure Python and holds the GIL; "
                        "start workers with --nthreads 1 --nworkers N instead")

    def slots(self) -> int:
        """Files in flight at most: ``slots``, or two tasks of ``batch`` files per worker thread."""
        if self.fixed_slots:
            return self.fixed_slots
        at, n = self._slots_at
        if time.monotonic() - at > 5.0:
            try:
                n = 2 * self.batch * max(1, sum(self.client.nthreads().values()))
            except Exception:  # a brief hiccup: keep the last figure
                pass
            self._slots_at = (time.monotonic(), n)
        return n

    # -- the map

    def _submit(self, fn, jobs: list[Job]):
        """One task: a file of ``scatter_bytes`` or more alone, its bytes scattered straight to a
        worker; or up to ``batch`` smaller files, their bytes in the task."""
        key = f"parse-{self._token}-{next(self._count)}"
        try:
            if len(jobs) == 1 and len(jobs[0].data) >= self.scatter_bytes:
                job = jobs[0]
                try:
                    data = self.client.scatter(job.data, hash=False)
                except Exception as exc:  # no worker to take it yet: through the scheduler then
                    log.debug("scatter failed (%s): sending %s with its task", exc, job.name)
                    data = job.data
                return self.client.submit(_run_job, fn, job.name, data, job.hints, job.sha, key=key, pure=False)
            return self.client.submit(_run_jobs, fn, [tuple(j) for j in jobs], key=key, pure=False)
        except ExecutorError:
            raise
        except Exception as exc:  # the client is closed: the scheduler was lost
            raise ExecutorError(f"could not send {jobs[0].name} to the Dask cluster: "
                                f"{type(exc).__name__}: {exc}") from exc

    def _outcome(self, fut, jobs: list[Job]) -> list | None:
        """The results of a finished task (one per job), ``None`` when its worker died too often
        (``KilledWorker``), a :class:`Lost` per job for other failures; raises :class:`ExecutorError`
        when the cluster dropped it."""
        if fut.status == "finished":
            try:
                out = fut.result()
                return out if isinstance(out, list) else [out]
            except Exception as exc:  # the result could not be fetched (its worker died since)
                if isinstance(exc, self.distributed.KilledWorker):
                    return None
                return [Lost(f"its result was lost on the cluster: {type(exc).__name__}: {exc}")] * len(jobs)
        if fut.status == "error":
            exc = fut.exception()
            if isinstance(exc, self.distributed.KilledWorker):
                return None
            return [Lost(f"the cluster could not parse it: {type(exc).__name__}: {exc}")] * len(jobs)
        # cancelled or lost: the scheduler went away, or was restarted, with every file in flight
        raise ExecutorError(f"the Dask cluster dropped the files in flight ({fut.status}: the scheduler was "
                            f"lost or restarted; client {self.client.status})")

    def map(self, fn, jobs):
        ac = self.distributed.as_completed(loop=self.client.loop)
        in_flight: dict[str, tuple[list[Job], object]] = {}  # task key -> (its jobs, future)
        suspects: list[Job] = []
        chunk: list[Job] = []  # pulled, not sent yet
        jobs = iter(jobs)
        exhausted = False
        files = sent = 0  # files and bytes pulled and not back yet

        def send(task_jobs: list[Job]) -> None:
            fut = self._submit(fn, task_jobs)
            in_flight[fut.key] = (task_jobs, fut)
            ac.add(fut)

        def room() -> bool:
            return len(suspects) < self.slots() and files < self.slots() and (not files or sent < self.max_bytes)

        try:
            while True:
                while not exhausted and room():
                    job = next(jobs, None)
                    if job is None:
                        exhausted = True
                        break
                    files += 1
                    sent += len(job.data)
                    if len(job.data) >= self.scatter_bytes:
                        send([job])
                        continue
                    chunk.append(job)
                    if len(chunk) >= self.batch or sum(len(j.data) for j in chunk) >= self.scatter_bytes:
                        send(chunk)
                        chunk = []
                if chunk:  # no more room (or no more files): what was pulled goes now
                    send(chunk)
                    chunk = []
                if in_flight:
                    fut = next(ac)
                    task_jobs, fut = in_flight.pop(fut.key)
                    results = self._outcome(fut, task_jobs)
                    _quietly(fut.release)
                    files -= len(task_jobs)
                    sent -= sum(len(j.data) for j in task_jobs)
                    if results is None:  # killed with its worker: perhaps by a neighbour
                        suspects += task_jobs
                    else:
                        yield from zip(task_jobs, results)
                    continue
                if suspects:  # nothing else in flight now: each suspect runs alone
                    log.warning("Dask workers died: parsing again, one at a time, the %d files they had in hand",
                                len(suspects))
                    for job in suspects:
                        yield job, self._alone(fn, job)
                    suspects.clear()
                    continue
                if exhausted:
                    return
        finally:
            for _, fut in in_flight.values():  # the caller stopped early, or the cluster failed
                _quietly(fut.cancel)

    def _alone(self, fn, job: Job):
        fut = self._submit(fn, [job])
        next(self.distributed.as_completed([fut], loop=self.client.loop))
        results = self._outcome(fut, [job])
        _quietly(fut.release)
        return Lost(WORKER_DIED) if results is None else results[0]
