"""Dates written in prose, in front matter and in source URLs, and the instant a day starts.

Pure functions, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
DATE_PATTERNS = (
    re.compile(rf"\b{WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{WEEKDAY}(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
)


def _make_date(year: str, month: str, day: str) -> dt.date | None:
    month_number = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
    try:
        return dt.date(int(year), month_number or 0, int(day))
    except ValueError:
        return None


def midnight_utc(day: dt.date | str) -> str:
    """The RFC 3339 instant a day (a date or ``YYYY-MM-DD``) starts in UTC."""
    return f"{day}T00:00:00Z"


def find_date(text: str) -> tuple[dt.date, str] | None:
    """The first full calendar date written in prose, with the words that stated it."""
    found: list[tuple[int, dt.date, str]] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            day = _make_date(match["year"], match["month"], match["day"])
            if day:
                found.append((match.start(), day, match.group(0)))
                break
    if not found:
        return None
    _, day, words = min(found, key=lambda hit: hit[0])
    return day, words


_URL_DATES = (
    re.compile(
        r"(?<!\d)(?P<year>(?:19|20)\d\d)/(?P<month>[01]?\d|[a-z]{3,9})/(?P<day>[0-3]?\d)(?!\d)",
        re.IGNORECASE,
    ),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)(?!\d)"),
)


def url_date(url: str) -> str | None:
    """YYYY-MM-DD from a date in the URL path: /2024/06/19/, /2024/jun/19/, 2024-06-19, 20240619."""
    path = urlsplit(url).path
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            day = _make_date(match["year"], match["month"], match["day"])
            if day:
                return day.isoformat()
    return None


_M, _D, _Y = (re.sub(r"\(\?P<\w+>", "(?:", part) for part in (_MONTH, _DAY, _YEAR))
# A date as prose words, without groups: for patterns that skip a date (derived titles).
DATE_WORDS = (
    rf"(?:{_M}\s+{_D}(?:,?\s+{_Y})?|{_D}\s+{_M}(?:,?\s+{_Y})?"
    rf"|{_M}\s+{_Y}|\d{{4}}-\d\d-\d\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
)
