"""`gma fetch`: download the manifest's official PDFs; registered into the `gma` group by assistant/cli.py."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from corpus.fetch import Fetcher, FetchResult
from corpus.manifest import Manifest, ManifestEntry
from ingest.errors import GmaError


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

    Files already on disk with a matching checksum are skipped, interrupted downloads resume, and a
    document that cannot be fetched is reported on stderr without stopping the others (exit code 1).
    """
    try:
        entries = _select(Manifest.load(manifest_path), only)
        fetcher = Fetcher(dest.resolve(), retries=retries)
        update, close = _progress_bar(len(entries), as_json)
        try:
            results = fetcher.fetch(entries, progress=update, force=force)
        finally:
            close()
    except GmaError as exc:
        raise click.ClickException(str(exc)) from exc

    failed = [r for r in results if not r.ok]
    if as_json:
        click.echo(json.dumps({"fetched": [r.to_json() for r in results], "failed": len(failed)}, indent=2))
    else:
        click.echo(_summary(results, fetcher.dest))
    if failed:
        for result in failed:
            click.echo(result.error, err=True)
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


def _progress_bar(total: int, as_json: bool) -> tuple[Callable[[FetchResult], None], Callable[[], None]]:
    """A tqdm bar on stderr for several documents on a terminal; each finished document gets its line."""
    from tqdm import tqdm

    bar = tqdm(
        total=total, unit="doc", file=sys.stderr, leave=False, disable=total < 2 or not sys.stderr.isatty()
    )

    def update(result: FetchResult) -> None:
        bar.update(1)
        if as_json or not result.ok:  # failures are listed together on stderr at the end
            return
        line = _line(result)
        if bar.disable:
            click.echo(line)
        else:
            bar.write(line, file=sys.stdout)

    return update, bar.close


def _line(result: FetchResult) -> str:
    return f"{result.status:<10}  {result.symbol:<14}  {result.path}  ({_size(result.bytes)})"


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
