"""The import rule between the layers, checked on every module so it cannot regress.

The domain imports nothing of ours; the catalog and the store import the domain; the core
imports the domain, the catalog and the reply model; render imports the reply model; delivery
imports the domain, the catalog, the reply model and its own ports; adapters import the core,
render, the catalog, the domain and the delivery ports, outcomes and pacer (never the engine:
the pacer is the platform's budget, which their answers to readers share); monitoring imports
the domain, the catalog and the delivery ports (it wraps senders, never the engine); entry
points (cli, bootstrap, runner, platforms, config, logs) import anything. Imports inside
functions and `TYPE_CHECKING` blocks count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).parents[2] / "bot"
ENTRY = "entry"
ALLOWED: dict[str, set[str]] = {
    "domain": {"domain"},
    "catalog": {"domain", "catalog"},
    "store": {"domain", "store"},
    "reply": {"reply"},
    "render": {"reply", "render"},
    "core": {"domain", "catalog", "reply", "core"},
    "delivery-ports": {"domain", "reply", "delivery-ports"},
    "delivery": {"domain", "catalog", "reply", "delivery-ports", "delivery"},
    "adapters": {"core", "render", "catalog", "domain", "reply", "delivery-ports", "adapters"},
    "monitoring": {"domain", "catalog", "reply", "delivery-ports", "monitoring"},
}


def layer_of(module: str) -> str:
    """The layer a module `bot.x.y` belongs to."""
    if module == "bot.core.reply":
        return "reply"
    if module in (
        "bot.delivery.ports",
        "bot.delivery.outcomes",
        "bot.delivery.pacer",
        "bot.delivery.shared_turns",  # where the pacer takes its turns from
    ):
        return "delivery-ports"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else ENTRY


def _is_module(name: str) -> bool:
    path = BOT.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported(source: str, module: str) -> list[tuple[int, str]]:
    """Every `bot.*` module the source imports, with its line, relative imports resolved;
    `from bot.delivery import outcomes` imports the module `bot.delivery.outcomes`."""
    found = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("bot.")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            if not base.startswith("bot"):
                continue
            for alias in node.names:
                name = f"{base}.{alias.name}"
                found.append((node.lineno, name if _is_module(name) else base))
    return found


def violations(source: str, module: str, path: str) -> list[str]:
    mine = layer_of(module)
    if mine == ENTRY:
        return []
    return [
        f"{path}:{line}: {module} ({mine}) must not import {target} ({layer_of(target)})"
        for line, target in imported(source, module)
        if layer_of(target) not in ALLOWED[mine]
    ]


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_module_imports_only_what_its_layer_allows() -> None:
    found = []
    for path in sorted(BOT.rglob("*.py")):
        found += violations(path.read_text(), module_name(path), str(path.relative_to(BOT.parent)))
    assert found == []


def test_a_planted_import_from_the_domain_to_the_store_is_caught() -> None:
    planted = "from bot.store.chats import deactivate\n"
    assert violations(planted, "bot.domain.schedule", "bot/domain/schedule.py") == [
        "bot/domain/schedule.py:1: bot.domain.schedule (domain) must not import "
        "bot.store.chats (store)"
    ]


def test_an_import_hidden_in_a_function_is_caught_too() -> None:
    planted = "def f():\n    from bot.delivery.engine import DeliveryEngine\n"
    assert violations(planted, "bot.adapters.console", "bot/adapters/console.py") != []
