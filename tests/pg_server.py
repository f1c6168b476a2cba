"""A real PostgreSQL server for the tests, started once per test run on 127.0.0.1.

The server binaries are the distribution's (`pg_config --bindir`, else the newest
/usr/lib/postgresql/*/bin). PostgreSQL refuses to run as root, and CI runs as root: then the
server runs as the `postgres` system user, in a temporary folder that user owns. Each test
gets a database of its own (`fresh_database`), dropped afterwards.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ADMIN = "postgres"


@dataclass(frozen=True)
class PgServer:
    port: int
    folder: Path
    bindir: Path
    options: str  # the server's command-line settings (pg_ctl -o)

    def url(self, database: str) -> str:
        return f"postgresql://{ADMIN}@127.0.0.1:{self.port}/{database}"

    def restart(self) -> None:
        """Stop the server as a crash or a failover would (every session cut at once), and
        start it again on the same port and data."""
        data = str(self.folder / "data")
        pg_ctl, log = str(self.bindir / "pg_ctl"), str(self.folder / "server.log")
        _as_owner([pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"])
        _as_owner([pg_ctl, "-D", data, "-l", log, "-o", self.options, "-w", "start"])

    def psql(self, sql: str) -> None:
        _as_owner(
            [
                str(self.bindir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                ADMIN,
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-qc",
                sql,
            ]
        )


def bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    return Path(versions[-1]) if versions else None


def _as_owner(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["su", ADMIN, "-s", "/bin/sh", "-c", " ".join(_quoted(command))]
    subprocess.run(command, check=True, capture_output=True, text=True)


def _quoted(command: list[str]) -> list[str]:
    return ["'" + part.replace("'", "'\\''") + "'" for part in command]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def started() -> Iterator[PgServer]:
    """Initialise, start, yield, and stop a server in a temporary folder."""
    binaries = bindir()
    if binaries is None:
        raise RuntimeError("no PostgreSQL server binaries (install the postgresql package)")
    folder = Path(tempfile.mkdtemp(prefix="briefbot-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, ADMIN)
    data, port = folder / "data", _free_port()
    _as_owner(
        [
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            ADMIN,
            "-E",
            "UTF8",
            "--no-locale",
        ]
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=on"
    _as_owner(
        [
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "server.log"),
            "-w",
            "start",
        ]
    )
    try:
        yield PgServer(port, folder, binaries, options)
    finally:
        _as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


_numbers = itertools.count(1)


def fresh_database(server: PgServer) -> Iterator[str]:
    name = f"test_{os.getpid()}_{next(_numbers)}"
    server.psql(f"CREATE DATABASE {name}")
    try:
        yield server.url(name)
    finally:
        server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
