"""`gma fetch`: download the manifest's official PDFs; registered into the `gma` group by assistant/cli.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from core.errors import GmaError
from corpus.fetch import Fetcher, FetchResult
from corpus.manifest import Manifest, ManifestEntry


@click.command("fetch")
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("corpus/raw"),
    show_default=True,
    help="Directory to download into, relative to the current directory.",
)
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Manifest TOML to read (default: the packaged corpus/manifest.toml).",
)
@click.option("--only", multiple=True, metavar="SYMBOL", help="Fetch only this symbol; repeat for several.")
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Extra attempts after a timeout, lost connection or HTTP 429/5xx.",
)
@click.option("--force", is_flag=True, help="Download again even files whose checksum matches the record.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def fetch_command(
    dest: Path, manifest_path: Path | None, only: tuple[str, ...], retries: int, force: bool, as_json: bool
) -> None:
    """Download the official PDF of every manifest document that has a URL, into DEST.

    Each document gets a progress line on stderr as it is done. Files already on disk with a matching
    checksum are skipped, interrupted downloads resume from where they stopped, and a document that cannot
    be fetched is reported without stopping the others (exit code 1). When the first host to download from
    cannot be reached, the run stops at once with one line (offline?).
    """
    try:
        entries = _select(Manifest.load(manifest_path), only)
        fetcher = Fetcher(dest.resolve(), retries=retries)
        results = fetcher.fetch(entries, progress=_progress_lines(len(entries)), force=force)
    except GmaError as exc:
        raise click.ClickException(str(exc)) from exc

    failed = [r for r in results if not r.ok]
    if as_json:
        click.echo(json.dumps({"fetched": [r.to_json() for r in results], "failed": len(failed)}, indent=2))
    else:
        click.echo(_summary(results, fetcher.dest))
    if failed:
        click.get_current_context().exit(1)


def _select(manifest: Manifest, only: tuple[str, ...]) -> list[ManifestEntry]:
    entries = manifest.downloadable()
    if not only:
        if not entries:
            raise click.ClickException("the manifest lists no document with a symbol and url to fetch")
        return entries
    selected = []
    for symbol in only:
        entry = manifest.by_symbol(symbol)
        if entry is None:
            raise click.BadParameter(f"{symbol} is not in the manifest", param_hint="--only")
        if entry not in entries:
            raise click.BadParameter(f"{symbol} has no url in the manifest", param_hint="--only")
        if entry not in selected:
            selected.append(entry)
    return selected


def _progress_lines(total: int) -> Callable[[FetchResult], None]:
    """One line on stderr as each document is done, `[3/15] A/RES/80/16 ... downloaded 412.0 kB`, so a
    long run shows where it is and a failure is seen when it happens."""
    done = 0

    def report(result: FetchResult) -> None:
        nonlocal done
        done += 1
        click.echo(f"[{done}/{total}] {result.symbol} ... {_outcome(result)}", err=True)

    return report


def _outcome(result: FetchResult) -> str:
    if not result.ok:
        return f"failed: {(result.error or '').removeprefix(f'{result.symbol}: ')}"
    return f"{result.status} {_size(result.bytes)}"


def _summary(results: list[FetchResult], dest: Path) -> str:
    counts = {
        status: sum(r.status == status for r in results) for status in ("downloaded", "resumed", "unchanged")
    }
    counts["failed"] = sum(not r.ok for r in results)
    parts = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    return f"{len(results)} document{'s' if len(results) != 1 else ''}: {parts or 'nothing to do'} in {dest}"


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{n / 1000:.1f} kB"
    return f"{n / 1_000_000:.1f} MB"
