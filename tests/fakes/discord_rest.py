"""Bot-authenticated REST routes of the fake Discord server: login, gateway discovery, command
sync, channels, DMs and channel messages.

Handlers answer with the objects Discord would (built in `discord_payloads`) and keep state in
the `FakeDiscord` instance; cross-cutting concerns (auth, rate limits, faults, recording) live in
`discord_http`'s middleware, so each handler is only the route's own behaviour.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.fakes.discord_http import (
    API_PREFIX,
    BODY_KEY,
    FAKE_KEY,
    api_error,
    json_response,
)
from tests.fakes.discord_messages import message_payload
from tests.fakes.discord_validation import check_commands, check_edit, check_message

routes = web.RouteTableDef()
_COMMANDS = API_PREFIX + r"/applications/{application_id:\d+}/commands"
_GUILD_COMMANDS = API_PREFIX + r"/applications/{application_id:\d+}/guilds/{guild_id:\d+}/commands"
_CHANNEL = API_PREFIX + r"/channels/{channel_id:\d+}"
_MESSAGE = _CHANNEL + r"/messages/{message_id:\d+}"


def _unknown_channel() -> web.Response:
    return api_error(404, "Unknown Channel", 10003)


def _unknown_message() -> web.Response:
    return api_error(404, "Unknown Message", 10008)


@routes.get(API_PREFIX + "/gateway")
async def get_gateway(request: web.Request) -> web.Response:
    return json_response({"url": request.app[FAKE_KEY].gateway_url})


@routes.get(API_PREFIX + "/gateway/bot")
async def get_gateway_bot(request: web.Request) -> web.Response:
    limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
    fake = request.app[FAKE_KEY]
    return json_response({"url": fake.gateway_url, "shards": 1, "session_start_limit": limit})


@routes.get(API_PREFIX + "/users/@me")
async def get_me(request: web.Request) -> web.Response:
    return json_response(request.app[FAKE_KEY].bot_user)


@routes.get(API_PREFIX + "/oauth2/applications/@me")
@routes.get(API_PREFIX + "/applications/@me")
async def get_application(request: web.Request) -> web.Response:
    return json_response(request.app[FAKE_KEY].application)


def _command_scope(request: web.Request) -> tuple[int | None, web.Response | None]:
    """The guild id (None = global) of a commands route, or Discord's error for a foreign app."""
    fake = request.app[FAKE_KEY]
    if request.match_info["application_id"] != str(fake.application_id):
        return None, api_error(403, "Missing Access", 50001)
    guild_id = request.match_info.get("guild_id")
    if guild_id is not None and int(guild_id) not in {g.id for g in fake.guilds}:
        return None, api_error(403, "Missing Access", 50001)
    return (int(guild_id) if guild_id else None), None


@routes.get(_COMMANDS)
@routes.get(_GUILD_COMMANDS)
async def get_commands(request: web.Request) -> web.Response:
    guild_id, error = _command_scope(request)
    return error or json_response(request.app[FAKE_KEY].synced_commands(guild_id))


@routes.put(_COMMANDS)
@routes.put(_GUILD_COMMANDS)
async def put_commands(request: web.Request) -> web.Response:
    """Bulk overwrite: commands keep their id when a command of that name and type existed."""
    guild_id, error = _command_scope(request)
    body = request[BODY_KEY]
    if error is not None:
        return error
    if not isinstance(body, list):
        return api_error(400, "Invalid Form Body", 50035)
    if (invalid := check_commands(body)) is not None:
        return json_response(invalid, status=400)
    fake = request.app[FAKE_KEY]
    known = {(c["name"], c["type"]): c["id"] for c in fake.synced_commands(guild_id)}
    synced = []
    for command in body:
        kind = command.get("type", 1)
        synced.append({
            "id": known.get((command["name"], kind)) or str(fake.snowflakes.next()),
            "application_id": str(fake.application_id),
            "version": str(fake.snowflakes.next()),
            "type": kind,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
        } | {k: v for k, v in command.items() if v is not None}
          | ({"guild_id": str(guild_id)} if guild_id else {}))
    fake.set_commands(guild_id, synced)
    return json_response(synced)


@routes.get(_CHANNEL)
async def get_channel(request: web.Request) -> web.Response:
    channel = request.app[FAKE_KEY].channel(int(request.match_info["channel_id"]))
    return json_response(channel) if channel else _unknown_channel()


@routes.post(API_PREFIX + "/users/@me/channels")
async def create_dm(request: web.Request) -> web.Response:
    fake = request.app[FAKE_KEY]
    recipient = (request[BODY_KEY] or {}).get("recipient_id")
    if recipient is None:
        return api_error(400, "Invalid Form Body", 50035)
    channel_id = fake.dm_channel_id(int(recipient))
    return json_response(fake.channel(channel_id))


@routes.post(_CHANNEL + "/messages")
async def create_message(request: web.Request) -> web.Response:
    fake = request.app[FAKE_KEY]
    channel_id = int(request.match_info["channel_id"])
    body: dict[str, Any] = request[BODY_KEY] or {}
    if fake.channel(channel_id) is None:
        return _unknown_channel()
    if (invalid := check_message(body)) is not None:
        return json_response(invalid, status=400)
    message = message_payload(fake.snowflakes.next(), channel_id, fake.bot_user, body)
    await fake.store_message(message)
    return json_response(message)


def _channel_message(request: web.Request) -> dict[str, Any] | web.Response:
    fake = request.app[FAKE_KEY]
    channel_id = int(request.match_info["channel_id"])
    if fake.channel(channel_id) is None:
        return _unknown_channel()
    message = fake.message(int(request.match_info["message_id"]))
    if message is None or message["channel_id"] != str(channel_id):
        return _unknown_message()
    return message


@routes.get(_MESSAGE)
async def get_message(request: web.Request) -> web.Response:
    found = _channel_message(request)
    return found if isinstance(found, web.Response) else json_response(found)


@routes.patch(_MESSAGE)
async def edit_message(request: web.Request) -> web.Response:
    """Edit one of the bot's messages: the fields sent replace the message's (embeds and
    components as whole lists), validated as a send is; the edit is recorded."""
    fake = request.app[FAKE_KEY]
    found = _channel_message(request)
    body: dict[str, Any] = request[BODY_KEY] or {}
    if isinstance(found, web.Response):
        return found
    if found["author"]["id"] != fake.bot_user["id"]:
        return api_error(403, "Cannot edit a message authored by another user", 50005)
    if (invalid := check_edit(found, body)) is not None:
        return json_response(invalid, status=400)
    fake.edit_message(found, body)
    return json_response(found)


@routes.delete(_MESSAGE)
async def delete_message(request: web.Request) -> web.Response:
    """Delete one of the bot's messages (204); another's needs Manage Messages, which the
    fake's bot never has."""
    fake = request.app[FAKE_KEY]
    found = _channel_message(request)
    if isinstance(found, web.Response):
        return found
    if found["author"]["id"] != fake.bot_user["id"]:
        return api_error(403, "Missing Permissions", 50013)
    fake.delete_message(found)
    return web.Response(status=204)
