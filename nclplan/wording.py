"""Words that do not belong on a chemist's sheet: how the catalog was curated.

A plan speaks of chemistry. Notes on how a number or a DOI was checked (the tool that found it,
a web copy of a paper, a maintainers' notes file, a tracker issue) belong in the fields that are
never rendered: ``Reference.note`` and ``Reagent.sources``. ``nclplan check`` reports such words
in every field that a plan, a route card or an export shows, and the test suite scans every
rendered output of every route for the same list.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nclplan.models import Reagent, Route, WorkupBlock

# Field names of the route and reagent files that read like words: a note that names them
# ("no made_by", "metal_atoms is entered as 10") speaks to a maintainer, not to a chemist.
_FIELD_NAMES = (
    "made_by",
    "metal_atoms",
    "isolated_as",
    "mass_scaling",
    "hazard_note",
    "not_hazardous",
    "stock_solvent",
    "scale_notes",
    "review_section",
    "removes_if_used",
    "check_if_used",
    "headspace_ratio",
    "counterion_charge",
    "doi_confirmed",
)

# Each pattern with the reason a maintainer reads in the `check` message.
CURATION_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"https?://(?!(?:dx\.)?doi\.org/|www\.w3\.org/2000/svg\b)\S+", re.I),
        "a web address (cite by DOI)",
    ),
    (re.compile(r"\b(?:studylib\w*|hal-univ\S*|datapdf|archives-ouvertes)\b", re.I), "a web copy"),
    (re.compile(r"\bcorp(?:us|ora)\b", re.I), "search-tool words"),
    (re.compile(r"\bsearch(?:es|ed|ing|able|_\w+)?\b", re.I), "search-tool words"),
    (re.compile(r"\bindexed\b", re.I), "search-tool words"),
    (re.compile(r"\bNOTES\.md\b", re.I), "a maintainers' file"),
    (re.compile(r"\bshared/"), "a path outside the project"),
    (re.compile(r"(?<![\w.])/(?:work|tmp|home|Users|usr|opt|var)/"), "a path"),
    (re.compile(r"\bissue\s*#?\d+", re.I), "an issue number"),
    (
        re.compile(r"\breadable here\b|\bread (?:in (?:the|this) paper )?here\b", re.I),
        "curation words",
    ),
    (re.compile(r"\b(?:project's|our) (?:literature )?notes\b", re.I), "a maintainers' file"),
    (re.compile(r"\bfrom memory\b|\brecalled\b|\bthis session\b", re.I), "curation words"),
    # A field of the route file is a maintainer's word: the sheet names the chemistry instead.
    # Quoted, it is a JSON key of the export, which is where field names belong.
    (
        re.compile(
            rf"(?<!\")\b(?:{'|'.join(_FIELD_NAMES)})\b(?!\")|\btarget\.\w+|\bis entered as\b"
        ),
        "a field name",
    ),
    (
        re.compile(
            r"\bcould not be (?:found|read|retrieved)\b|\buntil someone\b|\bthis sentence\b"
            r"|\b(?:abstract|title)(?: itself)? (?:was|is) not checked\b|\bref\. ?\d+[a-z]\b"
            r"|\b(?:by|in|per|from) the brief\b|\btext conversion\b|\bthe program's\b"
            r"|\bthis catalog\b|\bcatalog's\b",
            re.I,
        ),
        "curation words",
    ),
    (
        re.compile(r"\bSDS (?:is )?on file\b|\bknown to us\b", re.I),
        "the catalog's files, not the chemical",
    ),
    (
        re.compile(r"\bwikipedia\b|\bchembox\b|\bICSC\b|\bCAMEO\b|\bGESTIS\b", re.I),
        "a source (it belongs in sources)",
    ),
]


# In fields for maintainers only, a note may say how a value was checked, in words about the
# literature; these name the tools and files behind the catalog, which no note needs.
MAINTAINER_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    p for p in CURATION_PATTERNS if p[1] in ("a maintainers' file", "a path outside the project")
] + [
    (
        re.compile(r"\bcorp(?:us|ora)\b|\bsearchable\b|\bsearch tool\b|\bindexed\b", re.I),
        "search-tool words",
    ),
    (re.compile(r"\bissue\s*#?\d+", re.I), "an issue number"),
]

Field = tuple[str | int, ...]


def _strings(obj: Any, path: Field, private: bool) -> list[tuple[Field, str, bool]]:
    """Every string under ``obj`` with its field path and whether no output shows it."""
    from pydantic import BaseModel

    if isinstance(obj, str):
        return [(path, obj, private)]
    if isinstance(obj, BaseModel):
        out = []
        hidden = _PRIVATE.get(type(obj).__name__, ())
        for name, info in type(obj).model_fields.items():
            key = info.alias or name
            out += _strings(getattr(obj, name), (*path, key), private or name in hidden)
        return out
    if isinstance(obj, list | tuple):
        return [x for i, v in enumerate(obj) for x in _strings(v, (*path, i), private)]
    return []


# Fields for maintainers only: no output shows them, so they may say how a value was checked.
_PRIVATE: dict[str, tuple[str, ...]] = {
    "Reference": ("note",),
    "Reagent": ("sources", "density", "molar_mass", "synonyms"),
}


def findings(obj: Route | Reagent | WorkupBlock) -> list[tuple[Field, str]]:
    """``(field path, message)`` for each string with words that do not belong where it is."""
    out = []
    for field, text, private in _strings(obj, (), False):
        patterns = MAINTAINER_PATTERNS if private else CURATION_PATTERNS
        found = [f"{m.group(0)!r} ({why})" for p, why in patterns if (m := p.search(text))]
        if found:
            where = "a maintainer note" if private else "user-facing text"
            out.append((field, f"{where} has {', '.join(found)}; " + _ADVICE[private]))
    return out


_ADVICE = {
    False: "keep curation notes in a reference's note or a reagent's sources",
    True: "say what was checked in the literature, not with which tool or file",
}


def curation_words(text: str) -> list[str]:
    """The curation phrases found in ``text`` (for scanning rendered outputs in tests)."""
    return [f"{m.group(0)!r} ({why})" for p, why in CURATION_PATTERNS if (m := p.search(text))]
