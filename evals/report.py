"""The Markdown evaluation report with its plots (matplotlib, written as PNG beside it)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from evals.evaluate import EvalRun

_SUMMARY_ROWS = (
    ("evidence hit@k", "evidence_hit_at_k"),
    ("evidence hit@1", "evidence_hit_at_1"),
    ("MRR", "mrr"),
    ("nDCG@k", "ndcg_at_k"),
    ("answer accuracy", "answer_accuracy"),
    ("abstention accuracy", "abstention_accuracy"),
    ("false abstention rate", "false_abstention_rate"),
    ("citation precision", "citation_precision"),
    ("latency p50 (ms)", "latency_ms_p50"),
    ("latency p95 (ms)", "latency_ms_p95"),
)


def write_report(result: EvalRun, directory: Path, command: str = "") -> Path:
    """report.md, results.json and three PNG plots in `directory`; returns the Markdown file."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "results.json").write_text(json.dumps(result.to_json(), indent=1, ensure_ascii=False), encoding="utf-8")
    plots = _plots(result, directory)
    report = directory / "report.md"
    report.write_text(render_markdown(result, command, plots), encoding="utf-8")
    return report


def render_markdown(result: EvalRun, command: str = "", plots: list[str] | None = None) -> str:
    names = [s.name for s in result.systems]
    lines = [
        f"Questions: `{result.questions}` ({result.main.summary['n']}), k = {result.k}, "
        f"run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
    ]
    if command:
        lines.append(f"Command: `{command}`")
    lines += ["", "| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for label, key in _SUMMARY_ROWS:
        lines.append(f"| {label} | " + " | ".join(_fmt(s.summary[key]) for s in result.systems) + " |")
    main = result.main
    if len(result.systems) > 1:
        lines += ["", "Ratios, assistant / baseline (measured in the same run):", ""]
        for baseline in result.systems[1:]:
            ratios = []
            for label, key in (("hit@k", "evidence_hit_at_k"), ("answer accuracy", "answer_accuracy"), ("MRR", "mrr")):
                base = baseline.summary[key]
                ratios.append(f"{label} ×{main.summary[key] / base:.2f}" if base else f"{label} (baseline 0)")
            lines.append(f"- vs {baseline.name}: " + ", ".join(ratios))
    lines += ["", f"Per category ({main.name}):", "", "| category | n | hit@k | MRR | answer accuracy | abstention accuracy |",
              "|---|---|---|---|---|---|"]
    for category, summary in main.categories.items():
        lines.append(
            f"| {category} | {summary['n']} | {_fmt(summary['evidence_hit_at_k'])} | {_fmt(summary['mrr'])} | "
            f"{_fmt(summary['answer_accuracy'])} | {_fmt(summary['abstention_accuracy'])} |"
        )
    misses = [o for o in main.outcomes if not o.answer_correct()]
    if misses:
        lines += ["", "Questions answered wrongly or not at all:", ""]
        for o in misses:
            lines.append(f"- `{o.id}` {o.question} — {'abstained' if o.abstained else (o.answer[:160] + '…')}")
    for plot in plots or []:
        lines += ["", f"![{plot}]({plot})"]
    return "\n".join(lines) + "\n"


def _fmt(value: float | int) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _plots(result: EvalRun, directory: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    main = result.main
    categories = list(main.categories)
    figure, axis = plt.subplots(figsize=(8, 4))
    axis.bar(categories, [main.categories[c]["answer_accuracy"] for c in categories], color="#2b6cb0")
    axis.set_ylim(0, 1)
    axis.set_ylabel("answer accuracy")
    axis.set_title("Answer accuracy by category")
    axis.tick_params(axis="x", rotation=30)
    figure.tight_layout()
    figure.savefig(directory / "accuracy_by_category.png", dpi=110)
    plt.close(figure)
    names.append("accuracy_by_category.png")

    figure, axis = plt.subplots(figsize=(8, 4))
    metrics = [("evidence_hit_at_k", f"hit@{result.k}"), ("mrr", "MRR"), ("answer_accuracy", "answer accuracy")]
    width = 0.8 / len(result.systems)
    for i, system in enumerate(result.systems):
        positions = [m + i * width for m in range(len(metrics))]
        axis.bar(positions, [system.summary[key] for key, _ in metrics], width, label=system.name)
    axis.set_xticks([m + 0.4 - width / 2 for m in range(len(metrics))], [label for _, label in metrics])
    axis.set_ylim(0, 1)
    axis.set_title("Retrievers and answerers compared (same run)")
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(directory / "retriever_comparison.png", dpi=110)
    plt.close(figure)
    names.append("retriever_comparison.png")

    figure, axis = plt.subplots(figsize=(8, 4))
    axis.hist([o.latency_ms for o in main.outcomes], bins=30, color="#2f855a")
    axis.set_xlabel("latency per question (ms)")
    axis.set_ylabel("questions")
    axis.set_title(f"Latency of {main.name}")
    figure.tight_layout()
    figure.savefig(directory / "latency.png", dpi=110)
    plt.close(figure)
    names.append("latency.png")
    return names
