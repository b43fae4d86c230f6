"""Rows of the route list, shared by the table and the JSON output of ``nclplan list``."""

from __future__ import annotations

from typing import Any

from nclplan import chemistry
from nclplan.catalog import Catalog
from nclplan.errors import UsageError
from nclplan.models import FAMILY_TITLES


def route_rows(
    cat: Catalog, *, metal: str | None = None, family: str | None = None
) -> list[dict[str, Any]]:
    if family is not None and family not in FAMILY_TITLES:
        raise UsageError(f"unknown family {family!r}; one of: {', '.join(sorted(FAMILY_TITLES))}")
    rows = []
    for r in cat.route_list():
        if metal is not None and r.target.metal.lower() != metal.strip().lower():
            continue
        if family is not None and r.family != family:
            continue
        reported = estimated = 0
        from nclplan.plan import count_provenance

        reported, estimated = count_provenance(r)
        rows.append(
            {
                "id": r.id,
                "title": r.title,
                "family": r.family,
                "review_section": r.review_section,
                "target": {
                    "name": r.target.name,
                    "formula": chemistry.hill(r.target.formula) if r.target.formula else None,
                },
                "metal": r.target.metal,
                "references": [ref.doi for ref in r.references],
                "default": r.default,
                "numbers": {"reported": reported, "estimated": estimated},
            }
        )
    return rows
