"""The `gma` command line: one click group, every failure one line and a non-zero exit."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from core.errors import GmaError
from core.models import DOC_TYPES
from core.settings import ANSWER_PASSAGES, Settings

if TYPE_CHECKING:
    from assistant.worddiff import DiffPiece
    from evals.evaluate import EvalRun
    from ingest.pipeline import IngestReport

INDEX_HELP = "Index directory (default: $GMA_HOME, else ./.gma)."
LLM_TIMEOUT_HELP = "Seconds to wait for the --llm backend's whole reply (default: $GMA_LLM_TIMEOUT, else 30)."
# `gma ingest` / `gma remove` when some files failed and the rest were done: a script can tell it from
# success (0), from nothing done (1) and from a usage error (2, click's).
EXIT_PARTIAL = 3


@contextmanager
def _user_errors() -> Iterator[None]:
    """Domain errors reach the user as one line, never as a traceback."""
    try:
        yield
    except GmaError as exc:
        raise click.ClickException(str(exc)) from exc


def _progress(quiet: bool) -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    """Progress on stderr fed by (stage, done, total): a tqdm bar on a terminal; elsewhere (a log, a CI
    job) a line at each tenth of a stage, so a long ingest is never silent; nothing with --quiet."""
    if quiet:
        return (lambda stage, done, total: None), (lambda: None)
    if not sys.stderr.isatty():
        shown: dict[str, int] = {}

        def line(stage: str, done: int, total: int) -> None:
            tenth = 10 * done // max(total, 1)
            if shown.get(stage, -1) < tenth:
                shown[stage] = tenth
                click.echo(f"{stage}: {done:,} of {total:,}", err=True)

        return line, lambda: None
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, leave=False)
        bar.update(done - bar.n)

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return update, close


class _Commands(click.Group):
    """Runs the commands; a domain error from the settings themselves (a bad GMA_* value) is one line too."""

    def invoke(self, ctx: click.Context) -> object:
        with _user_errors():
            return super().invoke(ctx)


@click.group(cls=_Commands)
@click.version_option(package_name="gm-assistant", prog_name="gma")
def main() -> None:
    """Global Mechanism Assistant: search and ask the documents of the UN Global Mechanism on ICT
    security, with every answer cited to the exact paragraph."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
def ingest(paths: tuple[Path, ...], index_dir: Path | None, as_json: bool, quiet: bool) -> None:
    """Parse, split into citable passages, embed and index every PDF, Markdown, text and HTML file
    under PATHS. Unchanged files cost nothing; a file that cannot be read is reported and skipped.

    Exit status: 0 when every file is indexed (or unchanged), 3 when some files failed and the others
    were indexed, 1 when none could be."""
    from index.embedder import Embedder
    from ingest.pipeline import Ingestor

    settings = Settings.from_env(index_dir=index_dir)
    update, close = _progress(quiet)
    with _user_errors():
        ingestor = Ingestor(
            settings.index_dir, Embedder(settings.embed_model), progress=update, chroma_url=settings.chroma_url
        )
        try:
            report = ingestor.ingest(list(paths))
        finally:
            close()
    _print_report(report, as_json)


@main.command()
@click.argument("targets", nargs=-1)
@click.option("--uploads", is_flag=True, help="Clear the upload workspace: every uploaded document, off the disk too.")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def remove(targets: tuple[str, ...], uploads: bool, index_dir: Path | None, as_json: bool) -> None:
    """Remove documents from the index, named by file path or doc_id (e.g. A/RES/80/16); with --uploads,
    every document of the upload workspace (the Library's uploads), leaving the corpus as it was."""
    from index.embedder import Embedder
    from ingest.pipeline import Ingestor

    if not targets and not uploads:
        raise click.UsageError("name the documents to remove (file paths or doc_ids), or give --uploads")
    settings = Settings.from_env(index_dir=index_dir)
    with _user_errors():
        ingestor = Ingestor(settings.index_dir, Embedder(settings.embed_model), chroma_url=settings.chroma_url)
        report = ingestor.remove(list(targets), uploads=uploads)
    _print_report(report, as_json)


def _filters(doc_type: str | None, symbol: str | None, state: str | None, year_from: int | None, year_to: int | None):  # noqa: ANN202
    from index.reader import Filters

    return Filters(doc_type=doc_type, symbol=symbol, state=state, year_from=year_from, year_to=year_to)


@main.command()
@click.argument("query")
@click.option("--k", "k", type=click.IntRange(min=1), default=5, show_default=True, help="How many passages.")
@click.option("--phrase", is_flag=True, help="Exact wording, every occurrence, oldest document first.")
@click.option("--similar", is_flag=True, help="Near-paraphrases of the query sentence (embeddings).")
@click.option("--doc-type", type=click.Choice(DOC_TYPES), help="Only this kind of document.")
@click.option("--symbol", help="Only this document, e.g. A/RES/80/16.")
@click.option("--state", help="Only statements by this State.")
@click.option("--year-from", type=int, help="Only documents dated this year or later.")
@click.option("--year-to", type=int, help="Only documents dated this year or earlier.")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def search(
    query: str, k: int, phrase: bool, similar: bool, doc_type: str | None, symbol: str | None, state: str | None,
    year_from: int | None, year_to: int | None, index_dir: Path | None, as_json: bool,
) -> None:
    """Find passages: best first, or with --phrase every use of the exact wording, earliest first."""
    from assistant.payloads import search_payload
    from assistant.service import Assistant

    if phrase and similar:
        raise click.UsageError("choose one of --phrase and --similar")
    filters = _filters(doc_type, symbol, state, year_from, year_to)
    with _user_errors():
        assistant = Assistant(Settings.from_env(index_dir=index_dir))
        payload = search_payload(assistant, query, k, filters, phrase=phrase, similar=similar)
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    results = payload["results"]
    if payload.get("notice"):
        click.echo(f"note: {payload['notice']}", err=True)
    elif not results:
        click.echo("No passage found.")
    for number, result in enumerate(results, 1):
        _say(f"[{number}] {result['citation']} ({result['date'] or 'undated'}) score {result['score']:.4f}")
        click.echo(_highlight(result["text"], result.get("matches", [])))
        click.echo()


class _UnknownReference(click.ClickException):
    """A citation or document the index does not hold: one line and exit status 2."""

    exit_code = 2


@contextmanager
def _known_references() -> Iterator[None]:
    from assistant.lineage import UnknownReference

    try:
        yield
    except UnknownReference as exc:
        raise _UnknownReference(str(exc)) from exc


def _marked(pieces: Sequence[DiffPiece]) -> str:
    """A word diff as text: [-deleted-] and {+inserted+} words, red and green on a terminal."""
    from assistant.query import terminal_safe
    from assistant.worddiff import DiffOp

    shown = []
    for piece in pieces:
        text = terminal_safe(piece.text)
        if piece.op == DiffOp.DELETE:
            shown.append(click.style(f"[-{text}-]", fg="red"))
        elif piece.op == DiffOp.INSERT:
            shown.append(click.style(f"{{+{text}+}}", fg="green"))
        else:
            shown.append(text)
    return " ".join(shown)


@main.command()
@click.argument("citation")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def history(citation: str, index_dir: Path | None, as_json: bool) -> None:
    """How a paragraph read in every resolution of its series, oldest first, each with its word diff from
    the one before: CITATION as printed by search, e.g. "A/RES/80/16, para. 4" (or a passage id,
    "A/RES/80/16#2", for one of several preamble paragraphs)."""
    from assistant.service import Assistant

    with _user_errors(), _known_references():
        found = Assistant(Settings.from_env(index_dir=index_dir)).history(citation)
    if as_json:
        click.echo(json.dumps(found.to_dict(), ensure_ascii=False))
        return
    _say(f"{found.cited.citation}: first seen {found.first_seen or 'undated'}, "
               f"worded as now since {found.unchanged_since or 'undated'}, {len(found.versions)} version(s)\n")
    for number, version in enumerate(found.versions, 1):
        passage = version.passage
        _say(f"[{number}] {passage.citation} ({passage.doc.date or 'undated'}) similarity {version.similarity:.2f}")
        click.echo(f"  {_marked(version.diff)}\n")


@main.command()
@click.argument("doc_a")
@click.argument("doc_b")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def diff(doc_a: str, doc_b: str, index_dir: Path | None, as_json: bool) -> None:
    """Compare two documents (symbols or doc_ids), e.g. a draft and the adopted resolution: each paragraph
    in DOC_B's order as unchanged, changed (with its word diff), added, deleted or moved. Preamble and
    operative paragraphs are compared; the masthead and footnotes are not."""
    from assistant.docdiff import ChangeStatus
    from assistant.service import Assistant

    with _user_errors(), _known_references():
        found = Assistant(Settings.from_env(index_dir=index_dir)).diff(doc_a, doc_b)
    if as_json:
        click.echo(json.dumps(found.to_dict(), ensure_ascii=False))
        return
    counts = ", ".join(f"{found.count(status)} {status.value}" for status in ChangeStatus)
    click.echo(f"{found.a} -> {found.b}: {counts}\n")
    for change in found.paragraphs:
        where = " -> ".join(p.locator for p in (change.a, change.b) if p is not None)
        _say(f"{change.status.value:>9}  {where}")
        if change.status != ChangeStatus.UNCHANGED:
            click.echo(f"  {_marked(change.diff)}")


@main.command()
@click.argument("question")
@click.option("--k", "k", type=click.IntRange(min=1), default=ANSWER_PASSAGES, show_default=True,
              help="Passages the answer reads (and lists as retrieved).")
@click.option("--llm", "llm", help="Generative backend (e.g. ollama:llama3.2); default: the extractive answerer.")
@click.option("--llm-timeout", type=float, help=LLM_TIMEOUT_HELP)
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def ask(question: str, k: int, llm: str | None, llm_timeout: float | None, index_dir: Path | None, as_json: bool) -> None:
    """Answer a question from the documents; every sentence of the answer cites its paragraph. With
    --llm on a terminal, the model's draft is shown as it arrives, then the checked answer."""
    from assistant.query import terminal_safe
    from assistant.service import Assistant

    def draft(text: str) -> None:
        click.echo(click.style(terminal_safe(text), dim=True), nl=False)

    streaming = not as_json and sys.stdout.isatty()
    with _user_errors():  # a refused question is refused before the index or the model loads
        settings = Settings.from_env(index_dir=index_dir, llm=llm, llm_timeout=llm_timeout)
        answer = Assistant(settings).ask(question, k, on_text=draft if streaming else None)
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        return
    if streaming and settings.llm:
        click.echo("\n\nChecked answer:")
    if answer.notice:
        click.echo(f"note: {answer.notice}", err=True)
    if answer.abstained:
        click.echo(answer.message)
        if answer.closest:
            _say(f"Closest sentence (not an answer): {answer.closest.rendered}")
        shown, heading = answer.retrieved[:3], "Closest passages:"
    else:
        if answer.short:  # the span that answers a when / how many / which question, before its sentences
            _say(f"Answer: {answer.short}")
        _say(answer.text)
        if answer.message:  # the generative answerer's: what it removed, or why it fell back
            click.echo(f"note: {answer.message}", err=True)
        shown, heading = answer.citations, "Cited passages:"
    if shown:
        click.echo(f"\n{heading}")
    for passage in shown:
        _say(f"[{passage.citation}] {passage.doc.title} ({passage.doc.date or 'undated'})")
        if not passage.doc.provenance.trusted:
            _say(f"  {passage.doc.provenance.summary}")
        _say(f"  {passage.text}")


@main.command("eval")
@click.option("--questions", "questions_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              required=True, help="A JSONL question file (see ../shared/specs/interfaces.md).")
@click.option("--k", "k", type=click.IntRange(min=1), default=5, show_default=True, help="Evidence hit@k cut-off.")
@click.option("--baselines", default="bm25,dense,recipe", show_default=True,
              help="Comma-separated baselines measured in the same run (bm25, dense, recipe), or 'none'.")
@click.option("--report", "report_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Also write a Markdown report with plots into this folder.")
@click.option("--llm", "llm", help="Also measure the generative answerer over this backend, beside the extractive one.")
@click.option("--llm-timeout", type=float, help=LLM_TIMEOUT_HELP)
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def evaluate(
    questions_file: Path, k: int, baselines: str, report_dir: Path | None, llm: str | None, llm_timeout: float | None,
    index_dir: Path | None, as_json: bool,
) -> None:
    """Check the assistant against a question set: evidence hit@k, MRR, nDCG, answer and abstention
    accuracy, citation precision and latency, with the plain baselines (and with --llm the generative
    answerer) measured side by side."""
    from assistant.service import Assistant
    from evals.evaluate import evaluate as run_evaluation
    from evals.questions import load_questions

    chosen = [] if baselines.strip() in ("", "none") else [b.strip() for b in baselines.split(",")]
    with _user_errors():
        try:
            questions = load_questions(questions_file)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        assistant = Assistant(Settings.from_env(index_dir=index_dir, llm_timeout=llm_timeout))
        if llm:
            from assistant.llm import LlmBackend

            LlmBackend.parse(llm)  # a misspelt backend is one line now, not after the extractive run
        try:
            result = run_evaluation(assistant, questions, k=k, baselines=chosen, label=str(questions_file), llm=llm)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
    if report_dir is not None:
        from evals.report import write_report

        write_report(result, report_dir)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    click.echo(_metrics_table(result))
    if report_dir is not None:
        click.echo(f"\nReport written to {report_dir / 'report.md'}")


def _metrics_table(result: EvalRun) -> str:
    rows = [
        ("evidence hit@k", "evidence_hit_at_k"), ("MRR", "mrr"), ("nDCG@k", "ndcg_at_k"),
        ("answer accuracy", "answer_accuracy"), ("abstention accuracy", "abstention_accuracy"),
        ("false abstention rate", "false_abstention_rate"), ("citation precision", "citation_precision"),
        ("latency p50 (ms)", "latency_ms_p50"), ("latency p95 (ms)", "latency_ms_p95"),
    ]
    systems = result.systems
    names = [s.name for s in systems]
    width = max(len(label) for label, _ in rows) + 2
    lines = [f"{'':<{width}}" + "".join(f"{n:>28}" for n in names)]
    for label, key in rows:
        lines.append(f"{label:<{width}}" + "".join(f"{s.summary[key]:>28}" for s in systems))
    lines.append(f"{'questions':<{width}}" + "".join(f"{s.summary['n']:>28}" for s in systems))
    return "\n".join(lines)


def _say(text: str) -> None:
    """Print a line holding document text, made safe for the terminal (assistant.query.terminal_safe)."""
    from assistant.query import terminal_safe

    click.echo(terminal_safe(text))


def _highlight(text: str, spans: list[list[int]]) -> str:
    """Matched words in bold when the terminal shows styles; the text made safe for it first."""
    from assistant.query import terminal_safe

    text = terminal_safe(text)  # one character for one: the spans still hold
    out, position = [], 0
    for start, end in spans:
        out += [text[position:start], click.style(text[start:end], bold=True, fg="yellow")]
        position = end
    return "".join([*out, text[position:]])


def _print_report(report: IngestReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        for failure in report.failed:
            click.echo(f"failed: {failure.path}: {failure.error}", err=True)
        for conflict in report.conflicts:
            click.echo(f"conflict: {conflict.path}: {conflict.message}", err=True)
        for merged in report.merged:
            click.echo(f"one document: {merged.doc_id} indexed from {merged.indexed_from}, also in {merged.also_from}", err=True)
        click.echo(
            f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
            f"{len(report.removed)} removed, {len(report.failed)} failed; {report.passages} passages written, "
            f"{report.total_passages} in the index ({report.seconds:.1f} s)"
        )
    if report.failed:
        sys.exit(EXIT_PARTIAL if report.added or report.updated or report.unchanged or report.removed else 1)


@main.command()
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on (0.0.0.0 for everyone).")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="Port to serve on.")
def ui(index_dir: Path | None, host: str, port: int) -> None:
    """Start the Streamlit app (Ask, Precedent search, Lineage, Library, Evaluate) over the index."""
    import os

    from ui import APP, streamlit_command

    settings = Settings.from_env(index_dir=index_dir)
    project = str(APP.parent.parent)
    # The app imports assistant/, ingest/ and ui/ by name; from a checkout they are importable only from here.
    python_path = os.pathsep.join(p for p in (project, os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "GMA_HOME": str(settings.index_dir.resolve()), "PYTHONPATH": python_path}
    command = streamlit_command(host, port)
    click.echo(f"Serving {settings.index_dir.resolve()} on http://{host}:{port}", err=True)
    os.execvpe(command[0], command, env)


def _register_fetch() -> None:
    from corpus.cli import fetch_command

    main.add_command(fetch_command)


_register_fetch()


@main.command()
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on (0.0.0.0 for everyone).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to serve on.")
def serve(index_dir: Path | None, host: str, port: int) -> None:
    """Serve the HTTP API over the index: POST /ask and /search take the options of `gma ask` and
    `gma search` as JSON and answer with their --json output; GET /documents, /history, /diff, /health;
    the OpenAPI description is at /docs."""
    import uvicorn

    from assistant.server import create_app
    from index.embedder import Embedder

    settings = Settings.from_env(index_dir=index_dir)
    embedder = Embedder(settings.embed_model)
    with _user_errors():
        embedder.embed_query("warm up")  # a missing model is one line here, not a traceback from the server
    click.echo(f"Serving {settings.index_dir.resolve()} on http://{host}:{port} (API description at /docs)", err=True)
    uvicorn.run(create_app(settings, embedder), host=host, port=port)
