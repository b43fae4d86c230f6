"""Pure: turn scaled amounts into amounts a bench can measure.

A balance weighs a few milligrams only to a few percent, and a pipette delivers a few microlitres
poorly. So: every stock solution of the recipe gets a preparation step with a weighable mass;
a solid too small to weigh becomes an aliquot of a stock, where the library allows the reagent
in solution (and fresh, if it must be). Vessels are sized in ``nclplan.vessel``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from nclplan.units import Q, fmt, fmt_condition, fmt_in, magnitude

if TYPE_CHECKING:
    from nclplan.scale import ScaledReagent, ScaledRoute

# Volumetric flasks and cylinders a lab has (mL).
FLASKS_ML = (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000, 2000)
MIN_STOCK_MG = 10.0  # weigh at least this much for a stock (±1 % on a 0.1 mg balance)
# Below these a plain balance or pipette is not accurate to a few percent.
MIN_WEIGH_MG = 5.0
MIN_PIPETTE_ML = 0.010
MIN_ALIQUOT_ML = 0.1  # aliquots below 100 µL are left to the user's judgement (warned)
ROUNDING_WARN = 0.01  # report a rounding that changes an amount by more than 1 %


@dataclass(frozen=True)
class Prep:
    """One preparation instruction, shown as a step before the synthesis."""

    reagent_id: str
    text: str


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
            dosed, prep, note = _aliquot_for_solid(s)
            preps.append(prep)
            warnings.append(note)
        warnings += _measurability(dosed)
        reagents.append(dosed)
    return replace(scaled, reagents=reagents, warnings=scaled.warnings + warnings), preps


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
    if s.volume is not None and magnitude(s.volume, "mL") < MIN_PIPETTE_ML:
        out.append(
            f"{name}: {fmt(s.volume)} is below what a pipette delivers reliably; dilute "
            "a stock and take a larger volume."
        )
    return out


def _stock_for_solution(s: ScaledReagent) -> tuple[Prep | None, str | None]:
    """How to make up the stock a solution line doses from."""
    assert s.volume is not None and s.concentration is not None
    label = s.reagent.label
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
    fresh = " just before use" if s.reagent.stock_fresh and "before use" not in medium else ""
    text = (
        f"Prepare the {label} stock{fresh}: dissolve {fmt_in(mass, 'mg')} {label} and make up "
        f"to {fmt_in(volume, 'mL')} with {medium} ({fmt_condition(s.concentration)}); you "
        f"need {fmt(s.volume)}."
    )
    note = None
    if mass < MIN_STOCK_MG:
        note = (
            f"{label}: even {fmt_in(volume, 'mL')} of stock holds only "
            f"{fmt_in(mass, 'mg')}; make a more concentrated stock and dilute it."
        )
    return Prep(s.line.id, text), note


def _aliquot_for_solid(s: ScaledReagent) -> tuple[ScaledReagent, Prep, str]:
    """A solid too small to weigh, dosed as an aliquot of a stock of a weighable mass."""
    assert s.mass is not None
    label = s.reagent.label
    need_mg = magnitude(s.mass, "mg")
    stock_mg = MIN_STOCK_MG
    volume = 1.0
    for v in FLASKS_ML:
        volume = float(v)
        if volume * need_mg / stock_mg >= MIN_ALIQUOT_ML:
            break
    aliquot = volume * need_mg / stock_mg
    dosed = _round_volume(aliquot)
    error = abs(dosed - aliquot) / aliquot
    conc = Q(stock_mg / volume, "mg/mL")
    fresh = " just before use" if s.reagent.stock_fresh else ""
    solvent = s.reagent.stock_solvent or "the solvent"
    text = (
        f"Prepare the {label} stock{fresh}: dissolve {fmt_in(stock_mg, 'mg', 3)} {label} in "
        f"{solvent} and make up to {fmt_in(volume, 'mL')}; use {fmt_in(dosed, 'mL')} of it "
        f"({fmt(s.mass)} {label})."
    )
    note = (
        f"{label}: {fmt(s.mass)} is too little to weigh well; the plan doses "
        f"{fmt_in(dosed, 'mL')} of a {fmt_condition(conc)} stock instead."
    )
    if error > ROUNDING_WARN:
        note += f" Rounding the aliquot changes the amount by {error:.1%}."
    if dosed < MIN_ALIQUOT_ML:
        note += " The aliquot is still small: dilute the stock further if your pipette needs it."
    new = replace(s, volume=Q(dosed, "mL"), concentration=conc)
    return new, Prep(s.line.id, text), note
