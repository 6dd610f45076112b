"""Masking a date of birth for display (IDs: :func:`de06.domain.cccd.mask`)."""

from __future__ import annotations

import re

_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
_DIGIT = re.compile(r"\d")


def mask_dob(text: str) -> str:
    """A date of birth as written, every digit starred but those of its year, when a 4-digit year
    can be told apart: '12/05/1990' -> '**/**/1990', '19900512' -> '1990****', '12051990' ->
    '****1990', '12/5/90' -> '**/*/**' (day and month never show)."""
    if len(text) == 8 and text.isdigit():  # compact: the year first or last
        if _YEAR.fullmatch(text[:4]):
            return text[:4] + "****"
        if _YEAR.fullmatch(text[4:]):
            return "****" + text[4:]
    m = _YEAR.search(text)
    if m is None:
        return _DIGIT.sub("*", text)
    a, b = m.span()
    return _DIGIT.sub("*", text[:a]) + text[a:b] + _DIGIT.sub("*", text[b:])


__all__ = ["mask_dob"]
