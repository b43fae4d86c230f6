"""The rich terminal views. Catalog text is escaped: "adjust [pH]" must not be read as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from nclplan.catalog import Catalog
from nclplan.models import FAMILY_TITLES, Route
from nclplan.plan import count_provenance

if TYPE_CHECKING:
    from nclplan.chemistry import ClusterReport
    from nclplan.plan import Plan


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def print_plan(plan: Plan, label: str = "") -> None:
    from nclplan.render import documents, view

    if plan.stages and not label:  # the whole plan: its stages in order, then itself
        *stages, (_, label) = documents(plan)
        for stage, stage_label in stages:
            print_plan(stage, stage_label)
    v = view(plan, label)
    c = _console()
    t = v["target"]
    head = [
        f"[bold]{escape(label + v['title'])}[/bold]",
        f"Target: {escape(t['name'])} — isolated as {escape(t['isolated_as'])}"
        + (f" ({escape(t['molar_mass'])})" if t["molar_mass"] else ""),
        f"Route: {v['route']['id']} · {escape(v['route']['family'])} · review §"
        f"{escape(v['route']['review_section'])}",
        f"Scale: {escape(v['scale']['requested'])} ({escape(v['scale']['basis'])}) → "
        f"{v['scale']['factor']} × published; {escape(v['scale']['metal'])} {t['metal']}",
        f"Expected yield: {escape(v['yield'] or 'not reported')}",
        f"Expected product: {escape(v['product'])}",
        f"Plan id: {v['plan_id']}",
    ]
    c.print(Panel("\n".join(head), box=box.ROUNDED))
    if v["warnings"]:
        c.print("[bold yellow]Warnings[/bold yellow]")
        for w in v["warnings"]:
            c.print(f"  [yellow]![/yellow] {escape(w)}")
    table = Table(title="Reagents", box=box.SIMPLE_HEAVY, title_justify="left")
    for col in ("Reagent", "Role", "Amount", "Mass / volume", f"Eq./{t['metal']}", "Source"):
        table.add_column(col, overflow="fold")
    for r in v["reagents"]:
        label = r["label"] + (" (work-up)" if r["stage"] == "workup" else "")
        table.add_row(
            escape(label),
            r["role"],
            escape(r["amount"]),
            escape(r["measure"]),
            r["equivalents"],
            escape(r["source"]),
        )
    c.print(table)
    c.print("[bold]Procedure[/bold]")
    for s in v["steps"]:
        cond = f" [dim]({escape(s['conditions'])})[/dim]" if s["conditions"] else ""
        src = f" [dim]\\[{escape(s['source'])}][/dim]" if s["source"] else ""
        c.print(
            f" {s['number']:>2}. [bold]{escape(s['action'])}.[/bold] {escape(s['text'])}{cond}{src}"
        )
        if s["checkpoint"]:
            c.print(f"     [green]✓ {escape(s['checkpoint'])}[/green]")
    _print_list(
        c,
        "Hazards",
        v["route_hazards"]
        + [
            f"{h['label']}: "
            + " ".join(filter(None, [h["codes"], f"({h['note']})" if h["codes"] else h["note"]]))
            for h in v["reagent_hazards"]
        ],
    )
    if v["fingerprints"]:
        _print_list(
            c,
            "Expected characterization",
            [
                f"{f['kind']}: {f['peaks']}" + (f" [{f['source']}]" if f["source"] else "")
                for f in v["fingerprints"]
            ],
        )
    if v["estimates"]:
        _print_list(c, "Estimates", [f"{e['key']}: {e['text']}" for e in v["estimates"]])
    _print_list(
        c,
        "References",
        [f"[{r['key']}] {r['citation']}. https://doi.org/{r['doi']}" for r in v["references"]],
    )
    if v["shopping"]:
        _print_list(
            c,
            "Combined shopping list (all stages)",
            [f"{r['name']} ({r['form']}): {r['total']}" for r in v["shopping"]],
        )
    if v["alternatives"]:
        _print_list(
            c,
            "Other routes to this cluster",
            [f"{a['id']}: {a['title']}" for a in v["alternatives"]],
        )


def _print_list(c: Console, title: str, items: list[str]) -> None:
    if not items:
        return
    c.print(f"[bold]{escape(title)}[/bold]")
    for item in items:
        c.print(f"  • {escape(item)}")


def print_list(rows: list[dict[str, Any]]) -> None:
    c = _console()
    if not rows:
        c.print("no routes match")
        return
    table = Table(box=box.SIMPLE_HEAVY)
    table.add_column("Route", no_wrap=True)
    for col in ("Target", "Metal", "Family", "Reference", "Numbers rep./est."):
        table.add_column(col, overflow="fold")
    for r in rows:
        name = r["target"]["name"] + (" (default)" if r["default"] else "")
        table.add_row(
            r["id"],
            escape(name),
            r["metal"],
            r["family"],
            r["references"][0] if r["references"] else "",
            f"{r['numbers']['reported']}/{r['numbers']['estimated']}",
        )
    c.print(table)


def print_card(route: Route, cat: Catalog, alternatives: list[Route]) -> None:
    from nclplan import chemistry
    from nclplan.render import _num
    from nclplan.scale import product_molar_mass
    from nclplan.units import fmt

    c = _console()
    t = route.target
    reported, estimated = count_provenance(route)
    lines = [
        f"[bold]{escape(route.title)}[/bold]  ({route.id})",
        f"Family: {escape(FAMILY_TITLES[route.family])} · review §{escape(route.review_section)}",
        f"Target: {escape(t.name)}"
        + (f" = {chemistry.hill(t.formula)}, charge {t.charge:+d}" if t.formula else "")
        + (f"; isolated as {escape(t.isolated_as)}" if t.isolated_as else ""),
    ]
    mm = product_molar_mass(route)
    if mm is not None:
        lines.append(f"Molar mass as isolated: {fmt(mm, 6)}")
    elif t.mass_scaling:
        lines.append(f"No product mass scaling: {escape(t.mass_scaling)}")
    lines.append(f"Numbers: {reported} reported, {estimated} estimated")
    lines.append(f"File: {escape(cat.files.get(route.id, '?'))}")
    c.print(Panel("\n".join(lines), box=box.ROUNDED))
    c.print(escape(route.summary))
    table = Table(title="Parameters and conditions", box=box.SIMPLE_HEAVY, title_justify="left")
    for col in ("Condition", "Value", "Reported range", "Settable", "Provenance"):
        table.add_column(col, overflow="fold")
    for cond in route.conditions:
        value = _num(cond.value) if cond.value else ""
        if cond.text:
            value = (value + " — " if value else "") + cond.text
        rng = f"{_num(cond.range.min)} – {_num(cond.range.max)}" if cond.range else ""
        prov = cond.source or ""
        if cond.estimate:
            prov = (prov + "; " if prov else "") + "est.: " + cond.estimate
        table.add_row(
            escape(cond.label),
            escape(value),
            escape(rng),
            "yes" if cond.parameter else "",
            escape(prov),
        )
    c.print(table)
    if route.yield_ is not None:
        y = route.yield_
        c.print(
            f"Yield: {_num(y.value)} ({escape(y.basis)})"
            + (f" — est.: {escape(y.estimate)}" if y.estimate else "")
        )
    _print_list(c, "Notes", list(route.notes))
    _print_list(c, "Scale notes", list(route.scale_notes))
    _print_list(
        c,
        "References",
        [
            f"[{r.key}] {r.citation}. https://doi.org/{r.doi}" + (f" ({r.note})" if r.note else "")
            for r in route.references
        ],
    )
    if alternatives:
        _print_list(c, "Other routes to this cluster", [a.id for a in alternatives])


def print_cluster(report: ClusterReport) -> None:
    from nclplan.chemistry import SHELLS

    c = _console()
    cl = report.cluster
    shell = (
        "closed shell"
        if report.closed_shell
        else ("not a spherical shell closure " + f"({', '.join(map(str, SHELLS[:6]))}, ...)")
    )
    lines = [
        f"[bold]{escape(report.text)}[/bold]",
        f"Formula: {report.hill}   charge {cl.charge:+d}",
        f"Average molar mass: {report.average_mass:.2f} g/mol",
        f"Monoisotopic mass: {report.monoisotopic_mass:.4f} Da",
        f"Valence electrons: {report.electrons} = {cl.metal_atoms} {cl.metal} - "
        + " - ".join(f"{k}x{x} ({escape(n)})" for n, k, x in report.ligands if x)
        + f" - ({cl.charge:+d} charge)  → {shell}",
    ]
    if report.salt is not None:
        lines.append(
            f"Salt {escape(report.salt.label)}: {report.salt.average_mass:.2f} g/mol "
            "(average molar mass, what you weigh)"
        )
    if report.acidic_protons:
        lines.append(
            f"Acidic protons: {report.acidic_protons} (ESI-MS in negative mode shows [M-nH] ions; "
            "the electron count stays that of the cluster's own charge)"
        )
    c.print(Panel("\n".join(lines), box=box.ROUNDED))
    if not report.ions:
        c.print(
            "Neutral cluster: ESI-MS sees it only as an adduct or after oxidation/reduction; "
            "give --charge (the cluster's own charge) to see the m/z of a charged cluster."
        )
        return
    table = Table(title="Expected ESI-MS ions", box=box.SIMPLE_HEAVY, title_justify="left")
    for col in ("Ion", "z", "m/z (most abundant)", "m/z (monoisotopic)", "m/z (average)"):
        table.add_column(col)
    for i in report.ions:
        table.add_row(
            escape(i.label),
            f"{i.charge:+d}",
            f"{i.mz_peak:.3f}",
            f"{i.mz_monoisotopic:.3f}",
            f"{i.mz_average:.3f}",
        )
    c.print(table)
