"""A plain message as the answer to the bot's last question ("where are you?")."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.questions import OpenQuestions
from bot.core.request import Request
from bot.domain.address import Address, ChatKind
from bot.domain.clock import FakeClock

PRIVATE = Request(Address("telegram", "1"), ChatKind.PRIVATE)
GROUP = Request(Address("telegram", "-4"), ChatKind.GROUP)
GROUP_REPLY = Request(Address("telegram", "-4"), ChatKind.GROUP, answers_bot=True)


def questions() -> tuple[OpenQuestions, FakeClock]:
    clock = FakeClock(datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    return OpenQuestions(clock), clock


def test_the_next_plain_message_answers_once() -> None:
    open_, _ = questions()
    open_.asked(PRIVATE, "timezone")
    assert open_.answered_by(PRIVATE) == "timezone"
    assert open_.answered_by(PRIVATE) is None


def test_another_command_in_a_private_chat_closes_the_question() -> None:
    open_, _ = questions()
    open_.asked(PRIVATE, "timezone")
    open_.asked(PRIVATE, None)
    assert open_.answered_by(PRIVATE) is None


def test_in_a_group_only_a_reply_to_the_bot_answers_and_others_commands_leave_it_open() -> None:
    open_, _ = questions()
    open_.asked(GROUP, "timezone")
    open_.asked(GROUP, None)  # another member's /today
    assert open_.answered_by(GROUP) is None  # members talking among themselves
    assert open_.answered_by(GROUP_REPLY) == "timezone"


def test_a_question_expires_after_ten_minutes() -> None:
    open_, clock = questions()
    open_.asked(PRIVATE, "timezone")
    clock.advance(minutes=11)
    assert open_.answered_by(PRIVATE) is None
