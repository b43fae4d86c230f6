"""Bench-practical amounts: stock preparations, aliquots for unweighable solids, vessels."""

from __future__ import annotations

import pytest

from nclplan.bench import practical
from nclplan.catalog import Catalog
from nclplan.errors import ScaleLimitError
from nclplan.plan import make_plan
from nclplan.scale import parse_scale, scale_route


def test_every_stock_gets_a_weighable_preparation(catalog: Catalog) -> None:
    plan = make_plan(catalog, "au25-mba-co", scale="0.2x")
    preps = [s for s in plan.steps if s.action == "prepare"]
    assert len(preps) == 2
    # 2.00 mL of 50 mM p-MBA (154.19 g/mol) is 15.4 mg: weighable, and covers the 80 µL needed
    assert "dissolve 15.4 mg p-MBA in 150 mM NaOH and make up to 2.00 mL" in preps[0].text
    assert "you need 80.0 µL" in preps[0].text


def test_fresh_stocks_say_so(catalog: Catalog) -> None:
    plan = make_plan(catalog, "Au25")
    prep = next(s for s in plan.steps if s.action == "prepare")
    assert "before use" in prep.text
    assert "ice-cold" in prep.text


def test_toabr_has_no_stock_solvent_so_it_is_only_warned(catalog: Catalog) -> None:
    route = catalog.routes["au25-pet-thf"]
    new, _ = practical(scale_route(route, catalog.reagents, parse_scale("0.01x")))
    toabr = next(r for r in new.reagents if r.line.id == "toabr")
    assert toabr.volume is None
    assert any(
        w.startswith("tetraoctylammonium bromide: ") and "balance" in w for w in new.warnings
    )


def test_multi_stage_plan_chains_through_the_yield(catalog: Catalog) -> None:
    import json

    import jsonschema

    from nclplan.export import dumps, plan_schema, plan_to_dict

    routes = [r for r in catalog.route_list() if any(x.made_by for x in r.reagents)]
    if not routes:
        pytest.skip("no multi-stage route in the catalog")
    for route in routes:
        try:
            plan = make_plan(catalog, route.id, scale="2x")
        except Exception as exc:  # a chain that cannot be planned says why
            assert "precursor stage" in str(exc) or "consume its own product" in str(exc)
            continue
        assert plan.stages, route.id
        line = next(x for x in plan.scaled.reagents if x.line.made_by)
        stage = next(s for s in plan.stages if s.route.id == line.line.made_by)
        # the precursor stage makes what this stage consumes plus the default 15 % surplus
        assert stage.scaled.product_mass is not None
        assert stage.scaled.product_mass.to("mg").magnitude == pytest.approx(
            line.mass.to("mg").magnitude * 1.15, rel=1e-3
        )
        assert (stage.surplus, stage.consumed_by) == (0.15, route.id)
        data = json.loads(dumps(plan_to_dict(plan)))
        jsonschema.validate(data, json.loads(plan_schema()))
        assert [s["route"]["id"] for s in data["stages"]][-1] == line.line.made_by
        assert data["shopping_list"]
        intermediate = next(r for r in data["reagents"] if r["made_by"])
        assert intermediate["name"] not in [r["name"] for r in data["shopping_list"]]


@pytest.mark.parametrize("surplus", ["0", "0%", "40%", "1.5"])
def test_surplus_is_what_a_stage_makes_beyond_the_next_stage(
    catalog: Catalog, surplus: str
) -> None:
    from nclplan.plan import parse_surplus

    plan = make_plan(catalog, "au36-tbbt-leist", scale="20mg", surplus=surplus)
    line = next(x for x in plan.scaled.reagents if x.line.made_by)
    made = plan.stages[-1].scaled.product_mass
    assert made is not None and line.mass is not None
    expected = line.mass.to("mg").magnitude * (1 + parse_surplus(surplus))
    assert made.to("mg").magnitude == pytest.approx(expected, rel=1e-3)


def test_no_chain_consumes_its_own_product(catalog: Catalog) -> None:
    """Every chain of the catalog: no stage starts from the substance the plan is to make."""
    from nclplan.chemistry import hill
    from nclplan.errors import UsageError

    refused = []
    for route in catalog.route_list():
        if not any(x.made_by for x in route.reagents):
            continue
        try:
            plan = make_plan(catalog, route.id, scale="2x")
        except UsageError as exc:
            assert "consume its own product" in str(exc) and "--no-stages" in str(exc)
            refused.append(route.id)
            continue
        except Exception:
            continue
        t = route.target
        wanted = hill(t.formula) if t.formula else None
        for stage in plan.stages:
            for x in stage.scaled.reagents:
                if x.reagent.formula and not x.line.made_by:
                    assert hill(x.reagent.formula) != wanted, (route.id, stage.route.id)
                    if t.counterion and t.counterion_charge:
                        n = abs(t.charge // t.counterion_charge)
                        salt = hill(f"{t.formula}({t.counterion}){n}")
                        assert hill(x.reagent.formula) != salt, (route.id, stage.route.id)
    # Ag44 -> Ag25 -> Ag44 (the reversibility study) is the one circular chain of the catalog
    assert refused == ["ag44-from-ag25"]
    alone = make_plan(catalog, "ag44-from-ag25", scale="10mg", yield_text="50%", chain=False)
    assert not alone.stages


def test_tiny_volumes_are_warned(catalog: Catalog) -> None:
    # au25-mba-co at 0.001x doses 0.4 µL of p-MBA stock: below what any pipette delivers well
    route = catalog.routes["au25-mba-co"]
    scaled, _ = practical(scale_route(route, catalog.reagents, parse_scale("0.001x")))
    assert any(
        w.startswith("4-mercaptobenzoic acid: ") and "microsyringe" in w for w in scaled.warnings
    )
    # as a plan it is refused: 10 µL cannot be stirred and sampled in the smallest sealed vial
    with pytest.raises(ScaleLimitError, match=r"smallest scale that works is 0\.0198x"):
        make_plan(catalog, "au25-mba-co", scale="0.001x")
