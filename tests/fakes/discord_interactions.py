"""Interactions the fake Discord server sends to the bot: slash commands, autocomplete, button
presses — and the handles tests use to await what the bot answered.

An INTERACTION_CREATE carries everything discord.py 2.x reads to build an `Interaction`
(`version`, `attachment_size_limit`, `authorizing_integration_owners`, `context`, `member` with
its `permissions` in a guild or `user` in a DM, the `channel` object, ...). Commands are
resolved from what the bot synced, as Discord does: a command the bot never synced cannot be
invoked.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.fakes.discord_payloads import (
    MEMBER_PERMISSIONS,
    USE_APPLICATION_COMMANDS,
    member_payload,
    user_payload,
)

if TYPE_CHECKING:
    from tests.fakes.discord_api import FakeDiscord

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE = 2, 3, 4
GUILD_CONTEXT, BOT_DM_CONTEXT = 0, 1
BOT_PERMISSIONS = MEMBER_PERMISSIONS | USE_APPLICATION_COMMANDS
_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


@dataclass
class InteractionHandle:
    """One interaction sent to the bot and everything the bot answered to it."""

    fake: FakeDiscord = field(repr=False)
    id: int
    token: str
    payload: dict[str, Any]
    created_at: float = field(default_factory=time.monotonic)
    callback: dict[str, Any] | None = None  # the body the bot POSTed to .../callback
    callback_at: float | None = None  # when it did (time.monotonic())
    original_id: int | None = None  # the message @original refers to
    followups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])

    @property
    def original(self) -> dict[str, Any] | None:
        """The current state of the @original response message (edits applied)."""
        return None if self.original_id is None else self.fake.message(self.original_id)

    async def response(self, timeout: float = 5.0) -> dict[str, Any]:
        """The interaction callback body `{"type": ..., "data": ...}` once the bot answers.

        The fake records it before answering the HTTP request, so discord.py may not yet have
        registered a (non-persistent) View sent with it when this returns."""
        await self.fake.wait_until(lambda: self.callback is not None, timeout)
        assert self.callback is not None
        return self.callback

    async def followup(self, index: int = 0, timeout: float = 5.0) -> dict[str, Any]:
        """The `index`-th follow-up message the bot sent through the interaction webhook."""
        await self.fake.wait_until(lambda: len(self.followups) > index, timeout)
        return self.followups[index]


def _option_list(command: dict[str, Any], options: Mapping[str, Any] | list[dict[str, Any]]):
    """Options as Discord sends them; a mapping is typed from the synced command definition."""
    if isinstance(options, list):
        return options
    declared = {o["name"]: o for o in command.get("options", [])}
    unknown = set(options) - set(declared)
    if unknown:
        raise ValueError(f"/{command['name']} declares no option(s) {sorted(unknown)}")
    return [{"name": k, "type": declared[k]["type"], "value": v} for k, v in options.items()]


class InteractionsMixin:
    """The `slash`, `autocomplete` and `press` helpers of `FakeDiscord`."""

    async def slash(
        self: FakeDiscord,
        name: str,
        options: Mapping[str, Any] | list[dict[str, Any]] | None = None,
        **context: Any,
    ) -> InteractionHandle:
        """Invoke the synced chat-input command `name`; `options` as a {name: value} mapping
        (typed from the synced definition) or Discord's raw option list.

        Keyword context, shared by `autocomplete` and `press`: `user` (id or partial user
        dict; default DEFAULT_USER_ID), `guild_id` or `channel_id` (where; neither means the
        user's DM with the bot), `permissions` (the member's bitfield in a guild), `roles`,
        `locale`, `extra` (overrides for any payload key) and `timeout` (to wait for a bot
        that is still connecting)."""
        command, channel_id, guild_id = self._invocation(name, context)
        data = {"id": command["id"], "name": name, "type": 1,
                "options": _option_list(command, options or {})}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return await self._interaction(APPLICATION_COMMAND, data, channel_id, guild_id, **context)

    async def autocomplete(
        self: FakeDiscord,
        name: str,
        focused_option: str,
        value: str,
        options: Mapping[str, Any] | None = None,
        **context: Any,
    ) -> InteractionHandle:
        """Ask the bot for choices while the user types `value` into `focused_option`."""
        command, channel_id, guild_id = self._invocation(name, context)
        typed = _option_list(command, {**(options or {}), focused_option: value})
        for option in typed:
            option["focused"] = option["name"] == focused_option
        data = {"id": command["id"], "name": name, "type": 1, "options": typed}
        return await self._interaction(AUTOCOMPLETE, data, channel_id, guild_id, **context)

    async def press(
        self: FakeDiscord,
        custom_id: str,
        message_id: int,
        *,
        values: list[str] | None = None,
        **context: Any,
    ) -> InteractionHandle:
        """Click a button (or choose `values` in a string select) on a stored message."""
        message = self.message(message_id)
        if message is None:
            raise LookupError(f"the fake holds no message {message_id}")
        channel_id = int(message["channel_id"])
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
        if values is not None:
            data |= {"component_type": 3, "values": values}
        return await self._interaction(
            MESSAGE_COMPONENT, data, channel_id, self.guild_of(channel_id), message=message,
            **context,
        )

    def _invocation(
        self: FakeDiscord, name: str, context: dict[str, Any]
    ) -> tuple[dict[str, Any], int, int | None]:
        """The synced command and where it is invoked: a given channel, a guild's first
        channel, or the user's DM with the bot."""
        channel_id, guild_id = context.pop("channel_id", None), context.pop("guild_id", None)
        if channel_id is not None:
            guild_id = self.guild_of(channel_id)
        elif guild_id is not None:
            channel_id = self.guild(guild_id).channels[0].id
        else:
            channel_id = self.dm_channel_id(int(user_payload(context.get("user"))["id"]))
        return self.command(name, guild_id), channel_id, guild_id

    async def _interaction(
        self: FakeDiscord,
        kind: int,
        data: dict[str, Any],
        channel_id: int,
        guild_id: int | None,
        *,
        user: int | dict[str, Any] | None = None,
        permissions: int | str = MEMBER_PERMISSIONS,
        roles: list[int] | None = None,
        locale: str = "en-US",
        message: dict[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
        timeout: float = 5.0,
    ) -> InteractionHandle:
        """Build and dispatch one INTERACTION_CREATE; `extra` overrides any payload key.

        Waits up to `timeout` for a live gateway session (a bot that is still connecting)."""
        await self.wait_until(lambda: self.gateway.connected, timeout)
        who = user_payload(user)
        interaction_id, token = self.snowflakes.next(), secrets.token_urlsafe(48)
        known = self.channel(channel_id)
        if known is None:
            raise LookupError(f"the fake knows no channel {channel_id}")
        channel = dict(known)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "channel_id": str(channel_id),
            "channel": channel,
            "app_permissions": str(BOT_PERMISSIONS),
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": _ATTACHMENT_SIZE_LIMIT,
        }
        if guild_id is not None:
            guild = self.guild(guild_id)
            channel["permissions"] = str(permissions)
            payload |= {
                "guild_id": str(guild_id),
                "guild": {"id": str(guild_id), "locale": guild.locale, "features": []},
                "guild_locale": guild.locale,
                "member": member_payload(who, permissions=permissions, roles=roles),
                "authorizing_integration_owners": {"0": str(guild_id)},
                "context": GUILD_CONTEXT,
            }
        else:
            payload |= {"user": who, "authorizing_integration_owners": {"0": "0"},
                        "context": BOT_DM_CONTEXT}
        if message is not None:
            payload["message"] = message
        payload |= dict(extra or {})
        handle = InteractionHandle(self, interaction_id, token, payload)
        self.interactions[interaction_id] = handle
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return handle

