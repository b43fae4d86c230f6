"""``nclplan verify``: reading every input format, judging, verdicts, documents.

Spectra are synthesised from known band positions and line shapes (Gaussian bands on a sloping
background, with noise) and from isotope envelopes computed by molmass, then written in each
input format. Expected verdicts follow from how they were made.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nclplan.catalog import Catalog
from nclplan.chemistry import parse_cluster
from nclplan.errors import UsageError
from nclplan.verify.judge import Settings
from nclplan.verify.ms import Tolerance, parse_tolerance, shifted_ion
from nclplan.verify.run import Verification, verify
from nclplan.verify.spectra import SpectrumError, read_ms, read_optical

DATA = Path(__file__).parent / "data" / "verify"
AU25_BANDS = ((400.0, 18.0, 0.35), (450.0, 22.0, 0.25), (670.0, 25.0, 0.20))
AU38_BANDS = ((490.0, 25.0, 0.30), (630.0, 25.0, 0.15), (750.0, 30.0, 0.10))


# ---- synthetic spectra --------------------------------------------------------------------------


def absorbance(
    bands: tuple[tuple[float, float, float], ...],
    *,
    lo: float = 300.0,
    hi: float = 1000.0,
    step: float = 0.5,
    noise: float = 0.001,
    seed: int = 0,
    shift: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian bands (centre, sigma, height) on a falling interband background, with noise."""
    x = np.arange(lo, hi + step / 2, step)
    y = 2.0 * np.exp(-(x - 300.0) / 120.0)
    for c, s, a in bands:
        y = y + a * np.exp(-((x - c - shift) ** 2) / (2 * s * s))
    y = y + np.random.default_rng(seed).normal(0.0, noise, x.size)
    return x, y


def write_csv(
    path: Path, x: np.ndarray, y: np.ndarray, header: str = "Wavelength (nm),Abs"
) -> Path:
    rows = [header] if header else []
    rows += [f"{a:.2f},{b:.6f}" for a, b in zip(x, y, strict=True)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def ion_envelope(text: str, charge: int, protons: int = 0) -> tuple[tuple[float, float], ...]:
    return shifted_ion(parse_cluster(text), charge, protons)[1]


def mass_spectrum(
    ions: list[tuple[tuple[tuple[float, float], ...], float]],
    *,
    lo: float = 2000.0,
    hi: float = 11000.0,
    points: int = 50_000,
    fwhm_ppm: float = 80.0,  # resolution 12,500: an older Q-TOF
    noise: float = 0.002,
    seed: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """A profile spectrum: each isotopologue a Gaussian of the given resolution."""
    x = np.linspace(lo, hi, points)
    y = np.zeros(points)
    for env, amp in ions:
        for mz, rel in env:
            s = mz * fwhm_ppm * 1e-6 / 2.355
            near = np.abs(x - mz) < 6 * s
            y[near] += amp * rel * np.exp(-((x[near] - mz) ** 2) / (2 * s * s))
    y += np.abs(np.random.default_rng(seed).normal(0.0, noise, points))
    return x, y


def write_xy(path: Path, x: np.ndarray, y: np.ndarray) -> Path:
    np.savetxt(path, np.c_[x, y], fmt="%.6f")
    return path


def write_mzml(path: Path, x: np.ndarray, y: np.ndarray, profile: bool = True) -> Path:
    def arr(a: np.ndarray) -> str:
        return base64.b64encode(np.asarray(a, dtype="<f8").tobytes()).decode()

    def array(a: np.ndarray, acc: str, name: str) -> str:
        return (
            '<binaryDataArray encodedLength="0">'
            '<cvParam cvRef="MS" accession="MS:1000523" name="64-bit float" value=""/>'
            '<cvParam cvRef="MS" accession="MS:1000576" name="no compression" value=""/>'
            f'<cvParam cvRef="MS" accession="{acc}" name="{name}" value=""/>'
            f"<binary>{arr(a)}</binary></binaryDataArray>"
        )

    kind = ("MS:1000128", "profile spectrum") if profile else ("MS:1000127", "centroid spectrum")
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<mzML xmlns="http://psi.hupo.org/ms/mzml" version="1.1.0">'
        '<cvList count="1"><cv id="MS" fullName="PSI-MS" URI="https://psidev.info/ms"/></cvList>'
        '<run id="run1"><spectrumList count="1">'
        f'<spectrum index="0" id="scan=1" defaultArrayLength="{x.size}">'
        '<cvParam cvRef="MS" accession="MS:1000511" name="ms level" value="1"/>'
        f'<cvParam cvRef="MS" accession="{kind[0]}" name="{kind[1]}" value=""/>'
        '<cvParam cvRef="MS" accession="MS:1000129" name="negative scan" value=""/>'
        '<binaryDataArrayList count="2">'
        + array(x, "MS:1000514", "m/z array")
        + array(y, "MS:1000515", "intensity array")
        + "</binaryDataArrayList></spectrum></spectrumList></run></mzML>\n",
        encoding="utf-8",
    )
    return path


def write_jcamp(path: Path, x: np.ndarray, y: np.ndarray, xunits: str = "NANOMETERS") -> Path:
    head = [
        "##TITLE=synthetic spectrum",
        "##JCAMP-DX=4.24",
        "##DATA TYPE=UV/VIS SPECTRUM",
        f"##XUNITS={xunits}",
        "##YUNITS=ABSORBANCE",
        "##XFACTOR=1",
        "##YFACTOR=1",
        f"##FIRSTX={x[0]:.6f}",
        f"##LASTX={x[-1]:.6f}",
        f"##NPOINTS={x.size}",
        "##XYPOINTS=(XY..XY)",
    ]
    body = [f"{a:.6f}, {b:.6f}" for a, b in zip(x, y, strict=True)]
    path.write_text("\n".join([*head, *body, "##END="]) + "\n", encoding="utf-8")
    return path


def run(cat: Catalog, target: str, **kw: object) -> Verification:
    return verify(cat, target, **kw)  # type: ignore[arg-type]


def test_isotope_envelope_shift_equals_molmass_of_the_ion() -> None:
    """One molmass pattern per composition, shifted, gives each ion's own molmass m/z."""
    from nclplan.chemistry import cluster_report

    c = parse_cluster("Au25(p-MBA)18")
    for z in (-3, -4, -5):
        ion, env = shifted_ion(c, z, -z)
        ref = cluster_report("Au25(p-MBA)18", ion_charges=(z,)).ions[0]
        assert ion.mz_peak == pytest.approx(ref.mz_peak, abs=1e-6)
        assert ion.mz_average == pytest.approx(ref.mz_average, abs=1e-6)
        assert max(env, key=lambda e: e[1])[0] == pytest.approx(ref.mz_peak, abs=1e-6)


# ---- reading ------------------------------------------------------------------------------------


def test_every_optical_format_reads_the_same_spectrum(tmp_path: Path) -> None:
    x, y = absorbance(AU25_BANDS, step=1.0)
    plain = read_optical(write_csv(tmp_path / "a.csv", x, y))
    no_header = read_optical(write_csv(tmp_path / "b.csv", x, y, header=""))
    tsv_comma = tmp_path / "c.txt"
    tsv_comma.write_text(
        "λ/nm\tA\n"
        + "".join(f"{a:.2f}\t{b:.6f}\n".replace(".", ",") for a, b in zip(x, y, strict=True))
    )
    spaces = tmp_path / "d.dat"
    spaces.write_text("".join(f"  {a:.2f}   {b:.6f}\n" for a, b in zip(x, y, strict=True)))
    jdx = read_optical(write_jcamp(tmp_path / "e.jdx", x, y))
    for spec in (no_header, read_optical(tsv_comma), read_optical(spaces), jdx):
        assert np.allclose(spec.x, plain.x) and np.allclose(spec.y, plain.y, atol=1e-6)
    assert plain.points == x.size and len(plain.sha256) == 64 and plain.name == "a.csv"


def test_wavenumber_and_energy_are_converted_to_nm(tmp_path: Path) -> None:
    nm = np.arange(400.0, 801.0, 1.0)
    y = np.exp(-((nm - 600) ** 2) / 800)
    cm = write_csv(tmp_path / "cm.csv", 1e7 / nm[::-1], y[::-1], "Wavenumber (cm-1),Abs")
    ev = write_jcamp(tmp_path / "ev.jdx", 1239.841984 / nm[::-1], y[::-1], xunits="EV")
    for spec in (read_optical(cm), read_optical(ev)):
        assert spec.x[0] == pytest.approx(400.0, abs=1e-3) and spec.x[-1] == pytest.approx(800.0)
        assert spec.x[int(np.argmax(spec.y))] == pytest.approx(600.0, abs=0.01)
        assert any("converted" in n for n in spec.notes)


def test_cary_multisample_csv_and_sample_choice(tmp_path: Path) -> None:
    x, y1 = absorbance(AU25_BANDS, step=1.0)
    _, y2 = absorbance(AU38_BANDS, step=1.0)
    rows = ["run42 Au25,,run42 Au38,", "Wavelength (nm),Abs,Wavelength (nm),Abs"]
    rows += [f"{a:.1f},{b:.5f},{a:.1f},{c:.5f}" for a, b, c in zip(x, y1, y2, strict=True)]
    rows += ["", "METHOD", "Collection Time: 30/11/2026 10:42:11", "Scan rate,600"]
    path = tmp_path / "cary.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(UsageError, match=r"holds 2 samples .*run42 Au25, run42 Au38"):
        read_optical(path)
    with pytest.raises(UsageError, match="no sample 'x'"):
        read_optical(path, sample="x")
    spec = read_optical(path, sample="run42 Au38")
    assert spec.sample == "run42 Au38" and np.allclose(spec.y, np.round(y2, 5))


def test_mass_spectra_from_text_and_mzml_agree(tmp_path: Path) -> None:
    env = ion_envelope("[Au25(PET)18]-", -1)
    x, y = mass_spectrum([(env, 1.0)], lo=7000, hi=8000, points=20_000)
    text = read_ms(write_xy(tmp_path / "ms.txt", x, y))
    mzml = read_ms(write_mzml(tmp_path / "ms.mzML", x, y))
    assert not text.centroided and not mzml.centroided and mzml.polarity == "negative"
    assert np.allclose(text.x, mzml.x, atol=1e-5) and np.allclose(text.y, mzml.y, atol=1e-5)
    peaks = read_ms(
        write_xy(tmp_path / "peaks.txt", *zip(*ion_envelope("[Au25(PET)18]-", -1), strict=True))
    )
    assert peaks.centroided  # a short list of separate peaks is taken as it is


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad-number.csv", r"bad-number.csv:4: expected two numbers \(x, y\), found '302,abc'"),
        ("three-columns.tsv", r"three-columns.tsv:2: expected two columns \(x, y\), found 4"),
        ("empty.csv", r"empty.csv: no data lines"),
        ("broken.jdx", r"broken.jdx: not a readable JCAMP-DX file \(missing or malformed ##FIRSTX"),
        ("two-blocks.txt", r"two-blocks.txt:5: a second block of data"),
        ("missing.csv", r"missing.csv: no such file"),
    ],
)
def test_malformed_optical_files(name: str, message: str) -> None:
    with pytest.raises(SpectrumError, match=message):
        read_optical(DATA / name)


def test_malformed_mass_spectra() -> None:
    with pytest.raises(SpectrumError, match=r"truncated.mzML: not a readable mzML file"):
        read_ms(DATA / "truncated.mzML")
    with pytest.raises(SpectrumError, match=r"two-blocks.txt:5"):
        read_ms(DATA / "two-blocks.txt")


def test_unknown_x_unit_needs_a_header_or_option(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ev.csv", np.linspace(1.5, 3.5, 50), np.ones(50), header="")
    with pytest.raises(SpectrumError, match="cannot tell the x unit"):
        read_optical(path)
    assert read_optical(path, x_unit="eV").x[-1] == pytest.approx(1239.841984 / 1.5)


def test_tolerance_parsing() -> None:
    assert parse_tolerance("20ppm") == Tolerance(20.0, "ppm")
    assert parse_tolerance("0.05 Da").at(5000) == 0.05
    assert parse_tolerance("10ppm").at(5000) == pytest.approx(0.05)
    for bad in ("20", "-3ppm", "fast", "0ppm"):
        with pytest.raises(UsageError):
            parse_tolerance(bad)


# ---- verdicts -----------------------------------------------------------------------------------


def test_right_cluster_by_uvvis_is_consistent_but_claims_no_atomic_precision(
    tmp_path: Path, catalog: Catalog
) -> None:
    v = run(catalog, "Au25", uvvis=write_csv(tmp_path / "au25.csv", *absorbance(AU25_BANDS)))
    assert v.route.id == "au25-pet-thf" and v.verdict.consistent
    assert [m.status for m in v.uvvis.matches] == ["found"] * 3  # type: ignore[union-attr]
    shoulder = v.uvvis.matches[1].feature  # type: ignore[union-attr]
    assert shoulder is not None and shoulder.kind == "shoulder"  # 450 nm is a shoulder
    assert "UV-vis alone cannot show atomic precision: the ESI-MS can" in v.verdict.summary


def test_au38_data_against_the_au25_route(tmp_path: Path, catalog: Catalog) -> None:
    x, y = absorbance(AU38_BANDS)
    v = run(catalog, "au25-pet-thf", uvvis=write_csv(tmp_path / "au38.csv", x, y))
    assert not v.verdict.consistent and v.verdict.status == "inconsistent"
    assert "Au38(PET)24" in v.verdict.summary and "au38-pet-focusing" in v.verdict.summary
    v38 = run(catalog, "au38-pet-focusing", uvvis=write_csv(tmp_path / "au38.csv", x, y))
    assert v38.verdict.consistent


def test_plasmonic_particles_are_named(tmp_path: Path, catalog: Catalog) -> None:
    x = np.arange(300.0, 900.5, 0.5)
    y = np.exp(-(x - 300) / 150) + 0.8 * np.exp(-((x - 522) ** 2) / (2 * 40**2))
    y += np.random.default_rng(5).normal(0, 0.001, x.size)
    v = run(catalog, "Au25", uvvis=write_csv(tmp_path / "np.csv", x, y))
    assert not v.verdict.consistent
    assert v.uvvis is not None and v.uvvis.plasmon is not None
    assert abs(v.uvvis.plasmon.position - 522) <= 4
    assert "Plasmon band at 52" in v.verdict.summary and "larger particles" in v.verdict.summary


def test_mixture_of_two_clusters(tmp_path: Path, catalog: Catalog) -> None:
    x, y = absorbance(AU25_BANDS + AU38_BANDS)
    au25 = ion_envelope("[Au25(PET)18]-", -1)
    au38 = ion_envelope("Au38(PET)24", -1)
    mx, my = mass_spectrum([(au25, 1.0), (au38, 0.4)])
    v = run(
        catalog,
        "Au25",
        uvvis=write_csv(tmp_path / "mix.csv", x, y),
        ms=write_xy(tmp_path / "mix.txt", mx, my),
    )
    assert not v.verdict.consistent
    assert v.ms is not None and [m.candidate.composition for m in v.ms.neighbours] == [
        "Au38(PET)24"
    ]
    texts = " ".join(f.text for f in v.verdict.findings if f.level == "unexpected")
    # abundance = summed isotopologue intensity: 0.4 x the ratio of the envelopes' areas
    area = [sum(r for _, r in env if r >= 0.05) for env in (au38, au25)]
    import re

    m = re.search(r"Au38\(PET\)24 \[M\]- at m/z 10777\.75 \((\d+)% of the main ion", texts)
    assert m is not None and abs(int(m.group(1)) / 100 - 0.4 * area[0] / area[1]) <= 0.04
    assert any(f.level == "found" and f.evidence == "ms" for f in v.verdict.findings)


def test_right_cluster_by_esi_ms_shows_atomic_precision(tmp_path: Path, catalog: Catalog) -> None:
    mx, my = mass_spectrum([(ion_envelope("[Au25(PET)18]-", -1), 1.0)])
    v = run(catalog, "Au25", ms=write_mzml(tmp_path / "run42.mzML", mx, my))
    assert v.verdict.consistent and v.ms is not None
    main = next(m for m in v.ms.product if m.found)
    assert main.similarity is not None and main.similarity > 0.99
    assert main.error_ppm is not None and abs(main.error_ppm) < 5
    assert "computed isotope pattern" in v.verdict.summary


def test_acidic_ligands_show_the_deprotonated_series(tmp_path: Path, catalog: Catalog) -> None:
    c = "Au25(p-MBA)18"
    ions = [(ion_envelope(c, z, -z), amp) for z, amp in ((-3, 0.5), (-4, 1.0), (-5, 0.7))]
    mx, my = mass_spectrum(ions, lo=1000, hi=3000)
    v = run(catalog, "au25-mba-co", ms=write_xy(tmp_path / "mba.txt", mx, my))
    assert v.ms is not None
    found = sorted(m.candidate.ion.label for m in v.ms.product if m.found)
    assert found == ["[M-3H]3-", "[M-4H]4-", "[M-5H]5-"]
    assert v.verdict.consistent, v.verdict.summary
    # the paper's m/z ranges are shown beside the computed ions
    assert any("reported 1534–1554" in f.text for f in v.verdict.findings)


def test_a_spectrum_that_misses_the_range(tmp_path: Path, catalog: Catalog) -> None:
    x, y = absorbance(AU25_BANDS, lo=700, hi=1100)
    v = run(catalog, "Au25", uvvis=write_csv(tmp_path / "nir.csv", x, y))
    assert v.verdict.status == "inconclusive" and not v.verdict.consistent
    assert all(f.level == "not-covered" for f in v.verdict.findings)
    assert "lies outside the measured range" in v.verdict.findings[0].text
    mx, my = mass_spectrum([], lo=200, hi=2000, points=5000)
    v = run(catalog, "Au25", ms=write_xy(tmp_path / "low.txt", mx, my))
    assert v.verdict.status == "inconclusive"


def test_emission_maximum(tmp_path: Path, catalog: Catalog) -> None:
    x = np.arange(500.0, 850.0, 1.0)
    path = write_csv(tmp_path / "pl.csv", x, np.exp(-((x - 643) ** 2) / (2 * 35**2)))
    v = run(catalog, "au25-bsa", emission=path)
    assert v.verdict.consistent and v.emission is not None
    assert v.emission.maximum.position == pytest.approx(643, abs=1)
    path = write_csv(tmp_path / "pl2.csv", x, np.exp(-((x - 700) ** 2) / (2 * 35**2)))
    assert run(catalog, "au25-bsa", emission=path).verdict.status == "inconsistent"


def test_no_spectrum_is_a_usage_error(catalog: Catalog) -> None:
    with pytest.raises(UsageError, match="give at least one spectrum"):
        verify(catalog, "Au25")


@settings(max_examples=12, deadline=None)
@given(shift=st.floats(min_value=-4.0, max_value=4.0), seed=st.integers(0, 50))
def test_shifts_within_tolerance_keep_the_verdict(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, shift: float, seed: int
) -> None:
    path = tmp_path_factory.mktemp("s") / "s.csv"
    write_csv(path, *absorbance(AU25_BANDS, shift=shift, seed=seed))
    v = verify(catalog, "Au25", uvvis=path, config=Settings(band_tolerance=10.0))
    assert v.verdict.consistent, v.verdict.summary


@settings(max_examples=12, deadline=None)
@given(
    shift=st.one_of(st.floats(min_value=-40.0, max_value=-16.0), st.floats(16.0, 40.0)),
    seed=st.integers(0, 50),
)
def test_shifts_beyond_tolerance_change_the_verdict(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, shift: float, seed: int
) -> None:
    path = tmp_path_factory.mktemp("s") / "s.csv"
    write_csv(path, *absorbance(AU25_BANDS, shift=shift, seed=seed))
    v = verify(catalog, "Au25", uvvis=path, config=Settings(band_tolerance=10.0))
    assert v.verdict.status == "inconsistent"
    assert any(f.level == "missing" for f in v.verdict.findings)


def test_every_route_with_fingerprints_or_formula_can_be_verified(
    tmp_path: Path, catalog: Catalog
) -> None:
    """Each route's own bands and emission, synthesised, are found again."""
    from nclplan.verify.expect import expectation

    for rid, route in sorted(catalog.routes.items()):
        exp = expectation(route, catalog)
        kw: dict[str, object] = {}
        if exp.absorption:
            bands = tuple((b, 15.0, 0.2) for b in exp.absorption)
            x, y = absorbance(bands, lo=250, hi=1100, noise=0.0005)
            kw["uvvis"] = write_csv(tmp_path / f"{rid}.csv", x, y)
        if exp.emission:
            x = np.arange(350.0, 900.0, 1.0)
            y = np.exp(-((x - exp.emission[0]) ** 2) / (2 * 30**2))
            kw["emission"] = write_csv(tmp_path / f"{rid}-pl.csv", x, y)
        if not kw:
            continue
        v = verify(catalog, rid, **kw)  # type: ignore[arg-type]
        found = list(v.uvvis.matches) if v.uvvis else []
        assert all(m.status == "found" for m in found), (rid, v.verdict.summary)
        assert v.emission is None or v.emission.status == "found", rid


# ---- documents and the command ------------------------------------------------------------------


@pytest.fixture
def au25_files(tmp_path: Path) -> tuple[Path, Path]:
    uv = write_csv(tmp_path / "run42.csv", *absorbance(AU25_BANDS))
    mx, my = mass_spectrum([(ion_envelope("[Au25(PET)18]-", -1), 1.0)])
    return uv, write_xy(tmp_path / "run42-esi.txt", mx, my)


def test_json_follows_the_published_schema(au25_files: tuple[Path, Path], run_cli: object) -> None:
    import jsonschema

    uv, ms = au25_files
    code, out, err = run_cli(  # type: ignore[operator]
        ["verify", "au25-pet-thf", "--uvvis", str(uv), "--ms", str(ms), "--format", "json"]
    )
    assert code == 0, err
    data = json.loads(out)
    schema = json.loads(
        (Path(__file__).parent.parent / "nclplan" / "verify" / "verify.schema.json").read_text()
    )
    jsonschema.validate(data, schema)
    assert data["schema_version"] == "1" and data["verdict"]["consistent"] is True
    assert data["route"]["id"] == "au25-pet-thf" and len(data["plan_id"]) == 16
    assert [d["file"] for d in data["data"]] == ["run42.csv", "run42-esi.txt"]  # names, no folders


def test_markdown_with_figures_beside_it_is_deterministic(
    au25_files: tuple[Path, Path], tmp_path: Path, run_cli: object
) -> None:
    uv, ms = au25_files
    outputs = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        out = tmp_path / folder / "report.md"
        code, _, err = run_cli(  # type: ignore[operator]
            ["verify", "Au25", "--uvvis", str(uv), "--ms", str(ms), "-o", str(out)]
        )
        assert code == 0, err
        outputs.append({p.name: p.read_bytes() for p in sorted(out.parent.iterdir())})
    assert outputs[0] == outputs[1]
    assert sorted(outputs[0]) == ["report-ms.svg", "report-uvvis.svg", "report.md"]
    md = outputs[0]["report.md"].decode()
    assert "![UV-vis](report-uvvis.svg)" in md and "au25-pet-thf" in md and "**consistent**" in md
    code, _, err = run_cli(  # type: ignore[operator]
        ["verify", "Au25", "--uvvis", str(uv), "-o", str(tmp_path / "a" / "report.md")]
    )
    assert code == 1 and "already exists" in err


def test_pdf_and_html_name_the_plan(
    au25_files: tuple[Path, Path], tmp_path: Path, run_cli: object
) -> None:
    from pypdf import PdfReader

    uv, ms = au25_files
    pdf = tmp_path / "r.pdf"
    code, _, err = run_cli(  # type: ignore[operator]
        ["verify", "Au25", "--uvvis", str(uv), "--ms", str(ms), "-o", str(pdf)]
    )
    assert code == 0, err
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "au25-pet-thf" in text and "Verdict: consistent" in text and "plan" in text
    code, out, _ = run_cli(["verify", "Au25", "--uvvis", str(uv), "-f", "html"])  # type: ignore[operator]
    assert code == 0 and "<svg" in out and "au25-pet-thf" in out


def test_bad_files_exit_1_with_one_line(run_cli: object) -> None:
    code, out, err = run_cli(  # type: ignore[operator]
        ["verify", "Au25", "--uvvis", str(DATA / "bad-number.csv")]
    )
    assert code == 1 and out == ""
    assert err.strip().count("\n") == 0 and "bad-number.csv:4:" in err and "Traceback" not in err
    code, _, err = run_cli(["verify", "Au25"])  # type: ignore[operator]
    assert code == 2 and "give at least one spectrum" in err
    code, _, err = run_cli(  # type: ignore[operator]
        ["verify", "Au25", "--ms", str(DATA / "truncated.mzML"), "--ms-tolerance", "fast"]
    )
    assert code == 2 and "m/z tolerance" in err


def test_console_script_runs_verify(au25_files: tuple[Path, Path]) -> None:
    exe = Path(sys.executable).with_name("nclplan")
    uv, _ = au25_files
    proc = subprocess.run(
        [str(exe), "verify", "Au25", "--uvvis", str(uv), "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"]["consistent"] is True


def test_route_start_up_does_not_import_the_verify_libraries() -> None:
    heavy = ("numpy", "scipy", "matplotlib", "jcamp", "pyteomics", "pymzml")
    code = (
        "import sys, io, contextlib\n"
        "import nclplan.cli\n"
        f"first = [m for m in {heavy!r} if m in sys.modules]\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        "        nclplan.cli.main(['route', 'Au25', '--scale', '50mg', '-f', 'json'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(first, [m for m in {heavy!r} if m in sys.modules])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[] []"


def test_docs_example_is_up_to_date(tmp_path: Path, run_cli: object) -> None:
    """README's example report is what the command prints for the shipped example spectra."""
    docs = Path(__file__).parent.parent / "docs"
    out = tmp_path / "verify-example.md"
    code, _, err = run_cli(  # type: ignore[operator]
        [
            "verify",
            "au25-pet-thf",
            "--uvvis",
            str(docs / "examples" / "run42.csv"),
            "--ms",
            str(docs / "examples" / "run42-esi.txt"),
            "-o",
            str(out),
        ]
    )
    assert code == 0, err
    # the plan id follows the route's data, which other changes touch: compared apart
    made, shipped = out.read_text().splitlines(), (docs / "verify-example.md").read_text()
    keep = [ln for ln in made if not ln.startswith("| **Plan** |")]
    assert keep == [ln for ln in shipped.splitlines() if not ln.startswith("| **Plan** |")]
    assert "consistent" in out.read_text() and (tmp_path / "verify-example-ms.svg").exists()


def test_eln_carries_the_plan_the_report_and_the_raw_data(
    au25_files: tuple[Path, Path], tmp_path: Path, run_cli: object
) -> None:
    import zipfile

    uv, ms = au25_files
    out = tmp_path / "run42.eln"
    code, _, err = run_cli(  # type: ignore[operator]
        ["verify", "Au25", "--uvvis", str(uv), "--ms", str(ms), "-o", str(out)]
    )
    assert code == 0, err
    names = {n.split("/", 2)[-1] for n in zipfile.ZipFile(out).namelist()}
    assert {"plan.json", "verification.json", "verification.md", "data/run42.csv"} <= names
    assert "data/run42-esi.txt" in names and "verification-uvvis.svg" in names
    with zipfile.ZipFile(out) as z:
        raw = next(n for n in z.namelist() if n.endswith("data/run42.csv"))
        assert z.read(raw) == uv.read_bytes()  # the file as measured, byte for byte


@pytest.mark.parametrize("suffix", [".csv", ".jdx", ".mzML"])
@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_special_files_are_refused_not_read(
    tmp_path: Path,
    run_cli,
    suffix: str,
    kind: str,  # type: ignore[no-untyped-def]
) -> None:
    """A FIFO would block and /dev/zero never ends: data files must be regular, read capped."""
    import os

    path = tmp_path / f"data{suffix}"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    option = "--ms" if suffix == ".mzML" else "--uvvis"
    code, _, err = run_cli(["verify", "Au25", option, str(path), "-f", "json"])
    assert code == 1 and "not a regular file" in err
