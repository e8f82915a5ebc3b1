"""coach sessions (server-side sign-out), the coach's time zone, deleted observations

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 14:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "coach_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coach_id"], ["coach.id"], name=op.f("fk_coach_session_coach_id_coach"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_coach_session_token_hash")),
    )
    with op.batch_alter_table("coach_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coach_session_coach_id"), ["coach_id"], unique=False)
    with op.batch_alter_table("coach", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False)
        )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
    with op.batch_alter_table("coach", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
    with op.batch_alter_table("coach_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coach_session_coach_id"))
    op.drop_table("coach_session")
