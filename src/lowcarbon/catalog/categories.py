"""Procurement categories: the ones the certification schemes ship (``lowcarbon.certify``'s ``schemes.json``: codes,
names, standards, declared units and where each comes from) and the ones imports bring, created from their code.

A category's average and best footprint are not stored: ``catalog.search.category_figures`` reads them from the
valid products at the moment they are asked for, so they are always current.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lowcarbon.catalog.tables import Category
from lowcarbon.catalog.text import document_terms
from lowcarbon.certify.schemes import schemes

__all__ = ["add_missing", "all_categories", "search_names", "shipped"]


def shipped() -> list[Category]:
    """The categories of the certification schemes, each once (the first scheme naming a code describes it)."""
    found: dict[str, Category] = {}
    for scheme in schemes():
        source = f"{scheme.standard}; {scheme.modelled_on.get('en', '')}".strip("; ")
        for category in scheme.categories:
            found.setdefault(
                category.code,
                Category(
                    code=category.code,
                    name_zh=category.name.get("zh-CN"),
                    name_en=category.name.get("en"),
                    standard=category.standard,
                    declared_unit=category.declared_unit,
                    source=(category.source or source)[:500],
                ),
            )
    return list(found.values())


def add_missing(
    session: Session, codes: Iterable[str], names: Mapping[str, tuple[str | None, str | None]] | None = None
) -> list[str]:
    """Create the shipped categories and ``codes`` the catalog lacks, named by ``names`` (code -> zh, en) where it
    gives them; name categories that have no names yet. The codes of the categories created from a code."""
    names = names or {}
    have = {c.code: c for c in session.scalars(sa.select(Category))}
    for category in shipped():
        if category.code not in have:
            session.add(category)
            have[category.code] = category
    for code, (zh, en) in names.items():
        known = have.get(code)
        if known is not None and known.name_zh is None and known.name_en is None:
            known.name_zh, known.name_en = (zh or None), (en or None)
    added = sorted(set(codes) - set(have))
    session.add_all(
        Category(code=code, name_zh=names.get(code, (None, None))[0], name_en=names.get(code, (None, None))[1])
        for code in added
    )
    session.flush()
    return added


def all_categories(session: Session) -> list[Category]:
    return list(session.scalars(sa.select(Category).order_by(Category.code)))


def search_names(session: Session) -> dict[str, list[str]]:
    """The search terms of each category's names, which every product of the category is found by."""
    return {c.code: document_terms((c.name_zh, c.name_en)) for c in all_categories(session)}
