"""Full-text search over entries: a BM25 inverted index built once, so a query stays fast.

Each entry is a set of weighted texts (a title counts more than a body); term frequencies are
summed with those weights and scored with BM25. Every posting's score is computed when the
index is built and kept best first in compact arrays, so a one-word query (the common case in
chat) reads just the head of one list, and a longer one adds up a few lists of numbers.

Words are `\\w+` runs, case-folded, so any script (Korean included) is searchable; English
plurals are folded onto their singular so "remittances" finds "remittance", a word also finds
the longer words it begins (a prefix: "remit", "송금" in "송금액"), and the commonest English
words are not indexed at all.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import filterfalse
from operator import itemgetter
from typing import Generic, TypeVar

E = TypeVar("E")

_WORD = re.compile(r"\w+")
# The commonest English words: in nearly every entry, they rank nothing and cost the most.
_STOPWORD_LIST = """a an and are as at be but by for from had has have he her his in is it its of
on or she that the their they this to was were which will with"""
_STOPWORDS = frozenset(_STOPWORD_LIST.split())
# Korean particles that follow a noun; the word before them is at least two syllables.
_PARTICLE_LIST = "에서 으로 에게 까지 부터 처럼 은 는 이 가 을 를 의 에 로 과 와 도 만"
_K1 = 1.2
_B = 0.75
MIN_PREFIX = 4  # shorter words would find too much as a beginning
MIN_PREFIX_HANGUL = 2  # a Hangul syllable is a whole sound: 송금 is a word, inside 송금액
MAX_FORMS = 12  # longer words a word's beginning stands for, at most
MAX_TRIM = 2  # letters a word may lose to find a shorter one: "russian" finds "russia"
PREFIX_WEIGHT = 0.6


_PARTICLES = sorted(_PARTICLE_LIST.split(), key=len, reverse=True)
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Fold an English plural onto its singular, and take the particle off a Korean word
    (탈북민은 is 탈북민, as a reader types it); other words and scripts are left alone."""
    if not word.isascii():
        if _HANGUL.fullmatch(word):
            for particle in _PARTICLES:
                if word.endswith(particle) and len(word) - len(particle) >= MIN_PREFIX_HANGUL:
                    return word[: -len(particle)]
        return word
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """The searchable words of `text`, in order: case-folded, stemmed, stopwords left out."""
    return list(map(stem, filterfalse(_STOPWORDS.__contains__, _WORD.findall(text.casefold()))))


@dataclass(frozen=True)
class SearchHit(Generic[E]):
    entry: E
    score: float


class _Postings:
    """One word's entries and their BM25 scores, best first (ties in entry order)."""

    __slots__ = ("numbers", "scores")

    def __init__(self, scored: list[tuple[int, float]]) -> None:
        scored.sort(key=itemgetter(1), reverse=True)
        self.numbers = array("l", map(itemgetter(0), scored))
        self.scores = array("d", map(itemgetter(1), scored))

    def __len__(self) -> int:
        return len(self.numbers)


class SearchIndex(Generic[E]):
    """An inverted index over `entries`.

    `texts(entry)` yields (text, weight) pairs; a text of weight 3 counts as if it were written
    three times, which is how a word in a title outranks the same word once in a summary.
    """

    def __init__(self, entries: Sequence[E], texts: Callable[[E], Iterable[tuple[str, int]]]):
        self._entries = tuple(entries)
        found: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths: list[int] = []
        for number, entry in enumerate(self._entries):
            words: list[str] = []
            for text, weight in texts(entry):
                words += terms(text) * weight
            for term, frequency in Counter(words).items():
                found[term].append((number, frequency))
            lengths.append(len(words))
        self._postings = _scored(found, lengths)
        self._vocabulary = sorted(self._postings)

    def search(self, query: str, limit: int = 10) -> list[SearchHit[E]]:
        """The best `limit` entries for any of the query's words, best first. A word also
        finds the words it begins ("remit" finds "remittance") and, less strongly, a
        slightly shorter word it begins with ("Russian" finds "Russia")."""
        lists: dict[str, tuple[_Postings, float]] = {}
        for word in dict.fromkeys(terms(query)):
            for term, weight in self._forms(word):
                if term not in lists or lists[term][1] < weight:
                    lists[term] = (self._postings[term], weight)
        if not lists or limit <= 0:
            return []
        top = _top(list(lists.values()), limit)
        return [SearchHit(self._entries[number], score) for number, score in top]

    def _forms(self, word: str) -> list[tuple[str, float]]:
        """The indexed terms `word` stands for, with how much each counts."""
        forms = [(word, 1.0)] if word in self._postings else []
        shortest = MIN_PREFIX if word.isascii() else MIN_PREFIX_HANGUL
        if len(word) < shortest:
            return forms
        start = bisect.bisect_left(self._vocabulary, word)
        longer = itertools.takewhile(
            lambda term: term.startswith(word), self._vocabulary[start : start + MAX_FORMS + 1]
        )
        forms += [(term, PREFIX_WEIGHT) for term in longer if term != word]
        for cut in range(1, MAX_TRIM + 1):
            shorter = word[:-cut]
            if len(shorter) >= shortest and shorter in self._postings:
                forms.append((shorter, PREFIX_WEIGHT))
        return forms


def _top(lists: list[tuple[_Postings, float]], limit: int) -> list[tuple[int, float]]:
    """The best `limit` (entry number, score) pairs, best first, ties in a fixed order;
    each list's scores count with its weight."""
    if len(lists) == 1 and lists[0][1] == 1.0:
        only = lists[0][0]
        return list(zip(only.numbers[:limit], only.scores[:limit], strict=True))
    scores: dict[int, float] = {}
    get = scores.get
    for postings, weight in sorted(lists, key=lambda item: len(item[0]), reverse=True):
        for number, score in zip(postings.numbers, postings.scores, strict=True):
            scores[number] = get(number, 0.0) + score * weight
    return [
        (number, scores[number])
        for number in heapq.nlargest(limit, scores, key=scores.__getitem__)
    ]


def _scored(found: dict[str, list[tuple[int, int]]], lengths: list[int]) -> dict[str, _Postings]:
    """Turn each term's (entry number, weighted frequency) pairs into BM25 scores."""
    count = len(lengths)
    average = sum(lengths) / count if count else 0.0
    norms = [_K1 * (1 - _B + _B * length / average) if average else _K1 for length in lengths]
    postings = {}
    for term, pairs in found.items():
        idf = math.log(1 + (count - len(pairs) + 0.5) / (len(pairs) + 0.5))
        scored = [(number, idf * tf * (_K1 + 1) / (tf + norms[number])) for number, tf in pairs]
        postings[term] = _Postings(scored)
    return postings
