"""Precedent search: where exact wording appears, earliest document first, with offsets to highlight."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.models import DocumentMeta, Passage
from core.text import fold
from core.vocabulary import spell_out
from index.embedder import TextEmbedder
from index.reader import Filters, SearchIndex
from index.vectors import passage_of

# How close in meaning (cosine similarity of the MiniLM vectors) a passage must be to count as similar wording.
SIMILARITY_FLOOR = 0.5


def document_day(doc: DocumentMeta) -> str | None:
    """When a document took effect: its adoption date where the masthead gives one, else its date.

    A resolution distributed in the January after its December adoption belongs to the year it was adopted.
    """
    return doc.adopted or doc.date


def chronological(passage: Passage) -> tuple[bool, str, str, int]:
    """Sort key putting passages in the order their documents were adopted (else dated), undated last."""
    day = document_day(passage.doc)
    return (day is None, day or "", passage.doc.doc_id, passage.ordinal)


@dataclass(frozen=True)
class PhraseHit:
    """A passage holding the wording, with the [start, end) character spans of each occurrence in its text."""

    passage: Passage
    spans: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict[str, object]:
        return {**self.passage.to_dict(), "matches": [list(span) for span in self.spans]}


def similar_shortfall(found: int, asked: int, filtered: bool) -> str:
    """Why a similar-wording search returned fewer passages than asked ("" when it did not): the others
    fall under the similarity floor (with the filters, if any)."""
    if found >= asked:
        return ""
    where = " under these filters" if filtered else ""
    if not found:
        return f"No passage is close enough in meaning (similarity {SIMILARITY_FLOOR:.2f} or more){where}."
    return f"Only {found} of the {asked} asked for reach the similarity floor of {SIMILARITY_FLOOR:.2f}{where}."


class PhraseSearcher:
    """Exact-wording and similar-wording search over one index.

    >>> hits = PhraseSearcher(SearchIndex.open(Path(".gma"))).exact("a voice, not a vote")  # doctest: +SKIP
    """

    def __init__(self, index: SearchIndex, embedder: TextEmbedder | None = None) -> None:
        self.index = index
        self.embedder = embedder

    def exact(self, phrase: str, filters: Filters | None = None, limit: int | None = None) -> list[PhraseHit]:
        """Every passage containing the phrase, the first use of the wording first (undated documents last)."""
        needle, _ = fold(phrase.strip())
        if not needle:
            raise ValueError("the phrase to search for is empty")
        filters = filters or Filters()
        hits = []
        for passage in self.index.passages:
            if not filters.admits(passage):
                continue
            if needle not in self.index.folded[passage.passage_id]:
                continue
            folded, offsets = fold(passage.text)
            spans = []
            start = folded.find(needle)
            while start != -1:
                end = start + len(needle) - 1
                spans.append((offsets[start], offsets[end] + 1))
                start = folded.find(needle, start + 1)
            if spans:
                hits.append(PhraseHit(passage, tuple(spans)))
        hits.sort(key=lambda hit: chronological(hit.passage))
        return hits[:limit] if limit else hits

    def similar(
        self, sentence: str, k: int = 10, filters: Filters | None = None, min_similarity: float = SIMILARITY_FLOOR
    ) -> list[Passage]:
        """The k passages whose meaning is closest to the sentence (near-paraphrases), most similar first;
        fewer only when no more reach `min_similarity` under the filters.

        Vectors are per sentence, so the search widens until k distinct passages are found or the nearest
        sentences left fall below the floor.
        """
        if self.embedder is None:
            raise ValueError("similar-wording search needs an embedder")
        vector = self.embedder.embed_query(spell_out(sentence))
        where = (filters or Filters()).chroma_where()
        fetch = 4 * k
        while True:
            found = self.index.vectors.search(vector, fetch, where)
            best: dict[str, float] = {}
            for sid, similarity in found:
                if similarity >= min_similarity and passage_of(sid) in self.index.by_id:
                    best.setdefault(passage_of(sid), similarity)
            exhausted = len(found) < fetch or found[-1][1] < min_similarity
            if len(best) >= k or exhausted:
                break
            fetch *= 4
        return [replace(self.index.by_id[pid], score=round(similarity, 6)) for pid, similarity in best.items()][:k]
