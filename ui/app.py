"""The Streamlit app: Ask, Precedent search, Lineage, Library and Evaluate over the index named by GMA_HOME.

Run it with `gma ui --index DIR` (or `GMA_HOME=DIR streamlit run ui/app.py` with the project importable).
Each page is a small script beside this one; they get the process-wide Assistant from `current_assistant`.
This file only wires pages together when Streamlit runs it; importing it (as the pages do) draws nothing.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from core.errors import GmaError
from core.settings import Settings

if TYPE_CHECKING:  # the real imports wait for the start-up spinner: they load chromadb, torch and the model
    from assistant.service import Assistant
    from index.embedder import Embedder

PAGES_DIR = Path(__file__).resolve().parent
STARTING = "Starting: loading the embedding model and opening the index (the first visit takes a few seconds)…"


def current_settings() -> Settings:
    """Settings from the environment, read on every rerun (cheap), so GMA_HOME decides the index."""
    return Settings.from_env()


@st.cache_resource(show_spinner=False)
def load_embedder(model: str | None) -> Embedder:
    """One embedding model per process, shared by every index and session (it is the slow part to load)."""
    from index.embedder import Embedder

    embedder = Embedder(model)
    embedder.embed_query("warm up")  # loads the weights now, under the spinner, not on the first question
    return embedder


def make_assistant(settings: Settings) -> Assistant:
    """The UI's assistant: always extractive, since the Ask page passes an LLM backend per question when
    the user picks one."""
    from assistant.service import Assistant

    return Assistant(replace(settings, llm=None), embedder=load_embedder(settings.embed_model))


@st.cache_resource(show_spinner=False)
def load_assistant(settings: Settings) -> Assistant:
    """One Assistant per settings per process; it reopens its index by itself after an ingest."""
    return make_assistant(settings)


def current_assistant() -> Assistant:
    return load_assistant(current_settings())


def start(settings: Settings) -> None:
    """Load the model and open the index under a visible status, before any page draws: a cold start
    would otherwise leave the page blank for seconds. A missing index is the pages' to explain."""
    with st.spinner(STARTING):
        assistant = load_assistant(settings)
        with suppress(GmaError):
            assistant.current_index()


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
    settings = current_settings()
    # The folder's name, not its path: a screenshot or a shared screen shows no home or temporary folder.
    st.sidebar.caption(f"Index: `{settings.index_dir.name}`", help=str(settings.index_dir.resolve()))
    start(settings)
    st.navigation(pages).run()


if __name__ == "__main__":
    main()
