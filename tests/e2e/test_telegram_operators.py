"""The command menu published at start, and what operators may do that readers may not."""

from __future__ import annotations

from bot.core.commands import COMMANDS, Scope
from tests.e2e.conftest import ALICE, GROUP, OPERATOR, TelegramBot

REFUSAL = "Sorry, that command is for the bot's operators."


async def test_the_command_menu_is_published_for_everyone_and_for_operators(
    telegram: TelegramBot,
) -> None:
    listed = [c for c in COMMANDS if not c.hidden]
    readers = [{"command": c.name, "description": c.description} for c in listed]
    everyone = [
        entry for entry, c in zip(readers, listed, strict=True) if c.scope != Scope.OPERATOR
    ]

    assert telegram.api.commands() == everyone
    assert telegram.api.commands({"type": "chat", "chat_id": OPERATOR.id}) == readers
    assert {"stats", "reload", "broadcast"} <= {c["command"] for c in readers}
    assert not {"start", "stop"} & {c["command"] for c in readers}


async def test_help_shows_operators_their_commands(telegram: TelegramBot) -> None:
    text = await telegram.ask(OPERATOR.chat, OPERATOR, "/help")

    assert "\nOperators\n" in text
    assert "/stats — Subscriber and delivery figures (operators)" in text


async def test_stats_counts_subscribers_for_an_operator(telegram: TelegramBot) -> None:
    await telegram.ask(ALICE.chat, ALICE, "/subscribe")
    await telegram.ask(ALICE.chat, ALICE, "/timezone Asia/Seoul")

    text = await telegram.ask(OPERATOR.chat, OPERATOR, "/stats")

    assert text.startswith("Bot figures\n")
    assert "telegram: 1 subscribed, 0 not subscribed, 0 deactivated" in text
    assert "Subscribers by time zone\nAsia/Seoul: 1" in text
    assert "People who prayed: 0 today, 0 in all" in text


async def test_reload_reloads_the_library_for_an_operator(telegram: TelegramBot) -> None:
    library = telegram.services.catalog.current.library

    text = await telegram.ask(OPERATOR.chat, OPERATOR, "/reload")

    assert text == (
        f"Content reloaded: {len(library.briefs)} briefs, {len(library.prayers)} prayer points, "
        f"{len(library.topics)} topics."
    )


async def test_operator_commands_politely_refuse_everyone_else(telegram: TelegramBot) -> None:
    telegram.api.set_admins(GROUP, ALICE)

    for command in ("/stats", "/reload", "/broadcast Hello everyone", "/correct x", "/withdraw x"):
        assert await telegram.ask(ALICE.chat, ALICE, command) == REFUSAL
        assert await telegram.ask(GROUP, ALICE, command) == REFUSAL  # a group admin is not one
    assert telegram.api.calls("getChatMember") == []  # refused without asking Telegram


async def test_broadcast_is_drafted_then_queued_on_confirmation(telegram: TelegramBot) -> None:
    await telegram.ask(ALICE.chat, ALICE, "/subscribe")
    [draft] = await telegram.say(
        OPERATOR.chat, OPERATOR, "/broadcast Thank you for <praying> & more"
    )
    [[send, cancel]] = draft["reply_markup"]["inline_keyboard"]
    answer = await telegram.press(OPERATOR.chat, OPERATOR, draft, send["callback_data"])

    assert (
        draft["text"] == "Send this message to 1 subscribed chat?\nThank you for <praying> & more"
    )
    assert (send["text"], cancel["text"]) == ("Send to 1", "Cancel")
    assert answer["text"].startswith("Queued for 1 chat.")
    assert telegram.api.sent_to(OPERATOR.id)[-1]["text"] == answer["text"]
    assert await telegram.services.outbox.pending_count("telegram") == 1


async def test_correct_and_withdraw_say_plainly_when_there_is_nothing_to_do(
    telegram: TelegramBot,
) -> None:
    brief = telegram.services.catalog.current.library.briefs[0]

    missing = await telegram.ask(OPERATOR.chat, OPERATOR, "/correct")
    unknown = await telegram.ask(OPERATOR.chat, OPERATOR, "/correct no-such-entry")
    unsent = await telegram.ask(OPERATOR.chat, OPERATOR, f"/withdraw {brief.id}")

    assert missing.startswith("Give the id of the entry to correct, e.g. /correct ")
    assert unknown.startswith("The library has no entry 'no-such-entry'. To take back an entry")
    assert unsent == f"No message sent in the last 30 days carries '{brief.id}'."
