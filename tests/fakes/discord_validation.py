"""Discord's request validation, as far as a bot's renderer can get it wrong.

Discord rejects over-long content, oversized embeds, malformed components and invalid command
definitions with 400 "Invalid Form Body" (code 50035) and a nested `errors` tree, and an empty
message with code 50006. The fake enforces the same limits so that tests of briefbot's Discord
renderer fail the way production would, instead of passing against a lenient server.
"""

from __future__ import annotations

import re
from typing import Any

_EMBED_LIMITS = {"title": 256, "description": 4096}
_FIELD_LIMITS = {"name": 256, "value": 1024}
COMPONENTS_V2_FLAG = 1 << 15
_COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


class FormErrors:
    """Collects field errors into Discord's nested `errors` shape."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: tuple[str | int, ...], value: Any, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def body(self) -> dict[str, Any] | None:
        if not self.tree:
            return None
        return {"message": "Invalid Form Body", "code": 50035, "errors": self.tree}


def _embed_text_size(embed: dict[str, Any]) -> int:
    fields = embed.get("fields") or []
    parts = [embed.get("title"), embed.get("description"), (embed.get("footer") or {}).get("text"),
             (embed.get("author") or {}).get("name")]
    parts += [f.get(k) for f in fields for k in ("name", "value")]
    return sum(len(p) for p in parts if isinstance(p, str))


def _check_embeds(errors: FormErrors, embeds: list[dict[str, Any]]) -> None:
    if len(embeds) > 10:
        errors.add(("embeds",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    for i, embed in enumerate(embeds):
        for key, limit in _EMBED_LIMITS.items():
            errors.max_length(("embeds", i, key), embed.get(key), limit)
        errors.max_length(("embeds", i, "footer", "text"), (embed.get("footer") or {}).get("text"),
                          2048)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.add(("embeds", i, "fields"), "BASE_TYPE_MAX_LENGTH",
                       "Must be 25 or fewer in length.")
        for j, fld in enumerate(fields):
            for key, limit in _FIELD_LIMITS.items():
                errors.max_length(("embeds", i, "fields", j, key), fld.get(key), limit)
    if sum(_embed_text_size(e) for e in embeds) > 6000:
        errors.add(("embeds",), "MAX_EMBED_SIZE_EXCEEDED",
                   "Embed size exceeds maximum size of 6000")


def _check_components(errors: FormErrors, rows: list[dict[str, Any]]) -> None:
    if len(rows) > 5:
        errors.add(("components",), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for i, row in enumerate(rows):
        items = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(items) <= 5:
            errors.add(("components", i), "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                       "An action row must hold 1 to 5 components.")
        for j, item in enumerate(items):
            path = ("components", i, "components", j)
            errors.max_length((*path, "custom_id"), item.get("custom_id"), 100)
            errors.max_length((*path, "label"), item.get("label"), 80)
            needed = {5: "url", 6: "sku_id"}.get(item.get("style", 0), "custom_id")
            if item.get("type") == 2 and needed not in item:
                errors.add(path, "BUTTON_COMPONENT_INVALID", f"This button needs a {needed}.")


def check_message(body: dict[str, Any], *, edit: bool = False) -> dict[str, Any] | None:
    """The 400 body Discord would answer for this message create/edit, or None when valid."""
    errors = FormErrors()
    errors.max_length(("content",), body.get("content"), 2000)
    _check_embeds(errors, body.get("embeds") or [])
    layout_v2 = int(body.get("flags") or 0) & COMPONENTS_V2_FLAG
    if not layout_v2:  # v2 layouts nest containers and sections; only classic rows are checked
        _check_components(errors, body.get("components") or [])
    if (invalid := errors.body()) is not None:
        return invalid
    shown = ("content", "embeds", "sticker_ids", "attachments", "poll")
    if not edit and not any(body.get(k) for k in shown) and not (
        layout_v2 and body.get("components")
    ):
        return {"message": "Cannot send an empty message", "code": 50006}
    return None


def check_edit(message: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | None:
    """The 400 body Discord would answer for this edit of `message`, or None when valid: the
    fields sent are checked as a send's are, and the message they leave must not be empty."""
    if (invalid := check_message(body, edit=True)) is not None:
        return invalid
    kept = {key: message.get(key) for key in ("content", "embeds", "components", "flags")}
    after = kept | {key: value for key, value in body.items() if key in kept}
    return check_message(after)


def check_commands(commands: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The 400 body for an invalid bulk overwrite of application commands, or None."""
    errors = FormErrors()
    if len(commands) > 100:
        errors.add((), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    for i, command in enumerate(commands):
        name = command.get("name", "")
        chat_input = command.get("type", 1) == 1
        if not _COMMAND_NAME.match(name) or (chat_input and name != name.lower()):
            errors.add((i, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if chat_input and not 1 <= len(command.get("description", "")) <= 100:
            errors.add((i, "description"), "BASE_TYPE_BAD_LENGTH",
                       "Must be between 1 and 100 in length.")
        if len(command.get("options") or []) > 25:
            errors.add((i, "options"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    return errors.body()
