"""What the core knows about whoever sent a command: where, what kind of chat, and who.

The adapter fills this in from its platform's event. `can_manage` is a question the core asks
the adapter, lazily and at most once, because only the platform knows who administers a chat
(Telegram: chat administrators; Discord: Manage Channels) and asking costs a network call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.domain.address import Address, ChatKind


async def _always() -> bool:
    return True


@dataclass
class Request:
    address: Address
    kind: ChatKind
    user_id: str | None = None
    can_manage: Callable[[], Awaitable[bool]] = _always
    answers_bot: bool = False  # the message replies to one of the bot's own messages
    # The platform's word on the language (the writer's Telegram client, a Discord locale),
    # as the platform spells it ("ko", "ko-KR", "en-US"); None where it says nothing.
    language: str | None = None
    _managed: bool | None = field(default=None, repr=False)

    async def may_manage(self) -> bool:
        """Whether the sender may change this chat's settings (always, in a private chat)."""
        if not self.kind.is_shared:
            return True
        if self._managed is None:
            self._managed = await self.can_manage()
        return self._managed
