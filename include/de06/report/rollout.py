"""Clean and validate the weekly province status TSV (output of OCR of a scanned letter).

Pure functions, no database. Entry points:

- :func:`read_tsv` (path -> list of cell lists; raises :class:`RolloutUnreadable` when the file is
  missing, not UTF-8/UTF-16 text, or not a TSV);
- :func:`validate_text` / :func:`validate_file` -> :class:`RolloutResult`; ``result.to_json()``
  is what ``de06 rollout validate --json`` prints.

Every line of the file ends in exactly one outcome (``lines``: header, row, summary, blank or
ignored-with-reason). Rows are matched to the 63 provinces (OCR-aware, precision first); cell
values are recognised by content, so a value shifted into the wrong column is moved back (a
``column_shift`` correction). ``row`` numbers in the output are 1-based line numbers of the file.

A file is *clean* (exit 0) when every province appears exactly once, no row is unknown, every
value was recognised, a summary line exists and every stated total is borne out by the rows.
Corrections (normalisations) alone do not make a file unclean.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from de06.domain import provinces
from de06.errors import InputError
from de06.report import ocr
from de06.report.vocabulary import (
    COLUMNS,
    PHRASES,
    PV06_KEYS,
    SECURITY_KEYS,
    STATUS_KEYS,
    TOTAL_KEYWORDS,
)

MAX_BYTES = 5_000_000


class RolloutUnreadable(InputError):
    """The file cannot be read as a TSV at all (exit code 2)."""


@dataclass
class Row:
    line: int
    raw_name: str
    province_code: str | None = None
    stt: int | None = None
    batch_no: int | None = None
    batch_start: str | None = None
    batch_end: str | None = None
    status: str | None = None
    source_code_security: bool | None = None
    system_security: bool | None = None
    pv06: str | None = None

    @property
    def province_name(self) -> str | None:
        return provinces.BY_CODE[self.province_code].name if self.province_code else None


@dataclass
class RolloutResult:
    source: str
    rows: list[Row] = field(default_factory=list)
    lines: dict[str, Any] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    duplicate_rows: dict[str, list[int]] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    invalid: list[dict[str, Any]] = field(default_factory=list)
    status_counts: dict[str, int] = field(default_factory=dict)
    pv06_counts: dict[str, int] = field(default_factory=dict)
    security_counts: dict[str, int] = field(default_factory=dict)
    stated_totals: dict[str, int] = field(default_factory=dict)
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def provinces_found(self) -> int:
        return len({r.province_code for r in self.rows if r.province_code})

    @property
    def problems(self) -> int:
        return (
            len(self.duplicates)
            + len(self.missing)
            + len(self.unknown)
            + len(self.invalid)
            + len(self.mismatches)
            + len(self.conflicts)
            + (0 if self.stated_totals else 1)
        )

    @property
    def clean(self) -> bool:
        return self.problems == 0

    def province_rows(self) -> list[Row]:
        """One row per province (first occurrence), in code order."""
        seen: dict[str, Row] = {}
        for r in self.rows:
            if r.province_code and r.province_code not in seen:
                seen[r.province_code] = r
        return [seen[c] for c in sorted(seen)]

    def records(self) -> list[dict[str, Any]]:
        """Cleaned rows as plain dicts (one per province, first occurrence): the GX dataset."""
        out = []
        for r in self.province_rows():
            d = asdict(r)
            d["province_name"] = r.province_name
            del d["raw_name"]
            out.append(d)
        return out

    def all_records(self) -> list[dict[str, Any]]:
        """Every table row as read (duplicates and unknown names included): what the GX
        ``province_status`` suite checks (63 rows, each province once, known values)."""
        out = []
        for r in self.rows:
            d = asdict(r)
            d["province_name"] = r.province_name
            del d["raw_name"]
            out.append(d)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "clean": self.clean,
            "problems": self.problems,
            "provinces_expected": len(provinces.PROVINCES),
            "provinces_found": self.provinces_found,
            "rows": len(self.rows),
            "duplicates": self.duplicates,
            "duplicate_rows": self.duplicate_rows,
            "conflicts": self.conflicts,
            "missing": self.missing,
            "unknown": self.unknown,
            "invalid": self.invalid,
            "status_counts": self.status_counts,
            "pv06_counts": self.pv06_counts,
            "security_counts": self.security_counts,
            "stated_totals": self.stated_totals,
            "mismatches": self.mismatches,
            "corrections": self.corrections,
            "warnings": self.warnings,
            "lines": self.lines,
        }


# ---------------------------------------------------------------------------------------------
# Reading


def decode(data: bytes, source: str = "file") -> str:
    """UTF-8 (with or without BOM) or UTF-16 (BOM, or BOM-less detected by NUL bytes)."""
    if data.startswith(b"\xef\xbb\xbf"):
        encs = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encs = ["utf-16"]
    elif b"\x00" in data[:4000]:
        even_nul = data[0:4000:2].count(0)
        odd_nul = data[1:4000:2].count(0)
        encs = ["utf-16-be" if even_nul > odd_nul else "utf-16-le"]
    else:
        encs = ["utf-8"]
    for enc in encs:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise RolloutUnreadable(
        f"{source} is not UTF-8 or UTF-16 text",
        "export the OCR result as 'Unicode text' (UTF-16) or UTF-8 TSV and retry",
    )


def read_tsv(path: str | Path) -> list[list[str]]:
    """Cells per line. Raises :class:`RolloutUnreadable` (missing, undecodable, not a TSV)."""
    p = Path(path)
    name = p.name
    if not p.is_file():
        raise RolloutUnreadable(f"{name}: no such file", "give the path of the week's province status TSV")
    size = p.stat().st_size
    if size == 0:
        raise RolloutUnreadable(f"{name} is empty", "export the scanned table again as TSV")
    if size > MAX_BYTES:
        raise RolloutUnreadable(
            f"{name} is {size} bytes, more than {MAX_BYTES} for a 63-row table",
            "check that this is the province status TSV",
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise RolloutUnreadable(f"{name} cannot be read: {exc.strerror}", "check its permissions") from exc
    return split_tsv(decode(data, name), name)


def split_tsv(text: str, source: str = "file") -> list[list[str]]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    tabbed = sum(1 for ln in lines if "\t" in ln)
    if tabbed < 3:
        raise RolloutUnreadable(
            f"{source} is not a TSV: {tabbed} of {len(lines)} lines contain a tab",
            "save the OCR table as tab-separated values (one province per line, cells separated by tabs)",
        )
    return [ln.split("\t") for ln in lines]


# ---------------------------------------------------------------------------------------------
# Cells

_BATCH = re.compile(r"^\s*d\s*[o0]\s*t\s*(?P<no>[0-9OolI|]{1,2})\s*[:.]?\s*(?P<rest>.*)$", re.IGNORECASE)
_MERGED_STT = re.compile(r"^([0-9OolI|]{1,2})[.)]?\s+(\D.*)$")
_NUMBER = re.compile(r"(?<![\w])[0-9OolI|]*[0-9][0-9OolI|]*(?![\w])")


@dataclass(frozen=True)
class Cell:
    pos: int
    raw: str
    kind: str | None  # a COLUMNS entry ("security" for either security column) or None
    value: Any = None
    method: str = ""


def _parse_dates(rest: str) -> tuple[str | None, str | None]:
    """``(16-22/9/2024)``, ``(30/9-6/10/2024)``, ``(30/9/2024-6/10/2024)`` -> ISO dates."""
    s = ocr.ocr_digits(rest.strip().strip("()").replace(" ", "")).replace("–", "-").replace("—", "-")
    s = s.replace(".", "/").rstrip(")")
    m = re.fullmatch(r"(\d{1,2})-(\d{1,2})/(\d{1,2})/(\d{4})", s)
    try:
        if m:
            d1, d2, mo, y = map(int, m.groups())
            return date(y, mo, d1).isoformat(), date(y, mo, d2).isoformat()
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})-(\d{1,2})/(\d{1,2})/(\d{4})", s)
        if m:
            d1, m1, d2, m2, y = map(int, m.groups())
            y1 = y - 1 if m1 > m2 else y
            return date(y1, m1, d1).isoformat(), date(y, m2, d2).isoformat()
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})-(\d{1,2})/(\d{1,2})/(\d{4})", s)
        if m:
            d1, m1, y1, d2, m2, y2 = map(int, m.groups())
            return date(y1, m1, d1).isoformat(), date(y2, m2, d2).isoformat()
    except ValueError:
        return None, None
    return None, None


def parse_batch(text: str) -> tuple[int, str | None, str | None] | None:
    """``Đợt 2(16-22/9/2024)`` -> (2, "2024-09-16", "2024-09-22"); None when not a batch cell."""
    plain = ocr.strip_marks(ocr.nfc(text))
    m = _BATCH.match(plain)
    if not m:
        return None
    no = int(ocr.ocr_digits(m.group("no")))
    start, end = _parse_dates(m.group("rest")) if m.group("rest") else (None, None)
    return no, start, end


def classify(pos: int, raw: str) -> Cell:
    text = ocr.nfc(raw)
    if not text:
        return Cell(pos, raw, None)
    digits = ocr.ocr_digits(text.rstrip("."))
    if len(text) <= 3 and digits.isdigit() and any(c.isdigit() for c in text):
        return Cell(pos, raw, "stt", int(digits))
    batch = parse_batch(text)
    if batch is not None:
        return Cell(pos, raw, "batch", batch)
    phrase = ocr.match_phrase(text, PHRASES)
    if phrase.value is not None:
        kind, value = phrase.value.split(":")
        if kind == "security":
            return Cell(pos, raw, "security", value == "yes", phrase.method)
        return Cell(pos, raw, kind, value, phrase.method)
    prov = ocr.match_province(text)
    if prov.value is not None:
        return Cell(pos, raw, "province", prov.value, prov.method)
    merged = _MERGED_STT.match(text)  # "12 Lạng Sơn": STT and name merged into one cell by OCR
    if merged:
        inner = ocr.match_province(merged.group(2))
        if inner.value is not None:
            return Cell(pos, raw, "province", inner.value, "merged_cell")
    return Cell(pos, raw, None, None, prov.method)


def _slot_kind(slot: str) -> str:
    return "security" if slot in SECURITY_KEYS else slot


def _canonical_text(kind: str, value: Any) -> str:
    from de06.report.vocabulary import PV06_VI, SECURITY_VI, STATUS_VI

    if kind == "province":
        return provinces.BY_CODE[value].name
    if kind == "status":
        return STATUS_VI[value]
    if kind == "pv06":
        return PV06_VI[value]
    if kind == "security":
        return SECURITY_VI[bool(value)]
    return str(value)


# ---------------------------------------------------------------------------------------------
# Lines


def _is_header(cells: list[str]) -> bool:
    folded = [ocr.ocr_fold(c) for c in cells if c.strip()]
    return (
        bool(folded)
        and (folded[0] in {"stt", "s tt", "tt", "so tt"} or "stt" in folded[:2])
        and not any(parse_batch(c) for c in cells)
    )


def _is_summary(cells: list[str]) -> bool:
    first = next((ocr.ocr_fold(c) for c in cells if c.strip()), "")
    has_number = any(_NUMBER.search(ocr.nfc(c)) for c in cells)
    return has_number and (
        first.startswith(("tong cong", "tong so", "cong", "tong:")) or first in {"tong", "tc"}
    )


def parse_summary(cells: list[str], line: int, result: RolloutResult) -> dict[str, int]:
    """Stated totals: pieces ``label: n`` or ``n label`` split on tabs, ``;``, ``,`` and ``|``."""
    totals: dict[str, int] = {}
    pieces = [(pos, p) for pos, c in enumerate(cells) for p in re.split(r"[;,|]", c)]
    by_column = {1: "provinces", 4: "source_code_security", 5: "system_security"}
    for pos, piece in pieces:
        text = ocr.nfc(piece)
        if not text:
            continue
        nums = _NUMBER.findall(text)
        label = ocr.ocr_fold(_NUMBER.sub(" ", text))
        label = re.sub(r"^(tong cong|tong so|tong|cong)\b", "", label).strip()
        if not nums:
            continue
        n = int(ocr.ocr_digits(nums[0]))
        key = None
        for k, words in TOTAL_KEYWORDS:
            if any(ocr.ocr_fold(w) in label for w in words):
                key = k
                break
        if key is None and label == "":
            key = by_column.get(pos)  # a bare number takes the meaning of its column
        if key is None:
            result.warnings.append(f"line {line}: summary piece not understood: {text!r}")
            continue
        if key in totals and totals[key] != n:
            result.warnings.append(f"line {line}: total {key} stated twice ({totals[key]} and {n})")
        totals[key] = n
    return totals


def _place(cells: list[Cell], line: int, result: RolloutResult) -> Row | None:
    slots: dict[str, Cell] = {}
    leftovers: list[Cell] = []
    expected = {i: COLUMNS[i] for i in range(len(COLUMNS))}
    # pass 1: cells whose kind fits the column they are in
    for c in cells:
        if c.kind is None:
            if c.raw.strip():
                leftovers.append(c)
            continue
        slot = expected.get(c.pos)
        if slot is not None and _slot_kind(slot) == c.kind and slot not in slots:
            slots[slot] = c
    # security cells keep their left-to-right order: source code first, then system
    sec = [c for c in cells if c.kind == "security"]
    for k in SECURITY_KEYS:
        slots.pop(k, None)
    if len(sec) == 1 and sec[0].pos == COLUMNS.index("system_security"):
        slots["system_security"] = sec[0]
    else:
        for k, c in zip(SECURITY_KEYS, sec[:2], strict=False):
            slots[k] = c
    for k in SECURITY_KEYS:
        c = slots.get(k)
        if c is not None and c.pos != COLUMNS.index(k):
            result.corrections.append(
                {
                    "row": line,
                    "column": k,
                    "kind": "column_shift",
                    "before": f"column {c.pos + 1}",
                    "after": f"column {COLUMNS.index(k) + 1}",
                }
            )
    placed = {id(c) for c in slots.values()} | {id(c) for c in sec[:2]}
    # pass 2: recognised cells in the wrong column move to the slot of their kind
    for c in cells:
        if c.kind is None or id(c) in placed:
            continue
        targets = list(SECURITY_KEYS) if c.kind == "security" else [c.kind]
        free = [t for t in targets if t not in slots]
        if not free:
            result.invalid.append(
                {
                    "row": line,
                    "column": c.pos + 1,
                    "value": ocr.nfc(c.raw),
                    "problem": f"second {c.kind} value",
                }
            )
            continue
        slot = free[0]
        slots[slot] = c
        result.corrections.append(
            {
                "row": line,
                "column": slot,
                "kind": "column_shift",
                "before": f"column {c.pos + 1}",
                "after": f"column {COLUMNS.index(slot) + 1}",
            }
        )
    name_cell = slots.get("province")
    unknown_name: str | None = None
    if name_cell is None and not slots:
        return None  # a note or title line, not a table row
    if name_cell is None:
        alpha = [c for c in leftovers if any(ch.isalpha() for ch in c.raw)]
        if alpha:
            unknown_name = ocr.nfc(alpha[0].raw)
            leftovers.remove(alpha[0])
    for c in leftovers:
        result.invalid.append(
            {"row": line, "column": c.pos + 1, "value": ocr.nfc(c.raw), "problem": "value not recognised"}
        )
    if name_cell is None and unknown_name is None:
        if slots:
            result.invalid.append(
                {"row": line, "column": 2, "value": "", "problem": "row without a province"}
            )
        return None
    row = Row(line=line, raw_name=ocr.nfc(name_cell.raw) if name_cell else unknown_name or "")
    if name_cell is not None:
        row.province_code = name_cell.value
    else:
        result.unknown.append(row.raw_name)
    for slot, c in slots.items():
        if slot == "stt":
            row.stt = c.value
        elif slot == "batch":
            row.batch_no, row.batch_start, row.batch_end = c.value
            if row.batch_start is None:
                result.invalid.append(
                    {
                        "row": line,
                        "column": c.pos + 1,
                        "value": ocr.nfc(c.raw),
                        "problem": "batch dates not readable",
                    }
                )
        elif slot == "province":
            pass
        else:
            setattr(row, slot, c.value)
        if slot in ("stt", "batch"):
            continue
        before = ocr.nfc(c.raw)
        after = _canonical_text(c.kind, c.value)
        if c.raw.strip() != before:
            result.corrections.append(
                {"row": line, "column": slot, "kind": "unicode", "before": c.raw.strip(), "after": before}
            )
        if c.method in ("alias", "ocr", "fuzzy", "merged_cell"):
            result.corrections.append(
                {"row": line, "column": slot, "kind": c.method, "before": before, "after": after}
            )
    if row.province_code:
        for slot in ("status", "pv06"):
            if getattr(row, slot) is None:
                result.invalid.append(
                    {"row": line, "column": COLUMNS.index(slot) + 1, "value": "", "problem": f"no {slot}"}
                )
    return row


def validate_rows(lines: list[list[str]], source: str = "file") -> RolloutResult:
    result = RolloutResult(source=source)
    accounting: dict[str, Any] = {
        "total": len(lines),
        "header": 0,
        "rows": 0,
        "summary": 0,
        "blank": 0,
        "ignored": [],
    }
    summary_seen = False
    for i, raw_cells in enumerate(lines, start=1):
        if not any(c.strip() for c in raw_cells):
            accounting["blank"] += 1
            continue
        if _is_header(raw_cells):
            accounting["header"] += 1
            continue
        if _is_summary(raw_cells):
            accounting["summary"] += 1
            totals = parse_summary(raw_cells, i, result)
            if summary_seen:
                result.warnings.append(f"line {i}: a second summary line")
            summary_seen = True
            result.stated_totals.update(totals)
            continue
        cells = [classify(pos, c) for pos, c in enumerate(raw_cells)]
        n_invalid = len(result.invalid)
        row = _place(cells, i, result)
        if row is None:
            if len(result.invalid) == n_invalid:
                accounting["ignored"].append({"row": i, "reason": "no province and no recognised value"})
            else:
                accounting["ignored"].append({"row": i, "reason": "row without a province (see invalid)"})
            continue
        accounting["rows"] += 1
        result.rows.append(row)
    result.lines = accounting
    _check(result)
    return result


def _check(result: RolloutResult) -> None:
    by_code: dict[str, list[Row]] = {}
    for r in result.rows:
        if r.province_code:
            by_code.setdefault(r.province_code, []).append(r)
    for code in sorted(by_code):
        rows = by_code[code]
        if len(rows) > 1:
            name = provinces.BY_CODE[code].name
            result.duplicates.append(name)
            result.duplicate_rows[name] = [r.line for r in rows]
            first = rows[0]
            for other in rows[1:]:
                diff = [
                    f
                    for f in ("status", "pv06", "batch_no", *SECURITY_KEYS)
                    if getattr(other, f) is not None
                    and getattr(first, f) is not None
                    and getattr(other, f) != getattr(first, f)
                ]
                if diff:
                    result.conflicts.append(
                        {"province": name, "rows": [first.line, other.line], "fields": diff}
                    )
    result.missing = [p.name for p in provinces.PROVINCES if p.code not in by_code]
    chosen = result.province_rows()
    result.status_counts = {k: sum(1 for r in chosen if r.status == k) for k in STATUS_KEYS}
    result.pv06_counts = {k: sum(1 for r in chosen if r.pv06 == k) for k in PV06_KEYS}
    result.security_counts = {k: sum(1 for r in chosen if getattr(r, k) is True) for k in SECURITY_KEYS}
    counted = {
        "provinces": result.provinces_found,
        **result.status_counts,
        **result.pv06_counts,
        **result.security_counts,
    }
    for key, stated in result.stated_totals.items():
        if counted.get(key) != stated:
            result.mismatches.append({"total": key, "stated": stated, "counted": counted.get(key)})
    stts = [r.stt for r in result.rows if r.stt is not None]
    if stts and stts != sorted(stts):
        result.warnings.append("STT numbers are not in ascending order")


def validate_text(text: str, source: str = "text") -> RolloutResult:
    return validate_rows(split_tsv(text, source), source)


def validate_file(path: str | Path) -> RolloutResult:
    return validate_rows(read_tsv(path), Path(path).name)
