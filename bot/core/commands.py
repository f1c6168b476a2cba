"""The command table: names, who may use them, their arguments, and /help built from it.

Adapters read this table too — Telegram registers it with setMyCommands and Discord turns it
into slash commands — so a new command is one row here plus its handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

from bot.core.context import Context
from bot.core.handlers import (
    broadcast,
    correcting,
    following,
    language,
    operator,
    privacy,
    reading,
    searching,
    subscription,
    welcome,
)
from bot.core.messages import t
from bot.core.reply import Heading, Meta, Paragraph, Part, Reply

Handler = Callable[[Context, str], Awaitable[Reply]]


class Scope(Enum):
    READ = "read"  # anyone, anywhere
    MANAGE = "manage"  # changes the chat: administrators only in groups and servers
    OPERATOR = "operator"  # the bot's operators, listed in the config


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    scope: Scope = Scope.READ
    arg: str | None = None  # message key naming the argument, or None if it takes none
    optional: bool = False  # the argument may be left out (menus mark it so)
    max_arg: int = 200
    hidden: bool = False  # an alias, left out of menus and /help

    @property
    def description(self) -> str:
        return t(f"cmd.{self.name}")

    def usage(self) -> str:
        args = ""
        if self.arg:
            args = f"[{t(self.arg)}] " if self.optional else f"{t(self.arg)} "
        return f"/{self.name} {args}— {self.description}"


async def help_(ctx: Context, args: str) -> Reply:
    """List the commands this reader can use, grouped by what they are for."""
    sections = [("help.reading", Scope.READ), ("help.subscription", Scope.MANAGE)]
    if ctx.is_operator:
        sections.append(("help.operator", Scope.OPERATOR))
    parts: list[Part] = [Heading(t("help.title"))]
    for title, scope in sections:
        parts.append(Meta(t(title)))
        parts += [Paragraph(c.usage()) for c in COMMANDS if c.scope is scope and not c.hidden]
    parts.append(Meta(t("help.footer")))
    return Reply(parts=tuple(parts))


COMMANDS: tuple[Command, ...] = (
    Command("start", welcome.start, arg=None, max_arg=64, hidden=True),
    Command("today", reading.today),
    Command("pray", reading.pray),
    Command("topic", reading.topic, arg="arg.topic", optional=True),
    Command("topics", reading.topics),
    Command("search", searching.search, arg="arg.words"),
    Command("brief", searching.brief, arg="arg.id"),
    Command("subscribe", subscription.subscribe, Scope.MANAGE, arg="arg.time", optional=True),
    Command("unsubscribe", subscription.unsubscribe, Scope.MANAGE),
    Command("stop", subscription.unsubscribe, Scope.MANAGE, hidden=True),
    Command("time", subscription.set_time, Scope.MANAGE, arg="arg.time"),
    Command("timezone", subscription.set_timezone, Scope.MANAGE, arg="arg.zone", optional=True),
    Command("settings", subscription.settings),
    Command("language", language.language, Scope.MANAGE, arg="arg.language", optional=True),
    Command("follow", following.follow, Scope.MANAGE, arg="arg.topic"),
    Command("unfollow", following.unfollow, Scope.MANAGE, arg="arg.topic", optional=True),
    Command("forget", privacy.forget, Scope.MANAGE),
    Command("about", welcome.about),
    Command("help", help_),
    Command("stats", operator.stats, Scope.OPERATOR),
    Command("reload", operator.reload, Scope.OPERATOR),
    Command(
        "broadcast",
        broadcast.broadcast,
        Scope.OPERATOR,
        arg="arg.text",
        max_arg=broadcast.MAX_TEXT,
    ),
    Command("correct", correcting.correct, Scope.OPERATOR, arg="arg.id"),
    Command("withdraw", correcting.withdraw, Scope.OPERATOR, arg="arg.id"),
)

BY_NAME: dict[str, Command] = {c.name: c for c in COMMANDS}
