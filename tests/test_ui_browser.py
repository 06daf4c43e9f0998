"""The app in a real browser: `streamlit run ui/app.py` over the shared corpus, driven by headless Chromium.

Needs the Debian packages `chromium` and `chromium-driver` (/usr/bin/chromium, /usr/bin/chromedriver) and
../shared/corpus; skips without them. The server and browser come from ui/screenshot.py, the program
behind `make screenshot`; screenshots here go only under the test's temporary folder.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.http_server import PdfServer
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
    assert any("UNIDIR chapter, section 2.4" in label for label in labels), "the list of the two groups is cited"
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


# A planted web page whose title and text try every way Markdown and HTML have of making the reader's
# browser fetch something: images, links, raw HTML, a bare URL. {base} is the local listener's address. The
# markup is in the page's text (entities), as an article quoting code would hold it: the HTML reader keeps
# it, character for character, where the Markdown reader would drop real markup.
HOSTILE = """<html><head><title>Beacon notes ![t]({base}/title.png) &lt;img src={base}/title-img.png&gt;</title>
</head><body><main><h1>Beacon notes ![t]({base}/title.png) &lt;img src={base}/title-img.png&gt;</h1>
<p>1. The lighthouse keepers of Ruritania logged ![x]({base}/text.png) beacons, [details]({base}/link) and
&lt;img src="{base}/raw.png"&gt; and &lt;iframe src="{base}/frame"&gt;&lt;/iframe&gt; and {base}/bare in the
keepers' log.</p></main></body></html>
"""


@pytest.fixture
def hostile_app(
    browser_binaries: tuple[Path, Path], real_embedder, tmp_path: Path  # noqa: ANN001
) -> Iterator[tuple[str, PdfServer]]:
    """The app over an index holding only the planted document, and the listener it points at."""
    from ingest.pipeline import Ingestor

    listener = PdfServer()
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "beacons.html").write_text(HOSTILE.format(base=listener.base), encoding="utf-8")
    report = Ingestor(tmp_path / "index", real_embedder).ingest([docs])
    assert not report.failed, report.failed
    try:
        with serve(tmp_path / "index", tmp_path / "server.log") as url:
            yield url, listener
    finally:
        listener.close()


def test_a_hostile_title_and_text_are_shown_literally_and_fetch_nothing(hostile_app, browser) -> None:  # noqa: ANN001
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    url, listener = hostile_app
    base = listener.base
    text = f"![x]({base}/text.png) beacons, [details]({base}/link) and <img src=\"{base}/raw.png\">"
    title = f"Beacon notes ![t]({base}/title.png) <img src={base}/title-img.png>"

    def shown(*wanted: str) -> None:
        """Wait until the page reads every `wanted` string literally (line breaks and labels' word joiners
        aside), then check that no element of it points at the listener."""
        def page(driver) -> str:  # noqa: ANN001
            return " ".join(driver.find_element(By.TAG_NAME, "body").text.replace("\u2060", "").split())

        try:
            WebDriverWait(browser, ANSWER_SECONDS).until(lambda driver: all(w in page(driver) for w in wanted))
        except TimeoutException:
            pytest.fail(f"{browser.current_url} does not read {wanted} literally:\n{page(browser)}")
        for tag, attribute in (("img", "src"), ("a", "href"), ("iframe", "src")):
            pointing = [e.get_attribute(attribute) or "" for e in browser.find_elements(By.TAG_NAME, tag)]
            assert not [a for a in pointing if base in a], f"{browser.current_url}: a <{tag}> points at the listener"

    browser.get(url)
    box = WebDriverWait(browser, STARTUP_SECONDS).until(
        ready.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']"))
    )
    box.send_keys("What did the lighthouse keepers of Ruritania log?")
    box.send_keys(Keys.ENTER)
    chip = WebDriverWait(browser, ANSWER_SECONDS).until(
        ready.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stChatMessage'] [data-testid='stExpander'] summary"))
    )
    assert chip.text.replace("\u2060", "").endswith(f"[1] {title}, para. 1"), "the chip's label, literally"
    chip.click()  # the chip opens onto the title and the passage
    shown(text, f"{title} Symbol: —")

    browser.get(f"{url}/search")
    query = WebDriverWait(browser, STARTUP_SECONDS).until(
        ready.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label='Wording']"))
    )
    query.send_keys("keepers' log")
    query.send_keys(Keys.ENTER)
    shown(text, f"{title} · undated")

    browser.get(f"{url}/library")
    shown(text)  # the reader, below the table of documents
    time.sleep(2)  # anything a page would fetch has had time to ask
    assert listener.requests == [], "the browser fetched nothing the documents named"
