"""The kinds of value a setting can hold, each checked the way an operator would expect.

Numbers, flags and lists are strict (`"8"` is not a number, `yes` is not a count): a quoted
number in a config file is more often a mistake than a wish. Text that YAML may have read as
something else (a time of day, a time zone) is taken from what was typed; see `source.py`.
Every failure raises a `PydanticCustomError` whose type `problems.py` turns into a sentence.
"""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from bot.core.timeparse import TimeFormatError, TimezoneError, parse_hhmm, resolve_timezone

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


def _path(value: Any) -> Any:
    if isinstance(value, Path):
        return value
    if isinstance(value, str) and value.strip():
        return Path(value)
    raise PydanticCustomError("path", "expected a path")


def _database(value: Any) -> Any:
    """A SQLite file (a path) or a PostgreSQL server (a `postgresql://` URL, kept a string).
    A password in the URL is refused: it would sit in a file, and in every error message."""
    if isinstance(value, str) and value.strip().startswith(("postgresql://", "postgres://")):
        url = value.strip()
        if urlsplit(url).password is not None:
            raise PydanticCustomError(
                "database_password",
                "leave the password out of the database URL: set it in the environment "
                "variable BRIEFBOT_DATABASE_PASSWORD",
            )
        return url
    return _path(value)


def _log_level(value: Any) -> Any:
    if isinstance(value, LogLevel):
        return value
    if isinstance(value, str) and value.strip().upper() in LogLevel.__members__:
        return LogLevel(value.strip().upper())
    raise PydanticCustomError("log_level", "expected a log level")


def _time_of_day(value: Any) -> Any:
    """ "7:30", "0730" or "7pm" become "07:30"; the core reads it back with `parse_hhmm`."""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if not isinstance(value, str):
        return value  # strict text refuses it: "expected text, got ..."
    try:
        return parse_hhmm(value).strftime("%H:%M")
    except TimeFormatError as error:
        raise PydanticCustomError("time_of_day", "bad time", {"reason": str(error)}) from None


def _time_zone(value: Any) -> Any:
    """The canonical IANA name ("asia/seoul" becomes "Asia/Seoul")."""
    if not isinstance(value, str):
        return value
    try:
        return resolve_timezone(value)
    except TimezoneError as error:
        raise PydanticCustomError("time_zone", "bad zone", {"reason": str(error)}) from None


def _scheme(*schemes: str) -> AfterValidator:
    def check(value: str) -> str:
        if not value.startswith(tuple(f"{s}://" for s in schemes)):
            raise PydanticCustomError("address", "bad address", {"schemes": schemes})
        return value

    return AfterValidator(check)


def _env_name(value: str) -> str:
    # Never echoed: an operator may have pasted the token itself here.
    if not _ENV_NAME.fullmatch(value):
        raise PydanticCustomError("env_name", "bad variable name")
    return value


def _shaped(pattern: str, expected: str) -> AfterValidator:
    """Text that must match `pattern` whole; otherwise "expected ..." says what would."""
    shape = re.compile(pattern)

    def check(value: str) -> str:
        if not shape.fullmatch(value):
            raise PydanticCustomError("setting", "bad value", {"reason": f"expected {expected}"})
        return value

    return AfterValidator(check)


FilePath = Annotated[Path, BeforeValidator(_path)]
DatabaseTarget = Annotated[Path | str, BeforeValidator(_database)]
Level = Annotated[LogLevel, BeforeValidator(_log_level)]
TimeOfDay = Annotated[str, BeforeValidator(_time_of_day)]
TimeZone = Annotated[str, BeforeValidator(_time_zone)]
HttpAddress = Annotated[str, _scheme("http", "https")]
WsAddress = Annotated[str, _scheme("ws", "wss")]
EnvName = Annotated[str, AfterValidator(_env_name)]
# An address to listen on: a host name or an IP address, never a URL.
ListenHost = Annotated[
    str,
    _shaped(
        r"[A-Za-z0-9._:-]+|\[[0-9A-Fa-f:.]+\]",
        "a host name or IP address to listen on, such as 127.0.0.1",
    ),
]
UrlPath = Annotated[
    str, _shaped(r"/[A-Za-z0-9._~/%-]*", "a URL path that starts with /, such as /telegram")
]
