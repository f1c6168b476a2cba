"""When a brief is old news: the archive rule, kept apart so every view applies the same one.

Half the library is years old, and readers must know that before they read a brief, not from
a small date line after it. A brief is archive material on a day when the earliest day its
date allows ("2019" means 1 January 2019) lies more than `months` calendar months before it.
"""

from __future__ import annotations

import calendar
from datetime import date

from bot.catalog.model import Brief

DEFAULT_MONTHS = 12


def months_after(day: date, months: int) -> date:
    """`day` moved on by whole calendar months, clamped to the month's last day (31 Jan + 1 →
    28 or 29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_archive(brief: Brief, shown_on: date, months: int = DEFAULT_MONTHS) -> bool:
    """True when `brief` is older than `months` on `shown_on`; an undated brief never is (it
    gets its own label instead)."""
    if brief.date is None:
        return False
    return months_after(brief.date.earliest, months) < shown_on
