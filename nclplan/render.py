"""Human documents from a plan: the Markdown template and the rich terminal view.

Templates never see raw floats or pint quantities: ``view()`` formats every number once (through
``units.fmt``) so that a template cannot print 0.30000000000000004 or an unrounded mass.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from nclplan import chemistry, fingerprint, hazards
from nclplan.catalog import same_composition
from nclplan.models import FAMILY_TITLES, Condition, Num, Route, reason_of
from nclplan.steps import PlanStep, step_conditions
from nclplan.units import Q, fmt, fmt_condition, fmt_number, fmt_stated

if TYPE_CHECKING:
    from datetime import datetime

    import jinja2

    from nclplan.plan import Plan
    from nclplan.scale import ScaledReagent, ScaledRoute


class _Estimates:
    """Numbers the estimate reasons (E1, E2, ...) in order of first use, each once."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def mark(self, estimate: str | None) -> str:
        if not estimate:
            return ""
        if estimate not in self.reasons:
            self.reasons.append(estimate)
        return f"E{self.reasons.index(estimate) + 1}"


def _source_label(route: Route, est: _Estimates, *objs: Any) -> str:
    """ "wu2009, est. E3" for the first object that states provenance (PlanStep or model).

    Every estimate behind the object is marked (a step's own and those of the numbers it
    prints), so a source never stands alone beside a number that was assumed.
    """
    for o in objs:
        if o is None:
            continue
        reasons = o.estimates if isinstance(o, PlanStep) else o.estimate_reasons()
        if o.source or reasons:
            parts = [o.source] if o.source else []
            if reasons:
                marks = sorted((est.mark(x) for x in reasons), key=lambda m: int(m[1:]))
                parts.append("est. " + ", ".join(marks))
            return ", ".join(parts)
    return ""


def _num(n: Num | None) -> str:
    """A catalog number as a protocol states it (``37 °C``, ``12 h``, ``pH`` plain)."""
    return "" if n is None else fmt_stated(n.value, n.unit)


def _counterions(counterion: str | None, charge: int, counterion_charge: int | None) -> str:
    """``4 × C24H20P`` for a salt of four counterions, the formula alone for one."""
    if not counterion or not counterion_charge:
        return ""
    n = abs(charge // counterion_charge)
    hill = chemistry.hill(counterion)
    return hill if n == 1 else f"{n} × {hill}"


def _action_label(action: str) -> str:
    words = action.replace("_", " ").replace("-", " ").split()
    words = ["pH" if w == "ph" else w for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def view(plan: Plan, stage_label: str = "") -> dict[str, Any]:
    """Every string a document shows, formatted once.

    The parts are built in the order a document prints them, because estimate labels (E1, E2,
    ...) are numbered as they are first met.
    """
    s = plan.scaled
    r = plan.route
    est = _Estimates()
    yield_text = _yield_text(plan, est)
    reagents = _tell_apart([_reagent_row(plan, x, est) for x in s.reagents], plan)
    steps = [_step_row(plan, st, est) for st in plan.steps]
    conditions = [_condition_row(plan, c, est) for c in r.conditions]
    fingerprints = [
        {
            "kind": fingerprint.label(f),
            "peaks": fingerprint.values_text(f),
            "note": f.note or "",
            "source": _source_label(r, est, f),
        }
        for f in r.fingerprints
    ]
    reagent_hazards = _reagent_hazards(s)
    return {
        **_heading(plan),
        "yield": yield_text,
        "warnings": plan.warnings,
        "reagents": reagents,
        "steps": steps,
        "synthesis_steps": [x for x in steps if x["stage"] == "synthesis"],
        "workup_steps": [x for x in steps if x["stage"] == "workup"],
        "conditions": conditions,
        "fingerprints": fingerprints,
        "route_hazards": [h.text for h in plan.hazards if h.scope == "route"],
        "reagent_hazards": reagent_hazards,
        "pictograms": _pictograms(reagent_hazards),
        "expected_mass": fmt(s.product_mass) if s.product_mass is not None else "",
        "result_fields": _result_fields(plan),
        "consumes": [],  # filled by views(): the earlier stages whose product this one uses
        "purification": (plan.purification or "").split("\n\n") if plan.purification else [],
        "notes": list(r.notes),
        "references": [
            {
                "key": ref.key,
                "citation": ref.citation,
                "doi": ref.doi,
                "status": "" if ref.doi_confirmed else "DOI not confirmed",
            }
            for ref in r.references
        ],
        "alternatives": [
            {"id": a.id, "title": a.title} for a in plan.alternatives if same_composition(a, r)
        ],
        "same_core": [
            {"id": a.id, "title": a.title} for a in plan.alternatives if not same_composition(a, r)
        ],
        "core": f"{r.target.metal}{r.target.atom_count() or ''}",
        "estimates": [{"key": f"E{i}", "text": e} for i, e in enumerate(est.reasons, start=1)],
        # a reason quotes the recipe's own amounts ("0.90 mmol Au"): on a scaled plan, say once
        # that they are the 1x recipe's (inserting "at 1x" after each number garbled ratios)
        "reasons_at_1x": s.factor != 1,
        "provenance": {"reported": plan.reported, "estimated": plan.estimated},
        "stage_label": stage_label,
        "stages": [
            {
                "label": f"Stage {i}",
                "title": st.route.title,
                "id": st.route.id,
                "scale": _stage_scale(st),
                "surplus": _stage_surplus(st),
            }
            for i, st in enumerate(plan.stages, start=1)
        ],
        "shopping": _shopping(plan) if plan.stages else [],
    }


_BASIS_WORDS = {
    "factor": "multiple of the route's recipe",
    "product_mass": "mass of isolated product",
    "metal_amount": "amount of {metal} in the precursor",
}


def _heading(plan: Plan) -> dict[str, Any]:
    """Title, route, target, scale and expected product: the head of every document."""
    s = plan.scaled
    r = plan.route
    t = r.target
    if s.product_mass is not None:
        product = f"{fmt(s.product_mass)} ({fmt(s.product_amount)})"
    elif t.mass_scaling:
        product = f"not defined: {t.mass_scaling}"
    else:
        product = "no yield reported; give one with --yield to see the expected mass"
    return {
        "title": r.title,
        "plan_id": plan.plan_id,
        "version": _version(),
        "route": {
            "id": r.id,
            "family": FAMILY_TITLES.get(r.family, r.family),
            "review_section": r.review_section,
            "summary": r.summary,
        },
        "target": {
            "name": t.name,
            "isolated_as": t.isolated_as or t.name,
            "formula": chemistry.hill(t.formula) if t.formula else "",
            "counterion": _counterions(t.counterion, t.charge, t.counterion_charge),
            "molar_mass": fmt(s.product_molar_mass, 6) if s.product_molar_mass is not None else "",
            "metal": t.metal,
            "metal_atoms": t.atom_count(),
            "mass_scaling": t.mass_scaling or "",
        },
        "scale": {
            "requested": fmt(s.request.quantity)
            if s.request.quantity is not None
            else s.request.text,
            "basis": _BASIS_WORDS[s.request.basis].format(metal=t.metal),
            "factor": fmt_number(s.factor, 3, trailing=False),
            "metal": fmt(s.metal_amount),
            "recipe": _recipe_words(r),
        },
        "product": product,
    }


def _recipe_words(route: Route) -> str:
    """``the route's recipe (amounts: 3 of 4 estimated)``: how much of what is scaled was read.

    "Published recipe" would claim every amount came from a paper; many routes' amounts are
    estimates (by analogy, not read), and the scale line is where a chemist decides to trust them.
    """
    read = estimated = 0
    for line in route.reagents:
        if line.as_needed:
            continue
        for key, num in line.numbers():
            if key == "purity":
                continue
            if reason_of(num, line.estimate):
                estimated += 1
            else:
                read += 1
    total = read + estimated
    if not total:
        return "the route's recipe"
    if not estimated:
        return "the route's recipe (amounts read in the cited papers)"
    if not read:
        return "the route's recipe (amounts: all estimated)"
    return f"the route's recipe (amounts: {estimated} of {total} estimated)"


def _yield_text(plan: Plan, est: _Estimates) -> str | None:
    """``50 %, Au atom basis (wu2009, est. E1)``."""
    ey = plan.scaled.expected_yield
    if ey is None:
        return None
    r = plan.route
    where = (
        "given with --yield"
        if ey.overridden
        else _source_label(r, est, r.yield_.value if r.yield_ else None, r.yield_)
    )
    return f"{fmt_number(ey.value * 100, 3, trailing=False)} %, {ey.basis} ({where})"


def _amount_text(x: ScaledReagent) -> str:
    line = x.line
    if line.as_needed:
        return "as needed"
    if line.form == "gas":
        return "bubbled (see steps)"
    if x.amount is None or line.role in ("solvent", "antisolvent"):
        return ""  # moles of a solvent say nothing at the bench
    return fmt(x.amount)


def _measure_text(x: ScaledReagent, route: Route) -> str:
    """What is measured out: a mass, a volume, a stock aliquot, or an as-needed target."""
    line = x.line
    if line.as_needed and (x.concentration is not None or line.target):
        conc = fmt_condition(x.concentration) if x.concentration is not None else ""
        if not line.target:
            return conc
        # Values filled by fill_texts. "to" only before a value ("to pH 7 ± 0.1"); a target in
        # words ("drop by drop until ...") follows a colon, or "1 M, to drop by drop" results.
        target = line.target
        if _TARGET_VALUE.match(target):
            return f"{conc}, to {target}" if conc else f"to {target}"
        return f"{conc}: {target}" if conc else target
    if line.form == "solid" and x.volume is not None and x.concentration is not None:
        return f"{fmt(x.volume)} of {fmt_condition(x.concentration)} stock ({fmt(x.mass)})"
    if line.form == "solution" and x.volume is not None and x.concentration is not None:
        measure = f"{fmt(x.volume)} of {fmt_condition(x.concentration)}"
        return measure + (f" ({fmt(x.mass)} {x.reagent.label})" if x.mass is not None else "")
    if line.form == "liquid" and x.volume is not None:
        return fmt(x.volume) + (f" ({fmt(x.mass)})" if x.mass is not None else "")
    return fmt(x.mass) if x.mass is not None else ""


_TARGET_VALUE = re.compile(r"^(?:pH\b|[-+]?\d)")


def _reagent_row(plan: Plan, x: ScaledReagent, est: _Estimates) -> dict[str, str]:
    line = x.line
    stocked = line.form == "solid" and x.volume is not None  # too little to weigh: an aliquot
    return {
        "id": line.id,
        "label": x.reagent.label,
        "name": x.reagent.name,
        "formula": (x.reagent.formula or "").replace(".", "·"),
        "cas": x.reagent.cas or "",
        "role": line.role,
        "form": "solid, dosed as a stock"
        if stocked
        else line.form + (f" in {line.medium}" if line.medium else ""),
        "form_short": "solution" if stocked else line.form,
        "form_note": (
            "solid dosed as a stock made up for this plan (see the preparation step)"
            if stocked
            else f"{line.form} in {line.medium}"
            if line.medium
            else ""
        ),
        "concentration": fmt_condition(x.concentration) if x.concentration is not None else "",
        "stage": line.stage,
        "amount": _amount_text(x),
        "measure": _measure_text(x, plan.route),
        "equivalents": "" if x.equivalents is None else fmt_number(x.equivalents, 3),
        "source": _source_label(plan.route, est, line),
        "note": line.note or "",
    }


def _tell_apart(rows: list[dict[str, str]], plan: Plan) -> list[dict[str, str]]:
    """Rows of one reagent used twice get a tag that tells them apart in the table and its
    footnotes: the stock concentration where those differ ("NaBH4, 400 mM" and "NaBH4, 40 mM"),
    else the step that first uses each ("ethanol (work-up, step 10)")."""
    first_step: dict[str, int] = {}
    for st in plan.steps:
        for rid in st.reagents:
            first_step.setdefault(rid, st.number)
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in rows:
        row["tag"] = ""
        groups.setdefault((row["label"], row["stage"]), []).append(row)
    for same in groups.values():
        if len(same) < 2:
            continue
        concs = [row["concentration"] for row in same]
        if all(concs) and len(set(concs)) == len(concs):
            for row in same:
                row["tag"] = row["concentration"]
        else:
            for row in same:
                n = first_step.get(row["id"])
                row["tag"] = f"step {n}" if n is not None else row["id"]
    for row in rows:
        bits = ["work-up"] if row["stage"] == "workup" else []
        row["qualifier"] = ", ".join([*bits, row["tag"]] if row["tag"] else bits)
    return rows


def _step_row(plan: Plan, st: PlanStep, est: _Estimates) -> dict[str, Any]:
    return {
        "number": st.number,
        "action": _action_label(st.action),
        "stage": st.stage,
        "text": st.text,
        "conditions": step_conditions(st),
        "checkpoint": st.checkpoint or "",
        "source": _source_label(plan.route, est, st),
    }


def _condition_row(plan: Plan, c: Condition, est: _Estimates) -> dict[str, Any]:
    return {
        "label": c.label,
        "value": _num(c.value) if c.value is not None else (c.text or ""),
        "text": c.text if c.value is not None and c.text else "",
        "range": range_text(c, est),
        "parameter": c.parameter,
        "source": _source_label(plan.route, est, c.value, c),
    }


def range_text(c: Condition, est: _Estimates) -> str:
    """``20 °C – 25 °C (reported)`` or ``(assumed, est. E7)``: a range column must not pass an
    assumed room-temperature window off as one a paper reported."""
    if c.range is None:
        return ""
    rng = c.range
    own = reason_of(rng, c.estimate)  # the range's own reason, else the condition's
    reasons = list(dict.fromkeys(r for n in (rng.min, rng.max) if (r := reason_of(n, own))))
    span = f"{_num(rng.min)} – {_num(rng.max)}"
    if not reasons:
        return f"{span} (reported)"
    marks = sorted((est.mark(x) for x in reasons), key=lambda m: int(m[1:]))
    return f"{span} (assumed, est. {', '.join(marks)})"


def _result_fields(plan: Plan) -> list[dict[str, str]]:
    """What the chemist fills in after the run: a mass and yield for a solid; for a product kept
    as a solution or dispersion (nothing is weighed) its volume, absorbance and concentration."""
    s = plan.scaled
    t = plan.route.target
    if t.product_form == "solid":
        return [
            {
                "label": "Product mass obtained",
                "unit": "",
                "note": f"expected {fmt(s.product_mass)}" if s.product_mass is not None else "",
            },
            {"label": "Yield", "unit": "%", "note": ""},
        ]
    band = next((f for f in plan.route.fingerprints if f.kind == "absorption"), None)
    glow = next((f for f in plan.route.fingerprints if f.kind == "emission"), None)
    if band is not None:
        signal = f"Absorbance at {_num(band.values[0])}"
    elif glow is not None:
        signal = f"Emission at {_num(glow.values[0])}"
    else:
        signal = "Absorbance at the main band"
    what = "dispersion" if t.product_form == "dispersion" else "solution"
    return [
        {"label": f"Product {what} volume", "unit": "mL", "note": ""},
        {"label": signal, "unit": "", "note": "dilution ______"},
        {
            "label": f"{t.metal} concentration",
            "unit": "mM",
            "note": f"{fmt(s.metal_amount)} {t.metal} ÷ volume",
        },
    ]


def _stage_scale(stage: Plan) -> str:
    q = stage.scaled.request.quantity
    return fmt(q) if q is not None else stage.scaled.request.text


def _stage_surplus(stage: Plan) -> str:
    """``, 15 % more than au36-tbbt-leist uses``: why a stage makes more than is consumed."""
    if not stage.surplus or stage.consumed_by is None:
        return ""
    pct = fmt_number(stage.surplus * 100, 3, trailing=False)
    return f", {pct} % more than {stage.consumed_by} uses"


def _reagent_hazards(s: ScaledRoute) -> list[dict[str, Any]]:
    """Once per reagent, none for a non-hazardous one (nclplan.hazards), with its pictograms."""
    from nclplan import ghs

    return [
        {
            "label": e.label,
            "codes": e.codes,
            "statements": [f"{h.code} {h.text}" for h in e.hazards],
            "pictograms": ghs.pictograms([h.code for h in e.hazards]),
            "note": e.note,
        }
        for e in hazards.reagent_hazards(s)
    ]


def _pictograms(reagent_hazards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pictograms of the whole document, each with the reagents that carry it."""
    from nclplan import ghs

    codes = sorted({p for h in reagent_hazards for p in h["pictograms"]})
    return [
        {
            "code": c,
            "name": ghs.NAMES[c],
            "svg": ghs.svg(c),
            "reagents": ", ".join(h["label"] for h in reagent_hazards if c in h["pictograms"]),
        }
        for c in codes
    ]


def _shopping(plan: Plan) -> list[dict[str, str]]:
    from nclplan.export import plan_to_dict

    rows = []
    for e in plan_to_dict(plan)["shopping_list"]:
        total = [
            fmt(Q(e[k]["value"], e[k]["unit"])) for k in ("mass", "volume", "amount") if e.get(k)
        ]
        if not total:  # wash solvents, gases: no amount to add up
            total = ["as needed"]
        conc = e.get("concentration")
        rows.append(
            {
                "name": e["name"],
                "cas": e["cas"] or "",
                "form": e["form"]
                + (f" ({fmt_condition(Q(conc['value'], conc['unit']))})" if conc else ""),
                "total": ", ".join(total),
            }
        )
    return rows


def _version() -> str:
    from nclplan import __version__

    return __version__


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    import jinja2

    def load(name: str) -> str:
        # Templates ship as the package nclplan.templates (top-level templates/ in the repo).
        from importlib import resources

        return resources.files("nclplan.templates").joinpath(name).read_text(encoding="utf-8")

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "html", "xml")),
        finalize=_no_controls,
    )


def _md_cell(text: Any) -> str:
    """Text safe inside a Markdown table cell (pipes and newlines would break the row).

    Backslashes are doubled first: a literal ``\\|`` would otherwise become ``\\\\|``, an
    escaped backslash followed by a pipe that ends the cell.
    """
    return " ".join(str(text).replace("\\", "\\\\").replace("|", "\\|").splitlines())


_BLOCK_START = re.compile(r"^(\s*)([#<>=|+*-])")


def _md_paragraph(text: Any) -> str:
    """Catalog text as a Markdown paragraph: a leading ``#``, ``<``, ``>``, list or rule mark is
    escaped, so a summary cannot open a heading or a raw ``<script>`` block."""
    return _BLOCK_START.sub(r"\1\\\2", str(text))


def _no_controls(value: Any) -> Any:
    """Jinja ``finalize``: no template prints a control character (ESC, BEL, ...) of any value.

    Newlines and tabs stay (templates place them); Markup stays Markup so HTML is not escaped
    twice.
    """
    if not isinstance(value, str):
        return value
    from nclplan.safetext import strip_controls

    clean = strip_controls(value, keep_lines=True)
    if clean is value or clean == value:
        return value
    return type(value)(clean) if isinstance(value, Markup) else clean


def documents(plan: Plan) -> list[tuple[Plan, str]]:
    """Each stage's plan with its heading label ("Stage 1 of 2: "), in the order they are made."""
    n = len(plan.stages) + 1
    if n == 1:
        return [(plan, "")]
    return [(p, f"Stage {i} of {n}: ") for i, p in enumerate([*plan.stages, plan], start=1)]


def views(plan: Plan) -> list[dict[str, Any]]:
    """The view of each stage in order; a purification block already given in an earlier stage
    is referred to ("as in Stage 1"), not printed again."""
    docs = documents(plan)
    out = [view(p, label) for p, label in docs]
    made_in = {p.route.id: label.split(" of ")[0] for p, label in docs}
    for (p, _), v in zip(docs, out, strict=True):
        v["consumes"] = [
            {"label": x.reagent.label, "stage": made_in[x.line.made_by]}
            for x in p.scaled.reagents
            if x.line.made_by is not None and made_in.get(x.line.made_by)
        ]
    first: dict[str, str] = {}
    for v in out:
        stage = v["stage_label"].split(" of ")[0]
        paragraphs = []
        for para in v["purification"]:
            if para in first and ": " in para:
                paragraphs.append(f"{para.split(': ', 1)[0]}: as in {first[para]}.")
            else:
                first.setdefault(para, stage)
                paragraphs.append(para)
        v["purification"] = paragraphs
    return out


def markdown(plan: Plan) -> str:
    """The plan as Markdown; a multi-stage plan lists its stages first, each as a document."""
    env = environment()
    env.filters["cell"] = _md_cell
    env.filters["paragraph"] = _md_paragraph
    template = env.get_template("plan.md.j2")
    if not plan.stages:
        return template.render(**view(plan))
    *_, main = docs = views(plan)
    parts = [env.get_template("overview.md.j2").render(**main)]
    parts += [template.render(**v) for v in docs]
    return "\n---\n\n".join(parts)


PAPER_SIZES = {"a4": "A4", "letter": "letter"}


def _source_date() -> datetime | None:
    """The document date, fixed by SOURCE_DATE_EPOCH for reproducible builds; else none."""
    import os
    from datetime import UTC, datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _created() -> str | None:
    when = _source_date()
    return None if when is None else when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _chem(text: str) -> Markup:
    """Formulas typeset (nclplan.typeset: the same runs as the PDF), everything else escaped."""
    from nclplan import typeset

    return Markup(typeset.html(text))  # typeset.html escapes every run


def html(plan: Plan, *, paper: str = "a4") -> str:
    """A printable HTML document (autoescaped: catalog text cannot inject markup)."""
    from importlib import resources

    env = environment()
    env.filters["chem"] = _chem
    css = resources.files("nclplan.templates").joinpath("plan.css").read_text(encoding="utf-8")
    template = env.get_template("plan.html.j2")
    *stages, main = views(plan)
    stage_bodies = []
    for v in stages:
        doc = template.render(**v, css="", paper="A4", created=None, stage_bodies=[])
        stage_bodies.append(Markup(_body(doc)))  # our own autoescaped output
    return template.render(
        **main,
        css=css,
        paper=PAPER_SIZES[paper],
        created=_created(),
        stage_bodies=stage_bodies,
    )


def _body(document: str) -> str:
    start, end = document.find("<body>"), document.rfind("</body>")
    return document[start + len("<body>") : end].strip() + "\n"


PDF_HELP = (
    "PDF output needs the Typst compiler's Python package: 'pip install typst' (a wheel with "
    "its fonts; no system libraries). Markdown, HTML, JSON and CSV work without it."
)
TYPST_PAPER = {"a4": "a4", "letter": "us-letter"}


def pdf(plan: Plan, *, paper: str = "a4") -> bytes:
    """The printable protocol, compiled by Typst from ``templates/plan.typ``.

    Typst rather than an HTML engine: it imports in milliseconds and compiles a plan in ~0.1 s
    (WeasyPrint took ~1.2 s with its import), needs no system libraries, and its output is
    byte-identical for the same input. The plan goes in as JSON data, never as markup.
    """
    import json
    from importlib import resources

    from nclplan.errors import RenderError

    try:
        import typst
    except ImportError as exc:
        raise RenderError(f"{PDF_HELP} ({type(exc).__name__}: {exc})".splitlines()[0]) from exc
    data = _typst_data(plan, paper)
    source = resources.files("nclplan.templates").joinpath("plan.typ").read_bytes()
    try:
        out = typst.compile(
            source,
            sys_inputs={"data": json.dumps(data, ensure_ascii=False, sort_keys=True)},
            ignore_system_fonts=True,  # the fonts inside the wheel: the same PDF on every machine
        )
    except Exception as exc:  # Typst reports template errors as TypstError; none is user input
        raise RenderError(f"PDF rendering failed: {type(exc).__name__}: {exc}") from exc
    assert isinstance(out, bytes)
    return out


def _typst_data(plan: Plan, paper: str) -> dict[str, Any]:
    """The JSON the Typst template reads: the views, with formulas already split into runs."""
    return {
        "paper": TYPST_PAPER[paper],
        "created": _created_parts(),
        "docs": [_with_runs(v) for v in views(plan)],
    }


# Where a formula may appear in a document: these fields go to Typst as runs (nclplan.typeset).
_RUN_FIELDS: dict[str, tuple[str, ...]] = {
    "": ("title", "summary", "warnings", "route_hazards", "purification", "notes", "product"),
    "target": ("name", "isolated_as", "formula", "counterion"),
    "route": ("summary",),
    "reagents": ("label", "formula", "form", "note", "measure"),
    "steps": ("text", "checkpoint", "conditions"),
    "reagent_hazards": ("label", "note"),
    "fingerprints": ("note",),
    "estimates": ("text",),
    "stages": ("title",),
    "alternatives": ("title",),
    "shopping": ("name", "form"),
    "consumes": ("label",),
    "conditions": ("label", "value", "text"),
    "pictograms": ("reagents",),
}


def _with_runs(v: dict[str, Any]) -> dict[str, Any]:
    from nclplan.typeset import runs

    def conv(x: Any) -> Any:
        if isinstance(x, str):
            return [list(r) for r in runs(x)]
        if isinstance(x, list):
            return [conv(y) for y in x]
        return x

    out = dict(v, title_text=v["stage_label"] + v["title"])
    for group, fields in _RUN_FIELDS.items():
        if not group:
            out.update({f: conv(v[f]) for f in fields if v.get(f) is not None})
            continue
        items = v[group]
        if isinstance(items, dict):
            out[group] = {**items, **{f: conv(items[f]) for f in fields if f in items}}
        else:
            out[group] = [{**it, **{f: conv(it[f]) for f in fields if f in it}} for it in items]
    return out


def _created_parts() -> dict[str, int] | None:
    """SOURCE_DATE_EPOCH as Typst datetime arguments (the PDF's date), else no date."""
    when = _source_date()
    if when is None:
        return None
    return {
        "year": when.year,
        "month": when.month,
        "day": when.day,
        "hour": when.hour,
        "minute": when.minute,
        "second": when.second,
    }


def html_body(plan: Plan) -> str:
    """The document's body only, for notebooks that take an HTML fragment (eLabFTW's text)."""
    return _body(html(plan))
