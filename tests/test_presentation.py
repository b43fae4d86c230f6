"""What a user reads: help pages, messages, and the words every rendered output may not contain."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nclplan.cli import app


def _commands() -> list[str]:
    """Every command the program has, so a new one is checked too."""
    import typer.main

    group = typer.main.get_command(app)
    return sorted(getattr(group, "commands", {}))


COMMANDS = _commands()


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], prog_name="nclplan")
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_is_plain_and_complete(command: str) -> None:
    """Rich markup once swallowed "[default: ...]"; typer printed <bool> and <list[str]>."""
    text = _help(*([command] if command else []))
    flat = " ".join(text.split())
    for bad in ("<bool>", "<list[", "format ."):
        assert bad not in text, (command, bad)
    options = [line for line in text.splitlines() if line.lstrip().startswith("-")]
    assert not [line for line in options if "<str>" in line or "<Path>" in line], command
    assert "-h, --help" in text
    assert "..." not in text.split("Commands:")[-1] if command == "" else True  # no cut summary
    if command == "route":
        assert "(default: table, or from the extension of -o)" in flat
        assert "[default: 1x]" in flat


@pytest.mark.parametrize("command", COMMANDS)
def test_short_help_option(command: str) -> None:
    result = CliRunner().invoke(app, [command, "-h"], prog_name="nclplan")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_completion_is_on() -> None:
    assert "--install-completion" in _help()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nclplan", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tempfile.gettempdir(),  # not the checkout, whose nclplan/ has no protocols/ inside
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "50", "mg"], "write 50mg (or quote '50 mg')"),
        (["--scale", "0"], "must be positive"),
        (["--yield", "35"], "did you mean 35%?"),
    ],
)
def test_usage_messages(args: list[str], message: str) -> None:
    p = _run("route", "Au25", *args)
    assert p.returncode == 2
    assert message in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_bare_fraction_yield_is_announced() -> None:
    p = _run("route", "Au25", "--yield", "0.35", "-f", "json")
    assert p.returncode == 0
    assert "read as 35%" in p.stderr


def test_no_arguments_prints_help_like_click() -> None:
    p = _run()
    assert p.returncode == 2  # click's NoArgsIsHelpError is a usage error
    assert "Usage: nclplan" in p.stderr and "Commands:" in p.stderr


def test_broken_pipe_is_quiet() -> None:
    """The reader goes away: no message, no traceback; status 1 as click gives (or 0 if done)."""
    p = subprocess.Popen(
        [sys.executable, "-m", "nclplan", "sweep", "au25-mba-co", "--vary", "ph=10:12:0.25"],
        cwd=tempfile.gettempdir(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.read(10)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) in (0, 1)  # 0 if everything fit in the pipe buffer first
    assert err == ""


# --- curation words: none in anything a user reads -------------------------------------------


# The RO-Crate's own vocabulary and licence, which the .eln format requires: not curation.
# Vocabularies (RO-Crate, schema.org, QUDT units), the licence and CAS registry links.
_FORMAT_URLS = (
    r"https?://(?:w3id\.org/ro/crate/|creativecommons\.org/licenses/|schema\.org/"
    r"|qudt\.org/|commonchemistry\.cas\.org/|www\.w3\.org/2000/svg)\S*"
)


def _all_outputs(route_id: str) -> dict[str, str]:
    """Every user-facing text of one route: terminal table, md, html, json, .eln text, show."""
    import io
    import zipfile

    from nclplan import export, render
    from nclplan.catalog import load_catalog
    from nclplan.cli import RouteFormat, _document
    from nclplan.errors import UsageError
    from nclplan.plan import make_plan

    extra: list[str] = []
    try:
        plan = make_plan(load_catalog(()), route_id)
    except UsageError:  # a chain that would consume its own product: the route alone
        plan, extra = make_plan(load_catalog(()), route_id, chain=False), ["--no-stages"]
    runner = CliRunner()
    out = {
        "table": runner.invoke(app, ["route", route_id, *extra], env={"COLUMNS": "100"}).output,
        "show": runner.invoke(app, ["show", route_id], env={"COLUMNS": "100"}).output,
        "md": render.markdown(plan),
        "html": render.html(plan),
        "json": export.dumps(export.plan_to_dict(plan)),
        "csv": export.reagents_csv(plan),
    }
    eln = _document(plan, RouteFormat.eln, "a4")
    assert isinstance(eln, bytes)
    with zipfile.ZipFile(io.BytesIO(eln)) as z:
        for name in z.namelist():
            if not name.endswith(".pdf"):
                text = z.read(name).decode("utf-8")
                out[f"eln:{name}"] = re.sub(_FORMAT_URLS, "", text)
    return out


def _route_ids() -> list[str]:
    from nclplan.catalog import load_catalog

    return sorted(load_catalog(()).routes)


@pytest.mark.parametrize("route_id", _route_ids())
def test_no_curation_words_in_any_output(route_id: str) -> None:
    from nclplan.wording import curation_words

    for kind, text in _all_outputs(route_id).items():
        found = curation_words(text)
        assert not found, f"{route_id} {kind}: {found}"


def test_the_scan_can_fail() -> None:
    from nclplan.wording import curation_words

    for text in (
        "the HAL reference list at https://hal-univ-rennes1.archives-ouvertes.fr/x",
        "opening of the text at https://studylib.net/doc/1",
        "no record found in the searchable code, docs or web-page corpora",
        "(shared/literature/NOTES.md)",
        "as set for the catalog (issue 6)",
        "see /work/main/protocols/x.yaml",
        # What a bench review found printed on plans (each must be refused):
        "metal_atoms is entered as 10 (the two Ag10 species)",
        "No made_by on the starting cluster",
        "change target.formula/counterion and the ligand line",
        "that teaching paper, which may restate the amounts, could not be found here",
        "All amounts are estimates until someone reads the letter's experimental section",
        "the abstract itself was not checked; the title is not checked",
        "This sentence follows the discussion of ref. 12d (Zheng et al.)",
        "a protein powder generally sold as not classified, but no SDS is on file",
        "a fine polymer powder not classified in the sources known to us",
        "the method as described by the brief and the review",
        "the review's Equation 1 was lost in the text conversion",
        "hazard statements from a single source (Wikipedia chembox)",
        "Pyrophoric in moist air and water-reactive (ICSC 0432, CAMEO)",
        "The formula uses the program's abbreviation MBT",
        "Default route for Ag44 in this catalog",
    ):
        assert curation_words(text), text
    assert not curation_words("research grade; https://doi.org/10.1021/ja801173r")
    # Chemistry that resembles them is not refused: a JSON key, a reported amount, a reference.
    for text in (
        '"as_needed": true, "made_by": null',
        "amount not checked against the paper; by analogy with route au25-bsa",
        "no GHS classification is known for it; read the supplier SDS",
        "the review's ref. 70 (Zhu et al.)",
        "after the brief heating step",
    ):
        assert not curation_words(text), text


def test_check_rejects_curation_words_in_user_facing_fields(tmp_path: Path) -> None:
    from nclplan.catalog import shipped_dir

    text = (shipped_dir() / "au25-mba-co.yaml").read_text(encoding="utf-8")
    text = text.replace("\nnotes:\n", "\nnotes:\n  - Amounts as read in the corpus (issue 6).\n", 1)
    (tmp_path / "x-co.yaml").write_text(text.replace("id: au25-mba-co", "id: x-co"))
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "notes.0: user-facing text has 'corpus'" in result.output
    assert "'issue 6'" in result.output


# --- the printed sheet -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Au25(PET)18", "Au<sub>25</sub>(PET)<sub>18</sub>"),
        (
            "[TOA]+[Au25(SC2H4Ph)18]−",
            "[TOA]<sup>+</sup>[Au<sub>25</sub>(SC<sub>2</sub>H<sub>4</sub>Ph)<sub>18</sub>]<sup>−</sup>",
        ),
        ("C32H68N,", "C<sub>32</sub>H<sub>68</sub>N,"),
        ("HAuCl4·3H2O", "HAuCl<sub>4</sub>·3H<sub>2</sub>O"),
        ("PhC2H4SH", "PhC<sub>2</sub>H<sub>4</sub>SH"),
        ("no TOA+ signals", "no TOA<sup>+</sup> signals"),
        ("[Au(p-MBA)2]- at ~503", "[Au(p-MBA)<sub>2</sub>]<sup>−</sup> at ~503"),
        # not formulas: hazard codes, estimate keys, pH, amounts, a DOI
        (
            "H225; EUH019 [est. E3] pH 11 50mg 10.1039/b815983a",
            "H225; EUH019 [est. E3] pH 11 50mg 10.1039/b815983a",
        ),
        ("a <b> & c", "a &lt;b&gt; &amp; c"),
    ],
)
def test_one_function_typesets_formulas(text: str, html: str) -> None:
    from nclplan import typeset

    assert typeset.html(text) == html


def test_pictograms_follow_clp_precedence() -> None:
    from nclplan.ghs import pictograms, svg

    assert pictograms(["H225", "H319"]) == ["GHS02", "GHS07"]
    assert pictograms(["H301", "H302"]) == ["GHS06"]  # no exclamation mark beside the skull
    assert pictograms(["H314", "H319"]) == ["GHS05"]  # corrosive covers eye irritation
    assert pictograms(["H314", "H317"]) == ["GHS05", "GHS07"]
    assert pictograms(["H360Fd", "H412", "EUH019"]) == ["GHS08"]
    assert svg("GHS06").startswith("<svg") and "<title>GHS06" in svg("GHS06")


def test_html_sheet_has_bench_fields_and_pictograms() -> None:
    from nclplan import render
    from nclplan.catalog import load_catalog
    from nclplan.plan import make_plan

    cat = load_catalog(())
    page = render.html(make_plan(cat, "Au25", scale="50mg"))
    assert "<th>Weighed</th><th>Lot / bottle</th>" in page
    assert "Product mass obtained" in page and "expected 50.0 mg" in page
    assert "Spectra filed at" in page and "Signature" in page
    assert '<th class="tick"></th>' in page and "✓</th>" not in page  # no tick box in headers
    assert "<title>GHS02: flammable</title>" in page
    assert "ultrapure water</b>" not in page  # not hazardous: no hazard line
    assert "<h1>Au<sub>25</sub>(SC<sub>2</sub>H<sub>4</sub>Ph)<sub>18</sub> by" in page
    chain = render.html(make_plan(cat, "au36-tbbt-leist"))
    assert "made in Stage 1, its batch no.:" in chain
    assert "11.5 mg of product, 15 % more than au36-tbbt-leist uses" in chain


def test_purification_names_only_what_the_route_has() -> None:
    from nclplan import render
    from nclplan.catalog import load_catalog
    from nclplan.plan import make_plan

    cat = load_catalog(())
    no_toa = make_plan(cat, "au36-tbbt-leist")
    assert "TOA" not in (no_toa.purification or "")
    assert "TOA+" in (make_plan(cat, "Au25").purification or "")
    text = render.markdown(make_plan(cat, "au36-tbbt-leist"))
    assert text.count("Antisolvent washing: Precipitate") == 1
    assert "Antisolvent washing: as in Stage 1." in text


def test_pdf_sheet_text() -> None:
    pypdf = pytest.importorskip("pypdf")
    import io

    from nclplan import render
    from nclplan.catalog import load_catalog
    from nclplan.plan import make_plan

    pdf = render.pdf(make_plan(load_catalog(()), "Au25", scale="50mg"), paper="letter")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for words in ("Weighed", "Lot / bottle", "Product mass obtained", "expected 50.0 mg"):
        assert words in text, words
    assert "Spectra filed at" in text and "Signature" in text


# --- the terminal ----------------------------------------------------------------------------


def _table(route: str, columns: int) -> str:
    result = CliRunner().invoke(app, ["route", route], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("columns", [60, 80, 100, 120])
def test_terminal_never_splits_a_word(columns: int) -> None:
    """Every word of every step and reagent appears whole: no "metal-precur/sor"."""
    from nclplan import render
    from nclplan.catalog import load_catalog
    from nclplan.plan import make_plan

    out = _table("Au25", columns)
    words = set(out.split())
    v = render.view(make_plan(load_catalog(()), "Au25"))
    for text in [s["text"] for s in v["steps"]] + [r["label"] for r in v["reagents"]]:
        for word in text.split():
            assert word in words or any(word in w for w in words), (columns, word)
    for formula in ("HAuCl4·3H2O", "PhC2H4SH", "metal-precursor"):
        assert formula in out


def test_terminal_hanging_indent_and_headings() -> None:
    out = _table("Au25", 60)
    lines = out.splitlines()
    assert " Synthesis" in lines and " Work-up" in lines
    first = next(i for i, line in enumerate(lines) if re.match(r"^ +1\. ", line))
    indent = lines[first].index("1.") + 3
    assert lines[first + 1][:indent].strip() == ""  # the wrapped line hangs under the text
    assert lines[first + 1][indent] != " "
    assert "  • HAuCl4·3H2O (metal-precursor): " in out  # a list at 60 columns, not a table
    assert "━━" not in out.split("Procedure")[0].split("Reagents")[1]


def test_show_keeps_provenance_short() -> None:
    result = CliRunner().invoke(app, ["show", "au25-pet-thf"], env={"COLUMNS": "100"})
    table = result.output.split("Parameters and conditions")[1].split("Yield:")[0]
    assert "est. E1" in table and "not checked" not in table
    assert "E1: room temperature" in result.output
    assert "File: au25-pet-thf.yaml (built-in catalog)" in result.output


# --- Markdown --------------------------------------------------------------------------------


def test_markdown_reads_as_a_person_writes() -> None:
    from nclplan import render
    from nclplan.catalog import load_catalog
    from nclplan.plan import make_plan
    from nclplan.units import Q, fmt

    cat = load_catalog(())
    md = render.markdown(make_plan(cat, "Au25", yield_text="15%"))
    assert "\n- [ ] 1. **" in md  # task-list items: tick boxes on GitHub, GitLab, Jupyter
    assert "| **Expected yield** | 15 %, metal atom basis (given with --yield) |" in md
    assert "| solution\\* |" in md and "\\* NaBH4: solution in ice-cold ultrapure water" in md
    assert "### Synthesis" in md and "### Work-up" in md and "### Result" in md
    assert fmt(Q(999.6, "umol")) == "1.00 mmol"  # not "1000 µmol"
    assert "(1000 µmol)" not in render.markdown(make_plan(cat, "au55-pph3-b2h6"))


def test_no_empty_brackets_in_any_terminal_plan(
    catalog,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    """A missing note or source leaves no '()' or '[]' behind, on any route."""
    from nclplan.errors import UsageError
    from nclplan.plan import make_plan
    from nclplan.terminal import print_plan

    for route in catalog.route_list():
        try:
            plan = make_plan(catalog, route.id)
        except UsageError:  # the one circular chain (ag44-from-ag25) is refused, with reason
            plan = make_plan(catalog, route.id, chain=False)
        print_plan(plan)
        out = capsys.readouterr().out
        assert "()" not in out and "[]" not in out, route.id


def test_check_refuses_field_names_and_catalog_narrative_in_a_route(tmp_path: Path) -> None:
    """The bench review's phrasings: field names and notes about the catalog, not the chemistry."""
    from nclplan.catalog import shipped_dir

    text = (shipped_dir() / "ag29-dhla.yaml").read_text(encoding="utf-8")
    extra = (
        "\nnotes:\n  - metal_atoms is entered as 29; the teaching paper could not be found here.\n"
    )
    (tmp_path / "x-ag.yaml").write_text(
        text.replace("id: ag29-dhla", "id: x-ag").replace("\nnotes:\n", extra, 1)
    )
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "notes.0: user-facing text has 'metal_atoms' (a field name)" in result.output
    assert "'could not be found'" in result.output
    # A route without those words passes the same check.
    (tmp_path / "x-ag.yaml").write_text(text.replace("id: ag29-dhla", "id: x-ag"))
    assert "x-ag.yaml" not in CliRunner().invoke(app, ["check", str(tmp_path)]).output
