"""Bot API error answers, and the fault and flood rules tests use to provoke them.

The descriptions are Telegram's own, word for word, because adapters map them: the Bot API
answers `{"ok": false, "error_code": N, "description": ..., "parameters": {...}}`, and
python-telegram-bot turns the status and `parameters` into RetryAfter, ChatMigrated, Forbidden,
BadRequest, InvalidToken, Conflict or NetworkError. A 502 from Telegram's nginx front is an HTML
page, not JSON, which is why a fault can ask for that body too.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

UNAUTHORIZED = "Unauthorized"
NOT_FOUND = "Not Found"
BLOCKED_BY_USER = "Forbidden: bot was blocked by the user"
USER_DEACTIVATED = "Forbidden: user is deactivated"
CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"
KICKED_FROM_GROUP = "Forbidden: bot was kicked from the group chat"
KICKED_FROM_SUPERGROUP = "Forbidden: bot was kicked from the supergroup chat"
NOT_IN_CHANNEL = "Forbidden: bot is not a member of the channel chat"
CHAT_NOT_FOUND = "Bad Request: chat not found"
GROUP_MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"
MESSAGE_TEXT_EMPTY = "Bad Request: message text is empty"
MESSAGE_TOO_LONG = "Bad Request: message is too long"
MESSAGE_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
MESSAGE_TO_EDIT_NOT_FOUND = "Bad Request: message to edit not found"
MESSAGE_CANT_BE_EDITED = "Bad Request: message can't be edited"
MESSAGE_TO_DELETE_NOT_FOUND = "Bad Request: message to delete not found"
REPLIED_MESSAGE_NOT_FOUND = "Bad Request: message to be replied not found"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
BUTTON_URL_INVALID = "Bad Request: BUTTON_URL_INVALID"
UNSUPPORTED_PARSE_MODE = "Bad Request: unsupported parse_mode"
CANT_PARSE_ENTITIES = "Bad Request: can't parse entities: "
NO_ADMINS_IN_PRIVATE_CHAT = "Bad Request: there are no administrators in the private chat"
POLLING_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)
INTERNAL_SERVER_ERROR = "Internal Server Error"
BAD_GATEWAY = "Bad Gateway"

_DEFAULT_DESCRIPTIONS = {
    400: CHAT_NOT_FOUND,
    401: UNAUTHORIZED,
    403: BLOCKED_BY_USER,
    404: NOT_FOUND,
    409: POLLING_CONFLICT,
    500: INTERNAL_SERVER_ERROR,
    502: BAD_GATEWAY,
}


def too_many_requests(retry_after: int) -> str:
    return f"Too Many Requests: retry after {retry_after}"


def nginx_error_page(status: int) -> str:
    """The HTML page Telegram's nginx front answers when the Bot API behind it fails."""
    title = f"{status} {HTTPStatus(status).phrase}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


class ApiError(Exception):
    """A Bot API error answer; raised by method handlers, rendered by the server."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def flood(retry_after: int) -> ApiError:
    return ApiError(429, too_many_requests(retry_after), {"retry_after": retry_after})


@dataclass
class Fault:
    """One programmed misbehaviour: an error answer, a delay before answering, or both."""

    method: str | None  # lower-case Bot API method name, or None for every method
    remaining: int | None  # None = for ever
    delay: float = 0.0
    error: ApiError | None = None
    html_body: bool = False  # answer the nginx HTML page instead of JSON
    echo_path: bool = False  # the answer quotes the request path, token and all

    def matches(self, method: str) -> bool:
        return self.remaining != 0 and self.method in (None, method)


def make_error(
    status: int,
    description: str | None,
    retry_after: int | None,
    migrate_to_chat_id: int | None,
) -> ApiError:
    """Build a faithful error: the right default text and parameters for the status."""
    if retry_after is not None:
        return ApiError(
            status, description or too_many_requests(retry_after), {"retry_after": retry_after}
        )
    if migrate_to_chat_id is not None:
        return ApiError(
            status, description or GROUP_MIGRATED, {"migrate_to_chat_id": migrate_to_chat_id}
        )
    return ApiError(status, description or _DEFAULT_DESCRIPTIONS.get(status, "Unknown error"))


class FaultBook:
    """Faults indexed by chat id (None = any request), so a request looks at two short lists."""

    def __init__(self) -> None:
        self._by_chat: dict[object, list[Fault]] = {}

    def __bool__(self) -> bool:
        return bool(self._by_chat)

    def add(self, chat_id: object, fault: Fault) -> None:
        self._by_chat.setdefault(chat_id, []).append(fault)

    def clear(self) -> None:
        self._by_chat.clear()

    def take(self, method: str, chat_id: object) -> tuple[float, Fault | None]:
        """Consume the faults that apply: every matching delay adds up, the first error wins."""
        delay, failing = 0.0, None
        for key in (chat_id, None) if chat_id is not None else (None,):
            faults = self._by_chat.get(key, [])
            for fault in faults:
                if not fault.matches(method) or (fault.error and failing):
                    continue
                delay += fault.delay
                failing = failing or (fault if fault.error else None)
                if fault.remaining is not None:
                    fault.remaining -= 1
            faults[:] = [fault for fault in faults if fault.remaining != 0]
            if not faults:
                self._by_chat.pop(key, None)
        return delay, failing


class _SlidingWindow:
    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.stamps: deque[float] = deque()

    def wait(self, now: float) -> float:
        while self.stamps and self.stamps[0] <= now - self.window:
            self.stamps.popleft()
        return 0.0 if len(self.stamps) < self.limit else self.stamps[0] + self.window - now


class FloodControl:
    """Telegram's send limits as sliding windows: overall per second, per chat, per group."""

    def __init__(
        self,
        global_rate: float | None,
        per_chat_rate: float | None,
        group_per_minute: float | None,
    ) -> None:
        self._global = _window(global_rate, 1.0)
        self._per_chat = per_chat_rate
        self._group_per_minute = group_per_minute
        self._chats: dict[object, list[_SlidingWindow]] = {}
        # Flood waits told so far: until when, for every chat (None) or for one.
        self._told: dict[object, float] = {}
        self.sent_inside_wait = 0  # sends that arrived while a wait told about them was open

    def admit(self, chat_id: object, now: float) -> int | None:
        """Record an accepted send and answer None, or answer the whole seconds to wait."""
        if now < max(self._told.get(None, 0.0), self._told.get(chat_id, 0.0)):
            self.sent_inside_wait += 1  # Telegram lengthens the wait of a bot that does this
        everyone = self._global.wait(now) if self._global else 0.0
        windows = [self._global] if self._global else []
        windows += self._chats.setdefault(chat_id, self._chat_windows(chat_id))
        wait = max((window.wait(now) for window in windows), default=0.0)
        if wait > 0:
            told = max(1, math.ceil(wait))
            scope = None if everyone > 0 else chat_id
            self._told[scope] = max(self._told.get(scope, 0.0), now + told)
            return told
        for window in windows:
            window.stamps.append(now)
        return None

    def _chat_windows(self, chat_id: object) -> list[_SlidingWindow]:
        windows = [_window(self._per_chat, 1.0)]
        if isinstance(chat_id, int) and chat_id < 0:
            windows.append(_window(self._group_per_minute, 60.0))
        return [window for window in windows if window]


def _window(sends: float | None, period: float) -> _SlidingWindow | None:
    """`sends` per `period` seconds; a fractional count widens the window to whole sends."""
    if sends is None:
        return None
    limit = max(1, round(sends))
    return _SlidingWindow(limit, period * limit / sends)
