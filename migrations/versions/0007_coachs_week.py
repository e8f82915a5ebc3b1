"""the coach's week: visits, the coaching log, offered times and their links, the calendar
feed's token, archived teachers and their school, dated cycle changes, a debrief's last view

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 18:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ACTIVITY_CHECK = (
    "kind in ('observation', 'debrief', 'co_planning', 'modeling', 'co_teaching', "
    "'data_conversation', 'resource_sharing', 'other')"
)


def upgrade():
    with op.batch_alter_table("coach", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_token_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_coach_calendar_token_hash"),
                                          ["calendar_token_hash"])
    with op.batch_alter_table("teacher", schema=None) as batch_op:
        batch_op.add_column(sa.Column("school", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("debrief", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coach_seen_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "cycle_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycle.id"],
                                name=op.f("fk_cycle_change_cycle_id_cycle"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_change")),
    )
    with op.batch_alter_table("cycle_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cycle_change_cycle_id"), ["cycle_id"], unique=False)

    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(ACTIVITY_CHECK, name=op.f("ck_visit_kind")),
        sa.ForeignKeyConstraint(["coach_id"], ["coach.id"], name=op.f("fk_visit_coach_id_coach"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["teacher_id"], ["teacher.id"],
                                name=op.f("fk_visit_teacher_id_teacher"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
        sa.UniqueConstraint("uid", name=op.f("uq_visit_uid")),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_coach_id"), ["coach_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_teacher_id"), ["teacher_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "log_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(ACTIVITY_CHECK, name=op.f("ck_log_entry_kind")),
        sa.ForeignKeyConstraint(["coach_id"], ["coach.id"],
                                name=op.f("fk_log_entry_coach_id_coach"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["teacher_id"], ["teacher.id"],
                                name=op.f("fk_log_entry_teacher_id_teacher"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_entry")),
    )
    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_log_entry_coach_id"), ["coach_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_log_entry_teacher_id"), ["teacher_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_log_entry_on_date"), ["on_date"], unique=False)

    op.create_table(
        "time_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(ACTIVITY_CHECK, name=op.f("ck_time_offer_kind")),
        sa.ForeignKeyConstraint(["coach_id"], ["coach.id"],
                                name=op.f("fk_time_offer_coach_id_coach"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_offer")),
    )
    with op.batch_alter_table("time_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_time_offer_coach_id"), ["coach_id"], unique=False)

    op.create_table(
        "offer_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["offer_id"], ["time_offer.id"],
                                name=op.f("fk_offer_slot_offer_id_time_offer"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"],
                                name=op.f("fk_offer_slot_visit_id_visit"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_slot")),
        sa.UniqueConstraint("visit_id", name=op.f("uq_offer_slot_visit_id")),
    )
    with op.batch_alter_table("offer_slot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_slot_offer_id"), ["offer_id"], unique=False)

    op.create_table(
        "offer_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["offer_id"], ["time_offer.id"],
                                name=op.f("fk_offer_link_offer_id_time_offer"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["teacher_id"], ["teacher.id"],
                                name=op.f("fk_offer_link_teacher_id_teacher"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"],
                                name=op.f("fk_offer_link_visit_id_visit"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_offer_link_token_hash")),
    )
    with op.batch_alter_table("offer_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_link_offer_id"), ["offer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_offer_link_teacher_id"), ["teacher_id"],
                              unique=False)


def downgrade():
    for table in ("offer_link", "offer_slot", "time_offer", "log_entry", "visit",
                  "cycle_change"):
        op.drop_table(table)
    with op.batch_alter_table("debrief", schema=None) as batch_op:
        batch_op.drop_column("coach_seen_at")
    with op.batch_alter_table("teacher", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
        batch_op.drop_column("school")
    with op.batch_alter_table("coach", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_coach_calendar_token_hash"), type_="unique")
        batch_op.drop_column("calendar_token_hash")
