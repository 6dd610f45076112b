"""The BHXH receiving side: store an envelope in the inbox, recognising byte-identical resubmissions."""

from __future__ import annotations

import hashlib

INSERT_SUBMISSION = """
INSERT INTO submission (facility_code, file_name, sha256, body)
VALUES (%(facility)s, %(file_name)s, %(sha)s, %(body)s)
ON CONFLICT (sha256) DO NOTHING
RETURNING submission_id
"""
INSERT_DUPLICATE = """
INSERT INTO submission_duplicate (submission_id, file_name)
SELECT submission_id, %(file_name)s FROM submission WHERE sha256 = %(sha)s
RETURNING submission_id
"""


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def receive(conn, file_name: str, body: bytes, facility: str | None = None) -> tuple[int, bool]:
    """Insert one envelope (caller commits). Returns ``(submission_id, is_duplicate)``."""
    params = {"facility": facility, "file_name": file_name, "sha": sha256(body), "body": body}
    with conn.cursor() as cur:
        cur.execute(INSERT_SUBMISSION, params)
        row = cur.fetchone()
        if row:
            return row[0], False
        cur.execute(INSERT_DUPLICATE, params)
        return cur.fetchone()[0], True
