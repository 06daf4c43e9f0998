"""A real Chroma server (`chroma run`, from the chromadb package) on a free loopback port.

The index tests run once against the embedded store and once against this server (GMA_CHROMA_URL mode).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# Installed beside the interpreter by chromadb's console script.
CHROMA = Path(sys.executable).with_name("chroma")
STARTUP_SECONDS = 60


def free_port() -> int:
    """A loopback port nothing listens on (the OS picked it free; nothing else binds it in between)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ChromaServer:
    """One `chroma run` process; `url` is what GMA_CHROMA_URL would hold."""

    url: str
    process: subprocess.Popen
    log: Path

    @classmethod
    def start(cls, data_dir: Path) -> ChromaServer:
        """Start a server storing into `data_dir` and return once its heartbeat answers."""
        port = free_port()
        data_dir.mkdir(parents=True, exist_ok=True)
        log = data_dir / "server.log"
        command = [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(data_dir / "data")]
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        with log.open("wb") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        server = cls(f"http://127.0.0.1:{port}", process, log)
        server._wait_for_heartbeat()
        return server

    def _wait_for_heartbeat(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        tail = self.log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"chroma run did not answer at {self.url} within {STARTUP_SECONDS} s:\n{tail}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
