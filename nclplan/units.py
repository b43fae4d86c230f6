"""The one pint registry of the program, and the one place where numbers are rounded.

The registry is built lazily from ``units.txt`` (a short definitions file, not pint's full set)
so that commands which never touch a quantity do not pay for it, and those that do pay ~15 ms
instead of ~300 ms.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from nclplan.errors import ScaleError
from nclplan.safetext import short

if TYPE_CHECKING:
    import pint
    from pint.facets.plain import PlainUnit

# Canonical output units of the JSON contract (schema_version "2"; unchanged since "1").
CANONICAL = {
    "[mass]": "mg",
    "[substance]": "mmol",
    "[length] ** 3": "mL",
    "[substance] / [length] ** 3": "mM",
    "[mass] / [length] ** 3": "mg/mL",
    "[temperature]": "degC",
    "[time]": "min",
    "[mass] / [substance]": "g/mol",
    "1 / [time]": "rpm",
    "[length]": "nm",  # wavelengths
    "dimensionless": "",
}


def _pint() -> Any:
    """pint, imported so that it does not import numpy and scipy.

    pint imports numpy (and scipy) whenever they are installed, ~0.2 s before a plan can start;
    nclplan never gives pint arrays, and numpy is installed only for ``nclplan verify``. Hiding
    them during pint's first import keeps ``route`` start-up as it was; they stay importable
    for everything else afterwards.
    """
    import sys

    if "pint" in sys.modules:
        return sys.modules["pint"]
    hidden = [name for name in ("numpy", "scipy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import numpy` fail
    try:
        import pint
    finally:
        for name in hidden:
            del sys.modules[name]
    return pint


@lru_cache(maxsize=1)
def ureg() -> pint.UnitRegistry[Any]:
    """The single unit registry; built once per process."""
    lib = _pint()
    path = resources.files("nclplan").joinpath("units.txt")
    with resources.as_file(path) as defs:
        reg: pint.UnitRegistry[Any] = lib.UnitRegistry(
            str(defs), autoconvert_offset_to_baseunit=True, cache_folder=None
        )
    return reg


@lru_cache(maxsize=1024)
def is_unit(text: str) -> bool:
    """Whether the registry knows ``text`` as a unit (cached: a catalog repeats a few units)."""
    try:
        ureg().Unit(text)
    except Exception:  # pint raises several unrelated types for bad unit text
        return False
    return True


def Q(value: Any, unit: str | PlainUnit | None = None) -> pint.Quantity[Any]:
    """A quantity of the program's registry: ``Q("10 mM")``, ``Q(10, "mM")``, ``Q(10, q.units)``."""
    reg = ureg()
    if unit is None:
        return reg.Quantity(value)
    return reg.Quantity(value, U(unit) if isinstance(unit, str) else unit)


@lru_cache(maxsize=256)
def U(text: str) -> pint.Unit:
    """A unit of the registry, parsed once per spelling (pint re-parses strings every time)."""
    return ureg().Unit(text)


_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


# A unit as typed at the command line: a symbol, optionally "per" a second one. No spaces, powers
# or arithmetic, which pint would evaluate ("mg mg" is mg², "2*3 g" is 6 g).
_UNIT_TEXT = re.compile(r"^[A-Za-zµμ°%]+(?:/[A-Za-zµμ°]+)?$")


def parse_quantity(text: str, *, what: str) -> pint.Quantity[Any]:
    """Parse a number with a unit as a user writes it (``50mg``, ``0.4 mmol``, ``50 µg``).

    Only ``<number><unit>`` is accepted: pint would evaluate arithmetic such as ``2*3 g``, which
    is never what a chemist typing a scale means and hides typos.
    """
    match = _NUMBER_UNIT.match(text)
    if not match:
        raise ScaleError(f"{what}: cannot read {short(text)!r} as a number with a unit (e.g. 50mg)")
    number, unit = match.groups()
    if "," in number:
        raise ScaleError(f"{what}: use a decimal point, not a comma, in {short(text)!r}")
    value = float(number)
    if not math.isfinite(value):
        raise ScaleError(f"{what}: {short(text)!r} is not a finite number")
    if not unit:
        raise ScaleError(f"{what}: {short(text)!r} has no unit (e.g. 50mg, 0.4mmol or 2x)")
    if not _UNIT_TEXT.match(unit):
        raise ScaleError(
            f"{what}: cannot read unit {short(unit)!r} in {short(text)!r} (e.g. mg, g, mmol)"
        )
    lib = _pint()
    try:
        units = ureg().Unit(unit)
    except (
        lib.errors.UndefinedUnitError,
        lib.errors.DefinitionSyntaxError,
        ValueError,
        TypeError,
        AttributeError,
        AssertionError,
        KeyError,
    ) as exc:
        raise ScaleError(f"{what}: unknown unit {short(unit)!r} in {short(text)!r}") from exc
    return ureg().Quantity(value, units)


def _ukey(q: pint.Quantity[Any]) -> Any:
    # pint builds a new Unit object on every ``q.units``; the hashable container behind it is
    # free to read. The public attribute stays the fallback should pint rename it.
    key = getattr(q, "_units", None)
    return q.units if key is None else key


@lru_cache(maxsize=512)
def _linear_factor(src: Any, dst: str) -> float | None:
    """The multiplier from ``src`` to ``dst``; None where conversion has an offset (°C)."""
    if "[temperature]" in _dim_of(src):
        return None
    return float(ureg().Quantity(1.0, src).to(U(dst)).magnitude)


def magnitude(q: pint.Quantity[Any], unit: str) -> float:
    """``q`` as a float in ``unit``.

    pint's ``to()`` costs ~50 µs and a plan makes ~100 of them (a sweep, thousands); the factor
    between two units is the same every time, so it is computed once per pair.
    """
    factor = _linear_factor(_ukey(q), unit)
    if factor is None:
        return float(q.to(U(unit)).magnitude)
    return float(q.magnitude) * factor


def convert(value: float, unit: str, to: str) -> float:
    """A plain number in ``unit`` as a number in ``to`` (cached factor; °C and K via pint)."""
    factor = _linear_factor(_unit_key(unit), to)
    if factor is None:
        return float(ureg().Quantity(value, U(unit)).to(U(to)).magnitude)
    return value * factor


def dimension(unit: str) -> str:
    """``"[temperature]"``, ``"[time]"``, ``"dimensionless"``, ... of a unit's spelling."""
    return _dim_of(_unit_key(unit))


@lru_cache(maxsize=256)
def _unit_key(unit: str) -> Any:
    return _ukey(ureg().Quantity(1.0, U(unit)))


def dim_key(q: pint.Quantity[Any]) -> str:
    """The dimensionality of a quantity as a key of CANONICAL."""
    return _dim_of(_ukey(q))


@lru_cache(maxsize=256)
def _dim_of(units: Any) -> str:
    # Formatting a dimensionality is slow in pint; a plan asks it for the same few units.
    return str(ureg().get_dimensionality(units))


def canonical_unit(q: pint.Quantity[Any]) -> str:
    """The JSON contract's unit for this quantity's dimension."""
    try:
        return CANONICAL[dim_key(q)]
    except KeyError as exc:  # a catalog quantity of a kind the contract has no unit for
        raise ValueError(f"no canonical unit for {q.dimensionality}") from exc


def round_sig(x: float, sig: int) -> float:
    """Round to ``sig`` significant figures (0 stays 0)."""
    if x == 0 or not math.isfinite(x):
        return x
    digits = sig - math.floor(math.log10(abs(x))) - 1
    return round(x, digits)


# Significant figures. JSON keeps 6 (no float noise such as 0.30000000000000004, and more than
# any balance or pipette resolves); people read 3, what a balance or pipette realistically gives.
JSON_SIG = 6
DISPLAY_SIG = 3


def to_json(q: pint.Quantity[Any] | None) -> dict[str, Any] | None:
    """``{"value": number, "unit": "..."}`` in the canonical unit, or None."""
    if q is None:
        return None
    value, unit = _json_pair(float(q.magnitude), _ukey(q))
    return {"value": value, "unit": unit}


@lru_cache(maxsize=8192)
def _json_pair(value: float, units: Any) -> tuple[float, str]:
    # Memoised by value, like _fmt: most numbers of a plan recur across a sweep.
    q = ureg().Quantity(value, units)
    unit = canonical_unit(q)
    return round_sig(magnitude(q, unit), JSON_SIG), unit


# Display units, chosen per dimension so that a number reads naturally at the bench.
_DISPLAY_LADDERS: dict[str, list[tuple[str, str, float]]] = {
    # (pint unit, printed unit, use it when magnitude in that unit >= threshold)
    "[mass]": [("kg", "kg", 1.0), ("g", "g", 1.0), ("mg", "mg", 1.0), ("µg", "µg", 0.0)],
    "[substance]": [
        ("mol", "mol", 1.0),
        ("mmol", "mmol", 1.0),
        ("µmol", "µmol", 1.0),
        ("nmol", "nmol", 0.0),
    ],
    "[length] ** 3": [("L", "L", 1.0), ("mL", "mL", 1.0), ("µL", "µL", 0.0)],
    "[substance] / [length] ** 3": [("M", "M", 1.0), ("mM", "mM", 1.0), ("µM", "µM", 0.0)],
    "[mass] / [length] ** 3": [("mg/mL", "mg/mL", 0.0)],
    "[temperature]": [("degC", "°C", -math.inf)],
    "[time]": [("day", "d", 7.0), ("h", "h", 1.0), ("min", "min", 1.0), ("s", "s", 0.0)],
    "1 / [time]": [("rpm", "rpm", 0.0)],
    "[mass] / [substance]": [("g/mol", "g/mol", 0.0)],
}


def fmt_number(x: float, sig: int = DISPLAY_SIG, *, trailing: bool = True) -> str:
    """A number with ``sig`` significant figures and no exponent.

    Amounts keep trailing zeros (``2.50 mL`` says the pipette's resolution); conditions do not
    (``25 °C``, ``12 h``), since there the zeros would claim a precision the paper never gave.
    """
    if x == 0:
        return "0"
    r = round_sig(x, sig)
    digits = sig - math.floor(math.log10(abs(r))) - 1
    text = f"{r:.0f}" if digits <= 0 else f"{r:.{digits}f}"
    if not trailing and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def fmt(q: pint.Quantity[Any] | None, sig: int = DISPLAY_SIG, *, trailing: bool = True) -> str:
    """Human form of a quantity: ``75.7 mg``, ``2.50 mL``, ``25 °C``, ``12 h``."""
    if q is None:
        return "–"
    # Memoised by value: a plan prints the same quantity in several places, a sweep thousands.
    return _fmt(float(q.magnitude), _ukey(q), sig, trailing)


def fmt_in(value: float, unit: str, sig: int = DISPLAY_SIG) -> str:
    """``fmt`` of a plain number in ``unit``, without building a quantity for it."""
    return _fmt(float(value), _unit_key(unit), sig, True)


@lru_cache(maxsize=8192)
def _fmt(value: float, units: Any, sig: int, trailing: bool) -> str:
    q = ureg().Quantity(value, units)
    key = dim_key(q)
    if key == "dimensionless":
        return fmt_number(magnitude(q, ""), sig, trailing=trailing)
    ladder = _DISPLAY_LADDERS.get(key)
    if ladder is None:
        return f"{fmt_number(float(q.magnitude), sig, trailing=trailing)} {q.units:~P}"
    for unit, label, threshold in ladder:
        mag = magnitude(q, unit)
        # Compare after rounding: 999.6 µmol prints as 1.00 mmol, not as "1000 µmol".
        if abs(float(f"{mag:.{sig}g}")) >= threshold:
            return f"{fmt_number(mag, sig, trailing=trailing)} {label}"
    unit, label, _ = ladder[-1]
    return f"{fmt_number(magnitude(q, unit), sig, trailing=trailing)} {label}"


def fmt_condition(q: pint.Quantity[Any] | None) -> str:
    """A time, temperature, pH or speed as a protocol states it (no padded zeros)."""
    return fmt(q, 3, trailing=False)


def fmt_stated(value: float, unit: str) -> str:
    """A catalog number as a protocol states it: ``37 °C``, ``12 h``, ``11.6`` (pH), ``50 %``."""
    if not unit:
        return fmt_number(value, 3, trailing=False)
    if unit in ("%", "percent"):
        return f"{fmt_number(value, 3, trailing=False)} %"
    return fmt_condition(Q(value, unit))


def article(spoken: str) -> str:
    """``an`` before a number spoken with a vowel sound (8, 80-89, 11, 18: "an 8.49 mg/mL
    stock", "an 18 mm mortar"), else ``a``."""
    whole = spoken.strip().split(".")[0]
    return "an" if whole.startswith("8") or whole in ("11", "18") else "a"
