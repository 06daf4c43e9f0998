"""Domain errors. Each message is one sentence a user can act on; the CLI and UI show it as is."""

from __future__ import annotations

from pathlib import Path


class GmaError(Exception):
    """Base class of every error the assistant reports to a user instead of a traceback."""


class ReadError(GmaError):
    """A file could not be turned into a document; names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class IndexNotFoundError(GmaError):
    """No index exists where one was expected."""

    def __init__(self, index_dir: Path | str) -> None:
        super().__init__(
            f"no index at {index_dir}: run `gma ingest PATH` first, or point --index / GMA_HOME at an existing one"
        )


class IndexBusyError(GmaError):
    """Another process is writing the index."""

    def __init__(self, index_dir: Path | str) -> None:
        super().__init__(f"another ingest is writing {index_dir}; wait for it to finish and try again")


class IndexDamagedError(GmaError):
    """A file of the live index generation is missing or unreadable (truncated, edited, half-copied)."""

    def __init__(self, file: Path | str, reason: str) -> None:
        super().__init__(
            f"the index file {file} is damaged ({reason}): rebuild the index with `gma ingest PATH` into a new "
            "--index folder, or delete this one and ingest again"
        )


class IndexOutdatedError(GmaError):
    """The live index was written in an older format than this version reads."""

    def __init__(self, index_dir: Path | str) -> None:
        super().__init__(
            f"the index at {index_dir} was built before documents recorded their provenance: rebuild it with "
            f"`gma ingest PATH --index {index_dir}` (every document is read again)"
        )


class IndexWriteError(GmaError):
    """A new index generation could not be written (disk full, read-only folder); the live one is intact."""

    def __init__(self, index_dir: Path | str, reason: str) -> None:
        super().__init__(f"cannot write the index at {index_dir} ({reason}); the previous index is unchanged")


class IndexReadError(GmaError):
    """An index file that exists could not be read or copied for reading (permissions, a full temporary disk)."""

    def __init__(self, file: Path | str, reason: str) -> None:
        super().__init__(
            f"cannot read the index file {file} ({reason}); the index itself is unchanged: free space in the "
            "temporary folder (TMPDIR) or fix the permissions, and ask again"
        )


class ConfigError(GmaError):
    """A setting (flag or environment variable) has a value that cannot work."""


class QuestionError(GmaError):
    """A question or query that cannot be searched: empty or too long."""


class ChromaServerError(GmaError):
    """The Chroma server named by GMA_CHROMA_URL does not answer."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            f"cannot reach the Chroma server at {url} (GMA_CHROMA_URL): start it (`chroma run --path DIR --port N`) "
            "or unset GMA_CHROMA_URL to use the embedded store"
        )


class FetchError(GmaError):
    """A document could not be downloaded."""
