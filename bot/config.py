"""Settings: read `config.yaml`, check every key, and say exactly which one is wrong.

Operators are not Python developers, so a mistake must come back as
`telegram.operators: expected a list of user ids, got 'me'` and stop the process before it
touches the database. Secrets never live here: the file names the environment variable that
holds the token, and only `token()` reads it.
"""

from __future__ import annotations

import difflib
import os
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from datetime import time
from pathlib import Path
from typing import Any

import yaml

from bot.core.timeparse import TimeFormatError, TimezoneError, parse_hhmm, resolve_timezone


class ConfigError(Exception):
    """Every problem found in a config file, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class TelegramConfig:
    enabled: bool = True
    token_env: str = "TELEGRAM_BOT_TOKEN"
    base_url: str = "https://api.telegram.org/bot"
    operators: list[int] = field(default_factory=list)
    protect_content: bool = False
    poll_timeout: int = 30

    def token(self) -> str | None:
        return os.environ.get(self.token_env) or None


@dataclass(frozen=True)
class DiscordConfig:
    enabled: bool = False
    token_env: str = "DISCORD_BOT_TOKEN"
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg"
    operators: list[int] = field(default_factory=list)

    def token(self) -> str | None:
        return os.environ.get(self.token_env) or None


@dataclass(frozen=True)
class DeliveryConfig:
    tick_seconds: int = 60
    catch_up_hours: float = 6.0
    global_per_second: float = 30.0
    per_chat_seconds: float = 1.0
    group_per_minute: int = 20
    max_attempts: int = 6
    backoff_seconds: float = 2.0
    concurrency: int = 8
    claim_timeout_seconds: int = 120
    keep_days: int = 7


@dataclass(frozen=True)
class Config:
    content_dir: Path = Path("content")
    database: Path = Path("data/briefbot.sqlite3")
    log_level: str = "INFO"
    delivery_time: str = "07:00"
    timezone: str = "UTC"
    briefs_per_digest: int = 2
    archive_after_months: int = 12
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)

    @property
    def default_time(self) -> time:
        return parse_hhmm(self.delivery_time)


LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR"}


def load_config(path: Path | None) -> Config:
    """Read and check `path`; with no path, the defaults (relative to the working directory)."""
    if path is None:
        problems = _check(Config())
        if problems:
            raise ConfigError(problems)
        return Config()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such config file"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"{path}: cannot read it ({error})"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(
            [f"{where}: not valid YAML ({getattr(error, 'problem', error)})"]
        ) from None
    if raw is None:
        raw = {}
    problems: list[str] = []
    config = _build(Config, raw, "", problems)
    problems += _check(config)
    if problems:
        raise ConfigError([f"{path}: {p}" for p in problems])
    return _relative_to(config, path.parent)


def _relative_to(config: Config, base: Path) -> Config:
    """Paths in a config file are relative to the file, not to wherever the bot was started."""
    return replace(
        config,
        content_dir=config.content_dir
        if config.content_dir.is_absolute()
        else base / config.content_dir,
        database=config.database if config.database.is_absolute() else base / config.database,
    )


def _build(cls: type, raw: Any, prefix: str, problems: list[str]) -> Any:
    if not isinstance(raw, dict):
        problems.append(
            f"{prefix or 'the file'}: expected a mapping of settings, got {_kind(raw)}"
        )
        return cls()
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if key not in known:
            problems.append(f"{name}: unknown setting{_did_you_mean(str(key), known)}")
            continue
        hint = typing.get_type_hints(cls)[key]
        coerced = _coerce(hint, value, name, problems)
        if coerced is not None:
            values[key] = coerced
    for f in fields(cls):
        if f.name not in values and f.default is MISSING and f.default_factory is MISSING:
            problems.append(f"{prefix}{f.name}: missing")
    return cls(**values)


def _coerce(hint: Any, value: Any, name: str, problems: list[str]) -> Any:
    if is_dataclass(hint):
        return _build(hint, value, f"{name}.", problems)
    origin = typing.get_origin(hint)
    if origin is list:
        (inner,) = typing.get_args(hint)
        if not isinstance(value, list) or not all(_is(inner, v) for v in value):
            problems.append(f"{name}: expected a list of {PLURALS[inner]}, got {_kind(value)}")
            return None
        return list(value)
    if hint is Path:
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{name}: expected a path, got {_kind(value)}")
            return None
        return Path(value)
    if hint is float and _is(int, value):
        return float(value)
    if not _is(hint, value):
        problems.append(f"{name}: expected {_describe(hint)}, got {_kind(value)}")
        return None
    return value


def _is(hint: Any, value: Any) -> bool:
    if hint in (int, float) and isinstance(value, bool):
        return False
    return isinstance(value, hint)


PLURALS = {int: "whole numbers (for example [12345])", str: "texts"}


def _describe(hint: Any) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text"}.get(
        hint, getattr(hint, "__name__", str(hint))
    )


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, (dict, list)):
        return f"a {'mapping' if isinstance(value, dict) else 'list'}"
    return repr(value)[:60]


def _did_you_mean(key: str, known: dict[str, Any]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check(config: Config) -> list[str]:
    """Rules that types alone cannot express; the time zone is normalised in place."""
    problems: list[str] = []
    try:
        parse_hhmm(config.delivery_time)
    except (TimeFormatError, TypeError) as error:
        problems.append(f"delivery_time: {error}")
    try:
        object.__setattr__(config, "timezone", resolve_timezone(str(config.timezone)))
    except TimezoneError as error:
        problems.append(f"timezone: {error}")
    if str(config.log_level).upper() not in LOG_LEVELS:
        problems.append(f"log_level: expected one of {', '.join(sorted(LOG_LEVELS))}")
    positive = {
        "briefs_per_digest": config.briefs_per_digest,
        "archive_after_months": config.archive_after_months,
        "telegram.poll_timeout": config.telegram.poll_timeout,
        **{f"delivery.{f.name}": getattr(config.delivery, f.name) for f in fields(DeliveryConfig)},
    }
    for name, value in positive.items():
        if isinstance(value, int | float) and value <= 0:
            problems.append(f"{name}: must be greater than zero")
    for name, url in (
        ("telegram.base_url", config.telegram.base_url),
        ("discord.api_base", config.discord.api_base),
    ):
        if isinstance(url, str) and not url.startswith(("http://", "https://")):
            problems.append(f"{name}: expected an http:// or https:// address")
    if isinstance(config.discord.gateway_url, str) and not config.discord.gateway_url.startswith(
        ("ws://", "wss://")
    ):
        problems.append("discord.gateway_url: expected a ws:// or wss:// address")
    return problems
