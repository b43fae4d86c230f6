"""The ELN archive (.eln): the ELN Consortium's zipped RO-Crate, for eLabFTW and similar notebooks.

Layout (one root folder, as the consortium's checks require)::

    <plan-id>/ro-crate-metadata.json
    <plan-id>/<experiment>/plan.json, plan.md, reagents.csv[, plan.pdf]

The experiment is a Dataset whose ``text`` is the procedure as HTML (what eLabFTW shows as the
experiment body), whose ``step`` list holds schema.org HowToSteps, and whose ``variableMeasured``
holds one PropertyValue per reagent amount. Zip entries carry a fixed timestamp (from
SOURCE_DATE_EPOCH when set) so that equal inputs give equal archives.
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
ELN_VERSION = "1.0"  # the .eln format version this archive follows
MEDIA_TYPES = {
    ".json": "application/json",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".html": "text/html",
}


def _timestamp() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return max(datetime.fromtimestamp(int(epoch), tz=UTC), datetime(1980, 1, 1, tzinfo=UTC))
    return datetime.now(tz=UTC).replace(microsecond=0)


def _quantity_nodes(plan: Plan, data: dict[str, Any]) -> list[dict[str, Any]]:
    nodes = []
    labels = {x.line.id: x.reagent.label for x in plan.scaled.reagents}
    for r in data["reagents"]:
        for key in ("mass", "volume", "amount"):
            q = r[key]
            if q is None:
                continue
            node: dict[str, Any] = {
                "@id": f"#reagent-{r['id']}-{key}",
                "@type": "PropertyValue",
                "name": f"{labels[r['id']]} ({key})",
                "propertyID": key,
                "value": q["value"],
                "unitText": q["unit"],
                "description": f"{r['name']}; {r['role']}; {r['form']}",
            }
            if r["cas"]:
                node["identifier"] = f"CAS {r['cas']}"
            nodes.append(node)
    return nodes


_TEXT_KEYS = ("name", "description", "text", "keywords", "alternateName", "unitText")


def _plain_text(node: Any, experiment_id: str) -> Any:
    """A graph node whose text fields are plain text, HTML-escaped for the importer.

    eLabFTW and other importers show ``name``, ``description`` and step ``text`` as HTML, so a
    ``<script>`` in catalog text must arrive as ``&lt;script&gt;``. The experiment's ``text`` is
    the procedure as HTML, already escaped by the renderer, and stays as it is.
    """
    import html

    from nclplan.safetext import strip_controls

    out = dict(node)
    for key in _TEXT_KEYS:
        value = out.get(key)
        if isinstance(value, str) and not (key == "text" and node.get("@id") == experiment_id):
            out[key] = html.escape(strip_controls(value), quote=False)
    return out


def build(plan: Plan, files: dict[str, bytes], *, body_html: str) -> bytes:
    """The .eln archive as bytes. ``files`` maps names in the experiment folder to contents."""
    from nclplan import __version__
    from nclplan.export import plan_to_dict

    data = plan_to_dict(plan)
    stamp = _timestamp()
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    root = f"nclplan-{plan.plan_id}"
    exp = f"./{plan.route.id}-{plan.plan_id}/"
    file_nodes = []
    for name in sorted(files):
        content = files[name]
        suffix = os.path.splitext(name)[1]
        file_nodes.append(
            {
                "@id": exp + name,
                "@type": "File",
                "name": name,
                "encodingFormat": MEDIA_TYPES.get(suffix, "application/octet-stream"),
                "contentSize": str(len(content)),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        )
    steps = [
        {
            "@id": f"#step-{s['number']}",
            "@type": "HowToStep",
            "position": s["number"],
            "name": f"{s['number']}. {s['action'].replace('_', ' ')}",
            "text": s["text"] + (f" Checkpoint: {s['checkpoint']}" if s["checkpoint"] else ""),
        }
        for s in data["steps"]
    ]
    quantities = _quantity_nodes(plan, data)
    citations = [
        {
            "@id": f"https://doi.org/{ref['doi']}",
            "@type": "ScholarlyArticle",
            "name": ref["citation"],
        }
        for ref in data["route"]["references"]
    ]
    experiment = {
        "@id": exp,
        "@type": "Dataset",
        "name": f"{plan.route.title} ({data['scale']['requested']})",
        "description": data["route"]["summary"],
        "identifier": plan.plan_id,
        "dateCreated": when,
        "dateModified": when,
        "keywords": f"nanocluster, {plan.route.target.metal}, {plan.route.family}",
        "text": body_html,
        "hasPart": [{"@id": n["@id"]} for n in file_nodes],
        "step": [{"@id": s["@id"]} for s in steps],
        "variableMeasured": [{"@id": q["@id"]} for q in quantities],
        "citation": [{"@id": c["@id"]} for c in citations],
    }
    publisher = {
        "@id": "#nclplan",
        "@type": "Organization",
        "name": "nclplan",
        "description": f"nclplan {__version__}, nanocluster synthesis planner",
    }
    graph = [
        {
            "@id": "ro-crate-metadata.json",
            "@type": "CreativeWork",
            "about": {"@id": "./"},
            "conformsTo": {"@id": RO_CRATE},
            "dateCreated": when,
            "sdPublisher": {"@id": "#nclplan"},
            "version": ELN_VERSION,
        },
        {
            "@id": "./",
            "@type": "Dataset",
            "name": f"nclplan plan {plan.plan_id}",
            "description": f"Synthesis plan for {plan.route.target.name} made by nclplan",
            "datePublished": when,
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "hasPart": [{"@id": exp}],
        },
        publisher,
        experiment,
        *file_nodes,
        *steps,
        *quantities,
        *citations,
    ]
    metadata = (
        json.dumps(
            {"@context": f"{RO_CRATE}/context", "@graph": [_plain_text(n, exp) for n in graph]},
            indent=2,
            ensure_ascii=False,
            sort_keys=True,
        )
        + "\n"
    )
    buf = io.BytesIO()
    date_time = stamp.timetuple()[:6]
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:

        def add(name: str, content: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, content)

        add(f"{root}/ro-crate-metadata.json", metadata.encode("utf-8"))
        for name in sorted(files):
            add(f"{root}/{exp[2:]}{name}", files[name])
    return buf.getvalue()
