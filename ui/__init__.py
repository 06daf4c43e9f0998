"""The Streamlit app (ui/app.py) and how to start it."""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"


def streamlit_command(host: str, port: int) -> list[str]:
    """`streamlit run` of the app on host:port, headless, without usage statistics, and with the toolbar a
    reader needs: "viewer" hides Streamlit's developer options (rerun, clear cache, Deploy)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", host, "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
    ]
