"""The JSON shapes of the machine interfaces (../shared/specs/interfaces.md), built once for the CLI's
`--json` and the HTTP API alike, so the two cannot drift apart."""

from __future__ import annotations

from typing import Any

from assistant.phrase import chronological, similar_shortfall
from assistant.service import Assistant
from index.reader import Filters, SearchIndex


def search_payload(
    assistant: Assistant, query: str, k: int, filters: Filters, *, phrase: bool = False, similar: bool = False
) -> dict[str, Any]:
    """`gma search --json`: ranked passages; with `phrase` every exact use, first use first (k does not
    apply, as in the CLI); with `similar` near-paraphrases by embedding, and a `notice` saying why fewer
    than k came back. `query` is echoed as given."""
    if phrase:
        return {"query": query, "results": [hit.to_dict() for hit in assistant.exact_phrase(query, filters, limit=None)]}
    if similar:
        results = [p.to_dict() for p in assistant.similar_wording(query, k, filters)]
        return {"query": query, "results": results, "notice": similar_shortfall(len(results), k, bool(filters))}
    return {"query": query, "results": [p.to_dict() for p in assistant.search(query, k, filters)]}


def documents_payload(index: SearchIndex) -> dict[str, Any]:
    """The indexed documents in the order they were adopted (undated last), each with its passage count."""
    documents = []
    for passages in sorted(index.by_document.values(), key=lambda passages: chronological(passages[0])):
        doc = passages[0].doc
        documents.append({
            "doc_id": doc.doc_id, "symbol": doc.symbol, "title": doc.title, "doc_type": doc.doc_type,
            "date": doc.date, "passages": len(passages), "short_title": doc.short_title, "url": doc.url,
            "source": doc.source, "provenance": doc.provenance.to_dict(),
        })
    return {"documents": documents, "generation": index.generation.name}
