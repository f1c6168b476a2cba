"""The fake Discord gateway: the websocket half of `tests.fakes.discord_api.FakeDiscord`.

It speaks gateway v10 as discord.py 2.x uses it: HELLO, IDENTIFY → READY + GUILD_CREATE,
HEARTBEAT → HEARTBEAT_ACK, RESUME → replay + RESUMED (or INVALID_SESSION), RECONNECT on demand,
JSON encoding and `compress=zlib-stream` transport compression (discord.py asks for it by
default unless a zstd module is importable). Sessions outlive their connections, so a restarted
or reconnecting client finds the fake as Discord would: resumable sessions replay what they
missed, and a clean close (1000/1001) ends the session.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
import zlib
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tests.fakes.discord_payloads import PRIVILEGED_INTENTS, guild_create_payload

if TYPE_CHECKING:
    from tests.fakes.discord_api import FakeDiscord

_log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0, 1, 2, 6, 7, 9, 10, 11
)
_IGNORED_OPS = {3, 4, 8}  # presence update, voice state, request guild members
_REPLAY_WINDOW = 1000


def _refusal(query: Mapping[str, str]) -> tuple[int, str] | None:
    """The close code and reason for connection parameters the fake does not speak."""
    if query.get("v", "10") != "10":
        return 4012, "Invalid API version"
    if query.get("encoding", "json") != "json":
        return 4002, "only encoding=json is faked"
    if query.get("compress", "zlib-stream") != "zlib-stream":
        return 4000, f"compress={query['compress']} is not faked (zlib-stream is)"
    return None


class _Connection:
    """One websocket; serialises sends so zlib-stream frames leave in compression order."""

    def __init__(self, ws: web.WebSocketResponse, *, compress: bool) -> None:
        self.ws = ws
        self._zlib = zlib.compressobj() if compress else None
        self._lock = asyncio.Lock()

    async def send(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            if self.ws.closed:
                return
            if self._zlib is None:
                await self.ws.send_str(text)
            else:
                data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)


@dataclass
class _Session:
    id: str
    intents: int
    seq: int = 0
    sent: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=_REPLAY_WINDOW))
    connection: _Connection | None = None


class Gateway:
    """Gateway sessions and the websocket handler; events go to the latest live session."""

    def __init__(self, fake: FakeDiscord) -> None:
        self._fake = fake
        self._sessions: dict[str, _Session] = {}
        self._latest: _Session | None = None
        self.identify_payloads: list[dict[str, Any]] = []
        self.counts = {"connections": 0, "identifies": 0, "resumes": 0, "heartbeats": 0}

    @property
    def connected(self) -> bool:
        return self._latest is not None and self._latest.connection is not None

    @property
    def intents(self) -> int:
        return self._latest.intents if self._latest else 0

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH to the latest session, buffering it for RESUME when disconnected."""
        session = self._latest
        if session is None:
            raise RuntimeError(f"no gateway session to dispatch {event} to: is the bot running?")
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.sent.append(frame)
        if session.connection is not None:
            await session.connection.send(frame)

    async def reconnect(self) -> None:
        """Ask the connected client to reconnect and resume (opcode 7), as Discord does."""
        if self._latest is None or self._latest.connection is None:
            raise RuntimeError("no connected gateway session")
        await self._latest.connection.send({"op": RECONNECT, "d": None})

    async def close_all(self) -> None:
        for session in list(self._sessions.values()):
            if session.connection is not None:
                await session.connection.ws.close(code=1001)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.counts["connections"] += 1
        if refusal := _refusal(request.query):
            _log.error("fake gateway refused connection: %s", refusal[1])
            await ws.close(code=refusal[0], message=refusal[1].encode())
            return ws
        conn = _Connection(ws, compress=request.query.get("compress") == "zlib-stream")
        interval = self._fake.heartbeat_interval_ms
        await conn.send({"op": HELLO, "d": {"heartbeat_interval": interval}})
        session: _Session | None = None
        try:
            async for msg in ws:
                try:
                    frame = json.loads(msg.data) if msg.type is WSMsgType.TEXT else None
                except ValueError:
                    frame = None
                if not isinstance(frame, dict):
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                session = await self._receive(conn, session, frame)
        finally:
            await self._detach(conn, session, ws.close_code)
        return ws

    async def _receive(
        self, conn: _Connection, session: _Session | None, frame: dict[str, Any]
    ) -> _Session | None:
        op, data = frame.get("op"), frame.get("d")
        if op in (IDENTIFY, RESUME) and not isinstance(data, dict):
            data = {}
        if op == HEARTBEAT:
            self.counts["heartbeats"] += 1
            await conn.send({"op": HEARTBEAT_ACK})
        elif op in (IDENTIFY, RESUME) and session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated.")
        elif op in (IDENTIFY, RESUME) and data.get("token") != self._fake.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
        elif op == IDENTIFY:
            return await self._identify(conn, data)
        elif op == RESUME:
            return await self._resume(conn, data)
        elif session is None:
            await conn.ws.close(code=4003, message=b"Not authenticated.")
        elif op not in _IGNORED_OPS:
            await conn.ws.close(code=4001, message=b"Unknown opcode.")
        return session

    async def _identify(self, conn: _Connection, data: dict[str, Any]) -> _Session | None:
        self.counts["identifies"] += 1
        self.identify_payloads.append(data)
        intents = data.get("intents")
        if not isinstance(intents, int):
            await conn.ws.close(code=4013, message=b"Invalid intent(s).")
            return None
        disallowed = [name for name, bit in PRIVILEGED_INTENTS.items()
                      if intents & bit and name not in self._fake.privileged_intents]
        if disallowed:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        session = _Session(id=uuid.uuid4().hex, intents=intents, connection=conn)
        self._sessions[session.id] = self._latest = session
        fake = self._fake
        await self.dispatch("READY", {
            "v": 10,
            "user": fake.bot_user,
            "application": {"id": str(fake.application_id), "flags": fake.application["flags"]},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in fake.guilds],
            "private_channels": [],
            "session_id": session.id,
            "resume_gateway_url": fake.gateway_url,
            "shard": data.get("shard", [0, 1]),
            "_trace": ["fake-discord"],
        })
        for guild in fake.guilds:
            await self.dispatch("GUILD_CREATE", guild_create_payload(guild, fake.bot_user))
        await fake.notify()
        return session

    async def _resume(self, conn: _Connection, data: dict[str, Any]) -> _Session | None:
        session = self._sessions.get(data.get("session_id", ""))
        seq = data.get("seq") or 0
        missed = [f for f in session.sent if f["s"] > seq] if session else []
        oldest = missed[0]["s"] if missed else (session.seq + 1 if session else 0)
        if session is None or oldest > seq + 1:
            await conn.send({"op": INVALID_SESSION, "d": False})
            return None
        self.counts["resumes"] += 1
        session.connection, self._latest = conn, session
        for frame in missed:
            await conn.send(frame)
        await self.dispatch("RESUMED", {"_trace": ["fake-discord"]})
        await self._fake.notify()
        return session

    async def _detach(self, conn: _Connection, session: _Session | None, code: int | None) -> None:
        if session is None or session.connection is not conn:
            return
        session.connection = None
        if code in (1000, 1001):  # a clean close ends the session, as on Discord
            del self._sessions[session.id]
            if self._latest is session:
                self._latest = None
        await self._fake.notify()
