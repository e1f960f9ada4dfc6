"""lowcarbon's engine against bw2calc 3.x on one synthetic ecoinvent-sized system, in one process.

    python benchmarks/engine_vs_brightway.py [--activities 20000] [--hub-exponent 1.3] [--repeats 5]

Builds the system (see ``lowcarbon.engine.synthetic``), writes it as Brightway datapackages (.zip, inputs
stored positive with flip arrays, as bw2data writes them; one datapackage per characterization vector), and
times, on the same files, each workload from the files on disk:

1. build + factorize + first solve: load, build matrices, solve one demand, score it;
2. 1,000 single demands, one after the other, on the system of (1) (its factorization reused), and the same
   demands as one batch of scores from the files (bw2calc: FastScoresOnlyMultiLCA, direction "auto");
3. every activity's score for one characterization vector (bw2calc: FastScoresOnlyMultiLCA in the adjoint
   direction with one demand, reading its ``product_scores``: its quickest route);
4. the same for three vectors;
5. the adjoint solve alone, matrices already in memory (bw2calc: ``solve_adjoint``, which factorizes).

It checks that both give the same answers (1e-9 relative) and prints medians over ``--repeats`` runs and the
ratio bw2calc / lowcarbon. bw2calc uses PARDISO when pypardiso is installed (the ``bench`` extra installs it):
the fastest solver it has on x86_64.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from lowcarbon.engine import load_system
from lowcarbon.engine.solvers import analyse
from lowcarbon.engine.synthetic import SyntheticSystem, generate


def write_brightway(system: SyntheticSystem, folder: Path) -> tuple[Path, list[Path]]:
    """The inventory datapackage and one datapackage per characterization vector, written by bw_processing."""
    import bw_processing as bwp
    from fsspec.implementations.zip import ZipFileSystem

    inventory = folder / "inventory.zip"
    dp = bwp.create_datapackage(fs=ZipFileSystem(str(inventory), mode="w"), name="inventory")
    rows, cols, values = system.technosphere
    indices = np.zeros(rows.size, dtype=bwp.INDICES_DTYPE)
    indices["row"], indices["col"] = rows, cols
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        indices_array=indices,
        data_array=np.abs(values),
        flip_array=values < 0,
        name="technosphere",
    )
    rows, cols, values = system.biosphere
    indices = np.zeros(rows.size, dtype=bwp.INDICES_DTYPE)
    indices["row"], indices["col"] = rows, cols
    dp.add_persistent_vector(matrix="biosphere_matrix", indices_array=indices, data_array=values, name="biosphere")
    dp.finalize_serialization()
    methods = []
    for k, (flow_ids, factors) in enumerate(system.characterizations):
        path = folder / f"method-{k}.zip"
        mp = bwp.create_datapackage(fs=ZipFileSystem(str(path), mode="w"), name=f"method-{k}")
        indices = np.zeros(flow_ids.size, dtype=bwp.INDICES_DTYPE)
        indices["row"] = flow_ids
        mp.add_persistent_vector(
            matrix="characterization_matrix",
            indices_array=indices,
            data_array=factors,
            name=f"method-{k}",
            identifier=[f"method-{k}"],
        )
        mp.finalize_serialization()
        methods.append(path)
    return inventory, methods


def brightway_package(path: Path) -> Any:
    import bw_processing as bwp
    from fsspec.implementations.zip import ZipFileSystem

    return bwp.load_datapackage(ZipFileSystem(str(path)))


def peer_solver(bw2calc: Any) -> str:
    return "PARDISO" if bw2calc.PYPARDISO else "UMFPACK" if bw2calc.UMFPACK else "SuperLU"


def timed(function: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time over ``repeats`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--inputs", type=float, default=8.0)
    parser.add_argument("--flows", type=int, default=2_000)
    parser.add_argument("--flows-per-activity", type=float, default=5.0)
    parser.add_argument("--hub-exponent", type=float, default=1.3)
    parser.add_argument("--demands", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    import bw2calc
    from bw2calc import LCA, FastScoresOnlyMultiLCA

    warnings.simplefilter("ignore")
    system = generate(
        activities=args.activities,
        inputs=args.inputs,
        flows=args.flows,
        flows_per_activity=args.flows_per_activity,
        hub_exponent=args.hub_exponent,
        seed=args.seed,
    )
    rng = np.random.default_rng(args.seed + 1)
    demands = [int(x) for x in rng.choice(system.activity_ids, size=args.demands)]
    first = {demands[0]: 1.0}
    rows: list[tuple[str, float, float]] = []

    with tempfile.TemporaryDirectory() as tmp:
        inventory, methods = write_brightway(system, Path(tmp))
        ours_probe = load_system([inventory, methods[0]])
        order = analyse(ours_probe.technosphere).order
        print(
            f"system: {len(ours_probe.activities)} activities, {ours_probe.technosphere.nnz} technosphere and "
            f"{ours_probe.biosphere.nnz} biosphere entries, {len(ours_probe.flows)} flows; largest loop "
            f"{order.largest_block} activities; lowcarbon solver: {ours_probe.solver.method}; "
            f"bw2calc {bw2calc.__version__} with {peer_solver(bw2calc)}"
        )

        # 1. build + factorize + first solve
        def bw_first() -> Any:
            lca = LCA(first, data_objs=[brightway_package(inventory), brightway_package(methods[0])])
            lca.lci()
            lca.lcia()
            return lca

        def our_first() -> Any:
            ours = load_system([inventory, methods[0]])
            ours.score(first)
            return ours

        bw_time, lca = timed(bw_first, args.repeats)
        our_time, ours = timed(our_first, args.repeats)
        check("first score", [lca.score], [ours.score(first)])
        rows.append(("build + factorize + first solve", bw_time, our_time))

        # 2. single demands, factorization reused
        def bw_many() -> list[float]:
            scores = []
            for product in demands:
                lca.lcia(demand={product: 1.0})
                scores.append(lca.score)
            return scores

        def our_many() -> list[float]:
            return [ours.score({product: 1.0}) for product in demands]

        repeats = max(1, min(args.repeats, 3))
        bw_time, bw_scores = timed(bw_many, repeats)
        our_time, our_scores = timed(our_many, repeats)
        check("single demands", bw_scores, our_scores)
        rows.append((f"{len(demands):,} single demands", bw_time, our_time))

        # 2b. the same demands as one batch, scores only: each side's best direction (both take the adjoint)
        batch = {f"d{k}": {product: 1.0} for k, product in enumerate(demands)}

        def bw_batch() -> Any:
            config = {"impact_categories": [("method-0",)]}
            packages = [brightway_package(inventory), brightway_package(methods[0])]
            fast = FastScoresOnlyMultiLCA(demands=batch, method_config=config, data_objs=packages, direction="auto")
            return fast.calculate()

        def our_batch() -> Any:
            return load_system([inventory, methods[0]]).batch_scores([{p: 1.0} for p in demands])

        bw_time, bw_result = timed(bw_batch, repeats)
        our_time, our_result = timed(our_batch, repeats)
        check("batch of demands", bw_result.values[0], our_result[0])
        rows.append((f"{len(demands):,} demands as one batch", bw_time, our_time))

        # 3 and 4. every activity's score. bw2calc's quickest route: one demand in the adjoint direction, then
        # its product_scores (the score of one unit of every product), rather than 20,000 labelled demands.
        for count in (1, len(methods)):

            def bw_all(count: int = count) -> Any:
                config = {"impact_categories": [(f"method-{k}",) for k in range(count)]}
                packages = [brightway_package(inventory)] + [brightway_package(m) for m in methods[:count]]
                fast = FastScoresOnlyMultiLCA(
                    demands={"one": first}, method_config=config, data_objs=packages, direction="adjoint"
                )
                fast.calculate()
                return fast.product_scores

            def our_all(count: int = count) -> Any:
                return load_system([inventory, *methods[:count]]).activity_scores()

            bw_time, bw_result = timed(bw_all, repeats)
            our_time, our_result = timed(our_all, repeats)
            ids = load_system([inventory]).activities.ids
            for k in range(count):
                expected = bw_result.sel(LCIA=str((f"method-{k}",))).sel(products=list(ids)).values
                check(f"every activity, vector {k}", expected, our_result[k])
            rows.append((f"every activity's score, {count} vector{'s' * (count > 1)}", bw_time, our_time))

        # 5. the adjoint solve alone
        config = {"impact_categories": [(f"method-{k}",) for k in range(len(methods))]}
        fast = FastScoresOnlyMultiLCA(
            demands={"one": first},
            method_config=config,
            data_objs=[brightway_package(inventory)] + [brightway_package(m) for m in methods],
            direction="adjoint",
        )
        fast.calculate()
        rhs = np.ascontiguousarray(np.vstack(list(fast.precalculated.values())).T)
        full = load_system([inventory, *methods])
        our_rhs = np.ascontiguousarray(full.characterized_biosphere.T)
        from lowcarbon.engine import choose_solver

        bw_time, _ = timed(lambda: fast.solve_adjoint(rhs), args.repeats)
        our_time, _ = timed(lambda: choose_solver(full.technosphere).solve_transposed(our_rhs), args.repeats)
        rows.append((f"adjoint solve only, {len(methods)} vectors", bw_time, our_time))

    print()
    print(f"{'workload':<40} {'bw2calc s':>11} {'lowcarbon s':>12} {'ratio':>7}")
    for name, bw_time, our_time in rows:
        print(f"{name:<40} {bw_time:>11.4f} {our_time:>12.4f} {bw_time / our_time:>6.1f}x")
    print(f"(medians; workload 2 and 3-4 over {repeats} runs, the others over {args.repeats})")
    return 0


def check(what: str, expected: Any, actual: Any) -> None:
    """Stop the benchmark if the two engines disagree by more than 1e-9 relative."""
    e, a = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    if e.shape != a.shape or not np.allclose(a, e, rtol=1e-9, atol=1e-300):
        worst = np.max(np.abs(a - e) / np.maximum(np.abs(e), 1e-300)) if e.shape == a.shape else float("nan")
        raise SystemExit(f"answers differ: {what}: worst relative difference {worst:.3e}")
    print(f"agree: {what} ({e.size} values, rtol 1e-9)")


if __name__ == "__main__":
    sys.exit(main())
