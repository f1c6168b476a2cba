"""How well the rotation keeps its promise, beside the rule it replaced, in one run.

Readers join on each of `--joins` consecutive days and receive `--days` digests each, from
the shipped library and from generated ones of several sizes. For each library and rule the
figures are: `shared_first`, how often two readers who joined on different days read the same
first brief while neither had read it (goal: at least 0.9); `first_repeat` beside
`earliest_possible` (briefs / briefs per day: no rule can go longer); and how often
neighbouring days share a topic or a source.

The peer is the rule before this one ("one step a day"): the library starts one brief further
along each day and each chat takes the first briefs from there that it has not read. It
moves one brief a day while a digest takes two, which is why readers drifted apart.

    .venv/bin/python -m bench.rotation
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from bench._common import emit, load_average
from bot.catalog.loader import load_library
from bot.catalog.model import Library
from bot.core.digest import Digest
from bot.core.rotation_figures import figures, follow_readers
from tests.builders import generated

CONTENT = Path(__file__).parents[1] / "content"
START = date(2026, 12, 1)


def one_step(
    library: Library,
    day: date,
    *,
    received: Mapping[str, date] | None = None,
    follows: Iterable[str] = (),
    max_briefs: int = 2,
) -> Digest:
    """The former rule, briefs only (the figures look at nothing else)."""
    seen = received or {}
    undated = [b for b in library.briefs if b.send_on is None]
    start = day.toordinal() % len(undated)
    rotation = undated[start:] + undated[:start]
    ranked = sorted(
        enumerate(rotation),
        key=lambda item: (item[1].id in seen, seen.get(item[1].id, date.min), item[0]),
    )
    return Digest(day, tuple(b for _, b in ranked[:max_briefs]), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--joins", type=int, default=60)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--sizes", default="20,101,400")
    args = parser.parse_args()

    shipped = load_library(CONTENT).library
    assert shipped is not None, "the shipped content does not load: run briefbot check"
    libraries = {"shipped": shipped} | {
        f"generated-{n}": generated(int(n)) for n in args.sizes.split(",")
    }
    found: dict[str, object] = {"joins": args.joins, "days": args.days}
    began = time.perf_counter()
    for name, library in libraries.items():
        for rule_name, rule in (("rotation", None), ("peer_one_step", one_step)):
            readers = (
                follow_readers(library, START, args.joins, args.days)
                if rule is None
                else follow_readers(library, START, args.joins, args.days, rule=rule)
            )
            found[f"{name}.{rule_name}"] = figures(readers, library).as_dict()
            print(name, rule_name, found[f"{name}.{rule_name}"], flush=True)
    found["seconds"] = round(time.perf_counter() - began, 1)
    found["load_average"] = load_average()
    emit(found)


if __name__ == "__main__":
    main()
