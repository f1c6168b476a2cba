"""Reading a config file as YAML while remembering where each setting was written.

PyYAML's `safe_load` forgets positions, so a problem found later could only name the key. Here
the file is composed into nodes and turned into plain values by walking them, recording the
line of every key on the way: `lines[("delivery", "concurrency")]` is where that key was
typed. The walk also keeps each plain scalar's original text, because YAML 1.1 turns some
values that look like text into numbers (`7:30` is the sexagesimal 450, `0730` octal 472):
`original[path]` lets the settings that are text at heart read what the operator wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass
class Source:
    """A config file's values with the line of each key (1-based) and the raw scalar texts."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    original: dict[Path, str] = field(default_factory=dict)
    duplicates: list[tuple[Path, int, int]] = field(default_factory=list)

    def line_of(self, path: Path) -> int | None:
        """The line of `path`, or of the nearest enclosing key that was written."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def read_source(text: str) -> Source:
    """Parse `text`; yaml.YAMLError for text that is not YAML (it carries the mark)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        source = Source(data=None)
        if node is not None:
            source.data = _value(loader, node, (), source)
        return source
    finally:
        loader.dispose()


def _value(loader: yaml.SafeLoader, node: yaml.Node, path: Path, source: Source) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves YAML merge keys (`<<: *defaults`)
        values: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key = key if isinstance(key, str) else str(key)
            here = (*path, key)
            line = key_node.start_mark.line + 1
            if key in values:
                source.duplicates.append((here, source.lines[here], line))
            source.lines[here] = line
            values[key] = _value(loader, value_node, here, source)
        return values
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            source.lines.setdefault((*path, index), item.start_mark.line + 1)
            items.append(_value(loader, item, (*path, index), source))
        return items
    if isinstance(node, yaml.ScalarNode) and node.style is None:
        source.original[path] = node.value
    return loader.construct_object(node, deep=True)
