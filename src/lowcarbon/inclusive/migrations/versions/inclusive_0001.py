"""Carbon-inclusive rewards: partners, pseudonymous people and their links, events, the double-entry ledger, the
balances it keeps current, the daily totals the caps read, the reward catalogue and redemptions.

Revision ID: inclusive_0001
Revises:
Depends on: 0002 (organisations)
Create Date: 2026-12-06

The first revision of the inclusive branch. Values are written out here, not imported from the package, so that this
revision stays what it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "inclusive_0001"
down_revision = None
branch_labels = ("inclusive",)
depends_on = ("0002",)


def upgrade() -> None:
    timestamp = sa.DateTime(timezone=True)
    op.create_table(
        "inclusive_rewards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inclusive_rewards")),
    )
    op.create_table(
        "inclusive_partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("disabled_at", timestamp, nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_inclusive_partners_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inclusive_partners")),
        sa.UniqueConstraint("name", name=op.f("uq_inclusive_partners_name")),
    )
    op.create_index(
        op.f("ix_inclusive_partners_organisation_id"), "inclusive_partners", ["organisation_id"], unique=False
    )
    op.create_table(
        "inclusive_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=128), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["inclusive_partners.id"],
            name=op.f("fk_inclusive_people_partner_id_inclusive_partners"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inclusive_people")),
        sa.UniqueConstraint("partner_id", "pseudonym", name=op.f("uq_inclusive_people_partner_id_pseudonym")),
    )
    op.create_table(
        "inclusive_balances",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kg", sa.Float(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("updated_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["inclusive_people.id"],
            name=op.f("fk_inclusive_balances_person_id_inclusive_people"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_inclusive_balances")),
    )
    op.create_table(
        "inclusive_daily",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("behaviour", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kg", sa.Float(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["inclusive_people.id"],
            name=op.f("fk_inclusive_daily_person_id_inclusive_people"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("person_id", "behaviour", "day", name=op.f("pk_inclusive_daily")),
    )
    op.create_table(
        "inclusive_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("behaviour", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=True),
        sa.Column("occurred_at", timestamp, nullable=False),
        sa.Column("quantities", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("reduction_kg", sa.Float(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("received_at", timestamp, nullable=False),
        sa.Column("decided_at", timestamp, nullable=True),
        sa.Column("credit_at", timestamp, nullable=True),
        sa.Column("posted_at", timestamp, nullable=True),
        sa.CheckConstraint(
            "status IN ('credited', 'held', 'rejected', 'released', 'refused')", name=op.f("ck_inclusive_events_status")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["inclusive_partners.id"],
            name=op.f("fk_inclusive_events_partner_id_inclusive_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["inclusive_people.id"],
            name=op.f("fk_inclusive_events_person_id_inclusive_people"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inclusive_events")),
        sa.UniqueConstraint("partner_id", "event_id", name=op.f("uq_inclusive_events_partner_id_event_id")),
    )
    op.create_index(op.f("ix_inclusive_events_person_id"), "inclusive_events", ["person_id"], unique=False)
    op.create_index(op.f("ix_inclusive_events_posted_at"), "inclusive_events", ["posted_at"], unique=False)
    op.create_index(op.f("ix_inclusive_events_status"), "inclusive_events", ["status"], unique=False)
    op.create_table(
        "inclusive_links",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("linked_to", sa.Integer(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["linked_to"],
            ["inclusive_people.id"],
            name=op.f("fk_inclusive_links_linked_to_inclusive_people"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["inclusive_people.id"],
            name=op.f("fk_inclusive_links_person_id_inclusive_people"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_inclusive_links")),
    )
    op.create_index(op.f("ix_inclusive_links_linked_to"), "inclusive_links", ["linked_to"], unique=False)
    op.create_table(
        "inclusive_redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reward_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["inclusive_people.id"],
            name=op.f("fk_inclusive_redemptions_person_id_inclusive_people"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reward_id"],
            ["inclusive_rewards.id"],
            name=op.f("fk_inclusive_redemptions_reward_id_inclusive_rewards"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inclusive_redemptions")),
    )
    op.create_index(op.f("ix_inclusive_redemptions_person_id"), "inclusive_redemptions", ["person_id"], unique=False)
    op.create_table(
        "inclusive_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("transaction", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("event_row", sa.Integer(), nullable=True),
        sa.Column("methodology", sa.String(length=100), nullable=True),
        sa.Column("at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["event_row"],
            ["inclusive_events.id"],
            name=op.f("fk_inclusive_entries_event_row_inclusive_events"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inclusive_entries")),
    )
    op.create_index(op.f("ix_inclusive_entries_account"), "inclusive_entries", ["account"], unique=False)
    op.create_index(op.f("ix_inclusive_entries_transaction"), "inclusive_entries", ["transaction"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_inclusive_entries_transaction"), table_name="inclusive_entries")
    op.drop_index(op.f("ix_inclusive_entries_account"), table_name="inclusive_entries")
    op.drop_table("inclusive_entries")
    op.drop_index(op.f("ix_inclusive_redemptions_person_id"), table_name="inclusive_redemptions")
    op.drop_table("inclusive_redemptions")
    op.drop_index(op.f("ix_inclusive_links_linked_to"), table_name="inclusive_links")
    op.drop_table("inclusive_links")
    op.drop_index(op.f("ix_inclusive_events_status"), table_name="inclusive_events")
    op.drop_index(op.f("ix_inclusive_events_posted_at"), table_name="inclusive_events")
    op.drop_index(op.f("ix_inclusive_events_person_id"), table_name="inclusive_events")
    op.drop_table("inclusive_events")
    op.drop_table("inclusive_daily")
    op.drop_table("inclusive_balances")
    op.drop_table("inclusive_people")
    op.drop_index(op.f("ix_inclusive_partners_organisation_id"), table_name="inclusive_partners")
    op.drop_table("inclusive_partners")
    op.drop_table("inclusive_rewards")
