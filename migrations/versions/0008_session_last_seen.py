"""a sign-in ends after 30 days unused (coach_session.last_seen_at)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("coach_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    # Existing sign-ins count as last used when they began.
    op.execute("UPDATE coach_session SET last_seen_at = created_at")
    with op.batch_alter_table("coach_session", schema=None) as batch_op:
        batch_op.alter_column("last_seen_at", existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.create_index(batch_op.f("ix_coach_session_last_seen_at"), ["last_seen_at"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("coach_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coach_session_last_seen_at"))
        batch_op.drop_column("last_seen_at")
