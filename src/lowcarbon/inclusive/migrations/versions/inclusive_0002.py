"""Carbon-inclusive tables shaped for ingestion (a batch of 1,000 events is one transaction under the partner's lock):

- events indexed by person and time (the fraud rules' look back), and otherwise only where two queries look (held
  events for review; credits not posted yet, for settling) instead of every event's status and posting time;
- a ledger entry carries both units, kg CO2e and points (a credit was two entries, one per unit); the entries stored
  so far keep their amount in their one unit and 0 in the other, so every sum stays what it was;
- the references that each batch checked row by row (an event's partner and person, an entry's event, a balance's
  and a daily total's person) are no foreign keys any more: ingestion writes the ids it has just read or made under
  the lock, and ``lowcarbon ledger reconcile`` reports any that point nowhere.

Revision ID: inclusive_0002
Revises: inclusive_0001
Create Date: 2026-12-06

Values are written out here, not imported from the package, so that this revision stays what it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "inclusive_0002"
down_revision = "inclusive_0001"
branch_labels = None
depends_on = None

EVENTS, ENTRIES, PEOPLE = "inclusive_events", "inclusive_entries", "inclusive_people"
HELD = "status = 'held'"
DUE = "posted_at IS NULL AND status IN ('credited', 'released')"
REFERENCES = (  # table, column, referred table; the entries first: SQLite copies a table to change it, and the events
    (ENTRIES, "event_row", EVENTS),  # table may be copied only when nothing refers to it
    (EVENTS, "partner_id", "inclusive_partners"),
    (EVENTS, "person_id", PEOPLE),
    ("inclusive_balances", "person_id", PEOPLE),
    ("inclusive_daily", "person_id", PEOPLE),
)


def _name(table: str, column: str, referred: str) -> str:
    return op.f(f"fk_{table}_{column}_{referred}")


def upgrade() -> None:
    for table, column, referred in REFERENCES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(_name(table, column, referred), type_="foreignkey")
    with op.batch_alter_table(ENTRIES) as batch:
        batch.add_column(sa.Column("kg", sa.Float(), nullable=True))
        batch.add_column(sa.Column("points", sa.Float(), nullable=True))
    op.execute(
        f"UPDATE {ENTRIES} SET kg = CASE WHEN unit = 'kg' THEN amount ELSE 0 END,"
        " points = CASE WHEN unit = 'points' THEN amount ELSE 0 END"
    )
    with op.batch_alter_table(ENTRIES) as batch:
        batch.alter_column("kg", existing_type=sa.Float(), nullable=False)
        batch.alter_column("points", existing_type=sa.Float(), nullable=False)
        batch.drop_column("unit")
        batch.drop_column("amount")
    if op.get_bind().dialect.name == "sqlite":
        _daily_without_rowid()
    op.drop_index(op.f("ix_inclusive_events_person_id"), table_name=EVENTS)
    op.drop_index(op.f("ix_inclusive_events_posted_at"), table_name=EVENTS)
    op.drop_index(op.f("ix_inclusive_events_status"), table_name=EVENTS)
    op.create_index(op.f("ix_inclusive_events_person_id_occurred_at"), EVENTS, ["person_id", "occurred_at"])
    for name, column, where in (("held", "id", HELD), ("due", "credit_at", DUE)):
        op.create_index(
            op.f(f"ix_inclusive_events_{name}"),
            EVENTS,
            [column],
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def _daily_without_rowid() -> None:
    """SQLite: the daily totals kept in the order of their key (person, behaviour, day), one B-tree, so a person's
    month is a page or two and an upsert one lookup (a rowid table keeps its key in a second B-tree)."""
    op.execute(
        "CREATE TABLE inclusive_daily_new (person_id INTEGER NOT NULL, behaviour VARCHAR(64) NOT NULL,"
        " day DATE NOT NULL, kg FLOAT NOT NULL, events INTEGER NOT NULL,"
        " CONSTRAINT pk_inclusive_daily PRIMARY KEY (person_id, behaviour, day)) WITHOUT ROWID"
    )
    op.execute("INSERT INTO inclusive_daily_new SELECT person_id, behaviour, day, kg, events FROM inclusive_daily")
    op.execute("DROP TABLE inclusive_daily")
    op.execute("ALTER TABLE inclusive_daily_new RENAME TO inclusive_daily")


def downgrade() -> None:
    op.drop_index(op.f("ix_inclusive_events_due"), table_name=EVENTS)
    op.drop_index(op.f("ix_inclusive_events_held"), table_name=EVENTS)
    op.drop_index(op.f("ix_inclusive_events_person_id_occurred_at"), table_name=EVENTS)
    op.create_index(op.f("ix_inclusive_events_status"), EVENTS, ["status"])
    op.create_index(op.f("ix_inclusive_events_posted_at"), EVENTS, ["posted_at"])
    op.create_index(op.f("ix_inclusive_events_person_id"), EVENTS, ["person_id"])
    with op.batch_alter_table(ENTRIES) as batch:
        batch.add_column(sa.Column("unit", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("amount", sa.Float(), nullable=True))
    columns = '"transaction", account, kind, event_row, methodology, at'
    op.execute(  # an entry of both units becomes two, the second for its points
        f"INSERT INTO {ENTRIES} ({columns}, kg, points, unit, amount)"
        f" SELECT {columns}, 0, 0, 'points', points FROM {ENTRIES} WHERE kg <> 0 AND points <> 0"
    )
    op.execute(
        f"UPDATE {ENTRIES} SET unit = CASE WHEN unit IS NOT NULL THEN unit WHEN kg <> 0 OR points = 0 THEN 'kg'"
        " ELSE 'points' END, amount = CASE WHEN unit IS NOT NULL THEN amount WHEN kg <> 0 OR points = 0 THEN kg"
        " ELSE points END"
    )
    with op.batch_alter_table(ENTRIES) as batch:
        batch.alter_column("unit", existing_type=sa.String(length=8), nullable=False)
        batch.alter_column("amount", existing_type=sa.Float(), nullable=False)
        batch.drop_column("kg")
        batch.drop_column("points")
    for table, column, referred in reversed(REFERENCES):
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(_name(table, column, referred), referred, [column], ["id"], ondelete="RESTRICT")
