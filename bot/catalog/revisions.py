"""Which version of an entry a reader was sent: a revision id and the entry as it was.

A correction re-renders a message as it was sent with only the corrected entry changed, so
what each message carried is recorded by revision, and each revision once as JSON (its
translations included). The revision is a hash of that JSON: an edit to any field, in any
language, is a new revision; reloading an unchanged library is not, nor is moving an entry
within its file (the line a translation starts on is left out).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from bot.catalog.model import Brief, PartialDate, Prayer, SendOn, Translation


def snapshot(entry: Brief | Prayer) -> str:
    """The entry as JSON, with its kind: what a re-rendering reads back (`restore`)."""
    kind = "brief" if isinstance(entry, Brief) else "prayer"
    data = asdict(entry)
    for translation in data["translations"]:
        del translation["line"]
    return json.dumps({"kind": kind, **data}, ensure_ascii=False, sort_keys=True)


def revision(body: str) -> str:
    """The revision id of an entry's `snapshot`: 16 hex digits of its hash."""
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def restore(body: str) -> Brief | Prayer:
    """The entry a `snapshot` was taken of, as it was then."""
    data = json.loads(body)
    kind = data.pop("kind")
    data["topics"] = tuple(data["topics"])
    data["send_on"] = SendOn(**data["send_on"]) if data.get("send_on") else None
    data["translations"] = tuple(_translation(t) for t in data["translations"])
    if kind == "prayer":
        return Prayer(**data)
    data["sources"] = tuple(data["sources"])
    data["date"] = PartialDate(**data["date"]) if data.get("date") else None
    return Brief(**data)


def _translation(data: dict[str, Any]) -> Translation:
    return Translation(
        language=data["language"],
        texts=tuple((name, text) for name, text in data["texts"]),
        written_for=data["written_for"],
        current=data["current"],
        line=0,
        missing_facts=tuple(data["missing_facts"]),
        sources=tuple(data["sources"]),
    )
