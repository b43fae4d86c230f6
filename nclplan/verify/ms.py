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
ENVELOPE_MIN_SIMILARITY = 0.5  # below this, peaks at the right m/z are a coincidence, not the ion
MIN_ION_RELATIVE = 0.01  # ions whose top peak is under 1 % of the base peak are not judged
NOISE_SIGMAS = 5.0  # a profile peak must rise 5 noise standard deviations above the baseline


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
    # most points of a profile are baseline: their spread is the noise a peak must rise above
    noise = float(np.median(np.abs(y - np.median(y)))) / 0.6745
    # a peak must stand out of the noise, and so must the dip that separates it from the next:
    # noise on a well-sampled peak makes extra maxima that are not peaks of their own
    floor = NOISE_SIGMAS * noise
    idx, _ = find_peaks(
        y, height=max(MIN_RELATIVE_PEAK * top, float(np.median(y)) + floor), prominence=floor
    )
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
    """Isotope envelope of an ion formula (molmass, nominal-mass groups), top scaled to 1."""
    from nclplan.chemistry import isotope_pattern

    peaks = [(mz, i) for mz, i in isotope_pattern(formula) if i >= 0.1]
    top = max(i for _, i in peaks)
    return tuple((mz, i / top) for mz, i in peaks)


ELECTRON = 0.000548579909  # Da (CODATA 2018)


@lru_cache(maxsize=512)
def _neutral(expanded: str) -> tuple[tuple[tuple[float, float], ...], float, float]:
    """Isotope pattern (mass, % of top), monoisotopic and average mass of a neutral formula."""
    from molmass import Formula

    from nclplan.chemistry import isotope_pattern

    f = Formula(expanded)
    return isotope_pattern(str(f.formula)), float(f.monoisotopic_mass), float(f.mass)


@lru_cache(maxsize=8)
def _atom(symbol: str) -> tuple[float, float]:
    from molmass import Formula

    f = Formula(symbol)
    return float(f.monoisotopic_mass), float(f.mass)


Envelope = tuple[tuple[float, float], ...]


def shifted_ion(
    cluster: Cluster, charge: int, protons: int = 0, sodium: int = 0
) -> tuple[Ion, Envelope]:
    """[M]z, [M-nH]z- or [M-(n+m)H+mNa]z- and its envelope from one molmass pattern of M.

    Removing hydrogen atoms or swapping them for (monoisotopic) sodium moves every isotopologue
    by the same mass; it changes the relative intensities by under 0.1 % (the 2H share of the few
    hydrogens removed), far below what a mass spectrum resolves, and it lets one isotope
    calculation per composition serve every charge state.
    """
    from nclplan.chemistry import _charge_text, expand

    pattern, mono, avg = _neutral(expand(cluster.text))
    h_mono, h_avg = _atom("H")
    na_mono, na_avg = _atom("Na")
    lost = protons + sodium
    delta = -lost * h_mono + sodium * na_mono - charge * ELECTRON
    delta_avg = -lost * h_avg + sodium * na_avg - charge * ELECTRON
    z = abs(charge)
    top = max(i for _, i in pattern)
    env = tuple(((m + delta) / z, i / top) for m, i in pattern if i >= 0.1)
    if lost:
        na = "" if not sodium else f"+{'' if sodium == 1 else sodium}Na"
        label = f"[M-{'' if lost == 1 else lost}H{na}]{_charge_text(charge)}"
    else:
        label = f"[M]{_charge_text(charge)}"
    peak = max(env, key=lambda e: e[1])[0]
    ion = Ion(charge, label, "", peak, (mono + delta) / z, (avg + delta_avg) / z, 0, lost)
    return ion, env


def ions_for(
    cluster: Cluster, counterion: str | None, charges: tuple[int, ...], sodium: int = 0
) -> list[tuple[Ion, Envelope]]:
    """The ions of ``cluster`` at the given charges, with envelopes: [M]z (its own charge or, for
    a neutral cluster, after redox in the source), counterion adducts, and [M-nH]z- (with up to
    ``sodium`` Na+ for H+) for acidic ligands."""
    from nclplan.chemistry import acidic_protons

    protons = acidic_protons(cluster)
    out: list[tuple[Ion, Envelope]] = []
    for z in charges:
        n = cluster.charge - z
        if n == 0 or (protons == 0 and abs(z) <= 2):
            out.append(shifted_ion(cluster, z))
        elif protons and n >= 1 and z < 0:
            for na in range(0, sodium + 1):
                if n + na <= protons:
                    out.append(shifted_ion(cluster, z, n, na))
    if counterion is not None and cluster.charge:
        for ion in cluster_ions(cluster, counterion, None):
            if ion.adducts and ion.charge in charges:
                out.append((ion, envelope(ion.formula)))
    return out


@dataclass(frozen=True)
class IonMatch:
    candidate: Candidate
    found: bool
    matched_fraction: float  # computed envelope intensity with a measured peak within tolerance
    similarity: float | None  # cosine of measured vs computed envelope (None if not found)
    intensity: float  # summed measured intensity of the matched isotopologues
    error_ppm: float | None  # of the most abundant isotopologue
    observed: tuple[tuple[float, float, float], ...]  # (computed m/z, measured m/z, intensity)


def match_ion(cand: Candidate, peaks: Centroids, tolerance: Tolerance) -> IonMatch:
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
        t = tolerance.at(mz)
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
        base = float(peaks.intensity.max()) if peaks.intensity.size else 0.0
        found = sim >= ENVELOPE_MIN_SIMILARITY and max(meas) >= MIN_ION_RELATIVE * base
        sim = sim if found else None
    return IonMatch(cand, found, fraction, sim, float(sum(meas)), err, tuple(rows))
