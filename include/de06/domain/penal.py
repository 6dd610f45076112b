"""Penal Code rules the flows apply to a conviction: crime classes (Art. 9), convictions after
which no criminal record arises at all (Art. 69(2)), and the automatic expungement date
(Arts. 70 and 73). Pure functions; basis and caveats in ``../shared/domain/judicial_records.md``
section 3 and ``docs/military-sync.md``.

A wrong answer here is visible on a citizen's certificate no. 1: "Có án tích" for somebody who by
law has no record, or the reverse. So :func:`no_record_basis` answers only from a penalty bracket
it knows; an article or clause it does not know keeps the record (the conviction stays on the
certificate until a person or a later sheet settles it), never a guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import KW_ONLY, dataclass

#: Crime classes of Art. 9 by the top of the bracket of the clause applied.
LESS_SERIOUS, SERIOUS, VERY_SERIOUS, EXTREMELY_SERIOUS = (
    "less_serious",
    "serious",
    "very_serious",
    "extremely_serious",
)
#: Main penalties that are not imprisonment (Art. 32); only some clauses name them.
NON_CUSTODIAL = frozenset({"warning", "fine", "reform"})
#: Non-custodial reform (cải tạo không giam giữ) runs from 6 months to 3 years (Art. 36(1)); a clause
#: may name a shorter cap ("phạt cải tạo không giam giữ đến 02 năm").
REFORM_MIN_MONTHS, REFORM_MAX_MONTHS = 6, 36
#: The basis recorded for a conviction after which no record arises (Art. 69(2)).
ART69_NEGLIGENT = "art69_2_negligent"


def crime_class(top_months: int | None) -> str:
    """Art. 9: less serious up to 3 years (or a non-custodial top), serious up to 7, very serious
    up to 15, extremely serious above (``None``: life or death at the top)."""
    if top_months is None:
        return EXTREMELY_SERIOUS
    if top_months <= 36:
        return LESS_SERIOUS
    if top_months <= 84:
        return SERIOUS
    if top_months <= 180:
        return VERY_SERIOUS
    return EXTREMELY_SERIOUS


@dataclass(frozen=True)
class Bracket:
    """One clause of an article, as its sentence "thì bị phạt ..." names the main penalties: prison
    from ``low`` to ``top`` months; ``fine``: a fine (phạt tiền); ``reform_months``: non-custodial
    reform up to that many months (phạt cải tạo không giam giữ đến ...; None: the clause names no
    reform); ``warning``: a warning (phạt cảnh cáo; no clause listed here names one); ``life`` /
    ``death``: life imprisonment / the death penalty. All but the prison bracket are keywords."""

    clause: str
    low: int
    top: int
    _: KW_ONLY
    fine: bool = False
    reform_months: int | None = None
    warning: bool = False
    life: bool = False
    death: bool = False

    @property
    def crime_class(self) -> str:
        return crime_class(self.top)

    @property
    def non_custodial(self) -> bool:
        """The clause names some non-custodial main penalty (a warning, a fine or reform)."""
        return self.warning or self.fine or self.reform_months is not None

    def allows(self, main_penalty: str, months: int | None) -> bool:
        """Could a court applying this clause have pronounced this main penalty as the clause names
        it? A warning or a fine only where the clause names one, reform only where it names reform
        and no longer than its cap. (The court may go below a bracket under Art. 54, so a shorter
        prison term fits every clause.)"""
        if main_penalty == "warning":
            return self.warning
        if main_penalty == "fine":
            return self.fine
        if main_penalty == "reform":
            return self.reform_months is not None and (months or 0) <= self.reform_months
        if main_penalty == "prison":
            return (months or 0) <= self.top
        if main_penalty == "life":
            return self.life
        if main_penalty == "death":
            return self.death
        return False


#: Crimes committed by negligence (lỗi vô ý), by (code version, article), with the penalty
#: brackets of their clauses. 2015 Code as amended in 2017 (Art. 128 read against the consolidated
#: text 01/VBHN-VPQH, Art. 260 against a published copy of the amended Code, Art. 406 against the
#: Ministry of Justice's Bộ pháp điển, none an official gazette; which non-custodial penalty each
#: clause names, and its reform cap, read in the Bộ pháp điển for all three); 1999 Code articles
#: for old judgments (the favourable 2015 rule applies to them, Resolution 109/2015/QH13): Art. 202
#: read in published copies of the 1999 Code as amended in 2009, Art. 98 still as recalled (below).
#: Only articles whose fault form and brackets we know are listed; anything else keeps the record. Left
#: out of Chapter XXV: Art. 414 (losing, or negligently damaging, military weapons; (1) reform <= 3 y
#: or prison 6 months-5 y, (2) 3-7 y) and Art. 407 (losing military secret documents): the law
#: writes "vô ý" for the damaging, never for the losing, and 414's two acts share both clauses, so
#: the fault form of a conviction is not known from its article and clause (docs/military-sync.md).
NEGLIGENT: dict[tuple[int, str], tuple[Bracket, ...]] = {
    # Art. 128 causing death by negligence: (1) reform <= 3 y or prison 1-5 y (no fine); (2) prison 3-10 y
    (2015, "128"): (Bracket("1", 12, 60, reform_months=36), Bracket("2", 36, 120)),
    # Art. 260 road traffic: (1) fine, reform <= 3 y or prison 1-5 y; (2) 3-10 y; (3) 7-15 y;
    # (4) real risk of harm: fine, reform <= 1 y or prison 3 months-1 y
    (2015, "260"): (
        Bracket("1", 12, 60, fine=True, reform_months=36),
        Bracket("2", 36, 120),
        Bracket("3", 84, 180),
        Bracket("4", 3, 12, fine=True, reform_months=12),
    ),
    # Art. 406 negligently revealing military secrets ("Người nào vô ý làm lộ bí mật công tác quân
    # sự"): (1) reform <= 2 y or prison 3 months-2 y (no fine); (2) commander or officer, war zone,
    # combat, or serious or graver consequences: prison 1-5 y. No 1999 twin: its 1999 text was not read.
    (2015, "406"): (Bracket("1", 3, 24, reform_months=24), Bracket("2", 12, 60)),
    # 1999 Code Art. 98 causing death by negligence (now 128): NOT READ. No copy of its 1999 text was
    # found (searched: the consolidated text 15/VBHN-VPQH on hethongphapluat.com, which holds Arts. 99
    # and 111 but not 98; the 1999 Code's chapter XII on vietjack.me and hethongphapluat.vn, whose
    # stored excerpts stop before Art. 98; commentaries and theses). The entry is the earlier
    # recollection "with the 2015 twin's shape", kept unchanged and unverified: (1) reform <= 3 y or
    # 6 months-5 y; (2) 3-10 y. It decides whether a 1999 Art. 98 conviction leaves a record
    # (docs/military-sync.md says what removing it would change).
    (1999, "98"): (Bracket("1", 6, 60, reform_months=36), Bracket("2", 36, 120)),
    # 1999 Code Art. 202 road traffic (now 260), as amended in 2009, read in the copy quoted by
    # luatdaiduonglong.com ("Bộ luật Hình sự 1999 sửa đổi bổ sung 2009", clauses 1-4) and agreeing with
    # the 1999 text on vietjack.me (chapter XIX) and, for clause 2, vnexpress.net: (1) "phạt tiền từ năm
    # triệu đồng đến năm mươi triệu đồng, cải tạo không giam giữ đến ba năm hoặc phạt tù từ sáu tháng
    # đến năm năm"; (2) 3-10 y; (3) 7-15 y; (4) real risk of harm: "phạt cải tạo không giam giữ đến một
    # năm hoặc phạt tù từ ba tháng đến hai năm" (no fine, prison up to 2 years: the recollection had
    # the 2015 Art. 260(4)'s fine and 1-year top)
    (1999, "202"): (
        Bracket("1", 6, 60, fine=True, reform_months=36),
        Bracket("2", 36, 120),
        Bracket("3", 84, 180),
        Bracket("4", 3, 24, reform_months=12),
    ),
}


#: The penalty brackets of every clause of the articles the simulators draw, by (code version,
#: article), in the article's order; clauses that only add penalties (fines, bans) are left out.
#: Whether a crime is negligent is :data:`NEGLIGENT`'s business, not this table's: it says only
#: which main penalties a court applying a clause can pronounce. 2015 Code as amended by Law
#: 12/2017/QH14, read in the Ministry of Justice's Bộ pháp điển (topic 16.1 "Hình sự", mirrored in
#: the public repository diepxuan/diepxuan.github.io, van-ban/hinh-su/hinh-su.md); not the official
#: gazette, and without the 2025 amending law. Each clause's sentence "thì bị phạt ..." was read for
#: which non-custodial penalties it names ("phạt tiền từ ... đến ...": ``fine``; "phạt cải tạo không
#: giam giữ đến 0X năm": ``reform_months``); none of these articles names a warning ("phạt cảnh
#: cáo"), so a warning is lawful under none of them. 1999 Code as amended in 2009, read in published
#: copies, none official (each entry names its copies; docs/military-sync.md lists them). Art. 188's
#: clause 6 (commercial legal entities) is no person's bracket and is left out. An article missing
#: here has no known brackets: the 1999 Arts. 104 and 325 (military simulator) and 104, 112, 136,
#: 139, 140, 143, 153, 194, 197, 230, 245, 249, 250, 257, 259, 267, 279 and 289 (judicial-records
#: simulator) were not read in full, no copy of their clauses being found. The 2015 Art. 150
#: (trafficking in persons) was read, (1) 5-10 y; (2) 8-15 y; (3) 12-20 y, and is left out on
#: purpose: it allows no life sentence, and a life draw of the judicial-records simulator made
#: prison would be a sentence that ends, for which one more random number (the settlement date) is
#: drawn, so every later identity of a world of the same seed would move. Its 1999 twin, Art. 119
#: as amended in 2009 ("Tội mua bán người", the 2009 text quoted by camsa-coalition.org: (1) 2-7 y;
#: (2) 5-20 y, no life either), is left out for the same reason (measured: docs/military-sync.md).
BRACKETS: dict[tuple[int, str], tuple[Bracket, ...]] = {
    **NEGLIGENT,
    # Art. 123 murder: (1) 12-20 y, life or death; (2) 7-15 y; (3) preparation: 1-5 y
    (2015, "123"): (
        Bracket("1", 144, 240, life=True, death=True),
        Bracket("2", 84, 180),
        Bracket("3", 12, 60),
    ),
    # Art. 134 intentional injury: (1) reform <= 3 y or 6 months-3 y; (2) 2-6 y; (3) 5-10 y;
    # (4) 7-14 y; (5) 12-20 y or life; (6) preparation: reform <= 2 y or 3 months-2 y (no fine in any)
    (2015, "134"): (
        Bracket("1", 6, 36, reform_months=36),
        Bracket("2", 24, 72),
        Bracket("3", 60, 120),
        Bracket("4", 84, 168),
        Bracket("5", 144, 240, life=True),
        Bracket("6", 3, 24, reform_months=24),
    ),
    # Art. 141 rape: (1) 2-7 y; (2) 7-15 y; (3) 12-20 y or life; (4) victim aged 16-17: 5-10 y
    (2015, "141"): (
        Bracket("1", 24, 84),
        Bracket("2", 84, 180),
        Bracket("3", 144, 240, life=True),
        Bracket("4", 60, 120),
    ),
    # Art. 142 rape of a person under 16: (1) 7-15 y; (2) 12-20 y; (3) 20 y, life or death
    (2015, "142"): (
        Bracket("1", 84, 180),
        Bracket("2", 144, 240),
        Bracket("3", 240, 240, life=True, death=True),
    ),
    # Art. 168 robbery: (1) 3-10 y; (2) 7-15 y; (3) 12-20 y; (4) 18-20 y or life; (5) preparation 1-5 y
    (2015, "168"): (
        Bracket("1", 36, 120),
        Bracket("2", 84, 180),
        Bracket("3", 144, 240),
        Bracket("4", 216, 240, life=True),
        Bracket("5", 12, 60),
    ),
    # Art. 170 extortion: (1) 1-5 y; (2) 3-10 y; (3) 7-15 y; (4) 12-20 y
    (2015, "170"): (
        Bracket("1", 12, 60),
        Bracket("2", 36, 120),
        Bracket("3", 84, 180),
        Bracket("4", 144, 240),
    ),
    # Art. 171 snatching: (1) 1-5 y; (2) 3-10 y; (3) 7-15 y; (4) 12-20 y or life
    (2015, "171"): (
        Bracket("1", 12, 60),
        Bracket("2", 36, 120),
        Bracket("3", 84, 180),
        Bracket("4", 144, 240, life=True),
    ),
    # Art. 173 theft: (1) reform <= 3 y or 6 months-3 y (no fine: the fine of clause 5 is additional);
    # (2) 2-7 y; (3) 7-15 y; (4) 12-20 y
    (2015, "173"): (
        Bracket("1", 6, 36, reform_months=36),
        Bracket("2", 24, 84),
        Bracket("3", 84, 180),
        Bracket("4", 144, 240),
    ),
    # Art. 174 fraud: (1) reform <= 3 y or 6 months-3 y (no fine); (2) 2-7 y; (3) 7-15 y;
    # (4) 12-20 y or life
    (2015, "174"): (
        Bracket("1", 6, 36, reform_months=36),
        Bracket("2", 24, 84),
        Bracket("3", 84, 180),
        Bracket("4", 144, 240, life=True),
    ),
    # Art. 175 abuse of trust: (1) reform <= 3 y or 6 months-3 y (no fine); (2) 2-7 y; (3) 5-12 y;
    # (4) 12-20 y
    (2015, "175"): (
        Bracket("1", 6, 36, reform_months=36),
        Bracket("2", 24, 84),
        Bracket("3", 60, 144),
        Bracket("4", 144, 240),
    ),
    # Art. 178 destroying or damaging property: (1) fine, reform <= 3 y or 6 months-3 y; (2) 2-7 y;
    # (3) 5-10 y; (4) 10-20 y
    (2015, "178"): (
        Bracket("1", 6, 36, fine=True, reform_months=36),
        Bracket("2", 24, 84),
        Bracket("3", 60, 120),
        Bracket("4", 120, 240),
    ),
    # Art. 188 smuggling: (1) fine or 6 months-3 y; (2) fine or 3-7 y; (3) fine or 7-15 y; (4) 12-20 y
    # (a fine and no reform in any clause)
    (2015, "188"): (
        Bracket("1", 6, 36, fine=True),
        Bracket("2", 36, 84, fine=True),
        Bracket("3", 84, 180, fine=True),
        Bracket("4", 144, 240),
    ),
    # Art. 249 illegal storage of narcotics: (1) 1-5 y; (2) 5-10 y; (3) 10-15 y; (4) 15-20 y or life
    (2015, "249"): (
        Bracket("1", 12, 60),
        Bracket("2", 60, 120),
        Bracket("3", 120, 180),
        Bracket("4", 180, 240, life=True),
    ),
    # Art. 251 trafficking in narcotics: (1) 2-7 y; (2) 7-15 y; (3) 15-20 y; (4) 20 y, life or death
    (2015, "251"): (
        Bracket("1", 24, 84),
        Bracket("2", 84, 180),
        Bracket("3", 180, 240),
        Bracket("4", 240, 240, life=True, death=True),
    ),
    # Art. 250 illegal transport of narcotics: (1) 2-7 y; (2) 7-15 y; (3) 15-20 y; (4) 20 y, life or death
    (2015, "250"): (
        Bracket("1", 24, 84),
        Bracket("2", 84, 180),
        Bracket("3", 180, 240),
        Bracket("4", 240, 240, life=True, death=True),
    ),
    # Art. 255 organising illegal drug use: (1) 2-7 y; (2) 7-15 y; (3) 15-20 y; (4) 20 y or life
    (2015, "255"): (
        Bracket("1", 24, 84),
        Bracket("2", 84, 180),
        Bracket("3", 180, 240),
        Bracket("4", 240, 240, life=True),
    ),
    # Art. 304 military weapons: (1) 1-7 y; (2) 5-12 y; (3) 10-15 y; (4) 15-20 y or life
    (2015, "304"): (
        Bracket("1", 12, 84),
        Bracket("2", 60, 144),
        Bracket("3", 120, 180),
        Bracket("4", 180, 240, life=True),
    ),
    # Art. 318 public disorder: (1) fine, reform <= 2 y or 3 months-2 y; (2) 2-7 y
    (2015, "318"): (Bracket("1", 3, 24, fine=True, reform_months=24), Bracket("2", 24, 84)),
    # Art. 321 gambling: (1) fine, reform <= 3 y or 6 months-3 y; (2) 3-7 y
    (2015, "321"): (Bracket("1", 6, 36, fine=True, reform_months=36), Bracket("2", 36, 84)),
    # Art. 322 organising gambling: (1) fine or 1-5 y (no reform); (2) 5-10 y
    (2015, "322"): (Bracket("1", 12, 60, fine=True), Bracket("2", 60, 120)),
    # Art. 323 handling criminal property: (1) fine, reform <= 3 y or 6 months-3 y; (2) 3-7 y; (3) 7-10 y;
    # (4) 10-15 y
    (2015, "323"): (
        Bracket("1", 6, 36, fine=True, reform_months=36),
        Bracket("2", 36, 84),
        Bracket("3", 84, 120),
        Bracket("4", 120, 180),
    ),
    # Art. 330 resisting officers on duty: (1) reform <= 3 y or 6 months-3 y (no fine); (2) 2-7 y
    (2015, "330"): (Bracket("1", 6, 36, reform_months=36), Bracket("2", 24, 84)),
    # Art. 332 evading military service: (1) reform <= 2 y or 3 months-2 y (no fine); (2) 1-5 y
    (2015, "332"): (Bracket("1", 3, 24, reform_months=24), Bracket("2", 12, 60)),
    # Art. 341 forging seals or documents: (1) fine, reform <= 3 y or 6 months-2 y; (2) 2-5 y; (3) 3-7 y
    (2015, "341"): (
        Bracket("1", 6, 24, fine=True, reform_months=36),
        Bracket("2", 24, 60),
        Bracket("3", 36, 84),
    ),
    # Art. 353 embezzlement: (1) 2-7 y; (2) 7-15 y; (3) 15-20 y; (4) 20 y, life or death
    (2015, "353"): (
        Bracket("1", 24, 84),
        Bracket("2", 84, 180),
        Bracket("3", 180, 240),
        Bracket("4", 240, 240, life=True, death=True),
    ),
    # Art. 354 taking bribes: (1) 2-7 y; (2) 7-15 y; (3) 15-20 y; (4) 20 y, life or death
    (2015, "354"): (
        Bracket("1", 24, 84),
        Bracket("2", 84, 180),
        Bracket("3", 180, 240),
        Bracket("4", 240, 240, life=True, death=True),
    ),
    # Art. 364 giving bribes: (1) fine, reform <= 3 y or 6 months-3 y; (2) 2-7 y; (3) 7-12 y; (4) 12-20 y
    (2015, "364"): (
        Bracket("1", 6, 36, fine=True, reform_months=36),
        Bracket("2", 24, 84),
        Bracket("3", 84, 144),
        Bracket("4", 144, 240),
    ),
    # Chapter XXV (docs/military-sync.md): Art. 394 refusing orders: (1) 6 months-5 y; (2) 3-10 y;
    # (3) 7-15 y; (4) 12-20 y or life
    (2015, "394"): (
        Bracket("1", 6, 60),
        Bracket("2", 36, 120),
        Bracket("3", 84, 180),
        Bracket("4", 144, 240, life=True),
    ),
    # Art. 402 desertion: (1) reform <= 3 y or 6 months-3 y (no fine); (2) 2-7 y; (3) 5-12 y
    (2015, "402"): (
        Bracket("1", 6, 36, reform_months=36),
        Bracket("2", 24, 84),
        Bracket("3", 60, 144),
    ),
    # Art. 403 evading duty: (1) reform <= 2 y or 3 months-2 y (no fine); (2) 2-7 y; (3) 5-10 y
    (2015, "403"): (
        Bracket("1", 3, 24, reform_months=24),
        Bracket("2", 24, 84),
        Bracket("3", 60, 120),
    ),
    # Art. 414 losing or negligently damaging military weapons: (1) reform <= 3 y or 6 months-5 y
    # (no fine); (2) 3-7 y
    (2015, "414"): (Bracket("1", 6, 60, reform_months=36), Bracket("2", 36, 84)),
    # 1999 Code (as amended in 2009). Art. 93 murder: (1) 12-20 y, life or death; (2) 7-15 y. Read in
    # the 1999 text on vietjack.me (chapter XII) and hethongphapluat.vn (bo-luat-hinh-su-1999/chuong-12),
    # which agree (no 2009 copy found; the amending Law 37/2009/QH12's Art. 1(1), read on
    # thuvienphapluat.vn and saigonship.net, takes death out of Arts. 111, 139, 153, 180, 197, 221, 289
    # and 334, not 93; the rest of that law was not read)
    (1999, "93"): (Bracket("1", 144, 240, life=True, death=True), Bracket("2", 84, 180)),
    # Art. 111 rape: (1) 2-7 y; (2) 7-15 y; (3) 12-20 y or life (the 2009 amendment took death out);
    # (4) victim aged 16-17: 5-10 y
    (1999, "111"): (
        Bracket("1", 24, 84),
        Bracket("2", 84, 180),
        Bracket("3", 144, 240, life=True),
        Bracket("4", 60, 120),
    ),
    # Art. 133 robbery: (1) 3-10 y; (2) 7-15 y; (3) 12-20 y; (4) 18-20 y, life or death. Read in the 1999
    # text on vietjack.me (chapter XIV) and in the text in force quoted by 24h.com.vn (April 2017),
    # which agree
    (1999, "133"): (
        Bracket("1", 36, 120),
        Bracket("2", 84, 180),
        Bracket("3", 144, 240),
        Bracket("4", 216, 240, life=True, death=True),
    ),
    # Art. 135 extortion: (1) 1-5 y; (2) 3-10 y; (3) 7-15 y; (4) 12-20 y (no fine or reform as a main
    # penalty: the fine of clause 5 is additional). Read in the 2009 text quoted by luatduonggia.vn
    # ("Quy định của pháp luật về tội cưỡng đoạt tài sản"); luatsuhcm.vn's paraphrase has the same terms
    (1999, "135"): (
        Bracket("1", 12, 60),
        Bracket("2", 36, 120),
        Bracket("3", 84, 180),
        Bracket("4", 144, 240),
    ),
    # Art. 138 theft: (1) reform <= 3 y or 6 months-3 y (no fine, as read); (2) 2-7 y; (3) 7-15 y;
    # (4) 12-20 y or life
    (1999, "138"): (
        Bracket("1", 6, 36, reform_months=36),
        Bracket("2", 24, 84),
        Bracket("3", 84, 180),
        Bracket("4", 144, 240, life=True),
    ),
    # Art. 248 gambling: (1) fine, reform <= 3 y or 3 months-3 y; (2) 2-7 y
    (1999, "248"): (Bracket("1", 3, 36, fine=True, reform_months=36), Bracket("2", 24, 84)),
    # Art. 278 embezzlement: (1) 2-7 y; (2) 7-15 y; (3) 15-20 y; (4) 20 y, life or death. Clauses 1-2 read
    # in the 1999 text on vietjack.me (chapter XXI, cut after clause 2), all four in the English text
    # of the 1999 Code on boluathinhsu.com, clause 4 also in thuvienphapluat.vn's answer on "khoản 4
    # Điều 278". Law 37/2009/QH12's Art. 1(2)(a) raises clause 1's threshold (500,000 to 2 million
    # đồng); no 2009 copy of the whole article was found
    (1999, "278"): (
        Bracket("1", 24, 84),
        Bracket("2", 84, 180),
        Bracket("3", 180, 240),
        Bracket("4", 240, 240, life=True, death=True),
    ),
    # Art. 316 refusing orders: (1) 6 months-5 y; (2) 5-10 y; (3) 10-20 y; (4) 20 y, life or death
    (1999, "316"): (
        Bracket("1", 6, 60),
        Bracket("2", 60, 120),
        Bracket("3", 120, 240),
        Bracket("4", 240, 240, life=True, death=True),
    ),
}
#: A 1999 conviction stored under its 2015 article number (the sync maps articles to 2015) keeps
#: the 1999 article's clauses: 2015 number -> 1999 number, for both tables.
_TWIN_1999 = {
    "128": "98",
    "260": "202",
    "173": "138",
    "321": "248",
    "394": "316",
    "141": "111",
    "123": "93",
    "168": "133",
    "170": "135",
    "353": "278",
}


def _key(code_version: int | None, article: str | None) -> tuple[int, str]:
    """(code version, article) as the tables hold it: 2015 by default, a 1999 twin by its 1999 number."""
    cv, art = int(code_version or 2015), (article or "").strip()
    return (cv, _TWIN_1999.get(art, art) if cv == 1999 else art)


def penalty_brackets(code_version: int | None, article: str | None) -> tuple[Bracket, ...]:
    """The clauses of an article from :data:`BRACKETS` (any fault form); () when not known."""
    return BRACKETS.get(_key(code_version, article), ())


def lawful_clause(code_version: int, article: str, main_penalty: str, months: int | None) -> str | None:
    """The first clause of the article (in its order, over :data:`BRACKETS`) whose bracket holds
    the penalty (:meth:`Bracket.allows`: its kind, a reform within the clause's cap, prison from
    the bracket's bottom), else the first that allows it, else the heaviest clause (a term above
    every bracket); None for an article not known."""
    return _holding_clause(penalty_brackets(code_version, article), main_penalty, months)


def brackets(code_version: int | None, article: str | None) -> tuple[Bracket, ...]:
    """The clauses of a negligent article from :data:`NEGLIGENT`; () for any other article."""
    return NEGLIGENT.get(_key(code_version, article), ())


def normal_clause(clause: str | None) -> str | None:
    """A clause as a plain number ("01" -> "1"); None when empty or not a number."""
    c = (clause or "").strip()
    return str(int(c)) if c.isdigit() and len(c) <= 2 else None


def no_record_basis(code_version: int | None, article: str | None, clause: str | None) -> str | None:
    """:data:`ART69_NEGLIGENT` when Art. 69(2) says no criminal record arises from this conviction
    (a negligent crime of a less serious or serious clause), else None.

    The clause the court applied decides, and nothing else: without it the record stays. The
    pronounced penalty does not tell the clause, since Art. 54(1) lets a court go below a bracket
    into the next lighter one (a fine under Art. 260(2), very serious, is possible).
    """
    c = normal_clause(clause)
    if c is None:
        return None
    for b in brackets(code_version, article):
        if b.clause == c:
            return ART69_NEGLIGENT if b.crime_class in (LESS_SERIOUS, SERIOUS) else None
    return None


def clause_conflict(
    code_version: int | None, article: str | None, clause: str | None, main_penalty: str, months: int | None
) -> bool:
    """True when a listed article's stated clause cannot hold the penalty: no court pronounces
    prison above the top of the bracket it applies, nor reform above the clause's reform cap, nor
    life or death in these brackets. (Below the bracket is lawful, Art. 54: a clause naming no
    reform holds a reform up to the largest cap among the article's clauses, into which the court
    went down; a warning or a fine is never a conflict, Art. 54(1) taking the court down into a
    clause that names a fine and Art. 54(3) letting it pass to a lighter kind of penalty in the
    lightest clause.) Such a sheet is corrupt, and trusting its clause could hide a conviction."""
    c = normal_clause(clause)
    known = brackets(code_version, article)
    for b in known:
        if b.clause == c:
            if main_penalty == "prison":
                return (months or 0) > b.top
            if main_penalty == "reform":
                return (months or 0) > _reform_cap(b, known)
            return main_penalty in ("life", "death")
    return False


def _reform_cap(b: Bracket, known: tuple[Bracket, ...]) -> int:
    """The longest reform a court applying clause ``b`` can pronounce: the clause's own cap; for a
    clause naming no reform, the largest cap the article's clauses name (Art. 54 takes the court
    down into a lighter clause, never above that clause's cap), or Art. 36's 3 years when none does."""
    if b.reform_months is not None:
        return b.reform_months
    cap = _largest_reform_cap(known)
    return REFORM_MAX_MONTHS if cap is None else cap


def _largest_reform_cap(known: tuple[Bracket, ...]) -> int | None:
    """The longest reform any of the article's clauses names; None when none names reform."""
    return max((b.reform_months for b in known if b.reform_months is not None), default=None)


#: Art. 65: only a prison term of at most this many months can be suspended (án treo).
SUSPENDABLE_MONTHS = 36


def may_suspend(main_penalty: str, months: int | None) -> bool:
    """Could a court suspend this main penalty (Art. 65: prison of 3 years or less)?"""
    return main_penalty == "prison" and months is not None and months <= SUSPENDABLE_MONTHS


#: Law 86/2025/QH15 amending the Penal Code (passed 25 Jun 2025, in force 1 Jul 2025) took the death
#: penalty out of eight 2015 articles: 109 (activities against the people's government), 110
#: (espionage), 114 (sabotage of material-technical facilities), 194 (counterfeit medicine), 250
#: (illegal transport of narcotics), 353 (embezzlement), 354 (taking bribes) and 421 (sabotaging
#: peace); life imprisonment is their heaviest penalty from that day. The list was read in several
#: published accounts of the law (baolamdong.vn, lsvn.vn, luatvietan.vn), not in the gazette. Its
#: transitional rule, death sentences pronounced earlier and not carried out commuted to life by the
#: Chief Justice, is not modelled.
DEATH_ABOLISHED_FROM = dt.date(2025, 7, 1)
DEATH_ABOLISHED_ARTICLES = frozenset({"109", "110", "114", "194", "250", "353", "354", "421"})


def death_abolished(code_version: int | None, article: str | None, on: dt.date | None) -> bool:
    """True when no court can pronounce death under this article on the day ``on``: a 2015 article
    Law 86/2025/QH15 took it out of, judged on or after 1 Jul 2025 (the milder law applies to every
    judgment from then, Art. 7(3), whenever the crime was committed). False without a date."""
    cv, art = _key(code_version, article)
    return on is not None and on >= DEATH_ABOLISHED_FROM and cv == 2015 and art in DEATH_ABOLISHED_ARTICLES


def lawful_penalty(
    code_version: int, article: str, main_penalty: str, months: int | None, on: dt.date | None = None
) -> tuple[str, int | None]:
    """A simulated main penalty made one the article's clauses name (:data:`BRACKETS`), with no
    random draw of its own, for simulators that draw penalties by offence kind. Death becomes life
    where a clause allows life (and always under an article the 2025 amending law took death out
    of, judged on ``on`` from 1 Jul 2025: :func:`death_abolished`); life or death becomes the
    heaviest bracket's top prison term where no clause allows them. A non-custodial penalty a
    clause names is kept; one no clause names becomes the next heavier one that some clause names
    (Art. 32's order: warning, fine, reform, prison), except a reform, which becomes a fine where
    the article names a fine and no reform:

    - a warning (no listed clause names one): a fine, else reform, else prison;
    - a fine: reform where no clause names a fine, else prison;
    - a reform: a fine where no clause names reform, else prison.

    A reform keeps its term, or takes Art. 36's least, 6 months, when it had none (a warning or a
    fine made reform), lowered to the largest cap the article's clauses name; a fine has no term. A
    prison term is raised to the lightest bracket's bottom, lowered to the heaviest bracket's top,
    and a term between two brackets is raised to the next one's bottom (Art. 123: 5-7 years). An
    article without known brackets keeps the draw; any other penalty (military discipline) is kept."""
    known = penalty_brackets(code_version, article)
    if not known:
        return main_penalty, months
    low, top = min(b.low for b in known), max(b.top for b in known)
    if main_penalty == "death" and (
        not any(b.death for b in known) or death_abolished(code_version, article, on)
    ):
        main_penalty = "life"
    if main_penalty == "life" and not any(b.life for b in known):
        return "prison", top
    if main_penalty in NON_CUSTODIAL:
        main_penalty, months = _named_non_custodial(known, main_penalty, months)
    if main_penalty == "prison":
        months = min(max(months or 0, low), top)
        if not any(b.low <= months <= b.top for b in known):
            months = min(b.low for b in known if b.low > months)
    return main_penalty, months


def _named_non_custodial(
    known: tuple[Bracket, ...], main_penalty: str, months: int | None
) -> tuple[str, int | None]:
    """:func:`lawful_penalty`'s rule for a warning, a fine or reform (prison: the caller's)."""
    fine = any(b.fine for b in known)
    cap = _largest_reform_cap(known)
    penalty = main_penalty
    if penalty == "warning" and not any(b.warning for b in known):
        penalty = "fine" if fine else ("reform" if cap is not None else "prison")
    elif penalty == "fine" and not fine:
        penalty = "reform" if cap is not None else "prison"
    elif penalty == "reform" and cap is None:
        penalty = "fine" if fine else "prison"
    if penalty == "reform":
        return penalty, min(REFORM_MIN_MONTHS if months is None else months, cap)
    if penalty == "fine" and main_penalty != "fine":
        return penalty, None
    return penalty, months


def simulated_clause(code_version: int, article: str, main_penalty: str, months: int | None) -> str:
    """The clause a simulated judgment names: :func:`lawful_clause` for an article whose brackets
    are known (the first clause naming the penalty's kind, a reform no longer than its cap); for
    the others the simulators' convention (clause 1 for any non-custodial penalty and prison up to
    3 years, 2 up to 7, 3 up to 15, 4 above), which is not the law."""
    real = lawful_clause(code_version, article, main_penalty, months)
    if real is not None:
        return real
    m = months or 0
    if main_penalty != "prison" or m <= 36:
        return "1"
    return "2" if m <= 84 else ("3" if m <= 180 else "4")


def _holding_clause(known: tuple[Bracket, ...], main_penalty: str, months: int | None) -> str | None:
    if not known:
        return None
    for b in known:
        if b.allows(main_penalty, months) and (main_penalty != "prison" or (months or 0) >= b.low):
            return b.clause
    for b in known:
        if b.allows(main_penalty, months):
            return b.clause
    return max(known, key=lambda b: b.top).clause


# ---------------------------------------------------------------- expungement (Arts. 70, 73)


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)


def waiting_months(main_penalty: str, penalty_months: int | None, suspended: bool) -> int | None:
    """Months to wait after the main penalty (or probation) ends (Art. 70(2)); None when never
    automatic (death)."""
    if suspended or main_penalty in ("warning", "fine", "reform", "discipline"):
        return 12
    if main_penalty == "prison":
        months = penalty_months or 0
        if months <= 60:
            return 24
        if months <= 180:
            return 36
        return 60
    if main_penalty == "life":
        return 60
    return None


def main_end(
    main_penalty: str,
    effective: dt.date,
    penalty_months: int | None,
    suspended: bool,
    probation_months: int | None,
) -> dt.date | None:
    """When the main penalty (or the probation of a suspended sentence) ends."""
    if suspended:
        return add_months(effective, probation_months or 0)
    if main_penalty in ("warning", "fine"):
        return effective
    if main_penalty in ("reform", "discipline", "prison"):
        return add_months(effective, penalty_months or 0)
    return None


def expunge_due(
    end: dt.date,
    waiting: int,
    settled_on: dt.date | None = None,
    additional_end: dt.date | None = None,
) -> dt.date:
    """The automatic expungement date: the main penalty's end plus the waiting period, but not
    before the money obligations are settled (judicial_records.md's modelling assumption) nor
    before an additional penalty that outlasts the period ends (Art. 70(3))."""
    due = add_months(end, waiting)
    for later in (settled_on, additional_end):
        if later is not None and later > due:
            due = later
    return due


def expunge_date(
    main_penalty: str,
    effective: dt.date,
    penalty_months: int | None,
    suspended: bool,
    probation_months: int | None,
    additional_end: dt.date | None = None,
) -> dt.date | None:
    """The automatic expungement date of one conviction with its obligations settled on time;
    None when there is no automatic route."""
    end = main_end(main_penalty, effective, penalty_months, suspended, probation_months)
    wait = waiting_months(main_penalty, penalty_months, suspended)
    if end is None or wait is None:
        return None
    return expunge_due(end, wait, None, additional_end)


def additional_end(
    months: int | None, effective: dt.date, end: dt.date | None, main_penalty: str, suspended: bool
) -> dt.date | None:
    """When a term additional penalty (ban from posts, residence ban, supervision) ends: from the
    judgment's effect when the main penalty is a warning, a fine, non-custodial reform or a
    suspended sentence; otherwise from release (Arts. 41-43), so None while the end is unknown
    (life, death)."""
    if not months:
        return None
    if suspended or main_penalty in NON_CUSTODIAL:
        return add_months(effective, months)
    return add_months(end, months) if end is not None else None
