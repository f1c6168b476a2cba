"""Buttons on Discord: "I prayed", /forget's confirmation, topic buttons — also after a restart.

Every core button is one persistent `DynamicItem` (custom id `bb:<action>`), so a button on a
message sent before the bot restarted still reaches the core. A press is answered in place:
"I prayed" relabels just its own button, a confirmation replaces the question.
"""

from __future__ import annotations

from pathlib import Path

from bot.catalog.keys import key_of
from tests.e2e.discord_fixtures import (  # noqa: F401
    ALICE,
    BOB,
    EPHEMERAL,
    GENERAL,
    MEMBER,
    NOW,
    DiscordBot,
    buttons_of,
    discord_bot_fixture,
    fake_discord_fixture,
    running_discord_bot,
)
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_messages import message_payload

NEED_ADMIN = "Only this chat's administrators can change its subscription or settings."


async def test_i_prayed_keeps_working_after_the_bot_restarts(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    database = tmp_path / "db.sqlite3"
    async with running_discord_bot(fake_discord, database) as before:
        prayer = await before.slash("pray", user=BOB, channel=GENERAL, permissions=MEMBER)
    [(label, custom_id)] = prayer.buttons

    async with running_discord_bot(fake_discord, database) as after:
        pressed = await after.press(prayer.message_id, custom_id, user=BOB, permissions=MEMBER)
        errors = after.errors

    assert label == "🙏 I prayed"
    assert fake_discord.gateway.counts["identifies"] == 2  # a new session, not a resume
    assert pressed.kind == 7  # the pressed message itself was updated
    assert buttons_of(after.message(prayer.message_id)) == [
        ("🙏 I prayed · 1 today", custom_id)]
    [thanks] = pressed.handle.followups
    assert thanks["content"] == "Thank you for praying. 1 person prayed for this today."
    assert thanks["flags"] & EPHEMERAL
    assert errors == []


async def test_i_prayed_counts_once_per_person_chat_and_day(discord_bot: DiscordBot) -> None:
    in_server = await discord_bot.slash("pray", user=BOB, channel=GENERAL, permissions=MEMBER)
    in_dm = await discord_bot.slash("pray", user=ALICE)
    [(_, custom_id)] = in_server.buttons

    first = await discord_bot.press(in_server.message_id, custom_id, user=BOB, permissions=MEMBER)
    again = await discord_bot.press(in_server.message_id, custom_id, user=BOB, permissions=MEMBER)
    other = await discord_bot.press(in_server.message_id, custom_id, user=ALICE)
    elsewhere = await discord_bot.press(in_dm.message_id, custom_id, user=ALICE)

    assert first.text.endswith("1 person prayed for this today.")
    assert again.text.endswith("You are already counted today — thank you for praying.")
    assert other.text.endswith("2 people prayed for this today.")  # another member
    assert elsewhere.text.endswith("3 people prayed for this today.")  # in another chat
    assert buttons_of(discord_bot.message(in_dm.message_id))[0][0] == "🙏 I prayed · 3 today"
    key = custom_id.rsplit(":", 1)[1]
    [prayer] = [p for p in discord_bot.services.catalog.current.prayers if key_of(p.id) == key]
    assert await discord_bot.store.prayer_count(prayer.id, NOW.date()) == 3


async def test_i_prayed_counts_again_the_next_day(discord_bot: DiscordBot) -> None:
    prayer = await discord_bot.slash("pray", channel=GENERAL)
    [(_, custom_id)] = prayer.buttons
    await discord_bot.press(prayer.message_id, custom_id)

    discord_bot.services.clock.advance(days=1)  # type: ignore[attr-defined]
    yesterdays = await discord_bot.press(prayer.message_id, custom_id)
    todays = await discord_bot.slash("pray", channel=GENERAL)
    [(_, new_id)] = todays.buttons
    next_day = await discord_bot.press(todays.message_id, new_id)

    # Yesterday's button counts for yesterday, where this chat is already counted.
    assert yesterdays.text.endswith("You are already counted today — thank you for praying.")
    assert new_id != custom_id and next_day.text.endswith("1 person prayed for this today.")


async def test_forget_deletes_the_chat_after_the_confirmation_button(
    discord_bot: DiscordBot,
) -> None:
    await discord_bot.slash("subscribe", channel=GENERAL)
    question = await discord_bot.slash("forget", channel=GENERAL)
    assert question.buttons == [("Delete everything", "bb:forget:yes"),
                                ("Keep it", "bb:forget:no")]
    assert await discord_bot.chat(GENERAL) is not None  # asking deletes nothing

    confirmed = await discord_bot.press(question.message_id, "bb:forget:yes")

    assert confirmed.kind == 7
    edited = discord_bot.message(question.message_id)
    assert confirmed.text == "Done. Nothing about this chat is stored any more."
    assert edited["components"] == []  # the question's buttons are gone
    assert await discord_bot.chat(GENERAL) is None


async def test_forget_in_a_dm_deletes_the_dm_subscriber(discord_bot: DiscordBot) -> None:
    await discord_bot.slash("subscribe", user=BOB, permissions=MEMBER)
    question = await discord_bot.slash("forget", user=BOB, permissions=MEMBER)

    await discord_bot.press(question.message_id, "bb:forget:yes", user=BOB, permissions=MEMBER)

    assert await discord_bot.chat(discord_bot.dm(BOB)) is None


async def test_keep_it_leaves_everything_in_place(discord_bot: DiscordBot) -> None:
    await discord_bot.slash("subscribe", channel=GENERAL)
    question = await discord_bot.slash("forget", channel=GENERAL)

    kept = await discord_bot.press(question.message_id, "bb:forget:no")

    assert kept.text == "Nothing was deleted."
    assert (chat := await discord_bot.chat(GENERAL)) is not None and chat.subscribed


async def test_a_member_cannot_confirm_a_managers_forget(discord_bot: DiscordBot) -> None:
    await discord_bot.slash("subscribe", channel=GENERAL)
    question = await discord_bot.slash("forget", channel=GENERAL)

    refused = await discord_bot.press(
        question.message_id, "bb:forget:yes", user=BOB, permissions=MEMBER
    )

    assert (refused.kind, refused.text, refused.ephemeral) == (4, NEED_ADMIN, True)
    assert discord_bot.message(question.message_id)["components"] != []
    assert await discord_bot.chat(GENERAL) is not None


async def test_a_topic_button_opens_the_topic(discord_bot: DiscordBot) -> None:
    listing = await discord_bot.slash("topics", user=BOB, channel=GENERAL, permissions=MEMBER)
    assert ("The persecuted church", f"bb:topic:{key_of('church')}") in listing.buttons

    opened = await discord_bot.press(
        listing.message_id, f"bb:topic:{key_of('church')}", user=BOB, permissions=MEMBER
    )

    assert opened.kind == 4 and not opened.ephemeral
    assert opened.text.startswith("The persecuted church\n")
    # What a reader may do next; "I prayed" belongs to /pray and the digest
    assert opened.buttons == [
        ("Follow this topic", f"bb:follow:{key_of('church')}"),
        ("Subscribe", "bb:subscribe"),
        ("More", f"bb:topic:{key_of('church')}:3"),
    ]


async def test_a_button_from_an_older_version_says_it_expired(discord_bot: DiscordBot) -> None:
    old = await posted_earlier(discord_bot.fake, GENERAL, "Old", "bb:retired-action")

    pressed = await discord_bot.press(old, "bb:retired-action")

    assert (pressed.text, pressed.ephemeral) == ("That button has expired.", True)
    assert discord_bot.message(old)["content"] == "posted earlier"


async def test_the_welcome_subscribe_button_subscribes_the_dm(discord_bot: DiscordBot) -> None:
    """/start is hidden from Discord's menu, but its buttons are the core's like any other."""
    welcome = await posted_earlier(discord_bot.fake, discord_bot.dm(BOB), "Subscribe",
                                   "bb:subscribe")

    pressed = await discord_bot.press(welcome, "bb:subscribe", user=BOB)

    assert pressed.text.startswith("Subscribed. Your digest arrives every day at 07:00 (UTC).")
    assert (chat := await discord_bot.chat(discord_bot.dm(BOB))) is not None and chat.subscribed


async def posted_earlier(fake: FakeDiscord, channel_id: int, label: str, custom_id: str) -> int:
    """A message with one button that the bot sent before this test's bot was started."""
    row = {"type": 1, "components": [
        {"type": 2, "style": 1, "label": label, "custom_id": custom_id}]}
    message = message_payload(fake.snowflakes.next(), channel_id, fake.bot_user,
                              {"content": "posted earlier", "components": [row]})
    await fake.store_message(message)
    return int(message["id"])


async def test_a_search_hit_opens_in_full(discord_bot: DiscordBot) -> None:
    results = await discord_bot.slash("search", {"words": "remittances"}, user=ALICE)
    label, custom_id = results.buttons[0]
    assert label.startswith("1. ") and custom_id.startswith("bb:open:")

    opened = await discord_bot.press(results.message_id, custom_id, user=ALICE)

    entry = discord_bot.services.catalog.current.entry_by_key(custom_id.removeprefix("bb:open:"))
    assert entry is not None and entry.title is not None
    assert opened.text.startswith(entry.title)


async def test_a_topic_page_follows_the_topic(discord_bot: DiscordBot) -> None:
    page = await discord_bot.slash("topic", {"topic": "church"}, user=ALICE)
    follow = f"bb:follow:{key_of('church')}"
    assert ("Follow this topic", follow) in page.buttons

    followed = await discord_bot.press(page.message_id, follow, user=ALICE)

    assert followed.text.startswith("Following The persecuted church.")


async def test_read_more_under_the_digest_sends_the_whole_brief(discord_bot: DiscordBot) -> None:
    digest = await discord_bot.slash("today", user=ALICE)
    (label, custom_id), *_ = digest.buttons
    assert label.startswith("Read more: ")

    whole = await discord_bot.press(digest.message_id, custom_id, user=ALICE)

    entry = discord_bot.services.catalog.current.entry_by_key(custom_id.removeprefix("bb:open:"))
    assert entry is not None and hasattr(entry, "summary")
    assert entry.summary.split()[-1] in whole.text
