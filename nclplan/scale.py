"""Pure scaling: a route's published recipe and a requested scale -> scaled amounts.

Every amount is the published amount times one factor, so every ratio (thiol:metal,
reductant:metal, TOABr:metal) and every concentration of the published recipe is kept. The
factor comes from the request: a multiple (``2x``), an amount of metal (``0.4mmol``), or a mass
of isolated product (``50mg``), which goes through the product's molar mass as isolated
(counterion included) and the expected yield on a metal basis.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from nclplan import chemistry
from nclplan.errors import ScaleError
from nclplan.models import Num, Reagent, ReagentLine, Route, reason_of
from nclplan.safetext import short
from nclplan.units import Q, U, fmt, fmt_number, magnitude, parse_quantity

if TYPE_CHECKING:
    import pint

    _Q = pint.Quantity[Any] | None
    _Amounts = tuple[_Q, _Q, _Q, _Q, _Q]  # molar mass, amount, mass, volume, concentration

Basis = Literal["factor", "product_mass", "metal_amount"]

# A factor outside this range is not a plan but a typo (1e-4 of a 0.4 mmol recipe is 40 nmol of
# gold, 1e4 is 1.6 kg of HAuCl4·3H2O).
MIN_FACTOR, MAX_FACTOR = 1e-4, 1e4
# Far from the published scale, heat and mass transfer change: say so.
WARN_LOW, WARN_HIGH = 0.2, 5.0


@dataclass(frozen=True)
class ScaleRequest:
    text: str
    basis: Basis
    factor: float | None = None  # basis "factor"
    quantity: pint.Quantity[Any] | None = None  # mass or amount of substance


_FACTOR_RE = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*[x×]\s*$", re.I)


def parse_scale(text: str) -> ScaleRequest:
    """``2x`` / ``0.5x`` (multiple of the published scale), ``50mg`` / ``0.05g`` (isolated
    product), ``0.4mmol`` (metal in the precursor)."""
    m = _FACTOR_RE.match(text)
    if m:
        factor = float(m.group(1))
        if not math.isfinite(factor) or factor <= 0:
            raise ScaleError(f"--scale {short(text)!r}: the factor must be a positive number")
        return ScaleRequest(text, "factor", factor=factor)
    try:
        bare = float(text)
    except ValueError:
        bare = None
    if bare is not None and not bare > 0:  # "0" is not a quantity without a unit: it is no scale
        raise ScaleError(f"--scale {short(text)!r}: must be positive (e.g. 50mg, 0.4mmol or 2x)")
    q = parse_quantity(text, what=f"--scale {short(text)!r}")
    if q.magnitude <= 0:
        raise ScaleError(f"--scale {short(text)!r}: must be positive")
    if q.check("[mass]"):
        return ScaleRequest(text, "product_mass", quantity=q)
    if q.check("[substance]"):
        return ScaleRequest(text, "metal_amount", quantity=q)
    kind = "a volume" if q.check("[length] ** 3") else f"a {q.dimensionality}"
    raise ScaleError(
        f"--scale {short(text)!r} is {kind}; give a product mass (50mg), an amount of "
        "metal (0.4mmol) or a multiple of the route's recipe (2x)"
    )


def parse_yield(text: str) -> float:
    """``35%`` or ``0.35`` -> 0.35; must be in (0, 1]."""
    s = text.strip()
    try:
        value = float(s[:-1]) / 100 if s.endswith("%") else float(s)
    except ValueError:
        raise ScaleError(
            f"--yield {short(text)!r}: give a percentage such as 35% (or 0.35)"
        ) from None
    if not s.endswith("%") and 1 < value <= 100:
        raise ScaleError(f"--yield {short(text)!r}: a fraction is at most 1; did you mean {s}%?")
    if not math.isfinite(value) or not 0 < value <= 1:
        raise ScaleError(f"--yield {short(text)!r}: a yield is more than 0% and at most 100%")
    return value


@dataclass(frozen=True)
class ScaledReagent:
    line: ReagentLine
    reagent: Reagent
    molar_mass: pint.Quantity[Any] | None  # of the form weighed (hydrate included)
    amount: pint.Quantity[Any] | None  # of substance (solute for a solution)
    mass: pint.Quantity[Any] | None  # to weigh (solute for a solution; purity included)
    volume: pint.Quantity[Any] | None  # of liquid, or of stock solution
    concentration: pint.Quantity[Any] | None  # of the stock
    equivalents: float | None  # per metal atom of the precursor
    source: str | None
    estimate: str | None


@dataclass(frozen=True)
class ExpectedYield:
    value: float  # fraction
    basis: str
    source: str | None  # reference key, or None when given by the user
    estimate: str | None
    overridden: bool


@dataclass(frozen=True)
class ScaledRoute:
    route: Route
    request: ScaleRequest
    factor: float
    metal_amount: pint.Quantity[Any]  # metal atoms in the precursor, scaled
    product_molar_mass: pint.Quantity[Any] | None
    product_mass: pint.Quantity[Any] | None
    product_amount: pint.Quantity[Any] | None
    expected_yield: ExpectedYield | None
    reagents: list[ScaledReagent]
    warnings: list[str]


def reagent_molar_mass(reagent: Reagent) -> pint.Quantity[Any] | None:
    if reagent.formula:
        return Q(chemistry.molar_mass(chemistry.normalize_hydrate(reagent.formula)), "g/mol")
    if reagent.molar_mass is not None:
        return Q(reagent.molar_mass.value, reagent.molar_mass.unit).to(U("g/mol"))
    return None


def _q(n: Num | None) -> pint.Quantity[Any] | None:
    return None if n is None else Q(n.value, n.unit)


class _Same:
    """A cache key by identity: catalog models are frozen but unhashable (they hold lists).

    The key holds its object, so an id cannot be reused while the entry lives.
    """

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj


def published_amounts(line: ReagentLine, reagent: Reagent) -> ScaledReagent:
    """The line at the published scale (factor 1), every form converted to amount/mass/volume."""
    mm, amount, mass, volume, conc = _amounts(
        _Same(reagent),
        line.form,
        line.as_needed,
        *(_nk(n) for n in (line.amount, line.mass, line.volume, line.concentration, line.purity)),
    )
    return ScaledReagent(
        line=line,
        reagent=reagent,
        molar_mass=mm,
        amount=amount,
        mass=mass,
        volume=volume,
        concentration=conc,
        equivalents=None,
        source=line.source,
        estimate=line.estimate,
    )


def _nk(n: Num | None) -> tuple[float, str] | None:
    return None if n is None else (n.value, n.unit)


@lru_cache(maxsize=4096)
def _amounts(
    key: _Same,
    form: str,
    as_needed: bool,
    amount_n: tuple[float, str] | None,
    mass_n: tuple[float, str] | None,
    volume_n: tuple[float, str] | None,
    conc_n: tuple[float, str] | None,
    purity_n: tuple[float, str] | None,
) -> _Amounts:
    """Molar mass, amount, mass, volume and concentration of a line's numbers.

    Cached by value: a sweep plans the same lines (and, over a ratio grid, the same few
    amounts) thousands of times, and pint arithmetic is the slow part of a plan.
    """
    reagent = key.obj
    assert isinstance(reagent, Reagent)

    def q(n: tuple[float, str] | None) -> pint.Quantity[Any] | None:
        return None if n is None else Q(*n)

    mm = reagent_molar_mass(reagent)
    density = _q(reagent.density)
    purity = 1.0 if purity_n is None else float(Q(*purity_n).to(U("")).magnitude)
    amount = mass = volume = conc = None
    if as_needed or form == "gas":
        conc = q(conc_n)  # the stock an as-needed pH adjustment takes from (1 M NaOH)
    elif form == "solution":
        volume, conc = q(volume_n), q(conc_n)
        assert volume is not None and conc is not None
        if conc.check("[substance] / [length] ** 3"):
            amount = (volume * conc).to(U("mmol"))
            mass = (amount * mm / purity).to(U("mg")) if mm is not None else None
        else:  # a mass concentration, e.g. a protein in mg/mL
            mass = (volume * conc).to(U("mg"))
            amount = (mass * purity / mm).to(U("mmol")) if mm is not None else None
    else:
        if mass_n is not None:
            mass = q(mass_n)
        elif amount_n is not None:
            amount = q(amount_n)
            mass = (amount * mm / purity) if mm is not None else None
        elif volume_n is not None:
            volume = q(volume_n)
            mass = volume * density if density is not None else None
        if mass is not None and volume is None and form == "liquid" and density is not None:
            volume = mass / density
        if amount is None and mass is not None and mm is not None:
            amount = mass * purity / mm
    return (
        mm,
        None if amount is None else amount.to(U("mmol")),
        None if mass is None else mass.to(U("mg")),
        None if volume is None else volume.to(U("mL")),
        conc,
    )


def _times(x: pint.Quantity[Any] | None, k: float) -> pint.Quantity[Any] | None:
    # Q(m * k, units) is a third of the cost of pint's ``x * k``, which re-checks the units.
    return None if x is None else Q(float(x.magnitude) * k, x.units)


def metal_atoms_per_unit(route: Route, reagent: Reagent) -> int:
    if reagent.formula is None:
        raise ScaleError(f"metal precursor {route.metal_line.reagent!r} has no formula")
    return chemistry.atoms_of(chemistry.normalize_hydrate(reagent.formula), route.target.metal)


def product_molar_mass(route: Route) -> pint.Quantity[Any] | None:
    """Molar mass of the product as isolated: the cluster plus its counterions."""
    t = route.target
    if t.formula is None:
        return None
    cluster = chemistry.parse_cluster(t.formula)
    mm = chemistry.molar_mass(cluster.text)
    if t.counterion is not None and t.counterion_charge:
        mm += abs(t.charge // t.counterion_charge) * chemistry.molar_mass(t.counterion)
    return Q(mm, "g/mol")


def scale_route(
    route: Route,
    reagents: dict[str, Reagent],
    request: ScaleRequest,
    yield_override: float | None = None,
) -> ScaledRoute:
    """Scale ``route`` to ``request``. Pure: no I/O."""
    published = [published_amounts(line, reagents[line.reagent]) for line in route.reagents]
    metal_pub = next(p for p in published if p.line.role == "metal-precursor")
    if metal_pub.amount is None:
        raise ScaleError(f"{route.id}: the metal precursor's amount cannot be computed")
    per_unit = metal_atoms_per_unit(route, metal_pub.reagent)
    # Plain floats in fixed units from here on: pint arithmetic is the slow part of a sweep, and
    # the units are pinned by the conversions (mmol x g/mol = mg).
    metal_ref_mmol = magnitude(metal_pub.amount, "mmol") * per_unit
    atoms = route.target.atom_count()
    mm_product = product_molar_mass(route)
    expected = expected_yield(route, yield_override)
    factor = _factor(route, request, metal_ref_mmol, mm_product, expected)
    scaled = [
        ScaledReagent(
            line=p.line,
            reagent=p.reagent,
            molar_mass=p.molar_mass,
            amount=_times(p.amount, factor),
            mass=_times(p.mass, factor),
            volume=_times(p.volume, factor),
            concentration=p.concentration,
            # Equivalents say something about reagents, not about the solvent a flask holds.
            equivalents=magnitude(p.amount, "mmol") / metal_ref_mmol
            if p.amount is not None and p.line.role not in ("solvent", "antisolvent")
            else None,
            source=p.source,
            estimate=p.estimate,
        )
        for p in published
    ]
    product_mass = product_amount = None
    if mm_product is not None and expected is not None and atoms is not None:
        product_mmol = metal_ref_mmol * factor * expected.value / atoms
        product_amount = Q(product_mmol, "mmol")
        product_mass = Q(product_mmol * magnitude(mm_product, "g/mol"), "mg")
    return ScaledRoute(
        route=route,
        request=request,
        factor=factor,
        metal_amount=Q(metal_ref_mmol * factor, "mmol"),
        product_molar_mass=mm_product,
        product_mass=product_mass,
        product_amount=product_amount,
        expected_yield=expected,
        reagents=scaled,
        warnings=_scale_warnings(route, factor),
    )


def expected_yield(route: Route, override: float | None) -> ExpectedYield | None:
    """The yield a product mass is converted with: the user's, else the route's, else none."""
    if override is not None:
        return ExpectedYield(override, "metal atom basis", None, None, True)
    if route.yield_ is None:
        return None
    y = route.yield_
    return ExpectedYield(
        magnitude(Q(y.value.value, y.value.unit), ""),
        y.basis,
        y.value.source or y.source,
        y.value.estimate or y.estimate,
        False,
    )


def _factor(
    route: Route,
    request: ScaleRequest,
    metal_ref_mmol: float,
    mm_product: pint.Quantity[Any] | None,
    expected: ExpectedYield | None,
) -> float:
    """The one factor every published amount is multiplied by, checked to be a usable plan."""
    metal_ref = Q(metal_ref_mmol, "mmol")
    if request.basis == "factor":
        assert request.factor is not None
        factor = request.factor
    elif request.basis == "metal_amount":
        assert request.quantity is not None
        factor = float((request.quantity / metal_ref).to(U("")).magnitude)
    else:
        assert request.quantity is not None
        if mm_product is None:
            raise ScaleError(
                f"--scale {request.text!r}: {route.target.name} has no defined formula, so a "
                f"product mass cannot be converted to metal ({route.target.mass_scaling}). "
                f"Scale by a multiple (--scale 2x) or by metal (--scale "
                f"{metal_ref_mmol:.3g}mmol is the route's amount of {route.target.metal}"
                f"{_metal_provenance(route)})."
            )
        if expected is None:
            raise ScaleError(
                f"--scale {request.text!r}: {route.id} reports no yield to convert product mass "
                "to metal; give one with --yield (e.g. --yield 30%) or scale by 2x or mmol"
            )
        atoms = route.target.atom_count()
        assert atoms is not None  # a formula gives the atom count
        metal_needed = request.quantity / mm_product * atoms / expected.value
        factor = float((metal_needed / metal_ref).to(U("")).magnitude)
    if not math.isfinite(factor) or factor <= 0:
        raise ScaleError(f"--scale {request.text!r}: gives no usable scale factor")
    if not MIN_FACTOR <= factor <= MAX_FACTOR:
        raise ScaleError(
            f"--scale {request.text!r} is {_beyond(factor)} times the "
            f"route's recipe; nclplan plans between {MIN_FACTOR:g}x and {MAX_FACTOR:g}x (the "
            f"route's scale: {fmt(metal_ref)} {route.target.metal}{_metal_provenance(route)})"
        )
    return factor


def _beyond(factor: float) -> str:
    """``more than 10000`` / ``less than 0.0001``: a refused factor in words, never as hundreds
    of digits or in scientific notation."""
    return f"more than {MAX_FACTOR:g}" if factor > MAX_FACTOR else f"less than {MIN_FACTOR:g}"


def _metal_provenance(route: Route) -> str:
    """``, itself an estimate`` where the route's metal amount was not read in a paper: a
    message must not call an assumed amount "published"."""
    line = route.metal_line
    nums = [n for k, n in line.numbers() if k != "purity"]
    if any(reason_of(n, line.estimate) for n in nums):
        return ", itself an estimate"
    return ", as read in the cited paper"


def _scale_warnings(route: Route, factor: float) -> list[str]:
    warnings: list[str] = []
    far = factor < WARN_LOW or factor > WARN_HIGH
    if far:
        warnings.append(
            f"This plan is {fmt_number(factor, 3, trailing=False)} times the route's scale: "
            "mixing, heat transfer, addition rates and work-up volumes do not scale linearly. "
            "Try the route's scale first."
        )
    warnings += [n.text for n in route.scale_notes if n.applies(factor)]
    return warnings
