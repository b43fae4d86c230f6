"""Pure: turn scaled amounts into amounts a bench can measure.

A balance weighs a few milligrams only to a few percent, and a pipette delivers a few microlitres
poorly. So: every stock solution of the recipe gets a preparation step with a weighable mass;
a solid too small to weigh becomes an aliquot of a stock, where the library allows the reagent
in solution (and fresh, if it must be). Vessels are sized in ``nclplan.vessel``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from nclplan.errors import ScaleError
from nclplan.units import Q, article, fmt, fmt_condition, fmt_in, magnitude

if TYPE_CHECKING:
    from nclplan.models import Route
    from nclplan.scale import ScaledReagent, ScaledRoute
    from nclplan.vessel import SizedVessel

# Volumetric flasks and cylinders a lab has (mL).
# 200 mL volumetric flasks are standard (ISO 1042 lists 200 mL): without them a 110 mL stock is
# made up to 250 mL, and for NaBH4 the spare is a quench hazard.
FLASKS_ML = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000)
MIN_STOCK_MG = 10.0  # weigh at least this much for a stock (±1 % on a 0.1 mg balance)
# Below these a plain balance or pipette is not accurate to a few percent.
MIN_WEIGH_MG = 5.0
MIN_WEIGH_ANY_MG = 1.0  # ±10 % on a 0.1 mg balance: weighed, with a warning, when no aliquot fits
MIN_ALIQUOT_ML = 0.1  # an aliquot of 100 µL or more where the vessel allows it
MIN_ALIQUOT_FLOOR_ML = 0.005  # below 5 µL an aliquot is no longer a reliable dose
# A stock made up for aliquots stays dilute enough to dissolve fully and be pipetted like the
# solvent: at most 50 mg/mL (a judgement; HAuCl4·3H2O at 50 mg/mL is ~0.13 M).
MAX_STOCK_MG_ML = 50.0


@dataclass(frozen=True)
class Prep:
    """One preparation instruction, shown as a step before the synthesis."""

    reagent_id: str
    text: str
    # A solution that must be fresh (NaBH4 hydrolyses) is made in the step right before the one
    # that uses it, not at the top of the plan an hour earlier.
    fresh: bool = False
    # What the chemist weighs and makes up (None for a bottle from the shelf): the shopping list
    # counts these, not the aliquot the recipe uses.
    weigh_mg: float | None = None
    make_up_ml: float | None = None
    solvent: str | None = None  # what the stock is made up in, as the step says it
    # What the plan takes of the stock (mg of the weighed form): the rest of ``weigh_mg`` is left
    # over, and for NaBH4 must be quenched.
    used_mg: float | None = None


def _nice_volume(at_least_ml: float) -> float:
    for v in FLASKS_ML:
        if v >= at_least_ml:
            return float(v)
    return float(math.ceil(at_least_ml / 1000) * 1000)


def _round_volume(ml: float) -> float:
    """What a pipette or cylinder is set to: 1 µL below 1 mL, 3 significant figures above."""
    if ml < 1:
        return round(ml, 3)
    digits = 2 - math.floor(math.log10(ml))
    return round(ml, max(digits, 0))


def practical(scaled: ScaledRoute) -> tuple[ScaledRoute, list[Prep]]:
    """The scaled route with bench-practical doses, and the preparation steps they need."""
    preps: list[Prep] = []
    warnings: list[str] = []
    reagents: list[ScaledReagent] = []
    taken: dict[str, float] = {}  # mL of a solvent line brought in by aliquots made up in it
    poured: dict[str, float] = {}  # mL of all aliquots into the vessel of a solvent line
    for s in scaled.reagents:
        line = s.line
        if line.as_needed or line.form == "gas" or line.stage != "synthesis":
            reagents.append(s)
            continue
        dosed = s
        if line.form == "solution":
            prep, note = _stock_for_solution(s)
            if prep:
                preps.append(prep)
            if note:
                warnings.append(note)
        elif (
            line.form == "solid"
            and s.mass is not None
            and s.reagent.stock_solvent
            and magnitude(s.mass, "mg") < MIN_WEIGH_MG
        ):
            into = _vessel_solvent(scaled, s)  # None: worked without solvent (a mortar)
            aliquot = None
            if into is not None:
                already = poured.get(into.line.id, 0.0)
                try:
                    aliquot = _aliquot_for_solid(s, into, scaled.factor, already)
                except ScaleError:
                    # No aliquot fits the vessel: a few milligrams are still weighed (and
                    # warned, below); less than that is no plan at all.
                    if magnitude(s.mass, "mg") < MIN_WEIGH_ANY_MG:
                        raise
            if aliquot is not None and into is not None:
                dosed, prep, note, carried = aliquot
                preps.append(prep)
                warnings.append(note)
                assert dosed.volume is not None
                poured[into.line.id] = already + magnitude(dosed.volume, "mL")
                if carried:
                    taken[into.line.id] = taken.get(into.line.id, 0.0) + carried
        warnings += _measurability(dosed)
        reagents.append(dosed)
    # An aliquot made up in the reaction's own solvent replaces that much of it.
    reagents = [
        _less_solvent(x, taken[x.line.id]) if x.line.id in taken and x.volume is not None else x
        for x in reagents
    ]
    return replace(scaled, reagents=reagents, warnings=scaled.warnings + warnings), preps


def _less_solvent(x: ScaledReagent, ml: float) -> ScaledReagent:
    """The solvent line less ``ml`` that a stock brings in: volume, mass and amount together.

    Reducing the volume alone printed "1.15 mL (1.25 g)" of water and the mmol of 1.25 mL.
    """
    assert x.volume is not None
    before = magnitude(x.volume, "mL")
    keep = (before - ml) / before if before > 0 else 1.0
    return replace(
        x,
        volume=Q(before - ml, "mL"),
        mass=None if x.mass is None else x.mass * keep,
        amount=None if x.amount is None else x.amount * keep,
    )


# What measures a volume well: the smallest common tool whose range holds it (adjustable
# pipettes P2 to P1000 and 5/10 mL pipettes are accurate to a few percent from ~10 % of their
# nominal volume up; cylinders above). Below 1 µL nothing at a bench delivers a few percent.
_TOOLS_ML: tuple[tuple[float, str], ...] = (
    (0.002, "2 µL pipette"),
    (0.010, "10 µL pipette or microsyringe"),
    (0.020, "20 µL pipette"),
    (0.200, "200 µL pipette"),
    (1.0, "1000 µL pipette"),
    (5.0, "5 mL pipette"),
    (10.0, "10 mL pipette"),
    (25.0, "25 mL graduated cylinder"),
    (50.0, "50 mL graduated cylinder"),
    (100.0, "100 mL graduated cylinder"),
    (250.0, "250 mL graduated cylinder"),
    (500.0, "500 mL graduated cylinder"),
    (1000.0, "1 L graduated cylinder"),
)
MIN_DELIVERABLE_ML = 0.001


def measuring_tool(ml: float) -> str:
    """The tool that measures ``ml`` well: ``10 µL pipette or microsyringe`` for 8.5 µL."""
    for top, tool in _TOOLS_ML:
        if ml <= top * 1.0001:
            return tool
    return "graduated cylinder, in portions"


def _measurability(s: ScaledReagent) -> list[str]:
    """What is still too small to measure after the doses above were chosen."""
    name = s.reagent.name
    out = []
    weighed = s.line.form == "solid" and s.volume is None  # not dosed from a stock
    if weighed and s.mass is not None and magnitude(s.mass, "mg") < MIN_WEIGH_MG:
        out.append(
            f"{name}: {fmt(s.mass)} is below what a 0.1 mg balance weighs to ±2%; weigh "
            "more and use an aliquot of a solution where the reagent allows it."
        )
    if s.volume is not None and magnitude(s.volume, "mL") < MIN_DELIVERABLE_ML:
        out.append(
            f"{name}: {fmt(s.volume)} is below what any pipette or microsyringe delivers "
            "well (1 µL); dilute a stock and take a larger volume."
        )
    return out


def _stock_for_solution(s: ScaledReagent) -> tuple[Prep | None, str | None]:
    """How to make up the stock a solution line doses from."""
    assert s.volume is not None and s.concentration is not None
    label = s.reagent.label
    shelf = _lab_stock(s)
    if shelf is not None:
        return Prep(s.line.id, shelf), None
    need = magnitude(s.volume, "mL")
    per_ml_mg = None
    if s.mass is not None and need > 0:
        per_ml_mg = magnitude(s.mass, "mg") / need  # weighed form, purity included
    if per_ml_mg is None:
        return None, None
    volume = _nice_volume(need * 1.1)
    while per_ml_mg * volume < MIN_STOCK_MG and volume < FLASKS_ML[-1]:
        volume = _nice_volume(volume * 1.01)
    mass = per_ml_mg * volume
    medium = s.line.medium or s.reagent.stock_solvent or "the solvent"
    is_fresh = s.reagent.stock_fresh or _says_fresh(medium)
    when = "Just before use, prepare" if is_fresh else "Prepare"
    text = (
        f"{when} the {label} stock: dissolve {fmt_in(mass, 'mg')} {label} in "
        f"{_clause(without_freshness(medium))} and make up to {fmt_in(volume, 'mL')} "
        f"({fmt_condition(s.concentration)}); you need {fmt(s.volume)}."
    )
    note = None
    if mass < MIN_STOCK_MG:
        note = (
            f"{label}: even {fmt_in(volume, 'mL')} of stock holds only "
            f"{fmt_in(mass, 'mg')}; make a more concentrated stock and dilute it."
        )
    prep = Prep(
        s.line.id,
        text,
        fresh=is_fresh,
        weigh_mg=mass,
        make_up_ml=volume,
        solvent=without_freshness(medium),
        used_mg=magnitude(s.mass, "mg") if s.mass is not None else None,
    )
    return prep, note


_WATER = re.compile(r"^(?:ultrapure |deionised |deionized |distilled )?water$", re.I)


def _lab_stock(s: ScaledReagent) -> str | None:
    """``Have ready 1 M NaOH from the lab's stock`` where a lab keeps that solution on a shelf.

    Nobody weighs 40 mg of NaOH pellets into a 1 mL flask: 1 M NaOH and HCl are bottles.
    """
    assert s.concentration is not None and s.volume is not None
    medium = s.line.medium or "water"
    if not _WATER.match(medium.strip()):
        return None
    for n in s.reagent.lab_stocks:
        shelf = Q(n.value, n.unit)
        if shelf.dimensionality != s.concentration.dimensionality:
            continue
        if abs(float((s.concentration / shelf).to("").magnitude) - 1) < 0.005:
            return (
                f"Have ready {fmt_condition(s.concentration)} {s.reagent.label} from the lab's "
                f"stock (aqueous); you need {fmt(s.volume)}."
            )
    return None


_FRESH_WORDS = re.compile(
    r",?\s*(?:made just before use|made fresh|freshly (?:made|prepared)|just before use)", re.I
)


def _says_fresh(text: str) -> bool:
    return bool(_FRESH_WORDS.search(text))


def _clause(medium: str) -> str:
    """``ultrapure water, brought to 4 °C`` -> with a closing comma, so the sentence reads on."""
    return f"{medium}," if "," in medium else medium


def without_freshness(medium: str) -> str:
    """``ice-cold ultrapure water, made just before use`` -> ``ice-cold ultrapure water``."""
    return _FRESH_WORDS.sub("", medium).strip()


# An aliquot stock made up in another solvent than the reaction's may carry at most this fraction
# of the reaction's solvent volume into it; more, and the plan is no longer the published route
# (125 µL of water into 12 µL of THF). A few percent of water in THF is within what a
# non-anhydrous route tolerates; the number is a judgement, stated in the message.
MAX_CARRIED = 0.05
WARN_CARRIED = 0.01
# An aliquot in the reaction's own solvent replaces part of it, up to half: beyond that the
# stock, not the recipe, sets the concentrations of the first steps.
MAX_SAME = 0.5


def _vessel_solvent(scaled: ScaledRoute, s: ScaledReagent) -> ScaledReagent | None:
    """The solvent the reagent is added to: the largest one in the vessel by its first use."""
    steps = scaled.route.steps
    first = next((i for i, st in enumerate(steps) if f"{{{s.line.id}}}" in st.text), len(steps))
    named = {n for st in steps[: first + 1] for n in re.findall(r"\{([^{}]*)\}", st.text)}
    solvents = [
        x
        for x in scaled.reagents
        if x.line.role == "solvent"
        and x.line.stage == "synthesis"
        and not x.line.as_needed
        and x.volume is not None
    ]
    present = [x for x in solvents if x.line.id in named]
    return max(present, key=lambda x: magnitude(x.volume, "mL"), default=None)  # type: ignore[arg-type]


def _aliquot_for_solid(
    s: ScaledReagent, into: ScaledReagent, factor: float, already: float = 0.0
) -> tuple[ScaledReagent, Prep, str, float]:
    """A solid too small to weigh, dosed as an aliquot of a stock of a weighable mass.

    The stock is made up in the solvent of the vessel it goes into where the reagent dissolves
    in it (the aliquot then replaces that much of the solvent: the last value returned, in mL);
    otherwise in its usual stock solvent, and only while that carries little into the reaction.
    """
    assert s.mass is not None and into.volume is not None
    label = s.reagent.label
    need_mg = magnitude(s.mass, "mg")
    stock_solvent = s.reagent.stock_solvent or "the solvent"
    same = into.line.reagent in s.reagent.dissolves_in or (
        into.line.reagent == "water" and "water" in stock_solvent
    )
    solvent = into.reagent.label if same and into.line.reagent != "water" else stock_solvent
    into_ml = magnitude(into.volume, "mL")
    limit = MAX_SAME if same else MAX_CARRIED
    # The aliquot: 100 µL or more where the vessel allows, at most its share of the solvent
    # (less what other aliquots already bring), rounded down to what a pipette is set to.
    cap = limit * into_ml - already
    dosed = _round_volume(min(max(MIN_ALIQUOT_ML, need_mg / MAX_STOCK_MG_ML), cap))
    if dosed > cap:
        dosed = math.floor(cap * 1000) / 1000
    conc_mg_ml = need_mg / dosed if dosed > 0 else math.inf
    if dosed < MIN_ALIQUOT_FLOOR_ML or conc_mg_ml > MAX_STOCK_MG_ML:
        at_least = factor * MIN_WEIGH_MG / need_mg
        raise ScaleError(
            f"at this scale {label} ({fmt(s.mass)}) is too little to weigh, and an aliquot of "
            f"a stock in {solvent} small enough for the {fmt(into.volume)} of "
            f"{into.reagent.label} it goes into (at most {limit:.0%} of it, with the other "
            f"aliquots) cannot be measured "
            f"well: the plan would no longer be this route. Plan at least {at_least:.2g}x, "
            f"where {label} is weighed directly."
        )
    volume = next((float(v) for v in FLASKS_ML if conc_mg_ml * v >= MIN_STOCK_MG), 1000.0)
    conc = Q(conc_mg_ml, "mg/mL")
    when = "Just before use, prepare" if s.reagent.stock_fresh else "Prepare"
    text = (
        f"{when} the {label} stock: dissolve {fmt_in(conc_mg_ml * volume, 'mg')} {label} in "
        f"{solvent} and make up to {fmt_in(volume, 'mL')} ({fmt_condition(conc)}); use "
        f"{fmt_in(dosed, 'mL')} of it ({fmt(s.mass)} {label})."
    )
    note = (
        f"{label}: {fmt(s.mass)} is too little to weigh well; the plan doses "
        f"{fmt_in(dosed, 'mL')} of {article(fmt_condition(conc))} {fmt_condition(conc)} "
        f"stock in {solvent} instead."
    )
    fraction = dosed / into_ml
    if same:
        note += f" It replaces {fmt_in(dosed, 'mL')} of the {into.reagent.label}."
    elif fraction > WARN_CARRIED:
        note += (
            f" The aliquot carries {fmt_in(dosed, 'mL')} of {solvent} into "
            f"{fmt(into.volume)} of {into.reagent.label} ({fraction:.0%})."
        )
    new = replace(s, volume=Q(dosed, "mL"), concentration=conc)
    prep = Prep(
        s.line.id,
        text,
        fresh=s.reagent.stock_fresh,
        weigh_mg=conc_mg_ml * volume,
        make_up_ml=volume,
        solvent=solvent,
        used_mg=need_mg,
    )
    return new, prep, note, dosed if same else 0.0


# pH adjustment by volume. Below DILUTE_PH_BELOW_ML a drop (about 50 µL) of 1 M base or acid
# adds more than 5 mM to the mixture, which overshoots the end point of a weakly buffered
# solution by pH units; the lab's 0.1 M stock adds a tenth of that per drop (a judgement from
# drop size and volume, not a number read in a paper).
DILUTE_PH_BELOW_ML = 10.0


def ph_stocks_by_volume(scaled: ScaledRoute, vessels: list[SizedVessel]) -> ScaledRoute:
    """An as-needed acid or base for a pH adjustment, taken from the lab's tenfold more dilute
    stock where the mixture it adjusts is small (see DILUTE_PH_BELOW_ML)."""
    volumes = adjusted_volumes(scaled.route, vessels)
    out = []
    for s in scaled.reagents:
        ml = volumes.get(s.line.id)
        if (
            ml is not None
            and ml < DILUTE_PH_BELOW_ML
            and s.line.as_needed
            and s.concentration is not None
        ):
            weaker = s.concentration / 10
            shelf = [Q(n.value, n.unit) for n in s.reagent.lab_stocks]
            if any(
                q.dimensionality == weaker.dimensionality
                and abs(float((weaker / q).to("").magnitude) - 1) < 0.005
                for q in shelf
            ):
                s = replace(s, concentration=weaker)
        out.append(s)
    return replace(scaled, reagents=out)


def without_unused_ph_reagents(scaled: ScaledRoute) -> ScaledRoute:
    """Leave out a pH condition's acid where the set pH lies above the mixture's known pH
    before adjustment (and its base where below): ``{adjust:...}`` names only the one it needs,
    so the other would be a row the chemist prepares for nothing. A line a step also names
    itself, or that another condition uses, stays."""
    named = {n for step in scaled.route.steps for n in re.findall(r"\{([^{}:]*)\}", step.text)}
    unused: set[str] = set()
    used: set[str] = set()
    for c in scaled.route.conditions:
        if c.value is None or c.before is None:
            used |= {x for x in (c.base, c.acid) if x}
            continue
        up, down = c.value.value > c.before.value, c.value.value < c.before.value
        for line, needed in ((c.base, up), (c.acid, down)):
            if line:
                (used if needed or not (up or down) else unused).add(line)
    drop = unused - used - named
    if not drop:
        return scaled
    return replace(scaled, reagents=[s for s in scaled.reagents if s.line.id not in drop])


def adjusted_volumes(route: Route, vessels: list[SizedVessel]) -> dict[str, float]:
    """The least liquid (mL) each as-needed line is added to, in the steps that name it.

    A step names the line itself (``{naoh}``) or through a pH condition (``{adjust:ph}``).
    """
    sized = {v.id: v for v in vessels}
    by_cond = {c.name: [x for x in (c.base, c.acid) if x] for c in route.conditions}
    needed = {line.id for line in route.reagents if line.as_needed}
    out: dict[str, float] = {}
    current = None
    for step in route.steps:
        current = step.vessel or current
        v = sized.get(current) if current else None
        if v is None or v.liquid_ml <= 0:
            continue
        names = re.findall(r"\{([^{}]*)\}", step.text)
        ids = {n for n in names if n in needed}
        ids |= {x for n in names if n.startswith("adjust:") for x in by_cond.get(n[7:], [])}
        for line_id in ids:
            out[line_id] = min(out.get(line_id, math.inf), v.liquid_ml)
    return out


# Dropwise additions. A drop from a pipette or dropping funnel is about 50 µL, and "dropwise"
# means at most a few drops a second: about 5 mL/min is a fast drip (common lab practice, an
# estimate). Less than two drops is not an addition dropwise at all.
DROP_ML = 0.05
MAX_DROPWISE_ML_MIN = 5.0
_DROPWISE = re.compile(r"\bdropwise\b|\bdrop by drop\b", re.I)


def _dropwise_ml(scaled: ScaledRoute, text: str) -> float:
    """The volume a step adds, counted from the reagent lines it names."""
    lines = {s.line.id: s for s in scaled.reagents}
    added = [lines[n] for n in re.findall(r"\{([^{}:]*)\}", text) if n in lines]
    return sum(magnitude(s.volume, "mL") for s in added if s.volume is not None)


LESS_THAN_TWO_DROPS = "in one portion with a pipette (less than two drops), below the surface"


def undropwise(scaled: ScaledRoute) -> ScaledRoute:
    """A "dropwise" addition of less than two drops says what to do instead, in the step itself
    (a warning beside a step that still says "dropwise" leaves the chemist two instructions)."""
    steps = []
    for step in scaled.route.steps:
        ml = _dropwise_ml(scaled, step.text) if _DROPWISE.search(step.text) else 0.0
        if 0 < ml < 2 * DROP_ML:
            step = step.model_copy(update={"text": _DROPWISE.sub(LESS_THAN_TWO_DROPS, step.text)})
        steps.append(step)
    if steps == list(scaled.route.steps):
        return scaled
    return replace(scaled, route=scaled.route.model_copy(update={"steps": steps}))


def dropwise_warnings(scaled: ScaledRoute, numbers: list[int]) -> list[str]:
    """Steps whose "dropwise" is a stream at the planned volume (300 mL "dropwise over 15 min"):
    use a dropping funnel. Less than two drops the step itself rewords (``undropwise``, which runs
    first). ``numbers`` are the plan's step numbers of the route's steps.
    """
    out = []
    for number, step in zip(numbers, scaled.route.steps, strict=True):
        if not _DROPWISE.search(step.text):
            continue
        ml = _dropwise_ml(scaled, step.text)
        if ml <= 0:
            continue
        minutes = (
            None
            if step.duration is None
            else magnitude(Q(step.duration.value, step.duration.unit), "min")
        )
        if minutes and ml / minutes > MAX_DROPWISE_ML_MIN:
            least = ml / MAX_DROPWISE_ML_MIN
            out.append(
                f"Step {number} adds {fmt_in(ml, 'mL')} dropwise over {minutes:g} min: "
                f"{ml / minutes:.2g} mL/min is a stream, not drops. Use a pressure-equalising "
                f"dropping funnel, or add it over at least {least:.2g} min if the route allows."
            )
    return out
