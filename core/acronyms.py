"""Acronyms the corpus never spells out as such, read off its title-case names.

Users write "CTBT", "TPNW" or "OPCW"; UN resolutions write "the Comprehensive Nuclear-Test-Ban Treaty" and
rarely define the short form. An acronym is the initials of a name, and English names are written in
title case: capitalised words, with minor words ("on", "the", "of", "against") in lower case. So the long
form of an acronym is a run of such words whose capitalised words' initials spell it, a minor word
lending its initial only where the acronym has one for it ("Economic Community of West African States",
ECOWAS). Acronyms often drop one word of their name ("Comprehensive [Nuclear-]Test-Ban Treaty"): one
capitalised word may go unspelled when the acronym has at least four letters. This is the initials test
of Schwartz and Hearst's abbreviation finder (2003), applied to names rather than to "(SF)" definitions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

# A word of a name: hyphens split it ("Nuclear-Test-Ban" is three words, as its initials count).
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*|[^\sA-Za-z]+")
# Title case leaves articles, short prepositions and conjunctions in lower case ("of", "on the", "and"):
# at most this many letters, and at most MAX_MINOR_RUN of them in a row.
MAX_MINOR_LETTERS = 3
MAX_MINOR_RUN = 2
# Acronyms in a question: two to eight capitals (and a plural s), not part of a symbol ("A/RES/80/16",
# "EC-110/DEC.1") and not a Roman numeral ("annex II").
_ACRONYM = re.compile(r"(?<![\w/.-])([A-Z]{2,8})s?(?![\w/-])")
_ROMAN = re.compile(r"^[IVXLC]+$")
# Below this length an acronym must spell every capitalised word of its name.
MIN_LETTERS_TO_SKIP = 4


def acronyms_in(text: str) -> list[str]:
    """The acronyms a text uses, each once, in order.

    >>> acronyms_in("Has the CTBT entered into force under annex II of A/RES/80/16? And the TPNWs?")
    ['CTBT', 'TPNW']
    """
    found = (m.group(1) for m in _ACRONYM.finditer(text))
    return list(dict.fromkeys(a for a in found if not _ROMAN.match(a)))


def uses_of(acronym: str) -> re.Pattern[str]:
    """The acronym as a word, singular or plural ("DTG", "DTGs"): where its name stands for it."""
    return re.compile(rf"\b{re.escape(acronym)}s?\b")


def name_runs(text: str) -> list[tuple[str, ...]]:
    """The title-case runs of a text: capitalised words joined by at most MAX_MINOR_RUN minor words,
    starting and ending with a capitalised word; punctuation (but a hyphen), any other lower-case word and
    a word in capitals ("GENERAL ASSEMBLY", another acronym) end a run.

    >>> name_runs("the Treaty on the Prohibition of Nuclear Weapons, as the Assembly said")
    [('Treaty', 'on', 'the', 'Prohibition', 'of', 'Nuclear', 'Weapons'), ('Assembly',)]
    """
    runs: list[tuple[str, ...]] = []
    current: list[str] = []
    minor = 0

    def close() -> None:
        while current and not current[-1][0].isupper():
            current.pop()
        if current:
            runs.append(tuple(current))
        current.clear()

    for word in _WORD.findall(text.replace("-", " ")):
        if word[0].isupper() and not (len(word) > 1 and word.isupper()):
            current.append(word)
            minor = 0
        elif word.islower() and len(word) <= MAX_MINOR_LETTERS and current and minor < MAX_MINOR_RUN:
            current.append(word)
            minor += 1
        else:
            close()
            minor = 0
    close()
    return runs


def spells(acronym: str, words: tuple[str, ...], skips: int = 0) -> bool:
    """Whether the words, first and last capitalised, are a name the acronym abbreviates, leaving at most
    `skips` of its capitalised words unspelled.

    >>> spells("CTBT", ("Comprehensive", "Nuclear", "Test", "Ban", "Treaty"), skips=1)
    True
    >>> spells("ECOWAS", ("Economic", "Community", "of", "West", "African", "States"))
    True
    >>> spells("ATT", ("Anti", "Personnel", "Mine"), skips=1)
    False
    """
    letters = acronym.upper()
    if not words or words[0][0] != letters[0] or words[-1][0] != letters[-1]:
        return False
    return _spells(letters, tuple(words), skips)


@lru_cache(maxsize=4096)
def _spells(letters: str, words: tuple[str, ...], skips: int) -> bool:
    if not words:
        return not letters
    if not letters:
        return False
    word, rest = words[0], words[1:]
    initial = word[0].upper()
    if not word[0].isupper():  # a minor word lends its initial or passes
        return (initial == letters[0] and _spells(letters[1:], rest, skips)) or _spells(letters, rest, skips)
    if initial == letters[0] and _spells(letters[1:], rest, skips):
        return True
    # one capitalised word the acronym leaves out (spells() has checked the first and the last)
    return skips > 0 and bool(rest) and _spells(letters, rest, skips - 1)


def long_form(acronym: str, runs: Iterable[tuple[str, ...]]) -> str | None:
    """The name the runs most often abbreviate to the acronym, if one dominates (more uses than all the
    others together); names spelling every capitalised word are preferred to those leaving one out.

    >>> long_form("TPNW", name_runs("States parties to the Treaty on the Prohibition of Nuclear Weapons"))
    'Treaty on the Prohibition of Nuclear Weapons'
    """
    runs = list(runs)
    found = _names(acronym, runs, skips=0)
    if not found and len(acronym) >= MIN_LETTERS_TO_SKIP:
        found = _names(acronym, runs, skips=1)
    if not found:
        return None
    (name, uses), *_ = found.most_common(1)
    return name if uses > found.total() - uses else None


def _names(acronym: str, runs: list[tuple[str, ...]], skips: int) -> Counter[str]:
    """How often each whole name in the runs abbreviates to the acronym: a span of a run that neither
    starts right after a capitalised word nor ends right before one (a name does not stop mid-name), with
    no capital standing alone (a numeral or a list letter: "Annex I", "annex C")."""
    letters = acronym.upper()
    longest = 2 * len(letters) + MAX_MINOR_RUN + 1
    found: Counter[str] = Counter()
    for run in runs:
        for start, word in enumerate(run):
            if word[0] != letters[0] or (start and run[start - 1][0].isupper()):
                continue
            for end in range(start + 1, min(len(run), start + longest) + 1):
                span = run[start:end]
                if end < len(run) and run[end][0].isupper():
                    continue
                if any(len(w) == 1 and w.isupper() for w in span):
                    break
                if spells(letters, span, skips):
                    found[" ".join(span)] += 1
    return found
