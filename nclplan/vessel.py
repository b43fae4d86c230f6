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
four fifths, a beaker three fifths (so it can be stirred and poured), a separatory funnel three
quarters (so it can be shaken, inverted and vented).

Every kind also has a least workable fill, again common lab practice: a stirred or heated
flask, vial or beaker at least a tenth full (below that a stir bar is not covered and the liquid
spreads over the wall), a refluxed flask a fifth (the condensate film holds much of a small
batch), a separatory funnel a tenth (less is separated in a vial with a pipette), an agate
mortar at least about 20 mg of solid in the smallest one (below that the film left on the mortar
and pestle is a large share).
Below it a flask without a condenser, a beaker or a funnel becomes a vial; below the smallest
vessel's least fill the scale is refused, naming the smallest scale that works.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nclplan.errors import ScaleLimitError
from nclplan.units import article, fmt_in, magnitude

if TYPE_CHECKING:
    from nclplan.models import Route, Step, Vessel
    from nclplan.scale import ScaledRoute


@dataclass(frozen=True)
class Kind:
    noun: str  # "round-bottom flask"
    sizes: tuple[float, ...]  # mL; for a mortar, its inner diameter in mm
    max_fill: float  # fraction of the size; for a mortar, grams of solid per mm of diameter
    larger: str | None = None  # the kind that takes over above the largest size
    # The least workable fill, as a fraction of the size (a mortar: of what it grinds well).
    min_fill: float = 0.0
    smaller: str | None = None  # the kind that takes over below the smallest size's least fill
    # From this size on the vessel has another name (a 250 mL septum-capped vessel is a bottle).
    large: tuple[float, str] | None = None
    what: str = "work"  # what the least fill is needed for, as the refusal says it

    def noun_at(self, size: float | None) -> str:
        if self.large is not None and size is not None and size >= self.large[0]:
            return self.large[1]
        return self.noun


MIN_FILL = 0.1  # a tenth full: see the module docstring
# Under reflux a fifth: the film on the condenser and the walls holds a few tenths of a mL, which
# is most of a 0.5 mL batch in a 5 mL flask (common practice, an estimate).
REFLUX_MIN_FILL = 0.2
KINDS: dict[str, Kind] = {
    "vial": Kind(
        "glass vial",
        (2, 4, 8, 20, 40),
        0.75,
        larger="round-bottom",
        min_fill=MIN_FILL,
        what="stir and sample",
    ),
    # Serum vials go up to 100 mL; a septum-capped vessel of 250 mL or more is a bottle.
    "sealed-vial": Kind(
        "gas-tight septum-cap vial",
        (2, 4, 8, 20, 40, 60, 100, 250, 500, 1000),
        0.5,
        min_fill=MIN_FILL,
        large=(250, "gas-tight septum-capped bottle"),
        what="stir, heat and sample",
    ),
    "round-bottom": Kind(
        "round-bottom flask",
        (5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000),
        0.5,
        min_fill=MIN_FILL,
        smaller="vial",
        what="stir and reflux",
    ),
    "schlenk": Kind(
        "Schlenk flask",
        (10, 25, 50, 100, 250, 500, 1000),
        0.5,
        min_fill=MIN_FILL,
        what="stir under gas",
    ),
    "beaker": Kind(
        "beaker",
        (5, 10, 25, 50, 100, 150, 250, 400, 600, 1000, 2000, 3000, 5000),
        0.6,
        min_fill=MIN_FILL,
        smaller="vial",
    ),
    "centrifuge-tube": Kind("centrifuge tube", (1.5, 15, 50), 0.8, larger="centrifuge-bottle"),
    "centrifuge-bottle": Kind("centrifuge bottle", (250, 500, 1000), 0.8),
    # An agate mortar grinds well up to about 1 g of solid per 50 mm of diameter (estimate);
    # the least fill, 2 % of the smallest one's 1 g, is about 20 mg (estimate, see above).
    "mortar": Kind("agate mortar", (50, 65, 80, 100, 130, 150), 0.02, min_fill=0.02, what="grind"),
    # Squibb separatory funnels as sold; three quarters full at most, a tenth at least.
    "separatory-funnel": Kind(
        "separatory funnel",
        (60, 125, 250, 500, 1000, 2000),
        0.75,
        min_fill=MIN_FILL,
        smaller="vial",
        what="separate the phases",
    ),
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
            tail = f"; the route keeps about {pub:.2g}" if pub is not None else ""
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
            return (
                f"{name} ({held} in all: {each:.0%} full each; share the batch equally between "
                "them and treat each alike in the steps below)"
            )
        return f"{name} ({held}: {self.liquid_ml / self.size:.0%} full)"

    def later_use(self) -> str:
        """How later steps name it."""
        return f"the {self.label or self.noun}"


def _article(size: float | None) -> str:
    """``a 25 mL``, ``an 8 mL``, ``an 18 mm``: the article as the number is spoken."""
    return article(f"{size:g}" if size is not None else "") + " "


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
    """Every vessel of the route sized for the planned scale, and warnings where none fits.

    Raises ScaleLimitError where a vessel would hold too little to work in even in the
    smallest size of its kind (or of the kind that takes over below it).
    """
    held = contents(scaled)
    out: list[SizedVessel] = []
    warnings: list[str] = []
    for v in scaled.route.vessels:
        liquid, solids = held[v.id]
        sized, note = _size(v, liquid, solids)
        _refuse_too_little(sized)
        out.append(sized)
        if note:
            warnings.append(note)
    return out, warnings


def _refuse_too_little(v: SizedVessel) -> None:
    """Below the least fill of the smallest vessel there is nothing to stir, grind or sample.

    Only a vessel that is worked in is refused: stirred, refluxed, sealed (heated and sampled
    through the septum) or ground in; a plain vial that only holds a few microlitres is not.
    """
    kind = KINDS[v.kind]
    if v.fill is None or not kind.min_fill or v.size != kind.sizes[0]:
        return
    if not (v.stir_bar or v.condenser or v.kind in ("mortar", "sealed-vial")):
        return
    if v.kind == "mortar":
        held, least = v.solids_mg, kind.min_fill * kind.max_fill * kind.sizes[0] * 1000
        unit, what = "mg", "of solids"
        verb = "take"
    else:
        share = REFLUX_MIN_FILL if v.condenser else kind.min_fill
        held, least = v.liquid_ml, share * kind.sizes[0]
        unit, what = "mL", "of liquid"
        verb = "hold"
    if held <= 0 or held >= least * (1 - 1e-9):
        return
    size = f"{kind.sizes[0]:g} {'mm' if v.kind == 'mortar' else 'mL'}"
    refluxed = " and reflux" if v.condenser and "reflux" not in kind.what else ""
    shown = fmt_in(held, unit)
    if shown == fmt_in(least, unit):  # "would take 20.0 mg ... needs at least 20.0 mg"
        shown = f"{held:.4g} {unit}"
    raise ScaleLimitError(
        f"the {v.label or v.noun} would {verb} {shown} {what}, too little to "
        f"{kind.what}{refluxed} even in the smallest {kind.noun} ({size}, which needs at least "
        f"{fmt_in(least, unit)})",
        least / held,
    )


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
        elif ratio is not None and ratio > published * HEADSPACE_HIGH:
            note = _headspace_note(liquid, ratio, published)
    else:
        kind_id, size, count, note = _by_volume(kind_id, liquid, v.condenser)
        kind = KINDS[kind_id]
        fill = None if size is None else liquid / (size * count)
    return (
        SizedVessel(
            id=v.id,
            kind=kind_id,
            noun=kind.noun_at(size),
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


def _by_volume(
    kind_id: str, liquid: float, condenser: bool = False
) -> tuple[str, float | None, int, str | None]:
    """Kind, size, count and a warning for a liquid volume: the smallest size within the fill
    rule; past the largest, the kind that takes over (a flask for a vial, bottles for tubes), or
    several centrifuge vessels (a centrifuge holds at least six), or no size (split the batch);
    below the smallest size's least fill, the kind that takes over below it (a vial for a flask
    without a condenser, a beaker or a separatory funnel).
    """
    kind = KINDS[kind_id]
    if kind.smaller is not None and not condenser and 0 < liquid < kind.min_fill * kind.sizes[0]:
        return _by_volume(kind.smaller, liquid)
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
# At most this multiple of it before the plan warns: 0.8 to 1.25 is the same factor either way
# on a log scale, i.e. the CO held per liquid within about a quarter of the published amount
# (a judgement: the route's notes ask to keep the ratio; no paper gives a tolerance).
HEADSPACE_HIGH = 1 / HEADSPACE_TOLERANCE


def _headspace_note(liquid: float, ratio: float, published: float) -> str:
    """The sealed vessel holds more gas per liquid than published: say so and what would fit."""
    ideal = liquid * (1 + published)
    return (
        f"The sealed vessel holds {ratio:.2g} times the liquid's volume of gas, against about "
        f"{published:.2g} in the route (the plan accepts {HEADSPACE_TOLERANCE:g} to "
        f"{HEADSPACE_HIGH:g} times that): more CO per liquid can make the reduction faster. "
        f"Use a vessel of about {fmt_in(ideal, 'mL')} in all, or plan a scale whose liquid "
        "fills a standard size as the route does."
    )


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


# Boiling points (°C, 1 atm; CRC Handbook of Chemistry and Physics) of the common solvents that
# evaporate fast from an open vessel at room temperature, by CAS number so that a user's own
# reagent file is covered too. Solvents boiling above 70 °C (ethanol, water, toluene) lose little
# over hours in a hood and are left out.
VOLATILE_BP_C: dict[str, float] = {
    "60-29-7": 34.6,  # diethyl ether
    "75-09-2": 39.6,  # dichloromethane
    "67-64-1": 56.1,  # acetone
    "67-66-3": 61.2,  # chloroform
    "67-56-1": 64.7,  # methanol
    "109-99-9": 66.0,  # tetrahydrofuran
    "110-54-3": 68.7,  # n-hexane
}
# Two hours or more: a published hour of stirring loses little; 6 h of THF or 48 h open in a
# hood's air flow lose much of a few millilitres (a judgement).
OPEN_STIR_HOURS = 2.0
_CLOSED = re.compile(r"condenser|reflux|sealed|closed|capped|stopper|septum", re.I)
_NEVER_OPEN = ("sealed-vial", "centrifuge-tube", "centrifuge-bottle", "mortar")


def open_volatile_warnings(scaled: ScaledRoute, numbers: list[int]) -> list[str]:
    """Steps that keep a volatile solvent in an open vessel for OPEN_STIR_HOURS or more, unheated.

    The open-heating rule covers heated steps; here the step stands or stirs at room
    temperature (48 h of THF "open to air" while NaBH4 still gives off hydrogen). The fitting
    that keeps the solvent but lets gas out: a loose stopper, or a septum with a vent needle.
    ``numbers`` are the plan's step numbers of the route's steps.
    """
    from nclplan.units import Q

    route = scaled.route
    vessels = {v.id: v for v in route.vessels}
    lines = {s.line.id: s for s in scaled.reagents}
    held: dict[str, set[str]] = {v: set() for v in vessels}
    out: list[str] = []
    current: str | None = None
    for number, step in zip(numbers, route.steps, strict=True):
        current = step.vessel or current
        if current is None:
            continue
        if step.transfer is not None:
            held[current] |= held[step.transfer]
        for name in _NAMES.findall(step.text):
            s = lines.get(name)
            if s is not None and s.reagent.cas in VOLATILE_BP_C:
                held[current].add(s.reagent.label)
        v = vessels[current]
        if step.duration is None or not held[current] or v.condenser or v.kind in _NEVER_OPEN:
            continue
        hours = magnitude(Q(step.duration.value, step.duration.unit), "h")
        celsius = (
            None
            if step.temperature is None
            else magnitude(Q(step.temperature.value, step.temperature.unit), "degC")
        )
        if hours < OPEN_STIR_HOURS or (celsius is not None and celsius >= OPEN_HEAT_C):
            continue
        if _CLOSED.search(step.text):
            continue
        names = sorted(held[current])
        out.append(
            f"Step {number} keeps {' and '.join(names)} in an open vessel for "
            f"{hours:.3g} h: it evaporates. Close the vessel loosely (a loose glass stopper, or "
            "a septum pierced with a vent needle): gas still gets out and air in, and the "
            "solvent stays; top it up to its volume if it falls."
        )
    return out
