"""Share links: a teacher opens a debrief (/s/<token>) or a whole cycle (/c/<token>) through a
private, revocable link, no account.

A token carries 256 random bits and is shown once; only its SHA-256 is stored, so neither the
database nor a backup of it can open a debrief. Both kinds of link follow the same rules, so
every function here takes either an observation or a cycle and works on that one's links."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import segno
from markupsafe import Markup, escape
from sqlalchemy import select, update

from ..extensions import db
from ..models import Cycle, CycleShareLink, Observation, ShareLink, utcnow

EXPIRY_CHOICES_DAYS = (7, 14, 30, 60, 90)
DEFAULT_EXPIRY_DAYS = 30

Link = ShareLink | CycleShareLink
Shared = Observation | Cycle


class ShareError(ValueError):
    """A share-link change that cannot be made."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _model_and_owner(target: Shared):
    """The link model of what is shared, and the column that points back at it."""
    if isinstance(target, Cycle):
        return CycleShareLink, CycleShareLink.cycle_id
    return ShareLink, ShareLink.observation_id


def live_link(target: Shared) -> Link | None:
    """The observation's (or cycle's) link that still opens, if any."""
    model, owner = _model_and_owner(target)
    links = db.session.scalars(
        select(model)
        .where(owner == target.id, model.revoked_at.is_(None))
        .order_by(model.created_at.desc())
    )
    return next((link for link in links if link.is_live()), None)


def revoke_links(target: Shared) -> None:
    """End every link to this observation (or cycle) at once."""
    model, owner = _model_and_owner(target)
    db.session.execute(
        update(model).where(owner == target.id, model.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.commit()


def create_link(target: Shared, days: int = DEFAULT_EXPIRY_DAYS) -> tuple[Link, str]:
    """A new link for the teacher, replacing any earlier one; returns it and its token."""
    if days not in EXPIRY_CHOICES_DAYS:
        raise ShareError("Choose how long the link stays open.")
    revoke_links(target)
    model, owner = _model_and_owner(target)
    token = secrets.token_urlsafe(32)
    link = model(token_hash=hash_token(token), expires_at=utcnow() + timedelta(days=days))
    setattr(link, owner.key, target.id)
    db.session.add(link)
    db.session.commit()
    return link, token


@dataclass(frozen=True)
class Resolved:
    link: Link | None
    status: str  # "live", "gone" (revoked or expired) or "unknown"


def resolve(token: str, model: type[Link] = ShareLink) -> Resolved:
    """Which link of this kind a token opens, and whether it still does."""
    if not token or len(token) > 100:
        return Resolved(None, "unknown")
    link = db.session.scalar(select(model).where(model.token_hash == hash_token(token)))
    if link is None:
        return Resolved(None, "unknown")
    return Resolved(link, "live" if link.is_live() else "gone")


def resolve_cycle_token(token: str) -> Resolved:
    """Which cycle link a token opens, and whether it still does."""
    return resolve(token, CycleShareLink)


QR_LABEL = "QR code of the link: the teacher scans it with their phone to open it"


def qr_svg(url: str) -> Markup:
    """The link as a QR code in inline SVG, so a teacher at the same table opens it on their
    own phone. It is drawn in the response that shows the token (never stored), dark on white
    in both colour schemes, with the quiet zone scanners need; CSS sets its size."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True,
                          svgclass="qr")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(QR_LABEL)}" ', 1))
