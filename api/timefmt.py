"""One spelling for instants and dates: RFC 3339 in UTC with a Z, and YYYY-MM-DD."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

RFC3339 = "%Y-%m-%dT%H:%M:%SZ"


_clock: Callable[[], datetime] | None = None


def utc_now() -> str:
    """Now, in our spelling. Tests move the clock with `clock_at`."""
    moment = _clock() if _clock is not None else datetime.now(UTC)
    return to_rfc3339(moment.replace(microsecond=0))


@contextmanager
def clock_at(moment: str | datetime) -> Iterator[None]:
    """Within this block, `utc_now()` is `moment` (a datetime or RFC 3339 text): for
    tests of scheduled content, which must see time pass without waiting for it."""
    global _clock
    fixed = parse_instant(moment) if isinstance(moment, str) else moment
    previous, _clock = _clock, lambda: fixed
    try:
        yield
    finally:
        _clock = previous


def to_rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # Not strftime: glibc writes year 1 as "1", which would sort after "2024".
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_instant(text: str) -> datetime:
    """A date or an RFC 3339 datetime; a bare date means midnight UTC. Raises ValueError."""
    text = text.strip().upper()  # RFC 3339 allows a lowercase t and z
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    # A leap second (23:59:60) is valid RFC 3339 that Python cannot represent.
    text = re.sub(r"(T\d\d:\d\d):60", r"\1:59", text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a datetime needs a time zone, e.g. 2024-06-19T00:00:00Z")
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # year 1 east of UTC or year 9999 west of it: clamp to the edge
        edge = datetime.min if moment.year == 1 else datetime.max
        return edge.replace(tzinfo=UTC)
