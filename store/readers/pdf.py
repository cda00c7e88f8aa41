"""PDF reports through pdfplumber, with the page of every paragraph and cell.

* Ruled tables come from pdfplumber's table finder as full grids: a position a
  merged cell covers (pdfplumber gives ``None``) is a ``merged`` cell; a label
  wrapped inside its cell is joined without spaces between Chinese characters.
* Text outside the tables comes line by line in reading order (top to bottom,
  tables in their place); wide gaps between words become tabs, so a table
  without ruling lines reads like a row-per-line text table.
* A page with no text layer (a scan) is reported as needing OCR; an encrypted or
  corrupt file raises :class:`ReadError` with one clear line.
"""

from __future__ import annotations

import io
import logging
import re

from store.document import Block, Cell, Document, ReadError

for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)

_CJK_BREAK = re.compile(r"(?<=[\u4e00-\u9fff（）()、，。：；“”])\s*\n\s*(?=[\u4e00-\u9fff（）()、，。：；“”\d])")
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                   "join_tolerance": 3, "intersection_tolerance": 3}


def _cell_text(text: str | None) -> str:
    if not text:
        return ""
    text = _CJK_BREAK.sub("", text)
    return re.sub(r"\s*\n\s*", " ", text).strip()


def _line_text(chars: list[dict]) -> str:
    """A text line from its characters: a wide gap is a tab (a cell boundary), a narrow one a space."""
    out = []
    prev = None
    for ch in sorted(chars, key=lambda c: c["x0"]):
        if prev is not None:
            size = max(prev.get("size") or 10, 1)
            gap = ch["x0"] - prev["x1"]
            if gap > size * 1.5:
                out.append("\t")
            elif gap > size * 0.3:
                out.append(" ")
        out.append(ch["text"])
        prev = ch
    return "".join(out).strip()


def _open(data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pdf.pages  # noqa: B018 — forces the page tree to be read
        return pdf
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ReadError(f"encrypted PDF: cannot be read without its password ({type(exc).__name__})") from exc
    except PDFSyntaxError as exc:
        raise ReadError(f"corrupt PDF: {exc}") from exc
    except Exception as exc:  # pdfminer raises many kinds of errors on broken files
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc.__context__ or exc
        name = type(cause).__name__
        if "Password" in name or "Encrypt" in name:
            raise ReadError(f"encrypted PDF: cannot be read without its password ({name})") from exc
        raise ReadError(f"corrupt PDF: {name}: {cause}".rstrip(": ")) from exc


def _page_blocks(page, number: int) -> list[tuple[float, Block]]:
    placed: list[tuple[float, Block]] = []
    try:
        tables = page.find_tables(_TABLE_SETTINGS)
    except Exception:  # the table finder fails on some pages: read the text instead
        tables = []
    boxes = []
    for t in tables:
        try:
            rows = t.extract()
        except Exception:
            continue
        if not rows or len(rows) < 2 and len(rows[0]) < 2:
            continue  # a framed paragraph, not a table
        grid = [[Cell("", merged=True, page=number) if c is None else Cell(_cell_text(c), page=number)
                 for c in row] for row in rows]
        if not any(c.text for row in grid for c in row):
            continue
        boxes.append(t.bbox)
        placed.append((t.bbox[1], Block("table", rows=grid, page=number)))

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] - 1 <= x <= b[2] + 1 and b[1] - 1 <= y <= b[3] + 1 for b in boxes)

    rest = page.filter(outside) if boxes else page
    lines = []
    for line in rest.extract_text_lines(return_chars=True, keep_blank_chars=False):
        text = _line_text(line["chars"])
        if not text or _is_page_furniture(text, line, page.height):
            continue
        size = max((c.get("size") or 10) for c in line["chars"])
        lines.append({"text": text, "top": line["top"], "x0": line["x0"], "x1": line["x1"], "size": size})
    for top, text in _paragraphs(lines):
        placed.append((top, Block("paragraph", text=text, page=number)))
    return placed


_FURNITURE = re.compile(r"^[-—–_\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*/\s*\d+|\s*共\s*\d+\s*页)?[-—–_\s]*$")


def _is_page_furniture(text: str, line: dict, height: float) -> bool:
    """Page numbers in the top or bottom margin ("- 3 -", "第3页", "3/10")."""
    return bool(_FURNITURE.match(text)) and (line["top"] > height * 0.88 or line["bottom"] < height * 0.1)


def _paragraphs(lines: list[dict]) -> list[tuple[float, str]]:
    """Join the lines of a wrapped paragraph: a line that runs to the right margin without ending
    a sentence continues on the next one (unless that is indented, a heading or a table row)."""
    if not lines:
        return []
    right = sorted(ln["x1"] for ln in lines)[int(len(lines) * 0.9)]
    left = min(ln["x0"] for ln in lines)
    out: list[list] = []
    prev = None
    for ln in lines:
        joins = (
            prev is not None
            and "\t" not in prev["text"] and "\t" not in ln["text"]
            and prev["x1"] >= right - 1.5 * prev["size"]
            and not prev["text"].endswith(("。", "：", ":", "；", ";", "！", "？"))
            and ln["x0"] <= left + 0.6 * ln["size"]
            and 0 <= ln["top"] - prev["top"] <= 2.5 * ln["size"]
        )
        if joins:
            glue = "" if re.match(r"[\u4e00-\u9fff（）“”，、]", ln["text"][:1]) else " "
            out[-1][1] += glue + ln["text"]
        else:
            out.append([ln["top"], ln["text"]])
        prev = ln
    return [(top, text) for top, text in out]


def read_pdf(data: bytes) -> Document:
    pdf = _open(data)
    blocks: list[Block] = []
    problems: list[str] = []
    scanned: list[int] = []
    try:
        pages = pdf.pages
        for number, page in enumerate(pages, start=1):
            try:
                has_text = bool(page.chars)
            except Exception as exc:
                problems.append(f"第{number}页无法读取（{type(exc).__name__}）")
                continue
            if not has_text:
                scanned.append(number)
                continue
            try:
                placed = _page_blocks(page, number)
            except Exception as exc:
                problems.append(f"第{number}页无法读取（{type(exc).__name__}）")
                continue
            blocks += [b for _, b in sorted(placed, key=lambda tb: tb[0])]
        n_pages = len(pages)
    finally:
        pdf.close()
    if scanned:
        which = "全部页面" if len(scanned) == n_pages else "第" + "、".join(map(str, scanned)) + "页"
        problems.append(f"no text layer: needs OCR（{which}没有文字层，是扫描件，需要OCR）")
    return Document(blocks, format="pdf", pages=n_pages, problems=problems)
