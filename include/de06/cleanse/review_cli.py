"""Text views of the review queue for ``de06 review`` (masked unless revealed with a logged reason)."""

from __future__ import annotations

from datetime import UTC, datetime

from de06.cleanse.review import mask_identity, mask_place
from de06.errors import InputError

FIELDS = ("full_name", "dob", "sex", "id", "birth_province", "deceased")


def list_items(province: str | None, source: str | None, status: str, limit: int) -> list[str]:
    from de06.db import connect
    from de06.identity.fields import parse_province

    code = None
    if province is not None:
        code = parse_province(province) if province.strip() else None
        if code is None:
            raise InputError(
                f"unknown province {province[:30]!r}", "use a 3-digit code (001..096) or a province name"
            )
    conn = connect("lltp")
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT item_id, source, source_key, province, created_at,"
                " jsonb_array_length(candidates), score,"
                " reasons FROM review_item WHERE status = %s AND (%s::text IS NULL OR province = %s)"
                " AND (%s::text IS NULL OR source = %s) ORDER BY created_at, item_id LIMIT %s",
                (status, code, code, source, source, limit),
            )
            rows = cur.fetchall()
    finally:
        conn.close()
    now = datetime.now(UTC)
    lines = ["item\tsource\tkey\tprovince\tage_days\tcandidates\tscore\treasons"]
    for item, src, key, prov, created, ncand, score, reasons in rows:
        age = (now - created).days
        why = ",".join(r for r in reasons if not r.startswith(("name:", "dob:", "id:", "sex:", "province:")))
        lines.append(f"{item}\t{src}\t{key}\t{prov or '-'}\t{age}\t{ncand}\t{score}\t{why}")
    return lines


def _dob_text(dob, precision: str | None) -> str:
    """A citizen's date of birth written as the sources write theirs (dd/mm/yyyy, or the year alone
    when only the year is known), so record and candidates mask alike (**/**/1990)."""
    return dob.strftime("%d/%m/%Y") if precision != "Y" else str(dob.year)


def show_item(item_id: int, reveal: bool, reason: str | None, who: str) -> str:
    from de06.cli import check_reveal
    from de06.db import connect

    check_reveal(reveal, reason)
    lltp = connect("lltp")
    dancu = connect("dancu")
    try:
        with lltp.cursor() as cur:
            cur.execute(
                "SELECT source, source_key, province, status, identity, candidates, reasons, score,"
                " created_at"
                " FROM review_item WHERE item_id = %s",
                (item_id,),
            )
            row = cur.fetchone()
            if row is None:
                raise InputError(
                    f"review item {item_id} does not exist", "list items with `de06 review list`"
                )
            if reveal:
                cur.execute(
                    "INSERT INTO review_reveal (item_id, revealed_by, reason) VALUES (%s, %s, %s)",
                    (item_id, who, reason.strip()),
                )
        lltp.commit()
        source, key, prov, status, ident, cands, reasons, score, created = row
        ids = [int(c["citizen_id"]) for c in cands]
        people = {}
        if ids:
            with dancu.cursor() as cur:
                cur.execute(
                    "SELECT citizen_id, full_name, dob, dob_precision, sex, cccd, birth_province, is_deceased"
                    " FROM citizen WHERE citizen_id = ANY (%s)",
                    (ids,),
                )
                for cid, name, dob, precision, sex, cccd, bp, dead in cur.fetchall():
                    people[cid] = {
                        "full_name": name,
                        "dob": _dob_text(dob, precision),
                        "sex": sex,
                        "id": cccd,
                        "birth_province": bp,
                        "deceased": "yes" if dead else "no",
                    }
    finally:
        lltp.close()
        dancu.close()
    rec = {
        "full_name": ident.get("full_name"),
        "dob": ident.get("dob_text"),
        "sex": ident.get("sex_text"),
        "id": ident.get("id_number"),
        "birth_province": ident.get("birth_place"),
        "deceased": "",
    }

    def view(d: dict) -> dict:
        if reveal:
            return d
        m = mask_identity({"full_name": d.get("full_name"), "dob": d.get("dob"), "id_number": d.get("id")})
        return {
            **d,
            "full_name": m["full_name"],
            "dob": m["dob"],
            "id": m["id_number"],
            "birth_province": mask_place(d.get("birth_province")),
        }

    cols = [("record", view(rec))] + [(f"citizen {cid}", view(people.get(cid, {}))) for cid in ids]
    width = 24
    out = [
        f"item {item_id} ({source} {key}) status={status} province={prov or '-'} score={score} "
        f"created={created:%Y-%m-%d}" + ("  [REVEALED, logged]" if reveal else "  [masked]")
    ]
    out.append("".ljust(16) + "".join(name[: width - 1].ljust(width) for name, _ in cols))
    for f in FIELDS:
        out.append(f.ljust(16) + "".join(str(d.get(f) or "")[: width - 1].ljust(width) for _, d in cols))
    for c in cands:
        out.append(
            f"candidate {c['citizen_id']}: tier={c['tier']} score={c['score']} "
            f"reasons={','.join(c['reasons'])}"
        )
    if not cands:
        out.append(
            "candidates: none (the matcher found no plausible citizen): nothing to link;"
            f" `de06 review decide {item_id} --not-match` closes the item, the record stays unlinked"
        )
    out.append("why review: " + ",".join(r for r in reasons if ":" not in r or r.startswith("gate:")))
    return "\n".join(out)
