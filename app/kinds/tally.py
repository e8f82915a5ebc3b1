"""Tally: one tap, one occurrence (a student question, a redirect)."""

from __future__ import annotations

from . import register
from .base import Kind


@register
class Tally(Kind):
    name = "tally"
    label = "Tally"
    order = 10
    help = "One tap per occurrence; read as a count and a rate per 10 minutes."
