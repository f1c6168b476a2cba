"""The settings, one model per section of `config.yaml`, each with its default and its bounds.

Adding a setting is one line in the section it belongs to: a name, a type from `values.py` (or
a plain `int`/`float`/`bool` with `Field` bounds) and a default; `config.example.yaml` then
gets its commented line. Unknown keys are refused, so a typo never silently means "default".
Secrets never live here: a platform names the environment variable that holds its token, and
only `token()` reads it.
"""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from pydantic_core import PydanticCustomError

from bot.config.values import (
    DatabaseTarget,
    EnvName,
    FilePath,
    HttpAddress,
    Level,
    ListenHost,
    LogLevel,
    TimeOfDay,
    TimeZone,
    UrlPath,
    WsAddress,
)
from bot.core.timeparse import parse_hhmm


class Section(BaseModel):
    """Strict, frozen and closed: what the file says is what the bot runs with."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class PlatformConfig(Section):
    enabled: bool = False
    token_env: EnvName = "BOT_TOKEN"
    operators: list[int] = Field(default_factory=list)

    def token(self) -> str | None:
        """The token from the environment variable this section names (None when unset)."""
        return os.environ.get(self.token_env) or None


Port = Annotated[int, Field(ge=1, le=65535)]
OFFICIAL_BOT_API = "https://api.telegram.org/"
# The ports Telegram delivers webhooks to (https://core.telegram.org/bots/api#setwebhook).
WEBHOOK_PORTS = (443, 80, 88, 8443)


class WebhookConfig(Section):
    """Where Telegram posts updates (`public_url`, served by a reverse proxy with TLS) and
    where the bot listens for what the proxy forwards (`listen`, `port`, `path`)."""

    public_url: HttpAddress | None = None
    listen: ListenHost = "127.0.0.1"
    port: Port = 8780
    path: UrlPath = "/telegram"
    # The secret Telegram sends back in every request's header; a random one per start when
    # the variable is unset (then only one instance can serve the webhook).
    secret_env: EnvName = "TELEGRAM_WEBHOOK_SECRET"


class TelegramConfig(PlatformConfig):
    enabled: bool = True
    token_env: EnvName = "TELEGRAM_BOT_TOKEN"
    base_url: HttpAddress = "https://api.telegram.org/bot"
    protect_content: bool = False
    poll_timeout: Annotated[int, Field(ge=1, le=600)] = 30
    # Telegram's limits: about 30 messages a second overall (paid broadcasts up to 1,000),
    # one a second in a chat, 20 a minute in a group.
    global_per_second: Annotated[float, Field(gt=0, le=1000)] = 30.0
    per_chat_seconds: Annotated[float, Field(gt=0, le=3600)] = 1.0
    group_per_minute: Annotated[int, Field(ge=1, le=1000)] = 20
    # "polling" asks Telegram for updates; "webhook" has Telegram post them to `webhook`.
    mode: Literal["polling", "webhook"] = "polling"
    # Discard the updates that waited while the bot was down, at start (either mode).
    drop_pending_updates: bool = False
    webhook: WebhookConfig = Field(default_factory=WebhookConfig)

    @model_validator(mode="after")
    def _webhook_reachable(self) -> TelegramConfig:
        """A webhook Telegram would refuse is refused here, at `check`, not at start-up.
        A self-hosted Bot API server (another `base_url`) accepts plain http on any port."""
        url = self.webhook.public_url
        if self.mode == "webhook" and url is None:
            raise _invalid("webhook.public_url is needed when mode is webhook")
        if url is None or not self.base_url.startswith(OFFICIAL_BOT_API):
            return self
        parts = urlsplit(url)
        if parts.scheme != "https":
            raise _invalid("webhook.public_url must be an https:// address for Telegram")
        try:
            port = parts.port or 443
        except ValueError:
            port = -1
        if port not in WEBHOOK_PORTS:
            allowed = ", ".join(map(str, WEBHOOK_PORTS))
            raise _invalid(f"webhook.public_url must use one of the ports {allowed}")
        return self


def _invalid(reason: str) -> PydanticCustomError:
    return PydanticCustomError("setting", "invalid", {"reason": reason})


class MonitoringConfig(Section):
    """/healthz, /readyz and /metrics on a listener of their own, local by default."""

    enabled: bool = True
    listen: ListenHost = "127.0.0.1"
    port: Port = 8790


class DiscordConfig(PlatformConfig):
    token_env: EnvName = "DISCORD_BOT_TOKEN"
    api_base: HttpAddress = "https://discord.com/api/v10"
    gateway_url: WsAddress = "wss://gateway.discord.gg"
    # Discord allows a bot 50 requests a second; 48 leaves room for the interactive client.
    global_per_second: Annotated[float, Field(gt=0, le=1000)] = 48.0


class DeliveryConfig(Section):
    tick_seconds: Annotated[int, Field(ge=1, le=3600)] = 60
    catch_up_hours: Annotated[float, Field(gt=0, le=24)] = 6.0
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 6
    backoff_seconds: Annotated[float, Field(gt=0, le=3600)] = 2.0
    concurrency: Annotated[int, Field(ge=1, le=1000)] = 8
    claim_timeout_seconds: Annotated[int, Field(ge=1, le=86400)] = 120
    keep_days: Annotated[int, Field(ge=1, le=3650)] = 7
    sent_records_days: Annotated[int, Field(ge=1, le=3650)] = 30
    unhealthy_after_seconds: Annotated[int, Field(ge=10, le=86400)] = 300


DigestStyle = Literal["short", "full"]


class Config(Section):
    content_dir: FilePath = Path("content")
    # A SQLite file, or a PostgreSQL server: postgresql://user@host:5432/briefbot (the
    # password from BRIEFBOT_DATABASE_PASSWORD).
    database: DatabaseTarget = Path("data/briefbot.sqlite3")
    log_level: Level = LogLevel.INFO
    # "text": one line per event; "json": one JSON object per line, for a log collector.
    log_format: Literal["text", "json"] = "text"
    delivery_time: TimeOfDay = "07:00"
    timezone: TimeZone = "UTC"
    briefs_per_digest: Annotated[int, Field(ge=1, le=3)] = 2
    # "short": each brief's lead, the whole brief a tap away (Read more); "full": every summary.
    digest_style: DigestStyle = "short"
    # The language of a chat whose platform says nothing of one (a Telegram channel post).
    language: Literal["en", "ko"] = "en"
    # A brief older than this many months is labelled "From the archive".
    archive_after_months: Annotated[int, Field(ge=1, le=600)] = 12
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    discord: DiscordConfig = Field(default_factory=DiscordConfig)
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    monitoring: MonitoringConfig = Field(default_factory=MonitoringConfig)

    _warnings: tuple[str, ...] = PrivateAttr(default=())

    @property
    def default_time(self) -> time:
        return parse_hhmm(self.delivery_time)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the file should change although it still works (`file:line: ...`)."""
        return self._warnings


# Settings read from the text as typed when YAML made it something else (`7:30` is 450).
TYPED_AS_TEXT = frozenset({("delivery_time",), ("timezone",)})
