"""Mass spectra: centroiding, the ions a composition gives, matching and isotope envelopes.

Ions and their isotope envelopes come from molmass (the same library that gives every molar mass
in nclplan), through ``chemistry.cluster_ions``: [M]z, counterion adducts, and the [M-nH]z-
series of clusters with acidic ligands.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from nclplan.chemistry import Cluster, Ion, cluster_ions
from nclplan.errors import UsageError
from nclplan.verify.spectra import Array, Spectrum

MIN_RELATIVE_PEAK = 0.002  # centroids below 0.2 % of the base peak are not assigned or reported
ENVELOPE_MIN = 0.05  # isotopologues below 5 % of the envelope's top are not looked for
FOUND_FRACTION = 0.6  # an ion is found when peaks carry >= 60 % of its computed envelope
ENVELOPE_OK = 0.9  # cosine similarity of measured vs computed envelope that counts as a match


@dataclass(frozen=True)
class Tolerance:
    """An m/z tolerance in ppm or in Da (Th)."""

    value: float
    unit: Literal["ppm", "Da"]

    def at(self, mz: float) -> float:
        return mz * self.value * 1e-6 if self.unit == "ppm" else self.value

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"


def parse_tolerance(text: str) -> Tolerance:
    m = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(ppm|da|th|u)\s*", text, re.IGNORECASE)
    if not m or float(m.group(1)) <= 0:
        raise UsageError(f"cannot read m/z tolerance {text!r} (e.g. 20ppm or 0.05Da)")
    unit: Literal["ppm", "Da"] = "ppm" if m.group(2).lower() == "ppm" else "Da"
    return Tolerance(float(m.group(1)), unit)


@dataclass(frozen=True)
class Centroids:
    mz: Array
    intensity: Array


def centroid(spec: Spectrum) -> Centroids:
    """Peaks of a profile spectrum (parabola through the top three points); a list stays."""
    if spec.centroided:
        keep = spec.y > 0
        return Centroids(spec.x[keep], spec.y[keep])
    from scipy.signal import find_peaks

    y = spec.y
    top = float(y.max()) if y.size else 0.0
    if top <= 0:
        return Centroids(np.zeros(0), np.zeros(0))
    idx, _ = find_peaks(y, height=MIN_RELATIVE_PEAK * top, prominence=MIN_RELATIVE_PEAK * top)
    idx = idx[(idx > 0) & (idx < y.size - 1)]
    a, b, c = y[idx - 1], y[idx], y[idx + 1]
    denom = a - 2 * b + c
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(denom != 0, 0.5 * (a - c) / denom, 0.0)
    shift = np.clip(shift, -0.5, 0.5)
    x = spec.x
    left = x[idx] - x[idx - 1]
    right = x[idx + 1] - x[idx]
    mz = x[idx] + np.where(shift < 0, shift * left, shift * right)
    return Centroids(mz, b - 0.25 * (a - c) * shift)


@dataclass(frozen=True)
class Candidate:
    """An ion to look for: of the product, or of a composition a synthesis also yields."""

    composition: str  # "Au25(PET)18"
    cluster_charge: int
    role: Literal["product", "neighbour"]
    ion: Ion
    envelope: tuple[tuple[float, float], ...]  # (m/z, relative intensity, top = 1)
    source: str  # why it is looked for ("route target", "catalog: au38-pet-focusing", ...)

    @property
    def name(self) -> str:
        return f"{self.composition} {self.ion.label}"


@lru_cache(maxsize=2048)
def envelope(formula: str) -> tuple[tuple[float, float], ...]:
    """Isotope envelope of an ion formula as molmass computes it (nominal-mass groups)."""
    from molmass import Formula

    spectrum = Formula(formula).spectrum(min_intensity=0.1)
    peaks = [(float(e.mz), float(e.intensity)) for e in spectrum.values()]
    top = max(i for _, i in peaks)
    return tuple((mz, i / top) for mz, i in peaks)


def ions_for(
    cluster: Cluster, counterion: str | None, charges: tuple[int, ...]
) -> tuple[Ion, ...]:
    """The ions of ``cluster`` at the given charges: [M]z (the cluster's own charge or, for a
    neutral cluster, after redox in the source), counterion adducts, [M-nH] of acidic ligands."""
    out: list[Ion] = []
    for z in charges:
        try:
            out += cluster_ions(cluster, counterion, (z,))
        except UsageError:
            if z != cluster.charge and abs(z) <= 2 and not _acidic(cluster):
                redox = Cluster(cluster.text, z, cluster.metal, cluster.metal_atoms, cluster.ligands)
                out += [i for i in cluster_ions(redox, None, None) if i.charge == z]
    seen: set[str] = set()
    unique = []
    for ion in out:
        if ion.label not in seen:
            seen.add(ion.label)
            unique.append(ion)
    return tuple(unique)


def _acidic(cluster: Cluster) -> bool:
    from nclplan.chemistry import acidic_protons

    return acidic_protons(cluster) > 0


@dataclass(frozen=True)
class IonMatch:
    candidate: Candidate
    found: bool
    matched_fraction: float  # computed envelope intensity with a measured peak within tolerance
    similarity: float | None  # cosine of measured vs computed envelope (None if not found)
    intensity: float  # summed measured intensity of the matched isotopologues
    error_ppm: float | None  # of the most abundant isotopologue
    observed: tuple[tuple[float, float, float], ...]  # (computed m/z, measured m/z, intensity)


def match_ion(cand: Candidate, peaks: Centroids, tol: float | None, tolerance: Tolerance) -> IonMatch:
    """Look for every isotopologue of ``cand`` (>= 5 % of its top) among the centroids."""
    rows: list[tuple[float, float, float]] = []
    comp: list[float] = []
    meas: list[float] = []
    total = sum(i for _, i in cand.envelope if i >= ENVELOPE_MIN)
    got = 0.0
    err = None
    for mz, rel in cand.envelope:
        if rel < ENVELOPE_MIN:
            continue
        t = tolerance.at(mz) if tol is None else tol
        lo, hi = np.searchsorted(peaks.mz, [mz - t, mz + t])
        comp.append(rel)
        if hi > lo:
            k = int(lo + np.argmax(peaks.intensity[lo:hi]))
            rows.append((mz, float(peaks.mz[k]), float(peaks.intensity[k])))
            meas.append(float(peaks.intensity[k]))
            got += rel
            if rel == 1.0:
                err = (float(peaks.mz[k]) - mz) / mz * 1e6
        else:
            meas.append(0.0)
    fraction = got / total if total else 0.0
    found = fraction >= FOUND_FRACTION
    sim = None
    if found:
        a, b = np.asarray(comp), np.asarray(meas)
        sim = float(a @ b / (math.sqrt(float(a @ a)) * math.sqrt(float(b @ b)) or 1.0))
    return IonMatch(cand, found, fraction, sim, float(sum(meas)), err, tuple(rows))
