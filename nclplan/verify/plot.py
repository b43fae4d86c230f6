"""Figures a chemist reads a spectrum by: measured against expected, features labelled.

matplotlib with the Agg backend and explicit ``Figure`` objects (no pyplot state). Output is
deterministic: SVG ids come from a fixed hash salt, text is drawn as paths, and no creation date
or software version is written into SVG, PNG or PDF metadata.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from nclplan.verify import optical

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from nclplan.verify.judge import EmissionResult, MSResult, OpticalResult
    from nclplan.verify.run import Verification

ImageFormat = Literal["svg", "png"]
INK = "#222222"
EXPECTED = "#1f5fa8"
FOUND = "#1a7f37"
BAD = "#b42318"
GREY = "#9a9a9a"
_RC: dict[Any, Any] = {  # matplotlib types rc keys as literals; these are all valid
    "svg.hashsalt": "nclplan",
    "svg.fonttype": "path",
    "font.size": 8.5,
    "axes.linewidth": 0.7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "path.simplify": True,
}
_METADATA: dict[str, dict[str, Any]] = {
    "svg": {"Date": None, "Creator": None},
    "png": {"Software": None},
    "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
}


def _figure(width: float = 7.0, height: float = 3.4) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def save(fig: Figure, fmt: ImageFormat) -> bytes:
    """The figure as SVG or PNG bytes, the same for the same input."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format=fmt, metadata=_METADATA[fmt], dpi=150)
    return buf.getvalue()


def uvvis(r: OpticalResult, expected: tuple[float, ...], tol: float, metal: str) -> Figure:
    """Measured absorbance, expected bands (with their tolerance) and the features found."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure()
        ax = fig.add_subplot()
        ax.plot(r.spectrum.x, r.spectrum.y, color=GREY, lw=0.6, label="measured")
        ax.plot(r.smoothed.x, r.smoothed.y, color=INK, lw=1.0, label="smoothed")
        _bands(ax, expected, tol)
        window = optical.PLASMON_WINDOWS.get(metal)
        if r.plasmon is not None and window is not None:
            ax.axvspan(*window, color=BAD, alpha=0.07, lw=0)
        unexpected = {id(f) for f in r.unexpected}
        for f in r.features:
            bad = id(f) in unexpected or f is r.plasmon
            ax.plot(
                f.position,
                f.value,
                "v" if f.kind == "peak" else "<",
                color=BAD if bad else FOUND,
                ms=5,
            )
            ax.annotate(
                f"{f.position:.0f}",
                (f.position, f.value),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=7,
                color=BAD if bad else FOUND,
            )
        ax.set_xlabel("wavelength / nm")
        ax.set_ylabel("absorbance")
        ax.set_title("UV-vis: measured against expected bands", loc="left", fontsize=9)
        ax.legend(frameon=False, fontsize=7, loc="center right")
    return fig


def _bands(ax: Axes, expected: tuple[float, ...], tol: float) -> None:
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + (hi - lo) * 0.12)  # room for the labels inside the axes
    for b in expected:
        ax.axvspan(b - tol, b + tol, color=EXPECTED, alpha=0.08, lw=0)
        ax.axvline(b, color=EXPECTED, lw=0.8, ls="--")
        ax.text(
            b,
            0.99,
            f" expected {b:.0f} nm",
            color=EXPECTED,
            fontsize=6.5,
            ha="right",
            va="top",
            rotation=90,
            transform=ax.get_xaxis_transform(),
        )


def emission(r: EmissionResult, tol: float) -> Figure:
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure()
        ax = fig.add_subplot()
        ax.plot(r.spectrum.x, r.spectrum.y, color=GREY, lw=0.6, label="measured")
        ax.plot(r.smoothed.x, r.smoothed.y, color=INK, lw=1.0, label="smoothed")
        _bands(ax, r.expected, tol)
        ok = r.status == "found"
        ax.plot(r.maximum.position, r.maximum.value, "v", color=FOUND if ok else BAD, ms=5)
        ax.annotate(
            f"max {r.maximum.position:.0f} nm",
            (r.maximum.position, r.maximum.value),
            textcoords="offset points",
            xytext=(10, -2),
            ha="left",
            fontsize=7,
        )
        ax.set_xlabel("wavelength / nm")
        ax.set_ylabel("intensity")
        ax.set_title("Emission: maximum against the expected one", loc="left", fontsize=9)
        ax.legend(frameon=False, fontsize=7, loc="upper right")
    return fig


def mass_spectrum(r: MSResult) -> Figure:
    """The spectrum with assigned ions labelled, and the main ion's envelope against molmass's."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(7.0, 5.2)
        ax, zoom = fig.subplots(2, 1, height_ratios=[3, 2])
        spec = r.spectrum
        norm = r.base or 1.0
        x, y = _overview(spec.x, spec.y, spec.centroided)
        if spec.centroided:
            ax.vlines(x, 0, y / norm * 100, color=INK, lw=0.6)
        else:
            ax.plot(x, y / norm * 100, color=INK, lw=0.5)
        found = [m for m in r.product if m.found] + list(r.neighbours)
        for m in found:
            top = max(m.observed, key=lambda o: o[2])
            colour = FOUND if m.candidate.role == "product" else BAD
            ax.annotate(
                m.candidate.ion.label
                if m.candidate.role == "product"
                else f"{m.candidate.composition} {m.candidate.ion.label}",
                (top[1], top[2] / norm * 100),
                textcoords="offset points",
                xytext=(0, 4),
                ha="center",
                fontsize=6.5,
                color=colour,
                rotation=90,
                va="bottom",
            )
        ax.set_ylim(0, 125)
        ax.set_xlabel("m/z")
        ax.set_ylabel("relative intensity / %")
        ax.set_title("ESI-MS: assigned ions", loc="left", fontsize=9)
        _envelope(zoom, r)
    return fig


OVERVIEW_POINTS = 4000  # a page is ~2000 pixels wide: more points draw nothing more


def _overview(x: Any, y: Any, centroided: bool) -> tuple[Any, Any]:
    """At most ~4000 points for the full-range view: the strongest peaks of a peak list, or
    the maximum of each bin of a profile (so no peak's height is lost)."""
    if x.size <= OVERVIEW_POINTS:
        return x, y
    if centroided:
        keep = np.sort(np.argsort(y, kind="stable")[-OVERVIEW_POINTS:])
        return x[keep], y[keep]
    per = -(-x.size // OVERVIEW_POINTS)
    n = x.size // per * per
    yb = y[:n].reshape(-1, per)
    k = np.argmax(yb, axis=1) + np.arange(0, n, per)
    return x[k], y[k]


def _envelope(ax: Axes, r: MSResult) -> None:
    main = max((m for m in r.product if m.found), key=lambda m: m.intensity, default=None)
    if main is None:
        ax.text(
            0.5,
            0.5,
            "no ion of the product found",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color=BAD,
        )
        ax.set_axis_off()
        return
    env = main.candidate.envelope
    lo = min(mz for mz, i in env if i >= 0.02)
    hi = max(mz for mz, i in env if i >= 0.02)
    pad = (hi - lo) * 0.15 + 0.5 / abs(main.candidate.ion.charge)
    spec = r.spectrum
    sel = (spec.x >= lo - pad) & (spec.x <= hi + pad)
    top = max(o[2] for o in main.observed) or 1.0
    if spec.centroided:
        ax.vlines(spec.x[sel], 0, spec.y[sel] / top, color=INK, lw=1.0, label="measured")
    else:
        ax.plot(spec.x[sel], spec.y[sel] / top, color=INK, lw=0.8, label="measured")
    mzs = np.array([mz for mz, _ in env])
    rel = np.array([i for _, i in env])
    ax.vlines(mzs, 0, -rel, color=EXPECTED, lw=1.4, label="computed (molmass), mirrored")
    ax.axhline(0, color=INK, lw=0.5)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_xlabel("m/z")
    ax.set_ylabel("relative")
    sim = main.similarity or 0.0
    ax.set_title(
        f"{main.candidate.composition} {main.candidate.ion.label}: isotope envelope "
        f"(similarity {sim:.2f})",
        loc="left",
        fontsize=9,
    )
    ax.legend(frameon=False, fontsize=7, loc="lower right")


def figures(v: Verification, fmt: ImageFormat) -> dict[str, bytes]:
    """Every figure of a verification, by name (``uvvis``, ``emission``, ``ms``)."""
    out: dict[str, bytes] = {}
    tol = v.config.band_tolerance
    if v.uvvis is not None:
        out["uvvis"] = save(uvvis(v.uvvis, v.expectation.absorption, tol, v.expectation.metal), fmt)
    if v.emission is not None:
        out["emission"] = save(emission(v.emission, tol), fmt)
    if v.ms is not None:
        out["ms"] = save(mass_spectrum(v.ms), fmt)
    return out
