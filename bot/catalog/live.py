"""The catalog currently being served, and reloading it without ever serving a broken one.

Handlers hold a `LiveCatalog` and read `.current` on each request, so a reload that succeeds
is visible at once and a reload that fails changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from bot.catalog.catalog import Catalog
from bot.catalog.loader import LoadResult, load_library

log = logging.getLogger(__name__)


class LiveCatalog:
    def __init__(self, root: Path, load: Callable[[Path], LoadResult] = load_library) -> None:
        self.root = root
        self._load = load
        self._current: Catalog | None = None

    @property
    def current(self) -> Catalog:
        if self._current is None:
            raise RuntimeError("the catalog has not been loaded")
        return self._current

    def reload(self) -> LoadResult:
        """Load the library again; keep the previous catalog if the new one has problems."""
        result = self._load(self.root)
        if result.library is None:
            log.warning("content reload failed with %d problem(s)", len(result.problems))
        else:
            self._current = Catalog(result.library)
            log.info("content loaded from %s", self.root)
        return result
