"""The Python API a notebook user would guess: nclplan.plan, sweep, cluster, routes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import nclplan
from nclplan.errors import CatalogError, NclplanError, ScaleError, UnknownTargetError, UsageError
from nclplan.export import dumps


def test_plan_matches_the_command_line(run_cli) -> None:  # type: ignore[no-untyped-def]
    p = nclplan.plan("Au25", scale="50mg")
    code, out, _ = run_cli(["route", "Au25", "--scale", "50mg", "--format", "json"])
    assert code == 0 and dumps(p.to_dict()) == out == p.to_json()
    code, out, _ = run_cli(["route", "Au25", "--scale", "50mg", "--format", "md"])
    assert p.markdown() == out == p._repr_markdown_()
    assert "<table" in p._repr_html_() and p.plan_id in repr(p)


def test_plan_options_route_yield_set() -> None:
    p = nclplan.plan("au25-mba-co", set={"pH": 10.5, "thiol_ratio": 3}, yield_="40%")
    data = p.to_dict()
    assert data["scale"]["expected_yield"]["value"] == 0.4
    thiol = next(r for r in data["reagents"] if r["id"] == "thiol")
    assert thiol["equivalents"] == 3
    assert nclplan.plan("Au25", route="au25-pet-kinetic").route_id == "au25-pet-kinetic"
    assert nclplan.plan("Au25", scale=2).to_dict()["scale"]["factor"] == 2
    assert nclplan.plan("Au25", yield_=0.5).to_dict()["scale"]["expected_yield"]["value"] == 0.5
    assert p.to_dict() is not p.to_dict()  # fresh data: editing it cannot change the plan


def test_multi_stage_plan_has_its_stages() -> None:
    p = nclplan.plan("au36-tbbt-leist", scale="20mg")
    assert [s.route_id for s in p.stages] == ["au38-pet-focusing"]
    assert len(p.to_dict()["stages"]) == 1
    alone = nclplan.plan("au36-tbbt-leist", scale="20mg", stages=False)
    assert alone.stages == []


def test_reagents_table_rows_without_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    rows = nclplan.plan("Au25", scale="50mg").reagents_table()
    gold = next(r for r in rows if r["id"] == "gold")
    assert (gold["mass_mg"], gold["amount_mmol"], gold["as_needed"]) == (125.248, 0.318024, False)
    assert gold["volume_mL"] is None and gold["cas"] == "16961-25-4"


def test_reagents_table_is_a_dataframe_with_pandas() -> None:
    pd = pytest.importorskip("pandas")
    frame = nclplan.plan("Au25", scale="50mg").reagents_table()
    assert isinstance(frame, pd.DataFrame)
    assert frame["as_needed"].dtype == bool
    assert frame.set_index("id").loc["gold", "mass_mg"] == 125.248


def test_sweep(run_cli) -> None:  # type: ignore[no-untyped-def]
    s = nclplan.sweep("au25-mba-co", vary={"pH": "10:11:0.5", "thiol_ratio": [2, 3]})
    assert len(s) == 6 and s.settings[1] == {"pH": 10, "thiol_ratio": 3}
    assert s.settings[2] == {"pH": 10.5, "thiol_ratio": 2}
    code, out, _ = run_cli(
        ["sweep", "au25-mba-co", "--vary", "pH=10:11:0.5", "--vary", "thiol_ratio=2,3"]
    )
    assert code == 0
    lines = [json.loads(x) for x in out.splitlines()]
    data = s.to_dict()
    assert [x["settings"] for x in lines[:-1]] == [p["settings"] for p in data["points"]]
    assert [x["plan"] for x in lines[:-1]] == [p["plan"] for p in data["points"]]
    assert lines[-1]["reagents"] == data["combined_reagents"]
    assert [r["point"] for r in s.design_rows()] == list(range(1, 7))
    assert "Combined reagents" in s._repr_markdown_() and "<table>" in s._repr_html_()
    assert s[0].plan_id == lines[0]["plan"]["plan_id"]
    assert nclplan.sweep("au25-mba-co", ["pH=10,11"]).settings == [{"pH": 10}, {"pH": 11}]


def test_cluster_and_routes(run_cli) -> None:  # type: ignore[no-untyped-def]
    c = nclplan.cluster("Au25(PET)18", charge=-1)
    code, out, _ = run_cli(["cluster", "Au25(PET)18", "--charge", "-1", "--format", "json"])
    assert code == 0 and json.loads(out) == c.to_dict()
    assert c.to_dict()["electrons"] == 8 and c.ion_rows()[0]["charge"] == -1
    assert "C144H162Au25S18" in c._repr_markdown_() and "<table>" in c._repr_html_()
    r = nclplan.routes(metal="Ag")
    code, out, _ = run_cli(["list", "--metal", "Ag", "--format", "json"])
    assert json.loads(out) == r.to_dict() and len(r) == len(r.ids) > 0
    code, out, _ = run_cli(["list", "--format", "md"])
    assert nclplan.routes().markdown() == out


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: nclplan.plan("Au99"), UnknownTargetError),
        (lambda: nclplan.plan("Au25", scale="50mL"), ScaleError),
        (lambda: nclplan.plan("Au25", yield_="250%"), ScaleError),
        (lambda: nclplan.plan("au25-mba-co", set={"colour": 3}), UsageError),
        (lambda: nclplan.sweep("au25-mba-co", vary={"pH": "12:9:1"}), UsageError),
        (lambda: nclplan.cluster("Xx25(PET)18"), UsageError),
        (lambda: nclplan.routes(family="nope"), UsageError),
    ],
)
def test_errors_are_the_documented_classes(call, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, NclplanError) and not isinstance(info.value, SystemExit)


def test_a_broken_catalog_is_a_catalog_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError):
        nclplan.plan("Au25", catalog=tmp_path)


def test_names_stay_functions_after_the_modules_load() -> None:
    import nclplan.plan as module  # noqa: F401  # the submodule of the same name
    import nclplan.sweep

    assert callable(nclplan.plan) and callable(nclplan.sweep)
    assert nclplan.plan.__module__ == "nclplan"


def test_import_is_cheap() -> None:
    """``import nclplan`` loads no heavy library: the API loads on first call."""
    code = (
        "import sys, nclplan; "
        "heavy = [m for m in ('pydantic', 'pint', 'typer', 'rich', 'jinja2', 'yaml', 'pandas') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
