"""Domain review (bhyt.md, clinic_xml.md, identity.md §4): card-less visits carry no fund money, a
simulated card's benefit level and money split follow the card, one passport rule for validator and
normaliser."""

from __future__ import annotations

import base64
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from de06.health.validate import check_submission
from de06.identity.ids import normalize_id
from de06.simulators import clinics as C

pytestmark = pytest.mark.unit
EXAMPLE = (Path(__file__).with_name("data") / "spec_example.xml").read_bytes()
TODAY = date(2025, 1, 1)

#: bhyt.md §1, "Benefit levels" table, copied here on purpose (not imported from the code under test).
LEVEL_OF_GROUP = {
    **dict.fromkeys(["CC", "TE"], 1),
    **dict.fromkeys(["CK", "CB", "KC", "HN", "DT", "DK", "XD", "BT", "TS"], 2),
    **dict.fromkeys(["HT", "TC", "CN"], 3),
    **dict.fromkeys(
        "DN HX CH NN TK HC XK TB NO XB TN CS XN MS HD TQ TA TY HG LS PV HS SV GB GD CT".split(), 4
    ),
    **dict.fromkeys(["QN", "CA", "CY"], 5),
}
FUND_PERCENT = {1: 100, 2: 100, 3: 95, 4: 80, 5: 100}


def _swap_inner(env: bytes, kind: str, pairs: list[tuple[str, str]]) -> bytes:
    """Decode the inner table ``kind``, replace each ``old`` by ``new`` once, re-encode."""
    text = env.decode("utf-8")
    m = re.search(rf"(<LOAIHOSO>{kind}</LOAIHOSO>\s*<NOIDUNGFILE>)([^<]+)(</NOIDUNGFILE>)", text)
    inner = base64.b64decode(m.group(2)).decode("utf-8")
    for old, new in pairs:
        assert old in inner, old
        inner = inner.replace(old, new, 1)
    return (text[: m.start(2)] + base64.b64encode(inner.encode()).decode() + text[m.end(2) :]).encode("utf-8")


def _cardless(money: dict[str, int]) -> bytes:
    """The spec example without its card (XML1 and the XML14 copy), with the given XML1 totals."""
    env = _swap_inner(
        EXAMPLE,
        "XML1",
        [
            ("<MA_THE_BHYT>DN4010112233445</MA_THE_BHYT>", "<MA_THE_BHYT/>"),
            ("<MA_DKBD>01999</MA_DKBD>", "<MA_DKBD/>"),
            ("<GT_THE_TU>20240101</GT_THE_TU>", "<GT_THE_TU/>"),
            ("<GT_THE_DEN>20241231</GT_THE_DEN>", "<GT_THE_DEN/>"),
        ]
        + [(f"<{k}>0</{k}>", f"<{k}>{v}</{k}>") for k, v in money.items()],
    )
    return _swap_inner(
        env,
        "XML14",
        [
            ("<MA_THE_BHYT>DN4010112233445</MA_THE_BHYT>", "<MA_THE_BHYT/>"),
            ("<GT_THE_DEN>20241231</GT_THE_DEN>", "<GT_THE_DEN/>"),
        ],
    )


# ---- 1. a visit without a card carries no fund money (bhyt.md §4) ----------------------------------


def test_cardless_patient_paid_visit_is_accepted():
    r = check_submission(_cardless({"T_TONGCHI_BV": 100_000, "T_BNTT": 100_000}), today=TODAY)
    assert (r.outcome, r.reason) == ("accepted", None)


@pytest.mark.parametrize(
    "money, named",
    [
        # the fund pays 80% of a visit that has no card
        (
            {"T_TONGCHI_BV": 100_000, "T_TONGCHI_BH": 100_000, "T_BNCCT": 20_000, "T_BHTT": 80_000},
            "T_TONGCHI_BH, T_BHTT, T_BNCCT are not 0",
        ),
        # the fund pays it all
        ({"T_TONGCHI_BV": 100_000, "T_TONGCHI_BH": 100_000, "T_BHTT": 100_000}, "T_TONGCHI_BH, T_BHTT are"),
        # decimals are money too
        ({"T_TONGCHI_BV": 1, "T_TONGCHI_BH": "0.5", "T_BHTT": "0.5", "T_BNTT": "0.5"}, "T_BHTT are not 0"),
    ],
)
def test_cardless_visit_with_fund_money_is_rejected(money, named):
    r = check_submission(_cardless(money), today=TODAY)
    assert r.outcome == "rejected", "a visit without a card must not claim fund money"
    assert r.reason.startswith("HOSO 1 XML1: insurance amounts without a BHYT card (MA_THE_BHYT is empty")
    assert named in r.reason and "send the card code" in r.reason and "patient-paid" in r.reason
    # no raw ID or name in the message (the project masks PII everywhere)
    assert "001188012345" not in r.reason and "Nguyễn" not in r.reason
    assert not re.search(r"\d{9}", r.reason)


# ---- 2. the simulated card's benefit level and money split follow the card (bhyt.md §1) -----------

PEOPLE = {
    "adult": [
        C.Person("001188012345", "Nguyễn Thị Lan", date(1988, 3, 15), "F", "001", "0112233445"),
        C.Person("079089000111", "Trần Văn Bình", date(1989, 1, 2), "M", "079", "7900000111"),
        C.Person("020090004567", "Lê Văn Hùng", date(1990, 7, 9), "M", "020", None),
    ],
    "child": [
        C.Person("001216000123", "Lê Minh An", date(2016, 6, 1), "M", "001", None, "Lê Thị Hoa", "001")
    ],
}
PEOPLE["child_no_vneid"] = PEOPLE["child"]


@pytest.fixture(scope="module")
def visits() -> list[dict[str, str]]:
    """XML1 of 300 generated envelopes (no faults), as the validator parsed them."""
    out = []
    for s in C.generate(PEOPLE, C.facilities(), 300, 11, datetime(2025, 10, 1, 8), {}):
        r = check_submission(s.body)
        assert r.outcome == "accepted", (s.label, r.reason)
        out += [ep.xml1 for ep in r.envelope.episodes]
    return out


def test_simulated_card_level_is_the_groups_level(visits):
    cards = [x["MA_THE_BHYT"] for x in visits if x["MA_THE_BHYT"]]
    assert len(cards) > 50
    wrong = sorted({c[:3] for c in cards if int(c[2]) != LEVEL_OF_GROUP[c[:2]]})
    assert not wrong, f"group and benefit level disagree with bhyt.md §1: {wrong}"


def test_simulated_money_split_follows_the_cards_level(visits):
    levels = set()
    for x in visits:
        total, paid, own = (Decimal(x[k]) for k in ("T_TONGCHI_BH", "T_BHTT", "T_BNCCT"))
        card = x["MA_THE_BHYT"]
        if not card:
            assert total == paid == own == 0 and Decimal(x["T_BNTT"]) == Decimal(x["T_TONGCHI_BV"])
            continue
        level = int(card[2])
        levels.add(level)
        assert total > 0
        assert paid * 100 == total * FUND_PERCENT[level], (card[:3], x["T_TONGCHI_BH"], x["T_BHTT"])
        assert own == total - paid
    assert {1, 3, 4} <= levels  # 100 %, 95 % and 80 % all exercised


def test_te_cards_are_level_1_and_fully_paid(visits):
    """TE (children under 6, incl. the newborn's temporary card) is level 1: the fund pays 100 %."""
    te = [x for x in visits if x["MA_THE_BHYT"].startswith("TE")]
    assert any(x["MA_BENH_CHINH"] == "Z38.0" for x in te)  # newborns among them
    for x in te:
        assert x["MA_THE_BHYT"][2] == "1"
        assert x["T_BNCCT"] == "0" and x["T_BHTT"] == x["T_TONGCHI_BH"] != "0"


# ---- 3. SO_CCCD passports: 1 upper-case letter + 7 digits (identity.md §4) ------------------------


def _validator_accepts_so_cccd(value: str) -> bool:
    env = _swap_inner(EXAMPLE, "XML1", [("<SO_CCCD>001188012345</SO_CCCD>", f"<SO_CCCD>{value}</SO_CCCD>")])
    r = check_submission(env, today=TODAY)
    assert r.outcome == "accepted" or "SO_CCCD" in r.reason, r.reason
    return r.outcome == "accepted"


@pytest.mark.parametrize(
    "value, passport", [("B1234567", True), ("N7654321", True), ("A12345678", False), ("C1234567X", False)]
)
def test_validator_holds_so_cccd_to_the_portal_passport_rule(value, passport):
    assert _validator_accepts_so_cccd(value) is passport
    if passport:  # what the portal accepts, the identity normaliser reads as a passport too
        assert normalize_id(value).kind == "passport"
