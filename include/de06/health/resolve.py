"""Resolve the person of an entry against the population DB (``dancu``, read-only role).

Precision first: an entry goes to a book only when the 12-digit ID (or a legacy CMND, or for a
newborn the birth time + sex + guardian's name) points at exactly one citizen whose birth year, sex,
name (diacritic-insensitive: clinic systems drop diacritics) and BHYT number (when both exist) agree.
Anything else is parked with a reason and retried when the population data changes.
A child without their own VNeID account is attached to the guardian's book. A book counts as active
when its owner has a VNeID account and is alive (the VNeID API applies the same rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from de06.domain.provinces import fold

CITIZENS_BY_CCCD = """
SELECT c.cccd, c.full_name, c.dob, c.sex, c.bhxh_no, c.has_vneid AND NOT c.is_deceased,
       g.cccd, g.has_vneid AND NOT g.is_deceased
FROM citizen c LEFT JOIN citizen g ON g.citizen_id = c.guardian_id
WHERE c.cccd = ANY(%s::bpchar[])  -- char(12): a text[] would force a seq scan
"""
CITIZENS_BY_CMND = """
SELECT DISTINCT ON (k.cmnd) k.cmnd, c.cccd FROM (
    SELECT cmnd, citizen_id FROM citizen WHERE cmnd = ANY(%(ids)s)
    UNION SELECT cmnd, citizen_id FROM citizen_cmnd WHERE cmnd = ANY(%(ids)s)) k
JOIN citizen c USING (citizen_id)
WHERE (SELECT count(DISTINCT citizen_id) FROM (
    SELECT citizen_id FROM citizen WHERE cmnd = k.cmnd
    UNION SELECT citizen_id FROM citizen_cmnd WHERE cmnd = k.cmnd) u) = 1
"""
NEWBORN_CANDIDATES = """
SELECT c.cccd, g.full_name FROM citizen c JOIN citizen g ON g.citizen_id = c.guardian_id
WHERE c.dob = %s AND c.sex = %s
"""
POPULATION_MARK = "SELECT max(updated_at) FROM citizen"


@dataclass
class Resolution:
    citizen_id: str | None
    book_owner_id: str | None
    park_reason: str | None


def _sex(code: str) -> str | None:
    return {"1": "M", "2": "F"}.get(code)


def _agrees(ident: dict, row) -> str | None:
    """None when the XML identity agrees with the citizen row, else the reason."""
    _cccd, name, dob, sex, bhxh_no, *_ = row
    ns = ident.get("ngay_sinh", "")
    if ns[:4].isdigit() and int(ns[:4]) != dob.year:
        return "birth_year_differs_from_population"
    if _sex(ident.get("gioi_tinh", "")) not in (None, sex):
        return "sex_differs_from_population"
    if ident.get("ho_ten") and fold(ident["ho_ten"]) != fold(name):
        return "name_differs_from_population"
    card = ident.get("ma_the_bhyt", "")
    if card and bhxh_no and len(card) == 15 and card[5:] != bhxh_no.strip():
        return "bhyt_number_differs_from_population"
    return None


def _owner(row) -> tuple[str | None, str | None]:
    cccd, *_rest, has_vneid, guardian, guardian_vneid = row
    if has_vneid:
        return cccd.strip(), None
    if guardian and guardian_vneid:
        return guardian.strip(), None
    return None, "no_vneid_book_for_child_or_guardian"


def resolve_many(dancu_conn, identities: list[dict]) -> list[Resolution]:
    """Resolve a batch (one query per kind of key)."""
    ids12 = sorted({i["so_cccd"] for i in identities if re.fullmatch(r"\d{12}", i.get("so_cccd", ""))})
    ids9 = sorted({i["so_cccd"] for i in identities if re.fullmatch(r"\d{9}", i.get("so_cccd", ""))})
    cmnd_to_cccd: dict[str, str] = {}
    with dancu_conn.cursor() as cur:
        if ids9:
            cur.execute(CITIZENS_BY_CMND, {"ids": ids9})
            cmnd_to_cccd = {k: v.strip() for k, v in cur.fetchall()}
        want = sorted(set(ids12) | set(cmnd_to_cccd.values()))
        rows = {}
        if want:
            cur.execute(CITIZENS_BY_CCCD, (want,))
            rows = {r[0].strip(): r for r in cur.fetchall()}
        out = []
        for ident in identities:
            so = ident.get("so_cccd", "")
            if not so:
                out.append(_newborn(cur, ident, rows))
                continue
            key = cmnd_to_cccd.get(so) if len(so) == 9 else so
            row = rows.get(key or "")
            if row is None:
                out.append(
                    Resolution(
                        None, None, "citizen_not_in_population" if len(so) == 12 else "id_not_resolvable"
                    )
                )
                continue
            bad = _agrees(ident, row)
            if bad:
                out.append(Resolution(None, None, bad))
                continue
            owner, why = _owner(row)
            out.append(Resolution(row[0].strip(), owner, why) if owner else Resolution(None, None, why))
    return out


def _newborn(cur, ident: dict, rows: dict) -> Resolution:
    """No ID: a newborn (§6) is matched by birth date, sex and the guardian's name, exactly one.

    A birth time of ``0000`` is kept: for a newborn it is midnight (§6: newborns carry the full time),
    and the match uses the date only; an unknown day or month (``00``) cannot match.
    """
    ns, sex = ident.get("ngay_sinh", ""), _sex(ident.get("gioi_tinh", ""))
    if len(ns) != 12 or sex is None:
        return Resolution(None, None, "no_id_and_not_a_newborn")
    from datetime import date

    try:
        dob = date(int(ns[:4]), int(ns[4:6]), int(ns[6:8]))
    except ValueError:
        return Resolution(None, None, "no_id_and_not_a_newborn")
    cur.execute(NEWBORN_CANDIDATES, (dob, sex))
    hits = [c.strip() for c, gname in cur.fetchall() if fold(gname) == fold(ident.get("ho_ten", ""))]
    if len(hits) != 1:
        return Resolution(
            None, None, "newborn_awaiting_birth_registration" if not hits else "newborn_ambiguous"
        )
    cur.execute(CITIZENS_BY_CCCD, ([hits[0]],))
    row = cur.fetchone()
    owner, why = _owner(row)
    return Resolution(hits[0], owner, why) if owner else Resolution(None, None, why)


def population_mark(dancu_conn):
    with dancu_conn.cursor() as cur:
        cur.execute(POPULATION_MARK)
        return cur.fetchone()[0]
