"""A verification as documents: JSON (schema_version "1"), Markdown, HTML, PDF and a terminal table.

One view of the verification (every string formatted once) feeds the Markdown, HTML and Typst
templates, as ``render.view`` does for plans. Numbers are rounded here, once, so the same input
gives byte-identical documents.
"""

from __future__ import annotations

from typing import Any

from nclplan.verify.judge import Finding, product_label
from nclplan.verify.run import Verification
from nclplan.verify.spectra import Spectrum

SCHEMA_VERSION = "1"
STATUS_WORDS = {
    "consistent": "consistent",
    "inconsistent": "not consistent",
    "inconclusive": "inconclusive",
}
FIGURE_TITLES = {"uvvis": "UV-vis", "emission": "Emission", "ms": "ESI-MS"}
EVIDENCE_WORDS = {"uv-vis": "UV-vis", "emission": "emission", "ms": "ESI-MS"}


def _r(x: float, nd: int) -> float:
    return round(float(x), nd)


def _data(evidence: str, s: Spectrum) -> dict[str, Any]:
    unit = "nm" if s.kind == "optical" else "m/z"
    return {
        "evidence": evidence,
        "file": s.name,
        "sha256": s.sha256,
        "points": s.points,
        "range": {"min": _r(s.x[0], 4), "max": _r(s.x[-1], 4), "unit": unit},
        "sample": s.sample,
        "centroided": s.centroided if s.kind == "ms" else None,
        "notes": list(s.notes),
    }


def to_dict(v: Verification) -> dict[str, Any]:
    """The verification as JSON data (its own contract: ``schema_version`` "1")."""
    from nclplan import __version__

    exp = v.expectation
    data = []
    uv = em = ms = None
    if v.uvvis is not None:
        r = v.uvvis
        data.append(_data("uv-vis", r.spectrum))
        uv = {
            "covered": {"min": _r(r.covered[0], 1), "max": _r(r.covered[1], 1), "unit": "nm"},
            "features": [_feature(f) for f in r.features],
            "bands": [
                {
                    "expected": _r(m.expected, 1),
                    "status": m.status,
                    "found": None if m.feature is None else _r(m.feature.position, 1),
                    "offset": None if m.offset is None else _r(m.offset, 1),
                }
                for m in r.matches
            ],
            "unexpected": [_feature(f) for f in r.unexpected],
            "plasmon": None if r.plasmon is None else _feature(r.plasmon),
        }
    if v.emission is not None:
        e = v.emission
        data.append(_data("emission", e.spectrum))
        em = {
            "maximum": {"value": _r(e.maximum.position, 1), "unit": "nm"},
            "expected": [{"value": _r(x, 1), "unit": "nm"} for x in e.expected],
            "status": e.status,
        }
    if v.ms is not None:
        m = v.ms
        data.append(_data("ms", m.spectrum))
        main = max((i.intensity for i in m.product if i.found), default=0.0)
        ms = {
            "peaks": int(m.peaks.mz.size),
            "neighbour_ions_searched": m.searched,
            "ions": [_ion(i, main) for i in [*m.product, *m.neighbours]],
            "unassigned": [
                {"mz": _r(s.mz, 4), "relative_to_base": _r(s.relative, 3)} for s in m.unassigned
            ],
        }
    return {
        "schema_version": SCHEMA_VERSION,
        "nclplan_version": __version__,
        "route": {"id": v.route.id, "title": v.route.title, "target": v.route.target.name},
        "plan_id": v.plan_id,
        "scale": v.scale,
        "settings": list(v.settings),
        "product": product_label(exp),
        "tolerances": {
            "band": {"value": v.config.band_tolerance, "unit": "nm"},
            "mz": {"value": v.config.ms_tolerance.value, "unit": v.config.ms_tolerance.unit},
        },
        "expected": {
            "absorption": [{"value": _r(x, 1), "unit": "nm"} for x in exp.absorption],
            "emission": [{"value": _r(x, 1), "unit": "nm"} for x in exp.emission],
            "neighbours": [c.text for c in exp.neighbours],
            "not_judged": list(exp.not_judged),
        },
        "data": data,
        "uvvis": uv,
        "emission": em,
        "ms": ms,
        "verdict": {
            "consistent": v.verdict.consistent,
            "status": v.verdict.status,
            "summary": v.verdict.summary,
            "findings": [_finding(f) for f in v.verdict.findings],
        },
    }


def _feature(f: Any) -> dict[str, Any]:
    return {
        "position": _r(f.position, 1),
        "kind": f.kind,
        "strength": _r(f.strength, 3),
        "width": _r(f.width, 1),
    }


def _ion(m: Any, main: float) -> dict[str, Any]:
    c = m.candidate
    return {
        "composition": c.composition,
        "label": c.ion.label,
        "role": c.role,
        "charge": c.ion.charge,
        "mz": _r(c.ion.mz_peak, 4),
        "found": m.found,
        "matched_fraction": _r(m.matched_fraction, 3),
        "similarity": None if m.similarity is None else _r(m.similarity, 3),
        "error_ppm": None if m.error_ppm is None else _r(m.error_ppm, 2),
        "relative_to_main": _r(m.intensity / main, 3) if main and m.found else None,
        "source": c.source,
    }


def _finding(f: Finding) -> dict[str, str]:
    return {"evidence": f.evidence, "level": f.level, "text": f.text}


def view(v: Verification, figures: dict[str, str]) -> dict[str, Any]:
    """Every string the Markdown, HTML and PDF documents show; ``figures``: name -> file/ref."""
    from nclplan import __version__

    d = to_dict(v)
    exp = v.expectation
    rows = []
    for label, item in (("UV-vis", v.uvvis), ("Emission", v.emission), ("ESI-MS", v.ms)):
        if item is None:
            continue
        s = item.spectrum
        unit = "nm" if s.kind == "optical" else "m/z"
        lo, hi = (f"{s.x[0]:.0f}", f"{s.x[-1]:.0f}")
        extra = "; ".join(s.notes)
        rows.append(
            {
                "kind": label,
                "file": s.name,
                "points": f"{s.points:,}",
                "range": f"{lo}–{hi} {unit}" if unit == "nm" else f"m/z {lo}–{hi}",
                "notes": extra,
                "sha256": s.sha256[:16],
            }
        )
    return {
        "version": __version__,
        "title": f"Verification: {d['product']}",
        "product": d["product"],
        "route": d["route"],
        "plan_id": v.plan_id,
        "scale": v.scale,
        "settings": ", ".join(v.settings),
        "status": v.verdict.status,
        "status_words": STATUS_WORDS[v.verdict.status],
        "summary": v.verdict.summary,
        "tolerances": f"bands ±{v.config.band_tolerance:g} nm; m/z {v.config.ms_tolerance}",
        "plan_line": f"{v.plan_id} (scale {v.scale}"
        + (f"; {', '.join(v.settings)}" if v.settings else "")
        + f") · nclplan {__version__}",
        "data": rows,
        "findings": [
            {**_finding(f), "evidence": EVIDENCE_WORDS[f.evidence]} for f in v.verdict.findings
        ],
        "figures": [
            {"name": k, "title": FIGURE_TITLES[k], "ref": ref} for k, ref in figures.items()
        ],
        "expected_bands": ", ".join(f"{x:.0f} nm" for x in exp.absorption) or "none recorded",
        "expected_emission": ", ".join(f"{x:.0f} nm" for x in exp.emission) or "none recorded",
        "neighbours": _neighbours_text(v),
        "not_judged": list(exp.not_judged),
    }


def _neighbours_text(v: Verification) -> str:
    """Which neighbouring compositions the mass spectrum was searched for, and how many of
    their ions its m/z range held: a composition outside the range was not looked at."""
    names = ", ".join(c.text for c in v.expectation.neighbours) or "none"
    if v.ms is None:
        return f"{names} (no mass spectrum given)"
    return f"{names} (ions in the measured m/z range looked for: {v.ms.searched})"


def markdown(v: Verification, figures: dict[str, str]) -> str:
    """Markdown; ``figures`` maps each figure to the file name written beside the document."""
    from nclplan.render import _md_cell, environment

    env = environment()
    env.filters["cell"] = _md_cell
    return env.get_template("verify.md.j2").render(**view(v, figures))


def html(v: Verification, svgs: dict[str, bytes], paper: str = "a4") -> str:
    """One self-contained HTML file: the figures inline as SVG, the plan's stylesheet."""
    from importlib import resources

    from markupsafe import Markup

    from nclplan.render import environment

    css = resources.files("nclplan.templates").joinpath("plan.css").read_text(encoding="utf-8")
    inline = {k: Markup(_strip_xml_header(b.decode())) for k, b in svgs.items()}
    doc = view(v, {k: "" for k in svgs})
    for fig in doc["figures"]:
        fig["svg"] = inline[fig["name"]]
    return environment().get_template("verify.html.j2").render(**doc, css=css, paper=paper)


def _strip_xml_header(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def pdf(v: Verification, svgs: dict[str, bytes], paper: str = "a4") -> bytes:
    """The printable report, compiled by Typst with the plan's look (templates/verify.typ)."""
    import json
    from importlib import resources

    from nclplan.errors import RenderError
    from nclplan.render import TYPST_PAPER

    try:
        import typst
    except ImportError as exc:  # pragma: no cover - typst is a dependency
        raise RenderError(f"PDF output needs the typst package ({exc})") from exc
    doc = view(v, {k: k for k in svgs})
    inputs = {"data": json.dumps({**doc, "paper": TYPST_PAPER[paper]}, sort_keys=True)}
    inputs.update({f"fig_{k}": b.decode() for k, b in svgs.items()})
    source = resources.files("nclplan.templates").joinpath("verify.typ").read_bytes()
    try:
        out = typst.compile(source, sys_inputs=inputs, ignore_system_fonts=True)
    except Exception as exc:  # Typst reports template errors as TypstError; none is user input
        raise RenderError(f"PDF rendering failed: {type(exc).__name__}: {exc}") from exc
    assert isinstance(out, bytes)
    return out


def eln(v: Verification, svgs: dict[str, bytes], paper: str = "a4") -> bytes:
    """An .eln archive of the plan that carries this report and the raw data files: the plan's
    documents as ``route -f eln`` writes them, plus ``verification.*``, figures and ``data/``."""
    import contextlib

    from nclplan import eln as eln_mod
    from nclplan import export, render
    from nclplan.errors import RenderError

    plan = v.plan
    files = {
        "plan.json": export.dumps(export.plan_to_dict(plan)).encode(),
        "plan.md": render.markdown(plan).encode(),
        "verification.json": export.dumps(to_dict(v)).encode(),
        "verification.md": markdown(v, {k: f"verification-{k}.svg" for k in svgs}).encode(),
        "verification.html": html(v, svgs, paper).encode(),
    }
    files.update({f"verification-{k}.svg": b for k, b in svgs.items()})
    with contextlib.suppress(RenderError):  # the HTML report carries the same content
        files["verification.pdf"] = pdf(v, svgs, paper)
    for path in v.files:
        files[f"data/{path.name}"] = path.read_bytes()
    return eln_mod.build(plan, files)


def print_table(v: Verification) -> None:
    """The terminal view: the verdict, then every finding."""
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    c = Console(highlight=False, soft_wrap=False)
    colour = {"consistent": "green", "inconsistent": "red", "inconclusive": "yellow"}
    st = v.verdict.status
    head = (
        f"[bold]{escape(product_label(v.expectation))}[/bold] by route {escape(v.route.id)} "
        f"(plan {v.plan_id})\n"
        f"[bold {colour[st]}]Verdict: {STATUS_WORDS[st]}[/]\n{escape(v.verdict.summary)}"
    )
    c.print(Panel(head, box=box.ROUNDED))
    t = Table(box=box.SIMPLE_HEAVY)
    for col in ("Evidence", "Finding", ""):
        t.add_column(col)
    marks = {"found": "✓", "missing": "✗", "unexpected": "!", "not-covered": "–", "note": "·"}
    for f in v.verdict.findings:
        t.add_row(
            EVIDENCE_WORDS[f.evidence],
            escape(f.text),
            marks[f.level] + " " + f.level,
        )
    c.print(t)
