"""The ``Domain`` descriptor: everything the assembler mounts for one domain, listed in one place.

A domain package describes itself once (its ``domain.py``): its API router, its pages and their templates, its job
kinds, the OAuth2 scopes its routes ask for, its migration branch, and how the demo seeds it. ``create_app`` and
``lowcarbon serve --demo`` iterate the domains the assembler lists (``lowcarbon.platform.app.DOMAINS``), so a new
domain is mounted by listing it there once. Migrations need no listing: ``migrate.version_locations`` finds every
``lowcarbon/<domain>/migrations/versions`` folder on disk, the branch named here among them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter
from sqlalchemy.orm import Session

from lowcarbon.platform.jobs import JobKind, JobRegistry
from lowcarbon.ports import Ports

__all__ = ["DemoSeed", "DemoSummary", "Domain", "job_registry"]

# The demo's hook: (session, ports acting as the demo, organisation ids by name, user ids by email); it adds what
# is not there yet.
DemoSeed = Callable[[Session, Ports, Mapping[str, int], Mapping[str, int]], None]
# What `serve --demo` prints of a domain's demo data: (session, the demo's organisation ids by name) -> lines.
DemoSummary = Callable[[Session, Mapping[str, int | None]], list[str]]


@dataclass(frozen=True)
class Domain:
    """One domain as the assembler mounts it."""

    name: str
    router: APIRouter | None = None  # the HTTP API, under /api
    pages: APIRouter | None = None  # the browser pages
    templates: Path | None = None  # the pages' Jinja2 templates; they extend the web package's base.html
    job_kinds: tuple[JobKind, ...] = ()
    scopes: Mapping[str, str] = field(default_factory=dict)  # OAuth2 scope -> what it allows
    migration_branch: str | None = None  # the Alembic branch label of lowcarbon/<package>/migrations/versions
    seed_demo: DemoSeed | None = None
    describe_demo: DemoSummary | None = None
    # run once, in the background, when a server starts (with a read session): to read what its first request would
    # otherwise wait for. Its failure is logged and changes nothing else.
    warm_up: Callable[[Session], object] | None = None


def job_registry(domains: Iterable[Domain]) -> JobRegistry:
    """The job kinds of ``domains``, as a runner takes them."""
    return JobRegistry(kind for domain in domains for kind in domain.job_kinds)
