"""Ingest: files, folders and globs into the store, one bad file never stopping a batch.

Parsing is pure (:func:`parse_bytes` returns records); only :func:`ingest` writes, so the parse
can run elsewhere while this process writes SQLite: in ``workers`` local processes, or on a Dask
cluster (:mod:`store.executors`: one interface, one code path here).  A file whose SHA-256 is
stored already is never handed to a worker.

What a batch survives, each costing at most the file concerned (skipped with one line):

* a file over the size limit (checked on disk before it is read), a file breaking a reader's
  limit (unpacked docx size, HTML size and nesting, PDF pages: :mod:`store.readers`);
* a path that cannot be read: missing, unreadable, a symlink loop;
* a worker process that dies (the OOM killer): the pool is restarted (a cluster reschedules) and the
  files it had in hand are parsed again one at a time, so only the file that kills a worker is lost;
* a failure to record a result (the database busy): logged, the batch goes on.

Each file is saved in its own transaction, so the write lock is held briefly.  Worker
processes exit by themselves when the process that started them dies.  A run left
unfinished by a kill is closed (``interrupted``) by the next ingest.

With ``supersede=FOLDER`` (the bot's inbox), a file in that folder whose report was replaced by
another file (a corrected report for the same agency and year) is renamed ``….superseded``:
left as it was, the next scan would read it again and put the old version back.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from store.db import Store
from store.document import ReadError
from store.executors import WORKER_DIED, Executor, ExecutorError, Job, Lost, _worker_init, make_executor  # noqa: F401
from store.parse import parse_document
from store.readers import SUFFIXES, read_bytes
from store.records import ParsedReport

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 100 * 1024 * 1024
MANIFEST_NAMES = ("manifest.csv", "manifest.json")
SUPERSEDED = ".superseded"


@dataclass
class FileResult:
    path: str
    outcome: str  # added | replaced | unchanged | skipped
    message: str = ""
    report_id: int | None = None
    agency: str | None = None
    year: int | None = None
    problems: int = 0


@dataclass
class IngestSummary:
    run_id: int | None = None
    files: list[FileResult] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # inbox files renamed ….superseded
    stopped: str = ""  # why the batch stopped before its end (the cluster was lost); "" when it ran through

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {k: self.count(k) for k in ("added", "replaced", "unchanged", "skipped")}

    @property
    def ok(self) -> bool:
        """True unless every file failed or the batch stopped before its end."""
        return not self.stopped and (not self.files or any(f.outcome != "skipped" for f in self.files))

    def lines(self) -> list[str]:
        """One line per file (names and messages with control characters shown as \\n, \\x1b …, so
        no file name can forge a line)."""
        c = self.counts
        out = [f"added {c['added']}, replaced {c['replaced']}, unchanged {c['unchanged']}, skipped {c['skipped']}"]
        for f in self.files:
            if f.outcome == "skipped":
                out.append(f"skipped {printable(f.path)}: {printable(f.message)}")
            elif f.outcome in ("added", "replaced"):
                extra = f" ({f.problems} problems)" if f.problems else ""
                note = f" — {printable(f.message)}" if f.message else ""
                out.append(f"{f.outcome} {printable(f.path)}: {printable(f.agency)} {f.year}{extra}{note}")
        if self.stopped:
            out.append(f"stopped before the end: {printable(self.stopped)} — what was stored stays; "
                       f"run the same ingest again to go on (stored files are skipped as unchanged)")
        return out


def printable(text) -> str:
    """``text`` on one line: control characters escaped."""
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
                   for ch in str(text))


# ---------------------------------------------------------------------- finding files

def resolved(path: Path) -> str:
    """The absolute real path, or the absolute path when it cannot be resolved (a symlink loop)."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # RuntimeError: "Symlink loop" (Python < 3.13)
        return os.path.abspath(path)


def _in_folder(path: Path) -> bool:
    f = path.name
    try:
        return path.suffix.lower() in SUFFIXES and path.is_file() \
            and f not in MANIFEST_NAMES and not f.startswith(".") and f.lower() != "readme.md" \
            and not f.endswith(SUPERSEDED)
    except OSError:
        return False


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, files in folders (recursively; symlinked folders are not followed) and glob
    matches, in a stable order, each real file once.  A path named that cannot be read (missing,
    a symlink loop) is kept, to be skipped with a line by :func:`ingest`."""
    out: list[Path] = []
    for p in paths:
        p = str(p)
        matches = glob.glob(p, recursive=True) if any(ch in p for ch in "*?[") else [p]
        for m in sorted(matches) or [p]:
            path = Path(m)
            try:
                is_dir = path.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                try:
                    out += sorted(f for f in path.rglob("*") if _in_folder(f))
                except OSError as exc:  # an unreadable folder somewhere below
                    log.warning("cannot list %s: %s", path, exc.strerror or exc)
            else:
                out.append(path)
    seen: set[str] = set()
    unique = []
    for f in dict.fromkeys(out):
        key = resolved(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def load_manifest(path: str | Path) -> dict[str, dict]:
    """A manifest (CSV or JSON) maps a file to metadata: path, agency, short_name, district, city,
    province, year, source_url.  Paths are relative to the manifest's folder."""
    path = Path(path)
    base = path.parent
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        rows = data if isinstance(data, list) else data.get("reports", [])
    else:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    out = {}
    for row in rows:
        p = row.get("path") or row.get("file")
        if not p:
            continue
        if row.get("region") and not any(row.get(k) for k in ("district", "city", "province")):
            from store.parse.metadata import split_region

            row["district"], row["city"], row["province"] = split_region(str(row["region"]))
        out[resolved(base / p)] = {k: v for k, v in row.items() if v not in (None, "")}
    return out


def _hints_change(store: Store, known: dict, hint: dict | None) -> bool:
    """Whether a manifest now says something else about a stored file (its year, agency, region or URL):
    then the same file is read again and its report stored anew."""
    if not hint:
        return False
    rep = store.report(known["id"]) or {}
    if hint.get("year") and str(hint["year"]).strip() != str(rep.get("year")):
        return True
    if hint.get("agency") and str(hint["agency"]).strip() != rep.get("agency"):
        return True
    return any(hint.get(k) and str(hint[k]).strip() != (rep.get(k) or "")
               for k in ("short_name", "district", "city", "province", "source_url"))


def _manifests_for(files: list[Path], explicit: str | Path | None) -> dict[str, dict]:
    hints: dict[str, dict] = {}
    folders = {Path(resolved(f)).parent for f in files}
    for folder in sorted(folders):
        for name in MANIFEST_NAMES:
            if (folder / name).is_file():
                try:
                    hints.update(load_manifest(folder / name))
                except (OSError, ValueError, csv.Error) as exc:  # a broken manifest loses its hints only
                    log.warning("cannot read %s: %s", folder / name, exc)
    if explicit:
        hints.update(load_manifest(explicit))
    return hints


# ---------------------------------------------------------------------- parsing (pure)

def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_bytes(data: bytes, name: str, hints: dict | None = None) -> ParsedReport:
    """Read and parse one file's bytes.  Raises ReadError when nothing can be read."""
    if len(data) > MAX_FILE_BYTES:
        raise ReadError(f"file too large ({len(data) // 1024 // 1024} MB; the limit is "
                        f"{MAX_FILE_BYTES // 1024 // 1024} MB)")
    doc = read_bytes(data, name)
    report = parse_document(doc, hints)
    if not report.meta.agency or not report.meta.year:
        missing = " and ".join(x for x, v in (("agency", report.meta.agency), ("year", report.meta.year)) if not v)
        why = f"; {'; '.join(doc.problems)}" if doc.problems else ""
        if not report.meta.agency and report.meta.agency_note:
            why = f": {report.meta.agency_note}{why}"
        raise ReadError(f"no recognisable report: could not find the {missing} "
                        f"(a manifest can supply them){why}")
    return report


def read_file(path: Path) -> bytes:
    """A file's bytes, its size checked on disk before anything is read.  Raises ReadError."""
    import errno
    import stat

    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ReadError("cannot open: not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            raise ReadError(_too_large(st.st_size))
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        why = "a symbolic link loop" if exc.errno == errno.ELOOP else (exc.strerror or str(exc))
        raise ReadError(f"cannot open: {why}") from exc
    if len(data) > MAX_FILE_BYTES:  # it grew while we looked
        raise ReadError(_too_large(len(data)))
    return data


def _too_large(size: int) -> str:
    return f"file too large ({size // 1024 // 1024} MB; the limit is {MAX_FILE_BYTES // 1024 // 1024} MB)"


def _parse_job(args: tuple[str, bytes, dict | None, str]) -> tuple[str, ParsedReport | None, str]:
    name, data, hints, _ = args
    try:
        return name, parse_bytes(data, name, hints), ""
    except ReadError as exc:
        return name, None, str(exc)
    except RecursionError:
        return name, None, "could not parse: nested too deeply"
    except MemoryError:
        return name, None, "could not parse: out of memory"
    except Exception as exc:  # a parser bug must not stop the batch
        return name, None, f"could not parse: {type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------- the job

def ingest(store: Store, paths: Iterable[str | Path], *, workers: int = 1, manifest: str | Path | None = None,
           progress: Callable[[FileResult], None] | None = None,
           supersede: str | Path | None = None, executor: Executor | None = None) -> IngestSummary:
    """Ingest files, folders and globs.  ``workers > 1`` parses in that many local processes;
    ``executor`` (:mod:`store.executors`, owned by the caller) parses elsewhere — a Dask cluster —
    while this process still writes every report.  ``supersede``: a folder (the bot's inbox) whose
    files replaced by another file's report are renamed ``….superseded``.

    When the executor cannot go on (the cluster was lost), the batch stops: what was stored stays,
    ``summary.stopped`` says why, the run is left to be closed as ``interrupted``, and the same
    ingest run again resumes (the stored files are unchanged)."""
    files = expand_paths(paths)
    hints = _manifests_for(files, manifest)
    folder = Path(resolved(Path(supersede))) if supersede else None
    before = _files_in(store, folder) if folder else {}
    summary = IngestSummary(store.start_run())

    def record(result: FileResult):
        summary.files.append(result)
        try:
            store.log_file(summary.run_id, result.path, result.outcome, result.message, result.report_id)
        except Exception as exc:  # recording is bookkeeping: never worth the batch
            log.warning("could not record the outcome of %s (%s): %s", result.path, result.outcome, exc)
        if progress:
            progress(result)

    def jobs() -> Iterator[Job]:
        """The files to parse; the others (unreadable, unchanged) are recorded on the way."""
        for f in files:
            try:
                data = read_file(f)
            except ReadError as exc:
                record(FileResult(str(f), "skipped", str(exc)))
                continue
            sha = sha256_of(data)
            hint = hints.get(resolved(f))
            try:
                known = store.find_by_sha(sha)
                if known and not _hints_change(store, known, hint):
                    record(FileResult(str(f), "unchanged", "already stored", known["id"]))
                    continue
            except Exception as exc:
                record(FileResult(str(f), "skipped", f"could not look it up: {type(exc).__name__}: {exc}"))
                continue
            yield Job(str(f), data, hint, sha)

    def save(name: str, report: ParsedReport | None, error: str, sha: str):
        if report is None:
            record(FileResult(name, "skipped", error))
            return
        try:
            outcome, rid = store.save(report, name, sha, summary.run_id)
        except Exception as exc:  # the store rolled back: nothing of this file, everything else kept
            record(FileResult(name, "skipped", f"could not store: {type(exc).__name__}: {exc}"))
            return
        rules = {p.rule for p in report.problems}
        note = ""
        if "no_tables" in rules:
            note = "no tables found: only the narrative was stored"
        elif "table_missing" in rules:
            note = next(p.message for p in report.problems if p.rule == "table_missing")
        needs_ocr = next((p.message for p in report.problems if p.rule == "reader" and "[ocr]" in p.message), None)
        if needs_ocr:  # a scanned page and no OCR engine: say how to get it
            note = f"{note}; {needs_ocr}" if note else needs_ocr
        record(FileResult(name, outcome, note, rid, report.meta.agency, report.meta.year, len(report.problems)))

    own = executor is None
    if own:
        executor = make_executor("local", workers=workers)
    try:
        for job, result in executor.map(_parse_job, jobs()):
            if isinstance(result, Lost):
                record(FileResult(job.name, "skipped", result.message))
            else:
                save(*result, job.sha)
    except ExecutorError as exc:
        summary.stopped = str(exc)
        log.warning("ingest stopped: %s", exc)
    finally:
        if own:
            executor.close()
    if not summary.stopped:
        try:
            store.finish_run(summary.run_id, summary.counts)
        except Exception as exc:  # the next ingest closes the run
            log.warning("could not record the end of ingest run %s: %s", summary.run_id, exc)
    if folder and any(f.outcome in ("added", "replaced") for f in summary.files):
        summary.superseded = _supersede(store, folder, before, summary)
    return summary


# ---------------------------------------------------------------------- superseded files

def _files_in(store: Store, folder: Path) -> dict[str, str]:
    """file -> sha256 of the stored reports read from a file in ``folder``."""
    return {r["file"]: r["sha256"] for r in store.db.query("select file, sha256 from reports")
            if _inside(r["file"], folder)}


def _inside(path: str | None, folder: Path) -> bool:
    return bool(path) and Path(resolved(Path(path))).is_relative_to(folder)


def _supersede(store: Store, folder: Path, before: dict[str, str], summary: IngestSummary) -> list[str]:
    live_shas = {r["sha256"] for r in store.db.query("select sha256 from reports")}
    live_ids = {r["id"] for r in store.db.query("select id from reports")}
    gone = [(path, sha) for path, sha in before.items() if sha not in live_shas]
    gone += [(f.path, None) for f in summary.files
             if f.outcome in ("added", "replaced") and f.report_id not in live_ids and f.path not in before
             and _inside(f.path, folder)]
    done = []
    for path, sha in gone:
        p = Path(path)
        try:
            if not p.is_file() or (sha is not None and sha256_of(read_file(p)) != sha):
                continue  # gone, or rewritten with new content since: leave it
            p.rename(p.with_name(p.name + SUPERSEDED))
            done.append(p.name)
            log.info("superseded: %s (its report was replaced)", p.name)
        except (OSError, ReadError) as exc:
            log.warning("could not mark %s as superseded: %s", p.name, exc)
    return done


def default_workers() -> int:
    return max(1, (os.cpu_count() or 1))
