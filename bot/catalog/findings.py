"""Findings that need an editor's eye: own words against the sources, and identifying details.

Unlike a problem, a finding may be fine once a person has looked: a run shared with a source
may be a report's title, a date beside "escaped" may be public. An editor acknowledges it with a
reason (`briefbot check --acknowledge ID --reason ...`); the acknowledgement stores a fingerprint
of the text it covers in `content/acknowledged.yaml`, so the finding returns once that text
changes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.catalog import details
from bot.catalog.model import Brief, Entry, Library
from bot.catalog.rules import split_sentences

ACK_FILE = "acknowledged.yaml"
RUN_WORDS = 8
SIMILAR_SHARE = 0.6
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class Finding:
    """One thing to look at in one field of one entry."""

    entry: str
    field: str
    check: str
    text: str  # what the finding covers; its fingerprint is what an acknowledgement stores
    message: str

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(f"{self.check}\n{self.text}".encode()).hexdigest()[:16]


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def entry_texts(entry: Entry) -> list[tuple[str, str]]:
    """The fields of an entry that hold prose, by name, its translations' too ("ko.summary"):
    a translation must not bring back what the English left out."""
    if isinstance(entry, Brief):
        english = [
            ("title", entry.title),
            ("summary", entry.summary),
            ("content_note", entry.content_note or ""),
            ("lead", entry.lead or ""),
        ]
    else:
        english = [("title", entry.title or ""), ("text", entry.text), ("act", entry.act or "")]
    translated = [
        (f"{translation.language}.{name}", text)
        for translation in entry.translations
        for name, text in translation.texts
    ]
    return english + translated


class Sources:
    """The source documents an editor worked from, indexed for shared runs and similar shapes."""

    def __init__(self, folder: Path) -> None:
        self.runs: dict[tuple[str, ...], str] = {}
        self.sentences: list[tuple[str, list[str]]] = []
        self._by_word: dict[str, set[int]] = {}
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            text = path.read_text(encoding="utf-8", errors="replace")
            words = _words(text)
            for i in range(len(words) - RUN_WORDS + 1):
                self.runs.setdefault(tuple(words[i : i + RUN_WORDS]), path.name)
            for sentence in split_sentences(text):
                index = len(self.sentences)
                self.sentences.append((path.name, _words(sentence)))
                for word in set(self.sentences[-1][1]):
                    self._by_word.setdefault(word, set()).add(index)

    def findings(self, entry: Entry) -> list[Finding]:
        found: list[Finding] = []
        for name, text in entry_texts(entry):
            found += self._shared_runs(entry.id, name, text)
            found += self._similar_sentences(entry.id, name, text)
        return found

    def _shared_runs(self, entry: str, field: str, text: str) -> list[Finding]:
        words, found, i = _words(text), [], 0
        while i <= len(words) - RUN_WORDS:
            source = self.runs.get(tuple(words[i : i + RUN_WORDS]))
            if source is None:
                i += 1
                continue
            end = i + RUN_WORDS
            while end < len(words) and tuple(words[end - RUN_WORDS + 1 : end + 1]) in self.runs:
                end += 1
            run = " ".join(words[i:end])
            found.append(
                Finding(
                    entry,
                    field,
                    "shared-run",
                    run,
                    f"{field} shares {end - i} words in a row with {source}: '{run}'; "
                    "rewrite it in your own words (a name or title may be acknowledged)",
                )
            )
            i = end
        return found

    def _similar_sentences(self, entry: str, field: str, text: str) -> list[Finding]:
        found = []
        for sentence in split_sentences(text):
            words = _words(sentence)
            if len(words) < RUN_WORDS:
                continue
            counts: dict[int, int] = {}
            for word in set(words):
                for index in self._by_word.get(word, ()):
                    counts[index] = counts.get(index, 0) + 1
            need = SIMILAR_SHARE * len(set(words))
            for index in (i for i, n in counts.items() if n >= need):
                source, theirs = self.sentences[index]
                share = _lcs(words, theirs) / len(words)
                if share >= SIMILAR_SHARE:
                    found.append(
                        Finding(
                            entry,
                            field,
                            "similar-sentence",
                            sentence,
                            f"{field}: the sentence '{sentence[:60]}…' follows a sentence of "
                            f"{source} word for word in order ({share:.0%} of its words); "
                            "rewrite it from notes and reorder the facts",
                        )
                    )
                    break
        return found


def _lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence of two word lists."""
    previous = [0] * (len(b) + 1)
    for word in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if word == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def identifying_details(entry: Entry) -> list[Finding]:
    """Details the content audit found making people at risk identifiable."""
    found = []
    for name, text in entry_texts(entry):
        for sentence in split_sentences(text):
            for check, hit, why in (
                ("age", details.AGE.search(sentence), "a person's age"),
                (
                    "dated-escape",
                    details.DAY.search(sentence) if details.METHOD.search(sentence) else None,
                    "an exact date beside an escape or rescue",
                ),
                (
                    "group-and-place",
                    details.GROUP.search(sentence) if details.PLACE.search(sentence) else None,
                    "a small group's size with a place",
                ),
            ):
                if hit:
                    found.append(
                        Finding(
                            entry.id,
                            name,
                            check,
                            sentence,
                            f"{name} gives {why} ('{hit.group(0)}'): could it identify a "
                            "person at risk? Remove it, or acknowledge it once reviewed",
                        )
                    )
    return found


def read_acknowledged(root: Path) -> dict[tuple[str, str], str]:
    """(entry, fingerprint) → reason, from the content folder's acknowledgements."""
    path = root / ACK_FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {(str(a["entry"]), str(a["fingerprint"])): str(a.get("reason", "")) for a in data}


def acknowledge(root: Path, findings: list[Finding], reason: str) -> int:
    """Record that `findings` were reviewed; returns how many acknowledgements the file holds."""
    known = read_acknowledged(root)
    for finding in findings:
        known[(finding.entry, finding.fingerprint)] = reason
    rows = [{"entry": e, "fingerprint": f, "reason": r} for (e, f), r in sorted(known.items())]
    header = "# Findings an editor reviewed (briefbot check --acknowledge). Do not edit by hand.\n"
    text = header + yaml.safe_dump(rows, sort_keys=False, allow_unicode=True)
    (root / ACK_FILE).write_text(text, encoding="utf-8")
    return len(rows)


def library_findings(library: Library, sources: Sources | None) -> list[Finding]:
    found: list[Finding] = []
    for entry in library.entries:
        found += identifying_details(entry)
        if sources is not None:
            found += sources.findings(entry)
    return found
