"""Loading the content folder into a `Library`, reporting every problem in one run.

An editor who fixes one mistake only to be shown the next one gives up, so the loader keeps
going past each problem and returns them all, each with file and line; the library itself is
returned only when there is none, so a broken edit can never reach subscribers. Layout and
format: notes/content_format.md (topics.yaml, briefs/*.yaml, prayers/*.yaml; `.yml` too).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from bot.catalog.bulk import collection_paused, spread
from bot.catalog.entries import BRIEF, PRAYER, plain_length
from bot.catalog.entry_files import AnyKind, EntryChecks, EntryFile, read_entry_files, read_file
from bot.catalog.model import Brief, Entry, Library, Prayer, Topic
from bot.catalog.names import TopicNames
from bot.catalog.problems import Problem
from bot.catalog.protected import FILE_NAME, KEY_ENV, ProtectedNames, read_digests
from bot.catalog.topics import read_topics
from bot.catalog.translations import translation_warnings

log = logging.getLogger(__name__)

TELEGRAM_LIMIT = 4096
_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadResult:
    """The library when the content is sound; otherwise None and everything that is wrong."""

    library: Library | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    locations: dict[str, tuple[Path, dict[str, int]]] = field(default_factory=dict)


def load_library(
    root: Path,
    *,
    max_rendered: Callable[[Entry, str], int] | None = None,
    limit: int = TELEGRAM_LIMIT,
    today: date | None = None,
    names_key: str | None = None,
) -> LoadResult:
    """Read and check the whole library under `root`; `max_rendered` sizes an entry as sent.

    `today` (the system's date by default) is what a news date must not lie after;
    `names_key` unlocks the protected-names list (see `bot.catalog.protected`)."""
    root = Path(root)
    if not root.is_dir():
        return LoadResult(None, [Problem(root, 0, "the content folder does not exist")])
    reader = _Reader(max_rendered or plain_length, limit, today or date.today())
    with collection_paused():
        return _load(root, reader, names_key)


def _load(root: Path, reader: _Reader, names_key: str | None) -> LoadResult:
    warnings = reader.protect(root, names_key)
    topics, names = reader.topics(root / "topics.yaml")
    briefs, prayers = reader.entries(root, names)
    if not reader.problems:  # an empty folder, not one whose files all failed to read
        for kind, found in ((BRIEF, briefs), (PRAYER, prayers)):
            if not found:
                message = f"no {kind.folder} at all: the digest would have nothing to send"
                reader.problems.append(Problem(root / kind.folder, 0, message))
    if reader.problems:
        log.info("content in %s has %d problem(s)", root, len(reader.problems))
        return LoadResult(None, reader.problems, warnings, reader.locations)
    library = Library(tuple(topics), tuple(briefs), tuple(prayers))
    located = {entry: path for entry, (path, _) in reader.locations.items()}
    warnings += translation_warnings(library, root / "topics.yaml", located)
    log.info(
        "loaded %d topics, %d briefs, %d prayers from %s",
        len(topics),
        len(briefs),
        len(prayers),
        root,
    )
    return LoadResult(library, warnings=warnings, locations=reader.locations)


class _Reader:
    """What spans files during one load: the problems so far and where each id was first seen."""

    def __init__(self, measure: Callable[[Entry, str], int], limit: int, today: date) -> None:
        self.problems: list[Problem] = []
        self._today = today
        self._names: ProtectedNames | None = None
        self._measure = measure
        self._limit = limit
        self._first_seen: dict[str, tuple[Path, int]] = {}
        self.locations: dict[str, tuple[Path, dict[str, int]]] = {}

    def protect(self, root: Path, key: str | None) -> list[Problem]:
        """Arm the protected-names check; a warning when the list exists but cannot be read."""
        digests, first_words = read_digests(root)
        if digests and not key:
            message = (
                "protected names were NOT checked: names are listed but "
                f"{KEY_ENV} is not set; set it to the editors' shared key and run the check again"
            )
            return [Problem(root / FILE_NAME, 0, message)]
        if digests and key:
            self._names = ProtectedNames(key, digests, first_words)
        return []

    def topics(self, path: Path) -> tuple[list[Topic], TopicNames | None]:
        if not path.is_file():
            self.problems.append(Problem(path, 0, "the topics file is missing"))
            return [], None
        found, problems = read_file(path, read_topics)
        self.problems.extend(problems)
        return found or ([], None)

    def entries(self, root: Path, names: TopicNames | None) -> tuple[list[Brief], list[Prayer]]:
        """Every brief and prayer file, read in parts side by side when there are many; then
        what spans files: ids used twice, and the protected names found, reported last."""
        work: list[tuple[AnyKind, Path]] = [
            (kind, path) for kind in (BRIEF, PRAYER) for path in _content_files(root / kind.folder)
        ]
        checks = EntryChecks(self._measure, self._limit, self._today, names, self._names)
        weights = [_size(path) for _, path in work]
        parts = spread(partial(read_entry_files, checks), work, weights)
        found: dict[str, list[Entry]] = {BRIEF.name: [], PRAYER.name: []}
        kinds = iter(kind for kind, _ in work)
        for read in (file for part in parts for file in part.files):
            self._check_unique(read)
            self.problems.extend(read.problems)
            found[next(kinds).name].extend(read.entries)
            self.locations.update((i, (read.path, lines)) for i, lines in read.locations.items())
        self.problems.extend(problem for part in parts for problem in part.named)
        briefs = [entry for entry in found[BRIEF.name] if isinstance(entry, Brief)]
        prayers = [entry for entry in found[PRAYER.name] if isinstance(entry, Prayer)]
        return briefs, prayers

    def _check_unique(self, read: EntryFile) -> None:
        duplicates = []
        for used in read.ids:
            first = self._first_seen.setdefault(used.entry_id, (read.path, used.entry_line))
            if first != (read.path, used.entry_line):
                message = f"duplicate id '{used.entry_id}' (first used at {first[0]}:{first[1]})"
                duplicates.append(Problem(read.path, used.id_line, message))
        if duplicates:
            read.problems = sorted([*read.problems, *duplicates], key=lambda p: p.line)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _content_files(folder: Path) -> list[Path]:
    """YAML files under `folder`, in a stable order; hidden files and folders are skipped,
    and so are other files. (`os.walk` rather than `Path.rglob`: a tenth of the time on a
    library of thousands of files.)"""
    found = []
    for parent, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found += [
            Path(parent, name)
            for name in files
            if name.endswith(_SUFFIXES) and not name.startswith(".")
        ]
    return sorted(path for path in found if path.is_file())
