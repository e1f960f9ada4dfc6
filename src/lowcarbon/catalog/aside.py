"""Work done aside, in a forked child process, while this process goes on with its own: a large import's index
terms are made while the products are written (two cores: Python tokenizes on one while the database stores on the
other).

    with Aside(lambda: (make(item) for item in items)) as aside:
        ...                       # this process's own work
        for result in aside.results():
            ...

The child writes its results (picklable values), pickled in batches, to an unnamed temporary file and leaves with
``os._exit``: nothing of this process (database connections, exit handlers) runs or closes in the child. Where
``fork`` is missing, or the child fails, the work is done here instead, when the results are read: the same results
either way. ``fork=False`` (little work: a fork costs more than it saves) does it here from the start.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Generic, TypeVar

__all__ = ["Aside"]

T = TypeVar("T")
_BATCH = 10_000


class Aside(Generic[T]):
    """``produce()`` run in a forked child from the moment the block is entered; its results read back after."""

    def __init__(self, produce: Callable[[], Iterable[T]], *, fork: bool = True) -> None:
        self._produce = produce
        self._fork = fork and hasattr(os, "fork")
        self._pid: int | None = None
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by __exit__

    def __enter__(self) -> Aside[T]:
        if self._fork:
            pid = os.fork()
            if pid == 0:
                self._child()
            self._pid = pid
        return self

    def _child(self) -> None:
        code = 1
        try:
            batch: list[T] = []
            for item in self._produce():
                batch.append(item)
                if len(batch) == _BATCH:
                    pickle.dump(batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
                    batch = []
            pickle.dump(batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._file.flush()
            code = 0
        finally:
            os._exit(code)

    def _succeeded(self) -> bool:
        """Wait for the child; whether it wrote every result."""
        if self._pid is None:
            return False
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return os.waitstatus_to_exitcode(status) == 0

    def results(self) -> Iterator[T]:
        """The results, in the order ``produce`` made them (made here if the child could not)."""
        if not self._succeeded():
            yield from self._produce()
            return
        self._file.seek(0)
        while True:
            try:
                batch = pickle.load(self._file)  # our own child's file, never outside input
            except EOFError:
                return
            yield from batch

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._pid is not None:  # left before reading the results: the child is not needed any more
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None
        self._file.close()
