"""Text normalisation for Vietnamese identity fields (pure functions).

- ``clean``: NFC, look-alike letters (U+00D0 -> Đ), apostrophes folded to ``'``, spaces collapsed,
  one tone-placement convention (old style: ``hoà`` -> ``hòa``, ``thuỷ`` -> ``thủy``).
- ``written_key``: ``clean`` + casefold (compare "as written").
- ``fold``: diacritic-free key (đ -> d), lower case, apostrophes dropped. Must equal the SQL
  function ``de06_fold`` (sql/dancu/010_identity_keys.sql).
- ``legacy_encoding``: detects TCVN3 / VNI / mis-decoded UTF-8 text, which is quarantined.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Vietnamese letters with marks -> base letter. The same two strings are in the SQL function.
VI_MARKED = (
    "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
    "ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ"
)
VI_PLAIN = (
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
    "AAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD"
)
assert len(VI_MARKED) == len(VI_PLAIN)
_FOLD_TABLE = str.maketrans(VI_MARKED, VI_PLAIN)

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_LOOKALIKES = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ", "\u0189": "Đ"})
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_OLD_STYLE_PAIR = re.compile(r"(oa|oe|uy)$")

# Characters no Vietnamese text contains but TCVN3 / VNI / UTF-8-read-as-Latin-1 text does.
_LEGACY_CHARS = frozenset("¡¢£¤¥¦§¨©ª«¬­®¯°±²³µ¶·¸¹º»¼½¾¿ÆÇËÎÏÑÖ×ØÜÞßäåæçëîïñöøûüþÿ")
# VNI writes a base vowel then a Latin-1 letter carrying the mark: "Nguyeãn" for "Nguyễn".
_VNI_PAIR = re.compile(r"(?i)(e[áàãâ]|a[âêåäãáà]|o[âô])")
# TCVN3 puts upper-case Latin-1 letters inside lower-case words: "NguyÔn".
_TCVN3_CASE = re.compile(r"[a-z][ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ]")


def legacy_encoding(text: str | None) -> bool:
    """True when the text looks like TCVN3, VNI or mis-decoded UTF-8 rather than Unicode."""
    if not text:
        return False
    if not _LEGACY_CHARS.isdisjoint(text):
        return True
    return bool(_VNI_PAIR.search(text) or _TCVN3_CASE.search(text))


@lru_cache(maxsize=100_000)
def _canon_tone_word(word: str) -> str:
    d = unicodedata.normalize("NFD", word)
    tones = [c for c in d if c in TONE_MARKS]
    if len(tones) != 1:
        return word
    base = unicodedata.normalize("NFC", "".join(c for c in d if c not in TONE_MARKS))
    low = base.lower()
    m = _OLD_STYLE_PAIR.search(low)
    if not m:
        return word
    start = m.start()
    if low.endswith("uy") and start > 0 and low[start - 1] == "q":
        return word  # "quý": u belongs to "qu"
    if low.endswith("oa") or low.endswith("oe"):
        if start > 0 and low[start - 1] == "u" and start >= 1 and low[:start].endswith("qu"):
            return word
    out = base[: start + 1] + tones[0] + base[start + 1 :]
    return unicodedata.normalize("NFC", out)


def canon_tones(text: str) -> str:
    """Old-style tone placement on open syllables ending in oa/oe/uy (hoà->hòa, thuỷ->thủy)."""
    return _WORD.sub(lambda m: _canon_tone_word(m.group(0)), text)


#: The Ê Đê / Mnông female prefix written apart: "H Hen Niê" is "H'Hen Niê" (identity.md section 5).
#: Only a leading bare H: Kinh names start with the family name, never with a lone letter.
_EDE_PREFIX_APART = re.compile(r"^([Hh]) (?=[^\W\d_])")


@lru_cache(maxsize=200_000)
def clean(text: str | None) -> str:
    """NFC, look-alikes, apostrophes, collapsed spaces, the Ê Đê prefix H' joined, canonical tone
    placement."""
    if text is None:
        return ""
    t = unicodedata.normalize("NFC", str(text)).translate(_LOOKALIKES).translate(_APOSTROPHES)
    t = _EDE_PREFIX_APART.sub(r"\1'", _SPACES.sub(" ", t).strip())
    return canon_tones(t)


@lru_cache(maxsize=200_000)
def written_key(text: str | None) -> str:
    """Key for comparing names as written (marks kept, case and spacing ignored)."""
    return clean(text).casefold()


_DJ = str.maketrans({"đ": "d", "Đ": "D", "\u00d0": "D", "\u00f0": "d"})
_NOT_KEY = re.compile(r"[^a-z0-9\s_,\-]")
_KEY_SEP = re.compile(r"[\s_,\-]+")


@lru_cache(maxsize=200_000)
def fold(text: str | None) -> str:
    """Diacritic-insensitive key: NFD, đ->d, lower case, only [a-z0-9] words separated by one space.

    Apostrophes and dots are dropped (H'Hen -> hhen). Same result as SQL ``de06_fold``.
    """
    t = unicodedata.normalize("NFD", text or "").translate(_DJ).lower()
    t = _KEY_SEP.sub(" ", _NOT_KEY.sub("", t))
    return t.strip()


@lru_cache(maxsize=200_000)
def has_marks(text: str | None) -> bool:
    """True when the text carries any Vietnamese diacritic (so 'as written' comparison is meaningful)."""
    t = clean(text)
    return t.translate(_FOLD_TABLE) != t


def tokens(text: str | None) -> list[str]:
    return fold(text).split()
