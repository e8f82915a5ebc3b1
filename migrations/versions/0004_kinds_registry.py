"""observation kinds from the registry: look-for config, event data, four new kinds

The CHECK on look_for.kind is the registry's list at the time of this migration, written out
here so the migration never changes when a later kind is added (that kind's own migration
widens it again).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_KINDS = "kind in ('tally', 'duration', 'note')"
NEW_KINDS = "kind in ('tally', 'duration', 'note', 'category', 'scan', 'interval', 'timer')"


def upgrade():
    with op.batch_alter_table("look_for", schema=None) as batch_op:
        batch_op.add_column(sa.Column("config", sa.JSON(), server_default="{}", nullable=False))
        batch_op.drop_constraint(op.f("ck_look_for_kind"), type_="check")
        batch_op.create_check_constraint("kind", NEW_KINDS)
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("data")
    with op.batch_alter_table("look_for", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_look_for_kind"), type_="check")
        batch_op.create_check_constraint("kind", OLD_KINDS)
        batch_op.drop_column("config")
