"""PDF pages read with pypdfium2 instead of pdfminer: the same characters and ruling lines, much faster.

pdfplumber reads a page through pdfminer, which interprets its content stream in Python; pypdfium2
(which pdfplumber already depends on) does the same in C, in a tenth of the time.  :func:`fast_pages`
gives, for every page pdfium reads the way pdfminer would, an object with what :mod:`store.readers.pdf`
asks of a pdfplumber page — ``chars`` (text, x0, x1, top, bottom, size, as pdfminer computes them),
``find_tables`` (pdfplumber's own table finder, over the ruling lines of the page's painted paths,
turned into edges exactly as pdfminer and pdfplumber turn them), ``images``, ``width``, ``height`` —
and None for a page that must go through pdfplumber as before.

A page is read by pdfium only when nothing on it is read differently by the two libraries:

* some text (a page without any is a scan: pdfplumber's reading sends it to OCR);
* no image, form XObject or shading (pictures and their OCR, nested content), no curve in a path;
* no rotation, the media box at the origin and no crop box of its own;
* every character upright (no rotated or mirrored text), mapped to Unicode (pdfminer prints a glyph
  it cannot map as "(cid:N)"), no no-break space (which pdfminer does not decode in some CID fonts);
* not an encrypted file (pdfminer may not decode its fonts where pdfium does: the caller decides);
* every text object of the page has its characters in pdfium's text page: pdfium leaves out an object
  whose box it finds empty (a single character of a font that is not embedded, on a machine without
  that font), pdfminer does not.

Geometry follows pdfminer: a character's box runs from its origin to its advance, from the font's
descent below the baseline to the font size above it.  The advance is pdfium's width of the glyph,
or the distance to the next character of the same text run when that is shorter (pdfium's width of a
glyph of a font it does not have may be its substitute's).
"""

from __future__ import annotations

import ctypes
from typing import Iterator

_NO_BREAK_SPACE = 0xA0  # pdfminer does not decode it in some CID fonts (STSong-Light), pdfium does
_UNMAPPED = {0, 0xFFFD, 0xFFFE, 0xFFFF}


class FastPage:
    """What :func:`store.readers.pdf._page_items` reads of a page, from pdfium."""

    def __init__(self, width: float, height: float, chars: list[dict], edges: list[dict]):
        self.width = width
        self.height = height
        self.chars = chars
        self.edges = edges
        self.bbox = (0, 0, width, height)
        self.images: list = []
        self.rects: list = []
        self.curves: list = []
        self.lines: list = []

    def find_tables(self, settings=None):
        from pdfplumber.page import Page

        if not self.edges:
            return []  # (no ruling: the finder would find no cell)
        return Page.find_tables(self, settings)  # pdfplumber's own method, run on this page's chars and edges

    def close(self) -> None:
        pass


def fast_pages(data: bytes, count: int) -> Iterator[FastPage | None]:
    """For each of the ``count`` pages of the PDF (as pdfplumber counts them): its :class:`FastPage`, or
    None where the page must be read by pdfplumber.  Nothing at all (every page None) when pdfium cannot
    open the file or counts its pages differently."""
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - a dependency of pdfplumber
        yield from (None for _ in range(count))
        return
    if not count:
        return
    try:
        doc = pdfium.PdfDocument(data)
    except Exception:  # noqa: BLE001 - pdfplumber's reading decides what is wrong with the file
        yield from (None for _ in range(count))
        return
    try:
        if len(doc) != count:
            yield from (None for _ in range(count))
            return
        for index in range(count):
            try:
                page = doc[index]
            except Exception:  # noqa: BLE001
                yield None
                continue
            try:
                yield _read(page)
            except Exception:  # noqa: BLE001 - anything unexpected: pdfplumber reads the page
                yield None
            finally:
                page.close()
    finally:
        doc.close()


def _read(page) -> FastPage | None:
    import pypdfium2.raw as raw

    if page.get_rotation() % 360:
        return None
    media = tuple(page.get_mediabox())
    if media[0] != 0 or media[1] != 0 or tuple(page.get_cropbox()) != media:
        return None
    width, height = float(media[2]), float(media[3])
    texts, paths = [], []
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    for i in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top) or right.value - left.value < 1e-4:
                return None  # pdfium leaves a text object of no width out of its text page (checked again below)
            texts.append(obj)
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            paths.append(obj)
        else:
            return None  # an image, a form, a shading
    edges = _edges(paths, height)
    if edges is None:
        return None
    chars = _chars(page, texts, height)
    if chars is None or all(c["text"].isspace() for c in chars):
        return None  # (a page without text is a scan or a picture: pdfplumber's reading decides)
    return FastPage(width, height, chars, edges)


# --------------------------------------------------------------------------- characters

def _object_of():
    """FPDFText_GetTextObject returning the object's address (an int, 0 for none): pypdfium2 declares it
    returning a pointer object, whose address costs a cast per character."""
    import pypdfium2.raw as raw

    fn = type(raw.FPDFText_GetTextObject)(ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value)
    fn.argtypes = raw.FPDFText_GetTextObject.argtypes
    fn.restype = ctypes.c_void_p
    return fn


_OBJECT_OF = None


def _chars(page, texts: list, height: float) -> list[dict] | None:
    import pypdfium2.raw as raw

    global _OBJECT_OF
    if _OBJECT_OF is None:
        _OBJECT_OF = _object_of()
    object_of = _OBJECT_OF
    is_generated, unicode, map_error = raw.FPDFText_IsGenerated, raw.FPDFText_GetUnicode, raw.FPDFText_HasUnicodeMapError
    origin, loose_box = raw.FPDFText_GetCharOrigin, raw.FPDFText_GetLooseCharBox
    tp = page.get_textpage()
    try:
        n = raw.FPDFText_CountChars(tp)
        x, y = ctypes.c_double(), ctypes.c_double()
        box = raw.FS_RECTF()
        m = raw.FS_MATRIX()
        size = ctypes.c_float()
        descent = ctypes.c_float()
        objects: dict[int, tuple[float, float]] = {}  # text object -> (font size, descent), both scaled
        out: list[dict] = []
        runs: list[int] = []
        for k in range(n):
            obj = object_of(tp, k)
            if is_generated(tp, k):
                continue
            code = unicode(tp, k)
            if code in _UNMAPPED or code == _NO_BREAK_SPACE or 0xD800 <= code <= 0xDFFF or map_error(tp, k) or not obj:
                return None
            scaled = objects.get(obj)
            if scaled is None:  # the same matrix, font and size for every character of a text object
                if not raw.FPDFText_GetMatrix(tp, k, m):
                    return None
                if m.b != 0 or m.c != 0 or m.a <= 0 or m.d <= 0:
                    return None  # rotated, skewed or mirrored text
                handle = raw.FPDFText_GetTextObject(tp, k)
                font = raw.FPDFTextObj_GetFont(handle)
                if not font or not raw.FPDFTextObj_GetFontSize(handle, size) \
                        or not raw.FPDFFont_GetDescent(font, size.value, descent):
                    return None
                scaled = objects[obj] = (size.value * m.d, descent.value * m.d)
            if not origin(tp, k, x, y) or not loose_box(tp, k, box):
                return None
            fontsize, below = scaled
            x0 = x.value
            bottom = height - (y.value + below)
            out.append({"text": chr(code), "x0": x0, "x1": x0 + (box.right - box.left),
                        "top": bottom - fontsize, "bottom": bottom, "size": fontsize})
            runs.append(obj)
        for i in range(len(out) - 1):  # the advance: no further than the next character of the same run
            a, b = out[i], out[i + 1]
            if runs[i] == runs[i + 1] and a["top"] == b["top"] and a["x0"] < b["x0"] < a["x1"]:
                a["x1"] = b["x0"]
        if any(ctypes.cast(t, ctypes.c_void_p).value not in objects for t in texts):
            return None  # a text object pdfium left out of its text page
        return out
    finally:
        tp.close()


# --------------------------------------------------------------------------- ruling lines

def _edges(paths: list, height: float) -> list[dict] | None:
    """The edges pdfplumber makes of the page's painted paths (lines, rectangles, other shapes, in
    that order), from pdfium's path segments split and classified as pdfminer does; None when a path
    holds a curve."""
    import pypdfium2.raw as raw

    lines, rects, curves = [], [], []
    x, y = ctypes.c_float(), ctypes.c_float()
    m = raw.FS_MATRIX()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj in paths:
        if not raw.FPDFPath_GetDrawMode(obj, fill, stroke):
            return None
        if fill.value == raw.FPDF_FILLMODE_NONE and not stroke.value:
            continue  # not painted (pdfminer sees no path either)
        if not raw.FPDFPageObj_GetMatrix(obj, m):
            return None
        a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
        subpath: list[tuple[str, tuple[float, float]]] = []
        for k in range(raw.FPDFPath_CountSegments(obj)):
            seg = raw.FPDFPath_GetPathSegment(obj, k)
            kind = raw.FPDFPathSegment_GetType(seg)
            if kind == raw.FPDF_SEGMENT_BEZIERTO:
                return None
            if not raw.FPDFPathSegment_GetPoint(seg, x, y):
                return None
            pt = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            if kind == raw.FPDF_SEGMENT_MOVETO:
                _classify(subpath, lines, rects, curves)
                subpath = [("m", pt)]
            elif kind == raw.FPDF_SEGMENT_LINETO:
                if not subpath:
                    return None
                closes = bool(raw.FPDFPathSegment_GetClose(seg))
                # pdfium closes a subpath with a line back to its start (or marks the last point closed):
                # pdfminer has an "h" there, whose point is the start
                subpath.append(("h" if closes and pt == subpath[0][1] else "l", pt))
                if closes and pt != subpath[0][1]:
                    return None
            else:
                return None
        _classify(subpath, lines, rects, curves)
    return ([_line_edge(p, height) for p in lines] + [e for r in rects for e in _rect_edges(r, height)]
            + [e for p in curves for e in _curve_edges(p, height)])


def _classify(subpath, lines, rects, curves) -> None:
    """pdfminer's paint_path for one subpath: a line, a rectangle or another shape (a curve)."""
    if len(subpath) < 2:
        return  # a lone move draws nothing
    shape = "".join(op for op, _ in subpath)
    pts = [pt for _, pt in subpath]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in ("mlh", "ml"):
        lines.append((pts[0], pts[1]))
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            rects.append((pts[0], pts[2]))
        else:
            curves.append(pts)
    else:
        curves.append(pts)


def _box(xs, ys, height: float) -> dict:
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return {"x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": height - y1, "bottom": height - y0,
            "doctop": height - y1, "width": x1 - x0, "height": y1 - y0}


def _line_edge(pts, height: float) -> dict:
    (xa, ya), (xb, yb) = pts
    edge = _box((xa, xb), (ya, yb), height)
    edge["object_type"] = "line"
    edge["orientation"] = "h" if edge["top"] == edge["bottom"] else "v"
    return edge


def _rect_edges(corners, height: float) -> list[dict]:
    (xa, ya), (xb, yb) = corners
    r = _box((xa, xb), (ya, yb), height)
    top = dict(r, object_type="rect_edge", height=0, y0=r["y1"], bottom=r["top"], orientation="h")
    bottom = dict(r, object_type="rect_edge", height=0, y1=r["y0"], top=r["top"] + r["height"],
                  doctop=r["doctop"] + r["height"], orientation="h")
    left = dict(r, object_type="rect_edge", width=0, x1=r["x0"], orientation="v")
    right = dict(r, object_type="rect_edge", width=0, x0=r["x1"], orientation="v")
    return [top, bottom, left, right]


def _curve_edges(pts, height: float) -> list[dict]:
    flipped = [(px, height - py) for px, py in pts]
    out = []
    for (p0x, p0y), (p1x, p1y) in zip(flipped, flipped[1:]):
        out.append({"object_type": "curve_edge", "x0": min(p0x, p1x), "x1": max(p0x, p1x),
                    "top": min(p0y, p1y), "doctop": min(p0y, p1y), "bottom": max(p0y, p1y),
                    "width": abs(p0x - p1x), "height": abs(p0y - p1y),
                    "orientation": "v" if p0x == p1x else ("h" if p0y == p1y else None)})
    return out
