"""Where heavy work runs beyond this machine: a Dask distributed scheduler named by ``LOWCARBON_DASK_SCHEDULER``.

    executor = executor_from_environ()          # None unless LOWCARBON_DASK_SCHEDULER=tcp://host:port is set
    try:
        result = monte_carlo(model, demand, 1000, seed=1, executor=executor)
    finally:
        if executor is not None:
            executor.shutdown()

``DaskExecutor`` is a ``concurrent.futures.Executor`` on a ``distributed.Client``: ``submit`` runs a module-level
function on a worker, and ``share`` scatters a value to every worker once (what ``monte_carlo`` does with the
system it samples; see ``lowcarbon.engine.montecarlo``). The platform's ``DaskRunner`` (``platform.dask_jobs``)
connects through ``connect`` too, from its ``dask_scheduler`` setting, which reads the same variable.

The workers need lowcarbon installed, and should run without the ``MALLOC_TRIM_THRESHOLD_=65536`` that Dask's nanny
sets for them (in the workers' Dask configuration: ``distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_:
null``): an explicit trim threshold also stops glibc from raising its mmap threshold, so every temporary vector of a
Monte Carlo sample is mapped and faulted in afresh, and a block took 2.4 times as long on the benchmark's system.

A leaf: it imports ``distributed`` only when a scheduler is asked for, so the package works without the extra
``dask``; it answers ``DaskNotInstalled`` then, and ``DaskUnavailable`` when the scheduler does not answer within
``CONNECT_SECONDS``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from lowcarbon.errors import DaskNotInstalled, DaskUnavailable

__all__ = ["CONNECT_SECONDS", "ENVIRON", "DaskExecutor", "connect", "describe", "executor_from_environ"]

ENVIRON = "LOWCARBON_DASK_SCHEDULER"
#: How long a connection to the scheduler may take before it counts as unreachable.
CONNECT_SECONDS = 5.0


def connect(address: str, *, timeout: float = CONNECT_SECONDS) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address`` (``tcp://host:port``), or a clear error."""
    try:
        from distributed import Client
    except ImportError:
        raise DaskNotInstalled(
            f"{ENVIRON} is set to {address}, but the Dask distributed package is not installed: install lowcarbon "
            f"with its extra 'dask' (pip install 'lowcarbon[dask]'), or unset {ENVIRON} to run on this machine"
        ) from None
    try:
        # a client that fails to connect would spend 10 s more closing itself when collected: probe first
        with ThreadPoolExecutor(1, thread_name_prefix="lowcarbon-dask-probe") as probe:  # free of any event loop
            probe.submit(asyncio.run, _handshake(address, timeout)).result()
        return Client(address, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
    except Exception as exc:  # refused, timed out, a malformed address, or something else answering there
        raise DaskUnavailable(
            f"the Dask scheduler at {address} cannot be reached within {timeout:g} s ({type(exc).__name__}: "
            f"{exc}): start it, correct {ENVIRON} (tcp://host:port), or unset {ENVIRON} to run on this machine"
        ) from None


async def _handshake(address: str, timeout: float) -> None:
    """Open and close one connection to ``address`` with Dask's own handshake."""
    from distributed.comm.core import connect as open_comm

    comm = await open_comm(address, timeout=timeout)  # type: ignore[no-untyped-call]
    await comm.close()


class DaskExecutor(Executor):
    """A ``concurrent.futures.Executor`` whose work runs on a Dask cluster; ``shutdown`` closes its client."""

    def __init__(self, client: Any, address: str) -> None:
        self.client = client
        self.address = address
        self._executor = client.get_executor(pure=False)  # every call runs: no key from hashing its arguments

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = self._executor.submit(fn, *args, **kwargs)
        return future

    def share(self, value: Any) -> Any:
        """Place ``value`` on every worker once; what ``submit``'s arguments name it by (a Dask future)."""
        return self.client.scatter(value, broadcast=True, hash=False)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._executor.shutdown(wait=wait and not cancel_futures)
        self.client.close()


def executor_from_environ(environ: Mapping[str, str] | None = None) -> DaskExecutor | None:
    """A ``DaskExecutor`` on the scheduler ``LOWCARBON_DASK_SCHEDULER`` names; None when it is unset or empty."""
    address = (os.environ if environ is None else environ).get(ENVIRON, "").strip()
    if not address:
        return None
    return DaskExecutor(connect(address), address)


def describe(executor: Executor | None, processes: int) -> dict[str, object]:
    """Which executor ran the work, for people and for ``--json``: ``{"dask": address}`` or ``{"processes": n}``."""
    if isinstance(executor, DaskExecutor):
        return {"dask": executor.address}
    return {"processes": processes}
