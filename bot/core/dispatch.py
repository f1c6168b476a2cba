"""The core's front door: text, commands and button presses in; replies out.

Adapters call exactly three methods here. Everything platform-neutral about a conversation
lives behind them: parsing, permission checks, argument limits, and turning any failure into a
polite answer — a reader never sees a stack trace and never meets silence by accident.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.catalog.names import closest
from bot.core.commands import BY_NAME, COMMANDS, Command, Handler, Scope
from bot.core.context import Context, Services
from bot.core.handlers import (
    broadcast,
    correcting,
    following,
    language,
    prayer,
    privacy,
    reading,
    searching,
    subscription,
)
from bot.core.messages import t, use_locale
from bot.core.questions import OpenQuestions
from bot.core.reply import Reply, text_reply
from bot.core.request import Request
from bot.core.views import OPEN_ACTION
from bot.domain.address import Address

log = logging.getLogger(__name__)

MAX_NAME = 32


@dataclass(frozen=True)
class Action:
    """A button's action id: an exact name, or a prefix ending in ':' followed by a value."""

    prefix: str
    handler: Handler
    scope: Scope = Scope.READ

    def value(self, action: str) -> str | None:
        if self.prefix.endswith(":"):
            return action.removeprefix(self.prefix) if action.startswith(self.prefix) else None
        return "" if action == self.prefix else None


ACTIONS: tuple[Action, ...] = (
    Action("subscribe", subscription.subscribe, Scope.MANAGE),
    Action(subscription.TIMEZONE_ACTION, subscription.choose_timezone, Scope.MANAGE),
    Action("topics", reading.topics),
    Action(reading.TOPIC_ACTION, reading.topic_pressed),
    Action(reading.FOLLOW_ACTION, following.follow_pressed, Scope.MANAGE),
    Action(reading.UNFOLLOW_ACTION, following.unfollow_pressed, Scope.MANAGE),
    Action(OPEN_ACTION, searching.open_entry),
    Action(searching.SEARCH_ACTION, searching.search_more),
    Action("prayed:", prayer.prayed),
    Action("forget:", privacy.confirm, Scope.MANAGE),
    Action("broadcast:", broadcast.decide, Scope.OPERATOR),
    Action(correcting.CORRECTION_ACTION, correcting.decide, Scope.OPERATOR),
    Action(language.LANGUAGE_ACTION, language.choose, Scope.MANAGE),
)


def parse_command(text: str) -> tuple[str, str | None, str] | None:
    """Split '/name@target args' into its pieces; None if the text is not a command."""
    text = text.strip()
    if len(text) < 2 or text[0] != "/" or text[1].isspace():
        return None
    head, *rest = text[1:].split(maxsplit=1)
    name, _, target = head.partition("@")
    return name.lower(), (target or None), (rest[0].strip() if rest else "")


class BriefBot:
    """The platform-neutral bot. One instance serves every adapter."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._questions = OpenQuestions(services.clock)

    @property
    def menu(self) -> tuple[Command, ...]:
        """Commands to advertise in menus; operators' too, since platforms can hide them."""
        return tuple(c for c in COMMANDS if not c.hidden)

    async def handle_text(
        self, request: Request, text: str, me: str | None = None
    ) -> Reply | None:
        """Answer a message; None means it was deliberately left unanswered."""
        parsed = parse_command(text)
        if parsed is None:
            asked = self._questions.answered_by(request)
            if asked is not None:
                return await self.handle_command(request, asked, text.strip())
            return None if request.kind.is_shared else text_reply(t("not.command"))
        name, target, args = parsed
        if target is not None and (me is None or target.lower() != me.lower()):
            return None  # addressed to another bot
        if name not in BY_NAME and request.kind.is_shared and target is None:
            return None  # probably another bot's command; only answer when addressed to us
        return await self.handle_command(request, name, args)

    async def handle_command(self, request: Request, name: str, args: str) -> Reply:
        command = BY_NAME.get(name.lower())
        if command is None:
            near = closest(name.lower(), [c.name for c in self.menu], n=1)
            if near:
                return text_reply(t("unknown.command.near", name=name[:MAX_NAME], near=near[0]))
            return text_reply(t("unknown.command", name=name[:MAX_NAME]))
        if len(args) > command.max_arg:
            return text_reply(t("arg.too_long", limit=command.max_arg))
        return await self._run(request, command.handler, command.scope, args, f"/{name}")

    async def handle_action(self, request: Request, action: str) -> Reply:
        """A button was pressed."""
        for candidate in ACTIONS:
            value = candidate.value(action)
            if value is not None:
                return await self._run(request, candidate.handler, candidate.scope, value, action)
        return Reply(notice=t("button.expired"))

    async def chat_moved(self, old: Address, new: Address) -> None:
        """The platform gave the chat a new id (a Telegram group became a supergroup)."""
        await self.services.store.move_chat(old, new)
        log.info("a chat moved to a new id; its subscription followed")

    async def chat_gone(self, address: Address, reason: str) -> None:
        """The bot was removed from the chat: stop delivering there, keep settings for a return."""
        chat = await self.services.store.get_chat(address)
        if chat is not None and chat.subscribed:
            await self.services.store.update_chat(
                address, subscribed=False, next_due_utc=None, deactivated_reason=reason
            )

    async def _run(
        self, request: Request, handler: Handler, scope: Scope, args: str, label: str
    ) -> Reply:
        ctx = Context(self.services, request)
        try:
            speaking = await ctx.language()
        except Exception:
            log.exception("looking up the chat's language failed")
            return _refusal(t("error.internal"))
        with use_locale(speaking):
            try:
                if scope is Scope.OPERATOR and not ctx.is_operator:
                    return text_reply(t("need.operator"))
                if scope is Scope.MANAGE and not await request.may_manage():
                    return _refusal(t("need.admin"))
                reply = await handler(ctx, args)
                self._questions.asked(request, reply.asks)
                return reply
            except Exception:
                log.exception("handling %s in a %s chat failed", label[:MAX_NAME], request.kind)
                return _refusal(t("error.internal"))


def _refusal(sentence: str) -> Reply:
    """A refusal works both as a message and as a button toast."""
    return Reply(parts=text_reply(sentence).parts, notice=sentence)
