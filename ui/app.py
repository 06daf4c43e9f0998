"""The Streamlit app: Ask, Precedent search, Lineage, Library and Evaluate over the index named by GMA_HOME.

Run it with `gma ui --index DIR` (or `GMA_HOME=DIR streamlit run ui/app.py` with the project importable).
Each page is a small script beside this one; they get the process-wide Assistant from `current_assistant`.
This file only wires pages together when Streamlit runs it; importing it (as the pages do) draws nothing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import streamlit as st

from assistant.service import Assistant
from core.settings import Settings
from index.embedder import Embedder

PAGES_DIR = Path(__file__).resolve().parent


def current_settings() -> Settings:
    """Settings from the environment, read on every rerun (cheap), so GMA_HOME decides the index."""
    return Settings.from_env()


@st.cache_resource(show_spinner="Loading the embedding model…")
def load_embedder(model: str | None) -> Embedder:
    """One embedding model per process, shared by every index and session (it is the slow part to load)."""
    embedder = Embedder(model)
    embedder.embed_query("warm up")  # loads the weights now, under the spinner, not on the first question
    return embedder


def make_assistant(settings: Settings) -> Assistant:
    """The UI's assistant: always extractive, since the Ask page passes an LLM backend per question when
    the user picks one."""
    return Assistant(replace(settings, llm=None), embedder=load_embedder(settings.embed_model))


@st.cache_resource(show_spinner="Opening the index…")
def load_assistant(settings: Settings) -> Assistant:
    """One Assistant per settings per process; it reopens its index by itself after an ingest."""
    return make_assistant(settings)


def current_assistant() -> Assistant:
    return load_assistant(current_settings())


def main() -> None:
    st.set_page_config(page_title="Global Mechanism Assistant", page_icon=":material/gavel:", layout="wide")
    pages = [
        st.Page(PAGES_DIR / "ask_page.py", title="Ask", icon=":material/forum:", url_path="ask",
                default=True),
        st.Page(PAGES_DIR / "search_page.py", title="Precedent search", icon=":material/manage_search:",
                url_path="search"),
        st.Page(PAGES_DIR / "lineage_page.py", title="Lineage", icon=":material/account_tree:", url_path="lineage"),
        st.Page(PAGES_DIR / "library_page.py", title="Library", icon=":material/library_books:", url_path="library"),
        st.Page(PAGES_DIR / "evaluate_page.py", title="Evaluate", icon=":material/analytics:", url_path="evaluate"),
    ]
    st.sidebar.caption(f"Index: `{current_settings().index_dir}`")
    st.navigation(pages).run()


if __name__ == "__main__":
    main()
