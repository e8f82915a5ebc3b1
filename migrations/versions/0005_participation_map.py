"""the participation map: look-fors of kind seatmap

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 16:30:00

"""
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_KINDS = "kind in ('tally', 'duration', 'note', 'category', 'scan', 'interval', 'timer')"
NEW_KINDS = (
    "kind in ('tally', 'duration', 'note', 'category', 'scan', 'interval', 'timer', 'seatmap')"
)


def upgrade():
    with op.batch_alter_table("look_for", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_look_for_kind"), type_="check")
        batch_op.create_check_constraint("kind", NEW_KINDS)


def downgrade():
    with op.batch_alter_table("look_for", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_look_for_kind"), type_="check")
        batch_op.create_check_constraint("kind", OLD_KINDS)
