"""The app in a real browser: `streamlit run ui/app.py` over the shared corpus, driven by headless Chromium.

Needs the Debian packages `chromium` and `chromium-driver` (/usr/bin/chromium, /usr/bin/chromedriver) and
../shared/corpus; skips without them. Selenium is given the driver's path, so Selenium Manager never
downloads anything. Saves a screenshot of the Ask page under the test's temporary folder, or where
GMA_SCREENSHOT says (`make screenshot` refreshes the README's this way; tests never write tracked files).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.http_server import PdfServer
from ui import streamlit_command

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
QUESTION = "What are the two dedicated thematic groups?"
# A citation as the answer prints it: "[UNIDIR chapter, section 2.4]", "[CircleID, para. 3]", "[A/80/257, para. 7]".
CITATION = re.compile(r"\[(?:UNIDIR chapter|CircleID|CCDIS|A/)[^\]]*\]")
STARTUP_SECONDS = 90
ANSWER_SECONDS = 60


@pytest.fixture(scope="session")
def browser_binaries() -> tuple[Path, Path]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)")
    return CHROMIUM, CHROMEDRIVER


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"streamlit did not answer within {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')[-3000:]}")


@contextmanager
def _served(index_dir: Path, log: Path) -> Iterator[str]:
    """The app served over `index_dir` on a free loopback port until the block ends; its output in `log`."""
    port = _free_port()
    env = {
        **os.environ,
        "GMA_HOME": str(index_dir),
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
    }
    env.pop("GMA_LLM", None)
    command = streamlit_command("127.0.0.1", port)
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def app_url(
    browser_binaries: tuple[Path, Path], corpus_index: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The app served on a free loopback port over the shared corpus' index (built with the real model)."""
    with _served(corpus_index, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture
def browser(browser_binaries: tuple[Path, Path], tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = browser_binaries
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1400,1300",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(chromedriver)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_ask_in_a_real_browser_answers_with_a_citation(app_url: str, browser, tmp_path: Path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(app_url)
    # The first visit loads the embedding model and opens the index before the page is drawn.
    box = WebDriverWait(browser, STARTUP_SECONDS).until(
        ready.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']"))
    )
    box.send_keys(QUESTION)
    box.send_keys(Keys.ENTER)

    def cited_answer(driver) -> list | None:  # noqa: ANN001
        """The answer's citation chips, once a message cites a paragraph and its chips are drawn under it."""
        for message in driver.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']"):
            chips = message.find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] summary")
            if CITATION.search(message.text) and chips:
                return chips
        return None

    # The answer's text is drawn before its chips, so wait for both.
    chips = WebDriverWait(browser, ANSWER_SECONDS).until(cited_answer)
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stAppDeployButton']"), "no Deploy button"
    assert not [b for b in browser.find_elements(By.TAG_NAME, "button") if b.text.strip() == "Deploy"]
    assert "[1] UNIDIR chapter, section 2.4" in chips[0].text, "numbered citation chips under the answer"
    chips[0].click()  # open the first chip: the paragraph with the supporting sentence highlighted
    WebDriverWait(browser, 10).until(
        ready.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='stExpander'] [data-testid='stCode']"))
    )
    assert browser.find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] mark"), "supporting sentence marked"
    time.sleep(1)  # let the expander finish opening before the screenshot
    screenshot = Path(os.environ.get("GMA_SCREENSHOT") or tmp_path / "ask.png")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(screenshot))


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
        with _served(tmp_path / "index", tmp_path / "server.log") as url:
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
