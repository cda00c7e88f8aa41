"""How a figure is written out for people: one function, used by the chat, the digest, ``show``,
the audit's messages and the explain view.

A whole number without a decimal point (3.0 → "3"); any other figure with every decimal it has, as the
report prints it (18651.06 → "18651.06", never "18651.1" as ``format(v, "g")`` would round it to six
digits), and the noise of a float sum gone (0.1 + 0.2 → "0.3").
"""

from __future__ import annotations

#: Decimals kept of a figure that is not whole: more than any report prints, fewer than a float's noise.
DECIMALS = 6


def figure_text(v: float | int) -> str:
    """A figure as text (see the module)."""
    f = float(v)
    if f.is_integer():
        return str(int(f))
    text = f"{round(f, DECIMALS):.{DECIMALS}f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
