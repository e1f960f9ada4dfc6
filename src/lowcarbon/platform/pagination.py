"""Pagination of list endpoints: ``?limit=&cursor=``, newest first, with the URL of the next page in ``next``.

    GET /api/products?limit=20              {"items": [...20 newest...], "next": "/api/products?limit=20&cursor=..."}
    GET /api/products?limit=20&cursor=...   {"items": [...the next 20...], "next": null}      # null: the last page

A cursor is opaque to clients: today the base64url of the last id shown, so pages are keyed on the id (stable while
rows are added: nothing is skipped or shown twice, as offsets would). A malformed cursor is 400 ``invalid_input``.
``limit`` is 1 to 100, 20 by default. Routes fetch ``limit + 1`` rows (``PageRequest.fetch``), so ``next`` is null
exactly on the last page, never a link to an empty one.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Query, Request

from lowcarbon.errors import InvalidInput

T = TypeVar("T")

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_ID",
    "MAX_LIMIT",
    "IdPath",
    "IdQuery",
    "PageDep",
    "PageRequest",
    "decode_cursor",
    "encode_cursor",
    "page_request",
    "parse_id",
]

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def encode_cursor(last_id: int) -> str:
    """The cursor of the page after the one whose last item has ``last_id``."""
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


MAX_ID = 2**63 - 1  # the largest id a database integer column (SQLite INTEGER, PostgreSQL BIGINT) holds
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="A record's id")]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="A record's id")]


def parse_id(text: str) -> int | None:
    """The record id ``text`` writes in ASCII digits, or None for anything else (``²``, 30 digits, "-1")."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def decode_cursor(cursor: str) -> int:
    """The last id the cursor stands for; InvalidInput when it is not a cursor this API gave."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    kind, _, number = text.partition(":")
    last_id = parse_id(number) if kind == "id" else None
    if last_id is None:
        raise InvalidInput("cursor: not a cursor of this API; use the `next` URL of the previous page as it is")
    return last_id


@dataclass(frozen=True)
class PageRequest:
    """What a list request asks for: at most ``limit`` items after the id ``after`` (None: from the newest)."""

    request: Request
    limit: int
    after: int | None

    @property
    def fetch(self) -> int:
        """How many rows to read: one more than ``limit``, to know whether another page follows."""
        return self.limit + 1

    def page(self, rows: Sequence[T], key: Callable[[T], int]) -> tuple[list[T], str | None]:
        """The page's items out of ``fetch`` rows, and the URL of the next page (None on the last)."""
        items = list(rows[: self.limit])
        if len(rows) <= self.limit:
            return items, None
        url = self.request.url.include_query_params(limit=self.limit, cursor=encode_cursor(key(items[-1])))
        return items, f"{url.path}?{url.query}"


def page_request(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="The cursor from the previous page's `next` URL")] = None,
) -> PageRequest:
    """The page a list request asks for."""
    return PageRequest(request, limit, decode_cursor(cursor) if cursor else None)


PageDep = Annotated[PageRequest, Depends(page_request)]
