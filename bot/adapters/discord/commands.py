"""Slash commands built from the core's command table, never copied by hand.

Each visible command becomes an application command with the table's description and, if it
takes an argument, one typed string option named after the argument's kind (time, timezone,
topic, words, text) with autocomplete where a list exists. The scope decides who Discord shows
it to: MANAGE commands need Manage Channels by default, OPERATOR commands only appear to server
administrators (the core still checks the operator list — this is only a menu). Every callback
just hands the name and the typed text to `run`; the core decides everything else.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord.choices import CHOICE_LIMIT, timezone_choices, topic_choices
from bot.adapters.discord.translator import localizable
from bot.catalog.live import LiveCatalog
from bot.core.commands import Command, Scope
from bot.core.languages import DEFAULT_LANGUAGE, LANGUAGES, supported
from bot.core.messages import t

Run = Callable[[discord.Interaction, str, str], Awaitable[None]]
# Coroutines, not any awaitable: discord.py's app_commands declare them so.
Completer = Callable[
    [discord.Interaction, str], Coroutine[Any, Any, list[app_commands.Choice[str]]]
]

DESCRIPTION_LIMIT = 100
OPTION_LIMIT = 6000  # Discord's ceiling for a string option's max_length
# Commands that do something useful without their argument (the default time; a topic list).
# Every other argument is required, so Discord asks for it before sending the command.
PERMISSIONS: dict[Scope, discord.Permissions | None] = {
    Scope.READ: None,
    Scope.MANAGE: discord.Permissions(manage_channels=True),
    Scope.OPERATOR: discord.Permissions.none(),  # "0": administrators only
}


@dataclass(frozen=True)
class Option:
    name: str
    completes: str | None = None  # "timezone", "topic", "language": the list to complete from


OPTIONS: dict[str, Option] = {
    "arg.time": Option("time"),
    "arg.zone": Option("timezone", completes="timezone"),
    "arg.topic": Option("topic", completes="topic"),
    "arg.words": Option("words"),
    "arg.text": Option("text"),
    "arg.id": Option("id"),
    "arg.language": Option("language", completes="language"),
}


def slash_commands(
    menu: tuple[Command, ...], run: Run, catalog: LiveCatalog
) -> list[app_commands.Command]:
    """One application command per command in the core's menu, in the menu's order."""
    completers = completers_for(catalog)
    return [_slash(command, run, completers) for command in menu]


def option_of(command: Command) -> Option | None:
    return OPTIONS[command.arg] if command.arg else None


def completers_for(catalog: LiveCatalog) -> dict[str, Completer]:
    """Autocomplete callbacks that read the catalog as it is now (reloads included)."""

    async def timezones(interaction: discord.Interaction, typed: str) -> list[app_commands.Choice]:
        return [
            app_commands.Choice(name=label, value=zone) for label, zone in timezone_choices(typed)
        ]

    async def topics(interaction: discord.Interaction, typed: str) -> list[app_commands.Choice]:
        # Titled in the language of whoever types: only they see the list.
        language = supported(interaction.locale.value) or DEFAULT_LANGUAGE
        return [
            app_commands.Choice(name=title, value=slug)
            for title, slug in topic_choices(catalog.current, typed[:CHOICE_LIMIT], language)
        ]

    async def languages(interaction: discord.Interaction, typed: str) -> list[app_commands.Choice]:
        return [
            app_commands.Choice(name=name, value=code)
            for code, name in LANGUAGES.items()
            if typed.lower() in f"{code} {name}".lower()
        ]

    return {"timezone": timezones, "topic": topics, "language": languages}


def _slash(command: Command, run: Run, completers: dict[str, Completer]) -> app_commands.Command:
    option = option_of(command)
    callback = _callback(command, option, run)
    slash: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=command.name,
        description=localizable(command.description[:DESCRIPTION_LIMIT], f"cmd.{command.name}"),
        callback=callback,
    )
    slash.default_permissions = PERMISSIONS[command.scope]
    if option is not None and option.completes is not None:
        slash.autocomplete(option.name)(completers[option.completes])
    return slash


def _callback(
    command: Command, option: Option | None, run: Run
) -> Callable[..., Coroutine[Any, Any, None]]:
    """A callback whose signature declares the command's option, as discord.py reads it."""
    name = command.name

    async def invoke(interaction: discord.Interaction, **values: object) -> None:
        value = values.get(option.name) if option else None
        if value is None and option is not None:  # an optional option sent under another
            value = invoked(interaction)[1]  # name (a client with an older command list)
        await run(interaction, name, "" if value is None else str(value))

    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    if option is not None:
        longest = min(command.max_arg, OPTION_LIMIT)
        parameters.append(
            inspect.Parameter(
                option.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=app_commands.Range[str, 1, longest],
                default=None if command.optional else inspect.Parameter.empty,
            )
        )
        key = command.arg or ""
        app_commands.describe(**{option.name: localizable(t(key), key)})(invoke)
    invoke.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    invoke.__qualname__ = invoke.__name__ = f"slash_{name}"
    return invoke


def invoked(interaction: discord.Interaction) -> tuple[str, str]:
    """The command name and the text of its first text-like option, read from the raw data."""
    data: dict[str, Any] = dict(interaction.data or {})
    options = data.get("options") or []
    values = [o.get("value") for o in options if isinstance(o, dict) and "value" in o]
    text = next((str(v) for v in values if isinstance(v, str | int | float)), "")
    return str(data.get("name", "")), text
