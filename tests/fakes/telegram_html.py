"""Telegram's HTML parse mode, reproduced so renderer bugs fail in tests as they would live.

Telegram accepts only a handful of tags and rejects anything else with an exact error such as
`Unsupported start tag "br" at byte offset 12`. This module follows tdlib's `parse_html`
(td/telegram/MessageEntity.cpp) step for step: the same tags and attributes, the same tolerant
`&` handling, byte offsets in UTF-8, entity offsets in UTF-16, the same error texts. The Bot
API server prefixes those errors with "Bad Request: can't parse entities: ".
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

Entity = dict[str, Any]

_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins"}
    | {"tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote"}
)
_STYLES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
# tdlib's MessageEntity::get_type_priority: the tie-breaker when entities start and end together.
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}
_NAMED_REFERENCES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_SPACE = frozenset(b" \t\r\n\v\0")  # tdlib's is_space, which counts the terminating NUL
_NAME_TOKEN = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_MARKUP = re.compile(rb"[<&]")
_CONTINUATION = bytes(range(0x80, 0xC0))  # UTF-8 bytes that do not start a character
_ASTRAL_LEAD = bytes(range(0xF0, 0x100))  # first bytes of characters beyond U+FFFF


def _utf16_units(chunk: bytes) -> int:
    """UTF-16 code units of UTF-8 `chunk`: one per character, two beyond U+FFFF. Counted in C
    (a byte loop here cost a benchmark's fake most of its CPU at 1,000 messages a second)."""
    starts = len(chunk.translate(None, _CONTINUATION))
    return starts + len(chunk) - len(chunk.translate(None, _ASTRAL_LEAD))


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message is tdlib's own."""


class _Open(NamedTuple):
    tag: str
    argument: str
    offset: int  # UTF-16 offset in the output text
    out_pos: int  # byte position in the output text


class _Parser:
    def __init__(self, source: str) -> None:
        self.data = source.encode("utf-8")
        self.out = bytearray()
        self.utf16 = 0
        self.entities: list[Entity] = []
        self.open: list[_Open] = []

    def at(self, pos: int) -> int:
        return self.data[pos] if pos < len(self.data) else 0

    def reference(self, pos: int) -> tuple[str, int] | None:
        """Decode `&...;` at pos into (character, end); None leaves the `&` as a literal."""
        end = pos + 1
        if self.at(end) == ord("#"):
            end += 1
            base, digits = (
                (16, b"0123456789abcdefABCDEF")
                if self.at(end) == ord("x")
                else (
                    10,
                    b"0123456789",
                )
            )
            end += base == 16
            start = end
            while self.at(end) and self.at(end) in digits:
                end += 1
            code = int(self.data[start:end], base) if end > start else 0
            if code == 0 or code >= 0x10FFFF or end - pos >= 10:
                return None
            char = chr(code)
        else:
            while chr(self.at(end)).isascii() and chr(self.at(end)).isalpha():
                end += 1
            named = _NAMED_REFERENCES.get(bytes(self.data[pos + 1 : end]))
            if named is None:
                return None
            char = named
        return char, end + (self.at(end) == ord(";"))

    def run(self) -> tuple[str, list[Entity]]:
        pos = 0
        while pos < len(self.data):
            byte = self.data[pos]
            if byte == ord("&") and (decoded := self.reference(pos)):
                char, pos = decoded
                self.utf16 += 2 if ord(char) > 0xFFFF else 1
                self.out += char.encode("utf-8", "surrogatepass")
            elif byte != ord("<"):  # text up to the next tag or reference, as it is
                found = _MARKUP.search(self.data, pos + 1)
                end = found.start() if found else len(self.data)
                chunk = self.data[pos:end]
                self.utf16 += _utf16_units(chunk)
                self.out += chunk
                pos = end
            elif self.at(pos + 1) == ord("/"):
                pos = self.end_tag(pos)
            else:
                pos = self.start_tag(pos)
        if self.open:
            raise EntityParseError(
                f"Can't find end tag corresponding to start tag {self.open[-1].tag}"
            )
        try:
            text = self.out.decode("utf-8")
        except UnicodeDecodeError:
            raise EntityParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            ) from None
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"], _PRIORITY[e["type"]]))
        return text, self.entities

    def start_tag(self, begin: int) -> int:
        pos = begin + 1
        while self.at(pos) not in _SPACE and self.at(pos) != ord(">"):
            pos += 1
        if self.at(pos) == 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        tag = self.data[begin + 1 : pos].decode("utf-8", "replace").lower()
        if tag not in _TAGS:
            raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument = ""
        while self.at(pos) != ord(">"):
            while self.at(pos) and self.at(pos) in _SPACE:
                pos += 1
            if self.at(pos) == ord(">"):
                break
            name_start = pos
            while self.at(pos) not in _SPACE and self.at(pos) not in b"=>":
                pos += 1
            name = bytes(self.data[name_start:pos])
            if not name:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                )
            while self.at(pos) and self.at(pos) in _SPACE:
                pos += 1
            if self.at(pos) != ord("="):
                if tag == "blockquote" and name == b"expandable":
                    argument = "expandable"
                    continue
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {begin}'
                )
            value, pos = self.attribute_value(tag, begin, pos + 1)
            argument = _tag_argument(tag, name, value) or argument
        if tag == "span" and argument != "spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
            )
        self.open.append(_Open(tag, argument, self.utf16, len(self.out)))
        return pos + 1

    def attribute_value(self, tag: str, begin: int, pos: int) -> tuple[str, int]:
        while self.at(pos) and self.at(pos) in _SPACE:
            pos += 1
        if self.at(pos) == 0:
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        quote = self.at(pos)
        if quote not in b"'\"":
            token_start = pos
            while self.at(pos) in _NAME_TOKEN:
                pos += 1
            if self.at(pos) not in _SPACE and self.at(pos) != ord(">"):
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {token_start}"
                )
            value = self.data[token_start:pos].decode("utf-8", "replace").lower()
        else:
            pos += 1
            chars = bytearray()
            while self.at(pos) != quote and self.at(pos):
                if self.at(pos) == ord("&") and (decoded := self.reference(pos)):
                    char, pos = decoded
                    chars += char.encode("utf-8", "surrogatepass")
                else:
                    chars.append(self.at(pos))
                    pos += 1
            pos += self.at(pos) == quote
            value = chars.decode("utf-8", "replace")
        if self.at(pos) == 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        return value, pos

    def end_tag(self, begin: int) -> int:
        if not self.open:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        pos = begin + 2
        while self.at(pos) not in _SPACE and self.at(pos) != ord(">"):
            pos += 1
        name = self.data[begin + 2 : pos].decode("utf-8", "replace").lower()
        while self.at(pos) and self.at(pos) in _SPACE:
            pos += 1
        if self.at(pos) != ord(">"):
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        opened = self.open[-1]
        if name and name != opened.tag:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{opened.tag}>", '
                f'found "</{name}>"'
            )
        if self.utf16 > opened.offset:
            self.close(opened)
        self.open.pop()
        return pos + 1

    def close(self, opened: _Open) -> None:
        span = {"offset": opened.offset, "length": self.utf16 - opened.offset}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and all(last[key] == span[key] for key in span)
        if opened.tag in _STYLES:
            self.entities.append({"type": _STYLES[opened.tag], **span})
        elif opened.tag == "blockquote":
            kind = "expandable_blockquote" if opened.argument else "blockquote"
            self.entities.append({"type": kind, **span})
        elif opened.tag == "tg-emoji":
            if not opened.argument.isdigit() or int(opened.argument) == 0:
                raise EntityParseError("Invalid custom emoji identifier specified")
            self.entities.append(
                {"type": "custom_emoji", **span, "custom_emoji_id": opened.argument}
            )
        elif opened.tag == "a":
            url = opened.argument or self.out[opened.out_pos :].decode("utf-8", "replace")
            url = url.strip()
            if url:
                url = url if _HAS_SCHEME.match(url) else f"http://{url}"
                self.entities.append({"type": "text_link", **span, "url": url})
        elif opened.tag == "pre":
            if same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                self.entities.append({"type": "pre", **span})
        elif same_span and last["type"] == "pre" and opened.argument:  # <code> inside <pre>
            last["language"] = opened.argument
        else:
            code = {"type": "code", **span}
            self.entities.append(
                {**code, "language": opened.argument} if opened.argument else code
            )


def _tag_argument(tag: str, name: bytes, value: str) -> str | None:
    if tag == "a" and name == b"href":
        return value
    if tag == "code" and name == b"class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and name == b"class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and name == b"emoji-id":
        return value
    return None


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Split Telegram HTML into the visible text and its entities, or raise EntityParseError."""
    return _Parser(source).run()
