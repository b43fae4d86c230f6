"""Fingerprints have kinds, and every kind prints and exports in its own unit (schema "3")."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from nclplan.catalog import Catalog
from nclplan.export import plan_to_dict
from nclplan.fingerprint import label, values_text
from nclplan.models import FINGERPRINT_UNITS, Fingerprint
from nclplan.plan import make_plan
from nclplan.render import markdown as render_markdown

# A fingerprint is never a mass or an amount of substance to weigh.
_SUBSTANCE = re.compile(r"\d\s*(?:[kmµu]?g|[mµun]?mol)\b")


def _fp(**kw: object) -> Fingerprint:
    return Fingerprint.model_validate({"estimate": "a test value, not a literature one", **kw})


def test_every_catalog_fingerprint_prints_in_its_own_unit(catalog: Catalog) -> None:
    seen = set()
    for route in catalog.routes.values():
        for f in route.fingerprints:
            seen.add(f.kind)
            text = values_text(f)
            assert not _SUBSTANCE.search(text), (route.id, text)
            unit = FINGERPRINT_UNITS[f.kind]
            if unit in ("nm", "%"):
                assert all(v.endswith(unit) for v in text.split(", ")), (route.id, text)
    # the catalog exercises the kinds that were once printed as masses of substance
    assert {"absorption", "molecular_mass", "mz", "quantum_yield", "size"} <= seen


def test_every_plan_exports_fingerprints_in_kind_units(catalog: Catalog) -> None:
    for route in catalog.routes.values():
        if not route.fingerprints:
            continue
        data = plan_to_dict(make_plan(catalog, route.id, route_id=route.id))
        assert data["schema_version"] == "4"
        for f in data["fingerprints"]:
            assert {v["unit"] for v in f["values"]} == {FINGERPRINT_UNITS[f["kind"]]}, route.id
            assert f["charge"] is None or f["kind"] == "mz"


def test_molecular_masses_are_daltons_not_micrograms(catalog: Catalog) -> None:
    """The ~25 kDa MALDI peak of Ag152 and the 5.6 kDa of Ag29 (once 4e-14 µg and 9e-18 mg)."""
    ag152 = make_plan(catalog, "ag152-pet-solid", route_id="ag152-pet-solid")
    md = render_markdown(ag152)
    assert "**MALDI-MS molecular mass**: 25 kDa" in md
    data = plan_to_dict(make_plan(catalog, "ag29-dhla", route_id="ag29-dhla"))
    mass = next(f for f in data["fingerprints"] if f["kind"] == "molecular_mass")
    assert mass["values"] == [{"value": 5600.0, "unit": "Da"}]
    assert mass["method"] == "esi-ms"


def test_labels_and_values() -> None:
    mz = _fp(kind="mz", method="esi-ms", charge=-3, values=[2558, 2569])
    assert label(mz) == "ESI-MS m/z (3−)"
    assert values_text(mz) == "2558, 2569"
    assert values_text(_fp(kind="molecular_mass", values=["850 Da"])) == "850 Da"
    assert values_text(_fp(kind="quantum_yield", values=[0.06])) == "6 %"
    assert label(_fp(kind="absorption", method="uv-vis", values=["670 nm"])) == "UV-vis absorption"


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"kind": "molecular_mass", "values": ["25 mg"]}, "Da or kDa"),
        ({"kind": "absorption", "values": ["25 mg"]}, "in nm"),
        ({"kind": "mz", "values": ["1868 nm"]}, "plain numbers"),
        ({"kind": "absorption", "values": ["400 nm"], "charge": -1}, "only an m/z"),
        ({"kind": "mz", "values": [1868], "charge": 0}, "not 0"),
        ({"kind": "size", "values": ["-2 nm"]}, "positive"),
    ],
)
def test_wrong_kind_of_number_is_refused(kw: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _fp(**kw)


@pytest.mark.parametrize(
    ("old", "kind", "method"),
    [
        ({"kind": "uv-vis", "values": ["400 nm"]}, "absorption", "uv-vis"),
        ({"kind": "maldi-ms", "values": ["25 kDa"]}, "molecular_mass", "maldi-ms"),
        ({"kind": "esi-ms", "values": [1868]}, "mz", "esi-ms"),
        ({"kind": "quantum-yield", "values": ["6 %"]}, "quantum_yield", None),
        ({"kind": "emission", "values": ["640 nm"]}, "emission", "photoluminescence"),
    ],
)
def test_route_files_of_schema_2_keep_loading(
    old: dict[str, object], kind: str, method: str | None
) -> None:
    f = _fp(**old)
    assert (f.kind, f.method) == (kind, method)
