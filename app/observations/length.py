"""How long an observation lasted: the device's end minus its start, unless that clock was
plainly wrong (reset to 1970, set to another century), in which case the recorded events say."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

# No lesson runs longer than this: a span beyond it means the device's clock jumped, and the
# times it gave cannot be corrected afterwards.
PLAUSIBLE_SPAN_MS = 12 * 60 * 60 * 1000


class Length(NamedTuple):
    ms: int
    clock_looked_wrong: bool  # the device's start and end could not be believed
    device_span_ms: int | None  # end minus start as the device gave them (None: not ended)


def lesson_length(
    started_at: datetime, ended_at: datetime | None, last_event_end_ms: int | None
) -> Length:
    """End minus start; up to the end of the last event for an observation never ended, or
    when the device's clock gave a span no lesson has (over 12 hours, negative, or zero while
    events were recorded)."""
    if ended_at is None:
        return Length(max(0, last_event_end_ms or 0), False, None)
    span = int((ended_at - started_at).total_seconds() * 1000)
    if span > PLAUSIBLE_SPAN_MS or span < 0 or (span == 0 and last_event_end_ms):
        return Length(max(0, last_event_end_ms or 0), True, span)
    return Length(span, False, span)
