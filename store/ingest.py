"""Ingest: files, folders and globs into the store, one bad file never stopping a batch.

Parsing is pure (:func:`parse_file` returns records); only :func:`ingest` writes,
so ``workers > 1`` parses in parallel processes while this process writes SQLite.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from store.db import Store
from store.document import ReadError
from store.parse import parse_document
from store.readers import SUFFIXES, read_bytes
from store.records import ParsedReport

MAX_FILE_BYTES = 100 * 1024 * 1024
MANIFEST_NAMES = ("manifest.csv", "manifest.json")


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

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {k: self.count(k) for k in ("added", "replaced", "unchanged", "skipped")}

    @property
    def ok(self) -> bool:
        """True unless every file failed."""
        return not self.files or any(f.outcome != "skipped" for f in self.files)

    def lines(self) -> list[str]:
        c = self.counts
        out = [f"added {c['added']}, replaced {c['replaced']}, unchanged {c['unchanged']}, skipped {c['skipped']}"]
        for f in self.files:
            if f.outcome == "skipped":
                out.append(f"skipped {f.path}: {f.message}")
            elif f.outcome in ("added", "replaced"):
                extra = f" ({f.problems} problems)" if f.problems else ""
                note = f" — {f.message}" if f.message else ""
                out.append(f"{f.outcome} {f.path}: {f.agency} {f.year}{extra}{note}")
        return out


# ---------------------------------------------------------------------- finding files

def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, files in folders (recursively) and glob matches, in a stable order."""
    out: list[Path] = []
    for p in paths:
        p = str(p)
        matches = glob.glob(p, recursive=True) if any(ch in p for ch in "*?[") else [p]
        for m in sorted(matches) or [p]:
            path = Path(m)
            if path.is_dir():
                out += sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                              and f.name not in MANIFEST_NAMES and not f.name.startswith(".")
                              and f.name.lower() != "readme.md")
            else:
                out.append(path)
    return list(dict.fromkeys(out))


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
        out[str((base / p).resolve())] = {k: v for k, v in row.items() if v not in (None, "")}
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
    folders = {f.resolve().parent for f in files}
    for folder in folders:
        for name in MANIFEST_NAMES:
            if (folder / name).exists():
                hints.update(load_manifest(folder / name))
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


def _parse_job(args: tuple[str, bytes, dict | None]) -> tuple[str, ParsedReport | None, str]:
    name, data, hints = args
    try:
        return name, parse_bytes(data, name, hints), ""
    except ReadError as exc:
        return name, None, str(exc)
    except Exception as exc:  # a parser bug must not stop the batch
        return name, None, f"could not parse: {type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------- the job

def ingest(store: Store, paths: Iterable[str | Path], *, workers: int = 1, manifest: str | Path | None = None,
           progress: Callable[[FileResult], None] | None = None) -> IngestSummary:
    files = expand_paths(paths)
    hints = _manifests_for(files, manifest)
    summary = IngestSummary(store.start_run())

    def record(result: FileResult):
        summary.files.append(result)
        store.log_file(summary.run_id, result.path, result.outcome, result.message, result.report_id)
        if progress:
            progress(result)

    def jobs() -> Iterator[tuple[str, bytes, dict | None] | FileResult]:
        for f in files:
            try:
                data = f.read_bytes()
            except OSError as exc:
                yield FileResult(str(f), "skipped", f"cannot open: {exc.strerror or exc}")
                continue
            sha = sha256_of(data)
            known = store.find_by_sha(sha)
            hint = hints.get(str(f.resolve()))
            if known and not _hints_change(store, known, hint):
                yield FileResult(str(f), "unchanged", "already stored", known["id"])
                continue
            yield (str(f), data, hint)

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

    if workers <= 1:
        for job in jobs():
            if isinstance(job, FileResult):
                record(job)
                continue
            name, data, h = job
            save(*_parse_job(job), sha256_of(data))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            pending = []
            for job in jobs():
                if isinstance(job, FileResult):
                    record(job)
                    continue
                pending.append((pool.submit(_parse_job, job), sha256_of(job[1])))
                if len(pending) >= workers * 4:
                    fut, sha = pending.pop(0)
                    save(*fut.result(), sha)
            for fut, sha in pending:
                save(*fut.result(), sha)
    store.finish_run(summary.run_id, summary.counts)
    return summary


def default_workers() -> int:
    return max(1, (os.cpu_count() or 1))
