"""HTML pages as government sites publish them.

Paragraphs become paragraph blocks (with the source line), ``<table>`` markup
becomes a full grid (rowspan/colspan expanded, covered positions marked
``merged``).  Layout tables that hold other tables are read through, so the
report tables inside them come out as tables.  Pages where the table was
flattened to one cell per paragraph come out as paragraphs, which the parser
reads like flattened text.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from store.document import Block, Cell, Document, ReadError
from store.readers.encoding import decode

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SKIP = {"script", "style", "head", "noscript", "template", "iframe", "object", "svg", "select", "button"}
_BLOCK = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "header",
    "footer", "blockquote", "pre", "ul", "ol", "center", "dd", "dt", "dl", "form", "hr", "td", "th",
    "caption", "main", "aside", "nav", "address", "body", "html",
}
_WS = re.compile(r"[ \t\r\n\u00a0\u3000\u2002\u2003\u200b]+")


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    return "gb18030" if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk") else name


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


_WRAPPED = re.compile(r"(?<=[\u4e00-\u9fff])\s*\n\s*(?=[\u4e00-\u9fff])")


def _cell_text(el) -> str:
    text = "".join(el.itertext())
    # Chinese labels wrapped inside a cell: drop line breaks between CJK characters.
    if "\n" in text:
        text = _WRAPPED.sub("", text)
    return _clean(text)


def _grid(table) -> list[list[Cell]]:
    """Expand rowspan/colspan into a full grid; covered positions are ``merged`` copies."""
    taken: dict[tuple[int, int], Cell] = {}
    nrows = 0
    for r, tr in enumerate(table.iter("tr")):
        nrows = r + 1
        c = 0
        for td in tr:
            tag = td.tag
            if tag != "td" and tag != "th":  # (a comment's tag is no string)
                continue
            while (r, c) in taken:
                c += 1
            rowspan, colspan = td.get("rowspan"), td.get("colspan")
            if rowspan is None and colspan is None:
                rs = cs = 1
            else:
                try:
                    rs = max(1, min(int(rowspan or 1), 500))
                    cs = max(1, min(int(colspan or 1), 100))
                except ValueError:
                    rs, cs = 1, 1
            text = _cell_text(td)
            line = td.sourceline
            if rs == 1 and cs == 1:
                taken[(r, c)] = Cell(text, False, line=line)
            else:
                for dr in range(rs):
                    for dc in range(cs):
                        taken[(r + dr, c + dc)] = Cell(text, merged=bool(dr or dc), line=line)
            c += cs
    width = max((c for _, c in taken), default=-1) + 1
    return [[taken.get((r, c)) or Cell("", merged=True) for c in range(width)] for r in range(nrows)]


def page_meta(root) -> dict:
    """The page's <title>, its title meta tags (ArticleTitle …) and the tags naming its publisher
    (ContentSource, Author …), as ``Document.meta`` holds them.  Site names after a separator
    ("报告标题_政府信息公开年报_某某网") stay: the parser reads the part that is a title."""
    from store.template.agency_names import META_PUBLISHER_TAGS, META_TITLE_TAGS

    tags: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        content = _clean(el.get("content") or "")
        if name and content and name not in tags:
            tags[name] = content[:500]
    titles = [tags[t] for t in META_TITLE_TAGS if tags.get(t)]
    title_el = root.find(".//title")
    if title_el is not None:
        text = _clean(title_el.text_content())[:500]
        if text:
            titles.append(text)
    publishers = [tags[t] for t in META_PUBLISHER_TAGS if tags.get(t)]
    return {"titles": list(dict.fromkeys(titles)), "publishers": publishers, "tags": tags}


def read_html(data: bytes | str) -> Document:
    from store.readers import HTML_MAX_BYTES, check_depth

    if len(data) > HTML_MAX_BYTES:
        raise ReadError(f"too large: the HTML page has {len(data) // 1024 // 1024} MB "
                        f"(the limit is {HTML_MAX_BYTES // 1024 // 1024} MB)")
    text = data if isinstance(data, str) else decode(data, _declared_charset(data))
    text = re.sub(r"^<\?xml[^>]*>", "", text.lstrip())
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"not readable as HTML: {exc}") from exc
    check_depth(root)  # before the recursive walk below
    blocks: list[Block] = []
    buf: list[str] = []
    buf_line: list[int | None] = [None]

    def flush():
        t = _clean("".join(buf))
        if t:
            blocks.append(Block("paragraph", text=t, line=buf_line[0]))
        buf.clear()
        buf_line[0] = None

    def add(s: str | None, line: int | None):
        if s:
            if buf_line[0] is None and s.strip():
                buf_line[0] = line
            buf.append(s)

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP or not tag:
            return
        if tag == "table":
            flush()
            if el.find(".//table") is not None:  # a layout table: read through it
                _walk_children(el)
                flush()
            else:
                grid = _grid(el)
                if grid and any(c.text for row in grid for c in row):
                    blocks.append(Block("table", rows=grid, line=el.sourceline))
            return
        if tag == "pre":
            flush()
            for i, ln in enumerate("".join(el.itertext()).split("\n")):
                if ln.strip():
                    blocks.append(Block("paragraph", text=ln.replace("\u00a0", " "),
                                        line=(el.sourceline or 0) + i or None))
            return
        block = tag in _BLOCK
        if block:
            flush()
        add(el.text, el.sourceline)
        for child in el:
            walk(child)
            add(child.tail, getattr(child, "sourceline", None) or el.sourceline)
        if block:
            flush()

    def _walk_children(el):
        add(el.text, el.sourceline)
        for child in el:
            walk(child)
            add(child.tail, el.sourceline)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return Document(blocks, format="html", meta=page_meta(root))
