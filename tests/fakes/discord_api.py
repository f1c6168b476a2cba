"""A faithful fake Discord (REST API v10 + gateway websocket) on 127.0.0.1 for end-to-end tests
and benchmarks that drive the REAL discord.py 2.x client.

    async with FakeDiscord() as fake, connected(MyClient(...), fake) as client:
        handle = await fake.slash("today", {"topic": "defectors"}, guild_id=DEFAULT_GUILD.id)
        body = await handle.response()          # {"type": 4, "data": {...}}
        await client.get_channel(GENERAL).send("brief")
        [message] = await fake.wait_for_messages(GENERAL, 1)
        fake.edits_of(int(message["id"]))       # the message after each edit the bot made
        fake.delete_by_user(GENERAL, int(message["id"]))  # a moderator removes it

discord.py is pointed at the fake by setting `discord.http.Route.BASE = fake.rest_base` and
`discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)` (a plain
`Client` connects to DEFAULT_GATEWAY directly, never via `GET /gateway/bot`); see
`discord_client` for why and for `redirect_discord_py` / `connected`.

The pieces: `discord_http` (request pipeline: auth, global and bucket rate limits, faults,
recording), `discord_rest` and `discord_webhooks` (routes), `discord_gateway` (websocket),
`discord_interactions` (slash/autocomplete/press and their handles), `discord_faults`,
`discord_limits`, `discord_validation`, `discord_messages` and `discord_payloads`.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes import discord_rest, discord_webhooks
from tests.fakes.discord_faults import ChannelFaultsMixin, Fault
from tests.fakes.discord_gateway import Gateway
from tests.fakes.discord_http import API_PREFIX, FAKE_KEY, RecordedRequest, api_middleware
from tests.fakes.discord_interactions import InteractionHandle, InteractionsMixin
from tests.fakes.discord_limits import RateLimits
from tests.fakes.discord_messages import apply_edit
from tests.fakes.discord_payloads import (
    DEFAULT_GUILD,
    DIRECT_MESSAGES_INTENT,
    GUILD_MESSAGES_INTENT,
    PRIVILEGED_INTENTS,
    FakeChannel,
    FakeGuild,
    Snowflakes,
    application_payload,
    dm_channel_payload,
    guild_channel_payload,
    user_payload,
)

__all__ = [
    "DEFAULT_GUILD",
    "Deletion",
    "Delivery",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "InteractionHandle",
    "RecordedRequest",
]

_log = logging.getLogger(__name__)
A_MEMBER = 1400000000000000999  # who deletes a message in `delete_by_user` unless told


@dataclass(frozen=True)
class Delivery:
    """A message the fake accepted into a channel, with its monotonic arrival time."""

    at: float
    channel_id: int
    message_id: int


@dataclass(frozen=True)
class Deletion:
    """A message removed from its channel: by the bot (`by` is the bot's user id) or by a
    member, e.g. a moderator or the other side of a DM (`delete_by_user`)."""

    at: float
    channel_id: int
    message_id: int
    by: int
    message: dict[str, Any]  # the message as it last stood


class FakeDiscord(InteractionsMixin, ChannelFaultsMixin):
    """Discord's REST API and gateway for one bot application, on 127.0.0.1:<free port>."""

    def __init__(
        self,
        token: str = "fake-discord-bot-token",
        *,
        bot_username: str = "briefbot",
        application_id: int = 1200000000000000001,
        bot_user_id: int = 1200000000000000002,
        guilds: Sequence[FakeGuild] = (DEFAULT_GUILD,),
        heartbeat_interval_ms: int = 41_250,
        channel_rate: tuple[int, float] = (5, 5.0),
        route_rate: tuple[int, float] = (50, 1.0),
        global_rate: int | None = 50,
        privileged_intents: frozenset[str] = frozenset(),
        interaction_deadline: float | None = 3.0,
    ) -> None:
        """`channel_rate`/`route_rate`: (requests, seconds) per bucket; `global_rate`: requests
        per second per bot, None = off; `privileged_intents`: names from PRIVILEGED_INTENTS
        switched on "in the portal" (others close the gateway with 4014);
        `interaction_deadline`: seconds to the first callback (None = no deadline)."""
        unknown = set(privileged_intents) - set(PRIVILEGED_INTENTS)
        if unknown:
            raise ValueError(f"unknown privileged intents {sorted(unknown)}")
        self.token = token
        self.application_id = application_id
        self.guilds = tuple(guilds)
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.privileged_intents = frozenset(privileged_intents)
        self.interaction_deadline = interaction_deadline
        self.bot_user = user_payload({"id": bot_user_id, "username": bot_username,
                                      "verified": True, "flags": 0, "mfa_enabled": False},
                                     bot=True)
        self.application = application_payload(application_id, self.bot_user,
                                               self.privileged_intents)
        self.snowflakes = Snowflakes()
        self.limits = RateLimits(channel_rate=channel_rate, route_rate=route_rate,
                                 global_rate=global_rate)
        self.gateway = Gateway(self)
        self.requests: list[RecordedRequest] = []
        self.deliveries: list[Delivery] = []
        self.stats: Counter[str] = Counter()
        self.interactions: dict[int, InteractionHandle] = {}
        self.delays: dict[int, float] = {}
        self._faults: dict[int, tuple[Fault, int | None]] = {}
        self._channels: dict[int, dict[str, Any]] = {
            c.id: guild_channel_payload(c, g.id, i) for g in self.guilds
            for i, c in enumerate(g.channels)
        }
        self._guild_of = {c.id: g.id for g in self.guilds for c in g.channels}
        self._dm_of_user: dict[int, int] = {}
        self._messages: dict[int, list[dict[str, Any]]] = {}
        self._by_id: dict[int, dict[str, Any]] = {}
        self._edits: dict[int, list[dict[str, Any]]] = {}
        self.deletions: list[Deletion] = []
        self._commands: dict[int | None, list[dict[str, Any]]] = {}
        self._changed: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        self._changed = asyncio.Condition()
        app = web.Application(middlewares=[api_middleware])
        app[FAKE_KEY] = self
        app.add_routes(discord_rest.routes)
        app.add_routes(discord_webhooks.routes)
        app.router.add_get("/gateway", self.gateway.handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        _log.debug("fake Discord listening at %s and %s", self.rest_base, self.gateway_url)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def rest_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- waiting ---------------------------------------------------------------------------

    async def notify(self) -> None:
        """Wake every `wait_until`: recorded state changed (after every API request and
        gateway state change)."""
        assert self._changed is not None, "use FakeDiscord as an async context manager"
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], object], timeout: float = 5.0) -> None:
        """Wait, without polling, until `predicate()` holds; TimeoutError after `timeout` s."""
        assert self._changed is not None, "use FakeDiscord as an async context manager"
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(predicate)

    async def wait_for_messages(
        self, channel_id: int, n: int, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        await self.wait_until(lambda: len(self._messages.get(channel_id, ())) >= n, timeout)
        return self.messages(channel_id)

    # -- gateway facts ---------------------------------------------------------------------

    @property
    def identify_payload(self) -> dict[str, Any] | None:
        """The latest IDENTIFY `d` the bot sent (token, intents, properties, ...)."""
        return self.gateway.identify_payloads[-1] if self.gateway.identify_payloads else None

    @property
    def privileged_intents_requested(self) -> set[str]:
        intents = (self.identify_payload or {}).get("intents") or 0
        return {name for name, bit in PRIVILEGED_INTENTS.items() if intents & bit}

    async def reconnect_gateway(self) -> None:
        """Send opcode 7 RECONNECT; discord.py then reconnects and RESUMEs."""
        await self.gateway.reconnect()

    # -- channels, messages, commands ------------------------------------------------------

    def channel(self, channel_id: int) -> dict[str, Any] | None:
        return self._channels.get(channel_id)

    def guild_of(self, channel_id: int) -> int | None:
        return self._guild_of.get(channel_id)

    def guild(self, guild_id: int) -> FakeGuild:
        for guild in self.guilds:
            if guild.id == guild_id:
                return guild
        raise LookupError(f"the bot is in no guild {guild_id}")

    def dm_channel_id(self, user_id: int) -> int:
        """The user's DM channel with the bot: created on first use, stable afterwards."""
        if user_id not in self._dm_of_user:
            channel_id = self._dm_of_user[user_id] = self.snowflakes.next()
            self._channels[channel_id] = dm_channel_payload(channel_id, user_payload(user_id))
        return self._dm_of_user[user_id]

    def messages(self, channel_id: int) -> list[dict[str, Any]]:
        """Messages now in the channel, oldest first, as Discord would return them."""
        return list(self._messages.get(channel_id, ()))

    def message(self, message_id: int) -> dict[str, Any] | None:
        return self._by_id.get(message_id)

    async def store_message(self, message: dict[str, Any]) -> None:
        """Keep an accepted message; echo MESSAGE_CREATE when the bot's intents ask for it."""
        channel_id, message_id = int(message["channel_id"]), int(message["id"])
        self._messages.setdefault(channel_id, []).append(message)
        self._by_id[message_id] = message
        self.deliveries.append(Delivery(time.monotonic(), channel_id, message_id))
        guild_id = self.guild_of(channel_id)
        wanted = GUILD_MESSAGES_INTENT if guild_id else DIRECT_MESSAGES_INTENT
        if self.gateway.connected and self.gateway.intents & wanted:
            event = message | ({"guild_id": str(guild_id)} if guild_id else {})
            await self.gateway.dispatch("MESSAGE_CREATE", event)

    def edit_message(self, message: dict[str, Any], body: dict[str, Any]) -> None:
        """Apply an accepted edit (PATCH semantics) and keep the message as it now stands."""
        apply_edit(message, body)
        self._edits.setdefault(int(message["id"]), []).append(copy.deepcopy(message))

    def edits_of(self, message_id: int) -> list[dict[str, Any]]:
        """The message as it stood after each accepted edit, oldest first (kept after a
        deletion too); [] when it was never edited."""
        return list(self._edits.get(message_id, ()))

    def delete_message(self, message: dict[str, Any], by: int | None = None) -> None:
        """Remove a message from its channel; `by` a user id (default: the bot deleted it).
        Later requests about it answer 404 10008 Unknown Message."""
        channel_id, message_id = int(message["channel_id"]), int(message["id"])
        self._messages[channel_id].remove(message)
        del self._by_id[message_id]
        who = int(self.bot_user["id"]) if by is None else by
        self.deletions.append(Deletion(time.monotonic(), channel_id, message_id, who, message))

    def delete_by_user(self, channel_id: int, message_id: int, user_id: int = A_MEMBER) -> None:
        """A member deletes the bot's message from the channel (a moderator in a server, the
        user in a DM): the bot can no longer edit or delete it."""
        message = self._by_id.get(message_id)
        assert message is not None and message["channel_id"] == str(channel_id), (
            f"no message {message_id} in channel {channel_id}"
        )
        self.delete_message(message, by=user_id)

    def deletion(self, message_id: int) -> Deletion | None:
        """How the message was deleted, if it was."""
        return next((d for d in self.deletions if d.message_id == message_id), None)

    @property
    def commands(self) -> list[dict[str, Any]]:
        """Global application commands as last synced (bulk overwrite) by the bot."""
        return self.synced_commands(None)

    def synced_commands(self, guild_id: int | None) -> list[dict[str, Any]]:
        return list(self._commands.get(guild_id, ()))

    def set_commands(self, guild_id: int | None, commands: list[dict[str, Any]]) -> None:
        self._commands[guild_id] = commands

    def command(self, name: str, guild_id: int | None = None) -> dict[str, Any]:
        """The synced command `name` as invoked in `guild_id`: guild commands shadow global."""
        scopes = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for command in self._commands.get(scope, ()):
                if command["name"] == name and command["type"] == 1:
                    return command
        synced = sorted(c["name"] for s in scopes for c in self._commands.get(s, ()))
        raise LookupError(f"/{name} was not synced (synced: {synced})")

    # -- limits --------------------------------------------------------------------------

    def set_global_rate(self, per_second: int | None) -> None:
        """Change the global per-bot budget (requests per second; None = unlimited)."""
        self.limits.set_global_rate(per_second)
