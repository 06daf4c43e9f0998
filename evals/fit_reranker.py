"""Fit the passage reranker (assistant/rerank.py) on the tune questions and print its cross-validated figures.

    python -m evals.fit_reranker --index DIR [--questions evals/tune.jsonl] [--write] [--output FILE]

Each answerable question's fused candidates are ranked by the searcher with the reranker switched off; a
candidate is relevant when it holds one of the question's evidence strings, as the evals judge a hit. The
L2 penalty is chosen by 10 repeats of 5-fold cross-validation over questions (evals/fitting.py), the model
is refitted on them all, and with `--write` saved where the assistant reads it. Questions of
evals/holdout.jsonl are refused: the held-out set is only ever run to report.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.linear import LinearModel
from assistant.query import analyse, clean_question
from assistant.rerank import MODEL_FILE, SIGNALS
from assistant.retriever import FusionWeights, HybridSearcher
from evals.fitting import Group, choose_penalty, figures, fit
from evals.metrics import contains_any
from evals.questions import Question, load_questions

TUNE = Path(__file__).with_name("tune.jsonl")
HOLDOUT = Path(__file__).with_name("holdout.jsonl")


def groups_of(searcher: HybridSearcher, questions: Sequence[Question]) -> list[Group]:
    """One group per answerable question with evidence: its candidates' signals and which hold the evidence."""
    groups = []
    for question in questions:
        if question.abstain or not question.evidence:
            continue
        ranking = searcher.rank(analyse(clean_question(question.question)))
        relevant = [contains_any(searcher.index.by_id[pid].text, question.evidence) for pid in ranking.ids]
        groups.append(Group(ranking.signals, np.asarray(relevant, dtype=bool)))
    return groups


def refuse_holdout(questions: Sequence[Question], holdout: Path = HOLDOUT) -> None:
    """A ValueError when any question is one of the held-out set's, which no fit may see."""
    held = {q.id for q in load_questions(holdout)} if holdout.exists() else set()
    shared = sorted(held & {q.id for q in questions})
    if shared:
        raise ValueError(f"{len(shared)} of these questions are held out ({', '.join(shared[:3])}, ...): fit on tune only")


def fit_arguments(
    doc: str, output: Path, argv: Sequence[str] | None
) -> tuple[argparse.Namespace, list[Question]] | None:
    """A fitting script's arguments and its questions, or None once the reason they are unusable is printed."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="An index built from the shared corpus.")
    parser.add_argument("--questions", type=Path, default=TUNE, help="The questions to fit on (JSONL).")
    parser.add_argument("--write", action="store_true", help="Save the model where the assistant reads it.")
    parser.add_argument("--output", type=Path, default=output, help="Where --write saves it.")
    args = parser.parse_args(argv)
    try:
        questions = load_questions(args.questions)
        refuse_holdout(questions)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201 - a script
        return None
    return args, questions


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.service import question_embedder
    from core.settings import Settings
    from index.reader import SearchIndex

    found = fit_arguments(__doc__, MODEL_FILE, argv)
    if found is None:
        return 1
    args, questions = found
    settings = Settings.from_env(index_dir=args.index)
    index = SearchIndex.open(settings.index_dir, settings.chroma_url)
    try:
        searcher = HybridSearcher(index, question_embedder(settings), FusionWeights(rerank=False))
        groups = groups_of(searcher, questions)
    finally:
        index.close()
    penalty, tried = choose_penalty(groups, SIGNALS)
    fused = figures(None, groups)
    print(f"{len(groups)} questions; fused order: hit@1 {fused.hit_at_1:.3f} hit@5 {fused.hit_at_5:.3f} "  # noqa: T201
          f"MRR {fused.mrr:.3f}")
    for value, fold in tried.items():
        mark = " <- chosen" if value == penalty else ""
        print(f"penalty {value:>6}: cross-validated hit@1 {fold.hit_at_1:.3f} hit@5 {fold.hit_at_5:.3f} "  # noqa: T201
              f"MRR {fold.mrr:.3f}{mark}")
    model = fit(groups, SIGNALS, penalty)
    chosen = tried[penalty]
    about = {"penalty": penalty, "questions": args.questions.name, "groups": len(groups),
             "cross_validated": {"hit_at_1": round(chosen.hit_at_1, 4), "hit_at_5": round(chosen.hit_at_5, 4),
                                 "mrr": round(chosen.mrr, 4)}}
    show_and_write(replace(model, about=about), args.output if args.write else None)
    return 0


def show_and_write(model: LinearModel, output: Path | None) -> None:
    """Print the fitted weights and, given a path, save the model there."""
    for name, weight in zip(model.signals, model.weights, strict=True):
        print(f"  {name:<18} {weight:+.3f}")  # noqa: T201 - a script
    if model.intercept:
        print(f"  {'intercept':<18} {model.intercept:+.3f}")  # noqa: T201 - a script
    if output is not None:
        output.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"written to {output}")  # noqa: T201 - a script


if __name__ == "__main__":
    sys.exit(main())
