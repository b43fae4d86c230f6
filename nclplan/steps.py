"""Pure: a scaled route -> numbered, lab-ready steps with the scaled amounts substituted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nclplan.units import Q, fmt, fmt_condition, fmt_stated

if TYPE_CHECKING:
    import pint

    from nclplan.bench import Prep
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
    estimate: str | None
    vessel: str | None = None  # id of the route's vessel the step works in


def describe(s: ScaledReagent) -> str:
    """A reagent as a step names it, with its scaled amount.

    ``HAuCl4·3H2O (158 mg, 0.400 mmol)``, ``2-phenylethanethiol (0.268 mL, 2.00 mmol)``,
    ``NaBH4 solution (5.00 mL of 800 mM in ice-cold water; 4.00 mmol)``.
    """
    label = s.reagent.label
    line = s.line
    if line.as_needed or line.form == "gas":
        return label
    if line.form == "solid" and s.volume is not None:  # too little to weigh: a stock aliquot
        return f"{label} ({fmt(s.volume)} of the stock: {fmt(s.mass)}, {fmt(s.amount)})"
    if line.form == "solution":
        assert s.volume is not None and s.concentration is not None
        medium = f" in {line.medium}" if line.medium else ""
        tail = f"; {fmt(s.amount)}" if s.amount is not None else ""
        return (
            f"{label} solution ({fmt(s.volume)} of {fmt_condition(s.concentration)}{medium}{tail})"
        )
    parts = []
    if line.form == "liquid" and s.volume is not None:
        parts.append(fmt(s.volume))
    elif s.mass is not None:
        parts.append(fmt(s.mass))
    if s.amount is not None and line.role not in ("solvent", "antisolvent"):
        parts.append(fmt(s.amount))
    return f"{label} ({', '.join(parts)})" if parts else label


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
        return describe(by_id[name])

    steps = [
        PlanStep(
            number=i,
            action="prepare" if p.reagent_id else "set_up",
            stage="synthesis",
            text=p.text,
            duration=None,
            temperature=None,
            ph=None,
            checkpoint=None,
            source=None,
            estimate=None,
        )
        for i, p in enumerate(preps or [], start=1)
    ]
    offset = len(steps)
    current: str | None = None  # a synthesis step without a vessel goes on in the last one
    for i, step in enumerate(scaled.route.steps, start=offset + 1):
        text = _PLACEHOLDER.sub(fill, step.text)
        current = step.vessel or (current if step.stage == "synthesis" else None)
        steps.append(
            PlanStep(
                number=i,
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
                estimate=step.estimate,
                vessel=current,
            )
        )
    return steps


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
