"""The editors' guide rules that a program can check on one piece of text.

`content/README.md` promises plain text (the bot formats it for each platform, and markup or a
web address typed into a summary would reach readers as literal noise), prayers of one to three
sentences, and Scripture as a reference only. Each check returns the sentence an editor reads,
or None when the text keeps the rule.
"""

from __future__ import annotations

import re

from bot.catalog.scripture import book_problem

_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>")
_MD_LINK = re.compile(r"\[[^\]]+\]\([^)]+\)")
_MD_EMPHASIS = re.compile(r"(\*\*?|__?)[^\s*_][^*_]*?\1")
_MD_HEADING = re.compile(r"(^|\n)\s*#{1,6}\s")
_URL = re.compile(r"\b(https?://|www\.)\S+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9가-힣])")
_ABBREVIATIONS = re.compile(r"\b(Mr|Mrs|Ms|Dr|St|Rev|No|vs|etc|e\.g|i\.e|U\.S|U\.N|Jr|Sr)\.\s")
_VERSE = re.compile(
    r"(?:[1-3] )?[A-Z][a-z]+(?: (?:of )?[A-Z][a-z]+)* \d{1,3}"
    r"(?::\d{1,3}(?:[-–]\d{1,3})?(?:, ?\d{1,3}(?:[-–]\d{1,3})?)*)?"
)
_MARKUP_SIGNS = ("<", "[", "*", "_", "#", "://")  # one is in every match of the patterns above
MAX_PRAYER_SENTENCES = 3
MAX_BRIEF_TOPICS = 3
MAX_NOTE_WORDS = 12
MAX_ACT_WORDS = 45


def plain_text_problem(text: str) -> str | None:
    """Markup or a web address in text that must be plain."""
    if not any(sign in text for sign in _MARKUP_SIGNS) and "www." not in text.lower():
        return None  # most text: none of the characters markup needs, checked in C
    if _URL.search(text):
        return "contains a web address; put it in the brief's 'link' field instead"
    for pattern, what in (
        (_HTML, "an HTML tag"),
        (_MD_LINK, "a Markdown link"),
        (_MD_EMPHASIS, "Markdown emphasis (*stars* or _underscores_)"),
        (_MD_HEADING, "a Markdown heading (#)"),
    ):
        match = pattern.search(text)
        if match:
            return (
                f"contains {what} ('{match.group(0).strip()[:30]}'); write plain text, "
                "the bot formats it for each platform"
            )
    return None


def split_sentences(text: str) -> list[str]:
    """Sentences as a reader sees them: "Dr. Kim" or "e.g. this" do not end one."""
    text = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", ""), " ".join(text.split()))
    return [s for s in _SENTENCE_END.split(text) if s] if text else []


def sentence_count(text: str) -> int:
    return len(split_sentences(text))


def verse_problem(text: str) -> str | None:
    """A Scripture field holds a reference ("Psalm 146:7"), never the verse's words."""
    if _VERSE.fullmatch(text):
        return book_problem(text)
    return (
        f"verse '{text[:40]}' is not a Scripture reference; write only the reference, "
        "e.g. Psalm 146:7 or 1 John 3:17-18, never the verse's text"
    )


def word_limit_problem(name: str, text: str, limit: int) -> str | None:
    count = len(text.split())
    return None if count <= limit else f"{name} has {count} words; keep it to {limit} or fewer"
