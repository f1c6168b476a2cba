"""Typed readers for the fields of one YAML mapping, each recording what is wrong with it.

A reader never raises: it records a located problem and returns None, so one pass over a file
finds every problem in it instead of stopping at the first. `Fields.failed` then tells the
caller whether the value object can be built.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeVar
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.catalog.dates import parse_partial_date, parse_send_on
from bot.catalog.model import PartialDate, SendOn
from bot.catalog.names import did_you_mean, is_slug

Report = Callable[[int, str], None]
V = TypeVar("V")
_NULL_TAG = "tag:yaml.org,2002:null"


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def describe(node: Node) -> str:
    """How an editor would name what they wrote, for "must be text, not a list" messages."""
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping (key: value pairs)"
    return "text"


def _is_web_address(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. a malformed IPv6 host
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text


class Fields:
    """The fields of one entry, read once; unknown and repeated keys are reported up front."""

    def __init__(self, node: MappingNode, allowed: Collection[str], report: Report) -> None:
        self.line = line_of(node)
        self.failed = False
        self._report = report
        self._nodes: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, f"a field name must be text, not {describe(key_node)}")
            elif key_node.value not in allowed:
                key = key_node.value
                self.problem(key_node, f"unknown field '{key}'{did_you_mean(key, allowed)}")
            elif key_node.value in self._nodes:
                key, first = key_node.value, line_of(self._nodes[key_node.value])
                self.problem(key_node, f"field '{key}' is given twice (first on line {first})")
            else:
                self._nodes[key_node.value] = value_node

    def lines(self) -> dict[str, int]:
        """The line each field starts on, for findings reported after loading."""
        return {name: line_of(node) for name, node in self._nodes.items()}

    def problem(self, node: Node | None, message: str) -> None:
        self.failed = True
        self._report(line_of(node) if node is not None else self.line, message)

    def node(self, name: str, *, required: bool) -> Node | None:
        node = self._nodes.get(name)
        if node is None and required:
            self.problem(None, f"missing field '{name}'")
        return node

    def section(self, name: str, allowed: Collection[str]) -> Fields | None:
        """An optional nested mapping (a translation), read with the same reporting; its
        problems fail this entry too."""
        node = self.node(name, required=False)
        if node is None:
            return None
        if not isinstance(node, MappingNode):
            self.problem(node, f"'{name}' must be a mapping of fields, not {describe(node)}")
            return None
        return Fields(node, allowed, self._nested_report)

    def _nested_report(self, line: int, message: str) -> None:
        self.failed = True
        self._report(line, message)

    def text(self, name: str, *, required: bool = True, one_line: bool = False) -> str | None:
        node = self.node(name, required=required)
        return None if node is None else self._scalar_text(name, node, one_line=one_line)

    def slug(self, name: str) -> str | None:
        value = self.text(name, one_line=True)
        if value is not None and not is_slug(value):
            self.problem(self._nodes[name], f"{name} '{value}' may only use a-z, 0-9 and '-'")
            return None
        return value

    def texts(self, name: str, *, required: bool = True) -> list[tuple[str, Node]] | None:
        """A list of one-line texts, each with its node so later checks can point at it."""
        node = self.node(name, required=required)
        if node is None:
            return None
        if not isinstance(node, SequenceNode):
            self.problem(node, f"'{name}' must be a list, e.g. [a, b], not {describe(node)}")
            return None
        if not node.value:
            self.problem(node, f"field '{name}' is empty")
            return None
        items = [(self._scalar_text(name, item, one_line=True), item) for item in node.value]
        return [(text, item) for text, item in items if text is not None]

    def date(self, name: str) -> PartialDate | None:
        return self._parsed(name, parse_partial_date, "bad date", required=True)

    def send_on(self, name: str) -> SendOn | None:
        return self._parsed(name, parse_send_on, "bad send_on date", required=False)

    def link(self, name: str) -> str | None:
        value = self.text(name, required=False, one_line=True)
        if value is None:
            return None
        if not _is_web_address(value):
            self.problem(self._nodes[name], f"{name} '{value}' is not an http(s) web address")
            return None
        return value

    def _parsed(
        self, name: str, parse: Callable[[str], V], what: str, *, required: bool
    ) -> V | None:
        value = self.text(name, required=required, one_line=True)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.problem(self._nodes[name], f"{what} '{value}': {exc}")
            return None

    def _scalar_text(self, name: str, node: Node, *, one_line: bool) -> str | None:
        if not isinstance(node, ScalarNode):
            self.problem(node, f"'{name}' must be text, not {describe(node)}")
            return None
        value = "" if node.tag == _NULL_TAG else node.value.strip()
        if not value:
            self.problem(node, f"field '{name}' is empty")
            return None
        if one_line and "\n" in value:
            self.problem(node, f"'{name}' must be on one line")
            return None
        return value
