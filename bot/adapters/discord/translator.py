"""Korean (and any later language) for Discord's command menu: discord.py asks a translator
for every command and option description in every locale when it syncs the commands, and
sends what it gets as `description_localizations`. Each description carries its catalog key,
so the translation is the catalog's, the same text Telegram's menu shows."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core.languages import DEFAULT_LANGUAGE, supported
from bot.core.messages import t, use_locale


def localizable(text: str, key: str) -> app_commands.locale_str:
    """`text` (the English), marked with the catalog key that translates it."""
    return app_commands.locale_str(text, key=key)


class CatalogTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The catalog's text in `locale`, or None (Discord then shows the English)."""
        language = supported(locale.value)
        key = string.extras.get("key")
        if language is None or language == DEFAULT_LANGUAGE or key is None:
            return None
        with use_locale(language):
            return t(key)
