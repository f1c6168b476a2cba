"""Every command in a private chat, end to end: what the reader sees and what the bot stores.

A reader talks to the real python-telegram-bot application over HTTP (FakeBotApi), which runs
the core on a SQLite file with the shipped content library. Replies are checked as Telegram
would show them, after the fake parsed their HTML exactly as Telegram does.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.catalog.keys import key_of
from bot.core.commands import BY_NAME
from tests.e2e.conftest import ALICE, TODAY, TelegramBot


def buttons(message: dict) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


async def test_start_welcomes_with_subscribe_and_topics_buttons(telegram: TelegramBot) -> None:
    [welcome] = await telegram.say(ALICE.chat, ALICE, "/start")

    assert welcome["text"].startswith("Welcome to the North Korea daily brief\n")
    assert "Tap Subscribe to start" in welcome["text"]
    assert buttons(welcome) == [("Subscribe", "subscribe"), ("Topics", "topics")]
    assert welcome["entities"][0] == {"type": "bold", "offset": 0, "length": 38}


async def test_start_deep_link_opens_the_topic(telegram: TelegramBot) -> None:
    first, *_, last = await telegram.say(ALICE.chat, ALICE, "/start topic-defectors")

    assert first["text"].startswith("Defectors and escape\nNorth Koreans who flee")
    # A deep link leads somewhere: follow, subscribe, read on; "I prayed" counts only the
    # day's own prayer point (/pray)
    assert buttons(last) == [
        ("Follow this topic", f"follow:{key_of('defectors')}"),
        ("Subscribe", "subscribe"),
        ("More", f"topic:{key_of('defectors')}:3"),
    ]


async def test_help_lists_reading_and_subscription_commands_but_not_operator_ones(
    telegram: TelegramBot,
) -> None:
    text = await telegram.ask(ALICE.chat, ALICE, "/help")

    assert text.startswith("What I can do\nReading\n")
    for name in ("today", "topic", "search", "subscribe", "timezone", "forget", "about"):
        assert f"\n{BY_NAME[name].usage()}\n" in text
    assert "/stats" not in text and "Operators" not in text
    assert "/stop" not in text  # an alias, kept out of menus


async def test_about_names_the_sources_and_counts_the_library(telegram: TelegramBot) -> None:
    library = telegram.services.catalog.current.library

    text = await telegram.ask(ALICE.chat, ALICE, "/about")

    assert text.startswith("About this bot\n")
    assert "Sources quoted in the library: " in text
    assert (
        f"The library holds {len(library.briefs)} briefs and {len(library.prayers)} prayer "
        f"points on {len(library.topics)} topics." in text
    )


async def test_subscribe_stores_the_chat_with_its_next_delivery(telegram: TelegramBot) -> None:
    text = await telegram.ask(ALICE.chat, ALICE, "/subscribe")

    assert text.startswith("Subscribed. Your digest arrives every day at 07:00 (UTC).")
    assert "Next digest: Mon 23 Nov at 07:00 UTC." in text
    chat = await telegram.chat(ALICE.chat)
    assert chat is not None and chat.subscribed and chat.kind == "private"
    assert chat.next_due_utc == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


async def test_subscribe_at_a_time_and_again_says_already(telegram: TelegramBot) -> None:
    first = await telegram.ask(ALICE.chat, ALICE, "/subscribe 07:30")
    again = await telegram.ask(ALICE.chat, ALICE, "/subscribe")

    assert first.startswith("Subscribed. Your digest arrives every day at 07:30 (UTC).")
    assert again.startswith("This chat is already subscribed: every day at 07:30 (UTC).")
    chat = await telegram.chat(ALICE.chat)
    assert chat is not None and chat.delivery_time == time(7, 30)


async def test_unsubscribe_and_stop_end_the_digest(telegram: TelegramBot) -> None:
    await telegram.ask(ALICE.chat, ALICE, "/subscribe")
    stopped = await telegram.ask(ALICE.chat, ALICE, "/unsubscribe")
    chat = await telegram.chat(ALICE.chat)
    await telegram.ask(ALICE.chat, ALICE, "/subscribe")
    alias = await telegram.ask(ALICE.chat, ALICE, "/stop")
    nothing = await telegram.ask(ALICE.chat, ALICE, "/stop")

    assert stopped == alias
    assert stopped.startswith("Unsubscribed. No more daily digests here")
    assert chat is not None and not chat.subscribed and chat.next_due_utc is None
    assert nothing == "This chat is not subscribed, so there is nothing to stop."
    stored = await telegram.chat(ALICE.chat)
    assert stored is not None and not stored.subscribed


async def test_time_and_timezone_are_stored(telegram: TelegramBot) -> None:
    timed = await telegram.ask(ALICE.chat, ALICE, "/time 07:30")
    zoned = await telegram.ask(ALICE.chat, ALICE, "/timezone Asia/Seoul")

    assert timed == "Delivery time set to 07:30 (UTC).\nSubscribed: no — /subscribe to start"
    assert zoned.startswith("Time zone set to Asia/Seoul. The digest arrives at 07:30 local time.")
    chat = await telegram.chat(ALICE.chat)
    assert chat is not None and (chat.delivery_time, chat.timezone) == (time(7, 30), "Asia/Seoul")
    assert not chat.subscribed


async def test_settings_show_the_subscription(telegram: TelegramBot) -> None:
    before = await telegram.ask(ALICE.chat, ALICE, "/settings")
    await telegram.ask(ALICE.chat, ALICE, "/subscribe 08:15")
    await telegram.ask(ALICE.chat, ALICE, "/timezone Asia/Seoul")
    await telegram.ask(ALICE.chat, ALICE, "/follow church")
    after = await telegram.ask(ALICE.chat, ALICE, "/settings")

    assert before.splitlines() == [
        "Settings for this chat",
        "Subscribed: no — /subscribe to start",
        "Delivery time: 07:00",
        "Time zone: UTC",
        "Preferred topics: none (all topics in turn)",
        "Language: English",
    ]
    assert after.splitlines() == [
        "Settings for this chat",
        "Subscribed: yes",
        "Delivery time: 08:15",
        "Time zone: Asia/Seoul",
        "Preferred topics: The persecuted church",
        "Language: English",
        "Next digest: Tue 24 Nov at 08:15 Asia/Seoul",
    ]


async def test_today_sends_the_digest_with_the_prayed_button(telegram: TelegramBot) -> None:
    await telegram.ask(ALICE.chat, ALICE, "/subscribe")
    [digest] = await telegram.say(ALICE.chat, ALICE, "/today")

    assert digest["text"].startswith(f"Daily brief — {TODAY}\n")
    assert "\nPrayer point\n" in digest["text"]
    *more, (label, data) = buttons(digest)
    assert label == "🙏 I prayed" and data.startswith("prayed:20261123:")
    assert [m[0].startswith("Read more: ") and m[1].startswith("open:") for m in more] == [
        True,
        True,
    ]
    chat = await telegram.chat(ALICE.chat)
    assert chat is not None
    received = await telegram.store.received_before(chat.pk, datetime(2026, 11, 24).date())
    key = data.rsplit(":", 1)[1]
    assert any(key_of(entry) == key for entry in received)  # a subscriber's /today is "sent"


async def test_pray_sends_todays_prayer_point(telegram: TelegramBot) -> None:
    [digest] = await telegram.say(ALICE.chat, ALICE, "/today")
    [prayer] = await telegram.say(ALICE.chat, ALICE, "/pray")

    assert prayer["text"].startswith(f"Prayer point for {TODAY}\n")
    assert buttons(prayer) == buttons(digest)[-1:]  # the same prayer point as today's digest


async def test_topic_shows_latest_briefs_and_prayers(telegram: TelegramBot) -> None:
    catalog = telegram.services.catalog.current
    messages = await telegram.say(ALICE.chat, ALICE, "/topic defectors")

    text = "\n".join(m["text"] for m in messages)
    assert text.startswith("Defectors and escape\n")
    for item in catalog.briefs_for("defectors")[:3] + catalog.prayers_for("defectors")[:2]:
        assert item.title in text
    # No "I prayed" here: a press counts only the day's own prayer point, from /pray.
    assert [data for _, data in buttons(messages[-1])] == [
        f"follow:{key_of('defectors')}",
        "subscribe",
        f"topic:{key_of('defectors')}:3",
    ]
    assert all(m.get("reply_markup") is None for m in messages[:-1])


async def test_topic_alias_finds_the_topic(telegram: TelegramBot) -> None:
    by_alias = await telegram.say(ALICE.chat, ALICE, "/topic refugees")
    by_slug = await telegram.say(ALICE.chat, ALICE, "/topic defectors")

    assert [m["text"] for m in by_alias] == [m["text"] for m in by_slug]


async def test_topic_without_a_name_offers_every_topic(telegram: TelegramBot) -> None:
    [menu] = await telegram.say(ALICE.chat, ALICE, "/topic")

    assert menu["text"] == "Which topic? Pick one below, or type /topic NAME."
    slugs = [topic.slug for topic in telegram.services.catalog.current.topics]
    assert [data for _, data in buttons(menu)] == [f"topic:{key_of(slug)}" for slug in slugs]


async def test_misspelt_topic_suggests_the_right_one(telegram: TelegramBot) -> None:
    [reply] = await telegram.say(ALICE.chat, ALICE, "/topic defecters")

    unknown, suggestion, see_all = reply["text"].splitlines()
    assert unknown == "I don't know the topic “defecters”."
    assert suggestion.startswith("Did you mean defectors")  # best match first
    assert see_all == "See all topics with /topics."
    assert buttons(reply)[0] == ("Defectors and escape", f"topic:{key_of('defectors')}")


async def test_topics_lists_every_topic_with_its_counts(telegram: TelegramBot) -> None:
    catalog = telegram.services.catalog.current
    [listing] = await telegram.say(ALICE.chat, ALICE, "/topics")

    lines = listing["text"].splitlines()
    assert lines[0] == "Topics"
    for topic in catalog.topics:
        briefs, prayers = len(catalog.briefs_for(topic.slug)), len(catalog.prayers_for(topic.slug))
        assert (
            f"{topic.title} — /topic {topic.slug} ({briefs} briefs, {prayers} prayer points)"
            in lines
        )
    assert len(buttons(listing)) == len(catalog.topics)


async def test_follow_and_unfollow_change_the_preferred_topics(telegram: TelegramBot) -> None:
    followed = await telegram.ask(ALICE.chat, ALICE, "/follow defectors")
    again = await telegram.ask(ALICE.chat, ALICE, "/follow defector")
    chat = await telegram.chat(ALICE.chat)
    dropped = await telegram.ask(ALICE.chat, ALICE, "/unfollow defectors")
    not_followed = await telegram.ask(ALICE.chat, ALICE, "/unfollow church")

    assert followed == "Following Defectors and escape. Your digest will prefer it."
    assert again == "You already follow Defectors and escape."
    assert chat is not None and chat.topics == ("defectors",)
    assert dropped == "No longer following Defectors and escape."
    assert not_followed == "You were not following The persecuted church."
    stored = await telegram.chat(ALICE.chat)
    assert stored is not None and stored.topics == ()


async def test_search_finds_briefs_by_word(telegram: TelegramBot) -> None:
    hits = telegram.services.catalog.current.search("remittances", limit=5)

    text = await telegram.ask(ALICE.chat, ALICE, "/search remittances")

    assert text.startswith("Results for “remittances”\n")
    assert len(hits) == 5
    for hit in hits:
        assert f"{hit.entry.title}\n" in text


async def test_forget_deletes_the_chat_after_confirmation(telegram: TelegramBot) -> None:
    await telegram.ask(ALICE.chat, ALICE, "/subscribe")
    [question] = await telegram.say(ALICE.chat, ALICE, "/forget")
    answer = await telegram.press(ALICE.chat, ALICE, question, "forget:yes")

    assert question["text"].startswith("This deletes everything stored about this chat")
    assert buttons(question) == [("Delete everything", "forget:yes"), ("Keep it", "forget:no")]
    assert answer == {"text": "Done. Nothing about this chat is stored any more."}
    edited = telegram.api.sent_to(ALICE.id)[-1]
    assert edited["edited"] and edited["message_id"] == question["message_id"]
    assert edited["text"] == "Done. Nothing about this chat is stored any more."
    assert edited["reply_markup"] is None
    assert await telegram.chat(ALICE.chat) is None


async def test_blocking_the_bot_stops_the_digest_and_subscribe_resumes_it(
    telegram: TelegramBot,
) -> None:
    await telegram.ask(ALICE.chat, ALICE, "/subscribe")

    telegram.api.member_update(ALICE.chat, ALICE, "kicked")
    await telegram.settle()
    blocked = await telegram.chat(ALICE.chat)
    settings = await telegram.ask(ALICE.chat, ALICE, "/settings")
    resumed = await telegram.ask(ALICE.chat, ALICE, "/subscribe")

    assert blocked is not None and not blocked.subscribed and blocked.next_due_utc is None
    assert (
        "Subscribed: paused, because the last delivery failed (removed from the chat)" in settings
    )
    assert resumed.startswith("Subscribed.")
