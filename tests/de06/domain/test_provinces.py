"""Province codes and their spelling variants (identity.md §2)."""

from __future__ import annotations

import pytest
from de06.domain import provinces

pytestmark = pytest.mark.unit


def test_sixty_three_unique_codes():
    assert len(provinces.PROVINCES) == 63
    assert len(set(provinces.CODES)) == 63
    assert all(len(c) == 3 and c.isdigit() for c in provinces.CODES)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("001", "001"),
        ("1", "001"),
        ("01", "001"),
        ("Hà Nội", "001"),
        ("HA NOI", "001"),
        ("Thành phố Hà Nội", "001"),
        ("TP.HCM", "079"),
        ("Tp. Hồ Chí Minh", "079"),
        ("Sài Gòn", "079"),
        ("TPHCM", "079"),
        ("T. Nghệ An", "040"),
        ("Tỉnh Tây Ninh", "072"),
        ("Tây Ninh", "072"),
        ("Hoà Bình", "017"),
        ("Hòa Bình", "017"),
        ("Đăk Lăk", "066"),
        ("Daklak", "066"),
        ("TT-Huế", "046"),
        ("Thừa Thiên - Huế", "046"),
        ("BR-VT", "077"),
        ("Bà Rịa–Vũng Tàu", "077"),
        ("Kon-Tum", "062"),
        ("thanh hoa", "038"),
    ],
)
def test_lookup_variants(text, code):
    assert provinces.lookup(text) == code


@pytest.mark.parametrize("text", ["ĐN", "DN", "", None, "003", "999", "Atlantis", "Hà Tây"])
def test_lookup_refuses_ambiguous_unknown_or_former(text):
    assert provinces.lookup(text) is None


def test_fold_is_diacritic_free_and_maps_d_stroke():
    assert provinces.fold("Đắk  Lắk") == "dak lak"
    assert provinces.lookup("ðà nẵng") == provinces.lookup("Đà Nẵng") is not None  # look-alike ð
    assert provinces.fold("Nguyễn Thị Ánh") == "nguyen thi anh"
