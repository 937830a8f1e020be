"""The sources block and source URLs anywhere: cleaned, checked, deduplicated, attributed.

Editors paste URLs with list markers, angle brackets, trailing punctuation, a title
around them, without a scheme, or broken over two lines; each source keeps only a
usable URL, its domain, the publisher when the domain is known, and the date the
URL carries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .dates import url_date
from .document import Source
from .lines import Line, Warn
from .publishers import publisher_for, url_domain
from .shapes import ENDS_SENTENCE, LIST_MARKER, URL, heading_shape
from .text import shorten

# What may stand between a publisher's name and its URL: "Name, url", "Name (url)", "Name: url".
_NAME_PUNCTUATION = "<>[]().,;:!'\"’”‘“–—- \t"


@dataclass
class SourceList:
    """The sources found so far, in order, each with the line it was listed on.

    The URL -> line map doubles as the set of URLs seen, so a repeat is found in
    constant time however many sources the document lists.
    """

    items: list[Source] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # url -> line

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self) -> Iterator[Source]:
        return iter(self.items)

    def add(self, source: Source, line: int) -> bool:
        """Add ``source`` unless its URL is listed already; whether it was added."""
        if source.url in self.lines:
            return False
        self.items.append(source)
        self.lines[source.url] = line
        return True


def read_sources(body: list[Line], heading: Line, sources: SourceList, warn: Warn) -> Line | None:
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


def add_sources(
    text: str, line_no: int, sources: SourceList, warn: Warn, *, labelled: bool = False
) -> None:
    """Add each usable URL in ``text`` to ``sources``, once.

    ``labelled`` says the line was a "Source: …" line, so the words before a URL name
    its publisher; otherwise a name counts only when it matches the URL's domain.
    """
    marker = LIST_MARKER.match(text)
    if marker and not URL.match(text):
        warn(line_no, f"source line had the list marker '{marker['marker']}'; removed it")
        text = marker["rest"]
    matches = list(URL.finditer(text))
    after_previous = 0
    dropped = False  # words beside one of several URLs were not kept
    for match in matches:
        written = match[0]
        url = written.rstrip(".,;:!?'\"’”>")
        # A closing parenthesis belongs to the URL only when it closes one inside it.
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        # The words naming this URL stand before it, or after it when it is the last one.
        stated = text[after_previous : match.start()]
        after_previous = match.start() + len(url)
        if match is matches[-1] and not stated.strip(_NAME_PUNCTUATION):
            stated = text[after_previous:]
        full = "https://" + url if url.lower().startswith("www.") else url
        try:
            host = urlsplit(full).hostname or ""
        except ValueError:
            host = ""
        domain = url_domain(host)
        publisher = publisher_for(domain)
        named = None if publisher or "." not in host else _stated_name(stated, domain, labelled)
        if named:
            warn(
                line_no,
                f"{domain} is not a known publisher; used the name the line gives, '{named}'",
            )
        elif len(matches) == 1:
            _warn_dropped_text(text, written, url, line_no, warn)
        else:
            dropped = dropped or bool(stated.strip(_NAME_PUNCTUATION))
        if full != url:
            warn(line_no, f"source URL '{url}' had no scheme; read it as https")
        if not host or "." not in host:
            warn(line_no, f"'{shorten(full)}' is not a usable URL; ignored")
        elif not sources.add(Source(full, domain, publisher or named, url_date(full)), line_no):
            warn(line_no, f"source '{shorten(full)}' is listed twice; kept it once")
    if dropped:  # several URLs share one line and one report
        warn(line_no, f"kept only the URLs from '{shorten(text)}'")


def _warn_dropped_text(text: str, written: str, url: str, line_no: int, warn: Warn) -> None:
    """Report what stood around the URL on its line and is not kept."""
    around = text.replace(written, "", 1).strip()
    if around and not re.fullmatch(r"[<>\[\]().,;:!'\"’”\s]*", around):
        warn(line_no, f"kept only the URL from '{shorten(text)}'")
    elif around or written != url:
        warn(line_no, f"removed '{around}{written[len(url) :]}' around the URL")


def _stated_name(stated: str, domain: str, labelled: bool) -> str | None:
    """The publisher's name the editor wrote beside a URL, if the words read as one.

    A name is short and capitalised, not a sentence; unless the line was labelled
    "Source:", its letters must also match the domain ("Kyiv Independent",
    kyivindependent.com) so that a headline before a link is not taken for a publisher.
    """
    name = " ".join(stated.strip(_NAME_PUNCTUATION).split())
    name = re.sub(r"^(?:and|&)\s+", "", name, flags=re.IGNORECASE)
    words = name.split()
    if not words or len(words) > 6 or len(name) > 60 or not name[0].isupper():
        return None
    if ENDS_SENTENCE.search(name) or URL.search(name) or re.search(r"[:;!?]", name):
        return None
    if labelled:
        return name
    letters = re.sub(r"[^a-z0-9]", "", re.sub(r"^the\s+", "", name.lower()))
    initials = "".join(word[0] for word in words).lower()
    site = re.sub(r"[^a-z0-9]", "", domain.rsplit(".", 1)[0])
    return name if len(letters) >= 3 and (letters in site or initials == site) else None
