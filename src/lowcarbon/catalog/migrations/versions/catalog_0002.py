"""The catalog's full-text index on PostgreSQL as an inverted index of its own (``catalog.postings``), in place of
``tsvector`` columns under a GIN index, whose bitmap scans visit a table row for every match. SQLite's FTS5 table
is kept as it is.

Revision ID: catalog_0002
Revises: catalog_0001
Create Date: 2026-12-06

The index is carried over in SQL, both ways: a product's terms are the lexemes of its ``tsvector`` columns (they
were written from the terms as they are); a key is a term or the start of a Latin term (``*`` and its first 2 or 3
characters), and its posting values (``2 * id``, plus one for an identifier's key) are four bytes each in network
byte order, in id order, as the package writes them.
"""

from __future__ import annotations

from alembic import op

revision = "catalog_0002"
down_revision = "catalog_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE catalog_search RENAME TO catalog_search_0001")
    op.execute(
        "CREATE TABLE catalog_search (id INTEGER NOT NULL, ident TEXT NOT NULL, names TEXT NOT NULL,"
        " CONSTRAINT pk_catalog_search PRIMARY KEY (id))"
    )
    op.execute(
        'CREATE TABLE catalog_postings (term TEXT COLLATE "C" NOT NULL, ids BYTEA NOT NULL,'
        " CONSTRAINT pk_catalog_postings PRIMARY KEY (term))"
    )
    op.execute("ALTER TABLE catalog_postings ALTER COLUMN ids SET STORAGE EXTERNAL")  # not compressed: read fast
    op.execute(
        "INSERT INTO catalog_search (id, ident, names)"
        " SELECT id, array_to_string(tsvector_to_array(ident), ' '),"
        " array_to_string(ARRAY(SELECT unnest(tsvector_to_array(terms)) EXCEPT"
        " SELECT unnest(tsvector_to_array(ident))), ' ') FROM catalog_search_0001"
    )
    op.execute(
        "WITH held AS (SELECT s.id, t.term, (t.term = ANY(tsvector_to_array(s.ident)))::int AS flag"
        " FROM catalog_search_0001 AS s, unnest(tsvector_to_array(s.terms)) AS t(term)),"
        " keyed AS (SELECT id, term AS key, flag FROM held UNION ALL"
        " SELECT id, '*' || left(term, n), flag FROM held, (VALUES (2), (3)) AS short(n)"
        " WHERE term ~ '^[0-9a-z]' AND length(term) >= n),"
        " distinct_keys AS (SELECT key, id, max(flag) AS flag FROM keyed GROUP BY key, id)"
        " INSERT INTO catalog_postings (term, ids)"
        " SELECT key, string_agg(substring(int8send(id::bigint * 2 + flag) FROM 5 FOR 4), ''::bytea ORDER BY id)"
        " FROM distinct_keys GROUP BY key"
    )
    op.execute("DROP TABLE catalog_search_0001")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE catalog_search_0001 (id INTEGER PRIMARY KEY, ident TSVECTOR NOT NULL, terms TSVECTOR NOT NULL)"
    )
    op.execute(
        "INSERT INTO catalog_search_0001 (id, ident, terms)"
        " SELECT id, array_to_tsvector(string_to_array(ident, ' ')),"
        " array_to_tsvector(string_to_array(trim(ident || ' ' || names), ' ')) FROM catalog_search"
    )
    op.execute("DROP TABLE catalog_postings")
    op.execute("DROP TABLE catalog_search")
    op.execute("ALTER TABLE catalog_search_0001 RENAME TO catalog_search")
    op.execute("CREATE INDEX ix_catalog_search_terms ON catalog_search USING GIN (terms)")
