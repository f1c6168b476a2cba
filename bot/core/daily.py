"""A chat's digest for a day, and remembering what was sent.

`/today`, `/pray`, the scheduled delivery and `briefbot preview` all come through here, so
they agree on what a chat's digest for a day is.
"""

from __future__ import annotations

from datetime import date

from bot.catalog.catalog import Catalog
from bot.core.digest import Digest, compose
from bot.domain.chat import ChatRecord
from bot.domain.ports import ReceivedEntries


async def digest_for(
    store: ReceivedEntries, catalog: Catalog, chat: ChatRecord | None, day: date, max_briefs: int
) -> Digest:
    """The digest `chat` gets on `day`; a chat with no record is treated as brand new."""
    if chat is None:
        return compose(catalog.library, day, max_briefs=max_briefs)
    received = await store.received_before(chat.pk, day)
    return compose(
        catalog.library, day, received=received, follows=chat.topics, max_briefs=max_briefs
    )


async def record_sent(store: ReceivedEntries, chat: ChatRecord, digest: Digest) -> None:
    """Note the entries as received, so later days rotate past them."""
    await store.mark_received(chat.pk, digest.entry_ids, digest.day)
