"""Questions the bot asked a chat and will take a plain message as the answer to.

After "where are you?", a reader types "Seoul", not "/timezone Seoul". The core remembers,
per chat and for a few minutes, which command such an answer belongs to. In a shared chat
only a message that replies to the bot counts (members talk among themselves; Telegram's
privacy mode shows the bot only those replies anyway). Kept in memory: a question a restart
forgets costs the reader one /timezone, and nothing about a chat is stored that /forget would
have to find.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.request import Request
from bot.domain.address import Address
from bot.domain.clock import Clock

OPEN_FOR = timedelta(minutes=10)
MAX_OPEN = 10_000  # past this, expired questions are dropped before another is added


class OpenQuestions:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._open: dict[Address, tuple[str, datetime]] = {}

    def asked(self, request: Request, command: str | None) -> None:
        """A reply went out; it asks for `command`'s argument, or (in a private chat, where the
        reader moved on to something else) closes the question. In a shared chat another
        member's command leaves it open for the one who was asked."""
        if command is None:
            if not request.kind.is_shared:
                self._open.pop(request.address, None)
            return
        if len(self._open) >= MAX_OPEN:
            now = self._clock.now()
            self._open = {a: q for a, q in self._open.items() if q[1] > now}
        self._open[request.address] = (command, self._clock.now() + OPEN_FOR)

    def answered_by(self, request: Request) -> str | None:
        """The command a plain message from `request` answers, if it answers one."""
        question = self._open.get(request.address)
        if question is None or (request.kind.is_shared and not request.answers_bot):
            return None
        command, until = question
        del self._open[request.address]
        return command if self._clock.now() < until else None
