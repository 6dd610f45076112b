"""The military-court simulator writes only sentences the law allows (no database: hand-made people)."""

from __future__ import annotations

import datetime as dt

import pytest
from de06.domain import penal
from de06.simulators import military as sim

pytestmark = pytest.mark.unit


def _people(first_id: int, name: str, born: int, years: int, sex: str, prefix: str, n: int) -> list:
    """``n`` hand-made citizens: the simulator needs no database to draw their convictions."""
    return [
        sim.Person(
            first_id + i,
            f"{name} {chr(65 + i % 26)}",
            dt.date(born + i % years, 1 + i % 12, 1 + i % 27),
            sex,
            f"{prefix}{i:08d}",
            None,
            "01" if sex == "M" else "79",
        )
        for i in range(n)
    ]


YOUNG = _people(1000, "Nguyễn Văn", 1996, 8, "M", "0012", 40)
OTHERS = _people(2000, "Trần Thị", 1970, 20, "F", "0013", 20)


@pytest.mark.parametrize("seed", [1, 2, 7])
def test_every_sheet_has_a_sentence_its_article_allows_and_a_clause_that_holds_it(seed):
    """The penalty fits the clause written on the sheet (prison no longer than its top, life or death
    only where the clause has it, a fine or reform only where it allows one); the first version of a
    conviction has a term inside that clause's bracket. (A later version may carry a term shortened by
    an amnesty or a reduction, below the bracket the court applied: the clause stays.)"""
    world = sim.generate(sim.MilitaryParams(initial=400, changes=400, seed=seed, batches=2), YOUNG, OTHERS)
    seen: set[tuple[int, str]] = set()
    for s in world.sheets:
        if s.kind != "conviction" or s.intended == "quarantined":
            continue
        v = s.values
        known = penal.penalty_brackets(v["code_version"], v["article"])
        if not known:
            assert (v["code_version"], v["article"]) in {(1999, "104"), (1999, "325")}
            continue
        seen.add((v["code_version"], v["article"]))
        penalty, term = sim.SENTENCES[v["sentence_code"]][0], v["term_months"]
        (clause,) = [b for b in known if b.clause == v["clause"]]
        assert clause.allows(penalty, term), (s.ref, v["article"], v["clause"], penalty, term)
        assert penal.lawful_clause(v["code_version"], v["article"], penalty, term) is not None
        if v["suspended"]:  # Art. 65: only prison of 3 years or less is suspended
            assert penalty == "prison" and term <= 36, (s.ref, v["article"], term)
        if penalty == "prison":
            assert term <= max(b.top for b in known)
            if s.version == 1:
                assert clause.low <= term, (s.ref, v["article"], v["clause"], term)
                assert v["clause"] == penal.lawful_clause(v["code_version"], v["article"], penalty, term)
    assert len(seen) >= 15  # most articles were drawn


def test_lawful_sentence_examples():
    # Art. 321 gambling tops at 7 years: life becomes 7 years' prison, 20 years become 7
    assert sim.lawful_sentence(2015, "321", "TCTH", None) == ("TCT", 84)
    assert sim.lawful_sentence(2015, "321", "TCT", 240) == ("TCT", 84)
    # Art. 414: 20 years become 7 (clause 2)
    assert sim.lawful_sentence(2015, "414", "TCT", 240) == ("TCT", 84)
    assert penal.simulated_clause(2015, "414", "prison", 84) == "2"
    # Art. 174 allows life, not death
    assert sim.lawful_sentence(2015, "174", "TH", None) == ("TCTH", None)
    assert sim.lawful_sentence(2015, "123", "TH", None) == ("TH", None)
    # Art. 251 has no non-custodial clause: a fine becomes the lightest bracket's bottom (2 years)
    assert sim.lawful_sentence(2015, "251", "PT", None) == ("TCT", 24)
    # Art. 123: 6 years falls between clause 3 (1-5 y) and clause 2 (7-15 y)
    assert sim.lawful_sentence(2015, "123", "TCT", 72) == ("TCT", 84)
    # not read: kept as drawn
    assert sim.lawful_sentence(1999, "325", "TCT", 240) == ("TCT", 240)
