"""Real PDFs with the layout of a UN document, drawn with fpdf2, for the PDF reader's tests.

The text is synthetic. What matters is the layout the reader has to undo: a symbol line and a job
number on every page, a barcode and page numbers, superscript footnote markers in the body, small-type
footnotes under a short rule at the foot of the page, paragraphs cut by page breaks and words
hyphenated at line ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

PAGE_WIDTH, PAGE_HEIGHT = 210, 297  # A4, millimetres
LEFT, RIGHT = 25, 185
BODY_SIZE, FOOTNOTE_SIZE, MARKER_SIZE = 10, 8, 6
LINE_STEP = 5.2  # millimetres between body baselines
PARAGRAPH_GAP = 3.0


@dataclass
class Heading:
    text: str


@dataclass
class Para:
    """A body paragraph given line by line; `^32` in a line is a superscript footnote marker."""

    lines: list[str]


@dataclass
class Page:
    body: list[Heading | Para]
    footnotes: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class UnDocument:
    symbol: str
    date: str  # as printed after "Distr.: General", e.g. "5 December 2025"
    title: str
    pages: list[Page]
    job_number: str = "25-99999 (E)"
    session_line: str = "Eightieth session"
    running_title: str = ""  # printed beside the symbol at the top of every page after the first


def write_un_pdf(document: UnDocument, path: Path) -> Path:
    """Draw `document` as a PDF at `path` and return the path."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_title(document.title)
    total = len(document.pages)
    for number, page in enumerate(document.pages, 1):
        pdf.add_page()
        y = _first_page_header(pdf, document) if number == 1 else _running_header(pdf, document)
        for element in page.body:
            if isinstance(element, Heading):
                y += PARAGRAPH_GAP
                pdf.set_font("Helvetica", "B", BODY_SIZE + 1)
                pdf.text(LEFT, y, element.text)
                y += LINE_STEP + PARAGRAPH_GAP
            else:
                for line in element.lines:
                    _body_line(pdf, LEFT, y, line, BODY_SIZE)
                    y += LINE_STEP
                y += PARAGRAPH_GAP
        _footnotes(pdf, page.footnotes)
        _footer(pdf, document, number, total)
    pdf.output(str(path))
    return path


def _first_page_header(pdf: FPDF, document: UnDocument) -> float:
    pdf.set_font("Helvetica", "", 12)
    pdf.text(LEFT, 20, "United Nations")
    pdf.set_font("Helvetica", "B", 14)
    pdf.text(140, 20, document.symbol)
    pdf.set_font("Helvetica", "B", 16)
    pdf.text(LEFT, 32, "General Assembly")
    pdf.set_font("Helvetica", "", 9)
    pdf.text(140, 30, "Distr.: General")
    pdf.text(140, 35, document.date)
    pdf.set_font("Helvetica", "", 10)
    pdf.text(LEFT, 48, document.session_line)
    pdf.text(LEFT, 53, "Agenda item 94")
    pdf.set_font("Helvetica", "B", 13)
    pdf.text(LEFT, 66, document.title)
    return 80


def _running_header(pdf: FPDF, document: UnDocument) -> float:
    pdf.set_font("Helvetica", "B", 9)
    pdf.text(LEFT, 15, document.symbol)
    if document.running_title:
        pdf.set_font("Helvetica", "", 9)
        pdf.text(110, 15, document.running_title)
    return 30


def _footer(pdf: FPDF, document: UnDocument, number: int, total: int) -> None:
    pdf.set_font("Helvetica", "", 8)
    pdf.text(LEFT, 285, document.job_number)
    pdf.text(RIGHT - 10, 285, f"{number}/{total}")
    if number == 1:
        digits = "".join(ch for ch in document.job_number if ch.isdigit())
        pdf.text(LEFT, 291, f"*{digits}*")


def _footnotes(pdf: FPDF, footnotes: list[tuple[int, str]]) -> None:
    if not footnotes:
        return
    y = 280 - 4.2 * len(footnotes)
    pdf.line(LEFT, y - 4, LEFT + 40, y - 4)
    for number, text in footnotes:
        pdf.set_font("Helvetica", "", MARKER_SIZE)
        pdf.text(LEFT, y - 1.2, str(number))
        pdf.set_font("Helvetica", "", FOOTNOTE_SIZE)
        pdf.text(LEFT + 4, y, text)
        y += 4.2


def _body_line(pdf: FPDF, x: float, y: float, line: str, size: int) -> None:
    """One line of body text; `^N` tokens become raised, smaller footnote markers."""
    for index, piece in enumerate(line.split("^")):
        text = piece
        if index:  # starts with the marker's digits
            digits = re.match(r"\d*", piece).group(0)
            pdf.set_font("Helvetica", "", MARKER_SIZE)
            pdf.text(x, y - 1.4, digits)
            x += pdf.get_string_width(digits)
            text = piece[len(digits) :]
        pdf.set_font("Helvetica", "", size)
        pdf.text(x, y, text)
        x += pdf.get_string_width(text)


def write_drawing_only_pdf(path: Path) -> Path:
    """A page with shapes and no text, as a scanned page looks to a text extractor."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.add_page()
    pdf.set_fill_color(90, 90, 90)
    for row in range(20):
        pdf.rect(LEFT, 30 + row * 10, 120 + (row % 3) * 10, 4, style="F")
    pdf.output(str(path))
    return path


def write_encrypted_pdf(document: UnDocument, path: Path, password: str = "s3cret") -> Path:
    """`document` locked with a user password."""
    from fpdf.enums import EncryptionMethod

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_encryption(owner_password="owner", user_password=password, encryption_method=EncryptionMethod.RC4)
    pdf.add_page()
    pdf.set_font("Helvetica", "", BODY_SIZE)
    pdf.text(LEFT, 40, document.title)
    pdf.output(str(path))
    return path
