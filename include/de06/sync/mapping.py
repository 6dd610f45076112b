"""Map MoD military-court codes through the versioned reference tables (lltp ``ref_qp_*``).

A code maps only through the reference row valid on the judgment date; anything unknown, missing or
inconsistent yields a :class:`Rejection` naming the problem (the sheet is quarantined, never
guessed). :func:`map_conviction` and :func:`check_expungement` are pure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from de06.domain.penal import clause_conflict, death_abolished, no_record_basis, normal_clause

REF_QUERIES: dict[str, str] = {
    "court": "SELECT code, valid_from, valid_to, court_name, level FROM ref_qp_court",
    "crime": "SELECT code, valid_from, valid_to, crime_name, article, code_version FROM ref_qp_crime",
    "article": (
        "SELECT code_version::text || ':' || article, valid_from, valid_to, article_2015 FROM ref_qp_article"
    ),
    "sentence": "SELECT code, valid_from, valid_to, main_penalty, needs_term FROM ref_qp_sentence",
}


@dataclass(frozen=True)
class Refs:
    """Reference rows by list and code: [(valid_from, valid_to, values...)]."""

    tables: dict[str, dict[str, list[tuple]]]

    def lookup(self, table: str, code: str | None, on: dt.date) -> tuple | None:
        if code is None:
            return None
        for row in self.tables.get(table, {}).get(code, ()):
            if row[0] <= on and (row[1] is None or on < row[1]):
                return row[2:]
        return None


def load_refs(conn_lltp) -> Refs:
    tables: dict[str, dict[str, list[tuple]]] = {}
    with conn_lltp.cursor() as cur:
        for name, q in REF_QUERIES.items():
            cur.execute(q)
            by_code: dict[str, list[tuple]] = defaultdict(list)
            for code, *rest in cur.fetchall():
                by_code[code].append(tuple(rest))
            tables[name] = dict(by_code)
    return Refs(tables)


@dataclass(frozen=True)
class Rejection:
    reason: str  # e.g. "unknown_court_code:QK8"


@dataclass(frozen=True)
class MappedConviction:
    court_name: str
    judgment_no: str
    judgment_date: dt.date
    effective_date: dt.date | None
    crime_name: str
    article: str  # 2015 article
    clause: str | None  # as the sheet states it (NULL on older sheets)
    code_version: int
    main_penalty: str
    penalty_months: int | None
    suspended: bool
    probation_months: int | None
    execution_status: str
    main_end_date: dt.date | None
    expunged: bool
    expunged_on: dt.date | None
    #: Art. 69(2): no criminal record arises (a negligent crime of a less serious or serious
    #: clause), from the article, clause and penalty as the court sent them; None: a record
    no_record_basis: str | None = None

    def as_row(self) -> dict[str, Any]:
        return dict(self.__dict__)


def map_conviction(sheet: dict[str, Any], refs: Refs) -> MappedConviction | Rejection:
    """Map one qp conviction sheet (a dict of its columns) into lltp vocabulary."""
    jdate = sheet.get("judgment_date")
    if not isinstance(jdate, dt.date):
        return Rejection("missing_judgment_date")
    jno = (sheet.get("judgment_no") or "").strip()
    if not jno:
        return Rejection("missing_judgment_no")
    court = refs.lookup("court", sheet.get("court_code"), jdate)
    if court is None:
        return Rejection(f"unknown_court_code:{sheet.get('court_code')}")
    crime = refs.lookup("crime", sheet.get("crime_code"), jdate)
    if crime is None:
        return Rejection(f"unknown_crime_code:{sheet.get('crime_code')}")
    crime_name, crime_article, crime_cv = crime
    cv = sheet.get("code_version") or crime_cv
    art_src = (sheet.get("article") or crime_article).strip()
    article = refs.lookup("article", f"{cv}:{art_src}", jdate)
    if article is None:
        return Rejection(f"unknown_article:{cv}:{art_src}")
    if int(cv) != int(crime_cv) or art_src != crime_article:
        return Rejection(f"article_mismatch:{sheet.get('crime_code')}:{cv}:{art_src}")
    sentence = refs.lookup("sentence", sheet.get("sentence_code"), jdate)
    if sentence is None:
        return Rejection(f"unknown_sentence_code:{sheet.get('sentence_code')}")
    main_penalty, needs_term = sentence
    term = sheet.get("term_months")
    if needs_term and (term is None or term <= 0):
        return Rejection(f"missing_term:{sheet.get('sentence_code')}")
    if term is not None and term < 0:
        return Rejection("negative_term")
    suspended = bool(sheet.get("suspended"))
    if suspended and (main_penalty != "prison" or (term or 0) > 36 or not sheet.get("probation_months")):
        return Rejection("invalid_suspended_sentence")
    expunged = bool(sheet.get("expunged"))
    if expunged and not isinstance(sheet.get("expunged_on"), dt.date):
        return Rejection("expunged_without_date")
    raw_clause = (sheet.get("clause") or "").strip()
    clause = normal_clause(raw_clause)
    if raw_clause and clause is None:
        return Rejection(f"invalid_clause:{raw_clause[:8]}")
    if clause_conflict(int(cv), art_src, clause, main_penalty, term if needs_term else None):
        return Rejection(f"clause_penalty_mismatch:{art_src}:{clause}")
    if main_penalty == "death" and death_abolished(int(cv), art_src, jdate):
        # Law 86/2025/QH15: no court pronounces death under this article from 1 Jul 2025
        return Rejection(f"death_penalty_abolished:{art_src}")
    return MappedConviction(
        court_name=court[0],
        judgment_no=jno,
        judgment_date=jdate,
        effective_date=sheet.get("effective_date"),
        crime_name=crime_name,
        article=article[0],
        clause=clause,
        code_version=int(cv),
        main_penalty=main_penalty,
        penalty_months=term if needs_term else None,
        suspended=suspended,
        probation_months=sheet.get("probation_months") if suspended else None,
        execution_status=(sheet.get("status") or "serving"),
        main_end_date=sheet.get("main_end_date"),
        expunged=expunged,
        expunged_on=sheet.get("expunged_on") if expunged else None,
        # judged on the article under the code the court applied (its brackets), not the 2015 twin
        no_record_basis=no_record_basis(int(cv), art_src, clause),
    )


def check_expungement(sheet: dict[str, Any]) -> Rejection | None:
    """An expungement sheet needs a date and a known basis."""
    if not isinstance(sheet.get("expunged_on"), dt.date):
        return Rejection("expungement_without_date")
    if sheet.get("basis") not in ("automatic", "court", "special"):
        return Rejection(f"unknown_expungement_basis:{sheet.get('basis')}")
    return None
