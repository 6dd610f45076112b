"""Population simulator: ``dancu.citizen`` and ``dancu.citizen_cmnd``, vectorised and chunked.

Deterministic by (seed, size, params): chunk ``c`` (rows ``c*CHUNK+1 .. (c+1)*CHUNK``) draws from
``default_rng([seed, 1, c])``; CCCD and CMND serials come from per-group counters carried over the
chunks in order and scrambled by a bijection, so numbers never collide and no global set is kept.
Truth first (identity.md): the CCCD is built from birth province, year and sex; then look-alike
namesakes (same full name and DOB, different CCCD) are planted.

``citizen.cmnd`` holds a person's latest 9-digit CMND; ``citizen_cmnd`` holds only their *older*
numbers (a move to another province meant a new number). No CMND belongs to two people.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np

from de06.domain.provinces import CODES
from de06.simulators import names

log = logging.getLogger(__name__)

REF_DATE = date(2024, 10, 1)  # "today" of the simulated world (Project 06 targets, Oct 2024)
CHUNK = 250_000
YEARS = np.arange(1930, 2025)

# approximate 2023 population (thousands) per province code, for birth-province weights
_POP_K = {
    "001": 8400,
    "002": 900,
    "004": 540,
    "006": 320,
    "008": 800,
    "010": 770,
    "011": 640,
    "012": 480,
    "014": 1300,
    "015": 850,
    "017": 880,
    "019": 1330,
    "020": 800,
    "022": 1350,
    "024": 1900,
    "025": 1500,
    "026": 1200,
    "027": 1500,
    "030": 1950,
    "031": 2100,
    "033": 1290,
    "034": 1870,
    "035": 880,
    "036": 1880,
    "037": 1010,
    "038": 3700,
    "040": 3400,
    "042": 1300,
    "044": 910,
    "045": 650,
    "046": 1160,
    "048": 1230,
    "049": 1520,
    "051": 1250,
    "052": 1500,
    "054": 880,
    "056": 1250,
    "058": 600,
    "060": 1250,
    "062": 580,
    "064": 1590,
    "066": 1900,
    "067": 670,
    "068": 1330,
    "070": 1030,
    "072": 1190,
    "074": 2700,
    "075": 3300,
    "077": 1180,
    "079": 9400,
    "080": 1700,
    "082": 1790,
    "083": 1300,
    "084": 1010,
    "086": 1030,
    "087": 1600,
    "089": 1900,
    "091": 1750,
    "092": 1250,
    "093": 730,
    "094": 1200,
    "095": 920,
    "096": 1200,
}
POP_W = np.array([_POP_K[c] for c in CODES], dtype=float)
POP_W /= POP_W.sum()
# people who moved go mostly to the big cities and industrial provinces
_MIGR = POP_W.copy()
for _c, _f in {
    "001": 4.0,
    "079": 5.0,
    "074": 5.0,
    "075": 3.0,
    "048": 2.0,
    "031": 2.0,
    "092": 1.5,
    "027": 2.0,
}.items():
    _MIGR[CODES.index(_c)] *= _f
MIGR_W = _MIGR / _MIGR.sum()
# 2-digit CMND issuing-police prefixes (unconfirmed; simulation flavour only)
_CMND_PREFIX_SPECIAL = {
    "001": 1,
    "079": 2,
    "031": 3,
    "022": 10,
    "038": 17,
    "040": 18,
    "042": 18,
    "075": 27,
    "077": 27,
    "092": 36,
    "093": 36,
    "094": 36,
}
CMND_PREFIX = np.array(
    [_CMND_PREFIX_SPECIAL.get(c, 4 + (i * 7) % 34) for i, c in enumerate(CODES)], dtype=np.int64
)

#: born in the south-central coast, Central Highlands or south (Quảng Nam southwards)
SOUTH = np.array([c >= "049" for c in CODES])
_N_GROUPS = len(CODES) * 2 * 200  # (province, sex, year 1900..2099)
_SERIAL_A = 738_581  # odd, not a multiple of 5: k -> (A*k + B) mod 10^6 is a bijection
_CMND_A = 3_333_331
_BHXH_A = 3_141_592_653
#: serial counters at or above this are reserved for people outside the population DB
OUTSIDE_SERIAL_BASE = 900_000


def _year_weights() -> np.ndarray:
    """A rough 2024 age pyramid: flat for 1975-2024 (dip 2000-2010), thinning before 1975."""
    y = YEARS.astype(float)
    w = np.ones_like(y)
    w = np.where(y < 1975, np.clip(0.35 + (y - 1955) * 0.0325, 0.02, 1.0), w)
    w = np.where(y < 1955, np.clip(0.35 * np.exp((y - 1955) / 8.0), 0.01, 1.0), w)
    w = np.where((y >= 2000) & (y <= 2010), 0.9, w)
    w = np.where(y == 2024, 0.75, w)  # born before 1 Oct
    return w / w.sum()


YEAR_W = _year_weights()


@dataclass(frozen=True)
class PopulationParams:
    size: int
    seed: int
    look_alike_share: float = 0.003
    cmnd_share: float = 0.35
    old_cmnd_share: float = 0.25
    deceased_share: float = 0.03
    moved_share: float = 0.20
    year_only_share: float = 0.012
    version: int = 2  # bump whenever generation changes, so a rerun rebuilds instead of skipping
    chunk: int = CHUNK

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class Counters:
    """Per-group serial counters carried across chunks (determinism needs chunks in order)."""

    cccd: np.ndarray = field(default_factory=lambda: np.zeros(_N_GROUPS, dtype=np.int64))
    cmnd: np.ndarray = field(default_factory=lambda: np.zeros(100, dtype=np.int64))


def group_key(prov_idx: np.ndarray, male: np.ndarray, years: np.ndarray) -> np.ndarray:
    return prov_idx * 400 + np.where(male, 0, 200) + (years - 1900)


def serial_offsets(seed: int) -> np.ndarray:
    return np.random.default_rng([seed, 99]).integers(0, 1_000_000, size=_N_GROUPS)


def _ranks(keys: np.ndarray) -> np.ndarray:
    """Rank of each element among equal keys, in original order."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    start = np.r_[0, np.flatnonzero(sk[1:] != sk[:-1]) + 1]
    lengths = np.diff(np.r_[start, len(sk)])
    rank_sorted = np.arange(len(sk)) - np.repeat(start, lengths)
    ranks = np.empty_like(rank_sorted)
    ranks[order] = rank_sorted
    return ranks


def cccd_numbers(
    prov_idx: np.ndarray,
    male: np.ndarray,
    years: np.ndarray,
    counters: np.ndarray,
    offsets: np.ndarray,
    limit: int = OUTSIDE_SERIAL_BASE,
) -> list[str]:
    """Collision-free CCCDs; advances ``counters`` in place (serial counters stay below ``limit``)."""
    keys = group_key(prov_idx, male, years)
    k = counters[keys] + _ranks(keys)
    np.add.at(counters, keys, 1)
    if (k >= limit).any():
        raise OverflowError("too many people in one (province, sex, year) group")
    serial = (k * _SERIAL_A + offsets[keys]) % 1_000_000
    g = (years - 1900) // 100 * 2 + np.where(male, 0, 1)
    add, zfill = np.strings.add, np.strings.zfill
    head = add(np.asarray(CODES)[prov_idx], g.astype(str))
    tail = add(zfill((years % 100).astype(str), 2), zfill(serial.astype(str), 6))
    return add(head, tail).tolist()


def cmnd_numbers(prefix: np.ndarray, counters: np.ndarray, seed: int) -> list[str]:
    """Collision-free 9-digit CMNDs (2-digit prefix + 7 scrambled digits); advances counters."""
    offsets = np.random.default_rng([seed, 98]).integers(0, 10_000_000, size=100)
    k = counters[prefix] + _ranks(prefix)
    np.add.at(counters, prefix, 1)
    seven = (k * _CMND_A + offsets[prefix]) % 10_000_000
    return np.strings.add(
        np.strings.zfill(prefix.astype(str), 2), np.strings.zfill(seven.astype(str), 7)
    ).tolist()


def draw_people(
    rng: np.random.Generator, n: int, year_w: np.ndarray = YEAR_W, male_share: float = 0.497
) -> dict[str, np.ndarray]:
    """Sex, DOB, birth province and names of ``n`` people (no identifiers)."""
    male = rng.random(n) < male_share
    years = YEARS[rng.choice(len(YEARS), size=n, p=year_w)]
    leap = ((years % 4 == 0) & (years % 100 != 0)) | (years % 400 == 0)
    ndays = np.where(leap, 366, 365)
    ndays = np.where(
        years == REF_DATE.year,
        (np.datetime64(REF_DATE) - np.datetime64(f"{REF_DATE.year}-01-01")).astype(int),
        ndays,
    )
    offs = (rng.random(n) * ndays).astype(np.int64)
    starts = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    dob = starts + offs.astype("timedelta64[D]")
    prov = rng.choice(len(CODES), size=n, p=POP_W)
    family, middle, given, full = names.draw(rng, male, years)
    # regional spellings only for Kinh-order names (clan-last names keep their clan)
    kinh = np.array([f.startswith(fam + " ") for f, fam in zip(full, family, strict=True)])
    regional = names.regionalise(rng, family, SOUTH[prov])
    changed = kinh & (regional != family)
    family = np.where(changed, regional, family)
    full = np.where(changed, names.compose(family, middle, given), full)
    return {
        "male": male,
        "year": years,
        "dob": dob,
        "prov": prov,
        "family": family,
        "middle": middle,
        "given": given,
        "full": full,
    }


def _age_years(dob: np.ndarray) -> np.ndarray:
    return (np.datetime64(REF_DATE) - dob).astype(np.int64) / 365.25


def generate_chunk(
    params: PopulationParams, index: int, start: int, stop: int, counters: Counters
) -> dict[str, object]:
    """Columns of citizens ``start+1 .. stop`` (chunk ``index``), ready for COPY."""
    rng = np.random.default_rng([params.seed, 1, index])
    n = stop - start
    p = draw_people(rng, n)
    male, years, dob, prov = p["male"], p["year"], p["dob"], p["prov"]
    family, middle, given, full = p["family"], p["middle"], p["given"], p["full"]

    year_only = rng.random(n) < params.year_only_share
    dob = np.where(year_only, (years - 1970).astype("datetime64[Y]").astype("datetime64[D]"), dob)

    # look-alikes: targets copy name, sex and DOB of a source (different person, different CCCD)
    k = int(round(n * params.look_alike_share))
    adults = np.flatnonzero(years <= 2006)
    if k and len(adults) >= 2 * k:
        pick = rng.choice(adults, size=2 * k, replace=False)
        tgt, src = pick[:k], pick[k:]
        for arr in (family, middle, given, full, male, years, dob, year_only):
            arr[tgt] = arr[src]

    ids = np.arange(start + 1, stop + 1, dtype=np.int64)
    cccd = cccd_numbers(prov, male, years, counters.cccd, serial_offsets(params.seed))

    moved = rng.random(n) < params.moved_share
    residence = np.where(moved, rng.choice(len(CODES), size=n, p=MIGR_W), prov)

    # legacy CMND for a share of people born before 2000; some also held older numbers
    has_cmnd = (years < 2000) & (rng.random(n) < params.cmnd_share)
    holder = np.flatnonzero(has_cmnd)
    cmnd_prefix = CMND_PREFIX[np.where(rng.random(len(holder)) < 0.7, prov[holder], residence[holder])]
    cmnd_vals = cmnd_numbers(cmnd_prefix, counters.cmnd, params.seed)
    cmnd: list[str | None] = [None] * n
    for i, c in zip(holder.tolist(), cmnd_vals, strict=True):
        cmnd[i] = c
    n_old = np.where(
        rng.random(len(holder)) < params.old_cmnd_share, np.where(rng.random(len(holder)) < 0.2, 2, 1), 0
    )
    old_owner = np.repeat(holder, n_old)
    old_prefix = CMND_PREFIX[rng.choice(len(CODES), size=len(old_owner), p=POP_W)]
    old_vals = cmnd_numbers(old_prefix, counters.cmnd, params.seed)

    # deceased, skewed to the old
    age = _age_years(dob)
    w = np.exp((age - 60.0) / 10.0)
    pdead = np.clip(w * (params.deceased_share * n / w.sum()), 0.0, 0.95)
    dead = rng.random(n) < pdead
    lo = np.maximum(dob, np.datetime64("2000-01-01"))
    span = (np.datetime64(REF_DATE) - lo).astype(np.int64)
    died = lo + (rng.random(n) * np.maximum(span, 1)).astype(np.int64).astype("timedelta64[D]")
    died = np.where(dead, died, np.datetime64("NaT"))

    # children under 14 get a guardian of plausible parent age (same family name preferred)
    child = age < 14
    guardian = _guardians(rng, ids, family, years, child, dead)

    has_vneid = np.where(child, rng.random(n) < 0.1, rng.random(n) < 0.85) & ~dead
    has_bhxh = rng.random(n) < 0.93
    bhxh_num = (ids * _BHXH_A + params.seed * 7919) % 10_000_000_000
    bhxh_txt = np.strings.zfill(bhxh_num.astype(str), 10).astype(object)
    bhxh = np.where(has_bhxh, bhxh_txt, None).tolist()
    upd = np.datetime64("2024-09-30T12:00:00") - (rng.random(n) * 700 * 86400).astype(np.int64).astype(
        "timedelta64[s]"
    )
    updated_at = np.strings.add(np.datetime_as_string(upd, unit="s"), "+07").tolist()

    codes = np.asarray(CODES)
    citizen = {
        "citizen_id": ids,
        "cccd": cccd,
        "cmnd": cmnd,
        "full_name": full,
        "family_name": family,
        "middle_name": middle,
        "given_name": given,
        "dob": dob,
        "dob_precision": np.where(year_only, "Y", "D").tolist(),
        "sex": np.where(male, "M", "F").tolist(),
        "birth_province": codes[prov].tolist(),
        "residence_province": codes[residence].tolist(),
        "is_deceased": dead,
        "deceased_on": died,
        "guardian_id": [None if g == 0 else g for g in guardian.tolist()],
        "bhxh_no": bhxh,
        "has_vneid": has_vneid,
        "updated_at": updated_at,
    }
    citizen_cmnd = {"cmnd": old_vals, "citizen_id": ids[old_owner]}
    return {"citizen": citizen, "citizen_cmnd": citizen_cmnd}


def _guardians(rng, ids, family, years, child, dead) -> np.ndarray:
    """guardian citizen_id per row (0 = none): an adult 19-45 birth years older, same family name if any."""
    n = len(ids)
    out = np.zeros(n, dtype=np.int64)
    kids = np.flatnonzero(child)
    adults = np.flatnonzero((years <= 2005) & ~dead)
    if not len(kids) or not len(adults):
        return out
    _, fam_idx = np.unique(family.astype(str), return_inverse=True)
    akey = fam_idx[adults] * 1000 + (years[adults] - 1900)
    order = np.argsort(akey, kind="stable")
    akey_s, adults_s = akey[order], adults[order]
    ykey = years[adults]
    yorder = np.argsort(ykey, kind="stable")
    ykey_s, yadults_s = ykey[yorder], adults[yorder]

    target = years[kids] - rng.integers(22, 42, size=len(kids))
    u = rng.random(len(kids))
    base = fam_idx[kids] * 1000
    lo = np.searchsorted(akey_s, base + (target - 3 - 1900), "left")
    hi = np.searchsorted(akey_s, base + (target + 3 - 1900), "right")
    same = hi > lo
    pick = np.where(same, adults_s[np.minimum(lo + (u * (hi - lo)).astype(np.int64), len(adults_s) - 1)], -1)
    # fallback: any adult 19-45 birth years older (so at least 18 years older)
    ylo = np.searchsorted(ykey_s, years[kids] - 45, "left")
    yhi = np.searchsorted(ykey_s, years[kids] - 19, "right")
    anyok = yhi > ylo
    pick2 = np.where(
        anyok, yadults_s[np.minimum(ylo + (u * (yhi - ylo)).astype(np.int64), len(yadults_s) - 1)], -1
    )
    chosen = np.where(same, pick, pick2)
    ok = chosen >= 0
    out[kids[ok]] = ids[chosen[ok]]
    return out


DATASET = "population"


def _count(conn, table: str) -> int:
    with conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")  # table is a constant of this module
        return int(cur.fetchone()[0])


def load(params: PopulationParams, *, force: bool = False, progress: bool = True) -> str:
    """Build the population unless the same params are already loaded; returns a status line."""
    from psycopg2 import errors as pg_errors
    from tqdm import tqdm

    from de06.db import connect
    from de06.errors import De06Error, InputError
    from de06.simulators import copyload, runs

    if params.size < 1:
        raise InputError(
            f"--size must be at least 1 (got {params.size})", "pass a positive --size, e.g. 200000"
        )
    if params.size > 99_000_000:
        raise InputError(
            f"--size {params.size} exceeds the 99M citizen ids supported", "use a smaller --size"
        )
    conn = connect("dancu_admin")
    try:
        prev = runs.last_params(DATASET)
        existing = _count(conn, "citizen")
        if (
            not force
            and prev
            and runs.same_params(prev[0], params.as_json())
            and prev[1] == existing == params.size
        ):
            return (
                f"population: {existing} citizens with the same params already loaded; "
                "skipped (use --force to rebuild)"
            )
        try:
            with runs.lock_guard("dancu.citizen"), conn.cursor() as cur:
                cur.execute(runs.SQL_LOCK_TIMEOUT)
                cur.execute("TRUNCATE citizen_cmnd, citizen")
        except pg_errors.FeatureNotSupported as exc:  # another table references citizen
            raise De06Error(
                "cannot rebuild dancu.citizen: " + str(exc).strip().splitlines()[0],
                "drop or empty the referencing table first, or use a fresh DE06_PGDATA",
            ) from None
        counters = Counters()
        starts = range(0, params.size, params.chunk)
        bar = tqdm(total=params.size, unit="citizen", disable=not progress, file=None, desc="population")
        n_old = 0
        with copyload.deferred_indexes(conn, ("citizen", "citizen_cmnd")):
            for index, start in enumerate(starts):
                stop = min(start + params.chunk, params.size)
                cols = generate_chunk(params, index, start, stop, counters)
                copyload.copy_columns(conn, "citizen", cols["citizen"], freeze=True)
                n_old += copyload.copy_columns(conn, "citizen_cmnd", cols["citizen_cmnd"], freeze=True)
                bar.update(stop - start)
            bar.close()
        with conn.cursor() as cur:
            cur.execute("ANALYZE citizen")
            cur.execute("ANALYZE citizen_cmnd")
        conn.commit()
    finally:
        conn.close()
    tconn = connect("truth")
    try:
        runs.record(tconn, DATASET, params.as_json(), params.size)
        tconn.commit()
    finally:
        tconn.close()
    dropped = runs.forget_derived(DATASET)
    done = f"population: loaded {params.size} citizens and {n_old} older CMND numbers (seed {params.seed})"
    return done + (
        f"; dropped the {' and the '.join(dropped)} built on the old population" if dropped else ""
    )
