"""One verification: the plan the sample was made by, the spectra read, judged, and a verdict."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nclplan.catalog import Catalog
from nclplan.errors import UsageError
from nclplan.models import Route
from nclplan.plan import Plan
from nclplan.verify import judge
from nclplan.verify.expect import Expectation, expectation
from nclplan.verify.spectra import XUnit, read_ms, read_optical


@dataclass(frozen=True)
class Verification:
    route: Route
    plan_id: str
    scale: str
    settings: tuple[str, ...]
    expectation: Expectation
    uvvis: judge.OpticalResult | None
    emission: judge.EmissionResult | None
    ms: judge.MSResult | None
    verdict: judge.Verdict
    config: judge.Settings
    plan: Plan
    files: tuple[Path, ...]  # the data files as given, for an .eln archive to carry


def verify(
    cat: Catalog,
    target: str,
    *,
    route_id: str | None = None,
    settings: list[str] | None = None,
    scale: str = "1x",
    yield_text: str | None = None,
    uvvis: Path | None = None,
    emission: Path | None = None,
    ms: Path | None = None,
    sample: str | None = None,
    x_unit: XUnit | None = None,
    config: judge.Settings | None = None,
) -> Verification:
    """Read and judge each spectrum given against the route's expectation.

    The plan is made as for ``route`` (same target, --set, --scale, --yield), so the report names
    the plan id printed on the bench sheet the sample was made from.
    """
    from nclplan.plan import make_plan

    if uvvis is None and emission is None and ms is None:
        raise UsageError("give at least one spectrum: --uvvis, --emission or --ms FILE")
    config = config or judge.Settings()
    plan = make_plan(
        cat, target, route_id=route_id, scale=scale, yield_text=yield_text, settings=settings
    )
    exp = expectation(plan.route, cat)
    uv = em = mr = None
    if uvvis is not None:
        uv = judge.judge_uvvis(read_optical(uvvis, sample, x_unit), exp, config)
    if emission is not None:
        em = judge.judge_emission(read_optical(emission, sample, x_unit), exp, config)
    if ms is not None:
        mr = judge.judge_ms(read_ms(ms), exp, config)
    return Verification(
        route=plan.route,
        plan_id=plan.plan_id,
        scale=scale,
        settings=tuple(settings or ()),
        expectation=exp,
        uvvis=uv,
        emission=em,
        ms=mr,
        verdict=judge.verdict(exp, uv, em, mr, config),
        config=config,
        plan=plan,
        files=tuple(p for p in (uvvis, emission, ms) if p is not None),
    )
