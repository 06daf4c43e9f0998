"""What `gma fetch` recorded of a downloaded file: the checksum that makes it a verified official download."""

from __future__ import annotations

import json
from pathlib import Path

from corpus.fetch import CHECKSUMS_FILE


def is_fetched(path: Path, sha256: str) -> bool:
    """Whether the fetcher's record beside `path` (checksums.json) gives `sha256` for its file name: false
    for a file it did not download, or one changed since (an unreadable record counts as none)."""
    try:
        records = json.loads((path.parent / CHECKSUMS_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    record = records.get(path.name) if isinstance(records, dict) else None
    return isinstance(record, dict) and record.get("sha256") == sha256
