"""Automatic expungement (Penal Code 2015 Art. 70): waiting period after the main penalty or
probation ends (judicial_records.md section 3). Pure functions."""

from __future__ import annotations

import datetime as dt


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)


def waiting_months(main_penalty: str, penalty_months: int | None, suspended: bool) -> int | None:
    """Months to wait after the main penalty (or probation) ends; None when never automatic."""
    if suspended or main_penalty in ("warning", "fine", "reform", "discipline"):
        return 12
    if main_penalty == "prison":
        months = penalty_months or 0
        if months <= 60:
            return 24
        if months <= 180:
            return 36
        return 60
    if main_penalty == "life":
        return 60
    return None  # death: no automatic route unless commuted


def main_end(
    main_penalty: str,
    effective: dt.date,
    penalty_months: int | None,
    suspended: bool,
    probation_months: int | None,
) -> dt.date | None:
    """When the main penalty (or the probation of a suspended sentence) ends."""
    if suspended:
        return add_months(effective, probation_months or 0)
    if main_penalty in ("warning", "fine"):
        return effective
    if main_penalty in ("reform", "discipline", "prison"):
        return add_months(effective, penalty_months or 0)
    return None


def expunge_date(
    main_penalty: str,
    effective: dt.date,
    penalty_months: int | None,
    suspended: bool,
    probation_months: int | None,
) -> dt.date | None:
    end = main_end(main_penalty, effective, penalty_months, suspended, probation_months)
    wait = waiting_months(main_penalty, penalty_months, suspended)
    if end is None or wait is None:
        return None
    return add_months(end, wait)
