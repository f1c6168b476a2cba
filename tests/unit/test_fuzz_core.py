"""Fuzzing the core's front door: ten thousand random messages and button presses.

A seeded generator (deterministic: a failure reproduces with the same seed) plays readers in
private chats, group members with and without admin rights, channels and an operator. They
type commands from the table with hostile arguments — huge, empty, HTML, Korean, right-to-left,
emoji, odd times and zones — address other bots, chat, and press buttons with made-up data.

Whatever arrives, the core must not raise, must never say "Something went wrong" (that is a
handler crashing), and must either answer or stay silent exactly where silence is documented:
in shared chats, plain talk and unknown commands not addressed to the bot; anywhere, commands
addressed to another bot. Every answer must also render as Telegram HTML that Telegram accepts,
with buttons whose data fits Telegram's 64 bytes.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import pytest

from bot.core.commands import COMMANDS
from bot.core.dispatch import BriefBot
from bot.core.messages import t
from bot.core.reply import Heading, Meta, Paragraph, Reply
from bot.core.request import Request
from bot.domain.address import Address, ChatKind
from bot.domain.clock import FakeClock
from bot.render.telegram_html import TELEGRAM_LIMIT, render
from tests import builders
from tests.conftest import OPERATOR
from tests.fakes.telegram_html import parse_html

SEED = 20261123
EVENTS = 10_000
ME = "briefbot"
CRASHED = t("error.internal")
CALLBACK_DATA_BYTES = 64

Expect = Enum("Expect", "ANSWER SILENCE")


@dataclass(frozen=True)
class Place:
    address: Address
    kind: ChatKind

    @property
    def shared(self) -> bool:
        return self.kind.is_shared


PLACES = (
    Place(Address("telegram", "1001"), ChatKind.PRIVATE),
    Place(Address("telegram", "1002"), ChatKind.PRIVATE),
    Place(Address("telegram", OPERATOR[1]), ChatKind.PRIVATE),
    Place(Address("discord", "55501"), ChatKind.PRIVATE),
    Place(Address("telegram", "-2001"), ChatKind.GROUP),
    Place(Address("telegram", "-1002002"), ChatKind.SUPERGROUP),
    Place(Address("telegram", "-1003003"), ChatKind.CHANNEL),
)
MEMBERS = ("7", "8", OPERATOR[1])

TOPIC_WORDS = [
    *(t.slug for t in builders.TOPICS),
    *(a for t in builders.TOPICS for a in t.aliases),
    "defecters", "Church", "LABOUR ABROAD", "labour abroad", "topic-defectors", "nothing",
]  # fmt: skip
TIMES = [
    "07:30", "7:30", "7:30pm", "12am", "0730", "7", "23:59", "00:00", "24:00", "25:99", "7:60",
    "-1:00", "7.30", "07:30:00", " 7 : 30 ", "０７：３０", "٠٧:٣٠", "noon", "1e3", "99999999999",
]  # fmt: skip
ZONES = [
    "Asia/Seoul", "asia/seoul", "asia/seol", "Seoul", "America/New York", "UTC", "utc+9",
    "GMT-5", "Etc/GMT+5", "posix/Asia/Seoul", "right/UTC", "Mars/Olympus", "../../etc/passwd",
    "Asia/", "/", "localtime", "Factory", "EST", "서울", "a" * 101,
]  # fmt: skip
NASTY = [
    "", " ", "\n", "\t\t", "<b>x</b>", "</i>", "<a href='javascript:x'>", "&amp;", "&", "& <",
    "<script>alert(1)</script>", "탈북자", "مرحبا بالعالم", "🙏", "🇰🇵🇰🇷", "👨‍👩‍👧", "e\u0301",
    "\u202egnirts\u202c", "\u200b", "\ufeff", "\x00", "\x07bell", "%s %d {0} {name}", "NULL",
    "'; DROP TABLE chats; --", "0", "-1", "３", "1" * 40, "NaN", "None", "x" * 200, "x" * 201,
    "word " * 1000,
]  # fmt: skip
PRAYER_IDS = ["p1", "p2", "p3", "gone", ""]


def random_text(rng: random.Random, size: int) -> str:
    """Arbitrary code points, surrogates excepted (Telegram and Discord send valid UTF-8)."""
    chars = []
    while len(chars) < size:
        point = rng.choice((rng.randrange(0x20, 0x7F), rng.randrange(0x80, 0x110000)))
        if not 0xD800 <= point <= 0xDFFF:
            chars.append(chr(point))
    return "".join(chars)


def argument(rng: random.Random) -> str:
    pools: list[Callable[[], str]] = [
        lambda: rng.choice(TOPIC_WORDS),
        lambda: rng.choice(TIMES),
        lambda: rng.choice(ZONES),
        lambda: rng.choice(NASTY),
        lambda: random_text(rng, rng.choice((1, 5, 30, 250))),
        lambda: f"{argument(rng)} {argument(rng)}",
    ]
    return rng.choice(pools)()


def with_target(rng: random.Random, name: str) -> tuple[str, Expect | None]:
    """`name` maybe addressed to a bot; SILENCE if to another one, None if to none or us."""
    roll = rng.random()
    if roll < 0.6:
        return name, None
    if roll < 0.85:
        return f"{name}@{rng.choice((ME, ME.upper(), 'BriefBot'))}", None
    return f"{name}@{rng.choice(('OtherBot', 'briefbot2', 'x'))}", Expect.SILENCE


def message(rng: random.Random, place: Place) -> tuple[str, Expect]:
    """A text and what the core must do with it in `place`."""
    talk = Expect.SILENCE if place.shared else Expect.ANSWER
    roll = rng.random()
    if roll < 0.7:
        name = rng.choice(COMMANDS).name
        name = rng.choice((name, name.upper(), name.capitalize()))
        head, addressed = with_target(rng, name)
        gap = rng.choice((" ", " ", "  ", "\n", "\t"))
        return f"/{head}{gap}{argument(rng)}", addressed or Expect.ANSWER
    if roll < 0.8:
        name = rng.choice(("weather", "ban", "start_game", "x", "kick_all", "Ø"))
        head, addressed = with_target(rng, name)
        if addressed is None and head != name:
            addressed = Expect.ANSWER  # an unknown command addressed to us gets an answer
        return f"/{head} {argument(rng)}", addressed or talk
    if roll < 0.95:
        text = argument(rng)
        return (f"x{text}" if text.strip().startswith("/") else text), talk
    return rng.choice(("/", "/ today", "/\n", " / ")), talk


def action(rng: random.Random) -> str:
    choices: list[Callable[[], str]] = [
        lambda: "subscribe",
        lambda: "topics",
        lambda: f"topic:{rng.choice(TOPIC_WORDS)}",
        lambda: f"prayed:{rng.choice(PRAYER_IDS)}{rng.choice(('', ':t', ':x'))}",
        lambda: f"forget:{rng.choice(('yes', 'no', 'maybe', ''))}",
        lambda: f"tz:{rng.choice(ZONES)}",
        lambda: (
            f"broadcast:{rng.choice(('send', 'cancel', 'x'))}:"
            f"{rng.choice(('1', '2', 'x', '', '²', '9' * 30))}"
        ),
        lambda: argument(rng)[:64],
    ]
    return rng.choice(choices)()


def request(rng: random.Random, place: Place) -> Request:
    if place.kind is ChatKind.CHANNEL:
        user, admin = None, True  # channel posts come from the channel's admins
    elif place.shared:
        user, admin = rng.choice(MEMBERS), rng.random() < 0.5
    else:
        user, admin = place.address.chat_id, True

    async def can_manage() -> bool:
        return admin

    return Request(place.address, place.kind, user_id=user, can_manage=can_manage)


def problems_with(reply: Reply) -> list[str]:
    """What is wrong with an answer, as a reader on Telegram would meet it."""
    found = []
    words = [p.text for p in reply.parts if isinstance(p, Heading | Paragraph | Meta)]
    if any(CRASHED in text for text in [*words, reply.notice or ""]):
        found.append("a handler crashed")
    for text in render(reply):
        if len(text) > TELEGRAM_LIMIT:
            found.append(f"a message of {len(text)} characters")
        try:
            parse_html(text)
        except Exception as error:
            found.append(f"HTML Telegram refuses: {error}")
    labels = [b for row in reply.buttons for b in row] + ([reply.update] if reply.update else [])
    for button in labels:
        if not button.label.strip() or len(button.action.encode()) > CALLBACK_DATA_BYTES:
            found.append(f"a button Telegram refuses: {button}")
    return found


@pytest.mark.slow
async def test_ten_thousand_random_messages_are_answered_or_deliberately_ignored(
    core: BriefBot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(SEED)
    failures: list[str] = []
    answered = ignored = 0
    caplog.set_level(logging.ERROR, logger="bot")

    for number in range(EVENTS):
        if number % 500 == 499:
            clock.advance(hours=7)  # days pass: prayer counts, rotations and due times move
        place = rng.choice(PLACES)
        if rng.random() < 0.7:
            text, expect = message(rng, place)
            case = f"#{number} {place.kind} says {text[:80]!r}"
            reply = await core.handle_text(request(rng, place), text, me=ME)
            if (reply is None) != (expect is Expect.SILENCE):
                failures.append(f"{case}: expected {expect.name}, got {reply}")
        else:
            data = action(rng)
            case = f"#{number} {place.kind} presses {data!r}"
            reply = await core.handle_action(request(rng, place), data)
            if reply.is_empty and not reply.notice:
                failures.append(f"{case}: the press got no answer at all")
        if reply is None:
            ignored += 1
            continue
        answered += 1
        failures += [f"{case}: {problem}" for problem in problems_with(reply)]

    crashes = [r.getMessage().splitlines()[0] for r in caplog.records]
    assert failures == [], f"{len(failures)} failures, first: {failures[:5]}"
    assert crashes == []
    assert answered > 7_000 and ignored > 800  # the generator exercised both outcomes


@pytest.mark.parametrize("number", ["²", "9" * 30])
async def test_a_forged_broadcast_id_is_answered_as_expired(core: BriefBot, number: str) -> None:
    operator = Request(Address(*OPERATOR), ChatKind.PRIVATE, user_id=OPERATOR[1])

    reply = await core.handle_action(operator, f"broadcast:send:{number}")

    assert reply.notice == t("button.expired")
