"""Export the sentence-transformers model to ONNX at ingest, for index.onnx_embedder to embed questions with.

Ingest has torch loaded anyway; a question process then needs neither torch nor sentence-transformers. The
graph holds the transformer, the model's own pooling and the normalisation, so onnxruntime returns the
final vectors. An export is checked against sentence-transformers before it is kept.
"""

from __future__ import annotations

import json
import logging
import shutil
import uuid
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

from core.errors import ConfigError
from index.embedder import Embedder
from index.onnx_embedder import (
    EXPORT_FORMAT,
    EXPORTS,
    MANIFEST,
    MODEL_FILE,
    TOKENIZER_FILE,
    OnnxEmbedder,
    export_folder,
    model_folder,
)

log = logging.getLogger(__name__)

# The largest difference allowed between an exported vector and sentence-transformers' (measured: 2e-7).
TOLERANCE = 1e-4
# Checked after each export: short and long, punctuation, symbols, non-Latin script, past the length limit.
PROBES = (
    "What are the two dedicated thematic groups?",
    "A/RES/80/16, para. 1: the General Assembly decides to establish the Global Mechanism.",
    "Quels sont les deux groupes thématiques du mécanisme ?",
    "信息和通信技术安全",
    "ICT " * 300,
)
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class _Graph(torch.nn.Module):
    """Token ids to normalised sentence vectors: the transformer, the model's pooling, L2 normalisation."""

    def __init__(self, transformer: torch.nn.Module, pooling: torch.nn.Module) -> None:
        super().__init__()
        self.transformer = transformer
        self.pooling = pooling

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        tokens = self.transformer(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        pooled = self.pooling({"token_embeddings": tokens, "attention_mask": attention_mask})["sentence_embedding"]
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def export(embedder: Embedder, index_root: Path) -> Path | None:
    """Export the embedder's model into the index (replacing a stale export), checked before it is kept;
    None when the model cannot be exported (a line is logged, and questions use sentence-transformers)."""
    folder = model_folder(embedder.model_name)
    if folder is None:
        return None
    target = export_folder(index_root, folder)
    scratch = index_root / EXPORTS / f".export-{uuid.uuid4().hex[:8]}"
    try:
        scratch.mkdir(parents=True)
        _export(embedder, scratch)
        _check(embedder, scratch)
        for old in (index_root / EXPORTS).iterdir():
            if old.name != scratch.name:
                shutil.rmtree(old, ignore_errors=True)
        scratch.rename(target)
    except Exception as exc:  # torch's exporter raises many types; a failed export must not fail the ingest
        log.warning("could not export the embedding model to ONNX (%s); questions will load sentence-transformers",
                    str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__)
        return None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _export(embedder: Embedder, target: Path) -> None:
    model = embedder.model
    transformer, pooling = model[0], model[1]
    if not hasattr(transformer, "auto_model") or type(pooling).__name__ != "Pooling":
        raise ConfigError(f"the model's modules {[type(m).__name__ for m in model]} are not a transformer and a pooling")
    graph = _Graph(transformer.auto_model, pooling).eval()
    sample = torch.ones(2, 8, dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on Python branches that do not vary here
        torch.onnx.export(
            graph, (sample, sample, torch.zeros_like(sample)), str(target / MODEL_FILE), input_names=list(_INPUTS),
            output_names=["embedding"], dynamic_axes={**axes, "embedding": {0: "batch"}}, opset_version=17,
            dynamo=False,
        )
    _write_tokenizer(model, target / TOKENIZER_FILE)
    manifest = {
        "format": EXPORT_FORMAT, "source": embedder.model_name, "dimension": embedder.dimension,
        "max_seq_length": model.max_seq_length, "model_bytes": (target / MODEL_FILE).stat().st_size,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def _write_tokenizer(model: Any, path: Path) -> None:  # noqa: ANN401 - a SentenceTransformer
    """The model's fast tokenizer, truncating and padding as sentence-transformers calls it."""
    from tokenizers import Tokenizer

    hf = model.tokenizer
    tokenizer = Tokenizer.from_str(hf.backend_tokenizer.to_str())
    tokenizer.enable_truncation(max_length=model.max_seq_length)
    tokenizer.enable_padding(pad_id=hf.pad_token_id, pad_token=hf.pad_token, pad_type_id=hf.pad_token_type_id)
    tokenizer.save(str(path))


def _check(embedder: Embedder, export: Path) -> None:
    """The export embeds the probes as sentence-transformers does, one by one and as a batch."""
    exported = OnnxEmbedder(export, embedder.model_name)
    expected = embedder.embed_documents(list(PROBES))
    single = np.vstack([exported.embed_query(text) for text in PROBES])
    worst = max(float(np.abs(single - expected).max()), float(np.abs(exported.embed_documents(PROBES) - expected).max()))
    if worst > TOLERANCE:
        raise ConfigError(f"the export's vectors differ from sentence-transformers' by {worst:.1e}")
