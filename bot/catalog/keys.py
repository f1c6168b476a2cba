"""Short, stable keys for entries and topics, for button data.

Telegram allows a button 64 bytes of data and Discord a component 100 characters; raw ids and
slugs that `check` accepts can be longer, and a button over the limit made Telegram refuse the
whole message (the day's digest failed for every subscriber). A key is the first hex digits of
the id's SHA-256: the same in every process and after every reload, as long as the id stays,
so buttons on messages sent days ago still find their entry. Ten hex digits make a collision
among a library's few thousand ids about one in a hundred million; the loader refuses one.
"""

from __future__ import annotations

import hashlib

KEY_LENGTH = 10


def key_of(identifier: str) -> str:
    return hashlib.sha256(identifier.encode()).hexdigest()[:KEY_LENGTH]
