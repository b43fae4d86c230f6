"""Time whole-process runs of nclplan against a bare interpreter, in the same run.

    python benchmarks/bench_route.py [--runs 15]

Prints median wall-clock times and the ratio to ``python -c pass``. Speed targets live here, not
in timed tests: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = shutil.which("nclplan") or str(Path(sys.executable).with_name("nclplan"))
    pdf = str(Path(tempfile.mkdtemp()) / "plan.pdf")
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "nclplan --help": [exe, "--help"],
        "route Au25 --scale 50mg --format json": [
            exe,
            "route",
            "Au25",
            "--scale",
            "50mg",
            "--format",
            "json",
        ],
        "route Au25 --scale 50mg --format md": [
            exe,
            "route",
            "Au25",
            "--scale",
            "50mg",
            "--format",
            "md",
        ],
        "route Au25 --scale 50mg -o plan.pdf --force": [exe, "route", "Au25", "--scale", "50mg",
                                                        "-o", pdf, "--force"],
        "check (shipped catalog)": [exe, "check"],
    }
    base = None
    for name, cmd in cases.items():
        t = median_seconds(cmd, args.runs)
        base = base or t
        print(f"{name:45s} {t * 1000:7.1f} ms  {t / base:5.1f}x")


if __name__ == "__main__":
    main()
