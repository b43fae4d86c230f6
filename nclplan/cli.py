"""The command line: parses, calls the core, prints, maps errors to exit codes.

This is the only module that imports typer or prints. stdout carries only the product (a plan
as Markdown or JSON, a table); messages go to stderr so that piping works.
"""

from __future__ import annotations

import os
import re
import sys

from nclplan import startup

# Guarded from here to the end of this module, whose definitions also take time (a program
# importing this module keeps its own handler; main() then turns Ctrl-C into the same line).
_previous_sigint = startup.guard()

from collections.abc import Collection, Mapping  # noqa: E402
from enum import StrEnum  # noqa: E402  (after the handler, on purpose)
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar  # noqa: E402

import typer  # noqa: E402
from typer.core import TyperArgument  # noqa: E402

from nclplan import __version__  # noqa: E402
from nclplan.errors import (  # noqa: E402
    EXIT_FAILURE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    NclplanError,
    OutputError,
    UsageError,
)
from nclplan.safetext import visible  # noqa: E402

if TYPE_CHECKING:
    from nclplan.plan import Plan

DEBUG_ENV = "NCLPLAN_DEBUG"
E = TypeVar("E", bound=StrEnum)


def _no_argument_type(self: object, ctx: object) -> None:
    """Typer prints "TARGET <str>" and "<list[Path]>" for arguments; the metavar says enough."""
    return None


# typer >= 0.16 shows a Python type beside each argument in help; no public switch turns it off.
setattr(TyperArgument, "display_type_rich", _no_argument_type)  # noqa: B010 (a method, on purpose)

app = typer.Typer(
    name="nclplan",
    help="Plan lab-ready syntheses of atomically precise metal nanoclusters from the literature.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


class RouteFormat(StrEnum):
    table = "table"
    md = "md"
    json = "json"
    html = "html"
    pdf = "pdf"
    csv = "csv"
    eln = "eln"


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"


BINARY = {RouteFormat.pdf, RouteFormat.eln}


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class CatalogFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"


def _folder(text: str) -> Path:
    """A --catalog or check path: "" would silently mean the current folder."""
    if not text.strip():
        raise typer.BadParameter("an empty name is not a folder")
    return Path(text)


CatalogOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog",
        metavar="DIR",
        parser=_folder,
        help="Extra folder of protocol YAML files (repeatable; also NCLPLAN_PATH).",
        show_default=False,
    ),
]


# Options several commands share, declared once.
TargetArg = Annotated[
    str,
    typer.Argument(
        metavar="TARGET",
        help="Cluster as chemists write it (Au25, Au25(PET)18, Au25@BSA) or a route id.",
    ),
]
RouteOpt = Annotated[
    str | None,
    typer.Option("--route", metavar="ID", help="Pick a route by id (see 'nclplan list')."),
]
YieldOpt = Annotated[
    str | None,
    typer.Option(
        "--yield",
        metavar="PERCENT",
        help="Expected yield on a metal basis, e.g. 35%; overrides the reported one.",
    ),
]
PaperOpt = Annotated[Paper, typer.Option("--paper", help="Paper size for html and pdf.")]


def _err(message: str) -> None:
    """One message line on stderr; control characters in it are shown, not obeyed."""
    sys.stderr.write(f"nclplan: {visible(message)}\n")


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"nclplan {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """nclplan: synthesis protocol planner for metal nanoclusters."""


def _emit(text: str | bytes, output: Path | None, force: bool) -> None:
    if output is None or str(output) == "-":
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(text)
        return
    from nclplan.fileio import write_atomic

    write_atomic(output, text, force=force)
    _err(f"wrote {output}")


_EXTENSIONS = {
    ".md": RouteFormat.md,
    ".markdown": RouteFormat.md,
    ".json": RouteFormat.json,
    ".html": RouteFormat.html,
    ".htm": RouteFormat.html,
    ".pdf": RouteFormat.pdf,
    ".csv": RouteFormat.csv,
    ".eln": RouteFormat.eln,
}


@app.command(short_help="Plan a synthesis: reagents, steps, hazards, references.")
def route(
    target: TargetArg,
    route_id: RouteOpt = None,
    scale: Annotated[
        str,
        typer.Option(
            "--scale",
            metavar="AMOUNT",
            help="2x (multiple of the route's recipe), 50mg (isolated product) or 0.4mmol (metal).",
        ),
    ] = "1x",
    yield_: YieldOpt = None,
    fmt: Annotated[
        RouteFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format (default: table, or from the extension of -o).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to FILE (atomically); '-' is stdout."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing output file.")
    ] = False,
    paper: PaperOpt = Paper.a4,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="NAME=VALUE",
            help="Change a route parameter: --set pH=11 (repeatable; see 'nclplan show ROUTE').",
        ),
    ] = None,
    surplus: Annotated[
        str,
        typer.Option(
            "--surplus",
            metavar="PERCENT",
            help="How much more each precursor stage makes than the next stage consumes.",
        ),
    ] = "15%",
    stages: Annotated[
        bool,
        typer.Option(
            "--stages/--no-stages",
            help="Plan precursors made by other routes as stages (--no-stages: from your stock).",
        ),
    ] = True,
    catalog: CatalogOpt = None,
) -> None:
    """Plan a synthesis: scaled reagents, numbered steps, hazards and references."""
    fmt = _route_format(fmt, output)
    from nclplan.catalog import load_catalog
    from nclplan.plan import make_plan

    _yield_note(yield_)
    plan = make_plan(
        load_catalog(catalog or ()),
        target,
        route_id=route_id,
        scale=scale,
        yield_text=yield_,
        settings=set_,
        surplus=surplus,
        chain=stages,
    )
    if fmt is RouteFormat.table:
        from nclplan.terminal import print_plan

        print_plan(plan)
        return
    _emit(_document(plan, fmt, paper.value), output, force)


def _route_format(fmt: RouteFormat | None, output: Path | None) -> RouteFormat:
    """The plan's format: as given, else from -o's extension, else the terminal table."""
    return _output_format(fmt, output, RouteFormat.table, _EXTENSIONS, BINARY)


def _output_format(
    fmt: E | None,
    output: Path | None,
    table: E,
    extensions: Mapping[str, E],
    binary: Collection[E],
) -> E:
    """A command's output format: as given, else from -o's extension, else the terminal table;
    the table only on a terminal, a binary format only into a file."""
    to_file = output is not None and str(output) != "-"
    names = ", ".join(f.value for f in type(table) if f is not table)
    if fmt is None:
        if not to_file:
            return table
        assert output is not None
        fmt = extensions.get(output.suffix.lower())
        if fmt is None:
            raise UsageError(
                f"cannot tell the format from {output.name!r}; give --format ({names})"
            )
    if fmt is table and to_file:
        raise UsageError(f"the table format is for the terminal; write {names}")
    if fmt in binary and output is None:
        raise UsageError(f"{fmt.value} is a binary format; give -o FILE (or -o - to pipe it)")
    return fmt


def _yield_note(text: str | None) -> None:
    """Say how a bare fraction was read: ``--yield 0.35`` is 35 %, which a user may not mean."""
    if text is None or text.strip().endswith("%"):
        return
    try:
        value = float(text)
    except ValueError:
        return  # parse_yield reports it
    if 0 < value <= 1:
        from nclplan.units import fmt_number

        percent = fmt_number(value * 100, 3, trailing=False)
        _err(f"--yield {text}: read as {percent}% (write % to be explicit)")


def _document(plan: Plan, fmt: RouteFormat, paper: str) -> str | bytes:
    """The plan in one of the file formats (rendered fully before anything is written)."""
    from nclplan import export, render

    if fmt is RouteFormat.json:
        return export.dumps(export.plan_to_dict(plan))
    if fmt is RouteFormat.md:
        return render.markdown(plan)
    if fmt is RouteFormat.html:
        return render.html(plan, paper=paper)
    if fmt is RouteFormat.csv:
        return export.reagents_csv(plan)
    if fmt is RouteFormat.pdf:
        return render.pdf(plan, paper=paper)
    from nclplan import eln
    from nclplan.errors import RenderError

    files = {
        "plan.json": export.dumps(export.plan_to_dict(plan)).encode(),
        "plan.md": render.markdown(plan).encode(),
        "reagents.csv": export.reagents_csv(plan).encode(),
    }
    try:
        files["plan.pdf"] = render.pdf(plan, paper=paper)
    except RenderError as exc:
        _err(f"the .eln archive holds no PDF: {exc}")
    return eln.build(plan, files)


@app.command(short_help="Parameter study: one plan per grid point.")
def sweep(
    target: TargetArg,
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary", metavar="NAME=RANGE", help="NAME=START:STOP:STEP or NAME=V1,V2 (repeatable)."
        ),
    ],
    route_id: RouteOpt = None,
    scale: Annotated[str, typer.Option("--scale", metavar="AMOUNT", help="As for 'route'.")] = "1x",
    yield_: YieldOpt = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="NAME=VALUE", help="Fixed parameters for every point."),
    ] = None,
    fmt: Annotated[
        RouteFormat,
        typer.Option("--format", "-f", help="Format of each point's document with -o DIR."),
    ] = RouteFormat.md,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="Write a folder: one document per point, "
            "design.csv and shopping-list.csv. Without it, JSON lines on stdout.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing folder.")] = False,
    catalog: CatalogOpt = None,
) -> None:
    """Parameter study: one plan per grid point and one combined reagent list."""
    from nclplan import export
    from nclplan.catalog import load_catalog
    from nclplan.sweep import combine, plan_points, settings_object

    _yield_note(yield_)
    points, plans = plan_points(
        load_catalog(catalog or ()),
        target,
        vary,
        route_id=route_id,
        scale=scale,
        yield_text=yield_,
        settings=set_,
    )
    dicts = [export.plan_to_dict(p) for p in plans]
    shopping = combine(dicts)
    if output is None:
        for i, (point, data) in enumerate(zip(points, dicts, strict=True), start=1):
            line = {"kind": "plan", "point": i, "settings": settings_object(point), "plan": data}
            sys.stdout.write(export.dumps_line(line))
        sys.stdout.write(export.dumps_line({"kind": "combined_reagents", "reagents": shopping}))
        return
    if fmt is RouteFormat.table:
        raise UsageError("-o DIR writes documents: give --format md, json, html, pdf, csv or eln")
    files: dict[str, str | bytes] = {}
    width = len(str(len(plans)))
    for i, plan in enumerate(plans, start=1):
        files[f"point-{i:0{width}d}.{fmt.value}"] = _document(plan, fmt, "a4")
    files["design.csv"] = export.design_csv(points, dicts)
    files["shopping-list.csv"] = export.shopping_csv(shopping)
    from nclplan.fileio import write_folder

    write_folder(output, files, force=force)
    _err(f"wrote {len(plans)} plans to {output}/")


@app.command(short_help="Cluster calculator: masses, electrons, ESI-MS m/z.")
def cluster(
    formula: Annotated[
        str,
        typer.Argument(
            metavar="FORMULA",
            help="Cluster as chemists write it: Au25(PET)18, "
            "'[Au25(SC2H4Ph)18]-', 'Ag44(SPhF2)30 4-'.",
        ),
    ],
    charge: Annotated[
        int | None,
        typer.Option(
            "--charge",
            "-z",
            metavar="Z",
            help="The cluster's own charge, if the formula does not give it (-1 for "
            "[Au25(SR)18]-). It sets the electron count; it is not the charge of an ion "
            "in the mass spectrum (see --ion-charge).",
        ),
    ] = None,
    counterion: Annotated[
        str | None,
        typer.Option(
            "--counterion",
            metavar="ION",
            help="Counterion of the salt (TOA, PPh4): prints the salt's molar mass and the "
            "ESI adduct ions.",
        ),
    ] = None,
    ion_charge: Annotated[
        list[int] | None,
        typer.Option(
            "--ion-charge",
            "-i",
            metavar="Z",
            help="Charge of an ESI-MS ion to list (repeatable: -i -3 -i -4). Acidic ligands "
            "(SG, Cys, MBA, MHA, MSA, DHLA) give [M-nH] ions, n = cluster charge - ion charge.",
        ),
    ] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """Cluster calculator: masses, valence electrons, shell closure, ESI-MS m/z."""
    from nclplan.chemistry import cluster_report

    report = cluster_report(formula, charge, counterion, tuple(ion_charge) if ion_charge else None)
    if fmt is ListFormat.json:
        from nclplan.export import cluster_to_dict, dumps

        sys.stdout.write(dumps(cluster_to_dict(report)))
    else:
        from nclplan.terminal import print_cluster

        print_cluster(report)


class VerifyFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"
    html = "html"
    pdf = "pdf"
    eln = "eln"


class XUnitChoice(StrEnum):
    nm = "nm"
    cm1 = "cm-1"
    ev = "eV"


_VERIFY_EXTENSIONS = {
    ".md": VerifyFormat.md,
    ".markdown": VerifyFormat.md,
    ".json": VerifyFormat.json,
    ".html": VerifyFormat.html,
    ".htm": VerifyFormat.html,
    ".pdf": VerifyFormat.pdf,
    ".eln": VerifyFormat.eln,
}


@app.command(short_help="Check measured spectra against the plan's product.")
def verify(
    target: TargetArg,
    uvvis: Annotated[
        Path | None,
        typer.Option(
            "--uvvis",
            metavar="FILE",
            help="UV-vis spectrum: two-column text (CSV/TSV/whitespace, decimal comma "
            "allowed), Agilent Cary CSV or JCAMP-DX (.jdx/.dx).",
        ),
    ] = None,
    emission: Annotated[
        Path | None,
        typer.Option("--emission", metavar="FILE", help="Emission spectrum (same formats)."),
    ] = None,
    ms: Annotated[
        Path | None,
        typer.Option(
            "--ms", metavar="FILE", help="ESI mass spectrum: peak list or profile as text, or mzML."
        ),
    ] = None,
    sample: Annotated[
        str | None,
        typer.Option("--sample", metavar="NAME", help="Sample name in a Cary multi-sample CSV."),
    ] = None,
    x_unit: Annotated[
        XUnitChoice | None,
        typer.Option("--x-unit", help="x unit of the optical files if no header names it."),
    ] = None,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance", metavar="NM", help="Band and emission-maximum tolerance in nm.", min=0.1
        ),
    ] = 10.0,
    ms_tolerance: Annotated[
        str, typer.Option("--ms-tolerance", metavar="TOL", help="m/z tolerance: 20ppm or 0.05Da.")
    ] = "20ppm",
    route_id: RouteOpt = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="NAME=VALUE",
            help="Route parameters the sample was made with (selects the "
            "product where a parameter does, e.g. pH).",
        ),
    ] = None,
    scale: Annotated[
        str,
        typer.Option(
            "--scale", metavar="AMOUNT", help="Scale the plan was made at (for its plan id)."
        ),
    ] = "1x",
    yield_: YieldOpt = None,
    fmt: Annotated[
        VerifyFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format (default: table, or from -o's extension); eln: the plan's "
            "archive with this report and the data files.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE; Markdown puts its figures beside it.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing files.")] = False,
    paper: PaperOpt = Paper.a4,
    catalog: CatalogOpt = None,
) -> None:
    """Check measured spectra against what the plan's product should show.

    Reads UV-vis, emission and ESI-MS data, finds bands, the emission maximum and ions, and
    says whether they are consistent with the route's product. Exit 0 whenever the data could
    be judged (the verdict is in the output), 1 for an unreadable file, 2 for bad usage.
    """
    fmt = _verify_format(fmt, output)
    from nclplan.catalog import load_catalog
    from nclplan.verify.judge import Settings
    from nclplan.verify.ms import parse_tolerance
    from nclplan.verify.run import verify as run_verify

    result = run_verify(
        load_catalog(catalog or ()),
        target,
        route_id=route_id,
        settings=set_,
        scale=scale,
        yield_text=yield_,
        uvvis=uvvis,
        emission=emission,
        ms=ms,
        sample=sample,
        x_unit=None if x_unit is None else x_unit.value,
        config=Settings(tolerance, parse_tolerance(ms_tolerance)),
    )
    _emit_verification(result, fmt, output, force, paper.value)


def _verify_format(fmt: VerifyFormat | None, output: Path | None) -> VerifyFormat:
    """The report format: as given, else from -o's extension, else the terminal table."""
    binary = (VerifyFormat.pdf, VerifyFormat.eln)
    return _output_format(fmt, output, VerifyFormat.table, _VERIFY_EXTENSIONS, binary)


def _emit_verification(
    result: object, fmt: VerifyFormat, output: Path | None, force: bool, paper: str
) -> None:
    """Render fully, then write: the document, and for Markdown its figures beside it."""
    from nclplan.verify import report
    from nclplan.verify.run import Verification

    assert isinstance(result, Verification)
    if fmt is VerifyFormat.table:
        report.print_table(result)
        return
    if fmt is VerifyFormat.json:
        from nclplan.export import dumps

        _emit(dumps(report.to_dict(result)), output, force)
        return
    from nclplan.verify.plot import figures

    svgs = figures(result, "svg")
    if fmt is VerifyFormat.html:
        _emit(report.html(result, svgs, paper), output, force)
    elif fmt is VerifyFormat.pdf:
        _emit(report.pdf(result, svgs, paper), output, force)
    elif fmt is VerifyFormat.eln:
        _emit(report.eln(result, svgs, paper), output, force)
    elif output is None or str(output) == "-":
        _emit(report.markdown(result, {}), output, force)
    else:
        from nclplan.fileio import write_atomic

        names = {k: f"{output.stem}-{k}.svg" for k in svgs}
        text = report.markdown(result, names)
        for path in [output, *(output.with_name(n) for n in names.values())]:
            if path.exists() and not force:
                raise OutputError(f"{path}: already exists; use --force to replace it")
        for k, name in names.items():
            write_atomic(output.with_name(name), svgs[k], force=force)
        _emit(text, output, force)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a plan (schema_version "2")."""
    from nclplan.export import plan_schema

    sys.stdout.write(plan_schema())


@app.command("list")
def list_(
    metal: Annotated[
        str | None,
        typer.Option(
            "--metal", metavar="METAL", help="Only routes to clusters of this metal (Au, Ag)."
        ),
    ] = None,
    family: Annotated[
        str | None,
        typer.Option(
            "--family", metavar="FAMILY", help="Only this route family (e.g. co-directed)."
        ),
    ] = None,
    fmt: Annotated[CatalogFormat, typer.Option("--format", "-f")] = CatalogFormat.table,
    catalog: CatalogOpt = None,
) -> None:
    """List the routes of the catalog."""
    from nclplan.catalog import load_catalog
    from nclplan.listing import route_rows

    cat = load_catalog(catalog or ())
    rows = route_rows(cat, metal=metal, family=family)
    if fmt is CatalogFormat.json:
        from nclplan.export import dumps

        sys.stdout.write(dumps({"schema_version": "1", "routes": rows}))
    elif fmt is CatalogFormat.md:
        from nclplan.listing import markdown_table

        sys.stdout.write(markdown_table(rows, cat))
    else:
        from nclplan.terminal import print_list

        print_list(rows)


@app.command()
def show(
    route_id: Annotated[str, typer.Argument(metavar="ROUTE", help="Route id or target.")],
    catalog: CatalogOpt = None,
) -> None:
    """Show a route card: parameters, ranges, references, notes."""
    from nclplan.catalog import load_catalog, resolve
    from nclplan.params import fill_texts
    from nclplan.terminal import print_card

    cat = load_catalog(catalog or ())
    chosen, alternatives = resolve(cat, route_id)
    print_card(fill_texts(chosen), cat, alternatives)


@app.command(short_help="Validate protocol files.")
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH",
            help="Protocol files or folders to check (default: the catalog in use).",
            parser=_folder,
        ),
    ] = None,
    catalog: CatalogOpt = None,
) -> None:
    """Validate protocol files: schema, units, provenance of every number, reagents."""
    from nclplan.catalog import load_catalog

    cat = load_catalog([*(catalog or ()), *(paths or ())], collect=True)
    for e in cat.errors:
        sys.stderr.write(visible(e) + "\n")
    if cat.errors:
        _err(f"{len(cat.errors)} problem(s) found")
        raise typer.Exit(EXIT_FAILURE)
    sys.stdout.write(f"ok: {len(cat.routes)} routes, {len(cat.reagents)} reagents\n")


class _ClosedStream:
    """Stands in for a closed stdout (``>&-``): writing the product fails like a write would."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        import errno

        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    @property
    def buffer(self) -> _ClosedStream:
        return self


def _silence_stdout() -> None:
    """After a failed write to stdout, point it at /dev/null so the flush at exit is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        sys.stdout = _ClosedStream()


_UNIT_WORD = re.compile(r"^(?:[munµμk]?(?:g|mol|L|l)|x|×|%)$")
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")


def _split_quantity(args: list[str]) -> None:
    """``--scale 50 mg`` (unquoted) reaches click as two words; say how to write it.

    Click alone would report "unexpected extra argument (mg)", which does not tell a chemist that
    the space is the problem.
    """
    for i, arg in enumerate(args[:-2]):
        number, unit = args[i + 1], args[i + 2]
        if arg in ("--scale", "--yield") and _NUMBER.match(number) and _UNIT_WORD.match(unit):
            raise UsageError(
                f"{arg} {number} {unit}: write {number}{unit} (or quote '{number} {unit}')"
            )


def main(argv: list[str] | None = None) -> NoReturn:
    """Console entry point: one error boundary for the whole program."""
    if sys.stderr is None:  # 2>&-: messages have nowhere to go, the exit code still tells
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115  (lives as long as the process)
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    args = sys.argv[1:] if argv is None else argv
    try:
        _split_quantity(args)
        code = app(args=args, prog_name="nclplan", standalone_mode=False)
        if code == EXIT_INTERRUPTED:  # click returns 130 for Ctrl-C without standalone mode
            _err("interrupted")
        sys.stdout.flush()  # a full disk is reported here, not by the interpreter at exit
        sys.exit(code if isinstance(code, int) else 0)
    except NclplanError as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            _err(line)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        if exc.exit_code == EXIT_INTERRUPTED:  # click turns Ctrl-C into Exit(130)
            _err("interrupted")
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        _err("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader (head, jq) went away: not an error of ours. Silence the flush at exit.
        _silence_stdout()
        sys.exit(EXIT_FAILURE)
    except OSError as exc:
        if exc.filename is not None or os.environ.get(DEBUG_ENV):
            _internal(exc)
        # Files are reported as OutputError/CatalogError; a bare OSError is stdout (/dev/full,
        # closed, a vanished terminal).
        _err(f"cannot write the output to standard output ({exc.strerror or exc})")
        _silence_stdout()
        sys.exit(EXIT_FAILURE)
    except Exception as exc:
        # Click's usage errors (typer vendors click privately, so match by shape, not class).
        show, exit_code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            _usage(exc, show, exit_code)
        _internal(exc)


def _usage(exc: Exception, show: object, exit_code: int) -> NoReturn:
    """A click usage error as one line (the help that ``nclplan`` alone prints stays whole)."""
    fmt = getattr(exc, "format_message", None)
    if type(exc).__name__ == "NoArgsIsHelpError" or not callable(fmt):
        assert callable(show)
        show(file=sys.stderr)
        sys.exit(exit_code)
    ctx = getattr(exc, "ctx", None)
    where = getattr(ctx, "command_path", None) or "nclplan"
    _err(f"{' '.join(str(fmt()).split())} (see '{where} --help')")
    sys.exit(exit_code)


def _internal(exc: BaseException) -> NoReturn:
    if os.environ.get(DEBUG_ENV):
        raise exc
    _err(f"internal error: {type(exc).__name__}: {exc}".splitlines()[0][:300])
    _err(f"this is a bug in nclplan; rerun with {DEBUG_ENV}=1 for the traceback")
    sys.exit(EXIT_INTERNAL)


startup.release(_previous_sigint)  # the end of the module: see the guard at its top
