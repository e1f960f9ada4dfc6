"""How long `lowcarbon footprint` takes on a generated 5,000-activity product model (target: under 2 s).

    python benchmarks/footprint_model.py [--activities 5000] [--repeats 5]

Writes a model whose activities link to the shipped factors (grid electricity, fuels) and to 200 modelled
processes with co-products, then runs the command as a user does — a new process each time, reading the YAML,
building the system and solving it — and prints the median wall time against the target. No peer tool runs
this workload; the target is the issue's.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

FACTORS = [
    ("cn-grid-electricity/cn-national-2023", "kWh"),
    ("cn-grid-electricity/cn-east-2023", "kWh"),
    ("ipcc-2006-stationary-combustion/natural-gas", "MJ"),
    ("ipcc-2006-stationary-combustion/gas-diesel-oil", "MJ"),
    ("ipcc-2006-stationary-combustion/other-bituminous-coal", "GJ"),
]
STAGES = ["raw_material_acquisition", "production", "distribution", "use", "end_of_life"]


def generate(activities: int, processes: int, seed: int) -> dict[str, object]:
    """A model with ``activities`` lines in all: stage lines, and process inputs that may use other processes."""
    rng = random.Random(seed)

    def line(k: int, allow_process: bool) -> dict[str, object]:
        if allow_process and rng.random() < 0.2:
            return {
                "name": f"part {k}",
                "amount": round(rng.uniform(0.01, 2), 4),
                "unit": "kg",
                "process": f"p{rng.randrange(processes)}",
            }
        factor, unit = rng.choice(FACTORS)
        return {"name": f"input {k}", "amount": round(rng.uniform(0.01, 5), 4), "unit": unit, "factor": factor}

    process_inputs = activities // 2
    per_process = process_inputs // processes
    model_processes = [
        {
            "id": f"p{p}",
            "outputs": [
                {"product": f"p{p}", "amount": 1, "unit": "kg", "mass_kg": 1},
                {"product": f"p{p} scrap", "amount": 0.1, "unit": "kg", "mass_kg": 0.1},
            ],
            "allocation": "mass",
            # processes use only later processes, scaled down, so the system stays productive
            "inputs": [line(p * per_process + i, False) for i in range(per_process)],
        }
        for p in range(processes)
    ]
    stage_lines = activities - per_process * processes
    stages = [
        {"name": name, "activities": [line(s * 10_000 + i, True) for i in range(stage_lines // len(STAGES))]}
        for s, name in enumerate(STAGES)
    ]
    return {
        "product": {"name": "Generated product"},
        "declared_unit": {"amount": 1, "unit": "item"},
        "boundary": "cradle-to-grave",
        "stages": stages,
        "processes": model_processes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=5_000)
    parser.add_argument("--processes", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    command = shutil.which("lowcarbon", path=str(Path(sys.executable).parent)) or "lowcarbon"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.yaml"
        model = generate(args.activities, args.processes, args.seed)
        path.write_text(yaml.safe_dump(model, sort_keys=False), encoding="utf-8")
        lines = sum(len(s["activities"]) for s in model["stages"]) + sum(len(p["inputs"]) for p in model["processes"])  # type: ignore[arg-type,index,misc]
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            result = subprocess.run(
                [command, "footprint", str(path), "--json"], capture_output=True, text=True, check=False
            )
            times.append(time.perf_counter() - start)
            if result.returncode:
                raise SystemExit(result.stderr)
    median = statistics.median(times)
    print(f"model: {lines} activities, {args.processes} processes with co-products")
    print(f"lowcarbon footprint (whole command, new process each run): median {median:.3f} s over {args.repeats} runs")
    print(f"target: under 2 s -> {'met' if median < 2 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
