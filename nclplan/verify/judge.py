"""Judging measured spectra against an expectation, and the verdict in plain words.

The verdict never claims more than the data show: UV-vis bands make a product plausible, only a
mass spectrum with the computed isotope pattern and no neighbouring sizes shows atomic
precision, and features that were not measured are said to be not judged, not found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from nclplan.chemistry import parse_cluster
from nclplan.verify import ms as msmod
from nclplan.verify import optical
from nclplan.verify.expect import Composition, Expectation, OtherBands, Reported
from nclplan.verify.spectra import Spectrum

Evidence = Literal["uv-vis", "emission", "ms"]
Level = Literal["found", "missing", "unexpected", "not-covered", "note"]

UNEXPECTED_BAND = 0.15  # an unmatched band counts when its 2nd derivative is >= 15 % of the top
NEIGHBOUR_LIMIT = 0.10  # a neighbouring composition >= 10 % of the product's main ion: a mixture
UNASSIGNED_LIMIT = 0.20  # unassigned species >= 20 % of the base peak: something else is there
UNASSIGNED_REPORT = 0.05  # ... listed from 5 % of the base peak
MAX_ION_CHARGE = 8  # ion charges looked for in ESI-MS of acidic clusters: 1- to 8-
MAX_SODIUM = 3  # Na+ exchanged for H+ on acidic clusters from aqueous buffers


@dataclass(frozen=True)
class Finding:
    evidence: Evidence
    level: Level
    text: str


@dataclass(frozen=True)
class OpticalResult:
    spectrum: Spectrum
    features: list[optical.Feature]
    matches: list[optical.BandMatch]
    unexpected: list[optical.Feature]
    plasmon: optical.Feature | None
    smoothed: optical.Smoothed
    covered: tuple[float, float]
    others: list[tuple[OtherBands, list[float]]]


@dataclass(frozen=True)
class EmissionResult:
    spectrum: Spectrum
    maximum: optical.Maximum
    expected: tuple[float, ...]
    status: Literal["found", "missing", "not-covered", "not-expected"]
    smoothed: optical.Smoothed


@dataclass(frozen=True)
class Species:
    """Unassigned peaks within ~1 m/z of each other: one unknown species, its strongest peak."""

    mz: float
    intensity: float
    relative: float  # to the base peak


@dataclass(frozen=True)
class MSResult:
    spectrum: Spectrum
    peaks: msmod.Centroids
    product: list[msmod.IonMatch]  # product ions in the measured range, found or not
    neighbours: list[msmod.IonMatch]  # neighbour ions found
    unassigned: list[Species]
    reported: list[tuple[Reported, float | None]]  # the paper's m/z, and a peak found there
    base: float
    searched: int  # neighbour ions looked for


@dataclass(frozen=True)
class Verdict:
    status: Literal["consistent", "inconsistent", "inconclusive"]
    summary: str
    findings: tuple[Finding, ...]

    @property
    def consistent(self) -> bool:
        return self.status == "consistent"


@dataclass(frozen=True)
class Settings:
    band_tolerance: float = 10.0  # nm
    ms_tolerance: msmod.Tolerance = field(default_factory=lambda: msmod.Tolerance(20.0, "ppm"))


def product_label(exp: Expectation) -> str:
    """``[Au25(PET)18]−`` for a charged cluster, the target's name otherwise."""
    from nclplan.fingerprint import superscript_charge

    p = exp.product
    if p is None:
        return exp.route.target.name
    return f"[{p.text}]{superscript_charge(p.charge)}" if p.charge else p.text


def judge_uvvis(spec: Spectrum, exp: Expectation, s: Settings) -> OpticalResult:
    features, sm = optical.find_features(spec)
    edge = optical.SMOOTH_NM / 2
    covered = (float(spec.x[0]) + edge, float(spec.x[-1]) - edge)
    matches, unexpected = optical.match_bands(
        list(exp.absorption), features, covered, s.band_tolerance
    )
    strong = [f for f in unexpected if f.strength >= UNEXPECTED_BAND]
    plas = optical.plasmon(exp.metal, unexpected)
    others = []
    for ob in exp.other_bands:
        hits = [
            b for b in ob.bands if any(abs(f.position - b) <= s.band_tolerance for f in features)
        ]
        covered_bands = [b for b in ob.bands if covered[0] <= b <= covered[1]]
        unexplained = [
            b for b in hits if any(abs(f.position - b) <= s.band_tolerance for f in strong)
        ]
        if len(hits) >= 2 and len(hits) == len(covered_bands) and unexplained:
            others.append((ob, hits))
    return OpticalResult(spec, features, matches, strong, plas, sm, covered, others)


def judge_emission(spec: Spectrum, exp: Expectation, s: Settings) -> EmissionResult:
    mx, sm = optical.maximum(spec)
    lo, hi = float(spec.x[0]), float(spec.x[-1])
    status: Literal["found", "missing", "not-covered", "not-expected"]
    if not exp.emission:
        status = "not-expected"
    elif any(abs(mx.position - e) <= s.band_tolerance for e in exp.emission):
        status = "found"
    elif not any(lo <= e <= hi for e in exp.emission):
        status = "not-covered"
    else:
        status = "missing"
    return EmissionResult(spec, mx, exp.emission, status, sm)


def _charges(comp: Composition, acidic: bool) -> tuple[int, ...]:
    if acidic:
        top = min(comp.charge, 0)
        return tuple(range(top - 1, -MAX_ION_CHARGE - 1, -1))
    if comp.charge:
        return (comp.charge,)
    return (1, -1)  # a neutral cluster shows after oxidation or reduction in the source


def _candidates(
    comp: Composition,
    role: Literal["product", "neighbour"],
    counterion: str | None,
    mz_range: tuple[float, float],
    charges: tuple[int, ...] | None = None,
) -> list[msmod.Candidate]:
    from nclplan.chemistry import acidic_protons

    cluster = parse_cluster(comp.text)
    if cluster.charge != comp.charge:
        cluster = type(cluster)(
            cluster.text, comp.charge, cluster.metal, cluster.metal_atoms, cluster.ligands
        )
    acidic = acidic_protons(cluster) > 0
    wanted = _charges(comp, acidic) if charges is None else charges
    sodium = MAX_SODIUM if acidic and role == "product" else 0
    lo, hi = mz_range
    if role == "neighbour":
        # skip the isotope calculation for a composition none of whose ions can be in range
        from nclplan.chemistry import molar_mass

        mass = molar_mass(cluster.text)
        if not any(lo - 100 <= mass / abs(z) <= hi + 100 for z in wanted):
            return []
    return [
        msmod.Candidate(comp.text, comp.charge, role, ion, env, comp.source)
        for ion, env in msmod.ions_for(
            cluster, counterion if role == "product" else None, wanted, sodium
        )
        if lo <= ion.mz_peak <= hi
    ]


def judge_ms(spec: Spectrum, exp: Expectation, s: Settings) -> MSResult:
    peaks = msmod.centroid(spec)
    base = float(peaks.intensity.max()) if peaks.intensity.size else 0.0
    keep = peaks.intensity >= msmod.MIN_RELATIVE_PEAK * base
    peaks = msmod.Centroids(peaks.mz[keep], peaks.intensity[keep])
    mz_range = (float(spec.x[0]), float(spec.x[-1]))
    used = np.zeros(peaks.mz.size, dtype=bool)
    product: list[msmod.IonMatch] = []
    if exp.product is not None:
        for cand in _candidates(exp.product, "product", exp.counterion, mz_range):
            m = msmod.match_ion(cand, peaks, s.ms_tolerance)
            product.append(m)
            if m.found:
                used |= _mask(peaks, m)
    neighbours: list[msmod.IonMatch] = []
    searched = 0
    free = msmod.Centroids(peaks.mz[~used], peaks.intensity[~used])
    # Neighbours are looked for at the charges the product shows (the solution and the source
    # set the charge distribution); at all of them when the product is absent.
    seen = tuple(sorted({m.candidate.ion.charge for m in product if m.found}))
    for comp in exp.neighbours:
        for cand in _candidates(comp, "neighbour", None, mz_range, seen or None):
            searched += 1
            m = msmod.match_ion(cand, free, s.ms_tolerance)
            if m.found and (m.similarity or 0) >= msmod.ENVELOPE_OK:
                neighbours.append(m)
                used |= _mask(peaks, m)
    neighbours.sort(key=lambda m: -m.intensity)
    reported = [(r, _reported_peak(r, peaks, s)) for r in exp.reported_mz]
    return MSResult(
        spec, peaks, product, neighbours, _unassigned(peaks, used, base), reported, base, searched
    )


def _mask(peaks: msmod.Centroids, m: msmod.IonMatch) -> np.ndarray:
    mask = np.zeros(peaks.mz.size, dtype=bool)
    for _, mz, _ in m.observed:
        mask |= peaks.mz == mz
    return mask


def _reported_peak(r: Reported, peaks: msmod.Centroids, s: Settings) -> float | None:
    """The strongest peak within the paper's m/z values (a range when two are given)."""
    lo, hi = min(r.values), max(r.values)
    pad = max(s.ms_tolerance.at(hi), 0.5)  # papers round m/z to whole numbers
    a, b = np.searchsorted(peaks.mz, [lo - pad, hi + pad])
    if b <= a:
        return None
    return float(peaks.mz[a + int(np.argmax(peaks.intensity[a:b]))])


def _unassigned(peaks: msmod.Centroids, used: np.ndarray, base: float) -> list[Species]:
    if base <= 0:
        return []
    mz, inten = peaks.mz[~used], peaks.intensity[~used]
    groups: list[Species] = []
    start = 0
    for i in range(1, mz.size + 1):
        if i == mz.size or mz[i] - mz[i - 1] > 1.1:
            if i > start:
                k = start + int(np.argmax(inten[start:i]))
                rel = float(inten[k]) / base
                if rel >= UNASSIGNED_REPORT:
                    groups.append(Species(float(mz[k]), float(inten[k]), rel))
            start = i
    return sorted(groups, key=lambda g: -g.intensity)


def _nm(x: float) -> str:
    return f"{x:.0f} nm"


def _uv_findings(r: OpticalResult, exp: Expectation, s: Settings) -> list[Finding]:
    out: list[Finding] = []
    lo, hi = r.covered
    if not exp.absorption:
        out.append(
            Finding(
                "uv-vis",
                "note",
                "no absorption bands are recorded for this route; the "
                "spectrum was checked for a plasmon band only",
            )
        )
    for m in r.matches:
        if m.status == "found" and m.feature is not None:
            f = m.feature
            out.append(
                Finding(
                    "uv-vis",
                    "found",
                    f"band at {_nm(m.expected)}: {f.kind} at "
                    f"{f.position:.0f} nm ({round(f.position - m.expected):+d} nm)",
                )
            )
        elif m.status == "missing":
            out.append(
                Finding(
                    "uv-vis",
                    "missing",
                    f"no band within ±{s.band_tolerance:g} nm of {_nm(m.expected)}",
                )
            )
        else:
            out.append(
                Finding(
                    "uv-vis",
                    "not-covered",
                    f"band at {_nm(m.expected)} lies outside the "
                    f"measured range ({lo:.0f}–{hi:.0f} nm): not judged",
                )
            )
    if r.plasmon is not None:
        out.append(
            Finding(
                "uv-vis",
                "unexpected",
                f"plasmon band at {r.plasmon.position:.0f} nm: larger "
                "particles (above ~2 nm) present",
            )
        )
    for f in r.unexpected:
        if f is r.plasmon:
            continue
        out.append(
            Finding(
                "uv-vis",
                "unexpected",
                f"{f.kind} at {f.position:.0f} nm that {product_label(exp)} does not show",
            )
        )
    for ob, hits in r.others:
        bands = ", ".join(f"{b:.0f}" for b in hits)
        out.append(
            Finding(
                "uv-vis",
                "note",
                f"the features match the bands of {ob.target} at {bands} nm (route {ob.route_id})",
            )
        )
    return out


def _emission_findings(r: EmissionResult, s: Settings) -> list[Finding]:
    at = f"emission maximum at {r.maximum.position:.0f} nm"
    want = ", ".join(_nm(e) for e in r.expected)
    if r.status == "found":
        return [Finding("emission", "found", f"{at} (expected {want})")]
    if r.status == "missing":
        return [
            Finding("emission", "missing", f"{at}, not within ±{s.band_tolerance:g} nm of {want}")
        ]
    if r.status == "not-covered":
        return [
            Finding(
                "emission",
                "not-covered",
                f"expected maximum {want} lies outside the measured range: not judged",
            )
        ]
    return [Finding("emission", "note", f"{at}; no emission is recorded for this route")]


def _ion_text(m: msmod.IonMatch) -> str:
    c = m.candidate
    mz = c.ion.mz_peak
    return f"{c.composition} {c.ion.label} at m/z {mz:.2f}"


def _ms_findings(r: MSResult, exp: Expectation, s: Settings) -> list[Finding]:
    out: list[Finding] = []
    if exp.product is None:
        out.append(
            Finding("ms", "note", "this product has no single formula: its ions cannot be computed")
        )
    found = [m for m in r.product if m.found]
    main = max(found, key=lambda m: m.intensity, default=None)
    if exp.product is not None and not r.product:
        lo, hi = float(r.spectrum.x[0]), float(r.spectrum.x[-1])
        out.append(
            Finding(
                "ms",
                "not-covered",
                f"no ion of {product_label(exp)} falls in the "
                f"measured range (m/z {lo:.0f}–{hi:.0f}): not judged",
            )
        )
    elif exp.product is not None and main is None:
        best = ", ".join(
            f"{m.candidate.ion.label} ({m.candidate.ion.mz_peak:.2f})" for m in r.product[:3]
        )
        out.append(
            Finding(
                "ms",
                "missing",
                f"no ion of {product_label(exp)} within "
                f"{s.ms_tolerance} (looked for {best}{', ...' if len(r.product) > 3 else ''})",
            )
        )
    for m in sorted(found, key=lambda m: -m.intensity):
        rel = m.intensity / main.intensity if main else 0.0
        sim = m.similarity or 0.0
        err = f", {m.error_ppm:+.1f} ppm" if m.error_ppm is not None else ""
        if sim >= msmod.ENVELOPE_OK:
            out.append(
                Finding(
                    "ms",
                    "found",
                    f"{_ion_text(m)} ({rel:.0%} of the main ion{err}); "
                    f"isotope pattern matches the computed one ({sim:.2f})",
                )
            )
        else:
            out.append(
                Finding(
                    "ms",
                    "unexpected",
                    f"{_ion_text(m)}: peaks at the right m/z, but "
                    f"the isotope pattern differs from the computed one ({sim:.2f}): "
                    "another species overlaps, or the composition is different",
                )
            )
    for m in r.neighbours:
        rel = m.intensity / main.intensity if main else 1.0
        level: Level = "unexpected" if main is None or rel >= NEIGHBOUR_LIMIT else "note"
        share = f"{rel:.0%} of the main ion" if main else "no product ion beside it"
        out.append(Finding("ms", level, f"{_ion_text(m)} ({share}; {m.candidate.source})"))
    for sp in r.unassigned:
        # unknown peaks speak against the product only where its own ions could have shown
        strong = sp.relative >= UNASSIGNED_LIMIT and bool(r.product)
        level = "unexpected" if strong else "note"
        out.append(
            Finding(
                "ms",
                level,
                f"unassigned peak at m/z {sp.mz:.2f} ({sp.relative:.0%} of the base peak)",
            )
        )
    for rep, mz in r.reported:
        vals = "–".join(f"{v:g}" for v in rep.values)
        who = rep.ion or "an ion of the product"
        if mz is None:
            out.append(Finding("ms", "note", f"no peak at the reported m/z {vals} ({who})"))
        else:
            out.append(
                Finding("ms", "note", f"peak at m/z {mz:.2f} within the reported {vals} ({who})")
            )
    return out


def verdict(
    exp: Expectation,
    uv: OpticalResult | None,
    em: EmissionResult | None,
    ms: MSResult | None,
    s: Settings,
) -> Verdict:
    """Status and summary from the findings of every spectrum given."""
    findings: list[Finding] = []
    if uv is not None:
        findings += _uv_findings(uv, exp, s)
    if em is not None:
        findings += _emission_findings(em, s)
    if ms is not None:
        findings += _ms_findings(ms, exp, s)
    bad = [f for f in findings if f.level in ("missing", "unexpected")]
    good = [f for f in findings if f.level == "found"]
    name = product_label(exp)
    status: Literal["consistent", "inconsistent", "inconclusive"]
    if bad:
        status = "inconsistent"
    elif good:
        status = "consistent"
    else:
        status = "inconclusive"
    return Verdict(status, _summary(status, name, findings, uv, ms), tuple(findings))


def _summary(
    status: str, name: str, findings: list[Finding], uv: OpticalResult | None, ms: MSResult | None
) -> str:
    words: list[str] = []
    ms_found = any(f.evidence == "ms" and f.level == "found" for f in findings)
    if status == "consistent":
        judged = sorted(
            {f.evidence for f in findings if f.level == "found"},
            key=["uv-vis", "emission", "ms"].index,
        )
        by = " and ".join(
            {"uv-vis": "UV-vis", "emission": "emission", "ms": "ESI-MS"}[e] for e in judged
        )
        words.append(f"Consistent with {name} ({by}).")
        if ms_found:
            words.append(
                "The mass spectrum shows its ions with the computed isotope pattern and "
                f"no neighbouring composition at {NEIGHBOUR_LIMIT:.0%} of the main ion "
                "or more."
            )
        else:
            words.append(
                "UV-vis alone cannot show atomic precision: the ESI-MS can."
                if uv is not None
                else "Without a mass spectrum, atomic precision is not shown."
            )
    elif status == "inconsistent":
        words.append(f"Not consistent with {name}.")
        plasmon = next((f for f in findings if f.text.startswith("plasmon band")), None)
        if plasmon is not None:
            words.append(plasmon.text[0].upper() + plasmon.text[1:] + ".")
        missing = [f for f in findings if f.level == "missing"]
        if missing:
            words.append(f"Missing: {'; '.join(f.text for f in missing)}.")
        unexpected = [f for f in findings if f.level == "unexpected" and f is not plasmon]
        if unexpected:
            words.append(f"Unexpected: {'; '.join(f.text for f in unexpected)}.")
        found = [f for f in findings if f.level == "found"]
        if found and (missing or unexpected):
            words.append(
                "Expected features are present beside others: a mixture, or the product "
                "with by-products."
                if not missing
                else ""
            )
    else:
        words.append(f"Inconclusive for {name}: the data given do not cover what it should show.")
    others = [f for f in findings if f.level == "note" and "match the bands of" in f.text]
    words += [o.text[0].upper() + o.text[1:] + "." for o in others]
    return " ".join(w for w in words if w)
