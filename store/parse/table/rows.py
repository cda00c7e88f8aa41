"""A table row as the document printed it: a label and the cells that follow it."""

from __future__ import annotations

from dataclasses import dataclass, field

from store.parse.lines import Line, Tok, fold


@dataclass
class ObservedRow:
    label: str
    cells: list[Tok]
    layout: str  # grid | row | cell | empty
    lines: list[Line] = field(default_factory=list)
    last_label: str = ""  # the label segment printed last (nearest the figures)
    cut: bool = False  # the document ends inside this row (an excerpt cut mid-table)
    apart: bool = False  # the figures are printed on lines of their own, after the label's lines

    @property
    def text(self) -> str:
        key = tuple(map(id, self.lines))
        if getattr(self, "_text_key", None) != key:
            self._text = " | ".join(fold(ln.printed.replace("\t", " ")) for ln in self.lines if ln.printed.strip())
            self._text_key = key
        return self._text

    @property
    def location(self) -> tuple[int | None, int | None]:
        for t in self.cells:
            if t.kind == "value":
                return t.page, t.line
        ln = self.lines[0] if self.lines else None
        return (ln.page, ln.line) if ln else (None, None)

    @property
    def figures(self) -> int:
        """How many figures or marks the row prints."""
        return sum(1 for t in self.cells if t.kind == "value")
