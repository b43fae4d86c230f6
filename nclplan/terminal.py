"""The rich terminal views. Catalog text is escaped: "adjust [pH]" must not be read as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group
from rich.markup import escape as _markup_escape
from rich.panel import Panel
from rich.table import Table

from nclplan.catalog import Catalog, same_composition
from nclplan.models import FAMILY_TITLES, Route, ScaleNote
from nclplan.plan import count_provenance
from nclplan.safetext import strip_controls

if TYPE_CHECKING:
    from nclplan.chemistry import ClusterReport
    from nclplan.plan import Plan


def escape(text: str) -> str:
    """Catalog or user text for rich: markup escaped, control characters (ESC, OSC) removed."""
    return _markup_escape(strip_controls(text))


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def print_plan(plan: Plan) -> None:
    """The plan for the terminal: each stage in the order it is made, the target last."""
    from nclplan.render import views

    for v in views(plan):
        _print_view(v)


def _hazard_words(codes: str, note: str) -> str:
    """``H225 ... (note)``, the codes alone, or the note alone: never an empty ``()``."""
    if codes and note:
        return f"{codes} ({note})"
    return codes or note


def _print_view(v: dict[str, Any]) -> None:
    label = v["stage_label"]
    c = _console()
    t = v["target"]
    head = [
        (
            "Target:",
            f"{escape(t['name'])} — isolated as {escape(t['isolated_as'])}"
            + (f" ({escape(t['molar_mass'])})" if t["molar_mass"] else ""),
        ),
        (
            "Route:",
            f"{v['route']['id']} · {escape(v['route']['family'])} · review §"
            f"{escape(v['route']['review_section'])}",
        ),
        (
            "Scale:",
            f"{escape(v['scale']['requested'])} ({escape(v['scale']['basis'])}) → "
            f"{v['scale']['factor']} × {escape(v['scale']['recipe'])}; "
            f"{escape(v['scale']['metal'])} {t['metal']}",
        ),
        ("Yield:", escape(v["yield"] or "not reported")),
        ("Product:", escape(v["product"])),
        ("Plan id:", v["plan_id"]),
    ]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for key, value in head:
        grid.add_row(key, value)
    title = f"[bold]{escape(label + v['title'])}[/bold]"
    c.print(Panel(Group(title, grid), box=box.ROUNDED))
    if v["warnings"]:
        _print_list(c, "Warnings", v["warnings"], bullet="[yellow]![/yellow]")
    _print_reagents(c, v)
    c.print("[bold]Procedure[/bold]")
    width = len(str(len(v["steps"]))) + 3
    for title, steps in (("Synthesis", v["synthesis_steps"]), ("Work-up", v["workup_steps"])):
        if steps:
            c.print(f" [bold]{title}[/bold]")
            _print_steps(c, steps, width)
    _print_list(
        c,
        "Hazards",
        v["route_hazards"]
        + [f"{h['label']}: " + _hazard_words(h["codes"], h["note"]) for h in v["reagent_hazards"]],
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
        [
            f"[{r['key']}] {r['citation']}. https://doi.org/{r['doi']}"
            + (f" ({r['status']})" if r["status"] else "")
            for r in v["references"]
        ],
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
    if v["same_core"]:
        _print_list(
            c,
            f"Routes to other {v['core']} clusters (other ligands)",
            [f"{a['id']}: {a['title']}" for a in v["same_core"]],
        )


NARROW = 100  # below this width the reagent table would crush its columns: print a list


def _print_reagents(c: Console, v: dict[str, Any]) -> None:
    """A table where it fits, else one reagent per item; a word is never cut in two."""
    metal = v["target"]["metal"]
    rows = [
        (
            r["label"] + _qualifier(r, c.width >= NARROW),
            r["role"] + (", work-up" if r["stage"] == "workup" and c.width < NARROW else ""),
            r["amount"],
            r["measure"],
            r["equivalents"],
            r["source"],
        )
        for r in v["reagents"]
    ]
    headers = ("Reagent", "Role", "Amount", "Mass / volume", f"Eq./{metal}", "Source")
    # The narrowest each column can be without cutting a word (a formula is one word).
    widths = [
        max(len(w) for cell in [h, *(row[i] for row in rows)] for w in [*cell.split(), ""])
        for i, h in enumerate(headers)
    ]
    if c.width < NARROW or sum(widths) + 4 * len(widths) > c.width:
        items = []
        for name, role, amount, measure, eq, source in rows:
            what = "; ".join(x for x in (amount, measure) if x)
            extra = ", ".join(x for x in (f"{eq} eq./{metal}" if eq else "", source) if x)
            items.append(f"{name} ({role}): {what}" + (f" [{extra}]" if extra else ""))
        _print_list(c, "Reagents", items)
        return
    table = Table(title="Reagents", box=box.SIMPLE_HEAVY, title_justify="left")
    for col, width in zip(headers, widths, strict=True):
        table.add_column(col, min_width=width, overflow="fold")
    for row in rows:
        table.add_row(*(escape(x) for x in row))
    c.print(table)


def _print_steps(c: Console, steps: list[dict[str, Any]], width: int) -> None:
    """Numbered steps; wrapped lines hang under the text, not under the number."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True, min_width=width)
    grid.add_column()
    for s in steps:
        cond = f" [dim]({escape(s['conditions'])})[/dim]" if s["conditions"] else ""
        src = f" [dim]\\[{escape(s['source'])}][/dim]" if s["source"] else ""
        text = f"[bold]{escape(s['action'])}.[/bold] {escape(s['text'])}{cond}{src}"
        if s["checkpoint"]:
            text += f"\n[green]✓ {escape(s['checkpoint'])}[/green]"
        grid.add_row(f"  {s['number']}.", text)
    c.print(grid)


def _scale_note(note: ScaleNote) -> str:
    """A scale note as ``show`` lists it: which way of scaling it concerns, then the advice."""
    when = {"up": "Scaling up", "down": "Scaling down", "both": "Any other scale"}
    return f"{when[note.direction]}: {note.text}"


def _print_list(c: Console, title: str, items: list[str], bullet: str = "•") -> None:
    """A titled list; a wrapped item keeps a hanging indent under its first word."""
    if not items:
        return
    c.print(f"[bold]{escape(title)}[/bold]")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for item in items:
        grid.add_row(f"  {bullet}", escape(item))
    c.print(grid)


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
            escape(r["references"][0]) if r["references"] else "",
            f"{r['numbers']['reported']}/{r['numbers']['estimated']}",
        )
    c.print(table)


def print_card(route: Route, cat: Catalog, alternatives: list[Route]) -> None:
    from nclplan import chemistry
    from nclplan.render import _Estimates, _num, _source_label, range_text
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
    lines.append(f"File: {escape(_route_file(cat.files.get(route.id, '?')))}")
    c.print(Panel("\n".join(lines), box=box.ROUNDED))
    c.print(escape(route.summary))
    est = _Estimates()  # provenance cells say "est. E1"; the reasons follow the table
    table = Table(title="Parameters and conditions", box=box.SIMPLE_HEAVY, title_justify="left")
    for col in ("Condition", "Value", "Range", "Settable", "Provenance"):
        table.add_column(col, overflow="fold")
    for cond in route.conditions:
        value = _num(cond.value) if cond.value else ""
        if cond.text:
            value = (value + " — " if value else "") + cond.text
        prov = _source_label(route, est, cond.value, cond)
        rng = range_text(cond, est)
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
        where = _source_label(route, est, y.value, y)
        where = f" \\[{escape(where)}]" if where else ""
        c.print(f"Yield: {_num(y.value)} ({escape(y.basis)}){where}")
    _print_list(c, "Estimates", [f"E{i}: {e}" for i, e in enumerate(est.reasons, start=1)])
    _print_list(c, "Notes", list(route.notes))
    _print_list(c, "Scale notes", [_scale_note(n) for n in route.scale_notes])
    _print_list(
        c,
        "References",
        [
            f"[{r.key}] {r.citation}. https://doi.org/{r.doi}"
            + ("" if r.doi_confirmed else " (DOI not confirmed)")
            for r in route.references
        ],
    )
    same = [a.id for a in alternatives if same_composition(a, route)]
    other = [a.id for a in alternatives if not same_composition(a, route)]
    if same:
        _print_list(c, "Other routes to this cluster", same)
    if other:
        core = f"{route.target.metal}{route.target.atom_count() or ''}"
        _print_list(c, f"Routes to other {core} clusters (other ligands)", other)


def _route_file(path: str) -> str:
    """A built-in route by its file name (where the package is installed says nothing to a
    chemist); a route from the user's own catalog folder by the path they gave."""
    from pathlib import Path

    from nclplan.catalog import shipped_dir

    p = Path(path)
    try:
        return f"{p.relative_to(shipped_dir())} (built-in catalog)"
    except ValueError:
        return path


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


def _qualifier(row: dict[str, Any], wide: bool) -> str:
    """`` (work-up, step 10)``: what tells a row apart; "work-up" goes to the role when narrow."""
    parts = [p for p in row["qualifier"].split(", ") if p and (wide or p != "work-up")]
    return f" ({', '.join(parts)})" if parts else ""
