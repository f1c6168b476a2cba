"""Discord API object shapes used by the fake Discord server (`tests.fakes.discord_api`).

Everything the fake hands to discord.py goes through these builders so that one place answers
"what does Discord really send?". Shapes follow the API v10 reference closely enough that
discord.py 2.x parses them without a missing key; ids are real time-based snowflakes so that
discord.py's `created_at` and ordering behave as in production.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
MANAGE_CHANNELS = 1 << 4
USE_APPLICATION_COMMANDS = 1 << 31
MEMBER_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
)

# Gateway intents that must be switched on in the developer portal (close code 4014 otherwise).
PRIVILEGED_INTENTS = {"members": 1 << 1, "presences": 1 << 8, "message_content": 1 << 15}
GUILD_MESSAGES_INTENT = 1 << 9
DIRECT_MESSAGES_INTENT = 1 << 12
# Application flags Discord reports for privileged intents switched on in the portal.
_INTENT_APPLICATION_FLAGS = {"members": 1 << 15, "presences": 1 << 13, "message_content": 1 << 19}
APPLICATION_COMMAND_BADGE = 1 << 23

TEXT_CHANNEL, DM_CHANNEL, NEWS_CHANNEL = 0, 1, 5


class Snowflakes:
    """Monotonic snowflakes whose timestamp part is the real current time."""

    def __init__(self) -> None:
        self._last = 0
        self._increment = itertools.count()

    def next(self) -> int:
        stamp = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(self._last + 1, stamp | (next(self._increment) & 0xFFF))
        return self._last


@dataclass(frozen=True)
class FakeChannel:
    """A guild text channel the fake announces in GUILD_CREATE."""

    id: int
    name: str
    type: int = TEXT_CHANNEL


@dataclass(frozen=True)
class FakeGuild:
    """A guild the bot is a member of, with its channels."""

    id: int
    name: str
    channels: tuple[FakeChannel, ...]
    owner_id: int = 1400000000000000099
    locale: str = "en-US"
    roles: tuple[dict[str, Any], ...] = ()  # beyond @everyone


DEFAULT_GUILD = FakeGuild(
    id=1300000000000000001,
    name="Prayer Circle",
    channels=(
        FakeChannel(1300000000000000011, "general"),
        FakeChannel(1300000000000000012, "announcements", NEWS_CHANNEL),
    ),
)
DEFAULT_USER_ID = 1400000000000000001


def error_body(message: str, code: int) -> dict[str, Any]:
    return {"message": message, "code": code}


def user_payload(user: int | dict[str, Any] | None = None, *, bot: bool = False) -> dict[str, Any]:
    """A full user object; an int is an id, a dict overrides any field."""
    given = {"id": user} if isinstance(user, int) else dict(user or {"id": DEFAULT_USER_ID})
    user_id = int(given.get("id", DEFAULT_USER_ID))
    base = {
        "id": str(user_id),
        "username": f"user{user_id % 10000}",
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "public_flags": 0,
        "bot": bot,
    }
    return base | {k: v for k, v in given.items() if k != "id"}


def member_payload(
    user: dict[str, Any], *, permissions: int | str, roles: list[int] | None = None
) -> dict[str, Any]:
    return {
        "user": user,
        "roles": [str(r) for r in roles or []],
        "permissions": str(permissions),
        "joined_at": "2024-01-01T00:00:00+00:00",
        "premium_since": None,
        "nick": None,
        "avatar": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }


def guild_channel_payload(
    channel: FakeChannel, guild_id: int, position: int, **extra: Any
) -> dict[str, Any]:
    return {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(guild_id),
        "name": channel.name,
        "position": position,
        "permission_overwrites": [],
        "parent_id": None,
        "nsfw": False,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    } | extra


def dm_channel_payload(channel_id: int, recipient: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": DM_CHANNEL,
        "last_message_id": None,
        "recipients": [recipient],
        "flags": 0,
    }


def guild_create_payload(guild: FakeGuild, bot_user: dict[str, Any]) -> dict[str, Any]:
    """GUILD_CREATE as sent after READY: the bot's own member only, no presences."""
    everyone = {"id": str(guild.id), "name": "@everyone", "permissions": str(MEMBER_PERMISSIONS),
                "position": 0, "color": 0, "hoist": False, "managed": False,
                "mentionable": False, "flags": 0}
    channels = [guild_channel_payload(c, guild.id, i) for i, c in enumerate(guild.channels)]
    for channel in channels:
        del channel["guild_id"]  # GUILD_CREATE omits it inside the guild's own channel list
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "owner_id": str(guild.owner_id),
        "unavailable": False,
        "large": False,
        "member_count": 2,
        "joined_at": "2024-01-01T00:00:00+00:00",
        "preferred_locale": guild.locale,
        "features": [],
        "roles": [everyone, *guild.roles],
        "emojis": [],
        "stickers": [],
        "channels": channels,
        "threads": [],
        "members": [member_payload(bot_user, permissions=MEMBER_PERMISSIONS)],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "premium_tier": 0,
        "system_channel_flags": 0,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "afk_timeout": 300,
    }


def application_payload(
    app_id: int, bot_user: dict[str, Any], allowed_intents: frozenset[str]
) -> dict[str, Any]:
    """GET /oauth2/applications/@me; `flags` tell which privileged intents are switched on."""
    flags = APPLICATION_COMMAND_BADGE
    for name in allowed_intents:
        flags |= _INTENT_APPLICATION_FLAGS[name]
    return {
        "id": str(app_id),
        "name": bot_user["username"],
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "bot": bot_user,
        "owner": user_payload(1400000000000000099),
        "verify_key": "0" * 64,
        "flags": flags,
        "interactions_endpoint_url": None,
        "redirect_uris": [],
        "approximate_guild_count": 1,
    }
