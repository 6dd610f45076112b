"""Vietnamese personal names for the simulators (identity.md section 5), drawn vectorised.

Order: family + middle + given. Family-name shares follow the widely quoted estimate (Nguyễn
38.4 %, ...); "Thị"/"Văn" dominate older cohorts (a tunable assumption). A small share of names
has 2 or 4+ syllables (no middle name, compound given, two middle names, compound family) and a
small share follows ethnic-minority patterns (Thái, Tày/Nùng, Hmông, Ê Đê with clan name last,
Khmer). All text is NFC.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np


def _nfc(items):
    return tuple(unicodedata.normalize("NFC", s) for s in items)


# family name -> share (%); the tail shares the remainder
_FAMILY_MAIN = {
    "Nguyễn": 38.4,
    "Trần": 11.5,
    "Lê": 9.5,
    "Phạm": 7.1,
    "Hoàng": 2.9,
    "Huỳnh": 2.2,
    "Phan": 4.5,
    "Vũ": 2.1,
    "Võ": 1.8,
    "Đặng": 2.1,
    "Bùi": 2.0,
    "Đỗ": 1.4,
    "Hồ": 1.3,
    "Ngô": 1.3,
    "Dương": 1.0,
    "Lý": 0.5,
}
_FAMILY_TAIL = _nfc(
    (
        "Đinh",
        "Đào",
        "Trịnh",
        "Trương",
        "Lâm",
        "Mai",
        "Lương",
        "Hà",
        "Cao",
        "Tạ",
        "Đoàn",
        "Phùng",
        "Triệu",
        "Kiều",
        "Thái",
        "Tô",
        "Quách",
        "Châu",
        "Lưu",
        "Vương",
        "La",
        "Khúc",
        "Thân",
        "Nghiêm",
        "Văn",
        "Giáp",
        "Lã",
        "Tăng",
        "Doãn",
        "Âu",
    )
)
FAMILY: tuple[str, ...] = _nfc(_FAMILY_MAIN) + _FAMILY_TAIL
_fam_w = np.array(list(_FAMILY_MAIN.values()) + [0.0] * len(_FAMILY_TAIL))
_tail_share = 100.0 - _fam_w.sum()
_tail_w = np.linspace(2.0, 0.5, len(_FAMILY_TAIL))
_fam_w[len(_FAMILY_MAIN) :] = _tail_w / _tail_w.sum() * _tail_share
FAMILY_P: np.ndarray = _fam_w / _fam_w.sum()

MIDDLE_F = _nfc(
    (
        "Thị",
        "Ngọc",
        "Thu",
        "Thanh",
        "Hồng",
        "Phương",
        "Mỹ",
        "Kim",
        "Bảo",
        "Diệu",
        "Khánh",
        "Minh",
        "Hoài",
        "Quỳnh",
    )
)
MIDDLE_M = _nfc(
    (
        "Văn",
        "Đức",
        "Hữu",
        "Công",
        "Quang",
        "Minh",
        "Đình",
        "Xuân",
        "Ngọc",
        "Thanh",
        "Quốc",
        "Trọng",
        "Anh",
        "Tiến",
        "Gia",
    )
)
GIVEN_M = _nfc(
    (
        "Hùng",
        "Dũng",
        "Tuấn",
        "Cường",
        "Hưng",
        "Long",
        "Nam",
        "Sơn",
        "Thắng",
        "Tùng",
        "Hiếu",
        "Đức",
        "Trung",
        "Quân",
        "Huy",
        "Phong",
        "Toàn",
        "Thành",
        "Khoa",
        "Vinh",
        "Lâm",
        "Đạt",
        "Bảo",
        "Kiên",
        "Tài",
        "Phúc",
        "Thịnh",
        "Hoàng",
        "Lộc",
        "Nghĩa",
    )
)
GIVEN_F = _nfc(
    (
        "Lan",
        "Hoa",
        "Hương",
        "Hằng",
        "Huyền",
        "Trang",
        "Nhung",
        "Thảo",
        "Mai",
        "Ngân",
        "Yến",
        "Loan",
        "Hạnh",
        "Dung",
        "Nga",
        "Vân",
        "Thủy",
        "Hà",
        "Oanh",
        "Tuyết",
        "Nhi",
        "Vy",
        "Hiền",
        "Liên",
        "Thư",
        "Quyên",
        "Diệp",
        "Trâm",
        "My",
        "Hòa",
    )
)
GIVEN_AMBIGUOUS = _nfc(
    (
        "An",
        "Bình",
        "Minh",
        "Anh",
        "Thanh",
        "Hải",
        "Giang",
        "Ngọc",
        "Khánh",
        "Linh",
        "Phương",
        "Xuân",
        "Tâm",
        "Châu",
        "Dương",
    )
)
COMPOUND_FAMILY = _nfc(("Tôn Nữ", "Tôn Thất", "Hoàng Phủ", "Âu Dương"))

# ethnic-minority patterns (tendencies, unconfirmed as rules)
THAI_FAMILY = _nfc(("Lò", "Lường", "Quàng", "Cầm", "Tòng", "Cà", "Lù", "Vi", "Hà", "Đèo", "Sầm"))
TAY_FAMILY = _nfc(("Nông", "Hoàng", "Lục", "Ma", "Hà", "Triệu", "Lương", "Bế", "Vi"))
HMONG_FAMILY = _nfc(("Giàng", "Vàng", "Sùng", "Thào", "Lý", "Mùa", "Hạng", "Lầu", "Vừ", "Tráng", "Sình"))
HMONG_GIVEN_M = _nfc(("Páo", "Sử", "Chứ", "Dính", "Chư", "Pó", "Súa", "Dế", "Tủa", "Lử"))
HMONG_GIVEN_F = _nfc(("Mỷ", "Dợ", "Sinh", "Pằng", "Máy", "Chở", "Dua", "Sua"))
EDE_CLAN = _nfc(("Niê", "Mlô", "Êban", "Ksơr", "Byă", "Ayŭn"))
EDE_GIVEN = _nfc(("Hen", "Blin", "Đoan", "Jan", "Krông", "Thu", "Lin", "Nga", "Sao", "Bi"))
KHMER_FAMILY = _nfc(("Thạch", "Sơn", "Kim", "Danh", "Lâm", "Chau"))
KHMER_GIVEN = _nfc(("Sa Rây", "Sô Phol", "Chanh Đa", "Sô Kha", "Na Ry", "Ra Ty", "Sa Rươn", "Kim Sơn"))


@dataclass(frozen=True)
class NameShares:
    """Structure shares (tunable assumptions)."""

    two_syllables: float = 0.02
    compound_given: float = 0.03
    two_middle: float = 0.015
    compound_family: float = 0.004
    parents_family: float = 0.01
    minority: float = 0.03


def _pick(rng: np.random.Generator, pool: tuple[str, ...], n: int, p: np.ndarray | None = None) -> np.ndarray:
    idx = rng.choice(len(pool), size=n, p=p)
    return np.asarray(pool, dtype=object)[idx]


def _middle_for(rng: np.random.Generator, male: np.ndarray, years: np.ndarray) -> np.ndarray:
    n = len(male)
    # share of Thị (women) / Văn (men) falls with the birth cohort (tunable assumption)
    t = np.clip((years - 1940) / 80.0, 0.0, 1.0)
    p_thi = 0.8 - 0.5 * t
    p_van = 0.75 - 0.55 * t
    u = rng.random(n)
    other_f = _pick(rng, MIDDLE_F[1:], n)
    other_m = _pick(rng, MIDDLE_M[1:], n)
    return np.where(male, np.where(u < p_van, "Văn", other_m), np.where(u < p_thi, "Thị", other_f))


def _given_for(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    n = len(male)
    amb = rng.random(n) < 0.2
    gm = _pick(rng, GIVEN_M, n)
    gf = _pick(rng, GIVEN_F, n)
    ga = _pick(rng, GIVEN_AMBIGUOUS, n)
    return np.where(amb, ga, np.where(male, gm, gf))


def draw(
    rng: np.random.Generator, male: np.ndarray, years: np.ndarray, shares: NameShares = NameShares()
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(family, middle, given, full) object arrays for people of the given sex and birth year."""
    n = len(male)
    family = _pick(rng, FAMILY, n, FAMILY_P)
    middle = _middle_for(rng, male, years)
    given = _given_for(rng, male)

    kind = rng.random(n)
    edges = np.cumsum(
        [
            shares.two_syllables,
            shares.compound_given,
            shares.two_middle,
            shares.compound_family,
            shares.parents_family,
            shares.minority,
        ]
    )
    middle = np.where(kind < edges[0], "", middle)
    sel = (kind >= edges[0]) & (kind < edges[1])
    given2 = _given_for(rng, male)
    given = np.where(sel & (given2 != given), given + " " + given2, given)
    sel = (kind >= edges[1]) & (kind < edges[2])
    middle2 = _middle_for(rng, male, np.full(n, 2020))
    middle = np.where(sel & (middle2 != middle), middle + " " + middle2, middle)
    sel = (kind >= edges[2]) & (kind < edges[3])
    family = np.where(sel, _pick(rng, COMPOUND_FAMILY, n), family)
    sel = (kind >= edges[3]) & (kind < edges[4])
    mother = _pick(rng, FAMILY[:8], n)
    middle = np.where(sel & (mother != family) & (middle != ""), mother + " " + middle, middle)
    full = compose(family, middle, given)

    minority = np.flatnonzero(kind >= edges[4])
    minority = minority[kind[minority] < edges[5]]
    if len(minority):
        _minority(rng, minority, male, family, middle, given, full)
    return family, middle, given, full


def _minority(rng, idx, male, family, middle, given, full) -> None:
    """Overwrite rows ``idx`` with ethnic-minority name patterns (in place)."""
    group = rng.choice(5, size=len(idx), p=[0.3, 0.3, 0.15, 0.1, 0.15])
    u = rng.random((len(idx), 3))
    for j, (i, g) in enumerate(zip(idx, group, strict=True)):
        m = bool(male[i])

        def pick(pool, k, j=j):
            return pool[int(u[j, k] * len(pool))]

        if g in (0, 1):  # Thái / Tày-Nùng: Vietnamese order
            fam = pick(THAI_FAMILY if g == 0 else TAY_FAMILY, 0)
            mid = "Văn" if m else "Thị"
            giv = pick(GIVEN_M if m else GIVEN_F, 1)
            family[i], middle[i], given[i] = fam, mid, giv
            full[i] = f"{fam} {mid} {giv}"
        elif g == 2:  # Hmông: "Giàng A Páo"
            fam = pick(HMONG_FAMILY, 0)
            mid = "A" if m else "Thị"
            giv = pick(HMONG_GIVEN_M if m else HMONG_GIVEN_F, 1)
            family[i], middle[i], given[i] = fam, mid, giv
            full[i] = f"{fam} {mid} {giv}"
        elif g == 3:  # Ê Đê: personal name with Y / H' first, clan name last
            clan = pick(EDE_CLAN, 0)
            giv = ("Y " if m else "H'") + pick(EDE_GIVEN, 1)
            family[i], middle[i], given[i] = clan, "", giv
            full[i] = f"{giv} {clan}"
        else:  # Khmer: multi-syllable given names
            fam = pick(KHMER_FAMILY, 0)
            mid = "" if u[j, 2] < 0.5 else ("Thị" if not m else "")
            giv = pick(KHMER_GIVEN, 1)
            family[i], middle[i], given[i] = fam, mid, giv
            full[i] = " ".join(p for p in (fam, mid, giv) if p)


# Hoàng (north) / Huỳnh (south), Vũ (north) / Võ (south): one surname read regionally, but different
# strings in law (identity.md section 5)
_REGIONAL = (("Hoàng", "Huỳnh"), ("Vũ", "Võ"))


def regionalise(
    rng: np.random.Generator, family: np.ndarray, south: np.ndarray, share: float = 0.8
) -> np.ndarray:
    """Northern spelling for most people born in the north, southern for most born in the south."""
    out = family.copy()
    u = rng.random(len(family))
    for north_name, south_name in _REGIONAL:
        pair = (family == north_name) | (family == south_name)
        out = np.where(pair & (u < share), np.where(south, south_name, north_name), out)
    return out


def compose(family: np.ndarray, middle: np.ndarray, given: np.ndarray) -> np.ndarray:
    """Full names in Vietnamese order (family, middle, given); no middle name -> two parts."""
    return np.where(middle == "", family + " " + given, family + " " + middle + " " + given)


def family_first(family: str, given: str, full: str) -> bool:
    """True when the full name starts with the family name (Kinh order); False for clan-last names."""
    return full.startswith(family + " ") or full == family
