"""Text as it leaves the program: no control characters, no spreadsheet formulas.

Catalog files, file names and command-line values are text an attacker may choose. A terminal
obeys escape sequences (an OSC title, ``ESC[2J``), a spreadsheet runs a cell that begins with
``=``, and a newline in a one-line message forges a second message. Every output path passes
text through one of these functions; the catalog models refuse control characters as well, so
this is the second of two locks.

Kept free of imports beyond ``re`` so that every module may use it without start-up cost.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls (tab and newline included: callers that keep them say so), DEL, C1 controls, the
# Unicode line and paragraph separators (str.splitlines splits on them) and the bidirectional
# overrides that make a terminal show text in another order.
CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_CONTROL_KEEP_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)


def _code(match: re.Match[str]) -> str:
    ch = match.group()
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def visible(text: object) -> str:
    """One line with every control character shown as an escape (``\\x1b``, ``\\n``).

    For messages and file names: the reader sees exactly which bytes a name holds, and a
    newline in a file name cannot split a ``file:line`` message in two.
    """
    return CONTROL_RE.sub(_code, str(text))


def strip_controls(text: str, *, keep_lines: bool = False) -> str:
    """``text`` without control characters (newlines and tabs kept with ``keep_lines``)."""
    return (_CONTROL_KEEP_LINES if keep_lines else CONTROL_RE).sub("", text)


# OWASP "CSV Injection": a cell that begins with one of these is read as a formula by Excel,
# LibreOffice and Google Sheets (tab and CR because some importers strip them first).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_RE = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")


def csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet evaluates: prefix a formula-like text with ``'``.

    Plain numbers (``-5``, ``1e-3``) are left as they are so that columns stay numeric; every
    other text starting with ``= + - @``, tab or CR is prefixed with a single quote, as OWASP
    recommends. Control characters are removed from every text cell.
    """
    if not isinstance(value, str):
        return value
    value = strip_controls(value, keep_lines=False) if CONTROL_RE.search(value) else value
    if value.startswith(_FORMULA_START) and not _NUMBER_RE.match(value):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through :func:`csv_cell`."""

    def __init__(self, buf: Any) -> None:
        import csv

        self._writer = csv.writer(buf, lineterminator="\n")

    def writerow(self, row: Any) -> None:
        self._writer.writerow([csv_cell(c) for c in row])


def short(text: object, limit: int = 40) -> str:
    """User text quoted in a message: visible escapes, at most ``limit`` characters.

    A 5,000-digit number typed on the command line must not come back as a 5,000-digit message.
    """
    shown = visible(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
