"""Penal Code rules (de06.domain.penal) on the worked examples of judicial_records.md section 3."""

from __future__ import annotations

from datetime import date

import pytest
from de06.domain import penal

pytestmark = pytest.mark.unit


def test_crime_classes_follow_art9_thresholds():
    assert [penal.crime_class(m) for m in (12, 36, 37, 84, 85, 180, 181)] == [
        "less_serious",
        "less_serious",
        "serious",
        "serious",
        "very_serious",
        "very_serious",
        "extremely_serious",
    ]
    assert penal.crime_class(None) == "extremely_serious"


@pytest.mark.parametrize(
    ("cv", "article", "clause", "expected"),
    [
        # the worked example: Art. 260(1) (bracket tops at 5 years: serious) -> no record
        (2015, "260", "1", penal.ART69_NEGLIGENT),
        (2015, "260", "4", penal.ART69_NEGLIGENT),  # risk-only clause: less serious
        (2015, "260", "2", None),  # 3-10 years: very serious, the record stays
        (2015, "260", "3", None),
        (2015, "128", "1", penal.ART69_NEGLIGENT),
        (2015, "128", "2", None),
        (2015, "260", "01", penal.ART69_NEGLIGENT),  # a clause written with a leading zero
        (1999, "202", "1", penal.ART69_NEGLIGENT),  # old judgments: the 1999 article ...
        (1999, "260", "1", penal.ART69_NEGLIGENT),  # ... or its 2015 number, as the sync stores it
        (1999, "98", "2", None),
        (2015, "202", "1", None),  # 202 is not a 2015 negligent article
        (2015, "173", "1", None),  # theft is intentional: Art. 69(2) never applies
        # Art. 406 negligently revealing military secrets ("vô ý" in the article's own words):
        # (1) reform <= 2 y or prison 3 months-2 y, less serious; (2) prison 1-5 y, serious.
        # Neither clause tops above 7 years, so no 406 conviction leaves a record.
        (2015, "406", "1", penal.ART69_NEGLIGENT),
        (2015, "406", "2", penal.ART69_NEGLIGENT),
        (2015, "406", "3", None),  # Art. 406 has two clauses: a third is not ours to read
        (1999, "406", "1", None),  # no 1999 twin is listed (its 1999 text was not read)
        (2015, "404", "1", None),  # intentionally revealing military secrets
        # Art. 414: "làm mất" (losing) carries no fault word, only the damaging is "vô ý", and
        # both acts share each clause; Art. 407 (losing military secret documents) likewise
        (2015, "414", "1", None),
        (2015, "414", "2", None),
        (2015, "407", "1", None),
        (2015, "260", "9", None),  # a clause we do not know keeps the record
        # no clause: the record stays, whatever the penalty (Art. 54(1) lets a court applying
        # clause 2, very serious, go down into clause 1's fine)
        (2015, "260", None, None),
        (2015, "260", "", None),
        (2015, "260", "khoản 1", None),
    ],
)
def test_no_record_basis(cv, article, clause, expected):
    assert penal.no_record_basis(cv, article, clause) == expected


@pytest.mark.parametrize(
    ("clause", "penalty", "months", "conflict"),
    [
        ("1", "prison", 96, True),  # 8 years above clause 1's 5-year top: a corrupt sheet
        ("4", "prison", 60, True),
        ("2", "life", None, True),
        ("1", "prison", 60, False),
        ("2", "prison", 6, False),  # below the bracket: lawful (Art. 54)
        ("2", "fine", None, False),  # into the next lighter bracket: lawful (Art. 54(1))
        (None, "prison", 300, False),  # no clause: nothing to contradict
        ("9", "prison", 300, False),  # an unknown clause: not ours to judge
    ],
)
def test_clause_conflict(clause, penalty, months, conflict):
    assert penal.clause_conflict(2015, "260", clause, penalty, months) is conflict
    assert penal.clause_conflict(2015, "173", clause, penalty, months) is False


@pytest.mark.parametrize(
    ("clause", "penalty", "months", "conflict"),
    [
        ("1", "prison", 30, True),  # Art. 406(1) tops at 2 years
        ("1", "prison", 24, False),
        ("1", "reform", 24, False),
        ("2", "prison", 72, True),  # Art. 406(2) tops at 5 years
        ("2", "prison", 60, False),
        ("2", "prison", 3, False),  # below the bracket: lawful (Art. 54)
        ("2", "life", None, True),
    ],
)
def test_clause_conflict_art406(clause, penalty, months, conflict):
    assert penal.clause_conflict(2015, "406", clause, penalty, months) is conflict


def test_art406_brackets_read_from_the_law():
    assert [(b.clause, b.low, b.top, b.fine, b.reform_months) for b in penal.brackets(2015, "406")] == [
        ("1", 3, 24, False, 24),  # reform <= 2 y or prison 3 months-2 y: no fine
        ("2", 12, 60, False, None),
    ]
    assert [b.crime_class for b in penal.brackets(2015, "406")] == ["less_serious", "serious"]
    assert penal.lawful_clause(2015, "406", "reform", 12) == "1"
    assert penal.lawful_clause(2015, "406", "prison", 6) == "1"
    assert penal.lawful_clause(2015, "406", "prison", 30) == "2"
    assert penal.lawful_clause(2015, "406", "prison", 80) == "2"  # above every bracket: the heaviest
    assert penal.brackets(2015, "414") == ()


def test_lawful_clause_picks_a_bracket_that_holds_the_penalty():
    assert penal.lawful_clause(2015, "260", "fine", None) == "1"
    assert penal.lawful_clause(2015, "260", "prison", 6) == "4"
    assert penal.lawful_clause(2015, "260", "prison", 24) == "1"
    assert penal.lawful_clause(2015, "260", "prison", 72) == "2"
    assert penal.lawful_clause(2015, "260", "prison", 150) == "3"
    assert penal.lawful_clause(2015, "260", "prison", 240) == "3"  # above every bracket: the heaviest
    assert penal.lawful_clause(2015, "999", "prison", 24) is None  # an article not known


def test_expungement_waits_for_an_additional_penalty_that_outlasts_the_period():
    # 2 years' prison ending 10/05/2021: expunged 10/05/2023 ...
    w = penal.waiting_months("prison", 24, False)
    assert penal.expunge_due(date(2021, 5, 10), w, date(2021, 6, 1)) == date(2023, 5, 10)
    # ... unless a 36-month ban from posts, running from release, ends later (Art. 70(3))
    ban_end = penal.additional_end(36, date(2019, 5, 10), date(2021, 5, 10), "prison", False)
    assert ban_end == date(2024, 5, 10)
    assert penal.expunge_due(date(2021, 5, 10), w, date(2021, 6, 1), ban_end) == date(2024, 5, 10)
    # a suspended sentence's ban runs from the judgment's effect
    assert penal.additional_end(12, date(2022, 3, 15), date(2024, 3, 15), "prison", True) == date(2023, 3, 15)
    assert penal.additional_end(None, date(2022, 3, 15), None, "fine", False) is None
    # supervision after a life sentence runs from release, which is not known
    assert penal.additional_end(24, date(2022, 3, 15), None, "life", False) is None
    reform_ban = penal.additional_end(12, date(2022, 3, 15), date(2022, 9, 15), "reform", False)
    assert reform_ban == date(2023, 3, 15)  # from the judgment's effect, not from the reform's end
    assert penal.expunge_date("prison", date(2019, 5, 10), 24, False, None, ban_end) == date(2024, 5, 10)
    assert penal.expunge_date("death", date(2019, 5, 10), None, False, None) is None


# ------------------------------------------------ brackets of every article the simulators draw


def test_brackets_of_the_drawn_articles_are_the_law():
    """Literal values of the 2015 Code (as amended in 2017) and the 1999 Code (as amended in 2009)."""
    B = penal.Bracket
    # Art. 173 theft: four clauses, the heaviest 12-20 years, no life
    assert penal.penalty_brackets(2015, "173") == (
        B("1", 6, 36, reform_months=36),
        B("2", 24, 84),
        B("3", 84, 180),
        B("4", 144, 240),
    )
    # Art. 321 gambling and Art. 318 public disorder top at 7 years
    assert penal.penalty_brackets(2015, "321") == (B("1", 6, 36, fine=True, reform_months=36), B("2", 36, 84))
    assert penal.penalty_brackets(2015, "318") == (B("1", 3, 24, fine=True, reform_months=24), B("2", 24, 84))
    # Art. 414: two clauses, (1) reform <= 3 y or 6 months-5 y, (2) 3-7 y
    assert penal.penalty_brackets(2015, "414") == (B("1", 6, 60, reform_months=36), B("2", 36, 84))
    # Art. 123 murder: life or death only in clause 1; clause 3 is preparation
    assert penal.penalty_brackets(2015, "123") == (
        B("1", 144, 240, life=True, death=True),
        B("2", 84, 180),
        B("3", 12, 60),
    )
    # Art. 251: clause 4 is "20 năm, tù chung thân hoặc tử hình"
    assert penal.penalty_brackets(2015, "251")[-1] == B("4", 240, 240, life=True, death=True)
    # Art. 134: life in clause 5 only; clause 6 (preparation) allows reform
    assert [b.clause for b in penal.penalty_brackets(2015, "134") if b.life] == ["5"]
    assert penal.penalty_brackets(2015, "134")[-1] == B("6", 3, 24, reform_months=24)
    # 1999: Art. 138(4) 12-20 y or life; Art. 316(4) 20 y, life or death; Art. 248 tops at 7 years
    assert penal.penalty_brackets(1999, "138")[-1] == B("4", 144, 240, life=True)
    assert penal.penalty_brackets(1999, "316")[-1] == B("4", 240, 240, life=True, death=True)
    assert penal.penalty_brackets(1999, "248") == (B("1", 3, 36, fine=True, reform_months=36), B("2", 24, 84))
    assert penal.penalty_brackets(1999, "173") == penal.penalty_brackets(1999, "138")  # its 2015 number
    # not read: no brackets, the simulator keeps its convention
    assert penal.penalty_brackets(1999, "104") == () and penal.penalty_brackets(1999, "325") == ()


def test_brackets_hold_the_negligent_table_unchanged():
    for key, clauses in penal.NEGLIGENT.items():
        assert penal.BRACKETS[key] == clauses
    assert not any(b.life or b.death for cs in penal.NEGLIGENT.values() for b in cs)
    # the negligent rules read NEGLIGENT only: an intentional article has no Art. 69(2) brackets
    assert penal.brackets(2015, "173") == () and penal.no_record_basis(2015, "321", "1") is None
    assert not penal.clause_conflict(2015, "321", "4", "life", None)


@pytest.mark.parametrize(
    ("cv", "article", "penalty", "months", "clause"),
    [
        (2015, "414", "prison", 240, "2"),  # above every bracket: the heaviest
        (2015, "414", "prison", 48, "1"),
        (2015, "414", "reform", 24, "1"),
        (2015, "321", "prison", 60, "2"),
        (2015, "321", "fine", None, "1"),
        (2015, "123", "death", None, "1"),
        (2015, "123", "prison", 96, "2"),
        (2015, "123", "prison", 30, "3"),
        (2015, "134", "life", None, "5"),
        (2015, "173", "prison", 150, "3"),
        (1999, "316", "death", None, "4"),
        (1999, "104", "prison", 30, None),
    ],
)
def test_lawful_clause_is_the_first_whose_bracket_holds_the_penalty(cv, article, penalty, months, clause):
    assert penal.lawful_clause(cv, article, penalty, months) == clause


def test_only_prison_of_three_years_or_less_may_be_suspended():
    assert penal.may_suspend("prison", 36) and penal.may_suspend("prison", 3)
    assert not penal.may_suspend("prison", 37)
    assert not any(penal.may_suspend(p, 12) for p in ("warning", "fine", "reform", "life", "death"))
    assert not penal.may_suspend("prison", None)


def test_a_life_or_death_clause_allows_what_it_says():
    life_only = penal.penalty_brackets(2015, "174")[-1]
    assert life_only.allows("life", None) and not life_only.allows("death", None)
    assert not penal.penalty_brackets(2015, "173")[-1].allows("life", None)
    assert penal.penalty_brackets(2015, "353")[-1].allows("death", None)


# ------------------------------------ brackets read for simulator version 10 (were the convention)


def test_brackets_of_the_articles_read_for_simulator_version_10_are_the_law():
    """Literal values of the 2015 Code as amended in 2017 (Bộ pháp điển, topic 16.1), and of the 1999
    Art. 111 as amended in 2009; until version 10 these articles kept the simulators' convention."""
    B = penal.Bracket
    assert penal.penalty_brackets(2015, "141") == (
        B("1", 24, 84),
        B("2", 84, 180),
        B("3", 144, 240, life=True),
        B("4", 60, 120),  # victim aged 16-17
    )
    assert penal.penalty_brackets(2015, "142") == (
        B("1", 84, 180),
        B("2", 144, 240),
        B("3", 240, 240, life=True, death=True),
    )
    assert penal.penalty_brackets(2015, "170") == (
        B("1", 12, 60),
        B("2", 36, 120),
        B("3", 84, 180),
        B("4", 144, 240),
    )
    assert penal.penalty_brackets(2015, "178") == (
        B("1", 6, 36, fine=True, reform_months=36),
        B("2", 24, 84),
        B("3", 60, 120),
        B("4", 120, 240),
    )
    # Art. 188 smuggling: a fine is a main penalty in clauses 1-3; clause 6 (legal entities) is no bracket
    assert penal.penalty_brackets(2015, "188") == (
        B("1", 6, 36, fine=True),
        B("2", 36, 84, fine=True),
        B("3", 84, 180, fine=True),
        B("4", 144, 240),
    )
    for art in ("250", "354"):  # clause 4: "20 năm, tù chung thân hoặc tử hình"
        assert penal.penalty_brackets(2015, art) == (
            B("1", 24, 84),
            B("2", 84, 180),
            B("3", 180, 240),
            B("4", 240, 240, life=True, death=True),
        )
    assert penal.penalty_brackets(2015, "255")[-1] == B("4", 240, 240, life=True)  # no death
    assert penal.penalty_brackets(2015, "322") == (B("1", 12, 60, fine=True), B("2", 60, 120))
    assert penal.penalty_brackets(2015, "323") == (
        B("1", 6, 36, fine=True, reform_months=36),
        B("2", 36, 84),
        B("3", 84, 120),
        B("4", 120, 180),
    )
    assert penal.penalty_brackets(2015, "330") == (B("1", 6, 36, reform_months=36), B("2", 24, 84))
    assert penal.penalty_brackets(2015, "332") == (B("1", 3, 24, reform_months=24), B("2", 12, 60))
    assert penal.penalty_brackets(2015, "341") == (
        B("1", 6, 24, fine=True, reform_months=36),
        B("2", 24, 60),
        B("3", 36, 84),
    )
    assert penal.penalty_brackets(2015, "364") == (
        B("1", 6, 36, fine=True, reform_months=36),
        B("2", 24, 84),
        B("3", 84, 144),
        B("4", 144, 240),
    )
    # the 1999 Art. 111 as amended in 2009 (no death penalty), also under its 2015 number
    assert penal.penalty_brackets(1999, "111") == penal.penalty_brackets(2015, "141")
    assert penal.penalty_brackets(1999, "141") == penal.penalty_brackets(1999, "111")
    assert [b.crime_class for b in penal.penalty_brackets(2015, "141")] == [
        "serious",
        "very_serious",
        "extremely_serious",
        "very_serious",
    ]
    # read but left out on purpose (penal.BRACKETS' comment): its life draws would move the
    # judicial simulator's random stream; and the 1999 twins not read stay unknown
    assert penal.penalty_brackets(2015, "150") == ()
    assert all(penal.penalty_brackets(1999, a) == () for a in ("112", "119", "194", "249", "289"))
    # none of them is negligent: Art. 69(2) never applies
    assert all(penal.brackets(2015, a) == () for a in ("141", "170", "322", "332", "341"))
    assert penal.no_record_basis(2015, "332", "1") is None


@pytest.mark.parametrize(
    ("cv", "article", "drawn", "months", "lawful"),
    [
        (2015, "141", "prison", 300, ("prison", 240)),  # above the article's top: brought inside
        (2015, "141", "prison", 12, ("prison", 24)),  # below its lightest bracket: raised to 2 years
        (2015, "141", "life", None, ("life", None)),
        (2015, "141", "death", None, ("life", None)),  # no death in Art. 141
        (2015, "142", "prison", 24, ("prison", 84)),
        (2015, "142", "death", None, ("death", None)),
        (2015, "170", "reform", 24, ("prison", 24)),  # no reform in Art. 170
        (2015, "170", "prison", 6, ("prison", 12)),
        (2015, "178", "reform", 24, ("reform", 24)),
        (2015, "188", "fine", None, ("fine", None)),
        (2015, "250", "prison", 12, ("prison", 24)),
        (2015, "255", "prison", 18, ("prison", 24)),
        (2015, "322", "prison", 9, ("prison", 12)),
        (2015, "322", "fine", None, ("fine", None)),
        (2015, "323", "prison", 240, ("prison", 180)),
        (2015, "330", "life", None, ("prison", 84)),  # no life: the heaviest bracket's top
        (2015, "332", "prison", 96, ("prison", 60)),
        (2015, "341", "prison", 120, ("prison", 84)),
        (2015, "354", "fine", None, ("prison", 24)),
        (2015, "364", "life", None, ("prison", 240)),
        (1999, "111", "death", None, ("life", None)),  # the 2009 text allows life, not death
        (2015, "150", "life", None, ("life", None)),  # not listed: the draw is kept
    ],
)
def test_lawful_penalty_on_the_articles_read_for_version_10(cv, article, drawn, months, lawful):
    assert penal.lawful_penalty(cv, article, drawn, months) == lawful


@pytest.mark.parametrize(
    ("cv", "article", "penalty", "months", "clause"),
    [
        (2015, "141", "prison", 84, "1"),  # 7 years ends clause 1 and opens clause 2: the first
        (2015, "141", "prison", 96, "2"),
        (2015, "141", "prison", 240, "3"),
        (2015, "141", "life", None, "3"),
        (2015, "142", "prison", 180, "1"),
        (2015, "142", "prison", 216, "2"),
        (2015, "142", "life", None, "3"),
        (2015, "170", "prison", 150, "3"),
        (2015, "178", "fine", None, "1"),
        (2015, "178", "prison", 180, "4"),
        (2015, "188", "fine", None, "1"),
        (2015, "188", "prison", 48, "2"),
        (2015, "250", "prison", 60, "1"),  # the convention said 2
        (2015, "250", "death", None, "4"),
        (2015, "255", "prison", 240, "3"),
        (2015, "255", "life", None, "4"),
        (2015, "322", "prison", 96, "2"),
        (2015, "323", "prison", 108, "3"),
        (2015, "330", "prison", 48, "2"),
        (2015, "332", "reform", 12, "1"),
        (2015, "341", "prison", 30, "2"),
        (2015, "354", "prison", 84, "1"),
        (2015, "364", "prison", 120, "3"),
        (1999, "111", "prison", 60, "1"),
        (1999, "141", "life", None, "3"),  # the 1999 twin under its 2015 number
        (2015, "150", "prison", 96, "3"),  # not listed: the convention (3 up to 15 years)
    ],
)
def test_simulated_clause_on_the_articles_read_for_version_10(cv, article, penalty, months, clause):
    assert penal.simulated_clause(cv, article, penalty, months) == clause


# ------------------------ which non-custodial penalty each clause names (simulator versions 11 / 4)


#: Every clause of :data:`penal.BRACKETS` naming a non-custodial main penalty: (code version, article,
#: clause, a fine?, the reform cap in months or None).
NAMED = [
    # Bộ pháp điển, topic 16.1 (van-ban/hinh-su/hinh-su.md at fbaa690e), each clause's "thì bị phạt ..."
    (2015, "128", "1", False, 36),  # "phạt cải tạo không giam giữ đến 03 năm hoặc phạt tù từ 01 năm ..."
    (2015, "134", "1", False, 36),
    (2015, "134", "6", False, 24),  # preparation: "cải tạo không giam giữ đến 02 năm"
    (2015, "173", "1", False, 36),  # no fine: clause 5's fine is an additional penalty
    (2015, "174", "1", False, 36),
    (2015, "175", "1", False, 36),
    (2015, "178", "1", True, 36),  # "phạt tiền từ 10.000.000 đồng đến 50.000.000 đồng, phạt cải tạo ..."
    (2015, "188", "1", True, None),  # "phạt tiền ... hoặc phạt tù": a fine and no reform
    (2015, "188", "2", True, None),
    (2015, "188", "3", True, None),
    (2015, "260", "1", True, 36),
    (2015, "260", "4", True, 12),  # "phạt cải tạo không giam giữ đến 01 năm"
    (2015, "318", "1", True, 24),
    (2015, "321", "1", True, 36),
    (2015, "322", "1", True, None),
    (2015, "323", "1", True, 36),
    (2015, "330", "1", False, 36),
    (2015, "332", "1", False, 24),
    (2015, "341", "1", True, 36),  # reform up to 3 years, prison only up to 2
    (2015, "364", "1", True, 36),
    (2015, "402", "1", False, 36),
    (2015, "403", "1", False, 24),
    (2015, "406", "1", False, 24),
    (2015, "414", "1", False, 36),
    # 1999: Art. 98 as recalled (not read); Art. 202 as read in its 2009 text: (4) names reform, no fine
    (1999, "98", "1", False, 36),
    (1999, "202", "1", True, 36),
    (1999, "202", "4", False, 12),
    (1999, "138", "1", False, 36),
    (1999, "248", "1", True, 36),
]


@pytest.mark.parametrize(("cv", "article", "clause", "fine", "reform_months"), NAMED)
def test_each_clause_names_its_fine_and_its_reform_cap(cv, article, clause, fine, reform_months):
    (b,) = [b for b in penal.penalty_brackets(cv, article) if b.clause == clause]
    assert (b.fine, b.reform_months, b.warning) == (fine, reform_months, False)
    assert b.allows("fine", None) is fine
    assert b.allows("reform", 6) is (reform_months is not None)
    assert not b.allows("warning", None)


def test_only_the_clauses_read_name_a_non_custodial_penalty_and_none_a_warning():
    named = {(cv, art, b.clause) for (cv, art), cs in penal.BRACKETS.items() for b in cs if b.non_custodial}
    assert named == {(cv, art, clause) for cv, art, clause, _, _ in NAMED}
    assert not any(b.warning for cs in penal.BRACKETS.values() for b in cs)  # no "phạt cảnh cáo"


def test_a_clause_allows_a_reform_up_to_its_cap_and_only_the_kinds_it_names():
    art406_1, art406_2 = penal.brackets(2015, "406")
    assert art406_1.allows("reform", 24) and not art406_1.allows("reform", 30)
    assert not art406_1.allows("fine", None) and not art406_2.allows("reform", 12)
    art260_4 = penal.brackets(2015, "260")[3]
    assert art260_4.allows("reform", 12) and art260_4.allows("fine", None)
    assert not art260_4.allows("reform", 18)
    art188_1 = penal.penalty_brackets(2015, "188")[0]
    assert art188_1.allows("fine", None) and not art188_1.allows("reform", 6)
    assert not penal.penalty_brackets(2015, "173")[0].allows("fine", None)


@pytest.mark.parametrize(
    ("cv", "article", "drawn", "months", "lawful"),
    [
        # a fine where only reform is named: the least reform (Art. 36: 6 months), or the term drawn, capped
        (2015, "173", "fine", None, ("reform", 6)),
        (2015, "406", "fine", None, ("reform", 6)),
        (2015, "402", "fine", 12, ("reform", 12)),
        (2015, "332", "fine", 30, ("reform", 24)),
        (1999, "138", "fine", None, ("reform", 6)),
        # a reform where only a fine is named (Arts. 188, 322): a fine, without a term
        (2015, "188", "reform", 24, ("fine", None)),
        (2015, "322", "reform", 12, ("fine", None)),
        # a reform above every clause's cap: the largest cap
        (2015, "318", "reform", 30, ("reform", 24)),
        (2015, "403", "reform", 36, ("reform", 24)),
        (2015, "260", "reform", 30, ("reform", 30)),  # clause 1 allows 3 years, clause 4 only 1
        (2015, "134", "reform", 30, ("reform", 30)),  # clause 1 allows 3 years, clause 6 only 2
        # a warning (no listed clause names one): a fine where one is named, else reform, else prison
        (2015, "318", "warning", None, ("fine", None)),
        (2015, "260", "warning", None, ("fine", None)),
        (2015, "188", "warning", None, ("fine", None)),
        (1999, "248", "warning", None, ("fine", None)),
        (2015, "173", "warning", None, ("reform", 6)),
        (2015, "251", "warning", None, ("prison", 24)),  # neither: the lightest bracket's bottom, as before
        # kept: the kind is named and the term within the cap
        (2015, "321", "fine", None, ("fine", None)),
        (2015, "173", "reform", 36, ("reform", 36)),
        (2015, "318", "reform", 24, ("reform", 24)),
        (2015, "170", "fine", None, ("prison", 12)),  # no non-custodial penalty at all: prison, as before
        (1999, "104", "warning", None, ("warning", None)),  # not read: the draw is kept
        (2015, "173", "discipline", 12, ("discipline", 12)),
    ],
)
def test_lawful_penalty_gives_the_non_custodial_penalty_a_clause_names(cv, article, drawn, months, lawful):
    assert penal.lawful_penalty(cv, article, drawn, months) == lawful
    kind, term = lawful
    if penal.penalty_brackets(cv, article) and kind != "discipline":
        clause = penal.lawful_clause(cv, article, kind, term)
        (b,) = [b for b in penal.penalty_brackets(cv, article) if b.clause == clause]
        assert b.allows(kind, term)


def test_the_clause_named_is_the_first_holding_the_penalty_by_kind_and_cap(monkeypatch):
    assert penal.lawful_clause(2015, "188", "fine", None) == "1"
    assert penal.lawful_clause(2015, "134", "reform", 30) == "1"  # clause 6 caps reform at 2 years
    assert penal.lawful_clause(2015, "260", "reform", 12) == "1"
    # an article whose lighter clause caps reform lower than a later one (none of the Code's listed
    # articles is so ordered): the first clause that names the kind and holds the term
    B = penal.Bracket
    made_up = (B("1", 3, 12, fine=True, reform_months=12), B("2", 6, 36, reform_months=36), B("3", 36, 84))
    monkeypatch.setitem(penal.BRACKETS, (2015, "999"), made_up)
    assert penal.lawful_clause(2015, "999", "reform", 12) == "1"
    assert penal.lawful_clause(2015, "999", "reform", 18) == "2"
    assert penal.lawful_clause(2015, "999", "fine", None) == "1"
    assert penal.simulated_clause(2015, "999", "reform", 30) == "2"


@pytest.mark.parametrize(
    ("cv", "article", "clause", "penalty", "months", "conflict"),
    [
        (2015, "406", "1", "reform", 30, True),  # Art. 406(1) caps reform at 2 years
        (2015, "406", "1", "reform", 24, False),
        (2015, "406", "2", "reform", 30, True),  # no reform in (2): only (1)'s, down to which Art. 54 goes
        (2015, "406", "2", "reform", 24, False),
        (2015, "260", "4", "reform", 18, True),  # Art. 260(4) caps reform at 1 year
        (2015, "260", "4", "reform", 12, False),
        (2015, "260", "1", "reform", 36, False),
        (2015, "260", "2", "reform", 30, False),  # down into clause 1's 3 years (Art. 54(1))
        (2015, "128", "1", "reform", 40, True),  # above Art. 36's 3 years
        (1999, "202", "4", "reform", 18, True),
        (1999, "202", "1", "reform", 36, False),
        # a lighter kind is never a conflict (Art. 54(1) down into a fine, Art. 54(3) a lighter kind)
        (2015, "406", "1", "fine", None, False),
        (2015, "260", "1", "warning", None, False),
        (2015, "128", "2", "fine", None, False),
        (2015, "173", "1", "reform", 48, False),  # not a negligent article: not judged
    ],
)
def test_clause_conflict_for_a_reform_above_the_clause_cap(cv, article, clause, penalty, months, conflict):
    assert penal.clause_conflict(cv, article, clause, penalty, months) is conflict


def test_clause_conflict_for_a_reform_under_a_fine_only_clause(monkeypatch):
    """No negligent article has a clause naming a fine and no reform; were Art. 188 one, a reform
    under its lightest clause 1 is a lighter kind than its prison (Art. 54(3)), so not a conflict up to
    Art. 36's 3 years, and above them always one."""
    monkeypatch.setitem(penal.NEGLIGENT, (2015, "188"), penal.BRACKETS[(2015, "188")])
    assert not penal.clause_conflict(2015, "188", "1", "reform", 12)
    assert penal.clause_conflict(2015, "188", "1", "reform", 48)
    assert penal.clause_conflict(2015, "188", "2", "prison", 96)


# ------------------------------------------- the 1999 texts read for judicial simulator version 12


def test_the_1999_art_202_is_its_2009_text():
    """Art. 202 as amended in 2009 (luatdaiduonglong.com; the 1999 text on vietjack.me agrees): the
    recollection had clause 4 as the 2015 Art. 260(4), a fine, reform up to 1 year or prison 3 months-1
    year; the text reads "phạt cải tạo không giam giữ đến một năm hoặc phạt tù từ ba tháng đến hai năm"."""
    B = penal.Bracket
    read = (
        B("1", 6, 60, fine=True, reform_months=36),
        B("2", 36, 120),
        B("3", 84, 180),
        B("4", 3, 24, reform_months=12),
    )
    assert penal.brackets(1999, "202") == read == penal.penalty_brackets(1999, "260")
    assert penal.BRACKETS[(1999, "202")] == read
    # Art. 69(2): clauses 1 and 4 leave no record (serious, less serious), 2 and 3 do (very serious)
    assert [penal.no_record_basis(1999, "202", c) for c in "1234"] == [
        penal.ART69_NEGLIGENT,
        None,
        None,
        penal.ART69_NEGLIGENT,
    ]
    assert [b.crime_class for b in read] == ["serious", "very_serious", "very_serious", "less_serious"]
    # 18 or 24 months' prison under clause 4 is lawful now (the sync applies such a sheet, no record);
    # above 2 years it is a mismatch, and so is a reform above 1 year; a fine is never one (Art. 54)
    assert not penal.clause_conflict(1999, "202", "4", "prison", 24)
    assert not penal.clause_conflict(1999, "260", "4", "prison", 18)
    assert penal.clause_conflict(1999, "202", "4", "prison", 30)
    assert penal.clause_conflict(1999, "202", "4", "reform", 18)
    assert not penal.clause_conflict(1999, "202", "4", "fine", None)
    # the simulators' penalties under it do not move: clause 1 still names a fine and holds 1-2 years
    assert penal.lawful_penalty(1999, "202", "fine", None) == ("fine", None)
    assert penal.lawful_clause(1999, "202", "prison", 18) == "1"
    assert penal.lawful_clause(1999, "202", "prison", 4) == "4"
    # its sibling Art. 98 was not read (no copy found): the earlier recollection, unchanged
    assert penal.brackets(1999, "98") == (B("1", 6, 60, reform_months=36), B("2", 36, 120))
    assert penal.no_record_basis(1999, "98", "1") == penal.ART69_NEGLIGENT


def test_brackets_of_the_1999_articles_read_for_judicial_version_12():
    """Literal values of the 1999 Arts. 93, 133, 135 and 278 (penal.BRACKETS names the copies), also
    under their 2015 numbers, as a 1999 conviction stored by its 2015 article keeps them."""
    B = penal.Bracket
    art93 = (B("1", 144, 240, life=True, death=True), B("2", 84, 180))
    art133 = (B("1", 36, 120), B("2", 84, 180), B("3", 144, 240), B("4", 216, 240, life=True, death=True))
    art135 = (B("1", 12, 60), B("2", 36, 120), B("3", 84, 180), B("4", 144, 240))
    art278 = (B("1", 24, 84), B("2", 84, 180), B("3", 180, 240), B("4", 240, 240, life=True, death=True))
    for art, twin, read in (("93", "123", art93), ("133", "168", art133), ("135", "170", art135)):
        assert penal.penalty_brackets(1999, art) == read == penal.penalty_brackets(1999, twin)
    assert penal.penalty_brackets(1999, "278") == art278 == penal.penalty_brackets(1999, "353")
    # none names a non-custodial main penalty, none is negligent (Art. 69(2) never applies)
    assert not any(b.non_custodial for cs in (art93, art133, art135, art278) for b in cs)
    assert all(penal.brackets(1999, a) == () for a in ("93", "133", "135", "278"))
    assert penal.no_record_basis(1999, "135", "1") is None
    # the 1999 robbery allows death in clause 4, which its 2015 twin (Art. 168) does not
    assert penal.penalty_brackets(1999, "133")[-1].allows("death", None)
    assert not penal.penalty_brackets(2015, "168")[-1].allows("death", None)
    # not read (no copy of their clauses found) or, for Art. 119, read and left out for the judicial
    # simulator's random stream: no brackets
    unread = ("104", "112", "119", "136", "139", "140", "143", "153", "194", "197", "230", "245")
    unread += ("249", "250", "257", "259", "267", "279", "289", "325")
    assert all(penal.penalty_brackets(1999, a) == () for a in unread)


@pytest.mark.parametrize(
    ("article", "drawn", "months", "lawful", "clause"),
    [
        ("93", "death", None, ("death", None), "1"),
        ("93", "life", None, ("life", None), "1"),
        ("93", "prison", 96, ("prison", 96), "2"),  # the convention for a grave crime said 2 as well
        ("93", "prison", 216, ("prison", 216), "1"),  # above clause 2's 15 years: clause 1, not 2
        ("93", "prison", 60, ("prison", 84), "2"),  # below the lightest bracket: raised to 7 years
        ("133", "prison", 60, ("prison", 60), "1"),  # the convention said 2 (up to 7 years)
        ("133", "prison", 156, ("prison", 156), "2"),
        ("133", "death", None, ("death", None), "4"),
        ("135", "reform", 24, ("prison", 24), "1"),  # no reform in Art. 135: prison, the term kept
        ("135", "prison", 6, ("prison", 12), "1"),  # below its 1 year: raised
        ("135", "prison", 84, ("prison", 84), "2"),
        ("278", "fine", None, ("prison", 24), "1"),  # no fine as a main penalty: 2 years' prison
        ("278", "prison", 18, ("prison", 24), "1"),
        ("278", "prison", 180, ("prison", 180), "2"),
        ("278", "life", None, ("life", None), "4"),
    ],
)
def test_lawful_penalty_and_clause_under_the_1999_articles_read_for_version_12(
    article, drawn, months, lawful, clause
):
    assert penal.penalty_brackets(1999, article), article  # read for version 12
    assert penal.lawful_penalty(1999, article, drawn, months) == lawful
    assert penal.simulated_clause(1999, article, *lawful) == clause


def test_the_2025_amending_law_takes_death_out_of_eight_articles_from_1_july_2025():
    before, after = date(2025, 6, 30), date(2025, 7, 1)
    for article in ("250", "353", "354"):  # the three of them in the simulators' tables
        assert penal.lawful_penalty(2015, article, "death", None, on=before) == ("death", None)
        assert penal.lawful_penalty(2015, article, "death", None, on=after) == ("life", None)
        assert penal.lawful_penalty(2015, article, "death", None) == ("death", None)  # no date given
        assert penal.lawful_penalty(2015, article, "life", None, on=after) == ("life", None)
    # murder, rape of a child under 16 and drug trafficking keep it
    for article in ("123", "142", "251"):
        assert penal.lawful_penalty(2015, article, "death", None, on=after) == ("death", None)
    assert all(penal.death_abolished(2015, a, after) for a in penal.DEATH_ABOLISHED_ARTICLES)
    assert not any(penal.death_abolished(2015, a, before) for a in penal.DEATH_ABOLISHED_ARTICLES)
    # a 1999 judgment keeps its own code (its embezzlement is Art. 278, stored also as 353)
    assert not penal.death_abolished(1999, "353", after)
    assert penal.lawful_penalty(1999, "278", "death", None, on=date(2010, 3, 1)) == ("death", None)
