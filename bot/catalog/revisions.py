"""Which version of an entry a reader was sent: a revision id and the entry as it was.

A correction re-renders a message as it was sent with only the corrected entry changed, so
what each message carried is recorded by revision, and each revision once as JSON (its
translations included). The revision is a hash of that JSON: an edit to any field, in any
language, is a new revision; reloading an unchanged library is not.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from bot.catalog.model import Brief, Prayer


def snapshot(entry: Brief | Prayer) -> str:
    """The entry as JSON, with its kind: what a re-rendering reads back."""
    kind = "brief" if isinstance(entry, Brief) else "prayer"
    return json.dumps({"kind": kind, **asdict(entry)}, ensure_ascii=False, sort_keys=True)


def revision(body: str) -> str:
    """The revision id of an entry's `snapshot`: 16 hex digits of its hash."""
    return hashlib.sha256(body.encode()).hexdigest()[:16]
