"""pydantic's findings in the words an operator reads: `key: what is wrong`.

pydantic words its errors for developers ("Input should be a valid integer", a link to its
docs). Each error type it reports is translated here into the plain sentences briefbot has
always used, and bounds are stated whole ("must be between 1 and 3, got 50") from the field's
own constraints, whichever end was crossed. All the sentences of config checking are in this
module, so the message catalog can take them over in one place.
"""

from __future__ import annotations

import difflib
import typing
from typing import Any, TypeGuard

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from bot.config.source import Path
from bot.config.values import LogLevel

EXPECTED = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "path": "a path",
    "model_type": "a mapping of settings",
    "model_attributes_type": "a mapping of settings",
    "dict_type": "a mapping of settings",
    "list_type": "a list",
}
PLURALS = {int: "whole numbers (for example [12345])", str: "texts", float: "numbers"}
BOUNDS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}
ADDRESS = {
    ("http", "https"): "an http:// or https:// address",
    ("ws", "wss"): "a ws:// or wss:// address",
}


def name_of(path: Path) -> str:
    """`("delivery", "concurrency")` as the operator writes it: `delivery.concurrency`."""
    return ".".join(str(part) for part in path) or "the file"


def describe(model: type[BaseModel], error: ErrorDetails, value: Any) -> tuple[Path, str]:
    """The setting an error is about, and what is wrong with it, in plain words.

    An error inside a list is reported for the whole list (`telegram.operators`), the setting
    the operator wrote; `value` is the value at the error's own place (the wrong item).
    """
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        return loc, unknown_setting(model, loc)
    index = next((i for i, part in enumerate(loc) if isinstance(part, int)), None)
    path = loc if index is None else loc[:index]
    info = field_info(model, path)
    if index is not None or kind == "list_type":
        return path, f"expected a list of {_plural(info)}, got {kind_of(value)}"
    if kind == "missing":
        return path, "missing"
    if kind in BOUNDS:
        return path, f"{_bounds(info)}, got {kind_of(value)}"
    if kind in ("enum", "log_level"):
        return path, f"expected one of {', '.join(LogLevel)}, got {kind_of(value)}"
    if kind in ("time_of_day", "time_zone", "setting"):
        return path, str(error["ctx"]["reason"])
    if kind == "address":
        return path, f"expected {ADDRESS[tuple(error['ctx']['schemes'])]}"
    if kind == "database_password":
        return path, error["msg"]  # the value holds a password: it is never repeated
    if kind == "env_name":
        # The value is not repeated: it may be the token itself, pasted in the wrong place.
        return path, (
            "expected the name of an environment variable (letters, digits and _), "
            "not the token itself"
        )
    expected = EXPECTED.get(kind)
    if expected is None:
        return path, f"this value is not allowed, got {kind_of(value)}"
    return path, f"expected {expected}, got {kind_of(value)}"


def unknown_setting(model: type[BaseModel], loc: Path) -> str:
    """ "unknown setting", with the closest known name in that section or another."""
    section, key = loc[:-1], str(loc[-1])
    owner = _model_at(model, section)
    known = list(owner.model_fields) if owner else []
    if key == "token" and owner is not None and "token_env" in known:
        return (
            "unknown setting: the token never goes in this file; put it in the environment "
            "variable that token_env names"
        )
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f"unknown setting (did you mean '{close[0]}'?)"
    for name, info in model.model_fields.items():
        inner = info.annotation
        if (name,) == section:
            continue
        if _is_section(inner) and key in inner.model_fields:
            return f"unknown setting (did you mean '{name}.{key}'?)"
        if name == key and section:
            return f"unknown setting (did you mean '{key}' at the top of the file?)"
    return "unknown setting"


def kind_of(value: Any) -> str:
    """A value as the operator wrote it, shortened: `'eight'`, `50`, `a list`, `nothing`."""
    if value is None:
        return "nothing"
    if isinstance(value, dict | list):
        return f"a {'mapping' if isinstance(value, dict) else 'list'}"
    return repr(value)[:60]


def field_info(model: type[BaseModel], path: Path) -> FieldInfo | None:
    owner = _model_at(model, path[:-1])
    return owner.model_fields.get(str(path[-1])) if owner and path else None


def _model_at(model: type[BaseModel], section: Path) -> type[BaseModel] | None:
    for part in section:
        info = model.model_fields.get(str(part))
        if info is None or not _is_section(info.annotation):
            return None
        model = info.annotation
    return model


def _is_section(annotation: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _plural(info: FieldInfo | None) -> str:
    args = typing.get_args(info.annotation) if info else ()
    return PLURALS.get(args[0], "values") if args else "values"


def _bounds(info: FieldInfo | None) -> str:
    """The whole allowed range of a number, e.g. "must be between 1 and 3"."""
    low: Any = None
    high: Any = None
    low_open = False
    for rule in info.metadata if info else ():
        if isinstance(rule, annotated_types.Gt):
            low, low_open = rule.gt, True
        elif isinstance(rule, annotated_types.Ge):
            low = rule.ge
        elif isinstance(rule, annotated_types.Le):
            high = rule.le
        elif isinstance(rule, annotated_types.Lt):
            high = rule.lt
    lowest = "greater than zero" if low_open and low == 0 else f"greater than {low}"
    if low_open and high is not None:
        return f"must be {lowest} and at most {_number(high)}"
    if low_open:
        return f"must be {lowest}"
    if low is not None and high is not None:
        return f"must be between {_number(low)} and {_number(high)}"
    if low is not None:
        return f"must be at least {_number(low)}"
    return f"must be at most {_number(high)}"


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"
