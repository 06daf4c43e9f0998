"""Sentence boundaries for UN prose: long paragraphs are split, and answers are composed, only here."""

from __future__ import annotations

import re

# Abbreviations after which a full stop does not end a sentence in UN and legal prose.
ABBREVIATIONS = frozenset(
    "e.g i.e para paras art arts no nos vol rev corr add mr mrs ms dr prof st etc cf approx op sect fig figs "
    "ibid et al p pp u.s u.k u.n jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_NUMBERING = re.compile(r"\(?[0-9A-Za-z]{1,4}[.)]")  # "2." or "(a)" opening a paragraph is no sentence
# After the full stop: closing quotes or brackets, and inline footnote sentinels (core.marks).
_BOUNDARY = re.compile(r"(?<=[.!?])(?:[\"”’)\]]|\ue000\d+\ue001)*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, keeping every character: ''.join-ing with spaces restores the text."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()].rstrip()
        if _NUMBERING.fullmatch(candidate):
            continue
        last_word = re.findall(r"([A-Za-z.]+)\.(?:[\"”’)\]]|\ue000\d+\ue001)*$", candidate)
        if last_word and (last_word[0].lower().rstrip(".") in ABBREVIATIONS or len(last_word[0]) == 1):
            continue
        end = match.end()
        sentences.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def pack_sentences(text: str, max_chars: int) -> list[str]:
    """Cut text into pieces of at most max_chars at sentence boundaries (a longer sentence stays whole)."""
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        if current and len(current) + 1 + len(sentence) > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


# A sentence that introduces a list stays one unit with its items when together they are this short.
MAX_LIST_UNIT = 1000


def sentence_spans(text: str, keep_lists: bool = True) -> list[tuple[str, int, int]]:
    """Sentences of a passage with their [start, end) offsets. A line break ends a sentence; with
    keep_lists, the items on the lines after a paragraph's first line stay with the sentence that
    introduces them (the unit the index embeds and the answerer quotes)."""
    spans: list[tuple[str, int, int]] = []
    position = 0
    lines = text.split("\n")
    for number, line in enumerate(lines):
        for sentence in split_sentences(line):
            start = text.find(sentence, position)
            start = position if start == -1 else start
            end = start + len(sentence)
            spans.append((sentence, start, end))
            position = end
        items = "\n".join(lines[1:])
        if number == 0 and keep_lists and items and spans and len(spans[-1][0]) + len(items) <= MAX_LIST_UNIT:
            sentence, start, _ = spans[-1]
            spans[-1] = (f"{sentence}\n{items}", start, len(text))
            break
    return spans
