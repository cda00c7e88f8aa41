"""The tuning constants of table parsing, in one place.

Every step of :mod:`store.parse.table` reads its thresholds from one :class:`TableSettings`
object (``SETTINGS`` by default; a test or an experiment may pass another).  Scores are label
similarities from 0 to 100 (rapidfuzz).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSettings:
    #: similarity a printed label needs to be matched with a template row by its label
    match_threshold: float = 56
    #: similarity a label needs to stand as a row printed without figures
    empty_row_bar: float = 80
    #: similarity a row needs to mark how far down the template the table has got
    anchor_bar: float = 80
    #: similarity a label loses for each template row it would skip
    row_skip_cost: float = 3
    #: similarity (whole text) for a label to be a whole row label of the template by itself
    complete_label_ratio: float = 85
    #: similarity of a label with the beginning of a row label for it to read as its start
    start_label_ratio: float = 85
    #: a label of two characters or less found inside a longer text scores at most this ("其他", "总计")
    short_label_cap: float = 75
    #: a pairing is a toss-up when an unpaired neighbouring row scores within this margin
    ambiguity_margin: float = 5
    #: ... or when the label part printed nearest the figures fits the neighbour at least this well
    ambiguity_last_label: float = 70
    #: a row printed without figures yields this much to a row with figures and the same label
    empty_row_penalty: float = 15
    #: a row with more figures than a template row has columns (+1) scores this much less there
    too_wide_penalty: float = 30
    #: the most cells a printed row may have lost for its placements to be tried
    max_lost_cells: int = 2
    #: the most combinations of placements the 勾稽关系 solver tries
    max_combinations: int = 2000
    #: the characters of a label kept for matching (a long label's end is nearest its figures)
    label_tail: int = 80
    #: a share of template rows whose labels must be printed for a table with no figures to count as found
    labels_printed_share: float = 0.6
    #: one cell per line with an empty line after every cell: at least this many cells apart …
    spaced_min_apart: int = 4
    #: … and at most this share of them on adjacent lines
    spaced_max_adjacent: float = 0.1


SETTINGS = TableSettings()
