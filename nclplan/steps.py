"""Pure: a scaled route -> numbered, lab-ready steps with the scaled amounts substituted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nclplan.bench import measuring_tool, without_freshness
from nclplan.units import Q, fmt, fmt_condition, fmt_stated, magnitude

if TYPE_CHECKING:
    import pint

    from nclplan.bench import Prep
    from nclplan.models import Condition, Num, Provenance, Step
    from nclplan.scale import ScaledReagent, ScaledRoute
    from nclplan.vessel import SizedVessel


@dataclass(frozen=True)
class PlanStep:
    number: int
    action: str
    stage: str
    text: str
    duration: pint.Quantity[Any] | None
    temperature: pint.Quantity[Any] | None
    ph: float | None
    checkpoint: str | None
    source: str | None
    # Every estimate behind what the step prints: its own, its time/temperature/pH, and the
    # amounts and condition values filled into its text (each reason once, in that order).
    estimates: tuple[str, ...] = ()
    vessel: str | None = None  # id of the route's vessel the step works in
    reagents: tuple[str, ...] = ()  # the reagent lines the step names, for cross-references

    @property
    def estimate(self) -> str | None:
        """The reasons as one text (the JSON ``estimate`` of a step), or None if all was read."""
        return "; ".join(self.estimates) or None


def describe(s: ScaledReagent) -> str:
    """A reagent as a step names it, with its scaled amount.

    ``HAuCl4·3H2O (158 mg, 0.400 mmol)``, ``2-phenylethanethiol (0.268 mL, 2.00 mmol)``,
    ``NaBH4 solution (5.00 mL of 800 mM in ice-cold water; 4.00 mmol)``.
    """
    label = s.reagent.label
    line = s.line
    if line.as_needed and s.concentration is not None:
        return f"{fmt_condition(s.concentration)} {label}"
    if line.as_needed or line.form == "gas":
        return label
    if line.form == "solid" and s.volume is not None:  # too little to weigh: a stock aliquot
        tool = _tool(s.volume)
        return f"{label} ({fmt(s.volume)} of the stock{tool}: {fmt(s.mass)}, {fmt(s.amount)})"
    if line.form == "solution":
        assert s.volume is not None and s.concentration is not None
        medium = f" in {without_freshness(line.medium)}" if line.medium else ""
        tail = f"; {fmt(s.amount)}" if s.amount is not None else ""
        conc = fmt_condition(s.concentration)
        return f"{label} solution ({fmt(s.volume)} of {conc}{medium}{_tool(s.volume)}{tail})"
    parts = []
    if line.form == "liquid" and s.volume is not None:
        parts.append(fmt(s.volume) + _tool(s.volume, ""))
    elif s.mass is not None:
        parts.append(fmt(s.mass))
    if s.amount is not None and line.role not in ("solvent", "antisolvent"):
        parts.append(fmt(s.amount))
    return f"{label} ({', '.join(parts)})" if parts else label


def _tool(volume: pint.Quantity[Any], sep: str = ",") -> str:
    """``, with a 10 µL pipette or microsyringe`` below 1 mL (what measures it); else nothing."""
    ml = magnitude(volume, "mL")
    return f"{sep} with a {measuring_tool(ml)}" if ml < 1 else ""


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def build_steps(
    scaled: ScaledRoute,
    preps: list[Prep] | None = None,
    vessels: list[SizedVessel] | None = None,
) -> list[PlanStep]:
    by_id = {r.line.id: r for r in scaled.reagents}
    conditions = {c.name: c for c in scaled.route.conditions}
    sized = {v.id: v for v in vessels or []}
    named: set[str] = set()
    here: list[str | None] = [None]  # the vessel of the step being filled in

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.startswith("vessel:"):
            v = sized[name[7:]]
            first = v.id not in named
            named.add(v.id)
            return v.first_use() if first else v.later_use()
        if name.startswith("cond:"):
            value = conditions[name[5:]].value
            assert value is not None  # checked when the route was loaded
            return fmt_stated(value.value, value.unit)
        if name.startswith("adjust:"):
            into = sized.get(here[0]) if here[0] else None
            volume = into.liquid_ml if into is not None and into.liquid_ml > 0 else None
            return adjust_text(conditions[name[7:]], by_id, volume)
        return describe(by_id[name])

    # Stable stocks come first; a fresh stock right before its first use.
    route_steps = scaled.route.steps
    first_use: dict[str, int] = {}
    for i, step in enumerate(route_steps):
        for name in _PLACEHOLDER.findall(step.text):
            first_use.setdefault(name, i)
    before: dict[int, list[Prep]] = {}
    for p in preps or []:
        at = first_use.get(p.reagent_id, -1) if p.fresh else -1
        before.setdefault(at, []).append(p)
    steps: list[PlanStep] = []

    def add_preps(at: int) -> None:
        for p in before.get(at, []):
            steps.append(_prep_step(len(steps) + 1, p))

    add_preps(-1)
    current: str | None = None  # a synthesis step without a vessel goes on in the last one
    for i, step in enumerate(route_steps):
        add_preps(i)
        here[0] = step.vessel or current
        text = _PLACEHOLDER.sub(fill, step.text)
        current = step.vessel or (current if step.stage == "synthesis" else None)
        if step.text.startswith("{"):  # a sentence that opens with a filled-in instruction
            text = text[:1].upper() + text[1:]
        steps.append(
            PlanStep(
                number=len(steps) + 1,
                action=step.action,
                stage=step.stage,
                text=" ".join(text.split()),
                duration=None
                if step.duration is None
                else Q(step.duration.value, step.duration.unit),
                temperature=(
                    None
                    if step.temperature is None
                    else Q(step.temperature.value, step.temperature.unit)
                ),
                ph=None if step.ph is None else step.ph.value,
                checkpoint=step.checkpoint,
                source=step.source,
                estimates=_step_reasons(step, by_id, conditions),
                vessel=current,
                reagents=tuple(n for n in _PLACEHOLDER.findall(step.text) if n in by_id),
            )
        )
    return steps


def _prep_step(number: int, p: Prep) -> PlanStep:
    return PlanStep(
        number=number,
        action="prepare" if p.reagent_id else "set_up",
        stage="synthesis",
        text=p.text,
        duration=None,
        temperature=None,
        ph=None,
        checkpoint=None,
        source=None,
    )


def _reasons(holder: Provenance, nums: list[Num]) -> list[str]:
    """The estimate reasons of ``nums`` read the way the route counts them (plan.count_provenance):
    a number's own reason, else its holder's unless the number cites its own source."""
    from nclplan.models import reason_of

    return [r for n in nums if (r := reason_of(n, holder.estimate))]


def _step_reasons(
    step: Step, by_id: dict[str, ScaledReagent], conditions: dict[str, Condition]
) -> tuple[str, ...]:
    """Why the numbers a step prints are estimates, where they are (see PlanStep.estimates)."""
    out = list(step.estimate_reasons())
    for name in _PLACEHOLDER.findall(step.text):
        kind, _, key = name.rpartition(":")
        if not kind and name in by_id:
            line = by_id[name].line
            out += _reasons(line, [n for _, n in line.numbers()])
        elif kind in ("cond", "adjust") and key in conditions:
            c = conditions[key]
            out += _reasons(c, [c.value] if c.value is not None else [])
    return tuple(dict.fromkeys(out))


PH_TOLERANCE = 0.1  # what a calibrated pH meter reads reproducibly
STRIP_TOLERANCE = 0.5  # what a narrow-range indicator strip resolves
# A standard combination electrode (about 12 mm) must dip its bulb and junction 1-2 cm deep:
# in a vial or small beaker that takes about 5 mL. A micro electrode (3-6 mm tip) reads in about
# 0.2 mL; below that only a strip touched with a drop of the mixture works. (Common lab
# practice, estimates.)
STANDARD_ELECTRODE_MIN_ML = 5.0
MICRO_ELECTRODE_MIN_ML = 0.2


def ph_instrument(volume_ml: float | None) -> tuple[str, float]:
    """What reads the pH of ``volume_ml`` of mixture, and to what tolerance."""
    if volume_ml is None or volume_ml >= STANDARD_ELECTRODE_MIN_ML:
        return "meter", PH_TOLERANCE
    if volume_ml >= MICRO_ELECTRODE_MIN_ML:
        return "micro pH electrode", PH_TOLERANCE
    return "indicator strip touched with a drop", STRIP_TOLERANCE


def adjust_text(
    cond: Condition, by_id: dict[str, ScaledReagent], volume_ml: float | None = None
) -> str:
    """How to bring a pH to the condition's value: with base or with acid, whichever it needs.

    Where the route knows the mixture's pH before adjustment, the side the target lies on
    decides; otherwise the chemist measures first and the plan names both. The instrument
    follows the volume adjusted (``ph_instrument``).
    """
    assert cond.value is not None
    tool, tolerance = ph_instrument(volume_ml)
    target = f"{fmt_stated(cond.value.value, '')} ± {tolerance:g}"
    # a line the plan left out (not needed on this side of the pH) is not offered
    base = describe(by_id[cond.base]) if cond.base in by_id else None
    acid = describe(by_id[cond.acid]) if cond.acid in by_id else None
    if cond.before is not None:
        if cond.value.value > cond.before.value and base:
            return f"raise the pH to {target} ({tool}) with {base}, dropwise"
        if cond.value.value < cond.before.value and acid:
            return f"lower the pH to {target} ({tool}) with {acid}, dropwise"
    if base and acid:
        return (
            f"measure the pH and bring it to {target} ({tool}): {base} dropwise if it is "
            f"below, {acid} if it is above"
        )
    only = base or acid
    word = "raise" if base else "lower"
    return f"measure the pH and {word} it to {target} ({tool}) with {only}, dropwise"


def step_conditions(step: PlanStep) -> str:
    """``12 h · 37 °C · pH 12`` for a step's conditions column."""
    bits = []
    if step.duration is not None:
        bits.append(fmt_condition(step.duration))
    if step.temperature is not None:
        bits.append(fmt_condition(step.temperature))
    if step.ph is not None:
        bits.append(f"pH {step.ph:g}")
    return " · ".join(bits)
