"""A plan: the chosen route, scaled, with steps, hazards, warnings and a stable id.

This is the one object every output (terminal, Markdown, JSON) is made from.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from nclplan import chemistry
from nclplan.bench import (
    Prep,
    dropwise_warnings,
    ph_stocks_by_volume,
    practical,
    undropwise,
    without_unused_ph_reagents,
)
from nclplan.catalog import Catalog, resolve
from nclplan.errors import NclplanError, ScaleLimitError, UsageError
from nclplan.hazards import HazardItem as HazardItem  # re-exported: plans are made of them
from nclplan.hazards import (
    build_hazards,
    check_one_portion,
    hazard_warnings,
    one_portion_warnings,
    reagent_hazards,
)
from nclplan.models import Route, WorkupBlock, reason_of
from nclplan.params import Applied, apply_settings, fill_texts, parse_settings
from nclplan.scale import ScaledRoute, ScaleRequest, parse_scale, parse_yield, scale_route
from nclplan.steps import PlanStep, build_steps
from nclplan.units import Q, fmt, magnitude
from nclplan.vessel import (
    SizedVessel,
    open_heating_warnings,
    open_volatile_warnings,
    size_vessels,
)


@dataclass(frozen=True)
class Plan:
    plan_id: str
    scaled: ScaledRoute
    steps: list[PlanStep]
    alternatives: list[Route]
    hazards: list[HazardItem]
    reported: int  # numbers of the route read in a cited source
    estimated: int  # numbers of the route marked as estimates
    purification: str | None  # the route's words plus the purification blocks it refers to
    stages: tuple[Plan, ...] = ()  # precursor plans, in the order they are made (deepest first)
    vessels: tuple[SizedVessel, ...] = ()  # the route's vessels, sized for this plan
    # A precursor stage makes this much more than the next stage consumes (losses, the purity
    # check the next stage asks for); None for the plan the user asked for.
    surplus: float | None = None
    consumed_by: str | None = None  # route id of the stage that uses this stage's product
    preps: tuple[Prep, ...] = ()  # the stocks made up for this plan (what is weighed)

    @property
    def route(self) -> Route:
        return self.scaled.route

    @property
    def warnings(self) -> list[str]:
        out = list(self.scaled.warnings)
        if self.estimated:
            out.insert(
                0,
                f"{self.estimated} of {self.reported + self.estimated} numbers of this "
                "route are estimates (marked 'est.'), not values read in the cited "
                "papers: check them against the paper before you rely on them.",
            )
        return out


def plan_id(
    cat: Catalog,
    route: Route,
    scale: str,
    yield_text: str | None,
    settings: tuple[tuple[str, str], ...] = (),
    chain: dict[str, object] | None = None,
) -> str:
    """Same route content, reagent data and scale inputs -> same id (16 hex digits)."""
    used = sorted({line.reagent for line in route.reagents})
    blob = json.dumps(
        {
            "route": [route.id, cat.digests.get(f"route:{route.id}", "")],
            "reagents": {k: cat.digests.get(f"reagent:{k}", "") for k in used},
            "scale": scale.strip(),
            "yield": None if yield_text is None else yield_text.strip(),
            **({"settings": [list(x) for x in settings]} if settings else {}),
            **({"chain": chain} if chain else {}),
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def count_provenance(route: Route) -> tuple[int, int]:
    reported = estimated = 0
    for _, prov, num in route.provenance_walk():
        if reason_of(num, prov.estimate if prov else None):
            estimated += 1
        else:
            reported += 1
    return reported, estimated


DEFAULT_SURPLUS = 0.15  # a precursor stage makes 15 % more than the next stage consumes
MAX_STAGES = 8  # deeper chains are not a plan but a catalog error (cycles are refused at load)


def make_plan(
    cat: Catalog,
    target: str,
    *,
    route_id: str | None = None,
    scale: str = "1x",
    yield_text: str | None = None,
    settings: list[str] | None = None,
    surplus: str | float = DEFAULT_SURPLUS,
    chain: bool = True,
    depth: int = 0,
) -> Plan:
    """Resolve ``target``, scale its route and build steps. Raises NclplanError on bad input.

    A scale the route cannot be worked at (its own limits, a vessel too empty, in this plan or
    in a precursor stage) is refused in the scale asked for, naming the nearest one that works.
    """
    surplus_value = parse_surplus(surplus)
    request = parse_scale(scale)
    yield_override = parse_yield(yield_text) if yield_text is not None else None
    route, alternatives = resolve(cat, target, route_id)
    applied = apply_settings(route, cat.reagents, parse_settings(settings or []))
    scaled = scale_route(fill_texts(applied.route, route), cat.reagents, request, yield_override)
    try:
        check_limits(scaled)
        check_one_portion(scaled)
        return _make_plan(
            cat,
            route,
            alternatives,
            scaled,
            applied,
            scale,
            yield_text,
            surplus_value,
            chain,
            depth,
        )
    except ScaleLimitError as exc:
        value = nearest_scale(scaled.factor, exc.ratio)
        if depth == 0:  # the scale named must plan, chain included: probe it

            def probe(x: float) -> None:
                make_plan(
                    cat,
                    target,
                    route_id=route_id,
                    scale=f"{x:g}x",
                    settings=settings,
                    surplus=surplus_value,
                    chain=chain,
                    depth=1,
                )

            value = _working_scale(value, exc.ratio > 1, probe)
        raise limit_error(exc, request, scaled, value) from None


PROBES = 4  # a refusal probes at most this many scales for one that plans


def _working_scale(value: float, up: bool, probe: Callable[[float], None]) -> float:
    """Move ``value`` on in the same direction until a plan at it is no longer refused.

    A chain can be refused by one vessel and, at the scale that fixes it, by another (Au36's
    vial, then its Au38 stage's flask). Stops at a refusal the other way (no scale works) or
    after PROBES tries, keeping the last scale reached.
    """
    for _ in range(PROBES):
        try:
            probe(value)
        except ScaleLimitError as again:
            if (again.ratio > 1) != up:
                return value
            value = nearest_scale(value, again.ratio)
            continue
        except NclplanError:
            return value
        return value
    return value


def nearest_scale(factor: float, ratio: float) -> float:
    """``factor * ratio`` to 3 significant figures, rounded away from the problem: up to a
    scale that is enough, down to one that is safe."""
    nearest = factor * ratio
    up = ratio > 1
    digits = 2 - math.floor(math.log10(nearest))
    step = 10.0**-digits
    rounded = (math.ceil if up else math.floor)(nearest / step * (1 - 1e-9 if up else 1 + 1e-9))
    return round(rounded * step, max(digits, 0))


def check_limits(scaled: ScaledRoute) -> None:
    """Refuse a scale outside the route's own ``scale_limits``."""
    lim = scaled.route.scale_limits
    if lim is None:
        return
    factor = scaled.factor
    bound: float | None = None
    if lim.max is not None and factor > lim.max * (1 + 1e-9):
        bound = lim.max
    elif lim.min is not None and factor < lim.min * (1 - 1e-9):
        bound = lim.min
    if bound is not None:
        raise ScaleLimitError(lim.reason, bound / factor)


def limit_error(
    exc: ScaleLimitError, request: ScaleRequest, scaled: ScaledRoute, value: float
) -> ScaleLimitError:
    """The refusal worded in this plan's scale: why, and the nearest scale that works."""
    up = exc.ratio > 1
    metal = fmt(Q(magnitude(scaled.metal_amount, "mmol") * value / scaled.factor, "mmol"))
    message = (
        f"--scale {request.text.strip()}: {exc.reason}; the {'smallest' if up else 'largest'} "
        f"scale that works is {value:g}x ({metal} {scaled.route.target.metal})"
    )
    return ScaleLimitError(exc.reason, exc.ratio, message)


def _make_plan(
    cat: Catalog,
    published_route: Route,
    alternatives: list[Route],
    scaled: ScaledRoute,
    applied: Applied,
    scale: str,
    yield_text: str | None,
    surplus_value: float,
    chain: bool,
    depth: int,
) -> Plan:
    route = scaled.route
    extra = [f"Expected product: {e}" for e in applied.expected] + applied.warnings
    if extra:
        scaled = replace(scaled, warnings=extra + scaled.warnings)
    scaled, preps = practical(without_unused_ph_reagents(scaled))
    vessels, vessel_notes = size_vessels(scaled)
    scaled = undropwise(ph_stocks_by_volume(scaled, vessels))
    if applied.settings:  # a --set temperature or time may turn a step into open heating
        vessel_notes += open_heating_warnings(route)
    if vessel_notes:
        scaled = replace(scaled, warnings=scaled.warnings + vessel_notes)
    steps = build_steps(scaled, preps, vessels)
    prepared = {p.text for p in preps}
    numbers = [st.number for st in steps if st.text not in prepared]
    more = (
        one_portion_warnings(scaled, vessels, numbers)
        + open_volatile_warnings(scaled, numbers)
        + dropwise_warnings(scaled, numbers)
    )
    scaled = replace(scaled, warnings=scaled.warnings + more)
    hazards = build_hazards(scaled, cat.reagents, preps)
    scaled = replace(scaled, warnings=scaled.warnings + hazard_warnings(reagent_hazards(scaled)))
    reported, estimated = count_provenance(published_route)
    parts = [route.purification] if route.purification else []
    used = {line.reagent for line in route.reagents}
    traits = workup_traits(route, cat)
    parts += [_block_text(cat.blocks[b], used, traits, route.target.metal) for b in route.workup]
    stages = _precursor_stages(cat, scaled, depth, surplus_value) if chain else ()
    if depth == 0 and stages:
        _refuse_circular_chain([*stages], scaled)
    return Plan(
        plan_id=plan_id(
            cat,
            published_route,
            scale,
            yield_text,
            applied.settings,
            _chain_key(stages, chain, surplus_value),
        ),
        scaled=scaled,
        steps=steps,
        alternatives=alternatives,
        hazards=hazards,
        reported=reported,
        estimated=estimated,
        purification="\n\n".join(parts) or None,
        stages=stages,
        vessels=tuple(vessels),
        preps=tuple(preps),
    )


def _block_text(b: WorkupBlock, used: set[str], traits: set[str], metal: str) -> str:
    """A purification block in the words of this route: only what its reagents leave behind,
    and only the checks that fit its metal, its ligand and its product (see workup_traits)."""
    removes = [
        *b.removes,
        *(x for t, xs in b.removes_when.items() if t in traits for x in xs),
        *(x for r, xs in b.removes_if_used.items() if r in used for x in xs),
    ]
    checks = [
        *(c.rstrip(".") for t, c in b.check_when.items() if t in traits),
        b.check.rstrip("."),
        *(c.rstrip(".") for r, c in b.check_if_used.items() if r in used),
    ]
    text = f"{b.title}: {b.how} Removes {', '.join(removes)}. Check: {'; '.join(checks)}."
    return text.replace("{metal}", metal)


def workup_traits(route: Route, cat: Catalog) -> set[str]:
    """The route's traits that select parts of a purification block (WorkupTrait).

    Read from the route itself rather than declared, so a new route cannot forget them: the
    target metal; ``thiolate`` when a ligand, the metal precursor or the reductant carries
    sulfur (a thiol, a disulfide, a thiolate cluster); ``phosphine`` when one carries phosphorus
    and none sulfur; ``cluster`` when the product has a formula with more than one metal atom
    (not a polydisperse particle batch, a protein conjugate or a mononuclear complex).
    """
    traits = {route.target.metal}
    formulas = [
        f
        for line in route.reagents
        if line.role in ("ligand", "metal-precursor", "reductant")
        and (f := cat.reagents[line.reagent].formula) is not None
    ]
    if any(chemistry.atoms_of(f, "S") for f in formulas):
        traits.add("thiolate")
    elif any(chemistry.atoms_of(f, "P") for f in formulas):
        traits.add("phosphine")
    t = route.target
    if t.formula is not None and chemistry.core_size(t.formula) > 1:
        traits.add("cluster")
    return traits


def _chain_key(stages: tuple[Plan, ...], chain: bool, surplus: float) -> dict[str, object]:
    """What of the chain options changes this plan, for its id (nothing for a one-stage plan)."""
    key: dict[str, object] = {}
    if not chain:
        key["stages"] = False
    if stages and surplus != DEFAULT_SURPLUS:
        key["surplus"] = surplus
    return key


def parse_surplus(value: str | float) -> float:
    """``15%``, ``0.15`` or ``0`` -> a fraction in [0, 2]: how much more a precursor stage makes."""
    if isinstance(value, float | int):
        frac = float(value)
    else:
        text = value.strip()
        try:
            frac = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            raise UsageError(f"--surplus {value!r}: give a percentage such as 15%") from None
    if not 0 <= frac <= 2:  # NaN fails too
        raise UsageError(f"--surplus {value!r}: give a percentage from 0% to 200%")
    return frac


def _identities(formula: str | None, counterion: str | None = None, n: int = 0) -> set[str]:
    """Hill formulas a substance is known by: the cluster alone and, where given, its salt."""
    if not formula:
        return set()
    try:
        out = {chemistry.hill(formula)}
        if counterion and n:
            out.add(chemistry.hill(f"{formula}({chemistry.expand(counterion)}){n}"))
    except Exception:  # a formula molmass cannot read identifies nothing
        return set()
    return out


def _refuse_circular_chain(stages: list[Plan], final: ScaledRoute) -> None:
    """A chain must not consume what it is asked to make (Ag44 -> Ag25 -> Ag44).

    Products are compared by what they are (Hill formula of cluster or salt), not by route id:
    a stage that starts from the target would send the chemist to buy the product.
    """
    target = final.route.target
    n = abs(target.charge // target.counterion_charge) if target.counterion_charge else 0
    wanted = _identities(target.formula, target.counterion, n)
    own = [x.reagent.label for x in final.reagents if x.line.made_by and not x.line.as_needed]
    for stage in stages:
        for s in stage.scaled.reagents:
            if s.line.as_needed or s.line.made_by:
                continue
            if _identities(s.reagent.formula) & wanted:
                raise UsageError(
                    f"{final.route.id}: its precursor stage {stage.route.id} starts from "
                    f"{s.reagent.label}, which is the product {target.name} this plan is asked to "
                    "make; the chain would consume its own product. Plan this route alone, from "
                    f"{' and '.join(own)} you already have (--no-stages), or make the starting "
                    "cluster by a direct synthesis."
                )


def _precursor_stages(
    cat: Catalog, scaled: ScaledRoute, depth: int, surplus: float
) -> tuple[Plan, ...]:
    """Plan each precursor made by another route at the mass this stage needs of it.

    Each precursor stage makes ``surplus`` more than is consumed: a transfer loses some, and the
    purity check the next stage asks for (UV-vis, ESI-MS) uses some.
    """
    if depth >= MAX_STAGES:
        raise UsageError(f"{scaled.route.id}: precursor chain deeper than {MAX_STAGES} stages")
    stages: list[Plan] = []
    for s in scaled.reagents:
        made_by = s.line.made_by
        if made_by is None or s.line.as_needed:
            continue
        if s.mass is None:
            raise UsageError(
                f"{scaled.route.id}: the mass of {s.line.id} is unknown, so its "
                f"precursor route {made_by} cannot be scaled"
            )
        need = f"{float(s.mass.to('mg').magnitude) * (1 + surplus):.4g}mg"
        try:
            stage = make_plan(cat, made_by, scale=need, surplus=surplus, depth=depth + 1)
        except ScaleLimitError as exc:  # worded again in the scale of the plan asked for
            raise ScaleLimitError(
                f"precursor stage {made_by} (for {s.line.id} of {scaled.route.id}): {exc.reason}",
                exc.ratio,
            ) from exc
        except NclplanError as exc:
            chained = NclplanError(
                f"precursor stage {made_by} (for {s.line.id} of {scaled.route.id}): {exc}"
            )
            chained.exit_code = exc.exit_code
            raise chained from exc
        own = replace(stage, stages=(), surplus=surplus, consumed_by=scaled.route.id)
        stages += [*stage.stages, own]
    return tuple(stages)
