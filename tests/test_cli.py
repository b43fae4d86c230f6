"""The CLI through its real entry point: exit codes, messages, pure stdout, safe files."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nclplan.cli import main

DATA = Path(__file__).parent / "data"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 0), out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.startswith("nclplan ")


@pytest.mark.parametrize("cmd", [[], ["route"], ["list"], ["show"], ["check"]])
def test_help_everywhere(capsys: pytest.CaptureFixture[str], cmd: list[str]) -> None:
    code, out, _ = run([*cmd, "--help"], capsys)
    assert code == 0 and "Usage" in out


def test_route_json_on_stdout_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["route", "Au25", "--scale", "50mg", "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out)["product"]["mass"]["value"] == 50.0
    assert err == ""


def test_route_table_view(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["route", "Au25", "--scale", "50mg"], capsys)
    assert code == 0
    assert "Reagents" in out and "HAuCl4·3H2O" in out and "References" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["route", "Au26"], 2, "did you mean"),
        (["route", "Au25", "--scale", "50mL"], 2, "is a volume"),
        (["route", "Au25", "--scale", "0x"], 2, "positive"),
        (["route", "Au25", "--scale", "-5mg"], 2, "positive"),
        (["route", "Au25", "--scale", "1e12mg"], 2, "times the route's recipe"),
        (["route", "Au25", "--route", "nope"], 2, "unknown target or route 'nope'"),
        (["route", "Au25@BSA", "--scale", "50mg"], 2, "--scale 2x"),
        (["route", "Au25", "--yield", "150%"], 2, "at most 100%"),
        (["route", "Au25", "--format", "pdfx"], 2, "Invalid value"),
        (["route", "Au25", "--catalog", str(DATA / "bad" / "python-tag.yaml")], 1, "unsafe"),
        (["show", "Au99"], 2, "unknown target"),
        (["list", "--family", "nonsense"], 2, "unknown family"),
        (["check", str(DATA / "bad")], 1, "problem(s) found"),
        (["frobnicate"], 2, "No such command"),
    ],
)
def test_bad_input_exit_codes(
    capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    got, out, err = run(args, capsys)
    assert got == code
    assert message in err
    assert "Traceback" not in err + out


def test_output_file_is_written_atomically_and_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "au25.md"
    assert run(["route", "Au25", "-o", str(target)], capsys)[0] == 0
    first = target.read_bytes()
    assert first.startswith(b"# Au25")
    target.write_text("yesterday's printout")
    code, _, err = run(["route", "Au25", "--scale", "2x", "-o", str(target)], capsys)
    assert code == 1 and "--force" in err
    assert target.read_text() == "yesterday's printout"
    assert run(["route", "Au25", "-o", str(target), "--force"], capsys)[0] == 0
    assert target.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["au25.md"]  # no temp files left


def test_output_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["route", "Au25", "-o", str(tmp_path / "missing" / "x.json")], capsys)
    assert code == 1 and "does not exist" in err
    code, _, err = run(["route", "Au25", "-o", str(tmp_path / "x.txt")], capsys)
    assert code == 2 and "--format" in err
    assert list(tmp_path.iterdir()) == []


def test_json_from_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "plan.json"
    assert run(["route", "Au25", "-o", str(target)], capsys)[0] == 0
    assert json.loads(target.read_text())["schema_version"] == "4"


def test_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["list", "--format", "json"], capsys)
    rows = json.loads(out)["routes"]
    assert code == 0 and {
        "id",
        "title",
        "family",
        "target",
        "metal",
        "references",
        "default",
    } <= set(rows[0])
    defaults = [r for r in rows if r["default"]]
    assert "au25-pet-thf" in [r["id"] for r in defaults]
    assert not [
        r for r in defaults if r["id"] != "au25-pet-thf" and r["target"]["name"].startswith("Au25(")
    ]
    code, out, _ = run(["list", "--metal", "Pt"], capsys)
    assert code == 0 and "no routes match" in out
    code, out, _ = run(["show", "au25-mba-co"], capsys)
    assert code == 0 and "p-MBA" in out and "10.1039/c8nr07197g" in out


def test_check_shipped_and_user_routes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", str(DATA / "good")], capsys)
    assert code == 0 and out.startswith("ok:")
    code, out, _ = run(["route", "my-au25", "--catalog", str(DATA / "good"), "-f", "md"], capsys)
    assert code == 0 and "adjust [pH] as usual" in out


def test_catalog_text_is_not_eaten_as_markup(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["route", "my-au25", "--catalog", str(DATA / "good")], capsys)
    assert code == 0 and "[pH]" in out


def _console(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("nclplan")
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_console_script_subprocess_is_deterministic() -> None:
    # Separate processes with different hash seeds must print the same bytes.
    outs = [
        _console(
            "route", "Au25", "--scale", "50mg", "--format", fmt, env={"PYTHONHASHSEED": seed}
        ).stdout
        for fmt in ("json", "md")
        for seed in ("1", "2")
    ]
    assert outs[0] == outs[1] and outs[2] == outs[3]
    assert hashlib.sha256(outs[0].encode()).hexdigest()


def test_python_dash_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "nclplan", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("nclplan ")


@settings(max_examples=60, deadline=None)
@given(scale=st.text(max_size=12))
def test_no_scale_string_makes_a_traceback(scale: str) -> None:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.raises(SystemExit) as info,
    ):
        main(["route", "Au25", "--scale", scale, "--format", "json"])
    assert info.value.code in (0, 2)
    assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue()


def test_cluster_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["cluster", "Ag44(SPhF2)30 4-", "--counterion", "PPh4", "-f", "json"], capsys
    )
    data = json.loads(out)
    assert code == 0 and data["electrons"] == 18 and data["closed_shell"] is True
    assert [i["charge"] for i in data["ions"]] == [-4, -3, -2, -1]
    assert data["schema_version"] == "2" and data["salt"]["count"] == 4
    code, out, _ = run(["cluster", "[Au25(SC2H4Ph)18]-"], capsys)
    assert code == 0 and "closed shell" in out and "7392.9" in out
    code, out, _ = run(["cluster", "[Au25(SC2H4Ph)18]-", "--counterion", "TOA"], capsys)
    assert code == 0 and "[TOA][Au25(SC2H4Ph)18]: 7861.05 g/mol" in out
    code, out, _ = run(["cluster", "Au25(MBA)18", "-z", "-1", "-i", "-3", "-i", "-5"], capsys)
    assert code == 0 and "[M-2H]3-" in out and "[M-4H]5-" in out and "[M-3H]4-" not in out
    code, _, err = run(["cluster", "Au25(PET)18", "--ion-charge", "-2"], capsys)
    assert code == 2 and "no acidic protons" in err
    code, _, err = run(["cluster", "Zz25(PET)18"], capsys)
    assert code == 2 and "Traceback" not in err


def test_docs_catalog_is_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["list", "--format", "md"], capsys)
    doc = Path(__file__).parent.parent / "docs" / "catalog.md"
    assert code == 0
    assert doc.read_text(encoding="utf-8").endswith(out), (
        "docs/catalog.md is stale: nclplan list --format md and paste it in"
    )
