"""Turning a Discord interaction into a core request: where, what kind of chat, and who.

This is the only place that knows Discord's contexts. In a server the text channel is the
subscriber; in the bot's DM the DM channel is. Who may change a server channel is answered from
the permissions Discord resolved for this member in this channel and sent with the interaction
itself — the client-side hiding of commands (default member permissions) is never trusted.

Two contexts can read but never subscribe, because the bot cannot post there on its own later:
a group DM or a DM between other people (the app installed by a user), and a server the bot
was not added to (also a user installation). There nobody counts as a manager.
"""

from __future__ import annotations

import discord

from bot.core.request import Request
from bot.domain.address import Address, ChatKind

PLATFORM = "discord"


def address_of(channel_id: int | str) -> Address:
    return Address(PLATFORM, str(channel_id))


def kind_of(interaction: discord.Interaction) -> ChatKind:
    if interaction.guild_id is not None:
        return ChatKind.SERVER_CHANNEL
    if interaction.context.private_channel:
        return ChatKind.GROUP  # a group DM, or a DM between other people: several readers
    return ChatKind.PRIVATE


def may_manage(interaction: discord.Interaction) -> bool:
    """Manage Channels or Administrator in this channel, where the bot itself can post."""
    if interaction.guild_id is None or not interaction.is_guild_integration():
        return False
    permissions = interaction.permissions
    return permissions.manage_channels or permissions.administrator


def request_for(interaction: discord.Interaction) -> Request:
    """The core request behind an interaction (in a channel discord.py could make sense of)."""
    if interaction.channel_id is None:
        raise LookupError(f"no usable channel in a type {interaction.type} interaction")
    managed = may_manage(interaction)

    async def can_manage() -> bool:
        return managed

    return Request(
        address=address_of(interaction.channel_id),
        kind=kind_of(interaction),
        user_id=str(interaction.user.id),
        can_manage=can_manage,
        language=language_hint(interaction),
    )


def language_hint(interaction: discord.Interaction) -> str | None:
    """A server channel speaks its server's language, unless that is the en-US every server
    without Community features sends; then, like a DM, the language of who is asking."""
    guild = interaction.guild_locale
    if guild is not None and guild is not discord.Locale.american_english:
        return guild.value
    return interaction.locale.value if interaction.locale else None
