"""One settings object, built from flags and the environment at the edge and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.errors import ConfigError

DEFAULT_HOME = Path(".gma")
# How long one question waits for the LLM backend, in seconds, before the extractive answer is shown.
DEFAULT_LLM_TIMEOUT = 30.0


@dataclass(frozen=True)
class Settings:
    """Where the index lives and which models to use.

    Environment: GMA_HOME (index directory, default ./.gma), GMA_EMBED_MODEL (a local sentence-transformers
    folder; default the packaged all-MiniLM-L6-v2), GMA_CHROMA_URL (a Chroma server instead of the embedded
    store), GMA_LLM (an optional chat-model backend for generative answers), GMA_LLM_TIMEOUT (seconds a
    question waits for it, default 30), and the backends' own OPENAI_BASE_URL, OPENAI_API_KEY and OLLAMA_HOST
    (read here, so the LLM module never reads the environment).
    """

    index_dir: Path = DEFAULT_HOME
    embed_model: str | None = None
    chroma_url: str | None = None
    llm: str | None = None
    llm_timeout: float = DEFAULT_LLM_TIMEOUT
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    ollama_host: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from the environment; non-None keyword overrides (from flags) win."""
        env = os.environ if env is None else env
        settings = cls(
            index_dir=Path(env.get("GMA_HOME") or DEFAULT_HOME),
            embed_model=env.get("GMA_EMBED_MODEL") or None,
            chroma_url=env.get("GMA_CHROMA_URL") or None,
            llm=env.get("GMA_LLM") or None,
            llm_timeout=_seconds(env.get("GMA_LLM_TIMEOUT"), "GMA_LLM_TIMEOUT"),
            openai_base_url=env.get("OPENAI_BASE_URL") or None,
            openai_api_key=env.get("OPENAI_API_KEY") or None,
            ollama_host=env.get("OLLAMA_HOST") or None,
        )
        chosen = {k: v for k, v in overrides.items() if v is not None}
        if "index_dir" in chosen:
            chosen["index_dir"] = Path(chosen["index_dir"])  # type: ignore[arg-type]
        if "llm_timeout" in chosen:
            chosen["llm_timeout"] = _seconds(chosen["llm_timeout"], "the LLM timeout")
        return replace(settings, **chosen)  # type: ignore[arg-type]


def _seconds(value: object, name: str) -> float:
    """A positive number of seconds (default when unset); anything else is a ConfigError naming `name`."""
    if value is None or value == "":
        return DEFAULT_LLM_TIMEOUT
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except ValueError:
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        raise ConfigError(f"{name} must be a positive number of seconds, got {value!r}")
    return seconds
