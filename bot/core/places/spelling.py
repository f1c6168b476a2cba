"""One way to compare what readers type with the names of places."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Case and accents folded, runs of spaces, "_" and "-" made one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.split(r"[\s_\-]+", plain.strip()))
