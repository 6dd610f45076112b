"""A card-less visit that claims fund money is not dropped: ingest marks its submission rejected with
the reason (as every validation rejection is), creates no outbox item, and counts it."""

from __future__ import annotations

import pytest
from de06.health import drain as D
from de06.health.inbox import receive
from test_health_domain_s10 import _cardless

pytestmark = pytest.mark.postgres


def test_cardless_visit_with_fund_money_is_rejected_on_ingest(bhxh, pg):
    body = _cardless({"T_TONGCHI_BV": 100_000, "T_TONGCHI_BH": 100_000, "T_BNCCT": 20_000, "T_BHTT": 80_000})
    sub_id, dup = receive(bhxh, "01999_cardless.xml", body, "01999")
    bhxh.commit()
    assert not dup
    stats = D.Stats("cardless-test")
    assert D.ingest(bhxh, pg("dancu"), stats) == 1
    assert (stats.rejected, stats.submissions) == (1, 0)
    with bhxh.cursor() as cur:
        cur.execute("SELECT status, reason, counts FROM submission WHERE submission_id = %s", (sub_id,))
        status, reason, counts = cur.fetchone()
        cur.execute("SELECT count(*) FROM outbox_item WHERE submission_id = %s", (sub_id,))
        items = cur.fetchone()[0]
    assert status == "rejected" and counts is None and items == 0
    assert reason.startswith("HOSO 1 XML1: insurance amounts without a BHYT card")
    assert "001188012345" not in reason and "Nguyễn" not in reason
