"""Benchmark: load, validate and query a content library of 10,000 entries.

Writes a synthetic library (20 topics, 7,000 briefs, 3,000 prayer points) to a temporary
folder in the shipped layout - most briefs one per file, some in list files, prayers in one
list file per topic - then times:

* `load_library` (read, compose, validate, build) against two peers run on the same files:
  PyYAML's `yaml.load` with the C safe loader (parsing and constructing, no checks: the floor
  for reading these files at all) and `yaml.compose` with the C loader (what the loader does
  before validating);
* building a `Catalog` (topic names, per-topic lists, the search index);
* `Catalog.topic`, `Catalog.suggest_topics` and `Catalog.search`, one call at a time;
* peak traced memory of loading plus indexing, in a separate pass (tracing slows code down).

Run from the project root:  .venv/bin/python -m bench.catalog  (figures: bench/README.md)
It prints a table and, last, one line of JSON with the same figures.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path

import yaml

from bot.catalog.catalog import Catalog
from bot.catalog.loader import load_library

TOPIC_SLUGS = """defectors labour-abroad border-security trafficking human-rights
persecuted-church remittances diplomacy tourism executions prison-camps food-security sanctions
markets information-access children women health nuclear resettlement"""
DOMAIN_WORDS = """north korea korean pyongyang china russia border defector defectors workers
labour remittance remittances broker church prayer sanctions execution camp prison trafficking
women bride smuggling refugee refugees famine market radio bible police guards river tumen yalu
seoul unification ministry report"""
FILLER_WORDS = "the of and to in a for on that with as by from"
SOURCE_NAMES = """Reuters, AP, Yonhap, Daily NK, NK News, BBC, Human Rights Watch,
Amnesty International, Radio Free Asia, The Guardian"""
TOPICS = tuple(TOPIC_SLUGS.split())
DOMAIN = tuple(DOMAIN_WORDS.split())
FILLER = tuple(FILLER_WORDS.split())
SOURCES = tuple(name.strip() for name in SOURCE_NAMES.split(","))
BRIEFS, PRAYERS, LIST_FILE_BRIEFS, PER_LIST = 7000, 3000, 2000, 50
SEED = 20190614


class Words:
    """A Zipf-distributed vocabulary: a few very common words, a long tail of rare ones."""

    def __init__(self, rng: random.Random) -> None:
        syllables = [c + v for c in "bdghjklmnprstw" for v in ("a", "e", "i", "o", "u", "ae")]
        tail = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(6000)}
        self.words = [*FILLER, *DOMAIN, *sorted(tail)]
        weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self._cumulative = list(accumulate(weights))
        self._rng = rng

    def take(self, count: int) -> list[str]:
        return self._rng.choices(self.words, cum_weights=self._cumulative, k=count)


def write_library(root: Path, rng: random.Random, words: Words) -> list[Path]:
    (root / "briefs" / "roundups").mkdir(parents=True)
    (root / "prayers").mkdir()
    (root / "topics.yaml").write_text(
        "".join(
            f"- slug: {slug}\n  title: {slug.replace('-', ' ').capitalize()}\n"
            f"  description: Everything about {slug.replace('-', ' ')} in North Korea.\n"
            f"  aliases: [{slug}-news, {slug.replace('-', ' ')} updates]\n"
            for slug in TOPICS
        )
    )
    briefs = [_brief(number, rng, words) for number in range(BRIEFS)]
    single = BRIEFS - LIST_FILE_BRIEFS
    for number, text in enumerate(briefs[:single]):
        (root / "briefs" / f"brief-{number:05d}.yaml").write_text(text)
    for start in range(single, BRIEFS, PER_LIST):
        listed = "".join(_as_list_item(text) for text in briefs[start : start + PER_LIST])
        (root / "briefs" / "roundups" / f"roundup-{start:05d}.yaml").write_text(listed)
    per_topic = PRAYERS // len(TOPICS)
    for index, slug in enumerate(TOPICS):
        items = (_prayer(index * per_topic + n, slug, rng, words) for n in range(per_topic))
        (root / "prayers" / f"{slug}.yaml").write_text("".join(map(_as_list_item, items)))
    return sorted(root.rglob("*.yaml"))


def _brief(number: int, rng: random.Random, words: Words) -> str:
    year, month, day = rng.randint(2010, 2024), rng.randint(1, 12), rng.randint(1, 28)
    date = rng.choice([f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"])
    summary = words.take(rng.randint(50, 110))
    lines = [" ".join(summary[i : i + 12]) for i in range(0, len(summary), 12)]
    text = (
        f"id: brief-{number:05d}\n"
        f"title: {' '.join(words.take(rng.randint(5, 10))).capitalize()}\n"
        "summary: >\n" + "".join(f"  {line}\n" for line in lines) + f"date: {date}\n"
        f"topics: [{', '.join(rng.sample(TOPICS, rng.randint(1, 3)))}]\n"
        f"sources: [{', '.join(rng.sample(SOURCES, rng.randint(1, 2)))}]\n"
    )
    if rng.random() < 0.5:
        text += f"link: https://example.org/news/{number}\n"
    if rng.random() < 0.03:
        text += f"send_on: {month:02d}-{day:02d}\n"
    return text


def _prayer(number: int, slug: str, rng: random.Random, words: Words) -> str:
    text = " ".join(words.take(rng.randint(15, 40))).capitalize()
    return (
        f"id: prayer-{number:05d}\ntitle: {' '.join(words.take(3)).capitalize()}\n"
        f"text: {text}.\ntopics: [{slug}]\n"
    )


def _as_list_item(text: str) -> str:
    return "".join(
        ("- " if i == 0 else "  ") + line + "\n" for i, line in enumerate(text.splitlines())
    )


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def latencies_ms(call: Callable[[str], object], inputs: list[str]) -> dict[str, float]:
    samples = []
    for item in inputs:
        start = time.perf_counter_ns()
        call(item)
        samples.append((time.perf_counter_ns() - start) / 1e6)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 4),
        "p99_ms": round(samples[int(len(samples) * 0.99) - 1], 4),
        "max_ms": round(samples[-1], 4),
        "calls": len(samples),
    }


def parse_all(files: list[Path], parse: Callable[[bytes], object]) -> None:
    for path in files:
        parse(path.read_bytes())


def topic_queries(rng: random.Random, count: int) -> list[str]:
    forms = [
        lambda s: s,
        str.upper,
        lambda s: f"  {s.replace('-', ' ').title()} ",
        lambda s: f"{s}-news",
        lambda s: s[:-1] + "x",
    ]
    return [rng.choice(forms)(rng.choice(TOPICS)) for _ in range(count)]


def search_queries(rng: random.Random, words: Words, count: int) -> list[str]:
    queries = []
    for _ in range(count):
        picked = [
            rng.choice(DOMAIN) if rng.random() < 0.5 else words.take(1)[0]
            for _ in range(rng.randint(1, 3))
        ]
        queries.append(" ".join(picked))
    return [*queries, "북한 인권", "탈북자"]


def main() -> None:
    rng = random.Random(SEED)
    words = Words(rng)
    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as folder:
        root = Path(folder) / "content"
        files = write_library(root, rng, words)
        megabytes = sum(path.stat().st_size for path in files) / 1e6
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        safe_load_s, _ = timed(lambda: parse_all(files, lambda b: yaml.load(b, Loader=loader)))
        compose_s, _ = timed(lambda: parse_all(files, lambda b: yaml.compose(b, Loader=loader)))
        runs = [timed(lambda: load_library(root)) for _ in range(3)]
        load_runs = sorted(seconds for seconds, _ in runs)
        result = runs[0][1]
        if result.library is None:
            sys.exit(
                "the generated library has problems:\n" + "\n".join(map(str, result.problems))
            )
        catalog_s, catalog = timed(lambda: Catalog(result.library))
        tracemalloc.start()
        Catalog(load_library(root).library)
        peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    figures = {
        "entries": len(catalog.briefs) + len(catalog.prayers),
        "files": len(files),
        "megabytes": round(megabytes, 2),
        "yaml_loader": loader.__name__,
        "peer_safe_load_s": round(safe_load_s, 3),
        "peer_compose_s": round(compose_s, 3),
        "load_validate_s": round(load_runs[0], 3),
        "load_validate_median_s": round(statistics.median(load_runs), 3),
        "catalog_build_s": round(catalog_s, 3),
        "topic": latencies_ms(catalog.topic, topic_queries(rng, 20000)),
        "suggest_topics": latencies_ms(catalog.suggest_topics, topic_queries(rng, 2000)),
        "search": latencies_ms(catalog.search, search_queries(rng, words, 3000)),
        "traced_peak_mb": round(peak_mb, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    _print_table(figures)
    print(json.dumps(figures))


def _print_table(f: dict) -> None:
    rows = [
        ("library", f"{f['entries']} entries in {f['files']} files, {f['megabytes']} MB"),
        (f"peer: yaml.load ({f['yaml_loader']})", f"{f['peer_safe_load_s']:.3f} s"),
        (f"peer: yaml.compose ({f['yaml_loader']})", f"{f['peer_compose_s']:.3f} s"),
        (
            "load_library (best of 3)",
            f"{f['load_validate_s']:.3f} s (median {f['load_validate_median_s']:.3f} s)",
        ),
        ("Catalog(library)", f"{f['catalog_build_s']:.3f} s"),
        *(
            (
                f"{name} p50 / p99 / max",
                f"{f[name]['p50_ms']:.4f} / {f[name]['p99_ms']:.4f} / "
                f"{f[name]['max_ms']:.4f} ms ({f[name]['calls']} calls)",
            )
            for name in ("topic", "suggest_topics", "search")
        ),
        ("peak traced memory, load + index", f"{f['traced_peak_mb']} MB"),
        ("max RSS of this process", f"{f['max_rss_mb']} MB"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
