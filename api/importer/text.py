"""Small text helpers for the importer: anchors, titles, sentences, dates, source URLs.

Pure functions, no I/O. Slugs come from ``api.slugs`` and reading metrics from
``api.importer.readability``, so the parser and the writer spell them one way.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for quoting it in a message."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Anchors:
    """Unique anchors for one document: ``base``, then ``base-2``, ``base-3``… in order.

    The next suffix to try is remembered per base, so a document of thousands of equal
    headings costs linear time, not a rescan of every suffix taken so far.
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}  # base -> the suffix to try next

    def claim(self, base: str) -> str:
        """``base`` or the first free ``base-N``; it is taken from now on."""
        n = self._next.get(base, 1)
        anchor = base if n == 1 else f"{base}-{n}"
        # Another heading may have claimed "base-3" as its own base; skip it.
        while anchor in self._taken:
            n += 1
            anchor = f"{base}-{n}"
        self._next[base] = n + 1
        self._taken.add(anchor)
        return anchor


# --- title case ------------------------------------------------------------------------

_SMALL_WORDS = word_set(
    "a an and as at but by en for from if in into nor of off on onto or per so the to up via vs"
    " with yet"
)


def _capitalize(word: str) -> str:
    # Keep deliberate capitals ("iPhone", "U.S.", "NATO", "Jong-un"); only lift all-lowercase words.
    if any(ch.isupper() for ch in word):
        return word
    if re.fullmatch(r"(?:[a-z]\.)+", word):
        return word.upper()
    # The first letter, after any opening quote or bracket ("“dearest" -> "“Dearest").
    return "-".join(
        re.sub(r"^(\W*)(\w)", lambda m: m[1] + m[2].upper(), part) for part in word.split("-")
    )


def title_case(text: str) -> str:
    """Headline-style capitals: small words stay lowercase except first and last."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        bare = word.strip("“”\"‘’'()[]").lower()
        if 0 < i < len(words) - 1 and bare in _SMALL_WORDS and word == word.lower():
            out.append(word)
        else:
            out.append(_capitalize(word))
    return " ".join(out)


def title_case_shouting(text: str) -> str:
    """Title-case an all-caps or all-lowercase heading; leave mixed case as the editor wrote it."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters and (all(ch.isupper() for ch in letters) or all(ch.islower() for ch in letters)):
        return title_case(text.lower())
    return text


# --- dates -----------------------------------------------------------------------------

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
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
DATE_PATTERNS = (
    re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_WEEKDAY}(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
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


# --- sources ---------------------------------------------------------------------------

PUBLISHERS = {
    "nytimes.com": "The New York Times",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "theguardian.com": "The Guardian",
    "guardian.co.uk": "The Guardian",
    "washingtonpost.com": "The Washington Post",
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "cnn.com": "CNN",
    "aljazeera.com": "Al Jazeera",
    "ft.com": "Financial Times",
    "economist.com": "The Economist",
    "wsj.com": "The Wall Street Journal",
    "bloomberg.com": "Bloomberg",
    "npr.org": "NPR",
    "politico.com": "Politico",
    "politico.eu": "Politico Europe",
    "axios.com": "Axios",
    "theatlantic.com": "The Atlantic",
    "foreignpolicy.com": "Foreign Policy",
    "foreignaffairs.com": "Foreign Affairs",
    "latimes.com": "Los Angeles Times",
    "usatoday.com": "USA Today",
    "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News",
    "abcnews.go.com": "ABC News",
    "foxnews.com": "Fox News",
    "cnbc.com": "CNBC",
    "time.com": "Time",
    "newsweek.com": "Newsweek",
    "theconversation.com": "The Conversation",
    "dw.com": "Deutsche Welle",
    "france24.com": "France 24",
    "lemonde.fr": "Le Monde",
    "spiegel.de": "Der Spiegel",
    "independent.co.uk": "The Independent",
    "telegraph.co.uk": "The Telegraph",
    "scmp.com": "South China Morning Post",
    "japantimes.co.jp": "The Japan Times",
    "koreaherald.com": "The Korea Herald",
    "yna.co.kr": "Yonhap News Agency",
    "nknews.org": "NK News",
    "afp.com": "AFP",
    "vox.com": "Vox",
    "theglobeandmail.com": "The Globe and Mail",
    "abc.net.au": "ABC News (Australia)",
    "hindustantimes.com": "Hindustan Times",
    "thehindu.com": "The Hindu",
    "nature.com": "Nature",
    "science.org": "Science",
    "scientificamerican.com": "Scientific American",
}


def url_domain(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def publisher_for(domain: str) -> str | None:
    """The outlet's name for a known domain or any subdomain of one (edition.cnn.com -> CNN)."""
    parts = domain.split(".")
    for i in range(len(parts) - 1):
        name = PUBLISHERS.get(".".join(parts[i:]))
        if name:
            return name
    return None


# --- sentences, derived titles ---------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])(?P<close>[”\"’)\]]*)(?P<space>\s+)(?=[“\"‘(\[]?[A-Z0-9])")
# A full stop after these is part of a name or title, not the end of a sentence.
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.)+|\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Gen|Lt|Col|Capt|Sgt|Sen|Rep|Gov|Pres|Rev"
    r"|No|Vol|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|etc|approx|Inc|Ltd|Co|Corp)\.)$"
)


def ends_with_abbreviation(text: str) -> bool:
    """Whether ``text`` ends on an abbreviation's full stop ("Mr.", "St.", "U.S.")."""
    return bool(_ABBREVIATION.search(text))


def two_sentences(text: str) -> bool:
    """Whether a short line holds a sentence end followed by another sentence.

    "Putin and Kim Sign a Pact. What Now?" does; "Mr. Putin’s Gamble" and
    "St. Petersburg Forum" do not: the stop closes an abbreviation.
    """
    return any(
        match[0][1] != "." or not ends_with_abbreviation(text[: match.start() + 2])
        for match in re.finditer(r"[a-z][.!?] [A-Z]", text)
    )


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, keeping "U.S. Secretary" and "Mr. Putin" in one piece."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        # A closing quote after the stop ends the sentence even after "U.S.".
        if not match["close"] and _ABBREVIATION.search(text[start : match.start()]):
            continue
        pieces.append(text[start : match.start("space")].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


_M, _D, _Y = (re.sub(r"\(\?P<\w+>", "(?:", part) for part in (_MONTH, _DAY, _YEAR))
_DATE_WORDS = (
    rf"(?:{_M}\s+{_D}(?:,?\s+{_Y})?|{_D}\s+{_M}(?:,?\s+{_Y})?"
    rf"|{_M}\s+{_Y}|\d{{4}}-\d\d-\d\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
)
_LEADING_DATE = re.compile(
    rf"^(?:(?:on|by|as of|since|early on|late on|in|from)\s+)?{_WEEKDAY}(?:the\s+)?{_DATE_WORDS}"
    rf"(?:\s*,\s*|\s+)",
    re.IGNORECASE,
)
# An opening phrase before the subject: "Last week,", "Despite years of sanctions,".
_LEADING_PHRASE = re.compile(
    r"^(?:earlier|later|last|this|next|on|in|at|after|before|during|amid|following|yesterday"
    r"|today|tonight|overnight|recently|meanwhile|now|despite|although|though|while|as|with"
    r"|for|since|when|once|according to|facing|nearly|almost|more than|for the first time)\b"
    r"(?:[^,;]|,\s*(?=(?:19|20)\d\d\b)){0,50},\s+",
    re.IGNORECASE,
)
# A news dateline: "PYONGYANG, North Korea —", "WASHINGTON (Reuters) -".
_DATELINE = re.compile(r"^[A-Z][A-Z .’'-]{2,}(?:,\s*[A-Z][\w .’'-]*)?\s*(?:\([^)]*\)\s*)?[—–-]+\s+")
_TRAILING_DATE = re.compile(
    rf"\s+(?:(?:on|in|by|since)\s+)?{_WEEKDAY}(?:the\s+)?{_DATE_WORDS}$", re.IGNORECASE
)
_CLAUSE_BREAK = re.compile(r",\s|;\s|\s[—–]\s|—|:\s|\s\(")
_ROLE = re.compile(
    r"\b(?:[A-Z][\w.’'-]*\s+){0,2}"
    r"(?i:supreme leader|president|vice president|prime minister|foreign minister"
    r"|defen[cs]e minister|minister|secretary of state|secretary[- ]general|secretary|leader"
    r"|chancellor|premier|king|queen|chief executive|ceo|chair(?:man|woman)?|governor|senator"
    r"|general|pope|spokes(?:person|man|woman)|ambassador|envoy|commander)"
    r"\s+(?=[A-Z])"
)
_CUT_BEFORE = word_set(
    "in at on for with to from after amid during over and but as while by under against"
)


def _named(*words: str) -> bool:
    return all(word[:1].isupper() or word[:1].isdigit() for word in words)


def derive_title(lede: str, max_words: int = 12) -> str:
    """A headline from the lede's first sentence: no dateline, main clause, ``max_words`` at most.

    Deterministic and deliberately simple: it removes the dateline ("On June 19, 2024,"),
    keeps the clause before the first comma, drops role descriptors before names
    ("Russian President Vladimir Putin" -> "Vladimir Putin") only when the clause is
    too long, and cuts before a preposition rather than in the middle of a phrase.
    """
    sentences = split_sentences(lede.split("\n\n")[0])
    sentence = sentences[0] if sentences else lede
    text = sentence.strip().rstrip(".!?…").strip()
    for pattern in (_DATELINE, _LEADING_DATE, _LEADING_PHRASE, _LEADING_DATE):
        stripped = pattern.sub("", text, count=1)
        if len(stripped.split()) >= 4:
            text = stripped
    clause_end = _CLAUSE_BREAK.search(text)
    if clause_end and len(text[: clause_end.start()].split()) >= 4:
        text = text[: clause_end.start()]
    undated = _TRAILING_DATE.sub("", text)
    if len(undated.split()) >= 4:
        text = undated
    if len(text.split()) > max_words:
        shorter = _ROLE.sub("", text)
        if len(shorter.split()) >= 4:
            text = shorter
    words = text.split()
    if len(words) > max_words:
        # Cut before a preposition or conjunction, but keep at least two thirds of the words.
        first_cut = max_words * 2 // 3
        cuts = [i for i in range(first_cut, max_words + 1) if words[i].lower() in _CUT_BEFORE]
        if cuts:
            words = words[: cuts[-1]]
        else:
            end = max_words
            # Finish a name in progress ("Alaska Airlines Boeing 737 MAX 9") rather than cut it.
            while end < min(len(words), max_words + 3) and _named(words[end - 1], words[end]):
                end += 1
            words, cut = words[:end], words[end:]
            while len(words) > 1 and words[-1].lower() in _SMALL_WORDS:
                words.pop()
            if cut:
                words[-1] = words[-1].rstrip(",;:") + "…"
    title = title_case(" ".join(words)).strip(" ,;:")
    # Drop a quotation mark left unpaired by the cut.
    if title.count("“") != title.count("”"):
        title = title.replace("“", "").replace("”", "")
    if title.count('"') % 2:
        title = title.replace('"', "")
    if title[:1].islower():
        title = title[0].upper() + title[1:]
    return title or "Untitled"
