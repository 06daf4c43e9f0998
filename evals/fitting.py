"""Linear models fitted by Newton's method, their L2 penalty chosen by repeated k-fold cross-validation.

The reranker's is a conditional logit:

Each group is one question's candidates (rows of signals) with the candidates that hold its evidence marked.
The model gives each candidate the share `softmax(X @ w)` of its group and is fitted to spread the share
evenly over the marked ones (cross-entropy with a uniform target: convex, so Newton's method finds its
minimum in a few steps). A question none of whose candidates holds the evidence teaches nothing and is
left out. Signals are standardised on the rows fitted; the penalty is the one whose held-out folds rank
the evidence best (mean reciprocal rank).

The answerer's confidence is a logistic regression (`fit_logistic`): one row per drafted answer, labelled
whether it was right, its penalty the one with the least held-out log-loss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.linear import LinearModel, softmax

PENALTIES = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)


@dataclass(frozen=True)
class Group:
    """One question's candidates: a row of signals each, and which of them hold the evidence."""

    rows: np.ndarray
    relevant: np.ndarray  # bool, one per row

    def __post_init__(self) -> None:
        if self.rows.ndim != 2 or len(self.rows) != len(self.relevant):
            raise ValueError("a group needs one relevance mark per row of signals")


@dataclass(frozen=True)
class Fold:
    """The ranking figures of held-out groups, as the evals report them for retrieval."""

    hit_at_1: float
    hit_at_5: float
    mrr: float


def fit(groups: Sequence[Group], signals: Sequence[str], penalty: float, iterations: int = 50) -> LinearModel:
    """The weights minimising the groups' cross-entropy plus `penalty` times half their squared norm."""
    useful = [g for g in groups if g.relevant.any()]
    if not useful:
        raise ValueError("no group has a relevant candidate to learn from")
    stacked = np.vstack([g.rows for g in useful])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)  # a signal constant over the rows carries no weight
    standard = [((g.rows - mean) / scale, g.relevant / g.relevant.sum()) for g in useful]

    def objective(weights: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        gradient = penalty * weights
        hessian = penalty * np.eye(len(signals))
        for rows, target in standard:
            share = softmax(rows @ weights)
            gradient += rows.T @ (share - target)
            weighted = rows * share[:, None]
            hessian += rows.T @ weighted - np.outer(weighted.sum(axis=0), weighted.sum(axis=0))
        return _loss(standard, weights, penalty), gradient, hessian

    weights = _minimise(objective, len(signals), iterations)
    return LinearModel(tuple(signals), weights, mean, scale)


def figures(model: LinearModel | None, groups: Sequence[Group]) -> Fold:
    """hit@1, hit@5 and MRR of the first relevant candidate, over every group (a group with none counts 0);
    without a model, of the groups' own order."""
    ranks = []
    for group in groups:
        order = np.argsort(-model.scores(group.rows), kind="stable") if model else np.arange(len(group.rows))
        hits = np.flatnonzero(group.relevant[order])
        ranks.append(int(hits[0]) + 1 if len(hits) else None)
    count = max(len(ranks), 1)
    return Fold(
        hit_at_1=sum(r == 1 for r in ranks) / count,
        hit_at_5=sum(r is not None and r <= 5 for r in ranks) / count,
        mrr=sum(1 / r for r in ranks if r) / count,
    )


def cross_validate(
    groups: Sequence[Group], signals: Sequence[str], penalty: float, folds: int = 5, repeats: int = 10, seed: int = 0
) -> Fold:
    """The mean held-out figures over `repeats` shuffles of the groups into `folds` folds."""
    if len(groups) < folds:
        raise ValueError(f"{len(groups)} groups cannot be split into {folds} folds")
    rng = np.random.default_rng(seed)
    results = []
    for _ in range(repeats):
        order = rng.permutation(len(groups))
        for part in np.array_split(order, folds):
            held = set(part.tolist())
            model = fit([g for i, g in enumerate(groups) if i not in held], signals, penalty)
            results.append(figures(model, [groups[i] for i in part]))
    return Fold(*(float(np.mean([getattr(r, name) for r in results])) for name in ("hit_at_1", "hit_at_5", "mrr")))


def choose_penalty(
    groups: Sequence[Group], signals: Sequence[str], penalties: Sequence[float] = PENALTIES, **folding: int
) -> tuple[float, dict[float, Fold]]:
    """The penalty with the best cross-validated MRR (the larger on a tie: the simpler model), and every
    penalty's figures."""
    tried = {penalty: cross_validate(groups, signals, penalty, **folding) for penalty in penalties}
    best = max(tried, key=lambda penalty: (round(tried[penalty].mrr, 6), penalty))
    return best, tried


def _loss(standard: Sequence[tuple[np.ndarray, np.ndarray]], weights: np.ndarray, penalty: float) -> float:
    """The groups' cross-entropy against their targets, plus the L2 penalty."""
    total = penalty * float(weights @ weights) / 2
    for rows, target in standard:
        scores = rows @ weights
        top = scores.max()
        total -= float(target @ (scores - top - np.log(np.exp(scores - top).sum())))
    return total


def _minimise(
    objective: Callable[[np.ndarray], tuple[float, np.ndarray, np.ndarray]], size: int, iterations: int
) -> np.ndarray:
    """The minimum, from zero, of a convex objective given with its gradient and Hessian: Newton's steps,
    each halved until the objective falls (a full step can overshoot far from the minimum)."""
    weights = np.zeros(size)
    loss, gradient, hessian = objective(weights)
    for _ in range(iterations):
        step = np.linalg.solve(hessian, gradient)
        while True:
            trial = weights - step
            trial_loss, trial_gradient, trial_hessian = objective(trial)
            if trial_loss <= loss or np.max(np.abs(step)) < 1e-10:
                break
            step = step / 2
        converged = loss - trial_loss < 1e-9 or np.max(np.abs(step)) < 1e-10
        weights, loss, gradient, hessian = trial, min(loss, trial_loss), trial_gradient, trial_hessian
        if converged:
            break
    return weights


def fit_logistic(rows: np.ndarray, labels: np.ndarray, signals: Sequence[str], penalty: float) -> LinearModel:
    """The logistic regression of `labels` (bool) on `rows`, with an unpenalised intercept."""
    if labels.all() or not labels.any():
        raise ValueError("a logistic regression needs rows of both labels")
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    design = np.column_stack([(rows - mean) / scale, np.ones(len(rows))])
    ridge = penalty * np.diag([*np.ones(len(signals)), 0.0])

    def objective(weights: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        margin = design @ weights
        share = 1 / (1 + np.exp(-margin))
        # log(1 + e^m) - y m, summed: the negative log-likelihood, computed without overflow
        loss = float(np.sum(np.logaddexp(0.0, margin) - labels * margin) + weights @ ridge @ weights / 2)
        gradient = design.T @ (share - labels) + ridge @ weights
        hessian = (design * (share * (1 - share))[:, None]).T @ design + ridge
        return loss, gradient, hessian

    weights = _minimise(objective, len(signals) + 1, iterations=100)
    return LinearModel(tuple(signals), weights[:-1], mean, scale, intercept=float(weights[-1]))


def held_out_probabilities(
    rows: np.ndarray, labels: np.ndarray, signals: Sequence[str], penalty: float, folds: int = 5, repeats: int = 10,
    seed: int = 0,
) -> np.ndarray:
    """Each row's probability from models fitted without it: `repeats` x `folds` columns, one per shuffle."""
    rng = np.random.default_rng(seed)
    found = np.zeros((repeats, len(rows)))
    for repeat in range(repeats):
        order = rng.permutation(len(rows))
        for part in np.array_split(order, folds):
            train = np.setdiff1d(order, part)
            model = fit_logistic(rows[train], labels[train], signals, penalty)
            found[repeat, part] = [model.probability(row) for row in rows[part]]
    return found


def choose_logistic_penalty(
    rows: np.ndarray, labels: np.ndarray, signals: Sequence[str], penalties: Sequence[float] = PENALTIES
) -> tuple[float, dict[float, float]]:
    """The penalty with the least cross-validated log-loss (the larger on a tie), and every penalty's loss."""
    losses = {}
    for penalty in penalties:
        found = np.clip(held_out_probabilities(rows, labels, signals, penalty), 1e-6, 1 - 1e-6)
        losses[penalty] = float(-np.mean(labels * np.log(found) + (1 - labels) * np.log(1 - found)))
    best = min(losses, key=lambda penalty: (round(losses[penalty], 6), -penalty))
    return best, losses
