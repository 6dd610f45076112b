"""Judicial-record simulator: ``lltp.judicial_record`` + ``conviction``, truth in ``truth.record_truth``.

Truth first: each record's person is a real citizen (skewed male, 16-70 at judgment), a look-alike
namesake, or (about 4 %) someone outside the population DB; convictions follow judicial_records.md
(Penal Code articles, penalties, automatic expungement periods, Art. 69(2)/107 no-record cases, Art.
73 restart). Only then are the identity fields dirtied by a named noise profile
(:mod:`de06.simulators.noise`). Deterministic by (seed, records, profile, population run).
"""

from __future__ import annotations

import bisect
import random
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np
from psycopg2 import errors as pg_errors

from de06.domain import penal
from de06.domain.penal import add_months, expunge_due, waiting_months
from de06.domain.provinces import BY_CODE, CODES
from de06.simulators import names, noise
from de06.simulators import population as pop
from de06.simulators.names import family_first
from de06.simulators.population import REF_DATE

DATASET = "judicial"
SKIP_HINT = "use --force to rebuild"
BATCH = 50_000
FIRST_JUDGMENT = date(1995, 1, 1)
LAST_JUDGMENT = date(2024, 9, 15)


# ---------------------------------------------------------------- offences and penalties
@dataclass(frozen=True)
class Offence:
    article: str  # Penal Code 2015
    article_1999: str | None
    crime: str
    weight: float
    kind: str  # penalty profile
    negligent: bool = False


OFFENCES: tuple[Offence, ...] = (
    Offence("173", "138", "Trộm cắp tài sản", 24, "petty"),
    Offence("249", "194", "Tàng trữ trái phép chất ma túy", 8, "drugs"),
    Offence("251", "194", "Mua bán trái phép chất ma túy", 8, "drugs_heavy"),
    Offence("250", "194", "Vận chuyển trái phép chất ma túy", 2, "drugs_heavy"),
    Offence("255", "197", "Tổ chức sử dụng trái phép chất ma túy", 2, "drugs"),
    Offence("134", "104", "Cố ý gây thương tích hoặc gây tổn hại cho sức khỏe của người khác", 11, "violent"),
    Offence("321", "248", "Đánh bạc", 9, "petty"),
    Offence("322", "249", "Tổ chức đánh bạc hoặc gá bạc", 2, "petty"),
    Offence("174", "139", "Lừa đảo chiếm đoạt tài sản", 6, "economic"),
    Offence("171", "136", "Cướp giật tài sản", 4, "violent"),
    Offence("168", "133", "Cướp tài sản", 3, "violent_heavy"),
    Offence("170", "135", "Cưỡng đoạt tài sản", 1, "violent"),
    Offence("175", "140", "Lạm dụng tín nhiệm chiếm đoạt tài sản", 2, "economic"),
    Offence("178", "143", "Hủy hoại hoặc cố ý làm hư hỏng tài sản", 1.5, "petty"),
    Offence("260", "202", "Vi phạm quy định về tham gia giao thông đường bộ", 5, "traffic", True),
    Offence("128", "98", "Vô ý làm chết người", 0.5, "traffic", True),
    Offence("318", "245", "Gây rối trật tự công cộng", 3, "petty"),
    Offence("323", "250", "Chứa chấp hoặc tiêu thụ tài sản do người khác phạm tội mà có", 1, "petty"),
    Offence("330", "257", "Chống người thi hành công vụ", 1.5, "petty"),
    Offence(
        "341",
        "267",
        "Làm giả con dấu, tài liệu của cơ quan, tổ chức; sử dụng con dấu, tài liệu giả",
        1,
        "petty",
    ),
    Offence("123", "93", "Giết người", 1, "grave"),
    Offence("141", "111", "Hiếp dâm", 0.6, "grave"),
    Offence("142", "112", "Hiếp dâm người dưới 16 tuổi", 0.3, "grave"),
    Offence("150", "119", "Mua bán người", 0.3, "grave"),
    Offence("188", "153", "Buôn lậu", 0.5, "economic"),
    Offence("353", "278", "Tham ô tài sản", 0.5, "economic"),
    Offence("354", "279", "Nhận hối lộ", 0.3, "economic"),
    Offence("364", "289", "Đưa hối lộ", 0.3, "economic"),
    Offence(
        "304",
        "230",
        "Chế tạo, tàng trữ, vận chuyển, sử dụng, mua bán trái phép hoặc chiếm đoạt vũ khí quân dụng, "
        "phương tiện kỹ thuật quân sự",
        0.3,
        "violent",
    ),
    Offence("332", "259", "Trốn tránh nghĩa vụ quân sự", 0.2, "petty"),
)
_OFF_W = np.array([o.weight for o in OFFENCES])
_OFF_CUM = np.cumsum(_OFF_W / _OFF_W.sum()).tolist()

# (share fine, share reform, share prison [rest], prison months choices, suspended share if <= 36)
_PENALTY = {
    "petty": (0.15, 0.15, (6, 9, 12, 18, 24, 30, 36, 48, 60), 0.35),
    "drugs": (0.0, 0.0, (12, 18, 24, 30, 36, 48, 60, 84), 0.10),
    "drugs_heavy": (0.0, 0.0, (36, 60, 84, 96, 120, 144, 180, 240), 0.0),
    "violent": (0.0, 0.10, (6, 9, 12, 18, 24, 30, 36, 48, 60, 84, 120), 0.35),
    "violent_heavy": (0.0, 0.0, (36, 48, 60, 84, 96, 120, 156, 180), 0.0),
    "grave": (0.0, 0.0, (84, 96, 120, 144, 180, 216, 240), 0.0),
    "traffic": (0.05, 0.25, (12, 18, 24, 30, 36, 48, 60, 72, 96, 120), 0.50),  # 72+: Arts. 128(2), 260(2)
    "economic": (0.10, 0.05, (12, 18, 24, 36, 48, 60, 84, 120, 180, 240), 0.20),
}


def crime_clause(
    offence: Offence, main_penalty: str, months: int | None, code_version: int = 2015, article: str = ""
) -> str:
    """The clause applied: the lowest clause of the real Penal Code bracket that holds the penalty
    where the article's brackets are known (:func:`de06.domain.penal.simulated_clause`); for the
    other articles the simulators' convention, and clause 2 for a grave crime (left: the 2015 Art.
    150 and the 1999 Arts. 112 and 119, whose brackets are not in :data:`penal.BRACKETS`)."""
    art = article or offence.article
    if offence.kind == "grave" and not penal.penalty_brackets(code_version, art):
        return "2"
    return penal.simulated_clause(code_version, art, main_penalty, months)


@dataclass
class Conviction:
    n: int
    court_name: str
    judgment_no: str
    judgment_date: date
    effective_date: date
    crime_name: str
    article: str
    clause: str
    code_version: int
    main_penalty: str
    penalty_months: int | None
    suspended: bool
    probation_months: int | None
    additional_penalty: str | None
    execution_status: str
    main_end_date: date | None
    expunged: bool
    expunged_on: date | None
    expunge_basis: str | None
    settled_on: date | None = None
    waiting: int | None = None
    additional_end: date | None = None  # a term additional penalty outlasting the wait delays expungement
    no_record_basis: str | None = None  # Art. 69(2) / Art. 107: no criminal record arises
    due: date | None = None  # expungement date before the REF_DATE cut


def _court(province: str, appeal: bool, when: date) -> str:
    p = BY_CODE[province]
    if not appeal:
        return f"Tòa án nhân dân {'thành phố' if p.kind == 'TP' else 'tỉnh'} {p.name}"
    region = "Hà Nội" if province < "045" else ("Đà Nẵng" if province < "068" else "Thành phố Hồ Chí Minh")
    if when >= date(2015, 6, 1):
        return f"Tòa án nhân dân cấp cao tại {region}"
    return f"Tòa phúc thẩm Tòa án nhân dân tối cao tại {region}"


def _days(rnd: random.Random, a: date, b: date) -> date:
    span = (b - a).days
    return a + timedelta(days=rnd.randint(0, max(span, 0)))


def make_convictions(rnd: random.Random, dob: date, province: str, count: int) -> list[Conviction]:
    """``count`` convictions of one person, consistent facts and expungement (REF_DATE cut)."""
    lo = max(FIRST_JUDGMENT, add_months(dob, 16 * 12))
    hi = min(LAST_JUDGMENT, add_months(dob, 70 * 12))
    if hi < lo:
        hi = lo
    dates = sorted(_days(rnd, lo, hi) for _ in range(count))
    out: list[Conviction] = []
    for n, jd in enumerate(dates, start=1):
        r = rnd.random()
        off = OFFENCES[min(bisect.bisect_right(_OFF_CUM, r), len(OFFENCES) - 1)]
        if jd < date(2018, 1, 1) and off.article_1999 is None:
            off = OFFENCES[0]
        fine_p, reform_p, months_opts, susp_p = _PENALTY[off.kind]
        u = rnd.random()
        months: int | None = None
        suspended = False
        probation = None
        if u < fine_p:
            main = "warning" if (off.kind == "petty" and u < 0.01) else "fine"
        elif u < fine_p + reform_p:
            main = "reform"
            months = rnd.choice((6, 9, 12, 18, 24, 36))
        else:
            main = "prison"
            months = rnd.choice(months_opts)
            if off.kind == "grave":
                g = rnd.random()
                if g < 0.06:
                    main, months = "life", None
                elif g < 0.08 and off.article == "123":
                    main, months = "death", None
            if penal.may_suspend(main, months) and rnd.random() < susp_p:
                suspended = True
                probation = min(60, max(12, months * 2))
        age = (jd - dob).days / 365.25
        if age < 18 and main in ("life", "death"):  # never for offenders under 18 (Penal Code Art. 100)
            main, months = "prison", 216
        code_version = 2015 if jd >= date(2018, 1, 1) else 1999
        article = off.article if code_version == 2015 else (off.article_1999 or off.article)
        # a penalty the article's clauses allow (no draw of its own: the draws that follow are
        # those of the penalty as drawn, so identities stay as they were)
        main, months = penal.lawful_penalty(code_version, article, main, months, on=jd)
        if suspended and not penal.may_suspend(main, months):
            suspended, probation = False, None
        appeal = rnd.random() < 0.08
        year = jd.year
        num = rnd.randint(1, 650)
        tag = (
            ("HSPT" if appeal else "HSST")
            if (year < 2005 and rnd.random() < 0.5)
            else ("HS-PT" if appeal else "HS-ST")
        )
        eff = jd if appeal else jd + timedelta(days=rnd.randint(15, 45))
        additional = None
        additional_months = None  # a term additional penalty (ban from posts, supervision)
        if off.kind.startswith("drugs") and rnd.random() < 0.4:
            additional = f"phạt tiền {rnd.choice((5, 10, 20, 50))}.000.000 đồng"
        elif off.kind == "economic" and rnd.random() < 0.3:
            additional_months = rnd.choice((12, 24, 36, 60))
            additional = f"cấm đảm nhiệm chức vụ {additional_months} tháng"
        elif off.kind in ("violent_heavy", "grave") and rnd.random() < 0.2:
            additional_months = rnd.choice((12, 24, 36))
            additional = f"quản chế {additional_months} tháng"

        if main == "prison" and suspended:
            main_end = add_months(eff, probation)
        elif main in ("prison", "reform"):
            main_end = add_months(eff, months)
        elif main in ("fine", "warning"):
            main_end = eff
        else:
            main_end = None  # life / death: not completed
        s = rnd.random()
        if main_end is None or s < 0.05:
            settled = None  # money obligations never settled (or sentence not completed)
        elif s < 0.85:
            settled = main_end - timedelta(days=rnd.randint(0, 60))
        else:
            settled = main_end + timedelta(days=rnd.randint(30, 900))
        c = Conviction(
            n=n,
            court_name=_court(province, appeal, jd),
            judgment_no=f"{num}/{year}/{tag}",
            judgment_date=jd,
            effective_date=eff,
            crime_name=off.crime,
            article=article,
            clause=crime_clause(off, main, months, code_version, article),
            code_version=code_version,
            main_penalty=main,
            penalty_months=months,
            suspended=suspended,
            probation_months=probation,
            additional_penalty=additional,
            execution_status="",
            main_end_date=main_end,
            expunged=False,
            expunged_on=None,
            expunge_basis=None,
            settled_on=settled,
            waiting=waiting_months(main, months, suspended),
            additional_end=penal.additional_end(additional_months, eff, main_end, main, suspended),
        )
        # no record arises at all: a negligent less serious or serious crime (Art. 69(2)); an
        # offender under 16, or under 18 for a less serious or serious crime or a negligent very
        # serious one (Art. 107; the class of the clause applied, see _juvenile_class)
        c.no_record_basis = penal.no_record_basis(code_version, article, c.clause)
        if c.no_record_basis is None and (age < 16 or (age < 18 and _juvenile_class(c))):
            c.no_record_basis = "art107_juvenile"
        out.append(c)
    _expunge(out)
    return out


def _juvenile_class(c: Conviction) -> bool:
    """Art. 107(1)(b): less serious, serious, or very serious by negligence. The class is the
    applied clause's real bracket where the article's brackets are known, else the convention's."""
    known = penal.penalty_brackets(c.code_version, c.article)
    if not known:
        return c.clause in ("1", "2")
    cls = next((b.crime_class for b in known if b.clause == c.clause), penal.EXTREMELY_SERIOUS)
    if penal.brackets(c.code_version, c.article):  # a negligent crime
        return cls != penal.EXTREMELY_SERIOUS
    return cls in (penal.LESS_SERIOUS, penal.SERIOUS)


def _expunge(convs: list[Conviction]) -> None:
    """Expungement dates (automatic route) with the Art. 73 restart, then statuses at REF_DATE."""
    for c in convs:
        if c.no_record_basis:
            c.due = None  # nothing to expunge: no record arose
        elif c.main_end_date is None or c.waiting is None or c.settled_on is None:
            c.due = None
        else:
            c.due = expunge_due(c.main_end_date, c.waiting, c.settled_on, c.additional_end)
    for i, c in enumerate(convs):
        if c.no_record_basis or c.due is None:
            continue
        for later in convs[i + 1 :]:
            # any new conviction within the period restarts it (Arts. 70(2), 73), a negligent one too
            if later.judgment_date >= c.due:
                continue
            if later.main_end_date is None:
                c.due = None
                break
            c.due = max(c.due, add_months(later.main_end_date, c.waiting))
    for c in convs:
        if c.due is not None and c.due < REF_DATE:
            c.expunged, c.expunged_on = True, c.due
            c.expunge_basis = "automatic"
        else:
            c.expunge_basis = None
        ended = c.main_end_date is not None and c.main_end_date < REF_DATE
        if c.main_penalty == "warning":
            c.execution_status = "completed"
        elif c.main_penalty == "fine":
            c.execution_status = (
                "fine_paid" if (c.settled_on and c.settled_on < REF_DATE) else "fine_outstanding"
            )
        elif c.suspended:
            c.execution_status = "probation_ended" if ended else "probation"
        else:
            c.execution_status = "completed" if ended else "serving"


# ---------------------------------------------------------------- params and planning
@dataclass(frozen=True)
class JudicialParams:
    records: int
    seed: int
    noise: str = "default"
    outside_share: float = 0.04
    version: int = 12  # bump whenever generation changes, so a rerun rebuilds instead of skipping

    def as_json(self, population: dict | None) -> dict:
        d = asdict(self)
        d["population"] = population
        return d


def plan(params: JudicialParams, prof: noise.NoiseProfile, look_pool: int) -> dict[str, np.ndarray]:
    """Per record: kind (0 normal, 1 duplicate, 2 look-alike, 3 outside), duplicate source, convictions."""
    rng = np.random.default_rng([params.seed, 2])
    m = params.records
    u = rng.random((m, 3))
    kind = np.zeros(m, dtype=np.int8)
    dup = u[:, 0] < prof.duplicate
    dup[0] = False
    kind[dup] = 1
    look = ~dup & (u[:, 1] < prof.look_alike)
    look_idx = np.flatnonzero(look)
    look_elig = ~dup
    if len(look_idx) > look_pool:  # pool exhausted: the rest are ordinary (and not eligible)
        extra = look_idx[look_pool:]
        look[extra] = False
        look_elig[extra[0] :] = False
    kind[look] = 2
    outside = (kind == 0) & (u[:, 2] < params.outside_share)
    kind[outside] = 3
    src = np.full(m, -1, dtype=np.int64)
    dups = np.flatnonzero(dup)
    if len(dups):
        # the source is an earlier record that is not itself a duplicate
        base = np.flatnonzero(~dup)
        cnt = np.searchsorted(base, dups)  # number of non-duplicates before each duplicate
        src[dups] = base[(rng.random(len(dups)) * cnt).astype(np.int64)]
    nconv = 1 + np.searchsorted([0.75, 0.92, 0.98, 0.995], rng.random(m))
    return {"kind": kind, "src": src, "nconv": nconv, "look_eligible": look_elig}


# ---------------------------------------------------------------- persons
PERSON_COLUMNS = (
    "c.citizen_id, c.family_name, c.middle_name, c.given_name, c.full_name, c.dob, c.dob_precision, "
    "c.sex, c.cccd, c.cmnd, o.old, c.birth_province, c.residence_province"
)
SQL_LOOK_ALIKES = """
CREATE TEMP TABLE sim_look_alike ON COMMIT DROP AS
SELECT c.citizen_id
FROM citizen c
JOIN (SELECT full_name, dob FROM citizen GROUP BY full_name, dob HAVING count(*) > 1) g
  USING (full_name, dob)
"""
SQL_OLD_CMND = (
    "(SELECT citizen_id, array_agg(cmnd ORDER BY cmnd) AS old FROM citizen_cmnd GROUP BY citizen_id)"
)
SQL_LOOK_PERSONS = f"""
SELECT {PERSON_COLUMNS}
FROM citizen c
JOIN sim_look_alike l USING (citizen_id)
LEFT JOIN {SQL_OLD_CMND} o USING (citizen_id)
WHERE c.dob >= %(lo)s AND c.dob < %(hi)s
ORDER BY hashint8extended(c.citizen_id, %(seed)s)
LIMIT %(n)s
"""
# weighted sample without replacement: every man born in the window, a share of women
# (``female_cut``/1024), look-alikes excluded; ordered by a seeded hash (deterministic)
SQL_NORMAL_PERSONS = f"""
SELECT {PERSON_COLUMNS}
FROM citizen c
LEFT JOIN {SQL_OLD_CMND} o USING (citizen_id)
WHERE c.dob >= %(lo)s AND c.dob < %(hi)s
  AND NOT EXISTS (SELECT 1 FROM sim_look_alike l WHERE l.citizen_id = c.citizen_id)
  AND (c.sex = 'M' OR (hashint8extended(c.citizen_id, %(seed)s) & 1023) < %(female_cut)s)
ORDER BY hashint8extended(c.citizen_id, %(seed)s + 1)
LIMIT %(n)s
"""
SQL_NORMAL_COUNT = """
SELECT count(*) FROM citizen c
WHERE c.dob >= %(lo)s AND c.dob < %(hi)s
  AND NOT EXISTS (SELECT 1 FROM sim_look_alike l WHERE l.citizen_id = c.citizen_id)
  AND (c.sex = 'M' OR (hashint8extended(c.citizen_id, %(seed)s) & 1023) < %(female_cut)s)
"""
PERSON_DOB_LO = date(1940, 1, 1)
PERSON_DOB_HI = date(2008, 1, 1)
FEMALE_CUT = 184  # women weighted ~0.18 against men (convicts are mostly male)


@dataclass(frozen=True)
class Person:
    citizen_id: int | None
    ident: noise.Identity
    residence: str


def residence_then(person: Person, rnd: random.Random) -> str:
    """Where a person who has moved since lived when the record was made: the birth province when
    they live elsewhere now, otherwise another province drawn as the population simulator draws
    movers' destinations."""
    birth = person.ident.birth_province
    if birth and birth != person.residence:
        return birth
    cum = _movers_cum_weights()
    while (code := rnd.choices(CODES, cum_weights=cum)[0]) == person.residence:
        pass
    return code


@cache
def _movers_cum_weights() -> list[float]:
    from itertools import accumulate

    from de06.simulators.population import MIGR_W

    return list(accumulate(float(w) for w in MIGR_W))


def _person(row) -> Person:
    cid, fam, mid, giv, full, dob, prec, sex, cccd, cmnd, old, birth, res = row
    cmnds = tuple(([cmnd] if cmnd else []) + list(old or []))
    ident = noise.Identity(
        fam, mid, giv, full, dob, prec, sex, cccd, cmnds, birth, family_first(fam, giv, full)
    )
    return Person(cid, ident, res)


def outside_persons(seed: int, n: int, population_seed: int) -> list[Person]:
    """People who are not in the population DB (unregistered, born abroad, record errors).

    Their CCCD serials use counters reserved above ``OUTSIDE_SERIAL_BASE`` with the population's
    offsets, so they never equal a citizen's CCCD (the loader double-checks against the DB).
    """
    if n == 0:
        return []
    rng = np.random.default_rng([seed, 3])
    w = np.where((pop.YEARS >= 1940) & (pop.YEARS <= 2006), pop.YEAR_W, 0.0)
    p = pop.draw_people(rng, n, year_w=w / w.sum(), male_share=0.85)
    counters = np.full(pop._N_GROUPS, pop.OUTSIDE_SERIAL_BASE, dtype=np.int64)
    cccd = pop.cccd_numbers(
        p["prov"], p["male"], p["year"], counters, pop.serial_offsets(population_seed), limit=1_000_000
    )
    res = np.where(rng.random(n) < 0.2, rng.choice(len(CODES), size=n, p=pop.MIGR_W), p["prov"])
    out = []
    for i in range(n):
        dob = p["dob"][i].astype(object)
        fam, mid, giv, full = p["family"][i], p["middle"][i], p["given"][i], p["full"][i]
        ident = noise.Identity(
            fam,
            mid,
            giv,
            full,
            dob,
            "D",
            "M" if p["male"][i] else "F",
            cccd[i],
            (),
            CODES[p["prov"][i]],
            family_first(fam, giv, full),
        )
        out.append(Person(None, ident, CODES[res[i]]))
    return out


# ---------------------------------------------------------------- generation
def _parents(rnd: random.Random, ident: noise.Identity) -> tuple[str | None, str | None]:
    if rnd.random() > 0.4:
        return None, None
    father = f"{ident.family} {rnd.choice(('Văn', 'Đức', 'Hữu', 'Công'))} {rnd.choice(names.GIVEN_M)}"
    mother = f"{rnd.choice(names.FAMILY[:12])} Thị {rnd.choice(names.GIVEN_F)}"
    return father, mother


def _ts(d: date | None) -> str | None:
    return None if d is None else f"{d.isoformat()} 09:00:00+07"


def generate(
    params: JudicialParams, prof: noise.NoiseProfile, persons, look_pool: int, outside: list[Person]
):
    """Yield batches ``(records, convictions, truth, counts)`` of column dicts; ``persons(kind)``
    returns the next person of kind 'normal' or 'look'."""
    pl = plan(params, prof, look_pool)
    kind, src, nconv, look_elig = pl["kind"], pl["src"], pl["nconv"], pl["look_eligible"]
    need_src = set(src[src >= 0].tolist())
    kept: dict[int, tuple[Person, list[Conviction]]] = {}
    rnd = random.Random(f"judicial:{params.seed}:{prof.name}")
    # its own stream: the other kinds' draws do not depend on whether ``moved`` is in the profile
    rnd_moved = random.Random(f"judicial-moved:{params.seed}:{prof.name}")
    counts = {k: [0, 0] for k in noise.KINDS}
    counts["duplicate"][1] = max(params.records - 1, 0)
    counts["look_alike"][1] = int(look_elig.sum())
    oi = 0
    batch = _empty_batch()
    for r in range(params.records):
        rid = r + 1
        k = int(kind[r])
        labels: list[str] = []
        moved = rnd_moved.random() < prof.moved
        if k == 1:
            person, base_convs = kept[int(src[r])]
            convs = base_convs
            labels.append("duplicate")
            office = rnd.choice(CODES)
            residence = residence_then(person, rnd_moved) if moved else person.residence
        else:
            if k == 3:
                person = outside[oi]
                oi += 1
            else:
                person = persons("look" if k == 2 else "normal")
                if k == 2:
                    labels.append("look_alike")
            residence = residence_then(person, rnd_moved) if moved else person.residence
            convs = make_convictions(rnd, person.ident.dob, residence, int(nconv[r]))
            office = residence
            if r in need_src:
                kept[r] = (person, convs)
        counts["moved"][1] += 1
        if moved:
            counts["moved"][0] += 1
            labels.append("moved")
        fields, applied, eligible = noise.dirty(person.ident, prof, rnd)
        for kd in eligible:
            counts[kd][1] += 1
        for kd in applied:
            counts[kd][0] += 1
        labels += applied
        father, mother = _parents(rnd, person.ident)
        _append_record(
            batch, rid, fields, person, residence, office, father, mother, convs, labels, prof.name
        )
        if len(batch["rec"]["record_id"]) >= BATCH:
            yield batch
            batch = _empty_batch()
    counts["duplicate"][0] = int((kind == 1).sum())
    counts["look_alike"][0] = int((kind == 2).sum())
    batch["counts"] = counts
    yield batch


REC_COLS = (
    "record_id",
    "full_name",
    "dob_text",
    "sex_text",
    "id_number",
    "birth_place",
    "residence",
    "father_name",
    "mother_name",
    "nationality",
    "office_province",
    "source",
    "created_at",
    "updated_at",
)
CONV_COLS = (
    "record_id",
    "source",
    "source_key",
    "court_name",
    "judgment_no",
    "judgment_date",
    "effective_date",
    "crime_name",
    "article",
    "clause",
    "code_version",
    "main_penalty",
    "penalty_months",
    "suspended",
    "probation_months",
    "additional_penalty",
    "execution_status",
    "main_end_date",
    "expunged",
    "expunged_on",
    "expunge_basis",
    "no_record_basis",
    "source_updated_at",
    "created_at",
    "updated_at",
)
TRUTH_COLS = ("record_id", "citizen_id", "noise", "profile")


def _empty_batch() -> dict:
    return {
        "rec": {c: [] for c in REC_COLS},
        "conv": {c: [] for c in CONV_COLS},
        "truth": {c: [] for c in TRUTH_COLS},
    }


def _append_record(
    batch, rid, fields, person, residence, office, father, mother, convs, labels, profile_name
) -> None:
    rec = batch["rec"]
    last = max((c.expunged_on or c.effective_date) for c in convs)
    values = {
        "record_id": rid,
        **fields,
        "residence": BY_CODE[residence].name,
        "father_name": father,
        "mother_name": mother,
        "nationality": "Việt Nam",
        "office_province": office,
        "source": "lltp",
        "created_at": _ts(convs[0].effective_date),
        "updated_at": _ts(last),
    }
    for c in REC_COLS:
        rec[c].append(values[c])
    cv = batch["conv"]
    for c in convs:
        row = {
            "record_id": rid,
            "source": "lltp",
            "source_key": f"lltp:{rid}:{c.n}",
            "court_name": c.court_name,
            "judgment_no": c.judgment_no,
            "judgment_date": c.judgment_date.isoformat(),
            "effective_date": c.effective_date.isoformat(),
            "crime_name": c.crime_name,
            "article": c.article,
            "clause": c.clause,
            "code_version": c.code_version,
            "main_penalty": c.main_penalty,
            "penalty_months": c.penalty_months,
            "suspended": c.suspended,
            "probation_months": c.probation_months,
            "additional_penalty": c.additional_penalty,
            "execution_status": c.execution_status,
            "main_end_date": c.main_end_date.isoformat() if c.main_end_date else None,
            "expunged": c.expunged,
            "expunged_on": c.expunged_on.isoformat() if c.expunged_on else None,
            "expunge_basis": c.expunge_basis,
            "no_record_basis": c.no_record_basis,
            "source_updated_at": _ts(c.expunged_on or c.effective_date),
            "created_at": _ts(c.effective_date),
            "updated_at": _ts(c.expunged_on or c.effective_date),
        }
        for k in CONV_COLS:
            cv[k].append(row[k])
    tr = batch["truth"]
    tr["record_id"].append(rid)
    tr["citizen_id"].append(person.citizen_id)
    tr["noise"].append(labels)
    tr["profile"].append(profile_name)


# ---------------------------------------------------------------- load
SQL_OTHER_SOURCES = """
SELECT EXISTS (SELECT 1 FROM conviction WHERE source <> 'lltp')
    OR EXISTS (SELECT 1 FROM judicial_record WHERE source <> 'lltp')
"""


def _clear_lltp(cur) -> bool:
    """Remove the simulated LLTP rows. TRUNCATE (and later COPY FREEZE) when the tables hold nothing
    else; otherwise DELETE only source 'lltp', keeping e.g. military-court rows. True if truncated."""
    cur.execute(SQL_OTHER_SOURCES)
    if not cur.fetchone()[0]:
        cur.execute("SAVEPOINT clear_lltp")
        try:
            cur.execute("TRUNCATE conviction, judicial_record")
            return True
        except pg_errors.FeatureNotSupported:  # referenced by another table's foreign key
            cur.execute("ROLLBACK TO SAVEPOINT clear_lltp")
    cur.execute("DELETE FROM conviction WHERE source = 'lltp'")
    cur.execute("DELETE FROM judicial_record WHERE source = 'lltp'")
    return False


def load(params: JudicialParams, *, force: bool = False, progress: bool = True) -> str:
    """Build the judicial records unless the same params are already loaded; returns a status line."""
    from tqdm import tqdm

    from de06.db import connect
    from de06.errors import De06Error, InputError
    from de06.simulators import copyload, runs

    prof = noise.profile(params.noise)
    if params.records < 1:
        raise InputError(
            f"--records must be at least 1 (got {params.records})", "pass a positive --records, e.g. 20000"
        )
    pop_run = runs.last_params("population")
    dancu = connect("dancu_admin")
    lltp = connect("lltp")
    truth = connect("truth")
    try:
        with dancu.cursor() as cur:
            cur.execute("SELECT count(*) FROM citizen")
            n_citizens = int(cur.fetchone()[0])
        if n_citizens == 0:
            raise InputError(
                "the population DB is empty", "run `de06 simulate population --size 200000 --seed 1` first"
            )
        pop_params = pop_run[0] if pop_run else {"rows": n_citizens}
        run_params = params.as_json(pop_params)
        prev = runs.last_params(DATASET)
        with lltp.cursor() as cur:
            cur.execute("SELECT count(*) FROM judicial_record WHERE source = 'lltp'")
            existing = int(cur.fetchone()[0])
        if (
            not force
            and prev
            and runs.same_params(prev[0], run_params)
            and prev[1] == existing == params.records
        ):
            return f"judicial: {existing} records with the same params already loaded; skipped ({SKIP_HINT})"

        dcur = dancu.cursor()
        dcur.execute("SET LOCAL work_mem = '64MB'")  # hash joins over the population stay in memory
        dcur.execute(SQL_LOOK_ALIKES)
        dcur.execute("ANALYZE sim_look_alike")
        pl = plan(params, prof, 10**12)
        n_look = int((pl["kind"] == 2).sum())
        n_out = int((pl["kind"] == 3).sum())
        n_norm = int((pl["kind"] == 0).sum())
        window = {"lo": PERSON_DOB_LO, "hi": PERSON_DOB_HI, "seed": params.seed}
        dcur.execute(SQL_LOOK_PERSONS, {**window, "n": n_look})
        look_rows = [_person(r) for r in dcur.fetchall()]
        n_lookable = len(look_rows)
        dcur.execute(SQL_NORMAL_COUNT, {**window, "female_cut": FEMALE_CUT})
        n_candidates = int(dcur.fetchone()[0])
        if n_candidates < n_norm + max(n_look - n_lookable, 0):
            raise InputError(
                f"the population ({n_citizens} citizens) has {n_candidates} candidates "
                f"for about {n_norm + n_look} record persons",
                "simulate a larger population (--size) or fewer --records",
            )
        try:
            with runs.lock_guard("lltp.judicial_record"), lltp.cursor() as cur:
                cur.execute(runs.SQL_LOCK_TIMEOUT)
                freeze = _clear_lltp(cur)
        except pg_errors.ForeignKeyViolation as exc:
            raise De06Error(
                "existing judicial records are referenced by other data "
                "(e.g. military-court or cleansing rows): " + str(exc).splitlines()[0],
                "rebuild the whole world on a fresh DE06_PGDATA or remove the dependent rows first",
            ) from None
        with runs.lock_guard("truth.record_truth"), truth.cursor() as cur:
            cur.execute(runs.SQL_LOCK_TIMEOUT)
            cur.execute("TRUNCATE record_truth")

        norm_cur = dancu.cursor(name="sim_persons")
        norm_cur.itersize = 20_000
        norm_cur.execute(SQL_NORMAL_PERSONS, {**window, "n": n_norm + n_look, "female_cut": FEMALE_CUT})
        norm_iter = iter(norm_cur)
        look_iter = iter(look_rows)

        def persons(which: str) -> Person:
            if which == "look":
                return next(look_iter)
            row = next(norm_iter, None)
            if row is None:
                raise InputError(
                    f"the population ({n_citizens} citizens) has too few candidates "
                    f"for {params.records} records",
                    "simulate a larger population (--size) or fewer --records",
                )
            return _person(row)

        outside = outside_persons(params.seed, n_out, int(pop_params.get("seed", 0)))
        dcur.execute("SELECT count(*) FROM citizen WHERE cccd = ANY(%s)", ([p.ident.cccd for p in outside],))
        if dcur.fetchone()[0]:
            raise De06Error(
                "simulated outside persons collide with citizens' CCCDs "
                "(population loaded without a sim_run row?)",
                "rebuild the population with `de06 simulate population --force` before the judicial records",
            )
        bar = tqdm(total=params.records, unit="record", disable=not progress, desc="judicial")
        n_conv = 0
        counts = None
        with (
            copyload.deferred_indexes(lltp, ("judicial_record", "conviction")),
            copyload.deferred_indexes(truth, ("record_truth",)),
        ):
            for batch in generate(params, prof, persons, len(look_rows), outside):
                copyload.copy_columns(lltp, "judicial_record", batch["rec"], freeze=freeze)
                n_conv += copyload.copy_columns(lltp, "conviction", batch["conv"], freeze=freeze)
                copyload.copy_columns(truth, "record_truth", batch["truth"], freeze=True)
                bar.update(len(batch["rec"]["record_id"]))
                counts = batch.get("counts", counts)
            bar.close()
        norm_cur.close()
        dancu.rollback()
        with lltp.cursor() as cur:
            cur.execute("ANALYZE judicial_record")
            cur.execute("ANALYZE conviction")
        run_params["realised"] = counts
        runs.record(truth, DATASET, run_params, params.records)
        lltp.commit()
        truth.commit()
    finally:
        for c in (dancu, lltp, truth):
            c.close()
    dropped = runs.forget_derived(DATASET)
    return (
        f"judicial: loaded {params.records} records with {n_conv} convictions "
        f"(profile {params.noise}, seed {params.seed})"
        + (f"; dropped the {' and the '.join(dropped)} of the old records" if dropped else "")
    )
