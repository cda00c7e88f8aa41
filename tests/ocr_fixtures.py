"""Scanned reports for the OCR tests: PDF pages rasterised, degraded like a scan, wrapped as image-only PDFs.

The PDFs come from :mod:`pdf_fixtures` (reportlab, the non-embedded CID font ``STSong-Light``).  To
rasterise them pdfium needs a Chinese font on the machine; a fresh machine has none, so
:func:`use_chinese_font` points pdfium at the Noto SC fonts of the ``pylopdf-fonts-zh-cn`` package
(installed with the test extra) before any page is rendered.

A scan is made of one page image at a time: rendered at ``dpi``, then optionally turned by a small
angle, blurred, stamped with a red seal over part of a table and saved as JPEG.  The pages are put
back into a PDF that has no text layer at all (each page is one picture), as a scanner writes it.
"""

from __future__ import annotations

import ctypes
import io
import os
from dataclasses import dataclass

_FONT_READY = False


def use_chinese_font() -> None:
    """Restart pdfium with the Noto SC fonts as its system fonts (once per process)."""
    global _FONT_READY
    if _FONT_READY:
        return
    import pylopdf_fonts_zh_cn
    import pypdfium2  # noqa: F401  (starts pdfium)
    import pypdfium2.raw as raw
    from pypdfium2 import _library_scope as scope
    from pypdfium2.internal import bases

    folder = os.path.dirname(pylopdf_fonts_zh_cn.__file__).encode()
    keep = ctypes.c_char_p(folder)
    paths = (ctypes.POINTER(ctypes.c_char) * 2)(ctypes.cast(keep, ctypes.POINTER(ctypes.c_char)), None)
    scope.destroy_lib()
    config = raw.FPDF_LIBRARY_CONFIG(version=2, m_pUserFontPaths=paths, m_pIsolate=None, m_v8EmbedderSlot=0)
    raw.FPDF_InitLibraryWithConfig(config)
    bases.LIBRARY_AVAILABLE = True
    use_chinese_font._keep = (keep, paths)  # pdfium reads the paths while it starts; keep them alive
    _FONT_READY = True


@dataclass(frozen=True)
class Scan:
    """How a page is degraded."""

    dpi: int = 200
    angle: float = 0.0  # degrees, counter-clockwise
    blur: float = 0.0  # Gaussian radius in pixels
    jpeg: int | None = None  # JPEG quality; None: lossless
    stamp: bool = False  # a red seal over the right half of the page's lowest table


CLEAN = Scan()
ROUGH = Scan(dpi=150, angle=0.6, blur=0.7, jpeg=60, stamp=True)


def _red_stamp(img, box) -> None:
    """A translucent red seal (a ring, a star, text arcs as dashes) centred in ``box``."""
    from PIL import Image, ImageDraw

    x0, y0, x1, y1 = box
    r = int(min(x1 - x0, y1 - y0, img.width / 5) * 0.45)
    cx, cy = int(x0 + (x1 - x0) * 0.7), int((y0 + y1) / 2)
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    red = (220, 30, 30, 150)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(3, r // 18))
    import math

    pts = [(cx + r * 0.35 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
            cy - r * 0.35 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    d.polygon(pts, fill=red)
    for k in range(14):  # the agency's name around the ring, as blobs
        a = math.pi * (0.15 + 0.7 * k / 13) + math.pi
        px, py = cx + r * 0.72 * math.cos(a), cy + r * 0.72 * math.sin(a)
        d.rectangle((px - r * 0.06, py - r * 0.06, px + r * 0.06, py + r * 0.06), fill=red)
    img.alpha_composite(layer) if img.mode == "RGBA" else img.paste(
        Image.alpha_composite(img.convert("RGBA"), layer).convert(img.mode))


def _lowest_table_box(img):
    """The bounding box of the lowest block of dark ruling on the page (a table), or None."""
    import numpy as np

    a = np.asarray(img.convert("L")) < 128
    rows = np.where(a.mean(axis=1) > 0.4)[0]  # long horizontal rules
    if len(rows) < 2:
        return None
    cols = np.where(a[rows.min():rows.max() + 1].mean(axis=0) > 0.5)[0]
    if len(cols) < 2:
        return None
    return int(cols.min()), int(rows[len(rows) // 2]), int(cols.max()), int(rows.max())


def scan_page(img, scan: Scan):
    """Degrade one rendered page (a PIL image) as ``scan`` says; returns the new image."""
    from PIL import Image, ImageFilter

    img = img.convert("RGB")
    if scan.stamp:
        box = _lowest_table_box(img)
        if box is not None:
            _red_stamp(img, box)
    if scan.angle:
        img = img.rotate(scan.angle, resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    if scan.blur:
        img = img.filter(ImageFilter.GaussianBlur(scan.blur))
    if scan.jpeg:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=scan.jpeg)
        img = Image.open(io.BytesIO(buf.getvalue()))
        img.load()
    return img


def scanned_pdf(data: bytes, scan: Scan = CLEAN, pages: set[int] | None = None) -> bytes:
    """``data`` (a PDF with text) as a scanner would give it back: every page (or only the 1-based
    ``pages``) replaced by its picture; the other pages keep their text layer."""
    import pypdfium2 as pdfium

    use_chinese_font()
    src = pdfium.PdfDocument(data)
    out = pdfium.PdfDocument.new()
    try:
        for i in range(len(src)):
            if pages is not None and i + 1 not in pages:
                out.import_pages(src, [i])
                continue
            page = src[i]
            w, h = page.get_size()
            img = scan_page(page.render(scale=scan.dpi / 72).to_pil(), scan)
            page.close()
            buf = io.BytesIO()
            img.convert("RGB").save(buf, "JPEG", quality=scan.jpeg or 95)
            del img
            new = out.new_page(w, h)
            obj = pdfium.PdfImage.new(out)
            obj.load_jpeg(io.BytesIO(buf.getvalue()), inline=False)
            obj.set_matrix(pdfium.PdfMatrix().scale(w, h))
            new.insert_obj(obj)
            new.gen_content()
            new.close()
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()
        src.close()


# --------------------------------------------------------------------------- reports to scan

def generated_report(seed: int, version: str = "2021", density: float = 0.5, big: int = 300):
    """A generated report (figures that satisfy the 勾稽关系, several digits) as a text-layer PDF:
    (pdf bytes, the report as parsed from its text)."""
    import random
    import tempfile
    from pathlib import Path

    import synth
    from pdf_fixtures import render_report_pdf, sample_layout

    figures = synth.consistent_figures(random.Random(seed), version, density=density, big=big)
    text = synth.render(figures, version, "tabs", agency="江岸区人民政府后湖街道办事处")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "report.txt"
        path.write_text(text, encoding="utf-8")
        report, content = sample_layout(path)
    return render_report_pdf(report, content), report


def compare_cells(truth, got) -> dict[str, list[str]]:
    """Every template cell of ``got`` against ``truth``: right (same status and value), uncertain, wrong.
    Works on parsed reports and on stored cells (dicts with status and value)."""
    out: dict[str, list[str]] = {"right": [], "uncertain": [], "wrong": []}
    figure = {"number", "inferred"}  # a figure the text lost and the 勾稽关系 gave is printed in the PDF
    cells = got.cells if hasattr(got, "cells") else got
    for key, want in truth.cells.items():
        have = cells[key]
        status, value, raw = (have["status"], have["value"], have["raw"]) if isinstance(have, dict) else \
            (have.status, have.value, have.raw)
        if value == want.value and (status == want.status or {status, want.status} <= figure):
            out["right"].append(key)
        elif status == "uncertain":
            out["uncertain"].append(key)
        else:
            out["wrong"].append(f"{key}: {want.status} {want.value} -> {status} {value} ({raw})")
    return out


def table_as_picture(data: bytes, page_number: int, scan: Scan = CLEAN) -> tuple[bytes, tuple]:
    """``data`` with the lowest table of one page replaced by its picture (text and rules inside the
    table taken out of the page), as a report whose table was pasted in as an image.  Returns the
    new PDF and the table's box (x0, top, x1, bottom in points)."""
    import pdfplumber
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    use_chinese_font()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[page_number - 1]
        tables = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
        x0, top, x1, bottom = max(tables, key=lambda t: t.bbox[1]).bbox
    x0, top, x1, bottom = x0 - 2, top - 2, x1 + 2, bottom + 2
    doc = pdfium.PdfDocument(data)
    try:
        page = doc[page_number - 1]
        w, h = page.get_size()
        img = page.render(scale=scan.dpi / 72, crop=(x0, h - bottom, w - x1, top)).to_pil()
        img = scan_page(img, scan)
        for obj in list(page.get_objects()):
            if obj.type not in (raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH):
                continue
            left, low, right, high = obj.get_bounds()
            if left >= x0 - 1 and right <= x1 + 1 and h - high >= top - 1 and h - low <= bottom + 1:
                page.remove_obj(obj)
        buf = io.BytesIO()
        img.convert("RGB").save(buf, "JPEG", quality=scan.jpeg or 95)
        pic = pdfium.PdfImage.new(doc)
        pic.load_jpeg(io.BytesIO(buf.getvalue()), inline=False)
        pic.set_matrix(pdfium.PdfMatrix().scale(x1 - x0, bottom - top).translate(x0, h - bottom))
        page.insert_obj(pic)
        page.gen_content()
        page.close()
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue(), (x0, top, x1, bottom)
    finally:
        doc.close()
