"""How a figure is written inside a table cell, as data: the units printed after it and the words
that give the sign of a change (本年增/减 columns print "增15", "减4", "+3").  Read by
:mod:`store.parse.lines`; nowhere else are these words spelled out."""

from __future__ import annotations

#: Units a cell may print after its figure ("3次", "24.5万元", "0件"); longest first.
CELL_UNITS = ("人次", "万元", "件", "条", "个", "项", "元", "起", "次", "宗", "场", "篇", "%")

#: Words before a figure that give its sign: an increase or a decrease.
SIGN_WORDS = {"增加": 1, "增": 1, "减少": -1, "减": -1}

#: Characters printed as a minus sign.
MINUS_SIGNS = ("-", "\u2212")

#: Units of columns whose figures are whole numbers (counts): a "0" there is never the start of a longer figure.
COUNT_UNITS = ("件", "项")

#: Characters OCR (or a careless typist) puts where a digit was printed: O/o/D/Q/〇 for 0, l/I/|/[/]/! for 1, Z for 2,
#: S for 5, b/G for 6, B for 8, g/q for 9.  A cell of digits and these ("S8", "l2", "1O") or one of the
#: lone look-alikes of 0 and 1 is a figure that could not be read: never a label, never a value.
DIGIT_LOOKALIKES = "OoDQ〇lI|[]!ZSsbGBgq"
LONE_LOOKALIKES = ("O", "o", "〇", "l", "I")
