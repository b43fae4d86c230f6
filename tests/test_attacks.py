"""The attack classes of the hardening rounds as property tests over the real entry point.

Each test walks the CLI with inputs an attacker chooses (mutated copies of every shipped route,
command-line values, output targets, sweep folders) and checks one invariant: the exit code is
0, 1 or 2; a failure is one clear line per problem on stderr, with no traceback and no control
character; nothing is written or deleted outside the requested output.

Fast by default for CI; ``NCLPLAN_FUZZ_EXAMPLES=500 pytest tests/test_attacks.py`` searches
longer.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nclplan.cli import main

EXAMPLES = int(os.environ.get("NCLPLAN_FUZZ_EXAMPLES", "15"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SHIPPED = Path(__file__).parent.parent / "protocols"
ROUTE_FILES = sorted(
    p for p in SHIPPED.glob("*.yaml") if not p.name.startswith(("reagents", "purification"))
)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")
NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")

# ---- what an attacker writes -------------------------------------------------------------------

TEXT_ATTACKS = [
    "\x1b]0;pwned\x07",
    "\x1b[2J\x1b[31mred",
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "\t=1+1",
    "ok\n# Owned\n<script>alert(1)</script>",
    "a \\| b | c",
    "<script>alert(1)</script>",
    "\u202eevil",
    "line\u2028separator",
    "x" * 5000,
]
NUMBER_ATTACKS = [
    f"{value} {unit}".strip()
    for value in ("0", "1e-320", "1e308", "9" * 400, "-1", "0.4")
    for unit in ("mmol", "mL", "mg", "%", "degC/h", "mmol**2", "", "mM", "h")
]
ABSURD_VALUES = [
    "1e308",
    "1e-320",
    "9" * 5000,
    "inf",
    "nan",
    "-0",
    "0",
    "1e-12",
    "\x1b[2J",
    "5\n# x",
    "",
]


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


def assert_clean_failure(code: int, err: str) -> None:
    """The invariant for stderr: documented exit code, message lines only, nothing obeyed."""
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    assert not CONTROL.search(err), repr(err)
    if code:
        lines = err.splitlines()
        assert lines and all(ln.strip() for ln in lines), err
        assert not re.search(r"\d{41}", err), "a number of hundreds of digits in a message"


def assert_clean_document(fmt: str, out: str) -> None:
    assert not CONTROL.search(out.replace("\n", "").replace("\t", "")), repr(out[:200])
    if fmt == "json":
        json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
    if fmt == "csv":
        for cell in (c for row in csv.reader(io.StringIO(out)) for c in row):
            assert cell[:1] not in ("=", "+", "-", "@") or NUMBER.match(cell), cell
    if fmt == "md":
        assert not any(ln.startswith(("# Owned", "<script")) for ln in out.splitlines())


def snapshot(folder: Path) -> dict[str, Any]:
    """Every entry under ``folder``: kind, mode and (for files) content."""
    out: dict[str, Any] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = Path(root) / name
            st_ = os.lstat(p)
            content = p.read_bytes() if stat.S_ISREG(st_.st_mode) else None
            link = os.readlink(p) if stat.S_ISLNK(st_.st_mode) else None
            out[str(p.relative_to(folder))] = (stat.S_IFMT(st_.st_mode), st_.st_mode, content, link)
    return out


# ---- route files ---------------------------------------------------------------------------------


def _leaves(data: Any, at: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(data, dict):
        return [x for k, v in data.items() for x in _leaves(v, (*at, k))]
    if isinstance(data, list):
        return [x for i, v in enumerate(data) for x in _leaves(v, (*at, i))]
    return [(at, data)]


def _set(data: Any, at: tuple[Any, ...], value: Any) -> Any:
    if not at:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[at[0]] = _set(data[at[0]], at[1:], value)  # type: ignore[index]  # dict or list
    return copy


@FUZZ
@given(
    file=st.sampled_from(ROUTE_FILES),
    kind=st.sampled_from(["text", "number", "int", "anchor"]),
    pick=st.integers(0, 10**6),
    attack=st.integers(0, 10**6),
    fmt=st.sampled_from(["md", "json", "csv", "html"]),
)
def test_attacked_copies_of_every_route(
    tmp_path_factory: pytest.TempPathFactory,
    file: Path,
    kind: str,
    pick: int,
    attack: int,
    fmt: str,
) -> None:
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    data["id"], data["default"] = "zz-attack", False
    leaves = _leaves(data)
    if kind == "text":
        strings = [(at, v) for at, v in leaves if isinstance(v, str) and at[0] != "id"]
        at, _ = strings[pick % len(strings)]
        data = _set(data, at, TEXT_ATTACKS[attack % len(TEXT_ATTACKS)])
    elif kind == "number":
        nums = [(at, v) for at, v in leaves if isinstance(v, str) and re.match(r"^[\d.]+ \S", v)]
        if nums:
            at, _ = nums[pick % len(nums)]
            data = _set(data, at, NUMBER_ATTACKS[attack % len(NUMBER_ATTACKS)])
    elif kind == "int":
        ints = [
            (at, v) for at, v in leaves if isinstance(v, int | float) and not isinstance(v, bool)
        ]
        if ints:
            at, _ = ints[pick % len(ints)]
            data = _set(data, at, [0, 10**400, -(10**50), 1e-320][attack % 4])
    text = yaml.safe_dump(data, allow_unicode=True, width=10**6)
    if kind == "anchor":
        text = text.replace("title: ", "title: &t ", 1)
    folder = tmp_path_factory.mktemp("cat")
    (folder / "zz-attack.yaml").write_text(text, encoding="utf-8")
    work = tmp_path_factory.mktemp("work")
    before = snapshot(folder)

    code, _, err = run_quiet(["check", str(folder)])
    assert code in (0, 1)
    assert_clean_failure(code, err)
    if code:
        assert "zz-attack.yaml" in err
    target = work / f"plan.{fmt}"
    code, _, err = run_quiet(["route", "zz-attack", "--catalog", str(folder), "-o", str(target)])
    assert_clean_failure(code, err)
    if code == 0:
        assert_clean_document(fmt, target.read_text(encoding="utf-8"))
    assert sorted(p.name for p in work.iterdir()) == ([target.name] if code == 0 else [])
    assert snapshot(folder) == before  # the catalog is only read


# ---- command-line values -------------------------------------------------------------------------

VALUE = st.one_of(
    st.sampled_from(ABSURD_VALUES),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**400), 10**400).map(str),
    st.text(max_size=12),
)


@FUZZ
@given(
    template=st.sampled_from(
        [
            ["route", "au25-pet-thf", "--set", "thiol_ratio={}", "-f", "json"],
            ["route", "au25-pet-thf", "--set", "aging_time={}", "-f", "json"],
            ["route", "au25-mba-co", "--set", "pH={}", "-f", "csv"],
            ["route", "au25-pet-thf", "--set", "temperature={}", "-f", "md"],
            ["route", "Au25", "--scale", "{}mg", "-f", "json"],
            ["route", "Au25", "--scale", "{}x", "-f", "json"],
            ["route", "Au25", "--yield", "{}%", "-f", "json"],
            ["sweep", "au25-mba-co", "--vary", "pH=9:{}:0.5"],
            ["sweep", "au25-mba-co", "--vary", "pH=0:1:{}"],
            ["cluster", "Au{}(PET)18"],
            ["cluster", "[Au25(PET)18]{}-"],
            ["route", "{}"],
            ["show", "{}"],
        ]
    ),
    value=VALUE,
)
def test_command_line_values(template: list[str], value: str) -> None:
    argv = [a.replace("{}", value) for a in template]
    code, out, err = run_quiet(argv)
    assert_clean_failure(code, err)
    if code == 0 and "-f" in argv:
        assert_clean_document(argv[argv.index("-f") + 1], out)
    if code == 0 and argv[0] == "sweep":
        for line in out.splitlines():
            json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))


# ---- output targets ------------------------------------------------------------------------------


@FUZZ
@given(
    target=st.sampled_from(
        ["new.md", "victim.md", "pipe.md", "link-victim.md", "link-pipe.md", "dir.md", "long"]
    ),
    mode=st.sampled_from([0o600, 0o640, 0o644, 0o400]),
    force=st.booleans(),
)
def test_output_targets(
    tmp_path_factory: pytest.TempPathFactory, target: str, mode: int, force: bool
) -> None:
    here = tmp_path_factory.mktemp("out")
    (here / "victim.md").write_text("the user's file")
    (here / "victim.md").chmod(mode)
    (here / "thesis.docx").write_bytes(b"years of work")
    os.mkfifo(here / "pipe.md")
    (here / "link-victim.md").symlink_to("victim.md")
    (here / "link-pipe.md").symlink_to("pipe.md")
    (here / "dir.md").mkdir()
    name = "a" * 251 + ".md" if target == "long" else target
    before = snapshot(here)
    code, _, err = run_quiet(["route", "Au25", "-o", str(here / name)] + ["--force"] * force)
    assert_clean_failure(code, err)
    after = snapshot(here)
    written = {name, "victim.md"} if target == "link-victim.md" else {name}
    for entry, old in before.items():
        if entry not in written:
            assert after.get(entry) == old, entry  # nothing else changed or vanished
    assert set(after) - set(before) <= {name}  # no temporary file left behind
    if code == 0 and name in before:
        replaced = here / ("victim.md" if target.startswith(("victim", "link")) else name)
        assert stat.S_IMODE(os.stat(replaced).st_mode) == mode  # the mode is kept
    if "pipe" in target or target == "dir.md":
        assert code == 1 and "--force" not in err


@FUZZ
@given(
    foreign=st.lists(
        st.sampled_from(["thesis.docx", "design.csv", "point-1.md", "notes.txt", ".hidden"]),
        unique=True,
        max_size=3,
    ),
    earlier=st.booleans(),
    force=st.booleans(),
)
def test_sweep_folders(
    tmp_path_factory: pytest.TempPathFactory, foreign: list[str], earlier: bool, force: bool
) -> None:
    base = tmp_path_factory.mktemp("sweep")
    out = base / "study"
    if earlier:
        assert run_quiet(["sweep", "Au25", "--vary", "aging_time=2,4,6", "-o", str(out)])[0] == 0
    out.mkdir(exist_ok=True)
    for name in foreign:
        (out / name).write_text(f"the user's {name}")
    theirs = {n: (out / n).read_text() for n in foreign}
    code, _, err = run_quiet(
        ["sweep", "Au25", "--vary", "aging_time=2,4", "-o", str(out)] + ["--force"] * force
    )
    assert_clean_failure(code, err)
    assert {n: (out / n).read_text() for n in foreign} == theirs  # never replaced or removed
    assert sorted(p.name for p in base.iterdir()) == ["study"]  # no leftovers beside it
    if foreign:
        assert code == 1
    elif earlier and not force:
        assert code == 1 and "--force" in err
    else:
        assert code == 0, err


# ---- the real entry point, where a process matters -----------------------------------------------


@settings(max_examples=max(3, EXAMPLES // 5), deadline=None)
@given(
    special=st.sampled_from(["fifo", "dev-zero", "loop", "newline-name"]),
    command=st.sampled_from(["check", "route"]),
)
def test_catalog_folders_with_special_entries(special: str, command: str) -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    try:
        if special == "fifo":
            os.mkfifo(folder / "x.yaml")
        elif special == "dev-zero":
            (folder / "x.yaml").symlink_to("/dev/zero")
        elif special == "loop":
            (folder / "x.yaml").symlink_to(folder / "x.yaml")
        else:
            (folder / "x\n\x1b[2J.yaml").write_text("id: [")
        argv = ["check", str(folder)] if command == "check" else ["route", "Au25"]
        if command == "route":
            argv += ["--catalog", str(folder), "-f", "json"]
        exe = str(Path(sys.executable).with_name("nclplan"))
        proc = subprocess.run(
            [exe, *argv],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "NCLPLAN_CACHE": "0"},
        )
        assert proc.returncode == 1, proc.stderr
        assert_clean_failure(proc.returncode, proc.stderr)
        assert proc.stdout == ""
    finally:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()
