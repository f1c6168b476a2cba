"""A worker is proved dead only when its lock file exists and nobody holds its flock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.store.outbox.workers import WorkerLocks

HOLDER = """
import sys, time
from pathlib import Path
from bot.store.outbox.workers import WorkerLocks
locks = WorkerLocks(Path(sys.argv[1]))
assert locks.hold(sys.argv[2])
print("held", flush=True)
time.sleep(60)
"""


def hold_in_child(database: Path, worker: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database), worker], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline() == "held\n"
    return child


def test_a_live_worker_in_another_process_is_not_dead_and_a_killed_one_is(tmp_path: Path):
    database = tmp_path / "bot.sqlite3"
    worker = "host-a:4242:ab12"
    child = hold_in_child(database, worker)
    locks = WorkerLocks(database)
    try:
        assert locks.dead({worker}) == set()
        locks.sweep()  # never deletes a live worker's file
        assert list(locks.folder.iterdir())
    finally:
        child.kill()
        child.wait()
    assert locks.dead({worker}) == {worker}
    assert locks.dead({worker}) == {worker}, "asking does not delete the proof"
    locks.sweep()
    assert list(locks.folder.iterdir()) == []
    assert locks.dead({worker}) == set(), "no file: nothing proves it dead any more"


def test_a_claimer_without_a_lock_file_is_never_called_dead(tmp_path: Path):
    assert WorkerLocks(tmp_path / "bot.sqlite3").dead({"other-host:1:ff"}) == set()


def test_a_worker_never_calls_itself_dead_and_a_clean_stop_leaves_no_file(tmp_path: Path):
    locks = WorkerLocks(tmp_path / "bot.sqlite3")
    assert locks.hold("me:1:aa")
    assert locks.dead({"me:1:aa"}) == set()
    locks.drop("me:1:aa")
    assert list(locks.folder.iterdir()) == []


def test_names_a_path_cannot_hold_become_safe_file_names(tmp_path: Path):
    locks = WorkerLocks(tmp_path / "bot.sqlite3")
    assert locks.hold("../../etc/x:1:aa")
    [path] = locks.folder.iterdir()
    assert path.parent == locks.folder and "/" not in path.name


def test_an_unusable_folder_falls_back_to_the_lease_with_a_warning(tmp_path: Path, caplog):
    (tmp_path / "bot.sqlite3.workers").write_text("a file where the folder should be")
    assert not WorkerLocks(tmp_path / "bot.sqlite3").hold("me:1:aa")
    assert "claim lease" in caplog.text
