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
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import yaml

KEY_ENV = "BRIEFBOT_NAMES_KEY"
FILE_NAME = "protected-names.yaml"
MIN_KEY_LENGTH = 16
MAX_WORDS = 4
HANGUL_PREFIXES = range(2, 7)  # syllables: Korean names run 2–4, with room for a title
TAG_HEX = 5  # a first word's tag: 20 bits, so a chance match with a name is rare

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
    """The keyed hashes of the list, and the search for them in a text.

    Hashing every run of up to four words of a 10,000-entry library costs millions of HMACs.
    The list therefore also keeps a short keyed tag (20 bits) of each name's first word: a
    word is tagged once per load, and only a run whose first word carries a listed tag is
    hashed in full. The tags tell a reader of the repository no more than the hashes do, save
    that two names may share a first word. A list written before the tags existed is searched
    run by run, as before.
    """

    def __init__(self, key: str, digests: Iterable[str], first_words: Iterable[str] = ()) -> None:
        self._key = key.encode()
        self._mac = hmac.new(self._key, digestmod=hashlib.sha256)
        self.digests = frozenset(digests)
        self.first_words = frozenset(first_words)
        self._read: set[str] = set()  # pieces of text (between spaces) already read
        self._starting: set[str] = set()  # those holding a word a listed name may begin with
        self._tagged: dict[str, bool] = {}  # by a word's start: is its tag listed?
        self._listed: set[str] = set()  # the starts whose tag is listed

    def digest(self, name: str) -> str:
        mac = self._mac.copy()
        mac.update(normalise(name).encode())
        return mac.hexdigest()

    def first_word_tag(self, word: str) -> str:
        """The tag of the word a name begins with, as normalised: 5 hex digits of a keyed
        hash of the word's start (`_start`)."""
        message = b"first-word:" + _start(word).encode()
        return hmac.digest(self._key, message, "sha256").hex()[:TAG_HEX]

    def found_in_each(self, texts: Sequence[str]) -> list[int]:
        """The positions of the texts that hold a protected name. The whole library is split
        into pieces at once, so when no word of it could begin a listed name (the usual
        case) no text is read word by word."""
        if not self.digests:
            return []
        folded = [unicodedata.normalize("NFKC", text).casefold() for text in texts]
        chosen: Iterable[int] = range(len(folded))
        if self.first_words:
            if not self._may_name(folded):
                return []
            starting = tuple(self._starting)  # few: a substring test in C finds their texts
            chosen = [i for i, text in enumerate(folded) if any(p in text for p in starting)]
        return [index for index in chosen if self._names_in(folded[index])]

    def _names_in(self, folded: str) -> bool:
        """Whether the text holds a listed name, hashing only runs that may begin one."""
        words = _WORD.findall(folded)
        starts: Iterable[int] = range(len(words))
        if self.first_words:
            starts = [i for i, word in enumerate(words) if self._starts_name(word)]
        return any(
            self.digest(candidate) in self.digests
            for start in starts
            for candidate in _candidates(words, start)
        )

    def _may_name(self, texts: Iterable[str]) -> bool:
        """Whether a listed name could begin anywhere in the texts: a word carries a
        listed tag. Texts are split at spaces in C and each distinct piece is read into words
        once per load; comprehensions and set operations do the rest, so a library where no
        word could begin a listed name costs little more than reading it."""
        pieces: set[str] = set()
        for text in texts:  # one text at a time: the pieces of a whole library are many
            pieces.update(text.split())
        new = pieces - self._read
        self._read |= new
        words = {p: (p,) if p.isalpha() else tuple(_WORD.findall(p)) for p in new}
        unseen = {_start(w) for found in words.values() for w in found} - self._tagged.keys()
        self._tagged.update((s, self.first_word_tag(s) in self.first_words) for s in unseen)
        self._listed.update(s for s in unseen if self._tagged[s])
        if self._listed:
            self._starting.update(
                p for p, found in words.items() if any(_start(w) in self._listed for w in found)
            )
        return not self._starting.isdisjoint(pieces)

    def _starts_name(self, word: str) -> bool:
        return _start(word) in self._listed


def _candidates(words: list[str], start: int) -> Iterator[str]:
    """The runs of words beginning at `start` that could be a name, as they are hashed."""
    for size in range(1, MAX_WORDS + 1):
        if start + size <= len(words):
            yield " ".join(words[start : start + size])
    if _HANGUL.match(words[start]):
        yield from _hangul_prefixes(words[start])


def _start(word: str) -> str:
    """What a first word's tag is taken of: the word, or in Hangul its first two syllables
    (a particle may follow a name: 김미숙은 begins as 김미숙 does)."""
    return word[:2] if _HANGUL.match(word) else word


def _hangul_prefixes(word: str) -> Iterator[str]:
    return (word[:length] for length in HANGUL_PREFIXES if length < len(word))


def read_digests(root: Path) -> tuple[list[str], list[str]]:
    """The hashes in the content folder's list and the tags of their first words; none when
    there is no list."""
    path = root / FILE_NAME
    if not path.is_file():
        return [], []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        return [], []
    return [str(d) for d in data.get("names", [])], [str(t) for t in data.get("first_words", [])]


def add_name(root: Path, key: str, name: str) -> int:
    """Add `name`'s hash, and its first word's tag, to the list (once); returns how many names
    the list holds. A list that has names but no tags keeps none: it is searched in full."""
    digests, tags = read_digests(root)
    names = ProtectedNames(key, digests, tags)
    first_word = normalise(name).split(" ")[0]
    if tags or not digests:
        tags = sorted(set(tags) | {names.first_word_tag(first_word)})
    digests = sorted(names.digests | {names.digest(name)})
    listed = {"scheme": "hmac-sha256", "names": digests, "first_words": tags}
    body = yaml.safe_dump({k: v for k, v in listed.items() if v}, sort_keys=False)
    (root / FILE_NAME).write_text(_HEADER + body, encoding="utf-8")
    return len(digests)
