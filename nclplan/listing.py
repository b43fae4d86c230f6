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


def markdown_table(rows: list[dict[str, Any]], cat: Catalog) -> str:
    """The catalog as a Markdown table (docs/catalog.md is made with this)."""
    lines = [
        "| Route | Target | Family | Review § | References | Numbers read | Estimated |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        route = cat.routes[r["id"]]
        refs = "; ".join(
            f"{ref.citation} [doi:{ref.doi}](https://doi.org/{ref.doi})"
            for ref in route.references
            if ref.key != "gharib2021"
        )
        name = r["target"]["name"] + (" (default)" if r["default"] else "")
        cells = [
            f"`{r['id']}`",
            name,
            FAMILY_TITLES[r["family"]],
            r["review_section"],
            refs,
            str(r["numbers"]["reported"]),
            str(r["numbers"]["estimated"]),
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    total_r = sum(r["numbers"]["reported"] for r in rows)
    total_e = sum(r["numbers"]["estimated"] for r in rows)
    lines.append("")
    lines.append(
        f"{len(rows)} routes; {total_r} numbers read in a cited source, {total_e} "
        "estimated (each estimate carries its reason in the route file)."
    )
    return "\n".join(lines) + "\n"
