"""Starting each chat platform the config enables: its adapter for conversations and its
sender for scheduled delivery, both registered on one exit stack so shutdown runs in reverse.

Adding a platform means one launcher here; the core, the store and the engine stay as they are.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace

from bot.bootstrap import telegram_limits
from bot.config import Config
from bot.core.dispatch import BriefBot
from bot.delivery.pacer import Pacer
from bot.delivery.ports import PlatformSender

NO_TELEGRAM_TOKEN = """No Telegram bot token found.

Create a bot with @BotFather in Telegram, then put its token in the environment:

    export {env}='123456:ABC...'
    briefbot run

To try the bot right now without a token, run:  briefbot console"""

NO_DISCORD_TOKEN = """No Discord bot token found.

Create an application and its bot in the Discord developer portal (see the README), then:

    export {env}='your-bot-token'
    briefbot run

Or set discord.enabled: false in the config to run without Discord."""

Launcher = Callable[[BriefBot, str, Config, AsyncExitStack], Awaitable[PlatformSender]]


@dataclass(frozen=True)
class Platform:
    name: str
    token_env: str
    token: str | None
    missing_token: str
    launch: Launcher


async def launch_telegram(
    core: BriefBot, token: str, config: Config, stack: AsyncExitStack
) -> PlatformSender:
    from bot.adapters.telegram.app import TelegramAdapter
    from bot.adapters.telegram.sender import TelegramSender

    settings = config.telegram
    pacer = Pacer(telegram_limits(config))  # one budget for answers and deliveries
    adapter = TelegramAdapter(
        core,
        token,
        base_url=settings.base_url,
        operators=settings.operators,
        poll_timeout=settings.poll_timeout,
        sends_at_once=config.delivery.concurrency,
        pacer=pacer,
    )
    await adapter.start()
    stack.push_async_callback(adapter.stop)
    return TelegramSender(adapter.bot, pacer.limits, pacer)


async def launch_discord(
    core: BriefBot, token: str, config: Config, stack: AsyncExitStack
) -> PlatformSender:
    from bot.adapters.discord.app import DiscordAdapter
    from bot.adapters.discord.sender import DISCORD_LIMITS, DiscordSender

    settings = config.discord
    adapter = DiscordAdapter(
        core,
        token,
        api_base=settings.api_base,
        gateway_url=settings.gateway_url,
        operators=settings.operators,
    )
    await adapter.start()
    stack.push_async_callback(adapter.stop)
    # Delivery shares the client's HTTP session, so both obey one global rate-limit lock.
    limits = replace(DISCORD_LIMITS, per_second=settings.global_per_second)
    return DiscordSender(adapter.client.http, limits)


def enabled_platforms(config: Config) -> list[Platform]:
    """The platforms to run, with their tokens read from the environment."""
    candidates = (
        ("telegram", config.telegram, NO_TELEGRAM_TOKEN, launch_telegram),
        ("discord", config.discord, NO_DISCORD_TOKEN, launch_discord),
    )
    return [
        Platform(
            name,
            settings.token_env,
            settings.token(),
            missing.format(env=settings.token_env),
            launch,
        )
        for name, settings, missing, launch in candidates
        if settings.enabled
    ]
