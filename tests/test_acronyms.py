"""Acronyms the vocabulary does not know, read off the corpus's title-case names (core/acronyms.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.query import analyse
from core.acronyms import acronyms_in, long_form, name_runs, spells
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder, synthetic_assistant
from tests.samples import write_sample_corpus

TREATY = "Treaty on the Peaceful Exploration of Deep Oceans"


def test_acronyms_in_a_question_leave_symbols_and_numerals_alone() -> None:
    assert acronyms_in("Did the TPEDO or the WXYZs meet under annex IV of A/RES/99/2 and EC-110/DEC.1?") == [
        "TPEDO", "WXYZ",
    ]


def test_name_runs_break_at_punctuation_long_lower_case_words_and_capitals() -> None:
    runs = name_runs(f"NOTING the {TREATY}, which the Assembly of Coastal States welcomed.")
    assert tuple(TREATY.split()) in runs
    assert ("Assembly", "of", "Coastal", "States") in runs
    assert not any("NOTING" in run or "which" in run for run in runs)


@pytest.mark.parametrize(
    ("acronym", "words", "skips", "expected"),
    [
        ("TPEDO", tuple(TREATY.split()), 0, True),
        ("TOPEDO", tuple(TREATY.split()), 0, True),  # a minor word may lend its initial
        ("TPDO", tuple(TREATY.split()), 0, False),  # ... but every capitalised word needs its letter
        ("TPDO", tuple(TREATY.split()), 1, True),  # unless one may go unspelled
        ("PEDO", tuple(TREATY.split()), 1, False),  # never the first
    ],
)
def test_spells_by_initials(acronym: str, words: tuple[str, ...], skips: int, expected: bool) -> None:
    assert spells(acronym, words, skips) is expected


def test_the_dominant_whole_name_is_the_long_form() -> None:
    runs = name_runs(f"the {TREATY}; the {TREATY}; the Trust for the Protection of Endangered Deep Oceans")
    assert long_form("TPEDO", runs) == TREATY
    # a span stopping mid-name ("... Deep" before "Oceans Council") is not a name of its own
    assert long_form("TPED", name_runs(f"the {TREATY} Council")) is None
    # two names used as often as each other: neither is taken
    assert long_form("TPEDO", name_runs(f"the {TREATY} and the Trust for the Protection of Endangered Deep Oceans")) is None
    # a capital standing alone is a numeral or a list letter, not a word of a name
    assert long_form("AI", name_runs("see Annex I and Annex I")) is None


def test_a_question_abbreviating_a_name_of_the_corpus_finds_and_answers_from_it(tmp_path: Path) -> None:
    paragraphs = {
        1: f"Welcomes that the {TREATY} entered into force on 3 March 2091;",
        2: "Decides that stakeholders shall have a voice, not a vote, in the example body;",
        3: "Decides to hold the example review conference in 2099;",
    }
    (tmp_path / "docs").mkdir()
    root = write_sample_corpus(tmp_path / "docs", paragraphs)
    Ingestor(tmp_path / "index", HashEmbedder()).ingest([root])
    assistant = synthetic_assistant(tmp_path / "index")

    answer = assistant.ask("When did the TPEDO enter into force?")
    assert "3 March 2091" in answer.text and "[A/RES/99/1, para. 1]" in answer.text
    query = analyse("When did the TPEDO enter into force?").with_long_forms(assistant.current_index().long_form)
    assert query.long_forms == (("TPEDO", TREATY),)
    assert query.dense == f"When did the TPEDO ({TREATY}) enter into force?"
    # an acronym the corpus has no name for changes nothing and is still a term the answer must hold
    assert analyse("When did the QRSTU enter into force?").with_long_forms(assistant.current_index().long_form).long_forms == ()
    assert assistant.ask("When did the QRSTU enter into force?").abstained


def test_the_uses_of_an_acronym_are_whole_words_singular_or_plural() -> None:
    from core.acronyms import uses_of

    assert uses_of("DTG").findall("two DTGs, one DTG, no DTGX or ADTG") == ["DTGs", "DTG"]
