"""Every nclplan command README shows runs as shown (from a folder of its own).

README's examples are what a new user types first; one that fails (a --set on a route without
that parameter, a product mass without the yield it needs) costs trust at once.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
ROOT = README.parent


def _commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    found = re.findall(r"^\$ (nclplan [^\n#|>]*)", text, flags=re.M)
    found += re.findall(r"`(nclplan (?:route|cluster|show|list|check|sweep) [^`]*)`", text)
    out = []
    for cmd in found:
        cmd = cmd.split(">")[0].strip()  # a shell redirection is not part of the command
        words = shlex.split(cmd)
        # placeholders (TARGET, ROUTE, FILE ...) and prose forms are not commands
        if any(w.isupper() and len(w) > 1 for w in words) or "..." in cmd or "[" in cmd:
            continue
        if any(w.endswith((".csv", ".jdx", ".mzML", ".txt")) for w in words):
            continue  # needs the user's measured data
        out.append(cmd)
    return sorted(set(out))


COMMANDS = _commands()


def test_readme_has_examples() -> None:
    assert len(COMMANDS) >= 8
    assert any("au25-bsa --set temperature=4degC" in c for c in COMMANDS)
    assert any("--set pH=10 --scale 5mg --yield" in c for c in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs_as_shown(
    command: str,
    run_cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command)[1:]
    if args[0] == "check" and len(args) > 1:
        pytest.skip("needs the user's own route folder")
    if "--catalog" in args:
        pytest.skip("needs the user's own route folder")
    code, _out, err = run_cli(args)
    assert code == 0, f"{command}: {err}"
