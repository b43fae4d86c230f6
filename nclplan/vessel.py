"""Pure: the vessels of a route, each sized from what goes into it.

A route names its vessels (``vessels:``) and says which step works in which (``vessel:`` on a
step; ``transfer:`` moves a vessel's whole contents into the step's vessel). What goes into a
vessel is what its steps name: the liquids and stock solutions (by volume) and the solids (by
mass) of the reagent lines, at the planned scale. Each kind of vessel comes in its own sizes and
has its own fill rule; a sealed vessel whose headspace holds a reagent (CO) keeps the published
headspace-to-liquid ratio instead.

The sizes are those sold as standard glassware and plasticware; the fill rules are common lab
practice, not numbers read in a paper: a stirred or evaporated round-bottom or Schlenk flask and
a heated sealed vial at most half full, a stirred vial three quarters, a conical centrifuge tube
four fifths, a beaker three fifths (so it can be stirred and poured).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nclplan.units import fmt_in, magnitude

if TYPE_CHECKING:
    from nclplan.models import Route, Step, Vessel
    from nclplan.scale import ScaledRoute


@dataclass(frozen=True)
class Kind:
    noun: str  # "round-bottom flask"
    sizes: tuple[float, ...]  # mL; for a mortar, its inner diameter in mm
    max_fill: float  # fraction of the size; for a mortar, grams of solid per mm of diameter
    larger: str | None = None  # the kind that takes over above the largest size


KINDS: dict[str, Kind] = {
    "vial": Kind("glass vial", (2, 4, 8, 20, 40), 0.75, larger="round-bottom"),
    "sealed-vial": Kind(
        "gas-tight septum-cap vial", (2, 4, 8, 20, 40, 60, 100, 250, 500, 1000), 0.5
    ),
    "round-bottom": Kind(
        "round-bottom flask", (5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000), 0.5
    ),
    "schlenk": Kind("Schlenk flask", (10, 25, 50, 100, 250, 500, 1000), 0.5),
    "beaker": Kind("beaker", (5, 10, 25, 50, 100, 150, 250, 400, 600, 1000, 2000, 3000, 5000), 0.6),
    "centrifuge-tube": Kind("centrifuge tube", (1.5, 15, 50), 0.8, larger="centrifuge-bottle"),
    "centrifuge-bottle": Kind("centrifuge bottle", (250, 500, 1000), 0.8),
    # An agate mortar grinds well up to about 1 g of solid per 50 mm of diameter (estimate).
    "mortar": Kind("agate mortar", (50, 65, 80, 100, 130, 150), 0.02),
}
MAX_TUBES = 6  # a bench centrifuge holds at least six tubes of each size
OPEN_HEAT_C = 40.0  # at or above this a step heats
OPEN_HEAT_HOURS = 0.5  # heating this long in an open vessel loses solvent
OPEN_HEAT_HOT_C = 60.0  # at or above this even a short heating in an open vessel does


@dataclass(frozen=True)
class SizedVessel:
    """A vessel at the planned scale: size, what it holds at its fullest, how full that is."""

    id: str
    kind: str  # as in the route, or the larger kind that took over
    noun: str
    label: str | None
    size: float | None  # mL (mortar: mm); None when no size holds the contents
    count: int  # centrifuge tubes needed; 1 for any other vessel
    liquid_ml: float
    solids_mg: float
    fill: float | None  # liquid (mortar: solids) over what the vessel may hold
    stir_bar: bool
    condenser: bool
    headspace_ratio: float | None  # planned gas over liquid (sealed vessel with a ratio)
    published_headspace_ratio: float | None
    source: str | None
    estimate: str | None

    def first_use(self) -> str:
        """How the step that first uses the vessel names it: size, fittings and fill."""
        n = f"{self.count} × " if self.count > 1 else _article(self.size)
        if self.kind == "mortar":
            mass = fmt_in(self.solids_mg, "mg")
            if self.size is None:
                return f"an {self.noun} (no standard size grinds {mass} well: work in portions)"
            return (
                f"an {self.noun} of {self.size:g} mm with its pestle "
                f"(for up to about {mass} of solids over its steps)"
            )
        if self.size is None:
            return (
                f"{self.noun}s (about {fmt_in(self.liquid_ml, 'mL')} in all: more than the "
                "largest one holds; split the batch)"
            )
        size = f"{self.size:g} mL"
        name = f"{n}{size} {self.noun}{'s' if self.count > 1 else ''}"
        fit = []
        if self.stir_bar:
            fit.append("a stir bar")
        if self.condenser:
            fit.append("a reflux condenser")
        if fit:
            name += " with " + " and ".join(fit)
        if self.headspace_ratio is not None:
            gas = self.size - self.liquid_ml
            pub = self.published_headspace_ratio
            tail = f"; published about {pub:.2g}" if pub is not None else ""
            return (
                f"{name} (it will hold {fmt_in(self.liquid_ml, 'mL')} of liquid under about "
                f"{fmt_in(gas, 'mL')} of gas: {self.headspace_ratio:.2g} times the liquid{tail})"
            )
        if self.liquid_ml <= 0:
            return name
        # Says what goes in, not what the flask holds: "it will hold up to 10 mL" read as the
        # capacity of a 25 mL flask.
        held = f"for up to about {fmt_in(self.liquid_ml, 'mL')} of liquid"
        if self.count > 1:
            each = self.liquid_ml / (self.size * self.count)
            return f"{name} ({held} in all: {each:.0%} full each)"
        return f"{name} ({held}: {self.liquid_ml / self.size:.0%} full)"

    def later_use(self) -> str:
        """How later steps name it."""
        return f"the {self.label or self.noun}"


def _article(size: float | None) -> str:
    """``a 25 mL``, ``an 8 mL``, ``an 18 mm``: the article as the number is spoken."""
    text = f"{size:g}" if size is not None else ""
    return "an " if text.startswith("8") or text.split(".")[0] in ("11", "18") else "a "


_NAMES = re.compile(r"\{([^{}:]*)\}")


@dataclass
class _Contents:
    liquid: float = 0.0
    solids: float = 0.0
    peak_liquid: float = 0.0
    peak_solids: float = 0.0

    def add(self, liquid: float, solids: float) -> None:
        self.liquid += liquid
        self.solids += solids
        self.peak_liquid = max(self.peak_liquid, self.liquid)
        self.peak_solids = max(self.peak_solids, self.solids)


def contents(scaled: ScaledRoute) -> dict[str, tuple[float, float]]:
    """Peak liquid (mL) and solids (mg) of each vessel: what its steps add and transfers bring.

    A reagent line counts once, in the first step that names it (a later step may name it again,
    "rinse with {hexane}"); as-needed lines (washes, pH adjustment) carry no amount.
    """
    by_id = {s.line.id: s for s in scaled.reagents}
    held = {v.id: _Contents() for v in scaled.route.vessels}
    counted: set[str] = set()
    for step in scaled.route.steps:
        if step.vessel is None:
            continue
        box = held[step.vessel]
        if step.transfer is not None:
            src = held[step.transfer]
            box.add(src.liquid, src.solids)
            src.liquid = src.solids = 0.0
        for name in _NAMES.findall(step.text):
            s = by_id.get(name)
            if s is None or name in counted:
                continue
            counted.add(name)
            liquid = 0.0 if s.volume is None or s.line.form == "gas" else magnitude(s.volume, "mL")
            solids = (
                magnitude(s.mass, "mg")
                if s.line.form == "solid" and s.volume is None and s.mass is not None
                else 0.0
            )
            box.add(liquid, solids)
    return {k: (c.peak_liquid, c.peak_solids) for k, c in held.items()}


def size_vessels(scaled: ScaledRoute) -> tuple[list[SizedVessel], list[str]]:
    """Every vessel of the route sized for the planned scale, and warnings where none fits."""
    held = contents(scaled)
    out: list[SizedVessel] = []
    warnings: list[str] = []
    for v in scaled.route.vessels:
        liquid, solids = held[v.id]
        sized, note = _size(v, liquid, solids)
        out.append(sized)
        if note:
            warnings.append(note)
    return out, warnings


def _size(v: Vessel, liquid: float, solids: float) -> tuple[SizedVessel, str | None]:
    kind_id: str = v.kind
    kind = KINDS[kind_id]
    count = 1
    size: float | None = None
    note = None
    ratio = None
    published = None
    if v.kind == "mortar":
        grams = solids / 1000
        size = next((d for d in kind.sizes if grams <= d * kind.max_fill), None)
        fill = None if size is None else grams / (size * kind.max_fill)
        if size is None:
            note = (
                f"{fmt_in(solids, 'mg')} of solids is more than an agate mortar of "
                f"{kind.sizes[-1]:g} mm grinds well: grind in portions or split the batch."
            )
    elif v.headspace_ratio is not None:
        published = magnitude_ratio(v)
        size = _headspace_size(kind.sizes, liquid, published)
        if size is not None and liquid > 0:
            ratio = (size - liquid) / liquid
        fill = None if size is None else liquid / size
        if size is None:
            note = (
                f"{fmt_in(liquid, 'mL')} with the published headspace needs more than a "
                f"{kind.sizes[-1]:g} mL sealed vessel: split the batch."
            )
    else:
        kind_id, size, count, note = _by_volume(kind_id, liquid)
        kind = KINDS[kind_id]
        fill = None if size is None else liquid / (size * count)
    return (
        SizedVessel(
            id=v.id,
            kind=kind_id,
            noun=kind.noun,
            label=v.label,
            size=size,
            count=count,
            liquid_ml=liquid,
            solids_mg=solids,
            fill=fill,
            stir_bar=v.stir_bar,
            condenser=v.condenser,
            headspace_ratio=ratio,
            published_headspace_ratio=published,
            source=v.source or (v.headspace_ratio.source if v.headspace_ratio else None),
            estimate=v.estimate or (v.headspace_ratio.estimate if v.headspace_ratio else None),
        ),
        note,
    )


def _by_volume(kind_id: str, liquid: float) -> tuple[str, float | None, int, str | None]:
    """Kind, size, count and a warning for a liquid volume: the smallest size within the fill
    rule; past the largest, the kind that takes over (a flask for a vial, bottles for tubes), or
    several centrifuge vessels (a centrifuge holds at least six), or no size (split the batch).
    """
    kind = KINDS[kind_id]
    size = next((s for s in kind.sizes if liquid <= s * kind.max_fill), None)
    if size is not None:
        return kind_id, size, 1, None
    centrifuge = kind_id.startswith("centrifuge")
    per = kind.sizes[-1] * kind.max_fill
    if centrifuge and (liquid <= MAX_TUBES * per or kind.larger is None):
        count = math.ceil(liquid / per)
        note = None
        if count > MAX_TUBES:
            note = (
                f"{fmt_in(liquid, 'mL')} fills {count} {kind.noun}s of {kind.sizes[-1]:g} mL: "
                "split the batch."
            )
        return kind_id, kind.sizes[-1], count, note
    if kind.larger is not None:
        return _by_volume(kind.larger, liquid)
    return (
        kind_id,
        None,
        1,
        f"{fmt_in(liquid, 'mL')} is more than a {kind.sizes[-1]:g} mL {kind.noun} holds "
        f"{kind.max_fill:.0%} full: split the batch.",
    )


HEADSPACE_TOLERANCE = 0.8  # at least this fraction of the published gas per liquid


def _headspace_size(sizes: tuple[float, ...], liquid: float, ratio: float) -> float | None:
    """The size whose gas-to-liquid ratio is nearest the published one (not much below it).

    Less headspace holds less CO, the reductant; much more changes how fast the gas is used up.
    Nearest on a log scale, so 0.97 for a published 1 beats 2.9.
    """
    if liquid <= 0:
        return sizes[0]
    fits = [s for s in sizes if (s - liquid) / liquid >= HEADSPACE_TOLERANCE * ratio]
    if not fits:
        return None
    return min(fits, key=lambda s: abs(math.log((s - liquid) / liquid / ratio)))


def magnitude_ratio(v: Vessel) -> float:
    from nclplan.units import Q

    assert v.headspace_ratio is not None
    return magnitude(Q(v.headspace_ratio.value, v.headspace_ratio.unit), "")


def heats_open(step: Step, vessel: Vessel | None) -> bool:
    """Does the step heat long enough, or hot enough, in an open vessel to lose its solvent?

    The rule: at or above 40 °C for half an hour or more, or at or above 60 °C at all, in a
    vessel neither sealed nor fitted with a reflux condenser. (Every solvent of the catalog boils
    between 40 °C, dichloromethane, and 111 °C, toluene; at 60 °C methanol, THF and acetone are
    within a few kelvin of boiling.)
    """
    from nclplan.units import Q

    if step.temperature is None or vessel is None:
        return False
    if vessel.condenser or vessel.kind == "sealed-vial":
        return False
    celsius = magnitude(Q(step.temperature.value, step.temperature.unit), "degC")
    if celsius < OPEN_HEAT_C:
        return False
    hours = (
        0.0 if step.duration is None else magnitude(Q(step.duration.value, step.duration.unit), "h")
    )
    return celsius >= OPEN_HEAT_HOT_C or hours >= OPEN_HEAT_HOURS


_CLOSURE = re.compile(r"condenser|reflux|sealed|closed|capped", re.I)


def _opened(vessel: Vessel) -> Vessel:
    """The same vessel without its condenser or seal: would the step heat it open?"""
    return vessel.model_copy(update={"condenser": False, "kind": "vial"})


def heating_problems(route: Route) -> list[tuple[int, str]]:
    """Steps that heat in an open vessel, or heat a closed one without saying so in the text.

    A heated step works in its own vessel or, without one, in the vessel last used. Returns
    (step index, problem) pairs, the problem ``"open"`` or ``"unsaid"``.
    """
    vessels = {v.id: v for v in route.vessels}
    current: Vessel | None = None
    out: list[tuple[int, str]] = []
    for i, step in enumerate(route.steps):
        if step.vessel is not None:
            current = vessels[step.vessel]
        if step.temperature is None or current is None:
            continue
        if heats_open(step, current):
            out.append((i, "open"))
        elif heats_open(step, _opened(current)) and not _CLOSURE.search(step.text):
            out.append((i, "unsaid"))
    return out


def heating_messages(route: Route) -> list[tuple[str, str]]:
    """``heating_problems`` as (field path, message) for ``nclplan check``."""
    out = []
    for i, problem in heating_problems(route):
        step = route.steps[i]
        assert step.temperature is not None
        if problem == "open":
            out.append(
                (
                    f"steps.{i}.temperature",
                    f"heats at {step.temperature.value:g} {step.temperature.unit} in an open "
                    "vessel: fit a condenser (condenser: true on the vessel) or use a "
                    "sealed-vial, and say so in the step",
                )
            )
        else:
            out.append(
                (
                    f"steps.{i}.text",
                    "heats in a vessel with a condenser or a seal: say so in the step "
                    "(condenser, reflux, sealed, closed, capped)",
                )
            )
    return out


def open_heating_warnings(route: Route) -> list[str]:
    """A plan warning for the steps a ``--set`` value turned into heating in an open vessel."""
    from nclplan.units import Q, fmt_condition

    steps = [route.steps[i] for i, problem in heating_problems(route) if problem == "open"]
    if not steps:
        return []
    names = [s.action.replace("_", " ") for s in steps]
    temps = sorted(
        {fmt_condition(Q(s.temperature.value, s.temperature.unit)) for s in steps if s.temperature}
    )
    which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return [
        f"{which.capitalize()} step{'s' if len(names) > 1 else ''} at {' / '.join(temps)}: "
        "in an open vessel the solvent evaporates; fit a reflux condenser or seal the vessel."
    ]
