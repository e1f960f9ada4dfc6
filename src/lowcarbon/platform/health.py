"""``GET /healthz``: the service's version and whether its database answers, for load balancers and people.

200 with ``status: ok`` when the database answers; 503 with ``status: unavailable`` and the database's
``error`` (``code: database_unreachable`` and the driver's one-line reason) when it does not.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel

from lowcarbon import __version__
from lowcarbon.platform.database import ping
from lowcarbon.platform.dependencies import EngineDep
from lowcarbon.platform.http_errors import ErrorBody

__all__ = ["DatabaseHealth", "Health", "router"]

router = APIRouter(tags=["health"])


class DatabaseHealth(BaseModel):
    """Whether the database answers; ``error`` says why not."""

    state: Literal["ok", "unreachable"]
    error: ErrorBody | None = None


class Health(BaseModel):
    """The service's state."""

    status: Literal["ok", "unavailable"]
    service: str = "lowcarbon"
    version: str
    database: DatabaseHealth


@router.get("/healthz", response_model_exclude_none=True, responses={503: {"model": Health}})
def healthz(engine: EngineDep, response: Response) -> Health:
    """The service's version and whether its database answers."""
    problem = ping(engine)
    if problem is None:
        return Health(status="ok", version=__version__, database=DatabaseHealth(state="ok"))
    response.status_code = 503
    error = ErrorBody(code="database_unreachable", message=problem)
    return Health(status="unavailable", version=__version__, database=DatabaseHealth(state="unreachable", error=error))
