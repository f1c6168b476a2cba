"""Discord message objects as the fake Discord server creates and edits them.

A created message echoes what the bot sent (content, embeds, components, flags) with the fields
Discord adds (id, author, timestamp, mentions). Mentions are resolved through the request's
`allowed_mentions` exactly as Discord does, so a test can see that a brief which quotes
"@everyone" pinged nobody. Edits follow PATCH semantics, and editing a deferred ("thinking")
message ends its loading state.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from tests.fakes.discord_payloads import user_payload

EPHEMERAL_FLAG, LOADING_FLAG = 1 << 6, 1 << 7


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


_USER_MENTION = re.compile(r"<@!?(\d+)>")


def _mentions(content: str, allowed: dict[str, Any] | None) -> tuple[list[dict[str, Any]], bool]:
    """Resolve mentions the way Discord does: only what `allowed_mentions` lets through."""
    parse = ["users", "roles", "everyone"] if allowed is None else allowed.get("parse", [])
    listed = {int(u) for u in (allowed or {}).get("users", [])}
    users = [
        user_payload(int(uid)) for uid in dict.fromkeys(_USER_MENTION.findall(content))
        if "users" in parse or int(uid) in listed
    ]
    everyone = "everyone" in parse and ("@everyone" in content or "@here" in content)
    return users, everyone


def message_payload(
    message_id: int, channel_id: int, author: dict[str, Any], body: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """The message object Discord returns for a create; `body` is the request JSON."""
    content = body.get("content") or ""
    mentions, everyone = _mentions(content, body.get("allowed_mentions"))
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": 0,
        "author": author,
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts", False)),
        "mention_everyone": everyone,
        "mentions": mentions,
        "mention_roles": [],
        "attachments": [],
        "embeds": list(body.get("embeds") or []),
        "components": list(body.get("components") or []),
        "pinned": False,
        "flags": int(body.get("flags") or 0),
        "nonce": body.get("nonce"),
    } | extra


def apply_edit(message: dict[str, Any], body: dict[str, Any]) -> None:
    """PATCH semantics: only the fields sent change; a loading (deferred) message stops loading."""
    for key in ("content", "embeds", "components"):
        if key in body:
            message[key] = body[key] if body[key] is not None else ("" if key == "content" else [])
    if "content" in body:
        message["mentions"], message["mention_everyone"] = _mentions(
            message["content"], body.get("allowed_mentions")
        )
    if body.get("flags") is not None:
        kept = message["flags"] & (EPHEMERAL_FLAG | LOADING_FLAG)
        message["flags"] = kept | (int(body["flags"]) & ~EPHEMERAL_FLAG)
    message["flags"] &= ~LOADING_FLAG
    message["edited_timestamp"] = iso_now()
