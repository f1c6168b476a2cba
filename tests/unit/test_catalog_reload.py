"""A reload never serves a library that is empty, half gone, or made of oversized files."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.catalog.live import LiveCatalog
from bot.catalog.loader import load_library
from bot.catalog.yamlsource import MAX_FILE_BYTES


def served(live: LiveCatalog) -> tuple[int, int]:
    return len(live.current.briefs), len(live.current.prayers)


def test_an_empty_library_is_refused_and_the_old_one_kept(content: Path) -> None:
    live = LiveCatalog(content)
    assert live.reload().library is not None
    before = served(live)
    shutil.rmtree(content / "briefs")
    shutil.rmtree(content / "prayers")

    result = live.reload(force=True)  # not even forced: there would be nothing to send

    assert result.library is None
    assert [p.message for p in result.problems] == [
        "no briefs at all: the digest would have nothing to send",
        "no prayers at all: the digest would have nothing to send",
    ]
    assert served(live) == before


def test_a_reload_that_drops_more_than_half_the_briefs_needs_force(content: Path) -> None:
    live = LiveCatalog(content)
    live.reload()
    assert len(live.current.briefs) == 4
    for name in ("round-up-2017.yaml", "2019-06-14-detained-in-china.yml"):
        (content / "briefs" / name).unlink()
    assert len(load_library(content).library.briefs) == 1  # a folder half copied
    refused = live.reload()
    assert refused.library is None and "Send /reload force" in str(refused.problems[0])
    assert live.reload(force=True).library is not None


def test_a_content_file_over_the_size_limit_is_not_parsed(content: Path) -> None:
    big = content / "briefs" / "huge.yaml"
    big.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1), encoding="utf-8")

    result = load_library(content)

    assert result.library is None
    [problem] = result.problems
    assert str(problem).startswith(f"{big}: too large (1.0 MB; at most 1 MB a file")
