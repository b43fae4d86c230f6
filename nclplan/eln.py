"""The ELN archive (.eln): the ELN Consortium's zipped RO-Crate, written the way eLabFTW writes it.

Layout (one root folder, as the consortium's checks require)::

    nclplan-<plan-id>/ro-crate-metadata.json
    nclplan-<plan-id>/<route>-<plan-id>/plan.json, plan.md, reagents.csv[, plan.pdf]
    nclplan-<plan-id>/stage-<n>-<route>-<plan-id>/plan.json, reagents.csv   (multi-stage plans)

Each stage is a Dataset with ``genre: "experiment"`` (one experiment per stage in eLabFTW, one
record per stage in Kadi4Mat), in the order the stages are made. A Dataset's ``text`` is the
procedure as HTML (the experiment body), ``step`` lists HowToSteps and ``variableMeasured``
holds one PropertyValue per reagent amount.

Why it looks like this:

- eLabFTW's importer (``src/Import/Eln.php``) reads the root dataset's ``version`` as its own
  .eln format revision: from 104 on, each step is a HowToStep node with ``position`` and
  ``creativeWorkStatus`` whose ``itemListElement`` points to a HowToDirection node holding the
  text; without ``version`` it takes an older path and fails on flattened steps. It reads
  ``license`` and ``citation`` as a single ``{"@id"}``, so references are cited by the root.
- Kadi4Mat's importer turns each PropertyValue into an extra keyed by ``propertyID``, which must
  be unique within a record (a dot nests: ``gold.mass``), with ``unitText`` as unit and
  ``identifier`` as term, which must be an IRI.
- ``sha256`` is not in the RO-Crate 1.1 context; the context adds it (schema.org's term).

Zip entries carry a fixed timestamp (from SOURCE_DATE_EPOCH when set) so that equal inputs give
equal archives.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nclplan.plan import Plan

RO_CRATE = "https://w3id.org/ro/crate/1.1"
CONTEXT = [f"{RO_CRATE}/context", {"sha256": "http://schema.org/sha256"}]
ELN_VERSION = "1.0"  # the .eln format version this archive follows (on the metadata descriptor)
ELABFTW_FORMAT = "104"  # eLabFTW's .eln revision whose step layout this archive follows
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
MEDIA_TYPES = {
    ".json": "application/json",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".html": "text/html",
}
# Terms for the extras: QUDT quantity kinds, and CAS Common Chemistry for the substance.
QUANTITY_KINDS = {
    "mass": "http://qudt.org/vocab/quantitykind/Mass",
    "volume": "http://qudt.org/vocab/quantitykind/Volume",
    "amount": "http://qudt.org/vocab/quantitykind/AmountOfSubstance",
    "concentration": "http://qudt.org/vocab/quantitykind/Concentration",
}
CAS_IRI = "https://commonchemistry.cas.org/detail?cas_rn={}"
PUBLISHER = "#nclplan"


def _timestamp() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return max(datetime.fromtimestamp(int(epoch), tz=UTC), datetime(1980, 1, 1, tzinfo=UTC))
    return datetime.now(tz=UTC).replace(microsecond=0)


def _file_node(folder: str, name: str, content: bytes) -> dict[str, Any]:
    return {
        "@id": folder + name,
        "@type": "File",
        "name": name,
        "encodingFormat": MEDIA_TYPES.get(os.path.splitext(name)[1], "application/octet-stream"),
        "contentSize": str(len(content)),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


def _amount_nodes(plan: Plan, data: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    """One PropertyValue per reagent amount (and per CAS number), keyed ``<line>.<quantity>``."""
    nodes: list[dict[str, Any]] = []
    labels = {x.line.id: x.reagent.label for x in plan.scaled.reagents}
    for r in data["reagents"]:
        base = {"@type": "PropertyValue", "description": f"{labels[r['id']]}: {r['name']}"}
        for key, term in QUANTITY_KINDS.items():
            q = r.get(key)
            if q is None:
                continue
            nodes.append(
                {
                    **base,
                    "@id": f"#{prefix}-{r['id']}-{key}",
                    "name": f"{labels[r['id']]} {key}",
                    "propertyID": f"{r['id']}.{key}",
                    "value": q["value"],
                    "unitText": q["unit"],
                    "identifier": term,
                }
            )
        if r["cas"]:
            nodes.append(
                {
                    **base,
                    "@id": f"#{prefix}-{r['id']}-cas",
                    "name": f"{labels[r['id']]} CAS number",
                    "propertyID": f"{r['id']}.cas",
                    "value": r["cas"],
                    "identifier": CAS_IRI.format(r["cas"]),
                }
            )
    return nodes


def _step_nodes(data: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    """eLabFTW's step layout: HowToStep -> itemListElement -> HowToDirection with the text."""
    nodes: list[dict[str, Any]] = []
    for s in data["steps"]:
        text = s["text"] + (f" Checkpoint: {s['checkpoint']}" if s["checkpoint"] else "")
        direction = f"#{prefix}-step-{s['number']}-text"
        nodes.append(
            {
                "@id": f"#{prefix}-step-{s['number']}",
                "@type": "HowToStep",
                "position": s["number"],
                "creativeWorkStatus": "unfinished",
                "itemListElement": {"@id": direction},
            }
        )
        nodes.append({"@id": direction, "@type": "HowToDirection", "text": text})
    return nodes


def _experiment(
    plan: Plan, folder: str, prefix: str, label: str, files: dict[str, bytes], when: str
) -> list[dict[str, Any]]:
    """One stage as a Dataset and the nodes it points to (files, steps, amounts)."""
    from nclplan.export import plan_to_dict
    from nclplan.render import html_body

    data = plan_to_dict(plan)
    file_nodes = [_file_node(folder, name, files[name]) for name in sorted(files)]
    steps = _step_nodes(data, prefix)
    amounts = _amount_nodes(plan, data, prefix)
    route = plan.route
    dataset = {
        "@id": folder,
        "@type": "Dataset",
        "genre": "experiment",
        "name": f"{label}{route.title} ({data['scale']['requested']})",
        "description": data["route"]["summary"],
        "identifier": plan.plan_id,
        "author": {"@id": PUBLISHER},
        "dateCreated": when,
        "dateModified": when,
        "encodingFormat": "text/html",
        "keywords": ",".join(["nanocluster", route.target.metal, route.family, route.id]),
        "text": html_body(plan),
        "hasPart": [{"@id": n["@id"]} for n in file_nodes],
        "step": [{"@id": s["@id"]} for s in steps if s["@type"] == "HowToStep"],
        "variableMeasured": [{"@id": q["@id"]} for q in amounts],
    }
    return [dataset, *file_nodes, *steps, *amounts]


def _stages(plan: Plan, files: dict[str, bytes]) -> list[tuple[Plan, str, str, dict[str, bytes]]]:
    """(plan, folder, label, files) per stage, in the order they are made; the last is ``plan``."""
    from nclplan.export import dumps, plan_to_dict, reagents_csv

    main = f"./{plan.route.id}-{plan.plan_id}/"
    if not plan.stages:
        return [(plan, main, "", files)]
    n = len(plan.stages) + 1
    out = []
    for i, stage in enumerate(plan.stages, start=1):
        stage_files = {
            "plan.json": dumps(plan_to_dict(stage)).encode(),
            "reagents.csv": reagents_csv(stage).encode(),
        }
        folder = f"./stage-{i}-{stage.route.id}-{stage.plan_id}/"
        out.append((stage, folder, f"Stage {i} of {n}: ", stage_files))
    out.append((plan, main, f"Stage {n} of {n}: ", files))
    return out


def build(plan: Plan, files: dict[str, bytes]) -> bytes:
    """The .eln archive as bytes. ``files`` maps names in the plan's folder to contents."""
    from nclplan import __version__

    stamp = _timestamp()
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    root = f"nclplan-{plan.plan_id}"
    stages = _stages(plan, files)
    graph_parts: list[dict[str, Any]] = []
    for i, (stage, folder, label, stage_files) in enumerate(stages, start=1):
        graph_parts += _experiment(stage, folder, f"s{i}", label, stage_files, when)
    refs = {ref.doi: ref.citation for stage, *_ in stages for ref in stage.route.references}
    citations = [
        {"@id": f"https://doi.org/{doi}", "@type": "ScholarlyArticle", "name": refs[doi]}
        for doi in sorted(refs)
    ]
    graph = [
        {
            "@id": "ro-crate-metadata.json",
            "@type": "CreativeWork",
            "about": {"@id": "./"},
            "conformsTo": {"@id": RO_CRATE},
            "dateCreated": when,
            "sdPublisher": {"@id": PUBLISHER},
            "version": ELN_VERSION,
        },
        {
            "@id": "./",
            "@type": "Dataset",
            "name": f"nclplan plan {plan.plan_id}",
            "description": f"Synthesis plan for {plan.route.target.name} made by nclplan",
            "datePublished": when,
            "version": ELABFTW_FORMAT,
            "license": {"@id": LICENSE},
            "author": {"@id": PUBLISHER},
            "citation": [{"@id": c["@id"]} for c in citations],
            "hasPart": [{"@id": folder} for _, folder, _, _ in stages],
        },
        {
            "@id": PUBLISHER,
            "@type": "Organization",
            "name": "nclplan",
            "description": f"nclplan {__version__}, nanocluster synthesis planner",
        },
        {"@id": LICENSE, "@type": "CreativeWork", "name": "CC BY 4.0"},
        *graph_parts,
        *citations,
    ]
    metadata = json.dumps(
        {"@context": CONTEXT, "@graph": graph}, indent=2, ensure_ascii=False, sort_keys=True
    )
    entries = {f"{root}/ro-crate-metadata.json": (metadata + "\n").encode("utf-8")}
    for _, folder, _, stage_files in stages:
        for name in sorted(stage_files):
            entries[f"{root}/{folder[2:]}{name}"] = stage_files[name]
    return _zip(entries, stamp.timetuple()[:6])


def _zip(entries: dict[str, bytes], date_time: tuple[int, ...]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name, date_time=date_time)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, content)
    return buf.getvalue()
