"""The command tree's error path: what happens when Discord's data and our commands disagree.

Discord only sends commands the bot registered, but a client can hold a stale list (after an
update removed or changed a command) and anyone can forge a request. discord.py turns those
into errors before any callback runs; here they are answered by the core like any command, so
an unknown name gets the core's "I don't know /x" and a missing or mistyped option reaches the
command as text for the core to explain. No error ever reaches a reader as a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord.commands import Run, invoked
from bot.adapters.discord.replies import apologise

log = logging.getLogger(__name__)

MISMATCHES = (
    app_commands.CommandNotFound,
    app_commands.CommandSignatureMismatch,
    app_commands.TransformerError,
)


class BriefTree(app_commands.CommandTree[discord.Client]):
    """The client's command tree; a command it cannot match goes to `run` as typed.

    It is handed the client's runner rather than reaching back into the client, so the tree
    and the client do not import each other.
    """

    def __init__(self, client: discord.Client, run: Run, **options: Any) -> None:
        super().__init__(client, **options)
        self._run = run

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Let the core answer mismatched commands; apologise for anything else."""
        if interaction.type is discord.InteractionType.autocomplete:
            if not interaction.response.is_done():
                await interaction.response.autocomplete([])
            return
        if isinstance(error, MISMATCHES):
            name, args = invoked(interaction)
            log.info("answering /%s, which does not match the registered commands", name[:32])
            await self._run(interaction, name, args)
            return
        log.error("a Discord command failed: %s", type(error).__name__, exc_info=error)
        await apologise(interaction)
