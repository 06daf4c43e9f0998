"""Question embeddings through onnxruntime, from the model that ingest exports into the index.

Importing sentence-transformers (and torch) costs a new process several seconds; onnxruntime and tokenizers
load in a fraction of one, and the exported graph (index/onnx_export.py) gives the same vectors within 1e-6.
An export belongs to one model folder, named by a fingerprint of its files:

    INDEX/onnx/<fingerprint>/   model.onnx, tokenizer.json, export.json

so a changed or reinstalled model makes the export stale rather than wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from core.errors import GmaError
from index.embedder import DEFAULT_BATCH_SIZE, default_model_path, longest_first

EXPORTS = "onnx"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST = "export.json"
# Raised when what an export holds changes, so exports of an older layout are redone.
EXPORT_FORMAT = 1


class ExportUnavailable(GmaError):
    """The index holds no usable export of the model; the message says why and what to do."""


def model_folder(model: str | None) -> Path | None:
    """The local sentence-transformers folder of `model` (None: the packaged one), or None when it is not one."""
    folder = Path(model or default_model_path())
    return folder.resolve() if (folder / "modules.json").is_file() else None


def fingerprint(folder: Path) -> str:
    """Sixteen hex digits naming the model folder's files, their sizes and times, and the export format."""
    digest = hashlib.sha256(f"format {EXPORT_FORMAT}".encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def export_folder(index_root: Path, folder: Path) -> Path:
    """Where the export of the model in `folder` lives in the index at `index_root`."""
    return index_root / EXPORTS / fingerprint(folder)


def has_export(index_root: Path, model: str | None) -> bool:
    """Whether the index holds an export of `model` (None: the packaged one) for its files as they are now."""
    folder = model_folder(model)
    return folder is not None and (export_folder(index_root, folder) / MANIFEST).is_file()


class OnnxEmbedder:
    """Normalised sentence embeddings from an exported model: tokenizers, then one onnxruntime call a batch.

    >>> OnnxEmbedder.exported(Path(".gma"), None).embed_query("What are the DTGs?").shape  # doctest: +SKIP
    (384,)
    """

    def __init__(self, export: Path, model_name: str, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        manifest = json.loads((export / MANIFEST).read_text(encoding="utf-8"))
        if (export / MODEL_FILE).stat().st_size != manifest["model_bytes"]:
            raise ValueError(f"{MODEL_FILE} is not the size the export wrote")
        self.model_name = model_name
        self.batch_size = batch_size
        self._dimension = int(manifest["dimension"])
        self._tokenizer = Tokenizer.from_file(str(export / TOKENIZER_FILE))
        self._session = onnxruntime.InferenceSession(str(export / MODEL_FILE), providers=["CPUExecutionProvider"])

    @classmethod
    def exported(cls, index_root: Path, model: str | None) -> OnnxEmbedder:
        """The export of `model` (None: the packaged one) in the index; ExportUnavailable says why there is none."""
        folder = model_folder(model)
        if folder is None:
            raise ExportUnavailable(f"the embedding model {model!r} is not a local sentence-transformers folder")
        export = export_folder(index_root, folder)
        if not (export / MANIFEST).is_file():
            stale = (index_root / EXPORTS).is_dir() and any((index_root / EXPORTS).iterdir())
            raise ExportUnavailable(
                f"the ONNX export of the embedding model in {index_root} is {'stale' if stale else 'missing'}; "
                "run `gma ingest` to export it"
            )
        try:
            return cls(export, str(model or default_model_path()))
        except Exception as exc:  # onnxruntime and tokenizers raise their own types for a damaged file
            raise ExportUnavailable(
                f"the ONNX export {export} cannot be loaded ({str(exc).splitlines()[0][:160]}); "
                "delete it and run `gma ingest` to export it again"
            ) from exc

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed texts in batches, longest first so each batch pads little, as index.embedder.Embedder does."""
        return longest_first(texts, self._dimension, self._encode, self.batch_size, progress)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return np.asarray(self._session.run(None, feed)[0], dtype=np.float32)
