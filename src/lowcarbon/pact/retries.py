"""When an event a customer's host did not take is tried again: exponential backoff, up to 72 hours.

PACT v3.0.3 §Action Events: a sender SHOULD try an event the recipient did not take again, with an exponential
backoff, for up to 72 hours. ``BACKOFF`` is the schedule, as data: the pause after the n-th failed job (each job
already posts up to ``answers.ATTEMPTS`` times, seconds apart), doubling from one minute; its 12 pauses add up to
68 h 15 min, within ``WINDOW``, so the 13th failure is final. ``next_attempt`` reads it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

__all__ = ["BACKOFF", "WINDOW", "next_attempt"]

WINDOW = timedelta(hours=72)
BACKOFF: tuple[timedelta, ...] = tuple(
    timedelta(minutes=minutes) for minutes in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048)
)


def next_attempt(failures: int, failed_at: datetime, schedule: tuple[timedelta, ...] = BACKOFF) -> datetime | None:
    """When to try again after the ``failures``-th failed job (the latest at ``failed_at``); None: give up."""
    if failures < 1 or failures > len(schedule):
        return None
    return failed_at + schedule[failures - 1]
