"""Download the manifest's official PDFs: retried, resumable, checked to be PDFs, recorded by checksum."""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import os
import re
import socket
import ssl
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from core.errors import FetchError
from corpus.manifest import ManifestEntry

log = logging.getLogger(__name__)

USER_AGENT = "gm-assistant/0.1 (+fetch)"
CHECKSUMS_FILE = "checksums.json"
PDF_MAGIC = b"%PDF-"
CHUNK_SIZE = 64 * 1024
# A server's Retry-After is honoured, but never allowed to stall a run for more than this many seconds.
MAX_RETRY_AFTER = 60.0
# How long the one check before a run's first download may take, name resolution included: an offline
# machine is told at once, not after every document has used up its retries.
REACH_TIMEOUT = 4.0

Status = Literal["downloaded", "resumed", "unchanged", "failed"]
ProgressCallback = Callable[["FetchResult"], None]  # called once per entry, when it is done


@dataclass(frozen=True)
class FetchResult:
    """What happened to one manifest entry; `to_json` is one item of `gma fetch --json`."""

    symbol: str
    path: Path
    status: Status
    bytes: int = 0
    sha256: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def to_json(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "path": str(self.path),
            "status": self.status,
            "bytes": self.bytes,
            "sha256": self.sha256,
            "error": self.error,
        }


class HostUnreachableError(FetchError):
    """The first host of a run cannot be reached: every other document would fail the same way, slowly."""


class _Retryable(Exception):
    """A failure another attempt may cure; `reason` is what the user sees once the attempts run out."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class Fetcher:
    """Downloads manifest entries into one directory and records what it got in `checksums.json`.

    A file whose checksum still matches its record costs no network call; an interrupted download is
    resumed from its `.part` file; a failure of one document never stops the others.

    >>> results = Fetcher(Path("corpus/raw")).fetch(Manifest.load().downloadable())  # doctest: +SKIP
    >>> [r.error for r in results if not r.ok]  # doctest: +SKIP
    []
    """

    def __init__(
        self,
        dest: Path,
        retries: int = 3,
        timeout: float = 30.0,
        backoff: float = 1.0,
        reach_timeout: float = REACH_TIMEOUT,
    ) -> None:
        if retries < 0:
            raise ValueError(f"retries must be 0 or more. Currently, retries is {retries}")
        if timeout <= 0:
            raise ValueError(f"timeout must be greater than 0. Currently, timeout is {timeout}")
        if backoff < 0:
            raise ValueError(f"backoff must be 0 or more. Currently, backoff is {backoff}")
        if reach_timeout <= 0:
            raise ValueError(f"reach_timeout must be greater than 0. Currently, reach_timeout is {reach_timeout}")
        self.dest = Path(dest)
        self.retries = retries
        self.timeout = timeout
        self.backoff = backoff
        self.reach_timeout = reach_timeout
        self._opener = urllib.request.build_opener()  # follows redirects; Range survives them
        self._opener.addheaders = [("User-Agent", USER_AGENT)]

    @property
    def checksums_path(self) -> Path:
        return self.dest / CHECKSUMS_FILE

    def fetch(
        self,
        entries: Iterable[ManifestEntry],
        progress: ProgressCallback | None = None,
        *,
        force: bool = False,
    ) -> list[FetchResult]:
        """Fetch every entry and return one result per entry, in order; `force` ignores the checksums.

        Raises FetchError only when the run cannot work at all: the destination is unusable, or the host
        of the first document to download cannot be reached (HostUnreachableError, within
        `reach_timeout` seconds). Per-document failures are results with status "failed" and a one-line
        `error`.
        """
        try:
            self.dest.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FetchError(f"cannot create the download directory {self.dest}: {exc}") from exc
        records = self._load_records()
        reached = False

        def before_download(url: str) -> None:
            nonlocal reached
            if not reached:  # once a host answered, a failure is one document's, not the whole run's
                check_reachable(url, self.reach_timeout)
                reached = True

        results = []
        for entry in entries:
            result = self._fetch_one(entry, records, force, before_download)
            results.append(result)
            if progress is not None:
                progress(result)
        return results

    def _fetch_one(
        self,
        entry: ManifestEntry,
        records: dict[str, dict[str, Any]],
        force: bool,
        before_download: Callable[[str], None],
    ) -> FetchResult:
        symbol = entry.symbol or entry.title
        if not entry.symbol or not entry.url:
            error = f"{symbol}: the manifest gives no symbol and url to download it by"
            return FetchResult(symbol, self.dest, "failed", error=error)
        final = self.dest / entry.download_name
        part = final.with_name(final.name + ".part")
        try:
            record = records.get(final.name)
            if not force and record and record.get("url") == entry.url and final.is_file():
                digest, size = _sha256(final)
                if digest == record.get("sha256"):
                    return FetchResult(symbol, final, "unchanged", size, digest)
            if force:
                part.unlink(missing_ok=True)
            before_download(entry.url)
            resumed = self._download(entry.url, part)
            digest, size = _complete(part, final)
            records[final.name] = {
                "symbol": entry.symbol,
                "url": entry.url,
                "sha256": digest,
                "bytes": size,
                "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            _write_atomic(self.checksums_path, json.dumps(records, indent=2, sort_keys=True).encode() + b"\n")
        except HostUnreachableError:
            raise
        except FetchError as exc:
            return FetchResult(symbol, final, "failed", error=f"{symbol}: {exc}")
        except OSError as exc:  # network errors are converted before this point: this is the local disk
            return FetchResult(
                symbol, final, "failed", error=f"{symbol}: cannot write under {self.dest}: {exc}"
            )
        return FetchResult(symbol, final, "resumed" if resumed else "downloaded", size, digest)

    def _load_records(self) -> dict[str, dict[str, Any]]:
        path = self.checksums_path
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FetchError(f"{path} is unreadable ({exc}); delete it and fetch again") from exc
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise FetchError(f"{path} is not a checksum record; delete it and fetch again")
        return data

    def _download(self, url: str, part: Path) -> bool:
        """Bring `part` to the complete file, retrying transient failures; True if it resumed a partial."""
        for attempt in range(self.retries + 1):
            try:
                return self._attempt(url, part)
            except _Retryable as exc:
                if attempt == self.retries:
                    raise FetchError(exc.reason) from exc
                delay = self.backoff * 2**attempt
                if exc.retry_after is not None:
                    delay = max(delay, min(exc.retry_after, MAX_RETRY_AFTER))
                log.info("%s: %s; retrying in %.1f s", url, exc.reason, delay)
                time.sleep(delay)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _attempt(self, url: str, part: Path) -> bool:
        host = urlsplit(url).hostname or url
        offset = part.stat().st_size if part.exists() else 0
        response = self._open(url, offset, host)
        if response is None:  # the server cannot resume this partial (416): start over at once
            part.unlink()
            return self._attempt(url, part)
        with response:
            start = _resume_start(response, offset)
            if start is not None:
                _stream(response, part, start, host)
                return start > 0
        if not offset:
            raise FetchError(f"{host} sent part of the file when asked for all of it")
        part.unlink()  # a 206 for a range we did not ask for: the partial cannot be trusted
        return self._attempt(url, part)

    def _open(self, url: str, offset: int, host: str) -> http.client.HTTPResponse | None:
        request = urllib.request.Request(url, headers={"Accept": "application/pdf"})
        if offset:
            request.add_header("Range", f"bytes={offset}-")
        try:
            return self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 416 and offset:
                return None
            reason = f"{host} answered HTTP {exc.code} {exc.reason}"
            if exc.code in (408, 429) or 500 <= exc.code < 600:
                raise _Retryable(reason, _retry_after(exc.headers)) from exc
            raise FetchError(f"{reason} for {url}") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ssl.SSLCertVerificationError):
                raise FetchError(f"cannot verify the TLS certificate of {host}: {exc.reason}") from exc
            raise _Retryable(_network_reason(host, exc.reason, self.timeout)) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise _Retryable(_network_reason(host, exc, self.timeout)) from exc


def check_reachable(url: str, timeout: float = REACH_TIMEOUT) -> None:
    """Raise HostUnreachableError unless a connection to the URL's host (or to the proxy that would carry
    the request) opens within `timeout` seconds, name resolution included."""
    parts = urlsplit(url)
    host = parts.hostname or url
    target, port = _first_hop(parts.scheme, host, parts.port or (443 if parts.scheme == "https" else 80))
    via = f" through the proxy {target}" if target != host else ""
    deadline = time.monotonic() + timeout
    try:
        addresses = _resolve_within(target, port, timeout)
        _connect_any(addresses, deadline)
    except TimeoutError as exc:
        raise HostUnreachableError(f"cannot reach {host}{via} (offline?): no answer within {timeout:g} s") from exc
    except OSError as exc:
        raise HostUnreachableError(f"cannot reach {host}{via} (offline?): {exc}") from exc


def _first_hop(scheme: str, host: str, port: int) -> tuple[str, int]:
    """Where a request to `host` first connects: the proxy urllib would use for it, else the host itself."""
    proxy = urllib.request.getproxies().get(scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return host, port
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    return parts.hostname or host, parts.port or 80


def _resolve_within(host: str, port: int, timeout: float) -> list[tuple[Any, ...]]:
    """getaddrinfo, which has no timeout of its own, given at most `timeout` seconds in a daemon thread."""
    outcome: list[list[tuple[Any, ...]] | OSError] = []

    def resolve() -> None:
        try:
            outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=resolve, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(timeout)
    if not outcome:
        raise TimeoutError(f"resolving {host} took longer than {timeout:g} s")
    if isinstance(outcome[0], OSError):
        raise outcome[0]
    return outcome[0]


def _connect_any(addresses: list[tuple[Any, ...]], deadline: float) -> None:
    """Open (and close) a TCP connection to the first of `addresses` that accepts one before `deadline`."""
    error: OSError = OSError("the name resolved to no address")
    for family, kind, proto, _, address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no answer before the deadline")
        with socket.socket(family, kind, proto) as sock:
            sock.settimeout(remaining)
            try:
                sock.connect(address)
                return
            except OSError as exc:
                error = exc
    raise error


def _resume_start(response: http.client.HTTPResponse, offset: int) -> int | None:
    """Where this response's body goes in the file: 0 for a whole file, `offset` for a matching 206."""
    if response.status != 206:
        return 0
    match = re.fullmatch(r"bytes (\d+)-\d+/(?:\d+|\*)", (response.headers.get("Content-Range") or "").strip())
    return offset if match and int(match.group(1)) == offset else None


def _stream(response: http.client.HTTPResponse, part: Path, start: int, host: str) -> None:
    """Write the body to `part` at `start`, failing early on a body that is plainly not a PDF."""
    length = response.headers.get("Content-Length")
    expected = start + int(length) if length and length.isdigit() else None
    content_type = response.headers.get("Content-Type", "")
    with open(part, "ab" if start else "wb") as out:
        first = True
        while True:
            try:
                chunk = response.read(CHUNK_SIZE)
            except (OSError, http.client.HTTPException) as exc:
                raise _Retryable(f"connection to {host} broke off after {out.tell()} bytes: {exc}") from exc
            if not chunk:
                break
            if first and not start and chunk[: len(PDF_MAGIC)] != PDF_MAGIC[: len(chunk)]:
                out.close()
                part.unlink()
                raise FetchError(_not_pdf(chunk, content_type))
            first = False
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
        received = out.tell()
    if expected is not None and received < expected:  # http.client returns a short body without complaint
        raise _Retryable(f"connection to {host} broke off after {received} of {expected} bytes")


def _complete(part: Path, final: Path) -> tuple[str, int]:
    """Check the finished `part` is a PDF, then move it into place atomically; returns (sha256, size)."""
    with open(part, "rb") as f:
        head = f.read(512)
    if not head.startswith(PDF_MAGIC):
        part.unlink()
        raise FetchError(_not_pdf(head, ""))
    digest, size = _sha256(part)
    os.replace(part, final)
    _fsync_dir(final.parent)
    return digest, size


def _not_pdf(head: bytes, content_type: str) -> str:
    lowered = head.lstrip().lower()
    if "html" in content_type.lower() or lowered.startswith(
        (b"<!doctype html", b"<html", b"<?xml", b"<head")
    ):
        return "the server sent an HTML page instead of a PDF (the document may not exist in this language)"
    return f"the server sent something that is not a PDF (it starts with {head[:16]!r})"


def _network_reason(host: str, error: object, timeout: float) -> str:
    if isinstance(error, TimeoutError):
        return f"{host} did not answer within {timeout:g} s"
    if isinstance(error, ConnectionResetError | http.client.HTTPException):
        return f"connection to {host} broke off: {error}"
    return f"cannot reach {host} (offline?): {error}"


def _retry_after(headers: Message | None) -> float | None:
    value = headers.get("Retry-After", "") if headers is not None else ""
    return float(value) if value.strip().isdigit() else None


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _write_atomic(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never half of either."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    """Make a rename durable; a no-op where directories cannot be opened (Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
