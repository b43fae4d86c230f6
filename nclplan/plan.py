"""A plan: the chosen route, scaled, with steps, hazards, warnings and a stable id.

This is the one object every output (terminal, Markdown, JSON) is made from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from nclplan.bench import practical
from nclplan.catalog import Catalog, resolve
from nclplan.errors import NclplanError, UsageError
from nclplan.models import Route, WorkupBlock
from nclplan.params import apply_settings, parse_settings
from nclplan.scale import ScaledRoute, parse_scale, parse_yield, scale_route
from nclplan.steps import PlanStep, build_steps


@dataclass(frozen=True)
class HazardItem:
    scope: str  # "route" or "reagent"
    reagent: str | None  # reagent line id
    code: str | None
    text: str
    source: str | None  # DOI for a route hazard read in a paper


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
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def count_provenance(route: Route) -> tuple[int, int]:
    reported = estimated = 0
    for _, prov, num in route.provenance_walk():
        est = num.estimate or (prov.estimate if prov and not num.source else None)
        if est:
            estimated += 1
        else:
            reported += 1
    return reported, estimated


def make_plan(
    cat: Catalog,
    target: str,
    *,
    route_id: str | None = None,
    scale: str = "1x",
    yield_text: str | None = None,
    settings: list[str] | None = None,
    depth: int = 0,
) -> Plan:
    """Resolve ``target``, scale its route and build steps. Raises NclplanError on bad input."""
    request = parse_scale(scale)
    yield_override = parse_yield(yield_text) if yield_text is not None else None
    route, alternatives = resolve(cat, target, route_id)
    published_route = route
    applied = apply_settings(route, cat.reagents, parse_settings(settings or []))
    route = applied.route
    scaled = scale_route(route, cat.reagents, request, yield_override)
    extra = [f"Expected product: {e}" for e in applied.expected] + applied.warnings
    if extra:
        scaled = replace(scaled, warnings=extra + scaled.warnings)
    scaled, preps = practical(scaled)
    steps = build_steps(scaled, preps)
    hazards: list[HazardItem] = []
    for h in route.hazards:
        ref = route.reference(h.source)
        hazards.append(HazardItem("route", None, None, h.text, ref.doi if ref else None))
    for s in scaled.reagents:
        for hz in s.reagent.hazards:
            hazards.append(HazardItem("reagent", s.line.id, hz.code, hz.text, None))
    reported, estimated = count_provenance(published_route)
    parts = [route.purification] if route.purification else []
    used = {line.reagent for line in route.reagents}
    parts += [_block_text(cat.blocks[block_id], used) for block_id in route.workup]
    stages = _precursor_stages(cat, scaled, depth)
    return Plan(
        plan_id=plan_id(cat, published_route, scale, yield_text, applied.settings),
        scaled=scaled,
        steps=steps,
        alternatives=alternatives,
        hazards=hazards,
        reported=reported,
        estimated=estimated,
        purification="\n\n".join(parts) or None,
        stages=stages,
    )


def _block_text(b: WorkupBlock, used: set[str]) -> str:
    """A purification block in the words of this route: only what its reagents leave behind."""
    removes = [*b.removes, *(x for r, xs in b.removes_if_used.items() if r in used for x in xs)]
    checks = [
        b.check.rstrip("."),
        *(c.rstrip(".") for r, c in b.check_if_used.items() if r in used),
    ]
    return f"{b.title}: {b.how} Removes {', '.join(removes)}. Check: {'; '.join(checks)}."


MAX_STAGES = 8  # deeper chains are not a plan but a catalog error (cycles are refused at load)


def _precursor_stages(cat: Catalog, scaled: ScaledRoute, depth: int) -> tuple[Plan, ...]:
    """Plan each precursor made by another route at the mass this stage needs of it."""
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
        need = f"{float(s.mass.to('mg').magnitude):.4g}mg"
        try:
            stage = make_plan(cat, made_by, scale=need, depth=depth + 1)
        except NclplanError as exc:
            chained = NclplanError(
                f"precursor stage {made_by} (for {s.line.id} of {scaled.route.id}): {exc}"
            )
            chained.exit_code = exc.exit_code
            raise chained from exc
        stages += [*stage.stages, replace(stage, stages=())]
    return tuple(stages)
