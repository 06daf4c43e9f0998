"""Warm `ask` and `search` latency on the shared corpus, with the extractive answerer.

The index is built once (or reused with --index), the assistant warmed up, then every question of the
set is asked `--repeat` times in one process; embedding the question is included. The plain LangChain
recipe's similarity search (top 5) is timed on the same questions in the same process, as the baseline.

    python benchmarks/latency.py --questions evals/tune.jsonl
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from common import ROOT, machine, write_section

sys.path.insert(0, str(ROOT))

from assistant.service import Assistant  # noqa: E402
from core.settings import Settings  # noqa: E402
from evals.baselines import build_recipe_store  # noqa: E402
from evals.metrics import percentile  # noqa: E402
from evals.questions import load_questions  # noqa: E402
from index.embedder import Embedder  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402


def timed(call, repeat: int) -> list[float]:  # noqa: ANN001
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure(args: argparse.Namespace, questions: list[str], scratch: Path) -> list[tuple[str, list[float]]]:
    """Sorted milliseconds of `ask`, `search` and the recipe's similarity search, over the questions."""
    embedder = Embedder()
    index_dir = args.index or scratch / "index"
    if args.index is None:
        Ingestor(index_dir, embedder).ingest([args.corpus])
    assistant = Assistant(Settings(index_dir=index_dir), embedder=embedder)
    assistant.ask("warm up")
    ask = sorted(s for q in questions for s in timed(lambda q=q: assistant.ask(q), args.repeat))
    search = sorted(s for q in questions for s in timed(lambda q=q: assistant.search(q, 5), args.repeat))
    recipe_store = build_recipe_store([args.corpus], scratch / "recipe")
    recipe_store.similarity_search("warm up", k=5)
    recipe = sorted(s for q in questions for s in timed(lambda q=q: recipe_store.similarity_search(q, k=5), args.repeat))
    return [
        ("ask (extractive), ms", ask),
        ("search top-5, ms", search),
        ("LangChain recipe similarity search top-5 (baseline), ms", recipe),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "tune.jsonl")
    parser.add_argument("--index", type=Path, help="reuse this index instead of building one")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    questions = [q.question for q in load_questions(args.questions)]
    with tempfile.TemporaryDirectory(prefix="gma-latency-") as scratch:
        rows = measure(args, questions, Path(scratch))
    baseline = percentile(rows[-1][1], 50)  # the recipe
    table = "\n".join(
        f"| {name} | {percentile(s, 50):.1f} | {percentile(s, 95):.1f} | {statistics.fmean(s):.1f} "
        f"| {percentile(s, 50) / baseline:.2f} |"
        for name, s in rows
    )
    body = (
        f"Command: `python benchmarks/latency.py --questions {args.questions.resolve().relative_to(ROOT)}`  \n"
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  \nMachine: {machine()}  \n"
        f"{len(questions)} questions × {args.repeat} runs, warm process, question embedding included. Baseline: "
        "the plain LangChain recipe's Chroma similarity search over its 1,000/200 chunks, same model, same "
        "questions, same process.\n\n"
        "| operation | p50 | p95 | mean | p50 / baseline p50 |\n|---|---|---|---|---|\n" + table + "\n\n"
        "Targets: ask p50 ≤ 150 ms, p95 ≤ 400 ms.\n"
    )
    write_section("Ask and search latency (1x corpus)", body)
    print(body)


if __name__ == "__main__":
    main()
