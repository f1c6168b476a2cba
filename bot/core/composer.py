"""What a queued job says: a chat's digest for its day, or an operator's broadcast.

The engine reads everything a batch of claimed jobs needs in one snapshot (`Queue.inputs`)
and prepares every job of the batch at once, before any of them queues for the wire:
composing needs no database then, and the CPU work of a batch does not stall the event loop
between one send's pacing turn and its request (the platform's sliding second would see the
stalled sends arrive as a burst). Digests are cached: `compose` is a pure function of the
library, the day, the chat's followed topics and what it received before that day, and
subscribers who joined together and follow the same topics share all of these, so at a
busy minute most chats get a digest that was already composed for someone else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from bot.catalog.live import LiveCatalog
from bot.catalog.model import Brief, Prayer
from bot.catalog.revisions import revision, snapshot
from bot.core.digest import Digest, compose
from bot.core.languages import DEFAULT_LANGUAGE
from bot.core.messages import t, use_locale
from bot.core.recompose import prepare_edit
from bot.core.reply import Heading, Paragraph, Reply
from bot.core.views import digest_reply
from bot.domain.chat import ChatRecord
from bot.domain.queue import BROADCAST, CORRECTION, Composition, Inputs, Job, Prepared

CACHED_DIGESTS = 4096
CACHED_RENDERS = 512  # per platform, for corrections


class EmptyDigest(RuntimeError):
    """The library gave this chat nothing to read or pray: such a digest is never sent. The
    loader refuses an empty library, so this is a guard; the job is tried again later (after
    a reload, it has something to say) instead of being marked sent with nothing in it."""


class Composer:
    def __init__(
        self,
        catalog: LiveCatalog,
        max_briefs: int = 2,
        protect_content: bool = False,
        archive_after_months: int = 12,
        style: str = "short",
        language: str = DEFAULT_LANGUAGE,
    ) -> None:
        """`language` is for chats that have none stored yet (the configured default)."""
        self.catalog = catalog
        self.language = language
        self.max_briefs = max_briefs
        self.protect_content = protect_content
        self.archive_after_months = archive_after_months
        self.style = style
        self._digests: dict[tuple[date, tuple[str, ...], frozenset], Digest] = {}
        self._composed_from: object = None  # the catalog the cached digests came from
        self._snapshots: dict[str, tuple[Brief | Prayer, tuple[str, str, str]]] = {}
        self._renders: dict[object, dict[tuple[Reply, bool], tuple[object, ...]]] = {}

    def _cached_render(
        self, render: Callable[[Reply], Sequence[object]]
    ) -> Callable[[Reply], Sequence[object]]:
        """`render`, remembering its results: a correction re-renders the same few digests
        (a day's, in a language and style) for thousands of messages, several times each,
        and rendering them afresh kept the event loop busy long enough to bunch the sends."""
        cache = self._renders.setdefault(render, {})

        def cached(reply: Reply) -> Sequence[object]:
            key = (reply, reply.protect)  # `protect` takes no part in a Reply's equality
            found = cache.get(key)
            if found is None:
                if len(cache) >= CACHED_RENDERS:
                    cache.clear()
                found = cache[key] = tuple(render(reply))
            return found

        return cached

    def prepare(
        self, job: Job, inputs: Inputs | None, render: Callable[[Reply], Sequence[object]]
    ) -> Prepared:
        """Compose the job and render it with the platform's `render`; never raises."""
        try:
            if inputs is None:
                raise RuntimeError("the job's chat and history could not be read")
            if job.job == CORRECTION:
                edit = inputs.edits.get(job.id)
                archive, protect = self.archive_after_months, self.protect_content
                cached = self._cached_render(render)
                return prepare_edit(edit, inputs.prayed, cached, archive, protect)
            chat = job.chat
            language = chat.language if chat and chat.language else self.language
            with use_locale(language):
                composed = self.compose(job, inputs)
                if composed is None:
                    return Prepared(unwanted=True)
                reply, digest = composed
                messages = tuple(render(reply))
            entries = digest.entry_ids if digest is not None else ()
            made_of = self._composition(digest, language)
            return Prepared(messages=messages, entries=entries, composition=made_of)
        except Exception as error:
            return Prepared(error=error)

    def compose(self, job: Job, inputs: Inputs) -> tuple[Reply, Digest | None] | None:
        """The job's reply (and its digest, to remember as received); None if not wanted."""
        if job.job == BROADCAST:
            text = inputs.broadcasts.get(int(job.key))
            if text is None:
                return None
            return Reply(parts=(Heading(t("broadcast.title")), Paragraph(text))), None
        chat = job.chat
        if chat is None or not chat.subscribed:
            return None
        assert job.day is not None
        digest = self._digest(chat, job.day, inputs.received[job.id])
        if not digest.briefs and digest.prayer is None:
            raise EmptyDigest(f"the library has nothing to send for {job.day}")
        count = inputs.prayed.get((digest.prayer.id, job.day), 0) if digest.prayer else 0
        reply = digest_reply(digest, count, self.archive_after_months, self.style)
        return replace(reply, protect=self.protect_content), digest

    def _composition(self, digest: Digest | None, language: str) -> Composition:
        """What the job is made of, to record beside its messages (a broadcast: no entries)."""
        snapshots = [self._snapshot(entry) for entry in digest.entries] if digest else []
        return Composition(
            tuple((entry_id, rev) for rev, entry_id, _ in snapshots),
            language,
            self.style,
            tuple(snapshots),
        )

    def _snapshot(self, entry: Brief | Prayer) -> tuple[str, str, str]:
        """(revision, id, JSON) of an entry, made once per entry of the current library."""
        found = self._snapshots.get(entry.id)
        if found is None or found[0] is not entry:
            body = snapshot(entry)
            found = self._snapshots[entry.id] = (entry, (revision(body), entry.id, body))
        return found[1]

    def _digest(self, chat: ChatRecord, day: date, received: dict[str, date]) -> Digest:
        catalog = self.catalog.current
        if catalog is not self._composed_from or len(self._digests) >= CACHED_DIGESTS:
            self._digests.clear()
            self._snapshots.clear()  # kept per entry of one library, not of every one
            self._composed_from = catalog
        key = (day, chat.topics, frozenset(received.items()))
        digest = self._digests.get(key)
        if digest is None:
            digest = self._digests[key] = compose(
                catalog.library,
                day,
                received=received,
                follows=chat.topics,
                max_briefs=self.max_briefs,
            )
        return digest
