"""Settings that moved: the old place still works for one release, with a notice.

A config file written for the previous release must keep running the bot unchanged, yet the
operator should learn where each setting lives now. `move_old_keys` rewrites the values read
from the file before validation and returns, for each old key it found, the notice and the
old path, so that a problem with the value is still reported where it was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.config.source import Path

# old path -> new path. Remove an entry one release after it was added.
# Each is (section, key): settings move between sections, never deeper.
MOVED: dict[tuple[str, str], tuple[str, str]] = {
    ("delivery", "global_per_second"): ("telegram", "global_per_second"),
    ("delivery", "per_chat_seconds"): ("telegram", "per_chat_seconds"),
    ("delivery", "group_per_minute"): ("telegram", "group_per_minute"),
}


@dataclass(frozen=True)
class Move:
    old: Path
    new: Path
    used: bool  # False when the new key is set too, so the old value is ignored


def move_old_keys(data: dict[str, Any]) -> list[Move]:
    """Move each old key's value to its new place in `data` (in place) unless that is set."""
    moves = []
    for old, new in MOVED.items():
        old_section = data.get(old[0])
        if not isinstance(old_section, dict) or old[1] not in old_section:
            continue
        value = old_section.pop(old[1])
        new_section = data.get(new[0])
        if new_section is None:
            new_section = data[new[0]] = {}
        if not isinstance(new_section, dict):
            continue  # the section itself is wrong; that is the problem reported
        used = new[1] not in new_section
        if used:
            new_section[new[1]] = value
        moves.append(Move(old, new, used))
    return moves
