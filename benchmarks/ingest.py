"""Ingest benchmark: our full and unchanged re-ingest against the plain LangChain + Chroma recipe.

Each measurement is a fresh process, as a user runs it (imports and model load included); the two
pipelines alternate so machine noise hits both. Writes its table into docs/benchmarks.md.

    python benchmarks/ingest.py --corpus ../shared/corpus --runs 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from common import ROOT, machine, write_section

RECIPE = """
import sys, time
from pathlib import Path
from evals.baselines import build_recipe_store
start = time.perf_counter()
store = build_recipe_store([Path(sys.argv[1])], Path(sys.argv[2]))
print(store._collection.count())
"""


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    gma = [sys.executable, "-m", "assistant"]
    ours, recipe, again, again_inproc, passages, chunks = [], [], [], [], 0, 0
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            seconds, out = timed([sys.executable, "-c", RECIPE, str(corpus), f"{tmp}/recipe"])
            recipe.append(seconds)
            chunks = int(out.strip().splitlines()[-1])
            seconds, out = timed([*gma, "ingest", str(corpus), "--index", f"{tmp}/gma", "--json"])
            ours.append(seconds)
            passages = json.loads(out)["passages"]
            seconds, out = timed([*gma, "ingest", str(corpus), "--index", f"{tmp}/gma", "--json"])
            again.append(seconds)
            again_inproc.append(json.loads(out)["seconds"])
        print(f"run {run + 1}: recipe {recipe[-1]:.1f} s, gma {ours[-1]:.1f} s, unchanged re-ingest {again[-1]:.2f} s",
              file=sys.stderr)
    median = statistics.median
    rows = [
        ("passages / chunks indexed", f"{passages}", f"{chunks}", ""),
        ("full ingest, median wall-clock", f"{median(ours):.1f} s", f"{median(recipe):.1f} s",
         f"{median(ours) / median(recipe):.2f}"),
        ("passages per second", f"{passages / median(ours):.0f}", f"{chunks / median(recipe):.0f}", ""),
        ("re-ingest of the unchanged corpus, wall-clock (process start included)", f"{median(again):.2f} s", "", ""),
        ("re-ingest of the unchanged corpus, inside the command", f"{median(again_inproc):.2f} s", "", ""),
    ]
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    section = (
        f"Command: `python benchmarks/ingest.py --corpus {args.corpus} --runs {args.runs}` "
        f"(also `make bench`)  \nDate: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  \nMachine: {machine()}  \n"
        f"Corpus: {sum(1 for p in corpus.rglob('*') if p.is_file())} files of the shared corpus. "
        f"Medians of {args.runs} alternating runs, each a fresh process (imports and model load included).\n\n"
        "| measure | gma | LangChain recipe | ratio gma / recipe |\n|---|---|---|---|\n"
        f"{table}\n\n"
        "Targets: full ingest no slower than the recipe (ratio ≤ 1.00); unchanged re-ingest under 2 s.\n"
    )
    write_section("Ingest", section)
    print(section)


if __name__ == "__main__":
    main()
