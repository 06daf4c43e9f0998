"""Whether a question is in English, the language of the corpus and of the embedding model.

The corpus is the English text of UN documents and all-MiniLM-L6-v2 is an English model, so a question in
another UN language is searched as written but finds little; the user is told so in one line. Two general
signals, no word list of our own: the script most of the question's letters are written in (Arabic,
Chinese, Cyrillic), and, for Latin script, which language's stop words (the lists bm25s ships) the
question uses most.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

ENGLISH = "English"
# The first word of a letter's Unicode name gives its script; these are UN languages' scripts.
_SCRIPT_LANGUAGES = {"ARABIC": "Arabic", "CJK": "Chinese", "CYRILLIC": "Russian"}
# Fewer stop words than this say nothing about a language (a borrowed "raison d'être", a name).
_MIN_STOP_WORDS = 2
_WORD = re.compile(r"[^\W\d_]+")


@cache
def _stop_words() -> dict[str, frozenset[str]]:
    """Latin-script languages told apart from English by their stop words; read on first use, since bm25s
    imports scipy and a command that reads no question (exact-wording search) should not pay for it."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH, STOPWORDS_PORTUGUESE, STOPWORDS_SPANISH

    return {
        ENGLISH: frozenset(STOPWORDS_EN_PLUS),  # the longer list: the short one lacks "did", "other"
        "French": frozenset(STOPWORDS_FRENCH),
        "Spanish": frozenset(STOPWORDS_SPANISH),
        "Portuguese": frozenset(STOPWORDS_PORTUGUESE),
    }


def question_language(text: str) -> str:
    """The language a question is most likely in: English unless its script or its stop words say otherwise.

    >>> question_language("¿Cuáles son los dos grupos temáticos del mecanismo?")
    'Spanish'
    >>> question_language("What is the raison d'être of the Global Mechanism?")
    'English'
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return ENGLISH
    script, count = Counter(unicodedata.name(c, "").split(" ")[0] for c in letters).most_common(1)[0]
    if script in _SCRIPT_LANGUAGES and count * 2 > len(letters):
        return _SCRIPT_LANGUAGES[script]
    # Acronyms ("UN") and one-letter pieces of contractions ("shouldn't") belong to no language's stop words.
    words = [w.lower() for w in _WORD.findall(text) if len(w) > 1 and not w.isupper()]
    uses = {language: sum(word in stops for word in words) for language, stops in _stop_words().items()}
    language = max(uses, key=lambda name: (uses[name], name == ENGLISH))
    return language if uses[language] >= _MIN_STOP_WORDS and uses[language] > uses[ENGLISH] else ENGLISH


def language_notice(text: str) -> str:
    """One line for a question that is not in English; empty for one that is."""
    language = question_language(text)
    if language == ENGLISH:
        return ""
    return (
        f"The question looks {language}; the documents and the search model are English, so it was searched "
        "as written. Asking in English finds more."
    )
