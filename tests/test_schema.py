"""The JSON Schema is generated from the typed output models, and real plans go through them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from nclplan import schema
from nclplan.catalog import Catalog
from nclplan.errors import UsageError
from nclplan.export import SCHEMA_VERSION, plan_schema, plan_to_dict, reagents_csv
from nclplan.plan import make_plan

REQUESTS = [
    ("Au25", {"scale": "50mg"}),
    ("au36-tbbt-leist", {"scale": "20mg"}),  # multi-stage
    ("au25-mba-co", {"settings": ["pH=10.5", "thiol_ratio=3"]}),
    ("au-np-brust-1994", {"scale": "2x"}),  # metal_atoms null
    ("Au25@BSA", {"scale": "2x"}),
]


def test_published_schema_is_the_generated_one() -> None:
    """plan.schema.json is written by ``python -m nclplan.schema``; regenerate it on change."""
    assert plan_schema() == schema.generate(), (
        "nclplan/plan.schema.json is out of date: python -m nclplan.schema > "
        "nclplan/plan.schema.json"
    )


def test_schema_id_and_version_follow_the_one_constant() -> None:
    published = json.loads(plan_schema())
    assert published["$id"].endswith(f"/plan-{SCHEMA_VERSION}.json")
    assert published["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    jsonschema.Draft202012Validator.check_schema(published)


@pytest.mark.parametrize(("target", "options"), REQUESTS)
def test_plans_go_through_the_models_unchanged(
    catalog: Catalog, target: str, options: dict[str, Any]
) -> None:
    data = plan_to_dict(make_plan(catalog, target, **options))
    model = schema.PlanOut.model_validate(data)
    assert model.model_dump(mode="json", exclude_unset=True) == data
    jsonschema.Draft202012Validator(json.loads(plan_schema())).validate(data)


def test_every_route_fits_the_models(catalog: Catalog) -> None:
    for route in catalog.route_list():
        try:
            plan = make_plan(catalog, route.id)
        except UsageError:  # a chain that would consume its own product: plan the route alone
            plan = make_plan(catalog, route.id, chain=False)
        schema.PlanOut.model_validate(plan_to_dict(plan))


def test_a_null_quantity_is_refused_where_it_is_left_out(catalog: Catalog) -> None:
    data = plan_to_dict(make_plan(catalog, "Au25", scale="50mg"))
    data["reagents"][0]["volume"] = None
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json.loads(plan_schema()))


def test_pandas_frames_are_clean(catalog: Catalog, tmp_path: Path) -> None:
    """json_normalize of the reagents: no ``mass`` column of nulls beside ``mass.value``;
    read_csv of reagents.csv: ``as_needed`` is a boolean column."""
    pd = pytest.importorskip("pandas")
    plan = make_plan(catalog, "Au25", scale="50mg")
    frame = pd.json_normalize(plan_to_dict(plan)["reagents"])
    columns = set(frame.columns)
    assert {"mass.value", "mass.unit", "amount.value"} <= columns
    assert not [c for c in columns if f"{c}.value" in columns or f"{c}.unit" in columns]
    assert frame["as_needed"].dtype == bool
    assert frame.loc[frame["id"] == "gold", "mass.value"].item() == 125.248
    path = tmp_path / "reagents.csv"
    path.write_text(reagents_csv(plan), encoding="utf-8")
    table = pd.read_csv(path)
    assert table["as_needed"].dtype == bool
    assert table.loc[table["id"] == "gold", "mass_mg"].item() == 125.248


def test_csv_as_needed_is_true_or_false(catalog: Catalog) -> None:
    rows = list(csv.DictReader(io.StringIO(reagents_csv(make_plan(catalog, "Au25", scale="1x")))))
    assert {r["as_needed"] for r in rows} <= {"true", "false"}
    assert any(r["as_needed"] == "true" for r in rows) or all(
        r["as_needed"] == "false" for r in rows
    )
