"""--set: declared parameters, reported ranges, ratio parameters, linked products."""

from __future__ import annotations

from pathlib import Path

import pytest

from nclplan.catalog import Catalog, load_catalog
from nclplan.errors import ScaleError, UsageError
from nclplan.export import plan_to_dict
from nclplan.plan import make_plan

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog([DATA / "params"])


def test_inside_the_range_just_plans(cat: Catalog) -> None:
    plan = make_plan(cat, "ph-route", settings=["pH=11.2"])
    assert not [w for w in plan.warnings if "outside" in w]
    mix = next(s for s in plan.steps if s.action == "mix")
    assert "bring the pH to 11.2" in mix.text
    assert mix.ph == 11.2
    assert any("expect Au18-like clusters" in w for w in plan.warnings)


@pytest.mark.parametrize(("value", "product"), [("9.5", "Au15"), ("12.5", "Au25")])
def test_outside_the_range_warns_and_says_what_to_expect(
    cat: Catalog, value: str, product: str
) -> None:
    plan = make_plan(cat, "ph-route", settings=[f"ph={value}"])
    assert any("outside the reported range 10 – 12" in w for w in plan.warnings)
    assert any(f"expect {product}-like clusters" in w for w in plan.warnings)


def test_ratio_parameter_changes_the_amount(cat: Catalog) -> None:
    base = plan_to_dict(make_plan(cat, "ph-route"))
    new = plan_to_dict(make_plan(cat, "ph-route", settings=["thiol_ratio=2.6"]))
    thiol = next(r for r in new["reagents"] if r["id"] == "thiol")
    old = next(r for r in base["reagents"] if r["id"] == "thiol")
    assert thiol["equivalents"] == pytest.approx(2.6)
    assert thiol["volume"]["value"] == pytest.approx(
        old["volume"]["value"] * 2.6 / 5.2228, rel=1e-3
    )
    gold = [r for r in new["reagents"] if r["id"] == "gold"]
    assert gold == [r for r in base["reagents"] if r["id"] == "gold"]
    assert "set with --set thiol_ratio=2.6" in thiol["estimate"]


def test_settings_change_the_plan_id_but_not_the_provenance_count(cat: Catalog) -> None:
    a, b = make_plan(cat, "ph-route"), make_plan(cat, "ph-route", settings=["pH=10"])
    assert a.plan_id != b.plan_id
    assert (a.reported, a.estimated) == (b.reported, b.estimated)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("colour=red", "has no parameter 'colour'"),
        ("pH", "NAME=VALUE"),
        ("pH=acid", "plain number"),
        ("pH=15", "between 0 and 14"),
        ("thiol_ratio=-1", "positive"),
    ],
)
def test_bad_settings(cat: Catalog, setting: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        make_plan(cat, "ph-route", settings=[setting])


def test_units_of_a_time_parameter(catalog: Catalog) -> None:
    plan = make_plan(catalog, "Au25", settings=["aging_time=90min"])
    age = next(s for s in plan.steps if s.action == "age")
    assert age.duration is not None and age.duration.to("h").magnitude == pytest.approx(1.5)
    with pytest.raises(UsageError, match="expected a value in h"):
        make_plan(catalog, "Au25", settings=["aging_time=5mg"])
    with pytest.raises(UsageError, match="given twice"):
        make_plan(catalog, "Au25", settings=["aging_time=1h", "aging-time=2h"])


def test_a_setting_that_selects_another_product_plans_that_product(catalog: Catalog) -> None:
    # pH 10 gives Au15(SG)13, not the default Au25(SG)18: 5 mg of it hold another amount of gold
    # (Au15(SG)13: 6936.6 g/mol, 15 Au), so the scale follows the product the setting makes.
    plan = make_plan(catalog, "au-sg-co-ph", settings=["pH=10"], scale="5mg", yield_text="50%")
    data = plan_to_dict(plan)
    assert data["target"]["formula_as_written"] == "Au15(SG)13"
    assert data["target"]["metal_atoms"] == 15
    assert data["target"]["molar_mass"]["value"] == pytest.approx(6936.6, abs=0.1)
    assert data["scale"]["metal_amount"]["value"] == pytest.approx(5 / 6936.6 * 15 / 0.5, rel=1e-5)
    default = plan_to_dict(
        make_plan(catalog, "au-sg-co-ph", settings=["pH=12"], scale="5mg", yield_text="50%")
    )
    assert default["target"]["formula_as_written"] == "Au25(SG)18"


def test_a_product_without_one_formula_cannot_be_planned_by_mass(catalog: Catalog) -> None:
    with pytest.raises(ScaleError, match="no single formula"):
        make_plan(catalog, "au-sg-co-ph", settings=["pH=9"], scale="5mg", yield_text="50%")
    data = plan_to_dict(make_plan(catalog, "au-sg-co-ph", settings=["pH=9"], scale="2x"))
    assert data["target"]["name"] == "Au10-12(SG)10-12" and data["target"]["metal_atoms"] is None


def test_the_default_products_yield_does_not_carry_over(cat: Catalog) -> None:
    plan = make_plan(cat, "ph-route", settings=["pH=10"])
    assert plan.scaled.expected_yield is None
    assert any("yield was reported for" in w for w in plan.warnings)


def test_a_ph_adjustment_lists_only_the_reagent_it_needs(cat: Catalog) -> None:
    # Every route whose pH condition knows the mixture's pH before adjustment: the plan lists
    # the base when it raises the pH and the acid when it lowers it, never the other one, and
    # the adjusting step names what it lists (au25-cys-co at pH 11 and, set, at pH 2).
    checked = 0
    for route in cat.route_list():
        for c in route.conditions:
            if c.before is None or c.value is None or not (c.base and c.acid):
                continue
            for value in (c.before.value + 1, c.before.value - 1):
                if value <= 0:
                    continue
                plan = make_plan(cat, route.id, route_id=route.id, settings=[f"{c.name}={value:g}"])
                rows = {s.line.id for s in plan.scaled.reagents}
                needed, unneeded = (c.base, c.acid) if value > c.before.value else (c.acid, c.base)
                assert needed in rows and unneeded not in rows, (route.id, value)
                name = next(s.reagent.label for s in plan.scaled.reagents if s.line.id == needed)
                assert any(name in st.text and "pH" in st.text for st in plan.steps), route.id
                checked += 1
    assert checked >= 4  # the CO routes and their kind
