"""The support check: figures verbatim, content words, and thresholds that the labelled set reproduces."""

from __future__ import annotations

import pytest

from assistant.support import DEFAULT_THRESHOLDS, SupportChecker, content_overlap, figures, missing_figures
from evals.fit_support import DEFAULT_FILE, balanced_accuracy, fit, load

PASSAGE = "Recalling its resolution 91/212 and document X/AC.9/2032/4, the plenary meets for five days in 2091–2092."


def test_figures_are_numbers_dates_symbols_and_number_words() -> None:
    assert figures("In 2091 (see A/RES/91/212), ten groups met twice; 79/243.") == [
        "2091", "A/RES/91/212", "79/243", "ten", "twice"]


@pytest.mark.parametrize(("sentence", "missing"), [
    ("It recalls resolution 91/212 of 2091-2092.", ()),
    ("It recalls resolution 91/213.", ("91/213",)),
    ("It recalls resolution A/RES/91/212.", ("A/RES/91/212",)),
    ("The plenary meets for ten days.", ("ten",)),
    ("Document X/AC.9/2032/4 is recalled, and 2091 too.", ()),
    ("It meets for 9 days.", ("9",)),
])
def test_figures_must_appear_verbatim_in_the_passage(sentence: str, missing: tuple[str, ...]) -> None:
    assert missing_figures(sentence, [PASSAGE]) == missing


def test_content_overlap_is_on_stemmed_words_without_stop_words() -> None:
    assert content_overlap("The plenary is meeting.", [PASSAGE]) == 1.0
    assert content_overlap("The plenary adopts budgets.", [PASSAGE]) == pytest.approx(1 / 3)
    assert content_overlap("It is the one.", [PASSAGE]) == 0.0


@pytest.mark.model
def test_the_thresholds_are_the_ones_the_labelled_set_gives(real_embedder) -> None:  # noqa: ANN001
    rows = load(DEFAULT_FILE)
    checker = SupportChecker(real_embedder)
    measured = [checker.measure(row.sentence, row.cited) for row in rows]
    labels = [row.label for row in rows]
    assert fit(measured, labels) == DEFAULT_THRESHOLDS, "refit: python -m evals.fit_support, then update the defaults"
    assert balanced_accuracy(measured, labels, DEFAULT_THRESHOLDS) >= 0.9
    assert {row.label for row in rows} == {"supported", "unsupported", "partly"}


def test_a_malformed_labelled_line_names_its_line(tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "support.jsonl"
    bad.write_text('{"id": "a", "cited": ["x"], "sentence": "y", "label": "maybe"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="support.jsonl:1: label must be one of"):
        load(bad)
