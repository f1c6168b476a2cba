"""The secret "I prayed" hashes people with: from the environment, else a file of its own."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.bootstrap import PRAYER_KEY_ENV, prayer_key
from bot.core.people import person_of


def test_without_the_variable_a_private_key_file_is_made_once_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PRAYER_KEY_ENV, raising=False)
    database = tmp_path / "bot.sqlite3"
    first, again = prayer_key(database), prayer_key(database)
    key_file = tmp_path / "bot.sqlite3.prayer-key"
    assert first == again and len(first) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_variable_wins_and_no_file_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PRAYER_KEY_ENV, "a deployment's own secret")
    assert prayer_key(tmp_path / "bot.sqlite3") == b"a deployment's own secret"
    assert list(tmp_path.iterdir()) == []


def test_a_person_is_a_keyed_hash_not_their_id() -> None:
    alice = person_of(b"k" * 32, "telegram", "1001")
    assert alice == person_of(b"k" * 32, "telegram", "1001")
    assert alice != person_of(b"j" * 32, "telegram", "1001")  # another key, another hash
    assert alice != person_of(b"k" * 32, "discord", "1001")
    assert "1001" not in alice and len(alice) == 16
    assert person_of(b"k" * 32, "telegram", None) == ""
