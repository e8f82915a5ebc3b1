"""the goal as a measure: the cycle's measure, baseline and target values, goal met, planning
notes and report texts; GROW notes; next steps looked at again; the teacher's cycle link

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 17:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("measure", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("baseline_value", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("target_value", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("baseline_from_first", sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("goal_met_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("planning_notes", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("report_overview", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("report_reflection", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("previous_cycle_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cycle_previous_cycle_id_cycle"), "cycle", ["previous_cycle_id"],
            ["id"], ondelete="SET NULL")
    with op.batch_alter_table("debrief", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grow_notes", sa.JSON(), nullable=True))
    with op.batch_alter_table("next_step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("status_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint("status", "status in ('done', 'not_yet')")
    op.create_table(
        "cycle_share_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"],
                                name=op.f("fk_cycle_share_link_cycle_id_cycle"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_share_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_cycle_share_link_token_hash")),
    )
    with op.batch_alter_table("cycle_share_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cycle_share_link_cycle_id"), ["cycle_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("cycle_share_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cycle_share_link_cycle_id"))
    op.drop_table("cycle_share_link")
    with op.batch_alter_table("next_step", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_next_step_status"), type_="check")
        batch_op.drop_column("status_at")
        batch_op.drop_column("status")
    with op.batch_alter_table("debrief", schema=None) as batch_op:
        batch_op.drop_column("grow_notes")
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_cycle_previous_cycle_id_cycle"), type_="foreignkey")
        for column in ("previous_cycle_id", "report_reflection", "report_overview",
                       "planning_notes", "goal_met_at", "baseline_from_first", "target_value",
                       "baseline_value", "measure"):
            batch_op.drop_column(column)
