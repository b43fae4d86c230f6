"""The JSON contract (schema_version "4"): what notebooks and scripts read from a plan.

Keys and units are pinned by tests/test_export.py; changing them means bumping SCHEMA_VERSION
and saying so in CHANGELOG.md.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from nclplan import __version__, chemistry, fingerprint
from nclplan.bench import measuring_tool
from nclplan.catalog import same_composition
from nclplan.chemistry import ClusterReport
from nclplan.models import Condition, Num, Provenance, Route
from nclplan.plan import Plan
from nclplan.scale import ScaledReagent
from nclplan.steps import PlanStep
from nclplan.units import Q, magnitude, round_sig, to_json
from nclplan.vessel import SizedVessel

SCHEMA_VERSION = "4"


def _num(n: Num | None) -> dict[str, Any] | None:
    if n is None:
        return None
    value, unit = _num_json(n.value, n.unit)
    return {"value": value, "unit": unit}


@lru_cache(maxsize=4096)
def _num_json(value: float, unit: str) -> tuple[float, str]:
    # A catalog number in canonical units: a sweep converts the same ones thousands of times.
    out = to_json(Q(value, unit))
    assert out is not None
    return out["value"], out["unit"]


def _doi(route: Route, key: str | None) -> str | None:
    ref = route.reference(key)
    return ref.doi if ref else None


def _prov(route: Route, *objs: Provenance | None) -> dict[str, str | None]:
    """The first object (most specific first) that states provenance decides it."""
    for o in objs:
        reasons = o.estimate_reasons() if o is not None else ()
        if o is not None and (o.source or reasons):
            return {"source": _doi(route, o.source), "estimate": "; ".join(reasons) or None}
    return {"source": None, "estimate": None}


def _present(**quantities: Any) -> dict[str, Any]:
    """The quantities that apply, as JSON; one that does not is left out, never null, so that
    ``pandas.json_normalize`` gives one ``mass.value`` column, not also a ``mass`` of nulls."""
    return {k: to_json(q) for k, q in quantities.items() if q is not None}


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as the JSON contract; precursor stages in ``stages`` with a combined list."""

    data = _single(plan)
    stages = [_single(stage) for stage in plan.stages]
    data["stages"] = stages
    data["shopping_list"] = shopping_list([*plan.stages, plan])
    return data


def shopping_list(plans: list[Plan]) -> list[dict[str, Any]]:
    """One list of what to buy for a chain's stages, each weighing its own stocks.

    A sweep keeps adding up aliquots per stock concentration (``sweep.combine``): its points
    share one stock of each solution.
    """
    from nclplan.sweep import combine

    return combine([{"reagents": purchases(p)} for p in plans])


_GRADE = re.compile(r"\b(absolute|anhydrous|dry|\d+(?:\.\d+)? ?%(?: \(v/v\))?)\s+(\w+)", re.I)
_MEDIUM_EXTRAS = re.compile(r"\s*\([^()]*\)|,.*$|^(?:ice-cold|cold|warm)\s+", re.I)


def _grade(name: str, note: str | None) -> str:
    """``ethanol (absolute)`` where the line's note names a grade of the reagent ("absolute
    ethanol", "95 % ethanol"): a shopping list must not merge what is bought separately."""
    for m in _GRADE.finditer(note or ""):
        if m.group(2).lower() == name.lower():
            return f"{name} ({m.group(1)})"
    return name


def _medium_name(medium: str) -> tuple[str, str]:
    """What a stock's solvent is bought as, and the substance: ``ice-cold ultrapure water (amber
    vial)`` -> ``ultrapure water``; ``absolute ethanol`` -> ``ethanol (absolute)``, ``ethanol``."""
    text = _MEDIUM_EXTRAS.sub("", medium).strip()
    m = _GRADE.fullmatch(text)
    return (f"{m.group(2)} ({m.group(1)})", m.group(2)) if m else (text, text)


def purchases(plan: Plan) -> list[dict[str, Any]]:
    """What the chemist weighs or measures for one plan, as shopping-list rows.

    A stock made up for the plan counts with the mass weighed into it and the solvent it is made
    up in (25.0 mg NaBH4 and 20.0 mL of ethanol), not the aliquot the recipe takes (18.7 mg,
    15.0 mL); solvents are counted by volume, never in mmol.
    """
    preps = {p.reagent_id: p for p in plan.preps}
    known = {n: x.reagent for x in plan.scaled.reagents for n in (x.reagent.name, x.reagent.label)}
    out: list[dict[str, Any]] = []
    for x in plan.scaled.reagents:
        if x.line.made_by:
            continue
        reagent = x.reagent
        row: dict[str, Any] = {
            "name": _grade(reagent.name, x.line.note),
            "formula": reagent.formula,
            "cas": reagent.cas,
            "form": x.line.form,
            "as_needed": x.line.as_needed,
        }
        prep = preps.get(x.line.id)
        if prep is not None and prep.weigh_mg is not None:
            row["form"] = "liquid" if reagent.density is not None else "solid"
            row.update(_present(mass=Q(prep.weigh_mg, "mg"), amount=_moles(prep.weigh_mg, x)))
            out.append(row)
            if prep.solvent and prep.make_up_ml:
                name, substance = _medium_name(prep.solvent)
                like = known.get(substance) or known.get(name)
                out.append(
                    {
                        "name": name,
                        "formula": like.formula if like else None,
                        "cas": like.cas if like else None,
                        "form": "liquid",
                        "as_needed": False,
                        **_present(volume=Q(prep.make_up_ml, "mL")),
                    }
                )
            continue
        solvent = x.line.role in ("solvent", "antisolvent")
        row.update(
            _present(
                amount=None if solvent else x.amount,
                mass=None if solvent and x.volume is not None else x.mass,
                volume=x.volume,
                concentration=x.concentration if x.line.form == "solution" else None,
            )
        )
        out.append(row)
    return out


def _moles(mass_mg: float, x: ScaledReagent) -> Any:
    """The amount in a weighed mass, where the line's amount and mass give the molar mass
    (plain floats: a sweep makes this for every stock of every point)."""
    if x.amount is None or x.mass is None or (line_mg := magnitude(x.mass, "mg")) <= 0:
        return None
    return Q(magnitude(x.amount, "mmol") * mass_mg / line_mg, "mmol")


def _single(plan: Plan) -> dict[str, Any]:
    s = plan.scaled
    r = s.route
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "nclplan", "version": __version__},
        "plan_id": plan.plan_id,
        "route": _route(r),
        "alternatives": [
            {"id": a.id, "title": a.title, "target": a.target.name}
            for a in plan.alternatives
            if same_composition(a, r)
        ],
        "target": _target(plan),
        "scale": _scale(plan),
        "product": None
        if s.product_mass is None
        else {
            "mass": to_json(s.product_mass),
            "amount": to_json(s.product_amount),
        },
        "reagents": [_reagent(r, x) for x in s.reagents],
        "steps": [_step(r, st) for st in plan.steps],
        "vessels": [_vessel(r, v) for v in plan.vessels],
        "conditions": [_condition(r, c) for c in r.conditions],
        "fingerprints": [
            {
                "kind": f.kind,
                "method": f.method,
                "values": fingerprint.values_json(f),
                "charge": f.charge,
                "ion": f.ion,
                "note": f.note,
                **_prov(r, f),
            }
            for f in r.fingerprints
        ],
        "hazards": [
            {
                "scope": h.scope,
                "reagent": h.reagent,
                "code": h.code,
                "text": h.text,
                "source": h.source,
            }
            for h in plan.hazards
        ],
        "purification": plan.purification,
        "warnings": plan.warnings,
        "provenance": {"reported": plan.reported, "estimated": plan.estimated},
    }


def _route(r: Route) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "family": r.family,
        "review_section": r.review_section,
        "summary": r.summary,
        "references": [
            {
                "key": ref.key,
                "doi": ref.doi,
                "doi_confirmed": ref.doi_confirmed,
                "citation": ref.citation,
            }
            for ref in r.references
        ],
        "notes": list(r.notes),
    }


def _target(plan: Plan) -> dict[str, Any]:
    t = plan.route.target
    return {
        "name": t.name,
        "formula": chemistry.hill(t.formula) if t.formula else None,
        "formula_as_written": t.formula,
        "charge": t.charge,
        "counterion": chemistry.hill(t.counterion) if t.counterion else None,
        "isolated_as": t.isolated_as,
        "product_form": t.product_form,
        "metal": t.metal,
        "metal_atoms": t.atom_count(),
        "molar_mass": to_json(plan.scaled.product_molar_mass),
    }


def _scale(plan: Plan) -> dict[str, Any]:
    s = plan.scaled
    ey = s.expected_yield
    return {
        "requested": s.request.text,
        "basis": s.request.basis,
        "factor": round_sig(s.factor, 6),
        "metal_amount": to_json(s.metal_amount),
        "surplus": plan.surplus,
        "consumed_by": plan.consumed_by,
        "expected_yield": None
        if ey is None
        else {
            "value": round_sig(ey.value, 6),
            "basis": ey.basis,
            "source": None if ey.overridden else _doi(s.route, ey.source),
            "estimate": ey.estimate,
            "overridden": ey.overridden,
        },
    }


def _reagent(r: Route, x: ScaledReagent) -> dict[str, Any]:
    return {
        "id": x.line.id,
        "name": x.reagent.name,
        "formula": x.reagent.formula,
        "cas": x.reagent.cas,
        "role": x.line.role,
        "form": x.line.form,
        "stage": x.line.stage,
        "medium": x.line.medium,
        "as_needed": x.line.as_needed,
        "target": x.line.target,  # its {cond:} values filled by params.fill_texts
        "measure_with": None
        if x.volume is None or x.line.as_needed
        else measuring_tool(magnitude(x.volume, "mL")),
        "equivalents": None if x.equivalents is None else round_sig(x.equivalents, 6),
        **_present(
            molar_mass=x.molar_mass,
            amount=x.amount,
            mass=x.mass,
            volume=x.volume,
            concentration=x.concentration,
        ),
        "hazards": [h.code for h in x.reagent.hazards],
        "made_by": x.line.made_by,
        **_prov(r, x.line),
    }


def _step(r: Route, st: PlanStep) -> dict[str, Any]:
    return {
        "number": st.number,
        "action": st.action,
        "stage": st.stage,
        "text": st.text,
        **_present(duration=st.duration, temperature=st.temperature),
        "ph": st.ph,
        "checkpoint": st.checkpoint,
        "source": _doi(r, st.source),
        "estimate": st.estimate,
        "vessel": st.vessel,
    }


def _condition(r: Route, c: Condition) -> dict[str, Any]:
    return {
        "name": c.name,
        "label": c.label,
        "value": _num(c.value),
        "text": c.text,
        "range": None
        if c.range is None
        else {
            "min": _num(c.range.min),
            "max": _num(c.range.max),
            **_prov(r, c.range, c),
        },
        "parameter": c.parameter,
        **_prov(r, c.value, c),
    }


def _vessel(r: Route, v: SizedVessel) -> dict[str, Any]:
    unit = "mm" if v.kind == "mortar" else "mL"
    return {
        "id": v.id,
        "kind": v.kind,
        "label": v.label,
        "size": None if v.size is None else {"value": v.size, "unit": unit},
        "count": v.count,
        "liquid": {"value": round_sig(v.liquid_ml, 6), "unit": "mL"},
        "solids": {"value": round_sig(v.solids_mg, 6), "unit": "mg"},
        "fill": None if v.fill is None else round_sig(v.fill, 4),
        "stir_bar": v.stir_bar,
        "condenser": v.condenser,
        "headspace_ratio": None if v.headspace_ratio is None else round_sig(v.headspace_ratio, 4),
        "published_headspace_ratio": v.published_headspace_ratio,
        "source": _doi(r, v.source),
        "estimate": v.estimate,
    }


def dumps(data: Any) -> str:
    """Sorted keys, indent 2, UTF-8 text, trailing newline: byte-identical for equal input."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = [
    "id",
    "name",
    "label",
    "formula",
    "cas",
    "role",
    "form",
    "stage",
    "amount_mmol",
    "mass_mg",
    "volume_mL",
    "concentration",
    "concentration_unit",
    "equivalents",
    "as_needed",
    "source",
    "estimate",
]


def reagents_csv(plan: Plan) -> str:
    """The reagent table for ordering and inventory: one row per reagent, canonical units."""
    import io

    from nclplan.safetext import SafeCsvWriter

    data = plan_to_dict(plan)
    labels = {x.line.id: x.reagent.label for x in plan.scaled.reagents}
    buf = io.StringIO()
    writer = SafeCsvWriter(buf)
    writer.writerow(CSV_COLUMNS)
    for r in data["reagents"]:

        def value(q: dict[str, Any] | None) -> str:
            return "" if q is None else f"{q['value']:g}"

        conc = r.get("concentration")
        writer.writerow(
            [
                r["id"],
                r["name"],
                labels[r["id"]],
                r["formula"] or "",
                r["cas"] or "",
                r["role"],
                r["form"],
                r["stage"],
                value(r.get("amount")),
                value(r.get("mass")),
                value(r.get("volume")),
                value(conc),
                "" if conc is None else conc["unit"],
                "" if r["equivalents"] is None else f"{r['equivalents']:g}",
                "true" if r["as_needed"] else "false",
                r["source"] or "",
                r["estimate"] or "",
            ]
        )
    return buf.getvalue()


def plan_schema() -> str:
    """The published JSON Schema of a plan (schema_version "4")."""
    from importlib import resources

    return resources.files("nclplan").joinpath("plan.schema.json").read_text(encoding="utf-8")


def cluster_to_dict(report: ClusterReport) -> dict[str, Any]:
    """``nclplan cluster --format json`` (its own contract, schema_version "2": "2" added
    ``salt``, ``acidic_protons`` and each ion's ``adducts`` and ``protons_removed``)."""
    c = report.cluster
    salt = report.salt
    return {
        "schema_version": "2",
        "input": report.text,
        "formula": report.hill,
        "charge": c.charge,
        "metal": c.metal,
        "metal_atoms": c.metal_atoms,
        "ligands": [{"name": n, "count": k, "one_electron_bonds": x} for n, k, x in report.ligands],
        "average_mass": {"value": round_sig(report.average_mass, 8), "unit": "g/mol"},
        "monoisotopic_mass": {"value": round_sig(report.monoisotopic_mass, 9), "unit": "Da"},
        "electrons": report.electrons,
        "closed_shell": report.closed_shell,
        "acidic_protons": report.acidic_protons,
        "salt": None
        if salt is None
        else {
            "label": salt.label,
            "counterion": salt.counterion,
            "count": salt.count,
            "average_mass": {"value": round_sig(salt.average_mass, 8), "unit": "g/mol"},
        },
        "ions": [
            {
                "label": i.label,
                "charge": i.charge,
                "formula": i.formula,
                "adducts": i.adducts,
                "protons_removed": i.protons_removed,
                "mz_most_abundant": round(i.mz_peak, 4),
                "mz_monoisotopic": round(i.mz_monoisotopic, 4),
                "mz_average": round(i.mz_average, 4),
            }
            for i in report.ions
        ],
    }


def dumps_line(data: Any) -> str:
    """One JSON line (sorted keys, compact) for JSON-lines output."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def design_csv(points: list[list[str]], plans: list[dict[str, Any]]) -> str:
    """The design-of-experiments sheet: one row per point with its settings and plan id."""
    import io

    from nclplan.safetext import SafeCsvWriter

    names = [s.split("=", 1)[0] for s in points[0]] if points else []
    buf = io.StringIO()
    w = SafeCsvWriter(buf)
    w.writerow(["point", *names, "plan_id", "metal_amount_mmol", "expected", "warnings"])
    for i, (point, plan) in enumerate(zip(points, plans, strict=True), start=1):
        expected = "; ".join(
            x.removeprefix("Expected product: ")
            for x in plan["warnings"]
            if x.startswith("Expected product: ")
        )
        w.writerow(
            [
                i,
                *(s.split("=", 1)[1] for s in point),
                plan["plan_id"],
                f"{plan['scale']['metal_amount']['value']:g}",
                expected,
                len(plan["warnings"]),
            ]
        )
    return buf.getvalue()


def shopping_csv(entries: list[dict[str, Any]]) -> str:
    """The combined reagent list of a sweep."""
    import io

    from nclplan.safetext import SafeCsvWriter

    buf = io.StringIO()
    w = SafeCsvWriter(buf)
    w.writerow(
        [
            "name",
            "formula",
            "cas",
            "form",
            "concentration",
            "amount_mmol",
            "mass_mg",
            "volume_mL",
            "as_needed",
        ]
    )
    for e in entries:
        conc = e.get("concentration")
        w.writerow(
            [
                e["name"],
                e["formula"] or "",
                e["cas"] or "",
                e["form"],
                "" if conc is None else f"{conc['value']:g} {conc['unit']}",
                *(
                    "" if e.get(k) is None else f"{e[k]['value']:g}"
                    for k in ("amount", "mass", "volume")
                ),
                "true" if e["as_needed"] else "false",
            ]
        )
    return buf.getvalue()
