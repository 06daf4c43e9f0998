"""Deterministic stand-ins for unit tests (integration tests use the real model and store)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.service import Assistant
from core.settings import Settings


class HashEmbedder:
    """Bag-of-words vectors from hashed tokens: texts sharing words are close, and it needs no model."""

    model_name = "hash-embedder"
    dimension = 1024  # wide enough that two different words rarely share a bucket

    def __init__(self, fail_after: int | None = None) -> None:
        self.fail_after = fail_after
        self.calls = 0

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError("embedding failed on purpose")
        vectors = np.vstack([self.embed_query(t) for t in texts]) if texts else np.zeros((0, self.dimension))
        if progress:
            progress(len(texts))
        return vectors.astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for token in re.findall(r"\w+", text.lower()):
            vector[int(hashlib.md5(token.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector + 1.0 / np.sqrt(self.dimension)


def synthetic_assistant(index_dir: Path, chroma_url: str | None = None, **knobs: object) -> Assistant:
    """The assistant over a synthetic index, embedding with the HashEmbedder it was built with."""
    settings = Settings(index_dir=index_dir, chroma_url=chroma_url)
    return Assistant(settings, embedder=HashEmbedder(), **knobs)  # type: ignore[arg-type]


def label_text(label: str) -> str:
    """What a reader sees of a Markdown label (ui.components.escape_label): backslash escapes and word
    joiners gone."""
    from ui.components import WORD_JOINER

    return re.sub(r"\\(.)", r"\1", label).replace(WORD_JOINER, "")
