"""The Discord front end: briefbot's discord.py client, started inside the running event loop.

`Client.run()` and `Client.start()` would own the loop or hide failures in a task, so `start()`
does what `Client.start()` does in visible steps — `login()` (checks the token and registers the
buttons in `setup_hook`), the slash command sync, then the gateway loop as a task — and
returns once the bot is READY, with any failure turned into a `StartupError` an operator
can act on. The Telegram adapter, the scheduler and the delivery engine share the same loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import aiohttp
import discord

from bot.adapters.discord.client import BriefClient
from bot.adapters.discord.endpoints import DISCORD_API, DISCORD_GATEWAY, redirect
from bot.adapters.errors import StartupError
from bot.core.dispatch import BriefBot

log = logging.getLogger(__name__)

STOP_TIMEOUT = 5.0


class DiscordAdapter:
    def __init__(
        self,
        core: BriefBot,
        token: str,
        *,
        api_base: str = DISCORD_API,
        gateway_url: str = DISCORD_GATEWAY,
        operators: list[int] | None = None,
        ready_timeout: float = 30.0,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        """`operators` are matched by the core (from the config); kept here for symmetry
        with Telegram. `guild_ready_timeout` is how long discord.py waits for more servers
        after READY before it reports ready."""
        self.core = core
        self.api_base = api_base
        self.gateway_url = gateway_url
        self.operators = operators or []
        self.ready_timeout = ready_timeout
        self.client = BriefClient(core, guild_ready_timeout=guild_ready_timeout)
        self._token = token
        self._gateway: asyncio.Task[None] | None = None
        self._restore: Callable[[], None] | None = None

    async def start(self) -> None:
        """Log in, sync the slash commands, connect the gateway, and wait until READY."""
        self._restore = redirect(self.api_base, self.gateway_url)
        try:
            with self._explained("logged in", "Try again in a few minutes."):
                await self.client.login(self._token)
            with self._explained(
                "registered its slash commands",
                "Check that the bot was invited with the applications.commands scope.",
            ):
                await self.client.tree.sync()
            self._gateway = asyncio.create_task(self.client.connect(), name="discord-gateway")
            await self._until_ready()
        except BaseException:
            await self.stop()
            raise
        log.info("Discord bot %s is connected", self.client.user)

    def connected(self) -> bool:
        """The gateway's socket is open and the session READY (for /readyz)."""
        ws = self.client.ws
        return (
            self.client.is_ready()
            and not self.client.is_closed()
            and ws is not None
            and ws.open
            and self._gateway is not None
            and not self._gateway.done()
        )

    async def stop(self) -> None:
        """Finish the answers in flight, close the gateway and the HTTP session."""
        await self.client.idle(STOP_TIMEOUT)
        await self.client.close()
        if self._gateway is not None:
            gateway, self._gateway = self._gateway, None
            done, _ = await asyncio.wait({gateway}, timeout=STOP_TIMEOUT)
            if not done:
                gateway.cancel()
            elif not gateway.cancelled() and gateway.exception() is not None:
                log.warning("the Discord gateway had stopped: %r", gateway.exception())
        if self._restore is not None:
            self._restore()
            self._restore = None

    @contextmanager
    def _explained(self, doing: str, hint: str) -> Iterator[None]:
        """Turn what discord.py raises while the bot is `doing` something into advice."""
        try:
            yield
        except discord.LoginFailure:
            raise StartupError(
                "Discord refused the bot token. Copy the token from the Bot page of your "
                "application in the Discord developer portal into the environment variable "
                "named by discord.token_env."
            ) from None
        except discord.HTTPException as error:
            raise StartupError(
                f"Discord answered HTTP {error.status} while the bot {doing} "
                f"({error.text[:200]}). {hint}"
            ) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise StartupError(
                f"Cannot reach the Discord API at {self.api_base} ({type(error).__name__}). "
                "Check the network, or discord.api_base in the config."
            ) from None

    async def _until_ready(self) -> None:
        assert self._gateway is not None
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait(
            {self._gateway, ready}, timeout=self.ready_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        ready.cancel()
        if ready in done:
            return
        self._gateway.cancel()  # it may be sleeping between retries: don't wait for it to wake
        if self._gateway in done:
            error = None if self._gateway.cancelled() else self._gateway.exception()
            raise StartupError(
                f"The Discord gateway at {self.gateway_url} closed the connection "
                f"({type(error).__name__ if error else 'no reason given'}). "
                "Check the token and discord.gateway_url in the config."
            ) from None
        raise StartupError(
            f"The Discord gateway at {self.gateway_url} did not answer within "
            f"{self.ready_timeout:g} seconds. Check the network, or discord.gateway_url."
        )
