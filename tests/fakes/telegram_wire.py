"""How Bot API requests and answers look on the wire, for the fake Telegram server.

python-telegram-bot posts `application/x-www-form-urlencoded` (multipart when uploading) where
string parameters travel as they are and every other value (numbers, booleans, reply_markup,
entities, allowed_updates...) as a JSON-encoded string; the Bot API also accepts a JSON body or
query parameters. Decoding needs to know which parameters are strings, or a message text such
as "42" or "true" would come out as a number or a boolean.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from tests.fakes.telegram_faults import ApiError, nginx_error_page

STRING_PARAMS = frozenset(
    {"text", "caption", "parse_mode", "callback_query_id", "inline_message_id", "url", "title"}
    | {"description", "short_description", "name", "language_code", "business_connection_id"}
    | {"message_effect_id", "secret_token", "emoji", "query", "data", "custom_title", "question"}
    | {"explanation", "address", "first_name", "last_name", "phone_number", "ip_address"}
    | {"photo", "document", "audio", "video", "animation", "sticker", "voice", "video_note"}
    | {"thumbnail", "cover", "sticker_set_name", "game_short_name", "payload", "currency"}
)
_CHAT_PARAMS = frozenset({"chat_id", "from_chat_id"})
_INTEGER = re.compile(r"^-?\d+$")
# Telegram answers 404 to a token that is not even shaped like one, 401 to a wrong one.
TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


def decode_value(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in STRING_PARAMS:
        return value
    if key in _CHAT_PARAMS:
        return int(value) if _INTEGER.match(value) else value  # "@channelusername" stays
    try:
        return json.loads(value)
    except ValueError:
        return value


async def read_params(request: web.Request) -> dict[str, Any]:
    """All parameters of a request, from its query string and its body, decoded."""
    raw: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        raw.update(await request.json())
    elif request.body_exists:
        for key, value in (await request.post()).items():
            raw[key] = value if isinstance(value, str) else {"filename": value.filename}
    return {key: decode_value(key, value) for key, value in raw.items()}


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def failure(error: ApiError) -> web.Response:
    return web.json_response(error.body(), status=error.status)


def nginx_page(status: int) -> web.Response:
    """What Telegram's front proxy answers when the Bot API behind it is down: HTML."""
    return web.Response(status=status, text=nginx_error_page(status), content_type="text/html")
