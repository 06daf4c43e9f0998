"""A linear model over a few named signals, read from the JSON file a fitting script wrote.

The file says which signals the weights are for, so a model fitted on other signals than the code computes
is refused when it is read, not scored wrongly:

    {"signals": ["fused", "coverage", ...], "weights": [...], "mean": [...], "scale": [...], ...}

Signals are standardised with the mean and scale of the rows the model was fitted on; any further keys
(how it was fitted, on which questions, its cross-validated figures) are kept as `about`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import GmaError


class ModelFileError(GmaError):
    """A fitted model's file is missing, unreadable, or not a model of the expected signals."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"the model file {path} {reason}: refit it (docs/evaluation.md says how) or reinstall gma")


@dataclass(frozen=True)
class LinearModel:
    """`score(rows) = ((rows - mean) / scale) @ weights + intercept`, one score per row of signals."""

    signals: tuple[str, ...]
    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    about: dict[str, Any] = field(default_factory=dict, compare=False)
    intercept: float = 0.0  # a conditional logit needs none: only differences within a group count

    def __post_init__(self) -> None:
        for name in ("weights", "mean", "scale"):
            values = getattr(self, name)
            if values.shape != (len(self.signals),) or not np.all(np.isfinite(values)):
                raise ValueError(f"{name} must be {len(self.signals)} finite numbers, one per signal")
        if np.any(self.scale <= 0):
            raise ValueError("scale must be positive for every signal")
        if not math.isfinite(self.intercept):
            raise ValueError("intercept must be a finite number")

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return ((rows - self.mean) / self.scale) @ self.weights + self.intercept

    def probability(self, row: Sequence[float]) -> float:
        """The logistic of one row's score: for a model fitted as a logistic regression."""
        return float(1 / (1 + np.exp(-self.scores(np.asarray([row], dtype=np.float64))[0])))

    @classmethod
    def load(cls, path: Path, signals: Sequence[str]) -> LinearModel:
        """The model in `path`, which must be fitted on exactly `signals`, in that order."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ModelFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
        except ValueError as exc:
            raise ModelFileError(path, f"is not JSON ({exc})") from exc
        if not isinstance(raw, dict):
            raise ModelFileError(path, "must hold a JSON object")
        if raw.get("signals") != list(signals):
            raise ModelFileError(path, f"is fitted on the signals {raw.get('signals')}, not on {list(signals)}")
        try:
            arrays = {name: _numbers(raw, name) for name in ("weights", "mean", "scale")}
            intercept = _numbers({"intercept": [raw.get("intercept", 0.0)]}, "intercept")[0]
            about = {key: value for key, value in raw.items() if key not in {"signals", "intercept", *arrays}}
            return cls(tuple(signals), about=about, intercept=float(intercept), **arrays)
        except ValueError as exc:
            raise ModelFileError(path, f"is not a model: {exc}") from exc

    def to_json(self) -> dict[str, Any]:
        return {
            "signals": list(self.signals),
            "weights": [round(float(w), 6) for w in self.weights],
            "mean": [round(float(m), 6) for m in self.mean],
            "scale": [round(float(s), 6) for s in self.scale],
            **({"intercept": round(self.intercept, 6)} if self.intercept else {}),
            **self.about,
        }


def softmax(scores: np.ndarray) -> np.ndarray:
    """Scores as shares of one, the shares a conditional logit gives one group's rows."""
    shares = np.exp(scores - scores.max())
    return shares / shares.sum()


def _numbers(raw: dict[str, Any], name: str) -> np.ndarray:
    values = raw.get(name)
    if not isinstance(values, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values
    ):
        raise ValueError(f"{name} must be a list of finite numbers")
    return np.asarray(values, dtype=np.float64)
