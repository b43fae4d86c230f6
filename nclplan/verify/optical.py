"""UV-vis absorption and emission: features found in a measured spectrum, matched to bands.

Cluster bands are often shoulders on a rising background (the 450 nm band of [Au25(SR)18]- is
one), which a search for maxima misses. A minimum of the smoothed second derivative finds peaks
and shoulders alike and removes a sloping baseline. Smoothing is a Savitzky-Golay filter
(``scipy.signal.savgol_filter``) over a fixed width in nm, so the result does not depend on
the sampling step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from nclplan.verify.spectra import Array, Spectrum

SMOOTH_NM = 24.0  # Savitzky-Golay window: narrower than any cluster band, wider than noise
MIN_RELATIVE = 0.04  # features weaker than 4 % of the strongest second-derivative feature: noise
NOISE_FACTOR = 6.0  # ... or weaker than 6x the second derivative's robust noise level

# Surface plasmon band of metal particles above ~2 nm: gold ~520 nm, silver ~400 nm (Link &
# El-Sayed, J. Phys. Chem. B 1999, 103, 4212, DOI 10.1021/jp984796o). Windows as (lo, hi) nm.
PLASMON_WINDOWS: dict[str, tuple[float, float]] = {"Au": (500.0, 580.0), "Ag": (380.0, 450.0)}
PLASMON_MIN_WIDTH_NM = 50.0  # a plasmon band is broad; molecular cluster bands are narrower


@dataclass(frozen=True)
class Feature:
    """A band found in the spectrum: a maximum (peak) or an inflection-only band (shoulder)."""

    position: float  # nm
    kind: Literal["peak", "shoulder"]
    strength: float  # -(second derivative), relative to the strongest feature (0..1]
    width: float  # nm between the second derivative's zero crossings (~2 sigma of a Gaussian)
    value: float  # smoothed absorbance or intensity there


@dataclass(frozen=True)
class Smoothed:
    x: Array  # uniform grid, nm
    y: Array  # smoothed signal
    d2: Array  # smoothed second derivative
    d2_noise: float  # standard deviation of d2 that the measured noise alone gives


def smooth(spec: Spectrum, window_nm: float = SMOOTH_NM) -> Smoothed:
    """Resample on an even grid and take the Savitzky-Golay smoothed signal and 2nd derivative."""
    from scipy.signal import savgol_coeffs, savgol_filter

    x, y = spec.x, spec.y
    step = float(np.median(np.diff(x))) if x.size > 1 else 1.0
    step = min(max(step, 0.05), 2.0)
    grid = np.arange(x[0], x[-1] + step / 2, step)
    yi = np.interp(grid, x, y)
    n = max(5, round(window_nm / step) | 1)
    if n > grid.size:
        n = grid.size if grid.size % 2 else grid.size - 1
    poly = min(3, n - 2)
    ys = savgol_filter(yi, n, poly, mode="interp")
    d2 = savgol_filter(yi, n, poly, deriv=2, delta=step, mode="interp")
    # noise of the data (robust: median absolute residual), carried through the filter's weights
    sigma = float(np.median(np.abs(yi - ys))) / 0.6745
    gain = float(np.sqrt(np.sum(savgol_coeffs(n, poly, deriv=2, delta=step, use="dot") ** 2)))
    return Smoothed(grid, ys, d2, sigma * gain)


def find_features(spec: Spectrum, window_nm: float = SMOOTH_NM) -> tuple[list[Feature], Smoothed]:
    """Peaks and shoulders: minima of the smoothed second derivative above the noise."""
    from scipy.signal import find_peaks

    sm = smooth(spec, window_nm)
    neg = -sm.d2
    if sm.x.size < 7 or not np.any(neg > 0):
        return [], sm
    top = float(neg.max())
    floor = max(MIN_RELATIVE * top, NOISE_FACTOR * sm.d2_noise)
    idx, _ = find_peaks(neg, height=floor, prominence=floor)
    edge = window_nm / 2
    features: list[Feature] = []
    d1 = np.gradient(sm.y, sm.x)
    for i in idx:
        pos = float(sm.x[i])
        if pos < sm.x[0] + edge or pos > sm.x[-1] - edge:
            continue  # the filter's edge makes false curvature
        lo = i
        while lo > 0 and sm.d2[lo] < 0:
            lo -= 1
        hi = i
        while hi < sm.x.size - 1 and sm.d2[hi] < 0:
            hi += 1
        if sm.x[hi] - sm.x[lo] < window_nm / 2:
            continue  # narrower than the smoothing window: noise, not a band
        is_max = bool(np.any(d1[lo : i + 1] > 0) and np.any(d1[i : hi + 1] < 0))
        kind: Literal["peak", "shoulder"] = "peak" if is_max else "shoulder"
        features.append(
            Feature(pos, kind, float(neg[i] / top), float(sm.x[hi] - sm.x[lo]), float(sm.y[i]))
        )
    return features, sm


@dataclass(frozen=True)
class BandMatch:
    expected: float  # nm
    status: Literal["found", "missing", "out-of-range"]
    feature: Feature | None = None

    @property
    def offset(self) -> float | None:
        return None if self.feature is None else self.feature.position - self.expected


def match_bands(
    expected: list[float], features: list[Feature], covered: tuple[float, float], tol: float
) -> tuple[list[BandMatch], list[Feature]]:
    """Each expected band to the nearest unused feature within ``tol`` nm; the rest unexpected."""
    used: set[int] = set()
    matches: list[BandMatch] = []
    lo, hi = covered
    for band in sorted(expected):
        if band < lo or band > hi:
            matches.append(BandMatch(band, "out-of-range"))
            continue
        best = None
        for k, f in enumerate(features):
            if k in used or abs(f.position - band) > tol:
                continue
            if best is None or abs(f.position - band) < abs(features[best].position - band):
                best = k
        if best is None:
            matches.append(BandMatch(band, "missing"))
        else:
            used.add(best)
            matches.append(BandMatch(band, "found", features[best]))
    unexpected = [f for k, f in enumerate(features) if k not in used]
    return matches, unexpected


def plasmon(metal: str, unexpected: list[Feature]) -> Feature | None:
    """The strongest unexpected broad band in the metal's plasmon window, if any."""
    window = PLASMON_WINDOWS.get(metal)
    if window is None:
        return None
    hits = [
        f
        for f in unexpected
        if window[0] <= f.position <= window[1]
        and (f.width >= PLASMON_MIN_WIDTH_NM or f.kind == "peak")
    ]
    return max(hits, key=lambda f: f.strength, default=None)


@dataclass(frozen=True)
class Maximum:
    position: float  # nm
    value: float


def maximum(spec: Spectrum, window_nm: float = SMOOTH_NM) -> tuple[Maximum, Smoothed]:
    """The emission (or excitation) maximum of the smoothed spectrum."""
    sm = smooth(spec, window_nm)
    i = int(np.argmax(sm.y))
    return Maximum(float(sm.x[i]), float(sm.y[i])), sm
