"""How the pages list the problems of a refused form: each of its details, else its message; a file past a limit
of the bounded reader in the reader's own words, after what the limit is for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lowcarbon.errors import LimitExceeded, LowcarbonError

__all__ = ["problems_of"]


def problems_of(exc: LowcarbonError, _: Callable[[str], str]) -> list[dict[str, Any]]:
    """The problems of ``exc`` as a page lists them (``{"location", "message"}``), in the language of ``_``."""
    if isinstance(exc, LimitExceeded):
        message = _(
            "The file is past the limit %(limit)s, which keeps one file from taking the service down: it is larger, "
            "deeper or more compressed than real files are. The reader says:"
        ) % {"limit": exc.limit}
        return [{"location": [], "message": f"{message} {exc}"}]
    return exc.details or [{"location": [], "message": str(exc)}]
