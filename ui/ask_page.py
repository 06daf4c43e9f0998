"""Ask: a chat over the documents; every answer quotes its paragraphs and cites them as numbered chips.

The session's history is a list of `Answer`s in `st.session_state`; nothing is stored on disk.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from assistant.answer import Answer
from assistant.service import Assistant
from ui import components
from ui.app import current_assistant, current_settings

HISTORY_KEY = "ask_history"
EXTRACTIVE = "extractive (default)"
# Closest passages offered for reading when the assistant abstains.
CLOSEST_SHOWN = 3
CLOSEST_LABEL = "Closest passage found — not an answer: its highlighted sentence may not answer the question."


def choose_backend(configured: str | None) -> str | None:
    """The LLM backend for the next question: a sidebar choice, offered only when GMA_LLM names one."""
    if not configured:
        return None
    choice = st.sidebar.selectbox("Answerer", [EXTRACTIVE, configured], index=0,
                                  help="The extractive answerer needs no model; the LLM's sentences are checked "
                                       "against the passages it cites.")
    return None if choice == EXTRACTIVE else choice


def show_answer(assistant: Assistant, answer: Answer) -> None:
    """The answer with numbered citation chips, or the abstention with the closest passages to read."""
    if answer.notice:
        st.info(answer.notice)
    if answer.abstained:
        st.warning(answer.message or "No answer found in the indexed documents.")
        show_closest(assistant, answer)
        return
    if answer.short:
        st.markdown(components.short_answer_line(answer), unsafe_allow_html=True)
    st.markdown(components.numbered_answer(answer), unsafe_allow_html=True)
    if answer.message:
        st.info(answer.message)
    cited = answer.citations
    for number, (passage, label) in enumerate(zip(cited, components.chip_labels(cited), strict=True), 1):
        spans = components.supporting_spans(passage, answer.sentences)
        components.show_citation_chip(number, passage, label, spans,
                                      footnotes=assistant.current_index().get(passage.footnotes))
    timings = " · ".join(f"{stage} {ms:.0f} ms" for stage, ms in answer.timings_ms.items())
    if timings:
        st.caption(timings)


def show_closest(assistant: Assistant, answer: Answer) -> None:
    """What an abstention offers for reading: the best sentence found, labelled as not an answer and
    highlighted in its passage, then the other closest passages (CLOSEST_SHOWN passages in all, none twice)."""
    best = answer.closest
    lead = list(best.passages[:1]) if best else []
    others = [p for p in answer.retrieved if all(p.passage_id != q.passage_id for q in lead)]
    shown = lead + others[: CLOSEST_SHOWN - len(lead)]
    labels = components.chip_labels(shown)
    for number, (passage, label) in enumerate(zip(shown, labels, strict=True), 1):
        spans: list[components.Span] = []
        if best and number == 1:
            st.caption(CLOSEST_LABEL)
            st.markdown(f"\u201c{components.escape_text(best.text)}\u201d", unsafe_allow_html=True)
            spans = components.supporting_spans(passage, [best])
        elif number == len(lead) + 1:
            st.caption("Other close passages, for reading:" if lead else "The closest passages, for reading:")
        components.show_citation_chip(number, passage, label, spans,
                                      footnotes=assistant.current_index().get(passage.footnotes))


def render(assistant: Assistant, configured_llm: str | None) -> None:
    st.title("Ask the documents")
    st.caption("Answers quote the documents word for word; each sentence cites the paragraph it comes from.")
    if components.open_index(assistant) is None:
        return
    backend = choose_backend(configured_llm)
    history: list[Answer] = st.session_state.setdefault(HISTORY_KEY, [])
    for answer in history:
        with st.chat_message("user"):
            st.markdown(components.escape_text(answer.question), unsafe_allow_html=True)
        with st.chat_message("assistant"):
            show_answer(assistant, answer)
    question = st.chat_input("Ask about the Global Mechanism, e.g. What are the two dedicated thematic groups?")
    if not question or not question.strip():
        return
    with st.chat_message("user"):
        st.markdown(components.escape_text(question), unsafe_allow_html=True)
    with st.chat_message("assistant"), components.user_errors():
        draft = st.empty()
        with st.spinner("Searching the documents…"):
            answer = assistant.ask(question, llm=backend, on_text=streamed_into(draft) if backend else None)
        draft.empty()  # the checked answer replaces the model's draft
        history.append(answer)
        components.remember_document(answer.citations or answer.retrieved)
        show_answer(assistant, answer)


def streamed_into(draft: DeltaGenerator) -> Callable[[str], None]:
    """A callback that shows the model's reply in `draft` as it arrives, marked as not yet checked."""
    pieces: list[str] = []

    def show(piece: str) -> None:
        pieces.append(piece)
        draft.caption(f"Draft, checked against the passages when complete: {components.escape_text(''.join(pieces))}",
                      unsafe_allow_html=True)

    return show


if __name__ == "__main__":
    render(current_assistant(), current_settings().llm)
