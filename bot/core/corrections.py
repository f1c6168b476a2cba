"""Correcting or withdrawing an entry in every copy already sent: what it will reach, and
queueing it for the running bot to apply.

Editors fix the entry's YAML and reload; the operator then asks for a correction (CLI, or
`/correct` in chat). Only the copies whose text changes are touched: a message sent in Korean
is edited only when the Korean the reader saw changed, so a fix to one language leaves the
other's copies alone. A withdrawal reaches every copy, in every language, and may use an
entry that the library no longer holds: its copies are known from what was recorded.

What no correction can reach: copies that readers forwarded or quoted elsewhere, and messages
older than the retention of sent records (`delivery.sent_records_days`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from zoneinfo import ZoneInfo

from bot.catalog.keys import key_of
from bot.catalog.model import Brief, Prayer
from bot.catalog.revisions import restore, revision, snapshot
from bot.catalog.translations import in_language
from bot.core.context import Services
from bot.core.languages import LANGUAGES
from bot.core.messages import t, tn
from bot.domain.queue import CORRECT, WITHDRAW, Correction


class CorrectionRefused(ValueError):
    """Nothing to correct, said for the operator to read (in the operator's language)."""


@dataclass(frozen=True)
class CorrectionPlan:
    """A correction worked out but not queued: what the confirmation shows."""

    entry_id: str
    action: str
    revision: str  # the revision it brings ("" to withdraw)
    body: str  # the corrected entry as JSON ("" to withdraw)
    targets: tuple[tuple[str, str], ...]  # (revision sent, language) whose copies it edits
    messages: int
    languages: tuple[str, ...]


async def plan_correction(services: Services, entry_id: str, action: str) -> CorrectionPlan:
    """Which recorded messages a correction (CORRECT) or withdrawal (WITHDRAW) of `entry_id`
    would edit; CorrectionRefused when there is nothing to do."""
    entry = services.catalog.current.entry(entry_id)
    if action == CORRECT and entry is None:
        raise CorrectionRefused(t("correction.refused.no_entry", id=entry_id))
    sent = await services.outbox.sent_revisions(entry_id)
    if not sent:
        days = services.settings.sent_records_days
        raise CorrectionRefused(t("correction.refused.not_sent", id=entry_id, days=days))
    body = new_revision = ""
    if action == CORRECT:
        assert isinstance(entry, Brief | Prayer)
        body = snapshot(entry)
        new_revision = revision(body)
        chosen = [
            s
            for s in sent
            if s.revision != new_revision
            and _shown(restore(s.body), s.language) != _shown(entry, s.language)
        ]
        if not chosen:
            raise CorrectionRefused(t("correction.refused.up_to_date", id=entry_id))
    else:
        chosen = list(sent)
    return CorrectionPlan(
        entry_id,
        action,
        new_revision,
        body,
        tuple((s.revision, s.language) for s in chosen),
        sum(s.copies for s in chosen),
        tuple(sorted({s.language for s in chosen})),
    )


async def queue_correction(
    services: Services, plan: CorrectionPlan, remove: bool = False
) -> tuple[int, int]:
    """Queue `plan` for the running bot; its note is dated today in the bot's default time
    zone, once. `remove` (a withdrawal only) deletes messages where the platform allows.
    Returns the correction's id and how many messages it was queued to edit."""
    correction = Correction(
        0,
        plan.entry_id,
        plan.action,
        plan.revision,
        remove and plan.action == WITHDRAW,
        _today(services),
    )
    return await services.outbox.queue_correction(correction, plan.body, plan.targets)


def describe(plan: CorrectionPlan, remove: bool = False) -> str:
    """What a confirmation says: what happens, to how many messages, in which languages."""
    languages = ", ".join(LANGUAGES.get(code, code) for code in plan.languages)
    if plan.action == WITHDRAW:
        key = "correction.ask.delete" if remove else "correction.ask.withdraw"
    else:
        key = "correction.ask.correct"
    return tn(key, plan.messages, id=plan.entry_id, languages=languages)


async def entry_with_key(services: Services, key: str) -> str | None:
    """The id of the entry a button's key names: one in the library, or one the library no
    longer holds but that recorded messages still carry (it can still be withdrawn)."""
    entry = services.catalog.current.entry_by_key(key)
    if entry is not None:
        return entry.id
    ids = await services.outbox.sent_entry_ids()
    return next((entry_id for entry_id in ids if key_of(entry_id) == key), None)


def _shown(entry: Brief | Prayer, language: str) -> Brief | Prayer:
    """The entry as readers of `language` see it, without the other languages."""
    shown, _ = in_language(entry, language)
    return replace(shown, translations=())


def _today(services: Services) -> date:
    zone = ZoneInfo(services.settings.default_timezone)
    return services.clock.now().astimezone(zone).date()
