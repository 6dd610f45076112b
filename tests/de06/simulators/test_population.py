"""Population simulator against a real PostgreSQL (small size)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from de06.simulators.population import PopulationParams, load

SIZE = 10_000
SEED = 11
PARAMS = PopulationParams(size=SIZE, seed=SEED)

CHECKSUM = """
SELECT md5(string_agg(c::text, '|' ORDER BY c.citizen_id)) FROM citizen c
"""
CHECKSUM_CMND = "SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x.cmnd), '')) FROM citizen_cmnd x"


@pytest.fixture(scope="module")
def population(migrated):
    load(PARAMS, progress=False)
    return PARAMS


def _one(pg, sql, params=None):
    conn = pg("dancu_admin", autocommit=True)
    with conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()


@pytest.mark.postgres
def test_rows_and_unique_ids(population, pg):
    n, distinct_cccd, n_cmnd, distinct_cmnd = _one(
        pg, "SELECT count(*), count(DISTINCT cccd), count(cmnd), count(DISTINCT cmnd) FROM citizen"
    )
    assert n == SIZE and distinct_cccd == SIZE
    assert distinct_cmnd == n_cmnd > 0
    # no CMND is shared between two people, current or older
    (shared,) = _one(
        pg,
        """
        SELECT count(*) FROM (
          SELECT cmnd FROM (SELECT cmnd, citizen_id FROM citizen WHERE cmnd IS NOT NULL
                            UNION SELECT cmnd, citizen_id FROM citizen_cmnd) a
          GROUP BY cmnd HAVING count(DISTINCT citizen_id) > 1) s""",
    )
    assert shared == 0
    (ids_ok,) = _one(pg, "SELECT min(citizen_id) = 1 AND max(citizen_id) = %s FROM citizen", (SIZE,))
    assert ids_ok


@pytest.mark.postgres
def test_cccd_agrees_with_dob_sex_province(population, pg):
    (bad,) = _one(
        pg,
        """
        SELECT count(*) FROM citizen
        WHERE substr(cccd, 1, 3) <> birth_province
           OR substr(cccd, 5, 2) <> to_char(dob, 'YY')
           OR substr(cccd, 4, 1)::int % 2 <> (sex = 'F')::int
           OR 1900 + 100 * (substr(cccd, 4, 1)::int / 2) + substr(cccd, 5, 2)::int
              <> extract(year FROM dob)::int""",
    )
    assert bad == 0


@pytest.mark.postgres
def test_realistic_shares(population, pg):
    dead, year_only, male, moved, cmnd, nfc_bad, nguyen = _one(
        pg,
        """
        SELECT avg(is_deceased::int), avg((dob_precision = 'Y')::int), avg((sex = 'M')::int),
               avg((residence_province <> birth_province)::int), avg((cmnd IS NOT NULL)::int),
               count(*) FILTER (WHERE full_name <> normalize(full_name, NFC)),
               avg((family_name = 'Nguyễn')::int)
        FROM citizen""",
    )
    assert 0.02 < dead < 0.04
    assert 0.005 < year_only < 0.02
    assert 0.47 < male < 0.53
    assert 0.12 < moved < 0.22
    assert 0.05 < cmnd < 0.25
    assert nfc_bad == 0
    assert 0.33 < nguyen < 0.43
    (bad_dead,) = _one(
        pg, "SELECT count(*) FROM citizen WHERE is_deceased <> (deceased_on IS NOT NULL) OR deceased_on < dob"
    )
    assert bad_dead == 0
    (year_only_bad,) = _one(
        pg, "SELECT count(*) FROM citizen WHERE dob_precision = 'Y' AND to_char(dob, 'MM-DD') <> '01-01'"
    )
    assert year_only_bad == 0


@pytest.mark.postgres
def test_look_alike_pairs_exist(population, pg):
    (in_groups,) = _one(
        pg,
        """
        SELECT count(*) FROM citizen c
        JOIN (SELECT full_name, dob FROM citizen GROUP BY 1, 2 HAVING count(*) > 1) g
          USING (full_name, dob)""",
    )
    assert in_groups >= 2 * round(SIZE * PARAMS.look_alike_share)


@pytest.mark.postgres
def test_children_have_adult_guardians(population, pg):
    children, with_guardian = _one(
        pg, "SELECT count(*), count(guardian_id) FROM citizen WHERE dob > DATE '2010-10-01'"
    )
    assert children > 0 and with_guardian == children
    (bad,) = _one(
        pg,
        """
        SELECT count(*) FROM citizen c JOIN citizen g ON g.citizen_id = c.guardian_id
        WHERE g.dob > DATE '2006-10-01' OR g.dob > c.dob - interval '18 years'""",
    )
    assert bad == 0
    (vneid_children,) = _one(pg, "SELECT avg(has_vneid::int) FROM citizen WHERE dob > DATE '2010-10-01'")
    assert vneid_children < 0.3


@pytest.mark.postgres
def test_deterministic_rerun_skips_and_force_rebuilds(population, pg):
    before = _one(pg, CHECKSUM)[0], _one(pg, CHECKSUM_CMND)[0]
    assert "skipped" in load(PARAMS, progress=False)
    assert "loaded" in load(PARAMS, force=True, progress=False)
    assert (_one(pg, CHECKSUM)[0], _one(pg, CHECKSUM_CMND)[0]) == before
    other = PopulationParams(size=SIZE, seed=SEED + 1)
    assert "loaded" in load(other, progress=False)  # different params: rebuilt without --force
    assert _one(pg, CHECKSUM)[0] != before[0]
    load(PARAMS, progress=False)
    assert _one(pg, CHECKSUM)[0] == before[0]


@pytest.mark.unit
def test_cli_help():
    from de06.cli.main import cli

    runner = CliRunner()
    for args in (
        ["simulate", "population", "--help"],
        ["simulate", "judicial", "--help"],
        ["simulate", "export", "--help"],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert "--seed" in result.output or "--out" in result.output


def _generate(params: PopulationParams) -> list[dict]:
    from de06.simulators.population import Counters, generate_chunk

    counters = Counters()
    return [
        generate_chunk(params, i, start, min(start + params.chunk, params.size), counters)
        for i, start in enumerate(range(0, params.size, params.chunk))
    ]


@pytest.mark.unit
def test_chunks_keep_ids_unique_and_deterministic():
    params = PopulationParams(size=9_000, seed=3, chunk=2_000)  # five chunks, the last one short
    chunks = _generate(params)
    cccd = [c for ch in chunks for c in ch["citizen"]["cccd"]]
    cmnd = [c for ch in chunks for c in ch["citizen"]["cmnd"] if c] + [
        c for ch in chunks for c in ch["citizen_cmnd"]["cmnd"]
    ]
    ids = [int(i) for ch in chunks for i in ch["citizen"]["citizen_id"]]
    assert ids == list(range(1, params.size + 1))
    assert len(set(cccd)) == len(cccd) == params.size
    assert len(set(cmnd)) == len(cmnd) > 0
    again = _generate(params)
    assert [c for ch in again for c in ch["citizen"]["cccd"]] == cccd
    other = _generate(PopulationParams(size=9_000, seed=4, chunk=2_000))
    assert [c for ch in other for c in ch["citizen"]["cccd"]] != cccd


@pytest.mark.postgres
def test_regional_surname_spellings(population, pg):
    north_huynh, south_huynh = _one(
        pg,
        """SELECT avg((family_name = 'Huỳnh')::int) FILTER (WHERE birth_province < '040'),
                  avg((family_name = 'Huỳnh')::int) FILTER (WHERE birth_province >= '049')
           FROM citizen WHERE family_name IN ('Hoàng', 'Huỳnh')""",
    )
    assert north_huynh < 0.35 < 0.65 < south_huynh
