"""Generator of realistic, messy province status TSVs (as OCR of a scanned letter produces them).

Derive, then dirty: a consistent truth for the 63 provinces is built first (batch, status,
security, PV06; stated totals from the truth), then labelled noise is injected:

- OCR confusions of Vietnamese letters (Đ->D, ơ->o, ư->u, ă/â->a, ê->e, ô->o, tone marks lost or
  swapped, m->rn, O->0, l->1, I->l) in names and values;
- province names in variant spellings (prefix, upper case, aliases), misspelled (one letter
  doubled) or repeated (a second row for the same province);
- provinces missing; values shifted into the wrong column (an empty cell inserted, or two
  neighbouring value cells swapped);
- a title line, a note line, and a summary line that disagrees with the rows (one stated total off).

Deterministic by seed: the same seed gives byte-identical text. ``generate`` returns the text and
the truth (what the cleaner should find).
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from de06.domain import provinces
from de06.report.vocabulary import HEADER_VI, PV06_KEYS, PV06_VI, SECURITY_VI, STATUS_KEYS, STATUS_VI


@dataclass(frozen=True)
class Noise:
    ocr_rate: float = 0.30  # share of cells with OCR confusions
    variant_rate: float = 0.15  # share of names written in a variant form
    misspell_rate: float = 0.04
    shift_rate: float = 0.06  # share of rows with shifted values
    missing: tuple[int, int] = (0, 2)  # min/max provinces dropped
    repeated: tuple[int, int] = (0, 2)
    summary_off_rate: float = 0.7  # chance that one stated total is off


PROFILES: dict[str, Noise] = {
    "clean": Noise(0, 0, 0, 0, (0, 0), (0, 0), 0),
    "default": Noise(),
    "heavy": Noise(0.6, 0.3, 0.08, 0.15, (1, 4), (1, 3), 1.0),
}

_LETTER_SWAPS = {
    "Đ": "D",
    "đ": "d",
    "ơ": "o",
    "ư": "u",
    "ă": "a",
    "â": "a",
    "ê": "e",
    "ô": "o",
    "Ơ": "O",
    "Ư": "U",
    "Ă": "A",
    "Â": "A",
    "Ê": "E",
    "Ô": "O",
}
_TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_VARIANT_FORMS = ("prefix", "upper", "alias", "noaccent")


def _truth(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    start = date(2024, 9, 9)
    for p in provinces.PROVINCES:
        batch = rng.choices([1, 2, 3, 4, 5, 6], weights=[10, 14, 14, 12, 8, 5])[0]
        d1 = start + timedelta(days=7 * (batch - 1))
        d2 = d1 + timedelta(days=6)
        w = {
            1: (70, 20, 10),
            2: (55, 30, 15),
            3: (40, 35, 25),
            4: (25, 40, 35),
            5: (10, 35, 55),
            6: (5, 25, 70),
        }
        status = rng.choices(STATUS_KEYS, weights=w[batch])[0]
        assured = {"completed": 0.95, "devtest_done": 0.7, "devtest_in_progress": 0.35}[status]
        pv06 = rng.choices(PV06_KEYS, weights=(50, 30, 20) if status == "completed" else (25, 35, 40))[0]
        rows.append(
            {
                "code": p.code,
                "name": p.name,
                "kind": p.kind,
                "batch_no": batch,
                "batch_start": d1.isoformat(),
                "batch_end": d2.isoformat(),
                "status": status,
                "source_code_security": rng.random() < assured,
                "system_security": rng.random() < assured,
                "pv06": pv06,
            }
        )
    return rows


def batch_text(no: int, d1: date, d2: date) -> str:
    if d1.month == d2.month:
        return f"Đợt {no}({d1.day}-{d2.day}/{d2.month}/{d2.year})"
    return f"Đợt {no}({d1.day}/{d1.month}-{d2.day}/{d2.month}/{d2.year})"


def ocr_damage(text: str, rng: random.Random, *, name: bool = False) -> str:
    """Apply one or two OCR confusions (identity.md §6) to ``text``."""
    for _ in range(rng.choice((1, 1, 2))):
        kind = rng.choice(("letter", "letter", "tone_lost", "tone_swap", "glyph"))
        if kind == "letter":
            spots = [
                i
                for i, c in enumerate(text)
                if c in _LETTER_SWAPS or unicodedata.normalize("NFD", c)[0] in _LETTER_SWAPS
            ]
            if spots:
                i = rng.choice(spots)
                nfd = unicodedata.normalize("NFD", text[i])
                base = _LETTER_SWAPS.get(nfd[0], _LETTER_SWAPS.get(text[i], nfd[0]))
                if text[i] in _LETTER_SWAPS:
                    base = _LETTER_SWAPS[text[i]]
                marks = "".join(m for m in nfd[1:] if m in _TONES)
                text = text[:i] + unicodedata.normalize("NFC", base + marks) + text[i + 1 :]
        elif kind in ("tone_lost", "tone_swap"):
            nfd = unicodedata.normalize("NFD", text)
            spots = [i for i, c in enumerate(nfd) if c in _TONES]
            if spots:
                i = rng.choice(spots)
                repl = "" if kind == "tone_lost" else rng.choice([t for t in _TONES if t != nfd[i]])
                text = unicodedata.normalize("NFC", nfd[:i] + repl + nfd[i + 1 :])
        else:
            options = [("m", "rn"), ("l", "1"), ("I", "l")]
            if name:
                options.append(("O", "0"))
            options = [(a, b) for a, b in options if a in text]
            if options:
                a, b = rng.choice(options)
                idx = [i for i in range(len(text)) if text.startswith(a, i)]
                i = rng.choice(idx)
                text = text[:i] + b + text[i + len(a) :]
    return text


def _name_text(p: dict[str, Any], rng: random.Random, noise: Noise) -> tuple[str, str]:
    """Name as written, and the label of the noise applied."""
    name = p["name"]
    label = "official"
    if rng.random() < noise.variant_rate:
        form = rng.choice(_VARIANT_FORMS)
        prov = provinces.BY_CODE[p["code"]]
        long_variants = [v for v in prov.variants if len(v) > 3]
        if form == "prefix":
            name = ("TP " if prov.kind == "TP" else "Tỉnh ") + name
        elif form == "upper":
            name = name.upper()
        elif form == "alias" and long_variants:
            name = rng.choice(long_variants)
        elif form == "noaccent":
            name = (
                "".join(c for c in unicodedata.normalize("NFD", name) if unicodedata.category(c) != "Mn")
                .replace("Đ", "D")
                .replace("đ", "d")
            )
        label = form
    if rng.random() < noise.ocr_rate:
        name = ocr_damage(name, rng, name=True)
        label += "+ocr"
    if len(name) >= 7 and rng.random() < noise.misspell_rate:
        letters = [i for i, c in enumerate(name) if c.isalpha()]
        i = rng.choice(letters)
        name = name[: i + 1] + name[i] + name[i + 1 :]
        label += "+misspelled"
    return name, label


def _value(text: str, rng: random.Random, noise: Noise) -> str:
    return ocr_damage(text, rng) if rng.random() < noise.ocr_rate else text


def generate(seed: int = 0, profile: str | Noise = "default") -> tuple[str, dict[str, Any]]:
    """The TSV text and its truth (what a correct cleaner reports) for ``seed``."""
    noise = PROFILES[profile] if isinstance(profile, str) else profile
    rng = random.Random(seed)
    truth_rows = _truth(rng)
    stated = {
        "provinces": len(truth_rows),
        **{k: sum(1 for r in truth_rows if r["status"] == k) for k in STATUS_KEYS},
        "source_code_security": sum(1 for r in truth_rows if r["source_code_security"]),
        "system_security": sum(1 for r in truth_rows if r["system_security"]),
        **{k: sum(1 for r in truth_rows if r["pv06"] == k) for k in PV06_KEYS},
    }
    off_key = None
    if rng.random() < noise.summary_off_rate:
        off_key = rng.choice([*STATUS_KEYS, *PV06_KEYS])
        stated[off_key] = max(0, stated[off_key] + rng.choice((-3, -2, -1, 1, 2, 3)))

    n_missing = rng.randint(*noise.missing)
    missing = sorted(rng.sample(range(len(truth_rows)), n_missing))
    kept = [r for i, r in enumerate(truth_rows) if i not in missing]
    n_rep = rng.randint(*noise.repeated)
    repeated = rng.sample(range(len(kept)), min(n_rep, len(kept)))
    emitted: list[dict[str, Any]] = []
    for i, r in enumerate(kept):
        emitted.append(r)
        if i in repeated:
            emitted.append(r)

    lines = [
        "BẢNG TIẾN ĐỘ TRIỂN KHAI HỆ THỐNG THEO ĐỀ ÁN 06 (kèm theo văn bản của Tổ công tác)",
        "\t".join(HEADER_VI),
    ]
    shifted: list[int] = []
    labels: list[dict[str, Any]] = []
    for stt, r in enumerate(emitted, start=1):
        name, label = _name_text(r, rng, noise)
        cells = [
            str(stt),
            name,
            _value(
                batch_text(
                    r["batch_no"], date.fromisoformat(r["batch_start"]), date.fromisoformat(r["batch_end"])
                ),
                rng,
                Noise(ocr_rate=noise.ocr_rate / 3),
            ),
            _value(STATUS_VI[r["status"]], rng, noise),
            _value(SECURITY_VI[r["source_code_security"]], rng, noise),
            _value(SECURITY_VI[r["system_security"]], rng, noise),
            _value(PV06_VI[r["pv06"]], rng, noise),
        ]
        if rng.random() < noise.shift_rate:
            if rng.random() < 0.5:
                cells.insert(rng.randint(2, 3), "")
            else:
                i = rng.choice((2, 5))  # batch<->status or system security<->pv06
                cells[i], cells[i + 1] = cells[i + 1], cells[i]
            shifted.append(len(lines) + 1)
        lines.append("\t".join(cells))
        labels.append({"line": len(lines), "code": r["code"], "name_noise": label})
    lines.append(
        "\t".join(
            [
                "Tổng cộng",
                f"{stated['provinces']} tỉnh, thành phố",
                "",
                f"Đang tiến hành devtest: {stated['devtest_in_progress']}; "
                f"Đã devtest xong: {stated['devtest_done']}; "
                f"Đã hoàn thành triển khai: {stated['completed']}",
                f"Đảm bảo ANTT mã nguồn: {stated['source_code_security']}",
                f"Đảm bảo ANTT hệ thống: {stated['system_security']}",
                f"Đã truy cập: {stated['accessed']}; Đã có máy: {stated['has_machine']}; "
                f"Chưa có máy: {stated['no_machine']}",
            ]
        )
    )
    lines.append("Ghi chú: số liệu do Công an các tỉnh, thành phố báo cáo")
    text = "\n".join(lines) + "\n"

    chosen = {r["code"]: r for r in kept}
    counted = {
        "provinces": len(chosen),
        **{k: sum(1 for r in chosen.values() if r["status"] == k) for k in STATUS_KEYS},
        "source_code_security": sum(1 for r in chosen.values() if r["source_code_security"]),
        "system_security": sum(1 for r in chosen.values() if r["system_security"]),
        **{k: sum(1 for r in chosen.values() if r["pv06"] == k) for k in PV06_KEYS},
    }
    truth = {
        "seed": seed,
        "profile": profile if isinstance(profile, str) else "custom",
        "missing": [truth_rows[i]["name"] for i in missing],
        "duplicates": sorted(kept[i]["name"] for i in repeated),
        "status_counts": {k: counted[k] for k in STATUS_KEYS},
        "pv06_counts": {k: counted[k] for k in PV06_KEYS},
        "stated_totals": stated,
        "mismatch_keys": sorted(k for k in stated if stated[k] != counted[k]),
        "summary_off": off_key,
        "shifted_lines": shifted,
        "rows": labels,
        "provinces": {
            r["code"]: {
                k: r[k] for k in ("batch_no", "status", "pv06", "source_code_security", "system_security")
            }
            for r in kept
        },
    }
    return text, truth
