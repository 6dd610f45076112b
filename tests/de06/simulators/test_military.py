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


def _contents(seed: int, tag: str, when, n: int = 3_000) -> list[tuple]:
    """(person, conviction content, random state after it) for ``n`` contents, each from its own
    stream (``tag``:i); ``when(i)``: (an old judgment?, a short sentence?)."""
    import random

    g = sim._Gen(sim.MilitaryParams(initial=1, changes=0, seed=seed), YOUNG, OTHERS)
    out = []
    for i in range(n):
        g.rng = random.Random(f"{tag}:{i}")
        person = g.person()
        old, short = when(i)
        out.append(
            (person, g.content(person, g.judgment_date(person, old=old), short=short), g.rng.getstate())
        )
    return out


def _convictions(seed: int):
    """(sheet, the article's known brackets) of each conviction sheet a small world of ``seed`` sends
    (quarantine faults left out)."""
    world = sim.generate(sim.MilitaryParams(initial=400, changes=400, seed=seed, batches=2), YOUNG, OTHERS)
    for s in world.sheets:
        if s.kind == "conviction" and s.intended != "quarantined":
            yield s, penal.penalty_brackets(s.values["code_version"], s.values["article"])


@pytest.mark.parametrize("seed", [1, 2, 7])
def test_every_sheet_has_a_sentence_its_article_allows_and_a_clause_that_holds_it(seed):
    """The penalty fits the clause written on the sheet (prison no longer than its top, life or death
    only where the clause has it, a fine or reform only where it allows one); the first version of a
    conviction has a term inside that clause's bracket. (A later version may carry a term shortened by
    an amnesty or a reduction, below the bracket the court applied: the clause stays.)"""
    seen: set[tuple[int, str]] = set()
    for s, known in _convictions(seed):
        v = s.values
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
    # Law 86/2025/QH15: no death for embezzlement judged from 1 Jul 2025
    assert sim.lawful_sentence(2015, "353", "TH", None, on=dt.date(2025, 6, 30)) == ("TH", None)
    assert sim.lawful_sentence(2015, "353", "TH", None, on=dt.date(2025, 7, 1)) == ("TCTH", None)


def test_no_death_sentence_for_embezzlement_judged_after_the_2025_amending_law(monkeypatch):
    """The simulator passes each judgment's date to the law: with only embezzlement and the death
    sentence to draw, a judgment from 1 Jul 2025 is life imprisonment, an earlier one death."""
    import random

    monkeypatch.setattr(sim, "CRIMES_2015", {"T353": sim.CRIMES_2015["T353"]})
    monkeypatch.setattr(
        sim, "SENTENCES", {**sim.SENTENCES, **{k: (*v[:2], 0) for k, v in sim.SENTENCES.items() if k != "TH"}}
    )
    g = sim._Gen(sim.MilitaryParams(initial=1, changes=0, seed=1), YOUNG, OTHERS)
    g.rng = random.Random("2025")
    person = g.person()
    assert g.content(person, dt.date(2025, 6, 30))["sentence_code"] == "TH"
    after = g.content(person, dt.date(2025, 7, 1))
    assert (after["sentence_code"], after["clause"]) == ("TCTH", "4")


@pytest.mark.parametrize("seed", [1, 2, 7])
def test_every_sheet_has_a_non_custodial_penalty_its_clause_names(seed):
    """Version 4: no warning (``CC``) under a listed article (none names one), a fine (``PT``) only
    under a clause naming a fine, reform (``CTKG``) only under one naming reform and within its cap."""
    seen: set[str] = set()
    for s, known in _convictions(seed):
        v = s.values
        if not known:
            continue
        (clause,) = [b for b in known if b.clause == v["clause"]]
        code, term = v["sentence_code"], v["term_months"]
        assert code != "CC", (s.ref, v["article"])
        if code == "PT":
            assert clause.fine and term is None, (s.ref, v["article"], v["clause"])
        if code == "CTKG":
            assert clause.reform_months is not None, (s.ref, v["article"], v["clause"])
            assert term <= clause.reform_months, (s.ref, v["article"], v["clause"], term)
        seen.add(code)
    assert {"PT", "CTKG", "TCT"} <= seen


def test_lawful_sentence_writes_the_non_custodial_penalty_the_clause_names():
    # Art. 173(1) names reform only: a fine or a warning becomes 6 months' reform (Art. 36's least)
    assert sim.lawful_sentence(2015, "173", "PT", None) == ("CTKG", 6)
    assert sim.lawful_sentence(2015, "173", "CC", None) == ("CTKG", 6)
    assert sim.lawful_sentence(1999, "138", "PT", None) == ("CTKG", 6)
    # Art. 318(1) names a fine: a warning becomes a fine; its reform is capped at 2 years, as Art. 403(1)'s
    assert sim.lawful_sentence(2015, "318", "CC", None) == ("PT", None)
    assert sim.lawful_sentence(2015, "318", "CTKG", 30) == ("CTKG", 24)
    assert sim.lawful_sentence(2015, "403", "CTKG", 36) == ("CTKG", 24)
    assert sim.lawful_sentence(2015, "402", "CTKG", 36) == ("CTKG", 36)
    assert sim.lawful_sentence(1999, "248", "CC", None) == ("PT", None)
    # kept: Art. 260(1) names a fine and reform up to 3 years; the 1999 Art. 104 was not read
    assert sim.lawful_sentence(2015, "260", "PT", None) == ("PT", None)
    assert sim.lawful_sentence(2015, "260", "CTKG", 30) == ("CTKG", 30)
    assert sim.lawful_sentence(1999, "104", "CC", None) == ("CC", None)


def test_version_4_moves_sentences_not_the_content_draws(monkeypatch, brackets_before_kinds):
    """The kinds and caps read for version 4 change sentences, never a random draw of a conviction's
    content: from the same state, with the clauses as version 3 read them (any clause naming some
    non-custodial penalty allowing a warning, a fine and reform up to 3 years), each content has the
    same person, crime, dates and judgment number and leaves the stream in the same state. (The
    world's later draws depend on the sentence, an expungement due or a term to shorten, so a world of
    the same seed is not the same world: docs/military-sync.md.)"""

    def contents():
        return _contents(4, "content", lambda i: (i % 10 == 0, i % 10 == 0))

    new = contents()
    monkeypatch.setattr(penal, "BRACKETS", brackets_before_kinds)
    old = contents()
    same = ("crime_code", "article", "judgment_no", "judgment_date", "effective_date", "court_code", "clause")
    moved = set()
    for (pn, cn, sn), (po, co, so) in zip(new, old, strict=True):
        assert pn == po and sn == so
        assert [cn[k] for k in same] == [co[k] for k in same]
        if (cn["sentence_code"], cn["term_months"]) != (co["sentence_code"], co["term_months"]):
            moved.add((co["sentence_code"], cn["sentence_code"]))
    assert {("PT", "CTKG"), ("CC", "CTKG"), ("CC", "PT"), ("CTKG", "CTKG")} <= moved, moved
    assert all(was in ("CC", "PT", "CTKG") and now in ("PT", "CTKG") for was, now in moved), moved


def test_the_1999_art_202_as_read_moves_no_military_content(monkeypatch):
    """The 1999 Art. 202 read in its 2009 text (clause 4: reform up to 1 year or prison 3 months-2 years,
    no fine; recalled as a fine, reform up to 1 year or prison 3 months-1 year) changes no content the
    simulator draws: clause 1 still names a fine and reform up to 3 years and holds every term the
    simulator gives a 1999 ``C202`` sheet, so the sentences, terms and clauses are those of the
    recollection and the simulator's version stays 4. Its other 1999 articles are unchanged (104 and
    325 are still not read)."""
    import dataclasses

    assert penal.penalty_brackets(1999, "202")[3] == penal.Bracket("4", 3, 24, reform_months=12)

    def contents():
        return [(c, state) for _, c, state in _contents(12, "content-202", lambda i: (True, i % 2 == 0))]

    new = contents()
    recalled = tuple(
        dataclasses.replace(b, top=12, fine=True) if b.clause == "4" else b
        for b in penal.BRACKETS[(1999, "202")]
    )
    monkeypatch.setitem(penal.BRACKETS, (1999, "202"), recalled)
    monkeypatch.setitem(penal.NEGLIGENT, (1999, "202"), recalled)
    old = contents()
    assert new == old
    assert sum(c["crime_code"] == "C202" for c, _ in new) > 100
