"""The sender lock beside the database: one holder at a time, free again once released."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import StoreError
from bot.store.sender_lock import SenderLock


def test_one_holder_at_a_time_and_free_again_once_released(tmp_path: Path) -> None:
    first, second = SenderLock(tmp_path / "bot.sqlite3"), SenderLock(tmp_path / "bot.sqlite3")
    assert first.try_acquire() and first.held
    assert not second.try_acquire() and not second.held
    assert first.try_acquire()  # holding it already
    first.release()
    assert second.try_acquire()
    second.release()


def test_a_folder_it_cannot_use_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"Cannot create the sender lock .*: No such file"):
        SenderLock(tmp_path / "missing" / "bot.sqlite3").try_acquire()
