"""The app in a real browser: `streamlit run ui/app.py` over the shared corpus, driven by headless Chromium.

Needs the Debian packages `chromium` and `chromium-driver` (/usr/bin/chromium, /usr/bin/chromedriver) and
../shared/corpus; skips without them. The server and browser come from ui/screenshot.py, the program
behind `make screenshot`; screenshots here go only under the test's temporary folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ui.screenshot import (
    ANSWER_SECONDS,
    CHROMEDRIVER,
    CHROMIUM,
    MARKER,
    STARTUP_SECONDS,
    ask,
    chromium,
    open_chip,
    serve,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="session")
def browser_binaries() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def app_url(browser_binaries: None, corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served on a free loopback port over the shared corpus' index (built with the real model)."""
    with serve(corpus_index, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture
def browser(browser_binaries: None, tmp_path: Path) -> Iterator[object]:
    with chromium(tmp_path / "chromium-profile") as driver:
        yield driver


def test_ask_in_a_real_browser_numbers_citations_like_their_chips(app_url: str, browser, tmp_path: Path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    text, chips = ask(browser, app_url)
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stAppDeployButton']"), "no Deploy button"
    assert not [b for b in browser.find_elements(By.TAG_NAME, "button") if b.text.strip() == "Deploy"]
    labels = [chip.text.strip().splitlines()[-1] for chip in chips]  # after the expander's arrow icon
    assert [re.match(r"\[(\d+)\] ", label).group(1) for label in labels] == [str(n) for n in range(1, len(chips) + 1)]
    assert len(set(label.split(" ", 1)[1] for label in labels)) == len(labels), "no two chips share a label"
    assert {int(n) for n in MARKER.findall(text)} == set(range(1, len(chips) + 1)), "each marker has its chip"
    assert "[1] UNIDIR chapter, section 2.4" in labels[0]
    open_chip(browser, chips[0])  # the paragraph with the supporting sentence highlighted
    assert browser.find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] mark"), "supporting sentence marked"
    assert browser.save_screenshot(str(tmp_path / "ask.png"))


def test_lineage_diff_in_a_real_browser_colours_the_changes(app_url: str, browser) -> None:  # noqa: ANN001
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{app_url}/lineage")
    tab = WebDriverWait(browser, STARTUP_SECONDS).until(
        ready.element_to_be_clickable((By.XPATH, "//*[@role='tab'][contains(., 'Document diff')]"))
    )
    tab.click()

    def choose(label: str, symbol: str) -> None:
        """Type the symbol into the labelled selectbox, so that it filters to that document, and take it."""
        selector = f"input[aria-label='{label}']"
        box = WebDriverWait(browser, 10).until(ready.element_to_be_clickable((By.CSS_SELECTOR, selector)))
        box.click()
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(f"{symbol} ·")
        WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.CSS_SELECTOR, "[role='option']")))
        box.send_keys(Keys.ENTER)
        # The page reruns on the choice and draws the box anew: read the new one.
        WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda driver: driver.find_element(By.CSS_SELECTOR, selector).get_attribute("value").startswith(
                f"{symbol} ·")
        )

    choose("Document A (earlier)", "A/RES/77/36")
    choose("Document B (later)", "A/RES/78/237")

    def coloured(driver) -> list | None:  # noqa: ANN001
        """The inserted and deleted words on screen, once the two documents' diff has replaced the previous
        run's: the agenda paragraph's new session ("seventy-ninth") is among the insertions."""
        shown = [[span for span in driver.find_elements(By.CSS_SELECTOR, f"span.gma-{op}") if span.is_displayed()]
                 for op in ("insert", "delete")]
        new_session = any("seventy-ninth" in span.text for span in shown[0])
        return shown if new_session and shown[1] else None

    inserted, deleted = WebDriverWait(
        browser, ANSWER_SECONDS, ignored_exceptions=(StaleElementReferenceException,)).until(coloured)
    assert "A/RES/77/36 → A/RES/78/237" in browser.page_source
    assert "line-through" in deleted[0].value_of_css_property("text-decoration")
    assert inserted[0].value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
