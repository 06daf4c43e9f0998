"""The fixed split of the question set into `tune` (every choice is made on it) and `holdout` (only
reported, and graded by CI), stratified by category.

In each category the questions whose ids hash lowest are held out, so the split is reproducible and does
not depend on the order of the files. The split of record was made once, from the team's 133 questions and
the 223 written blind from the documents, and is kept in the two files:

    python -m evals.split team.jsonl blind.jsonl --tune evals/tune.jsonl --holdout evals/holdout.jsonl

Questions added later are split the same way, on their own, and appended to each file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path

from evals.questions import load_questions

HOLDOUT_SHARE = 0.4


def holdout_ids(ids_by_category: dict[str, list[str]], share: float = HOLDOUT_SHARE) -> set[str]:
    """The ids held out: in each category, the ceil(share * n) whose id hashes lowest."""
    if not 0 < share < 1:
        raise ValueError(f"share must be between 0 and 1, got {share}")
    held: set[str] = set()
    for ids in ids_by_category.values():
        ranked = sorted(ids, key=lambda i: hashlib.sha256(i.encode("utf-8")).hexdigest())
        held.update(ranked[: math.ceil(share * len(ranked))])
    return held


def split_files(sources: Sequence[Path], tune: Path, holdout: Path, share: float = HOLDOUT_SHARE) -> tuple[int, int]:
    """Write the questions of `sources` (validated, ids unique across them) to the two files."""
    records = []
    for source in sources:
        load_questions(source)  # refuses a bad file with the line and field at fault
        records += [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [r["id"] for r in records]
    if len(set(ids)) != len(ids):
        raise ValueError("question ids must be unique across the source files")
    by_category: dict[str, list[str]] = {}
    for record in records:
        by_category.setdefault(record.get("category", "general"), []).append(record["id"])
    held = holdout_ids(by_category, share)
    for target, keep in ((tune, False), (holdout, True)):
        lines = [json.dumps(r, ensure_ascii=False) for r in records if (r["id"] in held) == keep]
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(records) - len(held), len(held)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", type=Path)
    parser.add_argument("--tune", type=Path, required=True)
    parser.add_argument("--holdout", type=Path, required=True)
    parser.add_argument("--share", type=float, default=HOLDOUT_SHARE)
    args = parser.parse_args()
    tuned, held = split_files(args.sources, args.tune, args.holdout, args.share)
    print(f"{tuned} tune, {held} holdout")  # noqa: T201


if __name__ == "__main__":
    main()
