"""One settings object, built from flags and the environment at the edge and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_HOME = Path(".gma")


@dataclass(frozen=True)
class Settings:
    """Where the index lives and which models to use.

    Environment: GMA_HOME (index directory, default ./.gma), GMA_EMBED_MODEL (a local sentence-transformers
    folder; default the packaged all-MiniLM-L6-v2), GMA_CHROMA_URL (a Chroma server instead of the embedded
    store), GMA_LLM (an optional chat-model backend for generative answers).
    """

    index_dir: Path = DEFAULT_HOME
    embed_model: str | None = None
    chroma_url: str | None = None
    llm: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from the environment; non-None keyword overrides (from flags) win."""
        env = os.environ if env is None else env
        settings = cls(
            index_dir=Path(env.get("GMA_HOME") or DEFAULT_HOME),
            embed_model=env.get("GMA_EMBED_MODEL") or None,
            chroma_url=env.get("GMA_CHROMA_URL") or None,
            llm=env.get("GMA_LLM") or None,
        )
        chosen = {k: v for k, v in overrides.items() if v is not None}
        if "index_dir" in chosen:
            chosen["index_dir"] = Path(chosen["index_dir"])  # type: ignore[arg-type]
        return replace(settings, **chosen)  # type: ignore[arg-type]
