"""Whatever a Discord user types, or a client forges, the bot answers politely and pings nobody.

Echoed arguments are escaped for Discord markdown, every answer is sent with `allowed_mentions`
allowing nothing (checked on the request JSON the fake recorded), and commands or options this
version never registered are answered by the core rather than dropped.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.discord_fixtures import (  # noqa: F401
    ALICE,
    GENERAL,
    OLGA,
    Answer,
    DiscordBot,
    discord_bot_fixture,
    fake_discord_fixture,
)
from tests.fakes.discord_api import FakeDiscord

CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
STRING, INTEGER = 3, 4


def sent_json(fake: FakeDiscord, answer: Answer) -> dict[str, Any]:
    """The interaction callback exactly as the bot sent it over HTTP."""
    [request] = [
        r for r in fake.requests
        if r.route == CALLBACK and r.path.startswith(f"/interactions/{answer.handle.id}/")
    ]
    return request.json


@pytest.mark.parametrize(
    ("command", "options", "echo", "escaped"),
    [
        ("search", {"words": "**x** __y__ `z`"}, "Nothing matched “**x** __y__ `z`”.",
         r"\*\*x\*\* \_\_y\_\_ \`z\`"),
        ("topic", {"topic": "~~gone~~ ||secret|| > quote"}, "I don't know the topic",
         r"\~\~gone\~\~ \|\|secret\|\| \> quote"),
        ("timezone", {"timezone": "[link](http://x.example)"}, "I don't know the time zone",
         r"\[link\]\(http\://x.example\)"),
    ],
    ids=["bold-underline-code", "strike-spoiler-quote", "link"],
)
async def test_markdown_in_arguments_is_shown_literally(
    discord_bot: DiscordBot, command: str, options: dict, echo: str, escaped: str
) -> None:
    answer = await discord_bot.slash(command, options, channel=GENERAL)

    assert answer.text.startswith(echo)
    [embed] = sent_json(discord_bot.fake, answer)["data"]["embeds"]
    assert escaped in embed["description"]


@pytest.mark.parametrize("words", ["@everyone", "@here", "<@1400000000000000002>", "<@&77>"])
async def test_mentions_in_arguments_ping_nobody(discord_bot: DiscordBot, words: str) -> None:
    answer = await discord_bot.slash("topic", {"topic": f"zzq {words} qqz"}, channel=GENERAL)

    assert answer.text.startswith(f"I don't know the topic “zzq {words} qqz”.")
    assert sent_json(discord_bot.fake, answer)["data"]["allowed_mentions"] == {"parse": []}
    posted = discord_bot.message(answer.message_id)
    assert (posted["mention_everyone"], posted["mentions"], posted["mention_roles"]) == (
        False, [], [])
    description = posted["embeds"][0]["description"]
    assert description.count("<") == description.count(r"\<")  # no mention syntax left


async def test_every_kind_of_answer_is_sent_without_mentions(discord_bot: DiscordBot) -> None:
    prayer = await discord_bot.slash("pray", channel=GENERAL)
    pressed = await discord_bot.press(prayer.message_id, prayer.buttons[0][1])
    refused = await discord_bot.slash("time", {"time": "08:00"}, channel=GENERAL, user=ALICE,
                                      permissions=0)

    bodies = [r.json for r in discord_bot.fake.requests if r.json and isinstance(r.json, dict)
              and ("data" in r.json or "content" in r.json)]
    assert pressed.handle.followups and refused.ephemeral
    assert len(bodies) == 4  # /pray, the button update, its thank-you, the refusal
    for body in bodies:
        sent = body.get("data", body)
        assert sent["allowed_mentions"] == {"parse": []}


async def test_a_5000_character_argument_is_refused_and_not_echoed(
    discord_bot: DiscordBot,
) -> None:
    huge = "remittances " * 417  # 5,004 characters

    answer = await discord_bot.slash("search", {"words": huge}, channel=GENERAL)
    broadcast = await discord_bot.slash("broadcast", {"text": huge}, user=OLGA)

    assert answer.text == "That is longer than I can take (200 characters at most)."
    assert broadcast.text == "That is longer than I can take (3500 characters at most)."
    assert not [b for b in answer.buttons + broadcast.buttons]  # no draft to confirm


@pytest.mark.parametrize(
    ("command", "options", "echo"),
    [
        ("topic", {"topic": "평양냉면"}, "I don't know the topic “평양냉면”."),
        ("search", {"words": "🙏🏽 냉면"}, "Nothing matched “🙏🏽 냉면”."),
        ("topic", {"topic": "مرحبا بالعالم"}, "I don't know the topic “مرحبا بالعالم”."),
        ("search", {"words": "\u202egnirts\u202c"}, "Nothing matched “\u202egnirts\u202c”."),
        ("timezone", {"timezone": "달나라"}, "I don't know the time zone “달나라”."),
        ("timezone", {"timezone": "부산"}, "Time zone set to Asia/Seoul (Busan, South Korea)."),
        ("time", {"time": "０７：３０"}, "Delivery time set to 07:30 (UTC)."),
    ],
    ids=["korean-topic", "emoji", "arabic", "right-to-left-override", "unknown-korean-zone",
         "korean-city", "full-width-time"],
)
async def test_korean_emoji_and_right_to_left_text_are_handled_intact(
    discord_bot: DiscordBot, command: str, options: dict, echo: str
) -> None:
    answer = await discord_bot.slash(command, options)

    assert answer.text.startswith(echo)


async def test_a_command_this_version_never_registered_gets_the_cores_answer(
    discord_bot: DiscordBot,
) -> None:
    stale = {"id": "1", "name": "nonsense", "type": 1, "options": []}

    answer = await discord_bot.slash("about", extra={"data": stale}, channel=GENERAL)

    assert answer.text == "I don't know /nonsense. Try /help for the list of commands."


async def test_an_over_long_unknown_command_name_is_cut_short(discord_bot: DiscordBot) -> None:
    forged = {"id": "1", "name": "x" * 5000, "type": 1, "options": []}

    answer = await discord_bot.slash("about", extra={"data": forged})

    assert answer.text == f"I don't know /{'x' * 32}. Try /help for the list of commands."


async def test_an_unknown_option_is_ignored(discord_bot: DiscordBot) -> None:
    answer = await discord_bot.slash(
        "time",
        [{"name": "time", "type": STRING, "value": "06:30"},
         {"name": "colour", "type": STRING, "value": "blue"}],
    )

    assert answer.text.startswith("Delivery time set to 06:30 (UTC).")


async def test_a_missing_required_option_is_explained_by_the_core(
    discord_bot: DiscordBot,
) -> None:
    answer = await discord_bot.slash("time", [])

    assert answer.text == "Tell me the time of day, for example /time 07:30."


async def test_an_option_of_the_wrong_type_reaches_the_core_as_text(
    discord_bot: DiscordBot,
) -> None:
    answer = await discord_bot.slash("time", [{"name": "time", "type": INTEGER, "value": 7}])

    assert answer.text.startswith("Delivery time set to 07:00 (UTC).")


async def test_a_misspelt_option_name_is_read_as_the_commands_argument(
    discord_bot: DiscordBot,
) -> None:
    answer = await discord_bot.slash("timezone", [{"name": "zone", "type": STRING,
                                                   "value": "Asia/Seoul"}])

    assert answer.text.startswith("Time zone set to Asia/Seoul.")
