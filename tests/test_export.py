"""The JSON contract (schema_version "3") and golden Markdown/JSON, byte for byte."""

from __future__ import annotations

import json

import pytest

from nclplan.catalog import Catalog
from nclplan.errors import ScaleError
from nclplan.export import dumps, plan_to_dict
from nclplan.plan import make_plan
from nclplan.render import markdown

TOP_KEYS = {
    "schema_version",
    "generator",
    "plan_id",
    "route",
    "alternatives",
    "target",
    "scale",
    "product",
    "reagents",
    "steps",
    "conditions",
    "fingerprints",
    "hazards",
    "purification",
    "warnings",
    "provenance",
    "stages",
    "shopping_list",
    "vessels",
}
REAGENT_KEYS = {
    "id",
    "name",
    "formula",
    "cas",
    "role",
    "form",
    "stage",
    "medium",
    "as_needed",
    "molar_mass",
    "equivalents",
    "amount",
    "mass",
    "volume",
    "concentration",
    "hazards",
    "made_by",
    "target",
    "measure_with",
    "source",
    "estimate",
}
STEP_KEYS = {
    "number",
    "action",
    "stage",
    "text",
    "duration",
    "temperature",
    "ph",
    "checkpoint",
    "source",
    "estimate",
    "vessel",
}
OMITTABLE = {"molar_mass", "amount", "mass", "volume", "concentration", "duration", "temperature"}
CANONICAL = {"mass": "mg", "amount": "mmol", "volume": "mL", "molar_mass": "g/mol"}


@pytest.mark.parametrize(("scale", "name"), [("1x", "au25-1x"), ("50mg", "au25-50mg")])
def test_golden_documents(catalog: Catalog, golden, scale: str, name: str) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(catalog, "Au25", scale=scale)
    golden(f"{name}.json", dumps(plan_to_dict(plan)))
    golden(f"{name}.md", markdown(plan))


def test_contract_keys_and_units(catalog: Catalog) -> None:
    data = plan_to_dict(make_plan(catalog, "Au25", scale="50mg"))
    assert set(data) == TOP_KEYS
    assert data["schema_version"] == "4"
    assert data["generator"]["name"] == "nclplan"
    assert set(data["route"]) >= {"id", "title", "family", "review_section", "references"}
    ref_keys = {"key", "doi", "doi_confirmed", "citation"}
    assert all(set(r) == ref_keys for r in data["route"]["references"])
    assert set(data["target"]) >= {
        "name",
        "formula",
        "charge",
        "counterion",
        "metal",
        "metal_atoms",
        "molar_mass",
    }
    assert data["target"]["molar_mass"]["unit"] == "g/mol"
    assert data["target"]["molar_mass"]["value"] == pytest.approx(7861.05, abs=0.05)
    assert set(data["scale"]) >= {"requested", "basis", "factor", "expected_yield"}
    assert data["scale"]["basis"] == "product_mass"
    assert set(data["scale"]["expected_yield"]) >= {"value", "basis", "source"}
    assert data["product"]["mass"] == {"value": 50.0, "unit": "mg"}
    for r in data["reagents"]:
        # a quantity that does not apply is left out, never null (schema_version 3)
        assert REAGENT_KEYS - OMITTABLE <= set(r) <= REAGENT_KEYS
        assert None not in [r.get(k, 0) for k in OMITTABLE]
        for key, unit in CANONICAL.items():
            if key in r:
                assert r[key]["unit"] == unit
    for s in data["steps"]:
        assert STEP_KEYS - OMITTABLE <= set(s) <= STEP_KEYS
        assert None not in [s.get(k, 0) for k in OMITTABLE]
        if "duration" in s:
            assert s["duration"]["unit"] == "min"
        if "temperature" in s:
            assert s["temperature"]["unit"] == "degC"


def test_stock_solution_gives_volume_concentration_and_solute(catalog: Catalog) -> None:
    data = plan_to_dict(make_plan(catalog, "Au25", scale="1x"))
    nabh4 = next(r for r in data["reagents"] if r["id"] == "nabh4")
    assert nabh4["volume"] == {"value": 5.0, "unit": "mL"}
    assert nabh4["concentration"] == {"value": 800.0, "unit": "mM"}
    assert nabh4["amount"] == {"value": 4.0, "unit": "mmol"}
    assert nabh4["mass"]["value"] == pytest.approx(151.33, abs=0.01)


def test_protein_conjugate_has_no_product(catalog: Catalog) -> None:
    data = plan_to_dict(make_plan(catalog, "Au25@BSA", scale="2x"))
    assert data["product"] is None
    assert data["target"]["molar_mass"] is None
    bsa = next(r for r in data["reagents"] if r["id"] == "bsa")
    assert bsa["concentration"] == {"value": 50.0, "unit": "mg/mL"}
    assert bsa["mass"] == {"value": 500.0, "unit": "mg"}


def test_particles_without_an_atom_count(catalog: Catalog) -> None:
    # Brust 1994 gives polydisperse particles: no formula, no atom count, no product mass, and
    # no "alternatives" (another atom-less route makes something else entirely).
    data = plan_to_dict(make_plan(catalog, "au-np-brust-1994", scale="2x"))
    assert data["target"]["metal_atoms"] is None
    assert data["product"] is None and data["alternatives"] == []
    assert data["scale"]["metal_amount"] == {"value": 1.8, "unit": "mmol"}  # 2 x 30 mL x 30 mM
    with pytest.raises(ScaleError, match="no defined formula"):
        make_plan(catalog, "au-np-brust-1994", scale="50mg")


def test_plan_id_is_stable_and_depends_on_inputs(catalog: Catalog) -> None:
    a = make_plan(catalog, "Au25", scale="50mg").plan_id
    assert a == make_plan(catalog, "Au25", scale="50mg").plan_id
    assert a != make_plan(catalog, "Au25", scale="51mg").plan_id
    assert a != make_plan(catalog, "Au25", scale="50mg", yield_text="40%").plan_id


def test_json_is_plain_sorted_utf8(catalog: Catalog) -> None:
    text = dumps(plan_to_dict(make_plan(catalog, "Au25")))
    assert text.endswith("}\n")
    assert json.loads(text)["schema_version"] == "4"
    assert "HAuCl4·3H2O" not in text or "\\u00b7" not in text
