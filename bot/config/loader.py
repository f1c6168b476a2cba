"""`load_config`: read a config file, check every key, and report every problem at once.

Operators are not Python developers, so a mistake comes back as
`config.yaml:44: delivery.concurrency: expected a whole number, got 'eight'`, all of them in
one go, and stops the process before it touches the database.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from bot.config.model import TYPED_AS_TEXT, Config
from bot.config.moved import Move, move_old_keys
from bot.config.problems import describe, kind_of, name_of
from bot.config.source import Path as KeyPath
from bot.config.source import Source, read_source


class ConfigError(Exception):
    """Every problem found in a config file, one per line (`file:line: key: what is wrong`).

    `content_dir` is where the content library is, when the file says so validly despite its
    other problems (or leaves the default): `briefbot check` still checks the content there
    instead of reporting a folder the file never meant.
    """

    def __init__(self, problems: list[str], content_dir: Path | None = None) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.content_dir = content_dir


def load_config(path: Path | None) -> Config:
    """Read and check `path`; with no path, the defaults (relative to the working directory).
    Paths come back absolute, so every message that names one says where it really is."""
    if path is None:
        return _relative_to(Config(), Path.cwd())
    source = _read(path)
    data = {} if source.data is None else source.data
    if not isinstance(data, dict):
        raise ConfigError(
            [f"{path}:1: the file: expected a mapping of settings, got {kind_of(data)}"]
        )
    _take_typed_text(data, source)
    _empty_sections(data)
    moves = move_old_keys(data)
    problems: list[tuple[int | None, str]] = [
        (second, f"{name_of(key)}: set twice (first on line {first}); write it once")
        for key, first, second in source.duplicates
    ]
    problems += _validation_problems(data, source, moves)
    if problems:
        lines = [f"{path}:{n}: {text}" if n else f"{path}: {text}" for n, text in problems]
        raise ConfigError(
            sorted(dict.fromkeys(lines), key=_line_number),
            _content_dir(data, problems, path.parent),
        )
    config = _relative_to(Config.model_validate(data), path.parent)
    config._warnings = tuple(_notice(path, source, move) for move in moves)
    return config


def _read(path: Path) -> Source:
    try:
        return read_source(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such config file"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"{path}: cannot read it ({error})"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(
            [f"{where}: not valid YAML ({getattr(error, 'problem', None) or error})"]
        ) from None


def _take_typed_text(data: dict[str, Any], source: Source) -> None:
    """`delivery_time: 7:30` unquoted is 450 to YAML 1.1; the operator meant "7:30"."""
    for key in TYPED_AS_TEXT:
        typed = source.original.get(key)
        (name,) = key
        if typed is not None and not isinstance(data.get(name), str):
            data[name] = typed


def _empty_sections(data: dict[str, Any]) -> None:
    """A section whose settings are all commented out (`telegram:` alone) means defaults."""
    for name, info in Config.model_fields.items():
        annotation = info.annotation
        is_section = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if is_section and name in data and data[name] is None:
            data[name] = {}


def _validation_problems(
    data: dict[str, Any], source: Source, moves: list[Move]
) -> list[tuple[int | None, str]]:
    try:
        Config.model_validate(data)
    except ValidationError as error:
        written_at = {move.new: move.old for move in moves if move.used}
        problems = []
        for details in error.errors():
            key, text = describe(Config, details, _value_at(data, tuple(details["loc"])))
            key = written_at.get(key, key)
            problems.append((source.line_of(key), f"{name_of(key)}: {text}"))
        return problems
    return []


def _value_at(data: Any, loc: KeyPath) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _notice(path: Path, source: Source, move: Move) -> str:
    where = f"{path}:{source.line_of(move.old)}"
    old, new = name_of(move.old), name_of(move.new)
    if move.used:
        return f"{where}: {old} has moved to {new}; it still works in this release"
    return f"{where}: {old} has moved to {new}, which is set too, so this one is ignored"


def _content_dir(
    data: dict[str, Any], problems: list[tuple[int | None, str]], base: Path
) -> Path | None:
    if any(text.startswith("content_dir:") for _, text in problems):
        return None
    written = data.get("content_dir")
    return _resolve(Path(written) if written else Config().content_dir, base)


def _relative_to(config: Config, base: Path) -> Config:
    """Paths in a config file are relative to the file, not to wherever the bot was started."""
    return config.model_copy(
        update={
            "content_dir": _resolve(config.content_dir, base),
            "database": (
                config.database
                if isinstance(config.database, str)  # a PostgreSQL URL
                else _resolve(config.database, base)
            ),
        }
    )


def _resolve(path: Path, base: Path) -> Path:
    return Path(os.path.abspath(base / path))


def _line_number(problem: str) -> int:
    """Problems in the order of the file; one about the whole file comes first."""
    head = problem.split(": ", 1)[0]
    number = head.rsplit(":", 1)[-1]
    return int(number) if number.isdigit() else 0
