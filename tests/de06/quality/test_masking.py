"""Masking: IDs to 001*******45, names to initials, value samples dropped."""

from __future__ import annotations

import pandas as pd
import pytest
from de06.quality import masking


@pytest.mark.unit
def test_initials():
    assert masking.initials("Nguyễn Văn An") == "N.V.A."
    assert masking.initials("") == ""


@pytest.mark.unit
def test_scrub_masks_values_inside_text_and_drops_samples():
    df = pd.DataFrame({"cccd": ["001089012345", None], "full_name": ["Trần Thị Bình", "Lê  Văn Cường"]})
    sens = masking.sensitive_values(df, {"cccd": "id", "full_name": "name"})
    result = {
        "results": [
            {
                "result": {
                    "partial_unexpected_list": ["001089012345"],
                    "observed_value": "001089012345",
                    "unexpected_count": 1,
                },
                "exception_info": {
                    "exception_message": "bad value Lê Văn Cường near 079301004567 ('Trần Thị Bình'),",
                    "exception_traceback": "Traceback ... Trần Thị Bình",
                },
            },
        ],
        "meta": {"note": "row of trần thị bình"},
    }
    out = masking.scrub(result, sens)
    text = repr(out)
    for raw in ("001089012345", "079301004567", "Trần Thị Bình", "Lê Văn Cường", "trần thị bình"):
        assert raw not in text
    r = out["results"][0]
    assert "partial_unexpected_list" not in r["result"]
    assert r["result"]["observed_value"] == "001*******45"
    assert r["result"]["unexpected_count"] == 1
    assert r["exception_info"]["exception_traceback"] is None
    assert "L.V.C." in r["exception_info"]["exception_message"]
    assert "('T.T.B.')," in r["exception_info"]["exception_message"]  # quoted: masked, quotes kept
    assert "079*******67" in r["exception_info"]["exception_message"]


@pytest.mark.unit
def test_scrub_masks_a_date_of_birth_to_its_year():
    df = pd.DataFrame({"dob_text": ["12/05/1990", "19851231"]})
    sens = masking.sensitive_values(df, {"dob_text": "dob"})
    out = masking.scrub({"observed_value": "12/05/1990", "x": ["19851231", "1990"]}, sens)
    assert out == {"observed_value": "**/**/1990", "x": ["1985****", "1990"]}


@pytest.mark.unit
def test_scrub_leaves_non_personal_text_alone():
    sens = masking.sensitive_values(pd.DataFrame({"n": ["An"]}), {"n": "name"})
    s = {"kwargs": {"regex": "^\\d{12}$", "column": "cccd"}, "time": "20261125T042644.633862Z"}
    assert masking.scrub(s, sens) == s


@pytest.mark.unit
def test_docs_page_served_without_third_party_requests():
    from de06.quality.docs import offline_html

    page = (
        '<html><head><link rel="stylesheet" href="https://unpkg.com/x.css"/>'
        '<script src="https://code.jquery.com/jquery.js"></script>'
        '<link rel="shortcut icon" href="./static/images/favicon.ico"/></head>'
        '<body><img src="https://assets.example/logo.png?dataContextId=1"><a href="https://greatexpectations.io">GX</a>'
        "<table><tr><td>17</td></tr></table></body></html>"
    )
    out = offline_html(page)
    assert "unpkg.com" not in out and "jquery" not in out and "logo.png" not in out
    assert "favicon.ico" in out and "<td>17</td>" in out and "<style>" in out


@pytest.mark.unit
def test_catch_all_masks_ids_inside_run_ids_and_bhyt_numbers():
    sens = masking.Sensitive()
    assert masking.scrub("recheck_079201001234", sens) == "recheck_079*******34"
    assert "4790123456789" not in masking.scrub("card DN4790123456789 refused", sens)
    # timestamps and short numbers stay readable
    assert masking.scrub("manual__2026-12-04T13:36:12+00:00 rows=120000", sens) == (
        "manual__2026-12-04T13:36:12+00:00 rows=120000"
    )


@pytest.mark.unit
def test_docs_index_lists_only_readable_dags(tmp_path, monkeypatch):
    from de06.quality import docs, paths

    monkeypatch.setattr(paths, "docs_dir", lambda: tmp_path)
    for dag in ("lltp_cleanse", "friday_report"):
        page = tmp_path / "validations" / "suite" / f"{dag}.manual__1" / "20261204T000000Z" / "t.html"
        page.parent.mkdir(parents=True)
        page.write_text("<html></html>")
    shown = docs.offline_index(lambda dag_id: dag_id != "friday_report")
    assert "lltp_cleanse.manual__1" in shown and "friday_report" not in shown
    assert "friday_report.manual__1" in docs.offline_index()
