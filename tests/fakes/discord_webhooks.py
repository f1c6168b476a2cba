"""Interaction-token routes of the fake Discord server: the interaction callback and the
interaction webhook (follow-ups, @original).

These follow Discord's rules that bots trip over: one callback per interaction (40060), the
first callback within `FakeDiscord.interaction_deadline` seconds (10062 after it), callback
types valid only for their interaction type, a deferred response's first follow-up replacing
the "thinking" message, and `?with_response=true` answering with the created message (which
discord.py 2.5+ uses to key the View it registers).
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from tests.fakes.discord_http import (
    API_PREFIX,
    BODY_KEY,
    FAKE_KEY,
    api_error,
    json_response,
)
from tests.fakes.discord_interactions import AUTOCOMPLETE, MESSAGE_COMPONENT, InteractionHandle
from tests.fakes.discord_messages import (
    EPHEMERAL_FLAG,
    LOADING_FLAG,
    message_payload,
)
from tests.fakes.discord_validation import FormErrors, check_message

routes = web.RouteTableDef()
_WEBHOOK = API_PREFIX + r"/webhooks/{webhook_id:\d+}/{webhook_token}"

CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = (
    4, 5, 6, 7, 8, 9
)
_VALID_CALLBACKS = {
    2: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
}


def _invalid(path: str, code: str, message: str) -> web.Response:
    errors = FormErrors()
    errors.add((path,), code, message)
    return json_response(errors.body(), status=400)


def _response_message(handle: InteractionHandle, body: dict[str, Any], flags: int) -> dict:
    payload = handle.payload
    fake = handle.fake
    who = payload.get("member", {}).get("user") or payload["user"]
    metadata = {"id": str(handle.id), "type": payload["type"], "user": who,
                "authorizing_integration_owners": payload["authorizing_integration_owners"]}
    return message_payload(
        fake.snowflakes.next(), handle.channel_id, fake.bot_user, body | {"flags": flags},
        webhook_id=str(fake.application_id), application_id=str(fake.application_id),
        interaction_metadata=metadata,
    )


def _refusal(handle: InteractionHandle | None, token: str, kind: Any) -> web.Response | None:
    """Discord's answer to a callback it will not accept, or None."""
    deadline = handle.fake.interaction_deadline if handle else None
    expired = handle is not None and deadline is not None and (
        time.monotonic() - handle.created_at > deadline
    )
    if handle is None or handle.token != token or (expired and handle.callback is None):
        return api_error(404, "Unknown interaction", 10062)
    if handle.callback is not None:
        return api_error(400, "Interaction has already been acknowledged.", 40060)
    if kind not in _VALID_CALLBACKS[handle.payload["type"]]:
        return _invalid("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid response type.")
    return None


def _invalid_data(kind: int, data: dict[str, Any]) -> web.Response | None:
    if kind == AUTOCOMPLETE_RESULT and len(data.get("choices") or []) > 25:
        return _invalid("choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    invalid = check_message(data, edit=kind == UPDATE_MESSAGE) if kind in (
        CHANNEL_MESSAGE, UPDATE_MESSAGE) else None
    return None if invalid is None else json_response(invalid, status=400)


async def _apply(handle: InteractionHandle, kind: int, data: dict[str, Any]) -> dict | None:
    """Carry out the callback; the message it created or updated, if any."""
    if kind in (CHANNEL_MESSAGE, DEFERRED_MESSAGE):
        flags = int(data.get("flags") or 0)
        message = (_response_message(handle, data, flags) if kind == CHANNEL_MESSAGE
                   else _response_message(handle, {}, (flags & EPHEMERAL_FLAG) | LOADING_FLAG))
        await handle.fake.store_message(message)
        handle.original_id = int(message["id"])
        return message
    if kind in (UPDATE_MESSAGE, DEFERRED_UPDATE):
        handle.original_id = int(handle.payload["message"]["id"])
        message = handle.original
        if kind == UPDATE_MESSAGE and message is not None:
            handle.fake.edit_message(message, data)
            return message
    return None


@routes.post(API_PREFIX + r"/interactions/{interaction_id:\d+}/{interaction_token}/callback")
async def callback(request: web.Request) -> web.Response:
    fake = request.app[FAKE_KEY]
    handle = fake.interactions.get(int(request.match_info["interaction_id"]))
    body: dict[str, Any] = request[BODY_KEY] or {}
    kind, data = body.get("type"), body.get("data") or {}
    refusal = _refusal(handle, request.match_info["interaction_token"], kind)
    if refusal is not None or (refusal := _invalid_data(kind, data)) is not None:
        return refusal
    assert handle is not None
    message = await _apply(handle, kind, data)
    handle.callback = body
    handle.callback_at = time.monotonic()
    if request.query.get("with_response") not in ("1", "true", "True"):
        return web.Response(status=204)
    answer: dict[str, Any] = {"interaction": {
        "id": str(handle.id), "type": handle.payload["type"],
        "response_message_loading": kind == DEFERRED_MESSAGE,
        "response_message_ephemeral": bool((message or {}).get("flags", 0) & EPHEMERAL_FLAG),
    }}
    if message is not None:
        answer["interaction"]["response_message_id"] = message["id"]
        answer["resource"] = {"type": kind, "message": message}
    return json_response(answer)


def _webhook_handle(request: web.Request) -> InteractionHandle | None:
    fake = request.app[FAKE_KEY]
    if request.match_info["webhook_id"] != str(fake.application_id):
        return None
    token = request.match_info["webhook_token"]
    return next((h for h in fake.interactions.values() if h.token == token), None)


def _unknown_webhook() -> web.Response:
    return api_error(404, "Unknown Webhook", 10015)


@routes.post(_WEBHOOK)
async def followup(request: web.Request) -> web.Response:
    handle = _webhook_handle(request)
    body: dict[str, Any] = request[BODY_KEY] or {}
    if handle is None or handle.callback is None:
        return _unknown_webhook()
    if (invalid := check_message(body)) is not None:
        return json_response(invalid, status=400)
    original = handle.original
    if original is not None and original["flags"] & LOADING_FLAG:
        # the first follow-up of a deferral replaces "thinking..."
        handle.fake.edit_message(original, body)
        message = original
    else:
        message = _response_message(handle, body, int(body.get("flags") or 0))
        await handle.fake.store_message(message)
    handle.followups.append(message)
    if request.query.get("wait") in ("1", "true", "True"):
        return json_response(message)
    return web.Response(status=204)


def _webhook_message(request: web.Request) -> dict[str, Any] | web.Response:
    handle = _webhook_handle(request)
    if handle is None:
        return _unknown_webhook()
    wanted = request.match_info["message_id"]
    message = handle.original if wanted == "@original" else next(
        (m for m in handle.followups if m["id"] == wanted), None
    )
    return message if message is not None else api_error(404, "Unknown Message", 10008)


_MESSAGE_ROUTE = _WEBHOOK + r"/messages/{message_id:(?:\d+|@original)}"


@routes.get(_MESSAGE_ROUTE)
async def get_webhook_message(request: web.Request) -> web.Response:
    found = _webhook_message(request)
    return found if isinstance(found, web.Response) else json_response(found)


@routes.patch(_MESSAGE_ROUTE)
async def edit_webhook_message(request: web.Request) -> web.Response:
    found = _webhook_message(request)
    body: dict[str, Any] = request[BODY_KEY] or {}
    if isinstance(found, web.Response):
        return found
    if (invalid := check_message(body, edit=True)) is not None:
        return json_response(invalid, status=400)
    request.app[FAKE_KEY].edit_message(found, body)
    return json_response(found)


@routes.delete(_MESSAGE_ROUTE)
async def delete_webhook_message(request: web.Request) -> web.Response:
    found = _webhook_message(request)
    if isinstance(found, web.Response):
        return found
    request.app[FAKE_KEY].delete_message(found)
    return web.Response(status=204)
