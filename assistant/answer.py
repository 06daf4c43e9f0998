"""The grounded extractive answerer: sentences of the retrieved passages, each followed by its citation.

It needs no language model. It never writes a word of its own: an answer is one to three sentences
quoted from the passages (plus, for "who said or voted what", the footnote their markers point to), each
followed by `[citation]`. It answers only when the draft has the kind of answer asked for (a number
for "how many", States for "which States") and a fitted confidence that it is right reaches 2/3
(assistant/confidence.json, fitted on evals/tune.jsonl by `python -m evals.fit_confidence`); otherwise it
abstains, offering the closest sentence as no answer.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.linear import LinearModel
from assistant.query import NUMBER, SYMBOL, WORDING_NOUNS, Query, expand_acronyms, locators_in
from assistant.retriever import SearchResult
from assistant.short_answer import short_answer
from core.acronyms import uses_of
from core.models import Passage
from core.settings import require_valid_knobs
from core.text import fold
from core.vocabulary import ACRONYMS, MONTHS, is_source_reference, spell_out, states_named
from index.embedder import TextEmbedder
from index.lexical import terms, tokenize
from index.reader import SearchIndex

ABSTAIN_MESSAGE = "The indexed documents do not support an answer to this question."
# Words that shape a question but say nothing about its subject, beyond English function words (NLTK's stop
# list, as bm25s ships it: `_question_words`). Each group is a kind of word the list leaves out:
# - function words it lacks: adverbs of degree, time and frequency, quantifiers, the modal auxiliaries
#   ("may" is left in, being a month's name too), and the prepositions (both closed classes; those that are as
#   often nouns or adjectives, "past", "near", "outside", "like", are left in). A rare preposition ("despite")
#   would otherwise weigh as the question's rarest word;
_MORE_FUNCTION_WORDS = (
    "also ever every many much often frequently currently exactly still instead per one last whose long "
    "could would must might shall ought "
    "across along amid amidst among amongst around behind beneath beside besides beyond concerning despite except "
    "notwithstanding onto regarding since throughout till toward towards underneath unlike unto upon via within without"
)
# - verbs by which a question asks what a text says rather than about its subject ("what does it say about");
_REPORTING_VERBS = (
    "according say says said tell describe describes described explain mention mentioned cite cites cited ask asks "
    "asked speak speaks call called name list mean means meant give gives gave appear appears come comes found"
)
# - light verbs, whose object carries the meaning ("take place", "get", "hold"), and nouns that frame what is
#   asked ("what kind of", "its role", "the main purpose");
_LIGHT_WORDS = (
    "take takes took place get gets got happen happens happened receive receives received run runs keep keeps "
    "hold holds kind type role purpose main key focus full"
)
# - words naming the documents as documents, which every passage of them is, and their wording as wording.
_DOCUMENT_WORDS = " ".join(("document documents corpus text texts word source sources symbol official operative date", *WORDING_NOUNS))


@lru_cache(maxsize=1)
def _question_words() -> re.Pattern[str]:
    """The words `_term_weights` drops from a question (built on first use: bm25s loads with search)."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    extra = " ".join((_MORE_FUNCTION_WORDS, _REPORTING_VERBS, _LIGHT_WORDS, _DOCUMENT_WORDS)).split()
    words = sorted({w for w in (*STOPWORDS_EN_PLUS, *extra) if w.isalpha()}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(words) + r")\b", re.IGNORECASE)


# "Which States ..." names what the answer must supply (footnotes name them), not a word the text must hold.
_ASKED_FOR_WHO = re.compile(
    r"\b(which (member states?|states?|country|countries|delegations?|governments?)|"
    r"whose (statements?|submissions?|proposals?|views?)|is cited|are cited)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AnswerPolicy:
    """Thresholds of the extractive answerer, calibrated on the eval suite (docs/evaluation.md).

    A sentence's `coverage` is the idf-weighted share of the question's terms it (with its passage's
    citation and heading) contains; its `similarity` is the cosine between it and the question (dense
    model). The `rerank` best sentences by coverage are scored `coverage + similarity_weight *
    similarity + rank_weight / passage rank` (`rank_weight` chosen on tune: 0.1, 0.2, 0.3 gave answer
    accuracy 0.710, 0.719, 0.719 and abstention 0.667, 0.667, 0.619). The share of the question's focus
    terms (those at least `focus_ratio` as rare as its rarest term: "budget" in "the 2027 budget of the
    Global Mechanism") that the passages read (with their footnotes) hold, and whether the best sentence
    holds them all, are signals of the confidence; a focus term counts as held when a word of the passages
    is within `synonym_similarity` of it in the dense model's space ("entry" for "enter", "images" for
    "photos"; chosen on tune, docs/evaluation.md). A sentence that itself holds every focus term scores
    `focus_bonus` more than one that shares only the question's commoner words (its passage may hold the
    rest); one holding wording the question quotes, or of the paragraph it names, scores at least
    `min_score`. Further sentences join the first only when they score at least `keep_ratio` of it and
    carry a part of the answer the sentences before them lack, a question term or the answer's shape
    (`new_parts_only`, `_carries_more`: every sentence of an answer carries part of it), and none joins a
    first sentence that gives the span asked for (`_answers_alone`); a sentence of an official document
    that scores as much leads instead of a best one from an unconfirmed document or an upload. The draft
    is the answer when its confidence reaches `min_confidence` and, if the passages lack a focus term, its
    best sentence's similarity reaches `unheld_focus_similarity` (`ExtractiveAnswerer.accepts`).
    """

    rerank: int = 15
    max_sentences: int = 3
    similarity_weight: float = 1.0
    rank_weight: float = 0.2
    min_score: float = 1.2
    focus_ratio: float = 0.9
    passage_weight: float = 0.3
    keep_ratio: float = 0.8
    check_kind: bool = True
    enumeration_bonus: float = 0.3
    focus_bonus: float = 0.1
    synonym_similarity: float = 0.7
    one_source: bool = True
    new_parts_only: bool = True
    # Answer when the draft is right with probability at least 2/3: a wrong answer is worse than none, and
    # counting it twice as costly as an abstention, answering pays (P - 2 (1 - P) >= 0) from P = 2/3 on.
    min_confidence: float = 2 / 3
    unheld_focus_similarity: float = 0.6

    def __post_init__(self) -> None:
        require_valid_knobs(self)


DEFAULT_POLICY = AnswerPolicy()

# What the confidence reads of a draft: its best sentence's score and the parts of it, how much of the
# question's rarest words the passages and the sentence hold, its passage's rank, whether it holds wording
# the question quotes, and whether a "who" question's sentence lacks the act it asks about.
CONFIDENCE_SIGNALS = (
    "score", "similarity", "coverage", "focus_held", "sentence_focus", "rank", "quoted", "actor_unheld",
)
CONFIDENCE_FILE = Path(__file__).with_name("confidence.json")


def confidence_signals(signals: dict[str, float]) -> list[float]:
    """A draft's signals as the confidence model's row (CONFIDENCE_SIGNALS, in order)."""
    derived = {**signals, "actor_unheld": signals["asks_actor"] * (1.0 - signals["sentence_focus"])}
    return [derived[name] for name in CONFIDENCE_SIGNALS]


@lru_cache(maxsize=1)
def packaged_confidence() -> LinearModel:
    """The confidence fitted for this release (assistant/confidence.json), read once per process."""
    return LinearModel.load(CONFIDENCE_FILE, CONFIDENCE_SIGNALS)


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer and the passages that say it (most often one)."""

    text: str
    passages: tuple[Passage, ...]
    coverage: float = 0.0

    @property
    def citation(self) -> str:
        """The citations of its passages, as the answer prints them after it."""
        return "; ".join(p.citation for p in self.passages)

    @property
    def rendered(self) -> str:
        return f"{self.text} [{self.citation}]"


@dataclass(frozen=True)
class Answer:
    """What `gma ask` returns; `to_json` is the shape of the interface spec."""

    question: str
    sentences: tuple[AnswerSentence, ...]
    retrieved: tuple[Passage, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)
    message: str = ""
    notice: str = ""  # said beside the answer, e.g. that a question not in English was searched as written
    short: str = ""  # the span of the first sentence that answers a when / how many / which / who question
    closest: AnswerSentence | None = None  # when abstaining: the best sentence found, shown as not an answer
    signals: dict[str, float] = field(default_factory=dict)  # what the decision to answer read (extractive)

    @property
    def abstained(self) -> bool:
        return not self.sentences

    @property
    def text(self) -> str:
        return " ".join(s.rendered for s in self.sentences)

    @property
    def citations(self) -> list[Passage]:
        """The passages cited, in the order the answer cites them, each once."""
        seen: dict[str, Passage] = {}
        for sentence in self.sentences:
            for passage in sentence.passages:
                seen.setdefault(passage.passage_id, passage)
        return list(seen.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [p.to_dict() for p in self.citations],
            "retrieved": [p.to_dict() for p in self.retrieved],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "message": self.message,
            "notice": self.notice,
            "short_answer": self.short,
            "closest": self.closest and {
                "sentence": self.closest.text,
                "citation": self.closest.citation,
                "passage_id": self.closest.passages[0].passage_id,
            },
            "signals": {name: round(value, 4) for name, value in self.signals.items()},
        }


class TextVectors:
    """The embedder's vectors of short texts, kept while an index version is open: questions about the same
    documents compare the same passage words (`_near_synonyms`) and the same lead-ins and clauses
    (`_part_similarities`), and each is embedded once. The corpus bounds them: it has some 20,000 distinct
    words and a few thousand lead-ins and clauses (at most about 40 MB)."""

    def __init__(self, embedder: TextEmbedder) -> None:
        self.embedder = embedder
        self._known: dict[str, np.ndarray] = {}

    def of(self, texts: list[str]) -> np.ndarray:
        """One row per text, in order."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._known]
        if missing:
            self._known.update(zip(missing, self.embedder.embed_documents(missing), strict=True))
        return np.vstack([self._known[t] for t in texts])


@dataclass(frozen=True)
class Draft:
    """What the answerer would say for a search result, and the signals its decision to say it reads."""

    sentences: tuple[AnswerSentence, ...]
    signals: dict[str, float]


@dataclass(frozen=True)
class _Candidate:
    text: str
    passage: Passage
    start: int
    end: int
    coverage: float
    rank: int
    sentence_id: str
    quoted: bool = False
    located: bool = False  # of the paragraph the question names ("paragraph 1 of A/C.1/80/L.20")
    focus_held: float = 1.0
    holds_focus: bool = False
    similarity: float = 0.0
    score: float = 0.0
    terms: frozenset[str] = frozenset()  # the question's terms its own words hold (not its passage's frame)


class ExtractiveAnswerer:
    """Answers a question by quoting the sentences of its search result that support it.

    It reads every passage of the result (`gma ask --k`), the index for their footnotes and term weights,
    and the embedder (through `TextVectors`) only for the words it lacks, the lead-ins of lists and clauses.

    >>> answerer = ExtractiveAnswerer(index, embedder)  # doctest: +SKIP
    >>> answerer.answer(searcher.search(analyse("What are the two dedicated thematic groups?"), 7)).text  # doctest: +SKIP
    'It proposed a streamlined model of two integrated ... DTGs ... [UNIDIR chapter, section 2.4]'
    """

    def __init__(
        self, index: SearchIndex, embedder: TextEmbedder, policy: AnswerPolicy = DEFAULT_POLICY,
        text_vectors: TextVectors | None = None, confidence: LinearModel | None = None,
    ) -> None:
        self.index = index
        self.policy = policy
        self.text_vectors = text_vectors or TextVectors(embedder)  # shared by the answerers of one index version
        self.confidence = confidence or packaged_confidence()

    def answer(self, result: SearchResult) -> Answer:
        started = time.perf_counter()
        draft = self.draft(result)
        answered = draft.sentences if self.accepts(draft) else ()
        return Answer(
            question=result.query.text,
            sentences=answered,
            retrieved=tuple(result.passages),
            timings_ms={"answer": (time.perf_counter() - started) * 1000},
            message="" if answered else ABSTAIN_MESSAGE,
            short=short_answer(result.query, answered),
            closest=None if answered or not draft.sentences else draft.sentences[0],
            signals=draft.signals,
        )

    def accepts(self, draft: Draft) -> bool:
        """Whether the draft answers: it has the kind of answer asked for, it speaks of what the question
        asks about, and its confidence (the fitted probability that it is right,
        `Draft.signals["confidence"]`) reaches the policy's. Where quoted wording appears is answered by the
        sentences that hold it (`signals["places"]`): finding them is a match of the wording, not a judgement
        for the confidence to weigh (it was fitted on questions of every kind, few of them this one).

        A question whose rarest words no passage read holds in any form ("the 2027 budget", where the
        documents give only the months of 2027) asks about something they do not speak of, unless the best
        sentence holds the wording it quotes, is of the paragraph it names, or is as a whole close to the
        question (`unheld_focus_similarity` in the dense model's space; lay words seldom match the
        documents' terms). The confidence weighs the share of those words held among its other signals, but
        the tune questions hold too few unanswerable ones to teach it that one word missing everywhere can
        make an answer wrong; on tune this rule refuses two more of them at the same cost (a wrong answer
        counted twice an abstention; docs/evaluation.md)."""
        signals = draft.signals
        if not draft.sentences or not signals["kind"]:
            return False
        if signals["places"]:
            return True
        speaks_of_it = signals["focus_held"] == 1.0 or signals["quoted"] or signals["located"] or (
            signals["similarity"] >= self.policy.unheld_focus_similarity
        )
        return speaks_of_it and signals["confidence"] >= self.policy.min_confidence

    def draft(self, result: SearchResult) -> Draft:
        """The sentences that would answer, best first, and the signals of how well they are supported."""
        query = result.query
        candidates = _trusted_first(self._reranked(result), self.policy.keep_ratio)
        if not candidates:
            return Draft((), {})
        chosen = self._chosen(query, candidates)
        best = next(c for c in candidates if any(c is x for x in chosen))  # its signals are the answer's
        sentences: list[AnswerSentence] = []
        for candidate in chosen:
            # the same words in another document (the draft it was adopted from) are cited with it
            saying = (candidate.passage, *result.copies.get(candidate.passage.passage_id, ()))
            sentences.append(AnswerSentence(candidate.text, saying, round(candidate.coverage, 4)))
            if query.asks_attribution or query.asks_source:
                already = [p for s in sentences for p in s.passages]
                sentences += self._footnotes_of(candidate, already, sources=query.asks_source)
        signals = {
            "score": best.score,
            "similarity": best.similarity,
            "coverage": best.coverage,
            "focus_held": best.focus_held,
            "sentence_focus": float(best.holds_focus),
            "rank": 1 / (best.rank + 1),
            "quoted": float(best.quoted),
            "located": float(best.located),
            # the documents quoted as the places where wording the question quotes appears ("where does ... appear?")
            "places": float(len(chosen)) if query.asks_where_wording_appears and best.quoted else 0.0,
            "asks_actor": float(query.asks_actor),
            "kind": float(_answers_the_kind_of_question(query, sentences, self.policy)),
        }
        signals["confidence"] = self.confidence.probability(confidence_signals(signals))
        return Draft(tuple(sentences), signals)

    def _chosen(self, query: Query, candidates: list[_Candidate]) -> list[_Candidate]:
        """The sentences of the answer, best first: the best, and, unless it answers alone, those that score
        nearly as well, come from its document and carry a part of the answer it lacks; only the paragraph's
        own when the question names a paragraph. When the best points back at what the sentence before it
        named ("among these fora"), that sentence goes before it. A question asking where quoted wording
        appears is answered by the places it appears, one sentence per document, oldest first: where agreed
        language was first used, then where it was used since."""
        policy = self.policy
        if query.asks_where_wording_appears:
            places = list({c.passage.doc.doc_id: c for c in reversed(candidates) if c.quoted}.values())
            if places:
                return sorted(places, key=_oldest_first)[: policy.max_sentences]
        best = candidates[0]
        chosen = [best]
        further = [] if policy.new_parts_only and _answers_alone(query, best, policy) else candidates[1:]
        for candidate in further:
            if len(chosen) >= policy.max_sentences or candidate.score < policy.keep_ratio * best.score:
                break
            same_source = candidate.passage.doc.doc_id == best.passage.doc.doc_id
            if best.located and not candidate.located:  # the paragraph asked for is the whole answer
                continue
            adds = not policy.new_parts_only or _carries_more(query, candidate, chosen)
            if all(candidate.text != c.text for c in chosen) and (same_source or not policy.one_source) and adds:
                chosen.append(candidate)
        antecedent = _antecedent(best, candidates) if _POINTS_BACK.search(best.text) else None
        if antecedent is not None and all(antecedent is not c for c in chosen):
            chosen = [antecedent, *chosen][: policy.max_sentences]
        return chosen

    def _candidates(self, result: SearchResult) -> list[_Candidate]:
        weights = self._term_weights(result.query)
        total = sum(weights.values())
        if not total:
            return []
        candidates = []
        phrase = fold(result.query.phrase)[0] if result.query.phrase else None
        rarest = max(weights.values())
        focus = {t for t, w in weights.items() if w >= self.policy.focus_ratio * rarest}
        present = self._terms_of(result.passages)
        present |= self._near_synonyms(result.query.text, result.passages, present)
        focus_held = sum(_holds_all({t}, present) for t in focus) / len(focus)
        # The paragraph or article the question names is one of its terms, however its number tokenises ("5" in
        # "article 5" is no index term): held by that paragraph's sentences, and an article by any sentence
        # naming it ("the account referred to in article 56"; "paragraph 1" in a text is most often another's).
        places = set(result.query.locators) - {"preamble"}
        articles = {p for p in places if p.startswith("art.")}
        place_weight = rarest if places else 0.0
        total += place_weight
        for rank, passage in self._quotable(result):
            # The citation, heading and title frame every sentence: "paragraph 1 of 80/16" is in them, not in
            # the text. A symbol in the title names another document ("established pursuant to resolution
            # 75/240"), which the passage is not.
            title = SYMBOL.sub(" ", passage.doc.title)
            frame = set(_terms(f"{passage.citation.replace('para.', 'paragraph')} {passage.context} {title}"))
            whole = set(_terms(passage.text)) | frame
            named = not result.named or passage.doc.doc_id in result.named
            located = named and result.query.names_locator(passage.locator)
            cites = [bool(articles & set(locators_in(text))) for text, _, _ in passage.sentences] if articles else []
            held = sum(w for t, w in weights.items() if t in whole) + place_weight * (located or any(cites))
            passage_coverage = held / total
            for number, (text, start, end) in enumerate(passage.sentences):
                own = set(_terms(text))
                present = own | frame
                held = sum(w for t, w in weights.items() if t in present) + place_weight * (located or bool(cites and cites[number]))
                coverage = held / total
                coverage = (coverage + self.policy.passage_weight * passage_coverage) / (1 + self.policy.passage_weight)
                quoted = bool(phrase and phrase in fold(text)[0])  # a sentence holding the quoted wording answers
                candidates.append(
                    _Candidate(
                        text, passage, start, end, 1.0 if quoted else coverage, rank, passage.sentence_id(number),
                        quoted, located, focus_held, _holds_all(focus, present), terms=frozenset(own & weights.keys()),
                    )
                )
        return sorted(candidates, key=lambda c: (-c.coverage, c.rank))

    def _quotable(self, result: SearchResult) -> list[tuple[int, Passage]]:
        """The passages an answer may quote, with their ranks: never a footnote that only cites a source,
        and, when the question names documents, theirs and those that cite them (if any were found)."""
        index = self.index
        pool = [
            (rank, p) for rank, p in enumerate(result.passages) if not (p.is_footnote and is_source_reference(p.text))
        ]
        named = result.named
        numbers = result.query.session_numbers
        if not (named or numbers):
            return pool
        citing = {pid for number in numbers for pid in index.mentions.get(number, ())}

        def about_named(passage: Passage) -> bool:
            return passage.doc.doc_id in named or passage.doc.session_number in numbers or bool({passage.passage_id, *passage.footnotes} & citing)

        return [(rank, p) for rank, p in pool if about_named(p)] or pool

    def _terms_of(self, passages: list[Passage]) -> set[str]:
        """Every term of the passages, their citations, headings and the footnotes they cite."""
        index = self.index
        texts = [f"{p.citation.replace('para.', 'paragraph')} {p.context} {p.text}" for p in passages]
        texts += [index.by_id[f].text for p in passages for f in p.footnotes if f in index.by_id]
        return set(_terms(" ".join(texts)))

    def _near_synonyms(self, question: str, passages: list[Passage], present: set[str]) -> set[str]:
        """The terms of question words the passages lack in any form but hold a near-synonym of: a word
        of theirs within `synonym_similarity` of it in the dense model's space. The model, not a list of
        pairs, knows that "entry" into force is what "enter" asks about (MiniLM: 0.78), and that "chair"
        is not "elect" (0.35)."""
        asked = list(dict.fromkeys(_WORD.findall(question.lower())))
        stems = dict(zip(asked, tokenize(asked), strict=True))
        missing = [w for w, terms in stems.items() if terms and not _holds_all(set(terms), present)]
        if not missing:
            return set()
        # one surface form per stem of the passages' content words: "entry" stands for "entries"
        read = sorted({w for p in passages for w in _WORD.findall(p.text.lower())})
        forms = {tuple(stems): w for w, stems in zip(read, tokenize(read), strict=True) if stems}
        words = sorted(forms.values())
        if not words:
            return set()
        similarity = self.text_vectors.of(missing) @ self.text_vectors.of(words).T
        return {t for w, row in zip(missing, similarity, strict=True) if row.max() >= self.policy.synonym_similarity for t in stems[w]}

    def _reranked(self, result: SearchResult) -> list[_Candidate]:
        """The best candidates by coverage, rescored with their own similarity to the question; first the
        sentences of a paragraph the question names of a document it names (by symbol or short title:
        "paragraph 2 of article 6 of A/RES/79/243"), which another paragraph may outscore by sharing more of
        its words, as one citing "paragraph 2 of this article" does."""
        policy = self.policy
        shortlist = self._candidates(result)[: policy.rerank]
        parts = self._part_similarities(result, shortlist)
        rescored = []
        for candidate in shortlist:
            similarity = max(result.sentence_similarity.get(candidate.sentence_id, 0.0), parts.get(candidate.text, -1.0))
            score = candidate.coverage + policy.similarity_weight * float(similarity) + policy.rank_weight / (candidate.rank + 1)
            score += policy.enumeration_bonus * _enumerates(result.query, candidate.text)
            score += policy.focus_bonus * candidate.holds_focus
            # the exact wording or the paragraph asked for: found is found, however unlike the question it reads
            if candidate.quoted or candidate.located:
                score = max(score, policy.min_score + policy.rank_weight / (candidate.rank + 1))
            rescored.append(replace(candidate, similarity=float(similarity), score=score))
        names_documents = bool(result.named)
        return sorted(
            rescored, key=lambda c: (not (names_documents and c.located), -c.score, not c.passage.doc.provenance.trusted)
        )

    def _part_similarities(self, result: SearchResult, candidates: list[_Candidate]) -> dict[str, float]:
        """For a sentence that introduces a list, the similarity of the introducing sentence alone: the
        items it carries (stored as one vector with it) drown what it says in the embedding. For a sentence
        of clauses set apart by semicolons (an operative paragraph deciding several things), that of its
        closest clause: the model averages a long sentence's meaning and reads no further than its first
        256 word pieces, while the clause that answers may come last."""
        parts: dict[str, list[str]] = {}
        for candidate in candidates:
            if "\n" in candidate.text:
                parts[candidate.text] = [candidate.text.split("\n", 1)[0]]
            elif len(clauses := [c for c in _CLAUSE_BREAK.split(candidate.text) if c.strip()]) > 1:
                parts[candidate.text] = clauses
        if not parts:
            return {}
        texts = [spell_out(part) for found in parts.values() for part in found]
        similarities = iter(self.text_vectors.of(texts) @ result.query_vector)
        return {text: max(float(next(similarities)) for _ in found) for text, found in parts.items()}

    def _term_weights(self, query: Query) -> dict[str, float]:
        """idf of each informative question term; a term the corpus never uses weighs as much as the rarest."""
        text = _question_words().sub(" ", _ASKED_FOR_WHO.sub(" ", query.expanded))
        for acronym, _ in query.long_forms:  # its name, which follows it, stands for it
            text = uses_of(acronym).sub(" ", text)
        terms = list(dict.fromkeys(_terms(text)))
        idf = self.index.lexical.idf(terms)
        ceiling = max(idf.values(), default=0.0) or 1.0
        return {t: (w if w > 0 else ceiling) for t, w in idf.items()}

    def _footnotes_of(self, candidate: _Candidate, already: list[Passage], sources: bool = False) -> list[AnswerSentence]:
        """The footnotes whose markers sit in (or right after) the chosen sentence, as sentences of their own;
        those that only cite a source are left out unless the question asks for the source."""
        index = self.index
        notes = [
            index.by_id[pid]
            for pid, offset in candidate.passage.footnote_marks
            if candidate.start <= offset <= candidate.end + 1 and pid in index.by_id
        ]
        return [
            AnswerSentence(n.text, (n,)) for n in notes if n not in already and (sources or not is_source_reference(n.text))
        ]


# A span that is a year or a span of years, no more ("2031", "2021–2025").
_YEARS = re.compile(r"\d{4}(?:\s*(?:to|[-–])\s*\d{4})?")


def _answers_alone(query: Query, best: _Candidate, policy: AnswerPolicy) -> bool:
    """Whether the best sentence is the whole answer: it gives the span the question asks for (the date of
    "when", the number of "how many", the symbol of "which resolution", the States of "which States"), and
    of every kind it asks for ("where and when" a place too). The short answer is that span, so any further
    sentence could only add what was not asked. A year alone is not yet the whole answer to "when": "held in
    2098" has the shape of one, and a sentence giving the days ("from 3 to 7 May 2099") may still join."""
    alone = [AnswerSentence(best.text, (best.passage,))]
    span = short_answer(query, alone)
    return bool(span) and not _YEARS.fullmatch(span) and _answers_the_kind_of_question(query, alone, policy)


def _carries_more(query: Query, candidate: _Candidate, chosen: list[_Candidate]) -> bool:
    """Whether a further sentence carries a part of the answer that the sentences before it lack: a term of
    the question they do not hold, a span of the kind asked for that they do not give (the date "when"
    asks, the number "how many" counts: "held in 2098" has the shape of an answer to "when will it meet?"
    without being it, so "from 3 to 7 May 2099" still joins), or the list "what are the two ..." asks for
    when none of them sets one out."""
    if candidate.terms - set().union(*(c.terms for c in chosen)):
        return True
    span = short_answer(query, [AnswerSentence(candidate.text, (candidate.passage,))])
    counts = not query.counted or query.gives_count(candidate.text)  # any number is no count of what is asked
    if span and counts and not any(span in c.text for c in chosen):
        return True
    return _enumerates(query, candidate.text) == 1.0 and not any(_enumerates(query, c.text) == 1.0 for c in chosen)


# A plural demonstrative before a noun points back at what the sentence before named ("among these fora",
# "such measures"): the sentence alone does not say which they are.
_POINTS_BACK = re.compile(r"\b(?:these|those|such)\s+(?!as\b)\w+", re.IGNORECASE)


def _antecedent(best: _Candidate, candidates: list[_Candidate]) -> _Candidate | None:
    """The sentence right before `best` in its passage, if it is among the candidates."""
    before = max((start for _, start, end in best.passage.sentences if end <= best.start), default=None)
    return next((c for c in candidates if c.passage is best.passage and c.start == before), None)


def _oldest_first(candidate: _Candidate) -> tuple[bool, str, bool]:
    """A sort key: dated documents by date, official ones first on the same date, undated ones last."""
    doc = candidate.passage.doc
    return (not doc.date, doc.date or "", not doc.provenance.trusted)


def _trusted_first(candidates: list[_Candidate], keep_ratio: float) -> list[_Candidate]:
    """The candidates best first, except that when the best is from an unconfirmed document or an upload,
    the best official one that would be good enough to join it (`keep_ratio` of its score) leads instead:
    between two sources that answer about as well, the answer quotes the official one."""
    if not candidates or candidates[0].passage.doc.provenance.trusted:
        return candidates
    threshold = keep_ratio * candidates[0].score
    official = next((c for c in candidates if c.passage.doc.provenance.trusted and c.score >= threshold), None)
    return candidates if official is None else [official, *(c for c in candidates if c is not official)]


def _terms(text: str) -> list[str]:
    return terms(expand_acronyms(text))


# Where a sentence's clauses part: a semicolon, as operative paragraphs set apart what they decide.
_CLAUSE_BREAK = re.compile(r";\s+")
# A word as the near-synonym check reads it: three letters or more.
_WORD = re.compile(r"[a-z]{3,}")


def _holds_all(terms: set[str], present: set[str]) -> bool:
    """Whether every term is among `present`, stemmed apart or spelled out as it may be."""
    return all(_near(term, present) or _spelled_out_in(term, present) for term in terms)


def _near(term: str, present: set[str]) -> bool:
    """Whether a question term is in the passages, allowing for a stemmer that keeps `failur` apart
    from `fail` and `repres` from `represent`: a shared start of four letters or more, short of the
    shorter word by at most two."""
    if term in present:
        return True
    if len(term) < 4:
        return False
    for word in present:
        shared = len(os.path.commonprefix([term, word]))
        if shared >= 4 and shared >= min(len(term), len(word)) - 2:
            return True
    return False


def _spelled_out_in(term: str, present: set[str]) -> bool:
    """Whether an acronym term (`apr`) is in the passages spelled out (`annual progress report`)."""
    for short, full in ACRONYMS.items():
        if terms(short) == [term]:
            return set(terms(full)) <= present
    return False


# The place a "where" question asks for (`Query.asks_place`): English names one by a preposition of place or
# direction before a proper name ("in Geneva", "at United Nations Headquarters", "to the International Court of
# Justice"); a month, or a part of the document ("in Annex C"), is none.
_PLACE = re.compile(
    rf"\b(?:in|at|to)\s+(?:the\s+)?(?!(?:{'|'.join(MONTHS)}|Annex|Article|Chapter|Part|Section)\b)[A-Z][a-z]+"
)


def _answers_the_kind_of_question(query: Query, sentences: list[AnswerSentence], policy: AnswerPolicy) -> bool:
    """A "how many" question needs a number of what it counts in its answer ("how many States have
    ratified" is not answered by "open for signature until 31 December 2026"; any number when it names
    nothing to count, as "how much"), a "where" question a place (`_PLACE`), a "which States" question
    the footnote or sentence that names them, and a question about what one State said a sentence naming
    it: quoting the paragraph on the topic without it would not answer it."""
    if not policy.check_kind:
        return True
    counts = query.gives_count if query.counted else NUMBER.search
    if query.asks_count and not any(counts(s.text) for s in sentences):
        return False
    if query.asks_place and not any(_PLACE.search(s.text) for s in sentences):
        return False
    named = states_named("\n".join(s.text for s in sentences))
    if query.asks_attribution and not named and not any(p.is_footnote for s in sentences for p in s.passages):
        return False
    return not query.states or bool(query.states & named)


def _enumerates(query: Query, sentence: str) -> float:
    """How well a sentence has the shape of the answer to "how many ...?" (it puts a number before what is
    counted; any other number is half as good: "one aspect of the groups" does not count them) or "what
    are the two ...?" (it sets them out as a list; holding their number is half as good)."""
    lead = sentence.split("\n", 1)[0]
    counted = bool(NUMBER.search(lead))
    if query.asks_count:
        return 1.0 if query.gives_count(lead) else 0.5 if counted else 0.0
    if query.asks_enumeration:
        return 1.0 if "\n" in sentence else 0.5 if counted else 0.0
    return 0.0
