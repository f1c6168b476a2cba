"""The deployment recipes in deploy/: linted by the tools their platforms use, and kept in step
with the code (the health check's port is the monitoring default, the image's paths exist).

The linters come from the test extras (hadolint's PyPI wheel) or the system (systemd-analyze);
where one cannot be had the test skips and says so. No Docker daemon runs on the CI machines,
so the image itself is not built here: `.ci/run` builds it only where `docker info` answers.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.config import load_config
from bot.config.model import MonitoringConfig

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCKERFILE = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def tool(name: str) -> str:
    """The tool beside this Python (the venv's bin) or on PATH, else skip saying why."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed here; it checks deploy/ where it is")
    return found


def test_the_dockerfile_passes_hadolint() -> None:
    linted = subprocess.run(
        [tool("hadolint"), "--failure-threshold", "info", str(DEPLOY / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    """Verified as installed by the README's steps: a root holding the system's own units,
    the unit file as shipped, and the virtual environment's `briefbot` it starts. The tool
    exits 0 even for an unknown key, so any word on stderr fails the test too."""
    analyze = tool("systemd-analyze")
    units = Path("/usr/lib/systemd/system")
    if not units.is_dir():
        pytest.skip("this machine has no systemd units to verify against")
    shutil.copytree(units, tmp_path / "usr/lib/systemd/system", symlinks=True)
    (tmp_path / "etc/systemd/system").mkdir(parents=True)
    shutil.copy(DEPLOY / "briefbot.service", tmp_path / "etc/systemd/system")
    executable = tmp_path / "opt/briefbot/.venv/bin/briefbot"
    executable.parent.mkdir(parents=True)
    executable.write_text("#!/bin/sh\n", encoding="utf-8")
    executable.chmod(0o755)
    verified = subprocess.run(
        [analyze, "verify", f"--root={tmp_path}", "briefbot.service"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr


def test_the_unit_is_hardened_and_reads_the_token_from_an_environment_file() -> None:
    unit = (DEPLOY / "briefbot.service").read_text(encoding="utf-8")
    for line in (
        "User=briefbot",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "EnvironmentFile=/etc/briefbot/briefbot.env",
        "StateDirectory=briefbot",
    ):
        assert f"\n{line}\n" in unit, line
    assert "TOKEN=" not in unit.replace("# TELEGRAM_BOT_TOKEN=...", "").replace(
        "DISCORD_BOT_TOKEN=...", ""
    )


def test_the_image_health_check_asks_the_monitoring_default() -> None:
    port = MonitoringConfig().port
    assert re.search(rf"HEALTHCHECK .*\n?.*http://127\.0\.0\.1:{port}/healthz", DOCKERFILE)
    assert re.search(r"^USER \d+:\d+$", DOCKERFILE, re.MULTILINE)  # never root
    assert 'VOLUME ["/app/data"]' in DOCKERFILE


def test_the_image_layout_runs_with_the_shipped_config(tmp_path: Path) -> None:
    """What the Dockerfile copies to /app is a valid installation: the example config, used
    as is, finds its content and puts the database under /app/data, on the volume."""
    app = tmp_path / "app"
    for source, target in re.findall(r"^COPY (\S+) \./(\S*)$", DOCKERFILE, re.MULTILINE):
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, app / target)
        else:
            app.mkdir(exist_ok=True)
            shutil.copy(ROOT / source, app / target)
    config = load_config(app / "config.yaml")
    assert config.content_dir == app / "content" and config.content_dir.is_dir()
    assert config.database.parent == app / "data"


def test_compose_keeps_the_database_on_a_volume_and_no_token_in_the_file() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["briefbot"]
    assert "briefbot-data:/app/data" in service["volumes"]
    assert "briefbot-data" in compose["volumes"]
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert service["read_only"] is True
    assert service["environment"]["TELEGRAM_BOT_TOKEN"].startswith("${TELEGRAM_BOT_TOKEN:?")


def test_the_build_context_keeps_what_the_dockerfile_copies() -> None:
    kept = {
        line.removeprefix("!").rstrip("/")
        for line in (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    }
    copied = {source for source in re.findall(r"^COPY (?!--)(.+) \S+$", DOCKERFILE, re.M)}
    assert {name for sources in copied for name in sources.split()} <= kept
