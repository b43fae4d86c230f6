"""Pure: re-plan a route at other values of its declared parameters (``--set pH=11``).

Inside a reported range a value just plans; outside it plans with a warning; a name the route
does not declare as a parameter is a usage error. A ratio parameter (``controls: <line>``)
changes that reagent's amount; where the literature links a value to a product (``outcomes``)
the plan says which product to expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nclplan.errors import UsageError
from nclplan.models import Condition, Num, Reagent, ReagentLine, Route, Step, Target
from nclplan.safetext import short
from nclplan.units import convert, dimension, fmt_stated, magnitude, parse_quantity

_SETTING = re.compile(r"^\s*([A-Za-z][\w-]*)\s*=\s*(.+?)\s*$")
# Names chemists type for the usual parameters.
ALIASES = {"ph": "ph", "t": "temperature", "temp": "temperature"}


@dataclass(frozen=True)
class Applied:
    route: Route
    settings: tuple[tuple[str, str], ...]  # (condition name, value as typed), sorted
    warnings: list[str]
    expected: list[str]  # products the literature links to the set values


def parse_settings(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        m = _SETTING.match(item)
        if not m:
            raise UsageError(f"--set {short(item)!r}: write NAME=VALUE, e.g. --set pH=11")
        name = m.group(1).lower().replace("-", "_")
        name = ALIASES.get(name, name)
        if name in out:
            raise UsageError(f"--set {m.group(1)} is given twice")
        out[name] = m.group(2)
    return out


def _value(cond: Condition, text: str) -> float:
    """The value typed for ``cond``, in the condition's own unit."""
    assert cond.value is not None
    unit = cond.value.unit
    what = f"--set {cond.name}={short(text)}"
    plain: float | None
    try:
        plain = float(text)
    except ValueError:
        plain = None
    if not unit or cond.controls is not None:
        if plain is None:
            raise UsageError(f"{what}: give a plain number")
        value = plain
    elif plain is not None:  # a bare number is in the parameter's own unit (as a sweep gives)
        value = plain
    else:
        typed = parse_quantity(text, what=what)
        try:
            value = float(typed.to(unit).magnitude)
        except Exception:  # pint.DimensionalityError; keep pint out of this module's imports
            raise UsageError(
                f"{what}: expected a value in {unit}, e.g. {fmt_stated(cond.value.value, unit)}"
            ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise UsageError(f"{what}: not a finite number")
    if cond.name == "ph" and not 0 <= value <= 14:
        raise UsageError(f"{what}: a pH lies between 0 and 14")
    if cond.controls is not None and value <= 0:
        raise UsageError(f"{what}: a ratio must be positive")
    if unit and dimension(unit) == "[temperature]" and convert(value, unit, "K") <= 0:
        raise UsageError(f"{what}: below absolute zero")
    if unit and dimension(unit) == "[time]" and value <= 0:
        raise UsageError(f"{what}: a time must be positive")
    _plausible(cond, value, what)
    return value


def _plausible(cond: Condition, value: float, what: str) -> None:
    """Refuse a value as absurd as a refused scale: 1e308 h overflows to Infinity in JSON, and
    1e-320 equivalents plans with hundreds of zeros.

    A value more than MAX_FACTOR times larger or smaller than the published one is refused
    (temperatures and pH have their own checks and an absolute scale).
    """
    from nclplan.models import MAX_MAGNITUDE, MIN_MAGNITUDE
    from nclplan.scale import MAX_FACTOR

    assert cond.value is not None
    if value != 0 and not MIN_MAGNITUDE <= abs(value) <= MAX_MAGNITUDE:
        raise UsageError(f"{what}: {value:.3g} is not a plausible value")
    unit = cond.value.unit
    published = cond.value.value
    if unit and dimension(unit) == "[temperature]":
        if convert(value, unit, "K") > 5000:
            raise UsageError(f"{what}: {value:.3g} {unit} is not a plausible temperature")
        return
    if cond.name == "ph" or published == 0 or value == 0:
        return
    ratio = abs(value / published)
    if not 1 / MAX_FACTOR <= ratio <= MAX_FACTOR:
        raise UsageError(
            f"{what}: more than {MAX_FACTOR:g} times away from the published "
            f"{fmt_stated(published, unit)}; not a plausible value"
        )


def apply_settings(route: Route, reagents: dict[str, Reagent], settings: dict[str, str]) -> Applied:
    """The route with its parameters set; warnings for values outside the reported ranges."""
    if not settings:
        return Applied(route, (), [], [])
    by_name = {c.name: c for c in route.conditions}
    params = sorted(c.name for c in route.conditions if c.parameter)
    warnings: list[str] = []
    expected: list[str] = []
    products: list[tuple[str, str]] = []  # (product, the setting that selects it)
    conditions = list(route.conditions)
    lines = list(route.reagents)
    steps = list(route.steps)
    for name, text in sorted(settings.items()):
        cond = by_name.get(name)
        if cond is None or not cond.parameter:
            known = ", ".join(params) if params else "none"
            raise UsageError(
                f"--set {short(name)}: {route.id} has no parameter {short(name)!r} "
                f"(its parameters: {known})"
            )
        assert cond.value is not None
        value = _value(cond, text)
        unit = cond.value.unit
        stated = fmt_stated(value, unit)
        published = fmt_stated(cond.value.value, unit)
        reason = f"set with --set {name}={text} (published: {published})"
        if cond.range is not None:
            lo = convert(cond.range.min.value, cond.range.min.unit, unit or "")
            hi = convert(cond.range.max.value, cond.range.max.unit, unit or "")
            if not lo <= value <= hi:
                warnings.append(
                    f"{cond.label} {stated} is outside the reported range "
                    f"{fmt_stated(cond.range.min.value, cond.range.min.unit)} – "
                    f"{fmt_stated(cond.range.max.value, cond.range.max.unit)}: the route was not "
                    "shown to work there."
                )
        else:
            warnings.append(
                f"{cond.label} set to {stated} (published {published}); no working "
                "range is reported, so this is untested."
            )
        for o in cond.outcomes:
            if (o.min is None or value >= o.min) and (o.max is None or value <= o.max):
                expected.append(
                    f"{cond.label} {stated}: expect {o.product}"
                    + (f" ({o.note})" if o.note else "")
                )
                products.append((o.product, f"{cond.label} {stated}"))
        new_value = Num(value=value, unit=unit, estimate=reason)
        conditions = [
            c.model_copy(update={"value": new_value}) if c.name == name else c for c in conditions
        ]
        if cond.controls is not None:
            lines = [
                _set_ratio(line, reagents[line.reagent], route, reagents, value, reason)
                if line.id == cond.controls
                else line
                for line in lines
            ]
        steps = [_follow(step, name, new_value) for step in steps]
    update: dict[str, object] = {"conditions": conditions, "reagents": lines, "steps": steps}
    target = _expected_target(route, products)
    if target is not None:
        # The plan is for what these settings make: its mass, atom count and yield are not the
        # default product's (5 mg of Au15(SG)13 holds another amount of gold than of Au25(SG)18).
        update["target"] = target
        if route.yield_ is not None:
            update["yield_"] = None
            warnings.append(
                f"The route's yield was reported for {route.target.name}, not for "
                f"{target.name}: give --yield to plan by product mass."
            )
    new_route = route.model_copy(update=update)
    return Applied(new_route, tuple(sorted(settings.items())), warnings, expected)


def _expected_target(route: Route, products: list[tuple[str, str]]) -> Target | None:
    """The target these settings make, where the literature links them to another product."""
    from nclplan import chemistry
    from nclplan.catalog import names_of, norm_name

    t = route.target
    own = {norm_name(n) for n in names_of(route)}
    others = sorted({p for p in products if norm_name(p[0]) not in own})
    if not others:
        return None
    names = " / ".join(p for p, _ in others)
    why = "; ".join(f"{w} gives {p}" for p, w in others)
    cluster = None
    if len(others) == 1 and t.counterion is None:  # a counterion of another product is unknown
        try:
            cluster = chemistry.parse_cluster(others[0][0])
        except UsageError:
            cluster = None
    if cluster is None or cluster.metal != t.metal:
        return Target(
            name=names,
            metal=t.metal,
            isolated_as=f"{names} ({why}; the route's default product: {t.name})",
            mass_scaling=f"at these settings ({why}) the product has no single formula",
        )
    return Target(
        name=others[0][0],
        formula=others[0][0],
        charge=cluster.charge,
        metal=t.metal,
        isolated_as=f"{others[0][0]} ({why}; the route's default product: {t.name})",
    )


def _set_ratio(
    line: ReagentLine,
    reagent: Reagent,
    route: Route,
    reagents: dict[str, Reagent],
    ratio: float,
    reason: str,
) -> ReagentLine:
    """The line at ``ratio`` equivalents per metal atom of the published recipe."""
    from nclplan.scale import metal_atoms_per_unit, published_amounts

    metal = route.metal_line
    metal_pub = published_amounts(metal, reagents[metal.reagent])
    assert metal_pub.amount is not None
    metal_mmol = magnitude(metal_pub.amount, "mmol") * metal_atoms_per_unit(
        route, reagents[metal.reagent]
    )
    mine = published_amounts(line, reagent)
    if mine.amount is None:
        raise UsageError(f"{line.id}: its amount in moles is unknown, so a ratio cannot be set")
    factor = ratio * metal_mmol / magnitude(mine.amount, "mmol")
    update: dict[str, object] = {"estimate": reason}
    for key in ("mass", "amount", "volume"):
        n = getattr(line, key)
        if n is not None:
            update[key] = Num(value=n.value * factor, unit=n.unit, estimate=reason)
    return line.model_copy(update=update)


def _follow(step: Step, name: str, value: Num) -> Step:
    if step.condition != name:
        return step
    dim = dimension(value.unit) if value.unit else ""
    field = (
        "ph"
        if not value.unit
        else "temperature"
        if dim == "[temperature]"
        else ("duration" if dim == "[time]" else None)
    )
    if field is None:
        return step
    return step.model_copy(update={field: value, "estimate": value.estimate})
