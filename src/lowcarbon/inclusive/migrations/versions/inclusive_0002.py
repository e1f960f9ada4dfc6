"""Carbon-inclusive events indexed for ingestion: a person's events by time (the fraud rules' look back), and only
the rows two queries look for (held events for review; credits not posted yet, for settling) instead of every
event's status and posting time, which each insert paid for. The references that every batch of events checked row
by row (an event's partner and person, an entry's event) are no foreign keys any more: ingestion writes the ids it
has just read or made under the partner's lock, and ``lowcarbon ledger reconcile`` reports any that point nowhere.

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

EVENTS = "inclusive_events"
HELD = "status = 'held'"
DUE = "posted_at IS NULL AND status IN ('credited', 'released')"


ENTRIES = "inclusive_entries"
REFERENCES = (  # table, column, referred table
    (ENTRIES, "event_row", EVENTS),
    (EVENTS, "partner_id", "inclusive_partners"),
    (EVENTS, "person_id", "inclusive_people"),
)


def _name(table: str, column: str, referred: str) -> str:
    return f"fk_{table}_{column}_{referred}"


def upgrade() -> None:
    # the entries first: SQLite copies a table to change it, and the events table may go only when nothing refers to it
    for table, column, referred in REFERENCES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(_name(table, column, referred)), type_="foreignkey")
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


def downgrade() -> None:
    op.drop_index(op.f("ix_inclusive_events_due"), table_name=EVENTS)
    op.drop_index(op.f("ix_inclusive_events_held"), table_name=EVENTS)
    op.drop_index(op.f("ix_inclusive_events_person_id_occurred_at"), table_name=EVENTS)
    op.create_index(op.f("ix_inclusive_events_status"), EVENTS, ["status"])
    op.create_index(op.f("ix_inclusive_events_posted_at"), EVENTS, ["posted_at"])
    op.create_index(op.f("ix_inclusive_events_person_id"), EVENTS, ["person_id"])
    for table, column, referred in reversed(REFERENCES):
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(
                op.f(_name(table, column, referred)), referred, [column], ["id"], ondelete="RESTRICT"
            )
