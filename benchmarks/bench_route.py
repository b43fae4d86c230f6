"""Time whole-process runs of nclplan against a bare interpreter, in the same run.

    python benchmarks/bench_route.py [--runs 15]

Prints median wall-clock times and the ratio to ``python -c pass``. Speed targets live here, not
in timed tests: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# A command's floor: what the libraries it is built on cost to import, measured in the same run.
FLOORS = {
    "route": "floor: import typer, pint",
    "verify": "floor: import typer, pint, numpy, scipy.signal",
}


# The parsed-catalog cache holds one catalog: the 1,000-route check keeps its own, so that
# round-robin runs do not make every other command re-parse the shipped catalog.
OWN_CACHE = {"check (shipped + 1,000 generated routes)": {"NCLPLAN_CACHE_DIR": tempfile.mkdtemp()}}


def interleaved_medians(cases: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall-clock seconds of each command, run round-robin: on a shared machine the load
    drifts over minutes, and a command timed in one block would be compared with a floor timed
    under another load. One untimed round first warms the caches."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(runs + 1):
        for name, cmd in cases.items():
            start = time.perf_counter()
            subprocess.run(
                cmd,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
                env={**os.environ, **OWN_CACHE.get(name, {})},
            )
            if round_:
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def generated_routes(count: int) -> Path:
    """``count`` valid route files made from the shipped ones under new ids."""
    from importlib import resources

    shipped = Path(str(resources.files("nclplan.protocols")))
    sources = sorted(
        p for p in shipped.glob("*.yaml") if not p.name.startswith(("reagents", "purification"))
    )
    folder = Path(tempfile.mkdtemp()) / "routes"
    folder.mkdir()
    for i in range(count):
        src = sources[i % len(sources)]
        new = f"gen{i:04d}-{src.stem}"
        text = re.sub(r"^id: .*$", f"id: {new}", src.read_text(), count=1, flags=re.M)
        text = re.sub(r"^default: true$", "default: false", text, flags=re.M)
        (folder / f"{new}.yaml").write_text(text)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    beside = Path(sys.executable).with_name("nclplan")  # the environment being measured
    exe = str(beside) if beside.exists() else (shutil.which("nclplan") or "nclplan")
    pdf = str(Path(tempfile.mkdtemp()) / "plan.pdf")
    route = [exe, "route", "Au25", "--scale", "50mg"]
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        # Floors: what the libraries a plan needs cost to import, before nclplan does anything.
        "floor: import typer, pint": [sys.executable, "-c", "import typer, pint"],
        "floor: import typst": [sys.executable, "-c", "import typst"],
        # verify's floor: the libraries it reads and judges spectra with, beside the plan's.
        "floor: import typer, pint, numpy, scipy.signal": [
            sys.executable,
            "-c",
            "import typer, pint, numpy, scipy.signal",
        ],
        "nclplan --help": [exe, "--help"],
        "route Au25 --scale 50mg --format json": [*route, "--format", "json"],
        "route Au25 --scale 50mg --format md": [*route, "--format", "md"],
        "route Au25 --scale 50mg -o plan.pdf --force": [*route, "-o", pdf, "--force"],
        "check (shipped catalog)": [exe, "check"],
        "check (shipped + 1,000 generated routes)": [exe, "check", str(generated_routes(1000))],
        **verify_cases(exe),
    }
    base = None
    times = interleaved_medians(cases, args.runs)
    for name in cases:
        t = times[name]
        base = base or t
        floor = FLOORS.get(name.split(" ", 1)[0])
        against = f"  {t / times[floor]:4.2f}x its floor" if floor else ""
        print(f"{name:47s} {t * 1000:7.1f} ms  {t / base:5.1f}x{against}")
    sweep_rate()


def verify_cases(exe: str) -> dict[str, list[str]]:
    """``nclplan verify`` on a 2,000-point UV-vis spectrum and a 50,000-point ESI mass spectrum,
    made from the Au25 bands and molmass's isotope envelope of [Au25(SC2H4Ph)18]-."""
    import numpy as np

    from nclplan.chemistry import parse_cluster
    from nclplan.verify.ms import shifted_ion

    folder = Path(tempfile.mkdtemp())
    x = np.linspace(300.0, 1099.6, 2000)
    y = 2.0 * np.exp(-(x - 300.0) / 120.0)
    for c, w, a in ((400.0, 18.0, 0.35), (450.0, 22.0, 0.25), (670.0, 25.0, 0.2)):
        y += a * np.exp(-((x - c) ** 2) / (2 * w * w))
    y += np.random.default_rng(0).normal(0.0, 0.001, x.size)
    np.savetxt(folder / "uvvis.csv", np.c_[x, y], delimiter=",", header="nm,A", comments="")
    mz = np.linspace(2000.0, 11000.0, 50_000)
    inten = np.abs(np.random.default_rng(1).normal(0.0, 0.002, mz.size))
    for m, rel in shifted_ion(parse_cluster("[Au25(PET)18]-"), -1)[1]:
        s = m * 80e-6 / 2.355
        inten += rel * np.exp(-((mz - m) ** 2) / (2 * s * s))
    np.savetxt(folder / "esi.txt", np.c_[mz, inten], fmt="%.6f")
    uv, ms = str(folder / "uvvis.csv"), str(folder / "esi.txt")
    base = [exe, "verify", "au25-pet-thf"]
    return {
        "verify --uvvis (2,000 points) -f json": [*base, "--uvvis", uv, "-f", "json"],
        "verify --ms (50,000 points) -f json": [*base, "--ms", ms, "-f", "json"],
        "verify --uvvis --ms -f json": [*base, "--uvvis", uv, "--ms", ms, "-f", "json"],
        "verify --uvvis --ms -o report.md (with plots)": [
            *base,
            "--uvvis",
            uv,
            "--ms",
            ms,
            "-o",
            str(folder / "report.md"),
            "--force",
        ],
    }


def sweep_rate() -> None:
    """Plans per second of in-process sweeps: plan and contract dict, as ``nclplan sweep`` does.

    Two kinds: a condition that changes no amount (pH) and ratios that change two reagents and
    every dependent number (a 10 x 10 grid). The fastest of five passes in CPU time, as timeit
    does: on a shared machine the slower passes measure the neighbours.
    """
    from nclplan.catalog import load_catalog
    from nclplan.export import plan_to_dict
    from nclplan.plan import make_plan
    from nclplan.sweep import grid

    cat = load_catalog()
    sweeps = {
        "sweep, in-process (au25-mba-co pH, 301 plans)": ("au25-mba-co", ["pH=9:12:0.01"]),
        "sweep, in-process (au25-pet-thf ratios, 100)": (
            "au25-pet-thf",
            ["thiol_ratio=2:6.5:0.5", "nabh4_ratio=5:14:1"],
        ),
    }
    for name, (route, vary) in sweeps.items():
        points = grid(vary)
        rates = []
        for _ in range(5):
            start = time.process_time()  # CPU time: other tenants of a shared machine don't count
            for point in points:
                plan_to_dict(make_plan(cat, route, settings=point))
            rates.append(len(points) / (time.process_time() - start))
        print(f"{name:45s} {max(rates):7.0f} plans/s")


if __name__ == "__main__":
    main()
