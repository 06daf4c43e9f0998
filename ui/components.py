"""What the pages share: safe HTML for passage text with highlights, citation chips, and small table builders.

The pure functions (no Streamlit calls) are unit-tested in tests/test_ui.py; the `show_*` functions draw
with them. Every piece of text that comes from a document (titles, passage text, citations, file names,
messages quoting them) is shown through one of two escapers: `escape_text` where the page renders HTML
(`unsafe_allow_html=True`), `escape_label` where Streamlit renders Markdown only (widget labels, expander
chips, `st.error`/`st.info`). A `*` or `$` in a UN paragraph must never turn into emphasis or LaTeX, and a
planted `![x](http://host/beacon.png)` or `<img src=...>` must never reach the reader's browser as an image.
"""

from __future__ import annotations

import csv
import html
import io
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import pandas as pd
import streamlit as st

from assistant.answer import Answer, AnswerSentence
from assistant.phrase import document_day
from assistant.service import Assistant
from assistant.worddiff import DiffOp, DiffPiece
from core.errors import GmaError
from core.models import Passage
from core.text import fold
from index.reader import SearchIndex
from index.store import UPLOADS_DIR
from ingest.uploads import StoredVersion

# What the Library page accepts; the same formats ingest.readers reads.
UPLOAD_EXTENSIONS = ("pdf", "md", "markdown", "txt", "html", "htm")
MAX_UPLOAD_MB = 20
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
# The session's last searched document, which the Library's reader opens on; else the resolution that
# established the Global Mechanism, else the first listed.
LAST_DOCUMENT_KEY = "last_document"
READER_DEFAULT = "A/RES/80/16"

# How a word diff colours its changes (inline styles: Streamlit's Markdown keeps no stylesheet of ours).
DELETED_STYLE = "background-color:#fde2e1;color:#a4161a;text-decoration:line-through"
INSERTED_STYLE = "background-color:#dcf5e3;color:#0b6b2e"
# The hits-per-year chart: pixels per year and for the axis beside the bars.
TIMELINE_YEAR_PX = 56
TIMELINE_AXIS_PX = 60
TIMELINE_MIN_YEARS = 5

Span = tuple[int, int]
# A search hit as the pages show it: the passage and the spans of its matched words (none for paraphrases).
Hit = tuple[Passage, tuple[Span, ...]]
# Characters Markdown (and Streamlit's `$` LaTeX) would interpret anywhere in a line; as entities they stay literal.
_MARKDOWN_SPECIAL = {c: f"&#{ord(c)};" for c in "\\`*_[]|~$"}
# What would open a list, heading or quote at the start of the text ("1. Decides" is a paragraph, not a list).
_BLOCK_START = re.compile(r"^(\s*)(?:(\d+)([.)])|([-+#>=]))")
# Where Markdown would still make something of plain letters after its escapes are decoded: a bare URL or
# address becomes a link (`http://…`, `www.…`, `name@host`) and `:name:` an emoji or icon. Only something
# between the characters stops it: an empty <wbr> where HTML is rendered, a word joiner (U+2060) in a label.
_AUTOLINK = re.compile(r"(?i)(?<=:)|(?<=\bwww)(?=\.)|(?=@)")
WORD_JOINER = "\u2060"
# What Markdown (GFM, Streamlit's `:color[…]` directives and `:emoji:` codes, `$` LaTeX) reads in a label.
_LABEL_SPECIAL = re.compile(r"([\\`*_\[\]()<>|~$:&!{}#])")


class UploadRejected(ValueError):
    """An uploaded file the Library refuses; the message is one sentence for the user."""


def escape_text(text: str) -> str:
    """Text made inert for `st.markdown(..., unsafe_allow_html=True)`: HTML escaped, Markdown neutralised,
    line breaks kept."""
    escaped = html.escape(text, quote=False)
    escaped = "".join(_MARKDOWN_SPECIAL.get(c, c) for c in escaped)
    escaped = _BLOCK_START.sub(_inert_start, escaped, count=1)
    escaped = _AUTOLINK.sub("<wbr>", escaped)
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


def escape_label(text: str) -> str:
    """Text made inert where Streamlit renders Markdown without HTML (expander and widget labels, alerts):
    every character Markdown reads is backslash-escaped, bare links and `:codes:` are broken by an invisible
    word joiner, and line breaks become spaces (a label is one line)."""
    return _AUTOLINK.sub(WORD_JOINER, _LABEL_SPECIAL.sub(r"\\\1", " ".join(text.split())))


def _inert_start(match: re.Match[str]) -> str:
    indent, number, closer, marker = match.groups()
    if number:
        return f"{indent}{number}&#{ord(closer)};"
    return f"{indent}&#{ord(marker)};"


def highlight(text: str, spans: Iterable[Span]) -> str:
    """`text` escaped, with each [start, end) span wrapped in <mark>; overlapping spans are merged."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[str] = []
    position = 0
    for start, end in merged:
        out += [escape_text(text[position:start]), "<mark>", escape_text(text[start:end]), "</mark>"]
        position = end
    out.append(escape_text(text[position:]))
    return "".join(out)


def diff_html(pieces: Iterable[DiffPiece]) -> str:
    """A word diff as safe HTML: every piece escaped, deletions struck through in red, insertions in green."""
    styles = {DiffOp.DELETE: DELETED_STYLE, DiffOp.INSERT: INSERTED_STYLE}
    shown = []
    for piece in pieces:
        text = escape_text(piece.text)
        style = styles.get(piece.op)
        shown.append(f'<span class="gma-{piece.op.value}" style="{style}">{text}</span>' if style else text)
    return " ".join(shown)


def find_spans(text: str, needle: str) -> list[Span]:
    """Where `needle` occurs in `text`, ignoring case, quote style, dashes and whitespace (as phrase search)."""
    folded_needle = fold(needle.strip())[0]
    if not folded_needle:
        return []
    folded, offsets = fold(text)
    spans = []
    start = folded.find(folded_needle)
    while start != -1:
        spans.append((offsets[start], offsets[start + len(folded_needle) - 1] + 1))
        start = folded.find(folded_needle, start + 1)
    return spans


def word_spans(text: str, needle: str) -> list[Span]:
    """`find_spans` of whole words only: "two" in "two groups", not the "two" inside "network"."""
    return [(start, end) for start, end in find_spans(text, needle)
            if not (start > 0 and text[start - 1].isalnum()) and not (end < len(text) and text[end].isalnum())]


def supporting_spans(passage: Passage, sentences: Sequence[AnswerSentence]) -> list[Span]:
    """The spans of `passage` holding the answer sentences that cite it (a generative answer's paraphrase
    may hold none)."""
    spans: list[Span] = []
    for sentence in sentences:
        if any(p.passage_id == passage.passage_id for p in sentence.passages):
            spans += find_spans(passage.text, sentence.text)
    return spans


def chip_labels(passages: Sequence[Passage]) -> list[str]:
    """One label per cited passage, all different: its citation, then where two share one, whatever tells
    them apart: the documents' dates, else their ids, else the passages' places in their document."""
    labels = [p.citation for p in passages]
    tells = (lambda p: p.doc.date or "undated", lambda p: p.doc.doc_id, lambda p: f"passage {p.ordinal + 1}")
    for tell in tells:
        groups: dict[str, set[str]] = {}
        for label, passage in zip(labels, passages, strict=True):
            groups.setdefault(label, set()).add(tell(passage))
        labels = [f"{label} ({tell(p)})" if len(groups[label]) > 1 else label
                  for label, p in zip(labels, passages, strict=True)]
    return labels


def numbered_answer(answer: Answer) -> str:
    """The answer's text, escaped, each sentence followed by the numbers of the chips of its passages
    (`answer.citations` order): "… groups. [1] … text. [1][2]"; the short answer (`answer.short`) is
    marked where it first stands."""
    numbers = {p.passage_id: n for n, p in enumerate(answer.citations, 1)}
    marks = short_answer_marks(answer)
    return " ".join(
        highlight(sentence.text, marks.get(n, ())) + " "
        + "".join(f"&#91;{numbers[p.passage_id]}&#93;" for p in sentence.passages)
        for n, sentence in enumerate(answer.sentences)
    )


def short_answer_marks(answer: Answer) -> dict[int, list[Span]]:
    """Where the short answer stands: {sentence number: [its span]} for the first sentence holding each of its
    parts (a two-part question's short answers are joined by "; "); empty without a short answer."""
    if not answer.short:
        return {}
    whole = any(word_spans(sentence.text, answer.short) for sentence in answer.sentences)
    marks: dict[int, list[Span]] = {}
    for part in dict.fromkeys([answer.short] if whole else answer.short.split("; ")):
        for n, sentence in enumerate(answer.sentences):
            found = word_spans(sentence.text, part)
            if found:
                marks.setdefault(n, []).append(found[0])
                break
    return marks


def short_answer_line(answer: Answer) -> str:
    """The short answer as the first line of the reply, escaped and in bold: "**Answer: 8 December 2025**"."""
    return f"**Answer: {escape_text(answer.short)}**" if answer.short else ""


def upload_target(index_dir: Path, name: str, size: int) -> Path:
    """Where an uploaded file is saved: `<index_dir>/uploads/<bare file name>`; UploadRejected otherwise.

    Only the last path component of the browser-supplied name is kept (either separator), so a name like
    `../../etc/x.md` lands as `uploads/x.md`; hidden, empty and dot names, unsupported extensions and files
    over the size limit are refused.
    """
    bare = PurePosixPath(PureWindowsPath(name.replace("\x00", "")).name).name.strip()
    if not bare or bare.startswith(".") or set(bare) <= {"."}:
        raise UploadRejected(f"{name!r} is not a usable file name")
    extension = Path(bare).suffix.lower().lstrip(".")
    if extension not in UPLOAD_EXTENSIONS:
        shown = f".{extension}" if extension else "(no extension)"
        raise UploadRejected(
            f"{bare}: unsupported file type {shown}; upload one of {', '.join('.' + e for e in UPLOAD_EXTENSIONS)}"
        )
    if size > MAX_UPLOAD_BYTES:
        raise UploadRejected(f"{bare}: {size / 1024 / 1024:.1f} MB is over the {MAX_UPLOAD_MB} MB limit")
    if size == 0:
        raise UploadRejected(f"{bare}: the file is empty")
    uploads = (index_dir / UPLOADS_DIR).resolve()
    target = uploads / bare
    if target.resolve().parent != uploads:  # belt and braces: a symlink or oddity must not escape uploads/
        raise UploadRejected(f"{name!r} is not a usable file name")
    return target


def documents_frame(passages: Sequence[Passage]) -> pd.DataFrame:
    """One row per indexed document with its metadata and passage count, newest first."""
    rows: dict[str, dict[str, Any]] = {}
    for passage in passages:
        doc = passage.doc
        row = rows.setdefault(
            doc.doc_id,
            {
                "doc_id": doc.doc_id, "symbol": doc.symbol or "", "title": doc.title, "type": doc.doc_type,
                "date": doc.date or "", "passages": 0, "file": Path(doc.source).name if doc.source else "",
                "provenance": doc.provenance.summary,
            },
        )
        row["passages"] += 1
    columns = ["doc_id", "symbol", "title", "type", "date", "passages", "file", "provenance"]
    frame = pd.DataFrame(list(rows.values()), columns=columns)
    return frame.sort_values(["date", "doc_id"], ascending=[False, True], ignore_index=True)


def versions_frame(versions: Sequence[StoredVersion]) -> pd.DataFrame:
    """One row per stored version of an upload, as `UploadStore.versions` orders them."""
    rows = [
        {"file": v.name, "version": "indexed" if v.live else "earlier",
         "saved": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(v.saved)), "size": v.size,
         "sha256": v.sha256[:12]}
        for v in versions
    ]
    return pd.DataFrame(rows, columns=["file", "version", "saved", "size", "sha256"])


def hits_per_year(passages: Iterable[Passage], axis: range = range(0)) -> pd.DataFrame:
    """Hits counted by the year each document was adopted (else dated; undated documents left out), one row
    per year of `axis` widened to the hits' years, years without hits as zero, so the rows read as a
    timeline and a single year of hits is one bar among its neighbours."""
    years = [year for p in passages if (year := _year(p)) is not None]
    if not years:
        return pd.DataFrame({"hits": []}, index=pd.Index([], name="year"))
    counts = pd.Series(years).value_counts()
    span = range(min([*years, *axis[:1]]), max([*years, *axis[-1:]]) + 1)
    return pd.DataFrame({"hits": [int(counts.get(y, 0)) for y in span]}, index=pd.Index([str(y) for y in span], name="year"))


def timeline_axis(passages: Iterable[Passage]) -> range:
    """The years a hits-per-year chart spans: those of the indexed documents, and at least
    TIMELINE_MIN_YEARS ending with the last, so one year of hits never fills the chart."""
    years = [year for p in passages if (year := _year(p)) is not None]
    if not years:
        return range(0)
    return range(min(min(years), max(years) - TIMELINE_MIN_YEARS + 1), max(years) + 1)


def _year(passage: Passage) -> int | None:
    day = document_day(passage.doc)
    return int(day[:4]) if day and day[:4].isdigit() else None


def timeline_width(timeline: pd.DataFrame) -> int:
    """The hits-per-year chart's width in pixels: a fixed width per year, so one year is one bar and not a
    block across the page, and eight years (2018-2025) still fit in a column."""
    return TIMELINE_AXIS_PX + TIMELINE_YEAR_PX * len(timeline)


def reader_choice(doc_ids: Sequence[str], last: str | None) -> int:
    """Where the Library's reader opens in `doc_ids`: the document last searched, else READER_DEFAULT,
    else the first."""
    for wanted in (last, READER_DEFAULT):
        if wanted in doc_ids:
            return doc_ids.index(wanted)
    return 0


def hits_csv(hits: Sequence[Hit]) -> str:
    """The hits as CSV, one row per passage in the order shown, with its citation and the matched words."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["rank", "citation", "symbol", "title", "doc_type", "date", "locator", "matches", "score", "text"])
    for rank, (passage, spans) in enumerate(hits, 1):
        doc = passage.doc
        matches = " | ".join(passage.text[s:e] for s, e in spans)
        writer.writerow(
            [rank, passage.citation, doc.symbol or "", doc.title, doc.doc_type, doc.date or "", passage.locator,
             matches, passage.score, passage.text]
        )
    return buffer.getvalue()


def metrics_frame(systems: Sequence[Any]) -> pd.DataFrame:
    """The summary metrics of an eval run, one column per system (assistant first), one row per metric."""
    frame = pd.DataFrame({system.name: system.summary for system in systems})
    frame.index.name = "metric"
    return frame


# --- drawing -------------------------------------------------------------------------------------------


@contextmanager
def user_errors() -> Iterator[None]:
    """Domain errors shown as one `st.error` line (the UI's edge, as the CLI's is one stderr line)."""
    try:
        yield
    except GmaError as exc:
        st.error(escape_label(str(exc)))


def remember_document(passages: Sequence[Passage]) -> None:
    """Note the best hit's document, for the Library's reader to open on."""
    if passages:
        st.session_state[LAST_DOCUMENT_KEY] = passages[0].doc.doc_id


def open_index(assistant: Assistant) -> SearchIndex | None:
    """The assistant's live index, or None after explaining (st.error) why there is none yet."""
    try:
        return assistant.current_index()
    except GmaError as exc:
        st.error(escape_label(str(exc)))
        st.caption("Add documents on the Library page, or start the app with `gma ui --index DIR` on an index.")
        return None


def show_passage(passage: Passage, spans: Sequence[Span] = (), footnotes: Sequence[Passage] = ()) -> None:
    """A passage as a reader checks it: document, locator, the exact text with `spans` highlighted, and a
    copyable citation."""
    doc = passage.doc
    st.markdown(f"**{escape_text(doc.title)}**", unsafe_allow_html=True)
    facts = [f"Symbol: {doc.symbol or '—'}", f"Date: {doc.date or 'undated'}", f"Locator: {passage.locator}",
             f"Type: {doc.doc_type}"]
    if passage.page is not None:
        facts.append(f"Page: {passage.page}")
    st.caption(escape_text(" · ".join(facts)), unsafe_allow_html=True)
    if doc.provenance.trusted:
        st.caption(escape_text(doc.provenance.summary), unsafe_allow_html=True)
    else:  # a planted or uploaded text must not pass for an official one at a glance
        st.warning(escape_text(doc.provenance.summary))
    st.markdown(highlight(passage.text, spans), unsafe_allow_html=True)
    for note in footnotes:
        st.caption(escape_text(f"{note.locator}: {note.text}"), unsafe_allow_html=True)
    st.caption("Copy citation")
    st.code(passage.citation, language=None)


def show_citation_chip(number: int, passage: Passage, label: str | None = None, spans: Sequence[Span] = (),
                       footnotes: Sequence[Passage] = ()) -> None:
    """A numbered, expandable citation: `[n] A/RES/80/16, para. 1`, opening onto the paragraph; `label`
    (from `chip_labels`) tells it from another chip of the same citation."""
    with st.expander(f"[{number}] {escape_label(label or passage.citation)}"):
        show_passage(passage, spans, footnotes)
