"""Savitzky-Golay smoothing/derivatives and peak finding, in numpy.

The same arithmetic as ``scipy.signal.savgol_filter`` (mode "interp") and the height/prominence
part of ``scipy.signal.find_peaks``; the tests check both against scipy on the same data. Why not
call scipy: ``import scipy.signal`` pulls in scipy.stats, scipy.interpolate and scipy.optimize
and takes 0.7-2.5 s, more than the whole verification of a spectrum is allowed to take.
"""

from __future__ import annotations

from functools import lru_cache
from math import factorial

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@lru_cache(maxsize=64)
def savgol_coeffs(window: int, poly: int, deriv: int = 0, delta: float = 1.0) -> Array:
    """Weights that give the ``deriv``-th derivative of the local least-squares polynomial at the
    window's centre (as scipy's ``savgol_coeffs(..., use="dot")``)."""
    if window % 2 != 1 or window <= poly:
        raise ValueError("window must be odd and longer than the polynomial order")
    half = window // 2
    a = np.vander(np.arange(-half, half + 1, dtype=float), poly + 1, increasing=True)
    weights: Array = np.linalg.pinv(a)[deriv] * factorial(deriv) / delta**deriv
    weights.setflags(write=False)
    return weights


def savgol(y: Array, window: int, poly: int, deriv: int = 0, delta: float = 1.0) -> Array:
    """Smoothed signal or derivative; the first and last half-windows come from a polynomial fit
    to the first and last window (scipy's mode "interp")."""
    w = savgol_coeffs(window, poly, deriv, delta)
    out: Array = np.convolve(y, w[::-1], mode="same")
    half = window // 2
    if y.size < window:
        raise ValueError("signal shorter than the window")
    P = np.polynomial.polynomial
    t = np.arange(window, dtype=float)
    for seg, pos in ((y[:window], t[:half]), (y[-window:], t[-half:])):
        c = P.polyfit(t, seg, poly)
        vals = P.polyval(pos, P.polyder(c, deriv)) / delta**deriv if deriv else P.polyval(pos, c)
        if pos[0] == 0:
            out[:half] = vals
        else:
            out[-half:] = vals
    return out


def local_maxima(y: Array) -> IntArray:
    """Indices of strict local maxima (a flat top counts once, at its middle, as scipy does)."""
    if y.size < 3:
        return np.zeros(0, dtype=np.intp)
    d = np.diff(y)
    rising = np.flatnonzero(d > 0) + 1  # y[i] > y[i-1]
    out = []
    n = y.size
    for i in rising:
        j = i
        while j + 1 < n and y[j + 1] == y[i]:
            j += 1
        if j + 1 < n and y[j + 1] < y[i]:
            out.append((i + j) // 2)
    return np.asarray(sorted(set(out)), dtype=np.intp)


def _fast_maxima(y: Array) -> IntArray:
    """Strict local maxima without plateaus (noisy measured data has none in practice)."""
    inner = (y[1:-1] > y[:-2]) & (y[1:-1] > y[2:])
    return np.flatnonzero(inner) + 1


def prominences(y: Array, peaks: IntArray) -> Array:
    """How far each peak rises above the higher of the lowest points between it and the nearest
    higher point on either side (or the signal's end): scipy's definition. Each side is one
    numpy scan, so a few hundred peaks of a 50,000-point spectrum take milliseconds."""
    out = np.empty(peaks.size)
    for k, p in enumerate(peaks):
        top = y[p]
        higher_left = np.flatnonzero(y[:p] > top)
        start = int(higher_left[-1]) + 1 if higher_left.size else 0
        higher_right = np.flatnonzero(y[p + 1 :] > top)
        stop = p + 1 + int(higher_right[0]) if higher_right.size else y.size
        out[k] = top - max(float(y[start : p + 1].min()), float(y[p:stop].min()))
    return out


def find_peaks(y: Array, height: float, prominence: float | None = None) -> IntArray:
    """Local maxima at least ``height`` high and (optionally) ``prominence`` prominent."""
    idx = _fast_maxima(y) if y.size > 20_000 else local_maxima(y)
    idx = idx[y[idx] >= height]
    if prominence is not None and idx.size:
        idx = idx[prominences(y, idx) >= prominence]
    return idx
