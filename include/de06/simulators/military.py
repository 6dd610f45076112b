"""Military-court simulator: the MoD's conviction and expungement sheets (qp DB), an initial load
and a change stream in batches, deterministic by seed, with the expected final state of every
conviction written to the ``truth`` DB (tables ``qp_expected``, ``qp_sheet_truth``).

People come from the population DB (mostly young men - conscripts and servicemen - some civilians)
plus a share of fabricated persons who are not in it. Convictions follow judicial_records.md
(sections 2, 3, 5, 6): courts valid on the judgment date, 1999 codes before 2018, expungement dates
from the Art. 70 waiting periods. The change stream mixes updates, expungements (obligations
settled late), new convictions, re-sent duplicates, out-of-order versions, late rows (stamped in the
previous batch's last minutes but committed with the next batch), expungements that arrive before
their conviction and ~1% malformed sheets.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from de06.domain import cccd as cccd_mod
from de06.domain import penal
from de06.domain.penal import expunge_date, main_end
from de06.domain.provinces import BY_CODE, PROVINCES
from de06.errors import InputError

UTC = dt.UTC
DEFAULT_AS_OF = dt.datetime(2026, 1, 1, tzinfo=UTC)

COURTS: tuple[tuple[str, str, dt.date, dt.date | None], ...] = (
    ("TW", "central", dt.date(1993, 1, 1), None),
    *(
        (c, "region", dt.date(1993, 1, 1), None)
        for c in ("QK1", "QK2", "QK3", "QK4", "QK5", "QK7", "QK9", "THN", "HQ")
    ),
    ("KV-QK1", "area", dt.date(1993, 1, 1), None),
    *((c, "area", dt.date(1993, 1, 1), None) for c in ("KV-QK2", "KV-QK3", "KV-QK4", "KV1-QK5", "KV2-QK5")),
    ("KV-QK7", "area", dt.date(1993, 1, 1), None),
    ("KV-QK9", "area", dt.date(1993, 1, 1), None),
)
COURT_WEIGHT = {"area": 70, "region": 27, "central": 3}
# crime code -> (article, code_version, 2015 article, weight)
CRIMES_2015: dict[str, tuple[str, int, str, int]] = {
    "T173": ("173", 2015, "173", 25),
    "T260": ("260", 2015, "260", 12),
    "T134": ("134", 2015, "134", 10),
    "T249": ("249", 2015, "249", 5),
    "T251": ("251", 2015, "251", 5),
    "T402": ("402", 2015, "402", 8),
    "T394": ("394", 2015, "394", 5),
    "T403": ("403", 2015, "403", 4),
    "T414": ("414", 2015, "414", 4),
    "T304": ("304", 2015, "304", 3),
    "T321": ("321", 2015, "321", 5),
    "T174": ("174", 2015, "174", 4),
    "T318": ("318", 2015, "318", 3),
    "T171": ("171", 2015, "171", 2),
    "T168": ("168", 2015, "168", 1),
    "T175": ("175", 2015, "175", 1),
    "T353": ("353", 2015, "353", 1),
    "T128": ("128", 2015, "128", 1),
    "T123": ("123", 2015, "123", 1),
}
CRIMES_1999: dict[str, tuple[str, int, str, int]] = {
    "C138": ("138", 1999, "173", 40),
    "C104": ("104", 1999, "134", 20),
    "C202": ("202", 1999, "260", 15),
    "C248": ("248", 1999, "321", 10),
    "C316": ("316", 1999, "394", 5),
    "C325": ("325", 1999, "402", 10),
}
CODE_2015_FROM = dt.date(2018, 1, 1)
# sentence code -> (lltp main penalty, needs term, weight). GKL (held in military discipline) is a
# judicial measure, not an Art. 32 main penalty: the code list and mapping know it, the simulator
# does not emit it.
SENTENCES: dict[str, tuple[str, bool, float]] = {
    "CC": ("warning", False, 4),
    "PT": ("fine", False, 10),
    "CTKG": ("reform", True, 26),
    "GKL": ("discipline", True, 0),
    "TCT": ("prison", True, 59),
    "TCTH": ("life", False, 0.7),
    "TH": ("death", False, 0.3),
}
#: The sentence code of each main penalty (SENTENCES has one code a penalty).
_SENTENCE_OF = {penalty: code for code, (penalty, _, _) in SENTENCES.items()}
UNITS = (
    "Trung đoàn 141, Sư đoàn 312, Quân đoàn 12",
    "Lữ đoàn 596, Quân khu 7",
    "Sư đoàn 5, Quân khu 7",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Trung đoàn 48, Sư đoàn 320",
    "Vùng 2 Hải quân",
    "Sư đoàn 346, Quân khu 1",
    "Lữ đoàn 147, Vùng 1 Hải quân",
    "Trung đoàn 692, Quân khu 3",
    "Kho K860, Tổng cục Hậu cần",
    "Bộ Tư lệnh Thủ đô Hà Nội",
    "Sư đoàn 324, Quân khu 4",
    "Sư đoàn 2, Quân khu 5",
    "Sư đoàn 330, Quân khu 9",
)
MALFORMED_KINDS = ("unknown_court", "unknown_crime", "no_judgment_date", "no_judgment_no", "no_term")
CHANGE_WEIGHTS: dict[str, float] = {
    "update": 40,
    "expunge": 15,
    "new": 15,
    "duplicate": 10,
    "out_of_order": 7,
    "late": 6,
    "early_expunge": 4,
    "malformed": 2,
}


@dataclass(frozen=True)
class MilitaryParams:
    initial: int
    changes: int
    seed: int = 6
    batches: int = 4
    batch_hours: float = 6.0
    late_minutes: int = 50
    as_of: dt.datetime = DEFAULT_AS_OF
    civilian_share: float = 0.10
    unresolvable_share: float = 0.05
    version: int = 4  # bump whenever generation changes, so a rerun rebuilds instead of skipping

    def as_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["as_of"] = self.as_of.isoformat()
        return d


@dataclass(frozen=True)
class Person:
    citizen_id: int | None
    full_name: str
    dob: dt.date
    sex: str
    cccd: str
    cmnd: str | None
    birth_province: str


@dataclass
class Sheet:
    sheet_id: int
    kind: str  # conviction | expungement
    ref: str
    version: int | None
    values: dict[str, Any]
    updated_at: dt.datetime
    batch: int
    change_class: str
    intended: str


@dataclass
class _Ref:
    person: Person
    recorded: dict[str, Any]
    version: int = 0
    valid: dict[str, Any] | None = None  # content of the highest valid version
    valid_version: int | None = None
    expunged_on: dt.date | None = None
    rule_date: dt.date | None = None


@dataclass
class World:
    params: MilitaryParams
    sheets: list[Sheet] = field(default_factory=list)
    expected: list[dict[str, Any]] = field(default_factory=list)

    def batch(self, b: int) -> list[Sheet]:
        return [s for s in self.sheets if s.batch == b]


class _Gen:
    def __init__(self, p: MilitaryParams, young: list[Person], civilians: list[Person]):
        if not young and not civilians:
            raise InputError(
                "the population DB has no citizens to draw from", "run `de06 simulate population` first"
            )
        self.p = p
        self.rng = random.Random(p.seed)
        self.young = young or civilians
        self.civ = civilians or young
        self.refs: dict[str, _Ref] = {}
        self.pending: list[Sheet] = []
        self.n_refs = 0
        self.eligible: list[str] = []  # refs whose expungement waits for obligations
        self.valid_refs: list[str] = []  # refs with at least one valid conviction sheet

    # ---- people and conviction content ----
    def person(self) -> Person:
        r = self.rng.random()
        if r < self.p.unresolvable_share:
            base = self.rng.choice(self.young)
            year = self.rng.randint(1988, 2005)
            dob = dt.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
            prov = self.rng.choice(PROVINCES).code
            return Person(
                None,
                base.full_name,
                dob,
                "M",
                cccd_mod.build(prov, year, "M", self.rng.randint(0, 999999)),
                None,
                prov,
            )
        if r < self.p.unresolvable_share + self.p.civilian_share:
            return self.rng.choice(self.civ)
        return self.rng.choice(self.young)

    def recorded(self, person: Person) -> dict[str, Any]:
        rng = self.rng
        name = unicodedata.normalize("NFC", person.full_name)
        if rng.random() < 0.05:
            name = name.upper()
        dob_text = person.dob.strftime("%d/%m/%Y") if rng.random() > 0.03 else str(person.dob.year)
        r = rng.random()
        ident = person.cccd if r < 0.80 else (person.cmnd or person.cccd) if r < 0.88 else None
        return {
            "full_name": name,
            "dob_text": dob_text,
            "sex_text": "Nam" if person.sex == "M" else "Nữ",
            "id_number": ident,
            "birth_place": BY_CODE[person.birth_province].name if person.birth_province in BY_CODE else None,
            "unit_name": rng.choice(UNITS),
        }

    def judgment_date(self, person: Person, old: bool = False) -> dt.date:
        lo = max(dt.date(2012, 1, 1), _add_years(person.dob, 18))
        hi = self.p.as_of.date() - dt.timedelta(days=30)
        if old:
            hi = min(hi, dt.date(2017, 6, 30))
        if lo >= hi:
            lo = hi - dt.timedelta(days=365)
        return lo + dt.timedelta(days=self.rng.randrange((hi - lo).days))

    def content(self, person: Person, jdate: dt.date, short: bool = False) -> dict[str, Any]:
        rng = self.rng
        courts = [c for c in COURTS if c[2] <= jdate and (c[3] is None or jdate < c[3])]
        court = rng.choices(courts, weights=[COURT_WEIGHT[c[1]] for c in courts])[0][0]
        crimes = CRIMES_2015 if jdate >= CODE_2015_FROM else CRIMES_1999
        crime = rng.choices(list(crimes), weights=[v[3] for v in crimes.values()])[0]
        article, cv, _, _ = crimes[crime]
        if short:
            sentence = rng.choice(("CC", "PT", "CTKG"))
        else:
            sentence = rng.choices(list(SENTENCES), weights=[v[2] for v in SENTENCES.values()])[0]
        penalty, needs_term, _ = SENTENCES[sentence]
        term = probation = None
        suspended = False
        if sentence == "CTKG":
            term = rng.randint(6, 36)
        elif sentence == "GKL":
            term = rng.randint(3, 24)
        elif sentence == "TCT":
            r = rng.random()
            term = rng.randint(3, 36) if r < 0.6 else rng.randint(37, 84) if r < 0.9 else rng.randint(85, 240)
            if penal.may_suspend("prison", term) and rng.random() < 0.35:
                suspended, probation = True, rng.randint(12, 60)
        sentence, term = lawful_sentence(cv, article, sentence, term, on=jdate)
        penalty, needs_term, _ = SENTENCES[sentence]
        if suspended and not penal.may_suspend(penalty, term):
            # Art. 65: only a prison term of 3 years or less can be suspended; the lawful sentence
            # may have raised it above (no draw of its own, like lawful_sentence)
            suspended, probation = False, None
        effective = jdate + dt.timedelta(days=rng.randint(15, 45))
        end = main_end(penalty, effective, term, suspended, probation)
        suffix = "HS-ST" if jdate.year >= 2018 or rng.random() < 0.5 else "HSST"
        as_of = self.p.as_of.date()
        status = (
            ("probation" if suspended else "serving")
            if end is None or end > as_of
            else ("probation_ended" if suspended else "completed")
        )
        return {
            "court_code": court,
            "crime_code": crime,
            "article": article,
            "clause": penal.simulated_clause(cv, article, penalty, term),
            "code_version": cv,
            "sentence_code": sentence,
            "term_months": term,
            "suspended": suspended,
            "probation_months": probation,
            "judgment_no": f"{rng.randint(1, 250)}/{jdate.year}/{suffix}",
            "judgment_date": jdate,
            "effective_date": effective,
            "main_end_date": end,
            "status": status,
            "expunged": False,
            "expunged_on": None,
        }

    # ---- sheets ----
    def new_ref(self) -> str:
        self.n_refs += 1
        return f"QS-{self.n_refs:08d}"

    def emit(
        self,
        kind: str,
        ref: str,
        version: int | None,
        values: dict[str, Any],
        ts: dt.datetime,
        batch: int,
        cls: str,
        intended: str,
    ) -> Sheet:
        s = Sheet(0, kind, ref, version, dict(values), ts, batch, cls, intended)
        self.pending.append(s)
        return s

    def conviction(
        self, ref: str, content: dict[str, Any], ts, batch, cls, malformed: str | None = None
    ) -> None:
        st = self.refs[ref]
        st.version += 1
        values = {**st.recorded, **content}
        if malformed:
            values = _malform(values, malformed)
            self.emit("conviction", ref, st.version, values, ts, batch, "malformed", "quarantined")
            return
        if st.expunged_on is not None and cls != "early_expunge":
            values.update(expunged=True, expunged_on=st.expunged_on)
        if st.valid is None:
            self.valid_refs.append(ref)
        st.valid, st.valid_version = values, st.version
        self.emit("conviction", ref, st.version, values, ts, batch, cls, "applied")

    def start_ref(self, ts, batch, cls, old: bool = False, malformed: str | None = None) -> str:
        person = self.person()
        ref = self.new_ref()
        content = self.content(person, self.judgment_date(person, old=old), short=old)
        self.refs[ref] = _Ref(person, self.recorded(person))
        st = self.refs[ref]
        st.rule_date = rule_date(content)
        self.conviction(ref, content, ts, batch, cls, malformed)
        return ref

    def expunge(self, ref: str, on: dt.date, ts, batch, cls, intended="applied") -> None:
        st = self.refs[ref]
        st.expunged_on = on
        basis = "automatic"
        self.emit(
            "expungement",
            ref,
            None,
            {
                "conviction_ref": ref,
                "expunged_on": on,
                "basis": basis,
                "decision_no": f"{self.rng.randint(1, 999)}/{on.year}/XAT",
            },
            ts,
            batch,
            cls,
            intended,
        )

    def amend(self, ref: str) -> dict[str, Any]:
        st = self.refs[ref]
        c = {k: st.valid[k] for k in st.valid if k not in st.recorded}
        rng = self.rng
        if (
            c["sentence_code"] in ("TCT", "CTKG", "GKL")
            and (c["term_months"] or 0) > 6
            and rng.random() < 0.5
        ):
            c["term_months"] -= rng.randint(1, 3)  # special amnesty or reduction
            c["main_end_date"] = main_end(
                SENTENCES[c["sentence_code"]][0],
                c["effective_date"],
                c["term_months"],
                c["suspended"],
                c["probation_months"],
            )
        else:
            c["status"] = rng.choice(
                ("completed", "serving", "postponed", "conditional_release", "probation")
            )
        c["expunged"], c["expunged_on"] = False, None
        return c


def rule_date(content: dict[str, Any]) -> dt.date | None:
    """The automatic expungement date of a conviction sheet's content (an amnesty that shortened
    the term moves it); None when there is none, or when no record arose (Art. 69(2))."""
    penalty = SENTENCES[content["sentence_code"]][0]
    term = content["term_months"]
    if penal.no_record_basis(content["code_version"], content["article"], content["clause"]):
        return None
    return expunge_date(
        penalty, content["effective_date"], term, content["suspended"], content["probation_months"]
    )


def lawful_sentence(
    code_version: int, article: str, sentence: str, term: int | None, on: dt.date | None = None
) -> tuple[str, int | None]:
    """The drawn sentence made one the article allows on the judgment date ``on``
    (:func:`de06.domain.penal.lawful_penalty`, no random draw of its own): a changed penalty is
    written as prison (``TCT``), life (``TCTH``), a fine (``PT``) or non-custodial reform (``CTKG``)."""
    penalty = SENTENCES[sentence][0]
    lawful, term = penal.lawful_penalty(code_version, article, penalty, term, on=on)
    if lawful != penalty:
        sentence = _SENTENCE_OF[lawful]
    return sentence, term


def _add_years(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


def _malform(values: dict[str, Any], kind: str) -> dict[str, Any]:
    v = dict(values)
    if kind == "unknown_court":
        v["court_code"] = "QK8"
    elif kind == "unknown_crime":
        v["crime_code"] = "T999"
    elif kind == "no_judgment_date":
        v["judgment_date"] = None
    elif kind == "no_judgment_no":
        v["judgment_no"] = ""
    else:
        v["sentence_code"], v["term_months"], v["suspended"], v["probation_months"] = "TCT", None, False, None
    return v


def _slots(rng: random.Random, n: int, start: dt.datetime, span: dt.timedelta) -> list[dt.datetime]:
    # whole minutes: a court's upload stamps several sheets alike (the boundary case a plain cursor loses)
    minutes = max(int(span.total_seconds() // 60), 1)
    return sorted(start + dt.timedelta(minutes=rng.randrange(minutes)) for _ in range(n))


def generate(p: MilitaryParams, young: list[Person], civilians: list[Person]) -> World:
    """Build the whole world in memory (pure; deterministic by ``p.seed`` and the people given)."""
    g = _Gen(p, young, civilians)
    rng = g.rng
    as_of = p.as_of
    # ---- initial load: batch 0, stamped over the 30 days before as_of ----
    ts0 = _slots(rng, p.initial, as_of - dt.timedelta(days=30), dt.timedelta(days=30) - dt.timedelta(hours=1))
    for i in range(p.initial):
        mal = rng.choice(MALFORMED_KINDS) if rng.random() < 0.005 else None
        ref = g.start_ref(ts0[i], 0, "initial", malformed=mal)
        st = g.refs[ref]
        if st.valid is None:
            continue
        if rng.random() < 0.15:
            g.conviction(ref, g.amend(ref), ts0[i] + dt.timedelta(minutes=rng.randint(1, 50)), 0, "initial")
        if st.rule_date and st.rule_date <= as_of.date():
            rd = rule_date(st.valid)
            # only an expungement already due when the court uploads is in the initial load
            if rd < ts0[i].date() and rng.random() < 0.7:
                g.expunge(ref, rd, ts0[i] + dt.timedelta(minutes=rng.randint(51, 59)), 0, "initial")
            else:
                g.eligible.append(ref)
    # ---- change stream in batches ----
    span = dt.timedelta(hours=p.batch_hours)
    per = [p.changes // p.batches + (1 if b < p.changes % p.batches else 0) for b in range(p.batches)]
    classes, weights = list(CHANGE_WEIGHTS), list(CHANGE_WEIGHTS.values())
    for b in range(1, p.batches + 1):
        start = as_of + (b - 1) * span
        slots = _slots(rng, per[b - 1] + 1, start, span)
        i = 0
        while i < per[b - 1]:
            cls = rng.choices(classes, weights=weights)[0]
            two = cls in ("out_of_order", "early_expunge")
            if two and i + 1 >= per[b - 1]:
                cls, two = "update", False
            ts, ts2 = slots[i], slots[i + 1]
            valid_refs = g.valid_refs
            if cls in ("update", "out_of_order", "late", "duplicate") and not valid_refs:
                cls, two = "new", False
            if cls == "update":
                ref = rng.choice(valid_refs)
                g.conviction(ref, g.amend(ref), ts, b, "update")
            elif cls == "expunge":
                ref = None
                while g.eligible and ref is None:
                    cand = g.eligible.pop(rng.randrange(len(g.eligible)))
                    if g.refs[cand].expunged_on is None and g.refs[cand].valid is not None:
                        ref = cand
                if ref is None:
                    g.start_ref(ts, b, "new")
                else:  # the legal date of the content in force (not the upload day)
                    g.expunge(ref, rule_date(g.refs[ref].valid), ts, b, "expunge")
            elif cls == "new":
                ref = g.start_ref(ts, b, "new")
                rd = g.refs[ref].rule_date
                if rd and rd <= as_of.date():
                    g.eligible.append(ref)
            elif cls == "duplicate":
                src = rng.choice(g.pending)
                while src.intended not in ("applied", "parked"):
                    src = rng.choice(g.pending)
                st = g.refs[src.ref]
                if src.kind == "conviction":
                    intended = "duplicate" if src.version == st.valid_version else "stale"
                else:
                    intended = "duplicate"
                g.emit(src.kind, src.ref, src.version, src.values, ts, b, "duplicate", intended)
            elif cls == "out_of_order":
                ref = rng.choice(valid_refs)
                first = g.amend(ref)
                g.conviction(ref, first, ts2, b, "out_of_order")  # v+1 stamped later
                g.pending[-1].intended = "stale"
                g.conviction(ref, g.amend(ref), ts, b, "out_of_order")  # v+2 stamped earlier
            elif cls == "late":
                ref = rng.choice(valid_refs)
                late_ts = start - dt.timedelta(
                    minutes=rng.randint(1, p.late_minutes), seconds=rng.randint(0, 59)
                )
                g.conviction(ref, g.amend(ref), late_ts, b, "late")
            elif cls == "early_expunge":
                person = g.person()
                ref = g.new_ref()
                content = g.content(person, g.judgment_date(person, old=True), short=True)
                g.refs[ref] = _Ref(person, g.recorded(person))
                rd = g.refs[ref].rule_date = rule_date(content)
                if rd is None:  # no record arose (Art. 69(2)): the court sends no expungement
                    g.conviction(ref, content, ts, b, "new")
                else:
                    g.expunge(ref, rd, ts, b, "early_expunge", intended="parked")
                    g.conviction(ref, content, ts2, b, "early_expunge")
            else:  # malformed
                if valid_refs and rng.random() < 0.5:
                    ref = rng.choice(valid_refs)
                    g.conviction(ref, g.amend(ref), ts, b, "update", malformed=rng.choice(MALFORMED_KINDS))
                else:
                    g.start_ref(ts, b, "new", malformed=rng.choice(MALFORMED_KINDS))
            i += 2 if two else 1
    # sheet ids follow the order the MoD system stamped them (a late row's id is older too)
    order = sorted(range(len(g.pending)), key=lambda k: (g.pending[k].updated_at, k))
    for n, k in enumerate(order, start=1):
        g.pending[k].sheet_id = n
    world = World(p, sheets=sorted(g.pending, key=lambda s: s.sheet_id))
    for ref, st in g.refs.items():
        v = st.valid
        sentence = SENTENCES.get(v["sentence_code"]) if v else None
        crimes = {**CRIMES_2015, **CRIMES_1999}
        world.expected.append(
            {
                "conviction_ref": ref,
                "citizen_id": st.person.citizen_id,
                "expected_present": v is not None,
                "version": st.valid_version,
                "judgment_no": v["judgment_no"] if v else None,
                "article": crimes[v["crime_code"]][2] if v else None,
                "main_penalty": sentence[0] if sentence else None,
                "penalty_months": (v["term_months"] if sentence and sentence[1] else None) if v else None,
                "clause": v.get("clause") if v else None,
                "no_record_basis": penal.no_record_basis(v["code_version"], v["article"], v.get("clause"))
                if v
                else None,
                "expunged": st.expunged_on is not None and v is not None,
                "expunged_on": st.expunged_on if v is not None else None,
            }
        )
    return world


# ---------------------------------------------------------------- database side

PEOPLE_SQL = """
SELECT citizen_id, cccd, cmnd, full_name, dob, sex, birth_province FROM citizen
 WHERE NOT is_deceased AND dob <= %(adult)s AND {cond}
 ORDER BY md5(citizen_id::text || %(seed)s) LIMIT %(n)s
"""


def draw_people(conn_dancu, p: MilitaryParams) -> tuple[list[Person], list[Person]]:
    """Young men (18-35 at as_of) and other adults, sampled deterministically by seed."""
    as_of = p.as_of.date()
    n_young = max(100, min(p.initial + p.changes, 200_000) // 2)
    out = []
    for cond, n in (("sex = 'M' AND dob >= %(young)s", n_young), ("true", max(50, n_young // 5))):
        with conn_dancu.cursor() as cur:
            cur.execute(
                PEOPLE_SQL.format(cond=cond),
                {
                    "adult": _add_years(as_of, -18),
                    "young": _add_years(as_of, -35),
                    "seed": str(p.seed),
                    "n": n,
                },
            )
            out.append([Person(r[0], r[3], r[4], r[5], r[1], r[2], r[6]) for r in sorted(cur.fetchall())])
    return out[0], out[1]


QP_CONVICTION_COLS = (
    "sheet_id",
    "conviction_ref",
    "version",
    "full_name",
    "dob_text",
    "sex_text",
    "id_number",
    "birth_place",
    "unit_name",
    "court_code",
    "crime_code",
    "article",
    "clause",
    "code_version",
    "sentence_code",
    "term_months",
    "suspended",
    "probation_months",
    "judgment_no",
    "judgment_date",
    "effective_date",
    "main_end_date",
    "status",
    "expunged",
    "expunged_on",
    "updated_at",
)
QP_EXPUNGEMENT_COLS = ("sheet_id", "conviction_ref", "expunged_on", "basis", "decision_no", "updated_at")


def _text(v: Any) -> str:
    if v is None:
        return r"\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy(cur, table: str, cols: tuple[str, ...], rows: Iterable[tuple]) -> int:
    buf = io.StringIO()
    n = 0
    for r in rows:
        buf.write("\t".join(_text(v) for v in r) + "\n")
        n += 1
    buf.seek(0)
    cur.copy_expert(f"COPY {table} ({', '.join(cols)}) FROM STDIN", buf)
    return n


def load_batch(conn_qp, world: World, batch: int) -> int:
    """Write one batch of sheets to the qp DB (COPY) and commit; returns the sheet count."""
    sheets = world.batch(batch)
    conv = [s for s in sheets if s.kind == "conviction"]
    exp = [s for s in sheets if s.kind == "expungement"]
    with conn_qp.cursor() as cur:
        _copy(
            cur,
            "conviction",
            QP_CONVICTION_COLS,
            (
                (
                    s.sheet_id,
                    s.ref,
                    s.version,
                    *(s.values.get(c) for c in QP_CONVICTION_COLS[3:-1]),
                    s.updated_at,
                )
                for s in conv
            ),
        )
        _copy(
            cur,
            "expungement",
            QP_EXPUNGEMENT_COLS,
            (
                (
                    s.sheet_id,
                    s.ref,
                    s.values.get("expunged_on"),
                    s.values.get("basis"),
                    s.values.get("decision_no"),
                    s.updated_at,
                )
                for s in exp
            ),
        )
        cur.execute(
            "SELECT setval('sheet_seq', GREATEST((SELECT max(sheet_id) FROM conviction),"
            " (SELECT max(sheet_id) FROM expungement), 1))"
        )
    conn_qp.commit()
    return len(sheets)


def reset_source(conn_qp, conn_truth) -> None:
    with conn_qp.cursor() as cur:
        cur.execute("TRUNCATE conviction, expungement")
        cur.execute("ALTER SEQUENCE sheet_seq RESTART")
    conn_qp.commit()
    with conn_truth.cursor() as cur:
        cur.execute("TRUNCATE qp_expected, qp_sheet_truth")
    conn_truth.commit()


EXPECTED_COLS = (
    "conviction_ref",
    "citizen_id",
    "expected_present",
    "version",
    "judgment_no",
    "article",
    "main_penalty",
    "penalty_months",
    "clause",
    "no_record_basis",
    "expunged",
    "expunged_on",
)


def write_truth(conn_truth, world: World) -> None:
    import json

    with conn_truth.cursor() as cur:
        _copy(cur, "qp_expected", EXPECTED_COLS, (tuple(e[c] for c in EXPECTED_COLS) for e in world.expected))
        _copy(
            cur,
            "qp_sheet_truth",
            ("sheet_id", "conviction_ref", "kind", "change_class", "batch", "expected_outcome"),
            ((s.sheet_id, s.ref, s.kind, s.change_class, s.batch, s.intended) for s in world.sheets),
        )
        cur.execute(
            "INSERT INTO sim_run (dataset, params, rows) VALUES ('military', %s, %s)",
            (json.dumps(run_params(world.params)), len(world.sheets)),
        )
    conn_truth.commit()


def run_params(p: MilitaryParams) -> dict:
    """What a built military world depends on: its own params and the population it drew its
    people from (a rebuilt population makes the world stale)."""
    import json

    from de06.simulators import runs

    pop = runs.last_params("population")
    return json.loads(json.dumps({**p.as_dict(), "population": pop[0] if pop else None}))


def build(p: MilitaryParams, *, load: str = "all", connect=None) -> World:
    """Generate and write the world. ``load``: 'all' batches, 'initial' only, or 'none'."""
    if connect is None:
        from de06.db import connect
    dancu, qp, truth = connect("dancu_admin"), connect("qp"), connect("truth")
    try:
        young, civ = draw_people(dancu, p)
        world = generate(p, young, civ)
        reset_source(qp, truth)
        from de06.simulators import runs

        runs.forget_derived("military")  # the target's qp state names the old world's refs
        write_truth(truth, world)
        if load != "none":
            batches = [0] if load == "initial" else range(0, p.batches + 1)
            for b in batches:
                load_batch(qp, world, b)
        return world
    finally:
        for c in (dancu, qp, truth):
            c.close()
