"""Reading brief and prayer files, each on its own: everything the loader checks that needs
no other file.

What spans files (an id used twice, the order of problems) is left to the loader, so a large
library can be read in parts side by side (`bot.catalog.bulk`) and come out the same as
when read in one go.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TypeVar

from yaml.nodes import MappingNode, Node, SequenceNode

from bot.catalog.entries import EntryKind
from bot.catalog.fields import Fields, Report, describe, line_of
from bot.catalog.model import Brief, Entry, Prayer
from bot.catalog.names import TopicNames
from bot.catalog.problems import Problem
from bot.catalog.protected import ProtectedNames
from bot.catalog.translations import NAMES, SOURCE_LANGUAGE
from bot.catalog.yamlsource import read_yaml

T = TypeVar("T")
AnyKind = EntryKind[Brief] | EntryKind[Prayer]


@dataclass(frozen=True)
class EntryChecks:
    """What every entry is checked against, the same for every file of one load."""

    measure: Callable[[Entry, str], int]  # an entry's size as sent, in a language
    limit: int
    today: date
    topics: TopicNames | None
    protected: ProtectedNames | None


@dataclass(frozen=True)
class EntryId:
    """Where an id was used: the entry's first line, and the line of its `id` field."""

    entry_id: str
    entry_line: int
    id_line: int


@dataclass
class EntryFile:
    """One file as read: its sound entries, its problems, the ids it uses and field lines."""

    path: Path
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ids: list[EntryId] = field(default_factory=list)
    locations: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class EntryFiles:
    """A run of files as read, and the protected names found in them (reported last)."""

    files: list[EntryFile]
    named: list[Problem]


def read_file(path: Path, handle: Callable[[Node, Report], T]) -> tuple[T | None, list[Problem]]:
    """Run `handle` over the file's node tree; the file's problems come back in line order."""
    node, problems = read_yaml(path)

    def report(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    result = handle(node, report) if node is not None else None
    problems.sort(key=lambda problem: problem.line)
    return result, problems


def read_entry_files(checks: EntryChecks, work: Sequence[tuple[AnyKind, Path]]) -> EntryFiles:
    """Read each (kind, file) of `work`; the protected names are searched in all at once."""
    named: list[tuple[Path, int, str, str]] = []  # (file, line, field, text)
    files = []
    for kind, path in work:
        read = EntryFile(path)
        handle = partial(_entries_in, checks=checks, kind=kind, read=read, named=named)
        found, read.problems = read_file(path, handle)
        read.entries = found or []
        files.append(read)
    return EntryFiles(files, _protected_names_in(checks.protected, named))


def _entries_in(
    node: Node,
    report: Report,
    *,
    checks: EntryChecks,
    kind: AnyKind,
    read: EntryFile,
    named: list[tuple[Path, int, str, str]],
) -> list[Entry]:
    entries: list[Entry] = []
    alone = isinstance(node, MappingNode)
    for item in _entry_nodes(node, report, kind):
        fields = Fields(item, kind.fields, report)
        entry_id = fields.slug("id")
        if entry_id is not None:
            id_node = fields.node("id", required=False)
            read.ids.append(EntryId(entry_id, fields.line, line_of(id_node) if id_node else 0))
            if alone and read.path.stem != entry_id:
                fields.problem(
                    id_node,
                    f"the file is named '{read.path.name}' but holds the {kind.name} "
                    f"'{entry_id}'; rename the file to '{entry_id}{read.path.suffix}' "
                    "(a file with one entry is named after its id)",
                )
        entry = kind.read(fields, entry_id, checks.topics)
        if entry_id is not None:
            read.locations[entry_id] = fields.lines()
        if entry is not None:
            _check_size(fields, kind, entry, checks)
            _check_house_rules(fields, kind, entry, read.path, checks)
            if checks.protected is not None:
                for name in kind.fields:
                    field_node = fields.node(name, required=False)
                    if field_node is not None:
                        named.append((read.path, line_of(field_node), name, _text(field_node)))
        if entry is not None and not fields.failed:
            entries.append(entry)
    return entries


def _check_house_rules(
    fields: Fields, kind: AnyKind, entry: Entry, path: Path, checks: EntryChecks
) -> None:
    """Rules that need more than the entry: today's date and the file it lives in."""
    if isinstance(entry, Brief) and entry.date is not None and entry.date.earliest > checks.today:
        fields.problem(
            fields.node("date", required=False),
            f"the date {entry.date} lies in the future; 'date' says when the news "
            "happened (use 'send_on' for the day it should go out)",
        )
    topic = path.stem
    named_for_topic = checks.topics is not None and checks.topics.slug_for(topic) == topic
    if isinstance(entry, Prayer) and named_for_topic and topic not in entry.topics:
        fields.problem(
            fields.node("topics", required=False),
            f"this prayer lives in '{path.name}' but is not tagged '{topic}'; "
            f"add '{topic}' to its topics or move it to the right file",
        )


def _check_size(fields: Fields, kind: AnyKind, entry: Entry, checks: EntryChecks) -> None:
    """Every language of the entry must fit in one message."""
    for language in (SOURCE_LANGUAGE, *(t.language for t in entry.translations)):
        size = checks.measure(entry, language)
        if size > checks.limit:
            which = f" in {NAMES[language]}" if language != SOURCE_LANGUAGE else ""
            fields.problem(
                None,
                f"{kind.name} '{entry.id}' is too long for one message{which}: "
                f"{size} characters, the limit is {checks.limit}",
            )


def _protected_names_in(
    protected: ProtectedNames | None, named: list[tuple[Path, int, str, str]]
) -> list[Problem]:
    """Every field read, searched for the protected names in one pass."""
    if protected is None:
        return []
    return [
        Problem(
            path,
            line,
            f"'{name}' contains a name on the protected list (a person at risk); "
            "remove it or write 'a defector', 'one woman' instead",
        )
        for path, line, name, _ in (
            named[index] for index in protected.found_in_each([text for *_, text in named])
        )
    ]


def _text(node: Node) -> str:
    """All the text a field holds, a list's items and a translation's fields included."""
    if isinstance(node, SequenceNode):
        return " . ".join(_text(item) for item in node.value)
    if isinstance(node, MappingNode):
        return " . ".join(_text(value) for _, value in node.value)
    return str(node.value) if isinstance(node.value, str) else ""


def _entry_nodes(node: Node, report: Report, kind: AnyKind) -> list[MappingNode]:
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
