"""CLI audit of a clean clone (s10): bad input is refused before any work with one line naming the
problem and the fix, and what the commands print says what happened.

- ``demo --size huge`` ran the migrations, then crashed with KeyError; a bad ``DE06_API_PORT`` was a
  ValueError traceback from ``de06 env`` (and from ``demo`` after its world build).
- ``health drain --concurrency 0`` / ``--batch-size -1`` reached the drain (ValueError, psycopg2).
- ``quality validate nosuch`` told the user to "pass conn_id and sql yourself" (no such flags) and
  listed no dataset; ``rollout report /nonexistent.tsv`` to "leave the param empty" (DAG wording).
- ``certificate preview --citizen 0962016389`` read a phone number as citizen_id 962016389.
- Certificates printed the execution status in English inside the Vietnamese text.
- ``cleanse runs`` printed no header row.
"""

from __future__ import annotations

import datetime as dt

import click
import pytest
from de06.cli.main import main
from de06.errors import InputError


def _run(args: list[str]) -> int:
    try:
        return main(args)
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.fixture
def no_work(monkeypatch):
    """Any migration or database connection fails the test: the refusal must come first."""

    def refuse(*_a, **_k):
        raise AssertionError("work started before the input was checked")

    monkeypatch.setattr("de06.db.migrate.upgrade", refuse)
    monkeypatch.setattr("de06.db.connect", refuse)
    monkeypatch.setattr("de06.db.server.info", refuse)


# --------------------------------------------------------------------------- 1. demo --size
@pytest.mark.unit
def test_demo_refuses_an_unknown_size_before_any_work(no_work, capsys):
    assert _run(["demo", "--size", "huge"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Invalid value for '--size'" in err and "'huge'" in err


@pytest.mark.unit
def test_demo_sizes_are_the_simulators_sizes():
    from de06.cli.demo import demo
    from de06.cli.sim_world import SIZES, world

    def choices(cmd: click.Command) -> list[str]:
        return list(next(p for p in cmd.params if p.name == "size").type.choices)

    assert choices(demo) == choices(world) == sorted(SIZES)


# --------------------------------------------------------------------------- 2. health drain
@pytest.mark.unit
@pytest.mark.parametrize(
    "args",
    [
        ["--concurrency", "0"],
        ["--concurrency", "65"],
        ["--batch-size", "-1"],
        ["--batch-size", "100001"],
        ["--max-run-s", "0"],
        ["--max-run-s", "1081"],
        ["--unreachable-after-s", "0"],
        ["--unreachable-after-s", "1081"],
    ],
    ids=" ".join,
)
def test_drain_knobs_out_of_bounds_are_usage_errors(no_work, capsys, args):
    assert _run(["health", "drain", *args]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Invalid value" in err and args[0] in err


@pytest.mark.unit
def test_drain_bounds_are_the_knobs_bounds():
    from de06.cli.health import drain
    from de06.health.knobs import BOUNDS

    for p in drain.params:
        knob = p.name
        if knob in BOUNDS:
            _, lo, hi = BOUNDS[knob]
            assert (p.type.min, p.type.max) == (lo, hi), knob
            assert lo <= p.default <= hi, knob


# --------------------------------------------------------------------------- 3. DE06_API_PORT
@pytest.mark.unit
@pytest.mark.parametrize(
    "args", [["env"], ["env", "--shell"], ["airflow", "migrate"], ["demo", "--skip-world"]], ids=" ".join
)
def test_a_bad_api_port_is_one_line(no_work, monkeypatch, capsys, args):
    monkeypatch.setenv("DE06_API_PORT", "abc")
    assert _run(args) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("de06: error: DE06_API_PORT='abc' is not a port number")
    assert "fix:" in err


# --------------------------------------------------------------------------- 7. quality, rollout
@pytest.mark.unit
def test_quality_validate_unknown_dataset_lists_the_known_ones(no_work, capsys):
    from de06.quality.suites import list_datasets

    assert _run(["quality", "validate", "nosuch"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "unknown dataset 'nosuch'" in err, err
    assert "conn_id" not in err and all(d in err for d in list_datasets())


@pytest.mark.unit
def test_quality_validate_without_a_packaged_query_names_the_flags(no_work, capsys):
    from de06.quality import paths
    from de06.quality.suites import list_datasets

    bare = [d for d in list_datasets() if not (paths.expectations_dir() / "queries" / f"{d}.sql").exists()]
    if not bare:
        pytest.skip("every suite has a packaged query")
    assert _run(["quality", "validate", bare[0]]) == 1
    err = capsys.readouterr().err.strip()
    assert "has no packaged query" in err and "--conn" in err and "--sql" in err, err
    assert "conn_id" not in err and "judicial_raw" in err


@pytest.mark.unit
def test_rollout_report_missing_file_uses_cli_wording(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DE06_HOME", str(tmp_path))  # the inbox and report folders: none in .local/
    missing = tmp_path / "nonexistent.tsv"
    assert _run(["rollout", "report", str(missing), "--no-gx"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"province status file {missing} not found" in err, err
    assert "param" not in err and "leave FILE out" in err
    assert not (tmp_path / ".local" / "reports").exists()  # refused before the report folder is made


# --------------------------------------------------------------------------- 5. --citizen
@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "digits"),
    [("0962016389", 10), ("7777", 4), ("99999999999999999", 17), ("00123456789", 11), ("0019901234567", 13)],
)
def test_bare_digits_other_than_a_personal_id_are_refused(text, digits):
    with pytest.raises(InputError) as err:
        from de06.sync.certificate import resolve_citizen

        resolve_citizen(None, text)  # never looked up
    line = err.value.line()
    assert f"has {digits} digits" in line and "12-digit personal ID" in line and "id:NNN" in line
    assert text not in line


@pytest.mark.unit
def test_citizen_id_only_when_written_id():
    from de06.sync.certificate import resolve_citizen

    assert resolve_citizen(None, "id:345") == 345
    assert resolve_citizen(None, " ID: 0962016389 ") == 962016389
    for bad in ("id:", "id:abc", "id:0", "id:-5", "id:1234567890123456789"):
        with pytest.raises(InputError, match="is not a citizen_id.*12-digit personal ID.*id:NNN"):
            resolve_citizen(None, bad)


@pytest.mark.unit
def test_the_old_cmnd_message_stays():
    with pytest.raises(InputError, match="look like an old CMND number"):
        from de06.sync.certificate import resolve_citizen

        resolve_citizen(None, "009798024")


# --------------------------------------------------------------------------- 8. execution status
@pytest.mark.unit
def test_execution_status_is_rendered_in_vietnamese():
    from de06.sync import certificate as cert

    base = {
        "source": "qp",
        "court_name": "Tòa án quân sự khu vực 1 Quân khu 7",
        "judgment_no": "1/2020/HS-ST",
        "judgment_date": dt.date(2020, 1, 2),
        "crime_name": "Trộm cắp tài sản",
        "article": "173",
        "main_penalty": "prison",
        "penalty_months": 24,
        "suspended": False,
        "probation_months": None,
        "additional_penalty": None,
        "expunged": False,
        "expunged_on": None,
        "no_record_basis": None,
    }
    identity = {
        "citizen_id": 1,
        "cccd": "001099012345",
        "full_name": "Nguyễn Văn An",
        "sex": "M",
        "dob": dt.date(1999, 5, 6),
        "dob_precision": "D",
        "birth_province": "001",
        "residence_province": "001",
    }
    expected = {
        "serving": "đang chấp hành án",
        "completed": "đã chấp hành xong hình phạt chính",
        "probation": "đang trong thời gian thử thách",
        "probation_ended": "đã hết thời gian thử thách",
        "fine_paid": "đã nộp phạt",
        "fine_outstanding": "chưa nộp phạt",
        "postponed": "hoãn chấp hành án",
        "conditional_release": "tha tù trước thời hạn có điều kiện",
        "something_new": "something_new",  # unknown: as it is
    }
    statuses = list(expected)
    convictions = [{**base, "execution_status": s} for s in statuses]
    text = cert.render(cert.Certificate(2, identity, {}, convictions))
    lines = [ln.strip() for ln in text.splitlines() if "Tình trạng thi hành án" in ln]
    assert lines == [f"Tình trạng thi hành án: {expected[s]}; chưa được xóa án tích" for s in statuses]


# --------------------------------------------------------------------------- 7. cleanse runs
@pytest.mark.postgres
def test_cleanse_runs_prints_a_header(migrated, capsys):
    assert _run(["cleanse", "runs", "--limit", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t") == ["run_id", "status", "mode", "started", "counts", "run_key"]
    assert all(len(line.split("\t")) == 6 for line in out)
