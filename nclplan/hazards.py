"""The hazard section of a plan: reagent GHS statements, route-level rules, no repeats.

Three sources feed it. The route's own hazard lines (read in its papers or written by its
curator). The GHS statements of each reagent the route uses, once per reagent even when the
reagent is on two lines (ethanol for the reaction and for the washes). And rules that follow
from what a route uses, not from one paper: silver is kept from light, leftover NaBH4 is
quenched, gold and silver waste is collected for recovery, diborane exhaust goes through a
scrubber, carbon monoxide needs a detector. The rules are a typed table here so that each fires
on every route it applies to and on no other; tests walk the whole catalog against them.

A reagent with no hazard statements is either marked ``not_hazardous`` (a cited SDS says so:
water) and takes no line, or has no classification on file; then the plan says so as a warning
and says what to assume, never a blank. Everything here is pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from nclplan.errors import ScaleLimitError
from nclplan.models import Hazard, Reagent, Route
from nclplan.scale import ScaledRoute
from nclplan.units import Q, fmt, fmt_in, magnitude

if TYPE_CHECKING:
    from nclplan.bench import Prep
    from nclplan.vessel import SizedVessel

# What to assume about a reagent nobody has classified, when its entry says nothing better.
DEFAULT_ASSUMPTION = (
    "treat it as harmful if swallowed, in contact with skin or if inhaled and as a skin and "
    "eye irritant, handle it in the fume hood with gloves and goggles, and read the supplier "
    "SDS before use"
)


@dataclass(frozen=True)
class HazardItem:
    """One line of the hazard section as exported (JSON ``hazards``)."""

    scope: str  # "route" or "reagent"
    reagent: str | None  # reagent line id (the first line that uses the reagent)
    code: str | None  # H-code; None for a route line or an unclassified reagent
    text: str
    source: str | None  # DOI for a route hazard read in a paper


@dataclass(frozen=True)
class Rule:
    """A hazard a chemist expects from what a route uses.

    It fires when the route uses any reagent in ``reagents`` (library keys), or when the
    target's metal or any reagent's formula contains an element in ``elements``.
    ``basis`` says why the rule exists (for maintainers; it is not printed).
    """

    id: str
    text: str
    basis: str
    reagents: frozenset[str] = frozenset()
    elements: frozenset[str] = frozenset()


RULES: tuple[Rule, ...] = (
    Rule(
        id="silver-light",
        elements=frozenset({"Ag"}),
        text=(
            "Silver salts and silver clusters darken and decompose in light: keep silver salts "
            "and their solutions, the reaction and the product in amber glass or wrapped in "
            "foil, and store the clusters in the dark."
        ),
        basis="Ag(I) salts and thiolate-protected Ag clusters are photosensitive.",
    ),
    Rule(
        id="silver-waste",
        elements=frozenset({"Ag"}),
        text=(
            "Collect silver-containing waste (mother liquors, washings, filters) in its own "
            "labelled container for silver recovery; never mix it with ammonia, which can form "
            "explosive silver nitride on standing."
        ),
        basis="Silver is recovered, not drained; ammoniacal silver solutions form Ag3N.",
    ),
    Rule(
        id="gold-waste",
        elements=frozenset({"Au"}),
        text=(
            "Collect gold-containing waste (mother liquors, washings, filters) in its own "
            "labelled container for gold recovery; do not pour it down the drain."
        ),
        basis="Gold is recovered, not drained.",
    ),
    Rule(
        id="nabh4-quench",
        reagents=frozenset({"nabh4"}),
        text=(
            "Quench leftover NaBH4 (solid, stock solution and reaction residues) before "
            "disposal: in the fume hood, in an open vessel, add acetone or dilute acid (e.g. "
            "1 M HCl) slowly with stirring until no more hydrogen is given off."
        ),
        basis="NaBH4 keeps releasing H2 in waste; a capped waste bottle can burst.",
    ),
    Rule(
        id="diborane-scrubber",
        reagents=frozenset({"diborane"}),
        text=(
            "Lead every diborane exhaust and purge line through a scrubber (bubblers of acetone "
            "or methanol, which destroy diborane with release of hydrogen), behind an empty "
            "trap against suck-back, before it enters the hood exhaust."
        ),
        basis="B2H6 is fatal if inhaled (H330) and pyrophoric; alcohols and ketones consume it.",
    ),
    Rule(
        id="co-detector",
        reagents=frozenset({"co"}),
        text=(
            "Carbon monoxide is toxic and odourless: work only in a fume hood with a working "
            "air flow, keep a CO detector at the hood, lead the gas outlet into the hood "
            "exhaust, and open sealed vessels only in the hood."
        ),
        basis="CO is H331/H360D/H372 and cannot be smelt; a detector is the only warning.",
    ),
)


def _contains(formula: str | None, element: str) -> bool:
    """True if ``formula`` names ``element`` (``Ag`` in AgNO3, not ``A`` + ``g``)."""
    return formula is not None and re.search(rf"{element}(?![a-z])", formula) is not None


def rule_fires(rule: Rule, route: Route, reagents: dict[str, Reagent]) -> bool:
    """Does ``rule`` apply to ``route``, given the reagent library it is planned with?"""
    keys = {line.reagent for line in route.reagents}
    if keys & rule.reagents:
        return True
    formulas = [reagents[k].formula for k in sorted(keys) if k in reagents]
    return any(
        el == route.target.metal or any(_contains(f, el) for f in formulas) for el in rule.elements
    )


@dataclass(frozen=True)
class ReagentHazards:
    """The hazard line of one reagent, however many lines of the route use it."""

    key: str  # library key
    line: str  # id of the first line that uses it
    label: str
    hazards: tuple[Hazard, ...]
    note: str  # printed after the codes; for an unclassified reagent, what to assume

    @property
    def classified(self) -> bool:
        return bool(self.hazards)

    @property
    def codes(self) -> str:
        return "; ".join(f"{h.code} {h.text}" for h in self.hazards)


def unclassified_note(reagent: Reagent) -> str:
    """The words for a reagent without a classification: say so, then what to assume."""
    return (
        f"GHS classification not stated in this plan: {reagent.hazard_note or DEFAULT_ASSUMPTION}"
    )


def reagent_hazards(scaled: ScaledRoute) -> list[ReagentHazards]:
    """One entry per reagent used, in order of first use; non-hazardous reagents are left out."""
    out: dict[str, ReagentHazards] = {}
    for s in scaled.reagents:
        key, r = s.line.reagent, s.reagent
        if key in out or r.not_hazardous:
            continue
        note = (r.hazard_note or "") if r.hazards else unclassified_note(r)
        out[key] = ReagentHazards(key, s.line.id, r.label, tuple(r.hazards), note)
    return list(out.values())


def hazard_warnings(entries: list[ReagentHazards]) -> list[str]:
    """A plan warning for each reagent nobody has classified, so it cannot be missed.

    The assumption itself is printed once, on the reagent's line of the hazard section.
    """
    return [
        f"{e.label}: GHS classification not stated in this plan: handle it as its line under "
        "Hazards says, and read the supplier SDS before use."
        for e in entries
        if not e.classified
    ]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def build_hazards(
    scaled: ScaledRoute, reagents: dict[str, Reagent], preps: list[Prep] | None = None
) -> list[HazardItem]:
    """The plan's hazard items: route lines, rule lines, then each reagent's statements once.

    Rule lines and gas lines are worded for this plan: the gas a reagent can give at the planned
    amount, and the NaBH4 a stock leaves over to quench.
    """
    route = scaled.route
    items: list[HazardItem] = []
    seen: set[str] = set()

    def add_route_line(text: str, doi: str | None) -> None:
        if _norm(text) not in seen:
            seen.add(_norm(text))
            items.append(HazardItem("route", None, None, text, doi))

    for h in route.hazards:
        ref = route.reference(h.source)
        add_route_line(h.text, ref.doi if ref else None)
    for rule in RULES:
        if rule_fires(rule, route, reagents):
            add_route_line(rule.text + _leftover(rule, scaled, preps or []), None)
    for text in gas_lines(scaled):
        add_route_line(text, None)
    for e in reagent_hazards(scaled):
        if not e.classified:
            items.append(HazardItem("reagent", e.line, None, e.note, None))
        items += [HazardItem("reagent", e.line, h.code, h.text, None) for h in e.hazards]
    return items


@dataclass(frozen=True)
class GasSource:
    """A reagent that gives off a gas, and the most it can give per mole (its equation)."""

    reagent: str  # library key
    gas: str  # as the line names it
    per_mol: float  # mol of gas per mol of reagent, at most
    equation: str


GAS_SOURCES: tuple[GasSource, ...] = (
    # Full hydrolysis, which acid, warmth and metal particles drive to completion.
    GasSource("nabh4", "hydrogen", 4, "NaBH4 + 2 H2O → NaBO2 + 4 H2"),
    # Formic acid as the reductant: each mole oxidised gives one of CO2 (2 Ag+ + HCOOH →
    # 2 Ag + CO2 + 2 H+); decomposition (HCOOH → CO2 + H2) gives no more CO2 per mole.
    GasSource("formic_acid", "carbon dioxide", 1, "HCOOH → CO2 + 2 H+ + 2 e−"),
)
GAS_T_C, GAS_P_ATM = 25.0, 1.0  # the volume is stated at room conditions
# A one-portion NaBH4 addition above this is warned. The catalog's published recipes add at
# most about 5 mmol at once (Au38, Au144 at 1x); twice that is past anything the papers show,
# and its 40 mmol of H2 (about 1 L at 25 °C) is released in minutes as foam in a half-full flask.
ONE_PORTION_MAX_MMOL = 10.0
# Past four times that (up to about 3.9 L of hydrogen within minutes, at 25 °C) one addition is
# more than a flask in a fume hood is set up for (an estimate, as above): the plan is refused,
# naming the largest scale that works, and the batch is run as several.
ONE_PORTION_REFUSE_MMOL = 40.0
_AT_ONCE = re.compile(r"\bone portion\b|\brapidly\b|\bat once\b|\bquickly\b", re.I)


def gas_volume_l(mmol: float) -> float:
    """Ideal-gas volume (L) of ``mmol`` of gas at 25 °C and 1 atm, through pint: V = nRT/p."""
    return mmol * _litres_per_mmol()


@lru_cache(maxsize=1)
def _litres_per_mmol() -> float:
    # Once per process: a sweep states gas volumes for thousands of plans.
    volume = Q(1, "mmol") * Q(1, "molar_gas_constant") * Q(GAS_T_C, "degC").to("K")
    return magnitude(volume / Q(GAS_P_ATM, "atm"), "L")


def _planned_mmol(scaled: ScaledRoute, key: str) -> float:
    return sum(
        magnitude(s.amount, "mmol")
        for s in scaled.reagents
        if s.line.reagent == key and s.amount is not None and not s.line.as_needed
    )


def gas_lines(scaled: ScaledRoute) -> list[str]:
    """A hazard line per gas-evolving reagent: the most gas the planned amount can give."""
    out = []
    for g in GAS_SOURCES:
        mmol = _planned_mmol(scaled, g.reagent)
        if mmol <= 0:
            continue
        label = next(s.reagent.label for s in scaled.reagents if s.line.reagent == g.reagent)
        gas = mmol * g.per_mol
        out.append(
            f"{label}: the {fmt(Q(mmol, 'mmol'))} of this plan can give up to "
            f"{fmt(Q(gas, 'mmol'))} of {g.gas} ({fmt_in(gas_volume_l(gas) * 1000, 'mL')} at "
            f"{GAS_T_C:g} °C and {GAS_P_ATM:g} atm; {g.equation}): keep every vessel it is in "
            "open to the fume hood or vented, never sealed."
        )
    return out


def _leftover(rule: Rule, scaled: ScaledRoute, preps: list[Prep]) -> str:
    """For the NaBH4 quench line: how much of the stock the plan leaves over."""
    if rule.id != "nabh4-quench":
        return ""
    lines = {s.line.id: s for s in scaled.reagents if s.line.reagent == "nabh4"}
    spare_mg = sum(
        p.weigh_mg - p.used_mg
        for p in preps
        if p.reagent_id in lines and p.weigh_mg is not None and p.used_mg is not None
    )
    if spare_mg <= 0:
        return ""
    mm = next((s.molar_mass for s in lines.values() if s.molar_mass is not None), None)
    amount = f" ({fmt(Q(spare_mg / magnitude(mm, 'mg/mmol'), 'mmol'))})" if mm is not None else ""
    return (
        f" This plan's stock leaves about {fmt_in(spare_mg, 'mg')} NaBH4{amount} over: quench "
        "it as soon as the addition is done."
    )


def _at_once(scaled: ScaledRoute) -> list[tuple[int, float]]:
    """(index of the route step, mmol) for each step that adds NaBH4 in one portion."""
    lines = {s.line.id: s for s in scaled.reagents if s.line.reagent == "nabh4"}
    out = []
    for i, step in enumerate(scaled.route.steps):
        if not _AT_ONCE.search(step.text):
            continue
        added = [lines[n] for n in lines if f"{{{n}}}" in step.text]
        mmol = sum(magnitude(s.amount, "mmol") for s in added if s.amount is not None)
        if mmol > 0:
            out.append((i, mmol))
    return out


def check_one_portion(scaled: ScaledRoute) -> None:
    """Refuse a plan whose step adds more than ONE_PORTION_REFUSE_MMOL NaBH4 at once.

    The route's "in one portion" is its chemistry (a fast, complete reduction), so the step is
    not rewritten as a slow addition: the batch is split instead.
    """
    for _, mmol in _at_once(scaled):
        if mmol > ONE_PORTION_REFUSE_MMOL:
            h2 = gas_volume_l(mmol * GAS_SOURCES[0].per_mol)
            raise ScaleLimitError(
                f"the route adds its NaBH4 at once, and {fmt(Q(mmol, 'mmol'))} in one portion "
                f"can give {h2:.1f} L of hydrogen within minutes, more than a flask in a fume "
                f"hood is set up for (at most {ONE_PORTION_REFUSE_MMOL:g} mmol at once); run "
                "the batch as several",
                ONE_PORTION_REFUSE_MMOL / mmol,
            )


def one_portion_warnings(
    scaled: ScaledRoute, vessels: list[SizedVessel], numbers: list[int]
) -> list[str]:
    """A warning for each step that adds a lot of NaBH4 at once, with the flask's free volume.

    ``numbers`` are the plan's step numbers of the route's steps (preparations come between).
    """
    sized = {v.id: v for v in vessels}
    steps = scaled.route.steps
    out = []
    for i, mmol in _at_once(scaled):
        if mmol <= ONE_PORTION_MAX_MMOL:
            continue
        current = next((st.vessel for st in reversed(steps[: i + 1]) if st.vessel), None)
        v = sized.get(current) if current else None
        room = ""
        if v is not None and v.size is not None:
            free = v.size * v.count - v.liquid_ml
            room = (
                f"; the {v.noun} has about {fmt_in(free, 'mL')} free above "
                f"{fmt_in(v.liquid_ml, 'mL')} of liquid (allow for foam as high again as the "
                "liquid, a rule of thumb)"
            )
        h2 = mmol * GAS_SOURCES[0].per_mol
        out.append(
            f"Adding {fmt(Q(mmol, 'mmol'))} NaBH4 at once (step {numbers[i]}) can give up to "
            f"{fmt_in(gas_volume_l(h2) * 1000, 'mL')} of hydrogen in minutes, with a foam "
            f"surge{room}. Add it behind a blast shield in the fume hood, in a flask at most a "
            f"third full, or split the batch so that no addition exceeds "
            f"{ONE_PORTION_MAX_MMOL:g} mmol."
        )
    return out
