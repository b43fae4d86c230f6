"""Shared fixtures. Golden files are rewritten only on purpose: ``pytest --update-goldens``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nclplan.catalog import Catalog, load_catalog

GOLDEN = Path(__file__).parent / "golden"
DATA = Path(__file__).parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/golden/*")
    parser.addoption(
        "--importers",
        action="store_true",
        help="run the real ELN importers (tests/test_importers.py; needs ../shared, root, apt)",
    )


@pytest.fixture(autouse=True)
def _isolated_catalog_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A user's NCLPLAN_PATH or cache must not change what the tests see or write."""
    monkeypatch.delenv("NCLPLAN_PATH", raising=False)
    monkeypatch.delenv("NCLPLAN_DEBUG", raising=False)
    monkeypatch.delenv("NCLPLAN_CACHE", raising=False)
    monkeypatch.setenv("NCLPLAN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    update = request.config.getoption("--update-goldens")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"missing golden {name}; run pytest --update-goldens and review it"
        assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"

    return check


Runner = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Runner:
    """Run the real entry point in-process: (exit code, stdout, stderr)."""
    from nclplan.cli import main

    def run(args: list[str]) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as info:
            main(args)
        out, err = capsys.readouterr()
        code = info.value.code
        return (code if isinstance(code, int) else 0), out, err

    return run
