"""Printable documents and notebook exports: HTML, PDF, CSV, JSON Schema, .eln."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import jsonschema
import pytest

from nclplan.catalog import Catalog, load_catalog
from nclplan.cli import main
from nclplan.export import dumps, plan_schema, plan_to_dict, reagents_csv
from nclplan.plan import make_plan
from nclplan.render import html, pdf

DATA = Path(__file__).parent / "data"
PLANS = [
    ("Au25", "50mg"),
    ("Au25", "1x"),
    ("Au25@BSA", "2x"),
    ("au25-mba-co", "0.1mmol"),
    ("au25-cys-co", "3x"),
    ("au-np-brust-1994", "2x"),  # metal_atoms null (schema_version 2)
]


@pytest.fixture(autouse=True)
def _no_source_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def run(args: list[str], capsysbinary: pytest.CaptureFixture[bytes]) -> tuple[int, bytes, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsysbinary.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 0), out, err.decode()


def test_golden_csv_and_html(catalog: Catalog, golden) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(catalog, "Au25", scale="50mg")
    golden("au25-50mg.csv", reagents_csv(plan))
    golden("au25-50mg.html", html(plan))


def test_csv_columns_and_values(catalog: Catalog) -> None:
    rows = list(csv.DictReader(io.StringIO(reagents_csv(make_plan(catalog, "Au25", scale="1x")))))
    gold = next(r for r in rows if r["id"] == "gold")
    assert gold["amount_mmol"] == "0.4" and gold["cas"] == "16961-25-4"
    nabh4 = next(r for r in rows if r["id"] == "nabh4")
    assert (nabh4["volume_mL"], nabh4["concentration"], nabh4["concentration_unit"]) == (
        "5",
        "800",
        "mM",
    )


@pytest.mark.parametrize(("target", "scale"), PLANS)
def test_real_plans_validate_against_the_published_schema(
    catalog: Catalog, target: str, scale: str
) -> None:
    schema = json.loads(plan_schema())
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(dumps(plan_to_dict(make_plan(catalog, target, scale=scale))))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_schema_is_strict(catalog: Catalog) -> None:
    schema = json.loads(plan_schema())
    data = json.loads(dumps(plan_to_dict(make_plan(catalog, "Au25"))))
    data["reagents"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_schema_command(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = run(["schema"], capsysbinary)
    assert code == 0 and json.loads(out)["properties"]["schema_version"]["const"] == "4"


def test_html_escapes_catalog_text() -> None:
    cat = load_catalog([DATA / "inject"])
    doc = html(make_plan(cat, "evil-route"))
    assert "<script>" not in doc and "<img" not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc


def test_pdf_shows_catalog_text_as_text() -> None:
    # The PDF template gets the plan as JSON data; Typst markup or code in a protocol file is
    # printed as typed, never run (no file read, no page break, no bold).
    from pypdf import PdfReader

    cat = load_catalog([DATA / "inject"])
    reader = PdfReader(io.BytesIO(pdf(make_plan(cat, "evil-route"))))
    flat = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for needle in ('#read("/etc/passwd")', "*not bold*", "$x^2$", "#pagebreak()", "<script>"):
        assert needle in flat, needle
    assert "root:" not in flat


def test_pdf_holds_the_amounts(catalog: Catalog) -> None:
    from pypdf import PdfReader

    plan = make_plan(catalog, "Au25", scale="50mg")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf(plan))).pages)
    flat = " ".join(text.split())
    for needle in (
        "125 mg",
        "204 mg",
        "213 µL",
        "3.98 mL of 800 mM",
        plan.plan_id,
        "Batch",
        "Hazards",
        "Checkpoint",
        "10.1039/b815983a",
        "page 1 of",
    ):
        assert needle in flat, needle


def test_pdf_letter_size_and_reproducible(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    plan = make_plan(catalog, "Au25", scale="50mg")
    a, b = pdf(plan, paper="letter"), pdf(plan, paper="letter")
    assert a == b
    assert PdfReader(io.BytesIO(a)).metadata.creation_date.year == 2023  # type: ignore[union-attr]
    box = PdfReader(io.BytesIO(a)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # 8.5 x 11 in
    box = PdfReader(io.BytesIO(pdf(plan))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


def test_missing_pdf_engine_is_explained(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setitem(sys.modules, "typst", None)  # import now raises ImportError
    code, _, err = run(["route", "Au25", "-o", str(tmp_path / "x.pdf")], capsysbinary)
    assert code == 1 and "pip install typst" in err
    assert list(tmp_path.iterdir()) == []
    code, _, _ = run(["route", "Au25", "-o", str(tmp_path / "x.md")], capsysbinary)
    assert code == 0
    code, _, err = run(["route", "Au25", "-o", str(tmp_path / "x.eln")], capsysbinary)
    assert code == 0 and "holds no PDF" in err


@pytest.mark.parametrize(
    ("suffix", "magic"),
    [
        (".pdf", b"%PDF-"),
        (".eln", b"PK\x03\x04"),
        (".html", b"<!DOCTYPE html>"),
        (".csv", b"id,name,label"),
    ],
)
def test_format_from_extension(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], suffix: str, magic: bytes
) -> None:
    target = tmp_path / f"plan{suffix}"
    code, _, _ = run(["route", "Au25", "--scale", "50mg", "-o", str(target)], capsysbinary)
    assert code == 0 and target.read_bytes().startswith(magic)


def test_binary_needs_an_output(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, err = run(["route", "Au25", "--format", "pdf"], capsysbinary)
    assert code == 2 and out == b"" and "-o FILE" in err
    code, out, _ = run(["route", "Au25", "--format", "pdf", "-o", "-"], capsysbinary)
    assert code == 0 and out.startswith(b"%PDF-")
