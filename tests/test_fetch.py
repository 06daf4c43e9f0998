"""The corpus fetcher against a real HTTP server on 127.0.0.1 that misbehaves on request."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus.cli import fetch_command
from corpus.fetch import REACH_TIMEOUT, USER_AGENT, Fetcher, HostUnreachableError, check_reachable
from corpus.manifest import ManifestEntry
from tests.http_server import PdfServer, Route

# A small synthetic PDF: the magic line, a few chunks' worth of filler, the trailer.
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 800 + b"\n%%EOF\n"
OTHER_PDF = b"%PDF-1.7\n% another synthetic document\n%%EOF\n"
SYMBOL = "A/RES/80/16"
ACCESS = "/api/symbol/access?s=A/RES/80/16&l=en&t=pdf"
FILE = "/pdf/A_RES_80_16.pdf"
FAST = {"backoff": 0.001, "timeout": 5.0}


PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests and the reachability check go straight to 127.0.0.1, whatever the machine's proxy."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server():
    srv = PdfServer()
    yield srv
    srv.close()


def entry(url: str, symbol: str = SYMBOL) -> ManifestEntry:
    return ManifestEntry(title=f"Resolution {symbol}", doc_type="resolution", symbol=symbol, url=url)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_download_records_checksum(server: PdfServer, tmp_path: Path) -> None:
    url = server.add(FILE, Route(body=PDF))
    [result] = Fetcher(tmp_path, **FAST).fetch([entry(url)])

    assert result.status == "downloaded", result.error
    assert result.path == tmp_path / "A_RES_80_16.pdf"
    assert result.path.read_bytes() == PDF
    assert (result.bytes, result.sha256, result.error) == (len(PDF), sha(PDF), None)
    assert not (tmp_path / "A_RES_80_16.pdf.part").exists()
    record = json.loads((tmp_path / "checksums.json").read_text())["A_RES_80_16.pdf"]
    assert record["sha256"] == sha(PDF)
    assert record["bytes"] == len(PDF)
    assert record["url"] == url
    assert record["symbol"] == SYMBOL
    assert record["fetched_at"].endswith("+00:00")
    assert server.requests_for(FILE)[0].headers["User-Agent"] == USER_AGENT


def test_follows_the_redirect_of_the_symbol_api(server: PdfServer, tmp_path: Path) -> None:
    server.add(FILE, Route(body=PDF))
    url = server.add(ACCESS, Route(redirect_to=server.url(FILE)))

    [result] = Fetcher(tmp_path, **FAST).fetch([entry(url)])

    assert result.status == "downloaded", result.error
    assert result.sha256 == sha(PDF)
    assert len(server.requests_for(ACCESS)) == 1
    assert len(server.requests_for(FILE)) == 1


def test_retries_after_503_and_succeeds(server: PdfServer, tmp_path: Path) -> None:
    url = server.add(FILE, Route(body=PDF, fail_first=2))

    [result] = Fetcher(tmp_path, retries=3, **FAST).fetch([entry(url)])

    assert result.status == "downloaded", result.error
    assert len(server.requests_for(FILE)) == 3


def test_gives_up_after_the_retries_with_the_last_reason(server: PdfServer, tmp_path: Path) -> None:
    url = server.add(FILE, Route(body=PDF, fail_first=10))

    [result] = Fetcher(tmp_path, retries=2, **FAST).fetch([entry(url)])

    assert result.status == "failed"
    assert result.error == f"{SYMBOL}: 127.0.0.1 answered HTTP 503 Service Unavailable"
    assert len(server.requests_for(FILE)) == 3
    assert not (tmp_path / "A_RES_80_16.pdf").exists()


def test_404_fails_without_retrying(server: PdfServer, tmp_path: Path) -> None:
    url = server.add(FILE, Route(status=404))

    [result] = Fetcher(tmp_path, retries=3, **FAST).fetch([entry(url)])

    assert result.status == "failed"
    assert result.error.startswith(f"{SYMBOL}: 127.0.0.1 answered HTTP 404")
    assert "\n" not in result.error
    assert len(server.requests_for(FILE)) == 1
    assert not (tmp_path / "A_RES_80_16.pdf").exists()


def test_html_instead_of_pdf_fails_and_leaves_no_file(server: PdfServer, tmp_path: Path) -> None:
    page = b"<!DOCTYPE html><html><body>Document not found</body></html>"
    url = server.add(FILE, Route(body=page, content_type="text/html"))

    [result] = Fetcher(tmp_path, **FAST).fetch([entry(url)])

    assert result.status == "failed"
    assert "HTML page instead of a PDF" in result.error
    assert len(server.requests_for(FILE)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_non_pdf_bytes_fail_with_their_start(server: PdfServer, tmp_path: Path) -> None:
    url = server.add(FILE, Route(body=b"PK\x03\x04 a zip archive", content_type="application/octet-stream"))

    [result] = Fetcher(tmp_path, **FAST).fetch([entry(url)])

    assert result.status == "failed"
    assert "not a PDF" in result.error and "PK" in result.error
    assert not list(tmp_path.iterdir())


def test_interrupted_download_resumes_with_a_range_request(server: PdfServer, tmp_path: Path) -> None:
    cut = 70_000
    url = server.add(FILE, Route(body=PDF, cut_after=cut))
    part = tmp_path / "A_RES_80_16.pdf.part"

    [first] = Fetcher(tmp_path, retries=0, **FAST).fetch([entry(url)])

    assert first.status == "failed"
    assert f"broke off after {cut} of {len(PDF)} bytes" in first.error
    assert part.read_bytes() == PDF[:cut]
    assert not (tmp_path / "A_RES_80_16.pdf").exists()

    [second] = Fetcher(tmp_path, retries=0, **FAST).fetch([entry(url)])

    assert second.status == "resumed", second.error
    assert server.requests_for(FILE)[-1].headers["Range"] == f"bytes={cut}-"
    assert second.sha256 == sha(PDF)
    assert (tmp_path / "A_RES_80_16.pdf").read_bytes() == PDF
    assert not part.exists()
    assert json.loads((tmp_path / "checksums.json").read_text())["A_RES_80_16.pdf"]["sha256"] == sha(PDF)


def test_a_cut_is_resumed_within_the_same_run(server: PdfServer, tmp_path: Path) -> None:
    url = server.add(FILE, Route(body=PDF, cut_after=1000))

    [result] = Fetcher(tmp_path, retries=1, **FAST).fetch([entry(url)])

    assert result.status == "resumed", result.error
    assert result.sha256 == sha(PDF)
    assert [r.headers.get("Range") for r in server.requests_for(FILE)] == [None, "bytes=1000-"]


def test_server_ignoring_range_starts_over(server: PdfServer, tmp_path: Path) -> None:
    url = server.add(FILE, Route(body=PDF, ranges=False))
    (tmp_path / "A_RES_80_16.pdf.part").write_bytes(b"%PDF-1.4\nstale partial from elsewhere")

    [result] = Fetcher(tmp_path, **FAST).fetch([entry(url)])

    assert result.status == "downloaded", result.error
    assert result.path.read_bytes() == PDF


def test_partial_the_server_cannot_extend_is_restarted(server: PdfServer, tmp_path: Path) -> None:
    url = server.add(FILE, Route(body=OTHER_PDF))
    (tmp_path / "A_RES_80_16.pdf.part").write_bytes(b"%PDF-" + b"x" * 500)  # longer than the file: 416

    [result] = Fetcher(tmp_path, retries=0, **FAST).fetch([entry(url)])

    assert result.status == "downloaded", result.error
    assert result.path.read_bytes() == OTHER_PDF
    assert [r.headers.get("Range") for r in server.requests_for(FILE)] == ["bytes=505-", None]


def test_unchanged_file_is_skipped_without_a_request(server: PdfServer, tmp_path: Path) -> None:
    url = server.add(FILE, Route(body=PDF))
    fetcher = Fetcher(tmp_path, **FAST)
    fetcher.fetch([entry(url)])
    requests_before = len(server.requests)

    [again] = fetcher.fetch([entry(url)])

    assert again.status == "unchanged"
    assert (again.bytes, again.sha256) == (len(PDF), sha(PDF))
    assert len(server.requests) == requests_before


def test_changed_file_and_force_download_again(server: PdfServer, tmp_path: Path) -> None:
    url = server.add(FILE, Route(body=PDF))
    fetcher = Fetcher(tmp_path, **FAST)
    fetcher.fetch([entry(url)])

    (tmp_path / "A_RES_80_16.pdf").write_bytes(b"%PDF-1.4\ncorrupted on disk")
    assert fetcher.fetch([entry(url)])[0].status == "downloaded"
    assert (tmp_path / "A_RES_80_16.pdf").read_bytes() == PDF

    assert fetcher.fetch([entry(url)], force=True)[0].status == "downloaded"
    assert len(server.requests_for(FILE)) == 3


def test_a_host_lost_after_the_first_download_fails_one_document_and_others_proceed(
    server: PdfServer, tmp_path: Path
) -> None:
    good = server.add(FILE, Route(body=PDF))
    dead = f"http://127.0.0.1:{closed_port()}{FILE}"
    seen = []

    results = Fetcher(tmp_path, retries=1, **FAST).fetch(
        [entry(good), entry(dead, symbol="A/RES/79/237"), entry(server.add("/b.pdf", Route(body=OTHER_PDF)), "A/1")],
        progress=seen.append,
    )

    assert [r.status for r in results] == ["downloaded", "failed", "downloaded"]
    assert results[1].error.startswith("A/RES/79/237: cannot reach 127.0.0.1 (offline?): ")
    assert "refused" in results[1].error.lower()
    assert "\n" not in results[1].error
    assert seen == results


def test_progress_is_reported_as_each_document_is_done(server: PdfServer, tmp_path: Path) -> None:
    urls = [server.add(f"/{n}.pdf", Route(body=PDF)) for n in range(3)]
    requests_when_reported = []

    Fetcher(tmp_path, **FAST).fetch(
        [entry(url, symbol=f"A/{n}") for n, url in enumerate(urls)],
        progress=lambda result: requests_when_reported.append(len(server.requests)),
    )

    assert requests_when_reported == [1, 2, 3]


# --- offline: one check before the first download, one line, within seconds -------------------------------


def test_an_unreachable_first_host_stops_the_run_at_once(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    seen = []

    with pytest.raises(HostUnreachableError, match=r"^cannot reach 127\.0\.0\.1 \(offline\?\): .*refused"):
        Fetcher(tmp_path, retries=3, **FAST).fetch([entry(f"{dead}/a"), entry(f"{dead}/b", "A/1")], progress=seen.append)

    assert seen == []
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def hanging_resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Name resolution that never answers, as on a machine whose DNS server is out of reach."""
    release = threading.Event()
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: release.wait(60) and [])
    yield
    release.set()


def test_a_resolver_that_never_answers_is_given_up_on_in_time(hanging_resolver: None) -> None:
    started = time.monotonic()

    with pytest.raises(HostUnreachableError) as raised:
        check_reachable("https://documents.example/api?s=A/1", timeout=0.3)

    assert time.monotonic() - started < 1.0
    assert str(raised.value) == "cannot reach documents.example (offline?): no answer within 0.3 s"


def test_the_check_goes_to_the_proxy_that_would_carry_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{closed_port()}")

    with pytest.raises(HostUnreachableError, match=r"^cannot reach documents\.example through the proxy 127\.0\.0\.1"):
        check_reachable("https://documents.example/a.pdf")


def test_offline_with_every_file_unchanged_needs_no_network(server: PdfServer, tmp_path: Path) -> None:
    url = server.add(FILE, Route(body=PDF))
    Fetcher(tmp_path, **FAST).fetch([entry(url)])
    server.close()

    [again] = Fetcher(tmp_path, **FAST).fetch([entry(url)])

    assert again.status == "unchanged"


def test_a_server_that_does_not_answer_times_out(server: PdfServer, tmp_path: Path) -> None:
    url = server.add(FILE, Route(body=PDF, delay=1.0))

    [result] = Fetcher(tmp_path, retries=0, timeout=0.2, backoff=0).fetch([entry(url)])

    assert result.error == f"{SYMBOL}: 127.0.0.1 did not answer within 0.2 s"


def test_unreadable_checksum_record_is_a_fetch_error(tmp_path: Path) -> None:
    from core.errors import FetchError

    (tmp_path / "checksums.json").write_text("{not json")
    with pytest.raises(FetchError, match="checksums.json is unreadable"):
        Fetcher(tmp_path).fetch([])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"retries": -1}, "retries is -1"),
        ({"timeout": 0}, "timeout is 0"),
        ({"backoff": -0.5}, "backoff is -0.5"),
        ({"reach_timeout": 0}, "reach_timeout is 0"),
    ],
)
def test_constructor_rejects_bad_values(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Fetcher(tmp_path, **kwargs)


# --- the `fetch` command -------------------------------------------------------------------------------


def write_manifest(path: Path, urls: dict[str, str]) -> Path:
    blocks = [
        f'[[document]]\nsymbol = "{symbol}"\ntitle = "Test {symbol}"\ndoc_type = "resolution"\nurl = "{url}"\n'
        for symbol, url in urls.items()
    ]
    blocks.append('[[document]]\nfile = "local.md"\ntitle = "A local text"\ndoc_type = "resolution"\n')
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def test_cli_json_and_exit_codes(server: PdfServer, tmp_path: Path) -> None:
    server.add(FILE, Route(body=PDF))
    manifest = write_manifest(
        tmp_path / "manifest.toml",
        {
            SYMBOL: server.add(ACCESS, Route(redirect_to=server.url(FILE))),
            "A/RES/1/1": server.url("/missing"),
        },
    )
    dest = tmp_path / "raw"
    runner = CliRunner()

    failing = runner.invoke(fetch_command, ["--manifest", str(manifest), "--dest", str(dest), "--json"])

    assert failing.exit_code == 1, failing.output
    report = json.loads(failing.stdout)
    assert report["failed"] == 1
    assert [(d["symbol"], d["status"]) for d in report["fetched"]] == [
        (SYMBOL, "downloaded"),
        ("A/RES/1/1", "failed"),
    ]
    assert report["fetched"][0] == {
        "symbol": SYMBOL,
        "path": str(dest.resolve() / "A_RES_80_16.pdf"),
        "status": "downloaded",
        "bytes": len(PDF),
        "sha256": sha(PDF),
        "error": None,
    }
    assert failing.stderr.strip().splitlines() == [
        f"[1/2] {SYMBOL} ... downloaded {len(PDF) / 1000:.1f} kB",
        f"[2/2] A/RES/1/1 ... failed: 127.0.0.1 answered HTTP 404 Not Found for {server.url('/missing')}",
    ]
    assert "Traceback" not in failing.output

    only = runner.invoke(
        fetch_command, ["--manifest", str(manifest), "--dest", str(dest), "--only", SYMBOL, "--json"]
    )

    assert only.exit_code == 0, only.output
    assert json.loads(only.stdout) == {
        "fetched": [{**report["fetched"][0], "status": "unchanged"}],
        "failed": 0,
    }


def test_cli_human_output_default_dest_and_force(
    server: PdfServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = write_manifest(tmp_path / "manifest.toml", {SYMBOL: server.add(FILE, Route(body=PDF))})
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    first = runner.invoke(fetch_command, ["--manifest", str(manifest)])

    assert first.exit_code == 0, first.output
    assert (tmp_path / "corpus" / "raw" / "A_RES_80_16.pdf").read_bytes() == PDF
    assert first.stdout.strip().splitlines() == [f"1 document: 1 downloaded in {(tmp_path / 'corpus' / 'raw').resolve()}"]
    assert first.stderr.splitlines() == [f"[1/1] {SYMBOL} ... downloaded {len(PDF) / 1000:.1f} kB"]

    second = runner.invoke(fetch_command, ["--manifest", str(manifest)])
    assert second.stdout.strip().splitlines()[-1].startswith("1 document: 1 unchanged")
    assert second.stderr.splitlines() == [f"[1/1] {SYMBOL} ... unchanged {len(PDF) / 1000:.1f} kB"]

    forced = runner.invoke(fetch_command, ["--manifest", str(manifest), "--force"])
    assert "1 downloaded" in forced.stdout
    assert len(server.requests_for(FILE)) == 2


def run_offline(tmp_path: Path, urls: dict[str, str]) -> tuple[object, float]:
    manifest = write_manifest(tmp_path / "m.toml", urls)
    started = time.monotonic()
    result = CliRunner().invoke(fetch_command, ["--manifest", str(manifest), "--dest", str(tmp_path / "raw"), "--json"])
    return result, time.monotonic() - started


def test_cli_offline_fails_at_once_with_one_line(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    urls = {f"A/RES/80/{n}": f"{dead}/{n}" for n in range(15)}

    result, seconds = run_offline(tmp_path, urls)

    assert result.exit_code == 1 and seconds < 5
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: cannot reach 127.0.0.1 (offline?): ") and "refused" in line.lower()
    assert result.stdout == "" and "Traceback" not in result.output


def test_cli_names_the_host_that_does_not_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(host: str, *args: object, **kwargs: object) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)

    result, seconds = run_offline(tmp_path, {SYMBOL: "https://Documents.Example/api/symbol/access?s=A/RES/80/16"})

    assert result.exit_code == 1 and seconds < 5
    assert result.stderr.strip().splitlines() == [
        "Error: cannot reach documents.example (offline?): [Errno -2] Name or service not known"
    ]


@pytest.mark.slow
def test_cli_gives_up_on_a_silent_resolver_within_five_seconds(tmp_path: Path, hanging_resolver: None) -> None:
    result, seconds = run_offline(tmp_path, {SYMBOL: "https://documents.example/a", "A/1": "https://documents.example/b"})

    assert result.exit_code == 1 and seconds < 5
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot reach documents.example (offline?): no answer within {REACH_TIMEOUT:g} s"
    ]


def test_cli_resumes_a_partial_download_through_the_symbol_api(server: PdfServer, tmp_path: Path) -> None:
    server.add(FILE, Route(body=PDF))
    manifest = write_manifest(tmp_path / "m.toml", {SYMBOL: server.add(ACCESS, Route(redirect_to=server.url(FILE)))})
    dest = tmp_path / "raw"
    dest.mkdir()
    (dest / "A_RES_80_16.pdf.part").write_bytes(PDF[:5000])  # what an interrupted run left

    result = CliRunner().invoke(fetch_command, ["--manifest", str(manifest), "--dest", str(dest), "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["fetched"][0]["status"] == "resumed"
    assert result.stderr.splitlines() == [f"[1/1] {SYMBOL} ... resumed {len(PDF) / 1000:.1f} kB"]
    assert server.requests_for(FILE)[-1].headers["Range"] == "bytes=5000-"  # the Range survives the redirect
    assert (dest / "A_RES_80_16.pdf").read_bytes() == PDF


def test_cli_user_errors_are_one_line(server: PdfServer, tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path / "m.toml", {SYMBOL: server.url(FILE)})
    dest = tmp_path / "raw"
    dest.mkdir()
    (dest / "checksums.json").write_text("[]")
    runner = CliRunner()

    unknown = runner.invoke(fetch_command, ["--manifest", str(manifest), "--only", "A/RES/0/0"])
    assert unknown.exit_code == 2
    assert "A/RES/0/0 is not in the manifest" in unknown.stderr

    corrupt = runner.invoke(fetch_command, ["--manifest", str(manifest), "--dest", str(dest)])
    assert corrupt.exit_code == 1
    assert (
        corrupt.stderr.startswith("Error: ") and "checksums.json is not a checksum record" in corrupt.stderr
    )
    assert corrupt.exception is None or isinstance(corrupt.exception, SystemExit)

    (tmp_path / "bad.toml").write_text('[[document]]\ntitle = "x"\ndoc_type = "novel"\nsymbol = "A/1"\n')
    bad = runner.invoke(fetch_command, ["--manifest", str(tmp_path / "bad.toml")])
    assert bad.exit_code == 1
    assert "doc_type 'novel'" in bad.stderr
    assert server.requests == []
