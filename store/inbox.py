"""The inbox folder and what arrives in it: safe file names, private files, the quarantine.

* :func:`safe_filename` – an uploaded file's name made safe to write: no folders, no control
  or reserved characters, at most :data:`MAX_NAME_BYTES` bytes of UTF-8 (a Linux file name may
  have 255; 115 Chinese characters are 345), the suffix kept;
* :func:`save_upload` – write an upload into the inbox (0600, in a folder made 0700) under its
  own name, or ``name-2``… when a different file already has it;
* :func:`quarantine` – move a file that could not be read out of the inbox into the
  quarantine folder (never scanned), with a note of why; :func:`quarantined` lists it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

MAX_NAME_BYTES = 150
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
REASON_SUFFIX = ".why.txt"


def _cut_utf8(text: str, max_bytes: int) -> str:
    return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")


def safe_filename(name: str, fallback: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """``name`` without folders or characters a file system or a shell could trip on, at most
    ``max_bytes`` bytes long (the suffix kept); ``fallback`` when nothing usable is left."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        name = fallback
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, suffix = name, ""
    suffix = ("." + suffix) if suffix else ""
    if len(name.encode("utf-8")) > max_bytes:
        name = _cut_utf8(stem, max_bytes - len(suffix.encode("utf-8"))).rstrip(" .") + suffix
    return name or fallback


def make_private_dir(path: Path) -> Path:
    """Create a folder (and its parents) readable only by its owner; an existing one is left as it is."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new or existing file readable only by its owner."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def save_upload(inbox: Path, name: str, data: bytes) -> Path:
    """Save an upload into ``inbox`` under ``name`` (already safe), or ``name-2``, ``-3``… when a
    different file already has that name.  The same content under the same name is not written twice."""
    make_private_dir(inbox)
    stem, suffix = Path(name).stem, Path(name).suffix
    dest, n = inbox / name, 2
    while dest.exists():
        try:
            if dest.stat().st_size == len(data) and dest.read_bytes() == data:
                return dest
        except OSError:
            pass
        dest = inbox / f"{stem}-{n}{suffix}"
        n += 1
    write_private(dest, data)
    return dest


def quarantine(path: Path, folder: Path, reason: str = "") -> Path:
    """Move ``path`` into the quarantine ``folder`` (a name of its own there), with a note of why."""
    make_private_dir(folder)
    dest, n = folder / path.name, 2
    while dest.exists():
        dest = folder / f"{path.stem}-{n}{path.suffix}"
        n += 1
    os.replace(path, dest)
    if reason:
        write_private(dest.with_name(dest.name + REASON_SUFFIX), reason.encode("utf-8"))
    return dest


def quarantined(folder: Path) -> list[Path]:
    """The files in quarantine, newest first."""
    try:
        files = [p for p in folder.iterdir() if p.is_file() and not p.name.endswith(REASON_SUFFIX)]
    except OSError:
        return []
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)
