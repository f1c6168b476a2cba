"""Groups, supergroups and channels: who may change a shared chat, and what everyone may read.

Telegram is the only judge of who administers a chat, so the bot asks it (getChatMember);
anonymous administrators post as the group itself, and channel posts come from the channel.
"""

from __future__ import annotations

from datetime import time

from bot.catalog.keys import key_of
from tests.e2e.conftest import (
    ALICE,
    BOB,
    CHANNEL,
    GROUP,
    SUPERGROUP,
    TODAY,
    TelegramBot,
    without_prompt,
)
from tests.fakes.telegram_api import Chat, User

NEED_ADMIN = "Only this chat's administrators can change its subscription or settings."
# Who Telegram says sent a message an anonymous admin or a linked channel posted.
GROUP_ANONYMOUS_BOT = User(1087968824, "Group", is_bot=True, username="GroupAnonymousBot")
CHANNEL_BOT = User(136817688, "Channel", is_bot=True, username="Channel_Bot")


def forum_message(telegram: TelegramBot, user: User, thread: int, text: str) -> None:
    """Queue a message typed inside a forum topic of SUPERGROUP."""
    telegram.api.queue_update(
        "message",
        {
            "message_id": 9000 + len(telegram.api.requests),
            "message_thread_id": thread,
            "is_topic_message": True,
            "date": 1_763_877_600,
            "chat": {**SUPERGROUP.to_dict(), "is_forum": True},
            "from": user.to_dict(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    )


def post_as(telegram: TelegramBot, chat: Chat, sender: Chat, via: User, text: str) -> None:
    """Queue a message that Telegram attributes to a chat (`sender_chat`) rather than a user."""
    telegram.api.queue_update(
        "message",
        {
            "message_id": 9000 + len(telegram.api.requests),
            "date": 1_763_877_600,
            "chat": chat.to_dict(),
            "from": via.to_dict(),
            "sender_chat": sender.to_dict(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    )


async def test_an_admin_may_subscribe_a_group(telegram: TelegramBot) -> None:
    telegram.api.set_admins(GROUP, ALICE)

    text = await telegram.ask(GROUP, ALICE, "/subscribe 08:00")

    assert text.startswith("Subscribed. Your digest arrives every day at 08:00 (UTC).")
    chat = await telegram.chat(GROUP)
    assert chat is not None and chat.subscribed and chat.kind == "group"
    [asked] = telegram.api.calls("getChatMember")
    assert (asked["chat_id"], asked["user_id"]) == (GROUP.id, ALICE.id)


async def test_the_owner_of_a_supergroup_counts_as_an_admin(telegram: TelegramBot) -> None:
    telegram.api.set_admins(SUPERGROUP, owner=ALICE)

    text = await telegram.ask(SUPERGROUP, ALICE, "/subscribe")

    assert text.startswith("Subscribed.")
    chat = await telegram.chat(SUPERGROUP)
    assert chat is not None and chat.subscribed and chat.kind == "supergroup"


async def test_a_member_is_refused_and_nothing_changes(telegram: TelegramBot) -> None:
    telegram.api.set_admins(GROUP, ALICE)
    await telegram.ask(GROUP, ALICE, "/subscribe 08:00")

    for command in ("/time 09:00", "/timezone Asia/Seoul", "/unsubscribe", "/follow church"):
        assert await telegram.ask(GROUP, BOB, command) == NEED_ADMIN
    assert await telegram.ask(GROUP, BOB, "/forget") == NEED_ADMIN

    chat = await telegram.chat(GROUP)
    assert chat is not None and chat.subscribed
    assert (chat.delivery_time, chat.timezone, chat.topics) == (time(8, 0), "UTC", ())


async def test_a_member_cannot_subscribe_a_group(telegram: TelegramBot) -> None:
    assert await telegram.ask(SUPERGROUP, BOB, "/subscribe") == NEED_ADMIN
    assert await telegram.chat(SUPERGROUP) is None


async def test_an_admin_may_change_the_time_and_forget_the_group(telegram: TelegramBot) -> None:
    telegram.api.set_admins(GROUP, ALICE)
    await telegram.ask(GROUP, ALICE, "/subscribe")

    timed = await telegram.ask(GROUP, ALICE, "/time 06:45")
    [question] = await telegram.say(GROUP, ALICE, "/forget")
    refused = await telegram.press(GROUP, BOB, question, "forget:yes")
    kept = await telegram.chat(GROUP)
    done = await telegram.press(GROUP, ALICE, question, "forget:yes")

    assert timed.startswith("Delivery time set to 06:45 (UTC).")
    assert refused == {"text": NEED_ADMIN}  # a member pressing the admin's button
    assert kept is not None and kept.delivery_time == time(6, 45)
    assert done == {"text": "Done. Nothing about this chat is stored any more."}
    assert await telegram.chat(GROUP) is None


async def test_everyone_may_read_in_a_group(telegram: TelegramBot) -> None:
    digest = await telegram.say(GROUP, BOB, "/today")
    topic = await telegram.say(GROUP, BOB, "/topic church")

    assert digest[0]["text"].startswith(f"Daily brief — {TODAY}")
    assert topic[0]["text"].startswith("The persecuted church\n")
    assert telegram.api.calls("getChatMember") == []  # reading needs no permission check


async def test_an_anonymous_admin_posting_as_the_group_counts_as_admin(
    telegram: TelegramBot,
) -> None:
    post_as(telegram, SUPERGROUP, SUPERGROUP, GROUP_ANONYMOUS_BOT, "/subscribe 07:15")
    await telegram.settle()

    [reply] = without_prompt(telegram.messages(SUPERGROUP))
    assert reply["text"].startswith("Subscribed. Your digest arrives every day at 07:15 (UTC).")
    chat = await telegram.chat(SUPERGROUP)
    assert chat is not None and chat.subscribed


async def test_an_anonymous_post_without_a_user_counts_as_admin(telegram: TelegramBot) -> None:
    text = await telegram.ask(GROUP, None, "/subscribe")

    assert text.startswith("Subscribed.")


async def test_a_linked_channel_posting_in_the_group_is_not_an_admin(
    telegram: TelegramBot,
) -> None:
    post_as(telegram, SUPERGROUP, CHANNEL, CHANNEL_BOT, "/subscribe")
    await telegram.settle()

    [reply] = telegram.messages(SUPERGROUP)
    assert reply["text"] == NEED_ADMIN
    assert await telegram.chat(SUPERGROUP) is None


async def test_a_command_addressed_to_this_bot_is_answered(telegram: TelegramBot) -> None:
    digest = await telegram.say(GROUP, BOB, "/today@briefbot_test_bot")
    mixed_case = await telegram.say(GROUP, BOB, "/today@BriefBot_Test_Bot")

    assert digest[0]["text"].startswith(f"Daily brief — {TODAY}")
    assert [m["text"] for m in mixed_case] == [m["text"] for m in digest]


async def test_a_command_for_another_bot_is_ignored(telegram: TelegramBot) -> None:
    await telegram.assert_ignored(
        GROUP, BOB, lambda: telegram.api.send_text(GROUP, BOB, "/today@OtherBot")
    )


async def test_an_unknown_command_is_left_to_other_bots_unless_addressed(
    telegram: TelegramBot,
) -> None:
    await telegram.assert_ignored(
        GROUP, BOB, lambda: telegram.api.send_text(GROUP, BOB, "/weather Seoul")
    )
    addressed = await telegram.ask(GROUP, BOB, "/weather@briefbot_test_bot Seoul")

    assert addressed == "I don't know /weather. Try /help for the list of commands."


async def test_plain_talk_in_a_group_is_ignored(telegram: TelegramBot) -> None:
    await telegram.assert_ignored(
        GROUP, BOB, lambda: telegram.api.send_text(GROUP, BOB, "Shall we pray at 8?")
    )


async def test_a_channel_post_subscribes_the_channel(telegram: TelegramBot) -> None:
    text = await telegram.ask(CHANNEL, None, "/subscribe")

    assert text.startswith("Subscribed. Your digest arrives every day at 07:00 (UTC).")
    chat = await telegram.chat(CHANNEL)
    assert chat is not None and chat.subscribed and chat.kind == "channel"
    assert telegram.api.calls("getChatMember") == []  # only admins can post in a channel


async def test_ordinary_channel_posts_are_ignored(telegram: TelegramBot) -> None:
    await telegram.assert_ignored(
        CHANNEL, None, lambda: telegram.api.send_text(CHANNEL, None, "Morning news: …")
    )


async def test_removing_the_bot_from_a_group_stops_its_digest(telegram: TelegramBot) -> None:
    telegram.api.set_admins(GROUP, ALICE)
    await telegram.ask(GROUP, ALICE, "/subscribe")

    telegram.api.member_update(GROUP, ALICE, "left")
    await telegram.settle()

    chat = await telegram.chat(GROUP)
    assert chat is not None and not chat.subscribed
    assert chat.deactivated_reason == "removed from the chat"


async def test_answers_go_to_the_forum_topic_the_command_was_typed_in(
    telegram: TelegramBot,
) -> None:
    forum_message(telegram, BOB, 42, "/topics")
    await telegram.settle()
    [listing] = telegram.messages(SUPERGROUP)
    # The fake does not keep threads; mark the bot's message as Telegram would.
    telegram.api.message(SUPERGROUP.id, listing["message_id"]).update(
        message_thread_id=42, is_topic_message=True
    )
    await telegram.press(SUPERGROUP, BOB, listing, f"topic:{key_of('church')}")
    await telegram.ask(SUPERGROUP, BOB, "/about")  # typed in "General": no thread

    threads = [call.get("message_thread_id") for call in telegram.api.calls("sendMessage")]
    assert len(threads) >= 3  # the listing, the topic it opened, and /about
    assert set(threads[:-1]) == {42}
    assert threads[-1] is None


async def test_a_group_that_becomes_a_supergroup_keeps_its_subscription(
    telegram: TelegramBot,
) -> None:
    telegram.api.set_admins(GROUP, ALICE)
    await telegram.ask(GROUP, ALICE, "/subscribe 08:00")

    telegram.api.queue_update(
        "message",
        {
            "message_id": 77,
            "date": 1_763_877_600,
            "chat": GROUP.to_dict(),
            "from": ALICE.to_dict(),
            "migrate_to_chat_id": SUPERGROUP.id,
        },
    )
    await telegram.settle()

    assert await telegram.chat(GROUP) is None
    moved = await telegram.chat(SUPERGROUP)
    assert moved is not None and moved.subscribed and moved.delivery_time == time(8, 0)
