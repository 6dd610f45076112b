"""Columns and value lists of the weekly province status table (Friday report).

The table comes from OCR of a scanned letter of the Working Group: one row per province,
seven columns in this order, then a line of stated totals.
"""

from __future__ import annotations

#: Column slots in file order.
COLUMNS: tuple[str, ...] = (
    "stt",
    "province",
    "batch",
    "status",
    "source_code_security",
    "system_security",
    "pv06",
)

HEADER_VI: tuple[str, ...] = (
    "STT",
    "Tỉnh, thành phố",
    "Đợt devtest",
    "Tình trạng triển khai",
    "Đảm bảo ANTT mã nguồn",
    "Đảm bảo ANTT hệ thống",
    "Tiến độ PV06",
)

STATUS_KEYS: tuple[str, ...] = ("completed", "devtest_done", "devtest_in_progress")
PV06_KEYS: tuple[str, ...] = ("accessed", "has_machine", "no_machine")
SECURITY_KEYS: tuple[str, ...] = ("source_code_security", "system_security")

#: Official wording per value (what the generator writes and the report shows).
STATUS_VI: dict[str, str] = {
    "devtest_in_progress": "Đang tiến hành devtest",
    "devtest_done": "Đã devtest xong",
    "completed": "Đã hoàn thành triển khai",
}
PV06_VI: dict[str, str] = {
    "accessed": "Đã truy cập",
    "has_machine": "Đã có máy",
    "no_machine": "Chưa có máy",
}
SECURITY_VI: dict[bool, str] = {True: "Đã đảm bảo", False: "Chưa đảm bảo"}

#: Cell vocabulary for fuzzy matching: "<kind>:<value>" -> accepted spellings. One vocabulary for
#: all value columns, so a value shifted into the wrong column is still recognised, and the
#: margin rule of :func:`de06.report.ocr.match_phrase` also separates kinds.
PHRASES: dict[str, tuple[str, ...]] = {
    "status:devtest_in_progress": ("Đang tiến hành devtest", "Đang devtest", "Đang tiến hành"),
    "status:devtest_done": ("Đã devtest xong", "Devtest xong", "Đã xong devtest"),
    "status:completed": ("Đã hoàn thành triển khai", "Hoàn thành triển khai", "Đã hoàn thành"),
    "pv06:accessed": ("Đã truy cập", "Truy cập"),
    "pv06:has_machine": ("Đã có máy", "Có máy"),
    "pv06:no_machine": ("Chưa có máy",),
    "security:yes": ("Đã đảm bảo", "Đảm bảo", "x", "Có", "Đạt"),
    "security:no": ("Chưa đảm bảo", "Chưa", "Không", "Chưa đạt"),
}

#: Keywords (confusion-folded) that name a stated total in the summary line, most specific first.
TOTAL_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("devtest_in_progress", ("dang tien hanh", "dang devtest", "dang trien khai devtest")),
    ("devtest_done", ("devtest xong", "da devtest", "xong devtest")),
    ("completed", ("hoan thanh",)),
    ("accessed", ("truy cap",)),
    ("no_machine", ("chua co may", "chua co")),
    ("has_machine", ("co may",)),
    ("source_code_security", ("ma nguon",)),
    ("system_security", ("he thong",)),
    ("provinces", ("tinh", "thanh pho", "tong so", "don vi", "dia phuong")),
)
