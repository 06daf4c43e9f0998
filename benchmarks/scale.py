"""Scale benchmark: ingest throughput, peak memory and warm `search`/`ask` latency at 1x and Nx the corpus.

The Nx corpus is the shared corpus plus N-1 copies of it. A copy's documents have their own ids (symbol
`A/RES/80/16-c07`, file `unidir-regular-institutional-dialogue-c07.md`, manifest entries cloned under
those names) and their own bytes (a `scale_copy:` front-matter field, or trailing blank lines in plain
text), but the same passages, locators and metadata as the originals; this is checked before ingesting.

Every ingest and every query run is a fresh child process, so each reports its own peak RSS (VmHWM).
Ingests run under `nice -n 10`; query runs at normal priority. Writes its table into docs/benchmarks.md.

    python benchmarks/scale.py --scales 1 50 --workdir /tmp/gma-scale
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import ROOT, machine, write_section

sys.path.insert(0, str(ROOT))

from corpus.manifest import Manifest  # noqa: E402
from evals.metrics import percentile  # noqa: E402
from ingest.metadata import MetadataResolver  # noqa: E402
from ingest.readers import SUPPORTED_EXTENSIONS, reader_for  # noqa: E402
from ingest.segment import Segmenter  # noqa: E402

TARGETS = {"search_p50": 100.0, "ask_p50": 300.0, "peak_rss_gb": 3.0}
_FRONT_MATTER = re.compile(r"\A(\s*---\s*\n)(.*?\n)(---\s*\n)", re.DOTALL)
_SYMBOL_FIELD = re.compile(r"^symbol:[ \t]*([\"']?)(.+?)\1[ \t]*$", re.MULTILINE)
_MARKDOWN = (".md", ".markdown")
# Where the time of one `ask` goes: these callables are wrapped with wall-clock timers for one separate,
# untimed pass (cProfile is no use here: it slows the embedding model's forward pass twentyfold).
_STAGES = (
    ("embed the question", "index.embedder", "Embedder.embed_query"),
    ("BM25 searches (passages, sentences, titles)", "index.lexical", "LexicalIndex.search"),
    ("dense search (Chroma query)", "index.vectors", "VectorStore.search"),
    ("fetch missing sentence vectors (Chroma get)", "index.vectors", "VectorStore.vectors"),
    ("rank fusion (BM25 + dense + topicality)", "assistant.retriever", "HybridSearcher._fused"),
    ("named-document boosts", "assistant.retriever", "HybridSearcher._boost_named_documents"),
    ("title boosts", "assistant.retriever", "HybridSearcher._boost_titled_documents"),
    ("whole search", "assistant.retriever", "HybridSearcher.search_with_signals"),
    ("whole ask (search + compose)", "assistant.answer", "ExtractiveAnswerer.answer"),
)


# ---- the scaled corpus ------------------------------------------------------------------------------

def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS)


def tag(copy: int) -> str:
    return f"c{copy:02d}"


def copy_name(path: Path, copy: int) -> str:
    return f"{path.stem}-{tag(copy)}{path.suffix}"


def declared_symbol(text: str) -> str | None:
    head = _FRONT_MATTER.match(text)
    found = _SYMBOL_FIELD.search(head.group(2)) if head else None
    return found.group(2).strip() if found else None


def copied_text(path: Path, copy: int) -> str:
    """The file's text with a new symbol (if it declares one) and bytes of its own, its passages unchanged."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() not in _MARKDOWN:
        return text + "\n" * copy  # plain text has no front matter; blank lines end no paragraph and start none
    head = _FRONT_MATTER.match(text)
    if head is None:
        return f"---\nscale_copy: {copy}\n---\n{text}"
    fields = _SYMBOL_FIELD.sub(lambda m: f"symbol: {m.group(2).strip()}-{tag(copy)}", head.group(2), count=1)
    return f"{head.group(1)}scale_copy: {copy}\n{fields}{head.group(3)}{text[head.end():]}"


def scaled_manifest(base: Manifest, corpus: Path, factor: int) -> Manifest:
    """The project manifest plus, for every copied document it describes, the same entry under the copy's name."""
    entries = list(base.entries)
    for path in corpus_files(corpus):
        symbol = declared_symbol(path.read_text(encoding="utf-8"))
        entry = (base.by_symbol(symbol) if symbol else None) or base.by_file(path.name)
        if entry is None:
            continue
        for copy in range(1, factor):
            entries.append(replace(
                entry,
                symbol=f"{entry.symbol}-{tag(copy)}" if entry.symbol else None,
                file=copy_name(path, copy) if entry.file else None,
            ))
    return Manifest(entries)


def write_copies(corpus: Path, factor: int, target: Path) -> None:
    for copy in range(1, factor):
        for path in corpus_files(corpus):
            out = target / f"copy-{copy:02d}" / path.parent.relative_to(corpus) / copy_name(path, copy)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(copied_text(path, copy), encoding="utf-8")


def check_copies(corpus: Path, copies: Path, factor: int) -> None:
    """Refuse to measure unless each sampled copy segments exactly like its original, under another id."""
    resolver = MetadataResolver(scaled_manifest(Manifest.load(), corpus, factor))
    segmenter = Segmenter()

    def passages(path: Path) -> tuple[str, list[tuple]]:
        parsed = reader_for(path).read(path)
        meta = resolver.describe(parsed)
        found = segmenter.segment(meta, parsed.blocks)
        shape = [(p.locator, p.text, p.context, p.page, p.doc.doc_type, p.doc.title, p.doc.short_title, p.doc.date,
                  len(p.footnotes), len(p.cited_by)) for p in found]
        return meta.doc_id, shape

    for copy in sorted({1, factor - 1}):
        for path in corpus_files(corpus):
            twin = copies / f"copy-{copy:02d}" / path.parent.relative_to(corpus) / copy_name(path, copy)
            (doc, shape), (twin_doc, twin_shape) = passages(path), passages(twin)
            if doc == twin_doc or shape != twin_shape:
                raise SystemExit(f"copy {twin} does not mirror {path} (ids {doc} / {twin_doc}); fix copied_text()")


# ---- child processes --------------------------------------------------------------------------------

def peak_rss_bytes() -> int:
    """This process's peak resident set (VmHWM): per process, unlike RUSAGE_CHILDREN's running maximum."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmHWM:\s*(\d+) kB", status, re.MULTILINE).group(1)) * 1024


def child_ingest(args: argparse.Namespace) -> dict[str, Any]:
    from index.embedder import Embedder
    from ingest.pipeline import Ingestor

    step = max(1, args.factor * 160)

    def progress(stage: str, done: int, total: int) -> None:
        if done % step < 256 or done == total:
            print(f"{stage} {done}/{total} at {time.strftime('%H:%M:%S')}", file=sys.stderr, flush=True)

    manifest = scaled_manifest(Manifest.load(), args.corpus, args.factor)
    embedder = Embedder()
    embedder.model  # noqa: B018 - load now, so the ingest figure below is the ingest alone
    paths = [args.corpus] + ([args.copies] if args.factor > 1 else [])
    report = Ingestor(args.index, embedder, manifest=manifest, progress=progress).ingest(paths)
    return {"passages": report.passages, "files": len(report.added), "seconds": report.seconds,
            "failed": [f"{f.path}: {f.error}" for f in report.failed], "peak_rss": peak_rss_bytes()}


def child_query(args: argparse.Namespace) -> dict[str, Any]:
    from assistant.service import Assistant
    from core.settings import Settings
    from evals.questions import load_questions
    from index.embedder import Embedder

    questions = [q.question for q in load_questions(args.questions)]
    # Question embedding does not depend on the corpus size but does on CPU contention: timed apart.
    embedding: dict[str, float] = {}
    Embedder.embed_query = _timer(Embedder.embed_query, "embed", embedding)
    embedder = Embedder()
    embedder.embed_query("load the model")
    assistant = Assistant(Settings(index_dir=args.index), embedder=embedder)
    started = time.perf_counter()
    index = assistant.current_index()
    opened = time.perf_counter() - started
    started = time.perf_counter()
    assistant.ask(questions[0])  # builds the index's lazy tables
    first_ask = time.perf_counter() - started
    for question in questions[:5]:
        assistant.search(question, 5)
        assistant.ask(question)
    search: list[tuple[float, float]] = []  # (total, question embedding) ms
    ask: list[tuple[float, float]] = []
    for _ in range(args.repeat):
        for question in questions:
            search.append(_timed_ms(lambda q=question: assistant.search(q, 5), embedding))
            ask.append(_timed_ms(lambda q=question: assistant.ask(q), embedding))
    load_after = os.getloadavg()[0]
    return {"questions": len(questions), "open_seconds": opened, "first_ask_ms": first_ask * 1000,
            "search_ms": search, "ask_ms": ask, "load_after": load_after,
            "stages_ms": _stage_times(assistant, questions),
            "passages": len(index.passages), "documents": len(index.by_document),
            "vectors": index.vectors.count(), "peak_rss": peak_rss_bytes()}


def _timed_ms(call, embedding: dict[str, float]) -> tuple[float, float]:  # noqa: ANN001
    """Milliseconds the call took, and how many of them went to embedding the question."""
    before = embedding.get("embed", 0.0)
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000, embedding.get("embed", 0.0) - before


def _stage_times(assistant: Any, questions: list[str]) -> dict[str, float]:  # noqa: ANN401
    """Milliseconds per `ask` spent in each stage (inclusive), from one pass with the stages wrapped in timers."""
    totals: dict[str, float] = {}
    for stage, module, qualified in _STAGES:
        owner_name, _, method = qualified.rpartition(".")
        owner = getattr(importlib.import_module(module), owner_name, None)
        if owner is not None and callable(getattr(owner, method, None)):
            setattr(owner, method, _timer(getattr(owner, method), stage, totals))
    for question in questions:
        assistant.ask(question)
    return {stage: totals[stage] / len(questions) for stage, _, _ in _STAGES if stage in totals}


def _timer(function, stage: str, totals: dict[str, float]):  # noqa: ANN001, ANN201
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[stage] = totals.get(stage, 0.0) + (time.perf_counter() - started) * 1000

    return timed


# ---- the parent: run, tabulate, write ---------------------------------------------------------------

def run_child(kind: str, extra: list[str], log: Path, nice: bool) -> tuple[float, dict[str, Any]]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, *extra]
    if nice:
        command = ["nice", "-n", "10", *command]
    started = time.perf_counter()
    with log.open("a", encoding="utf-8") as errors:
        done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True)
    if done.returncode:
        raise SystemExit(f"{kind} child failed (exit {done.returncode}); see {log}")
    return time.perf_counter() - started, json.loads(done.stdout.strip().splitlines()[-1])


def measure(factor: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    copies = workdir / f"copies-{factor}x"
    if factor > 1:
        shutil.rmtree(copies, ignore_errors=True)
        write_copies(args.corpus, factor, copies)
        check_copies(args.corpus, copies, factor)
    index = workdir / f"index-{factor}x"
    shutil.rmtree(index, ignore_errors=True)
    log = workdir / f"scale-{factor}x.log"
    common = ["--corpus", str(args.corpus), "--index", str(index), "--factor", str(factor)]
    load = os.getloadavg()[0]
    print(f"{factor}x: ingesting (progress in {log})", file=sys.stderr, flush=True)
    wall, ingest = run_child("ingest", [*common, "--copies", str(copies)], log, nice=True)
    if ingest["failed"]:
        raise SystemExit(f"{factor}x: {len(ingest['failed'])} files failed, first: {ingest['failed'][0]}")
    print(f"{factor}x: ingested {ingest['passages']} passages in {wall:.0f} s; querying", file=sys.stderr, flush=True)
    _, query = run_child("query", [*common, "--questions", str(args.questions), "--repeat", str(args.repeat)],
                         log, nice=False)
    disk = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
    return {"factor": factor, "ingest_wall": wall, "ingest": ingest, "query": query, "disk": disk, "load": load,
            "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M}", "revision": _revision()}


def rows(result: dict[str, Any]) -> dict[str, float]:
    ingest, query = result["ingest"], result["query"]
    search, ask = sorted(t for t, _ in query["search_ms"]), sorted(t for t, _ in query["ask_ms"])
    search_rest = sorted(t - e for t, e in query["search_ms"])
    ask_rest = sorted(t - e for t, e in query["ask_ms"])
    embedding = sorted(e for _, e in query["search_ms"] + query["ask_ms"])
    return {
        "documents": query["documents"],
        "passages": query["passages"],
        "sentence vectors": query["vectors"],
        "ingest wall-clock, s (process start and model load included)": result["ingest_wall"],
        "ingest inside Ingestor.ingest, s": ingest["seconds"],
        "ingest throughput, passages/s": ingest["passages"] / ingest["seconds"],
        "ingest peak RSS, MB": ingest["peak_rss"] / 1e6,
        "index on disk, MB": result["disk"] / 1e6,
        "open the index, s": query["open_seconds"],
        "first ask after opening (lazy tables), ms": query["first_ask_ms"],
        "search top-5 p50, ms": percentile(search, 50),
        "search top-5 p95, ms": percentile(search, 95),
        "ask (extractive) p50, ms": percentile(ask, 50),
        "ask (extractive) p95, ms": percentile(ask, 95),
        "ask mean, ms": statistics.fmean(ask),
        "question embedding p50, ms": percentile(embedding, 50),
        "question embedding p95, ms": percentile(embedding, 95),
        "search p50 without the question embedding, ms": percentile(search_rest, 50),
        "search p95 without the question embedding, ms": percentile(search_rest, 95),
        "ask p50 without the question embedding, ms": percentile(ask_rest, 50),
        "ask p95 without the question embedding, ms": percentile(ask_rest, 95),
        "query process peak RSS, MB": query["peak_rss"] / 1e6,
        **{f"in ask: {stage}, ms": ms for stage, ms in query["stages_ms"].items()},
    }


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 or float(value).is_integer() else f"{value:.1f}"


def render(results: list[dict[str, Any]], measured: datetime) -> str:
    low, high = results[0], results[-1]
    repeat = len(low["query"]["ask_ms"]) // low["query"]["questions"]
    tables = [rows(r) for r in results]
    heads = [f"{r['factor']}x" for r in results]
    lines = [f"| measure | {' | '.join(heads)} | {heads[-1]} / {heads[0]} |", "|---" * (len(heads) + 2) + "|"]
    for name in tables[-1]:
        values = [t.get(name) for t in tables]
        ratio = f"{values[-1] / values[0]:.2f}" if values[0] and values[-1] is not None else ""
        lines.append(f"| {name} | {' | '.join('' if v is None else _fmt(v) for v in values)} | {ratio} |")
    top = tables[-1]
    peak_gb = max(high["ingest"]["peak_rss"], high["query"]["peak_rss"]) / 1e9
    checks = [
        (f"search p50 ≤ {TARGETS['search_p50']:.0f} ms", top["search top-5 p50, ms"] <= TARGETS["search_p50"],
         f"{top['search top-5 p50, ms']:.1f} ms"),
        (f"ask (extractive) p50 ≤ {TARGETS['ask_p50']:.0f} ms", top["ask (extractive) p50, ms"] <= TARGETS["ask_p50"],
         f"{top['ask (extractive) p50, ms']:.1f} ms"),
        (f"peak RSS ≤ {TARGETS['peak_rss_gb']:.0f} GB (ingest and query)", peak_gb <= TARGETS["peak_rss_gb"],
         f"{peak_gb:.2f} GB"),
    ]
    verdicts = "\n".join(f"- {name}: {'met' if ok else '**not met**'} ({got} at {heads[-1]})" for name, ok, got in checks)
    scales = " ".join(str(r["factor"]) for r in results)
    revisions = ", ".join(dict.fromkeys(r.get("revision", "") for r in results)) or _revision()
    loads = ", ".join(f"{r['factor']}x {r['load']:.2f} / {r['query']['load_after']:.2f}" for r in results)
    return (
        f"Command: `python benchmarks/scale.py --scales {scales} --repeat {repeat}`  \n"
        f"Date: {high.get('date') or f'{measured:%Y-%m-%d %H:%M}'} UTC  \nMachine: {machine()}  \n"
        f"Code: {revisions}  \nLoad average (1 min) before each ingest / after its query run: {loads} "
        "(the machine is shared; other processes compete for its 2 cores)\n\n"
        f"{heads[-1]} is the shared corpus plus {high['factor'] - 1} copies with their own document ids and bytes "
        f"but the same passages ({low['query']['passages']:,} passages per copy). Each ingest is a fresh process "
        f"under `nice -n 10` into an empty index; each query run another fresh process that opens the index, "
        f"warms up, then times `search` (k=5) and `ask` (extractive) over {low['query']['questions']} questions "
        f"× {repeat} (question embedding included). Peak RSS is the process's VmHWM; MB and GB are "
        "decimal. The `in ask:` rows come from one more pass of `ask` over the questions with those stages "
        "wrapped in timers: mean ms per ask spent inside each (stages nest: whole search includes the "
        "others but the last).\n\n"
        + "\n".join(lines) + f"\n\nTargets at {heads[-1]}:\n{verdicts}\n"
    )


def _revision() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout
    return f"commit {head.strip() or '?'}" + (" with uncommitted changes" if dirty.strip() else "")


def measure_all(args: argparse.Namespace) -> list[dict[str, Any]]:
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gma-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        results = []
        for factor in args.scales:  # saved after each scale, so a long run cut short keeps what it measured
            results.append(measure(factor, args, workdir))
            (workdir / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "tune.jsonl")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 50], help="corpus multiples, smallest first")
    parser.add_argument("--repeat", type=int, default=2, help="times each question is asked and searched")
    parser.add_argument("--workdir", type=Path, help="keep copies, indexes and logs here (default: a temp dir)")
    parser.add_argument("--no-write", action="store_true", help="print the table, leave docs/benchmarks.md alone")
    parser.add_argument("--from-results", type=Path, help="tabulate the results.json of an earlier run, measure nothing")
    parser.add_argument("--child", choices=["ingest", "query"], help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--copies", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--factor", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.corpus = args.corpus.resolve()
    if args.child:
        print(json.dumps((child_ingest if args.child == "ingest" else child_query)(args)))
        return
    if any(s < 1 for s in args.scales) or args.scales != sorted(args.scales):
        parser.error(f"--scales must be positive and ascending, got {args.scales}")
    if args.from_results:
        results = json.loads(args.from_results.read_text(encoding="utf-8"))
        args.scales = [r["factor"] for r in results]
        measured = datetime.fromtimestamp(args.from_results.stat().st_mtime, UTC)
    else:
        results, measured = measure_all(args), datetime.now(UTC)
    body = render(results, measured)
    if not args.no_write:
        write_section("Scale: " + " and ".join(f"{s}x" for s in args.scales), body)
    print(body)


if __name__ == "__main__":
    main()
