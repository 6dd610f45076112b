"""Benchmark peers for ``de06 bench cleanse``: Splink 5 (DuckDB backend) and a plain pandas merge.

Both read the same extract files that ``de06 cleanse link`` reads (CSV or Parquet):

- population: ``citizen_id, cccd, cmnd, full_name, dob (YYYY-MM-DD), sex (M/F), birth_province``
- records: ``record_id, full_name, dob_text, id_number, sex, birth_province``

and share one pre-processing step built on the project's standardisation (``de06.identity``):
records go through :func:`de06.identity.standardize.standardize` row by row (exactly what our
matcher does); population names are keyed with the same ``written_key`` / ``fold`` functions,
applied once per distinct word, so the comparison is about the linking engine, not about parsing.

- :func:`run_splink`: link_only between records and population; blocking rules equivalent to our
  matcher's (``de06/identity/sql/candidates*.sql``): exact CCCD; exact CMND; given-name key + date
  of birth (exact, day/month swapped, 1 Jan of the year); given + family keys within the birth year
  for year-only/filler dates; and, as a second pass for records with no candidate at all, family key
  + date of birth. Comparisons: full name (as written, diacritic-free with term frequencies, token
  set, Jaro-Winkler), date of birth, ID (CCCD, CMND, one CCCD edit), sex, province. u by random
  sampling, m by EM on blocking rules (fixed seed); best candidate per record above the threshold.
- :func:`run_pandas_merge`: merge on exact ID, then on (diacritic-free full name, dob); first wins.
- :func:`score`: precision / recall of links against the simulator's truth file.

Every run returns ``{"seconds", "prep_seconds", "link_seconds", "peak_rss_mb", "links", ...}``;
``links`` maps record_id -> citizen_id. Nothing here logs or prints a name or an ID number.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from de06.bench.common import PeakRss
from de06.errors import InputError
from de06.runtime.memory import gc_paused

POPULATION_COLUMNS = ("citizen_id", "cccd", "cmnd", "full_name", "dob", "sex", "birth_province")
RECORD_COLUMNS = ("record_id", "full_name", "dob_text", "id_number", "sex", "birth_province")
TRUTH_COLUMNS = ("record_id", "citizen_id")
#: Columns of the prepared frames both peers work on (same names on both sides for Splink).
PREP_COLUMNS = (
    "unique_id",
    "name_written",
    "name_folded",
    "name_sorted",
    "family_f",
    "given_f",
    "dob",
    "dob_alt",
    "dob_j",
    "byear",
    "year_block",
    "cccd",
    "cmnd",
    "sex",
    "birth_province",
)
SEED = 42
NAME_KEY_COLUMNS = ("name_written", "name_folded", "name_sorted", "family_f", "given_f")
_INT_COLUMNS = ("byear", "year_block")
#: Below this many records the row-wise standardisation stays in one process.
PARALLEL_PREP_MIN_ROWS = 50_000
log = logging.getLogger(__name__)


# ---------------------------------------------------------------- reading and pre-processing


def read_table(path: str | Path, columns: tuple[str, ...]):
    """Read a CSV or Parquet extract as Arrow-backed text columns; empty cells become missing.

    Text stays in Arrow buffers (pandas' ``str`` dtype), never one Python object per cell: at 10M
    citizens that is the difference between ~2 GB and ~20 GB.
    """
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise InputError(f"extract file not found: {p}", "pass the path written by `de06 simulate export`")
    if p.suffix.lower() == ".parquet":
        df = pd.read_parquet(p)
    elif p.suffix.lower() in (".csv", ".txt"):
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8", engine="pyarrow")
    else:
        raise InputError(f"unknown extract format {p.suffix!r} for {p.name}", "use a .csv or .parquet file")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"{p.name} lacks column(s) {', '.join(missing)} (has {', '.join(map(str, df.columns))})",
            f"provide the columns {', '.join(columns)}",
        )
    out = pd.DataFrame(index=df.index)
    for c in columns:
        col = df[c].astype("str")
        out[c] = col.where(col.str.len() > 0)
    return out


def _text(values) -> Any:
    """A list of str/None as an Arrow-backed text array."""
    import pandas as pd

    return pd.array(values, dtype="str")


def _py(v: Any) -> Any:
    """Missing (NaN/NA) -> None, for the row-wise standardisation."""
    return None if v is None or v != v else v


def _name_keys(names: list[str]) -> dict[str, list]:
    """Per distinct full name: written key, folded key, sorted tokens, family key, given key.

    ``written_key`` and ``fold`` work word by word, so they are applied once per distinct word.
    """
    from de06.identity.text import fold, written_key

    wk: dict[str, str] = {}
    fk: dict[str, str] = {}
    cols: dict[str, list] = {k: [] for k in NAME_KEY_COLUMNS}
    for n in names:
        ws = n.split()
        for w in ws:
            if w not in wk:
                wk[w] = written_key(w)
                fk[w] = fold(w)
        written = [x for x in (wk[w] for w in ws) if x]
        toks = " ".join(x for x in (fk[w] for w in ws) if x).split()
        cols["name_written"].append(" ".join(written) or None)
        cols["name_folded"].append(" ".join(toks) or None)
        cols["name_sorted"].append(" ".join(sorted(toks)) or None)
        cols["family_f"].append(toks[0] if toks else None)
        cols["given_f"].append(toks[-1] if toks else None)
    return cols


def prepare_population(pop) -> Any:
    """Population extract -> prepared frame (one row per citizen); name keys computed per distinct name."""
    import pandas as pd

    from de06.identity.fields import parse_province

    codes, uniq = pd.factorize(pop["full_name"].fillna(""))
    keys = {k: _text(v).take(codes) for k, v in _name_keys(list(uniq)).items()}
    del codes, uniq
    dob = pop["dob"]
    byear = pd.to_numeric(dob.str.slice(0, 4), errors="coerce").astype("Int64")
    provs = {v: parse_province(v) for v in pd.unique(pop["birth_province"].dropna())}
    out = pd.DataFrame(
        {
            "unique_id": pop["citizen_id"],
            **{k: pd.Series(v, index=pop.index) for k, v in keys.items()},
            "dob": dob,
            "dob_alt": dob,  # equality target for a record's swapped date
            "dob_j": dob.where(dob.str.slice(5) == "01-01"),  # possibly a year-only birth date
            "byear": byear,
            "year_block": byear,
            "cccd": pop["cccd"].str.strip(),
            "cmnd": pop["cmnd"].str.strip(),
            "sex": pop["sex"],
            "birth_province": pop["birth_province"].map(provs).astype("str"),
        },
        index=pop.index,
    )
    return out[list(PREP_COLUMNS)]


def _prepare_record(record_id: str, row: tuple) -> dict[str, Any] | None:
    from de06.identity.standardize import standardize
    from de06.identity.text import fold, written_key

    s = standardize(record_id, *row)
    if s.reject or s.name is None:
        return None  # unusable input (rejected by our standardisation too): no peer can link it
    toks = s.tokens
    d = s.dob
    swap = d.swapped() if d.ok else None
    loose = bool(d.ok and (d.year_only or "filler_0101" in d.flags))
    fam = fold(s.name.family).split()
    return {
        "unique_id": record_id,
        "name_written": written_key(s.name.cleaned) or None,
        "name_folded": s.name.folded or None,
        "name_sorted": " ".join(sorted(toks)) or None,
        "family_f": fam[0] if fam else (toks[0] if toks else None),
        "given_f": toks[-1] if toks else None,
        "dob": d.iso if d.ok and not d.year_only else None,
        "dob_alt": swap.isoformat() if swap else None,
        "dob_j": date(d.year, 1, 1).isoformat() if d.ok and not d.year_only else None,
        "byear": d.year if d.ok else None,
        "year_block": d.year if loose else None,
        "cccd": s.id.value if s.id.kind == "cccd" else None,
        "cmnd": s.id.value if s.id.kind == "cmnd" else None,
        "sex": s.sex,
        "birth_province": s.province,
    }


def _prepare_rows(rows: list[tuple]) -> tuple[list[dict[str, Any]], int]:
    out, rejected = [], 0
    with gc_paused():  # in the pool's processes too
        for rid, *vals in rows:
            r = _prepare_record(rid, tuple(vals))
            if r is None:
                rejected += 1
            else:
                out.append(r)
    return out, rejected


def prepare_records(recs, workers: int = 1) -> tuple[Any, int]:
    """Records extract -> (prepared frame of usable records, number rejected as unusable).

    With ``workers`` > 1 and a large extract, the row-wise standardisation is spread over that many
    processes (as our DAG spreads it over mapped tasks).
    """
    import pandas as pd

    cols = [[_py(v) for v in recs[c].tolist()] for c in RECORD_COLUMNS[1:]]
    rows = list(zip((str(v) for v in recs["record_id"].tolist()), *cols, strict=True))
    del cols
    if workers > 1 and len(rows) >= PARALLEL_PREP_MIN_ROWS:
        step = -(-len(rows) // (workers * 4))
        chunks = [rows[i : i + step] for i in range(0, len(rows), step)]
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            parts = pool.map(_prepare_rows, chunks)
        prepared = [r for part, _ in parts for r in part]
        rejected = sum(n for _, n in parts)
    else:
        prepared, rejected = _prepare_rows(rows)
    df = pd.DataFrame(prepared, columns=list(PREP_COLUMNS))
    del prepared
    df["byear"] = pd.to_numeric(df["byear"]).astype("Int64")
    df["year_block"] = pd.to_numeric(df["year_block"]).astype("Int64")
    # the same Arrow-backed text as the population frame (joins compare like with like)
    return df.astype({c: "str" for c in PREP_COLUMNS if c not in _INT_COLUMNS}), rejected


def _prepare(population_path, records_path, workers: int = 1):
    # the same collector pause as our pipeline's batch loop (de06.runtime.memory): the row-wise
    # steps here are our code, and the peers should not pay for it more than we do
    with gc_paused():
        pop = prepare_population(read_table(population_path, POPULATION_COLUMNS))
        recs_raw = read_table(records_path, RECORD_COLUMNS)
        recs, rejected = prepare_records(recs_raw, workers)
    return pop, recs, len(recs_raw), rejected


# ---------------------------------------------------------------- Splink 5


def splink_settings(link_type: str = "link_only"):
    """The Splink model: comparisons and the blocking rules equivalent to our matcher's first pass."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_folded"),
            cll.ExactMatchLevel("name_written"),
            cll.ExactMatchLevel("name_folded", term_frequency_adjustments=True),
            cll.ExactMatchLevel("name_sorted"),
            cll.JaroWinklerLevel("name_folded", 0.95),
            cll.JaroWinklerLevel("name_folded", 0.88),
            cll.ElseLevel(),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.CustomLevel("byear_l IS NULL OR byear_r IS NULL").configure(is_null_level=True),
            cll.CustomLevel("dob_l = dob_r", "exact"),
            cll.CustomLevel("dob_alt_l = dob_r OR dob_l = dob_alt_r", "day/month swapped"),
            cll.CustomLevel("byear_l = byear_r", "same year"),
            cll.ElseLevel(),
        ],
    )
    ident = cl.CustomComparison(
        output_column_name="id",
        comparison_levels=[
            cll.CustomLevel(
                "(cccd_l IS NULL AND cmnd_l IS NULL) OR (cccd_r IS NULL AND cmnd_r IS NULL)"
            ).configure(is_null_level=True),
            cll.CustomLevel("cccd_l = cccd_r", "cccd exact"),
            cll.CustomLevel("cmnd_l = cmnd_r", "cmnd exact"),
            cll.CustomLevel("damerau_levenshtein(cccd_l, cccd_r) <= 1", "cccd one edit"),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=[name, dob, ident, cl.ExactMatch("sex"), cl.ExactMatch("birth_province")],
        blocking_rules_to_generate_predictions=[
            block_on("cccd"),
            block_on("cmnd"),
            block_on("given_f", "dob"),
            block_on("given_f", "dob_alt"),  # record's swapped date = citizen's date
            block_on("given_f", "dob_j"),  # citizen born "1 Jan" of the record's year
            block_on("given_f", "family_f", "year_block"),  # record with a year-only / filler date
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def fallback_rules():
    """Second pass for records that found no candidate at all: family key + (swapped) date."""
    from splink import block_on

    return [block_on("family_f", "dob"), block_on("family_f", "dob_alt")]


#: Memory DuckDB may use before it spills to disk (peak RSS of the peer is reported beside it).
DUCKDB_MEMORY_LIMIT = os.environ.get("DE06_BENCH_DUCKDB_MEMORY", "8GB")


def _duckdb_temp() -> str:
    from de06 import config

    d = config.local_dir() / "bench" / "duckdb_tmp"
    d.mkdir(parents=True, exist_ok=True)
    return str(d)


_BEST_SQL = """
WITH p AS (
    SELECT CASE WHEN source_dataset_l = 'records' THEN unique_id_l ELSE unique_id_r END AS record_id,
           CASE WHEN source_dataset_l = 'records' THEN unique_id_r ELSE unique_id_l END AS citizen_id,
           match_probability
    FROM {table}
    WHERE match_probability >= ?
)
SELECT record_id, arg_max(citizen_id, (match_probability, citizen_id)) AS citizen_id
FROM p GROUP BY record_id
"""
_WITH_PAIRS_SQL = """
SELECT DISTINCT CASE WHEN source_dataset_l = 'records' THEN unique_id_l ELSE unique_id_r END
FROM {table}
"""


def _splink_train(linker, n_pairs_u: float, em_max_pairs: float) -> None:
    from splink import block_on
    from splink.internals.exceptions import EMTrainingException

    t = linker.training
    t.estimate_probability_two_random_records_match(
        ["l.cccd = r.cccd", "l.name_folded = r.name_folded AND l.dob = r.dob"], recall=0.9
    )
    t.estimate_u_using_random_sampling(max_pairs=n_pairs_u, seed=SEED)
    # m by EM on two of the blocking rules; each leaves out the comparison it blocks on.
    t.estimate_parameters_using_expectation_maximisation(block_on("given_f", "dob"), max_pairs=em_max_pairs)
    try:
        t.estimate_parameters_using_expectation_maximisation(block_on("cccd"), max_pairs=em_max_pairs)
    except EMTrainingException:
        # an extract without national IDs (FEBRL's data sets): the second pass blocks on the date
        # of birth instead, so the name and date comparisons are still estimated
        t.estimate_parameters_using_expectation_maximisation(block_on("dob"), max_pairs=em_max_pairs)


def _splink_link(pop, recs, threshold: float, u_max_pairs: float, em_max_pairs: float) -> dict[str, Any]:
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI, Linker, SettingsCreator

    def arrow(df):  # Arrow-backed text passes to DuckDB without a copy per cell
        return pa.Table.from_pandas(df, preserve_index=False)

    con = duckdb.connect(":memory:")
    # DuckDB's default limit is 80 % of the machine's memory: on a 24 GB machine shared with
    # PostgreSQL that ends in swapping; with a limit it spills to disk instead.
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{_duckdb_temp()}'")
    db_api = DuckDBAPI(con)
    pop_sdf = db_api.register(arrow(pop), dataset_display_name="population")
    rec_sdf = db_api.register(arrow(recs), dataset_display_name="records")
    linker = Linker([pop_sdf, rec_sdf], splink_settings(), log_level=logging.WARNING)
    _splink_train(linker, u_max_pairs, em_max_pairs)
    pred = linker.inference.predict(warning_mode="never")
    best = dict(con.execute(_BEST_SQL.format(table=pred.physical_name), [threshold]).fetchall())
    seen = {r for (r,) in con.execute(_WITH_PAIRS_SQL.format(table=pred.physical_name)).fetchall()}
    n_pairs = con.execute(f"SELECT count(*) FROM {pred.physical_name}").fetchall()[0][0]
    rest = recs[~recs["unique_id"].isin(seen) & recs["year_block"].isna()]
    n_fallback = 0
    if len(rest):
        model = SettingsCreator.from_path_or_dict(linker.misc.save_model_to_json())
        model.blocking_rules_to_generate_predictions = fallback_rules()
        model.linker_uid = None
        rest_sdf = db_api.register(arrow(rest), dataset_display_name="records", table_name="records_fallback")
        linker2 = Linker([pop_sdf, rest_sdf], model, log_level=logging.WARNING)
        pred2 = linker2.inference.predict(warning_mode="never")
        n_fallback = con.execute(f"SELECT count(*) FROM {pred2.physical_name}").fetchall()[0][0]
        for rid, cid in con.execute(_BEST_SQL.format(table=pred2.physical_name), [threshold]).fetchall():
            best.setdefault(rid, cid)
    con.close()
    return {"links": best, "pairs_scored": int(n_pairs) + int(n_fallback), "fallback_records": len(rest)}


def run_splink(
    population_path: str | Path,
    records_path: str | Path,
    *,
    threshold: float = 0.99,
    u_max_pairs: float = 5e6,
    em_max_pairs: float = 2e6,
    workers: int | None = None,
) -> dict[str, Any]:
    """Splink 5 / DuckDB peer. Returns seconds, peak_rss_mb, links {record_id: citizen_id} and counts."""
    for name in ("splink", "duckdb"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return _timed_peer(
        population_path,
        records_path,
        workers,
        lambda pop, recs: {
            "threshold": threshold,
            "duckdb_memory_limit": DUCKDB_MEMORY_LIMIT,
            **_splink_link(pop, recs, threshold, u_max_pairs, em_max_pairs),
        },
    )


def _timed_peer(population_path, records_path, workers: int | None, link) -> dict[str, Any]:
    """Prepare both extracts, then ``link(pop, recs) -> dict``; times and peak RSS of each step."""
    with PeakRss() as rss:
        t0 = time.perf_counter()
        pop, recs, n_in, rejected = _prepare(population_path, records_path, workers or os.cpu_count() or 1)
        t1 = time.perf_counter()
        res = link(pop, recs)
        t2 = time.perf_counter()
    return {
        "seconds": round(t2 - t0, 3),
        "prep_seconds": round(t1 - t0, 3),
        "link_seconds": round(t2 - t1, 3),
        "peak_rss_mb": round(rss.peak_mb, 1),
        "records": n_in,
        "population": len(pop),
        "rejected": rejected,
        **res,
    }


# ---------------------------------------------------------------- pandas merge baseline


def _merge_first(recs, pop, on_rec: list[str], on_pop: list[str]):
    left = recs.dropna(subset=on_rec)[["unique_id", *on_rec]]
    right = pop.dropna(subset=on_pop)[["unique_id", *on_pop]].rename(columns={"unique_id": "citizen_id"})
    m = left.merge(right, left_on=on_rec, right_on=on_pop, how="inner")
    return m.drop_duplicates("unique_id", keep="first")[["unique_id", "citizen_id"]]


def _pandas_link(pop, recs) -> dict[str, str]:
    import pandas as pd

    by_id = pd.concat(
        [_merge_first(recs, pop, ["cccd"], ["cccd"]), _merge_first(recs, pop, ["cmnd"], ["cmnd"])]
    ).drop_duplicates("unique_id", keep="first")
    rest = recs[~recs["unique_id"].isin(by_id["unique_id"])]
    by_name = _merge_first(rest, pop, ["name_folded", "dob"], ["name_folded", "dob"])
    both = pd.concat([by_id, by_name])
    return dict(zip(both["unique_id"], both["citizen_id"], strict=True))


def run_pandas_merge(
    population_path: str | Path, records_path: str | Path, *, workers: int | None = None
) -> dict[str, Any]:
    """The first thing a data engineer would write: exact-ID merge, then name+dob merge."""
    return _timed_peer(
        population_path, records_path, workers, lambda pop, recs: {"links": _pandas_link(pop, recs)}
    )


# ---------------------------------------------------------------- scoring and isolation


def load_truth(path: str | Path) -> dict[str, str | None]:
    """Truth file ``record_id,citizen_id`` (citizen_id empty when the person is not in the population)."""
    df = read_table(path, TRUTH_COLUMNS)
    pairs = zip(df["record_id"].tolist(), df["citizen_id"].tolist(), strict=True)
    return {str(r): (None if _py(c) is None else str(c)) for r, c in pairs}


def score(links: Mapping[str, str], truth: Mapping[str, str | None] | str | Path) -> dict[str, Any]:
    """precision = correct links / links made; recall = correct links / records with a true citizen.

    ``n`` is the number of records in the truth; ``precision`` is None when no link was made.
    """
    if not isinstance(truth, Mapping):
        truth = load_truth(truth)
    correct = sum(1 for r, c in links.items() if truth.get(str(r)) is not None and truth[str(r)] == str(c))
    with_citizen = sum(1 for c in truth.values() if c is not None)
    return {
        "precision": round(correct / len(links), 6) if links else None,
        "recall": round(correct / with_citizen, 6) if with_citizen else None,
        "linked": len(links),
        "correct": correct,
        "wrong": len(links) - correct,
        "with_citizen": with_citizen,
        "n": len(truth),
    }


PEERS = {"splink": "run_splink", "pandas_merge": "run_pandas_merge", "pandas": "run_pandas_merge"}


def _child(fn_name: str, args: tuple, kwargs: dict) -> dict[str, Any]:
    return globals()[fn_name](*args, **kwargs)


def run_isolated(
    peer: str, population_path: str | Path, records_path: str | Path, **kwargs: Any
) -> dict[str, Any]:
    """Run one peer in a fresh process so its peak RSS is its own (not the benchmark driver's)."""
    if peer not in PEERS:
        raise InputError(f"unknown peer {peer!r}", f"use one of {', '.join(sorted(PEERS))}")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(_child, (PEERS[peer], (str(population_path), str(records_path)), kwargs))


def peer_metrics(result: Mapping[str, Any], truth: Mapping[str, str | None] | str | Path) -> dict[str, Any]:
    """A peer's entry for the benchmark JSON (``peers.<name>``): timings, memory, quality; no links."""
    q = score(result["links"], truth)
    secs = result["seconds"]
    return {
        **{k: v for k, v in result.items() if k != "links"},
        "records_per_s": round(result["records"] / secs, 1) if secs else None,
        **q,
    }


__all__ = [
    "run_splink",
    "run_pandas_merge",
    "score",
    "load_truth",
    "run_isolated",
    "peer_metrics",
    "prepare_population",
    "prepare_records",
    "read_table",
    "splink_settings",
]
