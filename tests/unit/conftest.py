"""Fixtures for the unit tests of the content library."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parents[1] / "fixtures" / "content"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the sample library that a test may plant problems in."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    return root
