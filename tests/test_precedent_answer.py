"""Where quoted wording appears: the answer quotes one sentence of each document that holds it, oldest first,
as a delegate searching precedent reads them. Fictional resolutions, indexed with hashed-word vectors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from assistant.answer import CONFIDENCE_SIGNALS
from assistant.linear import LinearModel
from assistant.service import Assistant
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder, synthetic_assistant
from tests.samples import resolution

WORDING = "calm and orderly handover"
# The same wording in a different sentence of each: no two are copies of one paragraph. The newest holds it
# twice and in the sentence most like the question, which a ranking by score alone would put first.
RESOLUTIONS = {
    "A/RES/99/20": (date(2099, 12, 4), f"""
1. Recalls where the wording {WORDING} appears and where it first appeared, and stresses a {WORDING};

2. Requests a further {WORDING} of the example archive;
"""),
    "A/RES/97/20": (date(2097, 12, 2), f"1. Decides to ensure a {WORDING} of the example registry to its successor;"),
    "A/RES/98/20": (date(2098, 12, 3), f"1. Welcomes the {WORDING} of the example registry, completed on time;"),
    "A/RES/96/20": (date(2096, 12, 1), "1. Decides to establish an example registry;"),
}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("docs")
    for symbol, (adopted, body) in RESOLUTIONS.items():
        text = resolution(symbol, f"Example registry {symbol[-5:]}", adopted, "40th plenary meeting", body)
        (root / f"{symbol.replace('/', '_')}.md").write_text(text, encoding="utf-8")
    index_dir: Path = tmp_path_factory.mktemp("index")
    Ingestor(index_dir, HashEmbedder()).ingest([root])
    return synthetic_assistant(index_dir)


@pytest.fixture(scope="module")
def doubtful(assistant: Assistant) -> Assistant:
    """The same index answered with a confidence that doubts every draft."""
    zeros = np.zeros(len(CONFIDENCE_SIGNALS))
    never = LinearModel(CONFIDENCE_SIGNALS, zeros, zeros, np.ones(len(CONFIDENCE_SIGNALS)), intercept=-5.0)
    return synthetic_assistant(assistant.settings.index_dir, confidence=never)


def test_where_wording_appears_is_answered_by_each_document_holding_it_oldest_first(assistant: Assistant) -> None:
    answer = assistant.ask(f'Where does the wording "{WORDING}" appear?')
    assert [s.passages[0].doc.symbol for s in answer.sentences] == ["A/RES/97/20", "A/RES/98/20", "A/RES/99/20"]
    assert all(WORDING in s.text for s in answer.sentences)



def test_where_wording_appears_is_answered_by_the_match_whatever_the_confidence(doubtful: Assistant) -> None:
    answer = doubtful.ask(f'Where does the wording "{WORDING}" appear?')
    assert answer.signals["places"] == 3 and answer.signals["confidence"] < 0.01
    assert [s.passages[0].doc.symbol for s in answer.sentences] == ["A/RES/97/20", "A/RES/98/20", "A/RES/99/20"]
    # wording no document holds is no place found: the confidence decides, and refuses
    assert doubtful.ask('Where does the wording "swift and sudden handover" appear?').abstained
    # nor does quoted wording asked about in another way pass without the confidence
    assert doubtful.ask(f'Why was a "{WORDING}" of the example registry decided?').abstained
