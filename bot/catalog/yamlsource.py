"""Reading one content file into a YAML node tree that remembers where everything was.

The loader works on composed nodes rather than constructed Python values for two reasons:
each node carries its line, so every problem can point at the spot to fix; and nothing is
converted behind our back (PyYAML would turn `2019-02-30` into an exception, `No` into False
and `2019-06` into a string but `2019-06-14` into a date), so the field readers see exactly the
text the editor typed. libyaml's C composer is used when PyYAML was built with it.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.nodes import Node, ScalarNode, SequenceNode

from bot.catalog.problems import Problem

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Tags plain scalars as text, or null when empty: the readers look at nothing else, and
    PyYAML's own resolver, a dozen patterns tried on every scalar, was a tenth of a load."""

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            plain = implicit[0] and isinstance(value, str)
            return _NULL_TAG if plain and value in _NULLS else _STR_TAG
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG


_NULL_TAG, _STR_TAG = "tag:yaml.org,2002:null", "tag:yaml.org,2002:str"
_SEQ_TAG, _MAP_TAG = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_COLON_IN_VALUE = re.compile(r"\s*-?\s*([A-Za-z_]+): [^\"'].*: ")

MAX_FILE_BYTES = 1_000_000  # one content file; the whole shipped library is a fraction


def read_yaml(path: Path) -> tuple[Node | None, list[Problem]]:
    """Compose `path`; on failure return no node and the one problem that stopped reading.

    A file over `MAX_FILE_BYTES` is not parsed at all: a 40 MB file held the bot for two
    minutes, and no editor writes briefs that long by hand."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // 1_000_000
            message = f"too large ({size / 1e6:.1f} MB; at most {limit} MB a file: split it)"
            return None, [Problem(path, 0, message)]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(path, 0, f"cannot read the file: {exc.strerror}")]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [Problem(path, line, "the file is not UTF-8 text; save it as UTF-8")]
    try:
        node = yaml.compose(data, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        line = _error_line(exc)
        return None, [Problem(path, line, _syntax_message(exc, _line_text(data, line)))]
    except yaml.YAMLError as exc:  # a ReaderError: a character YAML forbids
        position = getattr(exc, "position", 0)
        line = data.count(b"\n", 0, position) + 1
        reason = getattr(exc, "reason", exc)
        return None, [Problem(path, line, f"YAML cannot read this file: {reason}")]
    if node is None:
        return None, [Problem(path, 1, "the file is empty")]
    return node, []


def _error_line(exc: yaml.MarkedYAMLError) -> int:
    mark = exc.problem_mark or exc.context_mark
    return mark.line + 1 if mark else 1


def _line_text(data: bytes, line: int) -> str:
    lines = data.decode("utf-8", errors="replace").splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _syntax_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    """PyYAML's words, unless the mistake is one editors make often: then say what to do."""
    problem = exc.problem or ""
    if "mapping values are not allowed" in problem and _COLON_IN_VALUE.match(text):
        key = _COLON_IN_VALUE.match(text).group(1)  # type: ignore[union-attr]
        return (
            f"the value of '{key}' contains ': ' (a colon and a space), which YAML reads as a "
            f'new field; put the whole value in double quotes, e.g. {key}: "..."'
        )
    if "expected key" in problem and text[: len(text) - len(text.lstrip())]:
        return (
            "this line is indented differently from the fields above it; every field of an "
            "entry starts in the same column (use spaces, not tabs)"
        )
    message = f"YAML syntax error: {exc.problem or exc.context}"
    if exc.context and exc.problem and exc.context_mark:
        message += f" ({exc.context} on line {exc.context_mark.line + 1})"
    return message
