"""--set: declared parameters, reported ranges, ratio parameters, linked products."""

from __future__ import annotations

from pathlib import Path

import pytest

from nclplan.catalog import Catalog, load_catalog
from nclplan.errors import UsageError
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
