"""The four words of the government's yardstick, as dimension keys.

- ``dung`` (đúng, correct): validity and accuracy: formats, code lists, ID structure, cross-field.
- ``du`` (đủ, complete): required fields present, counts reconciled.
- ``sach`` (sạch, clean): uniqueness and consistency: duplicates, conflicting values.
- ``song`` (sống, live): freshness: age of the data, push latency.
"""

from __future__ import annotations

DIMENSIONS: tuple[str, ...] = ("dung", "du", "sach", "song")
LABELS: dict[str, str] = {
    "dung": "Đúng (correct)",
    "du": "Đủ (complete)",
    "sach": "Sạch (clean)",
    "song": "Sống (live)",
    "overall": "Overall",
}
