"""Collecting ERROR records from the bot and its chat library during an end-to-end run.

Attached to the named loggers rather than the root, so tests that reconfigure logging (the
real entry points call `setup_logging`) keep it; any error the bot logs can fail the test.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class _Errors(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def watching_errors(*logger_names: str) -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []
    watcher = _Errors(records)
    loggers = [logging.getLogger(name) for name in logger_names]
    for logger in loggers:
        logger.addHandler(watcher)
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(watcher)
