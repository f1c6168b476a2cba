"""Benchmark: load, validate and query a bilingual content library of 10,000 entries.

Writes a synthetic library (20 topics, 7,000 briefs, 3,000 prayer points, every one with its
Korean text under `ko:` as the shipped library has) to a temporary folder in the shipped
layout - most briefs one per file, some in list files, prayers in one list file per topic -
then times:

* loading as the bot does (`bootstrap.load_content`: read, compose, validate with every check
  that runs at load, the translations' fingerprints and figures, each entry's rendered size in
  both languages and the protected names included, build) against two peers run on the same
  files:
  PyYAML's `yaml.load` with the C safe loader (parsing and constructing, no checks: the floor
  for reading these files at all) and `yaml.compose` with the C loader (what the loader does
  before validating);
* building a `Catalog` (topic names, per-topic lists, the search index);
* `Catalog.topic`, `Catalog.suggest_topics` and `Catalog.search`, one call at a time, the
  search in English and in Korean (Hangul words and parts of compounds: 송금 in 송금액);
* peak traced memory of loading plus indexing, in a separate pass (tracing slows code down).

Run from the project root:  .venv/bin/python -m bench.catalog  (figures: bench/README.md)
It prints a table and, last, one line of JSON with the same figures.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from itertools import accumulate
from pathlib import Path

import yaml

from bot.bootstrap import load_content
from bot.catalog import bulk
from bot.catalog.catalog import Catalog
from bot.catalog.protected import KEY_ENV, add_name
from bot.catalog.translations import fingerprint

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
KOREAN_WORDS = """북한 탈북민 탈북자 국경 중국 러시아 노동자 송금 송금액 브로커 교회 기도 제재 처형
수용소 인신매매 여성 신부 밀수 난민 식량 장마당 라디오 성경 경찰 경비대 두만강 압록강 서울 통일부
보고서 인권 가족 은신처 강제송환 해외파견 외화벌이 감시 카메라 철조망 영양실조 구호 선교사"""
PARTICLES = "은 는 이 가 을 를 의 에서 으로 과 와 도"
KOREAN_ENDINGS = ("", "", *PARTICLES.split())  # a bare word twice as often as any particle
FILLER_KOREAN = "그리고 그러나 또한 이 그 여러 많은 함께 다시 아직 이미 매우"
KOREAN_FILLER = tuple(FILLER_KOREAN.split())
NAMES_KEY = "bench-key-0123456789abcdef"
PROTECTED = ("Kim Min-ji", "Pak Song-il", "Ri Hyang")  # invented: the check runs, finds none
LATIN_SYLLABLES = [c + v for c in "bdghjklmnprstw" for v in ("a", "e", "i", "o", "u", "ae")]
HANGUL_SYLLABLES = list("가나다라마바사아자차카타파하거너더러머버서어저처고노도로모보소오조초")
TOPICS = tuple(TOPIC_SLUGS.split())
KOREAN = tuple(KOREAN_WORDS.split())
DOMAIN = tuple(DOMAIN_WORDS.split())
FILLER = tuple(FILLER_WORDS.split())
SOURCES = tuple(name.strip() for name in SOURCE_NAMES.split(","))
BRIEFS, PRAYERS, LIST_FILE_BRIEFS, PER_LIST = 7000, 3000, 2000, 50
SEED = 20190614


class Words:
    """A Zipf-distributed vocabulary: a few very common words, a long tail of rare ones.

    Korean words come with the particle that follows them in running text (탈북민은,
    송금액을), so a search must find a word inside a longer one."""

    def __init__(
        self,
        rng: random.Random,
        common: tuple[str, ...] = (*FILLER, *DOMAIN),
        syllables: Sequence[str] = LATIN_SYLLABLES,
        longest: int = 4,
        rare: int = 6000,
        endings: tuple[str, ...] = (),
    ) -> None:
        tail = {"".join(rng.choices(syllables, k=rng.randint(2, longest))) for _ in range(rare)}
        self.words = [*common, *sorted(tail)]
        weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self._cumulative = list(accumulate(weights))
        self._endings = endings
        self._rng = rng

    def take(self, count: int) -> list[str]:
        chosen = self._rng.choices(self.words, cum_weights=self._cumulative, k=count)
        if not self._endings:
            return chosen
        return [word + self._rng.choice(self._endings) for word in chosen]


def korean_words(rng: random.Random) -> Words:
    return Words(rng, (*KOREAN_FILLER, *KOREAN), HANGUL_SYLLABLES, 3, 4000, KOREAN_ENDINGS)


def korean_block(indent: str, fields: dict[str, str], english: list[str]) -> str:
    """The `ko:` mapping of one entry, with the fingerprint of the English it renders."""
    lines = [f"{indent}ko:\n"]
    for name, text in fields.items():
        lines.append(f"{indent}  {name}: {text}\n")
    lines.append(f"{indent}  english: {fingerprint(*english)}\n")
    return "".join(lines)


def write_library(root: Path, rng: random.Random, words: Words, korean: Words) -> list[Path]:
    (root / "briefs" / "roundups").mkdir(parents=True)
    (root / "prayers").mkdir()
    (root / "topics.yaml").write_text("".join(_topic(slug, korean) for slug in TOPICS))
    for name in PROTECTED:
        add_name(root, NAMES_KEY, name)
    briefs = [_brief(number, rng, words, korean) for number in range(BRIEFS)]
    single = BRIEFS - LIST_FILE_BRIEFS
    for number, text in enumerate(briefs[:single]):
        (root / "briefs" / f"brief-{number:05d}.yaml").write_text(text)
    for start in range(single, BRIEFS, PER_LIST):
        listed = "".join(_as_list_item(text) for text in briefs[start : start + PER_LIST])
        (root / "briefs" / "roundups" / f"roundup-{start:05d}.yaml").write_text(listed)
    per_topic = PRAYERS // len(TOPICS)
    for index, slug in enumerate(TOPICS):
        items = (
            _prayer(index * per_topic + n, slug, rng, words, korean) for n in range(per_topic)
        )
        (root / "prayers" / f"{slug}.yaml").write_text("".join(map(_as_list_item, items)))
    return sorted(root.rglob("*.yaml"))


def _topic(slug: str, korean: Words) -> str:
    title = slug.replace("-", " ").capitalize()
    description = f"Everything about {slug.replace('-', ' ')} in North Korea."
    ko = {"title": " ".join(korean.take(2)), "description": " ".join(korean.take(8)) + "."}
    return (
        f"- slug: {slug}\n  title: {title}\n  description: {description}\n"
        f"  aliases: [{slug}-news, {slug.replace('-', ' ')} updates]\n"
        + korean_block("  ", ko, [title, description])
    )


def _brief(number: int, rng: random.Random, words: Words, korean: Words) -> str:
    year, month, day = rng.randint(2010, 2024), rng.randint(1, 12), rng.randint(1, 28)
    date = rng.choice([f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"])
    summary = words.take(rng.randint(50, 110))
    figure = f"{rng.randint(2, 90_000):,}"
    if rng.random() < 0.5:  # half the briefs carry a year and a figure, as real ones do
        summary += ["in", str(year), "about", figure, "people"]
    lines = [" ".join(summary[i : i + 12]) for i in range(0, len(summary), 12)]
    title = " ".join(words.take(rng.randint(5, 10))).capitalize()
    text = (
        f"id: brief-{number:05d}\n"
        f"title: {title}\n"
        "summary: >\n" + "".join(f"  {line}\n" for line in lines) + f"date: {date}\n"
        f"topics: [{', '.join(rng.sample(TOPICS, rng.randint(1, 3)))}]\n"
        f"sources: [{', '.join(rng.sample(SOURCES, rng.randint(1, 2)))}]\n"
    )
    if rng.random() < 0.5:
        text += f"link: https://example.org/news/{number}\n"
    if rng.random() < 0.03:
        text += f"send_on: {month:02d}-{day:02d}\n"
    ko_summary = korean.take(rng.randint(40, 90))
    if str(year) in summary:
        ko_summary += [f"{year}년에", f"약 {figure}명이"]
    ko = {
        "title": " ".join(korean.take(rng.randint(4, 8))),
        "summary": " ".join(ko_summary) + ".",
    }
    return text + korean_block("", ko, [title, " ".join(summary)])


def _prayer(number: int, slug: str, rng: random.Random, words: Words, korean: Words) -> str:
    title = " ".join(words.take(3)).capitalize()
    text = " ".join(words.take(rng.randint(15, 40))).capitalize() + "."
    ko = {"title": " ".join(korean.take(3)), "text": " ".join(korean.take(rng.randint(12, 30)))}
    return f"id: prayer-{number:05d}\ntitle: {title}\ntext: {text}\ntopics: [{slug}]\n" + (
        korean_block("", ko, [title, text])
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


def search_queries(
    rng: random.Random,
    words: Words,
    count: int,
    domain: tuple[str, ...] = DOMAIN,
    share: float = 0.5,
) -> list[str]:
    """1-3 words as readers type them, `share` of them North Korea words; in Korean, words
    with or without a particle."""
    queries = []
    for _ in range(count):
        picked = [
            rng.choice(domain) if rng.random() < share else words.take(1)[0]
            for _ in range(rng.randint(1, 3))
        ]
        queries.append(" ".join(picked))
    return queries


def korean_queries(rng: random.Random, korean: Words, count: int) -> list[str]:
    """Korean queries, and parts of compounds (송금 finds 송금액)."""
    return [*search_queries(rng, korean, count, KOREAN, 0.6), "송금", "탈북", "북한 인권"]


def main() -> None:
    rng = random.Random(SEED)
    words, korean = Words(rng), korean_words(rng)
    os.environ[KEY_ENV] = NAMES_KEY  # the protected-names check runs, as in production
    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as folder:
        root = Path(folder) / "content"
        files = write_library(root, rng, words, korean)
        megabytes = sum(path.stat().st_size for path in files) / 1e6
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        safe_load_s, _ = timed(lambda: parse_all(files, lambda b: yaml.load(b, Loader=loader)))
        compose_s, _ = timed(lambda: parse_all(files, lambda b: yaml.compose(b, Loader=loader)))
        load_runs, result = [], None
        for _ in range(5):  # each load replaces the last, as a reload does in the bot
            result = None
            seconds, result = timed(lambda: load_content(root))
            load_runs.append(seconds)
        print("load_content runs (s):", " ".join(f"{s:.3f}" for s in load_runs), flush=True)
        load_runs.sort()
        os.environ.pop(KEY_ENV)
        unkeyed = sorted(timed(lambda: load_content(root))[0] for _ in range(5))
        os.environ[KEY_ENV] = NAMES_KEY
        bulk.SPREAD_FROM, spread_from = 10**9, bulk.SPREAD_FROM  # as a reload in the bot reads
        one_process = sorted(timed(lambda: load_content(root))[0] for _ in range(3))
        bulk.SPREAD_FROM = spread_from
        if result.library is None:
            sys.exit(
                "the generated library has problems:\n" + "\n".join(map(str, result.problems))
            )
        translated = sum(1 for entry in result.library.entries if entry.translations)
        stale = [w for w in result.warnings if "Korean" in w.message]
        if translated != BRIEFS + PRAYERS or stale:
            sys.exit(f"the Korean texts are not all current: {stale[:3]}")
        catalog_s, catalog = timed(lambda: Catalog(result.library))
        tracemalloc.start()
        Catalog(load_content(root).library)
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
        "load_validate_without_names_key_s": round(unkeyed[0], 3),
        "load_validate_one_process_s": round(one_process[0], 3),
        "cores_used": bulk._workers(len(files)),
        "catalog_build_s": round(catalog_s, 3),
        "topic": latencies_ms(catalog.topic, topic_queries(rng, 20000)),
        "suggest_topics": latencies_ms(catalog.suggest_topics, topic_queries(rng, 2000)),
        "search": latencies_ms(catalog.search, search_queries(rng, words, 3000)),
        "search_korean": latencies_ms(catalog.search, korean_queries(rng, korean, 3000)),
        "translated_entries": translated,
        "traced_peak_mb": round(peak_mb, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    _print_table(figures)
    print(json.dumps(figures))


def _print_table(f: dict) -> None:
    rows = [
        (
            "library",
            f"{f['entries']} entries ({f['translated_entries']} with Korean) in {f['files']} "
            f"files, {f['megabytes']} MB",
        ),
        (f"peer: yaml.load ({f['yaml_loader']})", f"{f['peer_safe_load_s']:.3f} s"),
        (f"peer: yaml.compose ({f['yaml_loader']})", f"{f['peer_compose_s']:.3f} s"),
        (
            "load_content (best of 5)",
            f"{f['load_validate_s']:.3f} s (median {f['load_validate_median_s']:.3f} s)",
        ),
        ("load_content, no names key", f"{f['load_validate_without_names_key_s']:.3f} s"),
        ("load_content, in one process", f"{f['load_validate_one_process_s']:.3f} s"),
        ("cores the load used", str(f["cores_used"])),
        ("Catalog(library)", f"{f['catalog_build_s']:.3f} s"),
        *(
            (
                f"{name} p50 / p99 / max",
                f"{f[name]['p50_ms']:.4f} / {f[name]['p99_ms']:.4f} / "
                f"{f[name]['max_ms']:.4f} ms ({f[name]['calls']} calls)",
            )
            for name in ("topic", "suggest_topics", "search", "search_korean")
        ),
        ("peak traced memory, load + index", f"{f['traced_peak_mb']} MB"),
        ("max RSS of this process", f"{f['max_rss_mb']} MB"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
