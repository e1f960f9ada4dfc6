"""lowcarbon's Monte Carlo against bw2calc's on the engine benchmark's system, in one run, from one datapackage.

    python benchmarks/monte_carlo.py [--activities 20000] [--iterations 1000] [--direct-iterations 100]
                                     [--processes 1] [--dask tcp://HOST:PORT | --dask local]

Builds the system of ``engine_vs_brightway.py`` (``lowcarbon.engine.synthetic.generate``, same defaults) with a
distribution on every technosphere and biosphere exchange (``synthetic.exchange_distributions``: normal production
amounts; lognormal, normal, triangular or uniform inputs; lognormal emissions), writes it once as a Brightway
datapackage (inputs positive with flip arrays and a ``distributions`` array, as bw2data writes them; the first
characterization vector's package from ``engine_vs_brightway.write_brightway``), and samples one demand's score:

- lowcarbon: ``monte_carlo`` (warm-started BiCGSTAB per sample; ``--processes`` to share the iterations);
- with ``--dask``, lowcarbon again on a Dask cluster (``lowcarbon.scale``): the scheduler at that address, or with
  ``local`` a ``distributed.LocalCluster`` of two single-threaded worker processes on 127.0.0.1; the output checks
  that its scores are those of the local run, bit for bit (same seed). The local cluster's workers run without
  Dask's ``MALLOC_TRIM_THRESHOLD_=65536`` (see ``lowcarbon.scale``);
- bw2calc ``IterativeLCA(..., use_distributions=True)``, ``next(lca)`` per iteration;
- bw2calc ``LCA(..., use_distributions=True)`` (its default direct solver, PARDISO when installed), for
  ``--direct-iterations`` only when that is fewer than ``--iterations``: its total is then extrapolated, and its
  statistics carry the sampling error of the fewer iterations (both are said in the output). With the same
  ``seed_override`` it draws the same samples as IterativeLCA; the output checks that their scores agree.

Time per iteration is the median: of each ``next(lca)`` for bw2calc, and of each block of
``montecarlo.BLOCK`` iterations divided by its size for lowcarbon (its iterations run in blocks). Setup (reading
the datapackages, the first solve) is reported apart. The statistics are the engine's (``Statistics``: sample
standard deviation) over each side's scores; the checks compare lowcarbon with IterativeLCA: time at most half,
mean within 1 %, standard deviation within 5 %, with the standard errors of the differences printed beside them.
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from lowcarbon.engine.montecarlo import BLOCK, monte_carlo
from lowcarbon.engine.statistics import Statistics
from lowcarbon.engine.synthetic import SyntheticSystem, exchange_distributions, generate
from lowcarbon.engine.uncertainty import load_uncertain_system

sys.path.insert(0, str(Path(__file__).parent))
from engine_vs_brightway import brightway_package, peer_solver, write_brightway


def write_uncertain_inventory(system: SyntheticSystem, path: Path, seed: int) -> Path:
    """The inventory datapackage with a ``distributions`` array beside each matrix's data, by bw_processing."""
    import bw_processing as bwp
    from fsspec.implementations.zip import ZipFileSystem

    distributions = exchange_distributions(system, seed)
    dp = bwp.create_datapackage(fs=ZipFileSystem(str(path), mode="w"), name="inventory")
    for matrix, (rows, cols, values) in (("technosphere", system.technosphere), ("biosphere", system.biosphere)):
        indices = np.zeros(rows.size, dtype=bwp.INDICES_DTYPE)
        indices["row"], indices["col"] = rows, cols
        dp.add_persistent_vector(
            matrix=f"{matrix}_matrix",
            indices_array=indices,
            data_array=np.abs(values),
            flip_array=values < 0,
            distributions_array=distributions[matrix].to_stats_arrays(),
            name=matrix,
        )
    dp.finalize_serialization()
    return path


def run_brightway(kind: Any, demand: dict[int, float], paths: list[Path], iterations: int, seed: int) -> dict[str, Any]:
    """``iterations`` of ``next(lca)`` on a bw2calc class with use_distributions=True: scores and times."""
    start = time.perf_counter()
    lca = kind(demand, data_objs=[brightway_package(p) for p in paths], use_distributions=True, seed_override=seed)
    lca.lci()
    lca.lcia()
    setup = time.perf_counter() - start
    scores, times = [], []
    for _ in range(iterations):
        tick = time.perf_counter()
        next(lca)
        scores.append(float(lca.score))
        times.append(time.perf_counter() - tick)
    return {"scores": np.array(scores), "per_iteration": statistics.median(times), "setup": setup, "total": sum(times)}


def run_lowcarbon(
    demand: dict[int, float], paths: list[Path], iterations: int, seed: int, processes: int, executor: Any = None
) -> dict[str, Any]:
    start = time.perf_counter()
    model = load_uncertain_system(paths)
    setup = time.perf_counter() - start
    marks = [(time.perf_counter(), 0)]

    def mark(done: int) -> None:
        marks.append((time.perf_counter(), done))

    result = monte_carlo(model, demand, iterations, seed, processes=processes, executor=executor, progress=mark)
    per_block = [(t1 - t0) / (d1 - d0) for (t0, d0), (t1, d1) in itertools.pairwise(marks) if d1 > d0]
    return {
        "scores": result.samples(),
        "per_iteration": statistics.median(per_block),
        "setup": setup,
        "total": marks[-1][0] - marks[0][0],
        "first_block": marks[1][0] - marks[0][0],  # includes, on a cluster, shipping the system and building solvers
        "uncertain": model.uncertain_count,
        "stages": dict(result.solver_stats),
        "top": result.variance_contributions()[:3],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--hub-exponent", type=float, default=1.3)
    parser.add_argument("--iterations", type=int, default=1_000)
    parser.add_argument("--direct-iterations", type=int, default=100, help="bw2calc's direct LCA (slow)")
    parser.add_argument("--processes", type=int, default=1, help="lowcarbon's processes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--dask", metavar="ADDRESS", help="also run lowcarbon on this Dask scheduler ('local': start one)"
    )
    args = parser.parse_args(argv)

    import bw2calc

    warnings.simplefilter("ignore")
    system = generate(activities=args.activities, hub_exponent=args.hub_exponent, seed=args.seed)
    rng = np.random.default_rng(args.seed + 1)  # the engine benchmark's first demand
    demand = {int(rng.choice(system.activity_ids)): 1.0}
    rows: list[tuple[str, int, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        _, methods = write_brightway(system, Path(tmp))
        paths = [write_uncertain_inventory(system, Path(tmp) / "uncertain.zip", args.seed), methods[0]]
        ours = run_lowcarbon(demand, paths, args.iterations, args.seed, args.processes)
        print(
            f"system: {args.activities} activities, {ours['uncertain']} uncertain values; demand {demand}; "
            f"bw2calc {bw2calc.__version__} with {peer_solver(bw2calc)}; lowcarbon stages {ours['stages']}"
        )
        rows.append(
            (f"lowcarbon monte_carlo ({args.processes} process{'es' * (args.processes > 1)})", args.iterations, ours)
        )
        if args.dask:
            rows.append(run_on_dask(args.dask, demand, paths, args.iterations, args.seed, ours))
        iterative = run_brightway(bw2calc.IterativeLCA, demand, paths, args.iterations, args.seed)
        rows.append(("bw2calc IterativeLCA", args.iterations, iterative))
        direct_count = min(args.direct_iterations, args.iterations)
        direct = run_brightway(bw2calc.LCA, demand, paths, direct_count, args.seed)
        rows.append(("bw2calc LCA (direct)", direct_count, direct))

    print()
    header = (
        f"{'engine':<34} {'iterations':>10} {'setup s':>8} {'s/iteration':>12} {'total s':>9} {'mean':>10} {'std':>9}"
    )
    print(header)
    for name, count, row in rows:
        s = Statistics.of(row["scores"])
        total = row["total"] * args.iterations / count
        mark = "*" if count < args.iterations else " "
        print(
            f"{name:<34} {count:>10} {row['setup']:>8.2f} {row['per_iteration']:>12.4f} {total:>8.1f}{mark} "
            f"{s.mean:>10.5g} {s.std:>9.4g}"
        )
    if direct_count < args.iterations:
        print(
            f"* extrapolated from {direct_count} iterations to {args.iterations}; its mean and std are over "
            f"{direct_count} iterations only"
        )
    print(f"s/iteration: median of each next(lca) for bw2calc, of each block of {BLOCK} for lowcarbon")
    # with one seed_override bw2calc's two classes draw the same samples: only their solvers differ
    shared = iterative["scores"][:direct_count]
    gap = np.max(np.abs(direct["scores"] - shared) / np.abs(shared))
    print(f"bw2calc's LCA and IterativeLCA drew the same samples (same seed): scores within {gap:.1e} relative")
    print()
    for name, _, row in rows:
        if "first_block" in row:
            print(f"{name}: first block of {BLOCK} after {row['first_block']:.2f} s (the run's preparation included)")
    for name, count, row in rows[1:]:
        if "first_block" in row:
            continue
        compare(name, ours["scores"], row["scores"], ours["per_iteration"], row["per_iteration"], count)
    print()
    print("largest contributions to variance (squared Spearman rank correlation):")
    for c in ours["top"]:
        print(f"  {c.matrix} ({c.row}, {c.column}): {c.spearman_squared:.3f}")
    return 0


def run_on_dask(
    address: str, demand: dict[int, float], paths: list[Path], iterations: int, seed: int, local: dict[str, Any]
) -> tuple[str, int, dict[str, Any]]:
    """lowcarbon's run on a Dask cluster (started here for ``local``), checked against the local run's scores."""
    from contextlib import ExitStack

    from lowcarbon.scale import executor_from_environ

    with ExitStack() as stack:
        if address == "local":
            import dask
            from distributed import LocalCluster

            # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also stops glibc from raising
            # its mmap threshold: every temporary vector of a sample is then mapped and faulted in afresh, and a
            # block takes about 2.4 times as long (measured); lowcarbon's workers should run without it
            dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})
            cluster = LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
            )
            address = stack.enter_context(cluster).scheduler_address
        executor = executor_from_environ({"LOWCARBON_DASK_SCHEDULER": address})
        assert executor is not None
        stack.callback(executor.shutdown)
        workers = len(executor.client.scheduler_info()["workers"])
        row = run_lowcarbon(demand, paths, iterations, seed, 1, executor)
    same = np.array_equal(row["scores"], local["scores"])
    print(f"lowcarbon on Dask ({address}, {workers} workers): scores identical to the local run's: {same}")
    return f"lowcarbon on Dask ({workers} workers)", iterations, row


def compare(name: str, ours: np.ndarray, theirs: np.ndarray, our_time: float, their_time: float, count: int) -> None:
    """Time ratio, mean and std differences against one bw2calc run, with the standard errors of the differences."""
    a, b = Statistics.of(ours), Statistics.of(theirs)
    mean_error = math.sqrt(a.std**2 / ours.size + b.std**2 / theirs.size) / abs(b.mean)
    std_error = math.sqrt(1 / (2 * ours.size) + 1 / (2 * theirs.size))  # of a ratio of normal sample sds
    mean_gap, std_gap = a.mean / b.mean - 1, a.std / b.std - 1
    print(
        f"vs {name} ({count} iterations): time {our_time / their_time:.2f}x theirs"
        f" ({'met' if our_time <= their_time / 2 else 'NOT met'}: at most 0.5x); "
        f"mean {mean_gap:+.2%} (standard error {mean_error:.2%}; {'met' if abs(mean_gap) <= 0.01 else 'NOT met'}: "
        f"within 1 %); std {std_gap:+.2%} (standard error {std_error:.2%}; "
        f"{'met' if abs(std_gap) <= 0.05 else 'NOT met'}: within 5 %)"
    )


if __name__ == "__main__":
    sys.exit(main())
