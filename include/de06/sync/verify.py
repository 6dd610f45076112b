"""Compare the target with the military simulator's expected final state (``truth`` DB).

For benchmarks and tests only: no pipeline reads the truth DB.
- lost: an expected conviction missing from the target, or holding an older version whose newer
  sheet was never processed, or an expected expungement not recorded;
- stale_overwrites: the target holds an older version although the newer sheet was processed;
- applied_twice: one (conviction, version) inserted/updated twice, or one conviction expunged twice;
- mismatched: same version but different content (mapping error, a clause not carried, or a
  wrong Art. 69(2) no-record basis); unexpected: a conviction in the
  target that the truth says must not be there (a malformed sheet applied).
"""

from __future__ import annotations

from typing import Any

from de06.domain import penal

EXPECTED_SQL = """
SELECT conviction_ref, expected_present, version, judgment_no, article, main_penalty, penalty_months,
       expunged, expunged_on, no_record_basis, clause FROM qp_expected
"""
TARGET_SQL = """
SELECT source_key, source_version, judgment_no, article, main_penalty, penalty_months, expunged, expunged_on,
       no_record_basis, clause
  FROM conviction WHERE source = 'qp'
"""
SEEN_VERSIONS_SQL = """
SELECT source_key, max(source_version) FROM qp_sync_ledger
 WHERE kind = 'conviction' AND outcome <> 'quarantined' GROUP BY source_key
"""
TWICE_SQL = """
SELECT count(*) FROM (
  SELECT 1 FROM conviction_history WHERE source = 'qp' AND change_kind IN ('insert', 'update')
   GROUP BY source_key, source_version HAVING count(*) > 1
  UNION ALL
  SELECT 1 FROM conviction_history WHERE source = 'qp' AND change_kind = 'expunge'
   GROUP BY source_key HAVING count(*) > 1
) t
"""


def compare(conn_lltp, conn_truth) -> dict[str, Any]:
    with conn_truth.cursor() as cur:
        cur.execute(EXPECTED_SQL)
        expected = {r[0]: r[1:] for r in cur.fetchall()}
    with conn_lltp.cursor() as cur:
        cur.execute(TARGET_SQL)
        target = {r[0]: r[1:] for r in cur.fetchall()}
        cur.execute(SEEN_VERSIONS_SQL)
        seen = dict(cur.fetchall())
        cur.execute(TWICE_SQL)
        twice = int(cur.fetchone()[0])
    lost = stale = mismatched = unexpected = 0
    for ref, (present, version, jno, art, pen, months, exp, exp_on, no_record, clause) in expected.items():
        got = target.get(ref)
        if not present:
            unexpected += got is not None
            continue
        if got is None or (got[0] < version and (seen.get(ref) or 0) < version):
            lost += 1
            continue
        if got[0] < version:
            stale += 1
            continue
        if bool(exp) and not got[5]:
            lost += 1
            continue
        if (got[1], got[2], got[3], got[4], bool(got[5]), got[6], got[7], got[8]) != (
            jno,
            art,
            pen,
            months,
            bool(exp),
            exp_on,
            no_record,
            penal.normal_clause(clause),
        ):
            mismatched += 1
    return {
        "expected": sum(1 for v in expected.values() if v[0]),
        "target": len(target),
        "lost": lost,
        "applied_twice": twice,
        "stale_overwrites": stale,
        "mismatched": mismatched,
        "unexpected": unexpected,
    }
