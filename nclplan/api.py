"""The Python API for notebooks and scripts: ``nclplan.plan``, ``sweep``, ``cluster``, ``routes``.

Each returns an object that shows itself in Jupyter (``_repr_markdown_``/``_repr_html_``), gives
the JSON contract as plain data (``to_dict``) and its tables as rows, or as a pandas DataFrame
when pandas is installed. Errors are the classes of ``nclplan.errors`` (``UsageError`` for a bad
name or value, ``CatalogError`` for a broken protocol file), never ``SystemExit``.

This module is imported only when one of those functions is first called, so ``import nclplan``
stays as cheap as the command line needs it to be.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nclplan.catalog import Catalog
    from nclplan.chemistry import ClusterReport
    from nclplan.plan import Plan

Rows = list[dict[str, Any]]
CatalogPaths = str | Path | Sequence[str | Path] | None
Settings = Mapping[str, object] | Sequence[str] | None


def _catalog(paths: CatalogPaths) -> Catalog:
    from nclplan.catalog import load_catalog

    if paths is None:
        return load_catalog(())
    if isinstance(paths, str | Path):
        return load_catalog([Path(paths)])
    return load_catalog([Path(p) for p in paths])


def _settings(values: Settings) -> list[str]:
    """``{"pH": 10}`` or ``["pH=10"]`` -> ``["pH=10"]`` (what ``--set`` takes)."""
    if values is None:
        return []
    if isinstance(values, Mapping):
        return [f"{k}={v}" for k, v in values.items()]
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values]


def _text(value: str | float | None, unit: str = "") -> str | None:
    """``scale=2`` means 2x; ``yield_=0.35`` means 35 % (as on the command line)."""
    if value is None or isinstance(value, str):
        return value
    return f"{value:g}{unit}"


def table(rows: Rows) -> Any:
    """A pandas DataFrame of the rows when pandas is installed, else the rows themselves."""
    try:
        import pandas as pd
    except ImportError:
        return rows
    return pd.DataFrame(rows)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def markdown_table(rows: Rows) -> str:
    if not rows:
        return ""
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = (_cell(row[k]).replace("|", "\\|").replace("\n", " ") for k in head)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def html_table(rows: Rows) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(k)}</th>" for k in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row.values()) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _q(data: dict[str, Any], key: str) -> float | None:
    q = data.get(key)
    return None if q is None else float(q["value"])


class PlanResult:
    """A planned synthesis. ``plan`` is the core object every document is made from."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def __repr__(self) -> str:
        return f"<nclplan plan {self.plan_id}: {self.title}>"

    @property
    def plan_id(self) -> str:
        return self.plan.plan_id

    @property
    def route_id(self) -> str:
        return self.plan.route.id

    @property
    def title(self) -> str:
        return f"{self.plan.route.title} ({self.plan.scaled.request.text})"

    @property
    def warnings(self) -> list[str]:
        return self.plan.warnings

    @property
    def stages(self) -> list[PlanResult]:
        """The precursor stages, in the order they are made (empty for a one-stage plan)."""
        return [PlanResult(s) for s in self.plan.stages]

    @cached_property
    def _data(self) -> dict[str, Any]:
        from nclplan.export import plan_to_dict

        return plan_to_dict(self.plan)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (``nclplan schema``), as fresh plain data."""
        import copy

        return copy.deepcopy(self._data)

    def to_json(self) -> str:
        from nclplan.export import dumps

        return dumps(self._data)

    def markdown(self) -> str:
        from nclplan.render import markdown

        return markdown(self.plan)

    def html(self) -> str:
        """The printable HTML document (what ``--format html`` writes)."""
        from nclplan.render import html as render_html

        return render_html(self.plan)

    def csv(self) -> str:
        """The reagent table as ``reagents.csv``."""
        from nclplan.export import reagents_csv

        return reagents_csv(self.plan)

    def reagent_rows(self) -> Rows:
        """One row per reagent, the columns of ``reagents.csv`` with typed values."""
        labels = {x.line.id: x.reagent.label for x in self.plan.scaled.reagents}
        rows = []
        for r in self._data["reagents"]:
            conc = r.get("concentration")
            rows.append(
                {
                    "id": r["id"],
                    "name": r["name"],
                    "label": labels[r["id"]],
                    "formula": r["formula"],
                    "cas": r["cas"],
                    "role": r["role"],
                    "form": r["form"],
                    "stage": r["stage"],
                    "amount_mmol": _q(r, "amount"),
                    "mass_mg": _q(r, "mass"),
                    "volume_mL": _q(r, "volume"),
                    "concentration": None if conc is None else float(conc["value"]),
                    "concentration_unit": None if conc is None else conc["unit"],
                    "equivalents": r["equivalents"],
                    "as_needed": bool(r["as_needed"]),
                    "source": r["source"],
                    "estimate": r["estimate"],
                }
            )
        return rows

    def reagents_table(self) -> Any:
        """The reagents: a pandas DataFrame when pandas is installed, else a list of rows."""
        return table(self.reagent_rows())

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_html_(self) -> str:
        from nclplan.render import html_body

        return html_body(self.plan)


class SweepResult:
    """A parameter study: one plan per grid point and the combined reagent list."""

    def __init__(self, points: list[list[str]], plans: list[Plan]) -> None:
        from nclplan.sweep import settings_object

        self.settings = [settings_object(p) for p in points]
        self.plans = [PlanResult(p) for p in plans]
        self._points = points

    def __repr__(self) -> str:
        return f"<nclplan sweep: {len(self.plans)} plans>"

    def __len__(self) -> int:
        return len(self.plans)

    def __iter__(self) -> Iterator[PlanResult]:
        return iter(self.plans)

    def __getitem__(self, index: int) -> PlanResult:
        return self.plans[index]

    @cached_property
    def _combined(self) -> Rows:
        from nclplan.sweep import combine

        return combine([p._data for p in self.plans])

    def to_dict(self) -> dict[str, Any]:
        """What ``nclplan sweep`` prints as JSON lines, as one object."""
        import copy

        return {
            "points": [
                {"point": i, "settings": dict(s), "plan": p.to_dict()}
                for i, (s, p) in enumerate(zip(self.settings, self.plans, strict=True), start=1)
            ],
            "combined_reagents": copy.deepcopy(self._combined),
        }

    def design_rows(self) -> Rows:
        """The design-of-experiments sheet: point, settings, plan id, metal amount, warnings."""
        rows = []
        for i, (s, p) in enumerate(zip(self.settings, self.plans, strict=True), start=1):
            scale = p._data["scale"]
            rows.append(
                {
                    "point": i,
                    **s,
                    "plan_id": p.plan_id,
                    "metal_amount_mmol": float(scale["metal_amount"]["value"]),
                    "warnings": len(p.warnings),
                }
            )
        return rows

    def design_table(self) -> Any:
        return table(self.design_rows())

    def reagent_rows(self) -> Rows:
        """The combined reagent list (what to buy for the whole study)."""
        return [
            {
                "name": e["name"],
                "formula": e["formula"],
                "cas": e["cas"],
                "form": e["form"],
                "concentration": _q(e, "concentration"),
                "concentration_unit": e["concentration"]["unit"] if "concentration" in e else None,
                "amount_mmol": _q(e, "amount"),
                "mass_mg": _q(e, "mass"),
                "volume_mL": _q(e, "volume"),
                "as_needed": bool(e["as_needed"]),
            }
            for e in self._combined
        ]

    def reagents_table(self) -> Any:
        return table(self.reagent_rows())

    def markdown(self) -> str:
        return (
            f"## Parameter study: {len(self.plans)} plans\n\n{markdown_table(self.design_rows())}"
            f"\n## Combined reagents\n\n{markdown_table(self.reagent_rows())}"
        )

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_html_(self) -> str:
        return (
            f"<h2>Parameter study: {len(self.plans)} plans</h2>{html_table(self.design_rows())}"
            f"<h2>Combined reagents</h2>{html_table(self.reagent_rows())}"
        )


class ClusterResult:
    """The cluster calculator's answer: formula, masses, electron count, ESI-MS ions."""

    def __init__(self, report: ClusterReport) -> None:
        self.report = report

    def __repr__(self) -> str:
        return f"<nclplan cluster {self.report.text}: {self.report.hill}>"

    def to_dict(self) -> dict[str, Any]:
        from nclplan.export import cluster_to_dict

        return cluster_to_dict(self.report)

    def ion_rows(self) -> Rows:
        return [dict(ion) for ion in self.to_dict()["ions"]]

    def ions_table(self) -> Any:
        return table(self.ion_rows())

    def _summary(self) -> Rows:
        d = self.to_dict()
        return [
            {"": "formula", "value": d["formula"]},
            {"": "charge", "value": d["charge"]},
            {"": "average mass (g/mol)", "value": d["average_mass"]["value"]},
            {"": "monoisotopic mass (Da)", "value": d["monoisotopic_mass"]["value"]},
            {"": "valence electrons n*", "value": d["electrons"]},
            {"": "closed shell", "value": "yes" if d["closed_shell"] else "no"},
        ]

    def markdown(self) -> str:
        return (
            f"## {self.report.text}\n\n{markdown_table(self._summary())}"
            f"\n### ESI-MS ions\n\n{markdown_table(self.ion_rows())}"
        )

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_html_(self) -> str:
        return (
            f"<h2>{html.escape(self.report.text)}</h2>{html_table(self._summary())}"
            f"<h3>ESI-MS ions</h3>{html_table(self.ion_rows())}"
        )


class RouteList:
    """The routes of the catalog (``nclplan list``)."""

    def __init__(self, rows: Rows, markdown_text: str) -> None:
        self.rows = rows
        self._markdown = markdown_text

    def __repr__(self) -> str:
        return f"<nclplan routes: {len(self.rows)}>"

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    @property
    def ids(self) -> list[str]:
        return [r["id"] for r in self.rows]

    def to_dict(self) -> dict[str, Any]:
        """What ``nclplan list --format json`` prints."""
        import copy

        return {"schema_version": "1", "routes": copy.deepcopy(self.rows)}

    def table(self) -> Any:
        flat = [
            {
                "id": r["id"],
                "title": r["title"],
                "family": r["family"],
                "metal": r["metal"],
                "target": r["target"]["name"],
                "formula": r["target"]["formula"],
                "default": r["default"],
                "references": ", ".join(r["references"]),
            }
            for r in self.rows
        ]
        return table(flat)

    def markdown(self) -> str:
        return self._markdown

    def _repr_markdown_(self) -> str:
        return self._markdown

    def _repr_html_(self) -> str:
        rows = [
            {"id": r["id"], "title": r["title"], "family": r["family"], "metal": r["metal"]}
            for r in self.rows
        ]
        return html_table(rows)


def plan(
    target: str,
    *,
    scale: str | float = "1x",
    route: str | None = None,
    yield_: str | float | None = None,
    set: Settings = None,  # the command line's --set
    surplus: str | float | None = None,
    stages: bool = True,
    catalog: CatalogPaths = None,
) -> PlanResult:
    """Plan a synthesis, as ``nclplan route TARGET --scale ... --set ...``."""
    from nclplan.plan import DEFAULT_SURPLUS, make_plan

    return PlanResult(
        make_plan(
            _catalog(catalog),
            target,
            route_id=route,
            scale=_text(scale, "x") or "1x",
            yield_text=_text(yield_),
            settings=_settings(set),
            surplus=DEFAULT_SURPLUS if surplus is None else surplus,
            chain=stages,
        )
    )


def sweep(
    target: str,
    vary: Settings,
    *,
    scale: str | float = "1x",
    route: str | None = None,
    yield_: str | float | None = None,
    set: Settings = None,  # the command line's --set
    catalog: CatalogPaths = None,
) -> SweepResult:
    """A parameter study: ``vary={"pH": "10:12:0.5", "thiol_ratio": [2, 3]}``."""
    from nclplan.sweep import plan_points

    specs = [
        f"{k}={','.join(str(x) for x in v) if isinstance(v, list | tuple) else v}"
        for k, v in (vary.items() if isinstance(vary, Mapping) else [])
    ] or _settings(vary)
    points, plans = plan_points(
        _catalog(catalog),
        target,
        specs,
        route_id=route,
        scale=_text(scale, "x") or "1x",
        yield_text=_text(yield_),
        settings=_settings(set),
    )
    return SweepResult(points, plans)


def cluster(
    formula: str,
    *,
    charge: int | None = None,
    counterion: str | None = None,
    ion_charges: list[int] | None = None,
) -> ClusterResult:
    """The cluster calculator, as ``nclplan cluster`` (``ion_charges`` as ``--ion-charge``)."""
    from nclplan.chemistry import cluster_report

    asked = tuple(ion_charges) if ion_charges else None
    return ClusterResult(cluster_report(formula, charge, counterion, asked))


def routes(
    *, metal: str | None = None, family: str | None = None, catalog: CatalogPaths = None
) -> RouteList:
    """The routes of the catalog, as ``nclplan list``."""
    from nclplan.listing import markdown_table as catalog_markdown
    from nclplan.listing import route_rows

    cat = _catalog(catalog)
    rows = route_rows(cat, metal=metal, family=family)
    return RouteList(rows, catalog_markdown(rows, cat))
