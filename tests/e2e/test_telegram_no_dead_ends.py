"""No dead ends: every list opens and pages, every topic view leads on, suggestions act on
the command they came from, and a mistyped command gets the nearest one.
"""

from __future__ import annotations

from bot.catalog.keys import key_of
from tests.e2e.conftest import ALICE, TelegramBot
from tests.e2e.test_telegram_private import buttons


async def test_a_search_hit_opens_in_full(telegram: TelegramBot) -> None:
    [results] = await telegram.say(ALICE.chat, ALICE, "/search remittances")
    label, data = buttons(results)[0]
    assert label.startswith("1. ") and data.startswith("open:")
    count = len(telegram.messages(ALICE.chat))

    await telegram.press(ALICE.chat, ALICE, results, data)

    [opened] = telegram.messages(ALICE.chat)[count:]
    entry = telegram.services.catalog.current.entry_by_key(data.removeprefix("open:"))
    assert entry is not None
    body = entry.summary if hasattr(entry, "summary") else entry.text
    assert " ".join(body.split()) in " ".join(opened["text"].split())  # whole, not a snippet


async def test_search_results_page_on_with_more(telegram: TelegramBot) -> None:
    [first] = await telegram.say(ALICE.chat, ALICE, "/search north korea")
    *_, (label, more) = buttons(first)
    assert (label, more) == ("More", "search:5:north korea")
    count = len(telegram.messages(ALICE.chat))

    await telegram.press(ALICE.chat, ALICE, first, more)

    [second] = telegram.messages(ALICE.chat)[count:]
    assert buttons(second)[0][0].startswith("6. ")


async def test_a_topic_page_follows_the_topic(telegram: TelegramBot) -> None:
    [*_, page] = await telegram.say(ALICE.chat, ALICE, "/topic church")
    follow = f"follow:{key_of('church')}"
    assert ("Follow this topic", follow) in buttons(page)

    await telegram.press(ALICE.chat, ALICE, page, follow)

    assert telegram.messages(ALICE.chat)[-1]["text"].startswith("Following The persecuted church.")
    chat = await telegram.chat(ALICE.chat)
    assert chat is not None and chat.topics == ("church",)
    [*_, again] = await telegram.say(ALICE.chat, ALICE, "/topic church")
    assert ("Unfollow this topic", f"unfollow:{key_of('church')}") in buttons(again)


async def test_a_suggestion_under_follow_follows(telegram: TelegramBot) -> None:
    [suggested] = await telegram.say(ALICE.chat, ALICE, "/follow chruch")
    assert buttons(suggested) == [("The persecuted church", f"follow:{key_of('church')}")]

    await telegram.press(ALICE.chat, ALICE, suggested, f"follow:{key_of('church')}")

    chat = await telegram.chat(ALICE.chat)
    assert chat is not None and chat.topics == ("church",)


async def test_follow_takes_several_topics_and_unfollow_lists_what_is_followed(
    telegram: TelegramBot,
) -> None:
    followed = await telegram.ask(ALICE.chat, ALICE, "/follow church border")
    [listing] = await telegram.say(ALICE.chat, ALICE, "/unfollow")

    assert (
        followed
        == "Following The persecuted church, Border security. Your digest will prefer them."
    )
    assert listing["text"] == "Which topic should this chat stop following? Tap one."
    assert {data for _, data in buttons(listing)} == {
        f"unfollow:{key_of('church')}",
        f"unfollow:{key_of('border')}",
    }


async def test_a_mistyped_command_gets_the_nearest_one(telegram: TelegramBot) -> None:
    assert await telegram.ask(ALICE.chat, ALICE, "/todya") == (
        "I don't know /todya. Did you mean /today?"
    )


async def test_brief_by_id_shows_it_whole(telegram: TelegramBot) -> None:
    brief = telegram.services.catalog.current.briefs[0]
    [shown] = await telegram.say(ALICE.chat, ALICE, f"/brief {brief.id}")
    assert brief.title in shown["text"] and brief.summary.split()[-1] in shown["text"]


async def test_the_digest_shows_leads_and_read_more_sends_the_whole_brief(
    telegram: TelegramBot,
) -> None:
    [digest] = await telegram.say(ALICE.chat, ALICE, "/today")
    (label, data), *_ = buttons(digest)
    entry = telegram.services.catalog.current.entry_by_key(data.removeprefix("open:"))
    assert entry is not None and hasattr(entry, "summary")
    assert label.startswith("Read more: ")
    assert entry.summary not in digest["text"]  # the digest carries the lead only
    assert len(digest["text"].split()) < 260  # about a minute's reading
    count = len(telegram.messages(ALICE.chat))

    await telegram.press(ALICE.chat, ALICE, digest, data)

    [whole] = telegram.messages(ALICE.chat)[count:]
    assert " ".join(entry.summary.split()) in " ".join(whole["text"].split())
