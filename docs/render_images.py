"""Re-make the README's pictures of the printed sheet: ``python docs/render_images.py``.

Typst renders the pages straight to PNG from the same data and template as ``route -o plan.pdf``
(no PDF rasteriser needed). Run it after a change to templates/plan.typ or to the Au25/Au36
routes, and commit the PNGs.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import typst

from nclplan import render
from nclplan.catalog import load_catalog
from nclplan.plan import make_plan

HERE = Path(__file__).parent
IMAGES = {  # file: (target, scale, page)
    "sheet-au25-50mg-page1.png": ("Au25", "50mg", 0),
    "sheet-au36-chain-overview.png": ("au36-tbbt-leist", "1x", 0),
}


def main() -> None:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # no date on the pictures
    cat = load_catalog(())
    source = resources.files("nclplan.templates").joinpath("plan.typ").read_bytes()
    for name, (target, scale, page) in IMAGES.items():
        data = render._typst_data(make_plan(cat, target, scale=scale), "a4")
        pages = typst.compile(
            source,
            format="png",
            ppi=110,
            sys_inputs={"data": json.dumps(data, ensure_ascii=False, sort_keys=True)},
            ignore_system_fonts=True,
        )
        png = pages[page] if isinstance(pages, list) else pages
        (HERE / name).write_bytes(png)
        print(f"wrote docs/{name}")


if __name__ == "__main__":
    main()
