"""A Dask LocalCluster on loopback for the tests of the Dask paths: two worker processes (so every value really
travels pickled), closed at the end with no worker process left behind and this process's environment as it was."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager

from distributed import LocalCluster


@contextmanager
def local_cluster() -> Iterator[LocalCluster]:
    """Two single-threaded worker processes and their scheduler on 127.0.0.1, no dashboard."""
    before = set(multiprocessing.active_children())
    environ = dict(os.environ)  # the nannies run here and set their workers' variables (OMP_NUM_THREADS...) here too
    try:
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster:
            yield cluster
    finally:
        os.environ.clear()
        os.environ.update(environ)
    left = set(multiprocessing.active_children()) - before
    assert not left, f"the cluster left worker processes behind: {left}"
