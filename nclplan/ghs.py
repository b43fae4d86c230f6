"""GHS hazard pictograms from hazard statement codes, drawn as vector graphics.

People scan a sheet for pictograms, not for H-codes. The code -> pictogram table follows the UN
GHS (Rev. 10, 2023, Annex 1 "Allocation of label elements") as adopted in the EU by Regulation
(EC) No 1272/2008 (CLP), Annex I, Parts 2-4 (the label element tables of each hazard class), with
the precedence rules of CLP Article 26(1): no GHS07 where GHS06 applies; no GHS07 for skin or eye
irritation where GHS05 applies; no GHS07 for skin sensitisation or irritation where GHS08 applies
for respiratory sensitisation. Statements without a pictogram (H229, H303, H313, H316, H333, H362,
H412, H413 ...) map to none. EUH statements carry no pictogram.

The drawings are simplified outlines in the red-bordered diamond, one SVG each, so the same
vector graphic serves the HTML page (inline) and the PDF (Typst places the SVG as an image).
"""

from __future__ import annotations

import re

NAMES = {
    "GHS01": "explosive",
    "GHS02": "flammable",
    "GHS03": "oxidising",
    "GHS04": "gas under pressure",
    "GHS05": "corrosive",
    "GHS06": "acute toxicity (severe)",
    "GHS07": "harmful / irritant",
    "GHS08": "health hazard",
    "GHS09": "hazardous to the aquatic environment",
}

# Statement code (digits, without suffix letters such as H360Fd) -> pictograms (CLP Annex I).
_CODES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("H200", "H201", "H202", "H203", "H204", "H240"), ("GHS01",)),
    "H241": ("GHS01", "GHS02"),
    **dict.fromkeys(
        [
            "H220",
            "H221",
            "H222",
            "H223",
            "H224",
            "H225",
            "H226",
            "H228",
            "H242",
            "H250",
            "H251",
            "H252",
            "H260",
            "H261",
        ],
        ("GHS02",),
    ),
    **dict.fromkeys(("H270", "H271", "H272"), ("GHS03",)),
    **dict.fromkeys(("H280", "H281"), ("GHS04",)),
    **dict.fromkeys(("H290", "H314", "H318"), ("GHS05",)),
    **dict.fromkeys(("H300", "H301", "H310", "H311", "H330", "H331"), ("GHS06",)),
    **dict.fromkeys(
        ("H302", "H312", "H332", "H315", "H317", "H319", "H335", "H336", "H420"), ("GHS07",)
    ),
    **dict.fromkeys(
        [
            "H304",
            "H334",
            "H340",
            "H341",
            "H350",
            "H351",
            "H360",
            "H361",
            "H370",
            "H371",
            "H372",
            "H373",
        ],
        ("GHS08",),
    ),
    **dict.fromkeys(("H400", "H410", "H411"), ("GHS09",)),
}
_IRRITATION = {"H315", "H319"}
_SENSITISATION = {"H315", "H317", "H319"}


def pictograms(codes: list[str]) -> list[str]:
    """The pictograms a label carries for these H-codes, in GHS order, precedence applied."""
    base = [m.group(0) for c in codes if (m := re.match(r"H\d{3}", c))]
    found: dict[str, set[str]] = {}
    for code in base:
        for p in _CODES.get(code, ()):
            found.setdefault(p, set()).add(code)
    if "GHS07" in found:
        why = found["GHS07"]
        if (
            "GHS06" in found
            or ("GHS05" in found and why <= _IRRITATION)
            or ("H334" in base and why <= _SENSITISATION)
        ):
            del found["GHS07"]
    return sorted(found)


_RED = "#e00000"
_FRAME = (
    '<polygon points="50,3 97,50 50,97 3,50" fill="#fff" stroke="{red}" stroke-width="7" '
    'stroke-linejoin="miter"/>'
)
_FLAME = (
    '<path d="M50 22c6 9 14 15 14 27 0 5-2 9-5 12 1-5-1-9-4-12 0 6-3 9-5 11 1-6-2-10-5-13-1 7-6 '
    '10-6 17 0 3 1 5 2 7-6-3-9-9-9-15 0-12 12-18 18-34z"/>'
)
_SYMBOLS = {
    "GHS01": (  # exploding bomb
        '<circle cx="45" cy="58" r="13"/><path d="M52 46l6-7 3 3-6 7z"/>'
        '<path d="M62 34l4-6 1 7 6-3-4 6 7 1-7 2 3 6-6-4z"/>'
    ),
    "GHS02": _FLAME + '<rect x="30" y="68" width="40" height="4"/>',
    "GHS03": (  # flame over circle
        '<circle cx="50" cy="60" r="10" fill="none" stroke="#000" stroke-width="4"/>'
        '<path d="M50 22c5 7 11 11 11 20 0 4-2 7-4 9 1-4-1-7-3-9 0 5-2 7-4 8 1-5-2-8-4-10-1 '
        '5-5 8-5 13 0 2 1 4 2 5-5-2-7-7-7-11 0-9 9-14 14-25z"/>'
        '<rect x="30" y="73" width="40" height="4"/>'
    ),
    "GHS04": (  # gas cylinder
        '<rect x="28" y="44" width="44" height="16" rx="8"/><rect x="70" y="48" width="6" '
        'height="8"/>'
    ),
    "GHS05": (  # corrosion: liquid from two tubes onto a surface and a hand
        '<path d="M30 24l10 0-2 18-6 0z"/><path d="M60 24l10 0-2 18-6 0z"/>'
        '<circle cx="35" cy="50" r="2.5"/><circle cx="65" cy="50" r="2.5"/>'
        '<path d="M24 62h22v5h-22z"/><path d="M54 62c6-2 14-2 22 2v6h-22z"/>'
        '<path d="M24 70h52v4h-52z"/>'
    ),
    "GHS06": (  # skull and crossbones
        '<ellipse cx="50" cy="40" rx="13" ry="12"/><rect x="43" y="48" width="14" height="8" '
        'rx="2"/><circle cx="45" cy="39" r="3.5" fill="#fff"/><circle cx="55" cy="39" r="3.5" '
        'fill="#fff"/><path d="M30 58l40 16M70 58l-40 16" stroke="#000" stroke-width="5" '
        'stroke-linecap="round"/>'
    ),
    "GHS07": (  # exclamation mark
        '<path d="M45 26h10l-2 32h-6z"/><circle cx="50" cy="68" r="5"/>'
    ),
    "GHS08": (  # health hazard: torso with a star on the chest
        '<circle cx="50" cy="27" r="7"/><path d="M34 76c0-22 5-38 16-38s16 16 16 38z"/>'
        '<path d="M50 50l3 7 7 1-5 5 1 7-6-3-6 3 1-7-5-5 7-1z" fill="#fff"/>'
    ),
    "GHS09": (  # environment: dead tree and fish
        '<path d="M30 72v-30l-6-8M30 50l8-10M30 58l-7-6" stroke="#000" stroke-width="3.5" '
        'fill="none" stroke-linecap="round"/><rect x="22" y="72" width="56" height="3"/>'
        '<path d="M46 62c6-7 18-7 24 0-6 7-18 7-24 0zM70 62l7-5v10z"/>'
        '<circle cx="52" cy="61" r="1.5" fill="#fff"/>'
    ),
}


def svg(code: str) -> str:
    """One pictogram as a standalone SVG (100 x 100 units), with its code as the title."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" role="img">'
        f"<title>{code}: {NAMES[code]}</title>"
        + _FRAME.format(red=_RED)
        + f'<g fill="#000">{_SYMBOLS[code]}</g></svg>'
    )
