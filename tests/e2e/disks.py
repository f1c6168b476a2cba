"""Small disks for fault tests: a tmpfs mounted for one test, filled to the last byte.

Mounting needs root (CI runs as root); elsewhere the tests that need one are skipped and say
why.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_disk(at: Path, size: str = "16m") -> Iterator[Path]:
    """A tmpfs of `size` mounted at `at` for the block; skips the test where it cannot be."""
    at.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; run the suite as root (CI does)")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(at)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield at
    finally:
        subprocess.run(["umount", "-l", str(at)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the disk has no byte left; deleting it frees the space again."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for size in (2**16, 2**12, 1):  # down to the last bytes below one block
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return filler


def remount_read_only(disk: Path) -> None:
    """Make the mounted `disk` read-only: even root cannot write it then."""
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
