"""python-telegram-bot's HTTP transport on aiohttp, in place of its default httpx.

Every Bot API call ends in `BaseRequest.do_request`. Through httpx/httpcore one `send_message`
of a digest cost 1.7-2.0 ms of CPU on the benchmark machine (connection-pool bookkeeping, a
`sniffio` look-up per request, urlencoding), which held the whole delivery stack to about 400
messages/s; through aiohttp, already installed for discord.py, it costs 0.7 ms.

Where this differs from `HTTPXRequest`, on purpose:

* Parameters without files travel as a JSON body, which the Bot API accepts like a form:
  `json.dumps` is C, while urlencoding a digest's text is a Python call per character.
  Uploads are `multipart/form-data`, as httpx sends them.
* aiohttp bounds connecting and each read, but not writing: a request with a body is bounded
  as a whole by the sum of its connect, write and read timeouts instead (an upload's write
  timeout defaults to `media_write_timeout`, as in httpx). Downloads have no overall bound.
* Proxies and credentials from the environment (`HTTPS_PROXY`, ~/.netrc) are not consulted:
  aiohttp would look them up in a worker thread on every request.
* No error message names the request URL, which holds the bot token: aiohttp puts the URL in
  several of its messages, so errors are described from their safe parts and not chained.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput

log = logging.getLogger(__name__)

JSON = "application/json"
POOL_EXHAUSTED = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* "
    "sent to Telegram. Consider adjusting the connection pool size or the pool timeout."
)


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on one aiohttp session, opened by `initialize` in the running loop.

    At most `connection_pool_size` requests are on the wire at once; a request that finds them
    all busy waits up to its pool timeout and then fails with `TimedOut`, unsent.
    """

    __slots__ = (
        "_connect",
        "_media_write",
        "_pool",
        "_pool_size",
        "_read",
        "_session",
        "_wait",
        "_write",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read, self._write, self._connect = read_timeout, write_timeout, connect_timeout
        self._wait, self._media_write = pool_timeout, media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._pool: asyncio.Semaphore | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is not None and not self._session.closed:
            return
        self._pool = asyncio.Semaphore(self._pool_size)
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._pool_size),
            headers={"User-Agent": self.USER_AGENT},
            cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none; skip the jar's work
        )

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is None or session.closed:
            log.debug("this AiohttpRequest is already shut down")
            return
        await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session, pool = self._session, self._pool
        if session is None or pool is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = _chosen(read_timeout, self._read)
        connect = _chosen(connect_timeout, self._connect)
        body: aiohttp.FormData | aiohttp.BytesPayload | None = None
        total = None  # nothing to write: connecting and each read are bounded
        if request_data is not None:
            if request_data.contains_files:
                body = _form(request_data)
                write = _chosen(write_timeout, self._media_write)
            else:
                body = aiohttp.BytesPayload(request_data.json_payload, content_type=JSON)
                write = _chosen(write_timeout, self._write)
            if None not in (connect, write, read):
                total = connect + write + read  # type: ignore[operator]
        timeout = aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)

        if pool.locked():
            try:
                async with asyncio.timeout(_chosen(pool_timeout, self._wait)):
                    await pool.acquire()
            except TimeoutError:
                raise TimedOut(POOL_EXHAUSTED) from None
        else:
            await pool.acquire()
        try:
            async with session.request(method, url, data=body, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError:
            raise TimedOut from None
        except (aiohttp.ClientError, OSError) as error:
            raise NetworkError(_describe(error)) from None
        finally:
            pool.release()


def _chosen(given: ODVInput[float], default: float | None) -> float | None:
    """The caller's timeout if it passed one (None too: no limit), else this request's."""
    return default if given is BaseRequest.DEFAULT_NONE else given  # type: ignore[return-value]


def _form(request_data: RequestData) -> aiohttp.FormData:
    """Parameters as form fields and files as file parts, as httpx sends an upload."""
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form


def _describe(error: BaseException) -> str:
    """The error's class and its safe parts: aiohttp's own texts may contain the URL."""
    name = type(error).__name__
    if isinstance(error, aiohttp.ClientError):
        name = f"aiohttp.{name}"
    if isinstance(error, aiohttp.ClientConnectorError):  # host, port and why: never the URL
        return f"{name}: {error}"
    if isinstance(error, OSError) and error.strerror:
        return f"{name}: {error.strerror}"
    return name
