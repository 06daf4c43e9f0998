"""Fit the support check's thresholds on the labelled sentences of evals/support.jsonl and print them.

    python -m evals.fit_support [--file evals/support.jsonl] [--show]

Each line: {"id", "cited": [passage text, ...], "sentence", "label": supported|unsupported|partly, "why"}.
The passages and sentences are synthetic. A "partly" sentence adds a claim its passage does not make, so
the check must drop it like an unsupported one: the fit counts both as negatives. It tries every pair of
midpoints between observed values and keeps the pair with the best balanced accuracy, the most lenient
on a tie (a real model paraphrases more than these sentences do).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.support import Support, SupportChecker, SupportThresholds

LABELS = ("supported", "unsupported", "partly")
DEFAULT_FILE = Path(__file__).with_name("support.jsonl")


@dataclass(frozen=True)
class Labelled:
    id: str
    cited: tuple[str, ...]
    sentence: str
    label: str


def load(path: Path) -> list[Labelled]:
    """The labelled set; a malformed line is a ValueError naming it."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            row = Labelled(raw["id"], tuple(raw["cited"]), raw["sentence"], raw["label"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a labelled sentence ({exc})") from exc
        if row.label not in LABELS or not row.cited:
            raise ValueError(f"{path}:{number}: label must be one of {', '.join(LABELS)} with at least one passage")
        rows.append(row)
    return rows


def balanced_accuracy(measured: Sequence[Support], labels: Sequence[str], thresholds: SupportThresholds) -> float:
    """The mean of the share of supported sentences kept and the share of the others dropped."""
    kept = [m.passes(thresholds) for m in measured]
    positives = [k for k, label in zip(kept, labels, strict=True) if label == "supported"]
    negatives = [not k for k, label in zip(kept, labels, strict=True) if label != "supported"]
    return (sum(positives) / max(len(positives), 1) + sum(negatives) / max(len(negatives), 1)) / 2


def fit(measured: Sequence[Support], labels: Sequence[str]) -> SupportThresholds:
    """The best thresholds by balanced accuracy; on a tie the lowest overlap, then the lowest similarity."""
    best: tuple[float, float, float] | None = None
    for overlap in _midpoints([m.overlap for m in measured]):
        for similarity in _midpoints([m.similarity for m in measured]):
            score = balanced_accuracy(measured, labels, SupportThresholds(overlap, similarity))
            if best is None or score > best[0]:
                best = (score, overlap, similarity)
    assert best is not None
    return SupportThresholds(round(best[1], 3), round(best[2], 3))


def _midpoints(values: Sequence[float]) -> list[float]:
    ordered = sorted(set(values))
    return [0.0] + [(a + b) / 2 for a, b in zip(ordered, ordered[1:], strict=False)]


def report(rows: Sequence[Labelled], measured: Sequence[Support], thresholds: SupportThresholds) -> str:
    """How many of each label the thresholds keep, and the balanced accuracy."""
    labels = [row.label for row in rows]
    lines = [f"min_overlap={thresholds.min_overlap} min_similarity={thresholds.min_similarity}",
             f"balanced accuracy {balanced_accuracy(measured, labels, thresholds):.3f} on {len(rows)} sentences"]
    for label in LABELS:
        chosen = [m for m, row in zip(measured, rows, strict=True) if row.label == label]
        kept = sum(m.passes(thresholds) for m in chosen)
        lines.append(f"  {label:<12} kept {kept} of {len(chosen)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    from index.embedder import Embedder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="The labelled set (JSONL).")
    parser.add_argument("--show", action="store_true", help="Print every sentence's signals too.")
    args = parser.parse_args(argv)
    try:
        rows = load(args.file)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201 - a script
        return 1
    checker = SupportChecker(Embedder())
    measured = [checker.measure(row.sentence, row.cited) for row in rows]
    thresholds = fit(measured, [row.label for row in rows])
    if args.show:
        for row, m in zip(rows, measured, strict=True):
            verdict = "kept" if m.passes(thresholds) else "dropped"
            line = (f"{row.id} {row.label:<12} overlap {m.overlap:.2f} similarity {m.similarity:.2f} "
                    f"missing {list(m.missing)} {verdict}: {row.sentence}")
            print(line)  # noqa: T201 - a script
    print(report(rows, measured, thresholds))  # noqa: T201 - a script
    return 0


if __name__ == "__main__":
    sys.exit(main())
