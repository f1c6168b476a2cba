"""`briefbot`: the one command operators use — run, try, check, preview, list, count, correct.

Every subcommand ends with an exit code and a message a non-developer can act on:
0 all good, 1 something in the content, config or environment needs fixing, 2 a mistyped
command line (argparse's own convention).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bot.config import Config, ConfigError, load_config
from bot.core.languages import LANGUAGES
from bot.core.messages import use_locale
from bot.logs import setup_logging
from bot.store import location

DEFAULT_CONFIG = Path("config.yaml")


def _read_config(args: argparse.Namespace) -> Config:
    """The config named on the command line, else ./config.yaml if present, else defaults."""
    path = args.config or (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    config = load_config(path)
    if getattr(args, "content", None):
        config = config.model_copy(update={"content_dir": args.content})
    return config


def _config(args: argparse.Namespace) -> Config:
    """`_read_config`, telling the operator on stderr what the file should change."""
    config = _read_config(args)
    for line in config.warnings:
        print(f"warning: {line}", file=sys.stderr)
    return config


def cmd_check(args: argparse.Namespace) -> int:
    """Validate config and content; list every problem, then what should change."""
    from bot.bootstrap import load_content
    from bot.cli_views import counted

    problems: list[str] = []
    warnings: list[str] = []
    briefs_per_digest = Config().briefs_per_digest
    try:
        config = _read_config(args)
        content_dir: Path | None = config.content_dir
        warnings += config.warnings
        briefs_per_digest = config.briefs_per_digest
    except ConfigError as error:
        problems += error.problems
        # Check the content where the file puts it; never guess a folder it did not mean.
        content_dir = args.content or error.content_dir
    result = load_content(content_dir) if content_dir else None
    if result is not None:
        problems += [str(p) for p in result.problems]
        warnings += [str(w) for w in result.warnings]
    for line in problems:
        print(line)
    for line in warnings:
        print(f"warning: {line}")
    if result is not None and result.library is not None and content_dir is not None:
        from bot.cli_views import report_findings, report_longevity

        if args.acknowledge and not args.reason:
            print("--acknowledge needs --reason: say why the finding is fine, e.g. 'a title'.")
            return 2
        ack = (args.acknowledge, args.reason) if args.acknowledge else None
        findings = report_findings(result, content_dir, args.sources, ack)
        report_longevity(result.library, briefs_per_digest)
        for line in findings:
            print(line)
        problems += findings
    if problems:
        found = counted(len(problems), "problem")
        print(f"\n{found} found. Fix them and run `briefbot check` again.")
        return 1
    library = result.library if result else None
    assert library is not None
    print(
        f"OK: {counted(len(library.topics), 'topic')}, {counted(len(library.briefs), 'brief')}, "
        f"{counted(len(library.prayers), 'prayer point')} in {content_dir}; config is valid."
    )
    return 0


def cmd_protect_name(args: argparse.Namespace) -> int:
    """Add a person's name to the protected list, stored only as a keyed hash."""
    from bot.cli_views import protect_name

    return protect_name(args.content or _config(args).content_dir)


PREVIEW_FORMATS = ("console", "telegram", "discord")
CONSOLE_DATABASE = "console.sqlite3"  # `briefbot console`'s own, beside the configured one


def cmd_preview(args: argparse.Namespace) -> int:
    """Print the digest a new subscriber would get on a date, or follow one for days."""
    from bot.cli_views import preview

    config = _config(args)
    with use_locale(args.language or config.language):
        return preview(config, args.date, args.topics, args.as_platform, args.days)


def cmd_topics(args: argparse.Namespace) -> int:
    """List topics with their aliases and how much the library holds on each."""
    from bot.cli_views import topics_table

    config = _config(args)
    with use_locale(args.language or config.language):
        return topics_table(config)


def cmd_stats(args: argparse.Namespace) -> int:
    from bot.cli_views import stats

    config = _config(args)
    with use_locale(args.language or config.language):
        return asyncio.run(stats(config))


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the database consistently, even while the bot runs."""
    from bot.cli_database import backup

    return backup(_config(args), args.file)


def cmd_copy(args: argparse.Namespace) -> int:
    """Copy the SQLite database to a PostgreSQL server, the bot stopped."""
    from bot.cli_database import copy_database

    return copy_database(_config(args), args.url)


def cmd_correct(args: argparse.Namespace) -> int:
    """Queue a correction (or withdrawal) of an entry in every copy sent, and follow it."""
    from bot.cli_corrections import correct

    action = "withdraw" if args.command == "withdraw" else "correct"
    remove = getattr(args, "delete", False)
    return asyncio.run(correct(_config(args), args.entry, action, remove, args.yes, args.wait))


def cmd_console(args: argparse.Namespace) -> int:
    from bot.runner import run_console

    config = _config(args)
    if not args.production_database:
        # A sandbox: trying the bot must not subscribe a console chat in real figures.
        beside = location.sqlite_file(config.database) or Path("data") / "console.sqlite3"
        config = config.model_copy(update={"database": beside.with_name(CONSOLE_DATABASE)})
    setup_logging("WARNING")
    return asyncio.run(run_console(config, operator=args.operator, language=args.language))


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import run_bot

    config = _config(args)
    return asyncio.run(run_bot(config))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY-MM-DD") from None


def _positive(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 366:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of days from 1 to 366")
    return int(text)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="briefbot",
        description="A daily brief and prayer point about North Korea, for Telegram and Discord.",
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, handler: Callable[[argparse.Namespace], int], help_: str, content: bool = False
    ):
        command = sub.add_parser(name, help=help_, description=help_)
        command.add_argument(
            "--config", type=Path, help="config file (default: ./config.yaml if present)"
        )
        if content:
            command.add_argument(
                "--content", type=Path, help="content folder (overrides the config)"
            )
        command.set_defaults(handler=handler)
        return command

    add("run", cmd_run, "run the bot on the platforms the config enables (needs a token)")
    console = add(
        "console", cmd_console, "try the bot in this terminal, with no token and no network"
    )
    console.add_argument(
        "--production-database",
        action="store_true",
        help="use the config's database (default: console.sqlite3 beside it, a sandbox)",
    )
    console.add_argument(
        "--operator", action="store_true", help="be an operator (/stats, /reload, /broadcast)"
    )
    console.add_argument(
        "--language",
        choices=sorted(LANGUAGES),
        help="the language the bot speaks to you (default: the chat's, else the config's)",
    )
    check = add("check", cmd_check, "validate the config and the content library", content=True)
    check.add_argument(
        "--sources",
        type=Path,
        help="folder of the plain-text source documents: report text shared with them",
    )
    check.add_argument(
        "--acknowledge", metavar="ENTRY_ID", help="mark this entry's current findings reviewed"
    )
    check.add_argument("--reason", help="why the acknowledged findings are fine")
    preview = add("preview", cmd_preview, "print the digest a new subscriber gets on a date", True)
    preview.add_argument("--date", type=_date, default=None, help="YYYY-MM-DD (default: today)")
    preview.add_argument("--topics", default="", help="followed topics, comma-separated")
    preview.add_argument(
        "--days",
        type=_positive,
        default=1,
        help="follow one subscriber who joins on --date for this many days, a line per brief",
    )
    preview.add_argument(
        "--as",
        dest="as_platform",
        choices=PREVIEW_FORMATS,
        default="console",
        help="show it as the console prints it (default), as Telegram HTML or as Discord embeds",
    )
    add(
        "protect-name",
        cmd_protect_name,
        "add a name that must never appear in the library (asked for, never on the command line)",
        content=True,
    )
    topics = add("topics", cmd_topics, "list topics, their aliases and entry counts", content=True)
    stats = add("stats", cmd_stats, "show subscribers, deliveries and prayers")
    for view in (preview, topics, stats):
        view.add_argument(
            "--language",
            choices=sorted(LANGUAGES),
            help="show it in this language (default: the config's)",
        )
    correct = add("correct", cmd_correct, "edit every sent copy of an entry the editors fixed")
    withdraw = add("withdraw", cmd_correct, "replace every sent copy of an entry with a notice")
    withdraw.add_argument(
        "--delete", action="store_true", help="delete the messages where the platform allows"
    )
    for change in (correct, withdraw):
        change.add_argument("entry", help="the entry's id")
        change.add_argument("--yes", action="store_true", help="queue it without asking")
        change.add_argument(
            "--no-wait", dest="wait", action="store_false", help="queue it and return at once"
        )
    backup = add("backup", cmd_backup, "copy the database consistently, even while the bot runs")
    backup.add_argument("file", type=Path, help="the new file to write (never overwritten)")
    copy = add("copy-database", cmd_copy, "copy the SQLite database to an empty PostgreSQL one")
    copy.add_argument("url", help="postgresql://user@host:port/database (password from env)")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except ConfigError as error:
        print("The configuration has problems:", file=sys.stderr)
        for line in error.problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `briefbot preview | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
