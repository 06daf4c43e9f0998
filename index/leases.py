"""The live version of an index shared by many threads: each reader holds the version it started on.

A long-running process (the UI, the HTTP server) answers questions in several threads while an ingest
publishes new generations. Each question leases the live version for its whole length; when a newer one is
published the next lease opens it, and the version it replaces is closed (its Chroma client, memory and hold
on the folder released) as soon as its last reader is done, never under a reader.

    >>> leases = Leases(lambda: SearchIndex.open(Path(".gma")))  # doctest: +SKIP
    >>> with leases.hold() as index: ...  # doctest: +SKIP
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, Protocol, TypeVar


class Version(Protocol):
    """What a leased version offers: whether a newer one exists, and how to release it."""

    def is_stale(self) -> bool: ...

    def close(self) -> None: ...


V = TypeVar("V", bound=Version)


class Leases(Generic[V]):
    """Opens the live version on first use and again once it is stale; counts the readers of each."""

    def __init__(self, open_version: Callable[[], V]) -> None:
        self._open_version = open_version
        self._lock = threading.Lock()
        self._live: V | None = None
        self._readers: dict[int, int] = {}  # id(version) -> readers holding it
        self._retired: dict[int, V] = {}  # replaced versions still being read

    @contextmanager
    def hold(self) -> Iterator[V]:
        """The live version, which stays open until the block ends even if a newer one is published."""
        version = self._acquire()
        try:
            yield version
        finally:
            self._release(version)

    def peek(self) -> V:
        """The live version without a lease: for what stays readable after it is closed (its passages)."""
        with self.hold() as version:
            return version

    def close(self) -> None:
        """Close the live version once its readers are done (the process is ending)."""
        with self._lock:
            live, self._live = self._live, None
            if live is not None:
                self._retire(live)

    def open_versions(self) -> int:
        """How many versions are open: the live one and the replaced ones still being read."""
        with self._lock:
            return len(self._retired) + (self._live is not None)

    def _acquire(self) -> V:
        with self._lock:
            if self._live is None or self._live.is_stale():
                fresh = self._open_version()  # may raise: the previous version, if any, stays live
                if self._live is not None:
                    self._retire(self._live)
                self._live = fresh
            self._readers[id(self._live)] = self._readers.get(id(self._live), 0) + 1
            return self._live

    def _release(self, version: V) -> None:
        with self._lock:
            key = id(version)
            self._readers[key] -= 1
            if self._readers[key] == 0:
                del self._readers[key]
                if self._retired.pop(key, None) is not None:
                    version.close()

    def _retire(self, version: V) -> None:
        """Called with the lock held: close now if nobody reads it, else when its last reader is done."""
        if id(version) in self._readers:
            self._retired[id(version)] = version
        else:
            version.close()
