"""How a chemical formula is typeset: the one decision, shared by the HTML page and the PDF.

``runs(text)`` splits any text (a title, a step, a hazard note) into plain, subscript and
superscript runs: the counts of a formula as subscripts (Au25(SC2H4Ph)18, C32H68N, HAuCl4·3H2O)
and ion charges as superscripts ([TOA]+, [Au25(SR)18]−, Na+). The HTML template turns the runs
into <sub>/<sup>; the Typst template into sub()/super(). Markdown and the terminal stay plain text
(a Markdown reader or a terminal shows Au25(PET)18 as it is written).

What counts as a formula is decided per word: a word with a digit right after an element-like
letter (``Au25``, ``NaBH4``), not a hazard code (H225, EUH071, P280), an estimate key (E3) or a
pH written without a space. Digits after ``·`` are a multiplier (the 3 of ·3H2O), not a count.
"""

from __future__ import annotations

import re

Run = tuple[str, str]  # ("", text) | ("sub", digits) | ("sup", charge)

_WORD = re.compile(r"\S+")
_NOT_FORMULA = re.compile(r"^(?:EU)?H\d{3}[A-Za-z]*$|^P\d{3}|^E\d+$|^pH")
# A count: digits after an element symbol (one capital, maybe one small letter) or a bracket.
_COUNT = re.compile(r"(?:(?<=[A-Z])|(?<=[A-Z][a-z])|(?<=[)\]]))\d+")
# A charge at the end of a formula word: after a bracket (with its number) or a letter/count.
_CHARGE = re.compile(r"(?:(?<=[)\]])\d*[+\-−]|(?<=[A-Za-z0-9])[+−])(?=[,;:.)]*$|\[)")


def _is_formula(word: str) -> bool:
    core = word.strip("([{,;:.)]}")
    if _NOT_FORMULA.match(core):
        return False
    return bool(_COUNT.search(word) or (_CHARGE.search(word) and re.search(r"[A-Z]", word)))


def runs(text: str) -> list[Run]:
    """``text`` as runs; consecutive plain text is merged into one run."""
    out: list[Run] = []

    def add(kind: str, s: str) -> None:
        if not s:
            return
        if out and out[-1][0] == kind == "":
            out[-1] = ("", out[-1][1] + s)
        else:
            out.append((kind, s))

    pos = 0
    for w in _WORD.finditer(text):
        add("", text[pos : w.start()])
        pos = w.end()
        word = w.group(0)
        if not _is_formula(word):
            add("", word)
            continue
        marks = sorted(
            [(m.start(), m.end(), "sub") for m in _COUNT.finditer(word)]
            + [(m.start(), m.end(), "sup") for m in _CHARGE.finditer(word)]
        )
        at = 0
        for start, end, kind in marks:
            if start < at:
                continue
            add("", word[at:start])
            piece = word[start:end]
            add(kind, piece.replace("-", "−") if kind == "sup" else piece)
            at = end
        add("", word[at:])
    add("", text[pos:])
    return out


def html(text: str) -> str:
    """The runs as escaped HTML with <sub>/<sup> (the Jinja filter ``chem``)."""
    from markupsafe import escape

    tags = {"sub": ("<sub>", "</sub>"), "sup": ("<sup>", "</sup>"), "": ("", "")}
    return "".join(f"{tags[k][0]}{escape(s)}{tags[k][1]}" for k, s in runs(text))
