"""A study's Monte Carlo runs.

Revision ID: studies_0006
Revises: studies_0005
Create Date: 2027-02-01

``monte_carlo_runs`` holds each Monte Carlo run of a study: the iterations and the seed, where its job stands, its
statistics with the sampled totals once done (JSON) or its error, the key of the file its worker reports progress in,
and who asked for it when. Going down refuses while a run is kept: the older schema has no place for it.
Values are written out here, not imported from the package, so that this revision stays what it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "studies_0006"
down_revision = "studies_0005"
branch_labels = None
depends_on = None

CREATOR = "(created_by IS NULL) <> (created_by_client IS NULL)"
STATUS = "status IN ('queued', 'running', 'done', 'failed')"


def upgrade() -> None:
    op.create_table(
        "monte_carlo_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("iterations", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("result", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("progress_key", sa.String(32), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_by_client", sa.Integer(), nullable=True),
        sa.Column("client_name", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(STATUS, name=op.f("ck_monte_carlo_runs_status")),
        sa.CheckConstraint(CREATOR, name=op.f("ck_monte_carlo_runs_creator")),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_monte_carlo_runs_study_id_studies"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_monte_carlo_runs_job_id_jobs"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_monte_carlo_runs_created_by_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_client"],
            ["machine_clients.id"],
            name=op.f("fk_monte_carlo_runs_created_by_client_machine_clients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monte_carlo_runs")),
        sa.UniqueConstraint("job_id", name=op.f("uq_monte_carlo_runs_job_id")),
    )
    op.create_index(op.f("ix_monte_carlo_runs_study_id"), "monte_carlo_runs", ["study_id"])


def downgrade() -> None:
    kept: int = op.get_bind().execute(sa.text("SELECT count(*) FROM monte_carlo_runs")).scalar_one()
    if kept:
        raise RuntimeError(
            f"{kept} Monte Carlo runs of studies, which revision studies_0005 cannot record; they stay, and so does "
            "revision studies_0006"
        )
    op.drop_index(op.f("ix_monte_carlo_runs_study_id"), table_name="monte_carlo_runs")
    op.drop_table("monte_carlo_runs")
