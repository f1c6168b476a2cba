"""Buttons that keep working after a restart: one `DynamicItem` for every core button.

The renderer gives each button the custom id `bb:<action>`, where the action is the core's
own id (`prayed:<prayer id>`, `forget:yes`, ...). Registering `CoreButton` once with
`client.add_dynamic_items` makes discord.py route any press whose custom id matches the template
to it — also on messages sent before the bot restarted, since nothing per message is kept in
memory. Views built here hold only such items, so discord.py stores no per-message state.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, cast

import discord

from bot.core.reply import Button
from bot.render.discord_embeds import CUSTOM_ID_PREFIX, DiscordMessage, custom_id

Rows = list[dict[str, Any]]  # action rows in the API's JSON shape


class PressHandler(Protocol):
    async def answer_press(self, interaction: discord.Interaction, action: str) -> None: ...


class CoreButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=re.escape(CUSTOM_ID_PREFIX) + r"(?P<action>.+)",
):
    """Any button the core put on a message; pressing it hands its action to the client."""

    def __init__(self, button: discord.ui.Button, action: str) -> None:
        super().__init__(button)
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CoreButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item, match["action"])

    @classmethod
    def from_json(cls, component: dict[str, Any], row: int) -> CoreButton:
        """The button the renderer described in API JSON, placed on row `row`."""
        button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
            label=component.get("label"),
            custom_id=component["custom_id"],
            style=discord.ButtonStyle(component.get("style", discord.ButtonStyle.primary.value)),
            disabled=component.get("disabled", False),
            row=row,
        )
        match = cls.__discord_ui_compiled_template__.fullmatch(component["custom_id"])
        if match is None:
            raise ValueError(f"not a briefbot button: {component['custom_id']!r}")
        return cls(button, match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        client: PressHandler = interaction.client  # type: ignore[assignment]
        await client.answer_press(interaction, self.action)


def view_of(rows: Rows) -> discord.ui.View | None:
    """A view holding these rows of buttons, or None when there are none."""
    if not rows:
        return None
    view = discord.ui.View(timeout=None)
    for index, row in enumerate(rows):
        for component in row.get("components", []):
            view.add_item(CoreButton.from_json(component, index))
    return view


def rows_of(message: discord.Message | None) -> Rows:
    """A sent message's button rows, as JSON, to rebuild them with one button changed."""
    if message is None:
        return []
    rows = [row for row in message.components if isinstance(row, discord.ActionRow)]
    return [cast(dict[str, Any], row.to_dict()) for row in rows]


def replace_button(rows: Rows, new: Button) -> Rows:
    """`rows` with the button carrying `new`'s action relabelled; the others untouched."""
    [[replacement]] = [row["components"] for row in DiscordMessage(buttons=((new,),)).components()]
    wanted = custom_id(new.action)
    return [
        {
            **row,
            "components": [
                replacement if c.get("custom_id") == wanted else c
                for c in row.get("components", [])
            ],
        }
        for row in rows
    ]
