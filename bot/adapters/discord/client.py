"""The discord.py client for briefbot: slash commands and button presses in, core replies out.

It only translates. A command or a press becomes a core `Request`; the core's reply goes back
through `replies`. Its one intent is `guilds` (not privileged): it tells the bot when it was
removed from a server or a channel was deleted, so delivery stops there. Slash commands carry
everything else, so no message content is ever requested.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import discord
from discord import app_commands

from bot.adapters.discord.buttons import CoreButton
from bot.adapters.discord.commands import slash_commands
from bot.adapters.discord.mapping import address_of, request_for
from bot.adapters.discord.replies import answer_press, apologise, send_reply
from bot.adapters.discord.translator import CatalogTranslator
from bot.adapters.discord.tree import BriefTree
from bot.core.dispatch import BriefBot
from bot.core.reply import Reply

log = logging.getLogger(__name__)
DEFER_AFTER = 2.0  # seconds of work before an interaction is deferred (Discord allows 3)

INTENTS = discord.Intents(guilds=True)
# The bot has no voice: don't let discord.py warn about missing voice libraries at every start.
discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
EVERYWHERE = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)
BOTH_INSTALLS = app_commands.AppInstallationType(guild=True, user=True)


class BriefClient(discord.Client):
    """discord.py's client with briefbot's commands, buttons and server events wired in."""

    def __init__(self, core: BriefBot, *, guild_ready_timeout: float = 2.0) -> None:
        super().__init__(
            intents=INTENTS,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
            # Longer 429 waits surface to the delivery engine (which pauses all Discord sends)
            # instead of hiding inside discord.py; the delivery sender shares this client's HTTP.
            max_ratelimit_timeout=30.0,
        )
        self.core = core
        self.tree = BriefTree(
            self, self.run_command, allowed_contexts=EVERYWHERE, allowed_installs=BOTH_INSTALLS
        )
        for command in slash_commands(core.menu, self.run_command, core.services.catalog):
            self.tree.add_command(command)
        # Not `_handlers`: discord.Client keeps its own ready/connect handlers under that name.
        self._running: set[asyncio.Task[None]] = set()

    async def setup_hook(self) -> None:
        """Route every core button to the core, old messages' buttons included; translate the
        command menu from the message catalog when it is synced."""
        self.add_dynamic_items(CoreButton)
        await self.tree.set_translator(CatalogTranslator())

    async def run_command(self, interaction: discord.Interaction, name: str, args: str) -> None:
        """Answer a slash command (or one Discord knows and this version does not)."""
        async with self._answering(interaction):
            reply = await in_time(
                self.core.handle_command(request_for(interaction), name, args),
                lambda: interaction.response.defer(thinking=True),
            )
            await send_reply(interaction, reply)

    async def answer_press(self, interaction: discord.Interaction, action: str) -> None:
        """Answer a press on any core button."""
        async with self._answering(interaction):
            reply = await in_time(
                self.core.handle_action(request_for(interaction), action),
                interaction.response.defer,
            )
            await answer_press(interaction, reply)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a server: stop delivering to its channels."""
        async with self._tracked():
            for channel in guild.channels:
                await self.core.chat_gone(address_of(channel.id), "removed from the server")

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        """A subscribed channel was deleted: stop delivering to it."""
        async with self._tracked():
            await self.core.chat_gone(address_of(channel.id), "channel deleted")

    async def idle(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) for the handlers still at work."""
        running = self._running - {asyncio.current_task()}
        if running:
            await asyncio.wait(running, timeout=timeout)

    @asynccontextmanager
    async def _tracked(self) -> AsyncIterator[None]:
        """Count the running handler in, so `idle()` (and a clean stop) can wait for it."""
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        try:
            yield
        finally:
            self._running.discard(task)

    @asynccontextmanager
    async def _answering(self, interaction: discord.Interaction) -> AsyncIterator[None]:
        """Never let a failure reach the reader as silence (or as a traceback)."""
        async with self._tracked():
            try:
                yield
            except Exception:
                log.exception("answering a Discord interaction failed")
                await apologise(interaction)


async def in_time(work: Awaitable[Reply], defer: Callable[[], Awaitable[object]]) -> Reply:
    """`work`'s reply; if it takes longer than `DEFER_AFTER`, `defer` the interaction first.

    Discord drops an interaction not answered within 3 seconds ("The application did not
    respond"); a slow moment (a busy database, a reload) must not cost the reader the answer.
    A deferred one is answered by follow-up or by editing the original response instead.
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
    if not done:
        await defer()
    return await task
