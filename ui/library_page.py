"""Library: what is indexed, adding documents by upload, and reading a document passage by passage.

Uploads are saved only under `<index dir>/uploads/` (bare, checked file names) and ingested like
`gma ingest`: a new index generation is published, which the Assistant picks up on its next use. A file is
moved into place only once its version is indexed; the versions it replaced are kept and listed. That
folder is the upload workspace: its documents are labelled as uploads wherever they are cited, and
"Clear uploads" takes them all out of the index (as `gma remove --uploads`), leaving the corpus as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from assistant.service import Assistant
from core.errors import GmaError
from core.models import Passage, Source
from index.store import UPLOADS_DIR
from ingest.pipeline import Ingestor, IngestReport
from ingest.uploads import UploadStore
from ui import components
from ui.app import current_assistant

# Passages drawn per document in the reader; the longest reports have several hundred.
READER_HEIGHT = 520


def indexed_passages(assistant: Assistant) -> list[Passage]:
    """Every passage of the live index; none (with a note) before the first ingest."""
    try:
        return assistant.current_index().passages
    except GmaError as exc:
        st.info(f"The index is empty: {exc}. Upload documents below to start one.")
        return []


def show_documents(passages: Sequence[Passage]) -> None:
    frame = components.documents_frame(passages)
    st.caption(f"{len(frame)} documents, {len(passages)} passages")
    st.dataframe(
        frame, hide_index=True, width="stretch",
        column_order=["title", "symbol", "type", "date", "passages", "provenance", "doc_id", "file"],
        column_config={"title": st.column_config.TextColumn("title", width="large"),
                       "passages": st.column_config.NumberColumn("passages", width="small")},
    )


def checked_uploads(index_dir: Path, files: Sequence[UploadedFile]) -> list[tuple[Path, UploadedFile]]:
    """The uploads that may be ingested, with where to save them; a clear error for each refused one."""
    accepted = []
    for file in files:
        try:
            accepted.append((components.upload_target(index_dir, file.name, file.size), file))
        except components.UploadRejected as exc:
            st.error(components.escape_label(f"Refused: {exc}"))
    return accepted


def ingest_uploads(assistant: Assistant, accepted: Sequence[tuple[Path, UploadedFile]]) -> IngestReport:
    """Ingest the files with a progress bar; each is moved into uploads/ only once its version is indexed,
    so a version that fails never replaces the stored one the index serves (ingest/uploads.py)."""
    uploads = UploadStore(assistant.settings.index_dir / UPLOADS_DIR)
    files = [(target, file.getvalue()) for target, file in accepted]
    return with_progress(assistant, lambda ingestor: uploads.add(ingestor, files))


def with_progress(assistant: Assistant, run: Callable[[Ingestor], IngestReport]) -> IngestReport:
    """`run` on an Ingestor of the assistant's index, its stages drawn as a progress bar."""
    bar = st.progress(0.0, text="Reading and segmenting…")

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) if total else 1.0, text=f"{stage.capitalize()}: {done} of {total}")

    settings = assistant.settings
    report = run(Ingestor(settings.index_dir, assistant.embedder, progress=progress, chroma_url=settings.chroma_url))
    bar.progress(1.0, text="Done")
    return report


def show_versions(assistant: Assistant) -> None:
    """The stored versions of each upload, the one the index was built from first."""
    versions = UploadStore(assistant.settings.index_dir / UPLOADS_DIR).versions()
    if versions:
        st.subheader("Uploaded files")
        st.dataframe(components.versions_frame(versions), hide_index=True, width="stretch")


def show_report(report: IngestReport) -> None:
    for failure in report.failed:
        st.error(components.escape_label(f"{Path(failure.path).name} was not added: {failure.error}"))
    if report.added or report.updated:
        st.success(
            f"Added {len(report.added)}, updated {len(report.updated)} document(s): {report.passages} passages "
            f"written, {report.total_passages} in the index."
        )
    elif report.unchanged:
        st.info(f"{len(report.unchanged)} file(s) already indexed with the same content; nothing to do.")
    elif not report.failed:
        st.info("No files to read: the index holds none yet.")


def upload_section(assistant: Assistant) -> None:
    st.subheader("Add documents")
    files = st.file_uploader(
        f"PDF, Markdown, plain text or HTML; up to {components.MAX_UPLOAD_MB} MB each",
        accept_multiple_files=True, max_upload_size=components.MAX_UPLOAD_MB, key="library_uploads",
    )
    accepted = checked_uploads(assistant.settings.index_dir, files or [])
    if not accepted or not st.button(f"Add {len(accepted)} file(s) to the index", type="primary", key="library_add"):
        return
    with components.user_errors():
        show_report(ingest_uploads(assistant, accepted))


def clear_uploads_section(assistant: Assistant, passages: Sequence[Passage]) -> bool:
    """The upload workspace's documents, and a button that removes them all from the index and the disk;
    True once they were removed."""
    uploaded = {p.doc.doc_id for p in passages if p.doc.provenance.source is Source.UPLOAD}
    if not uploaded:
        return False
    st.subheader("Upload workspace")
    st.caption(f"{len(uploaded)} uploaded document(s), labelled as uploads wherever they are cited.")
    if not st.button(f"Clear uploads ({len(uploaded)} document(s))", key="clear_uploads"):
        return False
    with components.user_errors():
        settings = assistant.settings
        ingestor = Ingestor(settings.index_dir, assistant.embedder, chroma_url=settings.chroma_url)
        report = ingestor.remove(uploads=True)
        st.success(f"Removed {len(report.removed)} uploaded file(s); {report.total_passages} passages in the index.")
        return True
    return False


def reingest_section(assistant: Assistant) -> None:
    """Read the indexed files again, as `gma ingest` on the same folders would: a file edited on disk is
    re-indexed, the rest cost nothing."""
    st.subheader("Re-ingest")
    if not st.button("Re-ingest the indexed files", key="library_reingest",
                     help="Reads every file the index was built from again; only changed files are re-embedded."):
        return
    with components.user_errors():
        show_report(with_progress(assistant, Ingestor.reingest))


def document_reader(passages: Sequence[Passage]) -> None:
    """Pick a document and read its passages in order, each with its locator."""
    st.subheader("Read a document")
    by_doc: dict[str, list[Passage]] = {}
    for passage in passages:
        by_doc.setdefault(passage.doc.doc_id, []).append(passage)
    if not by_doc:
        return
    labels = {doc_id: f"{ps[0].doc.label} — {ps[0].doc.title}" if ps[0].doc.label != ps[0].doc.title else doc_id
              for doc_id, ps in by_doc.items()}
    doc_ids = sorted(by_doc, key=lambda d: labels[d])
    opened = components.reader_choice(doc_ids, st.session_state.get(components.LAST_DOCUMENT_KEY))
    chosen = st.selectbox("Document", doc_ids, index=opened, format_func=labels.__getitem__)
    if chosen is None:
        return
    chosen_passages = sorted(by_doc[chosen], key=lambda p: p.ordinal)
    doc = chosen_passages[0].doc
    st.caption(components.escape_label(f"{doc.doc_type} · {doc.date or 'undated'} · {len(chosen_passages)} passages"))
    with st.container(height=READER_HEIGHT):
        for passage in chosen_passages:
            st.markdown(f"**{components.escape_text(passage.locator)}** · {components.escape_text(passage.text)}",
                        unsafe_allow_html=True)


def render(assistant: Assistant) -> None:
    st.title("Library")
    documents = st.container()  # filled last, so documents added below appear in the same run
    upload_section(assistant)
    reingest_section(assistant)
    passages = indexed_passages(assistant)
    if clear_uploads_section(assistant, passages):
        passages = indexed_passages(assistant)  # clearing the uploads published a new generation
    with documents:
        show_documents(passages)
    show_versions(assistant)
    document_reader(passages)


if __name__ == "__main__":
    render(current_assistant())
