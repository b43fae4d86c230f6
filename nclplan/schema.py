"""The JSON contract as typed models: the published JSON Schema is generated from these.

``export.plan_to_dict`` builds plain dicts (fast: a sweep makes thousands); these models say what
those dicts are. ``nclplan/plan.schema.json`` is ``generate()`` written out, and a test pins the
two together and validates real plans through the models, so the schema cannot drift from the
output. Regenerate after a change with ``python -m nclplan.schema > nclplan/plan.schema.json``.

Null: a quantity that does not apply to a reagent, a step or a shopping-list line (no volume for
a solid, no temperature for a step) is left out, so that tables built from these lists
(``pandas.json_normalize``) get one ``mass.value`` column, not a ``mass`` column of nulls beside
it. Elsewhere ``null`` means "not defined" and each such key says when.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from nclplan.export import SCHEMA_VERSION
from nclplan.models import Form, Stage, VesselKind

SCHEMA_ID = f"https://nclplan.invalid/schema/plan-{SCHEMA_VERSION}.json"
Unit = Literal[
    "mg", "mmol", "mL", "mM", "mg/mL", "degC", "min", "g/mol", "rpm", "nm", "Da", "%", ""
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quantity(_Out):
    """A number in its canonical unit (6 significant figures); unitless values use ""."""

    value: float
    unit: Unit


# A quantity that may not apply: left out of the object when it does not (never null).
Omittable = Quantity | SkipJsonSchema[None]


class Generator(_Out):
    name: Literal["nclplan"]
    version: str


class Reference(_Out):
    key: str
    doi: str = Field(pattern=r"^10\.")
    doi_confirmed: bool = Field(
        description="false when the DOI could not be confirmed against the publisher"
    )
    citation: str


class RouteOut(_Out):
    id: str
    title: str
    family: str
    review_section: str
    summary: str
    references: list[Reference]
    notes: list[str]


class Alternative(_Out):
    id: str
    title: str
    target: str


class Target(_Out):
    name: str
    formula: str | None = Field(description="Hill formula, ligands expanded; null: no formula")
    formula_as_written: str | None
    charge: int
    counterion: str | None
    isolated_as: str | None
    product_form: Literal["solid", "solution", "dispersion"] = Field(
        description="how the product is kept: a weighed solid, or a solution or dispersion "
        "(no product mass; the Result block asks for volume, absorbance and concentration)"
    )
    metal: str
    metal_atoms: int | None = Field(
        ge=1,
        description="metal atoms per product unit; null where the product has no defined atom "
        "count (polydisperse particles)",
    )
    molar_mass: Quantity | None = Field(description="as isolated; null: no defined formula")


class ExpectedYield(_Out):
    value: float = Field(gt=0, le=1, description="fraction")
    basis: str
    source: str | None
    estimate: str | None
    overridden: bool


class Scale(_Out):
    requested: str
    basis: Literal["factor", "product_mass", "metal_amount"]
    factor: float = Field(gt=0)
    metal_amount: Quantity
    surplus: float | None = Field(
        description="a precursor stage: the fraction it makes beyond what the next stage "
        "consumes (default 0.15); null for the plan asked for"
    )
    consumed_by: str | None = Field(
        description="a precursor stage: the route id of the stage that consumes its product; "
        "null for the plan asked for"
    )
    expected_yield: ExpectedYield | None = Field(description="null: no yield known or given")


class Product(_Out):
    mass: Quantity
    amount: Quantity


class Reagent(_Out):
    """One reagent line; a stock solution gives the stock volume and concentration and the
    solute's amount and mass."""

    id: str
    name: str
    formula: str | None
    cas: str | None
    role: str
    form: Form
    stage: Stage
    medium: str | None
    as_needed: bool
    target: str | None = Field(
        description="an as-needed reagent that changes the chemistry: what to add it to "
        '("pH 11.6 ± 0.1, by meter"), its stock being `concentration`; null otherwise'
    )
    measure_with: str | None = Field(
        description='the tool that measures the volume well ("10 µL pipette or microsyringe", '
        '"25 mL graduated cylinder"); null where nothing is measured by volume'
    )
    molar_mass: Omittable = None
    equivalents: float | None = Field(description="per metal atom; null for solvents")
    amount: Omittable = None
    mass: Omittable = None
    volume: Omittable = None
    concentration: Omittable = None
    hazards: list[str] = Field(description="GHS H-codes")
    made_by: str | None = Field(
        description="id of the route that makes this reagent (a precursor stage), or null"
    )
    source: str | None
    estimate: str | None


class Step(_Out):
    number: int = Field(ge=1)
    action: str
    stage: Stage
    text: str
    duration: Omittable = None
    temperature: Omittable = None
    ph: float | None
    checkpoint: str | None
    source: str | None
    estimate: str | None
    vessel: str | None = Field(
        description="id of the vessel the step works in (a synthesis step that names none goes "
        "on in the one before); null for a step without one"
    )


class VesselSize(_Out):
    value: float
    unit: Literal["mL", "mm"]


class Vessel(_Out):
    """A vessel of the route, sized for this plan; steps name it by id."""

    id: str
    kind: VesselKind | Literal["centrifuge-bottle"]  # a bottle: past six 50 mL tubes
    label: str | None
    size: VesselSize | None = Field(
        description="mL (a mortar: its inner diameter in mm); null when no standard size holds "
        "the contents"
    )
    count: int = Field(ge=1)
    liquid: Quantity = Field(description="the most liquid it holds at any step, mL")
    solids: Quantity = Field(description="the most solid it holds, mg")
    fill: float | None = Field(
        description="liquid over size (a mortar: solids over what it grinds well)"
    )
    stir_bar: bool
    condenser: bool
    headspace_ratio: float | None = Field(
        description="planned gas over liquid volume (sealed vessel keeping a published ratio)"
    )
    published_headspace_ratio: float | None
    source: str | None
    estimate: str | None


class Range(_Out):
    min: Quantity
    max: Quantity
    source: str | None
    estimate: str | None


class Condition(_Out):
    name: str
    label: str
    value: Quantity | None = Field(description="null: a condition given as text only")
    text: str | None
    range: Range | None = Field(description="null: no reported range")
    parameter: bool
    source: str | None
    estimate: str | None


class FingerprintValue(_Out):
    value: float
    unit: Literal["nm", "", "Da", "%"]


class Fingerprint(_Out):
    kind: Literal[
        "absorption", "emission", "excitation", "mz", "molecular_mass", "quantum_yield", "size"
    ] = Field(
        description="what the values are: a wavelength (absorption, emission, excitation; nm), "
        'an m/z (unit ""), a molecular mass (Da; never a mass of substance), a quantum yield '
        "(%), a size (nm)"
    )
    method: str | None = Field(
        description="how it is measured: uv-vis, photoluminescence, esi-ms, maldi-ms, tem, ..."
    )
    values: list[FingerprintValue] = Field(min_length=1)
    charge: int | None = Field(description="the ion's charge, for kind mz")
    ion: str | None = Field(description="the ion as written, for kind mz")
    note: str | None
    source: str | None
    estimate: str | None


class Hazard(_Out):
    scope: Literal["route", "reagent"]
    reagent: str | None
    code: str | None
    text: str
    source: str | None


class Provenance(_Out):
    reported: int = Field(ge=0)
    estimated: int = Field(ge=0)


class StagePlan(_Out):
    """One stage of a plan: a precursor stage has the same keys as the plan, without
    ``stages`` and ``shopping_list``."""

    schema_version: str = Field(json_schema_extra={"const": SCHEMA_VERSION})
    generator: Generator
    plan_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    route: RouteOut
    alternatives: list[Alternative]
    target: Target
    scale: Scale
    product: Product | None = Field(description="null where undefined (no formula, or no yield)")
    reagents: list[Reagent]
    steps: list[Step]
    vessels: list[Vessel]
    conditions: list[Condition]
    fingerprints: list[Fingerprint]
    hazards: list[Hazard]
    purification: str | None
    warnings: list[str]
    provenance: Provenance


class ShoppingLine(_Out):
    """A reagent's totals over all stages (per stock concentration); intermediates made by an
    earlier stage are not listed."""

    name: str
    formula: str | None
    cas: str | None
    form: str
    concentration: Omittable = None
    as_needed: bool
    amount: Omittable = None
    mass: Omittable = None
    volume: Omittable = None


class PlanOut(StagePlan):
    """A synthesis plan printed by ``nclplan route ... --format json``."""

    stages: list[StagePlan] = Field(description="precursor plans, in the order they are made")
    shopping_list: list[ShoppingLine]


def _drop_titles(node: Any) -> Any:
    """Pydantic's per-field titles repeat the key; a schema node's title is a string."""
    if isinstance(node, dict):
        return {
            k: _drop_titles(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))
        }
    if isinstance(node, list):
        return [_drop_titles(v) for v in node]
    return node


def generate() -> str:
    """The plan's JSON Schema (draft 2020-12) as published in ``nclplan/plan.schema.json``."""
    schema = _drop_titles(PlanOut.model_json_schema(mode="serialization"))
    schema.update(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID,
            "title": "nclplan plan",
            "description": (
                f"A synthesis plan printed by `nclplan route ... --format json` (schema_version "
                f'"{SCHEMA_VERSION}"). Quantities are in canonical units: mass mg, amount mmol, '
                "volume mL, concentration mM or mg/mL, temperature degC, time min, molar mass "
                'g/mol, wavelength nm; unitless values use "". A quantity that does not apply to '
                "a reagent, step or shopping-list line is left out, never null."
            ),
        }
    )
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(generate())
