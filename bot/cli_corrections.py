"""`briefbot correct` and `briefbot withdraw`: queue a correction of an entry already sent,
then follow the running bot as it applies it.

The command only queues: the running bot edits the messages, within the platforms' limits
and with the queue's crash safety, so a correction of thousands of messages survives either
side stopping. Following it is a progress bar (tqdm) of the messages finished, with the rate
and time left; Ctrl-C stops following, not the correction.
"""

from __future__ import annotations

import asyncio
import sys

from tqdm import tqdm

from bot.config import Config
from bot.core.context import Services
from bot.core.corrections import CorrectionRefused, describe, plan_correction, queue_correction
from bot.core.messages import t
from bot.store import location

POLL_SECONDS = 1.0
STALLED_SECONDS = 60.0  # no progress this long: probably no `briefbot run` is running


async def correct(
    config: Config, entry_id: str, action: str, remove: bool, yes: bool, wait: bool
) -> int:
    """Plan, confirm, queue and (with `wait`) follow one correction or withdrawal."""
    from bot.bootstrap import open_services

    if not location.exists(config.database):  # opening would create an empty one
        print(f"Nothing to do: no database at {config.database}, so nothing was sent yet.")
        return 1
    async with open_services(config) as services:
        try:
            plan = await plan_correction(services, entry_id, action)
        except CorrectionRefused as refused:
            print(f"Nothing to do: {refused}")
            return 1
        print(describe(plan, remove))
        print(t("correction.unreachable"))
        if not yes and not _confirmed():
            print("Nothing was queued.")
            return 0
        correction_id, queued = await queue_correction(services, plan, remove)
        print(
            f"Correction {correction_id} is queued: {queued} message(s). The running bot "
            "applies it (withdrawals before the day's digests, corrections after them)."
        )
        if wait and queued:
            await follow(services, correction_id)
    return 0


async def follow(services: Services, correction_id: int) -> None:
    """A progress bar until every message is done, the correction is superseded, or nothing
    moved for `STALLED_SECONDS` (then say why that may be)."""
    progress = await services.outbox.correction_progress(correction_id)
    assert progress is not None
    still, last = 0.0, -1
    with tqdm(total=progress.messages, unit="msg", desc=f"correction {correction_id}") as bar:
        while progress.under_way:
            await asyncio.sleep(POLL_SECONDS)
            found = await services.outbox.correction_progress(correction_id)
            assert found is not None
            progress = found
            bar.update(progress.finished - bar.n)
            bar.set_postfix(edited=progress.edited, unreachable=progress.unreachable)
            still = 0.0 if progress.finished != last else still + POLL_SECONDS
            last = progress.finished
            if still >= STALLED_SECONDS:
                bar.close()
                print(
                    "No message was edited for a minute: is `briefbot run` running on this "
                    "database? The correction stays queued and goes on when it runs.",
                    file=sys.stderr,
                )
                return
    print(
        f"Done: {progress.edited} edited, {progress.unreachable} not reachable (the reader "
        f"deleted the message, it is too old to edit, or the chat left)"
        + (
            f", {progress.did_not_fit} withdrawn as the correction did not fit"
            if progress.did_not_fit
            else ""
        )
        + "."
    )


def _confirmed() -> bool:
    try:
        return input("Queue it? [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:  # no terminal to ask: say so rather than guess
        print("\n(no answer: use --yes to queue it without asking)")
        return False
