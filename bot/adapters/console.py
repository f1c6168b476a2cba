"""The bot in a terminal: a private chat with no token and no network.

Type a command and read the reply; type a button's number to press it. At a terminal, lines
can be edited and earlier ones recalled with the arrow keys. When standard input is not a
terminal, each line is one message and each reply is printed, so the console can be
scripted (`printf '/today\\n/pray\\n' | briefbot console`).
"""

from __future__ import annotations

import asyncio
import codecs
import os
import stat
import sys
from collections.abc import AsyncIterator
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.patch_stdout import patch_stdout

from bot.core.dispatch import BriefBot
from bot.core.languages import DEFAULT_LANGUAGE
from bot.core.messages import t, use_locale
from bot.core.reply import Button, Reply
from bot.core.request import Request
from bot.delivery.outcomes import Delivered, Outcome, Unreachable
from bot.delivery.pacer import Pacer
from bot.delivery.ports import Limits
from bot.domain.address import Address, ChatKind
from bot.render.plain import render, render_buttons

CONSOLE = Address("console", "local")
CONSOLE_USER = ("console", "local")
QUIT = {"/quit", "/exit", "quit", "exit"}


class Console:
    def __init__(
        self, bot: BriefBot, out: TextIO = sys.stdout, language: str | None = None
    ) -> None:
        """`language` ("ko", "en") is the console chat's, as if the terminal were a client
        set to it; without it the chat keeps the language it had."""
        self.bot = bot
        self.out = out
        self.buttons: list[Button] = []
        self.language = language
        self.request = Request(
            CONSOLE, ChatKind.PRIVATE, user_id=CONSOLE_USER[1], language=language
        )

    async def say(self, line: str) -> Reply | None:
        """Handle one typed line: a button number, or a message."""
        line = line.strip()
        if not line:
            return None
        reply: Reply | None
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            reply = await self.bot.handle_action(self.request, self.buttons[int(line) - 1].action)
        else:
            reply = await self.bot.handle_text(self.request, line)
        if reply is not None:
            self.show(reply)
        return reply

    def show(self, reply: Reply) -> None:
        """Print a reply; its buttons replace the ones a number can press."""
        if reply.update is not None:
            self.buttons = [
                reply.update if b.action == reply.update.action else b for b in self.buttons
            ]
            reply = Reply(parts=reply.parts, buttons=(tuple(self.buttons),), notice=reply.notice)
        text = render(reply)
        if reply.notice and (not text or reply.notice not in text):
            text = f"{text}\n({reply.notice})" if text else f"({reply.notice})"
        if reply.buttons:
            self.buttons = [b for row in reply.buttons for b in row]
            text = f"{text}\n{render_buttons(reply)}" if text else render_buttons(reply)
        self.out.write(text + "\n\n")
        self.out.flush()

    async def run(self, stream: TextIO = sys.stdin, session: PromptSession | None = None) -> None:
        """Read lines until end of input or /quit: at a terminal (or from `session`) with line
        editing and history, else one message per line."""
        interactive = session is not None or (stream.isatty() and sys.stdout.isatty())
        if self.language is not None:  # chosen as /language would choose it, said by nobody
            await self.bot.handle_command(self.request, "language", self.language)
        if interactive:
            with use_locale(self.language or DEFAULT_LANGUAGE):
                self.out.write(f"{t('console.intro')}\n\n")
            self.out.flush()
            lines = typed_lines(session or PromptSession(history=InMemoryHistory()))
        else:
            lines = read_lines(stream)
        async for line in lines:
            if line.strip().lower() in QUIT:
                return
            await self.say(line)


async def typed_lines(session: PromptSession) -> AsyncIterator[str]:
    """Lines typed at a prompt with prompt_toolkit: arrows move and recall earlier lines
    (a plain read would send "^[[A"), and a digest delivered while the reader types is
    printed above the prompt instead of through it. Ctrl-D or Ctrl-C ends the console."""
    with patch_stdout(raw=True):
        while True:
            try:
                yield await session.prompt_async("> ")
            except (EOFError, KeyboardInterrupt):
                return


async def read_lines(stream: TextIO) -> AsyncIterator[str]:
    """Lines from `stream` without blocking the event loop, so Ctrl-C and deliveries get through.

    A terminal or pipe is watched with the loop's reader; a regular file (input redirected
    from a file) is always ready, so it is simply read.
    """
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        fd = -1
    if fd < 0 or stat.S_ISREG(os.fstat(fd).st_mode):
        for line in stream:
            yield line
        return
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes] = asyncio.Queue()
    loop.add_reader(fd, lambda: chunks.put_nowait(os.read(fd, 65536)))
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    try:
        while True:
            chunk = await chunks.get()
            pending += decoder.decode(chunk, final=not chunk)
            *lines, pending = pending.split("\n")
            for line in lines:
                yield line
            if not chunk:
                if pending:
                    yield pending
                return
    finally:
        loop.remove_reader(fd)


class ConsoleSender:
    """Delivers the console chat's scheduled digest into the terminal while it runs."""

    platform = CONSOLE.platform
    limits = Limits(per_second=100.0, chat_interval=0.0, group_per_minute=1000)

    def __init__(self, console: Console) -> None:
        self.console = console
        self.pacer = Pacer(self.limits)

    def render(self, reply: Reply) -> list[Reply]:
        return [reply]

    async def send(self, chat_id: str, message: object) -> Outcome:
        assert isinstance(message, Reply)
        self.console.out.write(f"\n{t('console.delivered')}\n")
        self.console.show(message)
        return Delivered()

    async def edit(self, chat_id: str, message_id: str, message: object) -> Outcome:
        return _printed()

    async def delete(self, chat_id: str, message_id: str) -> Outcome:
        return _printed()


def _printed() -> Outcome:
    """What a terminal printed stays printed: the console keeps no message ids, so nothing
    it delivered is ever recorded for a correction to reach."""
    return Unreachable("the console cannot change what it printed")
