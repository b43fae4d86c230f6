"""nclplan sweep: grids, JSON lines, folders of documents, combined reagent list."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from nclplan.errors import UsageError
from nclplan.sweep import grid, parse_vary

Runner = Callable[[list[str]], tuple[int, str, str]]  # the run_cli fixture (conftest.py)


def test_ranges_include_the_stop_and_avoid_float_noise() -> None:
    assert parse_vary("pH=9:12:0.5").values == ("9", "9.5", "10", "10.5", "11", "11.5", "12")
    assert parse_vary("ph=0.1:0.3:0.1").values == ("0.1", "0.2", "0.3")
    assert parse_vary("thiol_ratio=2,3,5").values == ("2", "3", "5")


def test_grid_is_the_cartesian_product_in_order() -> None:
    points = grid(["pH=10,11", "thiol_ratio=2,3"])
    assert points == [
        ["pH=10", "thiol_ratio=2"],
        ["pH=10", "thiol_ratio=3"],
        ["pH=11", "thiol_ratio=2"],
        ["pH=11", "thiol_ratio=3"],
    ]


@pytest.mark.parametrize(
    "bad", ["pH", "pH=12:9:1", "pH=9:12:0", "pH=1:2", "pH=a:b:c", "pH=", "pH=0:1e9:1"]
)
def test_bad_vary(bad: str) -> None:
    with pytest.raises(UsageError):
        grid([bad])


def test_jsonl_plans_and_combined_list(run_cli: Runner) -> None:
    code, out, _ = run_cli(["sweep", "au25-mba-co", "--vary", "thiol_ratio=2,4"])
    lines = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and [x["kind"] for x in lines] == ["plan", "plan", "combined_reagents"]
    thiols = [next(r for r in x["plan"]["reagents"] if r["id"] == "thiol") for x in lines[:2]]
    assert [t["equivalents"] for t in thiols] == [2, 4]
    combined = next(r for r in lines[2]["reagents"] if r["formula"] == "C7H6O2S")
    assert combined["volume"]["value"] == pytest.approx(
        thiols[0]["volume"]["value"] + thiols[1]["volume"]["value"]
    )


def test_folder_output(tmp_path: Path, run_cli: Runner) -> None:
    out = tmp_path / "study"
    code, _, _ = run_cli(
        ["sweep", "Au25", "--vary", "aging_time=2,4,6", "--scale", "20mg", "-o", str(out)]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        ".nclplan-manifest.json",  # what --force may replace, and nothing else
        "design.csv",
        "point-1.md",
        "point-2.md",
        "point-3.md",
        "shopping-list.csv",
    ]
    rows = list(csv.DictReader(io.StringIO((out / "design.csv").read_text())))
    assert [r["aging_time"] for r in rows] == ["2", "4", "6"]
    assert "(2 h" in (out / "point-1.md").read_text()
    code, _, err = run_cli(["sweep", "Au25", "--vary", "aging_time=2", "-o", str(out)])
    assert code == 1 and "--force" in err
    assert len(list(out.iterdir())) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study"]


def test_sweep_of_an_undeclared_parameter_is_a_usage_error(
    run_cli: Runner,
) -> None:
    code, out, err = run_cli(["sweep", "Au25", "--vary", "colour=1,2"])
    assert code == 2 and out == "" and "no parameter 'colour'" in err


def test_a_point_that_cannot_be_planned_is_named(run_cli: Runner) -> None:
    # pH 9 gives a cluster mixture (no formula), so 5 mg of it cannot be planned; pH 10-12 can.
    argv = ["sweep", "au-sg-co-ph", "--vary", "pH=9:12:1", "--scale", "5mg", "--yield", "50%"]
    code, out, err = run_cli(argv)
    assert code == 2 and out == ""
    assert err.startswith("nclplan: sweep point 1 (pH=9): --scale '5mg'") and "Traceback" not in err
