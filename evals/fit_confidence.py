"""Fit the answerer's confidence (assistant/answer.py) on the tune questions and print its precision/coverage curve.

    python -m evals.fit_confidence --index DIR [--questions evals/tune.jsonl] [--write] [--output FILE]

Every question is asked with the confidence and the focus rule out of the way (each draft of the right kind
is answered, as ExtractiveAnswerer.accepts would without them); each
answer is one row of its signals (assistant.answer.CONFIDENCE_SIGNALS), labelled right or wrong as the evals
judge it (an answer to an unanswerable question is wrong). A logistic regression is fitted on the rows, its L2
penalty chosen by 10 repeats of 5-fold cross-validation (evals/fitting.py). The curve gives, from held-out
probabilities, what each threshold would answer: the assistant's threshold is not chosen from it but from
a stated cost (AnswerPolicy.min_confidence). Questions of evals/holdout.jsonl are refused.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from assistant.answer import CONFIDENCE_FILE, CONFIDENCE_SIGNALS, DEFAULT_POLICY, confidence_signals
from assistant.linear import LinearModel
from evals.fit_reranker import fit_arguments, show_and_write
from evals.fitting import choose_logistic_penalty, fit_logistic, held_out_probabilities
from evals.metrics import Outcome

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 2 / 3, 0.7, 0.8, 0.9)


def with_drafts(outcomes: Sequence[Outcome]) -> list[Outcome]:
    """The questions answered, each with the signals of its draft: one row each."""
    return [o for o in outcomes if not o.abstained and o.raw.get("signals")]


def rows_of(outcomes: Sequence[Outcome]) -> tuple[np.ndarray, np.ndarray]:
    """The signals and right/wrong label of every answered question."""
    done = with_drafts(outcomes)
    rows = np.array([confidence_signals(o.raw["signals"]) for o in done], dtype=np.float64)
    return rows.reshape(len(done), len(CONFIDENCE_SIGNALS)), np.array([o.answer_correct() for o in done])


def curve(outcomes: Sequence[Outcome], probabilities: np.ndarray) -> list[dict[str, float]]:
    """Per threshold, over all questions: the share answered (coverage), the share of answers that are right
    (precision), and the evals' answer accuracy and abstention on unanswerable questions."""
    done = with_drafts(outcomes)
    right = np.array([o.answer_correct() for o in done])
    refused = np.array([o.expect_abstain for o in done])
    unanswerable = sum(o.expect_abstain for o in outcomes)
    points = []
    for threshold in THRESHOLDS:
        kept = probabilities >= threshold  # repeats x answered
        abstained_rightly = unanswerable - (kept & refused).sum(axis=1)
        points.append({
            "threshold": round(threshold, 3),
            "coverage": float(kept.sum(axis=1).mean() / len(outcomes)),
            "precision": float(((kept & right).sum(axis=1) / np.maximum(kept.sum(axis=1), 1)).mean()),
            "accuracy": float((((kept & right).sum(axis=1) + abstained_rightly) / len(outcomes)).mean()),
            "abstention": float((abstained_rightly / max(unanswerable, 1)).mean()),
        })
    return points


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.service import Assistant
    from core.settings import Settings
    from evals.runner import run
    from evals.systems import AssistantSystem

    found = fit_arguments(__doc__, CONFIDENCE_FILE, argv)
    if found is None:
        return 1
    args, questions = found
    neutral = LinearModel(CONFIDENCE_SIGNALS, *(np.zeros(len(CONFIDENCE_SIGNALS)),) * 2, np.ones(len(CONFIDENCE_SIGNALS)))
    assistant = Assistant(Settings.from_env(index_dir=args.index), policy=replace(DEFAULT_POLICY, min_confidence=0.0, unheld_focus_similarity=0.0),
                          confidence=neutral)
    try:
        outcomes = run(AssistantSystem(assistant), questions, 5)
    finally:
        assistant.close()
    rows, labels = rows_of(outcomes)
    penalty, losses = choose_logistic_penalty(rows, labels, CONFIDENCE_SIGNALS)
    print(f"{len(rows)} answers of {len(outcomes)} questions, {int(labels.sum())} right")  # noqa: T201 - a script
    for value, loss in losses.items():
        print(f"penalty {value:>6}: cross-validated log-loss {loss:.4f}{' <- chosen' if value == penalty else ''}")  # noqa: T201
    points = curve(outcomes, held_out_probabilities(rows, labels, CONFIDENCE_SIGNALS, penalty))
    print("threshold  coverage  precision  accuracy  abstention (cross-validated)")  # noqa: T201 - a script
    for point in points:
        print("   {threshold:.3f}     {coverage:.3f}     {precision:.3f}     {accuracy:.3f}     {abstention:.3f}".format(**point))  # noqa: T201
    model = fit_logistic(rows, labels, CONFIDENCE_SIGNALS, penalty)
    model = replace(model, about={"penalty": penalty, "questions": args.questions.name, "answers": len(rows),
                                  "curve": [{k: round(v, 4) for k, v in p.items()} for p in points]})
    show_and_write(model, args.output if args.write else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
