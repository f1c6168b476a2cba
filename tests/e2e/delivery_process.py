"""The whole bot as an operator runs it: `python -m bot run` in a subprocess.

`write_config` points `telegram.base_url` at a FakeBotApi served by the test's own event loop
and keeps the database in tmp_path; `BotProcess` starts the bot with the token in its
environment, signals it, waits for it without blocking that loop, and always kills it at the
end. Its output goes to a file, shown when an exit code is not the expected one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.config import TelegramConfig
from tests.e2e.delivery_helpers import CONTENT, REPO
from tests.fakes.telegram_api import FakeBotApi


def free_port() -> int:
    """A port nothing listens on now, for a listener the bot under test opens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(
    tmp_path: Path,
    api: FakeBotApi,
    database: Path | str | None = None,  # a file, or a postgresql:// URL
    sections: dict | None = None,
    **settings: float,
) -> Path:
    """A config file for `briefbot run` against the fake, with a database in tmp_path unless
    given.

    `settings` go to the `telegram` section when they are Telegram's (its sending limits),
    else to `delivery`. `sections` adds whole sections (or Telegram settings of any kind),
    e.g. {"monitoring": {"port": 8790}}. Monitoring is off unless a test asks for it, so
    tests running side by side never compete for its port.
    """
    path = tmp_path / "config.yaml"
    telegram = {k: v for k, v in settings.items() if k in TelegramConfig.model_fields}
    config = {
        "content_dir": str(CONTENT),
        "database": str(database or tmp_path / "bot.sqlite3"),
        "log_level": "INFO",
        "telegram": {"base_url": api.base_url, **telegram},
        "delivery": {k: v for k, v in settings.items() if k not in telegram},
        "monitoring": {"enabled": False},
    }
    for name, section in (sections or {}).items():
        config[name] = {**config.get(name, {}), **section}
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@dataclass
class BotProcess:
    """`python -m bot run` in a subprocess; its output goes to a file the test can show."""

    config: Path
    token: str
    log: Path
    environment: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = field(default=None, init=False)

    def start(self) -> None:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": self.token,
            "PYTHONUNBUFFERED": "1",
            **self.environment,
        }
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--config", str(self.config)],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    async def wait(self, timeout: float) -> int | None:
        """The exit code, or None if still running after `timeout` seconds.

        Polls instead of blocking, because the fake it talks to is served by this event loop.
        """
        assert self.process is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (code := self.process.poll()) is None and loop.time() < deadline:
            await asyncio.sleep(0.02)
        return code

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """Always safe: SIGKILL if still running, and reap."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)
