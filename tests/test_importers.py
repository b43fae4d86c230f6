""".eln archives through real importers: the ELN Consortium's checks and a throwaway Kadi4Mat.

Slow (Kadi4Mat: ~3 min the first time) and it needs root and apt, so it runs only with
``pytest --importers tests/test_importers.py``, a separate step of ``.ci/run`` after the unit
tests. The tools come from ``../shared`` beside the checkout (or ``$NCLPLAN_SHARED``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(os.environ.get("NCLPLAN_SHARED") or Path(__file__).resolve().parents[2] / "shared")
CHECK_ELN = SHARED / "eln-consortium" / "check-eln"
IMPORT_ELN = SHARED / "kadi" / "import-eln"
# A single-stage plan, a multi-stage chain and a plan re-made at other parameter values.
ARCHIVES = {
    "single": ["Au25", "--scale", "50mg"],
    "multi-stage": ["au36-tbbt-leist", "--scale", "20mg"],
    "set": ["au25-mba-co", "--set", "pH=10.5", "--set", "thiol_ratio=3"],
}


@pytest.fixture(scope="module")
def archives(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    if not request.config.getoption("--importers"):
        pytest.skip("real ELN importers run with --importers (a separate step of .ci/run)")
    if not CHECK_ELN.exists():
        pytest.skip(f"the importers are not at {SHARED}")
    folder = tmp_path_factory.mktemp("eln")
    out = {}
    for name, args in ARCHIVES.items():
        path = folder / f"{name}.eln"
        subprocess.run(  # from the temp folder: the checkout's nclplan/ has no protocols/
            [sys.executable, "-m", "nclplan", "route", *args, "-o", str(path)],
            check=True,
            cwd=folder,
        )
        out[name] = path
    return out


def test_consortium_checks_pass(archives: dict[str, Path]) -> None:
    """The consortium's five checks (their checks.py, unchanged, pinned versions), offline."""
    result = subprocess.run(
        [str(CHECK_ELN), *map(str, archives.values())], capture_output=True, text=True
    )
    report = result.stdout
    assert result.returncode == 0, report
    assert report.count("PASS") == 5 * len(archives) and "FAIL" not in report


@pytest.fixture(scope="module")
def kadi(archives: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("Kadi4Mat import needs root and apt-get; not available here")
    out = tmp_path_factory.mktemp("kadi")
    result = subprocess.run(
        [str(IMPORT_ELN), str(out), *map(str, archives.values())], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {name: json.loads((out / f"{name}.json").read_text()) for name in archives}


def _extras(extras: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Kadi's nested extras as {"gold.mass": extra}."""
    flat = {}
    for group in extras:
        for extra in group["value"]:
            flat[f"{group['key']}.{extra['key']}"] = extra
    return flat


def _datasets(path: Path) -> tuple[zipfile.ZipFile, str, list[dict[str, Any]], dict[str, Any]]:
    zf = zipfile.ZipFile(path)
    [meta] = [n for n in zf.namelist() if n.endswith("/ro-crate-metadata.json")]
    nodes = {n["@id"]: n for n in json.loads(zf.read(meta))["@graph"]}
    return zf, meta.split("/")[0], [nodes[p["@id"]] for p in nodes["./"]["hasPart"]], nodes


@pytest.mark.parametrize("name", list(ARCHIVES))
def test_kadi_stores_every_stage_amount_and_file(
    kadi: dict[str, Any], archives: dict[str, Path], name: str
) -> None:
    stored = kadi[name]
    assert stored["swallowed_errors"] == []  # no update refused by the server
    zf, root, datasets, nodes = _datasets(archives[name])
    records = {r["title"]: r for r in stored["records"]}
    assert sorted(records) == sorted(d["name"] for d in datasets)
    for dataset in datasets:
        record = records[dataset["name"]]
        assert record["description"] == dataset["description"]
        assert sorted(record["tags"]) == sorted(t.lower() for t in dataset["keywords"].split(","))
        plan = json.loads(zf.read(f"{root}/{dataset['@id'][2:]}plan.json"))
        extras = _extras(record["extras"])
        amounts = 0
        for r in plan["reagents"]:
            for key in ("amount", "mass", "volume", "concentration"):
                q = r.get(key)
                if q is None:
                    continue
                extra = extras[f"{r['id']}.{key}"]
                assert (extra["value"], extra["unit"]) == (q["value"], q["unit"]), r["id"]
                assert extra["term"].startswith("http")
                amounts += 1
        assert amounts > 0
        files = {f["name"]: f for f in record["files"]}
        parts = [nodes[p["@id"]] for p in dataset["hasPart"]]
        assert sorted(files) == sorted(p["name"] for p in parts)
        for part in parts:
            content = zf.read(f"{root}/{part['@id'][2:]}")
            assert files[part["name"]]["size"] == len(content)
            assert files[part["name"]]["checksum"] == hashlib.md5(content).hexdigest()
