"""One settings object, built from flags and the environment at the edge and passed down."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import ConfigError

DEFAULT_HOME = Path(".gma")
# Passages an answer reads (`gma ask --k`): the evidence is within them for nearly every answerable
# question of the tune set (docs/evaluation.md), and more only adds neighbours to quote by mistake.
ANSWER_PASSAGES = 7
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
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise ConfigError(f"{name} must be a positive number of seconds, got {value!r}")
    return seconds


def require_valid_knobs(knobs: object) -> None:
    """Every knob of a weights or policy dataclass is a finite number, not negative; a share is at most 1.

    Raises ConfigError naming the knob, so a mistyped experiment fails where the object is built."""
    for name, value in vars(knobs).items():
        if isinstance(value, bool):
            continue
        if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise ConfigError(f"{type(knobs).__name__}.{name} must be a finite number of at least 0, got {value!r}")
        if (name.endswith(("_share", "_ratio"))) and value > 1:
            raise ConfigError(f"{type(knobs).__name__}.{name} is a share and must be at most 1, got {value!r}")
