"""Offered times: the coach proposes a few slots, and each teacher picks one through a private
link of their own (no account).

A slot is taken once. Booking inserts the visit, then claims the slot with a single
`UPDATE offer_slot SET visit_id = … WHERE id = … AND visit_id IS NULL`: of two teachers pressing
at the same moment, the database lets exactly one UPDATE change the row (PostgreSQL re-checks
the WHERE after the first commits; SQLite lets one writer in at a time). The other transaction
is rolled back, visit and all, and that teacher is told the time was just taken.

Link tokens follow the share links' rules (app/share/services.py): 256 random bits, shown
once, stored as a SHA-256."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import abort
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import ACTIVITIES, Coach, OfferLink, OfferSlot, Teacher, TimeOffer, Visit, utcnow
from ..share.services import Resolved, hash_token, resolve
from .services import MAX_MINUTES, ScheduleError, to_utc

MIN_SLOTS, MAX_SLOTS = 2, 6
# A link stays open a week past the last time offered, so the teacher can still read what
# they booked; free times that have passed are never offered.
LINK_DAYS_AFTER_LAST = 7
TAKEN = "That time was just taken. Choose another."


class SlotTaken(ScheduleError):
    """Another teacher took the time first."""


class AlreadyBooked(ScheduleError):
    """This link already booked a time."""


@dataclass(frozen=True)
class OfferInput:
    """What the "Offer times" form sends, parsed: times are (date, start) in the coach's zone."""

    teacher_ids: list[int]
    kind: str
    minutes: int
    times: list[tuple[date, time]]
    place: str | None = None
    note: str | None = None


@dataclass
class MadeOffer:
    offer: TimeOffer
    # Each teacher's new link and its token, shown once.
    links: list[tuple[OfferLink, str]] = field(default_factory=list)


def _teachers(coach: Coach, ids: list[int]) -> list[Teacher]:
    wanted = sorted(set(ids))
    if not wanted:
        raise ScheduleError("Choose at least one teacher.")
    teachers = list(db.session.scalars(
        select(Teacher).where(Teacher.id.in_(wanted), Teacher.coach_id == coach.id,
                              Teacher.archived_at.is_(None)).order_by(Teacher.name)
    ))
    if len(teachers) != len(wanted):
        raise ScheduleError("Choose among your own teachers.")
    return teachers


def _moments(coach: Coach, times: list[tuple[date, time]], now: datetime) -> list[datetime]:
    moments = sorted({to_utc(day, start, coach.time_zone) for day, start in times})
    if len(moments) < len(times):
        raise ScheduleError("Each time offered must be different.")
    if not MIN_SLOTS <= len(moments) <= MAX_SLOTS:
        raise ScheduleError(f"Offer {MIN_SLOTS} to {MAX_SLOTS} times.")
    if moments[0] <= now:
        raise ScheduleError("Offer times that are still ahead.")
    return moments


def create_offer(coach: Coach, data: OfferInput, now: datetime | None = None) -> MadeOffer:
    """Offer 2–6 times to one or more teachers: one private link per teacher."""
    now = now or utcnow()
    if data.kind not in ACTIVITIES:
        raise ScheduleError("Choose a kind of visit.")
    if not 1 <= data.minutes <= MAX_MINUTES:
        raise ScheduleError(f"Use 1 to {MAX_MINUTES} minutes.")
    place = (data.place or "").strip() or None
    note = (data.note or "").strip() or None
    if place and len(place) > 120:
        raise ScheduleError("Use at most 120 characters for the place.")
    if note and len(note) > 2000:
        raise ScheduleError("Use at most 2000 characters for the note.")
    teachers = _teachers(coach, data.teacher_ids)
    moments = _moments(coach, data.times, now)
    offer = TimeOffer(coach_id=coach.id, kind=data.kind, minutes=data.minutes, place=place,
                      note=note, slots=[OfferSlot(starts_at=m) for m in moments])
    db.session.add(offer)
    made = MadeOffer(offer)
    expires = moments[-1] + timedelta(days=LINK_DAYS_AFTER_LAST)
    for teacher in teachers:
        token = secrets.token_urlsafe(32)
        link = OfferLink(offer=offer, teacher=teacher, token_hash=hash_token(token),
                         expires_at=expires)
        db.session.add(link)
        made.links.append((link, token))
    db.session.commit()
    return made


def resolve_token(token: str) -> Resolved:
    """Which teacher's booking link a token opens, and whether it still does."""
    return resolve(token, OfferLink)


def get_owned_offer(coach: Coach, offer_id: int) -> TimeOffer:
    """The coach's offer, or 404."""
    offer = db.session.get(TimeOffer, offer_id)
    if offer is None or offer.coach_id != coach.id:
        abort(404)
    return offer


def get_offer_link(offer: TimeOffer, link_id: int) -> OfferLink:
    """One of this offer's links, or 404."""
    link = db.session.get(OfferLink, link_id)
    if link is None or link.offer_id != offer.id:
        abort(404)
    return link


def links_of(offer: TimeOffer) -> list[OfferLink]:
    return list(db.session.scalars(
        select(OfferLink).where(OfferLink.offer_id == offer.id)
        .options(selectinload(OfferLink.teacher)).order_by(OfferLink.id)
    ))


def offers_of(coach: Coach) -> list[TimeOffer]:
    """The coach's offers, newest first."""
    return list(db.session.scalars(
        select(TimeOffer).where(TimeOffer.coach_id == coach.id)
        .options(selectinload(TimeOffer.slots))
        .order_by(TimeOffer.created_at.desc(), TimeOffer.id.desc())
    ))


def visits_by_id(ids) -> dict[int, Visit]:
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    visits = db.session.scalars(
        select(Visit).where(Visit.id.in_(ids)).options(selectinload(Visit.teacher)))
    return {visit.id: visit for visit in visits}


def revoke_link(link: OfferLink) -> None:
    """End a teacher's link at once (a time it booked stays planned)."""
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        db.session.commit()


def free_slots(offer: TimeOffer, now: datetime | None = None) -> list[OfferSlot]:
    """The times still open: not taken, not passed."""
    now = now or utcnow()
    return [slot for slot in offer.slots if slot.visit_id is None and slot.starts_at > now]


def booked_visit(link: OfferLink) -> Visit | None:
    return db.session.get(Visit, link.visit_id) if link.visit_id else None


def book(link: OfferLink, slot_id: int, now: datetime | None = None) -> Visit:
    """The teacher takes one time: it becomes a planned visit of the coach's, and this link is
    done (its other times stay free for the other teachers). Raises SlotTaken when another
    teacher got there first, AlreadyBooked when this link has already booked."""
    now = now or utcnow()
    if link.visit_id is not None:
        raise AlreadyBooked("You have already booked a time.")
    slot = db.session.get(OfferSlot, slot_id)
    if slot is None or slot.offer_id != link.offer_id:
        raise ScheduleError("Choose one of the times offered.")
    if slot.visit_id is not None:
        raise SlotTaken(TAKEN)
    if slot.starts_at <= now:
        raise SlotTaken("That time has passed. Choose another.")
    offer = link.offer
    visit = Visit(uid=str(uuid.uuid4()), coach_id=offer.coach_id, teacher_id=link.teacher_id,
                  kind=offer.kind, starts_at=slot.starts_at, minutes=offer.minutes,
                  place=offer.place, note=offer.note)
    db.session.add(visit)
    db.session.flush()
    claimed = db.session.execute(
        update(OfferSlot).where(OfferSlot.id == slot.id, OfferSlot.visit_id.is_(None))
        .values(visit_id=visit.id).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise SlotTaken(TAKEN)
    # The same teacher pressing in two tabs at once books once, by the same rule.
    mine = db.session.execute(
        update(OfferLink).where(OfferLink.id == link.id, OfferLink.visit_id.is_(None))
        .values(visit_id=visit.id).execution_options(synchronize_session=False)
    ).rowcount
    if mine != 1:
        db.session.rollback()
        raise AlreadyBooked("You have already booked a time.")
    db.session.commit()
    return visit
