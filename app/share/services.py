"""Share links: a teacher opens the debrief through a private, revocable link, no account.

A token carries 256 random bits and is shown once; only its SHA-256 is stored, so neither the
database nor a backup of it can open a debrief."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import segno
from markupsafe import Markup, escape
from sqlalchemy import select, update

from ..extensions import db
from ..models import Observation, ShareLink, utcnow

EXPIRY_CHOICES_DAYS = (7, 14, 30, 60, 90)
DEFAULT_EXPIRY_DAYS = 30


class ShareError(ValueError):
    """A share-link change that cannot be made."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def live_link(observation: Observation) -> ShareLink | None:
    """The observation's link that still opens, if any."""
    links = db.session.scalars(
        select(ShareLink)
        .where(ShareLink.observation_id == observation.id, ShareLink.revoked_at.is_(None))
        .order_by(ShareLink.created_at.desc())
    )
    return next((link for link in links if link.is_live()), None)


def revoke_links(observation: Observation) -> None:
    """End every link to this observation at once."""
    db.session.execute(
        update(ShareLink)
        .where(ShareLink.observation_id == observation.id, ShareLink.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.commit()


def create_link(observation: Observation, days: int = DEFAULT_EXPIRY_DAYS) -> tuple[ShareLink, str]:
    """A new link for the teacher, replacing any earlier one; returns it and its token."""
    if days not in EXPIRY_CHOICES_DAYS:
        raise ShareError("Choose how long the link stays open.")
    revoke_links(observation)
    token = secrets.token_urlsafe(32)
    link = ShareLink(
        observation_id=observation.id,
        token_hash=hash_token(token),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.commit()
    return link, token


@dataclass(frozen=True)
class Resolved:
    link: ShareLink | None
    status: str  # "live", "gone" (revoked or expired) or "unknown"


def resolve(token: str) -> Resolved:
    """Which link a token opens, and whether it still does."""
    if not token or len(token) > 100:
        return Resolved(None, "unknown")
    link = db.session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))
    if link is None:
        return Resolved(None, "unknown")
    return Resolved(link, "live" if link.is_live() else "gone")


QR_LABEL = "QR code of the link: the teacher scans it with their phone to open the debrief"


def qr_svg(url: str) -> Markup:
    """The link as a QR code in inline SVG, so a teacher at the same table opens it on their
    own phone. It is drawn in the response that shows the token (never stored), dark on white
    in both colour schemes, with the quiet zone scanners need; CSS sets its size."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True,
                          svgclass="qr")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(QR_LABEL)}" ', 1))
