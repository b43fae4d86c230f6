"""Regenerate the synthetic example spectra of README: ``python docs/examples/make_examples.py``.

Not measurements: a UV-vis spectrum built from the three bands of [Au25(SC2H4Ph)18]- (400, 450
and 670 nm, Gaussian, on a falling interband background, with noise) and an ESI mass spectrum
from molmass's isotope envelope of the same anion at a resolution of 12,500, with noise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nclplan.chemistry import parse_cluster
from nclplan.verify.ms import shifted_ion

HERE = Path(__file__).parent


def main() -> None:
    rng = np.random.default_rng(42)
    x = np.arange(300.0, 1000.5, 1.0)
    y = 2.0 * np.exp(-(x - 300.0) / 120.0)
    for c, w, a in ((400.0, 18.0, 0.35), (450.0, 22.0, 0.25), (670.0, 25.0, 0.2)):
        y += a * np.exp(-((x - c) ** 2) / (2 * w * w))
    y += rng.normal(0.0, 0.002, x.size)
    rows = ["Wavelength (nm),Abs", *(f"{a:.1f},{b:.5f}" for a, b in zip(x, y, strict=True))]
    (HERE / "run42.csv").write_text("\n".join(rows) + "\n")
    mz = np.arange(7300.0, 7500.0, 0.05)
    inten = np.abs(rng.normal(0.0, 0.004, mz.size))
    for m, rel in shifted_ion(parse_cluster("[Au25(PET)18]-"), -1)[1]:
        s = m * 80e-6 / 2.355
        inten += rel * np.exp(-((mz - m) ** 2) / (2 * s * s))
    rows = ["m/z intensity", *(f"{a:.2f} {b:.5f}" for a, b in zip(mz, inten, strict=True))]
    (HERE / "run42-esi.txt").write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
