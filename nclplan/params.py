"""Pure: re-plan a route at other values of its declared parameters (``--set pH=11``).

Inside a reported range a value just plans; outside it plans with a warning; a name the route
does not declare as a parameter is a usage error. A ratio parameter (``controls: <line>``)
changes that reagent's amount; where the literature links a value to a product (``outcomes``)
the plan says which product to expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from pydantic import BaseModel

from nclplan.errors import UsageError
from nclplan.models import Condition, Num, Reagent, ReagentLine, Route, Step, Target
from nclplan.safetext import short
from nclplan.units import convert, dimension, fmt_number, fmt_stated, magnitude, parse_quantity

_M = TypeVar("_M", bound=BaseModel)
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
    what = f"--set {_typed(cond.name)}={short(text)}"
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
            f"{what}: more than {MAX_FACTOR:g} times away from the route's "
            f"{fmt_stated(published, unit)}; not a plausible value"
        )


def _bare_label(label: str) -> str:
    """A condition's label without its parenthetical (``Initial pH before CO (selects the
    cluster size)`` -> ``Initial pH before CO``), for text that sits inside parentheses."""
    return re.sub(r"\s*\([^()]*\)", "", label).strip() or label


def _typed(name: str) -> str:
    """A parameter as a chemist types it: ``pH``, not the lower-case id ``ph``."""
    return "pH" if name == "ph" else name


def _route_value_words(cond: Condition) -> str:
    """``the route's value`` or ``the route's estimated value``: a --set note must not call an
    assumed default "published"."""
    assert cond.value is not None
    n = cond.value
    estimated = bool(n.estimate or (cond.estimate and not n.source))
    return "the route's estimated value" if estimated else "the route's value"


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
        was = _route_value_words(cond)
        reason = f"set with --set {_typed(name)}={text} ({was}: {published})"
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
                f"{cond.label} set to {stated} ({was}: {published}); no working "
                "range is reported, so this is untested."
            )
        for o in cond.outcomes:
            if (o.min is None or value >= o.min) and (o.max is None or value <= o.max):
                setting = f"{_bare_label(cond.label)} = {stated}"
                expected.append(
                    f"{setting}: expect {o.product}" + (f" ({o.note})" if o.note else "")
                )
                products.append((o.product, setting))
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
    if name not in step.condition:
        return step
    field = _field_for(name, value)
    if field is None:
        return step
    return step.model_copy(update={field: value, "estimate": value.estimate})


_COND = re.compile(r"\{(cond|published):([^{}]*)\}")


def fill_texts(route: Route, published: Route | None = None) -> Route:
    """The route with every ``{cond:name}`` of its printed texts replaced by the value in force.

    Texts name a parameter's value only through the placeholder (``nclplan check`` refuses a
    literal repeat), so a ``--set`` value reaches the summary, the stocks, every step and note.
    ``{published:name}`` is the value of ``published`` (the route as read), for a note that
    reports what the paper used. Reagent and vessel placeholders are left for the step builder.
    """

    sources = {
        "cond": {c.name: c.value for c in route.conditions},
        "published": {c.name: c.value for c in (published or route).conditions},
    }

    def value(m: re.Match[str]) -> str:
        num = sources[m.group(1)][m.group(2)]
        assert num is not None  # checked when the route was loaded
        return _stated(num.value, num.unit)

    def sub(text: str | None) -> str | None:
        if text is None or "{" not in text:
            return text
        return _COND.sub(value, text)

    def each(items: list[_M], *keys: str) -> list[_M]:  # the objects whose texts hold a value
        return [
            x.model_copy(update={k: sub(getattr(x, k)) for k in keys})
            if any("{" in (getattr(x, k) or "") for k in keys)
            else x
            for x in items
        ]

    update: dict[str, object] = {
        "summary": sub(route.summary),
        "target": route.target.model_copy(update={"isolated_as": sub(route.target.isolated_as)}),
        "reagents": each(route.reagents, "medium", "note", "target"),
        "conditions": each(route.conditions, "text"),
        "steps": each(route.steps, "text", "checkpoint"),
        "fingerprints": each(route.fingerprints, "note"),
        "hazards": each(route.hazards, "text"),
        "purification": sub(route.purification),
        "scale_notes": [n.model_copy(update={"text": sub(n.text)}) for n in route.scale_notes],
        "notes": [sub(t) for t in route.notes],
    }
    if route.yield_ is not None:
        update["yield_"] = route.yield_.model_copy(update={"basis": sub(route.yield_.basis)})
    return route.model_copy(update=update)


@lru_cache(maxsize=1024)
def _stated(value: float, unit: str) -> str:
    # Cached: a sweep fills the same few values into the same texts thousands of times.
    return fmt_stated(value, unit)


def _literal_patterns(cond: Condition) -> list[re.Pattern[str]]:
    """How a text would spell the condition's value: ``37 °C``, ``12 h``, ``pH 12``."""
    assert cond.value is not None
    value, unit = cond.value.value, cond.value.unit
    num = re.escape(fmt_number(value, 3, trailing=False))
    tail = r"(?:\.0+)?(?![\d.])"
    lead = r"(?<![\d.])"
    if cond.controls is not None:
        return [re.compile(rf"{lead}{num}{tail}\s*(?:eq\b|equiv|equivalents?\b)", re.I)]
    if not unit:
        if cond.name == "ph":
            return [re.compile(rf"\bpH\b[^0-9.;]{{0,20}}{lead}{num}{tail}")]
        return []
    dim = dimension(unit)
    if dim == "[temperature]":
        c = re.escape(fmt_number(convert(value, unit, "degC"), 3, trailing=False))
        return [re.compile(rf"{lead}{c}{tail}\s*(?:°\s*C|degC|℃)")]
    if dim == "[time]":
        words = {"h": r"h\b|hours?\b|hr\b", "min": r"min\b|minutes?\b", "d": r"d\b|days?\b"}
        out = []
        for u, w in words.items():
            n = convert(value, unit, u)
            if n >= 1 and abs(n - round(n, 2)) < 1e-9:
                out.append(
                    re.compile(
                        rf"{lead}{re.escape(fmt_number(n, 3, trailing=False))}{tail}"
                        rf"[\s-]*(?:{w})"
                    )
                )
        return out
    return [re.compile(rf"{lead}{num}{tail}\s*{re.escape(unit)}")]


def literal_parameters(route: Route) -> list[tuple[str, str]]:
    """Places where a route repeats a parameter's value instead of naming the parameter.

    A literal ``37 °C`` in a step stays 37 °C when the chemist sets ``--set temperature=4degC``;
    ``{cond:temperature}`` follows. A step's temperature, duration or pH equal to a parameter's
    value must follow it (``condition: [temperature]``). Returns (field path, message) pairs.
    """
    out: list[tuple[str, str]] = []
    params = [c for c in route.conditions if c.parameter and c.value is not None]
    for cond in params:
        assert cond.value is not None
        patterns = _literal_patterns(cond)
        stated = fmt_stated(cond.value.value, cond.value.unit)
        for where, text in route.text_fields():
            plain = _COND.sub("", text)
            if any(p.search(plain) for p in patterns):
                out.append(
                    (
                        where,
                        f"repeats the value of parameter {cond.name} ({stated}): "
                        f"write {{cond:{cond.name}}}",
                    )
                )
        field = _field_for(cond.name, cond.value)
        if field is None:
            continue
        for i, step in enumerate(route.steps):
            num = getattr(step, field)
            if num is None or cond.name in step.condition:
                continue
            same_dim = (num.unit == "") == (cond.value.unit == "") and (
                not num.unit or dimension(num.unit) == dimension(cond.value.unit)
            )
            if same_dim and abs(
                convert(num.value, num.unit, cond.value.unit) - cond.value.value
            ) < 1e-9 * max(1.0, abs(cond.value.value)):
                out.append(
                    (
                        f"steps.{i}.{field}",
                        f"is the value of parameter {cond.name} ({stated}): "
                        f"add condition: [{cond.name}] to the step",
                    )
                )
    return out


def _field_for(name: str, value: Num) -> str | None:
    """The step field a parameter of this unit sets (None: the parameter sets no step field)."""
    if not value.unit:
        return "ph" if name == "ph" else None
    dim = dimension(value.unit)
    return {"[temperature]": "temperature", "[time]": "duration"}.get(dim)
