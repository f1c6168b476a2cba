"""Config: every problem at once as `file:line: key: what is wrong`, bounds, moved keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, ConfigError, LogLevel, load_config

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return [line.removeprefix(f"{path}:") for line in caught.value.problems]


def test_no_file_means_the_defaults() -> None:
    config = load_config(None)
    assert config.content_dir == Path.cwd() / "content"  # the defaults, from where it runs
    assert (
        config.model_copy(update={"content_dir": Path("content"), "database": Config().database})
        == Config()
    )
    assert config.briefs_per_digest == 2
    assert config.telegram.global_per_second == 30.0
    assert config.log_level is LogLevel.INFO
    assert config.warnings == ()


def test_the_shipped_example_is_valid_and_says_the_defaults() -> None:
    example = load_config(ROOT / "config.example.yaml")
    defaults = Config()
    for key in ("briefs_per_digest", "delivery_time", "timezone", "archive_after_months"):
        assert getattr(example, key) == getattr(defaults, key), key
    assert example.delivery == defaults.delivery
    assert example.warnings == ()


def test_every_problem_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "timezone: Mars/Olympus\n"
        "briefs_per_digest: 50\n"
        "log_levl: INFO\n"
        "telegram:\n"
        "  operators: me\n"
        "  poll_timeout: eight\n"
        "delivery:\n"
        "  concurrency: 0\n",
    )
    assert found == [
        "1: timezone: I don't know the time zone “Mars/Olympus”. Use a name like Asia/Seoul.",
        "2: briefs_per_digest: must be between 1 and 3, got 50",
        "3: log_levl: unknown setting (did you mean 'log_level'?)",
        "5: telegram.operators: expected a list of whole numbers (for example [12345]), got 'me'",
        "6: telegram.poll_timeout: expected a whole number, got 'eight'",
        "8: delivery.concurrency: must be between 1 and 1,000, got 0",
    ]


def test_a_config_problem_adds_no_false_content_folder_error(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    path = write(tmp_path, "briefs_per_digest: 50\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert len(caught.value.problems) == 1
    assert caught.value.content_dir == tmp_path / "content"


@pytest.mark.parametrize("written", ["7:30", "07:30", '"7:30"', "7:30am"])
def test_an_unquoted_time_is_read_as_the_operator_typed_it(tmp_path: Path, written: str) -> None:
    config = load_config(write(tmp_path, f"delivery_time: {written}\n"))
    assert config.default_time.strftime("%H:%M") == "07:30"


def test_a_bad_time_is_named_as_a_time_not_a_number(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, "delivery_time: 25:00\n")
    assert found.startswith("1: delivery_time: ")
    assert "420" not in found and "1500" not in found


def test_a_key_set_twice_is_refused(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, "briefs_per_digest: 1\nbriefs_per_digest: 2\n")
    assert found == "2: briefs_per_digest: set twice (first on line 1); write it once"


def test_the_old_delivery_keys_still_work_and_say_where_they_moved(tmp_path: Path) -> None:
    path = write(tmp_path, "delivery:\n  global_per_second: 20\n  group_per_minute: 10\n")
    config = load_config(path)
    assert config.telegram.global_per_second == 20.0
    assert config.telegram.group_per_minute == 10
    assert config.warnings == (
        f"{path}:2: delivery.global_per_second has moved to telegram.global_per_second; "
        "it still works in this release",
        f"{path}:3: delivery.group_per_minute has moved to telegram.group_per_minute; "
        "it still works in this release",
    )


def test_an_old_key_beside_its_new_place_is_ignored_with_a_notice(tmp_path: Path) -> None:
    text = "telegram:\n  global_per_second: 25\ndelivery:\n  global_per_second: 5\n"
    path = write(tmp_path, text)
    config = load_config(path)
    assert config.telegram.global_per_second == 25.0
    assert "which is set too, so this one is ignored" in config.warnings[0]


def test_a_wrong_value_under_an_old_key_is_reported_where_it_was_written(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, "delivery:\n  global_per_second: fast\n")
    assert found == "2: delivery.global_per_second: expected a number, got 'fast'"


def test_an_empty_section_means_its_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "telegram:\ndiscord:\n"))
    assert config.telegram == Config().telegram


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "database: db/bot.sqlite3\n"))
    assert config.database == tmp_path / "db" / "bot.sqlite3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n- b\n", "1: the file: expected a mapping of settings, got a list"),
        ("telegram: [1]\n", "1: telegram: expected a mapping of settings, got a list"),
        ("a: [\n", "not valid YAML"),
    ],
)
def test_the_wrong_shape_is_said_plainly(tmp_path: Path, text: str, expected: str) -> None:
    (found,) = problems(tmp_path, text)
    assert expected in found


def test_a_missing_file_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.yaml")
    assert caught.value.problems == [f"{tmp_path / 'nope.yaml'}: no such config file"]


def test_the_token_comes_from_the_environment_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(write(tmp_path, "telegram:\n  token_env: MY_BOT_TOKEN\n"))
    monkeypatch.delenv("MY_BOT_TOKEN", raising=False)
    assert config.telegram.token() is None
    monkeypatch.setenv("MY_BOT_TOKEN", "123:abc")
    assert config.telegram.token() == "123:abc"
    (found,) = problems(tmp_path, "telegram:\n  token: 123:abc\n")
    assert "unknown setting" in found and "123:abc" not in found


def test_a_postgresql_database_is_a_url_and_its_password_stays_out_of_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("database: postgresql://briefbot@db.example.org:5432/briefbot\n")
    assert load_config(path).database == "postgresql://briefbot@db.example.org:5432/briefbot"

    found = problems(tmp_path, "database: postgresql://briefbot:hunter2@db.example.org/briefbot\n")
    assert found == [
        "1: database: leave the password out of the database URL: set it in the environment "
        "variable BRIEFBOT_DATABASE_PASSWORD"
    ]
    assert "hunter2" not in str(found)
