"""Who a document is: symbol, title, type and date, from the file itself, the manifest or its first page."""

from __future__ import annotations

import re
from datetime import date as Date

from corpus.manifest import Manifest, ManifestEntry
from ingest.models import DOC_TYPES, DocumentMeta, ParsedFile

SYMBOL_PATTERN = re.compile(
    r"\b(?:A|S|E)/(?:RES/\d{2,3}/\d+(?:\s?\([IVXLC]+\))?|\d{2,3}/\d+|AC\.\d+/\d{4}/[A-Z]+(?:\.\d+)?"
    r"|C\.\d/\d{2,3}/L\.\d+)(?:/Rev\.\d+)?(?:/Add\.\d+)?"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}
_DATE_TEXT = re.compile(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
_DISTRIBUTION_DATE = re.compile(r"Distr\.?:\s*\w+\s+(\d{1,2}\s+\w+\s+\d{4})", re.IGNORECASE)
_META_FIELDS = (
    "title", "heading_title", "short_title", "symbol", "date", "doc_type", "state", "session", "meeting", "author"
)
# How much of the opening text to scan for a symbol and a date when the file declares neither.
_FIRST_PAGE_BLOCKS = 12


class MetadataResolver:
    """Builds a document's DocumentMeta: what the file declares wins, then the manifest, then its first page.

    >>> MetadataResolver(Manifest.load())  # doctest: +ELLIPSIS
    <ingest.metadata.MetadataResolver object at ...>
    """

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest

    def describe(self, parsed: ParsedFile) -> DocumentMeta:
        hints = {k: v for k, v in parsed.hints.items() if k in _META_FIELDS and v}
        opening = " ".join(b.text for b in parsed.blocks[:_FIRST_PAGE_BLOCKS])
        # Without front matter, the first page says which document this is; with it, a symbol the file does
        # not declare is one it cites (an analysis quoting a resolution is not that resolution).
        declared = "title" in hints or "doc_type" in hints
        symbol = hints.get("symbol") or (None if declared else _first_symbol(opening))
        entry = (self.manifest.by_symbol(symbol) if symbol else None) or self.manifest.by_file(parsed.path.name)
        if entry and not symbol:
            symbol = entry.symbol
        doc_type = _doc_type(hints.get("doc_type"), entry, symbol)
        # A declared title wins over the manifest's; a title guessed from the first heading does not.
        title = hints.get("title") or (entry.title if entry else "") or hints.get("heading_title") or parsed.path.stem
        title = _clean_title(title)
        return DocumentMeta(
            doc_id=symbol or _slug(parsed.path.stem),
            title=title,
            doc_type=doc_type,
            symbol=symbol,
            date=_iso_date(hints.get("date")) or (entry.date if entry else None) or _opening_date(opening),
            short_title=hints.get("short_title") or (entry.short_title if entry else None),
            source=str(parsed.path),
            url=entry.url if entry else None,
            state=hints.get("state"),
            session=hints.get("session"),
            meeting=hints.get("meeting"),
            author=hints.get("author") or (entry.author if entry else None),
        )


def doc_type_for_symbol(symbol: str | None) -> str:
    """The kind of document a UN symbol names: `A/RES/..` a resolution, `A/80/257` a report, etc."""
    if not symbol:
        return "other"
    if "/RES/" in symbol.upper():
        return "resolution"
    if re.fullmatch(r"A/\d{2,3}/\d+.*|A/AC\.\d+/.*", symbol):
        return "report"
    return "other"


def _doc_type(declared: str | None, entry: ManifestEntry | None, symbol: str | None) -> str:
    if declared and declared.lower() in DOC_TYPES:
        return declared.lower()
    if entry:
        return entry.doc_type
    return doc_type_for_symbol(symbol)


def _first_symbol(text: str) -> str | None:
    match = SYMBOL_PATTERN.search(text)
    return match.group(0) if match else None


def _opening_date(text: str) -> str | None:
    distributed = _DISTRIBUTION_DATE.search(text)
    return _iso_date(distributed.group(1) if distributed else None) or _iso_date(text)


def _iso_date(value: str | None) -> str | None:
    """An ISO date (or year, year-month) from ISO text or from `5 December 2025`; None when there is none."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return value
    if re.match(r"\d{4}-\d{2}-\d{2}T", value):
        return value[:10]
    match = _DATE_TEXT.search(value)
    if not match:
        return None
    day, month, year = int(match.group(1)), _MONTHS[match.group(2).lower()], int(match.group(3))
    try:
        return Date(year, month, day).isoformat()
    except ValueError:
        return None


def _clean_title(title: str) -> str:
    return re.sub(r"\s*[:;,]\s*$", "", title.strip())


def _slug(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "document"
