"""The sources block and source URLs anywhere: cleaned, checked, deduplicated, attributed.

Editors paste URLs with list markers, angle brackets, trailing punctuation, a title
around them, without a scheme, or broken over two lines; each source keeps only a
usable URL, its domain, the publisher when the domain is known, and the date the
URL carries.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .document import Source
from .lines import Line, Warn
from .shapes import LIST_MARKER, URL, heading_shape
from .text import publisher_for, shorten, url_date, url_domain


def read_sources(body: list[Line], heading: Line, sources: list[Source], warn: Warn) -> Line | None:
    """Add the URLs of a sources block to ``sources``.

    Returns the line where body sections start again after the block, if they do
    (a heading over prose); the caller reads on from there.
    """
    body = _rejoin_split_urls(body, warn)
    for offset, line in enumerate(body):
        if URL.search(line.text):
            add_sources(line.text, line.no, sources, warn)
            continue
        following = body[offset + 1] if offset + 1 < len(body) else None
        if following is not None and heading_shape(line.text) and not URL.search(following.text):
            warn(
                line.no,
                f"body section '{line.text}' after the sources block; read it as a body section",
            )
            return line
        warn(line.no, f"'{shorten(line.text)}' in the sources block is not a URL; ignored")
    if not body and not sources:
        warn(heading.no, "the sources block is empty")
    return None


def _rejoin_split_urls(body: list[Line], warn: Warn) -> list[Line]:
    """A long URL broken over two lines: the second half has no spaces and no scheme."""
    joined: list[Line] = []
    for line in body:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and not line.gap
            and " " not in line.text
            and not URL.search(line.text)
            and URL.search(previous.text)
            and re.search(r"[-/_.?=&%]$", previous.text)
        ):
            warn(line.no, f"URL continues from line {previous.no}; joined them")
            joined[-1] = Line(previous.no, previous.text + line.text, previous.gap)
        else:
            joined.append(line)
    return joined


def add_sources(text: str, line_no: int, sources: list[Source], warn: Warn) -> None:
    """Add each usable URL in ``text`` to ``sources``, once."""
    marker = LIST_MARKER.match(text)
    if marker and not URL.match(text):
        warn(line_no, f"source line had the list marker '{marker['marker']}'; removed it")
        text = marker["rest"]
    for url in URL.findall(text):
        written = url
        url = url.rstrip(".,;:!?'\"’”>")
        # A closing parenthesis belongs to the URL only when it closes one inside it.
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        around = text.replace(written, "", 1).strip()
        if around and not re.fullmatch(r"[<>\[\]().,;:!'\"’”\s]*", around):
            warn(line_no, f"kept only the URL from '{shorten(text)}'")
        elif around or written != url:
            warn(line_no, f"removed '{around}{written[len(url) :]}' around the URL")
        if url.lower().startswith("www."):
            warn(line_no, f"source URL '{url}' had no scheme; read it as https")
            url = "https://" + url
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        if not host or "." not in host:
            warn(line_no, f"'{shorten(url)}' is not a usable URL; ignored")
            continue
        if any(source.url == url for source in sources):
            warn(line_no, f"source '{shorten(url)}' is listed twice; kept it once")
            continue
        domain = url_domain(host)
        sources.append(
            Source(
                url=url,
                domain=domain,
                publisher=publisher_for(domain),
                published_on=url_date(url),
            )
        )
