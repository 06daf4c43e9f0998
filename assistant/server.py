"""`gma serve`: the assistant as an HTTP API that answers in the CLI's `--json` shapes.

One `Assistant` per process, loaded at startup and shared by every request. FastAPI runs the endpoints
in a thread pool: searching and answering only read the loaded index, so they run side by side; the two
lazy steps that are not safe to race (loading the model, reopening the index after an ingest) happen at
startup and under a lock.

>>> uvicorn.run(create_app(Settings.from_env()), host="127.0.0.1", port=8000)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.lineage import UnknownReference
from assistant.llm import LlmBackend
from assistant.payloads import documents_payload, search_payload
from assistant.service import Assistant
from core.errors import ChromaServerError, ConfigError, GmaError, IndexNotFoundError, QuestionError
from core.models import DOC_TYPES
from core.settings import ANSWER_PASSAGES, Settings
from index.embedder import TextEmbedder
from index.reader import Filters

log = logging.getLogger(__name__)

# What each domain error means for the caller; any other GmaError is the server's fault (500).
_STATUS_OF_ERROR: tuple[tuple[type[GmaError], int], ...] = (
    (QuestionError, 400),  # an empty or overlong question
    (UnknownReference, 404),  # a citation or document that is not in the index
    (ConfigError, 400),  # at question time: an unusable `llm` backend named in the request
    (IndexNotFoundError, 503),  # nothing ingested yet: retry once `gma ingest` has run
    (ChromaServerError, 503),
)


class _Options(BaseModel):
    """JSON options as the CLI takes them: exact types, no unknown fields (a typo is a 422, not ignored)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class AskOptions(_Options):
    """The options of `gma ask`."""

    question: str = Field(description="At most 2,000 characters once control characters are dropped.")
    k: int = Field(ANSWER_PASSAGES, ge=1, description="Passages the answer reads (and lists as retrieved).")
    llm: str | None = Field(None, description="Generative backend, e.g. ollama:llama3.2; default: extractive.")


class SearchOptions(_Options):
    """The options of `gma search`."""

    query: str
    k: int = Field(5, ge=1, description="How many passages (every exact use with `phrase`).")
    phrase: bool = Field(False, description="Exact wording, every occurrence, first use first.")
    similar: bool = Field(False, description="Near-paraphrases of the query sentence (embeddings).")
    doc_type: Literal[DOC_TYPES] | None = None  # type: ignore[valid-type]
    symbol: str | None = Field(None, description="Only this document, e.g. A/RES/80/16.")
    state: str | None = Field(None, description="Only statements by this State.")
    year_from: int | None = None
    year_to: int | None = None

    @model_validator(mode="after")
    def _one_mode(self) -> SearchOptions:
        if self.phrase and self.similar:
            raise ValueError("choose one of phrase and similar")
        return self

    @property
    def filters(self) -> Filters:
        return Filters(self.doc_type, self.symbol, self.state, self.year_from, self.year_to)


def create_app(settings: Settings, embedder: TextEmbedder | None = None) -> FastAPI:
    """The API over the index named by `settings`; `embedder` defaults to the settings' model (tests pass a fake)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.assistant = _loaded_assistant(settings, embedder)
        app.state.reopen_lock = threading.Lock()
        yield

    app = FastAPI(
        title="Global Mechanism Assistant",
        summary="Search and ask the UN documents on ICT security; every passage cited to its paragraph.",
        lifespan=lifespan,
    )
    app.add_exception_handler(GmaError, _domain_error)  # type: ignore[arg-type]
    app.include_router(routes)
    return app


def app_from_env() -> FastAPI:
    """The app from GMA_* environment variables, for `uvicorn --factory assistant.server:app_from_env`."""
    return create_app(Settings.from_env())


def _loaded_assistant(settings: Settings, embedder: TextEmbedder | None) -> Assistant:
    """Load the model and the index now, so no request pays for it and no two requests race to do it."""
    assistant = Assistant(settings, embedder)
    assistant.embedder.embed_query("warm up")
    try:
        assistant.current_index()
    except GmaError as exc:  # keep serving: /health says why, and the next ingest is picked up by itself
        log.warning("%s", exc)
    return assistant


def _assistant(request: Request) -> Assistant:
    """The process's Assistant, its index reopened first (by one thread at a time) if an ingest replaced it."""
    state = request.app.state
    with state.reopen_lock:
        state.assistant.current_index()
    return state.assistant


async def _domain_error(request: Request, exc: GmaError) -> JSONResponse:
    """A domain error is one sentence in `detail`, never a traceback."""
    status = next((code for kind, code in _STATUS_OF_ERROR if isinstance(exc, kind)), 500)
    return JSONResponse({"detail": str(exc)}, status_code=status)


def _backend_a_request_may_choose(llm: str | None, settings: Settings) -> str | None:
    """A client may pick the model, not the server it runs on: the server would send its OPENAI_API_KEY
    to any URL a request names. The URL of the server's own GMA_LLM is allowed."""
    if llm and llm != settings.llm and LlmBackend.parse(llm).base_url:
        raise ConfigError(
            f"the llm {llm!r} names a server URL, which a request may not do: name only the model "
            "(e.g. ollama:llama3.2) or set GMA_LLM where gma serve runs"
        )
    return llm


SharedAssistant = Annotated[Assistant, Depends(_assistant)]
routes = APIRouter()


@routes.post("/ask")
def ask(options: AskOptions, assistant: SharedAssistant) -> dict[str, Any]:
    """Answer a question from the documents, as `gma ask --json`; every sentence cites its paragraph."""
    llm = _backend_a_request_may_choose(options.llm, assistant.settings)
    return assistant.ask(options.question, options.k, llm=llm).to_json()


@routes.post("/search")
def search(options: SearchOptions, assistant: SharedAssistant) -> dict[str, Any]:
    """Find passages, as `gma search --json`: best first, or with `phrase` every use of the wording."""
    return search_payload(
        assistant, options.query, options.k, options.filters, phrase=options.phrase, similar=options.similar
    )


@routes.get("/documents")
def documents(assistant: SharedAssistant) -> dict[str, Any]:
    """The indexed documents with their passage counts."""
    return documents_payload(assistant.current_index())


@routes.get("/history")
def history(citation: str, assistant: SharedAssistant) -> dict[str, Any]:
    """A paragraph's versions across its series, oldest first, as `gma history --json`; `citation` as
    search prints it, e.g. `A/RES/80/16, para. 4`. 404 when no passage has that citation."""
    return assistant.history(citation).to_dict()


@routes.get("/diff")
def diff(a: str, b: str, assistant: SharedAssistant) -> dict[str, Any]:
    """Document `b`'s paragraphs aligned with document `a`'s (symbols or doc_ids), as `gma diff --json`.
    404 when either is not in the index."""
    return assistant.diff(a, b).to_dict()


@routes.get("/health")
def health(request: Request) -> JSONResponse:
    """Whether an index is loaded, with its generation and passage count; 503 while there is none."""
    try:
        assistant = _assistant(request)
        index = assistant.current_index()
    except GmaError as exc:
        body = {"status": "unavailable", "index_present": False, "passages": 0, "generation": None, "detail": str(exc)}
        return JSONResponse(body, status_code=503)
    return JSONResponse({
        "status": "ok", "index_present": True, "passages": len(index.passages), "documents": len(index.by_document),
        "generation": index.generation.name, "embed_model": assistant.embedder.model_name,
    })
