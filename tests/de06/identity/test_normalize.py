"""Standardisation rules on Vietnamese examples (pure functions)."""

import unicodedata

import pytest
from de06.identity.dates import parse_dob
from de06.identity.fields import parse_province, parse_sex
from de06.identity.ids import hamming1, normalize_id
from de06.identity.names import split_name
from de06.identity.standardize import standardize
from de06.identity.text import clean, fold, legacy_encoding, written_key

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Hoà Bình", "Hòa Bình"),
        ("Nguyễn Thuỷ", "Nguyễn Thủy"),
        ("khoẻ", "khỏe"),
        ("Quý", "Quý"),  # qu + y: mark stays on y
        ("Hoàng", "Hoàng"),  # closed syllable: unchanged
        ("  nguyễn  văn   a ", "nguyễn văn a"),
        ("H’Hen Niê", "H'Hen Niê"),
        ("H Hen Niê", "H'Hen Niê"),  # the Ê Đê prefix written apart (identity.md section 5)
        ("h  hen niê", "h'hen niê"),
        ("Nguyễn H Anh", "Nguyễn H Anh"),  # an initial inside a Kinh name is not the prefix
        ("H. Hen Niê", "H. Hen Niê"),
        ("Ðặng", "Đặng"),  # U+00D0 look-alike
        (unicodedata.normalize("NFD", "Nguyễn"), "Nguyễn"),
    ],
)
def test_clean(raw, expected):
    assert clean(raw) == expected
    assert unicodedata.is_normalized("NFC", clean(raw))


def test_written_and_folded_keys_are_separate_levels():
    assert written_key("NGUYỄN VĂN ĐỨC") == written_key("nguyễn văn đức")
    assert written_key("Lê Văn Hùng") != written_key("Lê Văn Hưng")
    assert fold("Lê Văn Hùng") == fold("Lê Văn Hưng") == "le van hung"
    assert fold("Đặng Thị Lan") == "dang thi lan"
    assert fold("H'Hen Niê") == fold("HHen Nie") == "hhen nie"


@pytest.mark.parametrize("raw", ["NguyÔn V¨n", "Nguyeãn Vaên", "Nguyá»…n"])
def test_legacy_encodings_detected(raw):
    assert legacy_encoding(raw)


@pytest.mark.parametrize("raw", ["Nguyễn Văn Đức", "Hoàng Thị Hoà", "Thạch Thị Sa Rây", "H'Hen Niê"])
def test_unicode_names_not_flagged_legacy(raw):
    assert not legacy_encoding(raw)


@pytest.mark.parametrize(
    "raw, family, middle, given",
    [
        ("Nguyễn Thị Lan", "Nguyễn", "Thị", "Lan"),
        ("Lê Lợi", "Lê", "", "Lợi"),
        ("Tôn Nữ Minh Châu", "Tôn Nữ", "Minh", "Châu"),
        ("Trần Thị Ngọc Ánh", "Trần", "Thị Ngọc", "Ánh"),
        ("Lan Thi Nguyen", "Nguyen", "Thi", "Lan"),  # Western order restored
        ("Vi Thị Mai", "Vi", "Thị", "Mai"),  # a Tày/Thái family name first: already in order
        ("Sùng A Mai", "Sùng", "A", "Mai"),  # Hmông
        ("Âu Dương Phong", "Âu Dương", "", "Phong"),
    ],
)
def test_split_name(raw, family, middle, given):
    n = split_name(raw)
    assert (n.family, n.middle, n.given) == (family, middle, given)


def test_split_empty_name():
    assert split_name("   ") is None
    assert split_name(None) is None


@pytest.mark.parametrize(
    "raw, iso, flags",
    [
        ("03/05/1990", "1990-05-03", {"day_month_swappable"}),
        ("3/5/90", "1990-05-03", {"day_month_swappable", "two_digit_year"}),
        ("1990-05-03", "1990-05-03", {"day_month_swappable"}),
        ("03.05.1990", "1990-05-03", {"day_month_swappable"}),
        ("19900503", "1990-05-03", {"day_month_swappable"}),
        ("25/12/1990", "1990-12-25", set()),
        ("00/00/1975", "1975-01-01", {"year_only"}),
        ("1975", "1975-01-01", {"year_only"}),
        ("197500000000", "1975-01-01", {"year_only"}),
        ("01/01/1975", "1975-01-01", {"filler_0101"}),
        ("ngày 5 tháng 6 năm 1980", "1980-06-05", {"day_month_swappable"}),
    ],
)
def test_parse_dob(raw, iso, flags):
    d = parse_dob(raw)
    assert d.iso == iso and set(d.flags) == flags and d.raw == raw


def test_swapped_date():
    assert parse_dob("03/05/1990").swapped().isoformat() == "1990-03-05"
    assert parse_dob("25/12/1990").swapped() is None


@pytest.mark.parametrize(
    "raw, error",
    [
        ("abc", "dob_unparseable"),
        ("31/02/1990", "invalid_day_or_month"),
        ("", "dob_missing"),
        ("01/01/1850", "year_out_of_range"),
        ("01/01/2999", "year_out_of_range"),
    ],
)
def test_bad_dates_have_reasons(raw, error):
    d = parse_dob(raw)
    assert not d.ok and d.error == error


@pytest.mark.parametrize(
    "raw, kind, value, flags",
    [
        ("001089012345", "cccd", "001089012345", ()),
        ("0010 8901 2345", "cccd", "001089012345", ()),
        ("1089012345", "cccd", "001089012345", ("leading_zeros_restored",)),
        ("012345678", "cmnd", "012345678", ()),
        ("0O1089012345", "cccd", "001089012345", ("ocr_letters_fixed",)),
        ("B1234567", "passport", "B1234567", ()),
        (None, "none", None, ()),
    ],
)
def test_normalize_id(raw, kind, value, flags):
    p = normalize_id(raw)
    assert (p.kind, p.value, p.flags) == (kind, value, flags)


@pytest.mark.parametrize(
    "raw, error",
    [
        ("12-AB-99", "id_non_digit"),
        ("12345", "id_bad_length"),
        ("A123456789", "id_non_digit"),  # 9 digits after a letter: no passport has that shape
    ],
)
def test_bad_ids_rejected_with_reason(raw, error):
    p = normalize_id(raw)
    assert p.kind == "invalid" and p.error == error and not p.usable


def test_hamming1():
    assert hamming1("001089012345", "001089012346")
    assert hamming1("001089012345", "001089012354")  # adjacent transposition
    assert not hamming1("001089012345", "001089012399")


def test_sex_and_province_free_text():
    # QĐ 130 codes: 1 male, 2 female, 3 undetermined
    assert [parse_sex(s) for s in ("1", "2", "3", "0")] == ["M", "F", None, None]
    assert [parse_sex(s) for s in ("Nam", "Nữ", "nu", "M", "F", "nam giới", "?")] == [
        "M",
        "F",
        "F",
        "M",
        "F",
        "M",
        None,
    ]
    assert parse_province("TP.HCM") == parse_province("Sài Gòn") == "079"
    assert parse_province("Thừa Thiên - Huế") == "046"
    assert parse_province("ĐN") is None  # ambiguous
    assert parse_province("Xã Nghi Lộc, tỉnh Nghệ An") == "040"
    assert parse_province("999") is None


def test_standardize_cccd_structure_and_trail():
    s = standardize("k", "NGUYEN VAN DUC", "3/5/89", "1089012345", "Nam", "HN")
    assert s.reject is None and s.id.value == "001089012345" and s.dob.iso == "1989-05-03"
    assert {t.rule for t in s.trail} >= {"dob_parse", "id_normalize", "sex_code", "province_lookup"}
    assert "id:leading_zeros_restored" in s.flags
    bad = standardize("k", "Nguyễn Thị Lan", "03/05/1989", "001089012345", "Nữ", None)
    assert "cccd:sex_mismatch" in bad.flags


def test_standardize_shares_parsed_fields_but_not_a_records_own_lists():
    """Fields repeat from record to record and their parses are cached; each record still gets its
    own flags and trail (with its own ID), and a change to one record's lists reaches no other."""
    a = standardize("1", "NGUYEN VAN DUC", "3/5/89", "1089012345", "Nam", "HN")
    a.flags.append("changed")
    a.trail.clear()
    b = standardize("2", "NGUYEN VAN DUC", "3/5/89", "2089012345", "Nam", "HN")
    assert b.name is a.name and b.dob is a.dob  # the parses are shared
    assert "changed" not in b.flags and b.flags.count("id:leading_zeros_restored") == 1
    rules = [t.rule for t in b.trail]
    assert rules == ["dob_parse", "id_normalize", "sex_code", "province_lookup"], rules
    assert [t.after for t in b.trail] == ["1989-05-03", "002089012345", "M", "001"]
    # a CCCD whose structure disagrees is flagged from its own digits, not a cached neighbour's
    assert "cccd:unknown_place_code" not in b.flags
    c = standardize("3", "NGUYEN VAN DUC", "3/5/89", "001189012345", "Nam", "HN")
    assert "cccd:sex_mismatch" in c.flags and "cccd:sex_mismatch" not in b.flags


@pytest.mark.parametrize(
    "name, dob, idn, reject",
    [
        ("", "01/01/1990", None, "name_empty"),
        ("NguyÔn V¨n", "01/01/1990", None, "name_legacy_encoding"),
        ("Lê Lợi", "xx", None, "dob_unparseable_and_no_usable_id"),
    ],
)
def test_standardize_rejects(name, dob, idn, reject):
    assert standardize("k", name, dob, idn).reject == reject
