""".eln archives: what eLabFTW's and Kadi4Mat's importers read, checked without running them.

The real importers run in CI (tests/test_importers.py: the ELN Consortium's checks and a
throwaway Kadi4Mat). eLabFTW cannot run there, so its importer (src/Import/Eln.php and
src/Models/Steps.php) is checked here: the nodes and keys it reads must exist in our archive with
the JSON shape eLabFTW's own export gives them.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from nclplan import eln
from nclplan.catalog import Catalog
from nclplan.export import dumps, plan_to_dict
from nclplan.plan import Plan, make_plan

SHARED = Path(os.environ.get("NCLPLAN_SHARED") or Path(__file__).resolve().parents[2] / "shared")
ELABFTW_EXPORT = SHARED / "eln-consortium" / "examples" / "elabftw-export.eln"
Graph = dict[str, dict[str, Any]]


def _archive(plan: Plan) -> bytes:
    return eln.build(plan, {"plan.json": dumps(plan_to_dict(plan)).encode()})


def _graph(data: bytes) -> tuple[zipfile.ZipFile, str, Graph]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    [meta] = [n for n in zf.namelist() if n.endswith("/ro-crate-metadata.json")]
    root = meta.split("/")[0]
    nodes = json.loads(zf.read(meta))["@graph"]
    return zf, root, {n["@id"]: n for n in nodes}


def _experiments(nodes: Graph) -> list[dict[str, Any]]:
    return [nodes[p["@id"]] for p in nodes["./"]["hasPart"]]


def _shape(value: Any) -> str:
    """A JSON value's shape as eLabFTW's PHP sees it: a reference, a list of them, a scalar."""
    if isinstance(value, dict):
        return "ref" if set(value) == {"@id"} else "object"
    if isinstance(value, list):
        return "list[" + ",".join(sorted({_shape(v) for v in value})) + "]"
    return type(value).__name__


# The keys eLabFTW's importer reads, per node kind (Eln.php: preProcess, importRootDataset,
# importFile; Steps.php: importFromHowToStep). A key it reads as an array offset must be there.
READ_BY_ELABFTW = {
    "root": {"hasPart": True, "version": True},
    "dataset": {
        "@type": True,
        "name": True,
        "genre": True,
        "text": True,
        "encodingFormat": False,
        "keywords": False,
        "step": False,
        "variableMeasured": False,
        "hasPart": False,
        "license": False,
        "citation": False,
    },
    "step": {"position": True, "creativeWorkStatus": True, "itemListElement": True},
    "direction": {"text": True},
    "file": {"sha256": True, "name": True},
    "property": {"propertyID": True},
}


def _read_nodes(nodes: Graph) -> dict[str, list[dict[str, Any]]]:
    """The nodes eLabFTW's importer visits, by kind."""
    out: dict[str, list[dict[str, Any]]] = {"root": [nodes["./"]]}
    for dataset in _experiments(nodes):
        out.setdefault("dataset", []).append(dataset)
        for ref in dataset.get("step", []):
            step = nodes[ref["@id"]]
            out.setdefault("step", []).append(step)
            out.setdefault("direction", []).append(nodes[step["itemListElement"]["@id"]])
        for ref in dataset.get("hasPart", []):
            if nodes[ref["@id"]]["@type"] == "File":
                out.setdefault("file", []).append(nodes[ref["@id"]])
        for ref in dataset.get("variableMeasured", []):
            out.setdefault("property", []).append(nodes[ref["@id"]])
    return out


def _shapes(nodes: Graph) -> dict[tuple[str, str], set[str]]:
    shapes: dict[tuple[str, str], set[str]] = {}
    for kind, found in _read_nodes(nodes).items():
        for node in found:
            for key in READ_BY_ELABFTW[kind]:
                if key in node:
                    shapes.setdefault((kind, key), set()).add(_shape(node[key]))
    return shapes


@pytest.fixture(scope="module")
def multi_stage(catalog: Catalog) -> Plan:
    return make_plan(catalog, "au36-tbbt-leist", scale="20mg")


@pytest.mark.parametrize("plan_args", [("Au25", "50mg"), ("au36-tbbt-leist", "20mg")])
def test_elabftw_reads_every_key_it_needs(catalog: Catalog, plan_args: tuple[str, str]) -> None:
    """Each key eLabFTW's importer reads as an array offset is present, with eLabFTW's values."""
    _, _, nodes = _graph(_archive(make_plan(catalog, plan_args[0], scale=plan_args[1])))
    assert int(nodes["./"]["version"]) >= 104  # else eLabFTW takes its pre-104 step path
    for kind, found in _read_nodes(nodes).items():
        for node in found:
            missing = [k for k, required in READ_BY_ELABFTW[kind].items() if required]
            assert [k for k in missing if k not in node] == [], (kind, node["@id"])
    for dataset in _experiments(nodes):
        assert dataset["@type"] == "Dataset" and dataset["genre"] == "experiment"
        assert dataset["step"] and dataset["encodingFormat"] == "text/html"
        assert "citation" not in dataset  # eLabFTW reads it as one {"@id"}; the root cites
    for kind in ("step", "direction"):
        assert all(n["@type"] == f"HowTo{kind.title()}" for n in _read_nodes(nodes)[kind])


@pytest.mark.skipif(not ELABFTW_EXPORT.exists(), reason=f"eLabFTW's export not at {ELABFTW_EXPORT}")
def test_structure_matches_elabftw_own_export(catalog: Catalog, multi_stage: Plan) -> None:
    """Every key eLabFTW reads has, in our archive, a shape its own export gives that key."""
    _, _, theirs = _graph(ELABFTW_EXPORT.read_bytes())
    _, _, ours = _graph(_archive(multi_stage))
    their_shapes, our_shapes = _shapes(theirs), _shapes(ours)
    assert our_shapes, "no nodes found"
    for key, shapes in our_shapes.items():
        assert key in their_shapes, f"{key} is not in eLabFTW's export"
        assert shapes <= their_shapes[key], (key, shapes, their_shapes[key])
    # the step layout itself, node for node
    their_steps = [n for n in theirs.values() if n["@type"] == "HowToStep"]
    our_steps = [n for n in ours.values() if n["@type"] == "HowToStep"]
    assert {k for n in our_steps for k in n} <= {k for n in their_steps for k in n}


def test_steps_carry_the_plan_text_in_order(catalog: Catalog, multi_stage: Plan) -> None:
    _, _, nodes = _graph(_archive(multi_stage))
    datasets = _experiments(nodes)
    plans = [*multi_stage.stages, multi_stage]
    assert len(datasets) == len(plans) == 2
    assert [d["name"].split(":")[0] for d in datasets] == ["Stage 1 of 2", "Stage 2 of 2"]
    for dataset, plan in zip(datasets, plans, strict=True):
        steps = [nodes[s["@id"]] for s in dataset["step"]]
        assert [s["position"] for s in steps] == [s.number for s in plan.steps]
        texts = [nodes[s["itemListElement"]["@id"]]["text"] for s in steps]
        assert all(t.startswith(s.text) for t, s in zip(texts, plan.steps, strict=True))
        assert all(texts)


def test_reagent_amounts_are_unique_extras_with_units_and_terms(catalog: Catalog) -> None:
    """Kadi4Mat keys an extra by propertyID (unique per record) and wants an IRI as its term."""
    plan = make_plan(catalog, "Au25", scale="50mg")
    _, _, nodes = _graph(_archive(plan))
    [dataset] = _experiments(nodes)
    amounts = [nodes[q["@id"]] for q in dataset["variableMeasured"]]
    ids = [q["propertyID"] for q in amounts]
    assert len(ids) == len(set(ids))
    gold = next(q for q in amounts if q["propertyID"] == "gold.mass")
    assert (gold["value"], gold["unitText"]) == (125.248, "mg")
    assert gold["identifier"] == "http://qudt.org/vocab/quantitykind/Mass"
    assert next(q for q in amounts if q["propertyID"] == "gold.cas")["value"] == "16961-25-4"
    for q in amounts:
        assert q["identifier"].startswith(("http://", "https://")) and " " not in q["identifier"]
    expected = {
        f"{r['id']}.{k}"
        for r in plan_to_dict(plan)["reagents"]
        for k in ("amount", "mass", "volume", "concentration")
        if k in r
    }
    assert expected <= set(ids)


def test_files_listed_with_checksums_and_context_defines_sha256(catalog: Catalog) -> None:
    import hashlib

    zf, root, nodes = _graph(_archive(make_plan(catalog, "Au25", scale="50mg")))
    meta = json.loads(zf.read(f"{root}/ro-crate-metadata.json"))
    assert {"sha256": "http://schema.org/sha256"} in meta["@context"]
    files = [n for n in nodes.values() if n["@type"] == "File"]
    assert files
    for node in files:
        content = zf.read(f"{root}/{node['@id'][2:]}")
        assert node["sha256"] == hashlib.sha256(content).hexdigest()
    assert nodes["./"]["license"] == {"@id": eln.LICENSE} and eln.LICENSE in nodes
    assert nodes[nodes["./"]["author"]["@id"]]["name"] == "nclplan"


def test_eln_is_reproducible(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    plan = make_plan(catalog, "Au25", scale="50mg")
    assert _archive(plan) == _archive(plan)
