"""Headlines: title case, sentences and abbreviations, and a title derived from the lede.

Pure functions, no I/O. The words a headline keeps in lowercase are written once here.
"""

from __future__ import annotations

import re

from .dates import DATE_WORDS, WEEKDAY
from .text import CLOSERS, MINOR_WORDS, STOPS, word_set

# Title case also keeps these lowercase inside a headline.
_SMALL_WORDS = MINOR_WORDS | word_set("en if into nor off onto per so up via vs yet")


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


_SENTENCE_END = re.compile(
    rf"(?<=[{STOPS}])(?P<close>[{CLOSERS}]*)(?P<space>\s+)(?=[“\"‘(\[]?[A-Z0-9])"
)
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


_LEADING_DATE = re.compile(
    rf"^(?:(?:on|by|as of|since|early on|late on|in|from)\s+)?{WEEKDAY}(?:the\s+)?{DATE_WORDS}"
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
    rf"\s+(?:(?:on|in|by|since)\s+)?{WEEKDAY}(?:the\s+)?{DATE_WORDS}$", re.IGNORECASE
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
# A derived title is cut before a preposition or conjunction, never before "the" or "of".
_CUT_BEFORE = (MINOR_WORDS - word_set("a an the of or")) | word_set(
    "after amid during over while under against"
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
