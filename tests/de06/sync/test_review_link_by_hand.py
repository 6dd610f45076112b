"""A military-court identity the matcher could not tie (no candidate) can be linked by a person who
found the citizen themselves: by 12-digit personal ID, with a note on how it was checked; the next
sync run applies it (the audit found such items could only be closed as "not a match")."""

from __future__ import annotations

import pytest
from de06.cli.main import main
from de06.sync.runner import SyncOptions, run_sync
from qp_sheets import at, conviction

pytestmark = pytest.mark.postgres


def test_link_a_citizen_found_by_hand(fresh, citizens, pg, capsys):
    qp, lltp, dancu = pg("qp"), pg("lltp"), pg("dancu")
    with dancu.cursor() as cur:
        cur.execute("SELECT citizen_id, cccd FROM citizen WHERE citizen_id = %s", (citizens[7],))
        cid, cccd = cur.fetchone()
    dancu.commit()
    # a name and date nobody in the population has, no ID: no candidate at all
    conviction(qp, "H1", 1, at(0), full_name="Tên Không Có Thật", dob_text="02/02/1902", id_number=None)
    run_sync(SyncOptions(run_key="by-hand-1"))
    with lltp.cursor() as cur:
        cur.execute("SELECT item_id, candidates FROM review_item WHERE source = 'qp' AND source_key = 'H1'")
        item, candidates = cur.fetchone()
    lltp.commit()
    assert candidates == []

    assert main(["review", "decide", str(item), "--link", str(cid)]) == 1
    assert "--link-id" in capsys.readouterr().err  # the message says how to link someone found by hand
    assert main(["review", "decide", str(item), "--link-id", cccd]) == 1
    err = capsys.readouterr().err
    assert "needs --note" in err and cccd not in err
    assert main(["review", "decide", str(item), "--link-id", "999999999999", "--note", "x"]) == 1
    err = capsys.readouterr().err
    assert "no citizen with personal ID 999*******99" in err and "id:NNN" not in err  # not the certificate's
    assert (
        main(["review", "decide", str(item), "--link-id", cccd, "--note", "checked the judgment copy"]) == 0
    )
    capsys.readouterr()

    run_sync(SyncOptions(run_key="by-hand-2"))
    with lltp.cursor() as cur:
        cur.execute("SELECT citizen_id FROM conviction WHERE source = 'qp' AND source_key = 'H1'")
        assert cur.fetchone()[0] == cid
        cur.execute("SELECT note FROM review_decision WHERE item_id = %s", (item,))
        assert cur.fetchone()[0] == "checked the judgment copy"
    lltp.commit()
