"""The grammar of UN document symbols, shared by the readers that find a document's own symbol on its
masthead and the question analysis that finds the documents a question names."""

from __future__ import annotations

import re

# A UN symbol: its organ (A, S, E), then RES/session/number, session/number, a subsidiary body
# (A/AC.292/2025/INF/5) or a committee draft (A/C.1/80/L.20); revisions and addenda may follow.
SYMBOL_PATTERN = re.compile(
    r"\b(?:A|S|E)/(?:RES/\d{2,3}/\d+(?:\s?\([IVXLC]+\))?|\d{2,3}/\d+|AC\.\d+/\d{4}/[A-Z]+(?:/\d+)?(?:\.\d+)?"
    r"|C\.\d/\d{2,3}/L\.\d+)(?:/Rev\.\d+)?(?:/Add\.\d+)?(?:/Corr\.\d+)?"
)
