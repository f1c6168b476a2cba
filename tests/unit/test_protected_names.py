"""Protected names: never in the library, never readable in the repository.

The list is a file of keyed hashes, so a reader of the repository learns nothing from it; with
the key, `check` and a reload refuse any entry that names a protected person, in Latin script or
in Hangul with a particle attached; without the key, `check` says nothing was checked.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.bootstrap import load_content
from bot.catalog.live import LiveCatalog
from bot.catalog.loader import load_library
from bot.catalog.protected import FILE_NAME, KEY_ENV, ProtectedNames, add_name
from bot.cli import main
from tests.unit.test_catalog_loader import brief, reported, write

KEY = "a-long-shared-editors-secret"
WORDS = " word" * 45


def test_the_list_holds_no_protected_name_in_readable_form(content: Path) -> None:
    add_name(content, KEY, "Kim Mi-sook")
    add_name(content, KEY, "김미숙")
    stored = (content / FILE_NAME).read_text(encoding="utf-8").casefold()
    for part in ("kim", "mi-sook", "misook", "sook", "김미숙", "미숙"):
        assert part not in stored
    assert len(ProtectedNames(KEY, []).digest("Kim Mi-sook")) == 64


def test_a_protected_name_in_a_summary_is_reported_at_its_line(content: Path) -> None:
    add_name(content, KEY, "Kim  MI-SOOK")  # normalised: case and spacing do not matter
    write(content, "briefs/bad.yaml", brief(summary=f"Kim Mi-sook fled in winter.{WORDS}"))
    assert reported(load_library(content, names_key=KEY), content) == [
        "briefs/bad.yaml:3: 'summary' contains a name on the protected list (a person at "
        "risk); remove it or write 'a defector', 'one woman' instead"
    ]


def test_a_hangul_name_is_found_with_a_particle_attached(content: Path) -> None:
    add_name(content, KEY, "김미숙")
    write(content, "briefs/bad.yaml", brief(title="김미숙은 중국에서 붙잡혔다"))
    (problem,) = reported(load_library(content, names_key=KEY), content)
    assert problem.startswith("briefs/bad.yaml:2: 'title' contains a name on the protected list")


def test_a_protected_name_in_a_translation_is_refused_too(content: Path) -> None:
    add_name(content, KEY, "김미숙")
    korean = "ko:\n  title: 붙잡힌 사람\n  summary: 김미숙은 중국에서 붙잡혔다.\n"
    write(content, "briefs/bad.yaml", brief() + korean)
    (problem,) = reported(load_library(content, names_key=KEY), content)
    assert "'ko' contains a name on the protected list" in problem


def test_a_clean_library_with_a_list_passes(content: Path) -> None:
    add_name(content, KEY, "Kim Mi-sook")
    assert load_library(content, names_key=KEY).library is not None


def test_without_the_key_check_says_protected_names_were_not_checked(
    content: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_name(content, KEY, "Kim Mi-sook")
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert main(["check", "--content", str(content)]) == 0
    out = capsys.readouterr().out
    assert "protected names were NOT checked: names are listed but" in out


def test_a_reload_refuses_a_library_that_names_a_protected_person(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    live = LiveCatalog(content, load=load_content)
    assert live.reload().library is not None
    add_name(content, KEY, "Kim Mi-sook")
    write(content, "briefs/bad.yaml", brief(summary=f"Kim Mi-sook fled in winter.{WORDS}"))
    assert live.reload().library is None
    assert "bad" not in {b.id for b in live.current.briefs}


def test_protect_name_reads_the_name_from_standard_input_not_the_command_line(
    content: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.setattr("sys.stdin", io.StringIO("Kim Mi-sook\n"))
    assert main(["protect-name", "--content", str(content)]) == 0
    assert "Kim" not in capsys.readouterr().out
    write(content, "briefs/bad.yaml", brief(summary=f"Kim Mi-sook fled.{WORDS}"))
    assert load_library(content, names_key=KEY).library is None


def test_protect_name_without_a_key_says_how_to_set_one(
    content: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert main(["protect-name", "--content", str(content)]) == 1
    assert f"Set {KEY_ENV} to the editors' shared secret" in capsys.readouterr().out
    assert not (content / FILE_NAME).exists()


def test_a_list_written_before_first_word_tags_is_still_searched_in_full(content: Path) -> None:
    """Only names whose first word carries a listed tag are hashed in full; a list without the
    tags (an older file) must not be skipped for lack of them."""
    add_name(content, KEY, "Kim Mi-sook")
    path = content / FILE_NAME
    listed = path.read_text(encoding="utf-8")
    assert "first_words:" in listed
    path.write_text(listed.split("first_words:")[0], encoding="utf-8")
    write(content, "briefs/bad.yaml", brief(summary=f"They said Kim Mi-sook fled.{WORDS}"))
    (problem,) = reported(load_library(content, names_key=KEY), content)
    assert "contains a name on the protected list" in problem
    add_name(content, KEY, "Pak Chol")  # adding to such a list adds no tag it would rely on
    assert "first_words" not in path.read_text(encoding="utf-8")
    assert reported(load_library(content, names_key=KEY), content) == [problem]
