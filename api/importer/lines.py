"""From the editor's bytes to clean content lines: decoding, the line model, masthead and footer.

This is the first stage of the parser. It refuses what is not UTF-8 plain text,
normalises whitespace and invisible characters line by line (reporting each kind once),
drops separator lines and remembers where blank lines stood. It knows nothing of
blocks or headings: the masthead and the footer are cut by ``boilerplate``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .document import DocumentError
from .shapes import URL

MAX_DOCUMENT_BYTES = 1024 * 1024

# Every stage reports its guesses through one of these: (1-based line, message).
Warn = Callable[[int, str], None]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_SEPARATOR = re.compile(r"(?:[-_*=~•·]\s*){3,}")


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line of the article, as every later stage reads it."""

    no: int  # 1-based line in the original text
    text: str  # whitespace-normalised
    gap: bool  # one or more blank lines stand before it


def split_lines(text: str) -> list[str]:
    """The physical lines of ``text``, whichever line endings it uses."""
    return _LINE_BREAK.split(text)


def _line_of(data: str | bytes, offset: int) -> int:
    """The 1-based line holding ``offset``, for errors found before the text is split."""
    if isinstance(data, bytes):
        return len(_BYTE_LINE_BREAK.findall(data[:offset])) + 1
    return len(_LINE_BREAK.findall(data[:offset])) + 1


def _check_size(size: int) -> None:
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentError(0, f"the document is {size} bytes; the limit is {MAX_DOCUMENT_BYTES}")


def _not_utf8(data: bytes, offset: int) -> DocumentError:
    """The error for the first byte at ``offset`` that is not UTF-8, naming line and column.

    The column counts characters, not bytes: the line's text before the bad byte is
    valid UTF-8 and may hold curly quotes of three bytes each. Bytes 0x80-0x9f are
    control codes in Latin-1 but curly quotes and dashes in Windows-1252: when the
    bytes that are not UTF-8 hold one of those and all read as Windows-1252, say so.
    """
    line_start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    column = len(data[line_start:offset].decode("utf-8").removeprefix("\ufeff")) + 1
    byte = data[offset]
    hint = ""
    stray = {
        ord(ch) - 0xDC00
        for ch in re.findall("[\udc80-\udcff]", data.decode("utf-8", "surrogateescape"))
    }
    if any(0x80 <= b <= 0x9F for b in stray) and all(_cp1252(b) for b in stray):
        hint = f"; this looks like Windows-1252 (0x{byte:02x} is {_cp1252(byte)!r} there)"
    return DocumentError(
        _line_of(data, offset),
        f"not valid UTF-8: byte 0x{byte:02x} at column {column}{hint}; save the file as UTF-8",
    )


def _cp1252(byte: int) -> str | None:
    """The character ``byte`` stands for in Windows-1252; None for its five unused bytes."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return None


def decode(text: str | bytes) -> str:
    """The document as text, or DocumentError when it is too big, binary or not UTF-8."""
    if isinstance(text, bytearray | memoryview):
        text = bytes(text)
    if isinstance(text, bytes):
        _check_size(len(text))
        # UTF-32 LE's mark begins with UTF-16 LE's: look for the longer one first.
        if text.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
            raise DocumentError(1, "the document is UTF-32 text; save it as UTF-8")
        if text.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise DocumentError(1, "the document is UTF-16 text; save it as UTF-8")
        if (nul := text.find(b"\x00")) >= 0:
            raise DocumentError(_line_of(text, nul), "NUL byte: this is a binary file, not text")
        try:
            decoded = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _not_utf8(text, error.start) from None
    elif isinstance(text, str):
        decoded = text
        _check_size(len(text.encode("utf-8", "surrogatepass")))
        if (nul := text.find("\x00")) >= 0:
            raise DocumentError(_line_of(text, nul), "NUL character: this is binary data, not text")
        if surrogate := re.search("[\ud800-\udfff]", text):
            raise DocumentError(
                _line_of(text, surrogate.start()), "not valid Unicode text (a lone surrogate)"
            )
    else:
        raise TypeError(f"parse_document() takes str or bytes, not {type(text).__name__}")
    decoded = decoded.removeprefix("\ufeff")
    if not decoded.strip():
        raise DocumentError(
            0, "the document is empty" if not decoded else "the document holds only whitespace"
        )
    return decoded


def clean_line(raw: str) -> tuple[str, bool]:
    """Whitespace-normalised text of one line, and whether control characters were removed."""
    text = _INVISIBLE.sub("", raw)
    controls = bool(_CONTROL.search(text))
    if controls:
        text = _CONTROL.sub("", text)
    return " ".join(text.split()), controls


# Invisible characters an editor cannot see and the parser removes: one warning per kind.
_INVISIBLE_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("byte order mark(s) (BOM)", re.compile("\ufeff")),
    ("zero-width character(s)", re.compile("[\u200b-\u200d\u2060]")),
    ("soft hyphen(s)", re.compile("\u00ad")),
    ("no-break space(s) at a line's edge", re.compile("^[\u00a0\u202f]+|[\u00a0\u202f]+$")),
    ("tab(s)", re.compile("\t")),
)


def report_invisible(raw_lines: list[str], warn: Warn, *, bom: bool = False) -> None:
    """One warning per kind of invisible character removed, naming its first line and the count.

    ``bom`` says the text began with a byte order mark that decoding already took off.
    """
    for kind, pattern in _INVISIBLE_KINDS:
        count, first = (1, 1) if bom and kind.startswith("byte order") else (0, 0)
        for index, raw in enumerate(raw_lines):
            found = sum(len(hit) for hit in pattern.findall(raw))
            if found and not first:
                first = index + 1
            count += found
        if count:
            warn(first, f"removed {count} {kind}, the first on this line")


def content_lines(raw_lines: list[str], start: int, warn: Warn) -> list[Line]:
    """The non-blank lines from index ``start`` on, cleaned, each knowing if a gap preceded it."""
    lines: list[Line] = []
    gap = False
    for index in range(start, len(raw_lines)):
        text, controls = clean_line(raw_lines[index])
        if controls:
            warn(index + 1, "removed control characters")
        if text and _SEPARATOR.fullmatch(text):
            warn(index + 1, f"ignored the separator line '{text}'")
            text = ""
        if not text:
            gap = True
            continue
        lines.append(Line(index + 1, text, gap and bool(lines)))
        gap = False
    return lines


def reject_foreign_formats(first: Line, decoded: str) -> None:
    """Fail early, with a plain message, on a file that is not an article at all."""
    if re.match(r"<(?:!doctype|html|\?xml|head|body|div|p|article)\b", first.text, re.IGNORECASE):
        raise DocumentError(first.no, "this is HTML or XML, not the plain-text article format")
    stripped = decoded.strip()
    if stripped[:1] in "{[" and stripped[-1:] in "}]" and re.match(r"[{\[]\s*[\"{\[]", stripped):
        raise DocumentError(first.no, "this is JSON, not the plain-text article format")
    if URL.fullmatch(first.text):
        raise DocumentError(
            first.no, "expected a title or the lede, found a URL: a list of links is not an article"
        )
