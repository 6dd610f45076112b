"""CLI audit (s10), the military-sync side: ``--citizen`` digits, the review of a qp item without
candidates, the demo summary's open counts and its "Next:" block, ``quarantine replay --sheet``
of a sheet that is not open, ``review show`` dates of birth in one format, the execution status in
Vietnamese on a synced conviction."""

from __future__ import annotations

import contextlib
import re
import shlex

import click
import pytest
from de06.cli.main import cli, main
from de06.domain.cccd import mask
from de06.sync.runner import SyncOptions, run_sync
from qp_sheets import at, conviction, expungement

pytestmark = pytest.mark.postgres


def _run(args: list[str]) -> int:
    try:
        return main(args)
    except SystemExit as exc:
        return int(exc.code or 0)


def _person(dancu, citizen_id: int) -> tuple[int, str, dict]:
    """A citizen's id and CCCD, and the identity fields a court sheet would carry for them."""
    with dancu.cursor() as cur:
        cur.execute(
            "SELECT citizen_id, cccd, full_name, dob FROM citizen WHERE citizen_id = %s", (citizen_id,)
        )
        cid, cccd, name, dob = cur.fetchone()
    dancu.commit()
    return cid, cccd, {"full_name": name, "dob_text": dob.strftime("%d/%m/%Y"), "id_number": cccd}


def _one(conn, sql: str, args: tuple = ()):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        row = cur.fetchone()
    conn.commit()
    return row


def _check_command(args: list[str]) -> None:
    """``de06 ARGS`` names an existing command, and each of its --options exists."""
    cmd, ctx, path = cli, click.Context(cli), []
    rest = list(args)
    while isinstance(cmd, click.Group):
        word = rest.pop(0)
        sub = cmd.get_command(ctx, word)
        assert sub is not None, f"de06 {' '.join([*path, word])} does not exist"
        cmd, path = sub, [*path, word]
    known = {o for p in cmd.params for o in p.opts}
    assert all(a in known for a in rest if a.startswith("--")), (args, sorted(known))


# --------------------------------------------------------------------------- 5 and 8: certificate
def test_bare_digits_are_never_a_citizen_id(fresh, citizens, pg, capsys):
    qp, dancu = pg("qp"), pg("dancu")
    cid, cccd, who = _person(dancu, citizens[7])
    conviction(qp, "S10C1", 1, at(0), status="postponed", **who)
    run_sync(SyncOptions(run_key="s10-cert"))

    phone = f"0{cid}"  # 10 digits; read as citizen_id it was this very citizen's certificate
    assert _run(["certificate", "preview", "--citizen", phone]) == 1
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert captured.out == "" and err.count("\n") == 0, err
    assert "has 10 digits" in err and "12-digit personal ID" in err and "id:NNN" in err
    assert phone not in err and str(cid) not in err

    for citizen in (f"id:{cid}", cccd):
        assert _run(["certificate", "preview", "--citizen", citizen, "--form", "2"]) == 0
        out = capsys.readouterr().out
        assert mask(cccd) in out and cccd not in out
        assert "Tình trạng thi hành án: hoãn chấp hành án;" in out and "postponed" not in out


# --------------------------------------------------------------------------- 4: review, no candidates
def test_qp_review_item_without_candidates(fresh, citizens, pg, capsys):
    qp, lltp = pg("qp"), pg("lltp")
    nobody = {
        "full_name": "Mùa A Không",
        "dob_text": "01/01/1950",
        "id_number": None,
        "birth_place": "Cà Mau",
    }
    conviction(qp, "S10U1", 1, at(0), **nobody)
    run_sync(SyncOptions(run_key="s10-unmatched"))
    item, cands = _one(
        lltp, "SELECT item_id, candidates FROM review_item WHERE source = 'qp' AND source_key = 'S10U1'"
    )
    assert cands == []

    assert _run(["review", "decide", str(item), "--link", "5"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"item {item} has no candidates" in err, err
    assert "--not-match" in err and "--link-id" in err and "choose one of" not in err

    assert _run(["review", "show", str(item)]) == 0
    out = capsys.readouterr().out
    assert "candidates: none" in out and "--not-match" in out and "Mùa A Không" not in out

    assert _run(["review", "decide", str(item), "--not-match"]) == 0
    capsys.readouterr()
    run_sync(SyncOptions(run_key="s10-unmatched-2"))
    assert _one(lltp, "SELECT citizen_id FROM conviction WHERE source = 'qp' AND source_key = 'S10U1'") == (
        None,
    )


# --------------------------------------------------------------------------- 7: review show dob
def test_review_show_masks_record_and_citizen_dob_alike(fresh, citizens, pg, capsys):
    from de06.cleanse import review as rv
    from de06.identity.matcher import MatchResult

    lltp, dancu = pg("lltp"), pg("dancu")
    a, b = citizens[11], citizens[12]
    res = MatchResult(
        "S10D1",
        "review",
        None,
        "fuzzy",
        5.0,
        ["two_plausible_candidates"],
        [
            {"citizen_id": a, "tier": "fuzzy", "score": 5.0, "reasons": []},
            {"citizen_id": b, "tier": "fuzzy", "score": 4.0, "reasons": []},
        ],
    )
    ident = {"full_name": "Lê Văn Hùng", "dob_text": "03/04/1999", "id_number": None, "birth_place": "Hà Nội"}
    item, _ = rv.enqueue_reviews(lltp, "qp", [rv.ReviewEntry("S10D1", res, "001", ident)])["S10D1"]
    lltp.commit()

    assert _run(["review", "show", str(item)]) == 0
    dob = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("dob "))
    shown = dob[3:].split()
    years = [
        _one(dancu, "SELECT extract(year FROM dob)::int FROM citizen WHERE citizen_id = %s", (c,))[0]
        for c in (a, b)
    ]
    assert shown == ["**/**/1999", *(f"**/**/{y}" for y in years)]

    assert _run(["review", "show", str(item), "--reveal", "--reason", "s10 test"]) == 0
    dob = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("dob "))
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", v) for v in dob[3:].split())


# --------------------------------------------------------------------------- 6 and 7: demo, replay
def test_demo_summary_counts_open_rows(fresh, citizens, pg, capsys):
    from de06.cli.demo import summary_lines

    qp = pg("qp")
    expungement(qp, "S10P1", at(0))
    expungement(qp, "S10P2", at(1))  # its conviction never comes: stays parked
    q1 = conviction(qp, "S10Q1", 1, at(2), clause="khoản 1")
    conviction(qp, "S10Q2", 1, at(3), clause="khoản 2")  # never fixed: stays quarantined
    run_sync(SyncOptions(run_key="s10-summary-1"))
    conviction(qp, "S10P1", 1, at(4))
    run_sync(SyncOptions(run_key="s10-summary-2"))  # applies the parked expungement of S10P1
    with qp.cursor() as cur:
        cur.execute("UPDATE conviction SET clause = '1' WHERE sheet_id = %s", (q1,))
    qp.commit()
    assert _run(["quarantine", "replay", "--sheet", str(q1)]) == 0
    assert "replayed:" in capsys.readouterr().out

    line = next(ln for ln in summary_lines() if ln.startswith("military courts"))
    assert "open quarantine 1," in line and "open parked expungements 1," in line, line
    assert _run(["sync", "status"]) == 0
    assert "open quarantine 1; parked expungements 1" in capsys.readouterr().out


def test_replay_of_a_sheet_that_is_not_open_says_why(fresh, citizens, pg, capsys):
    qp = pg("qp")
    q1 = conviction(qp, "S10R1", 1, at(0), clause="khoản 1")
    q2 = conviction(qp, "S10R2", 1, at(1), clause="khoản 2")  # never fixed: stays quarantined
    run_sync(SyncOptions(run_key="s10-replay"))
    with qp.cursor() as cur:
        cur.execute("UPDATE conviction SET clause = '1' WHERE sheet_id = %s", (q1,))
    qp.commit()
    assert _run(["quarantine", "replay", "--sheet", str(q1)]) == 0
    assert "replayed:" in capsys.readouterr().out

    # a sheet not in the quarantine, or one already resolved: said so, exit 1
    assert _run(["quarantine", "replay", "--sheet", "999999"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "sheet(s) 999999 not in the quarantine" in err, err
    assert _run(["quarantine", "replay", "--sheet", str(q1)]) == 1
    assert f"sheet(s) {q1} already resolved" in capsys.readouterr().err
    # some open: those are replayed, the others named in a warning
    assert _run(["quarantine", "replay", "--sheet", str(q2), "--sheet", "999999"]) == 0
    captured = capsys.readouterr()
    assert "replayed:" in captured.out and "999999 not in the quarantine" in captured.err


def test_demo_ends_with_next_commands_that_exist(fresh, citizens, pg, monkeypatch, capsys):
    """The demo's last block names real commands (the DAG runs themselves are stubbed out here)."""
    from de06 import config
    from de06.cli import demo as D

    qp, dancu = pg("qp"), pg("dancu")
    cid, _cccd, who = _person(dancu, citizens[21])
    conviction(qp, "S10N1", 1, at(0), **who)
    run_sync(SyncOptions(run_key="s10-next"))

    @contextlib.contextmanager
    def fake_server(port=0):
        yield "http://127.0.0.1:1"

    monkeypatch.setattr("de06.db.migrate.upgrade", lambda: {})
    monkeypatch.setattr("de06.simulators.vneid_api.serve_in_thread", fake_server)
    monkeypatch.setattr("de06.airflow_env.environment", lambda: {})
    monkeypatch.setattr(D, "_dag_ids", set)
    monkeypatch.setattr(D, "_build_reports", lambda: None)
    monkeypatch.setattr(D, "report_paths", list)
    assert _run(["demo", "--skip-world"]) == 0
    out = capsys.readouterr().out
    assert "it stops when the demo ends" in out
    block = out.split("\nNext:\n", 1)[1].splitlines()
    commands = [shlex.split(re.split(r"\s{2,}", ln.strip())[0]) for ln in block if ln.strip()]
    assert len(commands) >= 4
    makefile = (config.root() / "Makefile").read_text()
    for argv in commands:
        if argv[0] == "make":
            assert re.search(rf"^{argv[-1]}:", makefile, re.M), argv
            continue
        assert argv[0].endswith("de06"), argv
        _check_command(argv[1:])
    cert = next(a for a in commands if "certificate" in a)
    assert f"id:{cid}" in cert
    assert _run(cert[1:]) == 0
    assert "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 2" in capsys.readouterr().out
