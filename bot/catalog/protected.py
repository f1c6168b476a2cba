"""Protected names: people at risk whose names must never appear in the library, in any language.

Editors keep the list in `content/protected-names.yaml`, but the repository is public to
whoever can read it, so the file holds only an HMAC-SHA256 of each normalised name, keyed
with a secret from the environment (`BRIEFBOT_NAMES_KEY`). A public salt would not do: a short
name is found by trying every name in a phone book. Without the key nothing can be checked, and
`check` says so instead of passing silently.

Latin names are matched as whole words or runs of up to four words. Korean attaches particles
to a name (김철수가, 김철수는), so a Hangul name is also found as the start of a word.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

KEY_ENV = "BRIEFBOT_NAMES_KEY"
FILE_NAME = "protected-names.yaml"
MIN_KEY_LENGTH = 16
MAX_WORDS = 4
HANGUL_PREFIXES = range(2, 7)  # syllables: Korean names run 2–4, with room for a title

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HEADER = (
    "# Protected names: keyed hashes (HMAC-SHA256) of names and pseudonyms of people at risk.\n"
    "# Never write a name here by hand: add one with `briefbot protect-name`.\n"
)


def normalise(name: str) -> str:
    """The form a name is hashed in: compatibility-folded, case-folded, single-spaced."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", name).casefold()))


class ProtectedNames:
    """The keyed hashes of the list, and the search for them in a text."""

    def __init__(self, key: str, digests: Iterable[str]) -> None:
        self._mac = hmac.new(key.encode(), digestmod=hashlib.sha256)
        self.digests = frozenset(digests)

    def digest(self, name: str) -> str:
        mac = self._mac.copy()
        mac.update(normalise(name).encode())
        return mac.hexdigest()

    def found_in(self, text: str) -> bool:
        """Whether any protected name occurs in `text`."""
        if not self.digests:
            return False
        return any(self.digest(candidate) in self.digests for candidate in _candidates(text))


def _candidates(text: str) -> Iterator[str]:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    for start in range(len(words)):
        for size in range(1, MAX_WORDS + 1):
            if start + size <= len(words):
                yield " ".join(words[start : start + size])
        if _HANGUL.match(words[start]):
            for length in HANGUL_PREFIXES:
                if length < len(words[start]):
                    yield words[start][:length]


def read_digests(root: Path) -> list[str]:
    """The hashes in the content folder's list; none when there is no list."""
    path = root / FILE_NAME
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(d) for d in data.get("names", [])] if isinstance(data, dict) else []


def add_name(root: Path, key: str, name: str) -> int:
    """Add `name`'s hash to the list (once); returns how many names the list holds."""
    names = ProtectedNames(key, read_digests(root))
    digests = sorted(names.digests | {names.digest(name)})
    body = yaml.safe_dump({"scheme": "hmac-sha256", "names": digests}, sort_keys=False)
    (root / FILE_NAME).write_text(_HEADER + body, encoding="utf-8")
    return len(digests)
