"""Who pressed "I prayed", kept only as a keyed hash.

A group or a channel has many readers, and each of them praying counts: the count is per
person, chat, prayer point and day. Whether someone prays is sensitive, so the store never
sees who it was: only an HMAC of the platform's user id under a secret the deployment holds
(`BRIEFBOT_PRAYER_KEY`, or a key file beside the database). Without the secret a hash cannot
be tested against a known id, and the rows go after two days, or with /forget.
"""

from __future__ import annotations

import hashlib
import hmac

PERSON_HEX = 16  # 64 bits: unique among any chat's readers, and nothing more


def person_of(key: bytes, platform: str, user_id: str | None) -> str:
    """The person's hash, or "" when the platform names nobody (a chat counts once then)."""
    if not user_id:
        return ""
    digest = hmac.new(key, f"{platform}:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:PERSON_HEX]
