"""A small synthetic corpus shared by the retrieval and UI tests: three fictional resolutions that use
the same wording in different years, and a fictional analysis whose footnotes name fictional States."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

RESOLUTION = """---
symbol: A/RES/99/{n}
title: Example resolution {n}
date: "{date}"
---

United Nations

Resolution adopted by the General Assembly on {day} December {year}

99/{n}. Example matters

The General Assembly,

Recalling its earlier work,

1. {para1}
2. Requests the example secretariat to report back;

40th plenary meeting {day} December {year}
"""
ANALYSIS = """# Example analysis

## 1. Structure

The mechanism has two dedicated thematic groups (DTGs), one on threats and one on capacity-building.

## 2. Positions

Some delegations supported a standing body.<sup>1</sup> Others preferred a time-bound format.<sup>2</sup>

---

1 For example, Ruritania (session 1); Freedonia (session 2).

2 For example, Grand Fenwick (session 1).
"""

# Paragraph 1 of each fictional resolution: the same wording, "a voice, not a vote", in two of them.
VOICE_PARAGRAPHS = {
    1: "Decides that stakeholders shall have a voice, not a vote, in the example body;",
    2: "Reaffirms that stakeholders have “a voice — not a vote” in its meetings;",
    3: "Decides to hold the example review conference in 2099;",
}


def write_sample_corpus(root: Path, paragraphs: Mapping[int, str] = VOICE_PARAGRAPHS) -> Path:
    """Write the resolutions (r1.md ... dated 2091-2093) and analysis.md into `root`; return `root`."""
    for n, text in paragraphs.items():
        (root / f"r{n}.md").write_text(
            RESOLUTION.format(n=n, date=f"20{90 + n}-12-0{n}", day=n, year=2090 + n, para1=text), encoding="utf-8"
        )
    (root / "analysis.md").write_text(ANALYSIS, encoding="utf-8")
    return root


def resolution(symbol: str, title: str, adopted: date, meeting: str, body: str) -> str:
    """A fictional resolution as the corpus's Markdown files hold one: front matter, the masthead that
    confirms its symbol, "The General Assembly," then `body`, and the meeting that adopted it."""
    day = f"{adopted.day} {adopted:%B} {adopted.year}"
    return (
        f'---\nsymbol: {symbol}\ntitle: {title}\ndate: "{adopted.isoformat()}"\n---\n\nUnited Nations\n\n'
        f"Resolution adopted by the General Assembly on {day}\n\n{symbol.removeprefix('A/RES/')}. {title}\n\n"
        f"The General Assembly,\n\n{body.strip()}\n\n{meeting} {day}\n"
    )
