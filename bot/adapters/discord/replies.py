"""Answering interactions with core replies: embeds from the shared renderer, buttons as views.

A reply may render as several messages: the first is the interaction's response, the rest are
follow-ups, buttons on the last. Mentions never ping (`allowed_mentions` none on every call),
whatever the content or a reader's echoed words contain.

A press is answered in place where the core asks for it: `edit` replaces the pressed message,
`update` relabels just the pressed button. A reply that carries a `notice` (a refusal, a
"thank you") is feedback for the one person who acted, so it is sent ephemerally — only they
see it, and a server channel is not cluttered with other members' mistakes.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.adapters.discord.buttons import replace_button, rows_of, view_of
from bot.core.messages import t
from bot.core.reply import Reply
from bot.render.discord_embeds import DiscordMessage, escape, render

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()
NOTICE_LIMIT = 200  # a notice is a toast elsewhere: keep it short here too


def message_fields(message: DiscordMessage) -> dict[str, Any]:
    """The embeds and view of one rendered message, as discord.py keyword arguments."""
    fields: dict[str, Any] = {"embeds": [discord.Embed.from_dict(e) for e in message.embeds]}
    view = view_of(message.components())
    if view is not None:
        fields["view"] = view
    return fields


async def send_reply(interaction: discord.Interaction, reply: Reply) -> None:
    """Answer with every message of `reply`, in order; ephemeral if it carries a notice."""
    private = reply.notice is not None
    messages = [m for m in render(reply) if m.embeds or m.buttons]
    if not messages:
        await send_notice(interaction, reply.notice)
        return
    if interaction.response.is_done():  # deferred: every message is a follow-up
        await _follow_up(interaction, messages, private)
        return
    first, *rest = messages
    await interaction.response.send_message(
        **message_fields(first), ephemeral=private, allowed_mentions=NO_MENTIONS
    )
    await _follow_up(interaction, rest, private)


async def send_notice(interaction: discord.Interaction, notice: str | None) -> None:
    """A short ephemeral line; with nothing to say, just acknowledge the interaction."""
    if notice is None:
        if not interaction.response.is_done():
            await interaction.response.defer()
        return
    content = escape(notice[:NOTICE_LIMIT])
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(
            content, ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def answer_press(interaction: discord.Interaction, reply: Reply) -> None:
    """Apply a button's reply: edit the message, relabel the button, or answer anew."""
    if reply.edit:
        first, *rest = render(reply)
        fields = message_fields(first)
        await _edit_pressed(
            interaction,
            embeds=fields["embeds"] if reply.parts else discord.utils.MISSING,
            view=fields.get("view"),  # None takes the buttons away
            allowed_mentions=NO_MENTIONS,
        )
        await _follow_up(interaction, rest, private=False)
    elif reply.update is not None:
        rows = replace_button(rows_of(interaction.message), reply.update)
        await _edit_pressed(interaction, view=view_of(rows))
        await send_notice(interaction, reply.notice)
    else:
        await send_reply(interaction, reply)


async def _edit_pressed(interaction: discord.Interaction, **fields: Any) -> None:
    """Edit the message whose button was pressed: as the response, or (deferred) after it."""
    if interaction.response.is_done():
        await interaction.edit_original_response(**fields)
    else:
        await interaction.response.edit_message(**fields)


async def _follow_up(
    interaction: discord.Interaction, messages: list[DiscordMessage], private: bool
) -> None:
    for message in messages:
        await interaction.followup.send(
            **message_fields(message), ephemeral=private, allowed_mentions=NO_MENTIONS
        )


async def apologise(interaction: discord.Interaction) -> None:
    """Say something went wrong, if Discord still lets us answer at all."""
    try:
        await send_notice(interaction, t("error.internal"))
    except discord.HTTPException as error:
        log.warning("could not apologise for a failed interaction (HTTP %s)", error.status)
