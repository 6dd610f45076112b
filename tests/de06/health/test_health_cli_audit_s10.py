"""CLI audit (s10): ``simulate clinics --no-inbox`` said "sent 10 envelope(s)" although nothing was
sent; it says the envelopes were generated and not sent, and the inbox stays as it was."""

from __future__ import annotations

import pytest
from de06.cli.main import main

pytestmark = pytest.mark.postgres


def test_no_inbox_says_nothing_was_sent(people, bhxh, tmp_path, capsys):
    with bhxh.cursor() as cur:
        cur.execute("SELECT (SELECT count(*) FROM submission), (SELECT count(*) FROM sim_sent)")
        before = cur.fetchone()
    bhxh.commit()
    args = ["simulate", "clinics", "--count", "4", "--seed", "3", "--people", "50", "--no-inbox"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("generated 4 envelope(s) (not sent: --no-inbox): ") and "sent 4" not in out, out
    assert f"files in {tmp_path}" in out and len(list(tmp_path.iterdir())) == 4
    with bhxh.cursor() as cur:
        cur.execute("SELECT (SELECT count(*) FROM submission), (SELECT count(*) FROM sim_sent)")
        assert cur.fetchone() == before
    bhxh.commit()
