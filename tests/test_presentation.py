"""What a user reads: help pages, messages, and the words every rendered output may not contain."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from nclplan.cli import app

COMMANDS = ["route", "sweep", "cluster", "schema", "list", "show", "check"]


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
        [sys.executable, "-m", "nclplan", *args], capture_output=True, text=True, check=False
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
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.read(10)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) in (0, 1)  # 0 if everything fit in the pipe buffer first
    assert err == ""
