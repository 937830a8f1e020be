"""The optional YAML front matter between ``---`` lines: read, validated, forgiven drift.

Keys are matched loosely (``Published-At``, ``date`` and ``state`` are read as the
keys they mean, with a warning) and values are checked one by one so that an error
names the line of the offending key.
"""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from dataclasses import dataclass
from typing import Any

import yaml

from ..slugs import slugify
from ..timefmt import parse_instant, to_rfc3339
from .dates import find_date, midnight_utc
from .document import DocumentError, IssueRef, Status
from .lines import Warn, clean_line

_STATUSES: tuple[Status, ...] = ("draft", "scheduled", "published")

_FRONT_KEYS = ("title", "slug", "issue", "published_at", "status")
_FRONT_ALIASES = {
    "date": "published_at",
    "published": "published_at",
    "published_on": "published_at",
    "publish_at": "published_at",
    "publish_date": "published_at",
    "state": "status",
}
# A line that sets one of the keys above or an alias ("Published-At: …", "date: …").
_FRONT_KEY_LINE = re.compile(
    r"^\s*(?:"
    + "|".join(key.replace("_", "[_ -]?") for key in (*_FRONT_KEYS, *_FRONT_ALIASES))
    + r")\s*:(?:\s|$)",
    re.IGNORECASE,
)
# A line YAML would read as part of a mapping or a list.
_YAML_LINE = re.compile(r"^(?:\s+\S|[\w\"'-][\w \"'.-]{0,40}:(?:\s|$)|-(?:\s|$)|#)")
_ISSUE_KEYS = ("number", "title", "slug", "published_on")


@dataclass
class FrontMatter:
    """What the front matter set; the defaults where it is absent or silent."""

    title: str | None = None
    slug: str | None = None
    issue: IssueRef | None = None
    published_at: str | None = None
    status: Status | None = None  # None: not stated; the caller's default applies


def read_front_matter(raw_lines: list[str], warn: Warn) -> tuple[FrontMatter, int]:
    """The validated front matter and the index of the first line after it."""
    first = next((i for i, line in enumerate(raw_lines) if line.strip()), None)
    if first is None or clean_line(raw_lines[first])[0] != "---":
        return FrontMatter(), 0
    close = next(
        (i for i in range(first + 1, len(raw_lines)) if raw_lines[i].strip() in ("---", "...")),
        None,
    )
    region = raw_lines[first + 1 : len(raw_lines) if close is None else close]
    if not _opens_front_matter(region, closed=close is not None):
        warn(
            first + 1,
            "the '---' line opens no front matter (no 'key: value' lines follow);"
            " read it as a separator",
        )
        return FrontMatter(), first + 1
    if close is None:
        raise DocumentError(
            first + 1, "the front matter opened here is never closed: add a line '---' after it"
        )
    base = first + 2  # the 1-based line of the YAML text's first line
    source = "\n".join(line.replace("\ufeff", "") for line in raw_lines[first + 1 : close])
    try:
        # The reader refuses control characters as it is made, before any parsing.
        loader = yaml.SafeLoader(source)
    except yaml.reader.ReaderError as error:
        line = base + source[: error.position].count("\n")
        raise DocumentError(
            line,
            f"the front matter is not valid YAML: {error.reason} (character {error.character:#x})",
        ) from None
    try:
        try:
            root = loader.get_single_node()
        except RecursionError:
            raise DocumentError(first + 1, "the front matter is nested too deeply") from None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = base + mark.line if mark else first + 1
            raise DocumentError(
                line, f"the front matter is not valid YAML: {error.problem or error}"
            ) from None
        except yaml.YAMLError as error:
            raise DocumentError(first + 1, f"the front matter is not valid YAML: {error}") from None
        front = FrontMatter()
        if root is None:
            return front, close + 1
        if not isinstance(root, yaml.MappingNode):
            raise DocumentError(base, "the front matter must be 'key: value' lines")
        seen: set[str] = set()
        for key_node, value_node in root.value:
            line = base + key_node.start_mark.line
            key = str(key_node.value).strip()
            canon = key.lower().replace("-", "_").replace(" ", "_")
            if canon in _FRONT_ALIASES:
                warn(line, f"read front matter key '{key}' as '{_FRONT_ALIASES[canon]}'")
                canon = _FRONT_ALIASES[canon]
            elif canon != key and canon in _FRONT_KEYS:
                warn(line, f"read front matter key '{key}' as '{canon}'")
            if canon not in _FRONT_KEYS:
                warn(line, f"ignored unknown front matter key '{key}'")
                continue
            if canon in seen:
                warn(line, f"front matter key '{canon}' appears twice; the last one counts")
            seen.add(canon)
            try:
                value = _construct(loader, value_node, base, canon)
            except RecursionError:
                raise DocumentError(line, f"front matter '{key}' is nested too deeply") from None
            _set_front(front, canon, value, value_node, line, base, warn)
        return front, close + 1
    finally:
        loader.dispose()


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 2, 60, 60
_SHORT.maxlist = _SHORT.maxdict = 4


def _shown(value: Any) -> str:
    """A value for a message: short, and quick even for a huge aliased YAML structure."""
    return _SHORT.repr(value)


def _opens_front_matter(region: list[str], closed: bool) -> bool:
    """Whether the lines after an opening ``---`` are front matter, not the article.

    With a closing ``---`` they are when one sets a front matter key ("title: …",
    "Date: …") or every one reads as YAML (keys, list items, indented values,
    comments), so that broken front matter is still reported as such. Without one
    (``region`` is then the rest of the file) the first line must set a key. A title
    or the lede under a separator line is neither.
    """
    lines = [line for line in region if line.strip()]
    if not lines:
        return True
    if not closed:
        return bool(_FRONT_KEY_LINE.match(lines[0]))
    return all(_YAML_LINE.match(line) for line in lines) or any(
        _FRONT_KEY_LINE.match(line) for line in lines
    )


def _construct(loader: yaml.SafeLoader, node: yaml.Node, base: int, key: str) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        raise DocumentError(
            base + node.start_mark.line, f"front matter '{key}' has an unreadable value: {error}"
        ) from None


def _set_front(
    front: FrontMatter,
    key: str,
    value: Any,
    node: yaml.Node,
    line: int,
    base: int,
    warn: Warn,
) -> None:
    """Validate one front matter value; ``line`` is where its key stands."""
    if key == "title":
        front.title = _front_text(value, line, "title")
    elif key == "slug":
        front.slug = _front_slug(value, line, "slug", warn)
    elif key == "status":
        status = str(value).strip().lower() if isinstance(value, str) else None
        if status not in _STATUSES:
            raise DocumentError(
                line, f"status must be draft, scheduled or published, not {_shown(value)}"
            )
        front.status = status  # checked against _STATUSES above
    elif key == "published_at":
        front.published_at = None if value is None else _front_instant(value, line, warn)
    elif key == "issue":
        front.issue = _front_issue(value, node, line, base, warn)


def _front_text(value: Any, line: int, key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise DocumentError(line, f"front matter '{key}' must be text, not {_shown(value)}")
    text = " ".join(str(value).split())
    if not text:
        raise DocumentError(line, f"front matter '{key}' is empty")
    return text


def _front_slug(value: Any, line: int, key: str, warn: Warn) -> str:
    written = _front_text(value, line, key)
    slug = slugify(written)
    if slug != written:
        warn(line, f"{key} '{written}' is not a slug; used '{slug}'")
    return slug


def _front_instant(value: Any, line: int, warn: Warn) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            warn(line, "published_at has no time zone; read it as UTC")
        return to_rfc3339(value)
    if isinstance(value, dt.date):
        return midnight_utc(value)
    if isinstance(value, str) and value.strip():
        try:
            return to_rfc3339(parse_instant(value))
        except ValueError:
            pass
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            stated = find_date(value)
            if stated and len(stated[1]) >= len(value.strip()) - 1:
                warn(line, f"read published_at '{value.strip()}' as {stated[0].isoformat()}")
                return midnight_utc(stated[0])
        else:
            warn(line, "published_at has no time zone; read it as UTC")
            return to_rfc3339(moment)
    raise DocumentError(
        line, f"published_at must be a date or an RFC 3339 date-time, not {_shown(value)}"
    )


def _issue_number(value: Any, line: int, warn: Warn) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and (
        match := re.fullmatch(r"(?:issue\s*)?(?:no\.?\s*)?#?\s*(\d+)", value.strip(), re.IGNORECASE)
    ):
        number = int(match[1])
        if number > 0:
            warn(line, f"read issue '{value}' as number {number}")
            return number
    raise DocumentError(line, f"issue number must be a positive whole number, not {_shown(value)}")


def _front_issue(value: Any, node: yaml.Node, line: int, base: int, warn: Warn) -> IssueRef | None:
    if value is None:
        warn(line, "issue is empty; the article belongs to no issue")
        return None
    if not isinstance(value, dict):
        return IssueRef(number=_issue_number(value, line, warn))
    lines = {
        str(key.value): base + key.start_mark.line
        for key, _ in (node.value if isinstance(node, yaml.MappingNode) else [])
    }
    for key in value:
        if key not in _ISSUE_KEYS:
            warn(lines.get(str(key), line), f"ignored unknown issue key '{key}'")
    if "number" not in value:
        raise DocumentError(line, "issue needs a number, e.g. 'number: 12'")
    ref = IssueRef(number=_issue_number(value["number"], lines.get("number", line), warn))
    if value.get("title") is not None:
        ref.title = _front_text(value["title"], lines.get("title", line), "issue title")
    if value.get("slug") is not None:
        ref.slug = _front_slug(value["slug"], lines.get("slug", line), "issue slug", warn)
    published_on = value.get("published_on")
    if published_on is not None:
        at = lines.get("published_on", line)
        ref.published_on = _front_instant(published_on, at, warn)[:10]
    return ref
