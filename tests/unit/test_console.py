"""The console adapter: typed lines and button numbers reach the core, replies print as text."""

from __future__ import annotations

import asyncio
import io
import os

from prompt_toolkit import PromptSession
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from bot.adapters.console import Console, read_lines
from bot.core.dispatch import BriefBot


def console_of(core: BriefBot) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(core, out), out


async def test_a_command_prints_its_reply_and_numbers_its_buttons(core: BriefBot) -> None:
    console, out = console_of(core)
    reply = await console.say("/start")
    assert reply is not None
    text = out.getvalue()
    assert "[1] Subscribe" in text
    assert [button.label for button in console.buttons][:1] == ["Subscribe"]


async def test_a_number_presses_the_button_it_names(core: BriefBot) -> None:
    console, out = console_of(core)
    await console.say("/start")
    out.truncate(0)
    await console.say("1")
    assert "Subscribed." in out.getvalue()


async def test_a_number_without_such_a_button_is_read_as_text(core: BriefBot) -> None:
    console, out = console_of(core)
    await console.say("/start")
    out.truncate(0)
    out.seek(0)
    await console.say("99")
    assert "Subscribed." not in out.getvalue()
    assert out.getvalue().strip()  # the core still answered the line


async def test_a_blank_line_is_ignored(core: BriefBot) -> None:
    console, out = console_of(core)
    assert await console.say("   ") is None
    assert out.getvalue() == ""


async def test_run_stops_at_quit(core: BriefBot) -> None:
    console, out = console_of(core)
    await console.run(io.StringIO("/start\n/quit\n/topics\n"))
    text = out.getvalue()
    assert "Subscribe" in text
    assert "Topics ==" not in text  # nothing after /quit is read


async def test_lines_from_a_pipe_arrive_whole_even_split_inside_a_character() -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "r", encoding="utf-8") as stream:
        lines = []

        async def collect() -> None:
            async for line in read_lines(stream):
                lines.append(line)

        task = asyncio.create_task(collect())
        encoded = "기도\nlast".encode()
        for chunk in (encoded[:2], encoded[2:]):  # the first Hangul syllable split in two
            os.write(write_end, chunk)
            await asyncio.sleep(0.01)
        os.close(write_end)
        await asyncio.wait_for(task, 5)
    assert lines == ["기도", "last"]


async def test_at_a_prompt_the_up_arrow_recalls_the_last_line(core: BriefBot) -> None:
    """Keys as a terminal sends them: "/about", Enter, then Up and Enter send it again (a
    plain read would pass "^[[A" to the bot), then Ctrl-D ends the console."""
    console, out = console_of(core)

    async def answered(times: int) -> None:
        while out.getvalue().count("About this bot") < times:
            await asyncio.sleep(0.01)

    with create_pipe_input() as keys:
        session: PromptSession = PromptSession(input=keys, output=DummyOutput())
        running = asyncio.create_task(console.run(session=session))
        keys.send_text("/about\r")
        await asyncio.wait_for(answered(1), 10)
        keys.send_text("\x1b[A\r")
        await asyncio.wait_for(answered(2), 10)
        keys.send_text("\x04")
        await asyncio.wait_for(running, 10)

    assert out.getvalue().count("About this bot") == 2
    assert "[A" not in out.getvalue()
