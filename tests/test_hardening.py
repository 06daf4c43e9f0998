"""Hostile input that once got through: each test reproduces a finding of the hardening issue (15)."""

from __future__ import annotations

import pytest

from assistant.query import analyse, clean_question

PLAIN = "Who chairs the Global Mechanism?"


@pytest.mark.parametrize(
    "pasted",
    [
        "\x1b]0;PWNED\x07Who chairs the Global Mechanism?",  # OSC: a window-title change, BEL-terminated
        "Who chairs\x1b]2;PWNED\x1b\\ the Global Mechanism?",  # OSC ended by ST
        "Who chairs the \x9d0;PWNED\x9cGlobal Mechanism?",  # the 8-bit OSC and ST
        "\x1b[1;31mWho chairs\x1b[0m the Global Mechanism?",  # colours
        "Who chairs the Global\x1bc Mechanism?",  # a two-character escape (full reset)
    ],
)
def test_terminal_escape_sequences_leave_nothing_behind(pasted: str) -> None:
    assert clean_question(pasted) == PLAIN


@pytest.mark.parametrize(
    "hidden",
    [
        "Who chairs the \u202eGlobal Mechanism\u202c?",  # right-to-left override and its pop
        "Who chairs the \u2066Global\u2069 Mechanism?",  # isolates
        "Who chairs the Glo\u200bbal Mech\u200danism?\ufeff",  # zero-width space, joiner, BOM
        "Who chairs the Global\u2060 Mechanism?\u200e",  # word joiner, left-to-right mark
    ],
)
def test_bidi_and_zero_width_characters_are_removed_before_analysis(hidden: str) -> None:
    cleaned = clean_question(hidden)
    assert cleaned == PLAIN
    assert analyse(cleaned).expanded == analyse(PLAIN).expanded


def test_compatibility_forms_read_as_plain_letters() -> None:
    assert clean_question("Ｗｈｏ chairs the ﬁnal ＤＴＧ？") == "Who chairs the final DTG?"
