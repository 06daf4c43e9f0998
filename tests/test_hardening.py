"""Hostile input that once got through: each test reproduces a finding of the hardening issue (15)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.query import analyse, clean_question
from core.errors import ReadError
from ingest.pipeline import Ingestor
from ingest.readers import reader_for
from tests.fakes import HashEmbedder
from tests.pdf_factory import write_un_pdf
from tests.test_pdf_reader import RESOLUTION

ROOT = Path(__file__).resolve().parents[1]

PLAIN = "Who chairs the Global Mechanism?"


@pytest.mark.parametrize(
    "pasted",
    [
        "\x1b]0;PWNED\x07Who chairs the Global Mechanism?",  # OSC: a window-title change, BEL-terminated
        "Who chairs\x1b]2;PWNED\x1b\\ the Global Mechanism?",  # OSC ended by ST
        "Who chairs the \x9d0;PWNED\x9cGlobal Mechanism?",  # the 8-bit OSC and ST
        "\x1b[1;31mWho chairs\x1b[0m the Global Mechanism?",  # colours
        "Who chairs the Global\x1bc Mechanism?",  # a two-character escape (full reset)
    ],
)
def test_terminal_escape_sequences_leave_nothing_behind(pasted: str) -> None:
    assert clean_question(pasted) == PLAIN


@pytest.mark.parametrize(
    "hidden",
    [
        "Who chairs the \u202eGlobal Mechanism\u202c?",  # right-to-left override and its pop
        "Who chairs the \u2066Global\u2069 Mechanism?",  # isolates
        "Who chairs the Glo\u200bbal Mech\u200danism?\ufeff",  # zero-width space, joiner, BOM
        "Who chairs the Global\u2060 Mechanism?\u200e",  # word joiner, left-to-right mark
    ],
)
def test_bidi_and_zero_width_characters_are_removed_before_analysis(hidden: str) -> None:
    cleaned = clean_question(hidden)
    assert cleaned == PLAIN
    assert analyse(cleaned).expanded == analyse(PLAIN).expanded


def test_compatibility_forms_read_as_plain_letters() -> None:
    assert clean_question("Ｗｈｏ chairs the ﬁnal ＤＴＧ？") == "Who chairs the final DTG?"


# --- files: bounded readers, discovery that never aborts ---------------------------------------------------

BOMB = (
    "---\n"
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    + "".join(f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefg", "bcdefgh", strict=True))
    + "title: Widgets\n---\n\nA short note on widgets.\n"
)


def test_a_yaml_alias_bomb_in_front_matter_is_refused_under_a_memory_cap(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.md"
    bomb.write_text(BOMB, encoding="utf-8")
    assert len(BOMB) < 1000
    # 9**8 strings once the aliases are expanded: tens of GB. Under a 2 GB cap the old reader died.
    script = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30));"
        "from pathlib import Path; from core.errors import ReadError; from ingest.readers import reader_for;"
        f"path = Path({str(bomb)!r})\n"
        "try:\n    reader_for(path).read(path)\nexcept ReadError as exc:\n    print(exc.reason)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-500:]
    assert "aliases (*name) are not allowed" in done.stdout


def test_front_matter_keeps_scalar_fields_and_has_a_size_limit(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("---\ntitle: Widgets\ndate: 2097-12-09\ntags: [a, b]\n---\n\nA short note.\n", encoding="utf-8")
    assert reader_for(note).read(note).hints == {"title": "Widgets", "date": "2097-12-09"}
    note.write_text("---\ntitle: " + "w" * 20_000 + "\n---\n\nA short note.\n", encoding="utf-8")
    with pytest.raises(ReadError, match="16,384-character limit"):
        reader_for(note).read(note)


def test_files_over_the_size_or_page_limit_are_refused_naming_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ingest.readers.base.MAX_FILE_BYTES", 1_000)
    big = tmp_path / "big.txt"
    big.write_text("A line of text.\n" * 100, encoding="utf-8")
    with pytest.raises(ReadError, match="over the 0 MB limit"):
        reader_for(big).read(big)
    monkeypatch.setattr("ingest.readers.base.MAX_FILE_BYTES", 20_000_000)
    monkeypatch.setattr("ingest.readers.pdf.MAX_PAGES", 1)
    pdf = write_un_pdf(RESOLUTION, tmp_path / "two-pages.pdf")
    with pytest.raises(ReadError, match="2 pages is over the 1-page limit"):
        reader_for(pdf).read(pdf)


def test_a_file_over_the_passage_limit_is_refused_naming_it_and_the_rest_is_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ingest.pipeline.MAX_PASSAGES_PER_FILE", 10)
    docs = tmp_path / "docs"
    docs.mkdir()
    long = docs / "long.txt"
    long.write_text("".join(f"{n}. Widget paragraph number {n} of a long note.\n\n" for n in range(1, 31)), encoding="utf-8")
    (docs / "short.txt").write_text("1. A short note on widgets.\n", encoding="utf-8")
    report = Ingestor(tmp_path / "index", HashEmbedder()).ingest([docs])
    assert [(f.path, f.error) for f in report.failed] == [
        (str(long.resolve()), "30 passages is over the 10-passage limit for one document")
    ]
    assert report.added == [str((docs / "short.txt").resolve())]


def test_links_that_loop_or_lead_nowhere_and_unreadable_folders_cost_one_line_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    (docs / "locked").mkdir(parents=True)
    (docs / "good.md").write_text("# Widgets\n\nA short note on widgets.\n", encoding="utf-8")
    (docs / "loop-a.md").symlink_to(docs / "loop-b.md")
    (docs / "loop-b.md").symlink_to(docs / "loop-a.md")
    (docs / "gone.md").symlink_to(docs / "missing.md")
    (docs / "again").symlink_to(docs, target_is_directory=True)  # a folder loop: never followed
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:  # root reads every folder, so the refusal is simulated
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = Ingestor(tmp_path / "index", HashEmbedder()).ingest([docs])
    reasons = {Path(f.path).name: f.error for f in report.failed}
    assert reasons == {
        "loop-a.md": "symbolic-link loop",
        "loop-b.md": "symbolic-link loop",
        "gone.md": "dangling symbolic link",
        "locked": "cannot read the folder (Permission denied)",
    }
    assert [Path(p).name for p in report.added] == ["good.md"]


def test_paragraph_and_footnote_numbers_of_any_length(tmp_path: Path) -> None:
    from corpus.manifest import Manifest
    from ingest.metadata import MetadataResolver
    from ingest.segment import Segmenter

    lines = [f"{n}. The working group considered item {n} of its agenda.\n" for n in range(1, 1003)]
    lines[999] = "1000. The working group considered widgets.<sup>1000</sup>\n"
    report = tmp_path / "report.md"
    report.write_text("---\nsymbol: A/99/300\n---\n\n" + "".join(lines) + "\n[^1000]: A note on widgets.\n")
    parsed = reader_for(report).read(report)
    passages = Segmenter().segment(MetadataResolver(Manifest.load()).describe(parsed), parsed.blocks)
    by_locator = {p.locator: p for p in passages}
    assert [f"para. {n}" in by_locator for n in (999, 1000, 1001, 1002)] == [True] * 4
    assert by_locator["para. 1000"].text == "The working group considered widgets."
    assert by_locator["footnote 1000"].cited_by == (by_locator["para. 1000"].passage_id,)


def test_ingest_without_a_terminal_prints_progress_lines_unless_quiet(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from assistant.cli import main

    monkeypatch.setattr("index.embedder.Embedder", lambda *a, **k: HashEmbedder())
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(12):
        (docs / f"note{n}.md").write_text(f"# Note {n}\n\nA short note on widgets, number {n}.\n", encoding="utf-8")
    loud = CliRunner().invoke(main, ["ingest", str(docs), "--index", str(tmp_path / "a")])
    assert loud.exit_code == 0, loud.output
    progress = [line for line in loud.stderr.splitlines() if line.startswith(("reading files:", "embedding sentences:"))]
    assert "reading files: 1 of 12" in progress and "reading files: 12 of 12" in progress
    assert any(line.startswith("embedding sentences:") for line in progress)
    quiet = CliRunner().invoke(main, ["ingest", str(docs), "--index", str(tmp_path / "b"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_document_text_printed_on_a_terminal_carries_no_escape_sequence(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from assistant.cli import main
    from assistant.query import terminal_safe

    assert terminal_safe("a\x1b[2Jb\u202ec\nd\te") == "a\ufffd[2Jb\ufffdc\nd\te"
    planted = tmp_path / "planted.md"
    planted.write_text(
        "# Widget note\n\nThe widget forum meets yearly.\x1b]0;PWNED\x07\x1b[2J Its chair rotates.\n\n"
        + "The forum also hears the views of observers on widgets.\n\n" * 10,  # few controls in much text
        encoding="utf-8",
    )
    monkeypatch.setattr("index.embedder.Embedder", lambda *a, **k: HashEmbedder())
    monkeypatch.setattr("assistant.service.Embedder", lambda *a, **k: HashEmbedder())
    index = str(tmp_path / "index")
    assert CliRunner().invoke(main, ["ingest", str(planted), "--index", index]).exit_code == 0
    for command in (["search", "widget forum"], ["search", "widget forum", "--phrase"], ["ask", "When does the widget forum meet?"]):
        result = CliRunner().invoke(main, [*command, "--index", index])
        assert result.exit_code == 0, result.output
        assert "widget forum" in result.stdout.lower()
        assert "\x1b]" not in result.stdout and "\x07" not in result.stdout and "\x1b[2J" not in result.stdout


# --- the index: damaged files and a full disk give one line, and lose nothing ------------------------------


@pytest.fixture
def small_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tests.samples import write_sample_corpus

    monkeypatch.setattr("index.embedder.Embedder", lambda *a, **k: HashEmbedder())
    monkeypatch.setattr("assistant.service.Embedder", lambda *a, **k: HashEmbedder())
    index, docs = tmp_path / "index", tmp_path / "docs"
    docs.mkdir()
    Ingestor(index, HashEmbedder()).ingest([write_sample_corpus(docs)])
    return index


@pytest.mark.parametrize("damage", ["truncate passages", "remove info", "garble files"])
def test_a_damaged_index_file_is_one_clear_line(small_index: Path, damage: str) -> None:
    from click.testing import CliRunner

    from assistant.cli import main
    from index.store import IndexStore

    generation = IndexStore(small_index).require_current()
    if damage == "truncate passages":
        data = (generation / "passages.jsonl").read_bytes()
        (generation / "passages.jsonl").write_bytes(data[: len(data) // 2])
    elif damage == "remove info":
        (generation / "info.json").unlink()
    else:
        (generation / "files.json").write_text("{not json", encoding="utf-8")
    command = ["ingest", str(small_index.parent / "docs")] if damage == "garble files" else ["search", "voice"]
    result = CliRunner().invoke(main, [*command, "--index", str(small_index)])
    assert result.exit_code == 1
    assert "is damaged" in result.stderr and "Traceback" not in result.output
    assert len([line for line in result.stderr.splitlines() if line.startswith("Error:")]) == 1


def test_a_full_disk_mid_ingest_is_one_line_and_keeps_the_index(small_index: Path, monkeypatch) -> None:
    import errno

    from click.testing import CliRunner

    from assistant.cli import main
    from index.store import IndexStore

    before = [(p.passage_id, p.text) for p in IndexStore(small_index).passages()]
    (small_index.parent / "docs" / "new.md").write_text("# New\n\nA new note on widgets.\n", encoding="utf-8")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("ingest.pipeline.write_generation", full)
    result = CliRunner().invoke(main, ["ingest", str(small_index.parent / "docs"), "--index", str(small_index)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "No space left on device" in result.stderr and "the previous index is unchanged" in result.stderr
    assert [(p.passage_id, p.text) for p in IndexStore(small_index).passages()] == before


def _snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every path under `root` with its modification time, size and content hash."""
    import hashlib

    return {
        str(path): (path.lstat().st_mtime_ns, path.lstat().st_size,
                    hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder")
        for path in sorted(root.rglob("*"))
    }


def test_questions_write_nothing_under_the_index_so_a_read_only_one_can_be_served(small_index: Path) -> None:
    from click.testing import CliRunner

    from assistant.cli import main
    from assistant.service import Assistant
    from core.settings import Settings

    # Root ignores permissions, so read-only is checked as it matters: not one byte or time stamp changes.
    before = _snapshot(small_index)
    assistant = Assistant(Settings(index_dir=small_index), embedder=HashEmbedder())
    assert assistant.ask("Who has a voice, not a vote?").retrieved
    assert assistant.exact_phrase("a voice, not a vote") and assistant.search("stakeholders vote")
    assistant.close()
    result = CliRunner().invoke(main, ["search", "voice", "--index", str(small_index)])
    assert result.exit_code == 0, result.output
    assert _snapshot(small_index) == before


def test_an_index_that_cannot_be_read_for_questions_is_one_clear_line(small_index: Path, monkeypatch) -> None:
    import errno

    from click.testing import CliRunner

    from assistant.cli import main

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    from index.matrix import COLUMNS, MATRIX
    from index.store import IndexStore

    # A generation written before there were vector matrices is read through a private copy of its store.
    generation = IndexStore(small_index).require_current()
    for name in (MATRIX, COLUMNS):
        (generation / name).unlink()
    monkeypatch.setattr("index.vectors.shutil.copytree", full)
    result = CliRunner().invoke(main, ["ask", "Who has a voice?", "--index", str(small_index)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.count("\n") == 1
    assert "cannot read the index file" in result.stderr and "No space left on device" in result.stderr


# --- uploads: a failed version never replaces a good one --------------------------------------------------

NOTE = "---\ntitle: Field notes\n---\n\n1. The observatory counted {n} lighthouse beacons.\n"


def test_a_failed_re_upload_never_replaces_the_stored_file_and_versions_are_kept(tmp_path: Path) -> None:
    from core.errors import GmaError
    from index.store import IndexStore
    from ingest.uploads import UploadStore

    index = tmp_path / "index"
    uploads = UploadStore(index / "uploads")
    target = (index / "uploads").resolve() / "notes.md"
    first = NOTE.format(n="fourteen").encode()

    def served() -> list[str]:
        return [p.text for p in IndexStore(index).passages()]

    assert not uploads.add(Ingestor(index, HashEmbedder()), [(target, first)]).failed
    assert target.read_bytes() == first and served() == ["The observatory counted fourteen lighthouse beacons."]
    assert IndexStore(index).passages()[0].doc.source == str(target), "recorded under its final name"

    report = uploads.add(Ingestor(index, HashEmbedder()), [(target, b"---\ntitle: Nothing\n---\n")])
    assert [(f.path, f.error) for f in report.failed] == [(str(target), "no text found")]
    assert target.read_bytes() == first, "the good version is still stored"
    assert served() == ["The observatory counted fourteen lighthouse beacons."], "and still served"

    with pytest.raises((GmaError, RuntimeError)):  # the ingest itself dies (here: the embedder)
        uploads.add(Ingestor(index, HashEmbedder(fail_after=0)), [(target, NOTE.format(n="nine").encode())])
    assert target.read_bytes() == first

    second = NOTE.format(n="twenty").encode()
    assert not uploads.add(Ingestor(index, HashEmbedder()), [(target, second)]).failed
    assert target.read_bytes() == second and served() == ["The observatory counted twenty lighthouse beacons."]
    versions = uploads.versions()
    assert [(v.name, v.live, v.path.read_bytes()) for v in versions] == [
        ("notes.md", True, second), ("notes.md", False, first)
    ]
    assert not list((index / "uploads" / ".incoming").iterdir()), "nothing left half-written"
