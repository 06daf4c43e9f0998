"""Cold start: `gma ask`, `gma search` and `gma search --phrase`, each from a new process, as a user runs them.

Every run starts each command afresh (interpreter, imports, index and model load, the first query's tables),
alternating with `python -c pass` and `python -c "import torch"` so machine noise hits references and
commands alike; medians are reported. Then, in this process, the warm `ask` p50 over a question set, with
the question embedded by the ONNX export (what `gma ask` uses) and by sentence-transformers (what
benchmarks/latency.py measures), side by side.

    python benchmarks/cli.py --index /tmp/cold/idx --runs 7
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from common import ROOT, machine, write_section

sys.path.insert(0, str(ROOT))

from assistant.service import Assistant  # noqa: E402
from core.settings import Settings  # noqa: E402
from evals.metrics import percentile  # noqa: E402
from evals.questions import load_questions  # noqa: E402
from index.embedder import Embedder  # noqa: E402
from index.onnx_embedder import OnnxEmbedder  # noqa: E402

QUESTION = "What are the two dedicated thematic groups?"
COMMANDS = {
    "`python -c pass` (reference)": ["-c", "pass"],
    '`python -c "import torch"` (reference)': ["-c", "import torch"],
    f'`gma ask "{QUESTION}"`': ["-m", "assistant", "ask", QUESTION],
    '`gma search "stakeholder accreditation on a non-objection basis"`':
        ["-m", "assistant", "search", "stakeholder accreditation on a non-objection basis"],
    '`gma search --phrase "a voice, not a vote"`': ["-m", "assistant", "search", "--phrase", "a voice, not a vote"],
}
TARGETS = {f'`gma ask "{QUESTION}"`': 1.5, '`gma search --phrase "a voice, not a vote"`': 0.5}


def cold_seconds(arguments: list[str], index: Path) -> float:
    """Wall-clock seconds of one new process; a gma command gets `--index`, and must succeed."""
    command = [sys.executable, *arguments, *(["--index", str(index)] if "assistant" in arguments else [])]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return time.perf_counter() - started


def warm_ask_ms(assistant: Assistant, questions: list[str]) -> list[float]:
    assistant.ask("warm up")
    samples = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="an index built by `gma ingest`")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "tune.jsonl")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for run in range(args.runs):
        for name, arguments in COMMANDS.items():
            samples[name].append(cold_seconds(arguments, args.index))
        print(f"run {run + 1}: " + ", ".join(f"{s[-1]:.2f}" for s in samples.values()), file=sys.stderr)
    load_after = os.getloadavg()[0]

    questions = [q.question for q in load_questions(args.questions)]
    settings = Settings(index_dir=args.index)
    onnx = warm_ask_ms(Assistant(settings, embedder=OnnxEmbedder.exported(args.index, None)), questions)
    torch_ms = warm_ask_ms(Assistant(settings, embedder=Embedder()), questions)

    rows = []
    for name, seconds in samples.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else f"≤ {target} s: {'met' if statistics.median(seconds) <= target else 'not met'}"
        runs = " / ".join(f"{s:.2f}" for s in seconds)
        rows.append(f"| {name} | {statistics.median(seconds):.2f} | {min(seconds):.2f} | {runs} | {verdict} |")
    command = f"python benchmarks/cli.py --index INDEX --runs {args.runs}"
    body = (
        f"Command: `{command}` (also `make bench-cli`), INDEX built by `gma ingest ../shared/corpus`  \n"
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  \nMachine: {machine()}  \n"
        f"Load average (1 min) before / after the cold runs: {load_before:.2f} / {load_after:.2f} (the machine is "
        "shared; other processes compete for its 2 cores)\n\n"
        f"Each command is a new process, {args.runs} runs alternating with the references; seconds of wall-clock.\n\n"
        "| command | median | fastest | runs | target |\n|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Warm, in one process, over the {len(questions)} questions of {args.questions.resolve().relative_to(ROOT)} once each: "
        f"`ask` p50 {percentile(onnx, 50):.1f} ms, p95 {percentile(onnx, 95):.1f} ms with the question embedded by the "
        f"ONNX export (as `gma ask` does), against p50 {percentile(torch_ms, 50):.1f} ms, p95 "
        f"{percentile(torch_ms, 95):.1f} ms with sentence-transformers, same run.\n"
    )
    write_section("Cold start: one command, one new process", body)
    print(body)


if __name__ == "__main__":
    main()
