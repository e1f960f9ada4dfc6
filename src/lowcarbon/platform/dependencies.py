"""What routes ask for: the settings, the engine, a session, the clock and the job runner, as ``Annotated`` aliases.

``SessionDep`` is one transaction per request: it commits when the route returns and rolls back when it raises,
before the response is sent (FastAPI's ``scope="function"``), so a client never sees success for a failed commit.
``WriteSessionDep`` is the same for routes that write: on SQLite it takes the write lock at BEGIN, so concurrent
writers queue instead of failing (see ``database.writer``). ``NowDep`` is the time of the request by the app's
clock, which tests replace to move time. ``JobsDep`` is the app's job runner (see ``jobs``). ``ports_for`` hands a
domain's service the kernel's ports (``lowcarbon.ports``) bound to a request's transaction and caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from lowcarbon.platform.audit import AuditTrail
from lowcarbon.platform.clock import Clock, system_clock
from lowcarbon.platform.jobs import JobRunner
from lowcarbon.platform.settings import Settings
from lowcarbon.ports import Ports

__all__ = [
    "EngineDep",
    "JobsDep",
    "NowDep",
    "Platform",
    "SessionDep",
    "SettingsDep",
    "WriteSessionDep",
    "get_engine",
    "get_jobs",
    "get_now",
    "get_session",
    "get_settings",
    "get_write_session",
    "ports_for",
]


@dataclass(frozen=True)
class Platform:
    """What ``create_app`` builds once and keeps on ``app.state.platform``."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session]
    jobs: JobRunner
    clock: Clock = field(default=system_clock)

    @cached_property
    def secret_key(self) -> str:
        """The settings' secret key, read (or generated) on first use rather than when the app is built."""
        return self.settings.ensure_secret_key()

    @staticmethod
    def of(app: FastAPI) -> Platform:
        """The platform of ``app``."""
        platform = app.state.platform
        assert isinstance(platform, Platform), "build the app with lowcarbon.platform.app.create_app"
        return platform


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    return Platform.of(request.app).settings


def get_engine(request: Request) -> Engine:
    """The app's database engine."""
    return Platform.of(request.app).engine


def get_session(request: Request) -> Iterator[Session]:
    """A session in a transaction that commits when the route returns and rolls back when it raises."""
    with Platform.of(request.app).sessions.begin() as session:
        yield session


def get_write_session(request: Request) -> Iterator[Session]:
    """Like ``get_session``, for routes that write: SQLite's write lock is taken at BEGIN."""
    with Platform.of(request.app).write_sessions.begin() as session:
        yield session


def get_now(request: Request) -> datetime:
    """The time of the request, by the app's clock."""
    return Platform.of(request.app).clock()


def get_jobs(request: Request) -> JobRunner:
    """The app's job runner."""
    return Platform.of(request.app).jobs


def ports_for(request: Request, session: Session, actor: str) -> Ports:
    """The ports a domain's service is handed for a change in ``session``'s transaction made by ``actor``."""
    platform = Platform.of(request.app)
    return Ports(audit=AuditTrail(session, actor), jobs=platform.jobs.queue(session), clock=platform.clock)


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
WriteSessionDep = Annotated[Session, Depends(get_write_session, scope="function")]
NowDep = Annotated[datetime, Depends(get_now)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
