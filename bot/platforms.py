"""Starting each chat platform the config enables: its adapter for conversations and its
sender for scheduled delivery, both registered on one exit stack so shutdown runs in reverse.

Adding a platform means one launcher here; the core, the store and the engine stay as they are.

Which platforms a process runs depends on whether it holds the database's sender lock: the
sender runs them all; a process standing by runs only those that can answer readers without
receiving every update twice (`answers_standing_by`): Telegram in webhook mode, where a load
balancer gives each process some of the updates. Those take their sending turns from the
token's budget in the database (`SharedBudgets`), which the sender's deliveries draw on too.
Polling Telegram and Discord's gateway hand every update to every process that listens, so
only the sender listens.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace

from bot.adapters.errors import StartupError
from bot.bootstrap import telegram_limits
from bot.config import Config
from bot.core.dispatch import BriefBot
from bot.delivery.pacer import Pacer
from bot.delivery.ports import PlatformSender
from bot.domain.ports import SendBudget

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

BAD_WEBHOOK_SECRET = (
    "The webhook secret in {env} must be 1 to 256 characters, each a letter (A-Z, a-z), a "
    "digit, _ or -, as Telegram requires. Change it, or unset it to use one derived from the "
    "bot token."
)


@dataclass(frozen=True)
class Running:
    """A started platform: its sender for the delivery engine, and whether it is connected."""

    sender: PlatformSender
    connected: Callable[[], bool]


SharedBudgets = Callable[[str, float], SendBudget]  # platform, per second: its shared budget
Launcher = Callable[[BriefBot, str, Config, AsyncExitStack, SharedBudgets], Awaitable[Running]]


@dataclass(frozen=True)
class Platform:
    name: str
    token_env: str
    token: str | None
    missing_token: str
    launch: Launcher
    secrets: tuple[str, ...] = ()  # what the logs must never show: the token and the like
    answers_standing_by: bool = False  # runs in a process that does not hold the sender lock


def webhook_secret(config: Config, token: str) -> str:
    """The operator's webhook secret from the environment, else one derived from the token."""
    from bot.adapters.telegram.webhook import SECRET_SHAPE, derived_secret

    env = config.telegram.webhook.secret_env
    given = os.environ.get(env)
    if not given:
        return derived_secret(token)
    if not SECRET_SHAPE.fullmatch(given):
        raise StartupError(BAD_WEBHOOK_SECRET.format(env=env))
    return given


async def launch_telegram(
    core: BriefBot, token: str, config: Config, stack: AsyncExitStack, shared: SharedBudgets
) -> Running:
    from bot.adapters.telegram.app import TelegramAdapter
    from bot.adapters.telegram.sender import TelegramSender
    from bot.adapters.telegram.webhook import Webhook

    settings = config.telegram
    hook = settings.webhook
    webhook = None
    if settings.mode == "webhook":
        assert hook.public_url is not None  # the config refuses webhook mode without one
        secret = webhook_secret(config, token)
        webhook = Webhook(hook.public_url, hook.listen, hook.port, hook.path, secret)
    limits = telegram_limits(config)
    # One budget for answers and deliveries; in webhook mode, for every process on the token.
    pacer = Pacer(limits, shared("telegram", limits.per_second) if webhook else None)
    adapter = TelegramAdapter(
        core,
        token,
        base_url=settings.base_url,
        operators=settings.operators,
        poll_timeout=settings.poll_timeout,
        sends_at_once=config.delivery.concurrency,
        pacer=pacer,
        webhook=webhook,
        drop_pending_updates=settings.drop_pending_updates,
    )
    await adapter.start()
    stack.push_async_callback(adapter.stop)
    return Running(TelegramSender(adapter.bot, pacer.limits, pacer), adapter.connected)


async def launch_discord(
    core: BriefBot, token: str, config: Config, stack: AsyncExitStack, shared: SharedBudgets
) -> Running:
    """Discord's gateway tells every connected process of every interaction: only the sender
    connects, so its budget is its own (`shared` is not needed)."""
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
    return Running(DiscordSender(adapter.client.http, limits), adapter.connected)


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
            token := settings.token(),
            missing.format(env=settings.token_env),
            launch,
            secrets_of(config, name, token),
            answers_standing_by=name == "telegram" and config.telegram.mode == "webhook",
        )
        for name, settings, missing, launch in candidates
        if settings.enabled
    ]


def secrets_of(config: Config, platform: str, token: str | None) -> tuple[str, ...]:
    """The token, and for Telegram's webhook mode the webhook secret, given or derived."""
    if token is None:
        return ()
    if platform != "telegram" or config.telegram.mode != "webhook":
        return (token,)
    from bot.adapters.telegram.webhook import derived_secret

    given = os.environ.get(config.telegram.webhook.secret_env, "")
    return tuple(s for s in (token, given, derived_secret(token)) if s)
