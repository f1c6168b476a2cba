"""A problem found in the content library, located by file and line.

Editors are not Python developers: every problem must point at the exact place to fix, in the
`path:line: message` form their editors and terminals already understand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file; line 0 means the file as a whole (e.g. it is missing)."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}"
