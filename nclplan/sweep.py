"""Parameter studies: one plan per point of a grid, and one combined reagent list.

``--vary pH=9:12:0.5`` (start:stop:step, stop included) or ``--vary thiol_ratio=2,3,5``; several
``--vary`` give their Cartesian product, in the order given.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nclplan.errors import UsageError
from nclplan.safetext import short
from nclplan.units import fmt_number

if TYPE_CHECKING:
    from nclplan.catalog import Catalog
    from nclplan.plan import Plan

MAX_POINTS = 10_000
_VARY = re.compile(r"^\s*([A-Za-z][\w-]*)\s*=\s*(.+?)\s*$")


@dataclass(frozen=True)
class Axis:
    name: str
    values: tuple[str, ...]  # as --set takes them


def parse_vary(spec: str) -> Axis:
    m = _VARY.match(spec)
    if not m:
        raise UsageError(f"--vary {short(spec)}: write NAME=START:STOP:STEP or NAME=V1,V2,...")
    name, body = m.group(1), m.group(2)
    if ":" in body:
        parts = body.split(":")
        if len(parts) != 3:
            raise UsageError(f"--vary {short(spec)}: a range is START:STOP:STEP")
        try:
            start, stop, step = (float(p) for p in parts)
        except ValueError:
            raise UsageError(
                f"--vary {short(spec)}: START, STOP and STEP are plain numbers "
                "in the parameter's unit"
            ) from None
        if not all(math.isfinite(x) for x in (start, stop, step)) or step <= 0 or stop < start:
            raise UsageError(f"--vary {short(spec)}: need START <= STOP and STEP > 0")
        span = (stop - start) / step  # 0:1:1e-310 is infinite: refuse it before floor()
        count = math.floor(span + 1e-9) + 1 if span < MAX_POINTS else MAX_POINTS + 1
        if count > MAX_POINTS:
            raise UsageError(f"--vary {short(spec)}: more than {MAX_POINTS} points")
        values = tuple(fmt_number(start + i * step, 12, trailing=False) for i in range(count))
    else:
        values = tuple(v.strip() for v in body.split(",") if v.strip())
        if not values:
            raise UsageError(f"--vary {short(spec)}: no values")
    return Axis(name, values)


def grid(specs: list[str]) -> list[list[str]]:
    """The points as lists of ``NAME=VALUE`` settings."""
    if not specs:
        raise UsageError("give at least one --vary NAME=VALUES")
    axes = [parse_vary(s) for s in specs]
    names = [a.name.lower() for a in axes]
    if len(set(names)) != len(names):
        raise UsageError("each parameter may be varied once")
    total = math.prod(len(a.values) for a in axes)
    if total > MAX_POINTS:
        raise UsageError(f"the sweep has {total} points; at most {MAX_POINTS}")
    return [
        [f"{a.name}={v}" for a, v in zip(axes, combo, strict=True)]
        for combo in itertools.product(*(a.values for a in axes))
    ]


def plan_points(
    cat: Catalog,
    target: str,
    vary: list[str],
    *,
    route_id: str | None = None,
    scale: str = "1x",
    yield_text: str | None = None,
    settings: list[str] | None = None,
) -> tuple[list[list[str]], list[Plan]]:
    """The grid's points and one plan per point (fixed ``settings`` first, then the point's)."""
    from nclplan.errors import NclplanError
    from nclplan.plan import make_plan

    points = grid(vary)
    plans = []
    for i, point in enumerate(points, start=1):
        try:
            plans.append(
                make_plan(
                    cat,
                    target,
                    route_id=route_id,
                    scale=scale,
                    yield_text=yield_text,
                    settings=[*(settings or []), *point],
                )
            )
        except NclplanError as exc:  # say which point: one pH may make what another cannot
            exc.args = (f"sweep point {i} ({', '.join(point)}): {exc}",)
            raise
    return points, plans


def settings_object(point: list[str]) -> dict[str, float | str]:
    """A point's settings as JSON: ``{"pH": 10.5}``; a value with a unit stays text ("4degC")."""
    out: dict[str, float | str] = {}
    for setting in point:
        name, value = setting.split("=", 1)
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            out[name] = value
            continue
        out[name] = int(number) if number.is_integer() and "." not in value else number
    return out


def combine(plans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One shopping list: per reagent (and stock concentration), the totals over all plans."""
    totals: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for plan in plans:
        for r in plan["reagents"]:
            if r.get("made_by"):  # an intermediate made by an earlier stage is not bought
                continue
            conc = r.get("concentration")
            key = (
                r["formula"] or r["name"],
                r["name"],  # a grade in the name ("ethanol (absolute)") keeps grades apart
                r["form"],
                "" if conc is None else f"{conc['value']:g} {conc['unit']}",
            )
            entry = totals.setdefault(
                key,
                {
                    "name": r["name"],
                    "formula": r["formula"],
                    "cas": r["cas"],
                    "form": r["form"],
                    "concentration": conc,
                    "as_needed": False,
                },
            )
            entry["as_needed"] = entry["as_needed"] or r["as_needed"]
            for k in ("amount", "mass", "volume"):
                q = r.get(k)
                if q is None:
                    continue
                if k not in entry:
                    entry[k] = {"value": 0.0, "unit": q["unit"]}
                entry[k]["value"] += q["value"]
    out = []
    for key in sorted(totals, key=lambda k: (totals[k]["name"], k)):
        e = totals[key]
        if e["concentration"] is None:  # left out where it does not apply, like a plan's
            del e["concentration"]
        for k in ("amount", "mass", "volume"):
            if k in e:
                e[k]["value"] = float(f"{e[k]['value']:.6g}")
        out.append(e)
    return out
