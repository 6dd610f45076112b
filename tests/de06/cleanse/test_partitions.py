"""Province subsets of a cleansing run: codes, names and 'none'; unknown ones named, briefly."""

from __future__ import annotations

import pytest
from de06.cleanse.pipeline import ALL_PARTITIONS, resolve_partitions
from de06.errors import InputError

pytestmark = pytest.mark.unit


def test_subset_by_code_name_and_none_in_partition_order():
    assert resolve_partitions(["none", "Hà Nội", "079", "001"]) == ["001", "079", "none"]
    assert resolve_partitions(None) == list(ALL_PARTITIONS) and len(ALL_PARTITIONS) == 64
    # one item holding several provinces is several provinces, not the last one only
    assert resolve_partitions(["001, 031", "Hà Nội; Hải Phòng"]) == ["001", "031"]
    with pytest.raises(InputError, match="holds no province"):
        resolve_partitions([" , "])


def test_unknown_provinces_are_named_without_echoing_a_whole_input():
    with pytest.raises(InputError) as err:
        resolve_partitions(["001", "x" * 5000, "Atlantis", "q1", "q2", "q3", "q4"])
    msg = str(err.value)
    assert "x" * 30 in msg and "x" * 31 not in msg and "Atlantis" in msg and "and 1 more" in msg
    assert len(msg) < 300 and "fix: use 3-digit codes" in msg


def test_input_errors_fail_an_airflow_task_without_retries():
    from airflow.sdk.exceptions import AirflowFailException
    from de06.errors import fail_without_retry

    with pytest.raises(AirflowFailException, match="dry_run must be true or false — fix:"):
        with fail_without_retry():
            raise InputError("dry_run must be true or false", "pass a JSON boolean")
    with pytest.raises(ValueError), fail_without_retry():  # anything else keeps its retries
        raise ValueError("transient")


def test_a_quality_breach_fails_without_retries_where_asked():
    """A breach is in data already written: a retry would validate the same rows and alert again."""
    from airflow.sdk.exceptions import AirflowFailException
    from de06.errors import De06Error, fail_without_retry

    class Breach(De06Error):  # stands for de06.quality.runner.QualityBreach (also a De06Error)
        pass

    with pytest.raises(AirflowFailException, match="judicial_cleaned breached"):
        with fail_without_retry(Breach):
            raise Breach("judicial_cleaned breached: du 90.0 < 95.0", "see the Data Docs page")
    with pytest.raises(Breach), fail_without_retry():  # not asked: keeps its retries
        raise Breach("judicial_cleaned breached")


@pytest.mark.postgres
def test_a_run_refuses_a_dry_run_that_is_not_a_boolean(pg):
    from de06.cleanse.pipeline import start_run

    with pytest.raises(InputError, match="dry_run must be true or false"):
        start_run(pg("lltp"), "test:dry-string", "full", ["001"], "false")  # a string would mean True
