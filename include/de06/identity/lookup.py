"""A citizen by the personal ID a person typed: the certificate preview (``--citizen``) and a
reviewer's ``review decide --link-id`` both find the citizen this way, and both refuse anything but
the 12 ASCII digits of a personal ID (a 9-digit CMND or a phone number read as an ID would reach
another person). Errors mask the ID."""

from __future__ import annotations

import re

from de06.domain.cccd import mask
from de06.errors import InputError

#: A personal ID as typed: exactly 12 ASCII digits (``fullmatch``; no other Unicode digits).
PERSONAL_ID_TEXT = re.compile(r"[0-9]{12}")
BY_CCCD_SQL = "SELECT citizen_id FROM citizen WHERE cccd = %s"


def is_personal_id_text(text: str) -> bool:
    return PERSONAL_ID_TEXT.fullmatch(text) is not None


def citizen_by_personal_id(conn_dancu, personal_id: str, fix: str = "check the 12 digits") -> int:
    """The citizen_id holding a 12-digit personal ID; one line (the ID masked) when none does."""
    with conn_dancu.cursor() as cur:
        cur.execute(BY_CCCD_SQL, (personal_id,))
        row = cur.fetchone()
    if row is None:
        raise InputError(f"no citizen with personal ID {mask(personal_id)} in the population DB", fix)
    return int(row[0])


__all__ = ["PERSONAL_ID_TEXT", "citizen_by_personal_id", "is_personal_id_text"]
