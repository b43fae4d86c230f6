"""Reading measured spectra: two-column text, Agilent Cary CSV, JCAMP-DX, mzML.

Files are read with the field's libraries where one exists (``jcamp`` for JCAMP-DX, ``pymzml``
for mzML). Plain text has no library that reports *which line* is wrong, so delimited text is
read here, line by line, and every complaint names ``file:line`` and what was expected there.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from nclplan.errors import NclplanError, UsageError
from nclplan.safetext import visible

Array = npt.NDArray[np.float64]
XUnit = Literal["nm", "cm-1", "eV"]

# hc in eV·nm (CODATA 2018: h = 4.135667696e-15 eV s, c = 299792458 m/s).
HC_EV_NM = 1239.841984
MAX_POINTS = 5_000_000  # larger files are not spectra a bench takes; refuse rather than swap


class SpectrumError(NclplanError):
    """A measurement file that cannot be read as the spectrum it should be (exit 1)."""


@dataclass(frozen=True)
class Spectrum:
    """One measured spectrum: x ascending (nm or m/z), y as measured."""

    x: Array
    y: Array
    name: str  # the file's name, as given (no folders: reports travel)
    sha256: str
    kind: Literal["optical", "ms"]
    notes: tuple[str, ...] = ()
    sample: str | None = None
    centroided: bool = False
    polarity: Literal["positive", "negative"] | None = None

    @property
    def points(self) -> int:
        return int(self.x.size)


# A measured spectrum is kB to a few hundred MB (a long profile mzML); anything larger is not one.
MAX_SPECTRUM_BYTES = 512 * 1024 * 1024


def _raw(path: Path) -> bytes:
    """A regular file's bytes, capped: a FIFO or /dev/zero given as data must not hang verify."""
    from nclplan.fileio import read_capped

    if not path.exists():
        raise SpectrumError(f"{visible(path)}: no such file")
    return read_capped(path, MAX_SPECTRUM_BYTES, "a spectrum", SpectrumError)


def _digest(path: Path) -> str:
    return hashlib.sha256(_raw(path)).hexdigest()


def _lines(path: Path) -> list[str]:
    raw = _raw(path)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")  # instrument software often writes Windows-1252 headers
    if "\x00" in text:
        raise SpectrumError(f"{path}: a binary file, not a text spectrum")
    return text.splitlines()


_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")


def _number(cell: str, decimal_comma: bool) -> float | None:
    s = cell.strip().strip('"')
    if decimal_comma:
        s = s.replace(",", ".")
    if not _NUMBER.match(s):
        return None
    return float(s)


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return line.split()
    return line.split(delimiter)


def _dialect(line: str) -> tuple[str | None, bool]:
    """Delimiter and decimal comma from the first data line."""
    if "\t" in line:
        return "\t", "," in line
    if ";" in line:
        return ";", "," in line
    if "," in line:
        cells = [c for c in line.split(",") if c.strip()]
        if len(line.split()) >= 2 and all("," in c for c in line.split()):
            return None, True  # "400,5 0,123": whitespace-separated decimal commas
        if len(cells) >= 2:
            return ",", False
        return None, True
    return None, False


def _is_data(line: str) -> bool:
    delimiter, comma = _dialect(line)
    cells = [c for c in _split(line, delimiter) if c.strip()]
    return len(cells) >= 2 and all(_number(c, comma) is not None for c in cells[:2])


def x_unit_from_header(header: Sequence[str]) -> XUnit | None:
    """The x unit named in a header line (``Wavenumber (cm-1)``, ``Energy / eV``, ``nm``)."""
    text = " ".join(header).lower()
    if re.search(r"cm\s*-\s*1|cm\^-1|cm⁻¹|1/cm|wavenumber", text):
        return "cm-1"
    if re.search(r"\bev\b|energy", text):
        return "eV"
    if re.search(r"\bnm\b|nanomet|wavelength", text):
        return "nm"
    return None


def read_columns(path: Path) -> tuple[Array, Array, list[str]]:
    """Two columns (x, y) of a delimited text file; returns x, y and the header lines."""
    lines = _lines(path)
    header: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    start = next((i for i, ln in enumerate(lines) if ln.strip() and _is_data(ln)), None)
    if start is None:
        raise SpectrumError(f"{path}: no data lines (expected two numbers per line: x, y)")
    header = [ln for ln in lines[:start] if ln.strip()]
    delimiter, comma = _dialect(lines[start])
    fast = _fast_block(lines, start, delimiter, comma)
    if fast is not None:
        return fast[0], fast[1], header
    end = len(lines)
    for i in range(start, len(lines)):
        line = lines[i]
        if not line.strip():
            end = i
            break
        cells = [c for c in _split(line, delimiter) if c.strip()]
        values = [_number(c, comma) for c in cells]
        if len(cells) < 2 or values[0] is None or values[1] is None:
            raise SpectrumError(
                f"{path}:{i + 1}: expected two numbers (x, y), found {line.strip()[:60]!r}"
            )
        if len(cells) > 2:
            raise SpectrumError(
                f"{path}:{i + 1}: expected two columns (x, y), found {len(cells)}; "
                "a multi-sample export needs its sample-name row (Cary CSV) and --sample"
            )
        xs.append(values[0])
        ys.append(values[1])
        if len(xs) > MAX_POINTS:
            raise SpectrumError(f"{path}: more than {MAX_POINTS:,} points; not a spectrum file")
    for j in range(end, len(lines)):
        if lines[j].strip() and _is_data(lines[j]):
            raise SpectrumError(
                f"{path}:{j + 1}: a second block of data after the blank line {end + 1}; "
                "give one spectrum per file"
            )
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), header


def _fast_block(
    lines: list[str], start: int, delimiter: str | None, comma: bool
) -> tuple[Array, Array] | None:
    """The data block converted in one go (C speed for 50,000 lines); None if anything is
    irregular, and the line-by-line reader then says where."""
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    if any(ln.strip() for ln in lines[end:]):
        return None
    block = "\n".join(lines[start:end])
    if delimiter is not None:
        block = block.replace(delimiter, " ")
    if comma:
        block = block.replace(",", ".")
    try:
        values = np.array(block.split(), dtype=float)
    except ValueError:
        return None
    rows = end - start
    if values.size != 2 * rows or rows > MAX_POINTS:
        return None
    pairs = values.reshape(rows, 2)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def _is_cary(lines: list[str]) -> bool:
    """Cary WinUV/Cary UV Workstation CSV: sample names, then 'Wavelength (nm),Abs' pairs."""
    if len(lines) < 3:
        return False
    second = lines[1].lower()
    return second.startswith("wavelength") and "," in second and not _is_data(lines[0])


def read_cary(path: Path, sample: str | None) -> tuple[Array, Array, str, list[str]]:
    """One sample of an Agilent Cary multi-sample CSV (two header rows, an x/y pair per sample)."""
    lines = _lines(path)
    names_row = lines[0].split(",")
    heads = lines[1].split(",")
    names = [names_row[k].strip() for k in range(0, len(heads) - 1, 2) if k < len(names_row)]
    names = [n or f"sample {k + 1}" for k, n in enumerate(names)]
    if not names:
        raise SpectrumError(f"{path}:1: no sample names in the first row of the Cary CSV")
    if sample is None:
        if len(names) > 1:
            raise UsageError(
                f"{path} holds {len(names)} samples ({', '.join(names)}); pick one with --sample"
            )
        k = 0
    elif sample in names:
        k = names.index(sample)
    else:
        raise UsageError(f"{path}: no sample {sample!r}; it holds {', '.join(names)}")
    xs: list[float] = []
    ys: list[float] = []
    for i in range(2, len(lines)):
        cells = lines[i].split(",")
        if not lines[i].strip() or not any(c.strip() for c in cells):
            break  # Cary writes its method and run log after a blank line
        if 2 * k + 1 >= len(cells) or not cells[2 * k].strip():
            continue  # this sample has fewer points than another one
        x, y = _number(cells[2 * k], False), _number(cells[2 * k + 1], False)
        if x is None or y is None:
            if i == 2:
                raise SpectrumError(f"{path}:{i + 1}: expected numbers under {heads[2 * k]!r}")
            break
        xs.append(x)
        ys.append(y)
    return np.asarray(xs), np.asarray(ys), names[k], [lines[1]]


_JCAMP_UNITS: dict[str, XUnit] = {
    "NANOMETERS": "nm",
    "NM": "nm",
    "1/CM": "cm-1",
    "CM-1": "cm-1",
    "CM^-1": "cm-1",
    "EV": "eV",
}


def read_jcamp(path: Path) -> tuple[Array, Array, XUnit | None]:
    """A JCAMP-DX file through the ``jcamp`` package (the IUPAC exchange format)."""
    import jcamp

    _raw(path)  # a regular file of sane size before the library opens it
    try:
        data = jcamp.readfile(str(path))
    except FileNotFoundError as exc:
        raise SpectrumError(f"{path}: no such file") from exc
    except KeyError as exc:  # a label the data block needs is absent
        label = str(exc.args[0]).upper() if exc.args else "?"
        raise SpectrumError(
            f"{path}: not a readable JCAMP-DX file (missing or malformed ##{label}=)"
        ) from exc
    except Exception as exc:  # the reader raises bare ValueError/IndexError on malformed files
        raise SpectrumError(
            f"{path}: not a readable JCAMP-DX file ({exc})".splitlines()[0]
        ) from exc
    if "x" not in data or "y" not in data or len(data["x"]) == 0:
        raise SpectrumError(f"{path}: JCAMP-DX file without XYDATA or XYPOINTS")
    units = str(data.get("xunits", "")).strip().upper().replace(" ", "")
    unit = _JCAMP_UNITS.get(units)
    if units in ("MICROMETERS", "UM"):
        return np.asarray(data["x"], float) * 1000.0, np.asarray(data["y"], float), "nm"
    return np.asarray(data["x"], dtype=float), np.asarray(data["y"], dtype=float), unit


def to_nm(x: Array, unit: XUnit) -> Array:
    """Wavelength in nm from nm, wavenumbers (cm-1) or photon energy (eV)."""
    if unit == "nm":
        return x
    if np.any(x <= 0):
        raise SpectrumError(f"cannot convert x values <= 0 from {unit} to nm")
    return (1e7 / x) if unit == "cm-1" else (HC_EV_NM / x)


def _finish(
    x: Array, y: Array, path: Path, kind: Literal["optical", "ms"], **kw: object
) -> Spectrum:
    if x.size < 5:
        raise SpectrumError(f"{path}: only {x.size} data points; a spectrum needs more")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise SpectrumError(f"{path}: data contain NaN or infinite values")
    order = np.argsort(x, kind="stable")
    return Spectrum(
        x=x[order],
        y=y[order],
        name=path.name,
        sha256=_digest(path),
        kind=kind,
        **kw,  # type: ignore[arg-type]
    )


JCAMP_SUFFIXES = {".jdx", ".dx", ".jcamp", ".jcm"}


def read_optical(path: Path, sample: str | None = None, x_unit: XUnit | None = None) -> Spectrum:
    """A UV-vis, emission or excitation spectrum, with wavelength in nm."""
    notes: list[str] = []
    chosen = None
    if path.suffix.lower() in JCAMP_SUFFIXES:
        x, y, unit = read_jcamp(path)
    else:
        lines = _lines(path)
        if _is_cary(lines):
            x, y, chosen, header = read_cary(path, sample)
            notes.append(f"Cary CSV, sample {chosen!r}")
        else:
            x, y, header = read_columns(path)
        unit = x_unit_from_header(header)
    unit = x_unit or unit
    if unit is None:
        lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
        if lo >= 150 and hi <= 3000:
            unit = "nm"
        else:
            raise SpectrumError(
                f"{path}: cannot tell the x unit (values {lo:g} to {hi:g}); "
                "name it in a header ('Wavelength (nm)', 'Wavenumber (cm-1)', 'Energy (eV)') "
                "or give --x-unit"
            )
    if unit != "nm":
        notes.append(f"x converted from {unit} to nm")
        x = to_nm(x, unit)
    return _finish(x, y, path, "optical", notes=tuple(notes), sample=chosen)


MZML_SUFFIXES = {".mzml"}


def read_ms(path: Path) -> Spectrum:
    """A mass spectrum: a peak list or profile as text, or mzML (summed over its MS1 scans)."""
    if path.suffix.lower() in MZML_SUFFIXES:
        return _read_mzml(path)
    x, y, _ = read_columns(path)
    spec = _finish(x, y, path, "ms")
    centroided = not looks_like_profile(spec.x, spec.y)
    return Spectrum(spec.x, spec.y, spec.name, spec.sha256, "ms", spec.notes, None, centroided)


def looks_like_profile(mz: Array, intensity: Array | None = None) -> bool:
    """A profile samples each peak several times, so few of its strong points are local maxima;
    in a peak list, neighbouring entries are unrelated peaks and about a third are maxima."""
    if mz.size < 200:
        return False
    if intensity is None:
        return bool(np.median(np.diff(mz)) < 0.05)
    strong = intensity >= 0.05 * float(intensity.max())
    inner = np.zeros(intensity.size, dtype=bool)
    inner[1:-1] = (intensity[1:-1] > intensity[:-2]) & (intensity[1:-1] >= intensity[2:])
    n = int(strong.sum())
    return n > 0 and float((inner & strong).sum()) / n < 0.25


def _read_mzml(path: Path) -> Spectrum:
    """MS1 scans of an mzML file through pymzml; several scans are summed (infusion ESI)."""
    import contextlib
    import io

    import pymzml

    _raw(path)  # a regular file of sane size before the library opens it
    xs: list[Array] = []
    ys: list[Array] = []
    profile = centroid = 0
    polarity: Literal["positive", "negative"] | None = None
    if not path.is_file():
        raise SpectrumError(f"{path}: no such file")
    try:
        # pymzml reports a missing index on stderr; that is not the user's concern
        with contextlib.redirect_stderr(io.StringIO()):
            for spec in pymzml.run.Reader(str(path)):
                if spec.ms_level not in (None, 1):
                    continue
                xs.append(np.asarray(spec.mz, dtype=float))
                ys.append(np.asarray(spec.i, dtype=float))
                profile += bool(spec.get("MS:1000128"))
                centroid += bool(spec.get("MS:1000127"))
                if spec.get("MS:1000129"):
                    polarity = "negative"
                elif spec.get("MS:1000130"):
                    polarity = "positive"
    except Exception as exc:  # ElementTree, zlib and pymzml raise their own errors
        raise SpectrumError(f"{path}: not a readable mzML file ({exc})".splitlines()[0]) from exc
    if not xs:
        raise SpectrumError(f"{path}: no MS1 spectrum in the mzML file")
    notes = [f"mzML, {len(xs)} MS1 scan{'s' if len(xs) > 1 else ''}"]
    if len(xs) == 1:
        x, y = xs[0], ys[0]
    elif centroid and not profile:
        x, y = np.concatenate(xs), np.concatenate(ys)
    else:
        x = np.sort(xs[0])
        y = np.sum(
            [np.interp(x, a, b, left=0.0, right=0.0) for a, b in zip(xs, ys, strict=True)], axis=0
        )
        notes.append("scans summed")
    spec = _finish(x, y, path, "ms", notes=tuple(notes), polarity=polarity)
    flagged = bool(centroid and not profile)
    is_centroid = flagged or (not profile and not looks_like_profile(spec.x, spec.y))
    return Spectrum(
        spec.x, spec.y, spec.name, spec.sha256, "ms", spec.notes, None, is_centroid, polarity
    )
