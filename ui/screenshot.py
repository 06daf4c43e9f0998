"""The README's picture of the Ask page, from the real corpus indexed in a temporary folder (`make screenshot`).

    python -m ui.screenshot --corpus ../shared/corpus --out docs/screenshots/ask.png

The index is built in a temporary `.gma` folder, so the sidebar reads `Index: .gma` and shows no temporary
path. The app is served on a free loopback port and driven by headless Chromium (Debian's `chromium` and
`chromium-driver`; Selenium is given the driver's path, so nothing is downloaded). tests/test_ui_browser.py
drives the app with the same functions and never writes the tracked picture.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ui import streamlit_command

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
QUESTION = "What are the two dedicated thematic groups?"
STARTUP_SECONDS = 90
ANSWER_SECONDS = 60
# A citation marker in the answer's text: "[1]", and the chip it points to: "[1] A/RES/80/16, para. 1".
MARKER = re.compile(r"\[(\d+)\]")


class BrowserRunError(RuntimeError):
    """The app or the browser did not come up; the message says why, with the server's log tail."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(index_dir: Path, log: Path) -> Iterator[str]:
    """The app over `index_dir` on a free loopback port, its output in `log`; yields its URL once healthy."""
    port = free_port()
    env = {**os.environ, "GMA_HOME": str(index_dir),
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    env.pop("GMA_LLM", None)
    with log.open("wb") as output:
        server = subprocess.Popen(streamlit_command("127.0.0.1", port), cwd=ROOT, env=env, stdout=output,
                                  stderr=subprocess.STDOUT)
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


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BrowserRunError(f"streamlit exited with {server.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise BrowserRunError(f"streamlit did not answer within {STARTUP_SECONDS} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


@contextmanager
def chromium(profile: Path) -> Iterator[Any]:
    """Headless Chromium through chromedriver, with a throw-away profile and no background network."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        f"--user-data-dir={profile}", "--window-size=1400,1300",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def ask(driver: Any, url: str, question: str = QUESTION) -> tuple[str, list[Any]]:
    """Ask on the app's Ask page; the answer's text (chips left out) and its chips, once both are drawn."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    # The first visit loads the embedding model and opens the index before the page is drawn.
    box = WebDriverWait(driver, STARTUP_SECONDS).until(
        ready.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']"))
    )
    box.send_keys(question)
    box.send_keys(Keys.ENTER)

    def cited_answer(driver: Any) -> tuple[str, list[Any]] | None:
        for message in driver.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']"):
            chips = message.find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] summary")
            text = message.text
            for chip in chips:
                text = text.replace(chip.text, "")
            markers = {int(n) for n in MARKER.findall(text)}
            if chips and markers and max(markers) <= len(chips):
                return text, chips
        return None

    # The answer's text is drawn before its chips, and the chips one by one: wait until every marker's is.
    return WebDriverWait(driver, ANSWER_SECONDS).until(cited_answer)


def open_chip(driver: Any, chip: Any) -> None:
    """Open a citation chip and wait until its paragraph and citation are drawn."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    chip.click()
    WebDriverWait(driver, 10).until(
        ready.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='stExpander'] [data-testid='stCode']"))
    )
    time.sleep(1)  # let the expander finish opening


def take(corpus: Path, out: Path) -> None:
    """Index `corpus` in a temporary folder, ask QUESTION in the browser and save the page at `out`."""
    from index.embedder import Embedder
    from ingest.pipeline import Ingestor

    with tempfile.TemporaryDirectory(prefix="gma-screenshot-") as work:
        index_dir = Path(work) / ".gma"
        report = Ingestor(index_dir, Embedder()).ingest([corpus])
        if report.failed:
            raise BrowserRunError(f"{len(report.failed)} file(s) of {corpus} could not be indexed")
        with serve(index_dir, Path(work) / "streamlit.log") as url, chromium(Path(work) / "profile") as driver:
            _, chips = ask(driver, url)
            open_chip(driver, chips[0])
            out.parent.mkdir(parents=True, exist_ok=True)
            if not driver.save_screenshot(str(out)):
                raise BrowserRunError(f"Chromium could not save {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "ask.png")
    args = parser.parse_args(argv)
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER, args.corpus) if not p.exists()]
    if missing:
        sys.stderr.write(f"screenshot: {' and '.join(missing)} not found\n")
        return 1
    try:
        take(args.corpus, args.out)
    except BrowserRunError as exc:
        sys.stderr.write(f"screenshot: {exc}\n")
        return 1
    sys.stdout.write(f"saved {args.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
