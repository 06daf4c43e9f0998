"""Evaluate: run a question set through the assistant (and optionally the plain baselines) and show the
metrics and plots of `gma eval`.

The slow LangChain "recipe" baseline is left to `gma eval`; here the choice is the assistant alone or with
the bm25 and dense baselines measured in the same run.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

import evals
from assistant.service import Assistant
from evals import questions as question_sets
from evals.evaluate import EvalRun, evaluate
from evals.report import write_report
from ui import components
from ui.app import current_assistant

RESULT_KEY = "evaluate_run"
UPLOADED = "Upload a JSONL file…"
FAST_BASELINES = ("bm25", "dense")
PLOTS = (
    ("accuracy_by_category.png", "Answer accuracy by category"),
    ("retriever_comparison.png", "Assistant and baselines compared"),
    ("latency.png", "Latency per question"),
)


def bundled_question_sets() -> dict[str, Path]:
    """The question files shipped in the evals package, by file name."""
    return {path.name: path for path in sorted(Path(evals.__file__).parent.glob("*.jsonl"))}


def chosen_questions() -> tuple[str, Path | bytes] | None:
    """The question set to run, as a bundled file or an upload's bytes; None until there is one."""
    bundled = bundled_question_sets()
    choice = st.selectbox("Question set", [*bundled, UPLOADED])
    if choice != UPLOADED:
        return choice, bundled[choice]
    upload = st.file_uploader("Question file (JSONL, one question per line)", key="evaluate_upload")
    return None if upload is None else (Path(upload.name).name, upload.getvalue())


@dataclass(frozen=True)
class Evaluated:
    """A finished run with its report already drawn, kept in the session so reruns do not redraw plots."""

    run: EvalRun
    plots: dict[str, bytes]
    report: str


def run_evaluation(assistant: Assistant, label: str, source: Path | bytes, k: int, baselines: bool) -> Evaluated | None:
    with tempfile.TemporaryDirectory(prefix="gma-eval-") as directory:
        path = source if isinstance(source, Path) else Path(directory) / label  # errors then name the upload
        if isinstance(source, bytes):
            path.write_bytes(source)
        try:
            questions = question_sets.load_questions(path)
        except ValueError as exc:
            st.error(str(exc).replace(f"{directory}/", ""))
            return None
        with st.spinner(f"Asking {len(questions)} questions…"):
            run = evaluate(assistant, questions, k=k, baselines=FAST_BASELINES if baselines else (), label=label)
        report = write_report(run, Path(directory) / "report")
        plots = {name: (report.parent / name).read_bytes() for name, _ in PLOTS if (report.parent / name).exists()}
        return Evaluated(run, plots, report.read_text(encoding="utf-8"))


def show_run(evaluated: Evaluated) -> None:
    run = evaluated.run
    st.subheader(f"{run.questions}: {run.main.summary.get('n', '?')} questions, k = {run.k}")
    st.dataframe(components.metrics_frame(run.systems), width="stretch")
    for name, caption in PLOTS:
        if name in evaluated.plots:
            st.image(evaluated.plots[name], caption=caption)
    st.download_button("Download the report (Markdown)", evaluated.report, file_name="report.md",
                       mime="text/markdown", on_click="ignore", icon=":material/download:")


def render(assistant: Assistant) -> None:
    st.title("Evaluate")
    st.caption("Evidence hit@k, MRR, answer and abstention accuracy, citation precision and latency, as `gma eval`.")
    if components.open_index(assistant) is None:
        return
    selected = chosen_questions()
    k = st.number_input("Evidence cut-off k", min_value=1, max_value=50, value=5, step=1)
    baselines = st.checkbox("Also run the bm25 and dense baselines", value=False)
    if st.button("Run evaluation", type="primary", disabled=selected is None) and selected is not None:
        with components.user_errors():
            evaluated = run_evaluation(assistant, *selected, int(k), baselines)
            if evaluated is not None:  # a failed run leaves the last good one shown, under its own name
                st.session_state[RESULT_KEY] = evaluated
    evaluated = st.session_state.get(RESULT_KEY)
    if evaluated is not None:
        show_run(evaluated)


if __name__ == "__main__":
    render(current_assistant())
