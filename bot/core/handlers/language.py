"""/language: the chat chooses the language the bot speaks to it (admins in shared chats)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.languages import LANGUAGES, named
from bot.core.messages import t, use_locale
from bot.core.reply import Button, Reply, text_reply

LANGUAGE_ACTION = "language:"


async def language(ctx: Context, args: str) -> Reply:
    """No argument: a button per language. With one: switch to it."""
    if not args.strip():
        buttons = tuple(
            Button(name, f"{LANGUAGE_ACTION}{code}") for code, name in LANGUAGES.items()
        )
        return Reply(parts=text_reply(t("language.title")).parts, buttons=(buttons,))
    code = named(args)
    if code is None:
        return text_reply(t("language.unknown", text=args.strip()[:40]))
    return await choose(ctx, code)


async def choose(ctx: Context, code: str) -> Reply:
    """Store the chat's language and say so in it (a button's value is a code)."""
    if code not in LANGUAGES:
        return Reply(notice=t("button.expired"))
    await ctx.ensure_chat()
    chat = await ctx.store.update_chat(ctx.request.address, language=code)
    ctx.remember(chat)
    with use_locale(code):
        sentence = t("language.set")
    return Reply(parts=text_reply(sentence).parts, notice=sentence)
