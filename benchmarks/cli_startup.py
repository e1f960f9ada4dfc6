"""How long the command line takes to answer, as a user runs it: a new process each time, median of several runs.

    python benchmarks/cli_startup.py [--runs 9]

Times ``lowcarbon --version``, ``lowcarbon --help`` and ``lowcarbon footprint examples/pv-module/model.yaml``
against their targets (0.2 s, 0.2 s, 0.5 s), and ``python -c pass``: the interpreter's own start, which no change
to lowcarbon can go below. Runs the console script next to this interpreter (``lowcarbon`` in the venv), else
``python -c "from lowcarbon.cli import run; run()"``. Prints the load average too: on a busy machine every
figure grows, the floor with them. Where the time goes: ``python -X importtime -c "import lowcarbon.cli"``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pv-module" / "model.yaml"


def lowcarbon_command() -> list[str]:
    """The ``lowcarbon`` console script of this interpreter's environment, else the same entry point through it."""
    script = Path(sys.executable).with_name("lowcarbon")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from lowcarbon.cli import run; run()"]


def cases() -> list[tuple[str, list[str], float | None]]:
    """(label, command, target in seconds or None for the floor)."""
    lowcarbon = lowcarbon_command()
    return [
        ("python -c pass (floor)", [sys.executable, "-c", "pass"], None),
        ("lowcarbon --version", [*lowcarbon, "--version"], 0.2),
        ("lowcarbon --help", [*lowcarbon, "--help"], 0.2),
        ("lowcarbon footprint examples/pv-module/model.yaml", [*lowcarbon, "footprint", str(EXAMPLE)], 0.5),
    ]


def wall_time(command: list[str]) -> float:
    """Seconds from start to exit of one process; it must succeed."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="Runs of each command (default 9); the median is shown.")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs: give 1 or more")
    plan = cases()
    for _label, command, _target in plan:  # one warm-up each: the first run also reads files into the page cache
        wall_time(command)
    times: dict[str, list[float]] = {label: [] for label, _, _ in plan}
    for _ in range(args.runs):  # interleaved, so that a burst of load touches every command alike
        for label, command, _target in plan:
            times[label].append(wall_time(command))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    print(f"{args.runs} runs each; load average {load}; {os.cpu_count()} CPUs; {sys.executable}")
    missed = 0
    for label, _command, target in plan:
        median = statistics.median(times[label])
        spread = f"(min {min(times[label]):.3f}, max {max(times[label]):.3f})"
        if target is None:
            verdict = ""
        elif median < target:
            verdict = f"target < {target} s: met"
        else:
            verdict = f"target < {target} s: MISSED"
            missed += 1
        print(f"{label:<52} median {median:.3f} s {spread}  {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
