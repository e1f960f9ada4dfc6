"""What routes ask for: the settings, the engine and a session, as ``Annotated`` aliases.

``SessionDep`` is one transaction per request: it commits when the route returns and rolls back when it raises,
before the response is sent (FastAPI's ``scope="function"``), so a client never sees success for a failed commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from lowcarbon.platform.settings import Settings

__all__ = ["EngineDep", "Platform", "SessionDep", "SettingsDep", "get_engine", "get_session", "get_settings"]


@dataclass(frozen=True)
class Platform:
    """What ``create_app`` builds once and keeps on ``app.state.platform``."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

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


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
