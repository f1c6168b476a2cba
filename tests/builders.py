"""Small builders for library entries, so tests state only what matters to them."""

from __future__ import annotations

import random

from bot.catalog.model import Brief, Library, PartialDate, Prayer, SendOn, Topic

TOPICS = (
    Topic("defectors", "Defectors and escape", "People who flee.", ("defector", "escape")),
    Topic("church", "The persecuted church", "Believers in North Korea.", ("christians",)),
    Topic("labour-abroad", "Labour abroad", "Workers sent overseas.", ("labor", "workers")),
)


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * n)


def brief(
    id: str,
    *topics: str,
    title: str | None = None,
    summary: str | None = None,
    send_on: SendOn | None = None,
    year: int = 2019,
    month: int = 6,
) -> Brief:
    return Brief(
        id=id,
        title=title or f"Title of {id}",
        summary=summary or f"Summary of {id}. " + words(40),
        date=PartialDate(year, month),
        topics=topics or ("defectors",),
        sources=("Reuters",),
        send_on=send_on,
    )


def prayer(
    id: str, *topics: str, text: str | None = None, send_on: SendOn | None = None
) -> Prayer:
    return Prayer(
        id=id,
        title=f"Prayer {id}",
        text=text or f"Pray for {id}.",
        topics=topics or ("defectors",),
        send_on=send_on,
    )


def library(briefs: list[Brief] | None = None, prayers: list[Prayer] | None = None) -> Library:
    briefs = (
        briefs
        if briefs is not None
        else [
            brief("b1", "defectors"),
            brief("b2", "church"),
            brief("b3", "labour-abroad"),
            brief("b4", "defectors", "church"),
            brief("b5", "labour-abroad"),
        ]
    )
    prayers = (
        prayers
        if prayers is not None
        else [
            prayer("p1", "defectors"),
            prayer("p2", "church"),
            prayer("p3", "labour-abroad"),
        ]
    )
    return Library(TOPICS, tuple(briefs), tuple(prayers))


SOURCES = ("Reuters", "Open Doors", "LiNK", "Daily NK", "HRW", "NK News")
SLUGS = tuple(t.slug for t in TOPICS)


def generated(size: int, seed: int = 1) -> Library:
    """A library for the rotation's properties and its benchmark: `size` briefs on random
    topics from random sources over ten years, and a prayer point per topic."""
    rng = random.Random(seed)
    briefs = [
        Brief(
            id=f"brief-{n}",
            title=f"Brief {n}",
            summary=f"Summary {n}.",
            date=PartialDate(rng.randint(2015, 2025), rng.randint(1, 12)),
            topics=tuple(rng.sample(SLUGS, rng.choice((1, 1, 2)))),
            sources=(rng.choice(SOURCES),),
        )
        for n in range(size)
    ]
    prayers = [prayer(f"p-{slug}", slug) for slug in SLUGS]
    return Library(TOPICS, tuple(briefs), tuple(prayers))
