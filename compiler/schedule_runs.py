"""How often an EventBridge schedule expression fires: runs in batchgen's month of 30 days.

    runs_per_month("cron(0 2 * * ? *)")   -> 30.0
    runs_per_month("rate(6 hours)")       -> 120.0
    runs_per_month("cron(0 9 1 * ? *)")   -> 0.9856...   (12 a year; a 30-day month holds 0.99 of them)

The month is 30 days (the seed's "x 30" for a nightly job, and a round figure a reviewer can
check by hand). A cron expression is counted over whole years: with year `*`, the 400 years
2000-2399, one full cycle of the Gregorian calendar, so weekdays, month lengths and leap days
come out exactly; with given years, over those years (its runs per month while it runs). The
average runs per day, times 30, is the answer. The grammar is EventBridge's six fields
(minutes hours day-of-month month day-of-week year; `L`, `W`, `#` as the EventBridge User
Guide, "Schedule expressions for rules", documents them); validate/ev.py (EV-006) has
already accepted the expression. Time zones don't change a count over whole years.
"""
from __future__ import annotations

import calendar
import functools
import re

MONTH_DAYS = 30
MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]  # 1..7
CYCLE = range(2000, 2400)  # the Gregorian calendar repeats every 400 years
_RATE_MINUTES = {"minute": 1, "minutes": 1, "hour": 60, "hours": 60, "day": 1440, "days": 1440}


class ScheduleError(ValueError):
    """An expression batchgen can't count (EV-006 rejects these before cost sees them)."""


def runs_per_month(expression: str) -> float:
    m = re.fullmatch(r"rate\((\d+) (\w+)\)", expression.strip())
    if m:
        value, unit = int(m.group(1)), m.group(2)
        if value < 1 or unit not in _RATE_MINUTES:
            raise ScheduleError(expression)
        return MONTH_DAYS * 1440 / (value * _RATE_MINUTES[unit])
    m = re.fullmatch(r"cron\((.*)\)", expression.strip())
    if not m or len(m.group(1).split()) != 6:
        raise ScheduleError(expression)
    return _cron_runs(tuple(m.group(1).split()))


@functools.lru_cache(maxsize=64)
def _cron_runs(fields: tuple[str, ...]) -> float:
    minutes, hours, dom, months, dow, years = fields
    per_day = len(_values(minutes, 0, 59)) * len(_values(hours, 0, 23))
    month_set = _values(months, 1, 12, MONTH_NAMES)
    year_list = CYCLE if years == "*" else sorted(y for y in _values(years, 1970, 2199))
    days = fires = 0
    for year in year_list:
        for month in range(1, 13):
            first, length = calendar.monthrange(year, month)  # first: Monday = 0
            days += length
            if month in month_set:
                fires += len(_days(dom, dow, year, month, first, length))
    if not days:
        return 0.0
    return fires * per_day / days * MONTH_DAYS


def _number(text: str, names: list[str] | None, lo: int) -> int:
    if text.isdigit():
        return int(text)
    if names and text.upper() in names:
        return names.index(text.upper()) + lo
    raise ScheduleError(text)


def _values(field: str, lo: int, hi: int, names: list[str] | None = None) -> set[int]:
    """The numbers a plain field (no L, W, #) stands for: '*', 'a', 'a-b', 'a/s', 'a-b/s', lists."""
    out: set[int] = set()
    for item in field.split(","):
        base, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ScheduleError(item)
        if base in ("*", "?"):
            start, end = lo, hi
        elif "-" in base:
            a, b = base.split("-", 1)
            start, end = _number(a, names, lo), _number(b, names, lo)
        else:
            start = _number(base, names, lo)
            end = hi if step_text else start
        if start <= end:
            out.update(range(start, end + 1, step))
        else:  # a range that wraps, such as FRI-MON
            span = list(range(start, hi + 1)) + list(range(lo, end + 1))
            out.update(span[::step])
    return {v for v in out if lo <= v <= hi}


def _weekday(first: int, day: int) -> int:
    """EventBridge's day-of-week (SUN=1 .. SAT=7) of `day` in a month starting on `first` (MON=0)."""
    python = (first + day - 1) % 7  # MON=0 .. SUN=6
    return (python + 1) % 7 + 1


def _days(dom: str, dow: str, year: int, month: int, first: int, length: int) -> set[int]:
    """The days of the month the day fields select."""
    if dom == "?":
        return _dow_days(dow, first, length)
    return _dom_days(dom, year, month, first, length)


def _is_weekday(first: int, day: int) -> bool:
    return _weekday(first, day) not in (1, 7)


def _dom_days(field: str, year: int, month: int, first: int, length: int) -> set[int]:
    out: set[int] = set()
    for item in field.split(","):
        if item == "L":
            out.add(length)
        elif item == "LW":
            day = length
            while not _is_weekday(first, day):
                day -= 1
            out.add(day)
        elif item.endswith("W"):
            target = int(item[:-1])
            if target > length:
                continue
            day = target
            if not _is_weekday(first, day):  # the nearest weekday in the same month
                if _weekday(first, day) == 7:  # Saturday: Friday, or Monday on the 1st
                    day = day - 1 if day > 1 else day + 2
                else:  # Sunday: Monday, or Friday on the last day
                    day = day + 1 if day < length else day - 2
            out.add(day)
        else:
            out.update(d for d in _values(item, 1, 31) if d <= length)
    return out


def _dow_days(field: str, first: int, length: int) -> set[int]:
    by_weekday: dict[int, list[int]] = {}
    for day in range(1, length + 1):
        by_weekday.setdefault(_weekday(first, day), []).append(day)
    out: set[int] = set()
    for item in field.split(","):
        if item == "L":  # alone: the last day of the week, Saturday
            out.update(by_weekday.get(7, []))
        elif item.endswith("L"):  # the last such weekday of the month
            out.add(by_weekday[_number(item[:-1], DAY_NAMES, 1)][-1])
        elif "#" in item:  # the n-th such weekday of the month
            day, nth = item.split("#")
            days = by_weekday[_number(day, DAY_NAMES, 1)]
            if int(nth) <= len(days):
                out.add(days[int(nth) - 1])
        else:
            for weekday in _values(item, 1, 7, DAY_NAMES):
                out.update(by_weekday.get(weekday, []))
    return out
