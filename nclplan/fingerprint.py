"""How a fingerprint is named and written: each kind of quantity in its own unit.

One place decides this for every output, so a molecular mass can never again be printed as a
mass of substance (25 kDa is the mass of one particle, not micrograms to weigh).
"""

from __future__ import annotations

from typing import Any

from nclplan.models import FINGERPRINT_UNITS, Fingerprint, Num
from nclplan.units import Q, fmt_number, magnitude, round_sig

_KIND_WORDS = {
    "absorption": "absorption",
    "emission": "emission maximum",
    "excitation": "excitation",
    "mz": "m/z",
    "molecular_mass": "molecular mass",
    "quantum_yield": "quantum yield",
    "size": "size",
}
_METHOD_WORDS = {
    "uv-vis": "UV-vis",
    "photoluminescence": "PL",
    "esi-ms": "ESI-MS",
    "maldi-ms": "MALDI-MS",
    "tem": "TEM",
}


def superscript_charge(charge: int) -> str:
    """``-3`` -> ``3−`` as a mass spectrometrist writes an ion's charge."""
    sign = "−" if charge < 0 else "+"
    return f"{abs(charge)}{sign}" if abs(charge) != 1 else sign


def label(f: Fingerprint) -> str:
    """``UV-vis absorption``, ``ESI-MS m/z (3−)``, ``MALDI-MS molecular mass``."""
    words = _KIND_WORDS[f.kind]
    method = _METHOD_WORDS.get(f.method or "", f.method or "")
    if f.kind == "emission" and method == "PL":
        method = ""
    if f.kind in ("excitation", "size") and method:
        text = f"{words} ({method})"
    else:
        text = f"{method} {words}".strip()
    if f.charge is not None:
        text += f" ({superscript_charge(f.charge)})"
    return text[0].upper() + text[1:]


def value_in_unit(f: Fingerprint, n: Num) -> float:
    """The number in the kind's export unit (nm, Da, %, plain m/z)."""
    unit = FINGERPRINT_UNITS[f.kind]
    if f.kind == "mz":
        return n.value
    return magnitude(Q(n.value, n.unit), unit)


def value_text(f: Fingerprint, n: Num) -> str:
    """One value as printed: ``670 nm``, ``1868`` (the label says m/z), ``25 kDa``, ``10.7 %``."""
    if f.kind == "mz":
        return fmt_number(n.value, 6, trailing=False)
    if f.kind == "molecular_mass":
        da = value_in_unit(f, n)
        if da >= 1000:
            return f"{fmt_number(da / 1000, 4, trailing=False)} kDa"
        return f"{fmt_number(da, 6, trailing=False)} Da"
    unit = FINGERPRINT_UNITS[f.kind]
    return f"{fmt_number(value_in_unit(f, n), 4, trailing=False)} {unit}"


def values_text(f: Fingerprint) -> str:
    return ", ".join(value_text(f, n) for n in f.values)


def values_json(f: Fingerprint) -> list[dict[str, Any]]:
    unit = FINGERPRINT_UNITS[f.kind]
    return [{"value": round_sig(value_in_unit(f, n), 6), "unit": unit} for n in f.values]
