"""Bad input never crashes or loses anything: fuzzed protocol files, --set values, Ctrl-C,
unwritable folders."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nclplan.cli import main

SHIPPED = Path(__file__).parent.parent / "protocols"
ROUTE_FILES = sorted(
    p for p in SHIPPED.glob("*.yaml") if not p.name.startswith(("reagents", "purification"))
)


def run_quiet(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.raises(SystemExit) as info,
    ):
        main(args)
    code = info.value.code
    return (code if isinstance(code, int) else 0), out.getvalue(), err.getvalue()


# Mutations a colleague's half-finished file shows: keys gone, wrong types, wrong units,
# numbers as text, lists where mappings belong.
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.just("5 furlongs"),
    st.just("12 mL"),
    st.just("-3 mg"),
    st.just("1e400 g"),
    st.just([]),
    st.just({}),
    st.just({"value": "x"}),
)


def _paths(data: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*at, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*at, i))
    return out


def _mutate(data: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        data = dict(data)
        if not rest and delete:
            data.pop(head, None)
        else:
            data[head] = _mutate(data[head], rest, value, delete)
    elif isinstance(data, list):
        data = list(data)
        if not rest and delete:
            data.pop(head)
        else:
            data[head] = _mutate(data[head], rest, value, delete)
    return data


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    file=st.sampled_from(ROUTE_FILES),
    pick=st.integers(0, 10**6),
    value=ODD_VALUES,
    delete=st.booleans(),
)
def test_mutated_routes_give_a_message_not_a_traceback(
    tmp_path: Path, file: Path, pick: int, value: Any, delete: bool
) -> None:
    data = yaml.safe_load(file.read_text())
    paths = _paths(data)[1:]
    path = paths[pick % len(paths)]
    mutated = _mutate(data, path, value, delete)
    import tempfile

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    target = folder / f"{data['id']}.yaml"
    target.write_text(yaml.safe_dump(mutated, allow_unicode=True))
    code, _, err = run_quiet(["check", str(folder)])
    assert code in (0, 1), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 1:
        assert str(target) in err or "already" in err or "also defined" in err
    code, _, err = run_quiet(["route", data["id"], "--catalog", str(folder), "-f", "json"])
    assert code in (0, 1, 2), err
    assert "internal error" not in err


@settings(max_examples=80, deadline=None)
@given(
    name=st.sampled_from(["pH", "ph", "thiol_ratio", "reaction_time", "temperature", "x"]),
    value=st.text(max_size=10),
)
def test_no_set_value_makes_a_traceback(name: str, value: str) -> None:
    code, _, err = run_quiet(["route", "au25-mba-co", "--set", f"{name}={value}", "-f", "json"])
    assert code in (0, 2), err
    assert "internal error" not in err


def test_ctrl_c_while_writing_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "link", interrupted)
    code, _, err = run_quiet(["route", "Au25", "-o", str(tmp_path / "plan.md")])
    assert code == 130 and "interrupted" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, _, err = run_quiet(["route", "Au25", "-o", str(folder / "plan.md")])
    finally:
        folder.chmod(0o700)
    assert code == 1 and "cannot write" in err


def test_output_path_that_is_a_folder(tmp_path: Path) -> None:
    code, _, err = run_quiet(["route", "Au25", "-o", str(tmp_path), "-f", "md"])
    assert code == 1 and "is a folder" in err


def test_unreadable_catalog_file(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_bytes(b"\xff\xfe not utf-8")
    code, _, err = run_quiet(["check", str(tmp_path)])
    assert code == 1 and "not UTF-8" in err


def test_unwritable_folder_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def denied(*_: Any, **__: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    code, _, err = run_quiet(["route", "Au25", "-o", str(tmp_path / "plan.md")])
    assert code == 1 and "cannot write" in err and "Permission denied" in err
    assert list(tmp_path.iterdir()) == []


def test_csv_is_identical_across_processes(tmp_path: Path) -> None:
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("nclplan")
    outs = [
        subprocess.run(
            [str(exe), "route", "Au25", "--scale", "50mg", "-f", "csv"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("3", "4")
    ]
    assert outs[0] == outs[1] and outs[0].startswith("id,name")
