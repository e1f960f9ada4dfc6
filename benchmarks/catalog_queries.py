"""The catalog benchmark's queries, made from the generated products, and the same queries written with SQL LIKE.

    queries = make_queries(generated, 1000, seed=7)
    queries[0].params          # the API's query string: {"q": "格力 KFR", "label": ["environmental-label"]}
    like_statements(queries[0], "sqlite", today)   # (facet counts and total, first page): SQL text and parameters

Four kinds, as buyers and consumers search: ``text`` (a two-character Chinese word from a category's names, a
brand, a brand with the start of a model number, English words, mixed scripts, full-width forms, a whole model
number), ``facets`` (category, label, region, certification body, footprint at most, and combinations), ``both``
and ``sorted`` (by footprint, either way). About one in seven asks for every status (``status=any``). A query's
values come from one product picked at random (its text and its filters from the same one), so the popular brands
and big categories come up as often as they would.

The LIKE baseline is what one writes without a search index: each word of the text (folded to half-width and lower
case) as ``'%word%'`` over the names, brand and model number, the filters as WHERE clauses, one statement counting
the total and each facet with GROUP BY over the matches (a common table expression, so the matches are found once),
and one reading the first page ORDER BY footprint LIMIT 21.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from catalog_products import LABELS, REGIONS, Generated

__all__ = ["KINDS", "BenchQuery", "like_statements", "make_queries"]

KINDS = ("text", "facets", "both", "sorted")
KIND_SHARES = (0.35, 0.25, 0.20, 0.20)
ANY_STATUS = 0.15
FACET_COLUMNS = ("category_code", "label", "region", "certification_body")


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    shape: str  # what the query is made of ("brand+model", "category+label", ...)
    params: dict[str, Any] = field(default_factory=dict)


def full_width(text: str) -> str:
    """``text`` as typed with a Chinese input method in full-width mode."""
    return "".join("\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _model_start(model: str, rng: random.Random) -> str:
    letters = len(model) - len(model.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-"))
    return model[: max(2, letters + rng.randrange(0, 3))].rstrip("-/")


def _text(g: Generated, rng: random.Random, i: int) -> tuple[str, str]:
    c, b, model = g.categories[g.category[i]], g.brands[g.brand[i]], g.model[i]
    shape = rng.choice(
        ("zh-word", "zh-word", "brand", "brand", "brand+model", "english", "mixed", "full-width", "model")
    )
    if shape == "zh-word":
        word = rng.choice((c.product_zh, c.descriptors[g.descriptor[i]][0]))  # the words of a product's name
        start = rng.randrange(max(1, len(word) - 1))
        return shape, word[start : start + 2]
    if shape == "brand":
        return shape, b.text
    if shape == "brand+model":
        return shape, f"{b.text} {_model_start(model, rng)}"
    if shape == "english":
        return shape, rng.choice((c.product_en, f"{c.descriptors[g.descriptor[i]][1]} {c.product_en}", b.latin))
    if shape == "mixed":
        return shape, rng.choice((f"{b.text} {_model_start(model, rng)}", f"{c.product_zh} {_model_start(model, rng)}"))
    if shape == "full-width":
        return shape, full_width(f"{b.text} {_model_start(model, rng)}")
    return shape, model


def _facets(g: Generated, rng: random.Random, i: int) -> tuple[str, dict[str, Any]]:
    c = g.categories[g.category[i]]
    values = {
        "category": [c.code],
        "label": [LABELS[g.label[i]][0]],
        "region": [REGIONS[g.region[i]][0]],
        "certification_body": [g.bodies[g.body[i]][0]],
        "footprint_max": f"{c.median_kg * rng.choice((0.5, 0.8, 1.0, 1.5)):.4g}",
    }
    shape = rng.choice(
        (
            ("category",),
            ("category",),
            ("category", "label"),
            ("region",),
            ("certification_body",),
            ("label", "region"),
            ("category", "footprint_max"),
            ("category", "region", "label"),
            ("footprint_max",),
        )
    )
    params = {name: values[name] for name in shape}
    if rng.random() < 0.1:  # two values of one filter: either
        j = rng.randrange(g.size)
        name = "label" if "label" in params else "region"
        other = LABELS[g.label[j]][0] if name == "label" else REGIONS[g.region[j]][0]
        params[name] = sorted({values[name][0], other})
    return "+".join(shape), params


def make_queries(g: Generated, count: int, *, seed: int = 7) -> list[BenchQuery]:
    """``count`` queries of every kind, mixed; the same arguments give the same queries."""
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        kind = rng.choices(KINDS, KIND_SHARES)[0]
        params: dict[str, Any] = {}
        shapes = []
        i = rng.randrange(g.size)  # text and filters from one product, as a person looking for it would ask
        if kind in ("text", "both") or (kind == "sorted" and rng.random() < 0.5):
            shape, params["q"] = _text(g, rng, i)
            shapes.append(shape)
        if kind in ("facets", "both") or (kind == "sorted" and not params):
            shape, facets = _facets(g, rng, i)
            params.update(facets)
            shapes.append(shape)
        if kind == "sorted":
            params["sort"] = rng.choice(("footprint", "-footprint"))
            shapes.append(params["sort"])
        if rng.random() < ANY_STATUS:
            params["status"] = "any"
            shapes.append("any")
        queries.append(BenchQuery(kind, " ".join(shapes), params))
    return queries


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def like_statements(query: BenchQuery, dialect: str, today: date) -> list[tuple[str, dict[str, Any]]]:
    """The statements a LIKE search runs for ``query``: facet counts with the total, then the first page."""
    where: list[str] = []
    bound: dict[str, Any] = {}
    like = "ILIKE" if dialect == "postgresql" else "LIKE"
    for n, word in enumerate(_fold(query.params.get("q", "")).split()):
        bound[f"t{n}"] = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            "(" + " OR ".join(f"{c} {like} :t{n} ESCAPE '\\'" for c in ("name_zh", "name_en", "brand", "model")) + ")"
        )
    for name, column in (("category", "category_code"), *((c, c) for c in FACET_COLUMNS[1:])):
        if name in query.params:
            names = [f"{name}{k}" for k in range(len(query.params[name]))]
            bound.update(zip(names, query.params[name], strict=True))
            where.append(f"{column} IN ({', '.join(':' + n for n in names)})")
    if "footprint_max" in query.params:
        where.append("footprint <= :footprint_max")
        bound["footprint_max"] = float(query.params["footprint_max"])
    if query.params.get("status") != "any":
        where.append("certificate_status = 'valid' AND (valid_until IS NULL OR valid_until >= :today)")
        bound["today"] = today if dialect == "postgresql" else today.isoformat()
    condition = " AND ".join(where) or "1 = 1"
    counts = " UNION ALL ".join(
        ["SELECT 'total', '', COUNT(*) FROM m"]
        + [f"SELECT '{c}', {c}, COUNT(*) FROM m GROUP BY {c}" for c in FACET_COLUMNS]
    )
    facets = f"WITH m AS (SELECT {', '.join(FACET_COLUMNS)} FROM catalog_products WHERE {condition}) {counts}"
    direction = "DESC" if query.params.get("sort") == "-footprint" else "ASC"
    page = f"SELECT * FROM catalog_products WHERE {condition} ORDER BY footprint {direction} NULLS LAST, id LIMIT 21"
    return [(facets, bound), (page, bound)]
