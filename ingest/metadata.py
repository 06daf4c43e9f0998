"""Who a document is: symbol, title, type and dates, from its own masthead first, then what the file
declares (front matter), then the manifest. Where a declaration disagrees with the masthead, the masthead
wins and the disagreement is reported. A symbol only the declarations give is a claim, not the document's
symbol: anyone can write `symbol: A/RES/80/99` above invented text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.models import DOC_TYPES, DocumentMeta, ParsedFile, Provenance
from corpus.manifest import Manifest, ManifestEntry
from ingest.masthead import DATE_TEXT, Masthead, iso_date, read_masthead

__all__ = ["MetadataResolver", "Resolved", "doc_type_for_symbol"]

_META_FIELDS = (
    "title", "heading_title", "short_title", "symbol", "printed_symbol", "date", "doc_type", "state", "session",
    "meeting", "author",
)
_DISTRIBUTION_DATE = re.compile(r"Distr\.?:\s*\w+\s+(\d{1,2}\s+\w+\s+\d{4})", re.IGNORECASE)
# How much of the opening text to scan for a date when neither the masthead nor the file gives one.
_FIRST_PAGE_BLOCKS = 12


@dataclass(frozen=True)
class Resolved:
    """A document's metadata and every way its declarations disagree with its masthead."""

    meta: DocumentMeta
    conflicts: tuple[str, ...] = ()


class MetadataResolver:
    """Builds a document's DocumentMeta: its masthead wins, then what the file declares, then the manifest.

    >>> MetadataResolver(Manifest.load())  # doctest: +ELLIPSIS
    <ingest.metadata.MetadataResolver object at ...>
    """

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest

    def describe(self, parsed: ParsedFile) -> DocumentMeta:
        return self.resolve(parsed).meta

    def resolve(self, parsed: ParsedFile) -> Resolved:
        hints = {k: v for k, v in parsed.hints.items() if k in _META_FIELDS and v}
        masthead = read_masthead(parsed.blocks)
        # Only the document's own masthead confirms a symbol; one merely declared is kept as a claim.
        symbol = masthead.symbol or hints.get("printed_symbol")
        entry = (self.manifest.by_symbol(symbol) if symbol else None) or self.manifest.by_file(parsed.path.name)
        claimed = None if symbol else hints.get("symbol") or (entry.symbol if entry else None)
        declared_title = hints.get("title")
        title = _title(masthead.title, [declared_title, entry.title if entry else None])
        title = title or declared_title or (entry.title if entry else "") or hints.get("heading_title") or parsed.path.stem
        opening = " ".join(b.text for b in parsed.blocks[:_FIRST_PAGE_BLOCKS])
        meta = DocumentMeta(
            doc_id=symbol or _slug(parsed.path.stem),
            title=_clean_title(title),
            doc_type=masthead.doc_type or _doc_type(hints.get("doc_type"), entry, symbol),
            symbol=symbol,
            date=masthead.date or iso_date(hints.get("date")) or (entry.date if entry else None) or _opening_date(opening),
            short_title=hints.get("short_title") or (entry.short_title if entry else None),
            source=str(parsed.path),
            url=entry.url if entry else None,
            state=hints.get("state"),
            session=masthead.session or hints.get("session"),
            meeting=masthead.meeting or hints.get("meeting"),
            author=hints.get("author") or (entry.author if entry else None),
            kind=masthead.kind,
            adopted=masthead.adopted,
            distributed=masthead.distributed,
            agenda_item=masthead.agenda_item,
            agenda_title=masthead.agenda_title,
            committee=masthead.committee,
            committee_report=masthead.committee_report,
            sponsors=masthead.sponsors,
            sources=(str(parsed.path),),
            provenance=Provenance(symbol_confirmed=symbol is not None, claimed_symbol=claimed),
        )
        conflicts = _conflicts(masthead, hints, entry)
        if claimed:
            conflicts.append(
                f"symbol {claimed} is declared but no masthead in the text bears it; indexed as unconfirmed, "
                f"cited by its file name"
            )
        return Resolved(meta, tuple(conflicts))


def doc_type_for_symbol(symbol: str | None) -> str:
    """The kind of document a UN symbol names: `A/RES/..` a resolution, `A/80/257` a report, etc."""
    if not symbol:
        return "other"
    if "/RES/" in symbol.upper():
        return "resolution"
    if re.fullmatch(r"A/C\.\d/\d{2,3}/L\.\d+.*", symbol):
        return "draft"
    if re.fullmatch(r"A/\d{2,3}/\d+.*|A/AC\.\d+/.*", symbol):
        return "report"
    return "other"


def _conflicts(masthead: Masthead, hints: dict[str, str], entry: ManifestEntry | None) -> list[str]:
    """Each declaration (front matter, manifest) that the masthead contradicts, in one sentence."""
    claims = [("front matter", hints.get("symbol"), hints.get("title"), hints.get("date"))]
    if entry:
        claims.append(("manifest", entry.symbol, entry.title, entry.date))
    found: list[str] = []
    for source, symbol, title, date in claims:
        if symbol and masthead.symbol and symbol.replace(" ", "") != masthead.symbol:
            found.append(f"{source} symbol {symbol} but the masthead reads {masthead.symbol}; the masthead's is used")
        if title and masthead.title and not _same_title(title, masthead.title):
            found.append(f"{source} title {title!r} but the masthead reads {masthead.title!r}; the masthead's is used")
        date = iso_date(date)
        given = {"adopted": masthead.adopted, "distributed": masthead.distributed}
        given = {label: value for label, value in given.items() if value}
        if date and given and not any(value.startswith(date) for value in given.values()):
            dates = ", ".join(f"{label} {value}" for label, value in given.items())
            found.append(f"{source} date {date} but the masthead gives {dates}; {masthead.date} is used")
    return found


def _title(masthead: str | None, declared: list[str | None]) -> str | None:
    """The masthead's title; where a declared title continues it (an extraction cut the title line short),
    the declared continuation is added."""
    if not masthead:
        return None
    words = _fold(masthead).split()
    for title in declared:
        if title and len(_fold(title).split()) > len(words) and _fold(title).split()[: len(words)] == words:
            tail = title.split()[_word_count(title, len(words)) :]
            return f"{masthead} {' '.join(tail)}".strip()
    return masthead


def _word_count(title: str, folded_words: int) -> int:
    """How many whitespace words of `title` make up its first `folded_words` folded words."""
    seen = 0
    for index, word in enumerate(title.split()):
        seen += len(_fold(word).split())
        if seen >= folded_words:
            return index + 1
    return len(title.split())


def _same_title(a: str, b: str) -> bool:
    folded_a, folded_b = _fold(a), _fold(b)
    return folded_a.startswith(folded_b) or folded_b.startswith(folded_a)


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _doc_type(declared: str | None, entry: ManifestEntry | None, symbol: str | None) -> str:
    if declared and declared.lower() in DOC_TYPES:
        return declared.lower()
    if entry:
        return entry.doc_type
    return doc_type_for_symbol(symbol)


def _opening_date(text: str) -> str | None:
    distributed = _DISTRIBUTION_DATE.search(text)
    if distributed:
        return iso_date(distributed.group(1))
    found = DATE_TEXT.search(text)
    return iso_date(found.group(0)) if found else None


def _clean_title(title: str) -> str:
    return re.sub(r"\s*[:;,]\s*$", "", " ".join(title.split()))


def _slug(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "document"
