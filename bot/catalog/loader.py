"""Loading the content folder into a `Library`, reporting every problem in one run.

An editor who fixes one mistake only to be shown the next one gives up, so the loader keeps
going past each problem and returns them all, each with file and line; the library itself is
returned only when there is none, so a broken edit can never reach subscribers. Layout and
format: notes/content_format.md (topics.yaml, briefs/*.yaml, prayers/*.yaml; `.yml` too).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TypeVar

from yaml.nodes import MappingNode, Node, SequenceNode

from bot.catalog.entries import BRIEF, PRAYER, E, EntryKind, plain_length
from bot.catalog.fields import Fields, Report, describe, line_of
from bot.catalog.model import Brief, Entry, Library, Prayer, Topic
from bot.catalog.names import TopicNames
from bot.catalog.problems import Problem
from bot.catalog.protected import FILE_NAME, KEY_ENV, ProtectedNames, read_digests
from bot.catalog.topics import read_topics
from bot.catalog.translations import NAMES, SOURCE_LANGUAGE, translation_warnings
from bot.catalog.yamlsource import read_yaml

log = logging.getLogger(__name__)

TELEGRAM_LIMIT = 4096
_SUFFIXES = (".yaml", ".yml")
T = TypeVar("T")


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
    warnings = reader.protect(root, names_key)
    topics, names = reader.topics(root / "topics.yaml")
    briefs = reader.entries(root, BRIEF, names)
    prayers = reader.entries(root, PRAYER, names)
    reader.search_protected_names()
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
        self._named: list[tuple[Path, int, str, str]] = []  # (file, line, field, text)
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

    def search_protected_names(self) -> None:
        """Every field read, searched for the protected names in one pass over the library."""
        if self._names is None:
            return
        for index in self._names.found_in_each([text for *_, text in self._named]):
            path, line, name, _ = self._named[index]
            self.problems.append(
                Problem(
                    path,
                    line,
                    f"'{name}' contains a name on the protected list (a person at risk); "
                    "remove it or write 'a defector', 'one woman' instead",
                )
            )

    def topics(self, path: Path) -> tuple[list[Topic], TopicNames | None]:
        if not path.is_file():
            self.problems.append(Problem(path, 0, "the topics file is missing"))
            return [], None
        return self._read(path, read_topics) or ([], None)

    def entries(self, root: Path, kind: EntryKind[E], names: TopicNames | None) -> list[E]:
        entries: list[E] = []
        for path in _content_files(root / kind.folder):
            read = partial(self._entries_in, path=path, kind=kind, names=names)
            entries.extend(self._read(path, read) or ())
        return entries

    def _read(self, path: Path, handle: Callable[[Node, Report], T]) -> T | None:
        """Run `handle` over the file's node tree; file problems are kept in line order."""
        node, problems = read_yaml(path)

        def report(line: int, message: str) -> None:
            problems.append(Problem(path, line, message))

        result = handle(node, report) if node is not None else None
        problems.sort(key=lambda problem: problem.line)
        self.problems.extend(problems)
        return result

    def _entries_in(
        self,
        node: Node,
        report: Report,
        *,
        path: Path,
        kind: EntryKind[E],
        names: TopicNames | None,
    ) -> list[E]:
        entries: list[E] = []
        alone = isinstance(node, MappingNode)
        for item in _entry_nodes(node, report, kind):
            fields = Fields(item, kind.fields, report)
            entry_id = fields.slug("id")
            if entry_id is not None:
                self._check_unique(fields, entry_id, (path, fields.line))
                if alone and path.stem != entry_id:
                    fields.problem(
                        fields.node("id", required=False),
                        f"the file is named '{path.name}' but holds the {kind.name} "
                        f"'{entry_id}'; rename the file to '{entry_id}{path.suffix}' "
                        "(a file with one entry is named after its id)",
                    )
            entry = kind.read(fields, entry_id, names)
            if entry_id is not None:
                self.locations[entry_id] = (path, fields.lines())
            if entry is not None:
                self._check_size(fields, kind, entry)
                self._check_house_rules(fields, kind, entry, path, names)
            if entry is not None and not fields.failed:
                entries.append(entry)
        return entries

    def _check_unique(self, fields: Fields, entry_id: str, where: tuple[Path, int]) -> None:
        first = self._first_seen.setdefault(entry_id, where)
        if first != where:
            fields.problem(
                fields.node("id", required=False),
                f"duplicate id '{entry_id}' (first used at {first[0]}:{first[1]})",
            )

    def _check_house_rules(
        self,
        fields: Fields,
        kind: EntryKind[E],
        entry: Entry,
        path: Path,
        names: TopicNames | None,
    ) -> None:
        """Rules that need more than the entry: today's date, the file it lives in, the list of
        protected names."""
        if self._names is not None:  # searched all at once, by `search_protected_names`
            for name in kind.fields:
                node = fields.node(name, required=False)
                if node is not None:
                    self._named.append((path, line_of(node), name, _node_text(node)))
        if (
            isinstance(entry, Brief)
            and entry.date is not None
            and entry.date.earliest > self._today
        ):
            fields.problem(
                fields.node("date", required=False),
                f"the date {entry.date} lies in the future; 'date' says when the news "
                "happened (use 'send_on' for the day it should go out)",
            )
        topic = path.stem
        named_for_topic = names is not None and names.slug_for(topic) == topic
        if isinstance(entry, Prayer) and named_for_topic and topic not in entry.topics:
            fields.problem(
                fields.node("topics", required=False),
                f"this prayer lives in '{path.name}' but is not tagged '{topic}'; "
                f"add '{topic}' to its topics or move it to the right file",
            )

    def _check_size(self, fields: Fields, kind: EntryKind[E], entry: Entry) -> None:
        """Every language of the entry must fit in one message."""
        for language in (SOURCE_LANGUAGE, *(t.language for t in entry.translations)):
            size = self._measure(entry, language)
            if size > self._limit:
                which = f" in {NAMES[language]}" if language != SOURCE_LANGUAGE else ""
                fields.problem(
                    None,
                    f"{kind.name} '{entry.id}' is too long for one message{which}: "
                    f"{size} characters, the limit is {self._limit}",
                )


def _node_text(node: Node) -> str:
    """All the text a field holds, a list's items and a translation's fields included."""
    if isinstance(node, SequenceNode):
        return " . ".join(_node_text(item) for item in node.value)
    if isinstance(node, MappingNode):
        return " . ".join(_node_text(value) for _, value in node.value)
    return str(node.value) if isinstance(node.value, str) else ""


def _entry_nodes(node: Node, report: Report, kind: EntryKind[E]) -> list[MappingNode]:
    """The entries of one file, which holds either one entry or a list of them."""
    if isinstance(node, MappingNode):
        return [node]
    if not isinstance(node, SequenceNode):
        report(
            line_of(node),
            f"expected a {kind.name} (fields) or a list of {kind.folder}, not {describe(node)}",
        )
        return []
    if not node.value:
        report(line_of(node), f"the list holds no {kind.folder}")
    entries = []
    for item in node.value:
        if isinstance(item, MappingNode):
            entries.append(item)
        else:
            report(
                line_of(item),
                f"each {kind.name} must be a mapping of fields, not {describe(item)}",
            )
    return entries


def _content_files(folder: Path) -> list[Path]:
    """YAML files under `folder`, in a stable order; hidden files and other files are skipped."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.rglob("*")
        if path.suffix in _SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
        and path.is_file()
    )
