"""OCR of page images: a picture in, recognised text boxes, ruling lines and table grids out.

Used by the PDF reader (:mod:`store.readers.pdf`) for pages without a usable text layer (scans) and
for pictures of tables on text pages.  The engine is RapidOCR (PP-OCR models run by onnxruntime); its
models ship inside the ``rapidocr`` wheel, nothing is downloaded at run time.  It is an optional
install: ``pip install -e '.[ocr]'`` (:data:`ENABLE`); :func:`available` tells whether it is there.

The steps, each a function of its own:

* :func:`prepare` — the page as grey levels taken from the red channel (a red seal printed over the
  text fades to near white there, black text stays black), straightened (:func:`skew_angle`);
* :func:`recognise` — the engine: text boxes with their text and confidence (0..1), in pixels;
* :func:`ruling` / :func:`find_tables` — long horizontal and vertical strokes, grouped into tables:
  column and row boundaries, and which boundaries are drawn (a boundary not drawn is a merged cell);
* :func:`layout` — the boxes placed: those inside a table become the cells of a full grid (as the
  text-layer reader builds them, merged positions marked), the rest are text lines; a box that
  runs over a ruling line is read again cell by cell; a cell with ink but no text read is marked
  unreadable (confidence 0) so that it is never taken for a blank.

Every table cell carries :attr:`~store.document.Cell.conf`, the lowest confidence of its boxes; a
cell whose text was letters that look like digits ("O", "D", "l") gets the digits with the letters
kept in ``Cell.ocr_raw``: the parser's OCR step (:mod:`store.parse.ocr_checks`) keeps such a
figure only when the 勾稽关系 confirm it.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import re
import threading
import unicodedata
from dataclasses import dataclass, field

from store.document import Cell

ENABLE = "pip install -e '.[ocr]'"
DPI = 150  # pages are rendered at this resolution for OCR
MAX_PAGES = 60  # pages of one file read by OCR (a few seconds each); the rest is reported
_lock = threading.Lock()
_engine = None


def available() -> bool:
    """Whether the OCR engine is installed (the ``ocr`` extra)."""
    return importlib.util.find_spec("rapidocr") is not None and importlib.util.find_spec("onnxruntime") is not None


def engine():
    """The RapidOCR engine, made once per process: one inference thread (``ingest --workers N``
    runs N processes; more threads per process only fight for the same cores)."""
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr import RapidOCR

            _engine = RapidOCR(params={
                "Global.log_level": "error", "Global.use_cls": False, "Global.text_score": 0.2,
                "Det.limit_type": "max", "Det.limit_side_len": 1280,
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            })
            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        return _engine


# --------------------------------------------------------------------------- the picture

def prepare(img):
    """A PIL image -> (grey uint8 array, straightened; the angle turned, degrees)."""
    import numpy as np
    from PIL import Image

    rgb = img.convert("RGB")
    red = rgb.getchannel("R")  # red seals vanish, black ink stays
    del rgb
    grey = np.asarray(red)
    angle = skew_angle(grey)
    if abs(angle) >= 0.05:
        red = red.rotate(-angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
        grey = np.asarray(red)
    return np.ascontiguousarray(grey), angle


def skew_angle(grey, limit: float = 3.0) -> float:
    """The angle (degrees, counter-clockwise) the page was turned by: the one that makes the rows of
    dark pixels sharpest (text lines and rules line up)."""
    import numpy as np

    step = max(1, min(grey.shape) // 1500)
    small = grey[::step, ::step] < 140
    ys, xs = np.nonzero(small)
    if len(ys) < 200:
        return 0.0
    if len(ys) > 150_000:
        pick = np.random.default_rng(0).choice(len(ys), 150_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    xs = xs - small.shape[1] / 2

    def sharpness(deg):
        t = math.tan(math.radians(deg))
        rows = np.round(ys + xs * t).astype(np.int64)
        rows -= rows.min()
        h = np.bincount(rows)
        return float((h.astype(np.float64) ** 2).sum())

    # ties (angles too small to move a row) go to the smallest angle: a straight page is not turned
    best = max((sharpness(a), -abs(a), a) for a in np.arange(-limit, limit + 1e-9, 0.25))[2]
    best = max((sharpness(a), -abs(a), a) for a in np.arange(best - 0.25, best + 0.25 + 1e-9, 0.025))[2]
    # turned counter-clockwise by a, a row y at x lies at y - x*tan(a): adding x*tan(a) lines it up
    return float(round(best, 3))


# --------------------------------------------------------------------------- the engine

@dataclass
class Box:
    """A recognised piece of text: its rectangle in pixels, the text, the engine's confidence (0..1)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    conf: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def recognise(grey, eng=None) -> list[Box]:
    """Text boxes on a grey page image."""
    import numpy as np

    eng = eng or engine()
    rgb = np.repeat(grey[:, :, None], 3, axis=2)
    out = eng(rgb, use_det=True, use_cls=False, use_rec=True)
    del rgb
    boxes = []
    if out.boxes is None:
        return boxes
    for quad, text, score in zip(out.boxes, out.txts, out.scores):
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        text = unicodedata.normalize("NFKC", text).strip()
        if text:
            boxes.append(Box(min(xs), min(ys), max(xs), max(ys), text, float(score)))
    return boxes


def read_line(grey, x0: int, y0: int, x1: int, y1: int, eng=None) -> tuple[str, float]:
    """Read one line of text in a rectangle (no detection): (text, confidence)."""
    import numpy as np

    eng = eng or engine()
    crop = grey[max(0, y0):y1, max(0, x0):x1]
    if crop.size == 0 or crop.shape[0] < 4 or crop.shape[1] < 4:
        return "", 0.0
    rgb = np.repeat(np.ascontiguousarray(crop)[:, :, None], 3, axis=2)
    out = eng(rgb, use_det=False, use_cls=False, use_rec=True)
    txts, scores = list(out.txts or []), list(out.scores or [])
    if not txts:
        return "", 0.0
    return unicodedata.normalize("NFKC", txts[0]).strip(), float(scores[0])


# --------------------------------------------------------------------------- ruling lines and tables

def _long_runs(mask, length: int, axis: int):
    """Pixels of ``mask`` inside a run of at least ``length`` set pixels along ``axis``."""
    import numpy as np

    m = mask if axis == 1 else mask.T
    c = np.cumsum(np.pad(m.astype(np.int32), ((0, 0), (1, 0))), axis=1)
    full = (c[:, length:] - c[:, :-length]) == length  # the window starting here is all set
    # spread each full window back over its pixels
    start = np.pad(full.astype(np.int32), ((0, 0), (0, length)))
    cov = np.cumsum(start, axis=1)
    cov[:, length:] -= cov[:, :-length].copy()
    out = cov[:, :m.shape[1]] > 0
    return out if axis == 1 else out.T


@dataclass
class Rule:
    pos: float  # y of a horizontal rule, x of a vertical one
    start: float
    end: float


def _rules(run_mask, axis: int, min_len: int) -> list[Rule]:
    """Group the rows (axis=1: horizontal rules) or columns of a long-run mask into rules."""
    import numpy as np

    m = run_mask if axis == 1 else run_mask.T
    counts = m.sum(axis=1)
    lines = np.nonzero(counts >= min_len)[0]
    out: list[Rule] = []
    group: list[int] = []
    for i in list(lines) + [None]:
        if group and (i is None or i - group[-1] > 2):
            band = m[group[0]:group[-1] + 1].any(axis=0)
            idx = np.nonzero(band)[0]
            # the longest stretch of the band with small gaps (a rule broken by blur stays one)
            gaps = np.nonzero(np.diff(idx) > 6)[0]
            starts = np.concatenate(([0], gaps + 1))
            ends = np.concatenate((gaps, [len(idx) - 1]))
            for s, e in zip(starts, ends):
                if idx[e] - idx[s] >= min_len:
                    out.append(Rule((group[0] + group[-1]) / 2, float(idx[s]), float(idx[e])))
            group = []
        if i is not None:
            group.append(int(i))
    return out


@dataclass
class Ruling:
    """The ruling of a page: rules found, and the masks of long horizontal and vertical strokes."""

    hrules: list[Rule]
    vrules: list[Rule]
    hmask: object  # numpy bool arrays, the page's shape
    vmask: object
    dark: object  # print: text and rules
    ink: object  # any mark darker than paper, a seal seen through the red channel excepted (faint print under a seal)


def ruling(grey, dpi: int = DPI) -> Ruling:
    """Long horizontal and vertical strokes of a page image.  Rules are taken light (a thin rule
    blurred, or seen through a red seal, is grey): a text stroke is never as long as a rule."""
    lines = grey < 185
    length = max(12, dpi // 5)  # strokes of text are shorter than a fifth of an inch
    h = _long_runs(lines, length, 1)
    v = _long_runs(lines, length, 0)
    return Ruling(_rules(h, 1, length), _rules(v, 0, length), h, v, grey < 150, grey < 200)


@dataclass
class Grid:
    """A ruled table: column and row boundaries (pixels) and its cell boxes."""

    xs: list[float]
    ys: list[float]
    boxes: list[tuple[int, int, int, int]]  # r0, r1, c0, c1 per cell box
    owner: dict[tuple[int, int], int]
    texts: dict[int, list[Box]] = field(default_factory=dict)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def index(self, bounds: list[float], v: float) -> int | None:
        import bisect

        i = bisect.bisect_right(bounds, v) - 1
        return i if 0 <= i < len(bounds) - 1 else None

    def cell_at(self, x: float, y: float) -> int | None:
        r, c = self.index(self.ys, y), self.index(self.xs, x)
        return None if r is None or c is None else self.owner.get((r, c))


def _merge_close(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def find_tables(rl: Ruling, dpi: int = DPI) -> list[Grid]:
    """Tables: groups of horizontal and vertical rules that cross each other.  A boundary between
    two grid positions counts as drawn when most of it is dark; positions not separated by a drawn
    boundary form one (merged) cell."""

    tol = max(3.0, dpi / 40)
    rules = [("h", r) for r in rl.hrules] + [("v", r) for r in rl.vrules]
    parent = list(range(len(rules)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (ki, a) in enumerate(rules):
        if ki != "h":
            continue
        for j, (kj, b) in enumerate(rules):
            if kj == "v" and a.start - tol <= b.pos <= a.end + tol and b.start - tol <= a.pos <= b.end + tol:
                parent[find(i)] = find(j)
    groups: dict[int, list[tuple[str, Rule]]] = {}
    for i, r in enumerate(rules):
        groups.setdefault(find(i), []).append(r)
    out = []
    for members in groups.values():
        hs = [r for k, r in members if k == "h"]
        vs = [r for k, r in members if k == "v"]
        if len(hs) < 2 or len(vs) < 2:
            continue
        ys = _merge_close([r.pos for r in hs], tol)
        xs = _merge_close([r.pos for r in vs], tol)
        if len(xs) < 2 or len(ys) < 2:
            continue
        nr, nc = len(ys) - 1, len(xs) - 1
        band = max(2, int(tol / 2))

        def drawn_v(x, ya, yb):  # a vertical boundary at x between ya and yb
            a, b = int(ya + (yb - ya) * 0.15), int(yb - (yb - ya) * 0.15) + 1
            if b <= a:
                return True
            strip = rl.vmask[a:b, max(0, int(x) - band):int(x) + band + 1]
            return strip.size > 0 and strip.any(axis=1).mean() > 0.6

        def drawn_h(y, xa, xb):
            a, b = int(xa + (xb - xa) * 0.15), int(xb - (xb - xa) * 0.15) + 1
            if b <= a:
                return True
            strip = rl.hmask[max(0, int(y) - band):int(y) + band + 1, a:b]
            return strip.size > 0 and strip.any(axis=0).mean() > 0.6

        # union grid positions not separated by a drawn boundary
        par = {(r, c): (r, c) for r in range(nr) for c in range(nc)}

        def f(p):
            while par[p] != p:
                par[p] = par[par[p]]
                p = par[p]
            return p

        for r in range(nr):
            for c in range(nc):
                if c + 1 < nc and not drawn_v(xs[c + 1], ys[r], ys[r + 1]):
                    par[f((r, c + 1))] = f((r, c))
                if r + 1 < nr and not drawn_h(ys[r + 1], xs[c], xs[c + 1]):
                    par[f((r + 1, c))] = f((r, c))
        cells: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for p in par:
            cells.setdefault(f(p), []).append(p)
        boxes, owner = [], {}
        for members_ in sorted(cells.values(), key=lambda m: min(m)):
            r0, r1 = min(p[0] for p in members_), max(p[0] for p in members_) + 1
            c0, c1 = min(p[1] for p in members_), max(p[1] for p in members_) + 1
            boxes.append((r0, r1, c0, c1))
            for r in range(r0, r1):
                for c in range(c0, c1):
                    owner.setdefault((r, c), len(boxes) - 1)
        if len(boxes) < 2:
            continue  # a frame around text, not a table
        out.append(Grid(xs, ys, boxes, owner))
    return sorted(out, key=lambda g: g.ys[0])


# --------------------------------------------------------------------------- placing the text

#: letters an engine reads for digits in a cell that can only hold a figure
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "〇": "0", "l": "1", "I": "1", "|": "1",
                            "i": "1", "S": "5", "s": "5", "Z": "2", "z": "2", "B": "8", "g": "9"})
_FIGURE_LIKE = re.compile(r"^[0-9OoDQ〇lI|iSsZzBg,.]{1,9}$")


def digits_for_lookalikes(text: str) -> str | None:
    """The digits meant by a cell read as letters and digits ("1O" -> "10"); None when ``text`` is
    not such a cell (already digits, or words)."""
    t = text.replace(" ", "")
    if not _FIGURE_LIKE.match(t) or t.replace(",", "").replace(".", "").isdigit():
        return None
    if not any(ch.isdigit() for ch in t) and len(t) > 1:
        return None  # a word ("Is", "OD"): no digit at all and more than one letter
    return t.translate(_LOOKALIKE)


def _is_wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch[0]) in ("W", "F")


def _join(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    if _is_wide(a[-1]) or _is_wide(b[0]) or a[-1] in "-/":
        return a + b
    return a + " " + b


def text_lines(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped into lines (by vertical overlap), each left to right, lines top to bottom."""
    lines: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: (b.cy, b.x0)):
        for ln in lines:
            top, bottom = min(x.y0 for x in ln), max(x.y1 for x in ln)
            overlap = min(bottom, b.y1) - max(top, b.y0)
            if overlap >= 0.5 * min(b.height, bottom - top) and top - 0.2 * b.height <= b.cy <= bottom + 0.2 * b.height:
                ln.append(b)
                break
        else:
            lines.append([b])
    for ln in lines:
        ln.sort(key=lambda b: b.x0)
    return sorted(lines, key=lambda ln: min(b.y0 for b in ln))


@dataclass
class TextLine:
    """A line of text outside the tables, in the page's units (points)."""

    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    conf: list[float]  # the lowest confidence of each tab-separated piece of ``text``


@dataclass
class TableGrid:
    """A table read by OCR: its top and column boundaries (points) and a full grid of cells."""

    top: float
    xs: list[float]
    rows: list[list[Cell]]


def _line_text(line: list[Box], tab_gap: float = 1.5) -> tuple[str, list[float]]:
    """A line's text, a tab where a wide gap separates two boxes (a table printed without rules), and
    the lowest confidence of each tab-separated piece."""
    out, confs = "", []
    prev = None
    for b in line:
        if prev is not None and b.x0 - prev.x1 >= tab_gap * max(prev.height, b.height) * 0.75:
            out += "\t" + b.text
            confs.append(b.conf)
        else:
            out = _join(out, b.text)
            confs[-1:] = [min(confs[-1], b.conf)] if confs else [b.conf]
        prev = b
    return out, confs


def _cell_text(boxes: list[Box]) -> tuple[str, float]:
    """The text of a cell (its lines joined as one wrapped label) and its lowest confidence."""
    text = ""
    for ln in text_lines(boxes):
        for b in ln:
            text = _join(text, b.text)
    return text, min(b.conf for b in boxes)


def _ink(ink, x0: float, y0: float, x1: float, y1: float) -> bool:
    """Whether the inside of a cell (away from its rules) holds a mark."""
    w, h = x1 - x0, y1 - y0
    inset_x, inset_y = max(4.0, w * 0.12), max(4.0, h * 0.18)
    a = ink[int(y0 + inset_y):int(y1 - inset_y), int(x0 + inset_x):int(x1 - inset_x)]
    if a.size == 0:
        return False
    rows = a.any(axis=1).sum()
    cols = a.any(axis=0).sum()
    return int(a.sum()) >= 12 and rows >= 4 and cols >= 2


def _read_ink(grey, ink, x0: float, y0: float, x1: float, y1: float, eng=None) -> tuple[str, float]:
    """Read the ink inside a cell: cropped to the ink, with what is lighter than print (a seal seen
    through the red channel, JPEG noise) made white."""
    import numpy as np

    w, h = x1 - x0, y1 - y0
    ax, ay = int(x0 + max(4.0, w * 0.12)), int(y0 + max(4.0, h * 0.18))
    a = ink[ay:int(y1 - max(4.0, h * 0.18)), ax:int(x1 - max(4.0, w * 0.12))]
    rows, cols = np.nonzero(a.any(axis=1))[0], np.nonzero(a.any(axis=0))[0]
    if not len(rows) or not len(cols):
        return "", 0.0
    pad = 6
    top, bottom = ay + rows[0] - pad, ay + rows[-1] + pad + 1
    left, right = ax + cols[0] - pad, ax + cols[-1] + pad + 1
    crop = grey[max(0, top):bottom, max(0, left):right].astype(np.float32)
    # stretch what is darker than the seal's ground to full black and white (print under a seal is grey)
    lo = float(np.percentile(crop, 1))
    clean = np.clip((crop - lo) * 255.0 / max(1.0, 215.0 - lo), 0, 255).astype(np.uint8)
    return read_line(clean, 0, 0, clean.shape[1], clean.shape[0], eng)


def layout(boxes: list[Box], tables: list[Grid], grey, ink, scale: float, offset: tuple[float, float] = (0.0, 0.0),
           eng=None) -> list[tuple[float, str, object]]:
    """(top, kind, payload) of the page's tables ("grid": :class:`TableGrid`) and text lines ("ocr_line":
    :class:`TextLine`), in page units: pixels / ``scale`` + ``offset``."""
    ox, oy = offset
    loose: list[Box] = []
    for b in boxes:
        for g in tables:
            x0, y0, x1, y1 = g.bbox
            if x0 <= b.cx <= x1 and y0 <= b.cy <= y1:
                _place(g, b, grey, eng)
                break
        else:
            loose.append(b)
    items: list[tuple[float, str, object]] = []
    for g in tables:
        rows = _grid_cells(g, grey, ink, eng)
        if rows:
            items.append((g.ys[0] / scale + oy, "grid", TableGrid(g.ys[0] / scale + oy, [x / scale + ox for x in g.xs], rows)))
    for ln in text_lines([b for b in loose if b.conf >= 0.5]):
        heights = sorted(b.height for b in ln)
        size = heights[len(heights) // 2] / scale * 0.8
        text, confs = _line_text(ln)
        items.append((min(b.y0 for b in ln) / scale + oy, "ocr_line", TextLine(
            min(b.y0 for b in ln) / scale + oy, max(b.y1 for b in ln) / scale + oy, ln[0].x0 / scale + ox,
            ln[-1].x1 / scale + ox, size, text, confs)))
    items.sort(key=lambda it: it[0])
    return items


def _place(g: Grid, b: Box, grey, eng) -> None:
    """Put a box into the cell under its centre; a box running across vertical rules (two figures read
    as one) is read again inside each cell it covers."""
    r = g.index(g.ys, b.cy)
    inner = [x for x in g.xs[1:-1] if b.x0 + 0.25 * b.height < x < b.x1 - 0.25 * b.height]
    if r is not None and inner:
        spans = {}
        for c in range(len(g.xs) - 1):
            if g.xs[c + 1] <= b.x0 or g.xs[c] >= b.x1:
                continue
            k = g.owner.get((r, c))
            if k is None:
                continue
            r0, r1, c0, c1 = g.boxes[k]
            spans.setdefault(k, [g.xs[c0], g.xs[c1]])
        if len(spans) > 1:
            for k, (xa, xb) in spans.items():
                text, conf = read_line(grey, int(xa) + 3, int(b.y0), int(xb) - 2, int(b.y1) + 1, eng)
                if text:
                    g.texts.setdefault(k, []).append(Box(xa, b.y0, xb, b.y1, text, min(conf, b.conf)))
            return
    k = g.cell_at(b.cx, b.cy)
    if k is not None:
        g.texts.setdefault(k, []).append(b)


def _grid_cells(g: Grid, grey, ink, eng=None) -> list[list[Cell]]:
    nr, nc = len(g.ys) - 1, len(g.xs) - 1
    content: dict[int, tuple[str, float | None, str | None]] = {}
    for k, (r0, r1, c0, c1) in enumerate(g.boxes):
        boxes = g.texts.get(k)
        if boxes:
            text, conf = _cell_text(boxes)
            if conf < 0.9 and re.search(r"\d", text) and not re.fullmatch(r"[\d,.]+", text.replace(" ", "")) \
                    and not _is_wide(text[-1]):
                # digits with something else ("0F": a figure and a seal's stroke): read the cell's print alone
                again, conf2 = _read_ink(grey, ink, g.xs[c0], g.ys[r0], g.xs[c1], g.ys[r1], eng)
                if again and conf2 > conf and re.fullmatch(r"[\d,.]+", again):
                    text, conf = again, conf2
            fixed = digits_for_lookalikes(text)
            content[k] = (fixed, conf, text) if fixed is not None else (text, conf, None)
        elif _ink(ink, g.xs[c0], g.ys[r0], g.xs[c1], g.ys[r1]):
            # something is printed that detection missed (a figure under a seal): read the cell itself
            text, conf = _read_ink(grey, ink, g.xs[c0], g.ys[r0], g.xs[c1], g.ys[r1], eng)
            fixed = digits_for_lookalikes(text) if text else None
            content[k] = (fixed, conf, text) if fixed is not None else (text, conf if text else 0.0, None)
        else:
            content[k] = ("", 1.0, None)
    grid: list[list[Cell]] = []
    for r in range(nr):
        row = []
        for c in range(nc):
            k = g.owner.get((r, c))
            if k is None:
                row.append(Cell("", merged=True))
                continue
            r0, _, c0, _ = g.boxes[k]
            text, conf, raw = content[k]
            row.append(Cell(text, merged=(r, c) != (r0, c0), conf=conf, ocr_raw=raw))
        grid.append(row)
    return [row for row in grid if any(not c.merged for c in row)]
