"""The catalog currently being served, and reloading it without ever serving a broken one.

Handlers hold a `LiveCatalog` and read `.current` on each request, so a reload that succeeds
is visible at once and a reload that fails changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from bot.catalog.catalog import Catalog
from bot.catalog.loader import LoadResult, load_library
from bot.catalog.problems import Problem

log = logging.getLogger(__name__)

MAX_DROP = 0.5  # share of briefs or prayers a reload may remove without being forced


class LiveCatalog:
    def __init__(self, root: Path, load: Callable[[Path], LoadResult] = load_library) -> None:
        self.root = root
        self._load = load
        self._current: Catalog | None = None
        self.version = ""  # of the library served: the first 12 hex digits of its files' hash
        self.failed_reloads = 0  # since start, for /metrics
        self.problems = 0  # in the last load attempt (0 once one succeeds)

    @property
    def current(self) -> Catalog:
        if self._current is None:
            raise RuntimeError("the catalog has not been loaded")
        return self._current

    def reload(self, force: bool = False) -> LoadResult:
        """Load the library again; keep the previous catalog if the new one has problems, or
        (unless `force`) if it would drop more than half of the briefs or prayer points
        served now: that is a folder half copied or wrongly pointed at, far more often than
        an editor's intent. Safe to call from a worker thread: the swap is one assignment."""
        version = content_version(self.root)
        result = self._load(self.root)
        if result.library is not None and self._current is not None and not force:
            result = _refuse_big_drop(result, self._current, self.root)
        self.problems = len(result.problems)
        if result.library is None:
            self.failed_reloads += 1
            log.warning("content reload failed with %d problem(s)", len(result.problems))
        else:
            self._current = Catalog(result.library)
            self.version = version
            log.info("content %s loaded from %s", version, self.root)
        return result


def content_version(root: Path) -> str:
    """Which edition of the library a folder holds: a hash of every YAML file's name and
    bytes, read before loading, so an edit made during the load reads as a newer version."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.y*ml")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        try:
            digest.update(path.read_bytes() + b"\0")
        except OSError:
            continue  # the loader reports it
    return digest.hexdigest()[:12]


def _refuse_big_drop(result: LoadResult, served: Catalog, root: Path) -> LoadResult:
    """`result`, or a refusal naming what would go if it drops more than `MAX_DROP`."""
    assert result.library is not None
    problems = []
    for noun, before, after in (
        ("briefs", len(served.briefs), len(result.library.briefs)),
        ("prayer points", len(served.prayers), len(result.library.prayers)),
    ):
        if before and (before - after) / before > MAX_DROP:
            message = (
                f"the new content has {after} {noun} where {before} are served now; "
                "nothing was changed. Send /reload force if that is meant"
            )
            problems.append(Problem(root, 0, message))
    return LoadResult(None, problems, result.warnings) if problems else result
