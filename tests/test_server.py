"""`gma serve`: the HTTP API over real HTTP on 127.0.0.1, against the small synthetic corpus."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from assistant.cli import main
from assistant.server import create_app
from core.settings import Settings
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder
from tests.samples import write_sample_corpus

QUESTION = "How many dedicated thematic groups does the mechanism have?"
QUESTIONS = [
    QUESTION,
    "Which States supported a standing body?",
    "Where does the wording a voice, not a vote first appear?",
    "When was resolution 99/2 adopted?",
]


class LiveServer:
    """uvicorn serving `app` in a background thread on a free port of 127.0.0.1."""

    def __init__(self, app: object) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, trust_env=False, timeout=30)  # no proxy between us and it

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_sample_corpus(tmp_path_factory.mktemp("docs"))
    index = tmp_path_factory.mktemp("index")
    report = Ingestor(index, HashEmbedder()).ingest([root])
    assert not report.failed and len(report.added) == 4
    return index


@pytest.fixture(scope="module")
def live(index_dir: Path) -> Iterator[LiveServer]:
    server = LiveServer(create_app(Settings(index_dir=index_dir), HashEmbedder()))
    yield server
    server.stop()


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with live.client() as http:
        yield http


@pytest.fixture
def cli_json(index_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """What `gma ... --json` prints over the same index, with the same fake model as the server."""
    monkeypatch.setattr("assistant.service.Embedder", lambda model: HashEmbedder())

    def run(*args: str) -> dict:
        result = CliRunner().invoke(main, [*args, "--index", str(index_dir), "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return run


def without_timings(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key != "timings_ms"}


# --- the CLI's answers, over HTTP ---------------------------------------------------------------------------


def test_ask_answers_as_the_cli_does(client: httpx.Client, cli_json) -> None:
    response = client.post("/ask", json={"question": QUESTION})

    assert response.status_code == 200
    answer = response.json()
    assert {"question", "answer", "abstained", "citations", "retrieved", "timings_ms"} <= set(answer)
    assert not answer["abstained"] and answer["citations"]
    assert set(answer["timings_ms"]) >= {"retrieve", "answer"}
    assert answer["short_answer"] == "two" and answer["closest"] is None
    assert without_timings(answer) == without_timings(cli_json("ask", QUESTION))


def test_an_abstention_over_http_carries_the_closest_sentence(client: httpx.Client) -> None:
    answer = client.post("/ask", json={"question": "What is the annual budget of the secretariat in euros?"}).json()
    assert answer["abstained"] and answer["answer"] == "" and answer["short_answer"] == ""
    closest = answer["closest"]
    assert closest["sentence"] and closest["citation"]
    assert any(p["text"].find(closest["sentence"]) >= 0 for p in answer["retrieved"]), "a sentence of a passage read"


def test_ask_takes_k(client: httpx.Client, cli_json) -> None:
    answer = client.post("/ask", json={"question": QUESTION, "k": 2}).json()

    assert len(answer["retrieved"]) <= 2
    assert without_timings(answer) == without_timings(cli_json("ask", QUESTION, "--k", "2"))


def test_search_returns_the_cli_json(client: httpx.Client, cli_json) -> None:
    response = client.post("/search", json={"query": "voice not a vote", "k": 3})

    assert response.status_code == 200
    assert response.json() == cli_json("search", "voice not a vote", "--k", "3")
    assert len(response.json()["results"]) == 3


def test_phrase_search_finds_every_use_oldest_first(client: httpx.Client, cli_json) -> None:
    found = client.post("/search", json={"query": "not a vote", "phrase": True}).json()

    assert [r["citation"] for r in found["results"]] == ["A/RES/99/1, para. 1", "A/RES/99/2, para. 1"]
    assert all(r["matches"] for r in found["results"])
    assert found == cli_json("search", "not a vote", "--phrase")


def test_search_filters_and_similar_wording(client: httpx.Client, cli_json) -> None:
    filtered = client.post("/search", json={"query": "example", "doc_type": "resolution", "year_from": 2092}).json()
    assert filtered["results"] and {r["symbol"] for r in filtered["results"]} <= {"A/RES/99/2", "A/RES/99/3"}
    assert filtered == cli_json("search", "example", "--doc-type", "resolution", "--year-from", "2092")

    symbol = client.post("/search", json={"query": "example", "symbol": "A/RES/99/3", "year_to": 2093}).json()
    assert {r["symbol"] for r in symbol["results"]} == {"A/RES/99/3"}

    similar = client.post("/search", json={"query": "stakeholders have a voice", "similar": True, "k": 2}).json()
    assert similar == cli_json("search", "stakeholders have a voice", "--similar", "--k", "2")


def test_documents_lists_each_with_its_passage_count(client: httpx.Client) -> None:
    listing = client.get("/documents").json()
    documents = {d["doc_id"]: d for d in listing["documents"]}
    health = client.get("/health").json()

    assert len(documents) == 4
    resolution = next(d for d in documents.values() if d["symbol"] == "A/RES/99/1")
    cited = client.post("/search", json={"query": "example", "symbol": "A/RES/99/1", "k": 1}).json()["results"][0]
    assert (resolution["title"], resolution["doc_type"]) == (cited["title"], "resolution")
    assert resolution["date"] == "2091-12-01" and resolution["passages"] > 0
    assert resolution["provenance"] == cited["provenance"] and resolution["provenance"]["symbol_confirmed"] is True
    assert sum(d["passages"] for d in documents.values()) == health["passages"]
    assert listing["generation"] == health["generation"]


def test_health_reports_the_index(client: httpx.Client) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    health = response.json()
    assert health["status"] == "ok" and health["index_present"] is True
    assert health["passages"] > 0 and health["documents"] == 4
    assert health["generation"].startswith("gen-")


def test_history_returns_the_cli_json(client: httpx.Client, cli_json) -> None:
    response = client.get("/history", params={"citation": "A/RES/99/2, para. 1"})

    assert response.status_code == 200
    history = response.json()
    assert history["citation"] == "A/RES/99/2, para. 1" and history["versions"]
    assert {"passage", "similarity", "diff"} <= set(history["versions"][0])
    assert history == cli_json("history", "A/RES/99/2, para. 1")


def test_diff_returns_the_cli_json(client: httpx.Client, cli_json) -> None:
    response = client.get("/diff", params={"a": "A/RES/99/1", "b": "A/RES/99/2"})

    assert response.status_code == 200
    diff = response.json()
    assert (diff["a"], diff["b"]) == ("A/RES/99/1", "A/RES/99/2")
    assert {p["status"] for p in diff["paragraphs"]} <= {"unchanged", "changed", "added", "deleted", "moved"}
    assert "unchanged" in {p["status"] for p in diff["paragraphs"]}
    assert diff == cli_json("diff", "A/RES/99/1", "A/RES/99/2")


@pytest.mark.parametrize(
    ("path", "params", "detail"),
    [
        ("/history", {"citation": "A/RES/99/9, para. 1"}, "no passage cited as 'A/RES/99/9, para. 1' in the index"),
        ("/diff", {"a": "A/RES/99/1", "b": "A/RES/1/1"}, "no document 'A/RES/1/1' in the index"),
    ],
)
def test_unknown_references_are_404_with_one_sentence(
    client: httpx.Client, path: str, params: dict, detail: str
) -> None:
    response = client.get(path, params=params)

    assert response.status_code == 404
    assert response.json()["detail"].startswith(detail)


def test_history_and_diff_need_their_parameters(client: httpx.Client) -> None:
    assert client.get("/history").status_code == 422
    assert client.get("/diff", params={"a": "A/RES/99/1"}).status_code == 422


def test_openapi_description_is_served(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/ask", "/search", "/documents", "/history", "/diff", "/health"} <= set(paths)


# --- the CLI's limits and errors, as one sentence -----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("", "the question is empty: ask about the documents, e.g. What are the two DTGs?"),
        (" \n\t\x00 ", "the question is empty: ask about the documents, e.g. What are the two DTGs?"),
        ("x" * 2001, "the question is 2,001 characters long; the limit is 2,000: ask about one thing at a time"),
    ],
)
def test_refused_questions_get_400_and_one_sentence(client: httpx.Client, question: str, detail: str) -> None:
    for path, field in (("/ask", "question"), ("/search", "query")):
        response = client.post(path, json={field: question})
        assert response.status_code == 400
        assert response.json() == {"detail": detail}


def test_a_question_at_the_limit_is_answered(client: httpx.Client) -> None:
    question = (QUESTION + " ") * (2000 // (len(QUESTION) + 1))
    assert client.post("/ask", json={"question": question.strip() + "x" * (2000 - len(question.strip()))}).status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/ask", {"question": QUESTION, "k": "five"}, "k"),
        ("/ask", {"question": QUESTION, "k": 0}, "k"),
        ("/ask", {"question": 42}, "question"),
        ("/ask", {}, "question"),
        ("/ask", {"question": QUESTION, "top_k": 3}, "top_k"),
        ("/search", {"query": "vote", "phrase": "yes"}, "phrase"),
        ("/search", {"query": "vote", "doc_type": "novel"}, "doc_type"),
        ("/search", {"query": "vote", "year_from": "2091"}, "year_from"),
    ],
)
def test_wrong_fields_get_fastapis_422(client: httpx.Client, path: str, body: dict, field: str) -> None:
    response = client.post(path, json=body)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][-1] == field and error["msg"]


def test_phrase_and_similar_together_are_refused(client: httpx.Client) -> None:
    response = client.post("/search", json={"query": "vote", "phrase": True, "similar": True})

    assert response.status_code == 422
    assert "choose one of phrase and similar" in response.json()["detail"][0]["msg"]


def test_a_body_that_is_not_json_gets_422(client: httpx.Client) -> None:
    response = client.post("/ask", content=b"question=hello", headers={"Content-Type": "application/json"})

    assert response.status_code == 422


@pytest.mark.parametrize(
    ("llm", "detail"),
    [
        ("gpt", "unknown LLM backend 'gpt'"),
        ("openai:gpt-4o@http://127.0.0.1:9/v1", "names a server URL, which a request may not do"),
    ],
)
def test_unusable_llm_backends_are_400_with_one_sentence(client: httpx.Client, llm: str, detail: str) -> None:
    response = client.post("/ask", json={"question": QUESTION, "llm": llm})

    assert response.status_code == 400
    assert detail in response.json()["detail"] and "\n" not in response.json()["detail"]


def test_without_an_index_health_is_503_and_questions_get_one_sentence(tmp_path: Path) -> None:
    empty = tmp_path / "no-index"
    server = LiveServer(create_app(Settings(index_dir=empty), HashEmbedder()))
    try:
        with server.client() as http:
            health = http.get("/health")
            ask = http.post("/ask", json={"question": QUESTION})
    finally:
        server.stop()

    assert health.status_code == 503
    assert health.json()["index_present"] is False and health.json()["passages"] == 0
    assert ask.status_code == 503
    assert ask.json() == {"detail": f"no index at {empty}: run `gma ingest PATH` first, or point --index / GMA_HOME at an existing one"}


# --- one Assistant, many clients ----------------------------------------------------------------------------


def test_eight_concurrent_clients_all_get_well_formed_answers(live: LiveServer) -> None:
    def ask(question: str) -> tuple[int, dict]:
        with live.client() as http:
            response = http.post("/ask", json={"question": question})
            return response.status_code, response.json()

    sequential = [without_timings(ask(q)[1]) for q in QUESTIONS]
    start = threading.Barrier(8)

    def ask_together(question: str) -> tuple[int, dict]:
        start.wait(timeout=10)
        return ask(question)

    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(ask_together, QUESTIONS * 2))

    assert [status for status, _ in concurrent] == [200] * 8
    assert [without_timings(answer) for _, answer in concurrent] == sequential * 2
    assert sum(not answer["abstained"] for answer in sequential) >= 3


# --- the command ----------------------------------------------------------------------------------------------


def test_serve_binds_loopback_port_8000_by_default(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr("index.embedder.Embedder", lambda model: HashEmbedder())
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))

    result = CliRunner().invoke(main, ["serve", "--index", str(index_dir)])

    assert result.exit_code == 0, result.output
    [(app, options)] = calls
    assert options == {"host": "127.0.0.1", "port": 8000}
    assert f"Serving {index_dir.resolve()} on http://127.0.0.1:8000" in result.stderr
    assert {"/ask", "/search", "/health"} <= set(app.openapi()["paths"])


@pytest.mark.slow
def test_serve_reports_a_missing_model_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GMA_EMBED_MODEL", "no-such-model")

    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path)])

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: embedding model 'no-such-model' is not a local folder; set GMA_EMBED_MODEL to one"
    ]
