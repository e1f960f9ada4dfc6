"""Job functions for the process-pool tests, at module level here so that spawned workers can import them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from lowcarbon.errors import DataFormatError

WAIT_LIMIT = 30.0  # seconds a job waits at most for what a test promised, so that a failing test still ends


def double(payload: dict[str, Any]) -> dict[str, Any]:
    """A job function: twice the payload's number."""
    if payload["n"] < 0:
        raise DataFormatError(f"n: {payload['n']} is negative; give a number of at least 0")
    return {"n": payload["n"] * 2}


def nap(payload: dict[str, Any]) -> dict[str, Any]:
    """A runaway job: notes in the file ``began`` (when given) that it began, then sleeps ``seconds``."""
    if "began" in payload:
        Path(payload["began"]).touch()
    time.sleep(payload["seconds"])
    return {"slept": payload["seconds"]}


def wait_for_go(payload: dict[str, Any]) -> dict[str, Any]:
    """A job that adds a line to the file ``attempts`` each time it begins, then waits until the file ``go`` exists;
    answers how many times it began."""
    attempts = Path(payload["attempts"])
    with attempts.open("a") as handle:
        handle.write("began\n")
    deadline = time.monotonic() + WAIT_LIMIT
    while not Path(payload["go"]).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return {"attempts": len(attempts.read_text().splitlines())}
