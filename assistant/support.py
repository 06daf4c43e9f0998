"""Does a passage say what a generated sentence says? Measured, so a model cannot cite [1] for any claim.

Three signals for a sentence against the passages it cites:
- `overlap`: the share of its content words (bm25s's English stop words removed, Snowball-stemmed, as the
  lexical index tokenises) that occur in the cited passages;
- `similarity`: the cosine between it and the closest sentence of the cited passages (the project's embedder;
  with several passages cited, their joined text is one more candidate);
- `missing`: its figures (any token holding a digit: numbers, dates, symbols such as A/RES/80/16 or 79/243;
  and number words from two up) that the cited passages do not hold verbatim.
A sentence is supported when nothing is missing and both signals reach their thresholds. The thresholds
were fitted on the labelled sentences of evals/support.jsonl by `python -m evals.fit_support`
(docs/evaluation.md, "Support check").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.sentences import sentence_spans
from core.text import fold
from index.embedder import TextEmbedder
from index.lexical import terms, tokenize

# A token holding a digit; brackets and parentheses end it, so "(2025)" gives "2025".
_FIGURE = re.compile(r"[^\s()\[\]{}]*\d[^\s()\[\]{}]*")
# Punctuation around a figure that belongs to the sentence, not to the figure ("in 2025." -> "2025").
_EDGE_PUNCTUATION = ".,;:!?\"'`"
# Number words are figures too ("ten working days" is no more supported by "five" than 10 by 5); "one",
# "single" and "both" are left out, being pronouns and determiners as often as counts.
_NUMBER_WORD = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|"
    r"million|billion|twice|thrice)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SupportThresholds:
    """The least overlap and similarity a supported sentence shows (fitted: see the module docstring)."""

    min_overlap: float = 0.679
    min_similarity: float = 0.679


DEFAULT_THRESHOLDS = SupportThresholds()


@dataclass(frozen=True)
class Support:
    """The measured signals of one sentence against the passages it cites."""

    overlap: float
    similarity: float
    missing: tuple[str, ...]

    def passes(self, thresholds: SupportThresholds = DEFAULT_THRESHOLDS) -> bool:
        return not self.missing and self.overlap >= thresholds.min_overlap and self.similarity >= thresholds.min_similarity


def figures(text: str) -> list[str]:
    """The numbers, dates, symbols and number words of a text, each once, as written (edge punctuation removed)."""
    found = (token.strip(_EDGE_PUNCTUATION) for token in _FIGURE.findall(text))
    words = (word.lower() for word in _NUMBER_WORD.findall(text))
    return list(dict.fromkeys([*(token for token in found if any(c.isdigit() for c in token)), *words]))


def missing_figures(sentence: str, passages: Sequence[str]) -> tuple[str, ...]:
    """The sentence's figures that no cited passage holds verbatim (case, quotes and dashes folded).

    A figure must stand whole: "16" is not found in "160", nor "80/16" in "A/RES/80/16".
    """
    held = [fold(text)[0] for text in passages]
    missing = []
    for figure in figures(sentence):
        pattern = re.compile(rf"(?<![\w/]){re.escape(fold(figure)[0])}(?![\w/]|[.,]\d)")
        if not any(pattern.search(text) for text in held):
            missing.append(figure)
    return tuple(missing)


def content_overlap(sentence: str, passages: Sequence[str]) -> float:
    """The share of the sentence's distinct content stems that occur in the passages (0 when it has none)."""
    stems = set(terms(sentence))
    if not stems:
        return 0.0
    held = {stem for tokens in tokenize(list(passages)) for stem in tokens}
    return len(stems & held) / len(stems)


class SupportChecker:
    """Measures and judges generated sentences against the passages they cite.

    >>> SupportChecker(Embedder()).supports("The group meets twice a year.", ["The group meets twice a year."])  # doctest: +SKIP
    True
    """

    def __init__(self, embedder: TextEmbedder, thresholds: SupportThresholds = DEFAULT_THRESHOLDS) -> None:
        self.embedder = embedder
        self.thresholds = thresholds

    def measure(self, sentence: str, passages: Sequence[str]) -> Support:
        if not passages:
            raise ValueError("a sentence is measured against at least one cited passage")
        candidates = [text for passage in passages for text, _, _ in sentence_spans(passage)] or list(passages)
        if len(passages) > 1:  # a sentence citing [1][3] may join one claim of each: compare it with both too
            candidates.append(" ".join(passages))
        vectors = self.embedder.embed_documents([sentence, *candidates])
        similarity = float(np.max(vectors[1:] @ vectors[0]))
        return Support(content_overlap(sentence, passages), similarity, missing_figures(sentence, passages))

    def supports(self, sentence: str, passages: Sequence[str]) -> bool:
        return self.measure(sentence, passages).passes(self.thresholds)
