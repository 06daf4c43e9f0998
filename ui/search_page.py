"""Precedent search: where agreed language was used (exact wording, oldest first) or closely paraphrased.

Delegates drafting text want the earliest use of a phrase and every later echo of it, with the citation
to paste; the hits come in the order the library returns them and can be exported as CSV.
"""

from __future__ import annotations

import streamlit as st

from assistant.phrase import similar_shortfall
from assistant.service import Assistant
from core.models import DOC_TYPES
from index.reader import Filters, SearchIndex
from ui import components
from ui.app import current_assistant
from ui.components import Hit

EXACT = "Exact phrase"
SIMILAR = "Similar wording"
ANY_TYPE = "any"
# Hits drawn on the page; the CSV holds them all.
SHOWN = 50
YEARS = (1990, 2100)


def read_filters() -> Filters:
    """The filter widgets, in one row."""
    doc_type, symbol, year_from, year_to = st.columns([2, 2, 1, 1])
    chosen_type = doc_type.selectbox("Document type", [ANY_TYPE, *DOC_TYPES], key="search_doc_type")
    chosen_symbol = symbol.text_input("Symbol", placeholder="e.g. A/RES/80/16", key="search_symbol").strip()
    first = year_from.number_input("From year", *YEARS, value=None, step=1, placeholder="any",
                                   key="search_year_from")
    last = year_to.number_input("To year", *YEARS, value=None, step=1, placeholder="any",
                                 key="search_year_to")
    return Filters(
        doc_type=None if chosen_type == ANY_TYPE else chosen_type,
        symbol=chosen_symbol or None,
        year_from=int(first) if first is not None else None,
        year_to=int(last) if last is not None else None,
    )


def find(assistant: Assistant, mode: str, query: str, filters: Filters, k: int) -> list[Hit]:
    """(passage, matched spans) in the library's order: by date for exact wording, by similarity otherwise."""
    if mode == EXACT:
        return [(hit.passage, hit.spans) for hit in assistant.exact_phrase(query, filters)]
    return [(passage, ()) for passage in assistant.similar_wording(query, k, filters)]


def show_hits(hits: list[Hit], mode: str, index: SearchIndex) -> None:
    axis = components.timeline_axis(passages[0] for passages in index.by_document.values())
    timeline = components.hits_per_year((p for p, _ in hits), axis)
    if len(timeline):
        st.caption("Hits per year")
        st.bar_chart(timeline, y="hits", height=180, width=components.timeline_width(timeline))
    st.download_button("Download hits as CSV", components.hits_csv(hits), file_name="precedents.csv",
                       mime="text/csv", on_click="ignore", icon=":material/download:")
    for rank, (passage, spans) in enumerate(hits[:SHOWN], 1):
        doc = passage.doc
        score = "" if mode == EXACT else f" · similarity {passage.score:.2f}"
        st.markdown(f"**{rank}. {components.escape_text(passage.citation)}**", unsafe_allow_html=True)
        st.caption(components.escape_text(f"{doc.title} · {doc.date or 'undated'} · {doc.doc_type}{score}"),
                   unsafe_allow_html=True)
        st.markdown(components.highlight(passage.text, spans), unsafe_allow_html=True)
    if len(hits) > SHOWN:
        st.caption(f"{len(hits) - SHOWN} more hits are in the CSV.")


def render(assistant: Assistant) -> None:
    st.title("Precedent search")
    st.caption("Find where wording was used before: every exact occurrence, earliest document first, "
               "or the passages closest in meaning to a sentence.")
    index = components.open_index(assistant)
    if index is None:
        return
    mode = st.radio("Mode", [EXACT, SIMILAR], horizontal=True, key="search_mode")
    query = st.text_input("Wording" if mode == EXACT else "Sentence",
                          placeholder="e.g. a voice, not a vote" if mode == EXACT else "a sentence to find paraphrases of",
                          key="search_query")
    filters = read_filters()
    k = 10 if mode == EXACT else st.slider("How many passages", 1, 50, 10, key="search_k")
    if not query.strip():
        return
    with components.user_errors():
        hits = find(assistant, mode, query, filters, k)
        if not hits:
            st.info("No passage matches." if mode == EXACT else similar_shortfall(0, k, bool(filters)))
            return
        components.remember_document([passage for passage, _ in hits])
        st.subheader(f"{len(hits)} passage{'s' if len(hits) != 1 else ''}")
        shortfall = similar_shortfall(len(hits), k, bool(filters)) if mode == SIMILAR else ""
        if shortfall:
            st.caption(shortfall)
        show_hits(hits, mode, index)


if __name__ == "__main__":
    render(current_assistant())
