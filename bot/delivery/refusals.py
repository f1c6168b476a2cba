"""Which platforms refuse the bot's token right now, said once each way in the log.

A 401 is no message's fault (`outcomes.Unauthorized`): the engine pauses that platform's pacer
for `TOKEN_PROBE_SECONDS` and the message asks again, spending no attempt. Every send in
flight meets the same refusal, so this keeps the log to one CRITICAL line when it starts and
one line when the token works again, whatever the number of sends.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

TOKEN_PROBE_SECONDS = 10.0  # while a platform refuses the token, how often a send tries it


class TokenRefusals:
    def __init__(self) -> None:
        self._refused: set[str] = set()  # platforms whose token is being refused now

    def refused(self, platform: str, reason: str) -> None:
        if platform not in self._refused:
            self._refused.add(platform)
            log.critical(
                "%s refused the bot token (%s): delivery on %s is paused, nothing is marked "
                "failed, and a send tries again every %.0f s",
                platform,
                reason,
                platform,
                TOKEN_PROBE_SECONDS,
            )

    def accepted(self, platform: str) -> None:
        if platform in self._refused:
            self._refused.discard(platform)
            log.warning("%s accepts the bot token again: delivery resumes", platform)
