"""Plain baselines measured beside the assistant: the generic LangChain RAG recipe.

The recipe is what most tutorials ship: the raw text of each file, RecursiveCharacterTextSplitter with
1,000-character chunks overlapping by 200, the same embedding model, a Chroma store, similarity top-k.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from index.embedder import Embedder

RECIPE_CHUNK_SIZE = 1000
RECIPE_CHUNK_OVERLAP = 200
RECIPE_BATCH_SIZE = 32  # sentence-transformers' default, as a tutorial would leave it
RECIPE_SUFFIXES = (".md", ".txt", ".html", ".htm", ".pdf")


class SentenceTransformerEmbeddings(Embeddings):
    """LangChain's Embeddings interface over our packaged model, with library defaults."""

    def __init__(self, model: str | None = None) -> None:
        self._embedder = Embedder(model, batch_size=RECIPE_BATCH_SIZE)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.model.encode(texts, batch_size=RECIPE_BATCH_SIZE, normalize_embeddings=True).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._embedder.embed_query(text).tolist()


def recipe_documents(paths: Sequence[Path]) -> list[Document]:
    """Chunks the recipe's way: whole raw text per file, character windows, no structure."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=RECIPE_CHUNK_SIZE, chunk_overlap=RECIPE_CHUNK_OVERLAP)
    files = sorted(p for path in paths for p in ([path] if path.is_file() else path.rglob("*")) if p.suffix in RECIPE_SUFFIXES)
    documents = [Document(page_content=_raw_text(f), metadata={"source": str(f)}) for f in files]
    return splitter.split_documents(documents)


def build_recipe_store(paths: Sequence[Path], persist_dir: Path, model: str | None = None):  # noqa: ANN201
    """A persisted langchain-chroma store of the recipe's chunks (returns the `Chroma` vector store)."""
    from chromadb.config import Settings
    from langchain_chroma import Chroma

    return Chroma.from_documents(
        recipe_documents(paths),
        SentenceTransformerEmbeddings(model),
        persist_directory=str(persist_dir),
        client_settings=Settings(anonymized_telemetry=False, is_persistent=True, persist_directory=str(persist_dir)),
    )


def _raw_text(path: Path) -> str:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return path.read_text(encoding="utf-8", errors="replace")
