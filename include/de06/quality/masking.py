"""Personal data never leaves a validation: IDs masked (``001*******45``), names to initials.

Two layers:
1. the result format keeps no value samples (``SUMMARY`` with ``partial_unexpected_count: 0``,
   no unexpected lists, no index lists) and suites may only put row-wise expectations on PII
   columns (see :mod:`de06.quality.suites`);
2. :func:`scrub` walks a result before it is stored or returned: it drops every value-sample key
   and tracebacks, and replaces any string (or token or run of words inside a string) equal to a
   personal value of the validated data, plus any free-standing 9-, 10- or 12-digit number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from de06.domain.cccd import mask as mask_id
from de06.domain.masks import mask_dob

if TYPE_CHECKING:
    import pandas as pd

#: GX result keys that can carry raw values or row positions.
VALUE_KEYS = frozenset(
    {
        "partial_unexpected_list",
        "partial_unexpected_counts",
        "partial_unexpected_index_list",
        "unexpected_list",
        "unexpected_index_list",
        "unexpected_index_query",
        "unexpected_rows",
        "details",
    }
)
#: Keys kept (GX's renderer reads them) but emptied.
EMPTIED_KEYS = frozenset({"exception_traceback"})
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}
#: Any run of 9-12 digits (a CMND or CCCD, also inside run ids such as ``recheck_079201001234``)
#: and anything shaped like a BHYT card number (2 letters, 13 digits).
_DIGITS = re.compile(r"(?<![0-9*])\d{9,12}(?![0-9*])|(?<![A-Za-z0-9*])[A-Z]{2}\d{13}(?![0-9*])")
_WORD = re.compile(r"\w+", re.UNICODE)
_PUNCT = "'\"`‘’“”()[]{}<>,.;:!?"


def initials(name: str | None) -> str:
    """``Nguyễn Văn An`` -> ``N.V.A.``"""
    if not name:
        return ""
    words = unicodedata.normalize("NFC", str(name)).split()
    return "".join(w[0].upper() + "." for w in words if w)


@dataclass
class Sensitive:
    """Personal values of one dataset, looked up by exact string, token or run of words."""

    ids: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    max_words: int = 1
    dates: set[str] = field(default_factory=set)  # dates of birth as written

    def add_name(self, value: str) -> None:
        v = " ".join(unicodedata.normalize("NFC", value).split())
        if v:
            self.names.add(v.casefold())
            self.max_words = max(self.max_words, len(v.split()))

    def mask_text(self, s: str) -> str:
        key = " ".join(unicodedata.normalize("NFC", s).split())
        if key in self.ids:
            return mask_id(key)
        if key.casefold() in self.names:
            return initials(key)
        if key in self.dates:
            return mask_dob(key)
        if self.ids:
            s = _WORD.sub(lambda m: mask_id(m.group(0)) if m.group(0) in self.ids else m.group(0), s)
        if self.names:
            s = self._mask_name_runs(s)
        return _DIGITS.sub(lambda m: mask_id(m.group(0)), s)

    def _mask_name_runs(self, s: str) -> str:
        words = s.split()
        if not words:
            return s
        out: list[str] = []
        i = 0
        changed = False
        while i < len(words):
            for n in range(min(self.max_words, len(words) - i), 0, -1):
                run = " ".join(words[i : i + n])
                # a name may be quoted or end a clause: 'Nguyễn Văn An', (Lê Văn Cường).
                core = run.strip(_PUNCT)
                if core and core.casefold() in self.names:
                    lead = run[: len(run) - len(run.lstrip(_PUNCT))]
                    trail = run[len(run.rstrip(_PUNCT)) :]
                    out.append(lead + initials(core) + trail)
                    i += n
                    changed = True
                    break
            else:
                out.append(words[i])
                i += 1
        return " ".join(out) if changed else s


def sensitive_values(df: pd.DataFrame, pii: dict[str, str]) -> Sensitive:
    """Collect the personal values of ``df``'s PII columns."""
    sens = Sensitive()
    for col, kind in pii.items():
        if col not in df.columns:
            continue
        for v in df[col].dropna().unique():
            s = " ".join(unicodedata.normalize("NFC", str(v)).split())
            if not s:
                continue
            if kind == "id":
                sens.ids.add(s)
            elif kind == "dob":
                sens.dates.add(s)
            else:
                sens.add_name(s)
    return sens


def scrub(obj: Any, sens: Sensitive | None = None) -> Any:
    """A copy of ``obj`` (JSON-like) without value samples and with personal values masked."""
    sens = sens or Sensitive()
    if isinstance(obj, dict):
        return {
            k: (None if k in EMPTIED_KEYS else scrub(v, sens)) for k, v in obj.items() if k not in VALUE_KEYS
        }
    if isinstance(obj, (list, tuple)):
        return [scrub(v, sens) for v in obj]
    if isinstance(obj, str):
        return sens.mask_text(obj)
    return obj
