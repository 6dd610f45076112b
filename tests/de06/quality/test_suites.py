"""Suite files: every dataset has one, every expectation is tagged, GX can build all of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from de06.errors import ConfigError, InputError
from de06.quality import suites
from de06.quality.dimensions import DIMENSIONS

DATASETS = {
    "population_extract", "judicial_raw", "judicial_cleaned", "military_batch",
    "military_target", "health_microbatch", "province_status",
}  # fmt: skip


@pytest.mark.unit
def test_one_suite_file_per_dataset():
    assert DATASETS <= set(suites.list_datasets())


@pytest.mark.unit
@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_suite_tagged_and_thresholded(dataset):
    spec = suites.load_suite(dataset)
    dims = {e["meta"]["dimension"] for e in spec.expectations}
    assert dims <= set(DIMENSIONS)
    assert set(spec.fail_below) == dims
    assert all(0 <= v <= 100 for v in spec.fail_below.values())
    assert spec.required_columns()


@pytest.mark.unit
def test_gx_builds_every_expectation():
    for dataset in sorted(DATASETS):
        spec = suites.load_suite(dataset)
        assert len(suites.to_gx_suite(spec).expectations) == len(spec.expectations), dataset


def _write(tmp_path: Path, name: str, body: dict) -> Path:
    p = tmp_path / f"{name}.json"
    p.write_text(json.dumps(body), encoding="utf-8")
    return p


@pytest.mark.unit
def test_untagged_expectation_refused(tmp_path):
    body = {
        "name": "x",
        "meta": {"fail_below": {"dung": 90}},
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}, "meta": {}}
        ],
    }
    with pytest.raises(ConfigError, match="dimension"):
        suites.parse_suite(body, _write(tmp_path, "x", body))


@pytest.mark.unit
@pytest.mark.parametrize(("column", "kind"), [("cccd", "id"), ("dob_text", "dob")])
def test_aggregate_on_personal_column_refused(tmp_path, column, kind):
    body = {
        "name": "y",
        "meta": {"fail_below": {"dung": 90}, "pii": {column: kind}},
        "expectations": [
            {
                "type": "expect_column_max_to_be_between",
                "kwargs": {"column": column},
                "meta": {"dimension": "dung"},
            }
        ],
    }
    with pytest.raises(ConfigError, match="raw values"):
        suites.parse_suite(body, _write(tmp_path, "y", body))


@pytest.mark.unit
@pytest.mark.parametrize(
    ("dataset", "column"),
    [("judicial_raw", "dob_text"), ("military_batch", "dob_text"), ("population_extract", "dob")],
)
def test_dates_of_birth_are_declared_personal(dataset, column):
    assert suites.load_suite(dataset).pii[column] == "dob"


@pytest.mark.unit
def test_missing_threshold_refused(tmp_path):
    body = {
        "name": "z",
        "meta": {"fail_below": {}},
        "expectations": [
            {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": "a"},
                "meta": {"dimension": "du"},
            }
        ],
    }
    with pytest.raises(ConfigError, match="fail_below"):
        suites.parse_suite(body, _write(tmp_path, "z", body))


@pytest.mark.unit
def test_unknown_dataset_names_the_known_ones():
    with pytest.raises(InputError, match="population_extract"):
        suites.load_suite("no_such_dataset")
