"""The `gma` command line, driven through click's runner and, once, as a real subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.answer import ABSTAIN_MESSAGE
from assistant.cli import EXIT_PARTIAL, main
from index.store import IndexStore

RESOLUTION = """---
symbol: A/RES/99/{n}
title: Example resolution {n}
date: "2099-01-0{d}"
---

General Assembly A/RES/99/{n}

The General Assembly,

Recalling its work on example matter number {n},

1. Decides that the example body number {n} shall meet {n} times a year;
2. Requests the example secretariat to support body number {n};
"""


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    for n in range(1, 4):
        (root / f"r{n}.md").write_text(RESOLUTION.format(n=n, d=n), encoding="utf-8")
    (root / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    return root


@pytest.mark.model
def test_ingest_json_shape_and_rerun(docs: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", str(docs), "--index", str(index), "--json"])
    assert first.exit_code == EXIT_PARTIAL == 3, "one file failed, the others were indexed"
    result = json.loads(first.stdout)
    assert result["added"] == 3 and result["updated"] == 0 and result["unchanged"] == 0
    assert result["passages"] == 12
    assert result["failed"] == [{"path": str((docs / "broken.txt").resolve()), "error": "binary data, not text (is the extension right?)"}]
    again = json.loads(runner.invoke(main, ["ingest", str(docs), "--index", str(index), "--json"]).stdout)
    assert (again["added"], again["unchanged"], again["passages"]) == (0, 3, 0)
    (docs / "broken.txt").unlink()
    assert runner.invoke(main, ["ingest", str(docs), "--index", str(index)]).exit_code == 0, "all indexed"


def test_only_failures_exit_non_zero_with_one_line_each(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"")
    result = CliRunner().invoke(main, ["ingest", str(bad), str(tmp_path / "nope.md"), "--index", str(tmp_path / "i")])
    assert result.exit_code == 1
    lines = sorted(line for line in result.stderr.splitlines() if line.startswith("failed:"))
    assert len(lines) == 2
    assert f"failed: {bad}: empty file" in lines and f"failed: {tmp_path / 'nope.md'}: no such file or directory" in lines
    assert "Traceback" not in result.output


def test_remove_unknown_document_fails_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["remove", "A/RES/1/1", "--index", str(tmp_path / "i"), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["failed"][0]["error"].startswith("not in the index")


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "remove", "fetch"):
        assert command in result.output


@pytest.mark.model
@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_the_previous_index_answering(docs: Path, tmp_path: Path) -> None:
    """A real `gma ingest` process killed while it writes a new generation: the old one stays live."""
    index = tmp_path / "idx"
    gma = [sys.executable, "-m", "assistant"]
    env = {**os.environ, "GMA_HOME": str(index)}
    (docs / "broken.txt").unlink()  # every file indexed: exit 0
    subprocess.run([*gma, "ingest", str(docs)], env=env, check=True, capture_output=True)
    store = IndexStore(index)
    live = store.require_current()
    before = [(p.passage_id, p.text) for p in store.passages()]
    for n in range(200):  # enough new text that embedding takes a while
        (docs / f"extra{n}.md").write_text(RESOLUTION.format(n=100 + n, d=1) * 3, encoding="utf-8")
    proc = subprocess.Popen([*gma, "ingest", str(docs)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(index.glob("gen-*"))) < 2:
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed"
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert store.require_current() == live
    assert [(p.passage_id, p.text) for p in store.passages()] == before
    report = subprocess.run([*gma, "ingest", str(docs), "--json"], env=env, check=True, capture_output=True, text=True)
    assert json.loads(report.stdout)["added"] == 200


def test_ask_prints_the_short_answer_first_and_on_abstaining_the_closest_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest.pipeline import Ingestor
    from tests.fakes import HashEmbedder
    from tests.samples import write_sample_corpus

    (tmp_path / "docs").mkdir()
    index = tmp_path / "idx"
    Ingestor(index, HashEmbedder()).ingest([write_sample_corpus(tmp_path / "docs")])
    monkeypatch.setattr("assistant.service.Embedder", lambda *a, **k: HashEmbedder())
    runner = CliRunner()

    answered = runner.invoke(main, ["ask", "How many dedicated thematic groups does the mechanism have?", "--index", str(index)])
    assert answered.exit_code == 0, answered.output
    lines = answered.stdout.splitlines()
    assert lines[0] == "Answer: two"
    assert lines[1].startswith("The mechanism has two dedicated thematic groups") and "[Example analysis, section 1]" in lines[1]

    abstained = runner.invoke(main, ["ask", "What is the annual budget of the secretariat in euros?", "--index", str(index)])
    assert abstained.exit_code == 0, abstained.output
    lines = abstained.stdout.splitlines()
    assert lines[0] == ABSTAIN_MESSAGE
    closest = json.loads(runner.invoke(main, ["ask", "What is the annual budget of the secretariat in euros?",
                                              "--index", str(index), "--json"]).stdout)["closest"]
    assert lines[1] == f"Closest sentence (not an answer): {closest['sentence']} [{closest['citation']}]"
    assert "Closest passages:" in lines and not any(line.startswith("Answer:") for line in lines)


@pytest.mark.model
def test_similar_search_says_why_it_returns_fewer_than_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.pipeline import Ingestor
    from tests.fakes import HashEmbedder
    from tests.samples import write_sample_corpus

    (tmp_path / "docs").mkdir()
    index = tmp_path / "idx"
    Ingestor(index, HashEmbedder()).ingest([write_sample_corpus(tmp_path / "docs")])
    monkeypatch.setattr("assistant.service.Embedder", lambda *a, **k: HashEmbedder())
    runner = CliRunner()
    arguments = ["search", "Requests the example secretariat to report back", "--similar", "--k", "200", "--index", str(index)]

    shown = runner.invoke(main, arguments)
    assert shown.exit_code == 0, shown.output
    found = len([line for line in shown.stdout.splitlines() if line.startswith("[")])
    assert 0 < found < 200
    assert f"note: Only {found} of the 200 asked for reach the similarity floor of 0.50." in shown.stderr
    payload = json.loads(runner.invoke(main, [*arguments, "--json"]).stdout)
    assert payload["notice"] == f"Only {len(payload['results'])} of the 200 asked for reach the similarity floor of 0.50."
    enough = json.loads(runner.invoke(main, [*arguments[:4], "1", *arguments[5:], "--json"]).stdout)
    assert len(enough["results"]) == 1 and enough["notice"] == ""


def test_the_shortfall_of_a_similar_search_names_the_floor_and_the_filters() -> None:
    from assistant.phrase import similar_shortfall

    assert similar_shortfall(10, 10, filtered=False) == ""
    assert similar_shortfall(3, 10, filtered=True) == (
        "Only 3 of the 10 asked for reach the similarity floor of 0.50 under these filters.")
    assert similar_shortfall(0, 10, filtered=False) == "No passage is close enough in meaning (similarity 0.50 or more)."
