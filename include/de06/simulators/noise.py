"""Named noise profiles and the pure functions that dirty identity fields (identity.md section 6).

A profile is a rate per noise kind. Each kind is drawn independently, but only where it *can*
apply (its eligibility: e.g. ``day_month_swap`` needs day <= 12, ``cmnd_instead`` needs a CMND);
the rate is the probability among eligible records, and the simulator records both counts so the
realised rates can be checked. Record-level kinds ``duplicate`` and ``look_alike`` are decided in
:mod:`de06.simulators.judicial`; the others by :func:`dirty`.

Labels (``truth.record_truth.noise``): ``duplicate`` marks the *second* record of a person (a
separate, independently dirtied copy with the same convictions; its own field kinds are added);
``look_alike`` marks records whose person was drawn from the citizens sharing full name and DOB
with someone else (a duplicate of such a record carries ``duplicate``, not ``look_alike``).
Ordinary records never point to a look-alike citizen. ``moved`` marks a record whose residence
(and records office) is where the person lived when it was made, not the population DB's current
residence: their birth province when they live elsewhere now, otherwise a province drawn as the
population simulator draws movers' destinations. It is drawn from its own random stream, so adding
it leaves every other kind's draws as they were.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import asdict, dataclass, fields, replace
from datetime import date

from de06.domain.provinces import BY_CODE, fold
from de06.errors import InputError


@dataclass(frozen=True)
class NoiseProfile:
    name: str
    no_diacritics: float = 0.0
    wrong_diacritics: float = 0.0
    nfd: float = 0.0
    typo: float = 0.0
    drop_middle: float = 0.0
    reorder: float = 0.0
    case_space: float = 0.0
    ocr: float = 0.0
    date_format: float = 0.0
    day_month_swap: float = 0.0
    year_only: float = 0.0
    cmnd_instead: float = 0.0
    cccd_one_digit: float = 0.0
    id_missing: float = 0.0
    leading_zero_lost: float = 0.0
    province_variant: float = 0.0
    duplicate: float = 0.0
    look_alike: float = 0.0
    moved: float = 0.0

    def rates(self) -> dict[str, float]:
        d = asdict(self)
        d.pop("name")
        return d


KINDS: tuple[str, ...] = tuple(f.name for f in fields(NoiseProfile) if f.name != "name")
RECORD_KINDS = ("duplicate", "look_alike", "moved")

_DEFAULT = NoiseProfile(
    "default",
    no_diacritics=0.12,
    wrong_diacritics=0.04,
    nfd=0.03,
    typo=0.05,
    drop_middle=0.04,
    reorder=0.03,
    case_space=0.15,
    ocr=0.01,
    date_format=0.25,
    day_month_swap=0.03,
    year_only=0.03,
    cmnd_instead=0.25,
    cccd_one_digit=0.02,
    id_missing=0.06,
    leading_zero_lost=0.02,
    province_variant=0.30,
    duplicate=0.03,
    look_alike=0.01,
    # the person lives in another province now than when the record was made (an assumption, not
    # a measured figure; the scorer's m for a residence disagreement is 0.25, set before this kind)
    moved=0.15,
)
PROFILES: dict[str, NoiseProfile] = {
    "clean": NoiseProfile("clean"),
    "default": _DEFAULT,
    "heavy": replace(
        _DEFAULT,
        name="heavy",
        no_diacritics=0.30,
        wrong_diacritics=0.10,
        nfd=0.08,
        typo=0.12,
        drop_middle=0.10,
        reorder=0.08,
        case_space=0.30,
        ocr=0.04,
        date_format=0.50,
        day_month_swap=0.08,
        year_only=0.08,
        cmnd_instead=0.40,
        cccd_one_digit=0.06,
        id_missing=0.15,
        leading_zero_lost=0.06,
        province_variant=0.50,
        duplicate=0.08,
        look_alike=0.03,
        moved=0.30,
    ),
}


def profile(name: str) -> NoiseProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise InputError(f"unknown noise profile {name!r}", f"use one of {', '.join(PROFILES)}") from None


# ---------------------------------------------------------------- identity before noise
@dataclass(frozen=True)
class Identity:
    family: str
    middle: str
    given: str
    full: str
    dob: date
    dob_precision: str  # 'D' or 'Y'
    sex: str  # 'M' / 'F'
    cccd: str
    cmnds: tuple[str, ...]  # current CMND first, then older ones
    birth_province: str
    family_first: bool = True


# ---------------------------------------------------------------- text helpers
TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền, sắc, hỏi, ngã, nặng


def strip_diacritics(s: str) -> str:
    t = unicodedata.normalize("NFD", s)
    t = "".join(c for c in t if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", t.replace("đ", "d").replace("Đ", "D"))


def has_tone(token: str) -> bool:
    return any(c in TONES for c in unicodedata.normalize("NFD", token))


def swap_tone(s: str, rnd: random.Random) -> str:
    """Change the tone mark of one syllable to another (or drop it)."""
    tokens = s.split(" ")
    cand = [i for i, t in enumerate(tokens) if has_tone(t)]
    if not cand:
        return s
    i = rnd.choice(cand)
    chars = list(unicodedata.normalize("NFC", tokens[i]))
    j = next(k for k, c in enumerate(chars) if has_tone(c))
    d = unicodedata.normalize("NFD", chars[j])
    cur = next(c for c in d if c in TONES)
    new = rnd.choice([t for t in TONES if t != cur] + [""])
    # tone goes after the vowel's own marks (ă, â, ơ ...) so NFC recomposes one character
    chars[j] = unicodedata.normalize("NFC", d.replace(cur, "") + new)
    tokens[i] = "".join(chars)
    return " ".join(tokens)


_LETTERS = "aeiouyhngtcmdlrs"


def typo(s: str, rnd: random.Random) -> str:
    """One character edit (substitute, delete, transpose, insert) inside one name token."""
    tokens = s.split(" ")
    cand = [i for i, t in enumerate(tokens) if len(t) >= 2]
    if not cand:
        return s
    for _ in range(10):
        i = rnd.choice(cand)
        t = tokens[i]
        op = rnd.randrange(4)
        p = rnd.randrange(1, len(t))  # keep the initial letter
        if op == 0:
            c = rnd.choice(_LETTERS)
            new = t[:p] + c + t[p + 1 :]
        elif op == 1 and len(t) >= 3:
            new = t[:p] + t[p + 1 :]
        elif op == 2 and p + 1 < len(t):
            new = t[:p] + t[p + 1] + t[p] + t[p + 2 :]
        else:
            new = t[:p] + t[p] + t[p:]
        if new != t:
            tokens[i] = new
            return " ".join(tokens)
    return s


# scanned paper read by OCR (identity.md section 6): marks and letters confused
OCR_CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("Đ", "D"),
    ("đ", "d"),
    ("ơ", "o"),
    ("ư", "u"),
    ("ă", "a"),
    ("â", "a"),
    ("ả", "à"),
    ("ẫ", "ã"),
    ("rn", "m"),
    ("m", "rn"),
    ("l", "I"),
    ("I", "l"),
    ("O", "0"),
    ("S", "5"),
    ("B", "8"),
)


def _drop_tone(c: str) -> str:
    d = unicodedata.normalize("NFD", c)
    return unicodedata.normalize("NFC", "".join(x for x in d if x not in TONES))


def _ocr_candidates(s: str) -> list[tuple[str, str]]:
    pairs = [(a, b) for a, b in OCR_CONFUSIONS if a in s]
    pairs += [(c, _drop_tone(c)) for c in sorted(set(s)) if has_tone(c)]  # a lost tone mark
    return pairs


def ocr_confusions(s: str) -> int:
    """How many kinds of OCR confusion could apply to ``s``."""
    return len(_ocr_candidates(s))


def ocr(s: str, rnd: random.Random) -> str:
    """One or two OCR confusions (Đ->D, ơ->o, ả->à, rn->m, l->I, a lost tone mark ...)."""
    for _ in range(1 if rnd.random() < 0.7 else 2):
        cand = _ocr_candidates(s)
        if not cand:
            break
        a, b = rnd.choice(cand)
        spots = [i for i in range(len(s)) if s.startswith(a, i)]
        i = rnd.choice(spots)
        s = s[:i] + b + s[i + len(a) :]
    return s


def case_space(s: str, rnd: random.Random) -> str:
    r = rnd.random()
    if r < 0.55:
        return s.upper()
    if r < 0.65:
        return s.lower()
    tokens = s.split(" ")
    j = rnd.randrange(len(tokens))
    tokens[j] = tokens[j] + " "
    out = " ".join(tokens)
    return (" " + out) if rnd.random() < 0.5 else (out + "  ")


def render_date(d: date, fmt: str) -> str:
    if fmt == "dmy":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if fmt == "d/m/yy":
        return f"{d.day}/{d.month}/{d.year % 100:02d}"
    if fmt == "d/m/yyyy":
        return f"{d.day}/{d.month}/{d.year}"
    if fmt == "iso":
        return d.isoformat()
    if fmt == "dots":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if fmt == "compact":
        return f"{d.year}{d.month:02d}{d.day:02d}"
    raise ValueError(fmt)


OTHER_DATE_FORMATS = ("d/m/yy", "d/m/yyyy", "iso", "dots", "compact")
#: free-text sex as records write it; "1"/"2" follow the QĐ 130 GIOI_TINH code (1 male, 2 female)
SEX_TEXT = {
    "M": (("Nam", 0.80), ("nam", 0.06), ("NAM", 0.06), ("M", 0.04), ("Male", 0.02), ("1", 0.02)),
    "F": (("Nữ", 0.80), ("nữ", 0.05), ("NỮ", 0.05), ("Nu", 0.03), ("NU", 0.02), ("F", 0.03), ("2", 0.02)),
}
# former provinces whose territory is now (partly) inside a code (identity.md section 2)
OLD_PROVINCE = {
    "001": "Hà Tây",
    "017": "Hà Sơn Bình",
    "035": "Hà Nam Ninh",
    "036": "Nam Hà",
    "037": "Hà Nam Ninh",
    "030": "Hải Hưng",
    "033": "Hải Hưng",
    "024": "Hà Bắc",
    "027": "Hà Bắc",
    "025": "Vĩnh Phú",
    "026": "Vĩnh Phú",
    "019": "Bắc Thái",
    "006": "Bắc Thái",
    "010": "Hoàng Liên Sơn",
    "015": "Hoàng Liên Sơn",
    "002": "Hà Tuyên",
    "008": "Hà Tuyên",
    "040": "Nghệ Tĩnh",
    "042": "Nghệ Tĩnh",
    "044": "Bình Trị Thiên",
    "045": "Bình Trị Thiên",
    "046": "Bình Trị Thiên",
    "048": "Quảng Nam - Đà Nẵng",
    "049": "Quảng Nam - Đà Nẵng",
    "051": "Nghĩa Bình",
    "052": "Nghĩa Bình",
    "054": "Phú Khánh",
    "056": "Phú Khánh",
    "062": "Gia Lai - Kon Tum",
    "064": "Gia Lai - Kon Tum",
    "058": "Thuận Hải",
    "060": "Thuận Hải",
    "070": "Sông Bé",
    "074": "Sông Bé",
    "083": "Cửu Long",
    "084": "Cửu Long",
    "086": "Cửu Long",
    "092": "Hậu Giang",
    "093": "Hậu Giang",
    "094": "Hậu Giang",
    "095": "Minh Hải",
    "096": "Minh Hải",
}


def _weighted(options, rnd: random.Random) -> str:
    r = rnd.random()
    acc = 0.0
    for value, w in options:
        acc += w
        if r < acc:
            return value
    return options[-1][0]


def sex_text(sex: str, rnd: random.Random) -> str:
    return _weighted(SEX_TEXT[sex], rnd)


def province_text(code: str) -> str:
    return BY_CODE[code].name


def province_variant(code: str, birth_year: int, rnd: random.Random) -> str | None:
    """A different spelling of the birth province: alias, no diacritics, prefix, old name, code, missing."""
    p = BY_CODE[code]
    options = ["fold", "prefix", "code", "missing"]
    if p.variants:
        options += ["variant", "variant"]
    if code in OLD_PROVINCE and birth_year < 1992:
        options += ["old", "old"]
    kind = rnd.choice(options)
    if kind == "variant":
        return rnd.choice(p.variants)
    if kind == "fold":
        return fold(p.name).title()
    if kind == "prefix":
        pre = rnd.choice(("TP.", "TP ", "Thành phố ") if p.kind == "TP" else ("Tỉnh ", "T. ", "tỉnh "))
        return pre + p.name
    if kind == "old":
        return OLD_PROVINCE[code]
    if kind == "code":
        return code if rnd.random() < 0.5 else code[1:]
    return None


# ---------------------------------------------------------------- the field-level noise
def dirty(
    ident: Identity, prof: NoiseProfile, rnd: random.Random
) -> tuple[dict[str, str | None], list[str], list[str]]:
    """Identity fields of one judicial record, dirtied by ``prof``.

    Returns (fields, applied kinds, eligible kinds). Fields: full_name, dob_text, sex_text,
    id_number, birth_place. Deterministic for a given ``rnd`` state.
    """
    applied: list[str] = []
    eligible: list[str] = []

    def draw(kind: str, can: bool) -> bool:
        if not can:
            return False
        eligible.append(kind)
        rate = getattr(prof, kind)
        hit = rate > 0 and rnd.random() < rate
        if hit:
            applied.append(kind)
        return hit

    # --- name: component edits first, then character-level ones
    family, middle, given = ident.family, ident.middle, ident.given
    parts_order = "kinh" if ident.family_first else "clan_last"
    if draw("drop_middle", bool(middle) and ident.family_first):
        middle = ""
    if draw("reorder", ident.family_first and bool(family) and bool(given)):
        parts_order = "western" if rnd.random() < 0.6 else "given_first"
    if parts_order == "kinh":
        name = " ".join(p for p in (family, middle, given) if p)
    elif parts_order == "western":
        name = " ".join(p for p in (given, middle, family) if p)
    elif parts_order == "given_first":
        name = " ".join(p for p in (given, family, middle) if p)
    else:
        name = ident.full if middle == ident.middle else " ".join(p for p in (given, family) if p)
    if draw("typo", any(len(t) >= 2 for t in name.split(" "))):
        name = typo(name, rnd)
    if draw("wrong_diacritics", any(has_tone(t) for t in name.split(" "))):
        name = swap_tone(name, rnd)
    if draw("no_diacritics", strip_diacritics(name) != name):
        name = strip_diacritics(name)
    if draw("ocr", ocr_confusions(name) > 0):
        name = ocr(name, rnd)
    if draw("case_space", True):
        name = case_space(name, rnd)
    if draw("nfd", unicodedata.normalize("NFD", name) != name):
        name = unicodedata.normalize("NFD", name)

    # --- date of birth
    d = ident.dob
    if ident.dob_precision == "Y":
        dob_text = rnd.choice((f"01/01/{d.year}", f"01/01/{d.year}", f"00/00/{d.year}", str(d.year)))
    else:
        dob_text = None
        if draw("year_only", True):
            dob_text = str(d.year) if rnd.random() < 0.5 else f"00/00/{d.year}"
        else:
            if draw("day_month_swap", d.day <= 12 and d.day != d.month):
                d = date(d.year, d.day, d.month)
            fmt = rnd.choice(OTHER_DATE_FORMATS) if draw("date_format", True) else "dmy"
            dob_text = render_date(d, fmt)

    # --- ID number
    id_number: str | None = ident.cccd
    if draw("id_missing", True):
        id_number = None
    else:
        if draw("cmnd_instead", bool(ident.cmnds)):
            id_number = (
                ident.cmnds[0]
                if (len(ident.cmnds) == 1 or rnd.random() < 0.7)
                else rnd.choice(ident.cmnds[1:])
            )
        if draw("cccd_one_digit", True):
            pos = rnd.randrange(len(id_number))
            digit = rnd.choice([c for c in "0123456789" if c != id_number[pos]])
            id_number = id_number[:pos] + digit + id_number[pos + 1 :]
        if draw("leading_zero_lost", id_number.startswith("0") and id_number.strip("0") != ""):
            id_number = id_number.lstrip("0")

    # --- birthplace
    birth_place: str | None = province_text(ident.birth_province)
    if draw("province_variant", True):
        birth_place = province_variant(ident.birth_province, ident.dob.year, rnd)

    fields_ = {
        "full_name": name,
        "dob_text": dob_text,
        "sex_text": sex_text(ident.sex, rnd),
        "id_number": id_number,
        "birth_place": birth_place,
    }
    return fields_, applied, eligible
