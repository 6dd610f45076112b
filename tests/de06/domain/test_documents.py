"""Passport numbers (identity.md §4) and the BHYT card's benefit level (bhyt.md §1)."""

from __future__ import annotations

import pytest
from de06.domain import documents as D
from de06.identity.ids import normalize_id

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("value", ["B1234567", "N0000000", "Z9999999"])
def test_passport_is_one_upper_case_letter_and_seven_digits(value):
    assert D.is_passport(value)
    assert normalize_id(value).kind == "passport"


@pytest.mark.parametrize(
    "value",
    [
        "A12345678",  # 8 digits: not a Vietnamese passport
        "B123456",  # 6 digits
        "b1234567",  # lower case as written (the normaliser upper-cases first)
        "AB1234567",  # two letters
        "B1234567\n",  # a trailing newline does not pass
        "B١٢٣٤٥٦٧",  # non-ASCII digits
    ],
)
def test_not_a_passport(value):
    assert not D.is_passport(value)


def test_a_judicial_record_may_hold_a_foreign_passport():
    # the BHXH portal's rule is for Vietnamese passports; a foreigner's (E + 8 digits) is still a
    # passport to the identity normaliser, not an invalid ID (never used for matching either way)
    assert not D.is_passport("E12345678") and D.is_recorded_passport("E12345678")
    assert normalize_id("E12345678").kind == "passport" and not normalize_id("E12345678").usable
    assert not D.is_recorded_passport("E123456789")


def test_normaliser_folds_case_and_separators_before_the_passport_rule():
    assert (normalize_id("b 123 4567").kind, normalize_id("b 123 4567").value) == ("passport", "B1234567")


@pytest.mark.parametrize(
    "card, level, fund", [("TE1202020893987", 1, 100), ("HT3790112233445", 3, 95), ("DN4010112233445", 4, 80)]
)
def test_benefit_level_is_the_cards_third_character(card, level, fund):
    assert D.benefit_level(card) == level
    assert D.FUND_PAYS_PERCENT[level] == fund


@pytest.mark.parametrize("card", ["", "DN401011223344", "DN6010112233445", "dn4010112233445"])
def test_benefit_level_of_a_malformed_card_is_an_error(card):
    with pytest.raises(ValueError, match="not a 15-character BHYT card code"):
        D.benefit_level(card)
