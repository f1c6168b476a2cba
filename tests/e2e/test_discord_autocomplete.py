"""Autocomplete while typing /timezone and /topic: at most 25 choices, best matches first, and
every choice's value a name the command then accepts.
"""

from __future__ import annotations

import pytest

from bot.core.timeparse import known_timezones
from tests.e2e.discord_fixtures import (  # noqa: F401
    GENERAL,
    DiscordBot,
    discord_bot_fixture,
    fake_discord_fixture,
)


def values(choices: list[dict[str, str]]) -> list[str]:
    return [c["value"] for c in choices]


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Asia/Seoul", "Asia/Seoul"),
        ("asia/seo", "Asia/Seoul"),
        ("seoul", "Asia/Seoul"),
        ("new york", "America/New_York"),
        ("London", "Europe/London"),
    ],
)
async def test_timezone_choices_put_the_best_match_first(
    discord_bot: DiscordBot, typed: str, first: str
) -> None:
    choices = await discord_bot.autocomplete("timezone", "timezone", typed, channel=GENERAL)

    assert values(choices)[0] == first
    assert set(values(choices)) <= known_timezones()


async def test_timezone_choices_offer_cities_with_their_zone(discord_bot: DiscordBot) -> None:
    choices = await discord_bot.autocomplete("timezone", "timezone", "busa", channel=GENERAL)

    assert {"name": "Busan, South Korea · Asia/Seoul", "value": "Asia/Seoul"} in choices


async def test_timezone_choices_match_inside_names_too(discord_bot: DiscordBot) -> None:
    choices = values(await discord_bot.autocomplete("timezone", "timezone", "york"))

    assert "America/New_York" in choices
    assert set(choices) <= known_timezones()


async def test_timezone_choices_never_exceed_25(discord_bot: DiscordBot) -> None:
    everything = await discord_bot.autocomplete("timezone", "timezone", "")
    america = await discord_bot.autocomplete("timezone", "timezone", "america/")

    assert len(everything) == len(america) == 25
    assert all(v.startswith("America/") for v in values(america))


async def test_an_unknown_zone_offers_nothing(discord_bot: DiscordBot) -> None:
    assert await discord_bot.autocomplete("timezone", "timezone", "Mars/Olympus") == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("church", ("The persecuted church", "church")),
        ("perse", ("The persecuted church", "church")),
        ("labour", ("North Korean labour abroad", "labour-abroad")),
        ("defectors", ("Defectors and escape", "defectors")),
    ],
)
async def test_topic_choices_match_slugs_titles_and_aliases(
    discord_bot: DiscordBot, typed: str, expected: tuple[str, str]
) -> None:
    choices = await discord_bot.autocomplete("topic", "topic", typed)

    assert (choices[0]["name"], choices[0]["value"]) == expected


async def test_topic_choices_with_nothing_typed_list_every_topic(
    discord_bot: DiscordBot,
) -> None:
    catalog = discord_bot.services.catalog.current

    choices = await discord_bot.autocomplete("follow", "topic", "")

    assert values(choices) == [t.slug for t in catalog.topics]


async def test_every_topic_choice_is_accepted_by_follow(discord_bot: DiscordBot) -> None:
    [choice, *_] = await discord_bot.autocomplete("follow", "topic", "border")

    answer = await discord_bot.slash("follow", {"topic": choice["value"]})

    assert answer.text == f"Following {choice['name']}. Your digest will prefer it."


async def test_autocomplete_for_a_command_this_version_lacks_offers_nothing(
    discord_bot: DiscordBot,
) -> None:
    retired = {"id": "1", "name": "retired", "type": 1,
               "options": [{"name": "topic", "type": 3, "value": "ch", "focused": True}]}
    handle = await discord_bot.fake.autocomplete("topic", "topic", "ch", extra={"data": retired})

    assert await handle.response() == {"type": 8, "data": {"choices": []}}
