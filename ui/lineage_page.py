"""Lineage: how a paragraph read in each year's resolution, and what changed between two documents.

Two tabs over assistant.history and assistant.diff: paragraph history (pick a document and paragraph, or
type a citation) and document diff (a draft and the adopted text, or two years' resolutions). Deleted words
are struck through in red, inserted words green; all document text is escaped (components.diff_html).
"""

from __future__ import annotations

import streamlit as st

from assistant.docdiff import ChangeStatus, DocumentDiff
from assistant.history import ParagraphHistory
from assistant.lineage import compared_paragraphs, documents_in_order
from assistant.service import Assistant
from core.models import DocumentMeta
from index.reader import SearchIndex
from ui import components
from ui.app import current_assistant

# A paragraph's opening words in the paragraph picker.
PICKER_WORDS = 70


def document_label(doc: DocumentMeta) -> str:
    return f"{doc.label} · {doc.date or 'undated'} · {doc.title}"


def pick_document(label: str, documents: list[DocumentMeta], key: str, default: int = 0) -> str:
    """A selectbox of the indexed documents, oldest first; returns the chosen doc_id."""
    labels = {doc.doc_id: document_label(doc) for doc in documents}
    return st.selectbox(label, list(labels), index=max(0, min(default, len(labels) - 1)), format_func=labels.__getitem__,
                        key=key)


def pick_paragraph(index: SearchIndex, documents: list[DocumentMeta]) -> str:
    """The citation typed, else the passage id of the paragraph picked from a document."""
    typed = st.text_input("Citation", placeholder="e.g. A/RES/80/16, para. 4", key="lineage_citation").strip()
    if typed:
        return typed
    doc_id = pick_document("Or pick a document", documents, "lineage_doc", default=len(documents) - 1)
    paragraphs = {p.passage_id: p for p in compared_paragraphs(index.by_document[doc_id])}
    if not paragraphs:
        st.info("This document has no paragraphs to trace.")
        return ""
    return st.selectbox("Paragraph", list(paragraphs), key="lineage_paragraph",
                        format_func=lambda pid: f"{paragraphs[pid].locator} · {paragraphs[pid].text[:PICKER_WORDS]}")


def show_history(history: ParagraphHistory) -> None:
    st.markdown(f"#### {components.escape_text(history.cited.citation)}", unsafe_allow_html=True)
    st.caption(components.escape_label(f"First seen {history.first_seen or 'undated'} · worded as now since "
                                       f"{history.unchanged_since or 'undated'} · {len(history.versions)} version(s), "
                                       "oldest first"))
    for version in history.versions:
        passage = version.passage
        st.markdown(f"**{components.escape_text(passage.citation)}**", unsafe_allow_html=True)
        st.caption(components.escape_text(f"{passage.doc.date or 'undated'} · similarity {version.similarity:.2f}"),
                   unsafe_allow_html=True)
        st.markdown(components.diff_html(version.diff), unsafe_allow_html=True)


def show_diff(diff: DocumentDiff) -> None:
    counts = " · ".join(f"{diff.count(status)} {status.value}" for status in ChangeStatus)
    st.caption(components.escape_text(f"{diff.a} → {diff.b}: {counts}"), unsafe_allow_html=True)
    for change in diff.paragraphs:
        where = " → ".join(p.locator for p in (change.a, change.b) if p is not None)
        st.markdown(f"**{change.status.value}** · {components.escape_text(where)}", unsafe_allow_html=True)
        st.markdown(components.diff_html(change.diff), unsafe_allow_html=True)


def render(assistant: Assistant) -> None:
    st.title("Lineage")
    st.caption("Trace a paragraph through the yearly resolutions of its agenda item, or compare two documents "
               "(a draft and the adopted text, or two years' resolutions) paragraph by paragraph. Preamble and "
               "operative paragraphs are compared; the masthead and footnotes are not.")
    index = components.open_index(assistant)
    if index is None:
        return
    documents = documents_in_order(index)
    history_tab, diff_tab = st.tabs(["Paragraph history", "Document diff"])
    with history_tab:
        citation = pick_paragraph(index, documents)
        if citation:
            with components.user_errors():
                show_history(assistant.history(citation))
    with diff_tab:
        first, second = st.columns(2)
        with first:
            a = pick_document("Document A (earlier)", documents, "lineage_a", default=len(documents) - 2)
        with second:
            b = pick_document("Document B (later)", documents, "lineage_b", default=len(documents) - 1)
        with components.user_errors():
            show_diff(assistant.diff(a, b))


if __name__ == "__main__":
    render(current_assistant())
