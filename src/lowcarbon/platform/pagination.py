"""Pagination of list endpoints: ``?limit=&cursor=``, newest first, with the URL of the next page in ``next``.

    GET /api/products?limit=20              {"items": [...20 newest...], "next": "/api/products?limit=20&cursor=..."}
    GET /api/products?limit=20&cursor=...   {"items": [...the next 20...], "next": null}      # null: the last page

A cursor is opaque to clients: today the unpadded base64url of ``id:`` and the last id shown, so pages are keyed on
the id (stable while rows are added: nothing is skipped or shown twice, as offsets would). The OpenAPI document
gives its pattern (``CURSOR_PATTERN``); a cursor outside it, or one that does not decode to an id, is 400
``invalid_input``. Ids are 1 to ``MAX_ID``, what the records' id columns hold on both databases.
``limit`` is 1 to 100, 20 by default. Routes fetch ``limit + 1`` rows (``PageRequest.fetch``), so ``next`` is null
exactly on the last page, never a link to an empty one.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Query, Request

from lowcarbon.errors import InvalidInput

T = TypeVar("T")

__all__ = [
    "CURSOR_PATTERN",
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


MAX_ID = 2**31 - 1  # the largest id the records' id columns hold on both databases (PostgreSQL INTEGER)
# "aWQ6" is "id:" in base64; then 1 to 10 digits (the digits of MAX_ID) take 2 to 14 characters, without padding.
CURSOR_PATTERN = r"^aWQ6[A-Za-z0-9_-]{2,14}$"
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
    last_id = None
    if re.fullmatch(CURSOR_PATTERN, cursor) and len(cursor) % 4 != 1:  # no base64 has a lone last character
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        last_id = parse_id(decoded.removeprefix(b"id:").decode("ascii", errors="replace"))
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
    cursor: Annotated[
        str | None,
        Query(
            description="The cursor from the previous page's `next` URL",
            json_schema_extra={"pattern": CURSOR_PATTERN},  # checked by decode_cursor, with a message that helps
        ),
    ] = None,
) -> PageRequest:
    """The page a list request asks for."""
    return PageRequest(request, limit, decode_cursor(cursor) if cursor is not None else None)


PageDep = Annotated[PageRequest, Depends(page_request)]
